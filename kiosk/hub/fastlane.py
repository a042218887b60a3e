"""The fast lane: the routes of help calls, kiosk events and logins, reached without
walking FastAPI's stack.

A kiosk's help call is the request whose latency matters most (a customer waits, the
consoles must hear of it at once); the events of a hundred kiosks are the hub's busiest
traffic beside it, and a login flood its heaviest (each such request the loop handles is
time a help call may wait). Their routes are ordinary FastAPI routes (documented in the OpenAPI schema),
marked with :func:`hot`; this ASGI
middleware sends a request whose method and exact path are those of a hot route straight
to that route's function, skipping the router's matching and FastAPI's dependency
solving (measured: about a quarter of the hub's time for a help call). A hot route's
function takes only the :class:`~starlette.requests.Request` and returns a
:class:`~starlette.responses.Response`; its exceptions get the app's own handlers, so the
answers are the same either way (``tests/hub/test_fastlane.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, Exception], Awaitable[Response]]
F = TypeVar("F", bound=Endpoint)
_HOT = "__hub_hot__"


def hot(endpoint: F) -> F:
    """Mark a route's function for the fast lane (see the module docstring)."""
    setattr(endpoint, _HOT, True)
    return endpoint


def hot_routes(routers: Iterable[APIRouter]) -> dict[tuple[str, str], Endpoint]:
    """``(method, path)`` → function, for every route of ``routers`` marked :func:`hot`."""
    found: dict[tuple[str, str], Endpoint] = {}
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute) and getattr(route.endpoint, _HOT, False) \
                    and "{" not in route.path:  # a path with parameters: the usual stack
                for method in route.methods or ():
                    found[(method, route.path)] = route.endpoint
    return found


class FastLane:
    """ASGI middleware: the hot routes of ``routes`` (see :func:`hot_routes`) go straight
    to their function, everything else down ``owner``'s usual stack. Add it with
    ``owner.add_middleware(FastLane, owner=owner, routes=hot_routes(routers))``."""

    def __init__(self, app: ASGIApp, owner: FastAPI,
                 routes: dict[tuple[str, str], Endpoint]) -> None:
        self.app = app
        self.owner = owner
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            endpoint = self.routes.get((scope["method"], scope["path"]))
            if endpoint is not None:
                await self._run(endpoint, scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _run(self, endpoint: Endpoint, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        try:
            response = await endpoint(request)
        except Exception as exc:
            handler = self._handler(exc)
            if handler is None:
                raise  # as anywhere else: the server's error middleware answers 500
            response = await handler(request, exc)
        await response(scope, receive, send)

    def _handler(self, exc: Exception) -> Handler | None:
        """The app's handler for ``exc`` (the nearest class in its MRO), as Starlette's
        exception middleware chooses it."""
        handlers: dict[Any, Handler] = self.owner.exception_handlers  # type: ignore[assignment]
        for cls in type(exc).__mro__:
            if cls in handlers:
                return handlers[cls]
        return None
