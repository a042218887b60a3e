"""Routes for statistics (managers only): the funnel of a flow, help calls, the period
report. Each answers JSON, or CSV with ``Accept: text/csv``. ``from`` / ``to`` are dates
(whole days, office time) or ISO datetimes (``to`` excluded).

CSV is written for a spreadsheet (see ``csvsafe``): UTF-8 with a byte order mark,
``lang`` (a manager app's language, default French) for the header's words and the
cells' (yes / no, the decimal mark), ``sep`` (``;`` or ``,``, default the language's:
``;`` in French), flow and step titles beside their ids, instants in office time.

They are computed in a worker thread, so a long period never holds up help calls.

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations.)
"""

import asyncio
import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from kiosk.hub import csvsafe, funnel, stats
from kiosk.hub.auth import Principal
from kiosk.hub.context import CSV_RESPONSE, PREFIX, Context, csv_response, csv_sheet, wants_csv
from kiosk.hub.flows import Titles
from kiosk.hub.store import NotFound

From = Annotated[str | None, Query(alias="from", max_length=40, description="YYYY-MM-DD or ISO datetime")]
To = Annotated[str | None, Query(alias="to", max_length=40, description="YYYY-MM-DD (included) "
                                                                         "or ISO datetime (excluded)")]
Kiosk = Annotated[str | None, Query(max_length=64, description="Only this kiosk")]
Lang = Annotated[str | None, Query(max_length=16, description=(
    "CSV: language of the header and the cells, "
    + " or ".join(csvsafe.languages()) + f" (default {csvsafe.languages()[0]})"))]
Sep = Annotated[str | None, Query(max_length=16, description=(
    "CSV: separator, " + " or ".join(f"'{s}'" for s in csvsafe.SEPARATORS)
    + " (default: the language's, ';' in French, ',' in English)"))]
FUNNEL_COLUMNS = ("position", "step_id", "step_title", "in_flow", "reached", "quit",
                  "help_calls", "median_seconds")
