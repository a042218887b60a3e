"""The hub's Parquet export for its region: one folder per table, one partition per office
and day (the layout, the columns and the metadata are in ``kiosk.region.schema``).

The rows are made the way the hub makes its own statistics, so a region's figures equal
the office's: events as the CSV export keeps them (``kiosk.hub.export.events``), sessions
of a flow rebuilt by the funnel's own code (``kiosk.hub.funnel.walks``, with each flow's
current end steps), help calls as ``kiosk.hub.stats`` reads them, workshops as the
period report counts them. Nothing that could point at a person leaves: no note, no name,
no title or place of a workshop (free text), no exact time (the office's day and hour
only), visits hashed with a salt made afresh for each run.

Each day is written whole, aside (hidden ``.partial`` files beside the old ones, which no
engine reads), then renamed over the old files: a re-export replaces the day, a reader sees
each old file or its new one, and a disk that fills up leaves the day as it was.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlite_utils

from kiosk import __version__
from kiosk.flows.model import kind_of
from kiosk.hub.export import events, session_hash, visit_language
from kiosk.hub.funnel import MARGIN_HOURS, local_day_hour, walks
from kiosk.hub.stats import help_calls, wait_seconds
from kiosk.hub.times import Period, utc_iso
from kiosk.region import schema

_TYPES = {"string": pa.string(), "int16": pa.int16(), "int32": pa.int32(),
          "float64": pa.float64(), "bool": pa.bool_()}


@dataclass(frozen=True)
class DayWritten:
    """What one day's export wrote: its day and the rows of each table."""

    day: str
    rows: dict[str, int]


def arrow_schema(table: str, metadata: dict[str, str]) -> pa.Schema:
    """The Arrow schema of ``table``, with the file's key/value metadata."""
    return pa.schema([pa.field(c.name, _TYPES[c.type]) for c in schema.TABLES[table]],
                     metadata={k.encode(): v.encode() for k, v in metadata.items()})


def day_period(day: date, tz: tzinfo) -> Period:
    """The office's day ``day`` as a period of stored instants."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    return Period(utc_iso(start), utc_iso(end))


def end_steps(db: sqlite_utils.Database) -> dict[str, set[str]]:
    """Each published flow's current end steps (a flow never published has none, as in
    the funnel route)."""
    out: dict[str, set[str]] = {}
    for row in db.query("SELECT f.id, v.flow FROM flows f JOIN flow_versions v "
                        "ON v.flow_id = f.id AND v.version = f.current"):
        steps = json.loads(row["flow"]).get("steps") or []
        out[row["id"]] = {s["id"] for s in steps if isinstance(s, dict) and kind_of(s) == "end"}
    return out


# -- the rows of one day --------------------------------------------------------------------
def event_rows(db: sqlite_utils.Database, period: Period, tz: tzinfo, salt: bytes,
               ) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k not in ("record", "day")}
            for e in events(db, period, tz, salt)]


def _visits(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Events grouped by visit (they come ordered by kiosk, visit, time)."""
    visit: list[dict[str, Any]] = []
    key: tuple[str, str] | None = None
    for row in rows:
        here = (row["kiosk_id"], row["session_id"] or "")
        if here != key and visit:
            yield visit
            visit = []
        key = here
        visit.append(row)
    if visit:
        yield visit


def _language_at(visit: list[dict[str, Any]], started: str) -> str | None:
    """The visit's language at the instant ``started`` (stored form)."""
    language = None
    for e in visit:
        if e["at"] > started:
            break
        try:
            data = json.loads(e["data"] or "{}")
        except ValueError:
            continue
        if isinstance(data, dict):
            language = visit_language(e["type"], data) or language
    return language


def walk_rows(db: sqlite_utils.Database, period: Period, tz: tzinfo, salt: bytes,
              ends: dict[str, set[str]]) -> list[dict[str, Any]]:
    """One row per session of a flow started in ``period``, as the funnel sees it: each
    flow's walks rebuilt from that flow's events and the visits' resets only, as the
    funnel route does (events for :data:`MARGIN_HOURS` after the period still say how a
    session ended)."""
    where, args = period.widened(MARGIN_HOURS).sql("at")
    rows = db.query("SELECT kiosk_id, session_id, type, flow_id, step_id, at, data FROM events "
                    f"WHERE {where} ORDER BY kiosk_id, session_id, at, rowid", args)
    out: list[dict[str, Any]] = []
    for visit in _visits(rows):
        started = {e["flow_id"]: e for e in visit if e["type"] == "flow.start" and e["flow_id"]}
        for flow_id in sorted(started):
            seen = [e for e in visit if e["flow_id"] == flow_id
                    or (e["flow_id"] is None and e["type"] == "reset")]
            for walk in walks(seen, flow_id, ends.get(flow_id, set())):
                at = utc_iso(walk.started)
                if not period.contains(at):
                    continue
                out.append({
                    "hour": walk.started.astimezone(tz).hour,
                    "session": session_hash(salt, visit[0]["kiosk_id"], visit[0]["session_id"]),
                    "flow_id": flow_id, "language": _language_at(visit, at),
                    "result": walk.result, "quit_step": walk.quit_step,
                    "steps_reached": len(walk.reached), "help_calls": sum(walk.help.values()),
                    "seconds": round(sum(walk.seconds.values()), 3)})
    return out


