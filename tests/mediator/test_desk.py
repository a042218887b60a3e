"""The console's header against a real hub: who is logged in, logging out (with or without
the hub's answer), the presence selector (available, on a break, busy by itself while a
call is held), who hears a new call, and My day."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kiosk.mediator.console import ConsoleWindow
from tests.hub.conftest import PASSWORD, Hub, make_hub
from tests.hub.test_help_requests import call
from tests.mediator.test_console import open_console


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def state_of(hub: Hub, name: str) -> str:
    """``name``'s presence as the hub says it (asked with the manager's token)."""
    with hub.client("manon") as m:
        people = m.get("/presence").json()["items"]
    return str(next(p["state"] for p in people if p["name"] == name))


def new_call(qtbot: Any, hub: Hub, *consoles: ConsoleWindow, **extra: Any) -> dict[str, Any]:
    body = call(**extra)
    with hub.client("k1") as k:
        assert k.post("/help-requests", json=body).status_code == 201
    qtbot.waitUntil(lambda: all(body["id"] in c.cards for c in consoles), timeout=10_000)
    return body


def pick(console: ConsoleWindow, state: str) -> None:
    """Choose ``state`` in the presence selector, as a mediator would."""
    box = console.presence_box
    box.setCurrentIndex(box.findData(state))


def test_the_header_names_me_and_log_out_returns_to_the_login_page(qtbot: Any,
                                                                   hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    try:
        assert aicha.desk.who.text() == "Connecté·e : aicha"
        assert aicha.logout_button.label_text() == "Se déconnecter"
        new_call(qtbot, hub, aicha)
        qtbot.waitUntil(lambda: state_of(hub, "aicha") == "available", timeout=10_000)
        token = aicha.client.token
        with qtbot.waitSignal(aicha.client.loggedOut, timeout=10_000):
            qtbot.mouseClick(aicha.logout_button, Qt.MouseButton.LeftButton)
        assert aicha.pages.currentIndex() == 0
        assert not aicha.cards
        assert aicha.client.token == ""
        assert aicha.login_error.text() == ""
        assert aicha.password.text() == ""
        qtbot.waitUntil(lambda: not aicha.client.connected and aicha.client.http.busy == 0,
                        timeout=10_000)
        with hub.client() as anyone:  # the hub ended that token
            assert anyone.get("/me", headers={"Authorization": f"Bearer {token}"}
                              ).status_code == 401
        qtbot.waitUntil(lambda: state_of(hub, "aicha") == "offline", timeout=10_000)
        # and in again: the queue comes back
        aicha.user.setText("aicha")
        aicha.password.setText(PASSWORD)
        with qtbot.waitSignal(aicha.client.connectionChanged, timeout=10_000):
            aicha.log_in()
        qtbot.waitUntil(lambda: len(aicha.cards) == 1, timeout=10_000)
        assert aicha.pages.currentIndex() == 1
    finally:
        aicha.shutdown()


def test_log_out_works_when_the_hub_does_not_answer(qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    try:
        new_call(qtbot, hub, aicha)
        aicha.client.http.base = "http://127.0.0.1:9/api/v1"  # nobody answers there
        with qtbot.waitSignal(aicha.client.loggedOut, timeout=10_000):
            qtbot.mouseClick(aicha.logout_button, Qt.MouseButton.LeftButton)
        assert aicha.pages.currentIndex() == 0
        assert not aicha.cards
        assert aicha.client.token == ""
        qtbot.waitUntil(lambda: aicha.client.http.busy == 0, timeout=20_000)
        assert aicha.pages.currentIndex() == 0  # the refusal changed nothing
        assert aicha.message.text() == ""
    finally:
        aicha.shutdown()


def test_the_presence_selector_tells_the_hub_and_shows_busy_by_itself(qtbot: Any,
                                                                     hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    try:
        box = aicha.presence_box
        assert [box.itemText(i) for i in range(box.count())] == [
            "Disponible", "En pause", "Occupé·e"]
        qtbot.waitUntil(lambda: box.currentText() == "Disponible", timeout=10_000)
        pick(aicha, "break")
        qtbot.waitUntil(lambda: state_of(hub, "aicha") == "break", timeout=10_000)
        assert box.currentText() == "En pause"
        pick(aicha, "available")
        qtbot.waitUntil(lambda: state_of(hub, "aicha") == "available", timeout=10_000)
        body = new_call(qtbot, hub, aicha)
        qtbot.mouseClick(aicha.cards[body["id"]].claim, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.currentText() == "Occupé·e", timeout=10_000)
        assert state_of(hub, "aicha") == "busy"
        qtbot.mouseClick(aicha.cards[body["id"]].release, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: box.currentText() == "Disponible", timeout=10_000)
    finally:
        aicha.shutdown()


def test_a_new_call_rings_for_who_is_available_or_for_all_when_nobody_is(
        qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    bruno = open_console(qtbot, hub, "bruno")
    try:
        pick(aicha, "break")
        qtbot.waitUntil(lambda: aicha.presence.mine == "break" and aicha.presence.available == 1
                        and bruno.presence.available == 1, timeout=10_000)
        new_call(qtbot, hub, aicha, bruno)
        assert bruno.audio.played == ["chime.wav"]
        assert bruno.alerts.notices[-1] == ("Nouvel appel", "Borne k1 · Envoyer un colis — "
                                            "Posez le colis fermé sur la balance. Le poids "
                                            "s'affiche-t-il ?")
        assert aicha.audio.played == []  # on a break, and bruno is there
        assert not aicha.alerts.notices
        pick(bruno, "break")
        qtbot.waitUntil(lambda: aicha.presence.available == 0 and bruno.presence.mine == "break",
                        timeout=10_000)
        new_call(qtbot, hub, aicha, bruno)
        assert aicha.audio.played == ["chime.wav"]  # nobody is available: everyone hears it
        assert bruno.audio.played == ["chime.wav", "chime.wav"]
    finally:
        aicha.shutdown()
        bruno.shutdown()


def test_my_day_lists_a_resolved_call_and_counts_per_hour(qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    try:
        body = new_call(qtbot, hub, aicha)
        with hub.client("aicha") as a:
            assert a.post(f"/help-requests/{body['id']}/claim").status_code == 200
            assert a.post(f"/help-requests/{body['id']}/resolve",
                          json={"outcome": "helped", "note": "colis pesé"}).status_code == 200
        qtbot.waitUntil(lambda: not aicha.cards, timeout=10_000)
        assert aicha.desk.my_day.label_text() == "Ma journée"
        qtbot.mouseClick(aicha.desk.my_day, Qt.MouseButton.LeftButton)
        dialog = aicha.day_dialog
        assert dialog is not None
        assert dialog.isVisible()
        qtbot.waitUntil(lambda: dialog.day is not None, timeout=10_000)
        assert dialog.total.text() == "1 appel pris aujourd’hui"
        assert dialog.calls.count() == 1
        text = dialog.calls.item(0).text()
        assert " · Borne k1 · Envoyer un colis — Posez le colis fermé" in text
        assert " · Aidé" in text
        assert text.endswith("Note : colis pesé")
        bars = dialog.bars()
        assert list(bars.values()) == [1]
        assert next(iter(bars)).endswith(" h")
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        assert aicha.day_dialog is None
    finally:
        aicha.shutdown()
