"""Routes for kiosks: their events, their heartbeats, the list of kiosks and the help
calls the hub had to refuse (dead letters).

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from kiosk.hub import api
from kiosk.hub.auth import Principal
from kiosk.hub.context import PREFIX, Context
from kiosk.hub.fastlane import hot

STORED: dict[int | str, dict[str, Any]] = {200: {
    "description": "How many events came, and how many were new (the rest: stored already)",
    "content": {"application/json": {"schema": {
        "type": "object", "properties": {"received": {"type": "integer"},
                                         "stored": {"type": "integer"}}}}}}}


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["kiosks"])
    store = ctx.store
    Staff = Annotated[Principal, Depends(ctx.guard.require("mediator", "manager"))]
    Manager = Annotated[Principal, Depends(ctx.guard.require("manager"))]
    KioskOnly = Annotated[Principal, Depends(ctx.guard.require("kiosk"))]

    @r.post("/events", openapi_extra=api.body_schema(api.EventBatch), responses=STORED)
    @hot  # a hundred kiosks post every few seconds, beside the help calls
    async def events(request: Request) -> Response:
        """A batch of kiosk events; events already stored (same id) are skipped."""
        who = ctx.guard.check(request, ("kiosk",))  # (no dependency: see routes_help)
        raw = await api.read_raw(request)
        if len(raw) <= api.SMALL_BATCH:
            rows = api.event_rows(raw)
        else:  # milliseconds of checking: not on the loop, where help calls are answered
            rows = await asyncio.to_thread(api.event_rows, raw)
        if any(row[1] != who.name for row in rows):
            raise HTTPException(403, f"this token belongs to kiosk '{who.name}'")
        stored = await store.add_events(rows) if rows else 0
        return Response(f'{{"received": {len(rows)}, "stored": {stored}}}',
                        media_type="application/json")

    @r.post("/kiosks/{name}/heartbeat", openapi_extra=api.body_schema(api.Heartbeat))
    async def heartbeat(name: str, request: Request, who: KioskOnly) -> dict[str, Any]:
        """A kiosk says it is alive, with its flow versions, voice state and outbox length."""
        if name != who.name:
            raise HTTPException(403, f"this token belongs to kiosk '{who.name}'")
        body = await api.parse(request, api.Heartbeat)
        return await asyncio.wrap_future(store.heartbeat(name, body.model_dump()))

    @r.get("/kiosks")
    async def kiosks(_who: Staff) -> list[dict[str, Any]]:
        """Every kiosk, online when it sent a heartbeat in the last 30 s, with the number
        of its help calls the hub refused (``refused``)."""
        return store.kiosks()

    @r.get("/dead-letters")
    async def dead_letters(_who: Manager,
                           kiosk: Annotated[str | None, Query(max_length=64)] = None,
                           limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                           ) -> dict[str, Any]:
        """Help calls the hub refused, newest first: ``{"items": [{"id", "kiosk_id",
        "kind", "request_id", "status", "reason", "body", "at"}]}`` (``body`` as the kiosk
        sent it, cut at 4 KiB)."""
        return {"items": store.dead_letters(kiosk, limit)}

    return r
