"""``GET /stats/glossary``: the glossary words customers opened (events
``glossary.opened`` posted through ``POST /events``), counted per term, language, flow
and step, most opened first; managers only; bad dates are 422."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hub.conftest import Hub, make_hub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def opened(kiosk: str, term: str, language: str, flow: str, step: str, at: str,
           type_: str = "glossary.opened") -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "kiosk_id": kiosk, "session_id": str(uuid.uuid4()),
            "type": type_, "flow_id": flow, "step_id": step, "at": at,
            "data": {"term": term, "language": language}}


def post(hub: Hub, kiosk: str, events: list[dict[str, Any]]) -> None:
    with hub.client(kiosk) as client:
        answer = client.post("/events", json=events)
        assert answer.status_code == 200, answer.text


def test_words_opened_are_counted_most_first(hub: Hub) -> None:
    day = "2026-11-23T10:00:00+00:00"
    post(hub, "k1", [opened("k1", "etiquette", "fr", "send-parcel", "label", day),
                     opened("k1", "etiquette", "fr", "send-parcel", "label", day),
                     opened("k1", "etiquette", "ar", "send-parcel", "label", day),
                     opened("k1", "consigne", "fr", "use-locker", "type-code", day),
                     opened("k1", "etiquette", "fr", "send-parcel", "label", day, "step")])
    post(hub, "k2", [opened("k2", "etiquette", "fr", "send-parcel", "label", day),
                     opened("k2", "automate", "fr", "send-parcel", "start",
                            "2026-11-25T10:00:00+00:00")])
    with hub.client("manon") as manager:
        answer = manager.get("/stats/glossary", params={"from": "2026-11-23", "to": "2026-11-23"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["items"] == [
            {"term": "etiquette", "language": "fr", "flow_id": "send-parcel",
             "step_id": "label", "opened": 3},
            {"term": "consigne", "language": "fr", "flow_id": "use-locker",
             "step_id": "type-code", "opened": 1},
            {"term": "etiquette", "language": "ar", "flow_id": "send-parcel",
             "step_id": "label", "opened": 1}]
        one = manager.get("/stats/glossary", params={"flow": "use-locker"}).json()["items"]
        assert [(i["term"], i["opened"]) for i in one] == [("consigne", 1)]
        k2 = manager.get("/stats/glossary", params={"kiosk": "k2"}).json()["items"]
        assert sorted((i["term"], i["opened"]) for i in k2) == [("automate", 1), ("etiquette", 1)]
        empty = manager.get("/stats/glossary", params={"from": "2020-01-01", "to": "2020-01-02"})
        assert empty.json()["items"] == []


def test_managers_only_and_bad_dates_refused(hub: Hub) -> None:
    with hub.client() as nobody:
        assert nobody.get("/stats/glossary").status_code == 401
    for who in ("k1", "aicha"):
        with hub.client(who) as other:
            assert other.get("/stats/glossary").status_code == 403
    with hub.client("manon") as manager:
        bad = manager.get("/stats/glossary", params={"from": "yesterday"})
        assert bad.status_code == 422
        assert manager.get("/stats/glossary", params={"flow": "x" * 65}).status_code == 422
