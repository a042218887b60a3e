"""The hub's FastAPI application: REST under ``/api/v1`` and the WebSocket stream.

Help requests, events, kiosks and the stream are here; flows, statistics, workshops and
accounts are in the ``routes_*`` modules. Background tasks: re-alerting unclaimed calls,
and erasing workshop registrations' personal data once they are old enough.

(No ``from __future__ import annotations`` here: FastAPI reads the annotations of the
routes, which use dependency types defined inside :func:`create_app`.)
"""


import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request, WebSocket
from fastapi.responses import JSONResponse

from kiosk import __version__, config, paths
from kiosk.hub import api, auth, routes_flows, routes_office, routes_stats
from kiosk.hub.accounts import Accounts
from kiosk.hub.auth import Principal
from kiosk.hub.context import PREFIX, Context
from kiosk.hub.flows import Flows
from kiosk.hub.guard import Guard
from kiosk.hub.store import Conflict, Forbidden, NotFound, Store
from kiosk.hub.stream import Broadcaster
from kiosk.hub.times import office_tz, utc_iso
from kiosk.hub.workshops import Full, Workshops

log = logging.getLogger(__name__)
PURGE_EVERY = 3600.0  # seconds between two erasures of old personal data


def create_app(db_path: Path, realert_after: float = 90.0, *, timezone: str | None = None,
               retention_days: float | None = None, builtin_flows: Path | None = None,
               ) -> FastAPI:
    """The hub for one office, storing in ``db_path``.

    ``timezone`` (IANA name) and ``retention_days`` default to the settings
    ``hub_timezone`` and ``workshop_retention_days``; ``builtin_flows`` (the package's
    flows by default) are published as version 1 of any flow id without a version.
    """
    tz = office_tz(config.get("hub_timezone") if timezone is None else timezone)
    retention = float(config.get("workshop_retention_days") if retention_days is None
                      else retention_days)
    broadcaster = Broadcaster()
    store = Store(db_path, on_written=broadcaster.publish_threadsafe)
    guard = Guard(store)
    ctx = Context(store, guard, Flows(store), Workshops(store), Accounts(store), tz, retention)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        broadcaster.bind(loop)
        await _start_workers(loop)
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
                 asyncio.create_task(_purge_loop(ctx.workshops, retention))]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await broadcaster.close()
            store.close()

    app = FastAPI(title="Guichet Kiosk hub", version=__version__, lifespan=lifespan,
                  openapi_url=f"{PREFIX}/openapi.json", docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.broadcaster = broadcaster
    app.state.context = ctx

    for error, status in ((Conflict, 409), (NotFound, 404), (Forbidden, 403)):
        app.add_exception_handler(error, _handler(status))
    app.add_exception_handler(Full, _full)

    def principal(token: str) -> Principal | None:
        return guard.principal(token)

    require = guard.require
    Staff = Annotated[Principal, Depends(require("mediator", "manager"))]
    KioskOnly = Annotated[Principal, Depends(require("kiosk"))]
    Anyone = Annotated[Principal, Depends(require("kiosk", "mediator", "manager"))]

    @app.get(f"{PREFIX}/health")
    async def health() -> dict[str, str]:
        """Is the hub up, and can it read its database? (no token needed)"""
        try:
            store.last_seq()
            db = "ok"
        except Exception as exc:  # reported, not raised: health must answer
            db = f"error: {exc}"
        return {"status": "ok" if db == "ok" else "degraded", "version": __version__, "db": db}

    @app.post(f"{PREFIX}/auth/login", openapi_extra=api.body_schema(api.Login))
    async def login(request: Request) -> dict[str, str]:
        """Exchange a user name and password for a bearer token."""
        body = await api.parse(request, api.Login)
        address = request.client.host if request.client else "?"
        wait = auth.locked_out(store.readers.get(), body.username, address)
        if wait > 0:
            raise HTTPException(429, f"too many failed logins: try again in {wait:.0f} s",
                                headers={"Retry-After": str(int(wait) + 1)})
        result = await asyncio.wrap_future(store.writer.submit(
            lambda db: auth.login(db, body.username, body.password, address)))
        if result is None:
            raise HTTPException(401, "wrong user name or password")
        token, role = result
        return {"token": token, "role": role}

    @app.post(f"{PREFIX}/help-requests", status_code=201,
              openapi_extra=api.body_schema(api.HelpCreate))
    async def create_help(request: Request, who: KioskOnly) -> JSONResponse:
        """A kiosk asks for a mediator. The same id again answers 200 and changes nothing."""
        body = await api.parse(request, api.HelpCreate)
        if body.kiosk_id != who.name:
            raise HTTPException(403, f"this token belongs to kiosk '{who.name}'")
        change = await asyncio.wrap_future(store.create_help(body.model_dump()))
        current = store.get_help(body.id)  # with its position in the queue
        return JSONResponse(current, status_code=201 if change.created else 200)

    @app.get(f"{PREFIX}/help-requests")
    async def list_help(_who: Staff, status: str = "queued,claimed", limit: int | None = None,
                        after: str | None = None) -> dict[str, Any]:
        """Help requests by status, oldest first; ``next`` is a cursor when ``limit`` cuts."""
        wanted = [s for s in status.split(",") if s]
        unknown = sorted(set(wanted) - set(("queued", "claimed", "resolved", "cancelled")))
        if unknown:
            raise api.unprocessable(f"unknown status: {', '.join(unknown)}", "query", "status")
        if limit is not None and not 1 <= limit <= 1000:
            raise api.unprocessable("limit must be between 1 and 1000", "query", "limit")
        seq = store.last_seq()
        items, cursor = store.list_help(wanted, limit, after)
        return {"items": items, "next": cursor, "seq": seq}

    @app.get(f"{PREFIX}/help-requests/{{request_id}}")
    async def get_help(request_id: str, who: Anyone) -> dict[str, Any]:
        """One help request (a kiosk sees only its own)."""
        row = store.get_help(request_id)
        if who.role == "kiosk" and row["kiosk_id"] != who.name:
            raise HTTPException(403, "this request belongs to another kiosk")
        return row

    async def _act(request_id: str, action: str, who: Principal, **extra: Any) -> dict[str, Any]:
        change = await asyncio.wrap_future(store.transition(
            request_id, action, who.name, who.role, extra.get("outcome"), extra.get("note")))
        return change.request

    @app.post(f"{PREFIX}/help-requests/{{request_id}}/claim")
    async def claim(request_id: str, who: Staff) -> dict[str, Any]:
        """Take a call. Only one mediator gets it: the others get 409."""
        return await _act(request_id, "claim", who)

    @app.post(f"{PREFIX}/help-requests/{{request_id}}/release")
    async def release(request_id: str, who: Staff) -> dict[str, Any]:
        """Give a claimed call back to the queue."""
        return await _act(request_id, "release", who)

    @app.post(f"{PREFIX}/help-requests/{{request_id}}/resolve",
              openapi_extra=api.body_schema(api.Resolve))
    async def resolve(request_id: str, request: Request,
                      who: Staff) -> dict[str, Any]:
        """Close a claimed call with an outcome and an optional note."""
        body = await api.parse(request, api.Resolve)
        return await _act(request_id, "resolve", who, outcome=body.outcome, note=body.note)

    @app.post(f"{PREFIX}/help-requests/{{request_id}}/cancel")
    async def cancel(request_id: str, who: KioskOnly) -> dict[str, Any]:
        """The customer no longer needs help (only the kiosk that asked)."""
        return await _act(request_id, "cancel", who)

    @app.post(f"{PREFIX}/events", openapi_extra=api.body_schema(api.EventBatch))
    async def events(request: Request, who: KioskOnly) -> dict[str, int]:
        """A batch of kiosk events; events already stored (same id) are skipped."""
        batch = await api.parse(request, api.EventBatch)
        if any(e.kiosk_id != who.name for e in batch):
            raise HTTPException(403, f"this token belongs to kiosk '{who.name}'")
        rows = [{**e.model_dump(mode="json"), "at": utc_iso(e.at)} for e in batch]
        stored = await asyncio.wrap_future(store.add_events(rows)) if rows else 0
        return {"received": len(rows), "stored": stored}

    @app.post(f"{PREFIX}/kiosks/{{name}}/heartbeat", openapi_extra=api.body_schema(api.Heartbeat))
    async def heartbeat(name: str, request: Request,
                        who: KioskOnly) -> dict[str, Any]:
        """A kiosk says it is alive, with its flow versions, voice state and outbox length."""
        if name != who.name:
            raise HTTPException(403, f"this token belongs to kiosk '{who.name}'")
        body = await api.parse(request, api.Heartbeat)
        return await asyncio.wrap_future(store.heartbeat(name, body.model_dump()))

    @app.get(f"{PREFIX}/kiosks")
    async def kiosks(_who: Staff) -> list[dict[str, Any]]:
        """Every kiosk, online when it sent a heartbeat in the last 30 s."""
        return store.kiosks()

    for module in (routes_flows, routes_office, routes_stats):
        app.include_router(module.router(ctx))

    @app.websocket(f"{PREFIX}/stream")
    async def stream(ws: WebSocket, token: str = "", since: int | None = None) -> None:
        """Every change as one message ``{"seq", "type", "request"}`` (``{"seq", "type",
        "flow": {"id", "version"}}`` for ``flow.published``); ``?since=N`` first sends what
        came after N."""
        who = principal(token)
        if who is None:
            await ws.close(code=4401, reason="unknown or missing token")
            return
        await ws.accept()
        await broadcaster.serve(ws, who, since, store.stream_since)

    return app


def _handler(status: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handle(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc) or exc.__class__.__name__}, status_code=status)

    return handle


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
