"""``kiosk hub export --format parquet``: a week of demo use posted to a real hub, exported
to Hive partitions, read back with pyarrow: the figures equal the hub's own /stats, every
column is free of personal data and free text, a re-export replaces a day, a full disk
keeps the old files."""

from __future__ import annotations

import errno
import statistics
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.demo_data import seed
from kiosk.hub.db import connect
from kiosk.region import schema
from tests.hub.conftest import Hub, make_hub

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=ZoneInfo("Europe/Paris"))
FIRST, LAST = "2026-11-22", "2026-11-28"
NAMES = ("Jeanne", "Martin", "06 12 34 56 78", "Atelier du lundi", "Salle Jean Moulin")


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A hub with a week of demo use at k1 and one workshop with three people."""
    h = make_hub(tmp_path_factory.mktemp("hub") / "hub.sqlite3")
    counts = seed(h.url, h.tokens["k1"], "k1", h.tokens["aicha"], days=7, now=NOW,
                  db_path=h.db)
    with h.client("manon") as m:
        wid = m.post("/workshops", json={"title": NAMES[3], "level": "initiation",
                                         "start": "2026-11-24T14:00:00+01:00",
                                         "place": NAMES[4]}).json()["id"]
        for i, attended in enumerate((True, True, False)):
            reg = m.post(f"/workshops/{wid}/registrations", json={
                "first_name": f"{NAMES[0]} {NAMES[1]} {i}", "phone": NAMES[2],
                "consent": True}).json()
            assert "id" in reg, reg
            m.post(f"/workshops/{wid}/attendance",
                   json={"registration_id": reg["id"], "attended": attended})
    yield h, counts
    h.server.stop()


def export(hub: Hub, out: Path, *args: str, office: str = "saint-etienne-wilson") -> Any:
    result = CliRunner(env={"KIOSK_OFFICE_ID": office, "KIOSK_HUB_TIMEZONE": "Europe/Paris"}
                       ).invoke(main, ["hub", "export", "--db", str(hub.db), "--format", "parquet",
                                       "--out", str(out), *args])
    return result


def table(out: Path, name: str) -> list[dict[str, Any]]:
    """Every row of one table, with ``office`` and ``day`` from the path."""
    rows = []
    for path in sorted((out / name).glob("office=*/day=*/*.parquet")):
        office, day = (p.split("=", 1)[1] for p in path.parent.parts[-2:])
        rows += [{**r, "office": office, "day": day} for r in pq.read_table(path).to_pylist()]
    return rows


@pytest.fixture(scope="module")
def exported(week: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("region")
    result = export(week[0], out, "--from", FIRST, "--to", LAST)
    assert result.exit_code == 0, result.output
    assert "7 days of office saint-etienne-wilson exported" in result.stderr
    return out


def stats(hub: Hub, path: str, **params: str) -> Any:
    with hub.client("manon") as m:
        answer = m.get(path, params={"from": FIRST, "to": LAST, **params})
        assert answer.status_code == 200, answer.text
        return answer.json()


def test_layout_and_metadata(exported: Path) -> None:
    for name, columns in schema.TABLES.items():
        files = sorted((exported / name).rglob("*.parquet"))
        assert [f.parent.name for f in files] == [f"day=2026-11-{d}" for d in range(22, 29)]
        assert {f.parent.parent.name for f in files} == {"office=saint-etienne-wilson"}
        meta = pq.read_schema(files[0]).metadata
        assert meta[b"guichet.schema_version"] == b"1"
        assert meta[b"guichet.table"] == name.encode()
        assert meta[b"guichet.day"] == b"2026-11-22"
        assert meta[b"guichet.timezone"] == b"Europe/Paris"
        assert pq.read_schema(files[0]).names == [c.name for c in columns]
    sunday = pq.read_table(schema.part_path(exported, "events", "saint-etienne-wilson",
                                            "2026-11-22"))
    assert sunday.num_rows == 0  # the office is closed, the day is still there


def test_figures_equal_the_hubs_own(week: Any, exported: Path) -> None:
    hub, _ = week
    report = stats(hub, "/stats/report")
    events, walks, calls = (table(exported, t) for t in ("events", "walks", "help"))
    assert sum(e["type"] == "visit.start" for e in events) == report["visits"]
    assert len(walks) == report["flow_sessions"]
    assert sum(c["kind"] == "help" for c in calls) == report["help_calls"]
    assert Counter(e["value"] for e in events if e["type"] == "feedback") == Counter(
        {k: v for k, v in report["satisfaction"].items() if k in ("good", "neutral", "bad") and v})
    help_stats = stats(hub, "/stats/help")
    waits = [c["wait_seconds"] for c in calls if c["answered"]]
    assert len(waits) == help_stats["answered"]
    assert round(statistics.median(waits), 1) == help_stats["median_wait_seconds"]
    referrals = sum(c["status"] != "cancelled" and "workshop" in (c["kind"], c["outcome"])
                    for c in calls)
    assert referrals == report["referred_to_workshop"]
    (workshop,) = table(exported, "workshops")
    assert (workshop["registered"], workshop["attended"]) == (report["registered"], report["attended"])
    assert (workshop["day"], workshop["hour"], workshop["cancelled"]) == ("2026-11-24", 14, False)
    for flow in {w["flow_id"] for w in walks}:
        funnel = stats(hub, "/stats/funnel", flow=flow)
        mine = [w for w in walks if w["flow_id"] == flow]
        assert len(mine) == funnel["sessions"]
        assert Counter(w["result"] for w in mine) == Counter(
            {k if k != "completed" else "completed": v for k, v in funnel["endings"].items() if v})
        quits = Counter(w["quit_step"] for w in mine if w["quit_step"])
        assert quits == Counter({s["step_id"]: s["quit"] for s in funnel["steps"] if s["quit"]})


def test_no_personal_data_or_free_text_in_any_column(week: Any, exported: Path) -> None:
    hub, _ = week
    db = connect(hub.db)
    try:
        secrets = {r[0] for r in db.execute("SELECT id FROM help_requests")}
        secrets |= {r[0] for r in db.execute("SELECT DISTINCT session_id FROM events")}
        secrets |= {r[0] for r in db.execute("SELECT id FROM events")}
        secrets |= {r[0] for r in db.execute("SELECT note FROM help_requests WHERE note != ''")}
        secrets |= {r[0] for r in db.execute("SELECT name FROM users")}
    finally:
        db.close()
    secrets = {s for s in secrets if s} | set(NAMES)
    allowed = {"events": {"hour", "kiosk", "session", "type", "flow_id", "step_id", "language",
                          "choice", "value", "level", "reason"}}
    for name in schema.TABLES:
        for path in (exported / name).rglob("*.parquet"):
            data = pq.read_table(path)
            if name in allowed:
                assert set(data.column_names) <= allowed[name]
            for column in data.column_names:
                for value in data.column(column).to_pylist():
                    if isinstance(value, str):
                        assert len(value) <= 64, (name, column, value)
                        assert not any(s in value for s in secrets), (name, column, value)
    assert all(len(e["session"]) in (0, 16) for e in table(exported, "events"))


def test_a_re_export_replaces_never_duplicates(week: Any, tmp_path: Path) -> None:
    hub, _ = week
    assert export(hub, tmp_path, "--from", FIRST, "--to", LAST).exit_code == 0
    first = table(tmp_path, "events")
    result = export(hub, tmp_path, "--from", "2026-11-24", "--to", "2026-11-25")
    assert result.exit_code == 0, result.output
    again = table(tmp_path, "events")
    assert len(again) == len(first)
    assert sorted(len(list(d.iterdir())) for d in (tmp_path / "events").glob("*/*")) == [1] * 7
    # a new salt for the new run: the days exported again have new hashes, the others not
    changed = {e["day"] for e in again if e["session"]} - {e["day"] for e in first if e["session"]
                                                           and e in again}
    assert changed == {"2026-11-24", "2026-11-25"}
    assert not list(tmp_path.rglob("*.partial"))


def test_a_full_disk_keeps_the_old_day(week: Any, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    hub, _ = week
    assert export(hub, tmp_path, "--from", FIRST, "--to", LAST).exit_code == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.parquet")}
    real = pq.write_table
    written: list[Any] = []

    def fill(data: Any, where: Any, **kw: Any) -> None:
        if len(written) >= 5:
            Path(where).write_bytes(b"PAR1 half")
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(where)
        real(data, where, **kw)

    monkeypatch.setattr(pq, "write_table", fill)
    result = export(hub, tmp_path, "--from", "2026-11-23", "--to", "2026-11-26")
    assert result.exit_code == 1
    assert "the disk is full" in result.output
    assert "Days before 2026-11-24 are exported" in result.output
    assert not list(tmp_path.rglob("*.partial"))
    after = {p: p.read_bytes() for p in tmp_path.rglob("*.parquet")}
    assert after.keys() == before.keys()
    for day in ("2026-11-24", "2026-11-25", "2026-11-26"):  # failed or not reached: as they were
        for name in schema.TABLES:
            path = schema.part_path(tmp_path, name, "saint-etienne-wilson", day)
            assert after[path] == before[path]
    path = schema.part_path(tmp_path, "events", "saint-etienne-wilson", "2026-11-23")
    assert after[path] != before[path]  # written again before the disk filled up


def test_office_id_is_needed_and_checked(week: Any, tmp_path: Path) -> None:
    hub, _ = week
    result = export(hub, tmp_path, "--from", FIRST, "--to", LAST, office="")
    assert result.exit_code == 2
    assert "needs the setting office_id" in result.output
    result = export(hub, tmp_path, "--from", FIRST, "--to", LAST, office="Saint Étienne")
    assert result.exit_code != 0
    assert "not an office id" in result.output
    assert not list(tmp_path.iterdir())


def test_days_and_bad_options(week: Any, tmp_path: Path) -> None:
    hub, _ = week
    result = export(hub, tmp_path / "d", "--days", "3")
    assert result.exit_code == 0, result.output
    assert result.stderr.count(" events, ") == 3
    days = sorted(p.name for p in (tmp_path / "d" / "events" / "office=saint-etienne-wilson").iterdir())
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    assert days[-1] == f"day={today.fromordinal(today.toordinal() - 1).isoformat()}"
    assert export(hub, tmp_path, "--days", "3", "--from", FIRST).exit_code == 2
    assert "either --days" in export(hub, tmp_path, "--days", "3", "--from", FIRST).output
    afile = tmp_path / "file"
    afile.write_text("x")
    assert "is a file" in export(hub, afile, "--days", "1").output
    result = CliRunner().invoke(main, ["hub", "export", "--db", str(hub.db), "--format",
                                       "parquet", "--days", "1"])
    assert result.exit_code == 2
