"""The hub killed with SIGKILL twice while 20 kiosks send 1,000 help calls and 5,000
events through their outboxes: afterwards it holds exactly 1,000 and 5,000."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import httpx
import pytest

from kiosk.client.outbox import Outbox, plan, settle
from kiosk.hub import auth
from kiosk.hub.db import connect, migrate

KIOSKS = 20
CALLS = 50  # per kiosk
EVENTS = 250  # per kiosk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_hub(db: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "hub", "--db", str(db),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ready = threading.Event()
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            ready.wait(0.05)
    proc.kill()
    raise RuntimeError("the hub did not start")


def kiosk_run(name: str, token: str, outbox: Outbox, port: int, stop: threading.Event) -> None:
    """A kiosk's sender: deliver what is due, retry at once after a failure."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=2,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        while len(outbox) and not stop.is_set():
            for request in plan(outbox.due(limit=5)):  # small steps: kills land mid-way
                try:
                    r = client.request(request.method, request.path, json=request.body)
                    settle(outbox, request, r.status_code, r.text[:200])
                except httpx.HTTPError as exc:
                    settle(outbox, request, None, str(exc))
                    stop.wait(0.02)
            outbox.retry_now()


@pytest.mark.slow
def test_nothing_lost_nothing_doubled_through_two_sigkills(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite3"
    conn = connect(db)
    migrate(conn)
    with conn.atomic():
        tokens = {f"k{i}": auth.add_kiosk(conn, f"k{i}") for i in range(KIOSKS)}
    conn.close()
    outboxes = {}
    for name in tokens:
        box = Outbox(tmp_path / f"outbox-{name}.sqlite3")
        for _ in range(CALLS):
            rid = str(uuid.uuid4())
            box.put(rid, "help", "POST", "/help-requests",
                    {"id": rid, "kiosk_id": name, "language": "fr", "kind": "help"})
        for _ in range(EVENTS):
            eid = str(uuid.uuid4())
            box.put(eid, "event", "POST", "/events",
                    {"id": eid, "kiosk_id": name, "session_id": "s", "type": "step",
                     "at": "2026-11-23T10:00:00+00:00"})
        outboxes[name] = box
    total = KIOSKS * (CALLS + EVENTS)
    port = free_port()
    hub = start_hub(db, port)
    stop = threading.Event()
    threads = [threading.Thread(target=kiosk_run, args=(n, tokens[n], outboxes[n], port, stop))
               for n in tokens]
    for t in threads:
        t.start()
    pending_at_kill = []
    try:
        for fraction in (0.8, 0.4):  # kill when 20 %, then 60 % has been delivered
            waited = threading.Event()
            for _ in range(2000):
                if sum(len(b) for b in outboxes.values()) <= total * fraction:
                    break
                waited.wait(0.01)
            pending_at_kill.append(sum(len(b) for b in outboxes.values()))
            os.kill(hub.pid, signal.SIGKILL)
            hub.wait()
            hub = start_hub(db, port)
        for t in threads:
            t.join(timeout=120)
        assert all(not t.is_alive() for t in threads), "kiosks could not deliver"
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
        hub.terminate()
        hub.wait(timeout=10)
        for box in outboxes.values():
            box.close()
    assert all(0 < p < total for p in pending_at_kill), pending_at_kill  # killed mid-way
    conn = connect(db)
    assert conn.execute("SELECT COUNT(*) FROM help_requests").fetchone()[0] == KIOSKS * CALLS
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == KIOSKS * EVENTS
    conn.close()
