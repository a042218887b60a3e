"""Statistics for the office manager: help calls and the period report (the funnel of a
flow is in ``funnel``), and their CSV forms.

Help statistics count the calls *created* in the period; the report counts calls
created, workshops held (started, not cancelled) with their registrations (neither
cancelled nor moved away) and feedback given in the period. Days and hours are
the office's (setting ``hub_timezone``). CSV forms are written for a spreadsheet in one
staff language (``csvsafe.Sheet``).
"""

from __future__ import annotations

import io
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import tzinfo
from typing import Any

import sqlite_utils

from kiosk.hub import csvsafe
from kiosk.hub.funnel import FEEDBACK, local_day_hour
from kiosk.hub.store import KINDS, OUTCOMES, STATUSES
from kiosk.hub.times import Period, parse_instant


def wait_seconds(row: dict[str, Any]) -> float | None:
    """Seconds from a call to its (last) claim, None if never claimed."""
    if not row["claimed_at"]:
        return None
    return (parse_instant(row["claimed_at"]) - parse_instant(row["created_at"])).total_seconds()


def median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def help_calls(db: sqlite_utils.Database, period: Period, kiosk: str | None,
               ) -> list[dict[str, Any]]:
    where, args = period.sql("created_at")
    if kiosk:
        where += " AND kiosk_id = ?"
        args.append(kiosk)
    return list(db.query(f"SELECT * FROM help_requests WHERE {where} ORDER BY created_at", args))


def help_stats(db: sqlite_utils.Database, period: Period, kiosk: str | None,
               tz: tzinfo) -> dict[str, Any]:
    """Calls by kind and status, answered (claimed), median wait to claim, outcomes, calls
    of kind ``help`` per (flow_id, step_id) most first, per day and per hour."""
    rows = help_calls(db, period, kiosk)
    waits = [w for r in rows if (w := wait_seconds(r)) is not None]
    kinds = Counter(r["kind"] for r in rows)
    statuses = Counter(r["status"] for r in rows)
    outcomes = Counter(r["outcome"] for r in rows if r["status"] == "resolved")
    steps = Counter((r["flow_id"], r["step_id"]) for r in rows if r["kind"] == "help")
    days: dict[str, Counter[str]] = {}
    hours: Counter[int] = Counter()
    for r in rows:
        day, hour = local_day_hour(r["created_at"], tz)
        days.setdefault(day, Counter()).update(
            {"calls": 1, "answered": int(r["claimed_at"] is not None)})
        hours[hour] += 1
    return {
        "calls": len(rows), "by_kind": {k: kinds[k] for k in KINDS},
        "by_status": {s: statuses[s] for s in STATUSES}, "answered": len(waits),
        "median_wait_seconds": median(waits), "outcomes": {o: outcomes[o] for o in OUTCOMES},
        "by_step": [{"flow_id": f, "step_id": s, "calls": n} for (f, s), n in
                    sorted(steps.items(), key=lambda kv: (-kv[1], kv[0][0] or "", kv[0][1] or ""))],
        "by_day": [{"day": d, "calls": c["calls"], "answered": c["answered"]}
                   for d, c in sorted(days.items())],
        "by_hour": [hours[h] for h in range(24)],
    }


def help_rows(db: sqlite_utils.Database, period: Period, kiosk: str | None,
              tz: tzinfo) -> list[dict[str, Any]]:
    """Calls grouped by (day, flow_id, step_id, kind, status, outcome): calls, answered,
    median_wait_seconds. No kiosk, no note, no id: safe to hand to a region."""
    groups: dict[tuple[Any, ...], list[float | None]] = {}
    for r in help_calls(db, period, kiosk):
        key = (local_day_hour(r["created_at"], tz)[0], r["flow_id"], r["step_id"], r["kind"],
               r["status"], r["outcome"])
        groups.setdefault(key, []).append(wait_seconds(r))
    return [{"day": k[0], "flow_id": k[1], "step_id": k[2], "kind": k[3], "status": k[4],
             "outcome": k[5], "calls": len(waits),
             "answered": sum(1 for w in waits if w is not None),
             "median_wait_seconds": median([w for w in waits if w is not None])}
            for k, waits in sorted(groups.items(), key=lambda kv: tuple(str(x) for x in kv[0]))]


def report(db: sqlite_utils.Database, period: Period) -> dict[str, Any]:
    """The manager's period report (see the route's docstring for each number)."""
    rows = help_calls(db, period, None)
    workshops_where, workshop_args = period.sql("w.start_utc")
    # held: not cancelled; registered: the registrations still holding their seat (neither
    # cancelled nor moved to another workshop), and of those, the ones marked present
    held = db.execute(
        "SELECT COUNT(DISTINCT w.id), COUNT(r.id), COALESCE(SUM(r.attended = 1), 0) FROM "
        "workshops w LEFT JOIN registrations r ON r.workshop_id = w.id AND r.cancelled_at IS NULL"
        f" WHERE w.cancelled_at IS NULL AND {workshops_where}", workshop_args).fetchone()
    events_where, event_args = period.sql("at")
    counts = dict(db.execute(
        "SELECT type, COUNT(*) FROM events WHERE type IN ('visit.start', 'flow.start') AND "
        f"{events_where} GROUP BY type", event_args).fetchall())
    feedback: Counter[str] = Counter(
        value for (value,) in db.execute(
            f"SELECT json_extract(data, '$.value') FROM events WHERE type = 'feedback' AND "
            f"{events_where}", event_args).fetchall())
    given = sum(feedback[k] for k in FEEDBACK)
    return {
        "help_calls": sum(1 for r in rows if r["kind"] == "help"),
        "accompanied": sum(1 for r in rows if r["status"] == "resolved"),
        "referred_to_workshop": sum(1 for r in rows if r["status"] != "cancelled" and (
            r["kind"] == "workshop" or r["outcome"] == "workshop")),
        "workshops": int(held[0]), "registered": int(held[1]), "attended": int(held[2]),
        "satisfaction": {**{k: feedback[k] for k in FEEDBACK}, "total": given,
                         "share_good": round(feedback["good"] / given, 4) if given else None},
        "visits": int(counts.get("visit.start", 0)), "flow_sessions": int(counts.get("flow.start", 0)),
    }


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str], sheet: csvsafe.Sheet) -> str:
    """Rows as CSV text in ``sheet``'s form, with its byte order mark and a header line
    (missing or None cells empty, text that a spreadsheet could run as a formula
    neutralised: see ``csvsafe``)."""
    out = io.StringIO()
    writer = csvsafe.Writer(out, columns, sheet)
    writer.header()
    for row in rows:
        writer.row(row)
    return out.getvalue()


REPORT_COLUMNS = ("metric", "metric_label", "figure")


def report_rows(data: dict[str, Any], sheet: csvsafe.Sheet) -> list[dict[str, Any]]:
    """The report as CSV rows: the metric's key (nested keys joined with dots:
    ``satisfaction.good``), its words in ``sheet``'s language, its figure; the period's
    ends (``from``, ``to``) as instants, which the sheet writes in office time."""
    rows = []
    for row in flatten(data):
        value = row["value"]
        if row["metric"] in ("from", "to") and isinstance(value, str):
            value = parse_instant(value)
        rows.append({"metric": row["metric"], "metric_label": sheet.label(row["metric"]),
                     "figure": value})
    return rows


def flatten(data: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """``{"a": {"b": 1}}`` as metric/value rows: ``[{"metric": "a.b", "value": 1}]``."""
    rows: list[dict[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            rows += flatten(value, f"{prefix}{key}.")
        else:
            rows.append({"metric": f"{prefix}{key}", "value": value})
    return rows
