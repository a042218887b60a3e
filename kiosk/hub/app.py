"""The hub's FastAPI application: the app, its health check and the WebSocket stream.

The routes are in the ``routes_*`` modules (help requests, kiosks, log-in, flows,
statistics, workshops and accounts). Background tasks: re-alerting unclaimed calls, and
erasing workshop registrations' personal data once they are old enough. A full or failing
disk answers 503 (the kiosks keep their calls and retry), never 500.

(No ``from __future__ import annotations`` here: FastAPI reads the annotations of the
routes, which use dependency types defined inside :func:`create_app`.)
"""


import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import JSONResponse

from kiosk import __version__, config, paths
from kiosk.hub import (
    routes_auth,
    routes_console,
    routes_flows,
    routes_help,
    routes_kiosks,
    routes_metrics,
    routes_office,
    routes_pictures,
    routes_staff,
    routes_stats,
    routes_workshops,
)
from kiosk.hub.accounts import Accounts
from kiosk.hub.context import PREFIX, Context
from kiosk.hub.db import StorageError
from kiosk.hub.fastlane import FastLane, hot_routes
from kiosk.hub.flows import Flows
from kiosk.hub.guard import Guard
from kiosk.hub.logins import Logins
from kiosk.hub.metrics import Meter, Metrics
from kiosk.hub.presence import Presence
from kiosk.hub.store import HANDOVER_SECONDS, Conflict, Forbidden, NotFound, Store
from kiosk.hub.stream import MAX_PER_ACCOUNT, REVOKED, TOO_MANY, Broadcaster
from kiosk.hub.times import office_tz
from kiosk.hub.workshops import Full, Workshops

log = logging.getLogger(__name__)
SUBPROTOCOL = "guichet"  # a browser's stream: the token is the subprotocol after it
PURGE_EVERY = 3600.0  # seconds between two erasures of old personal data
HEALTH_PROBE_SECONDS = 2.0  # a write to see whether the disk works again


def create_app(db_path: Path, realert_after: float = 90.0, *, timezone: str | None = None,
               retention_days: float | None = None, builtin_flows: Path | None = None,
               token_idle_minutes: float | None = None, token_max_hours: float | None = None,
               handover_after: float = HANDOVER_SECONDS) -> FastAPI:
    """The hub for one office, storing in ``db_path``.

    ``timezone`` (IANA name), ``retention_days`` and the tokens' lifetimes default to the
    settings ``hub_timezone``, ``workshop_retention_days``, ``hub_token_idle_minutes`` and
    ``hub_token_max_hours``; a hand-over nobody answers goes back to the queue after
    ``handover_after`` seconds; ``builtin_flows`` (the package's flows by default) are
    published as version 1 of any flow id without a version. A damaged database raises
    :class:`~kiosk.hub.db.DamagedDatabase` here, before anything listens.
    """
    def setting(value: float | str | None, name: str) -> Any:
        return config.get(name) if value is None else value

    tz = office_tz(setting(timezone, "hub_timezone"))
    retention = float(setting(retention_days, "workshop_retention_days"))
    idle_s = float(setting(token_idle_minutes, "hub_token_idle_minutes")) * 60
    max_s = float(setting(token_max_hours, "hub_token_max_hours")) * 3600
    broadcaster = Broadcaster()
    store = Store(db_path, on_written=broadcaster.publish_threadsafe)
    guard = Guard(store, idle_s)
    logins = Logins(store, token_max_seconds=max_s)
    presence = Presence(store, broadcaster.staff_on_duty)
    ctx = Context(store, guard, Flows(store), Workshops(store), Accounts(store), logins,
                  broadcaster, tz, retention, presence, str(config.get("hub_office_name")))
    metrics = Metrics(store)  # claims' waits and help calls' log lines: from what is committed
    store.on_written = metrics.follow(store.on_written)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        broadcaster.bind(loop)
        await _start_workers(loop)
        await logins.start()
        try:
            folder = builtin_flows or paths.builtin_flows_dir()
            imported = await asyncio.wrap_future(
                await asyncio.to_thread(ctx.flows.import_builtin, folder))
            if imported:
                log.info("built-in flows published as version 1: %s", ", ".join(imported))
            await asyncio.wrap_future(ctx.workshops.purge(retention))
        except Exception:  # the help queue must run even so
            log.exception("starting the hub: importing built-in flows or erasing old data failed")
        tasks = [asyncio.create_task(_realert_loop(store, realert_after)),
                 asyncio.create_task(_purge_loop(ctx.workshops, retention)),
                 asyncio.create_task(_handover_loop(store, handover_after))]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await broadcaster.close()
            logins.close()
            store.close()

    app = FastAPI(title="Guichet Kiosk hub", version=__version__, lifespan=lifespan,
                  openapi_url=f"{PREFIX}/openapi.json", docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.broadcaster = broadcaster
    app.state.context = ctx

    for error, status in ((Conflict, 409), (NotFound, 404), (Forbidden, 403)):
        app.add_exception_handler(error, _handler(status))
    app.add_exception_handler(Full, _full)
    app.add_exception_handler(StorageError, _storage)

    @app.get(f"{PREFIX}/health", responses={503: {"description": "the hub cannot write"}})
    async def health() -> JSONResponse:
        """Is the hub up, and can it read and write its database? (no token needed)
        ``{"status": "ok", "version", "db": "ok"}``, or 503 with ``"status": "error"``
        and the reason in ``db`` (a full disk, say): then help calls are not being stored."""
        problem = await _db_problem(store)
        body = {"status": "error" if problem else "ok", "version": __version__,
                "db": problem or "ok"}
        return JSONResponse(body, status_code=503 if problem else 200)

    # the busiest routes first: FastAPI tries the routers in this order, every route of
    # each (help calls and events then skip matching the other routers' routes)
    routers = [module.router(ctx) for module in (routes_help, routes_kiosks, routes_auth,
                                                 routes_flows, routes_pictures, routes_office,
                                                 routes_stats, routes_staff, routes_console)]
    for router in routers:
        app.include_router(router)
    app.include_router(routes_metrics.router(ctx, metrics))
    app.include_router(routes_workshops.router(ctx))
    # a help call's route, straight (see kiosk.hub.fastlane); every request counted and
    # logged (kiosk.hub.metrics), the fast lane's too
    hot = hot_routes(routers)
    app.add_middleware(FastLane, owner=app, routes=hot)
    app.add_middleware(Meter, metrics=metrics, guard=guard, routes=hot)

    @app.websocket(f"{PREFIX}/stream")
    async def stream(ws: WebSocket, token: str = "", since: int | None = None) -> None:
        """Every change as one message ``{"seq", "type", "request"}`` (``{"seq", "type",
        "flow": {"id", "version"}}`` for ``flow.published``, ``{"seq", "type", "person"}``
        for ``presence.changed``); ``?since=N`` first sends what came after N. The token
        comes as ``?token=`` or, from a browser (which must not put it in a URL), as the
        second of the subprotocols ``guichet, <token>``. Closed with 4401 for an unknown,
        expired or revoked token, 4429 when the account has too many streams open."""
        offered = ws.scope.get("subprotocols") or []
        if SUBPROTOCOL in offered:
            token = next((p for p in offered if p != SUBPROTOCOL), token)
        who = guard.principal(token)
        # then closed with a code the client can act on, if need be
        await ws.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in offered else None)
        if who is None:
            await ws.close(code=REVOKED, reason="unknown, expired or revoked token: log in again")
            return
        if broadcaster.open_streams(who.name) >= MAX_PER_ACCOUNT:
            await ws.close(code=TOO_MANY, reason=f"{MAX_PER_ACCOUNT} streams are open "
                                                 "for this account already")
            return
        person = who.role != "kiosk"
        first = person and broadcaster.open_streams(who.name) == 0
        loop = asyncio.get_running_loop()
        if first:  # on duty from now on (told once the stream is open: see serve)
            loop.call_soon(presence.announce, who.name)
        try:
            await broadcaster.serve(ws, who, since, store.stream_since,
                                    lambda: guard.principal(token) is not None)
        finally:
            if person and broadcaster.open_streams(who.name) == 0:
                presence.announce(who.name)  # their last console went: off duty

    return app


