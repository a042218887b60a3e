"""Statistics computed from a known set of events and help calls, posted through the API,
checked number by number (office time: Europe/Paris, UTC+1 in November)."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.hub.db import connect
from tests.hub.conftest import Hub, make_hub

TINY = """\
schema: 1
id: tiny
title: {fr: "Petit essai"}
start: a
steps:
  - id: a
    text: {fr: "Premier écran.", en: "First screen."}
    next: b
  - id: b
    text: {fr: "Deuxième écran ?"}
    choices:
      - {label: {fr: "Oui"}, next: c}
      - {label: {fr: "Non"}, next: "@help"}
  - id: c
    text: {fr: "C'est fini."}
    end: true
"""


class Visit:
    """Events of one visit at a kiosk, at given seconds after its start (UTC)."""

    def __init__(self, kiosk: str, start: str) -> None:
        self.kiosk, self.session = kiosk, str(uuid.uuid4())
        self.t0 = datetime.fromisoformat(start)
        self.events: list[dict[str, Any]] = []
        self.add(0, "visit.start", None, None, language="fr")

    def add(self, s: float, type_: str, flow: str | None = "tiny", step: str | None = None,
            **data: Any) -> Visit:
        self.events.append({"id": str(uuid.uuid4()), "kiosk_id": self.kiosk,
                            "session_id": self.session, "type": type_, "flow_id": flow,
                            "step_id": step, "at": (self.t0 + timedelta(seconds=s)).isoformat(),
                            "data": data})
        return self

    def start(self, s: float, flow: str = "tiny", first: str = "a") -> Visit:
        return self.add(s, "flow.start", flow, first, language="fr").add(s, "step", flow, first)


def visits() -> list[Visit]:
    s1 = (Visit("k1", "2026-11-23T09:00:00+00:00").start(0)  # completed, smiley "good"
          .add(10, "step", step="b").add(12, "choice", step="b", index=0, target="c")
          .add(40, "step", step="c").add(50, "feedback", step="c", value="good")
          .add(55, "flow.abandon", step="c", reason="home")
          .start(60, "buy-stamps", "start").add(70, "flow.abandon", "buy-stamps", "start"))
    s2 = (Visit("k1", "2026-11-23T09:30:00+00:00").start(0)  # a call for help from b
          .add(20, "step", step="b").add(80, "help", step="b", kind="help")
          .add(300, "reset", None, None, reason="inactivity"))
    s3 = (Visit("k2", "2026-11-23T10:15:00+00:00").start(0)  # back and forth, then gone
          .add(6, "step", step="b").add(11, "back", step="a").add(16, "step", step="b")
          .add(100, "flow.abandon", step="b", reason="inactivity"))
    s4 = (Visit("k2", "2026-11-24T08:00:00+00:00").start(0)  # reset on the first step
          .add(60, "reset", None, None, reason="inactivity"))
    s5 = (Visit("k1", "2026-11-24T23:30:00+00:00").start(0)  # 00:30 on the 25th in Paris
          .add(10, "step", step="b").add(20, "step", step="c")
          .add(22, "feedback", step="c", value="bad").add(25, "flow.end", step="c"))
    later = Visit("k1", "2026-11-30T09:00:00+00:00").start(0)  # outside the period
    return [s1, s2, s3, s4, s5, later]


# (kiosk, kind, flow, step, level, minutes after 09:00Z on the 23rd, seconds to claim,
#  what the mediator does)
CALLS = [
    ("k1", "help", "tiny", "b", None, 0, 30, "helped"),
    ("k1", "help", "tiny", "b", None, 1, 90, "workshop"),
    ("k2", "help", "tiny", "a", None, 2, None, "release"),
    ("k2", "workshop", "digital-skills", "result", "initiation", 3, 60, "workshop"),
    ("k1", "help", None, None, None, 4, None, "cancel"),
    ("k1", "help", "tiny", "b", None, 5, 10, "left"),
]


@pytest.fixture(scope="module")
def stats_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    hub = make_hub(Path(tmp_path_factory.mktemp("stats")) / "hub.sqlite3")
    try:
        scenario(hub)
    except BaseException:
        hub.server.stop()
        raise
    yield hub
    hub.server.stop()


def scenario(hub: Hub) -> None:
    """Post the visits, make the calls and the workshops, then pin the calls' times."""
    with hub.client("manon") as m, hub.client("k1") as k1, hub.client("k2") as k2:
        kiosks = {"k1": k1, "k2": k2}
        m.put("/flows/tiny", content=TINY.encode(), headers={"Content-Type": "application/yaml"})
        assert m.post("/flows/tiny/publish").status_code == 200
        for visit in visits():
            assert kiosks[visit.kiosk].post("/events", json=visit.events).status_code == 200
        pinned = []
        for kiosk, kind, flow, step, level, minute, wait, action in CALLS:
            rid = str(uuid.uuid4())
            kiosks[kiosk].post("/help-requests", json={
                "id": rid, "kiosk_id": kiosk, "language": "fr", "kind": kind, "flow_id": flow,
                "step_id": step, "level": level})
            if action == "cancel":
                kiosks[kiosk].post(f"/help-requests/{rid}/cancel")
            else:
                m.post(f"/help-requests/{rid}/claim")
                if action == "release":
                    m.post(f"/help-requests/{rid}/release")
                else:
                    m.post(f"/help-requests/{rid}/resolve", json={"outcome": action})
            pinned.append((rid, minute, wait))
        for title, start, present in (("Lundi", "2026-11-24T14:00:00+01:00", [True, True, False]),
                                      ("Plus tard", "2026-12-01T14:00:00+01:00", [None])):
            wid = m.post("/workshops", json={"title": title, "level": "initiation",
                                             "start": start}).json()["id"]
            for i, attended in enumerate(present):
                reg = m.post(f"/workshops/{wid}/registrations",
                             json={"first_name": f"P{i}", "consent": True}).json()
                if attended is not None:
                    m.post(f"/workshops/{wid}/attendance",
                           json={"registration_id": reg["id"], "attended": attended})
    pin_times(hub, pinned)


