"""Mediators on duty: presence, hand-over to a colleague (accept, decline, time-out), notes
while a call is open, my day, and the call's own text, against a real hub."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets.sync.client as ws_client

from tests.hub.conftest import Hub, make_hub
from tests.hub.test_help_requests import call

TEXTS = {"flow_version": 3, "flow_title_fr": "Envoyer un colis", "flow_title": "Send a parcel",
         "step_title_fr": "Posez le colis sur la balance", "step_title": "Put the parcel on…",
         "step_text_fr": "Posez le colis sur la balance.", "step_text": "Put the parcel on the scale."}


def stream(hub: Hub, who: str, since: int | None = None) -> Any:
    """A browser's way: the token as the subprotocol after "guichet", never in the URL."""
    url = hub.url.replace("http", "ws") + "/api/v1/stream"
    if since is not None:
        url += f"?since={since}"
    return ws_client.connect(url, open_timeout=5, subprotocols=["guichet", hub.tokens[who]])


def until(ws: Any, kind: str, timeout: float = 5) -> dict[str, Any]:
    """The next message of type ``kind`` (others skipped)."""
    end = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.05, end - time.monotonic())))
        if message["type"] == kind:
            return message


def kiosk_stream(hub: Hub) -> Any:
    """A kiosk's stream: of presence, it hears how many mediators are free."""
    url = hub.url.replace("http", "ws") + f"/api/v1/stream?token={hub.tokens['k1']}"
    return ws_client.connect(url, open_timeout=5)


def free_becomes(kiosk: Any, n: int) -> None:
    """Wait until the kiosk hears that ``n`` mediators are free."""
    while until(kiosk, "presence.changed")["available"] != n:
        pass


@pytest.fixture
def quick_hub(tmp_path: Path) -> Iterator[Hub]:
    """A hub whose unanswered hand-overs go back to the queue after 0.6 s."""
    h = make_hub(tmp_path / "hub.sqlite3", handover_after=0.6)
    yield h
    h.server.stop()


def claimed_call(hub: Hub, who: str = "aicha", **extra: Any) -> str:
    body = call(**extra)
    with hub.client("k1") as k, hub.client(who) as c:
        assert k.post("/help-requests", json=body).status_code == 201
        assert c.post(f"/help-requests/{body['id']}/claim").status_code == 200
    return str(body["id"])


# -- presence -----------------------------------------------------------------------------
def test_presence_follows_streams_choices_and_calls(hub: Hub) -> None:
    with hub.client("aicha") as a, hub.client("k1") as k:
        people = {p["name"]: p for p in a.get("/presence").json()["items"]}
        assert set(people) == {"aicha", "bruno", "manon"}  # people only, no kiosk
        assert {p["state"] for p in people.values()} == {"offline"}
        assert a.get("/presence").json()["available"] == 0
        assert a.get("/me").json()["state"] == "available"  # what she chose, stream or not
        body = call()
        queued = k.post("/help-requests", json=body).json()
        assert queued["available"] == 0  # the kiosk says "nobody is free"
        with kiosk_stream(hub) as heard:
            with stream(hub, "aicha") as ws, stream(hub, "bruno") as wb:
                assert until(ws, "presence.changed")["person"]["name"] in ("aicha", "bruno")
                free_becomes(heard, 2)
                assert a.get("/presence").json()["available"] == 2
                her_break_and_her_call(a, k, wb, body["id"])
            free_becomes(heard, 0)  # bruno goes off duty (aicha is busy)...
            until(heard, "presence.changed")  # ...then aicha
        assert a.get("/presence").json()["items"][0]["state"] == "offline"


