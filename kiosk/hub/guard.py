"""Who is calling: bearer tokens checked against the database (cached for a few
seconds), and the roles a route needs, checked in DESIGN.md's order (401, then 403)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request

from kiosk.hub import auth
from kiosk.hub.auth import Principal
from kiosk.hub.store import Store


class TokenCache:
    """Bearer tokens already checked, for a few seconds: most requests skip the lookup.
    (Reads run on the event loop thread: SQLite answers them in microseconds.)"""

    TTL = 10.0

    def __init__(self, store: Store) -> None:
        self.store = store
        self._known: dict[str, tuple[Principal, float]] = {}

    def get(self, token: str) -> Principal | None:
        now = time.monotonic()
        hit = self._known.get(token)
        if hit is not None and hit[1] > now:
            return hit[0]
        who = auth.principal_for(self.store.readers.get(), token) if token else None
        if who is not None:
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[token] = (who, now + self.TTL)
        return who

    def forget(self, name: str) -> None:
        """Drop the cached tokens of ``name`` (a disabled account): checked afresh next time."""
        for token, (who, _) in list(self._known.items()):
            if who.name == name and who.role != "kiosk":
                self._known.pop(token, None)


class Guard:
    """Makes the FastAPI dependencies that let only some roles through."""

    def __init__(self, store: Store) -> None:
        self.tokens = TokenCache(store)

    def principal(self, token: str) -> Principal | None:
        return self.tokens.get(token)

    def require(self, *roles: str) -> Callable[[Request], Awaitable[Principal]]:
        async def dependency(request: Request) -> Principal:
            header = request.headers.get("authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token:
                raise HTTPException(401, "a bearer token is required",
                                    headers={"WWW-Authenticate": "Bearer"})
            who = self.principal(token.strip())
            if who is None:
                raise HTTPException(401, "unknown or revoked token",
                                    headers={"WWW-Authenticate": "Bearer"})
            if who.role not in roles:
                raise HTTPException(403, f"this needs the role {' or '.join(roles)}")
            return who

        return dependency
