"""Two offices, end to end: two real hubs get a week of kiosk use through their API, each
exports to Parquet into one folder with its own office id, then ``kiosk region report
--format csv`` reads the folder: each office's figures equal what its own hub's /stats
says, the region's totals are their sums, and a re-export changes nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.demo_data import seed
from tests.hub.conftest import Hub, make_hub

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=ZoneInfo("Europe/Paris"))
FIRST, LAST = "2026-11-23", "2026-11-28"
OFFICES = {"saint-etienne-wilson": 3, "lyon-part-dieu": 11}  # office -> demo seed


def _workshop(hub: Hub, present: tuple[bool, ...]) -> None:
    with hub.client("manon") as m:
        wid = m.post("/workshops", json={"title": "Premiers pas", "level": "initiation",
                                         "start": "2026-11-26T14:00:00+01:00"}).json()["id"]
        for i, attended in enumerate(present):
            reg = m.post(f"/workshops/{wid}/registrations",
                         json={"first_name": f"P{i}", "consent": True}).json()
            m.post(f"/workshops/{wid}/attendance",
                   json={"registration_id": reg["id"], "attended": attended})


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Both hubs, seeded and exported into one folder."""
    folder = tmp_path_factory.mktemp("region")
    hubs: dict[str, Hub] = {}
    try:
        for office, number in OFFICES.items():
            hub = hubs[office] = make_hub(tmp_path_factory.mktemp(office) / "hub.sqlite3")
            seed(hub.url, hub.tokens["k1"], "k1", hub.tokens["aicha"], days=10, now=NOW,
                 seed=number, db_path=hub.db)
            _workshop(hub, (True, False, True, True)[:number % 4 + 1])
            export(hub, office, folder)
        yield hubs, folder
    finally:
        for hub in hubs.values():
            hub.server.stop()


def export(hub: Hub, office: str, folder: Path) -> None:
    result = CliRunner(env={"KIOSK_OFFICE_ID": office, "KIOSK_HUB_TIMEZONE": "Europe/Paris"}
                       ).invoke(main, ["hub", "export", "--db", str(hub.db), "--format",
                                       "parquet", "--from", FIRST, "--to", LAST, "--out",
                                       str(folder)])
    assert result.exit_code == 0, result.output


def report(folder: Path, *args: str) -> Any:
    result = CliRunner().invoke(main, ["region", "report", str(folder), "--from", FIRST,
                                       "--to", LAST, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def offices_csv(folder: Path) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(report(folder, "--format", "csv"))))
    return {r["office"]: r for r in rows}


def own_stats(hub: Hub) -> dict[str, Any]:
    """What the office's hub says of the same days."""
    period = {"from": FIRST, "to": LAST}
    with hub.client("manon") as m:
        rep = m.get("/stats/report", params=period).json()
        help_ = m.get("/stats/help", params=period).json()
        flows = [f["id"] for f in m.get("/flows").json()["items"]]
        funnels = [m.get("/stats/funnel", params={"flow": f, **period}).json() for f in flows]
    return {"report": rep, "help": help_, "sessions": sum(f["sessions"] for f in funnels),
            "completed": sum(f["completed"] for f in funnels)}


def test_each_office_equals_its_own_hub(region: Any) -> None:
    hubs, folder = region
    rows = offices_csv(folder)
    assert set(rows) == {*OFFICES, ""}  # "" : the region's totals
    for office, hub in hubs.items():
        mine, own = rows[office], own_stats(hub)
        rep = own["report"]
        assert int(mine["visits"]) == rep["visits"]
        assert int(mine["sessions"]) == own["sessions"] == rep["flow_sessions"]
        assert int(mine["completed"]) == own["completed"]
        assert float(mine["completion_rate"]) == round(own["completed"] / own["sessions"], 4)
        assert int(mine["help_calls"]) == rep["help_calls"] == own["help"]["by_kind"]["help"]
        assert int(mine["answered"]) == own["help"]["answered"]
        assert float(mine["median_wait_seconds"]) == own["help"]["median_wait_seconds"]
        assert int(mine["workshop_referrals"]) == rep["referred_to_workshop"]
        for key in ("workshops", "registered", "attended"):
            assert int(mine[key]) == rep[key], key
        for key in ("good", "neutral", "bad"):
            assert int(mine[f"satisfaction_{key}"]) == rep["satisfaction"][key], key
        assert (mine["days"], mine["missing_days"]) == ("6", "")
    totals = rows[""]
    for key in ("visits", "sessions", "completed", "help_calls", "attended"):
        assert int(totals[key]) == sum(int(rows[o][key]) for o in OFFICES), key


def test_a_re_export_replaces_never_duplicates(region: Any) -> None:
    hubs, folder = region
    before = offices_csv(folder)
    for office, hub in hubs.items():
        export(hub, office, folder)
    assert offices_csv(folder) == before
    assert len(list(folder.rglob("*.parquet"))) == len(OFFICES) * 6 * 4


def test_steps_and_json_agree_with_the_funnels(region: Any) -> None:
    hubs, folder = region
    data = json.loads(report(folder, "--format", "json"))
    quits: dict[tuple[str, str], int] = {}
    for hub in hubs.values():
        with hub.client("manon") as m:
            for flow in {s["flow_id"] for s in data["steps"]}:
                funnel = m.get("/stats/funnel", params={"flow": flow, "from": FIRST,
                                                        "to": LAST}).json()
                for step in funnel["steps"]:
                    key = (flow, step["step_id"])
                    quits[key] = quits.get(key, 0) + step["quit"]
    for step in data["steps"]:
        assert step["quit"] == quits[(step["flow_id"], step["step_id"])]
    ranks = [s["quit"] + s["help_calls"] for s in data["steps"]]
    assert ranks == sorted(ranks, reverse=True)
    assert data["totals"]["offices"] == 2
