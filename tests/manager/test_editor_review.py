"""Translations to review and the version history read as text, against a real hub: a
French text changed marks the other languages' texts of that field "à revoir" until they
are edited or kept as they are; the marks survive switching steps, saving and reopening;
publishing with some left warns first; the history lists per step what changed, word by
word, with the raw YAML diff a tick away."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from PySide6.QtCore import Qt

from kiosk import paths
from kiosk.manager import editor_review
from kiosk.manager.app import ManagerWindow
from kiosk.manager.editor import EditorPage
from kiosk.manager.editor_diff import compare, words
from kiosk.manager.editor_doc import dump
from kiosk.manager.editor_review import ReviewMarks, counts
from tests.hub.conftest import Hub
from tests.manager.conftest import open_manager
from tests.manager.test_editor import WAIT, WEIGH_FR, editor, pick_step, settled

WEIGH = "steps/weigh/text"
OTHERS = ("en", "ar", "es", "pt")


@pytest.fixture(autouse=True)
def marks_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own side file (hubs of other tests may have had the same address)."""
    target = tmp_path / "review-marks.json"
    monkeypatch.setattr(editor_review, "marks_file", lambda: target)
    return target


def type_french(qtbot: Any, page: EditorPage, name: str, text: str) -> None:
    field = page.form.fields[f"{name}.fr"]
    field.clear()
    qtbot.keyClicks(field, text)
    settled(qtbot, page)


def marked(page: EditorPage, key: str = WEIGH) -> list[str]:
    """The languages whose badge shows for ``key`` in the form."""
    return [lang for (k, lang), badge in page.form.badges.items() if k == key and badge.isVisible()]


def save(qtbot: Any, page: EditorPage) -> None:
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text().startswith("Brouillon enregistré") and page.idle(),
                    timeout=WAIT)


