"""Workshops: planning, capacity (the ninth of eight gets 409 and the next session),
consent, attendance, roles, and personal data erased after the retention period."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.hub.server import HubServer
from tests.hub.conftest import Hub, make_hub
from tests.hub.test_help_requests import call


def plan(m: httpx.Client, start: str, level: str = "initiation", **extra: Any) -> dict[str, Any]:
    r = m.post("/workshops", json={"title": f"Atelier {level}", "level": level, "start": start,
                                   "place": "Salle 2", **extra})
    assert r.status_code == 201, r.text
    return dict(r.json())


def person(name: str = "Aïcha", **extra: Any) -> dict[str, Any]:
    return {"first_name": name, "phone": "06 12 34 56 78", "consent": True, **extra}


def test_plan_and_list(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m, shared_hub.client("aicha") as a:
        w = plan(m, "2030-03-04T14:00:00+01:00", "outils-budgetaires")
        assert w["start"] == "2030-03-04T14:00:00+01:00"
        assert w["end"] == "2030-03-04T16:00:00+01:00"
        assert (w["duration_minutes"], w["capacity"], w["seats_taken"], w["seats_left"]) == (
            120, 8, 0, 8)
        assert (w["place"], w["created_by"]) == ("Salle 2", "manon")
        plan(m, "2030-03-05T09:30:00+01:00", "outils-budgetaires", capacity=4, duration_minutes=90)
        listed = a.get("/workshops", params={"level": "outils-budgetaires"}).json()["items"]
        assert [(x["start"], x["capacity"]) for x in listed] == [
            ("2030-03-04T14:00:00+01:00", 8), ("2030-03-05T09:30:00+01:00", 4)]
        day = a.get("/workshops", params={"level": "outils-budgetaires", "from": "2030-03-05",
                                          "to": "2030-03-05"}).json()["items"]
        assert [x["start"] for x in day] == ["2030-03-05T09:30:00+01:00"]
        assert a.get(f"/workshops/{w['id']}").json() == w


def test_bad_workshops_are_422(shared_hub: Hub) -> None:
    good = {"title": "Atelier", "level": "initiation", "start": "2030-01-01T10:00:00+01:00"}
    with shared_hub.client("manon") as m:
        for bad in ({**good, "start": "2030-01-01T10:00:00"}, {**good, "start": "demain"},
                    {**good, "level": "expert"}, {**good, "capacity": 0}, {**good, "title": ""},
                    {**good, "start": "1999-12-31T10:00:00+00:00"}, {**good, "room": "2"}):
            r = m.post("/workshops", json=bad)
            assert r.status_code == 422, bad
        no_offset = m.post("/workshops", json={**good, "start": "2030-01-01T10:00:00"})
        assert "UTC offset" in no_offset.json()["detail"][0]["msg"]
        assert m.get("/workshops", params={"level": "expert"}).status_code == 422


def test_the_ninth_gets_409_and_the_next_session(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m, shared_hub.client("bruno") as b:
        full = plan(m, "2031-05-05T14:00:00+02:00", "perfectionnement")
        plan(m, "2031-05-06T14:00:00+02:00", "initiation")  # another level
        tiny = plan(m, "2031-05-07T14:00:00+02:00", "perfectionnement", capacity=1)
        b.post(f"/workshops/{tiny['id']}/registrations", json=person())  # now full too
        later = plan(m, "2031-05-12T14:00:00+02:00", "perfectionnement")
        for i in range(8):
            r = b.post(f"/workshops/{full['id']}/registrations", json=person(f"P{i}"))
            assert r.status_code == 201, r.text
        ninth = b.post(f"/workshops/{full['id']}/registrations", json=person("Neuf"))
        assert ninth.status_code == 409
        assert "full" in ninth.json()["detail"]
        assert ninth.json()["next"] == {**later, "seats_taken": 0, "seats_left": 8}
        last = b.post(f"/workshops/{later['id']}/registrations", json=person("Neuf")).json()
        assert last["first_name"] == "Neuf"
        assert last["registered_by"] == "bruno"
        assert m.get(f"/workshops/{full['id']}").json()["seats_left"] == 0
        assert len(b.get(f"/workshops/{full['id']}/registrations").json()["items"]) == 8
        alone = plan(m, "2031-06-01T14:00:00+02:00", "outils-budgetaires", capacity=1)
        b.post(f"/workshops/{alone['id']}/registrations", json=person())
        none_left = b.post(f"/workshops/{alone['id']}/registrations", json=person())
        assert none_left.status_code == 409
        assert none_left.json()["next"] is None


def test_consent_and_the_call_it_came_from(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m, shared_hub.client("aicha") as a, \
            shared_hub.client("k1") as k:
        w = plan(m, "2032-01-10T10:00:00+01:00")
        path = f"/workshops/{w['id']}/registrations"
        for bad in (person(consent=False), {"first_name": "Sans accord"}, person(email="nope"),
                    person(first_name=""), person(help_request_id="not-a-uuid")):
            assert a.post(path, json=bad).status_code == 422, bad
        assert "consent" in a.post(path, json=person(consent=False)).json()["detail"][0]["msg"]
        assert a.post(path, json=person(help_request_id=str(uuid.uuid4()))).status_code == 404
        assert a.post("/workshops/999999/registrations", json=person()).status_code == 404
        rid = k.post("/help-requests", json=call(kind="workshop", level="perfectionnement",
                                                  flow_id="digital-skills")).json()["id"]
        reg = a.post(path, json=person(email="a@example.org", help_request_id=rid)).json()
        assert reg == {**reg, "workshop_id": w["id"], "first_name": "Aïcha", "consent": True,
                       "email": "a@example.org", "help_request_id": rid, "attended": None,
                       "erased": False, "erased_at": None}
        listed = a.get("/help-requests").json()["items"]
        assert {r["id"]: r for r in listed}[rid]["level"] == "perfectionnement"


def test_attendance(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m, shared_hub.client("aicha") as a:
        w = plan(m, "2032-02-10T10:00:00+01:00")
        other = plan(m, "2032-02-11T10:00:00+01:00")
        reg = a.post(f"/workshops/{w['id']}/registrations", json=person()).json()
        mark = a.post(f"/workshops/{w['id']}/attendance",
                      json={"registration_id": reg["id"], "attended": True})
        assert mark.status_code == 200
        assert mark.json()["attended"] is True
        assert m.post(f"/workshops/{w['id']}/attendance", json={
            "registration_id": reg["id"], "attended": False}).json()["attended"] is False
        assert a.post(f"/workshops/{other['id']}/attendance", json={
            "registration_id": reg["id"], "attended": True}).status_code == 404
        assert a.post(f"/workshops/{w['id']}/attendance", json={
            "registration_id": reg["id"]}).status_code == 422


def test_roles(shared_hub: Hub) -> None:
    body = {"title": "A", "level": "initiation", "start": "2033-01-01T10:00:00+01:00"}
    with shared_hub.client("k1") as k, shared_hub.client("aicha") as a:
        assert k.get("/workshops").status_code == 403
        assert k.post("/workshops/1/registrations", json=person()).status_code == 403
        assert a.post("/workshops", json=body).status_code == 403
        assert a.get("/workshops").status_code == 200
        assert a.get("/workshops/abc").status_code == 422
    with shared_hub.client() as anon:
        assert anon.get("/workshops/abc").status_code == 401


def test_personal_data_is_erased_after_the_retention_period(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite3"
    hub = make_hub(db)
    now = datetime.now(UTC)
    try:
        with hub.client("manon") as m, hub.client("aicha") as a:
            ids = {}
            for name, days_ago in (("old", 100), ("recent", 10), ("coming", -7)):
                start = (now - timedelta(days=days_ago)).isoformat(timespec="seconds")
                ids[name] = plan(m, start)["id"]
                for who in ("Jeanne", "Paul"):
                    a.post(f"/workshops/{ids[name]}/registrations",
                           json=person(who, email=f"{who}@example.org"))
            done = a.get(f"/workshops/{ids['old']}/registrations").json()["items"][0]
            a.post(f"/workshops/{ids['old']}/attendance",
                   json={"registration_id": done["id"], "attended": True})
    finally:
        hub.server.stop()
    server = HubServer(db, timezone="Europe/Paris", retention_days=90).start()  # purges at start
    try:
        with httpx.Client(base_url=f"{server.url}/api/v1", timeout=10,
                          headers={"Authorization": f"Bearer {hub.tokens['manon']}"}) as m:
            def people(name: str) -> list[dict[str, Any]]:
                return list(m.get(f"/workshops/{ids[name]}/registrations").json()["items"])

            old = people("old")
            assert [(r["first_name"], r["phone"], r["email"], r["erased"]) for r in old] == [
                (None, None, None, True)] * 2
            assert old[0]["attended"] is True  # what counts stays
            assert m.get(f"/workshops/{ids['old']}").json()["seats_taken"] == 2
            assert [r["first_name"] for r in people("recent")] == ["Jeanne", "Paul"]
            assert [r["first_name"] for r in people("coming")] == ["Jeanne", "Paul"]
            result = CliRunner().invoke(main, ["hub", "--db", str(db), "purge", "--days", "5"])
            assert result.exit_code == 0, result.output
            assert "2 registrations erased" in result.stderr
            assert [r["erased"] for r in people("recent")] == [True, True]
            assert [r["first_name"] for r in people("coming")] == ["Jeanne", "Paul"]
    finally:
        server.stop()
