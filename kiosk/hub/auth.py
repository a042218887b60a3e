"""Accounts and tokens: scrypt password hashes, random bearer tokens stored hashed,
roles (kiosk, mediator, manager) and people's tokens' lifetimes.

Password hashes are scrypt at OWASP's parameters (N=2^17, r=8, p=1; 128 MiB and about a
third of a second each): ``scrypt$17$8$1$<salt>$<digest>``. Hashes made with older
parameters (``scrypt$<salt>$<digest>``: N=2^14) still verify, and :func:`verify` says when
one should be made again (done at the next successful login). Checking a password is slow
on purpose, so it never runs on the writer thread or the event loop: the hub runs it in
its own thread (:mod:`kiosk.hub.logins`), and :func:`verify` against :func:`decoy_hash`
makes an unknown name cost the same time as a known one.

Kiosk tokens never expire (a device has no one to log in again); a person's token has an
absolute end (``expires_at``) and an idle limit (``last_used``), see :mod:`kiosk.hub.guard`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

import sqlite_utils

ROLES = ("kiosk", "mediator", "manager")
USER_ROLES = ("mediator", "manager")
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 17, 8, 1  # OWASP's password storage advice
_LEGACY = (14, 8, 1)  # "scrypt$salt$digest", before the parameters were written down
_MAXMEM = 256 * 1024 * 1024  # N=2^17, r=8 needs 128 MiB (OpenSSL's default cap is 32)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a kiosk by its name, or a person by their user name. ``expires_at``
    (epoch seconds) is when a person's token ends, None for never."""

    name: str
    role: str
    expires_at: float | None = field(default=None, compare=False)


def _scrypt(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2 ** log2_n, r=r, p=p, dklen=32,
                          maxmem=_MAXMEM)


def hash_password(password: str) -> str:
    """A new hash of ``password`` at the current parameters (slow: a worker thread)."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_LOG2_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def _parse(stored: str) -> tuple[tuple[int, int, int], bytes, str] | None:
    parts = stored.split("$")
    try:
        if len(parts) == 3 and parts[0] == "scrypt":
            return _LEGACY, bytes.fromhex(parts[1]), parts[2]
        if len(parts) == 6 and parts[0] == "scrypt":
            params = (int(parts[1]), int(parts[2]), int(parts[3]))
            if not (10 <= params[0] <= 20 and 1 <= params[1] <= 32 and 1 <= params[2] <= 16):
                return None
            return params, bytes.fromhex(parts[4]), parts[5]
    except ValueError:
        return None
    return None


def verify(password: str, stored: str) -> tuple[bool, bool]:
    """(right password, hash should be made again at the current parameters)."""
    parsed = _parse(stored)
    if parsed is None:
        return False, False
    params, salt, digest_hex = parsed
    digest = _scrypt(password, salt, *params)
    ok = hmac.compare_digest(digest.hex(), digest_hex)
    return ok, ok and params != (SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)


def check_password(password: str, stored: str) -> bool:
    return verify(password, stored)[0]


_decoy: str | None = None
_decoy_lock = threading.Lock()


def decoy_hash() -> str:
    """A hash no password matches, at the current parameters: checked for unknown or
    disabled names so that they cost the same time as a real account."""
    global _decoy
    with _decoy_lock:
        if _decoy is None:
            _decoy = hash_password(secrets.token_urlsafe(24))
        return _decoy


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


@dataclass(frozen=True)
class Account:
    """What a login needs to know of a user name (read before the slow check)."""

    role: str
    password_hash: str
    disabled: bool


def account(db: sqlite_utils.Database, name: str) -> Account | None:
    row = db.execute("SELECT role, password_hash, disabled FROM users WHERE name = ?",
                     [name]).fetchone()
    return Account(str(row[0]), str(row[1]), bool(row[2])) if row else None


def issue_token(db: sqlite_utils.Database, name: str, role: str, max_seconds: float,
                new_hash: str | None = None, now: float | None = None) -> str:
    """A new token for ``name`` (valid ``max_seconds``, 0: no end); ``new_hash`` replaces
    the stored password hash (an upgrade to the current parameters)."""
    now = time.time() if now is None else now
    token = new_token()
    db.execute("INSERT INTO tokens (token_hash, subject, role, created_at, expires_at, last_used)"
               " VALUES (?, ?, ?, ?, ?, ?)",
               [token_hash(token), name, role, now_iso(), now + max_seconds if max_seconds else None,
                now])
    if new_hash is not None:
        db.execute("UPDATE users SET password_hash = ? WHERE name = ?", [new_hash, name])
    return token


def login(db: sqlite_utils.Database, username: str, password: str,
          max_seconds: float = 86_400.0) -> tuple[str, str] | None:
    """(token, role) for good credentials, checked here and now (the command line and
    tests; the hub itself checks in :mod:`kiosk.hub.logins`)."""
    found = account(db, username)
    ok, upgrade = verify(password, found.password_hash if found else decoy_hash())
    if found is None or found.disabled or not ok:
        return None
    new_hash = hash_password(password) if upgrade else None
    return issue_token(db, username, found.role, max_seconds, new_hash), found.role


def principal_for(db: sqlite_utils.Database, token: str,
                  now: float | None = None) -> tuple[Principal, float | None] | None:
    """The owner of a bearer token and when it was last used (None for a kiosk), or None
    for an unknown, revoked or expired token (the idle limit is the guard's)."""
    h = token_hash(token)
    row = db.execute("SELECT name FROM kiosks WHERE token_hash = ?", [h]).fetchone()
    if row:
        return Principal(row[0], "kiosk"), None
    now = time.time() if now is None else now
    row = db.execute(
        "SELECT t.subject, t.role, t.expires_at, t.last_used FROM tokens t "
        "JOIN users u ON u.name = t.subject "
        "WHERE t.token_hash = ? AND u.disabled = 0 AND (t.expires_at IS NULL OR t.expires_at > ?)",
        [h, now]).fetchone()
    if not row:
        return None
    return Principal(row[0], row[1], row[2]), (float(row[3]) if row[3] is not None else now)


def touch(db: sqlite_utils.Database, token: str, when: float) -> None:
    db.execute("UPDATE tokens SET last_used = ? WHERE token_hash = ?", [when, token_hash(token)])


def revoke(db: sqlite_utils.Database, name: str) -> int:
    """Delete every token of person ``name``; returns how many there were."""
    return int(db.execute("DELETE FROM tokens WHERE subject = ?", [name]).rowcount)
