"""Accounts managed by a manager: list, add, new password, disable (tokens stop at once,
even those the hub has cached), enable."""

from __future__ import annotations

from typing import Any

import httpx

from tests.hub.conftest import PASSWORD, Hub


def login(hub: Hub, name: str, password: str = PASSWORD) -> httpx.Response:
    with hub.client() as c:
        return c.post("/auth/login", json={"username": name, "password": password})


def as_token(hub: Hub, token: str) -> httpx.Client:
    return httpx.Client(base_url=f"{hub.url}/api/v1", timeout=10,
                        headers={"Authorization": f"Bearer {token}"})


def test_list_and_add(hub: Hub) -> None:
    with hub.client("manon") as m:
        names = [(u["name"], u["role"], u["disabled"]) for u in m.get("/users").json()["items"]]
        assert names == [("aicha", "mediator", False), ("bruno", "mediator", False),
                         ("manon", "manager", False)]
        created = m.post("/users", json={"name": "zoe", "role": "mediator",
                                         "password": "long-enough"})
        assert created.status_code == 201
        user: dict[str, Any] = created.json()
        assert (user["name"], user["role"], user["disabled"]) == ("zoe", "mediator", False)
        assert user["created_at"]
        again = m.post("/users", json={"name": "zoe", "role": "manager", "password": "whatever1"})
        assert again.status_code == 409
        for bad in ({"name": "x", "role": "mediator", "password": "short"},
                    {"name": "x", "role": "kiosk", "password": "long-enough"},
                    {"name": "a b", "role": "mediator", "password": "long-enough"},
                    {"name": "x", "role": "mediator"}):
            assert m.post("/users", json=bad).status_code == 422, bad
    assert login(hub, "zoe", "long-enough").json()["role"] == "mediator"


def test_new_password(hub: Hub) -> None:
    with hub.client("manon") as m:
        assert m.post("/users/bruno/password", json={"password": "brand-new-1"}).status_code == 200
        assert m.post("/users/bruno/password", json={"password": "short"}).status_code == 422
        assert m.post("/users/nobody/password", json={"password": "brand-new-1"}).status_code == 404
    assert login(hub, "bruno").status_code == 401
    assert login(hub, "bruno", "brand-new-1").status_code == 200


def test_disable_stops_tokens_at_once_and_enable_needs_a_new_login(hub: Hub) -> None:
    with hub.client("aicha") as a, hub.client("manon") as m:
        assert a.get("/help-requests").status_code == 200  # the token is now cached
        off = m.post("/users/aicha/disable")
        assert off.status_code == 200
        assert off.json()["disabled"] is True
        assert a.get("/help-requests").status_code == 401
        assert login(hub, "aicha").status_code == 401
        assert m.post("/users/aicha/disable").status_code == 200  # a repeat is harmless
        assert m.post("/users/aicha/enable").json()["disabled"] is False
        assert a.get("/help-requests").status_code == 401  # old tokens do not come back
    fresh = login(hub, "aicha").json()["token"]
    with as_token(hub, fresh) as a:
        assert a.get("/help-requests").status_code == 200


def test_a_manager_cannot_disable_themself(hub: Hub) -> None:
    with hub.client("manon") as m:
        r = m.post("/users/manon/disable")
        assert r.status_code == 409
        assert "your own" in r.json()["detail"]
        assert m.post("/users/nobody/disable").status_code == 404
        assert m.post("/users/nobody/enable").status_code == 404
        assert m.get("/users").status_code == 200  # still in


def test_accounts_are_for_managers(hub: Hub) -> None:
    for who in ("k1", "aicha"):
        with hub.client(who) as c:
            assert c.get("/users").status_code == 403
            assert c.post("/users", json={}).status_code == 403
            assert c.post("/users/bruno/disable").status_code == 403
            assert c.post("/users/bruno/password", json={"password": "x" * 9}).status_code == 403
    with hub.client() as anon:
        assert anon.get("/users").status_code == 401
