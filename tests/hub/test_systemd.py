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
