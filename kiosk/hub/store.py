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

import asyncio
import json
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from kiosk.flows.model import CALL_TEXTS
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
    """A help request as one change left it, and its JSON (the caller's answer)."""

    request: dict[str, Any]
    created: bool = False
    text: str = ""


# The hot path (help calls, events) is plain parameterised SQL on the connection, each
# statement always the same text, so SQLite's prepared statements are reused (sqlite-utils'
# table methods read the schema and name a fresh savepoint on every call).
TEXTS = CALL_TEXTS  # what a call says of itself (see api.HelpCreate)
_INSERT_HELP = ("INSERT INTO help_requests (id, kiosk_id, flow_id, step_id, language, kind,"
                f" level, seconds_on_step, status, created_at, updated_at, {', '.join(TEXTS)})"
                f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?{', ?' * len(TEXTS)})"
                " ON CONFLICT (id) DO NOTHING RETURNING *")
_CHANGEABLE = frozenset({"status", "updated_at", "claimed_by", "claimed_at", "resolved_at",
                         "outcome", "note", "cancelled_at", "realerted_at", "handover_to",
                         "handover_at", "front"})
_AHEAD = ("SELECT (SELECT COUNT(*) FROM help_requests WHERE status = 'queued' AND front > ?),"
          " (SELECT COUNT(*) FROM help_requests WHERE status = 'queued' AND front = ?"
          " AND (created_at, id) < (?, ?))")
