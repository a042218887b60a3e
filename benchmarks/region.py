"""Budget (issue 18): the region's report (``kiosk.region.report.build``) over 50 offices x
90 days of exports in <= 10 s on this 2-core machine, and how its time grows with the
number of offices (10, 25, 50).

Generation (not timed, both cores, a process pool over offices): a template hub database
is made once the way a hub makes its own (``kiosk.hub.db`` migrations, then the built-in
flows published by ``Flows.import_builtin`` through the hub's ``Store``) and copied for each
office. Each office gets 90 days of 3 kiosks' visits from the demo data generator
(``kiosk.demo_data.visits_for_day``, seeded per office, busyness varied a little per
office), stored as the hub stores them (the events' rows of ``POST /events``, the help
calls with their texts, created, claimed and resolved or cancelled at the times
``backdate_calls`` gives them, with their outcomes), plus a few workshops a month with
registrations and attendance. Then the real exporter,
``kiosk.hub.parquet_export.export``, writes the office's Parquet partitions; its database
is deleted. Everything lives in a temporary folder removed at the end.

Timing (the pool gone, nothing else in the process): ``build()`` over folders of 10, 25
and 50 offices (the 10 and 25 ones are symlinks to the same office partitions), 3 rounds,
each round timing every size once, interleaved with the baseline: DuckDB reading the same
files raw (``count(*)`` of each table over the 50-office folder, Hive partitions, same
connection settings as the report). Medians are reported, with ``rows_read`` and rows/s.
Files were just written, so they are in the page cache (a warm read, as the second
report of a day would be). ``--quick``: 4 offices x 14 days, same code path; ``ok``
then means it ran (no budget applied). Only JSON lines go to stdout; progress to stderr.
"""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, quick  # noqa: E402

from kiosk import paths  # noqa: E402
from kiosk.demo_data import Visit, visits_for_day  # noqa: E402
from kiosk.flows.library import FlowLibrary  # noqa: E402
from kiosk.flows.model import CALL_TEXTS, Flow, call_texts  # noqa: E402
from kiosk.hub.times import utc_iso  # noqa: E402
from kiosk.region.schema import TABLES, glob  # noqa: E402

