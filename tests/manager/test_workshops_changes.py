"""Editing and cancelling workshops, cancelling and moving registrations, from the
manager's workshops page against a real hub, driven with the keyboard: the form filled in
on the office's clock and the hub's refusals in plain French, the cancellation with its
reason and the people to call (copied, saved as a PDF, their erasure date said), a
registration cancelled after a confirmation, and one moved to another workshop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kiosk.manager.workshops import WorkshopsPage, monday_of
from tests.hub.conftest import Hub
from tests.manager.test_fleet import close_page, open_page
from tests.manager.test_workshops import load, plan

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def page(qtbot: Any, hub: Hub) -> Iterator[WorkshopsPage]:
    p = open_page(qtbot, hub, WorkshopsPage)
    yield p
    close_page(p)


def paris(day: date, hour: int, minute: int = 0) -> str:
    """A start on the office's clock (the hub's Europe/Paris), sent in UTC: the page must
    show it at ``hour`` whatever the offset it came with and this computer's zone."""
    return datetime.combine(day, time(hour, minute), PARIS).astimezone(UTC).isoformat()


def sign_up(m: httpx.Client, workshop: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    out = []
    for name in names:
        r = m.post(f"/workshops/{workshop['id']}/registrations", json={
            "first_name": name, "phone": "06 12 34 56 78", "email": f"{name.lower()}@example.org",
            "consent": True})
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


def press(qtbot: Any, widget: QWidget, key: Qt.Key = Qt.Key.Key_Space) -> None:
    """Focus ``widget`` and press ``key`` on it (Space presses a button)."""
    widget.setFocus()
    qtbot.keyClick(widget, key)


def retype(qtbot: Any, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def open_slot(qtbot: Any, page: WorkshopsPage, workshop: dict[str, Any], rows: int) -> None:
    press(qtbot, page.calendar.slots[workshop["id"]])
    qtbot.waitUntil(lambda: page.panel.currentWidget() is page.detail
                    and page.detail.table.rowCount() == rows
                    and page.detail.status.text() != "Patientez…", timeout=10_000)


def ahead_monday() -> date:
    return monday_of(date.today()) + timedelta(days=14)


def test_edit_on_the_office_clock_and_refusals_in_plain_words(qtbot: Any, hub: Hub,
                                                              page: WorkshopsPage) -> None:
    monday = ahead_monday()
    with hub.client("manon") as m:
        w = plan(m, paris(monday + timedelta(days=1), 14))
        sign_up(m, w, "Ana", "Bea", "Cid")
    load(qtbot, page, monday, 1)
    open_slot(qtbot, page, w, 3)
    press(qtbot, page.detail.edit_button)
    form = page.form
    assert page.panel.currentWidget() is form
    assert form.heading.text() == "Modifier l’atelier « Atelier initiation »"
    assert form.submit_button.text() == "Enregistrer les modifications"
    assert form.start.time() == QTime(14, 0)  # the office's clock, not this computer's (UTC)
    assert (form.title.text(), form.capacity.value(), form.place.text()) == (
        "Atelier initiation", 8, "Salle 2")
    press(qtbot, form.submit_button)
    assert form.status.text() == "Rien n’a changé : modifiez un champ, ou fermez avec « Annuler »."
    retype(qtbot, form.capacity, "2")
    press(qtbot, form.submit_button)
    qtbot.waitUntil(lambda: form.status.text().startswith("3 personnes"), timeout=10_000)
    assert form.status.text() == ("3 personnes sont déjà inscrites : le nombre de places ne peut "
                                  "pas descendre à 2. Annulez ou déplacez d’abord des inscriptions.")
    retype(qtbot, form.capacity, "3")
    retype(qtbot, form.place, "Salle 7")
    retype(qtbot, form.title, "Courriels et fichiers")
    day = monday + timedelta(days=2)
    form.start.setDateTime(QDateTime(QDate(day.year, day.month, day.day), QTime(10, 30)))
    press(qtbot, form.submit_button)
    qtbot.waitUntil(lambda: page.panel.currentWidget() is page.detail, timeout=10_000)
    with hub.client("manon") as m:
        made = m.get(f"/workshops/{w['id']}").json()
    assert (made["title"], made["capacity"], made["place"], made["updated_by"]) == (
        "Courriels et fichiers", 3, "Salle 7", "manon")
    assert datetime.fromisoformat(made["start"]) == datetime.combine(day, time(10, 30), PARIS)
    assert page.detail.notice.text().startswith("Atelier « Courriels et fichiers » modifié : ")
    qtbot.waitUntil(lambda: w["id"] in page.calendar.slots and "Salle 7" in
                    page.calendar.slots[w["id"]].label_text(), timeout=10_000)
    assert "3/3 places prises" in page.calendar.slots[w["id"]].label_text()
    # a session that has started: its time no longer changes, said in words
    yesterday = date.today() - timedelta(days=1)
    with hub.client("manon") as m:
        past = plan(m, paris(yesterday, 9))
    load(qtbot, page, monday_of(yesterday), 1)
    open_slot(qtbot, page, past, 0)
    press(qtbot, page.detail.edit_button)
    form.start.setTime(QTime(11, 0))
    press(qtbot, form.submit_button)
    qtbot.waitUntil(lambda: form.status.text().startswith("L’atelier a commencé"), timeout=10_000)
    press(qtbot, form.cancel_button)  # the form's "Annuler": back to the workshop
    assert page.panel.currentWidget() is page.detail


def test_cancel_a_workshop_and_the_people_to_call(qtbot: Any, hub: Hub, page: WorkshopsPage,
                                                  tmp_path: Path) -> None:
    monday = ahead_monday()
    with hub.client("manon") as m:
        w = plan(m, paris(monday + timedelta(days=3), 14))
        sign_up(m, w, "Fanny", "Gaël")
    load(qtbot, page, monday, 1)
    open_slot(qtbot, page, w, 2)
    press(qtbot, page.detail.cancel_button)
    dialog = page.cancel_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert "Personnes inscrites à prévenir : 2." in dialog.intro.text()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Enter without a reason: said
    assert dialog.status.text() == "Indiquez le motif de l’annulation."
    qtbot.keyClicks(dialog.reason, "Animatrice malade")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10_000)
    table = dialog.table
    assert [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())] == [
        ["Fanny", "06 12 34 56 78", "fanny@example.org"],
        ["Gaël", "06 12 34 56 78", "gaël@example.org"]]
    with hub.client("manon") as m:
        done = m.get(f"/workshops/{w['id']}").json()
    erase = (datetime.fromisoformat(done["cancelled_at"]) + timedelta(days=90)).astimezone(PARIS)
    assert dialog.erase_note.text().startswith(f"Ces coordonnées seront effacées le {erase.day} ")
    assert dialog.erase_note.text().endswith("le bureau ne les garde que 90 jours après l’annulation.")
    assert dialog.to_call_intro.text().startswith("L’atelier « Atelier initiation » du ")
    press(qtbot, dialog.copy_button)
    copied = QApplication.clipboard().text()
    assert "Fanny — 06 12 34 56 78 — fanny@example.org" in copied.splitlines()
    assert dialog.list_status.text() == "Liste copiée : collez-la dans un document ou un courriel."
    target = tmp_path / "a-prevenir.pdf"
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_pdf(target)
    doc = QPdfDocument()
    doc.load(str(target))
    try:
        text = " ".join(doc.getAllText(0).text().split())  # the title wraps
        assert "Personnes à prévenir : atelier « Atelier initiation » du " in text
        assert "Document créé le " in text
        assert "Gaël — 06 12 34 56 78 — gaël@example.org" in text
        assert "Animatrice malade" in text
    finally:
        doc.close()
    qtbot.keyClick(dialog.close_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
    detail = page.detail
    qtbot.waitUntil(lambda: detail.cancelled_note.isVisible(), timeout=10_000)
    assert detail.cancelled_note.text().startswith("✖ Atelier annulé le ")
    assert detail.cancelled_note.text().endswith(" par manon. Motif : Animatrice malade")
    assert not detail.edit_button.isEnabled()
    assert not detail.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: page.calendar.slots.get(w["id"]) is not None and page.calendar.slots[
        w["id"]].label_text().startswith("✖ ANNULÉ\n"), timeout=10_000)
    assert page.calendar.slots[w["id"]].label_text().endswith("2 personnes à prévenir")
    assert page.status.text() == "Aucun atelier maintenu cette semaine (1 annulé)."


