"""The hub tells systemd it is ready and alive, through a real unix datagram socket
standing in for systemd's NOTIFY_SOCKET."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from kiosk.hub import systemd


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    """A datagram socket bound where systemd would put it, with its address."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(20)
    yield sock, str(path)
    sock.close()


def test_notify_sends_one_datagram(listener: tuple[socket.socket, str]) -> None:
    sock, path = listener
    assert systemd.notify("READY=1\nSTATUS=listening", {"NOTIFY_SOCKET": path})
    assert sock.recv(4096) == b"READY=1\nSTATUS=listening"


def test_notify_reaches_an_abstract_socket() -> None:
    name = f"kiosk-test-notify-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(20)
        assert systemd.notify("WATCHDOG=1", {"NOTIFY_SOCKET": "@" + name})
        assert sock.recv(4096) == b"WATCHDOG=1"


def test_outside_systemd_nothing_happens(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert not systemd.notify("READY=1", {})
    assert not systemd.notify("READY=1", {"NOTIFY_SOCKET": "vsock:2:1234"})
    # a socket nobody listens on: a warning, never an exception that would stop the hub
    assert not systemd.notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "gone")})
    assert "cannot notify systemd" in caplog.text


def test_watchdog_period_is_half_the_timeout_for_this_process_only() -> None:
    assert systemd.watchdog_period({"WATCHDOG_USEC": "30000000"}) == 15.0
    pid = str(os.getpid())
    assert systemd.watchdog_period({"WATCHDOG_USEC": "4000000", "WATCHDOG_PID": pid}) == 2.0
    assert systemd.watchdog_period({"WATCHDOG_USEC": "4000000", "WATCHDOG_PID": "1"}) is None
    assert systemd.watchdog_period({}) is None
    assert systemd.watchdog_period({"WATCHDOG_USEC": "soon"}) is None


def test_attach_sends_ready_once_then_pings(listener: tuple[socket.socket, str]) -> None:
    sock, path = listener
    config = uvicorn.Config(app=None)
    assert systemd.attach(config, "listening on 127.0.0.1:1",
                          {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"})
    assert config.timeout_notify == 14  # under the 15 s period: uvicorn checks each second
    assert config.callback_notify is not None
    for _ in range(3):
        asyncio.run(config.callback_notify())
    assert sock.recv(4096) == b"READY=1\nSTATUS=listening on 127.0.0.1:1"
    assert sock.recv(4096) == b"WATCHDOG=1"
    assert sock.recv(4096) == b"WATCHDOG=1"


def test_attach_without_systemd_leaves_uvicorn_alone() -> None:
    config = uvicorn.Config(app=None)
    assert not systemd.attach(config, "x", {})
    assert config.callback_notify is None


def test_kiosk_hub_is_ready_when_it_answers_then_pings(tmp_path: Path,
                                                      listener: tuple[socket.socket, str]) -> None:
    """``kiosk hub`` as systemd starts it: READY=1 comes once the port answers, then the
    watchdog pings follow (a 2 s watchdog: one ping a second)."""
    sock, path = listener
    env = {**os.environ, "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"}
    env.pop("WATCHDOG_PID", None)
    hub = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "hub", "--db",
                            str(tmp_path / "hub.sqlite3"), "--host", "127.0.0.1", "--port", "0"],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        ready = sock.recv(4096).decode()
        found = re.fullmatch(r"READY=1\nSTATUS=listening on 127\.0\.0\.1:(\d+)", ready)
        assert found, ready
        health = httpx.get(f"http://127.0.0.1:{found.group(1)}/api/v1/health", timeout=10)
        assert health.status_code == 200
        assert sock.recv(4096) == b"WATCHDOG=1"
        assert sock.recv(4096) == b"WATCHDOG=1"
    finally:
        hub.send_signal(signal.SIGTERM)
        _, err = hub.communicate(timeout=20)
    assert "Traceback" not in err, err


# -- what the hub's unit does with each way `kiosk hub` can stop ------------------------------
UNIT = Path(__file__).resolve().parents[2] / "packaging" / "systemd" / "guichet-kiosk-hub.service"


def _unit_setting(key: str) -> str:
    found = re.findall(rf"^{key}=(.*)$", UNIT.read_text(encoding="utf-8"), re.M)
    assert found, f"{key} is not in {UNIT.name}"
    return str(found[-1]).strip()


def _hub_exit(tmp_path: Path, *args: str, **env: str) -> tuple[int, str]:
    """``kiosk hub`` that cannot start: its exit status and its last message line."""
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "hub", *args],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=60, check=False, cwd=tmp_path)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stderr.strip().splitlines()[-1]


def test_the_unit_does_not_restart_a_hub_that_a_restart_cannot_cure(tmp_path: Path) -> None:
    """Exit status 2 (a usage error: a bad setting, the certificate) and 3 (a damaged
    database) and 78 (a bad settings file) are in RestartPreventExitStatus=; 1 (a crash) is
    not: the start limit stops a hub that keeps failing."""
    from kiosk.config import CONFIG_EXIT
    from kiosk.hub.cli import DAMAGED_EXIT

    prevented = set(_unit_setting("RestartPreventExitStatus").split())
    db = str(tmp_path / "hub.sqlite3")

    status, said = _hub_exit(tmp_path, "--db", db, "--port", "0",
                             KIOSK_HUB_TIMEZONE="Mars/Olympus")
    assert (status, "hub_timezone" in said) == (2, True)
    status, said = _hub_exit(tmp_path, "--db", db, "--host", "0.0.0.0", "--port", "0")
    assert (status, "plain HTTP" in said) == (2, True)
    assert "2" in prevented

    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\0" + bytes(range(256)) * 8)
    status, said = _hub_exit(tmp_path, "--db", str(damaged), "--port", "0")
    assert (status, "restore the last backup" in said) == (DAMAGED_EXIT, True)
    assert str(DAMAGED_EXIT) in prevented

    settings = tmp_path / "settings.toml"
    settings.write_text("hub_port = [\n")
    status, said = _hub_exit(tmp_path, "--db", db, "--port", "0",
                             KIOSK_SETTINGS_FILE=str(settings))
    assert (status, "not valid TOML" in said) == (CONFIG_EXIT, True)
    assert str(CONFIG_EXIT) in prevented
    assert "1" not in prevented  # a crash: restarted
    assert int(_unit_setting("StartLimitIntervalSec")) > 0
    assert int(_unit_setting("StartLimitBurst")) > 1


def test_a_port_in_use_is_one_line_and_a_crash_s_status(tmp_path: Path) -> None:
    """Another program on the hub's port: one line saying so (no traceback), exit 1, which
    the unit restarts (the other program may go)."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        status, said = _hub_exit(tmp_path, "--db", str(tmp_path / "hub.sqlite3"),
                                 "--port", str(port))
    assert status == 1
    assert said == (f"kiosk hub: cannot listen on 127.0.0.1:{port}: it is in use (another hub, "
                    "or another program: 'ss -ltnp' shows which).")
