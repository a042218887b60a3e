"""Routes for running the office: workshops and registrations (mediators and managers;
only managers create workshops) and people's accounts (managers).

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from kiosk.hub import api
from kiosk.hub.auth import Principal
from kiosk.hub.context import PREFIX, Context
from kiosk.hub.workshops import LEVELS

WorkshopId = Annotated[int, Path(ge=1, le=2**53)]
UserName = Annotated[str, Path(max_length=64)]


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX)
    Staff = Annotated[Principal, Depends(ctx.guard.require("mediator", "manager"))]
    Manager = Annotated[Principal, Depends(ctx.guard.require("manager"))]
    workshops, accounts = ctx.workshops, ctx.accounts

    # -- workshops -----------------------------------------------------------------
    @r.get("/workshops", tags=["workshops"])
    async def list_workshops(
            _who: Staff, level: str | None = None,
            start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
            end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    ) -> dict[str, Any]:
        """Workshops starting in the period (dates or datetimes, like the statistics), by
        start: ``{"items": [workshop]}``, a workshop being ``{"id", "title", "level",
        "start", "end", "duration_minutes", "capacity", "place", "seats_taken",
        "seats_left", "created_by", "created_at"}``."""
        period = ctx.period(start, end)
        if level is not None and level not in LEVELS:
            raise api.unprocessable(f"level must be one of {', '.join(LEVELS)}", "query", "level")
        return {"items": workshops.listing(period, level)}

    @r.post("/workshops", status_code=201, tags=["workshops"],
            openapi_extra=api.body_schema(api.WorkshopCreate))
    async def create_workshop(request: Request, who: Manager) -> dict[str, Any]:
        """Plan a workshop: ``{"title", "level", "start" (ISO 8601 with its UTC offset),
        "duration_minutes" (120), "capacity" (8), "place"}``. Answers the workshop."""
        body = await api.parse(request, api.WorkshopCreate)
        return await asyncio.wrap_future(workshops.create(body.row(), who.name))

    @r.get("/workshops/{workshop_id}", tags=["workshops"])
    async def get_workshop(workshop_id: WorkshopId, _who: Staff) -> dict[str, Any]:
        """One workshop, with its seats taken and left."""
        return workshops.get(workshop_id)

    @r.post("/workshops/{workshop_id}/registrations", status_code=201, tags=["workshops"],
            openapi_extra=api.body_schema(api.Registration))
    async def register(workshop_id: WorkshopId, request: Request, who: Staff) -> dict[str, Any]:
        """Sign someone up: ``{"first_name", "phone", "email", "consent": true,
        "help_request_id"}``. Answers the registration (``{"id", "workshop_id",
        "first_name", "phone", "email", "consent", "help_request_id", "registered_by",
        "registered_at", "attended", "erased", "erased_at"}``). A full workshop answers
        409 ``{"detail", "next": workshop or null}``, ``next`` being the next workshop of
        the same level with a free seat."""
        body = await api.parse(request, api.Registration)
        return await asyncio.wrap_future(workshops.register(workshop_id, body.model_dump(),
                                                            who.name))

    @r.get("/workshops/{workshop_id}/registrations", tags=["workshops"])
    async def registrations(workshop_id: WorkshopId, _who: Staff) -> dict[str, Any]:
        """``{"items": [registration]}`` in the order they were made; erased ones have
        null names and ``erased`` true."""
        return {"items": workshops.registrations(workshop_id)}

    @r.post("/workshops/{workshop_id}/attendance", tags=["workshops"],
            openapi_extra=api.body_schema(api.Attendance))
    async def attendance(workshop_id: WorkshopId, request: Request, who: Staff) -> dict[str, Any]:
        """Mark a registration present or absent: ``{"registration_id", "attended"}``.
        Answers the registration."""
        body = await api.parse(request, api.Attendance)
        return await asyncio.wrap_future(workshops.attendance(
            workshop_id, body.registration_id, body.attended, who.name))

    # -- accounts ------------------------------------------------------------------
    @r.get("/users", tags=["accounts"])
    async def users(_who: Manager) -> dict[str, Any]:
        """``{"items": [{"name", "role", "disabled", "created_at"}]}`` by name."""
        return {"items": accounts.listing()}

    @r.post("/users", status_code=201, tags=["accounts"],
            openapi_extra=api.body_schema(api.UserCreate))
    async def add_user(request: Request, _who: Manager) -> dict[str, Any]:
        """Add a mediator or a manager: ``{"name", "role", "password"}`` (8 characters or
        more). Answers the user; 409 when the name is taken."""
        body = await api.parse(request, api.UserCreate)
        hashed = await ctx.logins.hash(body.password)  # slow on purpose: its own thread
        return await asyncio.wrap_future(accounts.add(body.name, body.role, hashed))

    @r.post("/users/{name}/password", tags=["accounts"], openapi_extra=api.body_schema(api.Password))
    async def set_password(name: UserName, request: Request, _who: Manager) -> dict[str, Any]:
        """Give someone a new password: ``{"password"}``. Their tokens stop working and
        their open streams close: they log in again with the new password."""
        body = await api.parse(request, api.Password)
        hashed = await ctx.logins.hash(body.password)
        user = await asyncio.wrap_future(accounts.set_password(name, hashed))
        signed_out(name, "the password was changed: log in again")
        return user

    @r.post("/users/{name}/disable", tags=["accounts"])
    async def disable(name: UserName, who: Manager) -> dict[str, Any]:
        """Stop someone logging in; their tokens stop working and their open streams close
        at once. 409 for yourself."""
        user = await asyncio.wrap_future(accounts.set_disabled(name, True, who.name))
        signed_out(name, "this account was disabled")
        return user

    @r.post("/users/{name}/enable", tags=["accounts"])
    async def enable(name: UserName, who: Manager) -> dict[str, Any]:
        """Let a disabled person log in again (with a new login)."""
        return await asyncio.wrap_future(accounts.set_disabled(name, False, who.name))

    def signed_out(name: str, reason: str) -> None:
        ctx.guard.tokens.forget(name)
        ctx.broadcaster.close_for(name, reason)

    return r
