"""Workshops edited and cancelled, registrations cancelled or moved, against a real hub:
each field edited (the office's days respected), the capacity never under the seats
taken, what a started workshop still lets change, a cancellation end to end (the people
to call, the stream, nobody registering after, the erasure after the retention period),
a seat freed, a move (full target, personal data carried), and the statistics."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from kiosk.hub.db import connect
from kiosk.hub.workshops import purge
from tests.hub.conftest import Hub, make_hub
from tests.hub.test_stream import connect as stream
from tests.hub.test_workshops import person, plan


def ahead(days: float, hour: int = 14) -> str:
    """A start ``days`` from now at ``hour`` on the office's clock (Paris, +01:00 or +02:00
    as the date asks: the offset is the test's only guess, the instant is what counts)."""
    day = (datetime.now(UTC) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/Paris")
                    ).isoformat()


def sign_up(c: httpx.Client, workshop: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    out = []
    for name in names:
        r = c.post(f"/workshops/{workshop['id']}/registrations",
                   json=person(name, email=f"{name.lower()}@example.org"))
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


def edit(m: httpx.Client, workshop: dict[str, Any], **changes: Any) -> httpx.Response:
    return m.patch(f"/workshops/{workshop['id']}", json=changes)


def test_each_field_edited(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m, shared_hub.client("aicha") as a:
        w = plan(m, "2030-03-04T14:00:00+01:00")
        assert (w["updated_by"], w["updated_at"], w["cancelled"]) == (None, None, False)
        for field, value in (("title", "Mails et pièces jointes"), ("level", "perfectionnement"),
                             ("duration_minutes", 90), ("capacity", 5), ("place", "Salle 3")):
            r = edit(m, w, **{field: value})
            assert r.status_code == 200, r.text
            assert r.json()[field] == value
        r = edit(m, w, start="2030-03-05T09:30:00+01:00")
        assert r.status_code == 200, r.text
        w = r.json()
        assert (w["start"], w["end"]) == ("2030-03-05T09:30:00+01:00", "2030-03-05T11:00:00+01:00")
        assert w["updated_by"] == "manon"
        assert w["updated_at"] > w["created_at"]
        assert (w["title"], w["level"], w["capacity"], w["place"]) == (
            "Mails et pièces jointes", "perfectionnement", 5, "Salle 3")
        assert a.get(f"/workshops/{w['id']}").json() == w
        assert edit(m, w, place=None).json()["place"] is None  # no place any more
        assert m.post(f"/workshops/{w['id']}", json={"place": "Salle 1"}).status_code == 405
        # the office's days: 23:30 UTC on the 5th is 00:30 on the 6th in Paris
        moved = edit(m, w, start="2030-03-05T23:30:00+00:00").json()
        assert moved["start"] == "2030-03-05T23:30:00+00:00"

        def day(d: str) -> list[int]:
            return [x["id"] for x in a.get("/workshops", params={"from": d, "to": d}).json()["items"]]
        assert w["id"] in day("2030-03-06")
        assert w["id"] not in day("2030-03-05")


def test_bad_edits(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m, shared_hub.client("aicha") as a:
        w = plan(m, "2030-04-01T10:00:00+02:00")
        for bad in ({}, {"title": None}, {"title": ""}, {"start": "2030-04-01T10:00:00"},
                    {"start": "lundi"}, {"capacity": 0}, {"level": "expert"}, {"room": "2"},
                    {"duration_minutes": 5}, {"capacity": None}):
            r = edit(m, w, **bad)
            assert r.status_code == 422, (bad, r.text)
        assert "at least one" in edit(m, w).json()["detail"][0]["msg"]
        assert "UTC offset" in edit(m, w, start="2030-04-01T10:00:00").json()["detail"][0]["msg"]
        assert m.patch("/workshops/999999", json={"title": "x"}).status_code == 404
        # 403 before 422, 422 before 404
        assert a.patch(f"/workshops/{w['id']}", json={"title": "x"}).status_code == 403
        assert a.patch(f"/workshops/{w['id']}", json={}).status_code == 403
        assert m.patch("/workshops/999999", json={}).status_code == 422
    with shared_hub.client() as anon:
        assert anon.patch(f"/workshops/{w['id']}", json={"title": "x"}).status_code == 401


def test_the_capacity_never_goes_under_the_seats_taken(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m:
        w = plan(m, "2030-05-06T14:00:00+02:00")
        sign_up(m, w, "Ana", "Bea", "Cid")
        r = edit(m, w, capacity=2)
        assert r.status_code == 409
        assert r.json() == {**r.json(), "problem": "capacity", "capacity": 2, "seats_taken": 3}
        assert "below the 3 seats taken" in r.json()["detail"]
        assert m.get(f"/workshops/{w['id']}").json()["capacity"] == 8  # unchanged
        fitted = edit(m, w, capacity=3).json()
        assert (fitted["capacity"], fitted["seats_left"]) == (3, 0)


def test_what_a_started_workshop_still_lets_change(shared_hub: Hub) -> None:
    yesterday = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)
    with shared_hub.client("manon") as m:
        past = plan(m, yesterday.isoformat())
        sign_up(m, past, "Dan")
        fixed = edit(m, past, place="Salle 4", capacity=10, title="Atelier du matin").json()
        assert (fixed["place"], fixed["capacity"], fixed["title"]) == (
            "Salle 4", 10, "Atelier du matin")
        for change in ({"start": ahead(3)}, {"duration_minutes": 60},
                       {"level": "perfectionnement"}):
            r = edit(m, past, **change)
            assert r.status_code == 409, change
            assert r.json()["problem"] == "started"
        # the same instant written with another offset changes nothing: accepted
        same = yesterday.astimezone(ZoneInfo("America/Cayenne")).isoformat()
        assert edit(m, past, start=same, place="Salle 5").status_code == 200
        coming = plan(m, ahead(2))
        into_the_past = edit(m, coming, start=(yesterday - timedelta(days=1)).isoformat())
        assert (into_the_past.status_code, into_the_past.json()["problem"]) == (409, "past")


def test_cancel_end_to_end(tmp_path: Path) -> None:
    hub = make_hub(tmp_path / "hub.sqlite3", retention_days=90)
    try:
        with hub.client("manon") as m, hub.client("aicha") as a, stream(hub, "bruno") as ws:
            w = plan(m, ahead(30))
            kept = plan(m, ahead(60))
            jeanne, paul, gone = sign_up(a, w, "Jeanne", "Paul", "Zoé")
            sign_up(a, kept, "Inès")
            assert a.post(f"/workshops/{w['id']}/registrations/{gone['id']}/cancel"
                          ).status_code == 200
            path = f"/workshops/{w['id']}/cancel"
            assert a.post(path, json={"reason": "Animateur malade"}).status_code == 403
            assert m.post(path, json={"reason": ""}).status_code == 422
            assert m.post(path, json={}).status_code == 422
            assert m.post("/workshops/999999/cancel", json={"reason": "x"}).status_code == 404
            r = m.post(path, json={"reason": "Animateur malade"})
            assert r.status_code == 200, r.text
            done = r.json()
            assert done["workshop"] == {**done["workshop"], "id": w["id"], "cancelled": True,
                                        "cancelled_by": "manon", "cancel_reason": "Animateur malade",
                                        "seats_taken": 2, "seats_left": 0}
            cancelled_at = done["workshop"]["cancelled_at"]
            assert [(p["first_name"], p["phone"], p["email"], p["consent"]) for p in done["to_call"]
                    ] == [("Jeanne", "06 12 34 56 78", "jeanne@example.org", True),
                          ("Paul", "06 12 34 56 78", "paul@example.org", True)]
            assert [p["id"] for p in done["to_call"]] == [jeanne["id"], paul["id"]]
            assert done["retention_days"] == 90
            erase = datetime.fromisoformat(done["erase_after"])
            assert erase == datetime.fromisoformat(cancelled_at) + timedelta(days=90)
            # consoles hear of it (the workshop, nobody's details)
            while True:
                text = ws.recv(timeout=5)
                message = json.loads(text)
                if message["type"] == "workshop.cancelled":
                    break
            payload = message.get("workshop") or message.get("request")
            assert (payload["id"], payload["cancelled"], payload["to_call"]) == (w["id"], True, 2)
            assert "Jeanne" not in text
            assert "06 12" not in text
            # cancelled once, and for good
            again = m.post(path, json={"reason": "encore"})
            assert (again.status_code, again.json()["problem"]) == (409, "cancelled")
            late = a.post(f"/workshops/{w['id']}/registrations", json=person("Léa"))
            assert (late.status_code, late.json()["problem"]) == (409, "cancelled")
            assert edit(m, w, place="Salle 9").status_code == 409
            # listed, marked; left out of the active ones
            listed = {x["id"]: x for x in a.get("/workshops").json()["items"]}
            assert listed[w["id"]]["cancelled"] is True
            active = [x["id"] for x in a.get("/workshops", params={"active": "1"}).json()["items"]]
            assert active == [kept["id"]]
            regs = a.get(f"/workshops/{w['id']}/registrations").json()["items"]
            assert [(x["first_name"], x["cancelled"]) for x in regs] == [
                ("Jeanne", False), ("Paul", False), ("Zoé", True)]
        # the retention rule: the details stay until 90 days after the cancellation
        db = connect(hub.db)
        try:
            when = datetime.fromisoformat(cancelled_at)
            with db.atomic():
                assert purge(db, 90, now=when + timedelta(days=89)) == 0
            with db.atomic():
                assert purge(db, 90, now=when + timedelta(days=91)) == 3  # Zoé's too
        finally:
            db.close()
        with hub.client("manon") as m:
            regs = m.get(f"/workshops/{w['id']}/registrations").json()["items"]
            assert [(x["first_name"], x["phone"], x["email"], x["erased"]) for x in regs] == [
                (None, None, None, True)] * 3
            other = m.get(f"/workshops/{kept['id']}/registrations").json()["items"]
            assert [x["first_name"] for x in other] == ["Inès"]  # its workshop is ahead
    finally:
        hub.server.stop()


def test_cancelling_a_registration_frees_its_seat(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m, shared_hub.client("aicha") as a:
        w = plan(m, ahead(20), capacity=1)
        other = plan(m, ahead(21))
        [ana] = sign_up(a, w, "Ana")
        full = a.post(f"/workshops/{w['id']}/registrations", json=person("Bea"))
        assert (full.status_code, full.json()["problem"]) == (409, "full")
        path = f"/workshops/{w['id']}/registrations/{ana['id']}/cancel"
        assert a.post(f"/workshops/{other['id']}/registrations/{ana['id']}/cancel"
                      ).status_code == 404
        assert a.post(f"/workshops/{w['id']}/registrations/999999/cancel").status_code == 404
        r = a.post(path)
        assert r.status_code == 200, r.text
        assert r.json() == {**r.json(), "id": ana["id"], "cancelled": True, "cancelled_by": "aicha",
                            "first_name": "Ana", "moved_to": None}
        assert m.get(f"/workshops/{w['id']}").json()["seats_left"] == 1
        again = m.post(path)
        assert (again.status_code, again.json()["problem"]) == (409, "registration_cancelled")
        assert a.post(f"/workshops/{w['id']}/attendance", json={
            "registration_id": ana["id"], "attended": True}).status_code == 409
        assert a.post(f"/workshops/{w['id']}/registrations", json=person("Bea")).status_code == 201
    with shared_hub.client("k1") as k:
        assert k.post(path).status_code == 403


def test_moving_a_registration(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m, shared_hub.client("bruno") as b:
        source = plan(m, ahead(40), "outils-budgetaires")
        full = plan(m, ahead(41), "outils-budgetaires", capacity=1)
        sign_up(b, full, "Omar")
        following = plan(m, ahead(42), "outils-budgetaires")
        called_off = plan(m, ahead(43), "outils-budgetaires")
        m.post(f"/workshops/{called_off['id']}/cancel", json={"reason": "Salle prise"})
        started = plan(m, (datetime.now(UTC) - timedelta(hours=1)).isoformat())
        karim, lina = sign_up(b, source, "Karim", "Lina")
        path = f"/workshops/{source['id']}/registrations/{karim['id']}/move"

        def move(target: int, url: str = path) -> httpx.Response:
            return b.post(url, json={"workshop_id": target})

        r = move(full["id"])
        assert r.status_code == 409
        assert r.json()["problem"] == "full"
        assert r.json()["next"]["id"] == following["id"]  # the next of the target's level
        for target, problem in ((called_off["id"], "target_cancelled"),
                                (started["id"], "target_started"), (source["id"], "same")):
            r = move(target)
            assert (r.status_code, r.json()["problem"]) == (409, problem), target
        assert move(999999).status_code == 404
        assert b.post(path, json={"workshop_id": 0}).status_code == 422
        assert b.post(path, json={}).status_code == 422
        r = move(following["id"])
        assert r.status_code == 201, r.text
        moved = r.json()
        assert moved == {**moved, "workshop_id": following["id"], "first_name": "Karim",
                         "phone": "06 12 34 56 78", "email": "karim@example.org", "consent": True,
                         "moved_from": karim["id"], "cancelled": False, "registered_by": "bruno"}
        old = {x["id"]: x for x in b.get(f"/workshops/{source['id']}/registrations"
                                          ).json()["items"]}[karim["id"]]
        assert old == {**old, "cancelled": True, "erased": True, "first_name": None, "phone": None,
                       "email": None, "moved_to": moved["id"],
                       "moved_to_workshop": following["id"]}
        seats = {w["id"]: w["seats_taken"] for w in b.get("/workshops").json()["items"]}
        assert (seats[source["id"]], seats[following["id"]]) == (1, 1)
        again = move(following["id"])
        assert (again.status_code, again.json()["problem"]) == (409, "registration_moved")
        # people of a cancelled workshop can be moved to another one
        m.post(f"/workshops/{source['id']}/cancel", json={"reason": "Travaux"})
        r = move(following["id"], f"/workshops/{source['id']}/registrations/{lina['id']}/move")
        assert (r.status_code, r.json()["first_name"]) == (201, "Lina")


def test_the_report_counts_neither_cancelled_workshops_nor_registrations(tmp_path: Path) -> None:
    hub = make_hub(tmp_path / "hub.sqlite3")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)
    try:
        with hub.client("manon") as m:
            held = plan(m, yesterday.isoformat())
            called_off = plan(m, (yesterday + timedelta(hours=2)).isoformat())
            later = plan(m, ahead(10))
            came, stayed_home, moved = sign_up(m, held, "Ana", "Bea", "Cid")
            sign_up(m, called_off, "Dan", "Eve")
            assert m.post(f"/workshops/{held['id']}/attendance", json={
                "registration_id": came["id"], "attended": True}).status_code == 200
            base = f"/workshops/{held['id']}/registrations"
            assert m.post(f"{base}/{stayed_home['id']}/cancel").status_code == 200
            assert m.post(f"/workshops/{called_off['id']}/cancel",
                          json={"reason": "Panne"}).status_code == 200
            # a registration marked present cannot be cancelled: it took place
            assert m.post(f"{base}/{came['id']}/cancel").json()["problem"] == "attended"
            # moving from a workshop that has started is allowed (the person did not come)
            assert m.post(f"{base}/{moved['id']}/move",
                          json={"workshop_id": later["id"]}).status_code == 201
            period = {"from": (date.today() - timedelta(days=3)).isoformat(),
                      "to": (date.today() + timedelta(days=1)).isoformat()}
            report = m.get("/stats/report", params=period).json()
            csv = m.get("/stats/report", params=period, headers={"Accept": "text/csv"}).text
        assert (report["workshops"], report["registered"], report["attended"]) == (1, 1, 1)
        assert any(line.startswith("registered;") and line.endswith(";1")
                   for line in csv.splitlines())
    finally:
        hub.server.stop()
