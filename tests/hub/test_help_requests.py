"""The help-request lifecycle through HTTP, against a real server and database."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx

from tests.hub.conftest import Hub


def call(kiosk: str = "k1", **extra: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "kiosk_id": kiosk, "language": "fr",
            "flow_id": "send-parcel", "step_id": "weigh", "kind": "help", **extra}


def test_whole_lifecycle(hub: Hub) -> None:
    body = call(seconds_on_step=42.5)
    with hub.client("k1") as k, hub.client("aicha") as a:
        created = k.post("/help-requests", json=body)
        assert created.status_code == 201
        assert created.json()["status"] == "queued"
        again = k.post("/help-requests", json=body)
        assert again.status_code == 200
        assert again.json() == created.json()
        listed = a.get("/help-requests").json()
        assert [r["id"] for r in listed["items"]] == [body["id"]]
        assert listed["next"] is None
        claimed = a.post(f"/help-requests/{body['id']}/claim")
        assert claimed.json()["claimed_by"] == "aicha"
        assert k.get(f"/help-requests/{body['id']}").json()["status"] == "claimed"
        done = a.post(f"/help-requests/{body['id']}/resolve",
                      json={"outcome": "workshop", "note": "inscrite jeudi"})
        assert done.status_code == 200
        assert done.json()["outcome"] == "workshop"
        assert a.get("/help-requests").json()["items"] == []
        assert len(a.get("/help-requests?status=resolved").json()["items"]) == 1


def test_claim_race_has_exactly_one_winner(hub: Hub) -> None:
    body = call()
    with hub.client("k1") as k:
        k.post("/help-requests", json=body)
    results: list[int] = []
    barrier = threading.Barrier(2)

    def claim(who: str) -> None:
        with hub.client(who) as c:
            barrier.wait()
            results.append(c.post(f"/help-requests/{body['id']}/claim").status_code)

    threads = [threading.Thread(target=claim, args=(w,)) for w in ("aicha", "bruno")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]


def test_release_puts_it_back_and_others_can_claim(hub: Hub) -> None:
    body = call()
    with hub.client("k1") as k, hub.client("aicha") as a, hub.client("bruno") as b:
        k.post("/help-requests", json=body)
        a.post(f"/help-requests/{body['id']}/claim")
        assert b.post(f"/help-requests/{body['id']}/release").status_code == 409
        assert b.post(f"/help-requests/{body['id']}/resolve",
                      json={"outcome": "helped"}).status_code == 409
        assert a.post(f"/help-requests/{body['id']}/release").json()["status"] == "queued"
        assert b.post(f"/help-requests/{body['id']}/claim").json()["claimed_by"] == "bruno"


def test_cancel_by_its_kiosk_only(hub: Hub) -> None:
    body = call()
    with hub.client("k1") as k, hub.client("k2") as k2, hub.client("aicha") as a:
        k.post("/help-requests", json=body)
        assert k2.post(f"/help-requests/{body['id']}/cancel").status_code == 403
        assert k.post(f"/help-requests/{body['id']}/cancel").json()["status"] == "cancelled"
        assert k.post(f"/help-requests/{body['id']}/cancel").status_code == 200  # a repeat
        assert a.post(f"/help-requests/{body['id']}/claim").status_code == 409


def test_resolved_cannot_be_cancelled_or_claimed(hub: Hub) -> None:
    body = call()
    with hub.client("k1") as k, hub.client("manon") as m:
        k.post("/help-requests", json=body)
        m.post(f"/help-requests/{body['id']}/claim")
        m.post(f"/help-requests/{body['id']}/resolve", json={"outcome": "left"})
        assert k.post(f"/help-requests/{body['id']}/cancel").status_code == 409
        assert m.post(f"/help-requests/{body['id']}/claim").status_code == 409


def test_same_id_from_another_kiosk_is_a_conflict(hub: Hub) -> None:
    body = call()
    with hub.client("k1") as k, hub.client("k2") as k2:
        k.post("/help-requests", json=body)
        assert k2.post("/help-requests", json={**body, "kiosk_id": "k2"}).status_code == 409


def test_list_pages_with_a_cursor(hub: Hub) -> None:
    with hub.client("k1") as k, hub.client("aicha") as a:
        ids = [k.post("/help-requests", json=call()).json()["id"] for _ in range(5)]
        page = a.get("/help-requests?limit=2").json()
        seen = [r["id"] for r in page["items"]]
        while page["next"]:
            page = a.get("/help-requests", params={"limit": 2, "after": page["next"]}).json()
            seen += [r["id"] for r in page["items"]]
        assert seen == ids


def test_unknown_request_is_404(hub: Hub) -> None:
    with hub.client("aicha") as a:
        assert a.post(f"/help-requests/{uuid.uuid4()}/claim").status_code == 404
        assert a.get(f"/help-requests/{uuid.uuid4()}").status_code == 404


def test_unclaimed_calls_are_realerted(tmp_path: Any) -> None:
    from tests.hub.conftest import make_hub

    hub = make_hub(tmp_path / "hub.sqlite3", realert_after=0.3)
    try:
        with hub.client("k1") as k, hub.client("aicha") as a:
            body = call()
            k.post("/help-requests", json=body)
            deadline = httpx.Timeout(5)
            del deadline
            import json

            import websockets.sync.client as ws_client

            url = hub.url.replace("http", "ws") + f"/api/v1/stream?token={hub.tokens['aicha']}&since=0"
            with ws_client.connect(url, open_timeout=5) as ws:
                kinds = []
                while "help.realerted" not in kinds:
                    kinds.append(json.loads(ws.recv(timeout=5))["type"])
            assert a.get(f"/help-requests/{body['id']}").json()["realerted_at"]
    finally:
        hub.server.stop()


def test_a_queued_request_knows_its_position(hub: Hub) -> None:
    with hub.client("k1") as k, hub.client("aicha") as a:
        first, second = (k.post("/help-requests", json=call()).json() for _ in range(2))
        assert k.get(f"/help-requests/{second['id']}").json()["position"] == 2
        a.post(f"/help-requests/{first['id']}/claim")
        assert k.get(f"/help-requests/{second['id']}").json()["position"] == 1
        assert "position" not in k.get(f"/help-requests/{first['id']}").json()


def test_a_call_keeps_the_time_the_customer_asked(hub: Hub) -> None:
    """A call that waited in an offline kiosk's outbox keeps its real age; a kiosk clock
    far off (or in the future) is not believed."""
    import uuid
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    cases = [(now - timedelta(minutes=7), True), (now - timedelta(days=3), False),
             (now + timedelta(hours=2), False)]
    with hub.client("k1") as k:
        for at, believed in cases:
            rid = str(uuid.uuid4())
            r = k.post("/help-requests", json={"id": rid, "kiosk_id": "k1", "language": "fr",
                                               "at": at.isoformat()})
            assert r.status_code == 201, r.text
            created = datetime.fromisoformat(r.json()["created_at"])
            assert (abs(created - at) < timedelta(seconds=1)) is believed
        bad = k.post("/help-requests", json={"id": str(uuid.uuid4()), "kiosk_id": "k1",
                                             "language": "fr", "at": "2026-11-23T10:00:00"})
        assert bad.status_code == 422  # a time without its offset is ambiguous