def her_break_and_her_call(a: Any, k: Any, wb: Any, rid: str) -> None:
    """Aicha and Bruno on duty: her choice and her call change what everyone sees."""
    me = a.get("/me").json()
    assert me == {"name": "aicha", "role": "mediator", "state": "available",
                  "office": {"name": "Bureau de poste", "timezone": "Europe/Paris",
                             "today": me["office"]["today"]}}
    assert k.get(f"/help-requests/{rid}").json()["available"] == 2
    mine = a.put("/presence", json={"state": "break"})
    assert mine.status_code == 200
    assert mine.json()["state"] == "break"
    seen = until(wb, "presence.changed")
    while seen["person"]["name"] != "aicha" or seen["person"]["state"] != "break":
        seen = until(wb, "presence.changed")
    assert seen["person"]["office_available"] == 1
    a.post(f"/help-requests/{rid}/claim")
    states = {p["name"]: p["state"] for p in a.get("/presence").json()["items"]}
    assert states == {"aicha": "busy", "bruno": "available", "manon": "offline"}


def test_kiosks_hear_only_how_many_are_free(hub: Hub) -> None:
    with kiosk_stream(hub) as kiosk, stream(hub, "aicha"):
        message = until(kiosk, "presence.changed")
    assert message == {"seq": message["seq"], "type": "presence.changed", "available": 1}


def test_bad_presence_is_422(hub: Hub) -> None:
    with hub.client("aicha") as a:
        assert a.put("/presence", json={"state": "busy"}).status_code == 422
        assert a.put("/presence", json={}).status_code == 422


# -- hand-over ----------------------------------------------------------------------------
def test_handover_accepted(hub: Hub) -> None:
    rid = claimed_call(hub)
    with hub.client("aicha") as a, hub.client("bruno") as b, stream(hub, "bruno") as wb:
        offered = a.post(f"/help-requests/{rid}/handover", json={"to": "bruno"})
        assert offered.status_code == 200
        assert offered.json()["handover_to"] == "bruno"
        assert offered.json()["claimed_by"] == "aicha"  # still hers until bruno answers
        alert = until(wb, "help.handover")
        assert alert["request"]["handover_to"] == "bruno"
        assert a.post(f"/help-requests/{rid}/accept").status_code == 409  # not offered to her
        taken = b.post(f"/help-requests/{rid}/accept").json()
        assert (taken["claimed_by"], taken["handover_to"], taken["status"]) == \
            ("bruno", None, "claimed")
        assert until(wb, "help.accepted")["request"]["claimed_by"] == "bruno"
        assert a.post(f"/help-requests/{rid}/resolve", json={"outcome": "helped"}).status_code == 409
        assert b.post(f"/help-requests/{rid}/resolve", json={"outcome": "helped"}).status_code == 200


def test_handover_declined_goes_back_first_in_the_queue(hub: Hub) -> None:
    with hub.client("k1") as k:
        older = call()
        k.post("/help-requests", json=older)
    rid = claimed_call(hub)  # newer than the one waiting
    with hub.client("aicha") as a, hub.client("bruno") as b, hub.client("k1") as k:
        a.post(f"/help-requests/{rid}/handover", json={"to": "bruno"})
        back = b.post(f"/help-requests/{rid}/decline").json()
        assert (back["status"], back["claimed_by"], back["handover_to"], back["front"]) == \
            ("queued", None, None, 1)
        assert k.get(f"/help-requests/{rid}").json()["position"] == 1
        assert k.get(f"/help-requests/{older['id']}").json()["position"] == 2
        assert b.post(f"/help-requests/{rid}/decline").status_code == 409  # answered already
        again = b.post(f"/help-requests/{rid}/claim").json()
        assert again["front"] == 0


def test_unanswered_handover_returns_to_the_queue(quick_hub: Hub) -> None:
    rid = claimed_call(quick_hub)
    with quick_hub.client("aicha") as a, stream(quick_hub, "aicha") as ws:
        a.post(f"/help-requests/{rid}/handover", json={"to": "bruno"})
        back = until(ws, "help.declined", timeout=10)["request"]
    assert (back["id"], back["status"], back["front"], back["handover_to"]) == \
        (rid, "queued", 1, None)


