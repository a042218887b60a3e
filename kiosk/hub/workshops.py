"""Digital-skills workshops: sessions by level with a capacity, registrations (with the
person's consent), attendance, and the erasure of personal data after a while.

Seats taken count the active registrations only: not cancelled, not moved to another
workshop. Capacity is enforced inside the writer's transaction: the ninth of eight never
gets in. A cancelled workshop stays (marked) with its registrations; nobody registers to
it any more. Its edits, its cancellation and the moves of registrations are in
:mod:`kiosk.hub.workshop_changes`.

A registration's first name, phone and e-mail are erased once the retention period
(``workshop_retention_days``) has passed after the earliest of: its workshop's start, the
workshop's cancellation, the registration's own cancellation. A cancelled workshop's
people are thus kept ``retention`` days after it was cancelled (long enough to call them
and offer another session), never longer than for a workshop that took place. A
registration moved to another workshop carries its details to the new one and is erased
at once. The rows stay (anonymous) so counts still add up.
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


class Refused(Conflict):
    """A change the workshop's or the registration's state does not allow (HTTP 409):
    ``problem`` names the reason for the apps to put in words (``cancelled``, ``started``,
    ``past``, ``capacity``, ``full``...), ``figures`` add what they need to say it."""

    def __init__(self, message: str, problem: str, **figures: Any) -> None:
        super().__init__(message)
        self.problem = problem
        self.figures = figures


class Full(Refused):
    """The workshop has no seat left (HTTP 409); ``next`` is the next workshop of the same
    level with a free seat, or None."""

    def __init__(self, message: str, next_workshop: dict[str, Any] | None) -> None:
        super().__init__(message, "full", next=next_workshop)
        self.next = next_workshop


ACTIVE = "cancelled_at IS NULL"  # a registration that holds its seat
_SELECT = ("SELECT w.*, (SELECT COUNT(*) FROM registrations r WHERE r.workshop_id = w.id"
           f" AND r.{ACTIVE}) AS seats_taken FROM workshops w")
_REGISTRATIONS = ("SELECT r.*, n.id AS moved_to, n.workshop_id AS moved_to_workshop"
                  " FROM registrations r LEFT JOIN registrations n ON n.moved_from = r.id")


def _item(row: dict[str, Any]) -> dict[str, Any]:
    start = datetime.fromisoformat(row["start"])
    end = start + timedelta(minutes=row["duration_minutes"])
    cancelled = row["cancelled_at"] is not None
    return {"id": row["id"], "title": row["title"], "level": row["level"], "start": row["start"],
            "end": end.isoformat(), "duration_minutes": row["duration_minutes"],
            "capacity": row["capacity"], "place": row["place"], "seats_taken": row["seats_taken"],
            "seats_left": 0 if cancelled else max(0, row["capacity"] - row["seats_taken"]),
            "created_by": row["created_by"], "created_at": row["created_at"],
            "updated_by": row["updated_by"], "updated_at": row["updated_at"],
            "cancelled": cancelled, "cancelled_at": row["cancelled_at"],
            "cancelled_by": row["cancelled_by"], "cancel_reason": row["cancel_reason"]}


def _registration(row: dict[str, Any]) -> dict[str, Any]:
    attended = row["attended"]
    return {"id": row["id"], "workshop_id": row["workshop_id"], "first_name": row["first_name"],
            "phone": row["phone"], "email": row["email"], "consent": bool(row["consent"]),
            "help_request_id": row["help_request_id"], "registered_by": row["registered_by"],
            "registered_at": row["registered_at"],
            "attended": None if attended is None else bool(attended),
            "erased": row["erased_at"] is not None, "erased_at": row["erased_at"],
            "cancelled": row["cancelled_at"] is not None, "cancelled_at": row["cancelled_at"],
            "cancelled_by": row["cancelled_by"], "moved_from": row["moved_from"],
            "moved_to": row.get("moved_to"), "moved_to_workshop": row.get("moved_to_workshop")}


def one(db: sqlite_utils.Database, workshop_id: int) -> dict[str, Any]:
    """The workshop as the API shows it, or NotFound."""
    rows = list(db.query(_SELECT + " WHERE w.id = ?", [workshop_id]))
    if not rows:
        raise NotFound(f"no workshop {workshop_id}")
    return _item(rows[0])


def registration(db: sqlite_utils.Database, workshop_id: int, registration_id: int,
                 ) -> dict[str, Any]:
    """Registration ``registration_id`` of that workshop as the API shows it, or NotFound."""
    rows = list(db.query(_REGISTRATIONS + " WHERE r.id = ? AND r.workshop_id = ?",
                         [registration_id, workshop_id]))
    if not rows:
        raise NotFound(f"no registration {registration_id} for workshop {workshop_id}")
    return _registration(rows[0])


def active_registrations(db: sqlite_utils.Database, workshop_id: int) -> list[dict[str, Any]]:
    """The registrations that hold a seat, in the order they were made."""
    return [_registration(r) for r in db.query(
        f"{_REGISTRATIONS} WHERE r.workshop_id = ? AND r.{ACTIVE} ORDER BY r.id", [workshop_id])]


def started(workshop: dict[str, Any], now: str | None = None) -> bool:
    return utc_iso(datetime.fromisoformat(workshop["start"])) <= (now or now_iso())


def refuse_full(db: sqlite_utils.Database, workshop: dict[str, Any]) -> None:
    """:class:`Full` when ``workshop`` has no seat left."""
    if workshop["seats_left"] > 0:
        return
    seats = workshop["capacity"]
    start_utc = utc_iso(datetime.fromisoformat(workshop["start"]))
    raise Full(f"workshop {workshop['id']} is full ({seats} seat{'s' if seats != 1 else ''})",
               next_free(db, workshop["level"], start_utc))


def refuse_cancelled(workshop: dict[str, Any], doing: str) -> None:
    if workshop["cancelled"]:
        raise Refused(f"workshop {workshop['id']} was cancelled: {doing}", "cancelled")


def next_free(db: sqlite_utils.Database, level: str, after: str) -> dict[str, Any] | None:
    """The first workshop of ``level`` not cancelled, starting after ``after`` (and after
    now) with a free seat."""
    after = max(after, now_iso())
    rows = db.query(_SELECT + " WHERE w.level = ? AND w.start_utc > ? AND w.cancelled_at IS NULL"
                    " ORDER BY w.start_utc, w.id", [level, after])
    return next((_item(r) for r in rows if r["seats_taken"] < r["capacity"]), None)


def erase_after(workshop: dict[str, Any], retention_days: float) -> str:
    """When the personal data of ``workshop``'s registrations is erased (stored form):
    ``retention_days`` after its start, or after its cancellation when that came first."""
    start = utc_iso(datetime.fromisoformat(workshop["start"]))
    base = min(start, workshop["cancelled_at"] or start)
    return utc_iso(datetime.fromisoformat(base) + timedelta(days=retention_days))


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
            return one(db, int(cursor.lastrowid or 0))

        return self.store.run(op)

    def listing(self, period: Period, level: str | None, active: bool = False,
                ) -> list[dict[str, Any]]:
        """Workshops starting in ``period`` by start; cancelled ones too unless ``active``."""
        where, args = period.sql("w.start_utc")
        if level:
            where += " AND w.level = ?"
            args.append(level)
        if active:
            where += " AND w.cancelled_at IS NULL"
        return [_item(r) for r in self.store.readers.get().query(
            f"{_SELECT} WHERE {where} ORDER BY w.start_utc, w.id", args)]

    def get(self, workshop_id: int) -> dict[str, Any]:
        return one(self.store.readers.get(), workshop_id)

    def register(self, workshop_id: int, data: dict[str, Any], who: str) -> Future[dict[str, Any]]:
        """``data``: first_name, phone, email, consent, help_request_id. Raises NotFound
        (workshop, help request), :class:`Refused` (cancelled) and :class:`Full`."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            workshop = one(db, workshop_id)
            request_id = data.get("help_request_id")
            if request_id and not db.execute("SELECT 1 FROM help_requests WHERE id = ?",
                                             [request_id]).fetchone():
                raise NotFound(f"no help request {request_id}")
            refuse_cancelled(workshop, "nobody can register to it")
            refuse_full(db, workshop)
            cursor = db.execute(
                "INSERT INTO registrations (workshop_id, first_name, phone, email, consent,"
                " help_request_id, registered_by, registered_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
                [workshop_id, data["first_name"], data.get("phone"), data.get("email"), request_id,
                 who, now_iso()])
            return registration(db, workshop_id, int(cursor.lastrowid or 0))

        return self.store.run(op)

    def registrations(self, workshop_id: int) -> list[dict[str, Any]]:
        db = self.store.readers.get()
        one(db, workshop_id)
        return [_registration(r) for r in db.query(
            f"{_REGISTRATIONS} WHERE r.workshop_id = ? ORDER BY r.id", [workshop_id])]

    def attendance(self, workshop_id: int, registration_id: int, attended: bool,
                   who: str) -> Future[dict[str, Any]]:
        """Mark a registration present or absent; 409 for a cancelled workshop or a
        registration cancelled or moved away."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            workshop = one(db, workshop_id)
            reg = registration(db, workshop_id, registration_id)
            refuse_cancelled(workshop, "attendance is not taken")
            if reg["cancelled"]:
                raise Refused(f"registration {registration_id} was cancelled or moved: "
                              "attendance is not taken", "registration_cancelled")
            db.table("registrations").update(registration_id, {
                "attended": int(attended), "attendance_by": who, "attendance_at": now_iso()})
            return registration(db, workshop_id, registration_id)

        return self.store.run(op)

    def purge(self, retention_days: float) -> Future[int]:
        """Erase personal data kept over ``retention_days`` (see the module's rule)."""
        return self.store.run(lambda db: purge(db, retention_days))


def purge(db: sqlite_utils.Database, retention_days: float, now: datetime | None = None) -> int:
    """Erase first name, phone and e-mail of registrations whose workshop started, or was
    cancelled, or which were themselves cancelled, more than ``retention_days`` before
    ``now`` (whichever came first); returns how many were erased."""
    limit = utc_iso((now or datetime.now(UTC)) - timedelta(days=retention_days))
    cursor = db.execute(
        "UPDATE registrations SET first_name = NULL, phone = NULL, email = NULL, erased_at = ? "
        "WHERE erased_at IS NULL AND id IN (SELECT r.id FROM registrations r JOIN workshops w"
        " ON w.id = r.workshop_id WHERE r.erased_at IS NULL AND MIN(w.start_utc,"
        " COALESCE(w.cancelled_at, w.start_utc), COALESCE(r.cancelled_at, w.start_utc)) < ?)",
        [now_iso(), limit])
    return int(cursor.rowcount)
