"""The fast lane (kiosk.hub.fastlane): hot routes answer as the usual stack would."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import Response

from kiosk.hub.context import PREFIX
from kiosk.hub.fastlane import FastLane, hot, hot_routes
from tests.hub.conftest import Hub
from tests.hub.test_help_requests import call


class Refused(Exception):
    """An error the app has a handler for."""


def _app() -> FastAPI:
    router = APIRouter()

    @router.post("/hot/{what}")  # not an exact path: never in the lane
    @router.post("/hot")
    @hot
    async def hot_route(request: Request) -> Response:
        kind = (await request.body()).decode()
        if kind == "http":
            raise HTTPException(418, "a teapot", headers={"X-Why": "test"})
        if kind == "handled":
            raise Refused("refused here")
        if kind == "bug":
            raise RuntimeError("a bug")
        return Response("ok")

    @router.get("/cold")
    async def cold() -> dict[str, str]:
        return {"lane": "no"}

    app = FastAPI()
    app.include_router(router)

    async def refused(_request: Request, exc: Exception) -> Response:
        return Response(str(exc), status_code=409)

    app.add_exception_handler(Refused, refused)
    app.add_middleware(FastLane, owner=app, routes=hot_routes([router]))
    return app


def test_only_marked_routes_with_exact_paths_are_hot() -> None:
    routes = hot_routes([APIRouter()])
    assert routes == {}
    app = _app()
    (lane,) = [m.kwargs["routes"] for m in app.user_middleware if m.cls is FastLane]
    assert set(lane) == {("POST", "/hot")}


def test_answers_and_errors_as_the_usual_stack() -> None:
    async def run() -> None:
        transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://lane") as client:
            assert (await client.post("/hot", content=b"fine")).text == "ok"
            teapot = await client.post("/hot", content=b"http")
            assert (teapot.status_code, teapot.json(), teapot.headers["x-why"]) == \
                (418, {"detail": "a teapot"}, "test")
            handled = await client.post("/hot", content=b"handled")
            assert (handled.status_code, handled.text) == (409, "refused here")
            assert (await client.post("/hot", content=b"bug")).status_code == 500
            assert (await client.get("/hot")).status_code == 405  # the usual stack
            assert (await client.get("/cold")).json() == {"lane": "no"}
            assert (await client.post("/hot/x", content=b"handled")).status_code == 409

    asyncio.run(run())


def test_the_hubs_hot_routes(shared_hub: Hub) -> None:
    """A help call and an event batch take the lane; their errors read as before."""
    app = shared_hub.server.server.config.app
    (lane,) = [m.kwargs["routes"] for m in app.user_middleware if m.cls is FastLane]
    assert set(lane) == {("POST", f"{PREFIX}/help-requests"), ("POST", f"{PREFIX}/events"),
                         ("POST", f"{PREFIX}/auth/login")}
    with shared_hub.client("k1") as k:
        first = k.post("/help-requests", json=call())
        assert first.status_code == 201
        assert first.json()["position"] >= 1
        event = {"id": str(uuid.uuid4()), "kiosk_id": "k1", "type": "step",
                 "at": "2026-11-23T10:00:00+00:00"}
        assert k.post("/events", json=[event]).json() == {"received": 1, "stored": 1}
        assert k.post("/events", json=[event]).json() == {"received": 1, "stored": 0}
        bad = k.post("/help-requests", json={"id": "x"})
        assert bad.status_code == 422
        assert "detail" in bad.json()
    with shared_hub.client() as anon:
        refused = anon.post("/help-requests", json=call())
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
