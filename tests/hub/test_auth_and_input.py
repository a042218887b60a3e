"""Who may do what (the whole matrix), and bad input answered with 4xx, never 500."""

from __future__ import annotations

import uuid

import pytest

from tests.hub.conftest import PASSWORD, Hub
from tests.hub.test_help_requests import call

RID = "00000000-0000-4000-8000-000000000000"
# (method, path, body, roles allowed)
ENDPOINTS = [
    ("GET", "/help-requests", None, {"mediator", "manager"}),
    ("GET", f"/help-requests/{RID}", None, {"kiosk", "mediator", "manager"}),
    ("POST", "/help-requests", "call", {"kiosk"}),
    ("POST", f"/help-requests/{RID}/claim", None, {"mediator", "manager"}),
    ("POST", f"/help-requests/{RID}/release", None, {"mediator", "manager"}),
    ("POST", f"/help-requests/{RID}/resolve", {"outcome": "helped"}, {"mediator", "manager"}),
    ("POST", f"/help-requests/{RID}/cancel", None, {"kiosk"}),
    ("POST", "/events", [], {"kiosk"}),
    ("POST", "/kiosks/k1/heartbeat", {}, {"kiosk"}),
    ("GET", "/kiosks", None, {"mediator", "manager"}),
    ("POST", f"/help-requests/{RID}/note", {"note": "n"}, {"mediator", "manager"}),
    ("POST", f"/help-requests/{RID}/handover", {"to": "bruno"}, {"mediator", "manager"}),
    ("POST", f"/help-requests/{RID}/accept", None, {"mediator", "manager"}),
    ("POST", f"/help-requests/{RID}/decline", None, {"mediator", "manager"}),
    ("GET", "/me", None, {"mediator", "manager"}),
    ("GET", "/me/day", None, {"mediator", "manager"}),
    ("GET", "/presence", None, {"mediator", "manager"}),
    ("PUT", "/presence", {"state": "break"}, {"mediator", "manager"}),
]
WHO = {"kiosk": "k1", "mediator": "aicha", "manager": "manon"}


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_role_matrix(hub: Hub, method: str, path: str, body: object, allowed: set[str]) -> None:
    payload = call() if body == "call" else body
    with hub.client() as anon:
        assert anon.request(method, path, json=payload).status_code == 401
    with hub.client() as bad:
        r = bad.request(method, path, json=payload, headers={"Authorization": "Bearer nope"})
        assert r.status_code == 401
    for role, who in WHO.items():
        with hub.client(who) as c:
            status = c.request(method, path, json=payload).status_code
        if role in allowed:
            assert status not in (401, 403), (role, status)
        else:
            assert status == 403, (role, status)


def test_health_needs_no_token(hub: Hub) -> None:
    with hub.client() as c:
        assert c.get("/health").json() == {"status": "ok", "version": "0.1.0", "db": "ok"}


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"id": 5}', b"", b'"text"',
                                     b'{"id": "not-a-uuid", "kiosk_id": "k1", "language": "fr"}',
                                     b'{"id": "' + str(uuid.uuid4()).encode()
                                     + b'", "kiosk_id": "k1", "language": "fr", "x": 1}'])
def test_bad_bodies_are_422_with_a_message(hub: Hub, content: bytes) -> None:
    with hub.client("k1") as k:
        r = k.post("/help-requests", content=content,
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["detail"]


def test_order_of_checks(hub: Hub) -> None:
    with hub.client() as anon:  # no token beats a bad body
        assert anon.post("/help-requests", content=b"{bad").status_code == 401
    with hub.client("aicha") as a:  # the wrong role beats a bad body
        assert a.post("/help-requests", content=b"{bad").status_code == 403
    with hub.client("k1") as k:  # a body beats a missing request
        assert k.post(f"/help-requests/{uuid.uuid4()}/cancel").status_code == 404
        big = b"[" + b" " * (1024 * 1024) + b"]"
        assert k.post("/events", content=big).status_code == 413


def test_a_kiosk_posts_only_under_its_own_name(hub: Hub) -> None:
    with hub.client("k1") as k:
        assert k.post("/help-requests", json=call(kiosk="k2")).status_code == 403
        event = {"id": str(uuid.uuid4()), "kiosk_id": "k2", "type": "step",
                 "at": "2026-11-23T10:00:00+00:00"}
        assert k.post("/events", json=[event]).status_code == 403
        assert k.post("/kiosks/k2/heartbeat", json={}).status_code == 403


def test_bad_query_values_are_422(hub: Hub) -> None:
    with hub.client("aicha") as a:
        assert a.get("/help-requests?status=lost").status_code == 422
        assert a.get("/help-requests?limit=0").status_code == 422
        assert a.get("/help-requests?limit=many").status_code == 422


def test_failed_logins_lock_out_for_a_while(hub: Hub) -> None:
    with hub.client() as c:
        for _ in range(5):
            assert c.post("/auth/login", json={"username": "bruno",
                                               "password": "wrong"}).status_code == 401
        locked = c.post("/auth/login", json={"username": "bruno", "password": PASSWORD})
        assert locked.status_code == 429
        assert "Retry-After" in locked.headers
        ok = c.post("/auth/login", json={"username": "aicha", "password": PASSWORD})
        assert ok.json()["role"] == "mediator"  # another user is not locked out


def test_events_are_stored_once(hub: Hub) -> None:
    events = [{"id": str(uuid.uuid4()), "kiosk_id": "k1", "session_id": "s1", "type": "step",
               "flow_id": "send-parcel", "step_id": "weigh", "at": "2026-11-23T10:00:00+00:00",
               "data": {"choice": 1}} for _ in range(50)]
    with hub.client("k1") as k:
        assert k.post("/events", json=events).json() == {"received": 50, "stored": 50}
        assert k.post("/events", json=events[:10]).json() == {"received": 10, "stored": 0}


def test_heartbeat_makes_a_kiosk_online(hub: Hub) -> None:
    with hub.client("k1") as k, hub.client("manon") as m:
        before = {x["name"]: x for x in m.get("/kiosks").json()}
        assert before["k1"]["online"] is False
        k.post("/kiosks/k1/heartbeat", json={"flows": {"send-parcel": 1}, "voice": "ok",
                                             "outbox": 3})
        after = {x["name"]: x for x in m.get("/kiosks").json()}
        assert after["k1"]["online"] is True
        assert after["k1"]["info"]["outbox"] == 3
