"""The region's report: every office's figures, the steps where customers stop or call for
help, the flows, and the region's totals, read with DuckDB (embedded, in memory) from the
folder the offices' Parquet exports land in (layout: ``kiosk.region.schema``).

The figures mean what the office hub's own statistics mean (``kiosk.hub.stats``): see
:func:`office_figures` and the queries in ``kiosk.region.queries`` (one pass per table).
``days`` and ``missing_days`` come from the folder's listing, not the rows: an exported day
has an ``events`` file even when nothing happened, so a day without one is an export
that did not arrive (with no end to the period, up to the last day any office exported).
An office is in the report when it has an ``events`` file in the
period. Steps are listed when a customer quit on them or called for help from them
(``offices``: the offices where the step was reached, quit or called from); the region's
median wait is over every answered call, not a median of medians. Rates are rounded to 4
places, "per 100" figures and seconds to 0.1.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.region import queries
from kiosk.region.schema import META_SCHEMA, OFFICE_ID, SCHEMA_VERSION, TABLES
from kiosk.region.schema import glob as schema_glob

REPORT_VERSION = 1
FEEDBACK = ("good", "neutral", "bad")
FIRST, LAST = date(1, 1, 1), date(9999, 12, 31)
_OFFICE_DIR = re.compile(r"^office=(.+)$")
_DAY_DIR = re.compile(r"^day=(\d{4}-\d{2}-\d{2})$")
#: what build() does, in order; progress(done, total) after each
STAGES = ("list", "versions", "events", "walks", "help", "workshops")


class ReportError(Exception):
    """Why there is no report, for people: ``key`` names the sentence in the region's
    catalog (``error.<key>``), ``values`` fill it; ``str()`` is the English sentence."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(self.message("en"))

    def message(self, lang: str = "fr") -> str:
        """The sentence in ``lang`` (fr, en)."""
        from kiosk import i18n

        return i18n.catalog(lang, "region").t(f"error.{self.key}", **self.values)


@dataclass
class RegionReport:
    """The report; :meth:`as_dict` is its JSON form (see the module docstring)."""

    start: date | None
    end: date | None
    generated_at: str
    rows_read: int
    seconds: float
    offices: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    flows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    schema_version: int = REPORT_VERSION

    def as_dict(self) -> dict[str, Any]:
        return {"schema_version": self.schema_version,
                "from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None,
                "generated_at": self.generated_at, "rows_read": self.rows_read,
                "seconds": self.seconds, "offices": self.offices, "steps": self.steps,
                "flows": self.flows, "totals": self.totals}


def rate(part: float, whole: float, places: int = 4) -> float | None:
    """``part / whole`` rounded, None when ``whole`` is 0."""
    return round(part / whole, places) if whole else None


