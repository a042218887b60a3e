"""Cards against a real hub: a call handed from one console to another (offered, accepted
or declined: back to the queue, first place), the cards' order, the call's note, and the
call's own text shown rather than the console's copy of the flow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kiosk.mediator.console import ConsoleWindow
from kiosk.mediator.handover_dialog import HandoverDialog
from tests.hub.conftest import PASSWORD, Hub, make_hub
from tests.mediator.test_console import open_console
from tests.mediator.test_desk import new_call


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def claim(qtbot: Any, console: ConsoleWindow, request_id: str) -> Any:
    card = console.cards[request_id]
    qtbot.mouseClick(card.claim, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.hand.isVisible(), timeout=10_000)
    return card


def hub_view(hub: Hub, request_id: str) -> dict[str, Any]:
    with hub.client("manon") as m:
        return dict(m.get(f"/help-requests/{request_id}").json())


def offer(qtbot: Any, console: ConsoleWindow, card: Any, to: str) -> HandoverDialog:
    """Hand ``card``'s call to ``to`` through the dialog, as a mediator would."""
    qtbot.mouseClick(card.hand, Qt.MouseButton.LeftButton)
    dialog = console.handover_dialog
    assert dialog is not None
    assert dialog.isVisible()

    def can_choose() -> bool:
        dialog.choose(to)
        return dialog.selected() == to

    qtbot.waitUntil(can_choose, timeout=10_000)
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    return dialog


