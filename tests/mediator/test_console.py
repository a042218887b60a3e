"""The mediator console against a real hub: log in, a call appears with a chime, claim,
another console sees who took it, finish with an outcome; unanswered calls turn red."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kiosk.mediator.console import ConsoleWindow
from tests.hub.conftest import PASSWORD, Hub, make_hub
from tests.hub.test_help_requests import call


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3", realert_after=1.0)
    yield h
    h.server.stop()


def open_console(qtbot: Any, hub: Hub, user: str) -> ConsoleWindow:
    window = ConsoleWindow(hub.url)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.user.setText(user)
    window.password.setText(PASSWORD)
    with qtbot.waitSignal(window.client.connectionChanged, timeout=10_000):
        qtbot.mouseClick(window.submit, Qt.MouseButton.LeftButton)
    return window


def test_a_call_from_login_to_finish(qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    bruno = open_console(qtbot, hub, "bruno")
    try:
        assert aicha.connection.text() == "Connecté au hub"
        assert aicha.empty.isVisible()
        body = call(step_id="weigh")
        with hub.client("k1") as k:
            k.post("/help-requests", json=body)
        qtbot.waitUntil(lambda: body["id"] in aicha.cards and body["id"] in bruno.cards,
                        timeout=10_000)
        card = aicha.cards[body["id"]]
        assert "Envoyer un colis" in card.where.text()
        assert "balance" in card.where.text()  # the step's French text
        assert aicha.audio.played == ["chime.wav"]
        assert aicha.count.text() == "Appels en attente : 1"
        qtbot.mouseClick(card.claim, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bruno.cards[body["id"]].status.text()
                        == "Pris en charge par aicha", timeout=10_000)
        assert not bruno.cards[body["id"]].claim.isVisible()
        qtbot.waitUntil(lambda: card.finish.isVisible(), timeout=10_000)
        qtbot.mouseClick(card.finish, Qt.MouseButton.LeftButton)
        card.note.setText("inscrite à l'atelier de jeudi")
        qtbot.mouseClick(card.outcome_buttons["workshop"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not aicha.cards and not bruno.cards, timeout=10_000)
        with hub.client("manon") as m:
            done = m.get(f"/help-requests/{body['id']}").json()
        assert (done["status"], done["outcome"], done["note"]) == (
            "resolved", "workshop", "inscrite à l'atelier de jeudi")
    finally:
        aicha.shutdown()
        bruno.shutdown()


def test_the_second_claimer_is_told(qtbot: Any, hub: Hub) -> None:
    bruno = open_console(qtbot, hub, "bruno")
    try:
        body = call()
        with hub.client("k1") as k, hub.client("aicha") as a:
            k.post("/help-requests", json=body)
            qtbot.waitUntil(lambda: body["id"] in bruno.cards, timeout=10_000)
            a.post(f"/help-requests/{body['id']}/claim")
        bruno.client.claim(body["id"])  # as if the tap crossed the update
        qtbot.waitUntil(lambda: bruno.message.text()
                        == "Cet appel a déjà été pris par un autre médiateur.", timeout=10_000)
    finally:
        bruno.shutdown()


def test_unanswered_calls_turn_urgent_and_louder(qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    try:
        body = call()
        with hub.client("k1") as k:
            k.post("/help-requests", json=body)
        qtbot.waitUntil(lambda: body["id"] in aicha.cards
                        and aicha.cards[body["id"]].urgent, timeout=10_000)
        assert aicha.cards[body["id"]].status.text() == "Personne n'a encore répondu !"
        assert aicha.audio.played[-1] == "alert.wav"
    finally:
        aicha.shutdown()


def test_resync_after_the_connection_drops(qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    aicha.client.stream.retry.setInterval(100)
    try:
        with qtbot.waitSignal(aicha.client.connectionChanged, timeout=10_000):
            aicha.client.stream.ws.abort()  # the network drops
        assert aicha.connection.text() == "Connexion perdue : reconnexion…"
        body = call()
        with hub.client("k1") as k:
            k.post("/help-requests", json=body)  # while it was away
        qtbot.waitUntil(lambda: body["id"] in aicha.cards, timeout=10_000)
        qtbot.waitUntil(lambda: aicha.connection.text() == "Connecté au hub", timeout=10_000)
    finally:
        aicha.shutdown()


def test_wrong_password_is_said(qtbot: Any, hub: Hub) -> None:
    window = ConsoleWindow(hub.url)
    qtbot.addWidget(window)
    window.show()
    window.user.setText("aicha")
    window.password.setText("nope")
    with qtbot.waitSignal(window.client.loginFailed, timeout=10_000):
        window.log_in()
    assert window.login_error.text() == "Identifiant ou mot de passe incorrect."
    window.shutdown()


def test_a_disabled_mediator_is_sent_back_to_the_login_page(qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    try:
        with hub.client("manon") as m:
            m.post("/users/aicha/disable").raise_for_status()
        qtbot.waitUntil(lambda: aicha.pages.currentIndex() == 0, timeout=10_000)
        assert aicha.login_error.text().startswith("Votre session a pris fin")
        assert aicha.client.token == ""
        assert not aicha.cards
    finally:
        aicha.shutdown()