def pin_times(hub: Hub, pinned: list[tuple[str, int, int | None]]) -> None:
    """The calls were made just now: give them the times of the scenario."""
    db = connect(hub.db)
    base = datetime.fromisoformat("2026-11-23T09:00:00+00:00")
    with db.atomic():
        for rid, minute, wait in pinned:
            created = base + timedelta(minutes=minute)
            claimed = (created + timedelta(seconds=wait)).isoformat(timespec="milliseconds") \
                if wait is not None else None
            db.execute("UPDATE help_requests SET created_at = ?, claimed_at = ? WHERE id = ?",
                       [created.isoformat(timespec="milliseconds"), claimed, rid])
    db.close()


PERIOD = {"from": "2026-11-23", "to": "2026-11-25"}


def test_funnel_exact_numbers(stats_hub: Hub) -> None:
    with stats_hub.client("manon") as m:
        f = m.get("/stats/funnel", params={"flow": "tiny", **PERIOD}).json()
    assert (f["flow"], f["version"], f["kiosk"]) == ("tiny", 1, None)
    assert (f["from"], f["to"]) == ("2026-11-22T23:00:00.000+00:00", "2026-11-25T23:00:00.000+00:00")
    assert (f["sessions"], f["completed"], f["completion_rate"]) == (5, 2, 0.4)
    assert f["endings"] == {"completed": 2, "help": 1, "workshop": 0, "quit": 2}
    assert f["feedback"] == {"good": 1, "neutral": 0, "bad": 1}
    assert f["steps"] == [
        {"position": 1, "step_id": "a", "in_flow": True, "reached": 5, "quit": 1,
         "help_calls": 0, "median_seconds": 11.0},
        {"position": 2, "step_id": "b", "in_flow": True, "reached": 4, "quit": 1,
         "help_calls": 1, "median_seconds": 45.0},
        {"position": 3, "step_id": "c", "in_flow": True, "reached": 2, "quit": 0,
         "help_calls": 0, "median_seconds": 10.0}]
    assert f["by_day"] == [{"day": "2026-11-23", "sessions": 3}, {"day": "2026-11-24", "sessions": 1},
                           {"day": "2026-11-25", "sessions": 1}]
    assert {h: n for h, n in enumerate(f["by_hour"]) if n} == {0: 1, 9: 1, 10: 2, 11: 1}


