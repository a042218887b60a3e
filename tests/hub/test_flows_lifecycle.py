"""A flow's life on the hub: a blank new flow from draft to publish, discarding a draft,
making any version current with a note, retiring a flow from the kiosks and restoring it,
and the log of those changes (with what kiosks hear on the stream)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import websockets.sync.client as ws_client

from kiosk import paths
from tests.hub.conftest import Hub

YAML = {"Content-Type": "application/yaml"}


def builtin(flow_id: str) -> str:
    return (paths.builtin_flows_dir() / f"{flow_id}.yaml").read_text(encoding="utf-8")


def retitled(title: str, flow_id: str = "buy-stamps") -> str:
    text = builtin(flow_id)
    old = next(line for line in text.splitlines() if line.strip().startswith("fr:"))
    return text.replace(old, old.split("fr:")[0] + f'fr: "{title}"', 1)


def publish(m: httpx.Client, text: str, note: str, flow_id: str = "buy-stamps") -> int:
    saved = m.put(f"/flows/{flow_id}", content=text.encode(), headers=YAML)
    assert saved.status_code == 200, saved.text
    done = m.post(f"/flows/{flow_id}/publish", json={"note": note})
    assert done.status_code == 200, done.text
    return int(done.json()["version"])


def changes(m: httpx.Client, flow_id: str = "buy-stamps") -> list[tuple[Any, ...]]:
    items = m.get(f"/flows/{flow_id}/changes").json()["items"]
    return [(i["action"], i["version"], i["note"], i["by"]) for i in items]


NEW_FLOW = """schema: 1
id: ask-the-counter
title: {fr: "Aller au guichet"}
start: go
steps:
  - id: go
    text: {fr: "Allez au guichet."}
    image: counter.svg
    end: true
