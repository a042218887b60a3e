"""People's accounts, managed by a manager: list, add, set a password, disable, enable.

Disabling someone or giving them a new password deletes their tokens in the same
transaction (the routes also make the hub forget its cached copies and close their open
streams), so every app they are logged into loses access at once; enabling them again
does not bring old tokens back. Password hashes are made by the caller, in the hub's
password thread (:mod:`kiosk.hub.logins`), never here on the writer.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import sqlite_utils

from kiosk.hub import auth
from kiosk.hub.store import Conflict, NotFound, Store


def _user(row: dict[str, Any]) -> dict[str, Any]:
    return {"name": row["name"], "role": row["role"], "disabled": bool(row["disabled"]),
            "created_at": row["created_at"]}


def _row(db: sqlite_utils.Database, name: str) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM users WHERE name = ?", [name]))
    if not rows:
        raise NotFound(f"no user '{name}'")
    return rows[0]


class Accounts:
    def __init__(self, store: Store) -> None:
        self.store = store

    def listing(self) -> list[dict[str, Any]]:
        return [_user(r) for r in self.store.readers.get().query("SELECT * FROM users ORDER BY name")]

    def add(self, name: str, role: str, hashed: str) -> Future[dict[str, Any]]:
        """Add a person with the password hash ``hashed``."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            if db.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
                raise Conflict(f"user '{name}' already exists")
            db.table("users").insert({"name": name, "role": role, "password_hash": hashed,
                                      "created_at": auth.now_iso(), "disabled": 0})
            return _user(_row(db, name))

        return self.store.run(op)

    def set_password(self, name: str, hashed: str) -> Future[dict[str, Any]]:
        """Replace a person's password hash and end their tokens."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            _row(db, name)
            db.execute("UPDATE users SET password_hash = ? WHERE name = ?", [hashed, name])
            auth.revoke(db, name)
            return _user(_row(db, name))

        return self.store.run(op)

    def set_disabled(self, name: str, disabled: bool, by: str) -> Future[dict[str, Any]]:
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            _row(db, name)
            if disabled and name == by:
                raise Conflict("you cannot disable your own account")
            db.execute("UPDATE users SET disabled = ? WHERE name = ?", [int(disabled), name])
            if disabled:
                auth.revoke(db, name)
            return _user(_row(db, name))

        return self.store.run(op)
