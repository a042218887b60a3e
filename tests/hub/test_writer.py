"""The one writer: a help call written by the event loop itself when the writer is idle
(queued behind the batch when it is not), the consoles told in ``seq`` order whichever
thread wrote, and the write-ahead log copied into the database off the writer."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
import websockets.sync.client as ws_client

from kiosk.hub import db as hubdb
from kiosk.hub.db import Writer
from tests.hub.conftest import Hub
from tests.hub.test_help_requests import call


def _whose_thread(db: sqlite_utils.Database) -> int:
    db.execute("INSERT INTO health_probe (id, at) VALUES (1, 'now')"
               " ON CONFLICT (id) DO UPDATE SET at = 'again'")
    return threading.get_ident()


def test_a_help_call_is_written_by_the_loop_when_the_writer_is_idle(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "hub.sqlite3")
    try:
        async def main() -> tuple[int, int]:
            return await writer.submit_here(_whose_thread), threading.get_ident()

        wrote, loop = asyncio.run(main())
        assert wrote == loop
    finally:
        writer.close()


def test_a_help_call_waits_its_turn_when_the_writer_is_busy(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "hub.sqlite3")
    inside, go_on = threading.Event(), threading.Event()

    def slow(db: sqlite_utils.Database) -> int:
        inside.set()
        go_on.wait(10)
        return threading.get_ident()

    try:
        busy = writer.submit(slow)
        assert inside.wait(10)

        async def main() -> tuple[int, int]:
            queued = writer.submit_here(_whose_thread)  # returns at once: the loop goes on
            go_on.set()
            return await queued, threading.get_ident()

        wrote, loop = asyncio.run(main())
        assert wrote == busy.result(10) != loop  # written by the writer, after its batch
    finally:
        go_on.set()
        writer.close()


def test_consoles_hear_every_change_once_and_in_order_whoever_wrote_it(hub: Hub) -> None:
    """Help calls (written by the loop) and heartbeats (by the writer thread) at once:
    a console that drops anything at or below the last seq it saw (as ours do) misses
    nothing."""
    url = hub.url.replace("http", "ws") + f"/api/v1/stream?token={hub.tokens['aicha']}"
    calls = [call() for _ in range(100)]
    beats, errors = 50, list[BaseException]()

    def heartbeats() -> None:
        try:
            with hub.client("k2") as k:
                for n in range(beats):
                    k.post("/kiosks/k2/heartbeat", json={"outbox": n}).raise_for_status()
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    with ws_client.connect(url, open_timeout=5) as ws, hub.client("k1") as k:
        beating = [threading.Thread(target=heartbeats, name=f"test-heartbeats-{n}")
                   for n in range(2)]
        for thread in beating:
            thread.start()
        for body in calls:
            assert k.post("/help-requests", json=body).status_code == 201
        for thread in beating:
            thread.join(30)
        expected = len(calls) + 2 * beats
        got: list[dict[str, Any]] = []
        while sum(1 for m in got if "request" in m) < expected:  # (and aicha coming on duty)
            got.append(json.loads(ws.recv(timeout=10)))
    assert not errors
    seqs = [m["seq"] for m in got]
    assert seqs == list(range(seqs[0], seqs[0] + len(got)))  # in order, no gap, none twice
    assert sorted(m["request"]["id"] for m in got if m["type"] == "help.created") == \
        sorted(c["id"] for c in calls)


def test_the_log_is_copied_into_the_database_off_the_writer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hubdb, "CHECKPOINT_SECONDS", 0.05)
    path = tmp_path / "hub.sqlite3"
    writer = Writer(path)
    try:
        writer.run(lambda db: db.execute(
            "INSERT INTO health_probe (id, at, pad) VALUES (1, 'now', zeroblob(1048576))"))
        pause, deadline = threading.Event(), time.monotonic() + 10
        while path.stat().st_size < 1048576 and time.monotonic() < deadline:
            pause.wait(0.02)
        assert path.stat().st_size >= 1048576  # in the database file, not only in the log
    finally:
        writer.close()
