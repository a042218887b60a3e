"""A flow's life from the editor against a real hub, every question answered with keys
only: a new blank flow (a draft, then published), a duplicate, a draft abandoned, an
older version made current with a note, a flow retired from the kiosks and put back; and
the new dialogs drawn at 1366x768 in French and English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.manager import editor_review
from kiosk.manager.app import ManagerWindow
from kiosk.manager.editor import EditorPage
from kiosk.manager.editor_dialogs import ConfirmDialog, NewFlowDialog
from tests.hub.conftest import PASSWORD, Hub
from tests.manager.test_editor import WEIGH_FR, click_row, editor, flow_row, pick_step, settled

WAIT = 10_000


@pytest.fixture(autouse=True)
def _own_marks_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editor_review, "marks_file", lambda: tmp_path / "review-marks.json")


def key(qtbot: Any, dialog: QWidget, which: Qt.Key) -> None:
    """A key pressed where the dialog's focus is (as a person at the keyboard would)."""
    target = dialog.focusWidget() or dialog
    qtbot.keyClick(target, which)


def asked(qtbot: Any, page: EditorPage) -> Any:
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=WAIT)
    return page.dialog


def said(qtbot: Any, page: EditorPage, start: str) -> None:
    qtbot.waitUntil(lambda: page.message.text().startswith(start) and page.idle(), timeout=WAIT)


def hub_get(hub: Hub, path: str, **params: Any) -> Any:
    with hub.client("manon") as m:
        return m.get(path, params=params)


