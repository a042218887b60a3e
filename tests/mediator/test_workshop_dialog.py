"""Signing a customer up for a workshop from the console, against a real hub: the card
says which level is advised, the dialog lists the coming sessions of that level with free
seats (neither full nor cancelled ones; a cancellation heard on the stream takes its
session off at once), consent is required, a session that filled up meanwhile offers the
next one, and the call is then finished with the outcome ``workshop``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from kiosk.mediator.console import ConsoleWindow
from kiosk.mediator.workshop_dialog import WorkshopDialog
from tests.hub.conftest import Hub, make_hub
from tests.hub.test_help_requests import call
from tests.mediator.test_console import open_console


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def at(days: int, hour: int) -> str:
    day = date.today() + timedelta(days=days)
    return datetime.combine(day, time(hour)).astimezone().isoformat(timespec="seconds")


def plan(m: httpx.Client, title: str, start: str, level: str = "initiation",
         capacity: int = 8) -> dict[str, Any]:
    r = m.post("/workshops", json={"title": title, "level": level, "start": start,
                                   "capacity": capacity, "place": "Salle 2"})
    assert r.status_code == 201, r.text
    return dict(r.json())


def person(name: str) -> dict[str, Any]:
    return {"first_name": name, "consent": True}


def claimed_card(qtbot: Any, hub: Hub, console: ConsoleWindow, **extra: Any) -> Any:
    body = call(**extra)
    with hub.client("k1") as k:
        assert k.post("/help-requests", json=body).status_code == 201
    qtbot.waitUntil(lambda: body["id"] in console.cards, timeout=10_000)
    card = console.cards[body["id"]]
    assert not card.register.isVisible()  # only once the call is mine
    qtbot.mouseClick(card.claim, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.register.isVisible(), timeout=10_000)
    return card


def open_dialog(qtbot: Any, console: ConsoleWindow, card: Any) -> WorkshopDialog:
    qtbot.mouseClick(card.register, Qt.MouseButton.LeftButton)
    dialog = console.workshop_dialog
    assert dialog is not None
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.message.text() != "Lecture des ateliers…", timeout=10_000)
    return dialog


def test_sign_up_with_consent_then_finish_the_call(qtbot: Any, hub: Hub) -> None:
    with hub.client("manon") as m:
        plan(m, "Déjà passé", at(-1, 10))
        full = plan(m, "Complet", at(2, 10), capacity=1)
        m.post(f"/workshops/{full['id']}/registrations", json=person("Iris"))
        tight = plan(m, "Dernière place", at(2, 14), capacity=1)
        plan(m, "Autre niveau", at(2, 16), level="perfectionnement")
        following = plan(m, "La suivante", at(5, 14))
    aicha = open_console(qtbot, hub, "aicha")
    try:
        card = claimed_card(qtbot, hub, aicha, kind="workshop", level="initiation",
                            flow_id="digital-skills", step_id=None)
        assert card.title.text().startswith("Atelier conseillé : Initiation · Borne k1")
        dialog = open_dialog(qtbot, aicha, card)
        assert dialog.level.currentData() == "initiation"
        texts = [dialog.sessions.item(i).text() for i in range(dialog.sessions.count())]
        assert len(texts) == 2  # the past, the full session and the other level: not offered
        assert not any("Complet" in text for text in texts)
        assert texts[0].endswith("Dernière place · Salle 2 — places libres : 1")
        assert dialog.selected()["id"] == tight["id"]  # the first with a free seat
        # consent is required: the button stays off until it is ticked
        dialog.first_name.setText("Jeanne")
        dialog.phone.setText("06 11 22 33 44")
        assert not dialog.submit.isEnabled()
        dialog.register()  # even called directly, nothing is sent without consent
        assert dialog.message.text() == ""
        dialog.consent.setChecked(True)
        assert dialog.submit.isEnabled()
        with hub.client("bruno") as b:  # meanwhile, another mediator takes the last seat
            assert b.post(f"/workshops/{tight['id']}/registrations",
                          json=person("Karim")).status_code == 201
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.take_next.isVisible(), timeout=10_000)
        assert dialog.message.text().startswith("Cet atelier est complet. Prochain atelier de ce "
                                                "niveau avec une place : ")
        assert dialog.message.text().endswith("· La suivante.")
        assert not dialog.submit.isEnabled()  # the full session is no longer chosen
        assert dialog.sessions.count() == 1  # nor offered
        qtbot.mouseClick(dialog.take_next, Qt.MouseButton.LeftButton)
        assert dialog.selected()["id"] == following["id"]
        assert dialog.submit.isEnabled()
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.finish.isVisible(), timeout=10_000)
        assert dialog.message.text().startswith("C’est fait : Jeanne est inscrit·e à l’atelier du ")
        assert dialog.registration["help_request_id"] == card.request["id"]
        with hub.client("manon") as m:
            regs = m.get(f"/workshops/{following['id']}/registrations").json()["items"]
        assert [(r["first_name"], r["phone"], r["help_request_id"]) for r in regs] == [
            ("Jeanne", "06 11 22 33 44", card.request["id"])]
        rid = card.request["id"]
        qtbot.mouseClick(dialog.finish, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: rid not in aicha.cards, timeout=10_000)
        assert aicha.workshop_dialog is None or not aicha.workshop_dialog.isVisible()
        with hub.client("manon") as m:
            done = m.get(f"/help-requests/{rid}").json()
        assert (done["status"], done["outcome"]) == ("resolved", "workshop")
        assert done["note"].startswith("Atelier « La suivante » du ")
    finally:
        aicha.shutdown()


def test_another_level_and_the_hubs_own_refusals(qtbot: Any, hub: Hub) -> None:
    with hub.client("manon") as m:
        budget = plan(m, "Budget", at(3, 10), level="outils-budgetaires")
    aicha = open_console(qtbot, hub, "aicha")
    try:
        card = claimed_card(qtbot, hub, aicha)  # a plain help call: no level advised
        assert card.title.text().startswith("Aide · Borne k1")
        dialog = open_dialog(qtbot, aicha, card)
        assert dialog.sessions.count() == 0
        assert dialog.message.text() == "Aucun atelier à venir pour ce niveau."
        dialog.level.setCurrentIndex(dialog.level.findData("outils-budgetaires"))
        qtbot.waitUntil(lambda: dialog.sessions.count() == 1, timeout=10_000)
        assert dialog.selected()["id"] == budget["id"]
        dialog.first_name.setText("Léa")
        dialog.email.setText("pas-une-adresse")
        dialog.consent.setChecked(True)
        qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.message.text().startswith("Vérifiez les informations"),
                        timeout=10_000)
        assert dialog.submit.isEnabled()  # corrected, it can be sent again
        with hub.client("aicha") as a:  # the hub, too, refuses without consent
            r = a.post(f"/workshops/{budget['id']}/registrations",
                       json={"first_name": "Léa", "consent": False})
            assert r.status_code == 422
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: aicha.workshop_dialog is None, timeout=10_000)
        assert card.request["id"] in aicha.cards  # closing the dialog leaves the call alone
    finally:
        aicha.shutdown()


def test_a_cancelled_session_is_not_offered_and_goes_when_cancelled(qtbot: Any, hub: Hub) -> None:
    with hub.client("manon") as m:
        gone = plan(m, "Déjà annulé", at(2, 10))
        m.post(f"/workshops/{gone['id']}/cancel", json={"reason": "Salle prise"})
        soon = plan(m, "Bientôt annulé", at(3, 10))
        kept = plan(m, "Maintenu", at(4, 10))
    aicha = open_console(qtbot, hub, "aicha")
    try:
        card = claimed_card(qtbot, hub, aicha, kind="workshop", level="initiation",
                            flow_id="digital-skills", step_id=None)
        dialog = open_dialog(qtbot, aicha, card)
        assert [dialog.sessions.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(dialog.sessions.count())] == [soon["id"], kept["id"]]
        dialog.sessions.setCurrentRow(1)
        with hub.client("manon") as m:  # the stream tells the console: the list is read again
            assert m.post(f"/workshops/{soon['id']}/cancel",
                          json={"reason": "Animatrice malade"}).status_code == 200
        qtbot.waitUntil(lambda: dialog.sessions.count() == 1, timeout=10_000)
        assert dialog.selected()["id"] == kept["id"]  # the choice made stays
        with hub.client("aicha") as a:
            r = a.post(f"/workshops/{soon['id']}/registrations", json=person("Léa"))
        assert r.status_code == 409
        # the hub's refusal, had the dialog sent it before the stream's word: said plainly
        dialog._registered(kept, r.status_code, r.json())
        assert dialog.message.text() == "Cet atelier vient d’être annulé : choisissez une autre séance."
        assert dialog.sessions.count() == 0
        assert not dialog.take_next.isVisible()
    finally:
        aicha.shutdown()