HANDOVER_SECONDS = 60  # a hand-over nobody answers goes back to the queue, first place
_INSERT_EVENTS = ("INSERT OR IGNORE INTO events (id, kiosk_id, session_id, type, flow_id,"
                  " step_id, at, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
EventRow = tuple[str, str, str | None, str, str | None, str | None, str, str]


def _one(db: sqlite_utils.Database, sql: str, args: Iterable[Any]) -> dict[str, Any] | None:
    cursor = db.conn.execute(sql, tuple(args))
    rows = cursor.fetchall()  # to the end, so that the statement is done (RETURNING too)
    if not rows:
        return None
    return dict(zip([d[0] for d in cursor.description], rows[0], strict=True))


def _row(db: sqlite_utils.Database, request_id: str) -> dict[str, Any]:
    row = _one(db, "SELECT * FROM help_requests WHERE id = ?", [request_id])
    if row is None:
        raise NotFound(request_id)
    return row


def _update(db: sqlite_utils.Database, request_id: str, changes: dict[str, Any]
            ) -> dict[str, Any]:
    """Set ``changes`` (columns of :data:`_CHANGEABLE`) and return the row as it is now."""
    names = sorted(changes)
    assert _CHANGEABLE.issuperset(names), names
    sets = ", ".join(f"{name} = ?" for name in names)
    row = _one(db, f"UPDATE help_requests SET {sets} WHERE id = ? RETURNING *",
               [*(changes[name] for name in names), request_id])
    if row is None:
        raise NotFound(request_id)
    return row


def _position(db: sqlite_utils.Database, row: dict[str, Any]) -> int:
    """A queued request's place in the queue (1 = next): calls a failed hand-over gave
    back (``front``) first, then by age."""
    front = int(row.get("front") or 0)
    # two ranges of the index (status, front, created_at, id): counted without a scan
    ahead = db.conn.execute(_AHEAD, (front, front, row["created_at"], row["id"])).fetchone()
    return int(ahead[0]) + int(ahead[1]) + 1


class Store:
    """The hub's operations. Writes return a future that resolves once the change is
    committed (durable): an asyncio future for the request paths (help calls and events,
    called on the event loop), a thread's future for the rest; reads answer at once from
    the calling thread's connection."""

    def __init__(self, path: Path, on_written: Callable[[list[StreamEntry]], None] | None = None,
                 ) -> None:
        self.path = path
        self.on_written = on_written
        # the writer's state (touched only under its lock, by whichever thread writes)
        self._pending: list[StreamEntry] = []  # of the operation running
        self._batch: list[StreamEntry] = []  # of the batch being written
        self._next_seq = 0  # 0: read from the database at the first entry
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
        self._log(db, kind, payload)
        return int(self._pending[-1]["seq"])

    def _log(self, db: sqlite_utils.Database, kind: str, payload: dict[str, Any],
             at: str | None = None) -> str:
        """:meth:`emit` (at ``at``, now by default), returning the payload as JSON."""
        if not self._next_seq:
            last = db.execute("SELECT MAX(seq) FROM stream").fetchone()[0]
            self._next_seq = int(last or 0) + 1
        seq, self._next_seq = self._next_seq, self._next_seq + 1  # used, even if rolled back
        text = json.dumps(payload)
        db.conn.execute("INSERT INTO stream (seq, type, payload, at) VALUES (?, ?, ?, ?)",
                        (seq, kind, text, at or now_iso()))
        entry = message(seq, kind, payload)
        entry["_text"] = encoded(seq, kind, text)  # serialised once, for every console
        self._pending.append(entry)
        return text

    def run(self, op: Callable[[sqlite_utils.Database], T]) -> Future[T]:
        """Queue ``op`` for the writer; the future resolves once it is committed. Its
        stream entries vanish with it if it fails, and with its batch if that does."""
        return self.writer.submit(self._guarded(op))

    def call(self, op: Callable[[sqlite_utils.Database], T]) -> asyncio.Future[T]:
        """:meth:`run` for the event loop (call it there): an asyncio future."""
        return self.writer.submit_async(self._guarded(op))

    def _guarded(self, op: Callable[[sqlite_utils.Database], T],
                 ) -> Callable[[sqlite_utils.Database], T]:
        def guarded(db: sqlite_utils.Database) -> T:
            try:
                result = op(db)
            finally:
                entries, self._pending = self._pending, []
            self._batch += entries  # the op succeeded: told once the batch is committed
            return result

        return guarded

    def _committed(self, ok: bool) -> None:
        """After each batch (under the writer's lock): tell consoles what was committed."""
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
    def create_help(self, data: dict[str, Any]) -> asyncio.Future[Change]:
        """Queue a kiosk's call (``data``: the fields of ``HelpCreate``), written at once
        by the event loop when the writer is idle (:meth:`Writer.submit_here`); call it
        there. The same id again changes nothing. See :meth:`answer` for the reply."""
        def op(db: sqlite_utils.Database) -> Change:
            now = now_iso()
            request = _one(db, _INSERT_HELP, [  # nothing when the id is known already
                data["id"], data["kiosk_id"], data.get("flow_id"), data.get("step_id"),
                data["language"], data.get("kind", "help"), data.get("level"),
                data.get("seconds_on_step"), asked_at(data.get("at"), now), now,
                *(data.get(name) for name in TEXTS)])
            created = request is not None
            if request is not None:
                text = self._log(db, "help.created", request, now)
            elif (request := _row(db, data["id"]))["kiosk_id"] != data["kiosk_id"]:
                raise Conflict("this id belongs to another kiosk's request")
            else:
                text = json.dumps(request)
            return Change(request, created=created, text=text)

        return self.writer.submit_here(self._guarded(op))

    def answer(self, change: Change, available: Callable[[], int] | None = None) -> str:
        """A help call's reply: the request as committed and, while it is queued, its
        ``position`` in the queue (and ``available``: how many mediators are free, when
        ``available`` is given), counted once the change is durable and the consoles are
        told (on a read connection: counting takes as long as the queue is long)."""
        if change.request["status"] != "queued":
            return change.text
        position = _position(self.readers.get(), change.request)
        free = "" if available is None else f', "available": {available()}'
        return f'{change.text[:-1]}, "position": {position}{free}}}'  # {..., "position": N}

    def transition(self, request_id: str, action: str, who: str, role: str,
                   outcome: str | None = None, note: str | None = None, to: str | None = None,
                   ) -> asyncio.Future[Change]:
        """claim, release, resolve, note, handover (to colleague ``to``), accept, decline
        (mediator/manager) or cancel (its kiosk)."""
        def op(db: sqlite_utils.Database) -> Change:
            row = _row(db, request_id)
            changes = _apply(row, action, who, role, outcome, note, to)
            if changes is None:  # already in the asked state: an idempotent repeat
                return Change(row, text=json.dumps(row))
            changes["updated_at"] = now = now_iso()
            request = _update(db, request_id, changes)
            text = self._log(db, f"help.{_PAST[action]}", request, now)
            return Change(request, text=text)

        return self.call(op)

    def realert(self, older_than_s: float) -> Future[list[dict[str, Any]]]:
        """Mark queued requests waiting longer than ``older_than_s`` as re-alerted."""
        limit = (datetime.now(UTC) - timedelta(seconds=older_than_s)).isoformat(
            timespec="milliseconds")

        def op(db: sqlite_utils.Database) -> list[dict[str, Any]]:
            out = []
            for row in list(db.query(
                    "SELECT * FROM help_requests WHERE status = 'queued' AND realerted_at IS NULL"
                    " AND created_at < ?", [limit])):
                request = _update(db, row["id"], {"realerted_at": now_iso()})
                self.emit(db, "help.realerted", request)
                out.append(request)
            return out

        return self.run(op)

    def return_handovers(self, older_than_s: float = HANDOVER_SECONDS,
                         ) -> Future[list[dict[str, Any]]]:
        """Hand-overs nobody answered within ``older_than_s``: back to the queue, first
        place (``help.declined``), so that no call is ever orphaned."""
        limit = (datetime.now(UTC) - timedelta(seconds=older_than_s)).isoformat(
            timespec="milliseconds")

        def op(db: sqlite_utils.Database) -> list[dict[str, Any]]:
            out = []
            for row in list(db.query("SELECT * FROM help_requests WHERE handover_at IS NOT NULL"
                                     " AND handover_at < ? AND status = 'claimed'", [limit])):
                changes = {**_BACK_FIRST, "updated_at": now_iso()}
                request = _update(db, row["id"], changes)
                self.emit(db, "help.declined", request)
                out.append(request)
            return out

        return self.run(op)

    def get_help(self, request_id: str) -> dict[str, Any]:
        """One request; a queued one also says its ``position`` in the queue (1 = next)."""
        db = self.readers.get()
        row = _row(db, request_id)
        if row["status"] == "queued":
            row["position"] = _position(db, row)
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
    def add_events(self, rows: list[EventRow]) -> asyncio.Future[int]:
        """Store a batch of ``(id, kiosk_id, session_id, type, flow_id, step_id, at, data)``
        (``at`` in UTC as stored, ``data`` as JSON); events already stored (same id) are
        skipped. Returns how many were new."""
        def op(db: sqlite_utils.Database) -> int:
            before = db.conn.total_changes
            received = (now_iso(),)
            db.conn.executemany(_INSERT_EVENTS, [row + received for row in rows])
            return db.conn.total_changes - before

        return self.call(op)

    def count(self, table: str) -> int:
        assert table in ("events", "help_requests")
        return int(self.readers.get().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def heartbeat(self, kiosk: str, info: dict[str, Any]) -> Future[dict[str, Any]]:
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            db.conn.execute("UPDATE kiosks SET last_heartbeat = ?, info = ? WHERE name = ?",
                            (now_iso(), json.dumps(info), kiosk))
            entry = _kiosk(next(db.query(_KIOSKS + " WHERE k.name = ?", [kiosk])))
            self.emit(db, "kiosk.heartbeat", entry)
            return entry

        return self.run(op)

    def kiosks(self) -> list[dict[str, Any]]:
        """Every kiosk, with ``refused``: how many of its help calls the hub refused."""
        return [_kiosk(r) for r in self.readers.get().query(_KIOSKS + " ORDER BY k.name")]


def _key(kind: str) -> str:
    return {"flow": "flow", "presence": "person", "workshop": "workshop"}.get(
        kind.partition(".")[0], "request")


def message(seq: int, kind: str, payload: dict[str, Any]) -> StreamEntry:
    """A stream message: ``{"seq", "type", "request"}``; ``{"seq", "type", "flow"}`` for
    ``flow.*`` types, ``{"seq", "type", "person"}`` for ``presence.*`` and ``{"seq",
    "type", "workshop"}`` for ``workshop.*``."""
    return {"seq": seq, "type": kind, _key(kind): payload}


def encoded(seq: int, kind: str, payload_text: str) -> str:
    """:func:`message` as JSON (the same text as ``json.dumps``), from its payload's JSON."""
    return f'{{"seq": {seq}, "type": {json.dumps(kind)}, "{_key(kind)}": {payload_text}}}'


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


_PAST = {"claim": "claimed", "release": "released", "resolve": "resolved", "cancel": "cancelled",
         "note": "noted", "handover": "handover", "accept": "accepted", "decline": "declined"}
_NO_HANDOVER = {"handover_to": None, "handover_at": None}
_BACK_FIRST = {"status": "queued", "claimed_by": None, "claimed_at": None, "front": 1,
               **_NO_HANDOVER}


def _apply(row: dict[str, Any], action: str, who: str, role: str, outcome: str | None,
           note: str | None, to: str | None = None) -> dict[str, Any] | None:
    """The columns an action changes, None for a harmless repeat; raises on a conflict."""
    status = row["status"]
    if action == "cancel":
        if role != "kiosk" or row["kiosk_id"] != who:
            raise Forbidden("only the kiosk that asked can cancel")
        if status == "cancelled":
            return None
        if status not in ("queued", "claimed"):
            raise Conflict(f"cannot cancel a {status} request")
        return {"status": "cancelled", "cancelled_at": now_iso(), **_NO_HANDOVER}
    if role == "kiosk":
        raise Forbidden("kiosks cannot claim, release or resolve")
    if action in ("accept", "decline"):
        return _answer_handover(row, action, who)
    if action == "claim":
        if status == "claimed" and row["claimed_by"] == who:
            return None
        if status != "queued":
            by = f" by {row['claimed_by']}" if status == "claimed" else ""
            raise Conflict(f"already {status}{by}")
        return {"status": "claimed", "claimed_by": who, "claimed_at": now_iso(), "front": 0,
                **_NO_HANDOVER}
    if status != "claimed":
        raise Conflict(f"the request is {status}, not claimed")
    if row["claimed_by"] != who and role != "manager":
        raise Conflict(f"claimed by {row['claimed_by']}")
    if action == "release":
        return {"status": "queued", "claimed_by": None, "claimed_at": None, **_NO_HANDOVER}
    if action == "note":
        return {"note": note}
    if action == "handover":
        if to == row["claimed_by"]:
            raise Conflict("this call is already theirs")
        return {"handover_to": to, "handover_at": now_iso()}
    return {"status": "resolved", "resolved_at": now_iso(), "outcome": outcome,
            "note": note if note is not None else row["note"], **_NO_HANDOVER}


def _answer_handover(row: dict[str, Any], action: str, who: str) -> dict[str, Any]:
    """The colleague a call is handed to takes it (accept) or gives it back to the queue,
    first place (decline)."""
    if row["status"] != "claimed" or row["handover_to"] != who:
        raise Conflict("this call is not being handed to you (taken back, or too late)")
    if action == "decline":
        return dict(_BACK_FIRST)
    return {"claimed_by": who, "claimed_at": now_iso(), **_NO_HANDOVER}


def _kiosk(row: dict[str, Any]) -> dict[str, Any]:
    last = row.get("last_heartbeat")
    online = False
    if last:
        online = datetime.now(UTC) - datetime.fromisoformat(last) < timedelta(seconds=ONLINE_SECONDS)
    return {"name": row["name"], "last_heartbeat": last, "online": online,
            "info": json.loads(row["info"]) if row.get("info") else {},
            "refused": int(row.get("refused") or 0)}