"""


def test_a_blank_new_flow_goes_from_draft_to_publish(hub: Hub) -> None:
    assert (paths.assets_dir() / "pictures" / "counter.svg").is_file()
    with hub.client("manon") as m, hub.client("k1") as k:
        assert publish(m, NEW_FLOW, "first", "ask-the-counter") == 1
        assert k.get("/flows/ask-the-counter").json()["flow"]["title"] == {"fr": "Aller au guichet"}
        assert "ask-the-counter" in {i["id"] for i in k.get("/flows").json()["items"]}
        assert changes(m, "ask-the-counter") == [("published", 1, "first", "manon")]


def test_discarding_a_draft(hub: Hub) -> None:
    with hub.client("manon") as m:
        assert m.delete("/flows/buy-stamps/draft").status_code == 404  # none yet
        assert m.put("/flows/buy-stamps", content=retitled("Brouillon").encode(),
                     headers=YAML).status_code == 200
        gone = m.delete("/flows/buy-stamps/draft")
        assert gone.status_code == 200
        assert gone.json() == {"id": "buy-stamps", "discarded": True}
        assert m.get("/flows/buy-stamps?draft=1").status_code == 404
        assert m.delete("/flows/buy-stamps/draft").status_code == 404
        assert m.get("/flows/buy-stamps").json()["version"] == 1  # the version stays
        # a flow that only had a draft goes with it
        assert m.put("/flows/ask-the-counter", content=NEW_FLOW.encode(),
                     headers=YAML).status_code == 200
        assert m.delete("/flows/ask-the-counter/draft").status_code == 200
        assert "ask-the-counter" not in {i["id"] for i in m.get("/flows").json()["items"]}
        assert m.delete("/flows/nothing-here/draft").status_code == 404
        assert changes(m) == [("discarded", 1, None, "manon")]


def test_any_version_made_current_with_a_note_and_the_log(hub: Hub) -> None:
    url = hub.url.replace("http", "ws") + f"/api/v1/stream?token={hub.tokens['k1']}"
    with hub.client("manon") as m, ws_client.connect(url, open_timeout=5) as ws:
        assert publish(m, retitled("Timbres v2"), "v2") == 2
        assert publish(m, retitled("Timbres v3"), "v3") == 3
        back = m.post("/flows/buy-stamps/versions/1/current", json={"note": "v2 and v3 confuse"})
        assert back.status_code == 200, back.text
        assert (back.json()["version"], back.json()["current"]) == (1, True)
        assert m.post("/flows/buy-stamps/versions/1/current").status_code == 409
        assert m.post("/flows/buy-stamps/versions/9/current").status_code == 404
        assert m.post("/flows/nothing-here/versions/1/current").status_code == 404
        assert m.post("/flows/buy-stamps/versions/1/current",
                      json={"note": 3}).status_code == 422
        assert m.post("/flows/buy-stamps/versions/3/current").status_code == 200  # no note
        assert m.post("/flows/buy-stamps/rollback").status_code == 200  # 3 -> 2
        assert m.get("/flows/buy-stamps").json()["flow"]["title"]["fr"] == "Timbres v2"
        heard = [json.loads(ws.recv(timeout=5)) for _ in range(5)]
        assert changes(m) == [("rollback", 2, "rollback", "manon"),
                              ("current", 3, None, "manon"),
                              ("current", 1, "v2 and v3 confuse", "manon"),
                              ("published", 3, "v3", "manon"),
                              ("published", 2, "v2", "manon")]
        item = m.get("/flows/buy-stamps/changes").json()["items"][0]
        assert set(item) == {"action", "version", "note", "by", "at"}
    assert [(h["type"], h["flow"]["version"]) for h in heard] == [
        ("flow.published", 2), ("flow.published", 3), ("flow.published", 1),
        ("flow.published", 3), ("flow.published", 2)]


def test_retire_and_restore_and_what_kiosks_list(hub: Hub) -> None:
    url = hub.url.replace("http", "ws") + f"/api/v1/stream?token={hub.tokens['k1']}"
    with hub.client("manon") as m, hub.client("k1") as k, hub.client("aicha") as a, \
            ws_client.connect(url, open_timeout=5) as ws:
        assert all(i["retired"] is False for i in m.get("/flows").json()["items"])
        assert "retired" not in k.get("/flows").json()["items"][0]
        assert m.post("/flows/nothing-here/retire").status_code == 404
        assert m.post("/flows/buy-stamps/restore").status_code == 409  # not retired
        retired = m.post("/flows/buy-stamps/retire", json={"note": "new machine"})
        assert retired.status_code == 200, retired.text
        assert retired.json()["retired"] is True
        assert m.post("/flows/buy-stamps/retire").status_code == 409
        for client in (k, a, m):
            items = {i["id"]: i for i in client.get("/flows").json()["items"]}
            assert items["buy-stamps"]["retired"] is True
            assert items["buy-stamps"]["version"] == 1  # kept, with its history
        assert k.get("/flows/buy-stamps").status_code == 200
        assert m.post("/flows/buy-stamps/restore").status_code == 200
        assert m.get("/flows").json()["items"][0]["retired"] is False
        assert "retired" not in {i["id"]: i for i in k.get("/flows").json()["items"]}["buy-stamps"]
        heard = [json.loads(ws.recv(timeout=5)) for _ in range(2)]
        assert changes(m) == [("restored", 1, None, "manon"),
                              ("retired", 1, "new machine", "manon")]
    assert [(h["type"], h["flow"]) for h in heard] == [
        ("flow.retired", {"id": "buy-stamps"}), ("flow.restored", {"id": "buy-stamps"})]


@pytest.mark.parametrize("who", ["k1", "aicha"])
def test_only_managers_change_a_flows_life(shared_hub: Hub, who: str) -> None:
    with shared_hub.client(who) as c:
        assert c.delete("/flows/buy-stamps/draft").status_code == 403
        assert c.post("/flows/buy-stamps/versions/1/current").status_code == 403
        assert c.post("/flows/buy-stamps/retire").status_code == 403
        assert c.post("/flows/buy-stamps/restore").status_code == 403
        assert c.get("/flows/buy-stamps/changes").status_code == 403
    with shared_hub.client("manon") as m:
        assert m.get("/flows/nothing-here/changes").status_code == 404
        assert m.get("/flows/buy-stamps/changes").json() == {"items": []}
