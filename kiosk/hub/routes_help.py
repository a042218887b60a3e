"""Routes for help requests: a kiosk asks (and may cancel), mediators and managers list,
claim, release and resolve.

A call a kiosk sends that the hub must refuse (422: a body it cannot accept; 409: an id
another kiosk already used) is kept in the dead-letter table before the refusal is
answered, so a customer's call is never dropped in silence (the manager's kiosk page
lists them).

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from kiosk.hub import api
from kiosk.hub.auth import Principal
from kiosk.hub.context import PREFIX, Context
from kiosk.hub.fastlane import hot
from kiosk.hub.store import Conflict

STATUSES = ("queued", "claimed", "resolved", "cancelled")
JSON = "application/json"
ONE_REQUEST: dict[int | str, dict[str, Any]] = {200: {
    "description": "The request as it is now",
    "content": {JSON: {"schema": {"type": "object", "additionalProperties": True}}}}}


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["help requests"])
    store = ctx.store
    Staff = Annotated[Principal, Depends(ctx.guard.require("mediator", "manager"))]
    Anyone = Annotated[Principal, Depends(ctx.guard.require("kiosk", "mediator", "manager"))]
    # the routes of a call's life check the token themselves (ctx.guard.check): the same
    # checks in the same order, without a second round of FastAPI's dependency solving
    staff, kiosk_only = ("mediator", "manager"), ("kiosk",)
    check = ctx.guard.check

    async def refused(who: Principal, raw: bytes, status: int, reason: str) -> None:
        await asyncio.wrap_future(store.dead_letter(who.name, "help", raw, status, reason))

    @r.post("/help-requests", status_code=201, openapi_extra=api.body_schema(api.HelpCreate),
            responses={201: ONE_REQUEST[200], 200: ONE_REQUEST[200]})
    @hot
    async def create_help(request: Request) -> Response:
        """A kiosk asks for a mediator. The same id again answers 200 and changes nothing."""
        who = check(request, kiosk_only)
        raw = await api.read_raw(request)
        try:
            body = api.validate(raw, api.HelpCreate)
        except HTTPException as exc:
            if exc.status_code == 422:
                await refused(who, raw, 422, api.reason(exc))
            raise
        if body.kiosk_id != who.name:
            raise HTTPException(403, f"this token belongs to kiosk '{who.name}'")
        try:
            change = await store.create_help(body.model_dump())
        except Conflict as exc:
            await refused(who, raw, 409, str(exc))
            raise
        # the request as committed, with its position in the queue and how many
        # mediators are free (none: the kiosk says so)
        return Response(store.answer(change, ctx.presence.available),
                        status_code=201 if change.created else 200, media_type=JSON)

    @r.get("/help-requests")
    async def list_help(_who: Staff, status: str = "queued,claimed", limit: int | None = None,
                        after: str | None = None) -> dict[str, Any]:
        """Help requests by status, oldest first; ``next`` is a cursor when ``limit`` cuts;
        ``seq`` is the stream's last sequence number in the same snapshot (follow the
        stream with ``?since=seq``: nothing missed, nothing twice)."""
        wanted = [s for s in status.split(",") if s]
        unknown = sorted(set(wanted) - set(STATUSES))
        if unknown:
            raise api.unprocessable(f"unknown status: {', '.join(unknown)}", "query", "status")
        if limit is not None and not 1 <= limit <= 1000:
            raise api.unprocessable("limit must be between 1 and 1000", "query", "limit")
        items, cursor, seq = store.list_help(wanted, limit, after)
        return {"items": items, "next": cursor, "seq": seq}

    @r.get("/help-requests/{request_id}")
    async def get_help(request_id: str, who: Anyone) -> dict[str, Any]:
        """One help request (a kiosk sees only its own); a queued one also says its
        ``position`` and how many mediators are ``available``."""
        row = store.get_help(request_id)
        if who.role == "kiosk" and row["kiosk_id"] != who.name:
            raise HTTPException(403, "this request belongs to another kiosk")
        if row["status"] == "queued":
            row["available"] = ctx.presence.available()
        return row

    async def act(request_id: str, action: str, who: Principal, **extra: Any) -> Response:
        change = await store.transition(request_id, action, who.name, who.role,
                                        extra.get("outcome"), extra.get("note"), extra.get("to"))
        return Response(change.text, media_type=JSON)  # serialised once, in the writer

    @r.post("/help-requests/{request_id}/claim", responses=ONE_REQUEST)
    async def claim(request_id: str, request: Request) -> Response:
        """Take a call. Only one mediator gets it: the others get 409."""
        return await act(request_id, "claim", check(request, staff))

    @r.post("/help-requests/{request_id}/release", responses=ONE_REQUEST)
    async def release(request_id: str, request: Request) -> Response:
        """Give a claimed call back to the queue."""
        return await act(request_id, "release", check(request, staff))

    @r.post("/help-requests/{request_id}/resolve", openapi_extra=api.body_schema(api.Resolve),
            responses=ONE_REQUEST)
    async def resolve(request_id: str, request: Request) -> Response:
        """Close a claimed call with an outcome and an optional note."""
        who = check(request, staff)
        body = await api.parse(request, api.Resolve)
        return await act(request_id, "resolve", who, outcome=body.outcome, note=body.note)

    @r.post("/help-requests/{request_id}/note", openapi_extra=api.body_schema(api.Note),
            responses=ONE_REQUEST)
    async def note(request_id: str, request: Request) -> Response:
        """Write the note of a call one holds (it replaces the last one)."""
        who = check(request, staff)
        body = await api.parse(request, api.Note)
        return await act(request_id, "note", who, note=body.note)

    @r.post("/help-requests/{request_id}/handover", openapi_extra=api.body_schema(api.Handover),
            responses=ONE_REQUEST)
    async def handover(request_id: str, request: Request) -> Response:
        """Offer a call one holds to a named colleague, who accepts or declines; with no
        answer within a minute it goes back to the queue, first place."""
        who = check(request, staff)
        body = await api.parse(request, api.Handover)
        if not ctx.presence.is_colleague(body.to):
            raise api.unprocessable(f"no mediator or manager named '{body.to}'", "body", "to")
        return await act(request_id, "handover", who, to=body.to)

    @r.post("/help-requests/{request_id}/accept", responses=ONE_REQUEST)
    async def accept(request_id: str, request: Request) -> Response:
        """Take the call a colleague hands you: it is yours now."""
        return await act(request_id, "accept", check(request, staff))

    @r.post("/help-requests/{request_id}/decline", responses=ONE_REQUEST)
    async def decline(request_id: str, request: Request) -> Response:
        """Refuse the call a colleague hands you: it goes back to the queue, first place."""
        return await act(request_id, "decline", check(request, staff))

    @r.post("/help-requests/{request_id}/cancel", responses=ONE_REQUEST)
    async def cancel(request_id: str, request: Request) -> Response:
        """The customer no longer needs help (only the kiosk that asked)."""
        return await act(request_id, "cancel", check(request, kiosk_only))

    return r
