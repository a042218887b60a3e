"""The phone console: the page mediators open on a phone or tablet, served by the hub
from the package (``kiosk/hub/console/``: plain HTML, CSS and JavaScript, no build step,
nothing fetched from elsewhere), its strings (the mediator catalogs of ``kiosk/i18n``,
so both consoles say the same things) and its alert sounds.

The page keeps its token in the browser session only and passes it to the stream as a
WebSocket subprotocol, never in a URL.

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

from kiosk import paths
from kiosk.hub.context import Context
from kiosk.i18n import flat_strings
from kiosk.languages import staff_languages

HERE = paths.package_data("hub", "console").resolve()
LANGUAGES = staff_languages("mediator")
SOUNDS = ("chime.wav", "alert.wav")
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".webmanifest": "application/manifest+json",
         ".svg": "image/svg+xml", ".png": "image/png"}
# the page's own rules: nothing from elsewhere, no inline script, no framing
HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
           "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "Cache-Control": "no-cache"}


def router(_ctx: Context) -> APIRouter:
    r = APIRouter(prefix="/console", tags=["phone console"], include_in_schema=False)

    @r.get("")
    async def bare() -> RedirectResponse:
        return RedirectResponse("/console/", status_code=308)

    @r.get("/strings.json")
    async def catalog(lang: str = "fr") -> dict[str, Any]:
        """The page's strings in French or English."""
        if lang not in LANGUAGES:
            raise HTTPException(422, f"lang must be one of {', '.join(LANGUAGES)}")
        return flat_strings(lang, "mediator")

    @r.get("/sounds/{name}")
    async def sound(name: str) -> FileResponse:
        if name not in SOUNDS:
            raise HTTPException(404, "no such sound")
        return FileResponse(paths.asset("sounds", name), media_type="audio/wav",
                            headers={"Cache-Control": "max-age=86400"})

    @r.get("/{name:path}")
    async def page(name: str) -> FileResponse:
        """The page and its files (``/console/`` is ``index.html``)."""
        name = name or "index.html"
        path = (HERE / name).resolve()
        if path.parent != HERE or path.suffix not in TYPES or not path.is_file():
            raise HTTPException(404, "no such file")
        headers = dict(HEADERS)
        if name == "sw.js":
            headers["Service-Worker-Allowed"] = "/console/"
        return FileResponse(path, media_type=TYPES[path.suffix], headers=headers)

    return r
