"""``kiosk doctor --role hub|kiosk|staff``: a healthy hub (a real one on 127.0.0.1, HTTPS
with a certificate made by make-cert) passes, and each fault is named with its fix: a
damaged database, a certificate near or past its end, no hub listening, a stale backup.
The JSON shape; a hub-only install (no PySide6) runs the hub role and gets one line for
the kiosk role; the kiosk's real display (none here: said, not faked); the staff PC's
view of the hub."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kiosk import config
from kiosk.cli import main
from kiosk.doctor import Check, hub, run_checks, screen
from kiosk.doctor import kiosk as kiosk_role
from kiosk.hub import tls
from kiosk.hub.db import connect, migrate
from tests.hub.conftest import Hub, make_hub
from tests.test_cli import _WITHOUT_APPS  # the same stand-in for a hub-only install

APPS_INSTALL = "pip install 'guichet-kiosk[apps]'"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tls.CertFiles:
    return tls.make_cert(tmp_path_factory.mktemp("tls"), ["localhost", "127.0.0.1"])


@pytest.fixture
def https_hub(tmp_path: Path, certs: tls.CertFiles) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3", cert_file=certs.cert, key_file=certs.key)
    yield h
    h.server.stop()


def _backup(db: Path, folder: Path) -> Path:
    result = CliRunner().invoke(main, ["hub", "--db", str(db), "backup", "--to", str(folder)])
    assert result.exit_code == 0, result.output
    return Path(result.stdout.strip())


def _hub_settings(h: Hub, certs: tls.CertFiles, backups: Path) -> dict[str, Any]:
    return {**config.load(), "hub_db": str(h.db), "hub_host": "127.0.0.1",
            "hub_port": h.server.port, "hub_cert_file": str(certs.cert),
            "hub_key_file": str(certs.key), "hub_backup_dir": str(backups)}


def _env(settings: dict[str, Any]) -> dict[str, str]:
    return {f"KIOSK_{name.upper()}": str(settings[name]) for name in
            ("hub_db", "hub_host", "hub_port", "hub_cert_file", "hub_key_file", "hub_backup_dir")}


def _by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def _settings(**values: Any) -> dict[str, Any]:
    return {**config.load(), **values}


# -- the hub role ----------------------------------------------------------------------------
def test_a_healthy_hub_passes(https_hub: Hub, certs: tls.CertFiles, tmp_path: Path) -> None:
    _backup(https_hub.db, tmp_path / "backups")
    checks = run_checks(_hub_settings(https_hub, certs, tmp_path / "backups"), "hub")
    assert [c.name for c in checks] == ["database", "free disk", "certificate",
                                        "certificate names", "listening", "backup", "clock"]
    found = _by_name(checks)
    for name in ("database", "certificate", "certificate names", "listening", "backup"):
        assert found[name].status == "ok", found[name]
    assert not [c for c in checks if c.status == "fail"], checks  # the disk, the clock: not here
    assert "integrity ok" in found["database"].detail
    assert certs.sha256 in found["certificate"].detail
    assert found["certificate names"].detail == "localhost, 127.0.0.1"
    assert f"https://127.0.0.1:{https_hub.server.port}" in found["listening"].detail
    assert "0 h old" in found["backup"].detail
    assert not [c.name for c in checks if c.name in ("display", "audio output", "apps")]


def test_the_hub_role_on_the_command_line_and_as_json(https_hub: Hub, certs: tls.CertFiles,
                                                      tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _backup(https_hub.db, tmp_path / "backups")
    for name, value in _env(_hub_settings(https_hub, certs, tmp_path / "backups")).items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["doctor", "--role", "hub", "--json"])
    assert result.exit_code == 0, result.output
    checks = json.loads(result.stdout)
    assert isinstance(checks, list)
    for check in checks:
        assert set(check) == {"name", "status", "detail", "fix"}
        assert check["status"] in ("ok", "warn", "fail")
    assert [c["name"] for c in checks][0] == "database"
    text = CliRunner().invoke(main, ["doctor", "--role", "hub"])
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines()[0].startswith("ok    database")


def test_a_damaged_database_fails_with_the_restore_fix(tmp_path: Path) -> None:
    db = connect(tmp_path / "hub.sqlite3")
    migrate(db)
    db["events"].insert_all({"id": f"e{i}", "kiosk_id": "k1", "type": "step", "at": "2026-11-02",
                             "received_at": "2026-11-02", "data": "x" * 200} for i in range(2000))
    db.close()  # the log folded into the file
    damaged = tmp_path / "copy.sqlite3"
    data = bytearray((tmp_path / "hub.sqlite3").read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8192] = b"garbage!" * 1024
    damaged.write_bytes(bytes(data))

    good = hub.database_checks(_settings(hub_db=str(tmp_path / "hub.sqlite3")))
    assert good[0].status == "ok", good
    bad = hub.database_checks(_settings(hub_db=str(damaged)))
    assert bad[0].status == "fail"
    assert f"{damaged} is damaged" in bad[0].detail
    assert "restore the last backup" in bad[0].fix
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite3", "hub.sqlite3"]  # no -wal


def test_a_missing_database_is_named(tmp_path: Path) -> None:
    (check,) = hub.database_checks(_settings(hub_db=str(tmp_path / "none.sqlite3")))
    assert check.status == "fail"
    assert "no database at" in check.detail
    assert "hub_db" in check.fix


def _cert_settings(made: tls.CertFiles, host: str = "127.0.0.1") -> dict[str, Any]:
    return _settings(hub_host=host, hub_cert_file=str(made.cert), hub_key_file=str(made.key))


def test_a_certificate_near_its_end_warns_and_an_expired_one_fails(tmp_path: Path) -> None:
    near = tls.make_cert(tmp_path, ["hub.office.lan", "127.0.0.1"], days=10)
    soon = _by_name(hub.certificate_checks(_cert_settings(near)))["certificate"]
    assert soon.status == "warn"
    assert "expires in 9 day(s)" in soon.detail or "expires in 10 day(s)" in soon.detail
    assert "kiosk hub renew-cert" in soon.fix
    gone = _by_name(hub.certificate_checks(_cert_settings(near), now=time.time() + 11 * 86400))
    assert gone["certificate"].status == "fail"
    assert "expired on" in gone["certificate"].detail
    assert "kiosk hub renew-cert" in gone["certificate"].fix
    assert gone["certificate names"].detail == "hub.office.lan, 127.0.0.1"


def test_no_certificate_or_a_wrong_key_is_named(tmp_path: Path, certs: tls.CertFiles) -> None:
    plain = _settings(hub_host="0.0.0.0", hub_cert_file="", hub_key_file="")
    (none,) = hub.certificate_checks(plain)
    assert none.status == "fail"
    assert "refuses plain HTTP" in none.detail
    assert "make-cert" in none.fix
    assert hub.certificate_checks({**plain, "hub_host": "127.0.0.1"})[0].status == "ok"
    other = tls.make_cert(tmp_path, ["localhost"])
    mixed = _settings(hub_host="0.0.0.0", hub_cert_file=str(certs.cert), hub_key_file=str(other.key))
    (wrong,) = hub.certificate_checks(mixed)
    assert wrong.status == "fail"
    assert "do not go together" in wrong.detail


def test_loopback_names_on_a_network_hub_warn(certs: tls.CertFiles) -> None:
    names = _by_name(hub.certificate_checks(_cert_settings(certs, host="0.0.0.0")))
    assert names["certificate names"].status == "warn"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_no_hub_listening_is_named() -> None:
    port = _free_port()
    (check,) = hub.listening_checks(_settings(hub_host="127.0.0.1", hub_port=port, hub_cert_file=""))
    assert check.status == "fail"
    assert check.detail == f"no hub answers on 127.0.0.1:{port} (the port is free)"
    assert "systemctl start guichet-kiosk-hub" in check.fix


def test_a_port_held_by_another_program_is_named() -> None:
    with socket.socket() as holder:  # bound, not listening: refuses connections, holds the port
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
        (check,) = hub.listening_checks(_settings(hub_host="127.0.0.1", hub_port=port,
                                                  hub_cert_file=""))
    assert check.status == "fail"
    assert "another program holds the port" in check.detail
    assert f"sport = :{port}" in check.fix


def test_a_renewed_certificate_is_served_once_the_hub_restarts(tmp_path: Path) -> None:
    pair = tls.make_cert(tmp_path / "tls", ["localhost", "127.0.0.1"])
    h = make_hub(tmp_path / "hub.sqlite3", cert_file=pair.cert, key_file=pair.key)
    try:
        settings = _settings(hub_host="127.0.0.1", hub_port=h.server.port,
                             hub_cert_file=str(pair.cert))
        assert [c.status for c in hub.listening_checks(settings)] == ["ok"]
        renewed = tls.renew_cert(pair.cert, pair.key)
        found = _by_name(hub.listening_checks(settings))
    finally:
        h.server.stop()
    assert found["listening"].status == "ok"
    assert found["served certificate"].status == "warn"
    assert f"the hub serves {pair.sha256}, not {pair.cert}" in found["served certificate"].detail
    assert renewed.sha256 in found["served certificate"].detail
    assert "systemctl restart guichet-kiosk-hub" in found["served certificate"].fix


def test_every_failure_of_a_broken_hub_says_what_to_do(tmp_path: Path) -> None:
    settings = _settings(hub_db=str(tmp_path / "none.sqlite3"), hub_host="0.0.0.0",
                         hub_port=_free_port(), hub_cert_file="", hub_key_file="",
                         hub_backup_dir=str(tmp_path / "none"))
    checks = run_checks(settings, "hub")
    failed = {c.name for c in checks if c.status == "fail"}
    assert failed == {"database", "certificate", "listening"}
    assert all(c.fix for c in checks if c.status != "ok"), checks


def _named(folder: Path, hours_ago: float) -> Path:
    import datetime as dt

    when = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_ago)
    path = folder / f"hub-{when:%Y%m%dT%H%M%S.%f}Z.sqlite3"
    path.write_bytes(b"")
    return path


def test_the_last_backup_s_age(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    settings = _settings(hub_backup_dir=str(folder))
    (missing,) = hub.backup_checks(settings)
    assert missing.status == "warn"
    assert "no backup folder" in missing.detail
    assert "guichet-kiosk-hub-backup.timer" in missing.fix
    folder.mkdir()
    (none,) = hub.backup_checks(settings)
    assert none.status == "warn"
    assert "no backup in" in none.detail
    old = _named(folder, 30)
    (stale,) = hub.backup_checks(settings)
    assert stale.status == "warn"
    assert f"the newest is 30 hours old: {old}" == stale.detail
    assert "journalctl -u guichet-kiosk-hub-backup" in stale.fix
    _named(folder, 1)
    (fresh,) = hub.backup_checks(settings)
    assert fresh.status == "ok"
    assert "1 h old (2 in" in fresh.detail
    (later,) = hub.backup_checks(settings, now=time.time() + 26 * 3600)
    assert later.status == "warn"


@pytest.mark.parametrize(("synced", "status"), [(True, "ok"), (False, "warn"), (None, "warn")])
def test_the_clock(synced: bool | None, status: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub, "ntp_synchronized", lambda: synced)
    (check,) = hub.clock_checks({})
    assert check.status == status
    if synced is None:
        assert check.detail.startswith("unknown")


def _without_apps(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _WITHOUT_APPS, "doctor", *args],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, **(env or {})})


def test_the_hub_role_runs_without_the_apps(https_hub: Hub, certs: tls.CertFiles,
                                            tmp_path: Path) -> None:
    _backup(https_hub.db, tmp_path / "backups")
    done = _without_apps("--role", "hub", "--json",
                         env=_env(_hub_settings(https_hub, certs, tmp_path / "backups")))
    assert done.returncode == 0, done.stdout + done.stderr
    checks = _by_name([Check(**c) for c in json.loads(done.stdout)])
    assert checks["database"].status == "ok"
    assert checks["listening"].status == "ok"
    assert "apps" not in checks


def test_the_kiosk_role_without_the_apps_says_what_to_install() -> None:
    done = _without_apps("--json", env={"KIOSK_ADMIN_PIN": "97531"})
    assert done.returncode == 1
    checks = [Check(**c) for c in json.loads(done.stdout)]
    failed = [c for c in checks if c.status == "fail"]
    assert [c.name for c in failed] == ["apps"]  # one line, not one per Qt check
    assert failed[0].fix == APPS_INSTALL
    assert "PySide6" in failed[0].detail
    assert {"hub", "free disk", "admin PIN"} <= {c.name for c in checks}  # the rest still runs


# -- the kiosk and staff roles ---------------------------------------------------------------
def test_the_display_is_read_only_where_there_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    assert screen.display_problem({}, "kiosk") == ("no display here (run on the kiosk's screen, "
                                                   "or with DISPLAY=:0)")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        assert screen.display_problem({name: ":0"}, "kiosk") is None
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    checks = kiosk_role.qt_checks(_settings(languages="fr,ar"))
    assert checks[0] == Check("display", "warn", "no display here (run on the kiosk's screen, "
                                                 "or with DISPLAY=:0)")
    assert [(c.name, c.status) for c in checks[1:]] == [("font (fr)", "ok"), ("font (ar)", "ok")]
    assert not [c for c in checks if "800x800" in c.detail]  # no offscreen stand-in


def test_an_offscreen_platform_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    (check,) = screen.screen_checks("kiosk")
    assert check.status == "warn"
    assert check.detail.startswith("offscreen")


def test_a_display_qt_cannot_open_fails_without_stopping_the_report(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":77")
    (check,) = screen.screen_checks("kiosk")
    assert check.status == "fail"
    assert check.detail.startswith("Qt cannot open the display :77")
    assert "DISPLAY" in check.fix


@pytest.mark.parametrize(("pin", "status"), [("2468", "warn"), ("", "fail"), ("7391", "ok")])
def test_the_admin_pin(pin: str, status: str) -> None:
    (check,) = kiosk_role.pin_checks({"admin_pin": pin})
    assert check.status == status
    if pin == "2468":
        assert check.fix == "change admin_pin: the default is printed in the guides"


def test_a_staff_pc_checks_the_hub_without_a_token(https_hub: Hub, certs: tls.CertFiles) -> None:
    settings = _settings(hub_url=https_hub.url, hub_cert_sha256=certs.sha256, hub_token="")
    checks = run_checks(settings, "staff")
    assert [c.name for c in checks] == ["display", "font (fr)", "font (en)", "tls", "hub", "clock"]
    found = _by_name(checks)
    for name in ("font (fr)", "font (en)", "tls", "hub", "clock"):
        assert found[name].status == "ok", found[name]
    (none,) = run_checks(_settings(hub_url=""), "staff")[3:]
    assert none.status == "fail"
    assert "hub_url" in none.fix