def test_funnel_by_kiosk_and_by_day(stats_hub: Hub) -> None:
    with stats_hub.client("manon") as m:
        k2 = m.get("/stats/funnel", params={"flow": "tiny", "kiosk": "k2", **PERIOD}).json()
        day = m.get("/stats/funnel", params={"flow": "tiny", "from": "2026-11-24",
                                              "to": "2026-11-24"}).json()
        hours = m.get("/stats/funnel", params={"flow": "tiny", "from": "2026-11-23T10:00:00",
                                                "to": "2026-11-23T11:00:00"}).json()
        everything = m.get("/stats/funnel", params={"flow": "tiny"}).json()
    assert (k2["sessions"], k2["completed"], k2["endings"]["quit"]) == (2, 0, 2)
    assert [s["quit"] for s in k2["steps"]] == [1, 1, 0]
    assert (day["sessions"], day["steps"][0]["quit"]) == (1, 1)
    assert hours["sessions"] == 2  # 10:00 and 10:30 in Paris; 11:15 is after 'to'
    assert everything["sessions"] == 6


CSV = {"Accept": "text/csv"}


def test_funnel_csv(stats_hub: Hub) -> None:
    with stats_hub.client("manon") as m:
        r = m.get("/stats/funnel", params={"flow": "tiny", **PERIOD}, headers=CSV)
        english = m.get("/stats/funnel", params={"flow": "tiny", "lang": "en", **PERIOD},
                        headers=CSV)
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(b"\xef\xbb\xbfN\xc2\xb0;")  # UTF-8 with BOM, ';' in French
    assert r.text.removeprefix("\ufeff").splitlines() == [
        "N°;Code de l’étape;Étape;Dans le parcours actuel;Arrivés à l’étape;"
        "Arrêtés à l’étape;Appels à l’aide;Temps médian (s)",
        "1;a;Premier écran.;oui;5;1;0;11,0", "2;b;Deuxième écran ?;oui;4;1;1;45,0",
        "3;c;C'est fini.;oui;2;0;0;10,0"]
    assert english.content.startswith(b"\xef\xbb\xbfNo.,")
    assert english.text.removeprefix("\ufeff").splitlines() == [
        "No.,Step id,Step,In the current flow,Reached the step,Stopped at the step,"
        "Help calls,Median time (s)",
        "1,a,First screen.,yes,5,1,0,11.0",
        "2,b,Deuxième écran ?,yes,4,1,1,45.0",  # no English text: the French one
        "3,c,C'est fini.,yes,2,0,0,10.0"]


