"""Demo data: seeded into a real hub, the hub's statistics count exactly what the seed
says it posted; the events are those the kiosk itself sends; the same seed and day give
the same data, and seeding twice adds nothing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk import paths
from kiosk.customer.controller import KioskController
from kiosk.demo_data import Visit, login, seed
from kiosk.flows.library import FlowLibrary
from tests.hub.conftest import PASSWORD, Hub, make_hub

NOW = datetime(2026, 3, 20, 16, 30, tzinfo=ZoneInfo("Europe/Paris"))  # a Friday
KIOSK_EVENTS = {"visit.start", "language", "flow.start", "step", "choice", "back", "flow.end",
                "flow.help", "flow.workshop", "flow.menu", "flow.abandon", "flow.resume",
                "help", "help.cancel", "workshop", "feedback", "reset", "glossary.opened"}


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def _seed(hub: Hub, **options: Any) -> dict[str, Any]:
    return seed(hub.url, hub.tokens["k1"], "k1", hub.tokens["aicha"], now=NOW, **options)


def _get(hub: Hub, path: str, **params: str) -> Any:
    with hub.client("manon") as staff:
        answer = staff.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()


def test_the_hubs_statistics_count_what_was_seeded(hub: Hub) -> None:
    counts = _seed(hub)
    assert counts["visits"] > 300
    assert counts["sessions"] > counts["visits"] * 0.9
    assert 0.4 < counts["completed"] / counts["sessions"] < 0.85
    assert counts["waiting"] == 1
    assert counts["resolved"] > 50
    assert counts["workshop_calls"] > 3
    assert all(counts["outcomes"].get(o) for o in ("helped", "sent-to-counter", "workshop"))

    report = _get(hub, "/stats/report")
    assert report["visits"] == counts["visits"]
    assert report["flow_sessions"] == counts["sessions"]
    assert report["help_calls"] == counts["help_calls"]
    assert report["accompanied"] == counts["resolved"]
    assert {k: report["satisfaction"][k] for k in ("good", "neutral", "bad")} == counts["feedback"]

    help_ = _get(hub, "/stats/help")
    assert help_["calls"] == counts["help_calls"] + counts["workshop_calls"]
    assert help_["by_kind"] == {"help": counts["help_calls"], "workshop": counts["workshop_calls"]}
    assert help_["by_status"] == {"queued": counts["waiting"], "claimed": 0,
                                  "resolved": counts["resolved"], "cancelled": counts["cancelled"]}
    assert {k: v for k, v in help_["outcomes"].items() if v} == counts["outcomes"]
    assert help_["answered"] == counts["resolved"]

    assert set(counts["by_flow"]) == {f["id"] for f in _get(hub, "/flows")["items"]}
    quit_steps = set()
    for flow_id, expected in counts["by_flow"].items():
        funnel = _get(hub, "/stats/funnel", flow=flow_id)
        assert funnel["sessions"] == expected["sessions"], flow_id
        assert funnel["completed"] == expected["completed"], flow_id
        assert funnel["endings"] == {k: expected[k] for k in
                                     ("completed", "help", "workshop", "quit")}, flow_id
        quit_steps |= {(flow_id, s["step_id"]) for s in funnel["steps"] if s["quit"]}
    assert len(quit_steps) >= 10  # people give up here and there, not all at one step
    assert {("send-parcel", "weigh"), ("frank-letter", "label")} <= quit_steps  # the hard ones
    # help events in the flows match the calls of kind help made from a flow step
    by_step = {(s["flow_id"], s["step_id"]): s["calls"] for s in help_["by_step"]}
    send = _get(hub, "/stats/funnel", flow="send-parcel")
    assert {s["step_id"]: s["help_calls"] for s in send["steps"] if s["help_calls"]} == {
        step: n for (flow, step), n in by_step.items() if flow == "send-parcel"}

    # days: three weeks up to NOW, none on Sundays, opening hours only
    days = {d["day"] for f in counts["by_flow"] for d in
            _get(hub, "/stats/funnel", flow=f)["by_day"]}
    assert max(days) == "2026-03-20"
    assert min(days) >= "2026-02-28"
    assert not {d for d in days if datetime.fromisoformat(d).weekday() == 6}
    hours = _get(hub, "/stats/funnel", flow="send-parcel")["by_hour"]
    assert sum(hours[9:18]) == sum(hours) == send["sessions"]


def test_only_kiosk_events_and_the_same_data_every_time(hub: Hub, tmp_path: Path) -> None:
    first = _seed(hub, days=7)
    db = sqlite3.connect(hub.db)
    try:
        types = {t for (t,) in db.execute("SELECT DISTINCT type FROM events")}
        stored = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        db.close()
    assert types <= KIOSK_EVENTS
    assert {"flow.help", "help", "feedback", "flow.abandon", "reset", "back",
            "glossary.opened"} <= types
    assert stored == first["events"]

    again = _seed(hub, days=7)  # same seed, same day: same ids, nothing new
    assert again == first
    assert _get(hub, "/stats/report")["visits"] == first["visits"]

    other = make_hub(tmp_path / "other.sqlite3")
    try:
        bruno = login(other.url, "bruno", PASSWORD)
        assert seed(other.url, other.tokens["k2"], "k2", bruno, days=7, now=NOW) == first
        assert seed(other.url, other.tokens["k2"], "k2", other.tokens["bruno"], days=7,
                    now=NOW, seed=2) != first
    finally:
        other.server.stop()


def _moves(target: Any, flow: str) -> None:
    """The same customer at a real kiosk controller or a demo visit."""
    target.set_language("ar")
    target.start_flow(flow)
    target.advance()  # start -> weigh
    target.choose(0)  # -> destination
    target.back()
    target.choose(2)  # "No": @help
    target.resume()
    target.choose(0)
    target.choose(1)  # abroad: customs
    target.go_home()
    target.start_flow("digital-skills")
    target.advance()
    target.choose(2)  # no smartphone: offer-initiation
    target.choose(0)  # @workshop:initiation
    target.reset("inactivity")


def test_a_visit_reports_what_the_kiosk_reports(qtbot: Any) -> None:
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    ctrl = KioskController(library, "k1")
    calls: list[dict[str, Any]] = []
    ctrl.helpRequested.connect(calls.append)
    _moves(ctrl, "send-parcel")

    visit = Visit("k1", NOW)

    class Driver:
        def __getattr__(self, name: str) -> Any:
            return getattr(visit, name)

        def start_flow(self, flow_id: str) -> None:
            visit.start_flow(library.get(flow_id))

    _moves(Driver(), "send-parcel")

    def shape(e: dict[str, Any]) -> tuple[Any, ...]:
        data = {k: v for k, v in e["data"].items() if k != "seconds_on_step"}
        return e["type"], e["flow_id"], e["step_id"], json.dumps(data, sort_keys=True)

    kiosk_events = [shape(e.as_dict()) for e in ctrl.events]
    assert [shape(e) for e in visit.events] == kiosk_events
    assert len({e["session_id"] for e in visit.events}) == 1
    assert [(c["kind"], c["flow_id"], c["step_id"], c.get("level")) for c in visit.calls] == [
        (c["kind"], c["flow_id"], c["step_id"], c.get("level")) for c in calls]
    assert [w.result for w in visit.walks] == ["quit", "workshop"]


def test_with_the_database_the_calls_are_dated_over_the_weeks(hub: Hub) -> None:
    """Given the hub's file, each call is dated when its customer asked, claimed and ended
    minutes later: the help figures cover the same weeks and hours as the visits."""
    counts = _seed(hub, db_path=hub.server.db)
    help_ = _get(hub, "/stats/help")
    days = sorted(d["day"] for d in help_["by_day"])[:-1]  # the last: the waiting call's
    assert len(days) >= 12
    assert "2026-02-28" <= min(days) <= max(days) <= "2026-03-20"
    assert sum(help_["by_hour"][9:18]) >= help_["calls"] - 1  # opening hours, office time
    assert 20 <= help_["median_wait_seconds"] <= 480
    assert help_["answered"] == counts["resolved"]
    waiting = _get(hub, "/help-requests", status="queued")["items"]
    assert len(waiting) == 1  # the one left waiting keeps its "now"