def per_100(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def office_figures(c: dict[str, Any]) -> dict[str, Any]:
    """An office's (or the region's) figures from its counts ``c``: visits, sessions,
    completed, help_calls, answered, median_wait_seconds, good/neutral/bad,
    workshop_referrals, workshops, registered, attended."""
    given = sum(c[k] for k in FEEDBACK)
    wait = c["median_wait_seconds"]
    return {"visits": c["visits"], "sessions": c["sessions"], "completed": c["completed"],
            "completion_rate": rate(c["completed"], c["sessions"]), "help_calls": c["help_calls"],
            "help_per_100_sessions": per_100(c["help_calls"], c["sessions"]),
            "answered": c["answered"],
            "median_wait_seconds": round(float(wait), 1) if wait is not None else None,
            "satisfaction": {**{k: c[k] for k in FEEDBACK}, "total": given,
                             "share_good": rate(c["good"], given)},
            "workshop_referrals": c["workshop_referrals"], "workshops": c["workshops"],
            "registered": c["registered"], "attended": c["attended"]}


def _counts() -> dict[str, Any]:
    return {"visits": 0, "sessions": 0, "completed": 0, "help_calls": 0, "answered": 0,
            "median_wait_seconds": None, "good": 0, "neutral": 0, "bad": 0,
            "workshop_referrals": 0, "workshops": 0, "registered": 0, "attended": 0}


def listing(folder: Path, table: str, start: date | None = None,
            end: date | None = None) -> dict[str, dict[str, list[Path]]]:
    """The files of ``table`` in the period: office -> day (ISO) -> its files. A folder named
    neither ``office=<id>`` nor ``day=<date>`` is an error; other entries are skipped."""
    found: dict[str, dict[str, list[Path]]] = {}
    try:
        offices = sorted(_entries(str(folder / table)), key=lambda e: e.name)
    except FileNotFoundError:
        return found
    except OSError as exc:
        raise ReportError("unreadable", path=str(folder / table), detail=exc.strerror or exc) from None
    for office_dir in offices:
        if not office_dir.is_dir():
            continue
        match = _OFFICE_DIR.match(office_dir.name)
        if not match or not OFFICE_ID.match(match.group(1)):
            raise ReportError("bad_folder", path=office_dir.path)
        for day_dir in _entries(office_dir.path):
            if not day_dir.is_dir():
                continue
            day = _day(day_dir)
            if (start and day < start) or (end and day > end):
                continue
            parts = sorted(Path(e.path) for e in _entries(day_dir.path) if e.name.endswith(".parquet"))
            if parts:
                found.setdefault(match.group(1), {})[day.isoformat()] = parts
    return found


def _entries(path: str) -> list[os.DirEntry[str]]:
    with os.scandir(path) as found:
        return list(found)


def _day(entry: os.DirEntry[str]) -> date:
    match = _DAY_DIR.match(entry.name)
    try:
        if match:
            return date.fromisoformat(match.group(1))
    except ValueError:
        pass
    raise ReportError("bad_folder", path=entry.path)


def check_versions(con: Any, files: list[str]) -> None:
    """Refuse a file whose schema version is newer than :data:`SCHEMA_VERSION`, or that
    has none (not an export of a Guichet hub)."""
    if not files:
        return
    seen = 0
    for value, count, example in con.execute(queries.VERSIONS, {"files": files}).fetchall():
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        try:
            major = int(text.split(".")[0])
        except ValueError:
            major = SCHEMA_VERSION + 1
        if major > SCHEMA_VERSION:
            raise ReportError("newer", path=example, version=text, known=SCHEMA_VERSION)
        seen += count
    if seen < len(files):
        rows = con.execute("SELECT DISTINCT file_name FROM parquet_kv_metadata($files) "
                           f"WHERE key = '{META_SCHEMA}'", {"files": files}).fetchall()
        missing = sorted(set(files) - {r[0] for r in rows})
        raise ReportError("not_export", path=missing[0] if missing else files[0])


def connect() -> Any:
    """An in-memory DuckDB using every CPU, row order not kept (faster aggregates)."""
    import duckdb

    con = duckdb.connect(":memory:", config={"threads": os.cpu_count() or 1})
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET parquet_metadata_cache = true")
    return con


def build(folder: Path, start: date | None = None, end: date | None = None,
          progress: Callable[[int, int], None] | None = None) -> RegionReport:
    """The report of the exports in ``folder`` between ``start`` and ``end`` (days, both
    included; None: no bound). ``progress(done, total)`` is called after each stage."""
    import duckdb

    began = time.perf_counter()
    folder = Path(folder)
    if start and end and start > end:
        raise ReportError("period", start=start.isoformat(), end=end.isoformat())

    def step(done: int) -> None:
        if progress is not None:
            progress(done, len(STAGES))

    step(0)
    files = {table: listing(folder, table, start, end) for table in TABLES}
    if not any(files.values()) and (start is None and end is None
                                    or not any(listing(folder, table) for table in TABLES)):
        raise ReportError("empty", path=str(folder))
    step(1)
    con = connect()
    try:
        check_versions(con, [str(p) for t in files.values() for d in t.values()
                             for parts in d.values() for p in parts])
        step(2)
        params = {"start": start or FIRST, "end": end or LAST}
        results: dict[str, list[tuple[Any, ...]]] = {}
        for done, table in enumerate(TABLES, start=3):
            if files[table]:
                pattern = schema_glob(folder, table).replace("'", "''")
                con.execute(queries.VIEW.format(table=table, glob=pattern))
                sql = {"events": queries.EVENTS, "walks": queries.WALKS, "help": queries.HELP,
                       "workshops": queries.WORKSHOPS}[table]
                results[table] = con.execute(sql, params).fetchall()
            else:
                results[table] = []
            step(done)
    except duckdb.Error as exc:
        raise ReportError("unreadable", path=str(folder), detail=str(exc).splitlines()[0]) from None
    finally:
        con.close()
    report = assemble(results, files["events"], start, end)
    report.seconds = round(time.perf_counter() - began, 2)
    return report


def assemble(results: dict[str, list[tuple[Any, ...]]], days: dict[str, dict[str, list[Path]]],
             start: date | None, end: date | None) -> RegionReport:
    """The report from the queries' rows (``results`` by table) and the events files by
    office and day (``days``)."""
    counts = {office: _counts() for office in days}
    region = _counts()
    steps: dict[tuple[str, str], dict[str, Any]] = {}
    flows: dict[str, dict[str, int]] = {}
    rows_read = 0

    def on_step(flow: Any, step: Any, office: str) -> dict[str, Any]:
        key = (str(flow), str(step))
        entry = steps.setdefault(key, {"offices": set(), "reached": 0, "quit": 0, "help_calls": 0})
        entry["offices"].add(office)
        return entry

    for office, kind, flow, step, value, n, reached in results["events"]:
        rows_read += int(n)
        if office not in counts:
            continue
        if kind == "visit.start":
            counts[office]["visits"] += int(n)
        elif kind == "feedback" and value in FEEDBACK:
            counts[office][value] += int(n)
        elif kind == "step" and flow and step:
            on_step(flow, step, office)["reached"] += int(reached)
    for office, flow, quit_step, sessions, completed, help_calls in results["walks"]:
        rows_read += int(sessions)
        if office not in counts:
            continue
        counts[office]["sessions"] += int(sessions)
        counts[office]["completed"] += int(completed)
        entry = flows.setdefault(str(flow or ""), {"sessions": 0, "completed": 0, "help_calls": 0})
        entry["sessions"] += int(sessions)
        entry["completed"] += int(completed)
        entry["help_calls"] += int(help_calls or 0)
        if quit_step:
            on_step(flow, quit_step, office)["quit"] += int(sessions)
    for office, flow, step, by_office, by_step, n, help_calls, answered, wait, referrals \
            in results["help"]:
        if by_office:
            region["median_wait_seconds"] = wait
        elif by_step:
            rows_read += int(n)
            if office in counts:
                counts[office].update(help_calls=int(help_calls), answered=int(answered),
                                      median_wait_seconds=wait, workshop_referrals=int(referrals))
        elif flow and step and help_calls and office in counts:
            on_step(flow, step, office)["help_calls"] += int(help_calls)
    for office, n, workshops, registered, attended in results["workshops"]:
        rows_read += int(n)
        if office in counts:
            counts[office].update(workshops=int(workshops or 0), registered=int(registered or 0),
                                  attended=int(attended or 0))
    # with no end, an office's days run to the region's last exported day: an office whose
    # nightly export stopped arriving shows the days since as missing
    latest = max((day for office_days in days.values() for day in office_days), default=None)
    until = end or (date.fromisoformat(latest) if latest else None)
    offices = [_office(office, sorted(days[office]), counts[office], start, until)
               for office in sorted(counts)]
    for c in counts.values():
        for key, value in c.items():
            if key != "median_wait_seconds":
                region[key] += value
    return RegionReport(
        start=start, end=end, rows_read=rows_read, seconds=0.0,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        offices=offices, steps=_steps(steps), flows=_flows(flows),
        totals={"offices": len(offices), **office_figures(region)})


def _office(office: str, days: list[str], c: dict[str, Any], start: date | None,
            end: date | None) -> dict[str, Any]:
    first, last = days[0], days[-1]
    lo = start or date.fromisoformat(first)
    hi = end or date.fromisoformat(last)
    present = set(days)
    missing = [d.isoformat() for d in (lo + timedelta(days=i) for i in range((hi - lo).days + 1))
               if d.isoformat() not in present]
    return {"office": office, "days": len(days), "first_day": first, "last_day": last,
            "missing_days": missing, **office_figures(c)}


def _steps(steps: dict[tuple[str, str], dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps where a customer quit or called for help, most first."""
    ranked = sorted(((key, s) for key, s in steps.items() if s["quit"] or s["help_calls"]),
                    key=lambda kv: (-(kv[1]["quit"] + kv[1]["help_calls"]), kv[0]))
    return [{"flow_id": flow, "step_id": step, "offices": len(s["offices"]),
             "reached": s["reached"], "quit": s["quit"], "help_calls": s["help_calls"],
             "quit_rate": rate(s["quit"], s["reached"]),
             "help_per_100": per_100(s["help_calls"], s["reached"])}
            for (flow, step), s in ranked]


def _flows(flows: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """The flows, most sessions first."""
    return [{"flow_id": flow, "sessions": f["sessions"], "completed": f["completed"],
             "completion_rate": rate(f["completed"], f["sessions"]), "help_calls": f["help_calls"]}
            for flow, f in sorted(flows.items(), key=lambda kv: (-kv[1]["sessions"], kv[0]))]
