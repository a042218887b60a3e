"""People's sessions on a real hub: tokens expire when idle and at their end, a new
password, a disabled account or a logout ends them at once (open streams included), a
kiosk's token never expires, and one account cannot open streams without end."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets.sync.client as ws_client
from websockets.exceptions import ConnectionClosed

from kiosk.hub import auth, guard, stream
from tests.hub.conftest import PASSWORD, Hub, make_hub
from tests.hub.test_stream import connect


class ShiftedTime:
    """The guard's clock, moved forward by the test."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def monotonic(self) -> float:
        return time.monotonic() + self.offset


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> ShiftedTime:
    shifted = ShiftedTime()
    for module in (guard, auth):  # the clocks that read and write tokens' times
        monkeypatch.setattr(module, "time", shifted)
    return shifted


@pytest.fixture
def short_hub(tmp_path: Path) -> Iterator[Hub]:
    """Tokens idle out after 10 minutes and end after 2 hours."""
    h = make_hub(tmp_path / "hub.sqlite3", token_idle_minutes=10, token_max_hours=2)
    yield h
    h.server.stop()


def login(hub: Hub, name: str, password: str = PASSWORD) -> str:
    with hub.client() as c:
        answer = c.post("/auth/login", json={"username": name, "password": password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


def status(hub: Hub, token: str, path: str = "/kiosks") -> int:
    with hub.client() as c:
        return c.get(path, headers={"Authorization": f"Bearer {token}"}).status_code


def test_an_unused_token_expires_and_a_used_one_lives(short_hub: Hub, clock: ShiftedTime) -> None:
    idle, busy = login(short_hub, "aicha"), login(short_hub, "bruno")
    for _ in range(3):  # bruno works every 6 minutes, aicha went home
        clock.offset += 6 * 60
        assert status(short_hub, busy) == 200
    assert status(short_hub, idle) == 401
    with short_hub.client() as c:
        answer = c.get("/kiosks", headers={"Authorization": f"Bearer {idle}"})
    assert "log in again" in answer.json()["detail"]
    assert status(short_hub, login(short_hub, "aicha")) == 200  # a new login works


def test_a_token_ends_at_its_lifetime_however_much_it_is_used(short_hub: Hub,
                                                              clock: ShiftedTime) -> None:
    token = login(short_hub, "aicha")
    for _ in range(24):  # every 5 minutes for 2 hours
        assert status(short_hub, token) == 200
        clock.offset += 5 * 60
    assert status(short_hub, token) == 401


def test_a_kiosk_token_never_expires(short_hub: Hub, clock: ShiftedTime) -> None:
    clock.offset += 1000 * 3600
    assert status(short_hub, short_hub.tokens["k1"], "/flows") == 200


def test_the_last_use_survives_a_restart_of_the_cache(short_hub: Hub, clock: ShiftedTime) -> None:
    """Written to the database (at most once a minute), so a token looked up afresh
    keeps its last use."""
    token = login(short_hub, "aicha")
    clock.offset += 8 * 60
    assert status(short_hub, token) == 200  # used at minute 8: written
    app: Any = short_hub.server.server.config.loaded_app
    while not hasattr(app, "state"):
        app = app.app
    app.state.context.guard.tokens._known.clear()
    clock.offset += 8 * 60  # minute 16: 8 minutes after its last use
    assert status(short_hub, token) == 200


def closed(ws: Any) -> ConnectionClosed:
    """How the hub closed ``ws`` (messages before that are read and dropped)."""
    def read_all() -> None:
        while True:
            ws.recv(timeout=10)

    with pytest.raises(ConnectionClosed) as gone:
        read_all()
    return gone.value


def test_disabling_an_account_closes_its_streams_at_once(hub: Hub) -> None:
    with connect(hub, "bruno") as ws, hub.client("manon") as m:
        assert m.post("/users/bruno/disable").status_code == 200
        gone = closed(ws)
    assert gone.rcvd is not None
    assert gone.rcvd.code == stream.REVOKED
    assert "disabled" in gone.rcvd.reason
    assert status(hub, hub.tokens["bruno"]) == 401


def test_a_new_password_ends_the_old_tokens_and_streams(hub: Hub) -> None:
    with connect(hub, "bruno") as ws, hub.client("manon") as m:
        assert m.post("/users/bruno/password", json={"password": "nouveau-mot"}).status_code == 200
        gone = closed(ws)
    assert gone.rcvd is not None
    assert gone.rcvd.code == stream.REVOKED
    assert status(hub, hub.tokens["bruno"]) == 401
    assert status(hub, login(hub, "bruno", "nouveau-mot")) == 200


def test_logout_ends_that_token_only(hub: Hub) -> None:
    first, second = login(hub, "aicha"), login(hub, "aicha")
    with hub.client() as c:
        out = c.post("/auth/logout", headers={"Authorization": f"Bearer {first}"})
    assert out.status_code == 200
    assert status(hub, first) == 401
    assert status(hub, second) == 200


def test_a_stream_closes_when_its_token_ends(tmp_path: Path) -> None:
    hub = make_hub(tmp_path / "hub.sqlite3", token_max_hours=1.5 / 3600)  # 1.5 s
    try:
        token = login(hub, "aicha")
        url = hub.url.replace("http", "ws") + f"/api/v1/stream?token={token}"
        with ws_client.connect(url, open_timeout=5) as ws:
            gone = closed(ws)
        assert gone.rcvd is not None
        assert gone.rcvd.code == stream.REVOKED
        assert "expired" in gone.rcvd.reason
    finally:
        hub.server.stop()


def test_one_account_opens_a_bounded_number_of_streams(hub: Hub) -> None:
    opened = [connect(hub, "aicha") for _ in range(stream.MAX_PER_ACCOUNT)]
    try:
        with connect(hub, "aicha") as extra:
            gone = closed(extra)
        assert gone.rcvd is not None
        assert gone.rcvd.code == stream.TOO_MANY
        with connect(hub, "bruno") as other, hub.client("k1") as k:  # others are not hindered
            k.post("/kiosks/k1/heartbeat", json={})
            assert other.recv(timeout=5)
    finally:
        for ws in opened:
            ws.close()