HELP_COLUMNS = ("day", "flow_id", "flow_title", "step_id", "step_title", "kind", "status",
                "outcome", "calls", "answered", "median_wait_seconds")


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["statistics"])
    Manager = Annotated[Principal, Depends(ctx.guard.require("manager"))]

    def csv_text(rows: list[dict[str, Any]], columns: tuple[str, ...],
                 sheet: csvsafe.Sheet) -> str:
        """The CSV of ``rows``, titles read from the flows (in a worker thread)."""
        titles = Titles(ctx.store.readers.get(), sheet.lang)
        return stats.to_csv(rows, columns, dataclasses.replace(sheet, titles=titles))

    @r.get("/stats/funnel", responses=CSV_RESPONSE, response_model=None)
    async def funnel_(request: Request, _who: Manager, flow: Annotated[str, Query(max_length=64)],
                      start: From = None, end: To = None, kiosk: Kiosk = None,
                      lang: Lang = None, sep: Sep = None) -> Any:
        """Where customers of one flow go and where they stop, for the sessions started in
        the period (see ``kiosk.hub.funnel`` for how sessions are rebuilt from events).

        JSON: ``{"flow", "version", "from", "to", "kiosk", "sessions", "completed",
        "completion_rate" (0..1 or null), "endings": {"completed", "help", "workshop",
        "quit"}, "feedback": {"good", "neutral", "bad"}, "steps": [{"position",
        "step_id", "in_flow", "reached", "quit", "help_calls", "median_seconds"}],
        "by_day": [{"day", "sessions"}], "by_hour": [24 counts, 0 h to 23 h]}``. Steps
        are in the order of the current version, then steps it no longer has
        (``in_flow`` false).

        CSV: one row per step, columns ``position, step_id, step_title, in_flow, reached,
        quit, help_calls, median_seconds``."""
        period = ctx.period(start, end)
        sheet = csv_sheet(ctx.tz, lang, sep)
        steps = ctx.flows.current_steps(flow)
        if steps is None:
            raise NotFound(f"no flow '{flow}'")
        end_steps = ctx.flows.end_steps(flow)
        data = await asyncio.to_thread(lambda: funnel.funnel(
            ctx.store.readers.get(), flow, steps, end_steps, period, kiosk, ctx.tz))
        if wants_csv(request):
            rows = [{**step, "flow_id": flow} for step in data["steps"]]
            text = await asyncio.to_thread(csv_text, rows, FUNNEL_COLUMNS, sheet)
            return csv_response(text, f"funnel-{flow}")
        try:
            current: int | None = ctx.flows.current(flow)["version"]
        except NotFound:
            current = None  # only a draft
        return {"flow": flow, "version": current, "from": period.start, "to": period.end,
                "kiosk": kiosk, **{k: v for k, v in data.items() if k != "flow"}}

    @r.get("/stats/help", responses=CSV_RESPONSE, response_model=None)
    async def help_(request: Request, _who: Manager, start: From = None, end: To = None,
                    kiosk: Kiosk = None, lang: Lang = None, sep: Sep = None) -> Any:
        """Help calls created in the period.

        JSON: ``{"from", "to", "kiosk", "calls", "by_kind": {"help", "workshop"},
        "by_status": {"queued", "claimed", "resolved", "cancelled"}, "answered" (calls
        claimed), "median_wait_seconds" (call to claim, null when none), "outcomes":
        {"helped", "sent-to-counter", "workshop", "left", "other"}, "by_step":
        [{"flow_id", "step_id", "calls"}] (kind help only, most calls first: the steps to
        rewrite), "by_day": [{"day", "calls", "answered"}], "by_hour": [24 counts]}``.

        CSV: one row per (day, flow_id, step_id, kind, status, outcome), columns ``day,
        flow_id, flow_title, step_id, step_title, kind, status, outcome, calls, answered,
        median_wait_seconds``."""
        period = ctx.period(start, end)
        sheet = csv_sheet(ctx.tz, lang, sep)
        if wants_csv(request):
            text = await asyncio.to_thread(lambda: csv_text(stats.help_rows(
                ctx.store.readers.get(), period, kiosk, ctx.tz), HELP_COLUMNS, sheet))
            return csv_response(text, "help")
        data = await asyncio.to_thread(lambda: stats.help_stats(
            ctx.store.readers.get(), period, kiosk, ctx.tz))
        return {"from": period.start, "to": period.end, "kiosk": kiosk, **data}

    @r.get("/stats/report", responses=CSV_RESPONSE, response_model=None)
    async def report(request: Request, _who: Manager, start: From = None,
                     end: To = None, lang: Lang = None, sep: Sep = None) -> Any:
        """The period report.

        JSON: ``{"from", "to", "help_calls" (calls of kind help), "accompanied" (calls
        resolved, any outcome), "referred_to_workshop" (calls not cancelled of kind
        workshop or resolved with outcome workshop), "workshops" (held: started in the
        period, not cancelled), "registered" and "attended" (registrations to those
        workshops neither cancelled nor moved away, and those marked present),
        "satisfaction": {"good", "neutral", "bad", "total", "share_good" (0..1 or null)}
        (feedback given in the period), "visits", "flow_sessions"}``.

        CSV: ``metric, metric_label, figure`` rows: the key (nested keys joined with
        dots: ``satisfaction.good``), its words, its figure (``from`` and ``to`` in office
        time)."""
        period = ctx.period(start, end)
        sheet = csv_sheet(ctx.tz, lang, sep)
        data = await asyncio.to_thread(lambda: stats.report(ctx.store.readers.get(), period))
        data = {"from": period.start, "to": period.end, **data}
        if wants_csv(request):
            rows = stats.report_rows(data, sheet)
            return csv_response(stats.to_csv(rows, stats.REPORT_COLUMNS, sheet), "report")
        return data

    @r.get("/stats/glossary")
    async def glossary_(_who: Manager, start: From = None, end: To = None,
                        flow: Annotated[str | None, Query(max_length=64)] = None,
                        kiosk: Kiosk = None) -> dict[str, Any]:
        """Glossary words customers opened on the kiosks in the period (events
        ``glossary.opened``), most opened first: ``{"from", "to", "flow", "kiosk",
        "items": [{"term", "language", "flow_id", "step_id", "opened"}]}``."""
        from kiosk.hub import stats_glossary

        period = ctx.period(start, end)
        items = await asyncio.to_thread(lambda: stats_glossary.opened(
            ctx.store.readers.get(), period, flow, kiosk))
        return {"from": period.start, "to": period.end, "flow": flow, "kiosk": kiosk,
                "items": items}

    return r
