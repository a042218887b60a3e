"""Routes for logging in and out (see :mod:`kiosk.hub.logins` for the limiter and the
password thread).

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from kiosk.hub import api, auth
from kiosk.hub.auth import Principal
from kiosk.hub.context import PREFIX, Context
from kiosk.hub.fastlane import hot
from kiosk.hub.logins import LoginRefused
from kiosk.hub.times import office_info

TOKEN: dict[int | str, dict[str, Any]] = {200: {
    "description": "A bearer token, the person's role, and the office (name, time zone, today)",
    "content": {"application/json": {"schema": {
        "type": "object", "properties": {"token": {"type": "string"},
                                         "role": {"type": "string"},
                                         "office": {"type": "object"}}}}}}}


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["accounts"])
    Person = Annotated[Principal, Depends(ctx.guard.require("mediator", "manager"))]

    @r.post("/auth/login", openapi_extra=api.body_schema(api.Login), responses=TOKEN)
    @hot  # a flood of logins must cost the event loop, where help calls pass, little
    async def login(request: Request) -> Response:
        """Exchange a user name and password for a bearer token (``{"token", "role",
        "office"}``; ``office`` as in ``GET /me``: staff apps show dates on its clock).
        Too many failures for a name or from an address answer 429 with ``Retry-After``,
        before any password is checked."""
        body = await api.parse(request, api.Login)
        address = request.client.host if request.client else "?"
        try:
            token, role = await ctx.logins.login(body.username, body.password, address)
        except LoginRefused as exc:
            headers = {"Retry-After": str(int(exc.retry_after) + 1)} if exc.status == 429 else None
            raise HTTPException(exc.status, exc.detail, headers=headers) from None
        return JSONResponse({"token": token, "role": role,
                             "office": office_info(ctx.office_name, ctx.tz)})

    @r.post("/auth/logout")
    async def logout(request: Request, _who: Person) -> dict[str, bool]:
        """End this token (the one in the request) now."""
        token = str(request.state.token)
        await asyncio.wrap_future(ctx.store.run(
            lambda db: db.execute("DELETE FROM tokens WHERE token_hash = ?",
                                  [auth.token_hash(token)])))
        ctx.guard.tokens.drop(token)
        return {"ok": True}

    return r