def help_rows(db: sqlite_utils.Database, period: Period, tz: tzinfo) -> list[dict[str, Any]]:
    """One row per call created in ``period``: no id, no kiosk, no note, no mediator."""
    out = []
    for call in help_calls(db, period, None):
        wait = wait_seconds(call)
        out.append({"hour": local_day_hour(call["created_at"], tz)[1], "flow_id": call["flow_id"],
                    "step_id": call["step_id"], "kind": call["kind"], "status": call["status"],
                    "outcome": call["outcome"], "answered": wait is not None,
                    "wait_seconds": wait})
    return out


def workshop_rows(db: sqlite_utils.Database, period: Period, tz: tzinfo) -> list[dict[str, Any]]:
    """One row per workshop starting in ``period``: its level, length and seats, the
    registrations still holding a seat and the people present (as the period report
    counts them); never its title or place."""
    where, args = period.sql("w.start_utc")
    return [{"hour": local_day_hour(row["start_utc"], tz)[1], "level": row["level"],
             "minutes": row["duration_minutes"], "capacity": row["capacity"],
             "registered": row["registered"], "attended": row["attended"],
             "cancelled": row["cancelled_at"] is not None}
            for row in db.query(
                "SELECT w.start_utc, w.level, w.duration_minutes, w.capacity, w.cancelled_at, "
                "COUNT(r.id) AS registered, COALESCE(SUM(r.attended = 1), 0) AS attended "
                "FROM workshops w LEFT JOIN registrations r ON r.workshop_id = w.id "
                f"AND r.cancelled_at IS NULL WHERE {where} GROUP BY w.id ORDER BY w.start_utc",
                args)]


# -- writing --------------------------------------------------------------------------------
def write_day(root: Path, office: str, day: str, tables: dict[str, list[dict[str, Any]]],
              metadata: dict[str, str]) -> None:
    """Write every table's file for one office and day, replacing the old ones: all of
    them are written aside first, then renamed over the old ones, so a failure (a full
    disk) leaves the day as it was (see the module docstring)."""
    ready: list[tuple[Path, Path]] = []
    try:
        for table, rows in tables.items():
            target = schema.part_path(root, table, office, day)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.parent / f".{target.name}.{secrets.token_hex(4)}.partial"
            ready.append((partial, target))
            meta = {**metadata, f"{schema.META_PREFIX}table": table}
            pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema(table, meta)), partial)
        for partial, target in ready:
            os.replace(partial, target)
            for other in target.parent.glob("*.parquet"):  # files an older layout left there
                if other != target:
                    other.unlink()
    finally:
        for partial, _ in ready:
            partial.unlink(missing_ok=True)


def export_day(db: sqlite_utils.Database, root: Path, office: str, day: date, tz: tzinfo,
               salt: bytes, ends: dict[str, set[str]], now: datetime | None = None) -> DayWritten:
    """Export one of the office's days into ``root`` (every table, even with no rows)."""
    period = day_period(day, tz)
    metadata = {schema.META_SCHEMA: str(schema.SCHEMA_VERSION),
                f"{schema.META_PREFIX}office": office, f"{schema.META_PREFIX}day": day.isoformat(),
                f"{schema.META_PREFIX}timezone": str(tz),
                f"{schema.META_PREFIX}exported_at": utc_iso(now or datetime.now(UTC)),
                f"{schema.META_PREFIX}kiosk_version": __version__}
    tables = {"events": event_rows(db, period, tz, salt),
              "walks": walk_rows(db, period, tz, salt, ends),
              "help": help_rows(db, period, tz), "workshops": workshop_rows(db, period, tz)}
    write_day(root, office, day.isoformat(), tables, metadata)
    return DayWritten(day.isoformat(), {t: len(rows) for t, rows in tables.items()})


def export(db: sqlite_utils.Database, root: Path, office: str, first: date, last: date,
           tz: tzinfo, progress: Callable[[DayWritten], None] | None = None,
           salt: bytes | None = None) -> list[DayWritten]:
    """Export the office's days ``first`` to ``last`` (included) into ``root``, one salt
    for the whole run; ``progress`` hears of each day written."""
    if not schema.OFFICE_ID.match(office) or len(office) > schema.OFFICE_ID_MAX:
        raise ValueError(f"'{office}' is not an office id (lower-case letters, digits and "
                         "dashes, e.g. saint-etienne-wilson)")
    salt = salt if salt is not None else secrets.token_bytes(16)
    ends = end_steps(db)
    done = []
    day = first
    while day <= last:
        written = export_day(db, root, office, day, tz, salt, ends)
        done.append(written)
        if progress is not None:
            progress(written)
        day += timedelta(days=1)
    return done