def test_cancel_and_move_registrations(qtbot: Any, hub: Hub, page: WorkshopsPage) -> None:
    monday = ahead_monday()
    with hub.client("manon") as m:
        here = plan(m, paris(monday, 14))
        full = plan(m, paris(monday + timedelta(days=1), 14), capacity=1)
        sign_up(m, full, "Omar")
        there = plan(m, paris(monday + timedelta(days=2), 14), capacity=1)
        later = plan(m, paris(monday + timedelta(days=9), 14))
        other = plan(m, paris(monday + timedelta(days=3), 14), "perfectionnement")
        fanny, gael, hugo = sign_up(m, here, "Fanny", "Gaël", "Hugo")
    load(qtbot, page, monday, 4)
    open_slot(qtbot, page, here, 3)
    detail = page.detail
    # cancelling asks first; Enter keeps the registration
    press(qtbot, detail.actions[fanny["id"]][0])
    box = detail.confirm
    assert isinstance(box, QMessageBox)
    assert box.text() == "Annuler l’inscription de Fanny ? Sa place sera libérée pour quelqu’un d’autre."
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5_000)
    press(qtbot, detail.actions[fanny["id"]][0])
    box = detail.confirm
    assert box is not None
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    press(qtbot, yes)
    qtbot.waitUntil(lambda: detail.notice.text() == (
        "Inscription de Fanny annulée : une place est libre."), timeout=10_000)
    qtbot.waitUntil(lambda: detail.table.item(0, 4) is not None
                    and detail.table.item(0, 4).text() == "✖ Inscription annulée", timeout=10_000)
    assert fanny["id"] not in detail.actions
    qtbot.waitUntil(lambda: "2/8 places prises" in page.calendar.slots[here["id"]].label_text(),
                    timeout=10_000)
    # moving: the coming workshops of the level with a seat, the full one and this one not
    press(qtbot, detail.actions[gael["id"]][1])
    move = detail.move_dialog
    assert move is not None
    qtbot.waitUntil(lambda: move.sessions.count() == 2, timeout=10_000)
    assert [move.selected()["id"]] == [there["id"]]
    assert move.sessions.item(0).text().endswith("— places libres : 1")
    move.level.setFocus()
    qtbot.keyClick(move.level, Qt.Key.Key_End)  # every level
    qtbot.waitUntil(lambda: move.sessions.count() == 3, timeout=10_000)
    qtbot.keyClick(move.level, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: move.sessions.count() == 2, timeout=10_000)
    qtbot.keyClick(move.sessions, Qt.Key.Key_Down)
    qtbot.keyClick(move.sessions, Qt.Key.Key_Up)
    with hub.client("bruno") as b:  # meanwhile, a mediator takes its last seat
        assert b.post(f"/workshops/{there['id']}/registrations",
                      json={"first_name": "Iris", "consent": True}).status_code == 201
    qtbot.keyClick(move.sessions, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: move.take_next.isVisible(), timeout=10_000)
    assert move.status.text().startswith("Cet atelier vient d’être complet. Prochain atelier de "
                                         "ce niveau avec une place : ")
    press(qtbot, move.take_next)
    assert move.selected()["id"] == later["id"]
    qtbot.keyClick(move.sessions, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.notice.text().startswith("Gaël est maintenant inscrit·e à "),
                    timeout=10_000)
    assert detail.move_dialog is None  # closed (and gone)
    with hub.client("manon") as m:
        moved = m.get(f"/workshops/{later['id']}/registrations").json()["items"]
        assert [(r["first_name"], r["phone"], r["moved_from"]) for r in moved] == [
            ("Gaël", "06 12 34 56 78", gael["id"])]
        assert m.get(f"/workshops/{other['id']}").json()["seats_taken"] == 0
    qtbot.waitUntil(lambda: detail.table.item(1, 4) is not None
                    and detail.table.item(1, 4).text() == "↪ Déplacée vers un autre atelier",
                    timeout=10_000)
    assert detail.table.item(1, 0).text() == "(données effacées)"
    assert list(detail.actions) == [hugo["id"]]
