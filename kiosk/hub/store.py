"""The hub's state and its rules: help requests and their states, events, kiosks.

Every change is written with a stream entry (``seq``, ``type``, the request) in the same
transaction. Consoles are told once the transaction is committed (the entries go to the
``on_written`` callback, the WebSocket stream, right after the commit and before the
fsync, as DESIGN.md allows), while the caller (a kiosk) is answered only once the commit
is durable. A batch that fails to commit (a full disk) tells nobody anything. Sequence
numbers are given by the writer and never given twice, even when a commit fails, so a
console that has seen N never skips a real N+1. A console that reconnects asks for what
it missed with ``?since=N`` and gets exactly that.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from kiosk.hub.auth import now_iso
from kiosk.hub.db import Readers, Writer

STATUSES = ("queued", "claimed", "resolved", "cancelled")
OUTCOMES = ("helped", "sent-to-counter", "workshop", "left", "other")
KINDS = ("help", "workshop")
ONLINE_SECONDS = 30
DEAD_LETTER_BYTES = 4096
_KIOSKS = ("SELECT k.*, (SELECT COUNT(*) FROM dead_letters d WHERE d.kiosk_id = k.name)"
           " AS refused FROM kiosks k")
StreamEntry = dict[str, Any]
T = TypeVar("T")


class Conflict(Exception):
    """The request is not in a state that allows this (HTTP 409)."""


class NotFound(Exception):
    """No such request (HTTP 404)."""


class Forbidden(Exception):
    """This caller may not do this to this request (HTTP 403)."""


@dataclass
class Change:
    request: dict[str, Any]
    created: bool = False


def _row(db: sqlite_utils.Database, request_id: str) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM help_requests WHERE id = ?", [request_id]))
    if not rows:
        raise NotFound(request_id)
    return rows[0]


class Store:
    """The hub's operations. Writes return a future that resolves once the change is
    committed (durable); reads answer at once from the calling thread's connection."""

    def __init__(self, path: Path, on_written: Callable[[list[StreamEntry]], None] | None = None,
                 ) -> None:
        self.path = path
        self.on_written = on_written
        self._pending: list[StreamEntry] = []  # of the operation running (writer thread)
        self._batch: list[StreamEntry] = []  # of the batch being written (writer thread)
        self._next_seq = 0  # 0: read from the database at the first entry (writer thread)
        self.writer = Writer(path, on_commit=self._committed)
        self.readers = Readers(path)

    def close(self) -> None:
        self.writer.close()
        self.readers.close()

    # -- stream --------------------------------------------------------------------
    def emit(self, db: sqlite_utils.Database, kind: str, payload: dict[str, Any]) -> int:
        """Log a stream entry in the current transaction; consoles hear of it once the
        operation has run. The payload goes under ``request`` (help.*, kiosk.*) or
        ``flow`` (flow.*), see :func:`message`."""
        if not self._next_seq:
            last = db.execute("SELECT MAX(seq) FROM stream").fetchone()[0]
            self._next_seq = int(last or 0) + 1
        seq, self._next_seq = self._next_seq, self._next_seq + 1  # used, even if rolled back
        db.execute("INSERT INTO stream (seq, type, payload, at) VALUES (?, ?, ?, ?)",
                   [seq, kind, json.dumps(payload), now_iso()])
        self._pending.append(message(seq, kind, payload))
        return seq

    def run(self, op: Callable[[sqlite_utils.Database], T]) -> Future[T]:
        """Queue ``op`` for the writer; the future resolves once it is committed. Its
        stream entries vanish with it if it fails, and with its batch if that does."""
        def guarded(db: sqlite_utils.Database) -> T:
            try:
                result = op(db)
            finally:
                entries, self._pending = self._pending, []
            self._batch += entries  # the op succeeded: told once the batch is committed
            return result

        return self.writer.submit(guarded)

    def _committed(self, ok: bool) -> None:
        """After each batch (writer thread): tell consoles what was committed."""
        entries, self._batch = self._batch, []
        if ok and entries and self.on_written is not None:
            self.on_written(entries)

    def stream_since(self, seq: int, limit: int = 10_000) -> list[StreamEntry]:
        db = self.readers.get()
        return [message(r["seq"], r["type"], json.loads(r["payload"]))
                for r in db.query("SELECT * FROM stream WHERE seq > ? ORDER BY seq LIMIT ?",
                                  [seq, limit])]

    def probe(self) -> Future[None]:
        """A durable write of 64 KiB (``/health`` asks whether writing works again: a few
        bytes may still fit where a help call or an event batch would not)."""
        def op(db: sqlite_utils.Database) -> None:
            db.execute("INSERT OR REPLACE INTO health_probe (id, at, pad) VALUES"
                       " (1, ?, zeroblob(65536))", [now_iso()])

        return self.run(op)

    def last_seq(self) -> int:
        row = self.readers.get().execute("SELECT MAX(seq) FROM stream").fetchone()
        return int(row[0] or 0)

    # -- help requests -------------------------------------------------------------
    def create_help(self, data: dict[str, Any]) -> Future[Change]:
        def op(db: sqlite_utils.Database) -> Change:
            existing = list(db.query("SELECT * FROM help_requests WHERE id = ?", [data["id"]]))
            if existing:
                if existing[0]["kiosk_id"] != data["kiosk_id"]:
                    raise Conflict("this id belongs to another kiosk's request")
                return Change(existing[0], created=False)
            now = now_iso()
            fields = {k: v for k, v in data.items() if k != "at"}
            row = {**fields, "status": "queued", "created_at": asked_at(data.get("at"), now),
                   "updated_at": now}
            db.table("help_requests").insert(row)
            request = _row(db, data["id"])
            self.emit(db, "help.created", request)
            return Change(request, created=True)

        return self.run(op)

    def transition(self, request_id: str, action: str, who: str, role: str,
                   outcome: str | None = None, note: str | None = None) -> Future[Change]:
        """claim, release, resolve (mediator/manager) or cancel (its kiosk)."""
        def op(db: sqlite_utils.Database) -> Change:
            row = _row(db, request_id)
            changes = _apply(row, action, who, role, outcome, note)
            if changes is None:  # already in the asked state: an idempotent repeat
                return Change(row)
            changes["updated_at"] = now_iso()
            db.table("help_requests").update(request_id, changes)
            request = _row(db, request_id)
            self.emit(db, f"help.{_PAST[action]}", request)
            return Change(request)

        return self.run(op)

    def realert(self, older_than_s: float) -> Future[list[dict[str, Any]]]:
        """Mark queued requests waiting longer than ``older_than_s`` as re-alerted."""
        limit = (datetime.now(UTC) - timedelta(seconds=older_than_s)).isoformat(
            timespec="milliseconds")

        def op(db: sqlite_utils.Database) -> list[dict[str, Any]]:
            out = []
            for row in list(db.query(
                    "SELECT * FROM help_requests WHERE status = 'queued' AND realerted_at IS NULL"
                    " AND created_at < ?", [limit])):
                db.table("help_requests").update(row["id"], {"realerted_at": now_iso()})
                request = _row(db, row["id"])
                self.emit(db, "help.realerted", request)
                out.append(request)
            return out

        return self.run(op)

    def get_help(self, request_id: str) -> dict[str, Any]:
        """One request; a queued one also says its ``position`` in the queue (1 = next)."""
        db = self.readers.get()
        row = _row(db, request_id)
        if row["status"] == "queued":
            ahead = db.execute("SELECT COUNT(*) FROM help_requests WHERE status = 'queued'"
                               " AND (created_at, id) < (?, ?)",
                               [row["created_at"], row["id"]]).fetchone()[0]
            row["position"] = int(ahead) + 1
        return row

    def list_help(self, statuses: Iterable[str], limit: int | None = None,
                  after: str | None = None) -> tuple[list[dict[str, Any]], str | None, int]:
        """(requests, cursor, seq): the requests by status, oldest first, and the stream's
        last sequence number, read in one snapshot (so ``?since=seq`` brings exactly what
        came after this list)."""
        wanted = list(statuses) or list(STATUSES)
        marks = ",".join("?" for _ in wanted)
        sql = f"SELECT * FROM help_requests WHERE status IN ({marks})"
        args: list[Any] = list(wanted)
        if after:
            created, _, rid = after.partition("|")
            sql += " AND (created_at, id) > (?, ?)"
            args += [created, rid]
        sql += " ORDER BY created_at, id"
        if limit:
            sql += " LIMIT ?"
            args.append(limit + 1)
        db = self.readers.get()
        db.execute("BEGIN")
        try:
            seq = int(db.execute("SELECT MAX(seq) FROM stream").fetchone()[0] or 0)
            rows = list(db.query(sql, args))
        finally:
            db.execute("COMMIT")
        cursor = None
        if limit and len(rows) > limit:
            rows = rows[:limit]
            cursor = f"{rows[-1]['created_at']}|{rows[-1]['id']}"
        return rows, cursor, seq

    # -- refused calls ---------------------------------------------------------------
    def dead_letter(self, kiosk: str, kind: str, body: bytes, status: int,
                    reason: str) -> Future[int]:
        """Keep a call the hub refused (``body`` as sent, cut at 4 KiB)."""
        text = body[:DEAD_LETTER_BYTES].decode("utf-8", "replace")
        request_id: str | None = None
        try:
            found = json.loads(body).get("id")
            request_id = found if isinstance(found, str) else None
        except (ValueError, AttributeError, RecursionError):
            pass

        def op(db: sqlite_utils.Database) -> int:
            cursor = db.execute(
                "INSERT INTO dead_letters (kiosk_id, kind, request_id, status, reason, body, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [kiosk, kind, request_id and request_id[:64], status, reason[:2000], text,
                 now_iso()])
            return int(cursor.lastrowid or 0)

        return self.run(op)

    def dead_letters(self, kiosk: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        sql = "SELECT * FROM dead_letters"
        args: list[Any] = []
        if kiosk:
            sql += " WHERE kiosk_id = ?"
            args.append(kiosk)
        return list(self.readers.get().query(sql + " ORDER BY id DESC LIMIT ?", [*args, limit]))

    # -- events and kiosks ---------------------------------------------------------
    def add_events(self, events: list[dict[str, Any]]) -> Future[int]:
        """Store a batch; events already stored (same id) are skipped. Returns new ones."""
        def op(db: sqlite_utils.Database) -> int:
            before = db.execute("SELECT total_changes()").fetchone()[0]
            received = now_iso()
            db.conn.executemany(
                "INSERT OR IGNORE INTO events (id, kiosk_id, session_id, type, flow_id, step_id,"
                " at, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(e["id"], e["kiosk_id"], e.get("session_id"), e["type"], e.get("flow_id"),
                  e.get("step_id"), e["at"], json.dumps(e.get("data") or {}), received)
                 for e in events])
            return int(db.execute("SELECT total_changes()").fetchone()[0] - before)

        return self.run(op)

    def count(self, table: str) -> int:
        assert table in ("events", "help_requests")
        return int(self.readers.get().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def heartbeat(self, kiosk: str, info: dict[str, Any]) -> Future[dict[str, Any]]:
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            db.table("kiosks").update(kiosk, {"last_heartbeat": now_iso(),
                                              "info": json.dumps(info)})
            entry = _kiosk(next(db.query(_KIOSKS + " WHERE k.name = ?", [kiosk])))
            self.emit(db, "kiosk.heartbeat", entry)
            return entry

        return self.run(op)

    def kiosks(self) -> list[dict[str, Any]]:
        """Every kiosk, with ``refused``: how many of its help calls the hub refused."""
        return [_kiosk(r) for r in self.readers.get().query(_KIOSKS + " ORDER BY k.name")]


def message(seq: int, kind: str, payload: dict[str, Any]) -> StreamEntry:
    """A stream message: ``{"seq", "type", "request"}``, or ``{"seq", "type", "flow"}``
    for ``flow.*`` types."""
    return {"seq": seq, "type": kind, ("flow" if kind.startswith("flow.") else "request"): payload}


def asked_at(at: Any, now: str) -> str:
    """When the customer asked: the kiosk's time, if it is within the last day and not in
    the future (a clock far off is not believed), else the hub's."""
    from datetime import UTC, datetime, timedelta

    if not isinstance(at, datetime):
        return now
    hub_now = datetime.fromisoformat(now)
    if hub_now - timedelta(days=1) <= at <= hub_now:
        return at.astimezone(UTC).isoformat(timespec="milliseconds")
    return now


_PAST = {"claim": "claimed", "release": "released", "resolve": "resolved", "cancel": "cancelled"}


def _apply(row: dict[str, Any], action: str, who: str, role: str, outcome: str | None,
           note: str | None) -> dict[str, Any] | None:
    """The columns an action changes, None for a harmless repeat; raises on a conflict."""
    status = row["status"]
    if action == "cancel":
        if role != "kiosk" or row["kiosk_id"] != who:
            raise Forbidden("only the kiosk that asked can cancel")
        if status == "cancelled":
            return None
        if status not in ("queued", "claimed"):
            raise Conflict(f"cannot cancel a {status} request")
        return {"status": "cancelled", "cancelled_at": now_iso()}
    if role == "kiosk":
        raise Forbidden("kiosks cannot claim, release or resolve")
    if action == "claim":
        if status == "claimed" and row["claimed_by"] == who:
            return None
        if status != "queued":
            by = f" by {row['claimed_by']}" if status == "claimed" else ""
            raise Conflict(f"already {status}{by}")
        return {"status": "claimed", "claimed_by": who, "claimed_at": now_iso()}
    if status != "claimed":
        raise Conflict(f"the request is {status}, not claimed")
    if row["claimed_by"] != who and role != "manager":
        raise Conflict(f"claimed by {row['claimed_by']}")
    if action == "release":
        return {"status": "queued", "claimed_by": None, "claimed_at": None}
    return {"status": "resolved", "resolved_at": now_iso(), "outcome": outcome, "note": note}


def _kiosk(row: dict[str, Any]) -> dict[str, Any]:
    last = row.get("last_heartbeat")
    online = False
    if last:
        online = datetime.now(UTC) - datetime.fromisoformat(last) < timedelta(seconds=ONLINE_SECONDS)
    return {"name": row["name"], "last_heartbeat": last, "online": online,
            "info": json.loads(row["info"]) if row.get("info") else {},
            "refused": int(row.get("refused") or 0)}
