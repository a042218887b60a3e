"""Routes for the hub's pictures: upload (managers), list and download (every role).

A picture is served with its sha256 as ETag (``If-None-Match`` answers 304), and an SVG
with a Content-Security-Policy that lets nothing in it run or load, should a browser open
it. ``?sha256=`` asks for the picture as it was with that digest: what a version published
before a replacement names.

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from kiosk.hub import api, pictures
from kiosk.hub.auth import Principal
from kiosk.hub.context import PREFIX, Context

SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
               "X-Content-Type-Options": "nosniff"}
CACHE = "private, no-cache"  # kept, but asked again (304) since a name may be replaced
PINNED_CACHE = "private, max-age=31536000, immutable"  # ?sha256=: never changes
UPLOAD_BODY = {"requestBody": {"required": True, "content": {
    "image/svg+xml": {"schema": {"type": "string", "format": "binary"}},
    "image/png": {"schema": {"type": "string", "format": "binary"}}}}}
IMAGE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {"schema": {"type": "string", "format": "binary"}},
                      "image/png": {"schema": {"type": "string", "format": "binary"}}},
          "description": "The picture's bytes"},
    304: {"description": "Not modified (If-None-Match named its ETag)"}}
Name = Annotated[str, Path(max_length=200)]


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["pictures"])
    store = ctx.flows.pictures
    Anyone = Annotated[Principal, Depends(ctx.guard.require("kiosk", "mediator", "manager"))]
    Manager = Annotated[Principal, Depends(ctx.guard.require("manager"))]

    @r.get("/pictures")
    async def list_pictures(_who: Anyone) -> dict[str, Any]:
        """The uploaded pictures, by name: ``{"items": [{"name", "media_type", "size",
        "sha256", "uploaded_by", "uploaded_at"}]}`` (the built-in ones ship with every
        app and are not listed)."""
        return {"items": store.listing()}

    @r.put("/pictures/{name}", openapi_extra=UPLOAD_BODY, status_code=201,
           responses={200: {"description": "Replaced"}, 201: {"description": "Created"}})
    async def put_picture(name: Name, request: Request, who: Manager,
                          response: Response) -> dict[str, Any]:
        """Upload a step picture: the raw bytes, ``Content-Type: image/svg+xml`` or
        ``image/png``, at most 2 MiB (413). Names: lowercase letters, digits and '-',
        then ``.svg`` or ``.png`` (422 otherwise). An SVG with anything that could run or
        load something (script, event attributes, links outside itself, entities...) is
        refused with 422 naming what and its line; it is stored as sent otherwise. A name
        a built-in picture has is 409. 201 for a new name, 200 when it replaces one (the
        old bytes stay for the versions that name them). Answers ``{"name",
        "media_type", "size", "sha256", "uploaded_by", "uploaded_at"}``."""
        data = await api.read_raw(request, pictures.MAX_BYTES)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            await asyncio.to_thread(pictures.check, name, kind, data)
        except pictures.BadPicture as exc:
            raise api.unprocessable(str(exc)) from None
        if name in pictures.builtin_names():
            raise HTTPException(409, f"'{name}' is the name of a built-in picture: choose "
                                     "another name")
        item, created = await asyncio.wrap_future(store.put(name, kind, data, who.name))
        response.status_code = 201 if created else 200
        return item

    @r.get("/pictures/{name}", responses=IMAGE_RESPONSE, response_class=Response)
    async def get_picture(name: Name, request: Request, _who: Anyone,
                          sha256: str | None = None) -> Response:
        """The picture's bytes with its Content-Type and ``ETag: "<sha256>"``; 304 when
        ``If-None-Match`` names it. ``?sha256=<hex>``: the picture as it was with that
        digest (404 if it never was)."""
        if sha256 is not None and not pictures.SHA256.match(sha256):
            raise api.unprocessable("sha256 is 64 lowercase hexadecimal digits", "query",
                                    "sha256")
        row = store.get(name, sha256)
        headers = {"ETag": f'"{row["sha256"]}"',
                   "Cache-Control": PINNED_CACHE if sha256 else CACHE}
        if row["media_type"] == "image/svg+xml":
            headers.update(SVG_HEADERS)
        if _matches(request.headers.get("if-none-match", ""), row["sha256"]):
            return Response(status_code=304, headers=headers)
        return Response(row["data"], media_type=row["media_type"], headers=headers)

    return r


def _matches(header: str, sha256: str) -> bool:
    """Whether ``If-None-Match`` names this ETag (or is ``*``)."""
    tags = [t.strip().removeprefix("W/").strip('"') for t in header.split(",")]
    return "*" in tags or sha256 in tags
