"""The flow editor page against a real hub: form, YAML both ways, preview, problems,
step operations, languages, voice, draft, publish, history and rollback.
(Translations to review and the history's text view: test_editor_review.py; pictures:
test_editor_pictures.py; new flows, drafts abandoned, retired flows: test_editor_lifecycle.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget

from kiosk.manager import editor_review
from kiosk.manager.app import ManagerWindow
from kiosk.manager.editor import EditorPage
from kiosk.voice.fakes import FakeEngine
from kiosk.voice.speaker import Speaker
from tests.hub.conftest import Hub

WAIT = 10_000
WEIGH_FR = "Posez le colis fermé sur la balance. Le poids s'affiche-t-il ?"


@pytest.fixture(autouse=True)
def _own_marks_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The translations to review of this test only (another hub may have had its address)."""
    monkeypatch.setattr(editor_review, "marks_file", lambda: tmp_path / "review-marks.json")


def editor(qtbot: Any, manager: ManagerWindow, flow_id: str = "send-parcel") -> EditorPage:
    """The editor page with ``flow_id`` open (picked by a click in the list of flows)."""
    page: EditorPage = manager.page("flows")
    qtbot.waitUntil(lambda: page.doc is not None and page.idle(), timeout=WAIT)
    if page.flow_id != flow_id:
        click_row(qtbot, page.flows.list, flow_row(page, flow_id))
        qtbot.waitUntil(lambda: page.flow_id == flow_id and page.idle(), timeout=WAIT)
    return page


def flow_row(page: EditorPage, flow_id: str) -> int:
    rows = page.flows.list
    return next(i for i in range(rows.count()) if rows.item(i).data(Qt.ItemDataRole.UserRole) == flow_id)


def click_row(qtbot: Any, widget: QListWidget, row: int) -> None:
    item = widget.item(row)
    widget.scrollToItem(item)
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=widget.visualItemRect(item).center())


def pick_step(qtbot: Any, page: EditorPage, step_id: str) -> None:
    index = page.doc.step_ids().index(step_id)
    click_row(qtbot, page.steps.list, index)
    assert page.step_index == index


def settled(qtbot: Any, page: EditorPage) -> None:
    qtbot.waitUntil(page.idle, timeout=WAIT)