def test_a_french_change_marks_the_other_languages_until_edited_or_kept(
        qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    assert not page.review_marks
    assert not any(b.isVisible() for b in page.form.badges.values())
    type_french(qtbot, page, "text", "Posez le colis sur la balance.")
    assert marked(page) == list(OTHERS)
    badge = page.form.badges[(WEIGH, "en")]
    assert badge.label.text() == "⚠ À revoir"  # in words, not only a colour
    assert badge.label.accessibleName() == "EN : à revoir, le texte français a changé"
    assert badge.button.text() == "C’est bon"
    assert WEIGH_FR in badge.label.toolTip()  # the French text the translation was written for
    field = page.form.fields["text.en"]
    assert field.property("review") is True
    assert field.accessibleDescription() == "Traduction à revoir : le texte français a changé."
    assert marked(page, "steps/weigh/say") == []  # no spoken text in English to review
    assert marked(page, "steps/weigh/choice0") == []
    assert page.steps.labels()[1] == "2. weigh · 4 à revoir"
    assert "FR complet · EN : 1 à revoir · AR : 1 à revoir" in page.language_status.text()

    qtbot.keyClicks(field, " Please.")  # editing the translation clears its mark
    settled(qtbot, page)
    assert marked(page) == ["ar", "es", "pt"]
    assert field.property("review") is False
    before = page.form.fields["text.ar"].text()
    qtbot.mouseClick(page.form.badges[(WEIGH, "ar")].button, Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert marked(page) == ["es", "pt"]
    assert page.form.fields["text.ar"].text() == before  # kept as it is
    assert page.message.text() == "AR gardé tel quel."

    pick_step(qtbot, page, "destination")  # the marks follow the step, not the form
    settled(qtbot, page)
    assert page.steps.labels()[1] == "2. weigh · 2 à revoir"
    pick_step(qtbot, page, "weigh")
    settled(qtbot, page)
    assert marked(page) == ["es", "pt"]
    type_french(qtbot, page, "text", "Posez le colis sur la balance, bien a plat.")
    assert marked(page) == ["en", "ar", "es", "pt"]  # a new French change: English again too


def test_marks_come_from_texts_not_keystrokes(qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager, "buy-stamps")
    title = page.form.fields["title.fr"]
    qtbot.keyClicks(title, "!")
    settled(qtbot, page)
    assert marked(page, "title") == list(OTHERS)
    qtbot.keyClick(title, Qt.Key.Key_Backspace)  # back to the French of the reference
    settled(qtbot, page)
    assert marked(page, "title") == []
    assert not page.review_marks


def test_marks_survive_saving_and_reopening_the_editor(
        qtbot: Any, manager: ManagerWindow, hub: Hub, marks_file: Path) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    type_french(qtbot, page, "text", "Posez le colis sur la balance.")
    qtbot.mouseClick(page.form.badges[(WEIGH, "pt")].button, Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    save(qtbot, page)
    stored = json.loads(marks_file.read_text(encoding="utf-8"))[hub.url]["send-parcel"]
    assert stored["based_on"] == 1
    assert {(m["field"], m["lang"]) for m in stored["marks"]} == {(WEIGH, "en"), (WEIGH, "ar"), (WEIGH, "es")}
    assert all(m["fr"] == WEIGH_FR for m in stored["marks"])
    assert not page.dirty
    qtbot.mouseClick(page.form.badges[(WEIGH, "es")].button, Qt.MouseButton.LeftButton)
    settled(qtbot, page)
    assert page.dirty  # a mark kept as it is is a change to save
    assert "non enregistrées" in page.status.text()
    save(qtbot, page)

    again = open_manager(qtbot, hub)
    qtbot.waitUntil(lambda: again.stack.currentWidget() is again.tabs, timeout=WAIT)
    try:
        other = editor(qtbot, again)
        pick_step(qtbot, other, "weigh")
        settled(qtbot, other)
        assert other.form.fields["text.fr"].text() == "Posez le colis sur la balance."  # the draft
        assert marked(other) == ["en", "ar"]
        assert other.steps.labels()[1] == "2. weigh · 2 à revoir"
        assert not other.dirty
        assert WEIGH_FR in other.form.badges[(WEIGH, "en")].label.toolTip()
    finally:
        again.shutdown()


def test_a_translation_edited_elsewhere_is_not_marked_again(marks_file: Path) -> None:
    before = {"title": {"fr": "T", "en": "T"}, "steps": [{"id": "a", "text": {"fr": "A", "en": "A en"}}]}
    marks = ReviewMarks(before)
    before["steps"][0]["text"]["fr"] = "A2"
    marks.update(before)
    records = marks.records(before)
    assert records == [{"field": "steps/a/text", "lang": "en", "fr": "A", "text": "A en"}]
    editor_review.write_marks("https://hub", "f", 3, records)
    assert editor_review.read_marks("https://hub", "f") == records
    reopened = ReviewMarks(before)
    reopened.carry(before, editor_review.read_marks("https://hub", "f"))
    assert list(reopened.marks(before)) == [("steps/a/text", "en")]
    elsewhere = {"title": {"fr": "T", "en": "T"}, "steps": [{"id": "a", "text": {"fr": "A2", "en": "A2 en"}}]}
    fresh = ReviewMarks(elsewhere)
    fresh.carry(elsewhere, records)
    assert fresh.marks(elsewhere) == {}
    editor_review.write_marks("https://hub", "f", 3, [])
    assert json.loads(marks_file.read_text(encoding="utf-8")) == {}


def test_a_renamed_step_keeps_its_marks() -> None:
    data = {"steps": [{"id": "a", "text": {"fr": "A", "en": "A en"}},
                      {"id": "b", "text": {"fr": "B", "en": "B en"}}]}
    marks = ReviewMarks(data)
    data["steps"][1]["text"]["fr"] = "B2"
    marks.update(data)
    data["steps"][1]["id"] = "bee"
    marks.update(data)
    assert list(marks.marks(data)) == [("steps/bee/text", "en")]
    assert counts(marks.marks(data)) == (1, 1, False)


def test_publishing_with_texts_to_review_warns_with_their_count(
        qtbot: Any, manager: ManagerWindow, hub: Hub) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    type_french(qtbot, page, "text", "Posez le colis sur la balance.")
    type_french(qtbot, page, "choice1", "Le colis est tres grand")
    pick_step(qtbot, page, "destination")
    type_french(qtbot, page, "text", "Ou va le colis ?")
    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
    box = page.review_box
    assert box is not None
    assert box.isVisible()
    assert box.text() == "12 textes à revoir dans 2 étapes — publier quand même ?"
    listed = box.informativeText()
    assert "• Étape weigh : Texte à l’écran (EN, AR, ES, PT)" in listed
    assert "• Étape weigh : Choix 2 (EN, AR, ES, PT)" in listed
    assert "• Étape destination : Texte à l’écran (EN, AR, ES, PT)" in listed
    first = next(b for b in box.buttons() if b.objectName() == "reviewFirst")
    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=WAIT)
    assert page.publish_dialog is None  # not published
    assert page.doc.step_ids()[page.step_index] == "weigh"
    assert page.tabs.currentWidget() is page.form

    qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
    anyway = next(b for b in page.review_box.buttons() if b.objectName() == "publishAnyway")
    qtbot.mouseClick(anyway, Qt.MouseButton.LeftButton)
    dialog = page.publish_dialog
    assert dialog is not None
    assert dialog.isVisible()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.message.text().startswith("Version 2 publiée") and page.idle(), timeout=WAIT)
    assert len(page.review_marks) == 12  # published anyway: still to review
    with hub.client("manon") as m:
        assert m.get("/flows/send-parcel").json()["version"] == 2


def test_the_warning_names_the_flow_title_too(qtbot: Any, manager: ManagerWindow) -> None:
    page = editor(qtbot, manager, "buy-stamps")
    type_french(qtbot, page, "title", "Des timbres")
    assert page.review_question() == ("4 textes à revoir dans le titre ou le résumé du parcours — "
                                      "publier quand même ?")
    assert page.review_list() == ["Le parcours : Titre (EN, AR, ES, PT)"]


# -- the history ---------------------------------------------------------------------------
def _version_two(hub: Hub) -> None:
    """Version 2 of send-parcel: a shorter weighing sentence, 'receipt' renamed 'ticket'
    (a step removed, one added), and the last two steps swapped."""
    data = yaml.safe_load((paths.builtin_flows_dir() / "send-parcel.yaml").read_text(encoding="utf-8"))
    steps = {s["id"]: s for s in data["steps"]}
    steps["weigh"]["text"]["fr"] = "Posez le colis sur la balance. Le poids s'affiche-t-il bien ?"
    steps["receipt"]["id"] = "ticket"
    steps["stick"]["next"] = "ticket"
    data["steps"][-2:] = data["steps"][-1:-3:-1]
    with hub.client("manon") as m:
        put = m.put("/flows/send-parcel", content=dump(data).encode(),
                    headers={"Content-Type": "application/yaml"})
        assert put.status_code == 200, put.text
        assert m.post("/flows/send-parcel/publish", json={"note": "v2"}).status_code == 200


def test_the_history_reads_as_text_changes_per_step(qtbot: Any, manager: ManagerWindow, hub: Hub) -> None:
    _version_two(hub)
    page = editor(qtbot, manager)
    page.tabs.setCurrentWidget(page.history)
    history = page.history
    qtbot.waitUntil(lambda: page.idle() and history.table.rowCount() == 2
                    and "Changements" in history.changes_text, timeout=WAIT)
    assert history.views.currentWidget() is history.changes  # text first, YAML for experts
    text = history.changes_text
    assert text.startswith("Changements : version 1 → version 2. 1 étape ajoutée · 1 étape supprimée · ")
    assert "Étape 2 · weigh — modifiée" in text
    assert "Texte à l’écran · FR" in text
    assert f"Avant\n{WEIGH_FR}" in text
    assert "Après\nPosez le colis sur la balance. Le poids s'affiche-t-il bien ?" in text
    assert "supprimé : « fermé » · ajouté : « bien »" in text
    assert "Étape 9 · ticket — ajoutée" in text
    assert "Étape receipt — supprimée" in text
    assert "Étape suivante : receipt → ticket" in text
    assert sum(f"Étape {n} · {sid} — déplacée" in text for n, sid in ((10, "counter"), (11, "drop"))) == 1
    html = history.changes.toHtml()
    assert "line-through" in html  # struck and underlined, not colour alone
    assert "underline" in html
    qtbot.mouseClick(history.raw, Qt.MouseButton.LeftButton)
    assert history.views.currentWidget() is history.diff
    assert history.diff_text.startswith("--- version 1\n+++ version 2\n")
    assert f'-      fr: "{WEIGH_FR}"' in history.diff_text


def test_words_and_steps_compared() -> None:
    assert words("Posez le colis fermé.", "Posez le grand colis.") == [
        ("same", "Posez le "), ("add", "grand "), ("same", "colis"), ("del", " fermé"), ("same", ".")]
    old = {"title": {"fr": "T"}, "steps": [{"id": "a", "text": {"fr": "A"}, "next": "b"},
                                           {"id": "b", "text": {"fr": "B"}, "end": True},
                                           {"id": "c", "text": {"fr": "C"}, "end": True}]}
    new = {"title": {"fr": "T2"}, "steps": [{"id": "b", "text": {"fr": "B", "en": "B en"}, "end": True},
                                            {"id": "a", "text": {"fr": "A"}, "next": "b"},
                                            {"id": "d", "text": {"fr": "D"}, "end": True}]}
    changes = compare(old, new)
    assert [(t.field, t.language, t.old, t.new) for t in changes.flow.texts] == [("title", "fr", "T", "T2")]
    summary = [(c.step_id, c.status, c.moved, [(t.language, t.new) for t in c.texts]) for c in changes.steps]
    assert summary == [("b", "changed", True, [("en", "B en")]),  # 'a' kept its place and texts
                       ("d", "added", False, []), ("c", "removed", False, [])]
