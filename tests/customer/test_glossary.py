"""Glossary words on the kiosk: a step's hard words marked (colours that read in both
themes), a touch or the keys open the big panel (picture, word, explanation, said
aloud, counted), and closing it gives the step back with the focus on the word; the
same in Arabic, right to left; the reset closes it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from kiosk.customer.glossary_panel import EVENT, GlossaryPanel
from kiosk.customer.spoken import describe
from kiosk.flows.glossary import glossary
from kiosk.ui.colors import contrast
from kiosk.ui.marked_text import WordButton
from kiosk.ui.theme import MIN_TOUCH_PX, THEMES, palette
from tests.clock import FakeClock
from tests.customer.conftest import tap

K = Qt.Key


def said(ctrl: Any) -> list[str]:
    out: list[str] = []
    ctrl.speakRequested.connect(out.append)
    ctrl.speakAfterRequested.connect(out.append)
    return out


def panel(window: Any) -> GlossaryPanel:
    found = window.step.glossary
    assert found is not None
    return found  # type: ignore[no-any-return]


def key(qtbot: Any, window: Any, k: Qt.Key, keypad: bool = False) -> None:
    mods = Qt.KeyboardModifier.KeypadModifier if keypad else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(window, k, mods)


@pytest.mark.parametrize("theme", THEMES)
def test_marks_read_in_both_themes(theme: str) -> None:
    c = palette(theme)
    assert contrast(c["button_text"], c["card"]) >= 4.5  # the word and its dotted line
    assert contrast(c["primary_text"], c["primary"]) >= 4.5  # the "?" on its disc
    assert contrast(c["primary"], c["card"]) >= 3.0  # the disc on the card


def test_a_step_with_etiquette_shows_the_word_marked(kiosk: Any, qtbot: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel", "label")
    text = window.step.text
    assert text.text() == "Prenez l'étiquette qui sort de l'automate. Avez-vous l'étiquette ?"
    assert text.marked() == [("etiquette", "l'étiquette"), ("automate", "l'automate"),
                             ("etiquette", "l'étiquette")]
    qtbot.waitUntil(lambda: all(b.isVisible() for b in text.buttons))
    word = text.buttons[0]
    assert word.accessibleName() == "Mot expliqué : l'étiquette"
    assert min(word.width(), word.height()) >= MIN_TOUCH_PX  # a touch target
    assert describe(word, ctrl.strings) == "Mot expliqué : l'étiquette, bouton, 1 sur 3"
    # drawn where its button is: the word in the buttons' colour, the "?" disc after it
    image = text.grab().toImage()
    box = word.geometry()
    colours = {image.pixelColor(x, y).name().upper()
               for x in range(box.left(), box.right()) for y in range(box.top(), box.bottom())}
    assert palette("default")["button_text"] in colours
    ctrl.start_flow("send-parcel", "weigh")  # a step without such a word: plain text
    assert text.marked() == []
    assert not any(b.isVisible() for b in text.buttons)


def test_a_tap_opens_the_panel_said_and_counted(kiosk: Any, qtbot: Any, clock: FakeClock) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel", "label")
    words = said(ctrl)
    tap(qtbot, window.step.text.buttons[0], clock)
    shown = panel(window)
    assert shown.isVisible()
    assert shown.geometry() == window.rect()
    term = glossary("fr").get("etiquette")
    assert term is not None
    assert shown.picture.name == term.picture == "label-out.svg"
    assert shown.heading.text() == "Ce mot veut dire…"
    assert shown.name.text() == "l'étiquette"
    assert shown.explanation.text() == term.explanation
    assert shown.close_button.label_text() == "J’ai compris"
    assert words[-1] == f"Ce mot veut dire… l'étiquette. {term.explanation}"
    event = [e for e in ctrl.events if e.type == EVENT][-1]
    assert (event.flow_id, event.step_id, event.data) == (
        "send-parcel", "label", {"term": "etiquette", "language": "fr"})
    tap(qtbot, shown.close_button, clock)
    assert not shown.isVisible()
    assert ctrl.session is not None
    assert ctrl.session.current_id == "label"


def test_keys_only_open_with_enter_close_with_backspace(kiosk: Any, qtbot: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel", "label")
    words = said(ctrl)
    key(qtbot, window, K.Key_Down)  # the first key: keypad mode, on the first choice
    assert window.keypad.on
    for _ in range(10):  # back up to the text's words, as a customer would
        if isinstance(window.focusWidget(), WordButton):
            break
        key(qtbot, window, K.Key_Up)
    word = window.focusWidget()
    assert isinstance(word, WordButton)
    assert word.term.id in ("etiquette", "automate")
    assert words[-1].startswith(word.accessibleName())
    assert word.accessibleName().endswith(word.word)
    key(qtbot, window, K.Key_Return)
    shown = panel(window)
    assert shown.isVisible()
    assert window.focusWidget() is shown.close_button
    assert shown.explanation.text() == word.term.explanation
    assert any(word.term.explanation in w for w in words)
    key(qtbot, window, K.Key_Tab)  # moving stays inside the panel
    assert window.focusWidget() is shown.close_button
    key(qtbot, window, K.Key_Backspace)
    assert not shown.isVisible()
    assert window.focusWidget() is word  # back where it was
    assert words[-1].startswith(word.accessibleName())
    assert ctrl.session is not None
    assert ctrl.session.current_id == "label"
    key(qtbot, window, K.Key_Return)  # again, then Esc, then keypad 4
    assert shown.isVisible()
    key(qtbot, window, K.Key_Escape)
    assert not shown.isVisible()
    assert window.focusWidget() is word
    key(qtbot, window, K.Key_Return)
    key(qtbot, window, K.Key_4, keypad=True)
    assert not shown.isVisible()
    assert window.focusWidget() is word


def test_the_same_in_arabic_right_to_left(kiosk: Any, qtbot: Any, clock: FakeClock) -> None:
    ctrl, window = kiosk
    ctrl.set_language("ar")
    ctrl.start_flow("send-parcel", "label")
    text = window.step.text
    assert [w for _t, w in text.marked()] == ["الملصق", "الجهاز", "الملصق"]
    first, device = text.buttons[0], text.buttons[1]
    qtbot.waitUntil(lambda: first.isVisible())
    assert first.x() > device.x()  # the first word read is the rightmost
    assert first.accessibleName() == "كلمة مشروحة: الملصق"
    words = said(ctrl)
    tap(qtbot, first, clock)
    shown = panel(window)
    assert shown.isVisible()
    assert shown.isRightToLeft()
    term = glossary("ar").get("etiquette")
    assert term is not None
    assert shown.explanation.text() == term.explanation
    assert shown.heading.text() == "معنى هذه الكلمة…"
    assert term.explanation in words[-1]
    assert shown.picture.x() > shown.explanation.x()  # the picture first, on the right
    tap(qtbot, shown.close_button, clock)
    key(qtbot, window, K.Key_Left)  # keys now: Left is "next" in Arabic
    for _ in range(10):
        if window.focusWidget() is first:
            break
        key(qtbot, window, K.Key_Right)
    assert window.focusWidget() is first
    key(qtbot, window, K.Key_5, keypad=True)
    assert shown.isVisible()
    assert window.focusWidget() is shown.close_button
    key(qtbot, window, K.Key_Backspace)
    assert not shown.isVisible()
    assert window.focusWidget() is first


def test_the_reset_and_a_new_screen_close_it(kiosk: Any, qtbot: Any, clock: FakeClock) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("collect-parcel", "counter")
    tap(qtbot, window.step.text.buttons[0], clock)
    shown = panel(window)
    assert shown.isVisible()
    assert shown.term.id == "guichet"
    ctrl.reset("inactivity")
    assert not shown.isVisible()
    assert ctrl.pristine
    ctrl.start_flow("collect-parcel", "counter")
    tap(qtbot, window.step.text.buttons[0], clock)
    assert shown.isVisible()
    ctrl.go_home()
    assert not shown.isVisible()


def test_the_inactivity_reset_closes_it(qtbot: Any, kiosk: Any, clock: FakeClock) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel", "label")
    tap(qtbot, window.step.text.buttons[0], clock)
    shown = panel(window)
    assert shown.isVisible()
    qtbot.waitUntil(lambda: window.more_time.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: ctrl.pristine, timeout=3000)  # nobody answered: reset
    assert not shown.isVisible()


def test_marked_words_under_a_finger_in_audio_only_mode(kiosk: Any, qtbot: Any,
                                                        clock: FakeClock) -> None:
    """Explore by touch: a word is said like any element; a second touch opens it."""
    from kiosk.customer.explore import ExploreMode

    ctrl, window = kiosk
    mode = ExploreMode(ctrl, window, None, clock=lambda: clock.now)
    window.explore = mode
    ctrl.start_flow("send-parcel", "label")
    mode.turn_on("test", announce=False)
    word = window.step.text.buttons[0]
    qtbot.waitUntil(word.isVisible)
    centre = word.rect().center()
    with qtbot.waitSignal(mode.spoken) as heard:
        qtbot.mouseClick(word, Qt.MouseButton.LeftButton, pos=centre)
    assert heard.args[0].startswith("Mot expliqué : l'étiquette")
    assert window.step.glossary is None or not window.step.glossary.isVisible()
    clock.now += 1.0
    qtbot.mouseClick(word, Qt.MouseButton.LeftButton, pos=centre)
    assert panel(window).isVisible()
    # a flick moves among the panel's elements only, never to the step underneath
    mode._heard_before = None
    heard_words = []
    for rightwards in (True, True, True, False):
        with qtbot.waitSignal(mode.spoken) as flicked:
            mode._flick(rightwards)
        heard_words.append(flicked.args[0])
        assert panel(window).isAncestorOf(mode._selected), flicked.args[0]
        mode._heard_before = mode._selected
    assert any("compris" in w for w in heard_words), heard_words
    mode.stop()


def test_the_mark_sits_on_its_word(kiosk: Any, qtbot: Any) -> None:
    """The button's middle is on the word's letters in the buttons' colour (the text is
    laid out once, painted and measured from the same layout)."""
    ctrl, window = kiosk
    for lang in ("fr", "ar"):
        ctrl.set_language(lang)
        ctrl.start_flow("send-parcel", "label")
        text = window.step.text
        image = text.grab().toImage()
        ink = QColor(palette("default")["button_text"])
        for b in text.buttons:
            box = b.geometry()
            middle = box.center().y()
            row = [image.pixelColor(QPoint(x, y)) for x in range(box.left(), box.right())
                   for y in range(middle - 12, middle + 12)]
            assert any(c == ink for c in row), (lang, b.word)


def test_a_label_keeps_one_document_whatever_it_shows(qtbot: Any) -> None:
    """Each text used to leave a document behind (the soak benchmark's memory grew)."""
    from PySide6.QtGui import QTextDocument

    from kiosk.ui.marked_text import MarkedText

    text = MarkedText()
    qtbot.addWidget(text)
    for i in range(30):
        text.show_text(f"Prenez l'étiquette {i}. Allez à l'automate.", "fr")
        text.show_text("Rien à expliquer ici.", "fr")
    assert len(text.findChildren(QTextDocument)) <= 2  # its own, and the QLabel's at most
    assert [term for term, _w in text.marked()] == []
