"""The kiosk's HubLink against a real hub: offline first, then delivered once; the
status of a call followed until a mediator claims it; cancel."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.client.link import HubLink
from kiosk.client.outbox import Outbox
from kiosk.client.session import HubSession
from kiosk.hub.server import HubServer
from tests.hub.conftest import Hub, make_hub
from tests.hub.test_faults import free_port


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def make_link(url: str, token: str, tmp_path: Path) -> HubLink:
    return HubLink(HubSession(url, token), "k1", Outbox(tmp_path / "outbox.sqlite3"),
                   tick_ms=50)


def event(n: int) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "kiosk_id": "k1", "session_id": "s", "type": "step",
            "flow_id": "send-parcel", "step_id": f"s{n}", "at": "2026-11-23T10:00:00+00:00",
            "data": {}}


def test_offline_then_hub_up_delivers_everything_once(qtbot: Any, tmp_path: Path) -> None:
    port = free_port()
    seed = make_hub(tmp_path / "hub.sqlite3")  # makes the accounts, then steps aside
    token = seed.tokens["k1"]
    seed.server.stop()
    link = make_link(f"http://127.0.0.1:{port}", token, tmp_path)
    with qtbot.waitSignal(link.onlineChanged, timeout=10_000) as offline:
        link.start()
    assert offline.args == [False]
    link.call_help({"language": "ar", "flow_id": "use-locker", "step_id": "code"})
    link.send_events([event(i) for i in range(30)])
    assert len(link.outbox) == 31
    server = HubServer(tmp_path / "hub.sqlite3", port=port).start()
    try:
        link.outbox.retry_now()
        qtbot.waitUntil(lambda: len(link.outbox) == 0, timeout=20_000)
        assert link.online
        with httpx.Client(base_url=f"{server.url}/api/v1",
                          headers={"Authorization": f"Bearer {seed.tokens['aicha']}"}) as a:
            items = a.get("/help-requests").json()["items"]
        assert [(r["kiosk_id"], r["language"], r["step_id"]) for r in items] == [
            ("k1", "ar", "code")]
    finally:
        link.stop()
        link.session.close()
        server.stop()
    from kiosk.hub.db import connect

    conn = connect(tmp_path / "hub.sqlite3")
    assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 30
    conn.close()


def test_status_of_a_call_until_a_mediator_comes(qtbot: Any, hub: Hub, tmp_path: Path) -> None:
    link = make_link(hub.url, hub.tokens["k1"], tmp_path)
    link.start()
    try:
        link.call_help({"language": "fr", "flow_id": "send-parcel", "step_id": "weigh"})
        qtbot.waitUntil(lambda: link.help.get("status") == "queued", timeout=10_000)
        assert link.help["position"] == 1
        with hub.client("aicha") as a:
            a.post(f"/help-requests/{link.help_id}/claim")
        qtbot.waitUntil(lambda: link.help.get("status") == "claimed", timeout=10_000)
        assert link.help["claimed_by"] == "aicha"
    finally:
        link.stop()
        link.session.close()


def test_cancel_reaches_the_hub(qtbot: Any, hub: Hub, tmp_path: Path) -> None:
    link = make_link(hub.url, hub.tokens["k1"], tmp_path)
    link.start()
    try:
        request_id = link.call_help({"language": "fr"})
        link.cancel_help()
        qtbot.waitUntil(lambda: len(link.outbox) == 0, timeout=10_000)
        with hub.client("aicha") as a:
            assert a.get(f"/help-requests/{request_id}").json()["status"] == "cancelled"
    finally:
        link.stop()
        link.session.close()


def test_the_place_in_the_queue_follows_the_stream(qtbot: Any, hub: Hub, tmp_path: Path) -> None:
    """No polling: the kiosk hears that the queue moved and asks for its place."""
    link = make_link(hub.url, hub.tokens["k1"], tmp_path)
    with hub.client("k2") as k2:
        ahead = k2.post("/help-requests", json={"id": str(uuid.uuid4()), "kiosk_id": "k2",
                                                 "language": "fr"}).json()
    link.start()
    try:
        qtbot.waitUntil(lambda: link.session.stream.connected, timeout=10_000)
        link.call_help({"language": "fr", "flow_id": "send-parcel", "step_id": "weigh"})
        qtbot.waitUntil(lambda: link.help.get("status") == "queued", timeout=10_000)
        assert link.help["position"] == 2
        with hub.client("aicha") as a:
            a.post(f"/help-requests/{ahead['id']}/claim").raise_for_status()
        qtbot.waitUntil(lambda: link.help.get("position") == 1, timeout=10_000)
        with hub.client("bruno") as b:
            b.post(f"/help-requests/{link.help_id}/claim").raise_for_status()
        qtbot.waitUntil(lambda: link.help.get("status") == "claimed", timeout=10_000)
        assert link.help["claimed_by"] == "bruno"
    finally:
        link.stop()
        link.session.close()


def test_a_call_the_hub_refuses_is_said_refused_and_kept_by_the_hub(qtbot: Any, hub: Hub,
                                                                    tmp_path: Path) -> None:
    link = make_link(hub.url, hub.tokens["k1"], tmp_path)
    link.start()
    try:
        link.call_help({"language": "fr", "flow_id": "x" * 65, "step_id": "weigh"})
        qtbot.waitUntil(lambda: link.help.get("status") == "refused", timeout=10_000)
        assert "flow_id" in link.help["reason"]
        assert len(link.outbox) == 0  # not retried for ever
        with hub.client("manon") as m:
            (letter,) = m.get("/dead-letters").json()["items"]
        assert letter["request_id"] == link.help_id
    finally:
        link.stop()
        link.session.close()