def test_help_exact_numbers(stats_hub: Hub) -> None:
    with stats_hub.client("manon") as m:
        h = m.get("/stats/help", params=PERIOD).json()
        k2 = m.get("/stats/help", params={"kiosk": "k2", **PERIOD}).json()
        text = m.get("/stats/help", params=PERIOD, headers=CSV).text
    assert (h["calls"], h["answered"], h["median_wait_seconds"]) == (6, 4, 45.0)
    assert h["by_kind"] == {"help": 5, "workshop": 1}
    assert h["by_status"] == {"queued": 1, "claimed": 0, "resolved": 4, "cancelled": 1}
    assert h["outcomes"] == {"helped": 1, "sent-to-counter": 0, "workshop": 2, "left": 1,
                             "other": 0}
    assert h["by_step"] == [{"flow_id": "tiny", "step_id": "b", "calls": 3},
                            {"flow_id": None, "step_id": None, "calls": 1},
                            {"flow_id": "tiny", "step_id": "a", "calls": 1}]
    assert h["by_day"] == [{"day": "2026-11-23", "calls": 6, "answered": 4}]
    assert {i: n for i, n in enumerate(h["by_hour"]) if n} == {10: 6}
    assert (k2["calls"], k2["answered"], k2["median_wait_seconds"]) == (2, 1, 60.0)
    lines = text.removeprefix("\ufeff").splitlines()
    assert lines[0] == ("Jour;Code du parcours;Parcours;Code de l’étape;Étape;Type d’appel;"
                        "État;Issue;Appels;Pris en charge;Attente médiane (s)")
    # a call's kind, status and outcome in words: "Aide", "Terminé", "Aidé"
    assert "2026-11-23;tiny;Petit essai;b;Deuxième écran ?;Aide;Terminé;Aidé;1;1;30,0" in lines
    assert "2026-11-23;tiny;Petit essai;a;Premier écran.;Aide;En attente;;1;0;" in lines
    assert "2026-11-23;;;;;Aide;Annulé par l’usager;;1;0;" in lines  # from the home screen
    assert len(lines) == 7


def test_period_report(stats_hub: Hub) -> None:
    with stats_hub.client("manon") as m:
        r = m.get("/stats/report", params=PERIOD).json()
        text = m.get("/stats/report", params=PERIOD, headers=CSV).text
        english = m.get("/stats/report", params={"lang": "en", **PERIOD}, headers=CSV).text
    assert r == {"from": "2026-11-22T23:00:00.000+00:00", "to": "2026-11-25T23:00:00.000+00:00",
                 "help_calls": 5, "accompanied": 4, "referred_to_workshop": 2, "workshops": 1,
                 "registered": 3, "attended": 2,
                 "satisfaction": {"good": 1, "neutral": 0, "bad": 1, "total": 2, "share_good": 0.5},
                 "visits": 5, "flow_sessions": 6}
    lines = text.removeprefix("\ufeff").splitlines()
    assert lines[:3] == ["Code de l’indicateur;Indicateur;Valeur",
                         "from;Début de la période;2026-11-23 00:00:00",  # office time
                         "to;Fin de la période (exclue);2026-11-26 00:00:00"]
    assert "satisfaction.share_good;Part d’avis positifs;0,5" in lines
    assert "help_calls;Appels à l’aide;5" in lines
    lines = english.removeprefix("\ufeff").splitlines()
    assert lines[:2] == ["Metric id,Metric,Value", "from,Start of the period,2026-11-23 00:00:00"]
    assert "satisfaction.share_good,Share of positive feedback,0.5" in lines


def test_csv_round_trip_in_a_french_spreadsheet(stats_hub: Hub, tmp_path: Path) -> None:
    """What a French spreadsheet reads: a file saved as received, read back with the
    ``;`` dialect (the BOM taken off by ``utf-8-sig``, as spreadsheets do)."""
    with stats_hub.client("manon") as m:
        body = m.get("/stats/help", params=PERIOD, headers=CSV).content
    saved = tmp_path / "appels.csv"
    saved.write_bytes(body)
    with saved.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert len(rows) == 6
    helped = next(r for r in rows if r["Issue"] == "Aidé")
    assert helped == {"Jour": "2026-11-23", "Code du parcours": "tiny", "Parcours": "Petit essai",
                      "Code de l’étape": "b", "Étape": "Deuxième écran ?",
                      "Type d’appel": "Aide", "État": "Terminé", "Issue": "Aidé",
                      "Appels": "1", "Pris en charge": "1", "Attente médiane (s)": "30,0"}
    assert float(helped["Attente médiane (s)"].replace(",", ".")) == 30.0
    workshop = next(r for r in rows if r["Type d’appel"] == "Atelier")
    assert (workshop["Code du parcours"], workshop["Parcours"]) == (
        "digital-skills", "Tester mes compétences numériques")  # a built-in flow's title
    assert all(set(r) == set(rows[0]) and None not in r for r in rows)  # no stray column


