"""Accounts and tokens: scrypt password hashes, random bearer tokens stored hashed,
roles (kiosk, mediator, manager), and a lockout after repeated failed logins."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import sqlite_utils

ROLES = ("kiosk", "mediator", "manager")
USER_ROLES = ("mediator", "manager")
LOCKOUT_FAILURES = 5
LOCKOUT_SECONDS = 30.0
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


@dataclass(frozen=True)
class Principal:
    """Who is calling: a kiosk by its name, or a person by their user name."""

    name: str
    role: str


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def now_iso() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="milliseconds")


def add_kiosk(db: sqlite_utils.Database, name: str) -> str:
    """Register (or re-key) a kiosk; returns its new device token."""
    token = new_token()
    db.table("kiosks").upsert({"name": name, "token_hash": token_hash(token), "created_at": now_iso()},
                        pk="name")
    return token


def add_user(db: sqlite_utils.Database, name: str, role: str, password: str) -> None:
    if role not in USER_ROLES:
        raise ValueError(f"role must be one of {', '.join(USER_ROLES)}")
    if len(password) < 8:
        raise ValueError("the password needs at least 8 characters")
    db.table("users").upsert({"name": name, "role": role, "password_hash": hash_password(password),
                        "created_at": now_iso(), "disabled": 0}, pk="name")


def principal_for(db: sqlite_utils.Database, token: str) -> Principal | None:
    """The owner of a bearer token, or None."""
    h = token_hash(token)
    row = db.execute("SELECT name FROM kiosks WHERE token_hash = ?", [h]).fetchone()
    if row:
        return Principal(row[0], "kiosk")
    row = db.execute(
        "SELECT t.subject, t.role FROM tokens t JOIN users u ON u.name = t.subject "
        "WHERE t.token_hash = ? AND u.disabled = 0", [h]).fetchone()
    return Principal(row[0], row[1]) if row else None


def locked_out(db: sqlite_utils.Database, username: str, address: str,
               now: float | None = None) -> float:
    """Seconds left of a lockout for this user and address (0 when none)."""
    now = time.time() if now is None else now
    rows = db.execute(
        "SELECT at FROM login_failures WHERE username = ? AND address = ? AND at > ? "
        "ORDER BY at DESC", [username, address, now - LOCKOUT_SECONDS]).fetchall()
    if len(rows) < LOCKOUT_FAILURES:
        return 0.0
    return max(0.0, float(rows[LOCKOUT_FAILURES - 1][0]) + LOCKOUT_SECONDS - now)


def login(db: sqlite_utils.Database, username: str, password: str,
          address: str) -> tuple[str, str] | None:
    """(token, role) for good credentials; a failure is recorded for the lockout."""
    row = db.execute("SELECT role, password_hash, disabled FROM users WHERE name = ?",
                     [username]).fetchone()
    if row is None or row[2] or not check_password(password, row[1]):
        db.table("login_failures").insert({"username": username, "address": address,
                                     "at": time.time()})
        return None
    db.execute("DELETE FROM login_failures WHERE username = ? AND address = ?",
               [username, address])
    token = new_token()
    db.table("tokens").insert({"token_hash": token_hash(token), "subject": username,
                         "role": row[0], "created_at": now_iso()})
    return token, str(row[0])
