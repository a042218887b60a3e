"""Test helpers for the region's report: write one Parquet part as an office's hub exports
it (``write_part``), and a small region of three offices with known figures
(``small_region``), the figures written out by hand so a test compares with them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from kiosk.region.schema import META_SCHEMA, SCHEMA_VERSION, TABLES, part_path

ARROW_TYPES = {"string": pa.string(), "int16": pa.int16(), "int32": pa.int32(),
               "float64": pa.float64(), "bool": pa.bool_()}


def arrow_schema(table: str, meta: dict[str, str] | None = None) -> pa.Schema:
    """The table's columns as an Arrow schema, with ``meta`` as key/value metadata."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in TABLES[table]],
                     metadata=meta)


def write_part(root: Path, table: str, office: str, day: str, rows: list[dict[str, Any]],
               meta: dict[str, str] | None = None) -> Path:
    """Write ``rows`` as the file of ``table`` for ``office`` and ``day`` under ``root``,
    with the schema's columns and types (a column a row lacks is null) and the export's
    metadata (``meta`` adds to it or overrides it, e.g. a newer schema version)."""
    metadata = {META_SCHEMA: str(SCHEMA_VERSION), "guichet.table": table,
                "guichet.office": office, "guichet.day": day, "guichet.timezone": "Europe/Paris",
                "guichet.exported_at": f"{day}T23:30:00Z", "guichet.kiosk_version": "test",
                **(meta or {})}
    schema = arrow_schema(table, metadata)
    columns = {c.name: [row.get(c.name) for row in rows] for c in TABLES[table]}
    path = part_path(root, table, office, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns, schema=schema), path)
    return path


# --- the small region -----------------------------------------------------------------
# Three offices, flows carte-grise (s1, s2, s3 the end) and ameli (a1, a2 the end):
# lyon-1 exports 03-01, 03-02, 03-04 (03-03 missing); paris-2 every day of 03-01..03-04
# (03-03 quiet: four empty files); nice-3 exports 03-02 and 03-03.

CG, AM = "carte-grise", "ameli"


def _visit(session: str, *items: tuple[str, ...]) -> list[dict[str, Any]]:
    """A visit's events: visit.start, then ("flow", id) for flow.start, ("step", flow, step),
    ("help", flow, step), ("feedback", value), ("end", flow) for flow.end, ("quit", flow)."""
    out: list[dict[str, Any]] = [{"hour": 10, "kiosk": "kiosk-1", "session": session,
                                  "type": "visit.start", "language": "fr"}]
    for item in items:
        base = {"hour": 10, "kiosk": "kiosk-1", "session": session, "language": "fr"}
        if item[0] == "flow":
            out.append({**base, "type": "flow.start", "flow_id": item[1]})
        elif item[0] in ("step", "help"):
            out.append({**base, "type": item[0], "flow_id": item[1], "step_id": item[2]})
        elif item[0] == "feedback":
            out.append({**base, "type": "feedback", "value": item[1]})
        elif item[0] == "end":
            out.append({**base, "type": "flow.end", "flow_id": item[1]})
        else:
            out.append({**base, "type": "flow.abandon", "flow_id": item[1]})
    return out


def _walk(session: str, flow: str, result: str, quit_step: str | None = None,
          help_calls: int = 0) -> dict[str, Any]:
    return {"hour": 10, "session": session, "flow_id": flow, "language": "fr", "result": result,
            "quit_step": quit_step, "steps_reached": 1, "help_calls": help_calls, "seconds": 30.0}


def _help(flow: str, step: str, kind: str, status: str, outcome: str | None = None,
          wait: float | None = None) -> dict[str, Any]:
    return {"hour": 10, "flow_id": flow, "step_id": step, "kind": kind, "status": status,
            "outcome": outcome, "answered": wait is not None, "wait_seconds": wait}