def test_hand_over_a_call_the_colleague_accepts(qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    bruno = open_console(qtbot, hub, "bruno")
    try:
        waiting = new_call(qtbot, hub, aicha, bruno)
        body = new_call(qtbot, hub, aicha, bruno)
        card = claim(qtbot, aicha, body["id"])
        assert card.hand.label_text() == "Passer à…"
        qtbot.waitUntil(lambda: bruno.ordered() == [waiting["id"], body["id"]], timeout=10_000)
        qtbot.mouseClick(card.hand, Qt.MouseButton.LeftButton)
        dialog = aicha.handover_dialog
        assert dialog is not None

        def rows() -> dict[str, Any]:
            return {dialog.people.item(i).text(): dialog.people.item(i)
                    for i in range(dialog.people.count())}

        qtbot.waitUntil(lambda: set(rows()) == {"bruno — Disponible", "manon — Hors ligne"},
                        timeout=10_000)
        assert not rows()["manon — Hors ligne"].flags() & Qt.ItemFlag.ItemIsEnabled
        assert not dialog.submit.isEnabled()
        dialog.choose("manon")  # offline: cannot be chosen
        assert dialog.selected() == ""
        dialog.choose("bruno")
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        assert aicha.handover_dialog is None
        qtbot.waitUntil(lambda: card.status.text() == "Proposé à bruno…", timeout=10_000)
        theirs = bruno.cards[body["id"]]
        qtbot.waitUntil(lambda: theirs.accept.isVisible(), timeout=10_000)
        assert theirs.status.text() == "aicha vous passe cet appel"
        assert theirs.decline.isVisible()
        assert (theirs.accept.label_text(), theirs.decline.label_text()) == ("Accepter", "Refuser")
        assert bruno.ordered() == [body["id"], waiting["id"]]  # an offer to me comes first
        assert bruno.audio.played[-1] == "chime.wav"
        assert bruno.alerts.notices[-1][0] == "aicha vous passe un appel"
        assert not aicha.cards[body["id"]].accept.isVisible()
        qtbot.mouseClick(theirs.accept, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: theirs.finish.isVisible(), timeout=10_000)
        assert not theirs.accept.isVisible()
        qtbot.waitUntil(lambda: card.status.text() == "Pris en charge par bruno", timeout=10_000)
        assert not card.hand.isVisible()
        done = hub_view(hub, body["id"])
        assert (done["status"], done["claimed_by"], done["handover_to"]) == (
            "claimed", "bruno", None)
    finally:
        aicha.shutdown()
        bruno.shutdown()


def test_a_declined_call_goes_back_to_the_queue_first(qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    bruno = open_console(qtbot, hub, "bruno")
    try:
        older = new_call(qtbot, hub, aicha, bruno)
        body = new_call(qtbot, hub, aicha, bruno)
        card = claim(qtbot, aicha, body["id"])
        offer(qtbot, aicha, card, "bruno")
        theirs = bruno.cards[body["id"]]
        qtbot.waitUntil(lambda: theirs.decline.isVisible(), timeout=10_000)
        played = len(bruno.audio.played)
        qtbot.mouseClick(theirs.decline, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: card.claim.isVisible() and theirs.claim.isVisible(),
                        timeout=10_000)
        assert not theirs.decline.isVisible()
        back = hub_view(hub, body["id"])
        assert (back["status"], back["front"], back["handover_to"]) == ("queued", 1, None)
        assert bruno.ordered() == aicha.ordered() == [body["id"], older["id"]]
        assert len(bruno.audio.played) == played  # who declined it is not rung again
    finally:
        aicha.shutdown()
        bruno.shutdown()


def test_the_note_is_saved_on_the_hub(qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    try:
        body = new_call(qtbot, hub, aicha)
        card = claim(qtbot, aicha, body["id"])
        assert card.note.isVisible()
        card.note.setText("attend un avis de passage")
        qtbot.mouseClick(card.save_note, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: aicha.message.text() == "Note enregistrée.", timeout=10_000)
        assert hub_view(hub, body["id"])["note"] == "attend un avis de passage"
        qtbot.mouseClick(card.finish, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(card.outcome_buttons["helped"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not aicha.cards, timeout=10_000)
        done = hub_view(hub, body["id"])
        assert (done["outcome"], done["note"]) == ("helped", "attend un avis de passage")
    finally:
        aicha.shutdown()


OWN_TEXT = {"flow_version": 7, "flow_title_fr": "Expédier un paquet",
            "step_title_fr": "Pesez le paquet sur la nouvelle…",
            "step_text_fr": "Pesez le paquet sur la nouvelle balance à gauche de l'écran.",
            "flow_title": "Ship a parcel", "step_title": "Weigh the parcel on the new…",
            "step_text": "Weigh the parcel on the new scale left of the screen."}


def test_a_card_shows_the_calls_own_text_not_the_consoles_copy(qtbot: Any, hub: Hub) -> None:
    aicha = open_console(qtbot, hub, "aicha")
    english = ConsoleWindow(hub.url, "en")
    qtbot.addWidget(english)
    english.show()
    english.user.setText("bruno")
    english.password.setText(PASSWORD)
    with qtbot.waitSignal(english.client.connectionChanged, timeout=10_000):
        english.log_in()
    try:
        in_english = new_call(qtbot, hub, aicha, english, language="en", **OWN_TEXT)
        in_arabic = new_call(qtbot, hub, aicha, english, language="ar", **OWN_TEXT)
        older = new_call(qtbot, hub, aicha, english)  # an older kiosk: no text of its own
        card = aicha.cards[in_english["id"]]
        assert card.where.text() == "Expédier un paquet — Pesez le paquet sur la nouvelle…"
        assert card.step_text.text() == OWN_TEXT["step_text_fr"]
        assert "Envoyer un colis" not in card.where.text()  # the library's title
        assert english.cards[in_english["id"]].where.text() == (
            "Ship a parcel — Weigh the parcel on the new…")
        assert english.cards[in_english["id"]].step_text.text() == OWN_TEXT["step_text"]
        assert english.cards[in_arabic["id"]].where.text() == (
            "Expédier un paquet — Pesez le paquet sur la nouvelle…")  # French, not Arabic
        assert aicha.cards[older["id"]].where.text() == (
            "Envoyer un colis — Posez le colis fermé sur la balance. Le poids s'affiche-t-il ?")
        assert not aicha.cards[older["id"]].step_text.isVisible()
    finally:
        aicha.shutdown()
        english.shutdown()
