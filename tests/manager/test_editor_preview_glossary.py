"""The editor's live preview shows a step's glossary words as the kiosk will: marked
(the kiosk's own text widget, kiosk.ui.marked_text), in each language of the flow."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

from kiosk.manager.editor_doc import FlowDoc
from kiosk.manager.editor_preview import KioskStep, render_step
from kiosk.ui.theme import palette

STEP = {"id": "label", "text": {"fr": "Prenez l'étiquette qui sort de l'automate.",
                                "ar": "خذ الملصق الذي يخرج من الجهاز."},
        "next": "done"}


def doc() -> FlowDoc:
    return FlowDoc({"schema": 1, "id": "f", "title": {"fr": "Essai", "ar": "تجربة"},
                    "start": "label", "steps": [STEP, {"id": "done", "text": {"fr": "Fini."},
                                                       "end": True}]})


def test_the_preview_marks_the_glossary_words(qapp: Any) -> None:
    for lang, words in (("fr", ["l'étiquette", "l'automate"]), ("ar", ["الملصق", "الجهاز"])):
        screen = KioskStep(doc(), STEP, lang, 1.0)
        assert [w for _t, w in screen.marked.marked()] == words
        screen.deleteLater()


def test_the_marked_words_are_drawn_in_the_picture(qapp: Any) -> None:
    from PySide6.QtCore import QEvent

    pixmap, texts = render_step(doc(), STEP, "fr", 1.0)
    assert not pixmap.isNull()
    assert "Prenez l'étiquette qui sort de l'automate." in texts
    screen = KioskStep(doc(), STEP, "fr", 1.0)
    screen.resize(1920, 1080)
    screen.show()
    for _ in range(4):
        qapp.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
    image = screen.marked.grab().toImage()
    ink = QColor(palette("default")["button_text"]).rgb()  # plain text is "text"
    assert any(image.pixelColor(x, y).rgb() == ink for x in range(image.width())
               for y in range(image.height()))
    screen.hide()
    screen.deleteLater()
