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
    assert config.get("admin_pin") == ""


@pytest.fixture
def layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The three settings files in private folders: the machine's, the user's, a named one."""
    files = {"system": tmp_path / "etc" / "settings.toml",
             "user": tmp_path / "home" / "settings.toml",
             "named": tmp_path / "named.toml"}
    for f in files.values():
        f.parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("KIOSK_SYSTEM_CONFIG_DIR", str(files["system"].parent))
    monkeypatch.setenv("KIOSK_CONFIG_DIR", str(files["user"].parent))
    return files


def test_each_source_beats_the_one_before(layers: dict[str, Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    layers["system"].write_text('kiosk_id = "etc"\nhub_port = 1\nlanguages = "fr"\n'
                                'stuck_after = 10\n')
    layers["user"].write_text('kiosk_id = "user"\nhub_port = 2\nlanguages = "fr,en"\n')
    layers["named"].write_text('kiosk_id = "named"\nhub_port = 3\n')
    monkeypatch.setenv("KIOSK_SETTINGS_FILE", str(layers["named"]))
    monkeypatch.setenv("KIOSK_KIOSK_ID", "env")
    values = config.resolve({"kiosk_id": None, "hub_port": None})  # None: option not given
    assert [(n, values[n].value, values[n].source) for n in
            ("kiosk_id", "hub_port", "languages", "stuck_after", "speech")] == [
        ("kiosk_id", "env", "environment (KIOSK_KIOSK_ID)"),
        ("hub_port", 3, str(layers["named"])),
        ("languages", "fr,en", str(layers["user"])),
        ("stuck_after", 10.0, str(layers["system"])),
        ("speech", True, "default")]
    on_top = config.resolve({"kiosk_id": "cli"})["kiosk_id"]
    assert (on_top.value, on_top.source) == ("cli", "command line")
    assert config.settings_files() == [layers["system"], layers["user"], layers["named"]]
    assert config.settings_file() == layers["named"]


def test_the_user_file_without_a_named_one(layers: dict[str, Path]) -> None:
    layers["user"].write_text("speech = false\n")
    assert config.settings_files() == [layers["system"], layers["user"]]
    value = config.resolve()["speech"]
    assert (value.value, value.source) == (False, str(layers["user"]))


def test_a_named_file_must_exist(layers: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_SETTINGS_FILE", str(layers["named"].with_name("missing.toml")))
    with pytest.raises(config.SettingsError, match="KIOSK_SETTINGS_FILE names .*missing.toml"):
        config.load()


@pytest.mark.parametrize(("text", "message"), [
    ("hub_port = ", "not valid TOML"),
    ('hub_port = "eighty"', "hub_port = 'eighty'"),
    ("kiosk_id = 1.5", "expected str, not float"),
    ("speech = 1.0", "expected bool"),
    ('hub_cert_sha256 = "12:34"', "64 hex digits"),
    ("languages = [1, 2]", "expected str, not list"),
])
def test_a_bad_file_names_itself_and_the_key(layers: dict[str, Path], text: str,
                                             message: str) -> None:
    layers["system"].write_text(text + "\n")
    with pytest.raises(config.SettingsError) as error:
        config.load()
    assert str(error.value).startswith(str(layers["system"]))
    assert message in str(error.value)


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("ON", True),
                                            ("0", False), ("no", False), ("off", False),
                                            ("", False)])
def test_booleans_from_the_environment(monkeypatch: pytest.MonkeyPatch, raw: str,
                                       value: bool) -> None:
    monkeypatch.setenv("KIOSK_SPEECH", raw)
    assert config.get("speech") is value


def test_a_bad_environment_value_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_SPEECH", "maybe")
    with pytest.raises(config.SettingsError, match=r"environment \(KIOSK_SPEECH\)"):
        config.load()


def test_unknown_keys_are_listed(layers: dict[str, Path]) -> None:
    layers["user"].write_text('hub_ur = "https://hub:8765"\nkiosk_id = "k"\n')
    assert config.unknown_keys() == [f"{layers['user']}: hub_ur"]
    assert config.get("kiosk_id") == "k"


def test_fingerprints() -> None:
    digits = "ab" * 32
    shown = config.format_sha256(digits)
    assert shown.startswith("AB:AB:")
    assert len(shown) == 95
    assert config.parse_sha256(shown) == digits
    assert config.parse_sha256(f" {digits.upper()} ") == digits
    for bad in ("", "ab" * 31, "zz" * 32, "ab" * 33):
        with pytest.raises(ValueError, match="64 hex digits"):
            config.parse_sha256(bad)


@pytest.mark.parametrize(("url", "problem"), [
    ("https://hub.office.lan:8765", None),
    ("https://192.168.1.10:8765/", None),
    ("http://127.0.0.1:8765", None),
    ("http://localhost:8765", None),
    ("http://[::1]:8765", None),
    ("http://192.168.1.10:8765", "refusing plain HTTP to 192.168.1.10"),
    ("http://hub.office.lan", "refusing plain HTTP to hub.office.lan"),
    ("ftp://hub", "must start with https://"),
    ("hub.office.lan:8765", "must start with https://"),
    ("https://hub:99999", "not valid"),
])
def test_hub_addresses(url: str, problem: str | None) -> None:
    found = config.hub_url_problem(url)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found
