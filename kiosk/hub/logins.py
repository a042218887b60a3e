"""Logging in, without letting a flood of wrong passwords slow the help queue.

- :class:`LoginLimiter` counts, in memory, the attempts under way and the failures of
  the last :attr:`~LoginLimiter.window` seconds, per user name and per client address.
  It decides on the event loop's thread before anything slow happens, so it is atomic: of
  200 wrong logins arriving at once, the first few are checked and the others get 429
  without a password hash or a database write.
- :class:`Logins` checks passwords in one thread of its own (``hub-password``), never on
  the writer thread or the event loop; an unknown or disabled name is checked against a
  decoy hash, so it costs the same time as a real one. A right password made with older
  parameters is hashed again and stored with the new token.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from kiosk.hub import auth
from kiosk.hub.store import Store

T = TypeVar("T")


class LoginRefused(Exception):
    """A login answered with ``status`` (401 wrong credentials, 429 wait ``retry_after`` s)."""

    def __init__(self, status: int, detail: str, retry_after: float = 0.0) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


@dataclass
class _Count:
    pending: int = 0
    failures: deque[float] = field(default_factory=deque)


class LoginLimiter:
    """Attempts under way plus failures in the window, per user name and per address; a
    new attempt is let through only while both are under their limits."""

    def __init__(self, per_user: int = 5, per_address: int = 10, window: float = 30.0,
                 most_waiting: int = 16, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_user = per_user
        self.per_address = per_address
        self.window = window
        self.most_waiting = most_waiting  # checks queued for the password thread, in all
        self.clock = clock
        self._users: dict[str, _Count] = {}
        self._addresses: dict[str, _Count] = {}
        self.waiting = 0

    def acquire(self, user: str, address: str) -> float:
        """0 and a reserved attempt, or the seconds to wait before trying again."""
        now = self.clock()
        u = self._count(self._users, user.casefold(), now)
        a = self._count(self._addresses, address, now)
        wait = max(self._wait(u, self.per_user, now), self._wait(a, self.per_address, now))
        if wait == 0 and self.waiting >= self.most_waiting:
            wait = 1.0  # the password thread is busy enough: no queue grows without end
        if wait > 0:
            return wait
        u.pending += 1
        a.pending += 1
        self.waiting += 1
        return 0.0

    def release(self, user: str, address: str, ok: bool) -> None:
        """The attempt reserved by :meth:`acquire` ended (``ok``: right password)."""
        now = self.clock()
        self.waiting -= 1
        for table, key in ((self._users, user.casefold()), (self._addresses, address)):
            count = table.setdefault(key, _Count())
            count.pending = max(0, count.pending - 1)
            if not ok:
                count.failures.append(now)
        if ok:
            self._users.pop(user.casefold(), None)  # the person is back: their slate is clean
        self._forget_idle(now)

    def _count(self, table: dict[str, _Count], key: str, now: float) -> _Count:
        count = table.setdefault(key, _Count())
        while count.failures and count.failures[0] <= now - self.window:
            count.failures.popleft()
        return count

    def _wait(self, count: _Count, limit: int, now: float) -> float:
        if count.pending + len(count.failures) < limit:
            return 0.0
        if not count.failures:
            return 1.0  # only attempts under way: they end within a second or so
        return max(1.0, count.failures[0] + self.window - now)

    def _forget_idle(self, now: float) -> None:
        """Drop the entries that no longer hold anything (memory stays bounded)."""
        if len(self._users) + len(self._addresses) < 1000:
            return
        for table in (self._users, self._addresses):
            for key in [k for k, c in table.items() if not c.pending and
                        (not c.failures or c.failures[-1] <= now - self.window)]:
                del table[key]


class Logins:
    """Checks passwords in the ``hub-password`` thread and hands out tokens."""

    def __init__(self, store: Store, limiter: LoginLimiter | None = None,
                 token_max_seconds: float = 86_400.0) -> None:
        self.store = store
        self.limiter = limiter or LoginLimiter()
        self.token_max_seconds = token_max_seconds
        self.checks = 0  # password checks done (the limiter's tests count them)
        self._pool: ThreadPoolExecutor | None = None

    async def start(self) -> None:
        """Start the password thread now, with the decoy hash made in it (so the first
        unknown name costs what the others do)."""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-password")
        await asyncio.get_running_loop().run_in_executor(self._pool, auth.decoy_hash)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    async def _in_thread(self, work: Callable[[], T]) -> T:
        if self._pool is None:
            raise RuntimeError("the hub's password thread is not started")
        return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    async def hash(self, password: str) -> str:
        """A new password hash, made in the password thread."""
        return await self._in_thread(lambda: auth.hash_password(password))

    async def login(self, username: str, password: str, address: str) -> tuple[str, str]:
        """(token, role); raises :class:`LoginRefused` (429 before any work, or 401)."""
        wait = self.limiter.acquire(username, address)
        if wait > 0:
            raise LoginRefused(429, f"too many failed logins: try again in {wait:.0f} s", wait)
        ok = False
        try:
            found = auth.account(self.store.readers.get(), username)
            stored = found.password_hash if found else auth.decoy_hash()
            self.checks += 1
            right, upgrade = await self._in_thread(lambda: auth.verify(password, stored))
            ok = right and found is not None and not found.disabled
            if not ok or found is None:
                raise LoginRefused(401, "wrong user name or password")
            new_hash = await self.hash(password) if upgrade else None
            role, max_s = found.role, self.token_max_seconds
            token = await asyncio.wrap_future(self.store.run(
                lambda db: auth.issue_token(db, username, role, max_s, new_hash)))
            return token, role
        finally:
            self.limiter.release(username, address, ok)
