"""``kiosk settings`` through click's CliRunner: every setting with its value, its source
and its help; the sources in their order; secrets hidden; bad files reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kiosk import config
from kiosk.cli import main


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    out = {"system": tmp_path / "etc" / "settings.toml",
           "user": tmp_path / "home" / "settings.toml",
           "named": tmp_path / "named.toml"}
    for f in out.values():
        f.parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("KIOSK_SYSTEM_CONFIG_DIR", str(out["system"].parent))
    monkeypatch.setenv("KIOSK_CONFIG_DIR", str(out["user"].parent))
    return out


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["settings", *args], env=env)


def as_json(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run("--json", *args, env=env)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_every_setting_with_its_default_and_help(files: dict[str, Path]) -> None:
    result = run()
    assert result.exit_code == 0, result.output
    for s in config.SETTINGS:
        assert f"\n{s.name} = " in result.stdout, s.name
        assert s.help in result.stdout, s.name
        assert s.env_var in result.stdout, s.name
    assert 'hub_host = "127.0.0.1"    # default' in result.stdout
    assert "speech = true    # default" in result.stdout
    assert f"{files['system']}  (none)" in result.stdout
    data = as_json()
    assert [s["name"] for s in data["settings"]] == [s.name for s in config.SETTINGS]
    assert {s["source"] for s in data["settings"]} == {"default"}


def test_sources_in_their_order(files: dict[str, Path]) -> None:
    files["system"].write_text('hub_url = "https://hub.office.lan:8765"\nkiosk_id = "etc"\n'
                               'hub_port = 1\n')
    files["user"].write_text('kiosk_id = "user"\nhub_port = 2\n')
    files["named"].write_text("hub_port = 3\n")
    env = {"KIOSK_SETTINGS_FILE": str(files["named"]), "KIOSK_KIOSK_ID": "from-env"}
    data = {s["name"]: s for s in as_json(env=env)["settings"]}
    assert (data["hub_url"]["value"], data["hub_url"]["source"]) == (
        "https://hub.office.lan:8765", str(files["system"]))
    assert (data["hub_port"]["value"], data["hub_port"]["source"]) == (3, str(files["named"]))
    assert (data["kiosk_id"]["value"], data["kiosk_id"]["source"]) == (
        "from-env", "environment (KIOSK_KIOSK_ID)")
    assert data["languages"]["source"] == "default"
    text = run("kiosk_id", "hub_port", env=env).stdout
    assert 'kiosk_id = "from-env"    # environment (KIOSK_KIOSK_ID)' in text
    assert f"hub_port = 3    # {files['named']}" in text
    assert "languages" not in text
    listed = as_json(env=env)["files"]
    assert listed == [{"path": str(files[k]), "exists": True} for k in ("system", "user", "named")]


def test_secrets_are_hidden_unless_asked(files: dict[str, Path]) -> None:
    files["user"].write_text('hub_token = "s3cret-token"\nadmin_pin = "2468"\n')
    text = run("hub_token", "admin_pin").stdout
    assert "s3cret-token" not in text
    assert "hub_token = (hidden, 12 characters)" in text
    assert "2468" not in text.split("admin_pin = ")[1].splitlines()[0]
    shown = as_json("hub_token", "--show-secrets")["settings"][0]
    assert shown["value"] == "s3cret-token"
    assert shown["source"] == str(files["user"])


def test_unknown_keys_are_warned_about(files: dict[str, Path]) -> None:
    files["system"].write_text('hub_ur = "https://hub:8765"\n')
    result = run("hub_url")
    assert result.exit_code == 0
    assert f"warning: {files['system']}: hub_ur is not a setting" in result.stderr
    assert as_json()["unknown"] == [f"{files['system']}: hub_ur"]


def test_a_bad_value_is_reported_with_its_place(files: dict[str, Path]) -> None:
    files["user"].write_text('hub_cert_sha256 = "not-a-fingerprint"\n')
    result = run()
    assert result.exit_code == 1
    assert f"{files['user']}: hub_cert_sha256" in result.output
    assert "64 hex digits" in result.output


def test_an_unknown_name_is_a_usage_error(files: dict[str, Path]) -> None:
    result = run("hub_ur")
    assert result.exit_code == 2
    assert "no such setting: hub_ur" in result.output


def test_the_pin_from_the_environment(files: dict[str, Path]) -> None:
    pin = "AB:" * 31 + "AB"
    data = as_json("hub_cert_sha256", env={"KIOSK_HUB_CERT_SHA256": pin})["settings"][0]
    assert (data["value"], data["source"]) == (pin, "environment (KIOSK_HUB_CERT_SHA256)")
