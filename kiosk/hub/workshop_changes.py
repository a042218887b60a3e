"""Changing planned workshops: editing one, cancelling one (its people listed to be called),
and cancelling or moving one registration. Every change goes through the hub's one
writer, its checks inside the same transaction.

Rules for an edit: a cancelled workshop is not edited; once a workshop has started, its
start, length and level stay as they were (what took place), while its title, place and
capacity can still be put right; a start can never be moved into the past; the capacity
never goes under the seats taken. Consoles hear ``workshop.changed`` after an edit and
``workshop.cancelled`` after a cancellation (the workshop, without anyone's details: the
stream is kept longer than personal data may be).

A moved registration: the new row (in the target workshop) carries the person's first
name, phone, e-mail, consent and call, and names the old row in ``moved_from``; the old
row is marked cancelled and its personal data erased at once.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import datetime
from typing import Any

import sqlite_utils

from kiosk.hub.auth import now_iso
from kiosk.hub.store import Store
from kiosk.hub.times import utc_iso
from kiosk.hub.workshops import (
    Refused,
    active_registrations,
    one,
    refuse_cancelled,
    refuse_full,
    registration,
    started,
)

EDITABLE = ("title", "level", "start", "duration_minutes", "capacity", "place")
FIXED_ONCE_STARTED = ("start", "duration_minutes", "level")


def _changed(workshop: dict[str, Any], changes: dict[str, Any]) -> set[str]:
    """The fields whose value ``changes`` really changes (a start: its instant)."""
    out = set()
    for key, value in changes.items():
        if key == "start":
            if utc_iso(value) != utc_iso(datetime.fromisoformat(workshop["start"])):
                out.add(key)
        elif value != workshop[key]:
            out.add(key)
    return out


def check_edit(workshop: dict[str, Any], changes: dict[str, Any], now: str) -> None:
    """:class:`Refused` when ``changes`` may not be made to ``workshop`` (see the module)."""
    wid = workshop["id"]
    refuse_cancelled(workshop, "it cannot be edited")
    changed = _changed(workshop, changes)
    fixed = sorted(changed & set(FIXED_ONCE_STARTED))
    if fixed and started(workshop, now):
        raise Refused(f"workshop {wid} has started: its {', '.join(fixed)} can no longer change "
                      "(its title, place and capacity can)", "started")
    if "start" in changed and utc_iso(changes["start"]) <= now:
        raise Refused("a workshop cannot be moved into the past", "past")
    capacity = changes.get("capacity", workshop["capacity"])
    if capacity < workshop["seats_taken"]:
        raise Refused(f"capacity {capacity} is below the {workshop['seats_taken']} seats taken: "
                      "cancel or move registrations first", "capacity",
                      capacity=capacity, seats_taken=workshop["seats_taken"])


def _row(db: sqlite_utils.Database, registration_id: int) -> dict[str, Any]:
    return dict(next(db.query("SELECT * FROM registrations WHERE id = ?", [registration_id])))


def _refuse_inactive(reg: dict[str, Any], doing: str) -> None:
    rid = reg["id"]
    if reg["cancelled"]:
        moved = reg["moved_to"] is not None
        raise Refused(f"registration {rid} was {'moved' if moved else 'cancelled'} already",
                      "registration_moved" if moved else "registration_cancelled")
    if reg["attended"] is True:
        raise Refused(f"registration {rid} is marked present: it cannot be {doing}", "attended")


def _check_target(target: dict[str, Any], source_id: int, now: str) -> None:
    if target["id"] == source_id:
        raise Refused("the registration is in that workshop already", "same")
    if target["cancelled"]:
        raise Refused(f"workshop {target['id']} was cancelled: nobody can be moved to it",
                      "target_cancelled")
    if started(target, now):
        raise Refused(f"workshop {target['id']} has started: nobody can be moved to it",
                      "target_started")


class WorkshopChanges:
    """Edits, cancellations and moves, through the hub's one writer."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def edit(self, workshop_id: int, changes: dict[str, Any], who: str) -> Future[dict[str, Any]]:
        """Change some of :data:`EDITABLE` (``start`` an aware datetime); answers the
        workshop. NotFound, :class:`Refused` (cancelled, started, past, capacity)."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            now = now_iso()
            check_edit(one(db, workshop_id), changes, now)
            row = {**changes, "updated_by": who, "updated_at": now}
            if "start" in changes:
                row["start"], row["start_utc"] = changes["start"].isoformat(), utc_iso(changes["start"])
            db.table("workshops").update(workshop_id, row)
            workshop = one(db, workshop_id)
            self.store.emit(db, "workshop.changed", workshop)
            return workshop

        return self.store.run(op)

    def cancel(self, workshop_id: int, reason: str, who: str) -> Future[dict[str, Any]]:
        """Cancel the workshop: ``{"workshop", "to_call": [active registration]}`` (the
        people to tell, with their details). NotFound, :class:`Refused` (cancelled)."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            refuse_cancelled(one(db, workshop_id), "it cannot be cancelled again")
            db.table("workshops").update(workshop_id, {
                "cancelled_at": now_iso(), "cancelled_by": who, "cancel_reason": reason})
            workshop = one(db, workshop_id)
            people = [r for r in active_registrations(db, workshop_id) if not r["erased"]]
            self.store.emit(db, "workshop.cancelled", {**workshop, "to_call": len(people)})
            return {"workshop": workshop, "to_call": people}

        return self.store.run(op)

    def cancel_registration(self, workshop_id: int, registration_id: int, who: str,
                            ) -> Future[dict[str, Any]]:
        """The person no longer comes: their seat is free again. Answers the registration.
        NotFound, :class:`Refused` (cancelled or moved already, marked present)."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            one(db, workshop_id)
            _refuse_inactive(registration(db, workshop_id, registration_id), "cancelled")
            db.table("registrations").update(registration_id, {
                "cancelled_at": now_iso(), "cancelled_by": who})
            return registration(db, workshop_id, registration_id)

        return self.store.run(op)

    def move(self, workshop_id: int, registration_id: int, target_id: int, who: str,
             ) -> Future[dict[str, Any]]:
        """Move a registration to workshop ``target_id``; answers the new registration.
        NotFound (either workshop, the registration), :class:`Refused` (cancelled or moved
        already, marked present, erased, target cancelled or started, same workshop),
        :class:`~kiosk.hub.workshops.Full` (with the next free one of the target's level)."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            now = now_iso()
            one(db, workshop_id)
            old = registration(db, workshop_id, registration_id)
            target = one(db, target_id)
            _refuse_inactive(old, "moved")
            if old["erased"]:
                raise Refused(f"registration {registration_id}'s details were erased: "
                              "register the person again", "erased")
            _check_target(target, workshop_id, now)
            refuse_full(db, target)
            row = _row(db, registration_id)
            cursor = db.execute(
                "INSERT INTO registrations (workshop_id, first_name, phone, email, consent,"
                " help_request_id, registered_by, registered_at, moved_from) VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [target_id, row["first_name"], row["phone"], row["email"], row["consent"],
                 row["help_request_id"], who, now, registration_id])
            db.table("registrations").update(registration_id, {
                "cancelled_at": now, "cancelled_by": who, "first_name": None, "phone": None,
                "email": None, "erased_at": now})
            return registration(db, target_id, int(cursor.lastrowid or 0))

        return self.store.run(op)
