"""Routes for the people on duty: who I am, everyone's presence (available, busy, on a
break, offline), setting my own, and my day (the calls I took today).

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from kiosk.hub import api
from kiosk.hub.auth import Principal
from kiosk.hub.context import PREFIX, Context
from kiosk.hub.times import office_info


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["mediators on duty"])
    Staff = Annotated[Principal, Depends(ctx.guard.require("mediator", "manager"))]
    presence = ctx.presence

    @r.get("/me")
    async def me(who: Staff) -> dict[str, Any]:
        """Who this token belongs to: ``{"name", "role", "state", "office"}``, the state
        as in ``/presence``, except that a console just logged in (its stream not open
        yet) gets the state its person chose (``available`` or ``break``), not
        ``offline``. ``office`` is ``{"name", "timezone", "today"}``: the office's name,
        time zone and today's date on its clock (what staff apps show and filter by)."""
        person = presence.person(who.name)
        state = person["chosen"] if person["state"] == "offline" else person["state"]
        return {"name": who.name, "role": who.role, "state": state,
                "office": office_info(ctx.office_name, ctx.tz)}

    @r.get("/presence")
    async def everyone(_who: Staff) -> dict[str, Any]:
        """Every mediator and manager: ``{"items": [{"name", "role", "state", "on_duty",
        "since", "chosen"}], "available": N}``. ``state`` is ``available`` or ``break`` as
        they chose (``chosen``), ``busy`` while they hold a call, ``offline`` while no
        console of theirs is connected; ``available`` counts who can go to a customer now."""
        items = presence.people()
        return {"items": items, "available": sum(1 for p in items if p["state"] == "available")}

    @r.put("/presence", openapi_extra=api.body_schema(api.PresenceSet))
    async def set_mine(request: Request, who: Staff) -> dict[str, Any]:
        """Set my state: ``{"state": "available" | "break"}``. Every console hears of it
        (``presence.changed``). Answers my entry as in ``/presence``."""
        body = await api.parse(request, api.PresenceSet)
        return await asyncio.wrap_future(presence.set_state(who.name, body.state))

    @r.get("/me/day")
    async def my_day(who: Staff) -> dict[str, Any]:
        """The calls I took today (office time), newest first, with their outcome, note and
        times, and a count per hour: ``{"items", "per_hour": [{"hour", "count"}],
        "count"}``."""
        return presence.day(who.name, ctx.tz)

    return r
