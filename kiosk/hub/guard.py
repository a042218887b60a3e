"""Who is calling: bearer tokens checked against the database (cached for a few
seconds), people's tokens' idle and absolute limits, and the roles a route needs,
checked in DESIGN.md's order (401, then 403)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request

from kiosk.hub import auth
from kiosk.hub.auth import Principal
from kiosk.hub.store import Store

TOUCH_EVERY = 60.0  # seconds between two writes of a token's last use


@dataclass
class _Known:
    who: Principal
    fresh_until: float  # monotonic: looked up again after this
    last_used: float  # epoch seconds
    stored_use: float  # the last use written to the database


class TokenCache:
    """Bearer tokens already checked, for a few seconds: most requests skip the lookup.
    (Reads run on the event loop thread: SQLite answers them in microseconds.)

    A person's token stops working ``idle_seconds`` after its last use (a request or an
    open stream; 0: never) and at its ``expires_at``. The last use is kept here and
    written to the database at most once a minute, through the writer."""

    TTL = 10.0

    def __init__(self, store: Store, idle_seconds: float = 0.0) -> None:
        self.store = store
        self.idle_seconds = idle_seconds
        self._known: dict[str, _Known] = {}

    def get(self, token: str) -> Principal | None:
        if not token:
            return None
        now, mono = time.time(), time.monotonic()
        hit = self._known.get(token)
        if hit is None or hit.fresh_until <= mono:
            found = auth.principal_for(self.store.readers.get(), token, now)
            if found is None:
                self._known.pop(token, None)
                return None
            who, last_used = found
            used = max(last_used or now, hit.last_used if hit else 0.0)
            if len(self._known) > 10_000:
                self._known.clear()
            hit = self._known[token] = _Known(who, mono + self.TTL, used, last_used or now)
        if hit.who.role == "kiosk":
            return hit.who
        if not self._alive(hit, now):
            self._known.pop(token, None)
            return None
        self._use(token, hit, now)
        return hit.who

    def _alive(self, hit: _Known, now: float) -> bool:
        if hit.who.expires_at is not None and hit.who.expires_at <= now:
            return False
        return not (self.idle_seconds and now - hit.last_used > self.idle_seconds)

    def _use(self, token: str, hit: _Known, now: float) -> None:
        hit.last_used = now
        if now - hit.stored_use >= TOUCH_EVERY:
            hit.stored_use = now
            self.store.run(lambda db: auth.touch(db, token, now))  # answered by nobody

    def drop(self, token: str) -> None:
        """Forget one token (logged out)."""
        self._known.pop(token, None)

    def forget(self, name: str) -> None:
        """Drop the cached tokens of person ``name`` (disabled, or a new password): checked
        afresh next time."""
        for token, known in list(self._known.items()):
            if known.who.name == name and known.who.role != "kiosk":
                self._known.pop(token, None)


class Guard:
    """Makes the FastAPI dependencies that let only some roles through."""

    def __init__(self, store: Store, idle_seconds: float = 0.0) -> None:
        self.tokens = TokenCache(store, idle_seconds)

    def principal(self, token: str) -> Principal | None:
        return self.tokens.get(token)

    def require(self, *roles: str) -> Callable[[Request], Awaitable[Principal]]:
        async def dependency(request: Request) -> Principal:
            return self.check(request, roles)

        return dependency

    def check(self, request: Request, roles: tuple[str, ...]) -> Principal:
        """Who sent ``request``: 401 without a valid bearer token, 403 when their role is
        not one of ``roles``. (The routes that carry the help queue and the events call
        this themselves: a FastAPI dependency costs as much again as the check.)"""
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, "a bearer token is required",
                                headers={"WWW-Authenticate": "Bearer"})
        who = self.principal(token.strip())
        if who is None:
            raise HTTPException(401, "unknown, expired or revoked token: log in again",
                                headers={"WWW-Authenticate": "Bearer"})
        if who.role not in roles:
            raise HTTPException(403, f"this needs the role {' or '.join(roles)}")
        request.state.token = token.strip()
        return who
