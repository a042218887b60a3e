"""``kiosk hub export``: anonymous events and help statistics for a region, as JSON lines
and CSV (for a spreadsheet: BOM, words and separator of a language, titles beside ids),
through click's CliRunner; how far a long export is, on stderr when writing a file."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.flows.model import shorten
from kiosk.hub import export
from kiosk.hub.db import connect
from kiosk.hub.export import COLUMNS
from kiosk.hub.times import parse_period
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
    assert result.stderr == ""  # to standard output: nothing else said


def test_each_export_has_its_own_salt(hub: Hub, sessions: list[str]) -> None:
    def first_session() -> str:
        line = run(hub, "--format", "jsonl").stdout.splitlines()[0]
        return str(json.loads(line)["session"])

    assert first_session() != first_session()


FRENCH = ("Type de ligne", "Jour", "Heure", "Borne", "Visite (anonyme)", "Événement",
          "Code du parcours", "Parcours", "Code de l’étape", "Étape", "Langue", "Choix", "Avis",
          "Niveau", "Raison", "Type d’appel", "État", "Issue", "Appels", "Pris en charge",
          "Attente médiane (s)")


def read(path: Path, delimiter: str) -> list[dict[str, str]]:
    """The file as a spreadsheet reads it (the BOM taken off by ``utf-8-sig``)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def test_csv_to_a_file_round_trip_in_french(hub: Hub, sessions: list[str],
                                            tmp_path: Path) -> None:
    out = tmp_path / "region.csv"
    result = run(hub, "--format", "csv", "--out", str(out))
    assert result.stdout == ""
    assert result.stderr == f"12 records exported to {out}\n"
    raw = out.read_bytes()
    assert raw.startswith("\ufeffType de ligne;Jour;Heure;".encode())  # UTF-8, BOM, ';'
    assert SECRET.encode() not in raw
    rows = read(out, ";")
    assert len(COLUMNS) == len(FRENCH)
    assert tuple(rows[0]) == FRENCH
    assert [r["Type de ligne"] for r in rows].count("event") == 11
    choice = next(r for r in rows if r["Événement"] == "choice")
    assert (choice["Choix"], choice["Langue"], choice["Appels"], choice["Heure"]) == (
        "1", "ar", "", "11")
    assert (choice["Code du parcours"], choice["Parcours"]) == ("send-parcel", "Envoyer un colis")
    assert (choice["Code de l’étape"], choice["Étape"]) == ("weigh", shorten(WEIGH_FR))
    (help_row,) = [r for r in rows if r["Type de ligne"] == "help"]
    assert (help_row["Jour"], help_row["Étape"], help_row["Issue"]) == (
        "2026-11-23", shorten(WEIGH_FR), "Aidé")  # the outcome in words
    assert help_row["Attente médiane (s)"] == "42,0"  # a decimal comma: a number in French
    assert float(help_row["Attente médiane (s)"].replace(",", ".")) == 42.0


WEIGH_FR = "Posez le colis fermé sur la balance. Le poids s'affiche-t-il ?"


def test_csv_in_english_and_with_a_chosen_separator(hub: Hub, sessions: list[str],
                                                   tmp_path: Path) -> None:
    english = run(hub, "--lang", "en").stdout
    assert english.startswith("\ufeffRow type,Day,Hour,Kiosk,Visit (anonymous),Event,Flow id,"
                              "Flow,Step id,Step,")
    rows = list(csv.DictReader(io.StringIO(english.removeprefix("\ufeff"))))
    (help_row,) = [r for r in rows if r["Row type"] == "help"]
    assert (help_row["Flow"], help_row["Median wait (s)"]) == ("Send a parcel", "42.0")
    assert help_row["Step"].startswith("Put the closed parcel on the scale.")
    semicolons = run(hub, "--lang", "en", "--sep", ";").stdout
    assert semicolons.startswith("\ufeffRow type;Day;Hour;")
    commas = tmp_path / "commas.csv"
    run(hub, "--sep", ",", "--out", str(commas))
    (help_row,) = [r for r in read(commas, ",") if r["Type de ligne"] == "help"]
    assert help_row["Attente médiane (s)"] == "42,0"  # quoted, so still one cell


@pytest.mark.parametrize(("option", "value"), [("--sep", "|"), ("--sep", "tab"),
                                               ("--lang", "de"), ("--lang", "ar")])
def test_bad_csv_options(hub: Hub, sessions: list[str], option: str, value: str) -> None:
    result = CliRunner().invoke(main, ["hub", "export", "--db", str(hub.db), "--from",
                                       "2026-11-23", "--to", "2026-11-26", option, value])
    assert result.exit_code == 2
    assert f"{option[2:]}: '{value}' is not one of" in result.stderr
    assert result.stdout == ""


def test_progress_on_stderr_only_with_a_file(hub: Hub, sessions: list[str], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "PROGRESS_EVERY", 5)
    out = tmp_path / "region.jsonl"
    to_file = run(hub, "--format", "jsonl", "--out", str(out))
    assert to_file.stderr.splitlines() == ["5 records written so far",
                                           "10 records written so far",
                                           f"12 records exported to {out}"]
    assert to_file.stdout == ""
    to_stdout = run(hub, "--format", "csv")
    assert to_stdout.stderr == ""
    assert len(to_stdout.stdout.splitlines()) == 13


def test_progress_every_second_too(hub: Hub, sessions: list[str]) -> None:
    """A slow export says how far it is each second, even between two round counts."""
    ticks = iter(range(100))
    told: list[int] = []
    db = connect(hub.db)
    try:
        period = parse_period("2026-11-23", "2026-11-26", ZoneInfo("Europe/Paris"))
        count = export.write(db, period, ZoneInfo("Europe/Paris"), "csv", io.StringIO(),
                             progress=told.append, clock=lambda: 2.0 * next(ticks) / 3)
    finally:
        db.close()
    assert count == 12
    assert told == [2, 4, 6, 8, 10, 12]  # the clock moves 2/3 s per record


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
    result = run(hub, "--format", "csv", "--lang", "en")
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert sorted(r["Event"] for r in rows) == sorted("'" + f for f in FORMULAS)
    legacy = next(r for r in rows if r["Event"] == "'-2+3")
    assert (legacy["Flow id"], legacy["Step id"]) == ("'=1+1", "'-1")
    assert (legacy["Flow"], legacy["Step"]) == ("", "")  # no such flow
    assert all(r["Hour"] == "11" for r in rows)  # numbers untouched
    # JSON lines carry the data as it is: no spreadsheet reads them
    lines = [json.loads(line) for line in run(hub, "--format", "jsonl").stdout.splitlines()]
    assert sorted(r["type"] for r in lines) == sorted(FORMULAS)
