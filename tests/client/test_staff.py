"""StaffClient's calls for the people on duty, against a real hub: who I am, everyone's
presence and setting mine, a call's note, a hand-over answered, my day; a refusal says
which action it was; logging out drops the answers still on their way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.client.staff import StaffClient
from tests.hub.conftest import PASSWORD, Hub, make_hub
from tests.hub.test_help_requests import call


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


@pytest.fixture
def aicha(qtbot: Any, hub: Hub) -> Iterator[StaffClient]:
    client = StaffClient(hub.url)
    with qtbot.waitSignal(client.connectionChanged, timeout=10_000):
        client.login("aicha", PASSWORD)
    yield client
    client.close()


def test_me_presence_and_my_state(qtbot: Any, hub: Hub, aicha: StaffClient) -> None:
    with qtbot.waitSignal(aicha.meRead, timeout=10_000) as me:
        aicha.me()
    assert me.args[0]["name"] == "aicha"
    assert me.args[0]["role"] == "mediator"
    changes: list[dict[str, Any]] = []
    aicha.presenceChanged.connect(changes.append)
    with qtbot.waitSignal(aicha.acted, timeout=10_000) as acted:
        aicha.set_presence("break")
    assert acted.args[0] == "presence"
    assert acted.args[1]["state"] == "break"
    qtbot.waitUntil(lambda: any(p["name"] == "aicha" and p["state"] == "break"
                                for p in changes), timeout=10_000)
    with qtbot.waitSignal(aicha.presenceRead, timeout=10_000) as read:
        aicha.presence()
    people = {p["name"]: p["state"] for p in read.args[0]["items"]}
    assert people == {"aicha": "break", "bruno": "offline", "manon": "offline"}
    assert read.args[0]["available"] == 0


def test_note_handover_refusal_and_my_day(qtbot: Any, hub: Hub, aicha: StaffClient) -> None:
    body = call()
    with hub.client("k1") as k:
        k.post("/help-requests", json=body).raise_for_status()
    with qtbot.waitSignal(aicha.acted, timeout=10_000):
        aicha.claim(body["id"])
    with qtbot.waitSignal(aicha.acted, timeout=10_000) as noted:
        aicha.note(body["id"], "imprimante en panne")
    assert noted.args[0] == "note"
    assert noted.args[1]["note"] == "imprimante en panne"
    refusals: list[tuple[Any, ...]] = []
    aicha.actionRefused.connect(lambda *args: refusals.append(args))
    with qtbot.waitSignal(aicha.actionFailed, timeout=10_000):
        aicha.accept(body["id"])  # nobody handed it to me
    assert refusals[0][:2] == ("accept", 409)
    with qtbot.waitSignal(aicha.acted, timeout=10_000) as handed:
        aicha.handover(body["id"], "bruno")
    assert handed.args[1]["handover_to"] == "bruno"
    with hub.client("bruno") as b:
        assert b.post(f"/help-requests/{body['id']}/decline").json()["front"] == 1
    with qtbot.waitSignal(aicha.dayRead, timeout=10_000) as day:
        aicha.my_day()
    assert day.args[0]["count"] == 0  # given back: no longer mine
    with qtbot.waitSignal(aicha.acted, timeout=10_000):
        aicha.claim(body["id"])
    with qtbot.waitSignal(aicha.dayRead, timeout=10_000) as day:
        aicha.my_day()
    assert day.args[0]["count"] == 1
    assert day.args[0]["items"][0]["note"] == "imprimante en panne"


def test_logging_out_drops_the_answers_on_their_way(qtbot: Any, hub: Hub,
                                                    aicha: StaffClient) -> None:
    synced: list[Any] = []
    aicha.synced.connect(synced.append)
    token = aicha.token
    aicha.sync()
    aicha.me()
    with qtbot.waitSignal(aicha.loggedOut, timeout=10_000):
        aicha.logout()
    qtbot.waitUntil(lambda: aicha.http.busy == 0, timeout=10_000)
    assert synced == []
    assert aicha.token == ""
    assert not aicha.connected
    with hub.client() as anyone:
        assert anyone.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_the_office_s_clock_comes_with_the_login(qtbot: Any, tmp_path: Path) -> None:
    """A hub far east of the PC: today is the office's, told at login and by /me."""
    far = make_hub(tmp_path / "far.sqlite3", timezone="Pacific/Kiritimati")
    client = StaffClient(far.url, follow=False)
    try:
        with qtbot.waitSignal(client.loggedIn, timeout=10_000):
            client.login("manon", PASSWORD)
        assert client.office.timezone == "Pacific/Kiritimati"
        with qtbot.waitSignal(client.meRead, timeout=10_000) as me:
            client.me()
        office = me.args[0]["office"]
        assert office["today"] == client.office.today().isoformat()
        assert office["name"]
    finally:
        client.close()
        far.server.stop()