@pytest.mark.parametrize(("params", "option"), [
    ({"sep": "|"}, "sep"), ({"sep": "tab"}, "sep"), ({"sep": ""}, "sep"), ({"lang": "de"}, "lang"),
    ({"lang": "FR"}, "lang"), ({"lang": "ar"}, "lang"), ({"lang": "x" * 17}, "lang")])
def test_bad_csv_options_are_422(stats_hub: Hub, params: dict[str, str], option: str) -> None:
    with stats_hub.client("manon") as m:
        for path, more in (("/stats/funnel", {"flow": "tiny"}), ("/stats/help", {}),
                           ("/stats/report", {})):
            r = m.get(path, params={**more, **params}, headers=CSV)
            assert r.status_code == 422, (path, r.text)
            problem = r.json()["detail"][0]
            assert option in problem["loc"], problem
            assert problem["msg"], problem


def test_chosen_separators(stats_hub: Hub) -> None:
    with stats_hub.client("manon") as m:
        french_commas = m.get("/stats/report", params={"sep": ",", **PERIOD}, headers=CSV).text
        english_semicolons = m.get("/stats/report", params={"sep": ";", "lang": "en", **PERIOD},
                                   headers=CSV).text
    assert french_commas.startswith("\ufeffCode de l’indicateur,Indicateur,Valeur\n")
    assert 'satisfaction.share_good,Part d’avis positifs,"0,5"' in french_commas.splitlines()
    assert "satisfaction.share_good;Share of positive feedback;0.5" in \
        english_semicolons.splitlines()


@pytest.mark.parametrize("params", [{"from": "yesterday"}, {"to": "2026-13-01"},
                                    {"from": "2026-11-25", "to": "2026-11-23"},
                                    {"from": "0001-01-01"}, {"to": "9999-12-31"}])
def test_bad_periods_are_422(stats_hub: Hub, params: dict[str, str]) -> None:
    with stats_hub.client("manon") as m:
        for path in ("/stats/help", "/stats/report", "/workshops"):
            r = m.get(path, params=params)
            assert r.status_code == 422, (path, r.text)
            assert r.json()["detail"][0]["msg"]
        assert m.get("/stats/funnel", params={"flow": "tiny", **params}).status_code == 422


def test_stats_are_for_managers(stats_hub: Hub) -> None:
    for who in ("k1", "aicha"):
        with stats_hub.client(who) as c:
            for path in ("/stats/funnel?flow=tiny", "/stats/help", "/stats/report"):
                assert c.get(path).status_code == 403
    with stats_hub.client("manon") as m:
        assert m.get("/stats/funnel?flow=nope").status_code == 404
        assert m.get("/stats/funnel").status_code == 422


def test_csv_cells_are_never_formulas(hub: Hub) -> None:
    with hub.client("k1") as k, hub.client("manon") as m:
        rid = str(uuid.uuid4())
        assert k.post("/help-requests", json={
            "id": rid, "kiosk_id": "k1", "language": "fr", "flow_id": "send-parcel",
            "step_id": "weigh"}).status_code == 201
        formula = k.post("/help-requests", json={
            "id": str(uuid.uuid4()), "kiosk_id": "k1", "language": "fr",
            "flow_id": '=HYPERLINK("http://evil.example")', "step_id": "weigh"})
        assert formula.status_code == 422  # flow ids are slugs now
        db = connect(hub.db)  # a call stored before they were checked
        with db.atomic():
            db.execute("UPDATE help_requests SET flow_id = ?, step_id = ? WHERE id = ?",
                       ['=HYPERLINK("http://evil.example")', "@SUM(A1)", rid])
        db.close()
        text = m.get("/stats/help", headers=CSV).text
        report = m.get("/stats/report", headers=CSV).text
    lines = text.splitlines()
    assert lines[1].split(";")[1:] == ['"\'=HYPERLINK(""http://evil.example"")"', "", "'@SUM(A1)",
                                       "", "Aide", "En attente", "", "1", "0", ""]
    assert "help_calls;Appels à l’aide;1" in report.splitlines()