def test_a_new_blank_flow_is_a_draft_then_published(qtbot: Any, manager: ManagerWindow, hub: Hub) -> None:
    page = editor(qtbot, manager)
    qtbot.mouseClick(page.flows.buttons["new"], Qt.MouseButton.LeftButton)
    dialog = asked(qtbot, page)
    assert isinstance(dialog, NewFlowDialog)
    assert QApplication.focusWidget() in (None, dialog.title) or dialog.focusWidget() is dialog.title
    qtbot.keyClicks(dialog.focusWidget(), "Send Parcel")  # the id follows the title, free
    assert dialog.ident.text() == "send-parcel-2"
    key(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.ident
    dialog.ident.selectAll()
    qtbot.keyClicks(dialog.ident, "send-parcel")  # typed by hand: taken
    key(qtbot, dialog, Qt.Key.Key_Return)  # said, and the dialog stays
    assert dialog.isVisible()
    assert dialog.error.text() == "L’identifiant « send-parcel » est déjà pris par un autre parcours."
    dialog.ident.selectAll()
    qtbot.keyClicks(dialog.ident, "retirer-un-recommande")
    dialog.title.selectAll()
    qtbot.keyClicks(dialog.title, "Retirer un recommande")
    key(qtbot, dialog, Qt.Key.Key_Return)
    said(qtbot, page, "Brouillon « retirer-un-recommande » créé")
    assert not dialog.isVisible()
    assert page.flow_id == "retirer-un-recommande"
    assert page.doc.step_ids() == ["start", "end"]
    assert page.form.fields["title.fr"].text() == "Retirer un recommande"
    assert page.problems.summary.text().startswith(("Aucun problème", "0 erreur"))
    draft = hub_get(hub, "/flows/retirer-un-recommande", draft=1).json()
    assert draft["flow"]["steps"][0]["text"]["fr"] == "Bonjour. Suivez les étapes à l’écran."
    assert "jamais publié" in page.flows.list.item(flow_row(page, "retirer-un-recommande")).text()
    page.publish("Premier jet")
    said(qtbot, page, "Version 1 publiée")
    current = hub_get(hub, "/flows/retirer-un-recommande").json()
    assert (current["version"], current["note"]) == (1, "Premier jet")


def test_a_flow_is_duplicated_under_a_new_id_and_title(qtbot: Any, manager: ManagerWindow, hub: Hub) -> None:
    page = editor(qtbot, manager)
    steps = page.doc.step_ids()
    qtbot.mouseClick(page.flows.buttons["duplicate"], Qt.MouseButton.LeftButton)
    dialog = asked(qtbot, page)
    assert dialog.title.text() == "Envoyer un colis (copie)"
    assert dialog.ident.text() == "envoyer-un-colis-copie"
    key(qtbot, dialog, Qt.Key.Key_Return)
    said(qtbot, page, "Brouillon « envoyer-un-colis-copie » créé")
    assert page.doc.step_ids() == steps
    draft = hub_get(hub, "/flows/envoyer-un-colis-copie", draft=1).json()
    assert draft["flow"]["title"] == {"fr": "Envoyer un colis (copie)"}
    assert [s["id"] for s in draft["flow"]["steps"]] == steps
    assert hub_get(hub, "/flows/send-parcel").json()["version"] == 1  # the original is as it was


def test_a_draft_is_abandoned_after_asking(qtbot: Any, manager: ManagerWindow, hub: Hub) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    assert not page.discard_button.isEnabled()
    page.form.fields["text.fr"].setPlainText("Posez le colis.")
    settled(qtbot, page)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    said(qtbot, page, "Brouillon enregistré")
    assert page.discard_button.isEnabled()
    qtbot.mouseClick(page.discard_button, Qt.MouseButton.LeftButton)
    dialog = asked(qtbot, page)
    assert dialog.words.text() == ("Le brouillon de « Envoyer un colis » sera effacé. Les bornes gardent "
                                   "la version 1 : rien ne change pour elles.")
    key(qtbot, dialog, Qt.Key.Key_Return)  # the focus is on "Annuler": Enter does not erase
    assert not dialog.isVisible()
    assert hub_get(hub, "/flows/send-parcel", draft=1).status_code == 200
    qtbot.mouseClick(page.discard_button, Qt.MouseButton.LeftButton)
    dialog = asked(qtbot, page)
    key(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.ok
    key(qtbot, dialog, Qt.Key.Key_Return)
    said(qtbot, page, "Brouillon abandonné. La version 1 reste en service.")
    assert hub_get(hub, "/flows/send-parcel", draft=1).status_code == 404
    assert page.form.fields["text.fr"].text() == WEIGH_FR
    assert "brouillon" not in page.status.text()
    assert not page.discard_button.isEnabled()


def test_version_1_is_made_current_with_a_note(qtbot: Any, manager: ManagerWindow, hub: Hub) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    page.form.fields["text.fr"].setPlainText("Posez le colis.")
    settled(qtbot, page)
    page.publish("Plus court")
    said(qtbot, page, "Version 2 publiée")
    page.tabs.setCurrentWidget(page.history)
    qtbot.waitUntil(lambda: page.idle() and page.history.table.rowCount() == 2, timeout=WAIT)
    history = page.history
    assert not history.make_current_button.isEnabled()  # version 2, current, is chosen
    history.table.selectRow(1)
    assert history.selected_version() == 1
    assert history.make_current_button.isEnabled()
    qtbot.mouseClick(history.make_current_button, Qt.MouseButton.LeftButton)
    dialog = history.dialog
    assert isinstance(dialog, ConfirmDialog)
    assert dialog.isVisible()
    assert dialog.words.text().startswith(
        "Les bornes afficheront la version 1 dès que personne ne les utilise.")
    assert dialog.focusWidget() is dialog.note
    qtbot.keyClicks(dialog.note, "La phrase courte trompait les clients")
    key(qtbot, dialog, Qt.Key.Key_Return)  # safe: Enter confirms
    said(qtbot, page, "La version 1 est de nouveau en service.")
    qtbot.waitUntil(lambda: page.form.fields["text.fr"].text() == WEIGH_FR, timeout=WAIT)
    assert hub_get(hub, "/flows/send-parcel").json()["version"] == 1
    changes = hub_get(hub, "/flows/send-parcel/changes").json()["items"]
    assert (changes[0]["action"], changes[0]["version"], changes[0]["note"], changes[0]["by"]) == (
        "current", 1, "La phrase courte trompait les clients", "manon")
    assert history.current_version() == 1


def test_a_flow_is_retired_then_restored_with_keys_only(
        qtbot: Any, manager: ManagerWindow, hub: Hub) -> None:
    page = editor(qtbot, manager, "buy-stamps")
    retire = page.flows.buttons["retire"]
    assert retire.text() == "Retirer des bornes…"
    qtbot.mouseClick(retire, Qt.MouseButton.LeftButton)
    dialog = asked(qtbot, page)
    assert dialog.words.text().startswith(
        "Les bornes n’afficheront plus ce parcours. Il reste dans l’historique")
    qtbot.keyClicks(dialog.note, "Automate en panne")
    key(qtbot, dialog, Qt.Key.Key_Return)  # not safe: Enter in the note does nothing
    assert dialog.isVisible()
    key(qtbot, dialog, Qt.Key.Key_Escape)  # Esc cancels
    assert not dialog.isVisible()
    assert not any(i.get("retired") for i in hub_get(hub, "/flows").json()["items"])
    qtbot.mouseClick(retire, Qt.MouseButton.LeftButton)
    dialog = asked(qtbot, page)
    qtbot.keyClicks(dialog.note, "Automate en panne")
    key(qtbot, dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.ok
    key(qtbot, dialog, Qt.Key.Key_Return)
    said(qtbot, page, "« Acheter des timbres » est retiré des bornes.")
    entry = next(i for i in hub_get(hub, "/flows").json()["items"] if i["id"] == "buy-stamps")
    assert entry["retired"] is True
    row = page.flows.list.item(flow_row(page, "buy-stamps")).text()
    assert "retiré des bornes" in row  # in words, not only a colour
    assert "retiré des bornes" in page.status.text()
    assert retire.text() == "Remettre sur les bornes…"
    changes = hub_get(hub, "/flows/buy-stamps/changes").json()["items"]
    assert (changes[0]["action"], changes[0]["note"]) == ("retired", "Automate en panne")

    qtbot.mouseClick(retire, Qt.MouseButton.LeftButton)
    dialog = asked(qtbot, page)
    assert dialog.words.text() == ("Les bornes afficheront de nouveau ce parcours (version 1) dès que "
                                   "personne ne les utilise.")
    key(qtbot, dialog, Qt.Key.Key_Return)  # safe: Enter confirms
    said(qtbot, page, "« Acheter des timbres » est de nouveau sur les bornes")
    entry = next(i for i in hub_get(hub, "/flows").json()["items"] if i["id"] == "buy-stamps")
    assert entry["retired"] is False
    assert retire.text() == "Retirer des bornes…"
    click_row(qtbot, page.flows.list, flow_row(page, "send-parcel"))  # the list still works
    qtbot.waitUntil(lambda: page.flow_id == "send-parcel" and page.idle(), timeout=WAIT)


def _two_versions_and_a_draft(hub: Hub) -> None:
    """send-parcel: version 2 published, and a draft waiting."""
    with hub.client("manon") as m:
        text = m.get("/flows/send-parcel", headers={"Accept": "application/yaml"}).text
        for note in ("Plus court", None):
            text = text.replace(WEIGH_FR, "Posez le colis.") if note else text.replace(
                "Posez le colis.", "Posez le colis sur la balance.")
            assert m.put("/flows/send-parcel", content=text.encode(),
                         headers={"Content-Type": "application/yaml"}).status_code == 200
            if note:
                assert m.post("/flows/send-parcel/publish", json={"note": note}).status_code == 200


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_new_dialogs_fit_a_laptop_screen(qtbot: Any, hub: Hub, tmp_path: Path, language: str) -> None:
    _two_versions_and_a_draft(hub)
    window = ManagerWindow(hub.url, language)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.user.setText("manon")
    window.password.setText(PASSWORD)
    window.log_in()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=WAIT)
    page: EditorPage = window.page("flows")
    qtbot.waitUntil(lambda: page.doc is not None and page.idle(), timeout=WAIT)
    page.open_flow("send-parcel")
    qtbot.waitUntil(lambda: page.flow_id == "send-parcel" and page.idle(), timeout=WAIT)
    page.tabs.setCurrentWidget(page.history)
    qtbot.waitUntil(lambda: page.idle() and page.history.table.rowCount() == 2, timeout=WAIT)
    page.history.table.selectRow(1)
    shots = tmp_path / "shots"
    shots.mkdir()
    assert window.grab().save(str(shots / f"page-{language}.png"))
    for name, open_it in (("new", page.ask_new_flow), ("duplicate", page.ask_duplicate),
                          ("discard", page.ask_discard), ("retire", page.ask_retire),
                          ("current", page.history.ask_make_current)):
        page.dialog = page.history.dialog = None
        open_it()
        qtbot.waitUntil(lambda: (page.dialog or page.history.dialog) is not None, timeout=WAIT)
        dialog = page.dialog or page.history.dialog
        qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
        assert dialog.width() <= 1366
        assert dialog.height() <= 768
        assert dialog.grab().save(str(shots / f"{name}-{language}.png"))
        key(qtbot, dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
    window.shutdown()