def test_handover_needs_a_real_colleague_and_the_call(hub: Hub) -> None:
    rid = claimed_call(hub)
    with hub.client("aicha") as a, hub.client("bruno") as b:
        assert a.post(f"/help-requests/{rid}/handover", json={"to": "nobody"}).status_code == 422
        assert a.post(f"/help-requests/{rid}/handover", json={"to": "k1"}).status_code == 422
        assert a.post(f"/help-requests/{rid}/handover", json={}).status_code == 422
        assert a.post(f"/help-requests/{rid}/handover", json={"to": "aicha"}).status_code == 409
        assert b.post(f"/help-requests/{rid}/handover", json={"to": "bruno"}).status_code == 409
        released = a.post(f"/help-requests/{rid}/handover", json={"to": "bruno"})
        assert released.status_code == 200
        assert a.post(f"/help-requests/{rid}/release").json()["handover_to"] is None
        assert b.post(f"/help-requests/{rid}/accept").status_code == 409  # taken back


# -- notes, my day, the call's text -------------------------------------------------------
def test_notes_while_open_and_kept_at_resolve(hub: Hub) -> None:
    rid = claimed_call(hub)
    with hub.client("aicha") as a, hub.client("bruno") as b:
        assert a.post(f"/help-requests/{rid}/note", json={"note": "cherche son avis"}
                      ).json()["note"] == "cherche son avis"
        assert b.post(f"/help-requests/{rid}/note", json={"note": "x"}).status_code == 409
        assert a.post(f"/help-requests/{rid}/note", json={"note": "x" * 2001}).status_code == 422
        done = a.post(f"/help-requests/{rid}/resolve", json={"outcome": "helped"}).json()
        assert done["note"] == "cherche son avis"  # no new note: the last one stays


def test_my_day_lists_my_calls_and_counts_per_hour(hub: Hub) -> None:
    first, second = claimed_call(hub), claimed_call(hub)
    claimed_call(hub, who="bruno")
    with hub.client("aicha") as a:
        a.post(f"/help-requests/{first}/resolve", json={"outcome": "left", "note": "parti"})
        day = a.get("/me/day").json()
    assert [r["id"] for r in day["items"]] == [second, first]  # newest first
    assert day["count"] == 2
    assert sum(h["count"] for h in day["per_hour"]) == 2
    assert day["items"][1]["outcome"] == "left"
    assert day["items"][1]["note"] == "parti"
    from datetime import datetime
    from zoneinfo import ZoneInfo

    paris = datetime.fromisoformat(day["items"][0]["claimed_at"]).astimezone(ZoneInfo("Europe/Paris"))
    assert day["items"][0]["time"] == paris.strftime("%H:%M")  # the office's clock
    assert paris.hour in [h["hour"] for h in day["per_hour"]]


def test_a_call_carries_its_own_text(hub: Hub) -> None:
    body = call(language="en", **TEXTS)
    with hub.client("k1") as k, hub.client("aicha") as a:
        assert k.post("/help-requests", json=body).status_code == 201
        (listed,) = a.get("/help-requests").json()["items"]
    for key, value in TEXTS.items():
        assert listed[key] == value
    with hub.client("k1") as k:
        too_long = call(step_text="x" * 2001)
        assert k.post("/help-requests", json=too_long).status_code == 422
        assert k.post("/help-requests", json=call(flow_version=0)).status_code == 422


# -- the stream, from a browser ------------------------------------------------------------
def test_stream_takes_the_token_as_a_subprotocol(hub: Hub) -> None:
    with stream(hub, "aicha") as ws, hub.client("k1") as k:
        assert ws.subprotocol == "guichet"
        body = call()
        k.post("/help-requests", json=body)
        assert until(ws, "help.created")["request"]["id"] == body["id"]
    url = hub.url.replace("http", "ws") + "/api/v1/stream"
    with pytest.raises(Exception, match="4401"), \
            ws_client.connect(url, open_timeout=5, subprotocols=["guichet", "nope"]) as ws:
        ws.recv(timeout=5)
