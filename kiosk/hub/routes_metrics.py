"""The route ``GET /metrics``: the hub's Prometheus metrics (:mod:`kiosk.hub.metrics`), in
the text format (or OpenMetrics, when the scraper asks for it).

Who may read them: a manager's bearer token, or a program on the hub's own machine
(loopback, not relayed by a proxy) without a token. A token that is sent is always checked
(401 unknown, 403 not a manager's), wherever it comes from; anyone else gets 401.

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
import ipaddress
import logging
from collections.abc import Mapping

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client.exposition import choose_encoder

from kiosk.hub.context import Context
from kiosk.hub.metrics import Metrics

log = logging.getLogger(__name__)
RELAYED = ("forwarded", "x-forwarded-for", "x-real-ip")  # headers a proxy adds
ANSWERS: dict[int | str, dict[str, object]] = {
    200: {"description": "The metrics, in Prometheus' text format",
          "content": {"text/plain": {"schema": {"type": "string"}}}},
    401: {"description": "No token, from another machine (or an unknown token)"},
    403: {"description": "The token is not a manager's"},
    503: {"description": "The database cannot be read now"}}


def is_local(client: str | None, headers: Mapping[str, str]) -> bool:
    """Whether a request comes from the hub's own machine: a loopback address (127.0.0.0/8,
    ::1, ::ffff:127.0.0.1) and no header saying that a proxy relayed it for someone else."""
    if not client or any(name in headers for name in RELAYED):
        return False
    try:
        address = ipaddress.ip_address(client)
    except ValueError:  # not an IP address (a Unix socket's path, say)
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def router(ctx: Context, metrics: Metrics) -> APIRouter:
    r = APIRouter(tags=["monitoring"])

    @r.get("/metrics", responses=ANSWERS, response_class=Response)
    async def scrape(request: Request) -> Response:
        """The hub's metrics for Prometheus (see docs/hub-api.md): a manager's token, or
        no token from the hub's own machine."""
        if "authorization" in request.headers:
            ctx.guard.check(request, ("manager",))  # 401 unknown token, 403 another role
        elif not is_local(request.client.host if request.client else None, request.headers):
            raise HTTPException(401, "a manager's bearer token is required (no token: only "
                                     "from the hub's own machine)",
                                headers={"WWW-Authenticate": "Bearer"})
        encoder, content_type = choose_encoder(request.headers.get("accept", ""))
        try:  # the store's gauges are read now: off the loop, where help calls are answered
            body = await asyncio.to_thread(encoder, metrics.registry)
        except Exception as exc:
            log.warning("metrics: the database could not be read: %s", exc)
            return JSONResponse({"detail": f"the metrics cannot be read now ({exc})"},
                                status_code=503, headers={"Retry-After": "5"})
        return Response(body, media_type=content_type)

    return r
