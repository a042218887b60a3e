"""Digital-skills workshops: sessions by level with a capacity, registrations (with the
person's consent), attendance, and the erasure of personal data after a while.

A registration's first name, phone and e-mail are erased once its workshop started more
than ``workshop_retention_days`` ago; the row stays (anonymous) so counts still add up.
Capacity is enforced inside the writer's transaction: the ninth of eight never gets in.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from kiosk.hub.auth import now_iso
from kiosk.hub.store import Conflict, NotFound, Store
from kiosk.hub.times import Period, utc_iso

LEVELS = ("initiation", "perfectionnement", "outils-budgetaires")
PERSONAL = ("first_name", "phone", "email")


class Full(Conflict):
    """The workshop has no seat left (HTTP 409); ``next`` is the next workshop of the same
    level with a free seat, or None."""

    def __init__(self, message: str, next_workshop: dict[str, Any] | None) -> None:
        super().__init__(message)
        self.next = next_workshop


_SELECT = ("SELECT w.*, (SELECT COUNT(*) FROM registrations r WHERE r.workshop_id = w.id) AS "
           "seats_taken FROM workshops w")


def _item(row: dict[str, Any]) -> dict[str, Any]:
    start = datetime.fromisoformat(row["start"])
    end = start + timedelta(minutes=row["duration_minutes"])
    return {"id": row["id"], "title": row["title"], "level": row["level"], "start": row["start"],
            "end": end.isoformat(), "duration_minutes": row["duration_minutes"],
            "capacity": row["capacity"], "place": row["place"], "seats_taken": row["seats_taken"],
            "seats_left": max(0, row["capacity"] - row["seats_taken"]),
            "created_by": row["created_by"], "created_at": row["created_at"]}


def _registration(row: dict[str, Any]) -> dict[str, Any]:
    attended = row["attended"]
    return {"id": row["id"], "workshop_id": row["workshop_id"], "first_name": row["first_name"],
            "phone": row["phone"], "email": row["email"], "consent": bool(row["consent"]),
            "help_request_id": row["help_request_id"], "registered_by": row["registered_by"],
            "registered_at": row["registered_at"],
            "attended": None if attended is None else bool(attended),
            "erased": row["erased_at"] is not None, "erased_at": row["erased_at"]}


def _one(db: sqlite_utils.Database, workshop_id: int) -> dict[str, Any]:
    rows = list(db.query(_SELECT + " WHERE w.id = ?", [workshop_id]))
    if not rows:
        raise NotFound(f"no workshop {workshop_id}")
    return _item(rows[0])


def next_free(db: sqlite_utils.Database, level: str, after: str) -> dict[str, Any] | None:
    """The first workshop of ``level`` starting after ``after`` (and after now) with a
    free seat."""
    after = max(after, now_iso())
    rows = db.query(_SELECT + " WHERE w.level = ? AND w.start_utc > ? ORDER BY w.start_utc, w.id",
                    [level, after])
    return next((_item(r) for r in rows if r["seats_taken"] < r["capacity"]), None)


class Workshops:
    """Workshop sessions and registrations, stored through the hub's one writer."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, data: dict[str, Any], who: str) -> Future[dict[str, Any]]:
        """``data``: title, level, start (aware datetime), duration_minutes, capacity, place."""
        start: datetime = data["start"]
        row = {**data, "start": start.isoformat(), "start_utc": utc_iso(start),
               "created_by": who, "created_at": now_iso()}

        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            cursor = db.execute(
                "INSERT INTO workshops (title, level, start, start_utc, duration_minutes, capacity,"
                " place, created_by, created_at) VALUES (:title, :level, :start, :start_utc,"
                " :duration_minutes, :capacity, :place, :created_by, :created_at)", row)
            return _one(db, int(cursor.lastrowid or 0))

        return self.store.run(op)

    def listing(self, period: Period, level: str | None) -> list[dict[str, Any]]:
        where, args = period.sql("w.start_utc")
        if level:
            where += " AND w.level = ?"
            args.append(level)
        return [_item(r) for r in self.store.readers.get().query(
            f"{_SELECT} WHERE {where} ORDER BY w.start_utc, w.id", args)]

    def get(self, workshop_id: int) -> dict[str, Any]:
        return _one(self.store.readers.get(), workshop_id)

    def register(self, workshop_id: int, data: dict[str, Any], who: str) -> Future[dict[str, Any]]:
        """``data``: first_name, phone, email, consent, help_request_id. Raises NotFound
        (workshop, help request) and :class:`Full`."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            workshop = _one(db, workshop_id)
            request_id = data.get("help_request_id")
            if request_id and not db.execute("SELECT 1 FROM help_requests WHERE id = ?",
                                             [request_id]).fetchone():
                raise NotFound(f"no help request {request_id}")
            if workshop["seats_left"] <= 0:
                start_utc = utc_iso(datetime.fromisoformat(workshop["start"]))
                seats = workshop["capacity"]
                raise Full(f"workshop {workshop_id} is full ({seats} seat{'s' if seats != 1 else ''})",
                           next_free(db, workshop["level"], start_utc))
            cursor = db.execute(
                "INSERT INTO registrations (workshop_id, first_name, phone, email, consent,"
                " help_request_id, registered_by, registered_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
                [workshop_id, data["first_name"], data.get("phone"), data.get("email"), request_id,
                 who, now_iso()])
            return _registration(next(db.query("SELECT * FROM registrations WHERE id = ?",
                                                [cursor.lastrowid])))

        return self.store.run(op)

    def registrations(self, workshop_id: int) -> list[dict[str, Any]]:
        db = self.store.readers.get()
        _one(db, workshop_id)
        return [_registration(r) for r in db.query(
            "SELECT * FROM registrations WHERE workshop_id = ? ORDER BY id", [workshop_id])]

    def attendance(self, workshop_id: int, registration_id: int, attended: bool,
                   who: str) -> Future[dict[str, Any]]:
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            _one(db, workshop_id)
            rows = list(db.query("SELECT * FROM registrations WHERE id = ? AND workshop_id = ?",
                                 [registration_id, workshop_id]))
            if not rows:
                raise NotFound(f"no registration {registration_id} for workshop {workshop_id}")
            db.table("registrations").update(registration_id, {
                "attended": int(attended), "attendance_by": who, "attendance_at": now_iso()})
            return _registration(next(db.query("SELECT * FROM registrations WHERE id = ?",
                                                [registration_id])))

        return self.store.run(op)

    def purge(self, retention_days: float) -> Future[int]:
        """Erase personal data of workshops started over ``retention_days`` ago."""
        return self.store.run(lambda db: purge(db, retention_days))


def purge(db: sqlite_utils.Database, retention_days: float, now: datetime | None = None) -> int:
    """Erase first name, phone and e-mail of registrations to workshops that started more
    than ``retention_days`` before ``now``; returns how many were erased."""
    limit = utc_iso((now or datetime.now(UTC)) - timedelta(days=retention_days))
    cursor = db.execute(
        "UPDATE registrations SET first_name = NULL, phone = NULL, email = NULL, erased_at = ? "
        "WHERE erased_at IS NULL AND workshop_id IN (SELECT id FROM workshops WHERE start_utc < ?)",
        [now_iso(), limit])
    return int(cursor.rowcount)