def _workshop(registered: int, attended: int, cancelled: bool = False) -> dict[str, Any]:
    return {"hour": 14, "level": "initiation", "minutes": 90, "capacity": 8,
            "registered": registered, "attended": attended, "cancelled": cancelled}


DAYS: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {
    ("lyon-1", "2024-03-01"): {
        "events": [*_visit("l1", ("flow", CG), ("step", CG, "s1"), ("step", CG, "s2"),
                           ("step", CG, "s3"), ("end", CG), ("feedback", "good")),
                   *_visit("l2", ("flow", CG), ("step", CG, "s1"), ("help", CG, "s1"),
                           ("step", CG, "s2"), ("quit", CG))],
        "walks": [_walk("l1", CG, "completed"), _walk("l2", CG, "quit", "s2", 1)],
        "help": [_help(CG, "s1", "help", "resolved", "helped", 30.0)],
        "workshops": [_workshop(5, 4)]},
    ("lyon-1", "2024-03-02"): {
        "events": [*_visit("l3", ("flow", AM), ("step", AM, "a1"), ("help", AM, "a1")),
                   *_visit("l4", ("feedback", "bad"))],
        "walks": [_walk("l3", AM, "help", None, 1)],
        "help": [_help(AM, "a1", "help", "claimed", None, 60.0),
                 _help(AM, "a1", "workshop", "queued")],
        "workshops": [_workshop(3, 0, cancelled=True)]},
    ("lyon-1", "2024-03-04"): {
        "events": _visit("l5", ("flow", CG), ("step", CG, "s1"), ("quit", CG)),
        "walks": [_walk("l5", CG, "quit", "s1")], "help": [], "workshops": []},
    ("paris-2", "2024-03-01"): {
        "events": [*_visit("p1", ("flow", CG), ("step", CG, "s1"), ("step", CG, "s2"),
                           ("help", CG, "s2")),
                   *_visit("p2", ("flow", CG), ("step", CG, "s1"), ("step", CG, "s2"),
                           ("quit", CG), ("feedback", "good"))],
        "walks": [_walk("p1", CG, "help", None, 1), _walk("p2", CG, "quit", "s2")],
        "help": [_help(CG, "s2", "help", "resolved", "workshop", 10.0)], "workshops": []},
    ("paris-2", "2024-03-02"): {
        "events": _visit("p3", ("flow", AM), ("step", AM, "a1"), ("step", AM, "a2"),
                         ("help", AM, "a2"), ("end", AM), ("feedback", "neutral")),
        "walks": [_walk("p3", AM, "completed", None, 1)],
        "help": [_help(AM, "a2", "help", "cancelled")], "workshops": []},
    ("paris-2", "2024-03-03"): {"events": [], "walks": [], "help": [], "workshops": []},
    ("paris-2", "2024-03-04"): {
        "events": _visit("p4"), "walks": [],
        "help": [_help(CG, "s1", "workshop", "cancelled")], "workshops": [_workshop(2, 2)]},
    ("nice-3", "2024-03-02"): {
        "events": _visit("n1", ("flow", CG), ("step", CG, "s1"), ("help", CG, "s1"), ("quit", CG),
                         ("flow", CG), ("step", CG, "s1"), ("step", CG, "s2"),
                         ("step", CG, "s3"), ("end", CG)),
        "walks": [_walk("n1", CG, "quit", "s1", 1), _walk("n1", CG, "completed")],
        "help": [_help(CG, "s1", "help", "resolved", "sent-to-counter", 20.0)], "workshops": []},
    ("nice-3", "2024-03-03"): {
        "events": _visit("n2", ("flow", AM), ("step", AM, "a1"), ("quit", AM), ("feedback", "good")),
        "walks": [_walk("n2", AM, "quit", "a1")],
        "help": [_help("", "", "help", "resolved", "helped", 40.0)], "workshops": []},
}


def _sat(good: int, neutral: int, bad: int) -> dict[str, Any]:
    total = good + neutral + bad
    return {"good": good, "neutral": neutral, "bad": bad, "total": total,
            "share_good": round(good / total, 4) if total else None}