BUDGET_SECONDS = 10.0  # 50 offices x 90 days (issue 18)
KIOSKS = 3
ROUNDS = 3
TIMEZONE = "Europe/Paris"
LAST_DAY = date(2026, 5, 31)  # 90 days back crosses the spring clock change
MEDIATORS = ("mediator-1", "mediator-2")
LEVELS = ("initiation", "perfectionnement", "outils-budgetaires")
# the rows of POST /events and POST /help-requests, as kiosk.hub.store writes them
INSERT_EVENT = ("INSERT OR IGNORE INTO events (id, kiosk_id, session_id, type, flow_id,"
                " step_id, at, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
HELP_COLUMNS = ("id", "kiosk_id", "flow_id", "step_id", "language", "kind", "level",
                "seconds_on_step", "status", "created_at", "updated_at", "claimed_by",
                "claimed_at", "resolved_at", "outcome", "cancelled_at", *CALL_TEXTS)
INSERT_HELP = (f"INSERT INTO help_requests ({', '.join(HELP_COLUMNS)}) VALUES"
               f" ({', '.join('?' for _ in HELP_COLUMNS)})")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def office_id(index: int) -> str:
    return f"office-{index:02d}"


# -- generation ---------------------------------------------------------------------------
def make_template(path: Path) -> None:
    """A hub database as a new hub leaves it: migrated, built-in flows published."""
    from kiosk.hub.db import connect
    from kiosk.hub.flows import Flows
    from kiosk.hub.store import Store

    store = Store(path)  # its writer migrates, as the hub's does
    try:
        Flows(store).import_builtin(paths.builtin_flows_dir()).result(timeout=120)
    finally:
        store.close()
    db = connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the one file to copy
    db.close()


def load_flows() -> dict[str, Flow]:
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    return {f.id: f for f in library.ordered()}


def event_rows(visit: Visit) -> list[tuple[Any, ...]]:
    """The visit's events as POST /events stores them (posted as the visit ends)."""
    received = utc_iso(visit.now() + timedelta(seconds=2))
    return [(e["id"], e["kiosk_id"], e["session_id"], e["type"], e["flow_id"], e["step_id"],
             e["at"], json.dumps(e["data"]) if e["data"] else "{}", received)
            for e in visit.events]


def help_row(call: dict[str, Any], flows: dict[str, Flow], rng: random.Random,
             ) -> tuple[Any, ...]:
    """A call as the hub holds it once it is over: dated as ``backdate_calls`` dates it,
    resolved with its outcome by a mediator, or cancelled by its kiosk."""
    asked: datetime = call["_at"]
    flow = flows.get(call["flow_id"] or "")
    step = next((s for s in flow.steps if s.id == call["step_id"]), None) if flow else None
    texts = {"flow_version": 1 if flow else None, **call_texts(flow, step, call["language"])}
    row: dict[str, Any] = {k: call.get(k) for k in HELP_COLUMNS}
    row.update({k: texts.get(k) for k in CALL_TEXTS}, created_at=utc_iso(asked))
    if call.get("cancelled"):
        ended = utc_iso(asked + timedelta(seconds=rng.uniform(20, 60)))
        row.update(status="cancelled", updated_at=ended, cancelled_at=ended)
    else:
        busy = 1.6 if asked.hour in (10, 11, 15, 16) else 1.0
        claimed = asked + timedelta(seconds=min(480.0, rng.lognormvariate(4.2, 0.7) * busy))
        ended = utc_iso(claimed + timedelta(seconds=rng.uniform(120, 720)))
        outcome = call.get("_outcome", "helped")  # as seed() resolves it
        row.update(status="resolved", updated_at=ended, claimed_by=rng.choice(MEDIATORS),
                   claimed_at=utc_iso(claimed), resolved_at=ended, outcome=outcome)
    return tuple(row[k] for k in HELP_COLUMNS)


def workshops(db: Any, first: date, last: date, tz: ZoneInfo, rng: random.Random,
              referrals: list[tuple[str, str]]) -> int:
    """A few workshops a month (one in twenty cancelled), with registrations (some from
    the calls that referred customers to one, some cancelled) and attendance."""
    made = 0
    day = first
    referrals = sorted(referrals, key=lambda r: r[1])  # (call id, created_at)
    while day <= last:
        day += timedelta(days=rng.randint(4, 9))
        day += timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)
        if day > last:
            break
        start = datetime(day.year, day.month, day.day, rng.choice((10, 14)), tzinfo=tz)
        cancelled = rng.random() < 0.05
        capacity = rng.choice((6, 8, 10))
        created = start - timedelta(days=21)
        cursor = db.execute(
            "INSERT INTO workshops (title, level, start, start_utc, duration_minutes, capacity,"
            " place, created_by, created_at, cancelled_at, cancelled_by, cancel_reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'manager', ?, ?, ?, ?)",
            [f"Atelier numérique {made + 1}", rng.choice(LEVELS), start.isoformat(),
             utc_iso(start), 120, capacity, "Salle du fond", utc_iso(created),
             utc_iso(start - timedelta(days=2)) if cancelled else None,
             "manager" if cancelled else None, "formatrice absente" if cancelled else None])
        workshop = cursor.lastrowid
        made += 1
        for n in range(rng.randint(capacity // 2, capacity)):
            asked = utc_iso(start - timedelta(days=rng.uniform(1, 20)))
            call = None
            if referrals and referrals[0][1] < utc_iso(start):
                call = referrals.pop(0)[0]
                asked = max(asked, utc_iso(datetime.fromisoformat(call_at(db, call))
                                           + timedelta(minutes=5)))
            gone = rng.random() < 0.1
            present = None if cancelled or gone else int(rng.random() < 0.8)
            db.execute(
                "INSERT INTO registrations (workshop_id, first_name, consent, help_request_id,"
                " registered_by, registered_at, attended, attendance_by, attendance_at,"
                " cancelled_at, cancelled_by) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
                [workshop, f"Personne {n + 1}", call, rng.choice(MEDIATORS), asked, present,
                 None if present is None else MEDIATORS[0],
                 None if present is None else utc_iso(start + timedelta(minutes=10)),
                 asked if gone else None, "mediator-1" if gone else None])
    return made


def call_at(db: Any, call_id: str) -> str:
    return str(db.execute("SELECT created_at FROM help_requests WHERE id = ?",
                          [call_id]).fetchone()[0])


def make_office(job: tuple[int, str, str, str, str, str]) -> dict[str, Any]:
    """Fill one office's hub database and export it (runs in a worker process)."""
    from kiosk.hub.db import connect
    from kiosk.hub.parquet_export import export

    index, template, dbdir, root, first_s, last_s = job
    began = time.perf_counter()
    office = office_id(index)
    first, last = date.fromisoformat(first_s), date.fromisoformat(last_s)
    tz = ZoneInfo(TIMEZONE)
    rng = random.Random(18_000 + index)  # offices differ, runs repeat
    busy = rng.uniform(0.8, 1.2)  # this office's busyness
    flows = load_flows()

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    visits: list[Visit] = []
    day = first
    while day <= last:
        for k in range(1, KIOSKS + 1):
            kiosk = f"kiosk-{k}"
            found = visits_for_day(day, tz, rng, kiosk, new_id, until, flows)
            if busy < 1:
                found = [v for v in found if rng.random() < busy]
            else:  # a busier office: more customers the same day
                found += [v for v in visits_for_day(day, tz, rng, kiosk, new_id, until, flows)
                          if rng.random() < busy - 1]
            visits += found
        day += timedelta(days=1)
    path = Path(dbdir) / f"{office}.sqlite"
    shutil.copyfile(template, path)
    db = connect(path)
    db.execute("PRAGMA synchronous=OFF")  # a throwaway database: only its rows matter
    db.execute("BEGIN")
    events = [row for v in visits for row in event_rows(v)]
    db.conn.executemany(INSERT_EVENT, events)
    calls = [c for v in visits for c in v.calls]
    db.conn.executemany(INSERT_HELP, [help_row(c, flows, rng) for c in calls])
    referrals = [(c["id"], utc_iso(c["_at"])) for c in calls
                 if c["kind"] == "workshop" and not c.get("cancelled")]
    held = workshops(db, first, last, tz, rng, referrals)
    db.execute("COMMIT")
    generated = time.perf_counter()
    written = export(db, Path(root), office, first, last, tz)
    db.close()
    path.unlink()
    for extra in ("-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    rows = {t: sum(d.rows[t] for d in written) for t in TABLES}
    return {"office": office, "visits": len(visits), "events_stored": len(events),
            "help_calls": len(calls), "workshops": held, "rows": rows, "busy": round(busy, 3),
            "generate_s": generated - began, "export_s": time.perf_counter() - generated}


def generate(work: Path, offices: int, first: date, last: date) -> tuple[list[dict[str, Any]],
                                                                            float]:
    """Every office's exports in ``work/root``, by a pool of one process per core."""
    began = time.perf_counter()
    template = work / "template.sqlite"
    make_template(template)
    (work / "db").mkdir()
    jobs = [(i, str(template), str(work / "db"), str(work / "root"), first.isoformat(),
             last.isoformat()) for i in range(1, offices + 1)]
    done: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for result in pool.map(make_office, jobs):
            done.append(result)
            log(f"region: {result['office']} {result['events_stored']} events "
                f"(generated {result['generate_s']:.1f} s, exported {result['export_s']:.1f} s)"
                f" [{len(done)}/{offices}, {time.perf_counter() - began:.0f} s]")
    return done, time.perf_counter() - began


def subset(work: Path, offices: list[str]) -> Path:
    """A folder of these offices' partitions only, as symlinks into ``work/root``."""
    folder = work / f"root{len(offices)}"
    for table in TABLES:
        (folder / table).mkdir(parents=True)
        for office in offices:
            (folder / table / f"office={office}").symlink_to(
                work / "root" / table / f"office={office}", target_is_directory=True)
    return folder


def disk(folder: Path) -> tuple[int, int]:
    """(files, bytes) of the Parquet files under ``folder``."""
    files = size = 0
    for top, _dirs, names in os.walk(folder):
        for name in names:
            if name.endswith(".parquet"):
                files += 1
                size += os.path.getsize(os.path.join(top, name))
    return files, size


# -- timing -------------------------------------------------------------------------------
def cpu_mark() -> tuple[float, float, float]:
    """(wall s, the machine's busy CPU s, this process's CPU s), to tell other load apart."""
    with open("/proc/stat", encoding="ascii") as fh:
        ticks = [int(v) for v in fh.readline().split()[1:]]
    busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait
    mine = os.times()
    return time.perf_counter(), busy, mine.user + mine.system


def others_share(start: tuple[float, float, float], end: tuple[float, float, float]) -> float:
    """The machine's CPU used by other processes meanwhile (1.0 = every core)."""
    wall = end[0] - start[0]
    other = (end[1] - start[1]) - (end[2] - start[2])
    return round(max(0.0, other) / (wall * (os.cpu_count() or 1)), 3)


def timed_build(folder: Path, first: date, last: date) -> dict[str, Any]:
    """One report: its seconds, rows read, each stage's seconds (``build``'s progress)
    and the CPU other processes used meanwhile."""
    from kiosk.region.report import STAGES, build

    gc.collect()
    marks: list[float] = []
    start = cpu_mark()
    report = build(folder, first, last, lambda done, total: marks.append(time.perf_counter()))
    end = cpu_mark()
    stages = {STAGES[i]: round(b - a, 3) for i, (a, b) in enumerate(pairwise(marks))}
    stages["assemble"] = round(end[0] - marks[-1], 3)
    return {"seconds": end[0] - start[0], "rows": report.rows_read, "stages": stages,
            "others": others_share(start, end)}


def raw_read(folder: Path) -> tuple[float, dict[str, int]]:
    """DuckDB counting every table's rows straight from the files (the baseline), with
    the report's connection settings."""
    from kiosk.region.report import connect

    gc.collect()
    t0 = time.perf_counter()
    con = connect()
    try:
        counts = {t: int(con.execute(
            f"SELECT count(*) FROM read_parquet('{glob(folder, t)}',"
            " hive_partitioning = true)").fetchone()[0]) for t in TABLES}
    finally:
        con.close()
    return time.perf_counter() - t0, counts


def main() -> None:
    sizes, days = ((1, 2, 4), 14) if quick() else ((10, 25, 50), 90)
    largest = sizes[-1]
    first, last = LAST_DAY - timedelta(days=days - 1), LAST_DAY
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-region-"))
    try:
        offices, gen_s = generate(work, largest, first, last)
        names = [o["office"] for o in offices]
        folders = {n: subset(work, names[:n]) for n in sizes[:-1]}
        folders[largest] = work / "root"
        files, size = disk(work / "root")
        exported = {t: sum(o["rows"][t] for o in offices) for t in TABLES}
        log(f"region: generated and exported in {gen_s:.0f} s; {files} files, "
            f"{size / 1e6:.0f} MB; timing")
        mark = cpu_mark()
        timed_build(folders[largest], first, last)  # warm-up (imports, DuckDB's first start)
        builds: dict[int, list[float]] = {n: [] for n in sizes}
        noise: dict[int, list[float]] = {n: [] for n in sizes}
        stages: list[dict[str, float]] = []
        rows: dict[int, int] = {}
        raws: list[float] = []
        counts: dict[str, int] = {}
        for _ in range(ROUNDS):
            seconds, counts = raw_read(folders[largest])
            raws.append(seconds)
            for n in sizes:
                run = timed_build(folders[n], first, last)
                builds[n].append(run["seconds"])
                noise[n].append(run["others"])
                rows[n] = run["rows"]
            stages.append(run["stages"])  # the largest folder's
        busy = others_share(mark, cpu_mark())
    finally:
        shutil.rmtree(work, ignore_errors=True)

    median = {n: statistics.median(v) for n, v in builds.items()}
    raw = statistics.median(raws)
    raw_rows = sum(counts.values())
    emit({
        "benchmark": "region_report",
        "offices": largest, "days": days, "kiosks_per_office": KIOSKS,
        "period": [first.isoformat(), last.isoformat()],
        "events": exported["events"], "rows_exported": exported,
        "visits": sum(o["visits"] for o in offices),
        "help_calls": sum(o["help_calls"] for o in offices),
        "workshops": sum(o["workshops"] for o in offices),
        "files": files, "bytes": size,
        "generate_and_export_s": round(gen_s, 1),
        "export_s_per_office": round(statistics.median(o["export_s"] for o in offices), 2),
        "report_s": {str(n): round(median[n], 3) for n in sizes},
        "report_s_runs": {str(n): [round(s, 3) for s in builds[n]] for n in sizes},
        "other_processes_cpu_share_runs": {str(n): noise[n] for n in sizes},
        # where the largest report's time goes (build()'s stages, medians)
        "stages_s": {k: round(statistics.median(s[k] for s in stages), 3) for k in stages[0]},
        "rows_read": {str(n): rows[n] for n in sizes},
        "rows_per_s": {str(n): round(rows[n] / median[n]) for n in sizes},
        "growth_vs_smallest": {str(n): round(median[n] / median[sizes[0]], 2) for n in sizes},
        "baseline_raw_read_s": round(raw, 3), "baseline_raw_rows": raw_rows,
        "baseline_rows_per_s": round(raw_rows / raw),
        "report_vs_raw_read": round(median[largest] / raw, 2),
        # every exported row read once, at every size
        "rows_match": raw_rows == sum(exported.values()) and all(
            rows[n] == sum(sum(o["rows"].values()) for o in offices[:n]) for n in sizes),
        "cache": "warm: the files were just written (page cache)",
        "other_processes_cpu_share": busy,  # while timing: 0 is a quiet machine
        "budget": None if quick() else {"report_s": BUDGET_SECONDS, "offices": 50, "days": 90},
        "verdict": "quick run (4 offices x 14 days): ok means it ran, no budget applied"
                   if quick() else "ok: the 50-office report in <= 10 s (median of 3)",
        "ok": True if quick() else median[largest] <= BUDGET_SECONDS,
    })


if __name__ == "__main__":
    main()
