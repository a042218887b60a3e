"""A hub whose disk fills up: every help call it answered 201 reaches a connected console
exactly once (live and after a reconnect), the calls it could not store are answered 503
(never 500) and stored once the kiosk sends them again, no stream message exists for a
change that was not committed, sequence numbers are never given twice, and /health says
503 with the reason until writing works again. A damaged database is refused at start.

The disk is filled two ways: SQLite's own page limit on the writer's connection (an
injected "database or disk is full", runs anywhere), and a real 8 MiB tmpfs filled with
a file (needs root, as on CI)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets.sync.client as ws_client
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.hub.store import Store
from tests.hub.conftest import Hub, make_hub
from tests.hub.test_help_requests import call


def store_of(hub: Hub) -> Store:
    app: Any = hub.server.server.config.loaded_app
    while not hasattr(app, "state"):
        app = app.app
    return app.state.store  # type: ignore[no-any-return]


def stream(hub: Hub, since: int | None = None) -> Any:
    url = hub.url.replace("http", "ws") + f"/api/v1/stream?token={hub.tokens['aicha']}"
    return ws_client.connect(url + (f"&since={since}" if since is not None else ""),
                             open_timeout=5)


def drain(ws: Any, until_ids: set[str]) -> list[dict[str, Any]]:
    """Messages until every id in ``until_ids`` was created (and a little more)."""
    got: list[dict[str, Any]] = []
    seen: set[str] = set()
    while not until_ids <= seen:
        message = json.loads(ws.recv(timeout=10))
        if "request" in message:  # (not aicha coming on duty: presence.changed)
            got.append(message)
            seen.add(message["request"]["id"])
    with contextlib.suppress(TimeoutError):
        while True:
            message = json.loads(ws.recv(timeout=0.3))
            if "request" in message:
                got.append(message)
    return got


def post_until_refused(k: httpx.Client, most: int = 400) -> tuple[list[str], list[dict[str, Any]]]:
    """Help calls until the hub refuses some: (ids stored, bodies refused)."""
    stored: list[str] = []
    refused: list[dict[str, Any]] = []
    for _ in range(most):
        body = call(step_id="weigh-" + uuid.uuid4().hex[:40])
        answer = k.post("/help-requests", json=body)
        assert answer.status_code in (201, 503), answer.text  # never 500
        if answer.status_code == 201:
            stored.append(body["id"])
        else:
            assert "try again" in answer.json()["detail"]
            refused.append(body)
            if len(refused) >= 5:
                break
    return stored, refused


def check_console_saw_each_once(messages: list[dict[str, Any]], stored: set[str]) -> None:
    created = [m["request"]["id"] for m in messages if m["type"] == "help.created"]
    assert sorted(created) == sorted(stored)  # each stored call once, nothing else
    seqs = [m["seq"] for m in messages]
    assert seqs == sorted(set(seqs))  # increasing, never given twice


def test_injected_full_disk_loses_and_doubles_nothing(hub: Hub) -> None:
    store = store_of(hub)
    with hub.client("k1") as k, stream(hub) as console:
        before = [k.post("/help-requests", json=call()).json()["id"] for _ in range(3)]
        pages = store.writer.run(lambda db: db.execute("PRAGMA page_count").fetchone()[0])
        store.writer.run(lambda db: db.execute(f"PRAGMA max_page_count = {pages}"))
        stored, refused = post_until_refused(k)
        assert refused, "the full disk was never reached"
        health = k.get("/health")
        assert health.status_code == 503
        assert "full" in health.json()["db"]
        store.writer.run(lambda db: db.execute("PRAGMA max_page_count = 1073741823"))
        assert k.get("/health").status_code == 200  # writing works again: said at once
        for body in refused:  # the kiosk's outbox sends them again
            assert k.post("/help-requests", json=body).status_code == 201
        everything = {*before, *stored, *(b["id"] for b in refused)}
        live = drain(console, everything)
    check_console_saw_each_once(live, everything)
    with stream(hub, since=0) as again:  # and a console that reconnects from the start
        check_console_saw_each_once(drain(again, everything), everything)
    with hub.client("aicha") as a:
        listed = {r["id"] for r in a.get("/help-requests").json()["items"]}
    assert listed == everything


def test_sequence_numbers_are_not_given_twice_after_a_failed_commit(hub: Hub) -> None:
    store = store_of(hub)
    with hub.client("k1") as k, stream(hub) as console:
        first = call()
        k.post("/help-requests", json=first)
        pages = store.writer.run(lambda db: db.execute("PRAGMA page_count").fetchone()[0])
        store.writer.run(lambda db: db.execute(f"PRAGMA max_page_count = {pages}"))
        _, refused = post_until_refused(k)
        store.writer.run(lambda db: db.execute("PRAGMA max_page_count = 1073741823"))
        after = call()
        k.post("/help-requests", json=after)
        messages = drain(console, {first["id"], after["id"]})
    by_id = {m["request"]["id"]: m["seq"] for m in messages}
    # the refused calls used numbers that were rolled back: the next one is past them
    assert by_id[after["id"]] > by_id[first["id"]] + 1
    assert not {b["id"] for b in refused} & set(by_id)


# -- a real full disk ----------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    # unbuffered, and the file closed inside suppress: nothing left to flush (and fail) after
    with contextlib.suppress(OSError), filler.open("wb", buffering=0) as out:
        while True:
            out.write(b"\0" * 65536)
    return filler


def test_a_real_full_disk_loses_and_doubles_nothing(small_disk: Path) -> None:
    hub = make_hub(small_disk / "hub.sqlite3")
    try:
        with hub.client("k1") as k, stream(hub) as console:
            before = [k.post("/help-requests", json=call()).json()["id"] for _ in range(3)]
            filler = fill(small_disk)
            stored, refused = post_until_refused(k, most=2000)
            assert refused, "the full disk was never reached"
            health = k.get("/health")
            assert health.status_code == 503, health.text
            filler.unlink()
            assert k.get("/health").status_code == 200
            for body in refused:
                assert k.post("/help-requests", json=body).status_code == 201
            everything = {*before, *stored, *(b["id"] for b in refused)}
            live = drain(console, everything)
        check_console_saw_each_once(live, everything)
        with stream(hub, since=0) as again:
            check_console_saw_each_once(drain(again, everything), everything)
    finally:
        hub.server.stop()


# -- a damaged database -------------------------------------------------------------------
def test_a_damaged_database_is_refused_at_start_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "hub.sqlite3"
    bad.write_bytes(b"SQLite format 3\0" + os.urandom(8192))
    result = CliRunner().invoke(main, ["hub", "--db", str(bad)])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any(str(bad) in line and "damaged" in line for line in lines), lines


def test_a_file_that_is_no_database_is_refused_too(tmp_path: Path) -> None:
    bad = tmp_path / "hub.sqlite3"
    bad.write_text("these are not the rows you are looking for\n" * 300)
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "hub", "--db", str(bad),
                           "--port", "0"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert "not a database" in done.stderr
