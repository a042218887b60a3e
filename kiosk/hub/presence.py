"""Mediators on duty: who is available, busy, on a break or offline, and a person's day.

A person's *state* is what they chose (``available`` or ``break``, stored), except that
they are ``busy`` while they hold a claimed call and ``offline`` while no console of theirs
is connected to the stream (the hub knows who is on duty from the open streams). Every
change a console should know of is a ``presence.changed`` stream message carrying the
person and ``office_available``: how many people are on duty and available. Kiosks get
only that number (a call with nobody available says so on the kiosk's screen).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime, time, tzinfo
from typing import Any

import sqlite_utils

from kiosk.hub.auth import now_iso
from kiosk.hub.store import Store

STATES = ("available", "break")
STAFF_ROLES = ("mediator", "manager")
_PEOPLE = ("SELECT u.name, u.role, p.state, p.since FROM users u LEFT JOIN presence p"
           " ON p.name = u.name WHERE u.disabled = 0 AND u.role IN ('mediator', 'manager')")
_HOLDERS = "SELECT DISTINCT claimed_by FROM help_requests WHERE status = 'claimed'"
_FREE = ("SELECT COUNT(*) FROM users u LEFT JOIN presence p ON p.name = u.name"
         " WHERE u.disabled = 0 AND u.role IN ('mediator', 'manager')"
         " AND COALESCE(p.state, 'available') = 'available'"
         " AND u.name NOT IN (SELECT claimed_by FROM help_requests WHERE status = 'claimed'"
         " AND claimed_by IS NOT NULL)")


class Presence:
    """Presence over the store; ``on_duty()`` names the people with an open stream."""

    def __init__(self, store: Store, on_duty: Callable[[], set[str]]) -> None:
        self.store = store
        self.on_duty = on_duty

    # -- reading -----------------------------------------------------------------------
    def people(self, db: sqlite_utils.Database | None = None) -> list[dict[str, Any]]:
        """Every enabled mediator and manager with their state, by name."""
        db = db or self.store.readers.get()
        duty = self.on_duty()
        holders = {row[0] for row in db.execute(_HOLDERS).fetchall()}
        return [_entry(row, duty, holders)
                for row in db.query(_PEOPLE + " ORDER BY u.name")]

    def person(self, name: str, db: sqlite_utils.Database | None = None) -> dict[str, Any]:
        found = [p for p in self.people(db) if p["name"] == name]
        if not found:
            return {"name": name, "role": None, "state": "offline", "on_duty": False,
                    "since": None, "chosen": "available"}
        return found[0]

    def available(self, db: sqlite_utils.Database | None = None) -> int:
        """How many people are on duty and available now (asked with every help call:
        one query, none when nobody is on duty)."""
        duty = sorted(self.on_duty())
        if not duty:
            return 0
        db = db or self.store.readers.get()
        marks = ",".join("?" for _ in duty)
        row = db.execute(f"{_FREE} AND u.name IN ({marks})", duty).fetchone()
        return int(row[0])

    def is_colleague(self, name: str) -> bool:
        """An enabled mediator or manager of this name exists."""
        row = self.store.readers.get().execute(
            "SELECT 1 FROM users WHERE name = ? AND disabled = 0 AND role IN"
            " ('mediator', 'manager')", [name]).fetchone()
        return row is not None

    # -- changing ------------------------------------------------------------------------
    def set_state(self, name: str, state: str) -> Future[dict[str, Any]]:
        """``name`` is now ``available`` or on a ``break``; tells every console."""
        assert state in STATES, state

        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            db.conn.execute("INSERT INTO presence (name, state, since) VALUES (?, ?, ?)"
                            " ON CONFLICT (name) DO UPDATE SET state = excluded.state,"
                            " since = excluded.since", (name, state, now_iso()))
            return self._announce(db, name)

        return self.store.run(op)

    def announce(self, name: str) -> Future[dict[str, Any]]:
        """Tell every console that ``name``'s state changed (a console of theirs came on
        duty, or their last one went)."""
        return self.store.run(lambda db: self._announce(db, name))

    def _announce(self, db: sqlite_utils.Database, name: str) -> dict[str, Any]:
        people = self.people(db)
        person = next((p for p in people if p["name"] == name), None) or self.person(name, db)
        payload = {**person, "office_available": sum(1 for p in people
                                                     if p["state"] == "available")}
        self.store.emit(db, "presence.changed", payload)
        return person

    # -- a person's day ------------------------------------------------------------------
    def day(self, name: str, tz: tzinfo, now: datetime | None = None) -> dict[str, Any]:
        """The calls ``name`` took today (office time), newest first, each with the
        ``time`` it was taken (``HH:MM``, office time), and a count per hour:
        ``{"items", "per_hour": [{"hour", "count"}], "count"}``."""
        now = (now or datetime.now(UTC)).astimezone(tz)
        midnight = datetime.combine(now.date(), time(0), tzinfo=tz).astimezone(UTC)
        start = midnight.isoformat(timespec="milliseconds")
        items = list(self.store.readers.get().query(
            "SELECT * FROM help_requests WHERE claimed_by = ? AND claimed_at >= ?"
            " ORDER BY claimed_at DESC", [name, start]))
        hours: Counter[int] = Counter()
        for r in items:  # each call's time, and the chart's hours, on the office's clock
            moment = datetime.fromisoformat(r["claimed_at"]).astimezone(tz)
            r["time"] = moment.strftime("%H:%M")
            hours[moment.hour] += 1
        return {"items": items, "count": len(items),
                "per_hour": [{"hour": h, "count": hours[h]} for h in sorted(hours)]}


def _entry(row: dict[str, Any], duty: set[str], holders: set[str]) -> dict[str, Any]:
    name = row["name"]
    if name not in duty:
        state = "offline"
    elif name in holders:
        state = "busy"
    else:
        state = row["state"] or "available"
    return {"name": name, "role": row["role"], "state": state, "on_duty": name in duty,
            "since": row["since"], "chosen": row["state"] or "available"}
