"""Logging in under attack, against a real hub: the in-memory limiter refuses a flood
before any password is checked, forged X-Forwarded-For does not help, unknown names cost
what known ones do, checks never run on the writer thread, old hashes are upgraded."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.hub import auth
from kiosk.hub.db import connect
from kiosk.hub.logins import LoginLimiter, Logins
from tests.hub.conftest import PASSWORD, Hub
from tests.hub.test_help_requests import call


def logins_of(hub: Hub) -> Logins:
    app: Any = hub.server.server.config.loaded_app
    while not hasattr(app, "state"):  # uvicorn wraps the app in middleware
        app = app.app
    return app.state.context.logins  # type: ignore[no-any-return]


async def _burst(url: str, bodies: list[dict[str, str]],
                 headers: list[dict[str, str]] | None = None) -> list[int]:
    async with httpx.AsyncClient(base_url=f"{url}/api/v1", timeout=60,
                                 limits=httpx.Limits(max_connections=200)) as client:
        answers = await asyncio.gather(*(
            client.post("/auth/login", json=body, headers=(headers or [{}] * len(bodies))[i])
            for i, body in enumerate(bodies)))
    return [a.status_code for a in answers]


# -- the limiter alone (a fake clock) -------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_counts_attempts_under_way_so_a_simultaneous_flood_is_cut() -> None:
    limiter = LoginLimiter(per_user=5, per_address=10, window=30, clock=Clock())
    let_through = [limiter.acquire("aicha", "10.0.0.1") == 0 for _ in range(200)]
    assert sum(let_through) == 5  # none of them has failed yet: still only five


def test_limiter_per_address_cuts_many_names_and_per_name_many_addresses() -> None:
    limiter = LoginLimiter(per_user=5, per_address=10, window=30, clock=Clock())
    assert sum(limiter.acquire(f"user{i}", "10.0.0.1") == 0 for i in range(200)) == 10
    limiter2 = LoginLimiter(per_user=5, per_address=10, window=30, clock=Clock())
    assert sum(limiter2.acquire("aicha", f"10.0.0.{i}") == 0 for i in range(200)) == 5


def test_limiter_failures_hold_for_the_window_and_success_clears_the_name() -> None:
    clock = Clock()
    limiter = LoginLimiter(per_user=3, per_address=100, window=30, clock=clock)
    for _ in range(3):
        assert limiter.acquire("bruno", "a") == 0
        limiter.release("bruno", "a", ok=False)
    wait = limiter.acquire("bruno", "a")
    assert 29 <= wait <= 30
    clock.now += 31
    assert limiter.acquire("bruno", "a") == 0
    limiter.release("bruno", "a", ok=True)
    assert all(limiter.acquire("bruno", "b") == 0 or limiter.release("bruno", "b", True)
               for _ in range(3))


def test_limiter_bounds_the_queue_of_checks() -> None:
    limiter = LoginLimiter(per_user=5, per_address=10, most_waiting=4, clock=Clock())
    assert sum(limiter.acquire(f"u{i}", f"10.0.0.{i}") == 0 for i in range(50)) == 4


# -- a real hub -----------------------------------------------------------------------------
@pytest.fixture
def scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, int]]]:
    """Every scrypt the hub runs: (thread name, log2 N)."""
    seen: list[tuple[str, int]] = []
    real = auth._scrypt

    def counted(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
        seen.append((threading.current_thread().name, log2_n))
        return real(password, salt, log2_n, r, p)

    monkeypatch.setattr(auth, "_scrypt", counted)
    return seen


def test_200_wrong_logins_at_once_reach_at_most_10_password_checks(
        hub: Hub, scrypt_calls: list[tuple[str, int]]) -> None:
    before = logins_of(hub).checks
    statuses = asyncio.run(_burst(hub.url, [{"username": "aicha", "password": "wrong"}] * 200))
    counts = Counter(statuses)
    assert set(counts) <= {401, 429}, counts
    assert counts[401] <= 10
    assert logins_of(hub).checks - before == counts[401]
    assert {name for name, _ in scrypt_calls} == {"hub-password_0"}  # never the writer
    with hub.client("k1") as k:  # and the help queue still works at once after
        assert k.post("/help-requests", json=call()).status_code == 201


def test_200_unknown_names_from_one_address_are_cut_too(hub: Hub) -> None:
    bodies = [{"username": f"nobody{i}", "password": "x"} for i in range(200)]
    counts = Counter(asyncio.run(_burst(hub.url, bodies)))
    assert counts[401] <= 10
    assert counts[429] >= 190


def test_forged_forwarded_for_does_not_escape_the_limiter(hub: Hub) -> None:
    bodies = [{"username": f"guess{i}", "password": "x"} for i in range(40)]
    headers = [{"X-Forwarded-For": f"198.51.100.{i}"} for i in range(40)]
    counts = Counter(asyncio.run(_burst(hub.url, bodies, headers)))
    assert counts[401] <= 10, counts


def test_429_says_when_to_come_back_and_another_name_still_logs_in(hub: Hub) -> None:
    with hub.client() as c:
        for _ in range(5):
            assert c.post("/auth/login", json={"username": "bruno", "password": "no"}
                          ).status_code == 401
        locked = c.post("/auth/login", json={"username": "bruno", "password": PASSWORD})
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) >= 1
        ok = c.post("/auth/login", json={"username": "aicha", "password": PASSWORD})
        assert ok.status_code == 200


def test_an_unknown_name_costs_one_scrypt_at_the_current_parameters(
        hub: Hub, scrypt_calls: list[tuple[str, int]]) -> None:
    """What an attacker could time is the same for a real name and an unknown one."""
    with hub.client() as c:
        c.post("/auth/login", json={"username": "aicha", "password": "wrong"})
        known = list(scrypt_calls)
        scrypt_calls.clear()
        c.post("/auth/login", json={"username": "no-such-person", "password": "wrong"})
        unknown = list(scrypt_calls)
    assert known == unknown == [("hub-password_0", auth.SCRYPT_LOG2_N)]
    assert auth.SCRYPT_LOG2_N == 17
    assert auth.SCRYPT_R == 8
    assert auth.SCRYPT_P == 1


def _legacy_hash(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def test_an_old_hash_is_upgraded_at_the_next_good_login(hub: Hub, tmp_path: Path) -> None:
    db = connect(hub.db)
    db.execute("UPDATE users SET password_hash = ? WHERE name = 'bruno'",
               [_legacy_hash("old-but-right")])
    with hub.client() as c:
        assert c.post("/auth/login", json={"username": "bruno", "password": "nope"}
                      ).status_code == 401
        assert db.execute("SELECT password_hash FROM users WHERE name = 'bruno'"
                          ).fetchone()[0].count("$") == 2  # a wrong password changes nothing
        assert c.post("/auth/login", json={"username": "bruno", "password": "old-but-right"}
                      ).status_code == 200
        stored = db.execute("SELECT password_hash FROM users WHERE name = 'bruno'").fetchone()[0]
        assert stored.startswith("scrypt$17$8$1$")
        assert auth.verify("old-but-right", stored) == (True, False)
        assert c.post("/auth/login", json={"username": "bruno", "password": "old-but-right"}
                      ).status_code == 200
    db.close()


def test_a_flood_writes_nothing_to_the_database(hub: Hub) -> None:
    db = connect(hub.db)
    before = db.execute("PRAGMA data_version").fetchone()[0], _wal_size(hub.db)
    asyncio.run(_burst(hub.url, [{"username": "manon", "password": "bad"}] * 100))
    assert (db.execute("PRAGMA data_version").fetchone()[0], _wal_size(hub.db)) == before
    db.close()


def _wal_size(db: Path) -> int:
    wal = db.with_name(db.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0
