"""Who may use the flow, statistics, workshop and account endpoints, and the order of
checks (401, 403, 422, 404). Every request here is harmless, so one hub serves them all."""

from __future__ import annotations

from tests.hub.conftest import Hub

ALL = {"kiosk", "mediator", "manager"}
STAFF = {"mediator", "manager"}
MANAGER = {"manager"}
# (method, path, JSON body, roles allowed)
ENDPOINTS = [
    ("GET", "/flows", None, ALL),
    ("GET", "/flows/send-parcel", None, ALL),
    ("GET", "/flows/send-parcel?draft=1", None, MANAGER),
    ("PUT", "/flows/send-parcel", {}, MANAGER),
    ("POST", "/flows/nope/publish", None, MANAGER),
    ("POST", "/flows/nope/rollback", None, MANAGER),
    ("GET", "/flows/send-parcel/versions", None, ALL),
    ("GET", "/flows/send-parcel/versions/1", None, ALL),
    ("DELETE", "/flows/nope/draft", None, MANAGER),
    ("POST", "/flows/nope/versions/1/current", None, MANAGER),
    ("POST", "/flows/nope/retire", None, MANAGER),
    ("POST", "/flows/nope/restore", None, MANAGER),
    ("GET", "/flows/nope/changes", None, MANAGER),
    ("GET", "/pictures", None, ALL),
    ("GET", "/pictures/nope.svg", None, ALL),
    ("PUT", "/pictures/nope.svg", {}, MANAGER),
    ("GET", "/stats/funnel?flow=send-parcel", None, MANAGER),
    ("GET", "/stats/help", None, MANAGER),
    ("GET", "/stats/report", None, MANAGER),
    ("GET", "/workshops", None, STAFF),
    ("POST", "/workshops", {}, MANAGER),
    ("GET", "/workshops/999", None, STAFF),
    ("POST", "/workshops/999/registrations", {}, STAFF),
    ("GET", "/workshops/999/registrations", None, STAFF),
    ("POST", "/workshops/999/attendance", {}, STAFF),
    ("PATCH", "/workshops/999", {"place": "Salle 2"}, MANAGER),
    ("POST", "/workshops/999/cancel", {"reason": "Salle prise"}, MANAGER),
    ("POST", "/workshops/999/registrations/1/cancel", None, STAFF),
    ("POST", "/workshops/999/registrations/1/move", {"workshop_id": 2}, STAFF),
    ("GET", "/users", None, MANAGER),
    ("POST", "/users", {}, MANAGER),
    ("POST", "/users/nobody/password", {}, MANAGER),
    ("POST", "/users/nobody/disable", None, MANAGER),
    ("POST", "/users/nobody/enable", None, MANAGER),
]
WHO = {"kiosk": "k1", "mediator": "aicha", "manager": "manon"}


def test_role_matrix(shared_hub: Hub) -> None:
    wrong = []
    with shared_hub.client() as anon:
        for method, path, body, _ in ENDPOINTS:
            if anon.request(method, path, json=body).status_code != 401:
                wrong.append((method, path, None))
            bad = anon.request(method, path, json=body, headers={"Authorization": "Bearer no"})
            if bad.status_code != 401:
                wrong.append((method, path, "bad token"))
    for role, who in WHO.items():
        with shared_hub.client(who) as c:
            for method, path, body, allowed in ENDPOINTS:
                status = c.request(method, path, json=body).status_code
                if (role in allowed) == (status in (401, 403)) or \
                        (role not in allowed and status != 403):
                    wrong.append((method, path, role, status))
    assert wrong == []


def test_a_bad_body_comes_before_a_missing_thing(shared_hub: Hub) -> None:
    with shared_hub.client("manon") as m:
        assert m.post("/workshops/999/registrations", json={}).status_code == 422
        assert m.post("/workshops/999/attendance", content=b"{bad").status_code == 422
        assert m.post("/users/nobody/password", json={"password": "x"}).status_code == 422
        assert m.post("/flows/nope/publish", json={"note": 5}).status_code == 422
        big = b"{" + b" " * (1024 * 1024) + b"}"
        assert m.put("/flows/nope", content=big).status_code == 413
    with shared_hub.client("k1") as k:  # the role comes before the body
        assert k.put("/flows/nope", content=b"{bad").status_code == 403
