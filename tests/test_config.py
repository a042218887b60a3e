"""Settings are declared once, each documented, and read from env and file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import config


def test_every_setting_is_documented() -> None:
    for s in config.SETTINGS:
        assert s.help.strip().endswith("."), s.name
        assert isinstance(s.default, s.type), s.name
    names = [s.name for s in config.SETTINGS]
    assert len(names) == len(set(names))


def test_every_setting_is_listed_in_the_docs() -> None:
    """docs/settings.md is up to date (regenerate it with tools/settings_doc.py)."""
    doc = (Path(__file__).parents[1] / "docs" / "settings.md").read_text(encoding="utf-8")
    assert doc == config.markdown()


def test_environment_beats_file_beats_default(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "settings.toml"
    file.write_text('kiosk_id = "from-file"\ninactivity_seconds = 30\n')
    monkeypatch.setenv("KIOSK_SETTINGS_FILE", str(file))
    values = config.load()
    assert values["kiosk_id"] == "from-file"
    assert values["inactivity_seconds"] == 30.0
    monkeypatch.setenv("KIOSK_KIOSK_ID", "from-env")
    assert config.load()["kiosk_id"] == "from-env"
    assert config.load({"kiosk_id": "from-cli"})["kiosk_id"] == "from-cli"
    assert config.get("admin_pin") == "2468"
