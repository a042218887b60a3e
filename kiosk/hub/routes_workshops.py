"""Routes for workshops and their registrations: reading and signing people up (mediators
and managers), attendance, cancelling or moving a registration (mediators and managers);
planning, editing and cancelling a workshop (managers).

A refusal because of a state (a cancelled workshop, a full one, a capacity under the
seats taken...) is 409 ``{"detail", "problem", ...}``: ``problem`` names it for the apps
(see :class:`kiosk.hub.workshops.Refused`), with the figures that go with it (``next``
for ``full``; ``capacity`` and ``seats_taken`` for ``capacity``).

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
from concurrent.futures import Future
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from kiosk.hub import api
from kiosk.hub.auth import Principal
from kiosk.hub.context import PREFIX, Context
from kiosk.hub.workshop_changes import WorkshopChanges
from kiosk.hub.workshops import LEVELS, Refused, erase_after

WorkshopId = Annotated[int, Path(ge=1, le=2**53)]
RegistrationId = Annotated[int, Path(ge=1, le=2**53)]


async def answer(future: Future[Any]) -> Any:
    """The operation's result, or 409 with the problem when it was refused."""
    try:
        return await asyncio.wrap_future(future)
    except Refused as exc:
        return JSONResponse({"detail": str(exc), "problem": exc.problem, **exc.figures},
                            status_code=409)


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["workshops"])
    Staff = Annotated[Principal, Depends(ctx.guard.require("mediator", "manager"))]
    Manager = Annotated[Principal, Depends(ctx.guard.require("manager"))]
    workshops, changes = ctx.workshops, WorkshopChanges(ctx.store)

    @r.get("/workshops")
    async def list_workshops(
            _who: Staff, level: str | None = None,
            start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
            end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
            active: bool = False,
    ) -> dict[str, Any]:
        """Workshops starting in the period (dates or datetimes, like the statistics), by
        start, cancelled ones too (``cancelled`` true) unless ``active=1``: ``{"items":
        [workshop]}``, a workshop being ``{"id", "title", "level", "start", "end",
        "duration_minutes", "capacity", "place", "seats_taken", "seats_left", "created_by",
        "created_at", "updated_by", "updated_at", "cancelled", "cancelled_at",
        "cancelled_by", "cancel_reason"}``. Seats count the registrations neither cancelled
        nor moved away; a cancelled workshop has no seat left."""
        period = ctx.period(start, end)
        if level is not None and level not in LEVELS:
            raise api.unprocessable(f"level must be one of {', '.join(LEVELS)}", "query", "level")
        return {"items": workshops.listing(period, level, active)}

    @r.post("/workshops", status_code=201, openapi_extra=api.body_schema(api.WorkshopCreate))
    async def create_workshop(request: Request, who: Manager) -> dict[str, Any]:
        """Plan a workshop: ``{"title", "level", "start" (ISO 8601 with its UTC offset),
        "duration_minutes" (120), "capacity" (8), "place"}``. Answers the workshop."""
        body = await api.parse(request, api.WorkshopCreate)
        return await asyncio.wrap_future(workshops.create(body.row(), who.name))

    @r.get("/workshops/{workshop_id}")
    async def get_workshop(workshop_id: WorkshopId, _who: Staff) -> dict[str, Any]:
        """One workshop, with its seats taken and left."""
        return workshops.get(workshop_id)

    @r.patch("/workshops/{workshop_id}", response_model=None,
             openapi_extra=api.body_schema(api.WorkshopEdit))
    async def edit_workshop(workshop_id: WorkshopId, request: Request, who: Manager) -> Any:
        """Change some of ``{"title", "level", "start" (ISO 8601 with its UTC offset, as when
        planning), "duration_minutes", "capacity", "place"}``; answers the workshop. 409
        for a cancelled workshop (``cancelled``), a start, length or level changed once the
        workshop has started (``started``: its title, place and capacity can still be put
        right), a start moved
        into the past (``past``), a capacity under the seats taken (``capacity``, with
        ``capacity`` and ``seats_taken``). Consoles hear ``workshop.changed``."""
        body = await api.parse(request, api.WorkshopEdit)
        return await answer(changes.edit(workshop_id, body.changes(), who.name))

    @r.post("/workshops/{workshop_id}/cancel", response_model=None,
            openapi_extra=api.body_schema(api.WorkshopCancel))
    async def cancel_workshop(workshop_id: WorkshopId, request: Request, who: Manager) -> Any:
        """Cancel a workshop: ``{"reason"}``. Answers ``{"workshop", "to_call":
        [registration], "retention_days", "erase_after"}``: the people registered, with
        their first name, phone, e-mail and consent, to be told; their details are kept
        until ``erase_after`` (``retention_days`` after the cancellation, or after the
        start when that came first), then erased. 409 when cancelled already. Consoles
        hear ``workshop.cancelled``."""
        body = await api.parse(request, api.WorkshopCancel)
        result = await answer(changes.cancel(workshop_id, body.reason, who.name))
        if isinstance(result, dict):
            result["retention_days"] = ctx.retention_days
            result["erase_after"] = erase_after(result["workshop"], ctx.retention_days)
        return result

    @r.post("/workshops/{workshop_id}/registrations", status_code=201, response_model=None,
            openapi_extra=api.body_schema(api.Registration))
    async def register(workshop_id: WorkshopId, request: Request, who: Staff) -> Any:
        """Sign someone up: ``{"first_name", "phone", "email", "consent": true,
        "help_request_id"}``. Answers the registration (``{"id", "workshop_id",
        "first_name", "phone", "email", "consent", "help_request_id", "registered_by",
        "registered_at", "attended", "erased", "erased_at", "cancelled", "cancelled_at",
        "cancelled_by", "moved_from", "moved_to", "moved_to_workshop"}``). A full workshop
        answers 409 ``{"detail", "problem": "full", "next": workshop or null}``, ``next``
        being the next workshop of the same level with a free seat; a cancelled one 409
        (``cancelled``)."""
        body = await api.parse(request, api.Registration)
        return await answer(workshops.register(workshop_id, body.model_dump(), who.name))

    @r.get("/workshops/{workshop_id}/registrations")
    async def registrations(workshop_id: WorkshopId, _who: Staff) -> dict[str, Any]:
        """``{"items": [registration]}`` in the order they were made; erased ones have
        null names and ``erased`` true; cancelled ones (the person no longer comes, or was
        moved to workshop ``moved_to_workshop`` as registration ``moved_to``) have
        ``cancelled`` true; a moved one names the registration it came from in
        ``moved_from``."""
        return {"items": workshops.registrations(workshop_id)}

    @r.post("/workshops/{workshop_id}/registrations/{registration_id}/cancel",
            response_model=None)
    async def cancel_registration(workshop_id: WorkshopId, registration_id: RegistrationId,
                                  who: Staff) -> Any:
        """The person no longer comes: their seat is free again. Answers the registration
        (``cancelled`` true; their details are erased with the workshop's). 409 when it
        was cancelled or moved already, or is marked present."""
        return await answer(changes.cancel_registration(workshop_id, registration_id, who.name))

    @r.post("/workshops/{workshop_id}/registrations/{registration_id}/move", status_code=201,
            response_model=None, openapi_extra=api.body_schema(api.RegistrationMove))
    async def move_registration(workshop_id: WorkshopId, registration_id: RegistrationId,
                                request: Request, who: Staff) -> Any:
        """Move the person to another workshop: ``{"workshop_id"}``. Answers the new
        registration (``moved_from`` names the old one, which is cancelled and erased).
        409 when the target is full (``full``, with ``next`` as when registering), was
        cancelled (``target_cancelled``) or has started (``target_started``), is the same
        workshop (``same``), or the registration was cancelled, moved, erased or marked
        present already."""
        body = await api.parse(request, api.RegistrationMove)
        return await answer(changes.move(workshop_id, registration_id, body.workshop_id,
                                         who.name))

    @r.post("/workshops/{workshop_id}/attendance", response_model=None,
            openapi_extra=api.body_schema(api.Attendance))
    async def attendance(workshop_id: WorkshopId, request: Request, who: Staff) -> Any:
        """Mark a registration present or absent: ``{"registration_id", "attended"}``.
        Answers the registration. 409 for a cancelled workshop or registration."""
        body = await api.parse(request, api.Attendance)
        return await answer(workshops.attendance(workshop_id, body.registration_id,
                                                 body.attended, who.name))

    return r
