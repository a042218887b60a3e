"""``kiosk hub export``: anonymous events and help statistics for a region, as JSON lines
and CSV, through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.hub.db import connect
from kiosk.hub.export import COLUMNS
from tests.hub.conftest import Hub

SECRET = "Jeanne Martin 06 12 34 56 78"


def event(session: str, kind: str, at: str, flow: str | None = "send-parcel",
          step: str | None = "weigh", **data: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "kiosk_id": "k1", "session_id": session, "type": kind,
            "flow_id": flow, "step_id": step, "at": at, "data": data}


@pytest.fixture
def sessions(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("KIOSK_HUB_TIMEZONE", "Europe/Paris")
    one, two = f"visit-{uuid.uuid4()}", f"visit-{uuid.uuid4()}"
    events = [
        event(one, "visit.start", "2026-11-23T09:59:00+00:00", None, None, language="fr"),
        event(one, "flow.start", "2026-11-23T09:59:30+00:00", language="fr"),
        event(one, "language", "2026-11-23T10:00:00+00:00", **{"from": "fr", "to": "ar"}),
        event(one, "choice", "2026-11-23T10:00:05+00:00", index=1, target="customs"),
        event(one, "voice.command", "2026-11-23T10:00:06+00:00", heard=SECRET, confidence=0.9),
        event(one, "help.cancel", "2026-11-23T10:00:07+00:00", id=str(uuid.uuid4())),
        event(one, "feedback", "2026-11-23T10:01:00+00:00", value="good", comment=SECRET),
        event(one, "reset", "2026-11-23T10:02:00+00:00", None, None, reason="inactivity"),
        event(two, "visit.start", "2026-11-24T15:00:00+00:00", None, None, language="es"),
        event(two, "flow.start", "2026-11-24T15:00:01+00:00", language="es"),
        event(two, "reset", "2026-11-24T15:00:09+00:00", None, None, reason=SECRET),
        event(two, "visit.start", "2026-11-27T15:00:00+00:00", None, None),  # after 'to'
    ]
    with hub.client("k1") as k, hub.client("aicha") as a:
        assert k.post("/events", json=events).json()["stored"] == len(events)
        rid = str(uuid.uuid4())
        k.post("/help-requests", json={"id": rid, "kiosk_id": "k1", "language": "fr",
                                       "flow_id": "send-parcel", "step_id": "weigh"})
        a.post(f"/help-requests/{rid}/claim")
        a.post(f"/help-requests/{rid}/resolve", json={"outcome": "helped", "note": SECRET})
    db = connect(hub.db)  # the call was made just now: give it the scenario's time
    with db.atomic():
        db.execute("UPDATE help_requests SET created_at = ?, claimed_at = ? WHERE id = ?",
                   ["2026-11-23T10:00:00.000+00:00", "2026-11-23T10:00:42.000+00:00", rid])
    db.close()
    return [one, two]


def run(hub: Hub, *args: str) -> Any:
    result = CliRunner().invoke(main, ["hub", "export", "--db", str(hub.db), "--from",
                                       "2026-11-23", "--to", "2026-11-26", *args])
    assert result.exit_code == 0, result.output
    return result


def test_jsonl_is_anonymous(hub: Hub, sessions: list[str]) -> None:
    result = run(hub, "--format", "jsonl")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    events = [r for r in records if r["record"] == "event"]
    assert len(events) == 11
    for secret in (SECRET, *sessions, "customs"):
        assert secret not in result.stdout
    by_visit: dict[str, list[dict[str, Any]]] = {}
    for e in events:  # visit by visit, each in time order
        by_visit.setdefault(e["session"], []).append(e)
    first, second = sorted(by_visit.values(), key=len, reverse=True)
    assert (len(first), len(second)) == (8, 3)
    assert len(first[0]["session"]) == 16
    assert [e["language"] for e in first] == ["fr", "fr", "ar", "ar", "ar", "ar", "ar", "ar"]
    assert (first[0]["day"], first[0]["hour"], first[2]["hour"]) == ("2026-11-23", 10, 11)
    assert first[3] == {"record": "event", "day": "2026-11-23", "hour": 11, "kiosk": "k1",
                        "session": first[0]["session"], "type": "choice",
                        "flow_id": "send-parcel", "step_id": "weigh", "language": "ar",
                        "choice": 1}
    assert first[6]["value"] == "good"
    assert first[7]["reason"] == "inactivity"
    assert [e["language"] for e in second] == ["es", "es", "es"]
    assert second[2]["type"] == "reset"
    assert "reason" not in second[2]
    assert [r for r in records if r["record"] == "help"] == [
        {"record": "help", "day": "2026-11-23", "flow_id": "send-parcel", "step_id": "weigh",
         "kind": "help", "status": "resolved", "outcome": "helped", "calls": 1, "answered": 1,
         "median_wait_seconds": 42.0}]
    assert "12 records exported" in result.stderr


def test_each_export_has_its_own_salt(hub: Hub, sessions: list[str]) -> None:
    def first_session() -> str:
        line = run(hub, "--format", "jsonl").stdout.splitlines()[0]
        return str(json.loads(line)["session"])

    assert first_session() != first_session()


def test_csv_to_a_file(hub: Hub, sessions: list[str], tmp_path: Path) -> None:
    out = tmp_path / "region.csv"
    result = run(hub, "--format", "csv", "--out", str(out))
    assert result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == COLUMNS
    assert [r["record"] for r in rows].count("event") == 11
    assert [r["record"] for r in rows].count("help") == 1
    assert SECRET not in out.read_text(encoding="utf-8")
    choice = next(r for r in rows if r["type"] == "choice")
    assert (choice["choice"], choice["language"], choice["calls"]) == ("1", "ar", "")


def test_bad_dates_and_missing_database(tmp_path: Path) -> None:
    bad = CliRunner().invoke(main, ["hub", "export", "--db", str(tmp_path / "none.db"),
                                    "--from", "2026-11-23", "--to", "2026-11-24"])
    assert bad.exit_code == 2
    db = tmp_path / "h.db"
    db.touch()
    wrong = CliRunner().invoke(main, ["hub", "export", "--db", str(db), "--from", "soon",
                                      "--to", "2026-11-24"])
    assert wrong.exit_code == 2
    assert "'from'" in wrong.output


FORMULAS = ['=HYPERLINK("http://evil.example","clic")', "+cmd|' /C calc'!A0", "-2+3",
            "@SUM(A1:A9)", "\t=1+1"]


def test_csv_cells_are_never_formulas(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_HUB_TIMEZONE", "Europe/Paris")
    visit = f"visit-{uuid.uuid4()}"
    # event types are free text from a kiosk; flow and step ids are slugs, refused otherwise
    events = [event(visit, kind, f"2026-11-23T10:00:0{i}+00:00")
              for i, kind in enumerate(FORMULAS)]
    with hub.client("k1") as k:
        assert k.post("/events", json=events).json()["stored"] == len(events)
        refused = k.post("/events", json=[event(visit, "step", "2026-11-23T10:00:09+00:00",
                                                flow=FORMULAS[0])])
        assert refused.status_code == 422
    db = connect(hub.db)  # a row stored before flow ids were checked
    with db.atomic():
        db.execute("UPDATE events SET flow_id = ?, step_id = ? WHERE type = ?",
                   ["=1+1", "-1", FORMULAS[2]])
    db.close()
    result = run(hub, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert sorted(r["type"] for r in rows) == sorted("'" + f for f in FORMULAS)
    legacy = next(r for r in rows if r["type"] == "'-2+3")
    assert (legacy["flow_id"], legacy["step_id"]) == ("'=1+1", "'-1")
    assert all(r["hour"] == "11" for r in rows)  # numbers untouched
    # JSON lines carry the data as it is: no spreadsheet reads them
    lines = [json.loads(line) for line in run(hub, "--format", "jsonl").stdout.splitlines()]
    assert sorted(r["type"] for r in lines) == sorted(FORMULAS)
