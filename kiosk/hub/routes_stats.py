"""Routes for statistics (managers only): the funnel of a flow, help calls, the period
report. Each answers JSON, or CSV with ``Accept: text/csv``. ``from`` / ``to`` are dates
(whole days, office time) or ISO datetimes (``to`` excluded).

They are computed in a worker thread, so a long period never holds up help calls.

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from kiosk.hub import funnel, stats
from kiosk.hub.auth import Principal
from kiosk.hub.context import CSV_RESPONSE, PREFIX, Context, csv_response, wants_csv
from kiosk.hub.store import NotFound

From = Annotated[str | None, Query(alias="from", max_length=40, description="YYYY-MM-DD or ISO datetime")]
To = Annotated[str | None, Query(alias="to", max_length=40, description="YYYY-MM-DD (included) "
                                                                         "or ISO datetime (excluded)")]
Kiosk = Annotated[str | None, Query(max_length=64, description="Only this kiosk")]
FUNNEL_COLUMNS = ("position", "step_id", "in_flow", "reached", "quit", "help_calls",
                  "median_seconds")
HELP_COLUMNS = ("day", "flow_id", "step_id", "kind", "status", "outcome", "calls", "answered",
                "median_wait_seconds")


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["statistics"])
    Manager = Annotated[Principal, Depends(ctx.guard.require("manager"))]

    @r.get("/stats/funnel", responses=CSV_RESPONSE, response_model=None)
    async def funnel_(request: Request, _who: Manager, flow: Annotated[str, Query(max_length=64)],
                      start: From = None, end: To = None, kiosk: Kiosk = None) -> Any:
        """Where customers of one flow go and where they stop, for the sessions started in
        the period (see ``kiosk.hub.funnel`` for how sessions are rebuilt from events).

        JSON: ``{"flow", "version", "from", "to", "kiosk", "sessions", "completed",
        "completion_rate" (0..1 or null), "endings": {"completed", "help", "workshop",
        "quit"}, "feedback": {"good", "neutral", "bad"}, "steps": [{"position",
        "step_id", "in_flow", "reached", "quit", "help_calls", "median_seconds"}],
        "by_day": [{"day", "sessions"}], "by_hour": [24 counts, 0 h to 23 h]}``. Steps
        are in the order of the current version, then steps it no longer has
        (``in_flow`` false).

        CSV: one row per step, columns ``position, step_id, in_flow, reached, quit,
        help_calls, median_seconds``."""
        period = ctx.period(start, end)
        steps = ctx.flows.current_steps(flow)
        if steps is None:
            raise NotFound(f"no flow '{flow}'")
        end_steps = ctx.flows.end_steps(flow)
        data = await asyncio.to_thread(lambda: funnel.funnel(
            ctx.store.readers.get(), flow, steps, end_steps, period, kiosk, ctx.tz))
        if wants_csv(request):
            return csv_response(stats.to_csv(data["steps"], FUNNEL_COLUMNS), f"funnel-{flow}")
        try:
            current: int | None = ctx.flows.current(flow)["version"]
        except NotFound:
            current = None  # only a draft
        return {"flow": flow, "version": current, "from": period.start, "to": period.end,
                "kiosk": kiosk, **{k: v for k, v in data.items() if k != "flow"}}

    @r.get("/stats/help", responses=CSV_RESPONSE, response_model=None)
    async def help_(request: Request, _who: Manager, start: From = None, end: To = None,
                    kiosk: Kiosk = None) -> Any:
        """Help calls created in the period.

        JSON: ``{"from", "to", "kiosk", "calls", "by_kind": {"help", "workshop"},
        "by_status": {"queued", "claimed", "resolved", "cancelled"}, "answered" (calls
        claimed), "median_wait_seconds" (call to claim, null when none), "outcomes":
        {"helped", "sent-to-counter", "workshop", "left", "other"}, "by_step":
        [{"flow_id", "step_id", "calls"}] (kind help only, most calls first: the steps to
        rewrite), "by_day": [{"day", "calls", "answered"}], "by_hour": [24 counts]}``.

        CSV: one row per (day, flow_id, step_id, kind, status, outcome), columns ``day,
        flow_id, step_id, kind, status, outcome, calls, answered, median_wait_seconds``."""
        period = ctx.period(start, end)
        if wants_csv(request):
            rows = await asyncio.to_thread(lambda: stats.help_rows(
                ctx.store.readers.get(), period, kiosk, ctx.tz))
            return csv_response(stats.to_csv(rows, HELP_COLUMNS), "help")
        data = await asyncio.to_thread(lambda: stats.help_stats(
            ctx.store.readers.get(), period, kiosk, ctx.tz))
        return {"from": period.start, "to": period.end, "kiosk": kiosk, **data}

    @r.get("/stats/report", responses=CSV_RESPONSE, response_model=None)
    async def report(request: Request, _who: Manager, start: From = None,
                     end: To = None) -> Any:
        """The period report.

        JSON: ``{"from", "to", "help_calls" (calls of kind help), "accompanied" (calls
        resolved, any outcome), "referred_to_workshop" (calls not cancelled of kind
        workshop or resolved with outcome workshop), "workshops" (held: started in the
        period), "registered" and "attended" (registrations to those workshops, and those
        marked present), "satisfaction": {"good", "neutral", "bad", "total",
        "share_good" (0..1 or null)} (feedback given in the period), "visits",
        "flow_sessions"}``.

        CSV: ``metric, value`` rows, nested keys joined with dots (``satisfaction.good``)."""
        period = ctx.period(start, end)
        data = await asyncio.to_thread(lambda: stats.report(ctx.store.readers.get(), period))
        data = {"from": period.start, "to": period.end, **data}
        if wants_csv(request):
            return csv_response(stats.to_csv(stats.flatten(data), ("metric", "value")), "report")
        return data

    return r
