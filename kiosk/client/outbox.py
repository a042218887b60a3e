"""The kiosk's outbox: help calls and events wait in a local SQLite file until the hub
has acknowledged them, across network cuts, hub restarts and kiosk restarts.

Each item has the id the hub uses to recognise a repeat (the help request's or the
event's UUID), so sending one twice is harmless: an item leaves the outbox only after a
2xx answer (or a 4xx that no retry can fix, which is logged, never retried forever).
No Qt here: the Qt sender and the test kiosks both drive it.
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
    body TEXT, created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0, last_error TEXT
)
"""
EVENT_BATCH = 500
MAX_BACKOFF_S = 30.0


@dataclass(frozen=True)
class Item:
    id: str
    kind: str  # help, cancel, event, heartbeat
    method: str
    path: str
    body: Any
    attempts: int


class Outbox:
    """A durable queue of requests for the hub (thread-safe)."""

    def __init__(self, path: Path, clock: Any = time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def put(self, item_id: str, kind: str, method: str, path: str, body: Any) -> None:
        """Queue a request; the same id twice keeps the first."""
        self.put_many([(item_id, kind, method, path, body)])

    def put_many(self, items: list[tuple[str, str, str, str, Any]]) -> None:
        """Queue several requests in one transaction (one disk sync, not one per item)."""
        now = self.clock()
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR IGNORE INTO items (id, kind, method, path, body, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(i, k, m, p, json.dumps(b), now) for i, k, m, p, b in items])
            self._db.execute("COMMIT")

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM items").fetchone()[0])

    def count(self, kind: str) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM items WHERE kind = ?",
                                        [kind]).fetchone()[0])

    def due(self, limit: int = 50) -> list[Item]:
        """Items whose time has come, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, kind, method, path, body, attempts FROM items WHERE next_try <= ?"
                " ORDER BY created_at LIMIT ?", [self.clock(), limit]).fetchall()
        return [Item(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]

    def done(self, ids: list[str]) -> None:
        """The hub has these: drop them (one transaction, so one disk sync for a batch)."""
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("DELETE FROM items WHERE id = ?", [[i] for i in ids])
            self._db.execute("COMMIT")

    def retry_later(self, ids: list[str], error: str) -> float:
        """Back off (exponential, with jitter, at most 30 s); returns the delay chosen."""
        delay = 0.0
        with self._lock:
            self._db.execute("BEGIN")
            for item_id in ids:
                row = self._db.execute("SELECT attempts FROM items WHERE id = ?",
                                       [item_id]).fetchone()
                if row is None:
                    continue
                attempts = row[0] + 1
                delay = min(MAX_BACKOFF_S, 0.5 * 2 ** min(attempts, 8)) * random.uniform(0.5, 1)
                self._db.execute("UPDATE items SET attempts = ?, next_try = ?, last_error = ?"
                                 " WHERE id = ?", [attempts, self.clock() + delay, error, item_id])
            self._db.execute("COMMIT")
        return delay

    def retry_now(self) -> None:
        """The connection is back: everything is due again."""
        with self._lock:
            self._db.execute("UPDATE items SET next_try = 0")


@dataclass(frozen=True)
class Request:
    """One HTTP request to make for a group of outbox items."""

    ids: list[str]
    method: str
    path: str
    body: Any


def plan(items: list[Item]) -> list[Request]:
    """Turn due items into requests: events go in batches, the rest one by one, in order."""
    requests: list[Request] = []
    events = [i for i in items if i.kind == "event"]
    for i in items:
        if i.kind != "event":
            requests.append(Request([i.id], i.method, i.path, i.body))
    for start in range(0, len(events), EVENT_BATCH):
        chunk = events[start:start + EVENT_BATCH]
        requests.append(Request([e.id for e in chunk], "POST", "/events", [e.body for e in chunk]))
    return requests


def settle(outbox: Outbox, request: Request, status: int | None, error: str = "") -> bool:
    """Record the hub's answer to a request; True when the items left the outbox."""
    if status is not None and (200 <= status < 300 or status in (404, 409, 422)):
        if status == 409 and request.path.endswith("/cancel"):  # a mediator finished first
            log.info("a cancel came after the call ended (%s): %s", request.path, error)
        elif status >= 400:  # the hub will never accept it: keep a trace, stop retrying
            log.error("hub refused %s %s (%s): %s", request.method, request.path, status, error)
        outbox.done(request.ids)
        return True
    outbox.retry_later(request.ids, error or f"HTTP {status}")
    return False
