"""Help calls the hub must refuse are kept (dead letters), never dropped in silence: the
manager lists them, and each kiosk's count shows on the kiosks' list."""

from __future__ import annotations

from tests.hub.conftest import Hub
from tests.hub.test_help_requests import call


def test_a_refused_call_is_kept_with_its_reason_and_body(hub: Hub) -> None:
    body = call(flow_id="x" * 65)
    with hub.client("k1") as k, hub.client("manon") as m, hub.client("aicha") as a:
        assert k.post("/help-requests", json=body).status_code == 422
        (letter,) = m.get("/dead-letters").json()["items"]
        kiosks = {row["name"]: row for row in m.get("/kiosks").json()}
        assert a.get("/dead-letters").status_code == 403  # the manager's page only
    assert letter["kiosk_id"] == "k1"
    assert letter["request_id"] == body["id"]
    assert letter["status"] == 422
    assert "flow_id" in letter["reason"]
    assert body["id"] in letter["body"]
    assert kiosks["k1"]["refused"] == 1
    assert kiosks["k2"]["refused"] == 0


def test_an_id_taken_by_another_kiosk_is_kept_too(hub: Hub) -> None:
    body = call()
    with hub.client("k1") as k1, hub.client("k2") as k2, hub.client("manon") as m:
        assert k1.post("/help-requests", json=body).status_code == 201
        assert k2.post("/help-requests", json={**body, "kiosk_id": "k2"}).status_code == 409
        items = m.get("/dead-letters", params={"kiosk": "k2"}).json()["items"]
        assert m.get("/dead-letters", params={"kiosk": "k1"}).json()["items"] == []
    assert [(i["status"], i["request_id"]) for i in items] == [(409, body["id"])]


def test_a_good_call_leaves_no_dead_letter(hub: Hub) -> None:
    with hub.client("k1") as k, hub.client("manon") as m:
        assert k.post("/help-requests", json=call()).status_code == 201
        assert m.get("/dead-letters").json()["items"] == []