def set_yaml(qtbot: Any, page: EditorPage, text: str) -> None:
    page.tabs.setCurrentWidget(page.yaml)
    page.yaml.editor.setPlainText(text)
    settled(qtbot, page)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_french_text_typed_in_the_form_shows_in_the_yaml_and_the_preview(
        qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    settled(qtbot, page)
    assert WEIGH_FR in page.preview.texts
    field = page.form.fields["text.fr"]
    assert field.text() == WEIGH_FR
    renders = page.preview.renders
    field.clear()
    qtbot.keyClicks(field, "Posez le colis sur la balance.")
    settled(qtbot, page)
    assert 'fr: "Posez le colis sur la balance."' in page.yaml.text()
    assert WEIGH_FR not in page.yaml.text()
    assert "Posez le colis sur la balance." in page.preview.texts
    assert page.preview.renders > renders
    assert "non enregistrées" in page.status.text()
    assert page.problems.summary.text().startswith("Aucun problème")


def test_a_yaml_error_shows_its_line_and_the_form_keeps_the_last_good_state(
        qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    good = page.yaml.text()
    broken = good.replace("  - id: weigh\n", "  - id: weigh\n   text: [\n", 1)
    set_yaml(qtbot, page, broken)
    line = line_of(broken, "text: [")
    assert page.yaml.error_text.startswith(f"Ligne {line} : YAML mal formé : ")
    assert page.yaml.banner.isVisible()
    assert page.doc.step_ids()[1] == "weigh"
    assert page.form.fields["text.fr"].text() == WEIGH_FR
    assert any(f"ligne {line}" in p for p in page.problems.texts())
    # fixed, with a change: the form follows the YAML
    set_yaml(qtbot, page, good.replace('fr: "Envoyer un colis"', 'fr: "Expédier un colis"', 1))
    assert page.yaml.error_text == ""
    assert not page.yaml.banner.isVisible()
    assert page.form.fields["title.fr"].text() == "Expédier un colis"
    assert page.doc.steps[page.step_index]["id"] == "weigh"


def test_a_validation_error_is_listed_and_a_click_goes_to_its_step(
        qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager)
    text = page.yaml.text().replace("next: destination", "next: destinaton", 1)
    set_yaml(qtbot, page, text)
    problems = page.problems.texts()
    first = problems[0]
    assert ("la destination « destinaton » n'existe pas ; vouliez-vous dire « destination » ?"
            in first)  # the validator speaks the editor's language
    assert "étape weigh" in first
    assert "weigh" in page.doc.step_ids()  # the form took the text: it parses
    pick_step(qtbot, page, "start")
    click_row(qtbot, page.problems.list, 0)
    assert page.doc.step_ids()[page.step_index] == "weigh"
    assert page.form.fields["id"].text() == "weigh"
    assert page.yaml.editor.textCursor().blockNumber() + 1 == line_of(text, "destinaton")
    weigh_row = page.steps.list.item(page.doc.step_ids().index("weigh"))
    assert weigh_row.foreground().color() == QColor("#A3140F")


def test_steps_are_added_duplicated_moved_and_deleted(qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager, "buy-stamps")
    before = page.doc.step_ids()
    buttons = page.steps.buttons
    pick_step(qtbot, page, before[0])
    qtbot.mouseClick(buttons["add"], Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert page.doc.step_ids() == [before[0], "step", *before[1:]]
    assert page.step_index == 1
    assert "  - id: step\n" in page.yaml.text()
    assert "on ne peut jamais arriver" in " ".join(page.problems.texts())  # a new step is linked by hand
    qtbot.mouseClick(buttons["duplicate"], Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert page.doc.step_ids()[1:3] == ["step", "step-copy"]
    qtbot.mouseClick(buttons["up"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(buttons["up"], Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert page.doc.step_ids()[:3] == ["step-copy", before[0], "step"]
    assert page.steps.labels()[0] == "1. step-copy"
    qtbot.mouseClick(buttons["down"], Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert page.doc.step_ids()[:3] == [before[0], "step-copy", "step"]
    for _ in range(2):
        pick_step(qtbot, page, "step")
        qtbot.mouseClick(buttons["delete"], Qt.MouseButton.LeftButton)
        settled(qtbot, page)
        if "step" not in page.doc.step_ids():
            pick_step(qtbot, page, "step-copy")
            qtbot.mouseClick(buttons["delete"], Qt.MouseButton.LeftButton)
            settled(qtbot, page)
            break
    assert page.doc.step_ids() == before
    yaml_ids = [line.split(":", 1)[1].strip() for line in page.yaml.text().splitlines()
                if line.startswith("  - id:")]
    assert yaml_ids == before
    assert page.problems.summary.text().startswith("Aucun problème")


def test_a_renamed_step_keeps_its_links_and_a_graph_click_selects_a_step(
        qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "destination")
    ident = page.form.fields["id"]
    ident.setText("where-to")
    ident.editingFinished.emit()
    settled(qtbot, page)
    assert "next: where-to" in page.yaml.text()
    assert "destination" not in page.doc.step_ids()
    assert page.problems.summary.text().startswith("Aucun problème")
    page.tabs.setCurrentWidget(page.graph_tab)
    settled(qtbot, page)
    graph = page.graph
    assert set(graph.boxes) == set(page.doc.step_ids())
    assert ("weigh", "@help") in graph.tags
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=graph.box_point("pay"))
    assert page.doc.step_ids()[page.step_index] == "pay"
    assert page.form.fields["id"].text() == "pay"


def test_a_new_language_marks_and_counts_what_is_left_to_translate(
        qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager, "buy-stamps")
    texts = page.missing_counts()
    assert set(texts) == {"fr", "en", "ar", "es", "pt"}
    assert not any(texts.values())
    page.new_language.setEditText("de")
    qtbot.mouseClick(page.add_language_button, Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    total = page.missing_counts()["de"]
    assert total == len(page.doc.texts()) > 5
    assert f"DE : {total} texte(s) à traduire" in page.language_status.text()
    field = page.form.fields["text.de"]
    assert field.property("missing") is True
    assert page.form.fields["text.fr"].property("missing") is False
    assert page.form.fields["title.de"].property("missing") is True
    qtbot.keyClicks(field, "Briefmarken kaufen.")
    settled(qtbot, page)
    assert field.property("missing") is False
    assert page.missing_counts()["de"] == total - 1
    assert 'de: "Briefmarken kaufen."' in page.yaml.text()
    assert "la langue « de » n'est traduite qu'en partie" in " ".join(page.problems.texts())
    page.preview.set_language("de")
    settled(qtbot, page)
    assert "Briefmarken kaufen." in page.preview.texts


def test_the_preview_follows_language_and_text_size(qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    page.preview.set_language("ar")
    page.preview.set_scale(2.0)
    settled(qtbot, page)
    assert "ضع الطرد مغلقًا على الميزان. هل يظهر الوزن؟" in page.preview.texts
    assert page.preview.scale == 2.0
    assert not page.preview.image.pixmap().isNull()


def test_listen_speaks_the_step_and_a_broken_voice_is_said_plainly(
        qtbot: Any, manager: ManagerWindow, tmp_path: Path) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    engine = FakeEngine()
    page.preview.speaker_factory = lambda: Speaker(tmp_path / "ok", engine_factory=lambda: engine)
    qtbot.mouseClick(page.preview.listen, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.preview.speech and page.preview.speech.player.played), timeout=WAIT)
    assert engine.rendered[0][1].startswith(WEIGH_FR + " Vos choix : Oui.")
    page.preview.shutdown()
    page.preview.speech = None
    broken = FakeEngine(fail_with=RuntimeError("no sound card"))
    page.preview.speaker_factory = lambda: Speaker(tmp_path / "ko", engine_factory=lambda: broken)
    qtbot.mouseClick(page.preview.listen, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "ne fonctionne pas" in page.preview.message.text(), timeout=WAIT)
    assert "no sound card" in page.preview.message.text()


def test_save_publish_compare_and_roll_back(qtbot: Any, manager: ManagerWindow, hub: Hub) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    field = page.form.fields["text.fr"]
    field.clear()
    qtbot.keyClicks(field, "Posez le colis sur la balance.")
    settled(qtbot, page)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text().startswith("Brouillon enregistré"), timeout=WAIT)
    with hub.client("manon") as m:
        draft = m.get("/flows/send-parcel", params={"draft": 1}).json()
    assert draft["flow"]["steps"][1]["text"]["fr"] == "Posez le colis sur la balance."
    assert "non enregistrées" not in page.status.text()
    settled(qtbot, page)

    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
    warning = page.review_box  # the other languages' texts of that step are to review
    assert warning is not None
    assert warning.text() == "4 textes à revoir dans 1 étape — publier quand même ?"
    anyway = next(b for b in warning.buttons() if b.objectName() == "publishAnyway")
    qtbot.mouseClick(anyway, Qt.MouseButton.LeftButton)
    dialog = page.publish_dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.note.setPlainText("Phrase de la pesée plus courte")  # (key clicks: ASCII only)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text().startswith("Version 2 publiée"), timeout=WAIT)
    qtbot.waitUntil(lambda: "Version 2 en service" in page.status.text() and page.idle(), timeout=WAIT)
    with hub.client("manon") as m:
        current = m.get("/flows/send-parcel").json()
    assert (current["version"], current["note"], current["published_by"]) == (
        2, "Phrase de la pesée plus courte", "manon")
    assert current["flow"]["steps"][1]["text"]["fr"] == "Posez le colis sur la balance."

    page.tabs.setCurrentWidget(page.history)
    qtbot.waitUntil(lambda: page.idle() and "@@" in page.history.diff_text, timeout=WAIT)
    assert "Étape 2 · weigh — modifiée" in page.history.changes_text
    diff = page.history.diff_text
    assert diff.startswith("--- version 1\n+++ version 2\n")
    assert f'-      fr: "{WEIGH_FR}"' in diff
    assert '+      fr: "Posez le colis sur la balance."' in diff
    assert page.history.table.rowCount() == 2
    assert page.history.table.item(0, 3).text() == "Phrase de la pesée plus courte"

    qtbot.mouseClick(page.history.rollback_button, Qt.MouseButton.LeftButton)
    box = page.history.confirm
    assert box is not None
    assert box.isVisible()
    yes = next(b for b in box.buttons() if b.objectName() == "rollbackYes")
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text() == "La version 1 est de nouveau en service.", timeout=WAIT)
    qtbot.waitUntil(lambda: page.idle() and page.form.fields["text.fr"].text() == WEIGH_FR, timeout=WAIT)
    with hub.client("manon") as m:
        assert m.get("/flows/send-parcel").json()["version"] == 1
    assert page.history.current_version() == 1
    assert "Version 1 en service" in page.status.text()


def test_a_draft_the_hub_refuses_is_said_with_its_line(qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager, "buy-stamps")
    text = page.yaml.text()
    set_yaml(qtbot, page, text.replace("id: buy-stamps", "id: other-flow", 1))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text().startswith("Le serveur refuse"), timeout=WAIT)
    assert f"{line_of(text, 'id: buy-stamps')}: the flow's id 'other-flow'" in page.message.text()


def test_unsaved_changes_are_not_dropped_without_asking(qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager, "buy-stamps")
    page.form.fields["title.fr"].setText("")
    qtbot.keyClicks(page.form.fields["title.fr"], "Timbres")
    settled(qtbot, page)
    assert page.dirty
    rows, other = page.flows.list, flow_row(page, "send-parcel")
    click_row(qtbot, rows, other)
    box = page.confirm
    assert box is not None
    assert box.isVisible()
    cancel = next(b for b in box.buttons() if b.text() == "Annuler")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert page.flow_id == "buy-stamps"
    assert page.form.fields["title.fr"].text() == "Timbres"
    click_row(qtbot, rows, other)
    drop = next(b for b in page.confirm.buttons() if b.text() == "Abandonner")
    qtbot.mouseClick(drop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.flow_id == "send-parcel" and page.idle(), timeout=WAIT)
    assert not page.dirty


def test_the_real_kiosk_draws_the_draft(qtbot: Any, hub: Hub,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """After the quick drawing, the kiosk itself (another process) draws the edited step."""
    from kiosk.manager.editor_preview import PreviewPane
    from tests.manager.conftest import open_manager

    monkeypatch.setattr(PreviewPane, "REAL_KIOSK", True)
    manager = open_manager(qtbot, hub)
    qtbot.waitUntil(lambda: manager.stack.currentWidget() is manager.tabs, timeout=WAIT)
    try:
        page = editor(qtbot, manager)
        pick_step(qtbot, page, "weigh")
        settled(qtbot, page)
        renderer = page.preview.kiosk
        assert renderer is not None
        with qtbot.waitSignal(renderer.rendered, timeout=60_000) as got:
            page.form.fields["text.fr"].setText("Posez le colis sur la balance, s'il vous plaît.")
        image = got.args[0].toImage()
        assert (image.width(), image.height()) == (1920, 1080)  # the kiosk's own screen
        assert page.preview.note.text().endswith("Écran réel de la borne.")
    finally:
        manager.shutdown()