async def _db_problem(store: Store) -> str | None:
    """Why the database cannot be used now (None: it can). A recent write failure is
    checked again with a small write, so health says "ok" as soon as the disk works."""
    try:
        store.last_seq()
    except Exception as exc:  # reported, not raised: health must answer
        return f"cannot read: {exc}"
    if store.writer.failure is None:
        return None
    if not store.writer.alive:
        return store.writer.failure
    try:
        await asyncio.wait_for(asyncio.wrap_future(store.probe()), HEALTH_PROBE_SECONDS)
    except TimeoutError:
        return "the database does not answer"
    except Exception:
        pass
    failure = store.writer.failure
    return f"cannot write: {failure}" if failure else None


def _handler(status: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handle(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc) or exc.__class__.__name__}, status_code=status)

    return handle


async def _storage(_request: Request, exc: Exception) -> JSONResponse:
    """503 when the disk refuses a write: nothing was stored, the caller keeps it and
    tries again (a kiosk's outbox does)."""
    log.error("the database could not store a change: %s", exc)
    return JSONResponse({"detail": f"the hub cannot store this now ({exc}); try again later"},
                        status_code=503, headers={"Retry-After": "5"})


async def _full(_request: Request, exc: Exception) -> JSONResponse:
    """409 for a full workshop, with the next one of its level that has a seat."""
    return JSONResponse({"detail": str(exc), "next": getattr(exc, "next", None)}, status_code=409)


async def _purge_loop(workshops: Workshops, retention_days: float) -> None:
    """Every hour, erase the personal data of registrations to old workshops."""
    while True:
        await asyncio.sleep(PURGE_EVERY)
        try:
            await asyncio.wrap_future(workshops.purge(retention_days))
        except Exception:  # tried again in an hour
            log.exception("erasing old registrations failed")


async def _realert_loop(store: Store, after: float) -> None:
    """Every few seconds, re-announce calls nobody claimed within ``after`` seconds."""
    period = max(0.2, min(5.0, after / 4))
    while True:
        await asyncio.sleep(period)
        with contextlib.suppress(Exception):  # a busy database only delays a re-alert
            await asyncio.wrap_future(store.realert(after))



async def _handover_loop(store: Store, after: float) -> None:
    """Every few seconds, give back to the queue (first place) the calls handed to a
    colleague who did not answer within ``after`` seconds."""
    period = max(0.2, min(5.0, after / 4))
    while True:
        await asyncio.sleep(period)
        with contextlib.suppress(Exception):  # a busy database only delays it
            await asyncio.wrap_future(store.return_handovers(after))


WORKERS = 4  # threads for validation and statistics, off the event loop


async def _start_workers(loop: asyncio.AbstractEventLoop) -> None:
    """The threads that run slow work (``asyncio.to_thread``), all started now: none
    appears later, in the middle of someone's request (or test)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="hub-worker")
    loop.set_default_executor(executor)
    everyone = threading.Barrier(WORKERS)
    await asyncio.gather(*(loop.run_in_executor(executor, everyone.wait, 10)
                           for _ in range(WORKERS)))