OFFICES = {
    "lyon-1": {"office": "lyon-1", "days": 3, "first_day": "2024-03-01", "last_day": "2024-03-04",
               "missing_days": ["2024-03-03"], "visits": 5, "sessions": 4, "completed": 1,
               "completion_rate": 0.25, "help_calls": 2, "help_per_100_sessions": 50.0,
               "answered": 2, "median_wait_seconds": 45.0, "satisfaction": _sat(1, 0, 1),
               "workshop_referrals": 1, "workshops": 1, "registered": 5, "attended": 4},
    "nice-3": {"office": "nice-3", "days": 2, "first_day": "2024-03-02", "last_day": "2024-03-03",
               # the region's last day is 2024-03-04 (paris-2): nice-3 did not send it
               "missing_days": ["2024-03-04"], "visits": 2, "sessions": 3, "completed": 1,
               "completion_rate": 0.3333, "help_calls": 2, "help_per_100_sessions": 66.7,
               "answered": 2, "median_wait_seconds": 30.0, "satisfaction": _sat(1, 0, 0),
               "workshop_referrals": 0, "workshops": 0, "registered": 0, "attended": 0},
    "paris-2": {"office": "paris-2", "days": 4, "first_day": "2024-03-01",
                "last_day": "2024-03-04", "missing_days": [], "visits": 4, "sessions": 3,
                "completed": 1, "completion_rate": 0.3333, "help_calls": 2,
                "help_per_100_sessions": 66.7, "answered": 1, "median_wait_seconds": 10.0,
                "satisfaction": _sat(1, 1, 0), "workshop_referrals": 1, "workshops": 1,
                "registered": 2, "attended": 2},
}
TOTALS = {"offices": 3, "visits": 11, "sessions": 10, "completed": 3, "completion_rate": 0.3,
          "help_calls": 6, "help_per_100_sessions": 60.0, "answered": 5,
          "median_wait_seconds": 30.0, "satisfaction": _sat(3, 1, 1), "workshop_referrals": 2,
          "workshops": 2, "registered": 7, "attended": 6}
STEPS = [
    {"flow_id": CG, "step_id": "s1", "offices": 3, "reached": 6, "quit": 2, "help_calls": 2,
     "quit_rate": 0.3333, "help_per_100": 33.3},
    {"flow_id": CG, "step_id": "s2", "offices": 3, "reached": 5, "quit": 2, "help_calls": 1,
     "quit_rate": 0.4, "help_per_100": 20.0},
    {"flow_id": AM, "step_id": "a1", "offices": 3, "reached": 3, "quit": 1, "help_calls": 1,
     "quit_rate": 0.3333, "help_per_100": 33.3},
    {"flow_id": AM, "step_id": "a2", "offices": 1, "reached": 1, "quit": 0, "help_calls": 1,
     "quit_rate": 0.0, "help_per_100": 100.0},
]
FLOWS = [
    {"flow_id": CG, "sessions": 7, "completed": 2, "completion_rate": 0.2857, "help_calls": 3},
    {"flow_id": AM, "sessions": 3, "completed": 1, "completion_rate": 0.3333, "help_calls": 2},
]


def small_region(root: Path) -> dict[str, Any]:
    """Write the small region under ``root``; returns its known figures: ``offices`` (by
    office id, each as in the report), ``totals``, ``steps`` (ranked), ``flows``,
    ``rows_read`` (every row of every table) and ``days`` (office -> days written)."""
    rows_read = 0
    days: dict[str, list[str]] = {}
    for (office, day), tables in DAYS.items():
        for table in TABLES:
            write_part(root, table, office, day, tables[table])
            rows_read += len(tables[table])
        days.setdefault(office, []).append(day)
    return {"offices": OFFICES, "totals": TOTALS, "steps": STEPS, "flows": FLOWS,
            "rows_read": rows_read, "days": days}
