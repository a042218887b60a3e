"""The WebSocket stream: live messages, and a reconnect with ?since=N missing nothing."""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
from typing import Any

import pytest
import websockets.sync.client as ws_client

from kiosk.hub import stream
from tests.hub.conftest import Hub
from tests.hub.test_help_requests import call


def connect(hub: Hub, who: str, since: int | None = None) -> Any:
    url = hub.url.replace("http", "ws") + f"/api/v1/stream?token={hub.tokens[who]}"
    if since is not None:
        url += f"&since={since}"
    return ws_client.connect(url, open_timeout=5)


def receive(ws: Any, n: int, skipped: list[int] | None = None) -> list[dict[str, Any]]:
    """The next ``n`` messages about calls, kiosks and flows; who comes on or goes off
    duty (``presence.*``, tested in test_staff.py) is skipped, its ``seq`` put in
    ``skipped``."""
    got: list[dict[str, Any]] = []
    while len(got) < n:
        message = json.loads(ws.recv(timeout=5))
        if not message["type"].startswith("presence."):
            got.append(message)
        elif skipped is not None:
            skipped.append(message["seq"])
    return got


def test_live_messages_one_event_each(hub: Hub) -> None:
    with hub.client("k1") as k, hub.client("aicha") as a, connect(hub, "aicha") as ws:
        body = call()
        k.post("/help-requests", json=body)
        a.post(f"/help-requests/{body['id']}/claim")
        first, second = receive(ws, 2)
    assert first["type"] == "help.created"
    assert first["request"]["id"] == body["id"]
    assert second["type"] == "help.claimed"
    assert second["seq"] > first["seq"]
    assert set(first) == {"seq", "type", "request"}


def test_reconnect_with_since_gets_exactly_what_was_missed(hub: Hub) -> None:
    with hub.client("k1") as k, hub.client("aicha") as a:
        with connect(hub, "aicha") as ws:
            k.post("/help-requests", json=call())
            last = receive(ws, 1)[0]["seq"]
        missed = [k.post("/help-requests", json=call()).json()["id"] for _ in range(3)]
        skipped: list[int] = []
        with connect(hub, "aicha", since=last) as ws:
            replayed = receive(ws, 3, skipped)
            a.post(f"/help-requests/{missed[0]}/claim")
            live = receive(ws, 1, skipped)[0]
    assert [m["request"]["id"] for m in replayed] == missed
    seqs = sorted([m["seq"] for m in [*replayed, live]] + skipped)
    assert seqs == list(range(last + 1, last + 1 + len(seqs)))  # nothing missed, nor twice
    assert live["type"] == "help.claimed"


def test_list_gives_the_seq_to_resume_from(hub: Hub) -> None:
    with hub.client("k1") as k, hub.client("aicha") as a:
        k.post("/help-requests", json=call())
        listed = a.get("/help-requests").json()
        skipped: list[int] = []
        with connect(hub, "aicha", since=listed["seq"]) as ws:
            k.post("/help-requests", json=call())
            (message,) = receive(ws, 1, skipped)
    assert message["seq"] == listed["seq"] + 1 + sum(1 for s in skipped if s < message["seq"])


def test_a_kiosk_sees_its_own_requests_whole_and_others_as_id_and_status(hub: Hub) -> None:
    """Enough to know the queue moved (and ask for its place), nothing about another
    customer: no flow, step, language or kiosk."""
    with hub.client("k1") as k1, hub.client("k2") as k2, hub.client("aicha") as a, \
            connect(hub, "k1", since=0) as ws:
        other = k2.post("/help-requests", json=call(kiosk="k2")).json()
        mine = k1.post("/help-requests", json=call()).json()
        a.post(f"/help-requests/{other['id']}/claim")
        theirs, own, claimed = receive(ws, 3)
    assert theirs == {"seq": theirs["seq"], "type": "help.created",
                      "request": {"id": other["id"], "status": "queued"}}
    assert own["request"]["id"] == mine["id"]
    assert own["request"]["flow_id"] == mine["flow_id"]
    assert claimed["request"] == {"id": other["id"], "status": "claimed"}
    with connect(hub, "k1", since=0) as ws:  # the same views when replayed
        assert receive(ws, 3) == [theirs, own, claimed]


def test_bad_token_is_refused(hub: Hub) -> None:
    url = hub.url.replace("http", "ws") + "/api/v1/stream?token=nope"
    with pytest.raises(Exception, match="4401|closed|403"), \
            ws_client.connect(url, open_timeout=5) as ws:
        ws.recv(timeout=5)


def _stuck_console(hub: Hub, who: str) -> socket.socket:
    """A console that completes the WebSocket handshake, then never reads (a tiny receive
    buffer, so the hub's side fills up at once)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", hub.server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET /api/v1/stream?token={hub.tokens[who]} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head.split(b"\r\n")[0], head
    return sock


def test_a_console_that_stops_reading_is_cut_and_holds_up_nobody(
        hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "BUFFER_LIMIT", 256 * 1024)
    broadcaster = hub.server.server.config.app.state.broadcaster
    flows = {f"flow-{i}": i for i in range(2000)}  # a heartbeat message of ~40 KB
    with hub.client("k1") as k, connect(hub, "bruno") as ws:
        stuck = _stuck_console(hub, "aicha")
        with stuck:
            while len(broadcaster.subscribers) < 2:  # the stuck one is subscribed
                threading.Event().wait(0.01)
            sent = 0
            while len(broadcaster.subscribers) == 2 and sent < 500:
                assert k.post("/kiosks/k1/heartbeat", json={"flows": flows}).status_code == 200
                sent += 1
                (message,) = receive(ws, 1)  # the reading console keeps up
                assert message["type"] == "kiosk.heartbeat"
                assert message["request"]["info"]["flows"] == flows
            assert len(broadcaster.subscribers) == 1, "the stuck console was never cut"
            assert sent > 5  # (it was cut for being behind, not at once)
            received, tail = 0, b""
            while chunk := stuck.recv(1 << 20):  # it reads at last: then the hub closes
                received += len(chunk)
                tail = (tail + chunk)[-100:]
            assert received < sent * 40_000  # what the network held, not what it missed
            reason = b"too far behind: reconnect with since"
            assert tail.endswith(b"\x88" + bytes([len(reason) + 2]) + (1013).to_bytes(2, "big")
                                 + reason)
        assert k.post("/kiosks/k1/heartbeat", json={}).status_code == 200
        assert receive(ws, 1)[0]["type"] == "kiosk.heartbeat"
