"""Routes for running the office: people's accounts (managers). The workshops' routes
are in :mod:`kiosk.hub.routes_workshops`.

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from kiosk.hub import api
from kiosk.hub.auth import Principal
from kiosk.hub.context import PREFIX, Context

UserName = Annotated[str, Path(max_length=64)]


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX)
    Manager = Annotated[Principal, Depends(ctx.guard.require("manager"))]
    accounts = ctx.accounts

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
