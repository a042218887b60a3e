"""The glossary's panel: a marked word of a step's text (kiosk.ui.marked_text) explained,
large, over the step: its picture, the word and its plain explanation (kiosk.flows.glossary),
said aloud through the kiosk's voice as it opens. "J'ai compris", Back (Backspace,
keypad 4) or Esc close it: the step is as it was, the keys' focus back on the word.
Opening it sends the event ``glossary.opened`` (``{"term", "language"}``, at the step)
for the manager's statistics.

The panel looks after itself where the window's own panels are looked after by the
window (kiosk.customer.window) and the key handling (kiosk.customer.keypad), which do
not list it: while it is open its application event filter comes first and takes the
keys it answers (Back, Esc, Enter, moving, repeat; each one activity for the inactivity
timer and silence, as the guard makes any key), and leaves the others (volume, a call
for a mediator, key help) to the kiosk; a panel of the window opened over it (more
time?, the staff's PIN) has the keys. A screen change or the reset that ends a visit
closes it; it follows the window's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QBoxLayout, QVBoxLayout, QWidget

from kiosk.customer import keys
from kiosk.customer.keypad import sentence
from kiosk.customer.overlays import MARGIN_SHARE, Overlay
from kiosk.customer.spoken import describe, elements
from kiosk.ui.widgets import BigButton, Picture, label

if TYPE_CHECKING:
    from kiosk.customer.window import KioskWindow

EVENT = "glossary.opened"
PICTURE_SHARE = 0.34  # of the panel's width (landscape) or the window's height (portrait)
ANSWERED = (keys.BACK, keys.ACTIVATE, keys.NEXT, keys.PREVIOUS, keys.REPEAT)


class GlossaryPanel(Overlay):
    """One term explained: picture, word, explanation, and a big button to close."""

    def __init__(self, window: KioskWindow) -> None:
        super().__init__(window)
        self.kiosk = window
        self.ctrl = window.ctrl
        self.panel.setObjectName("glossary-panel")
        self.term: Any = None  # the kiosk.flows.glossary.Term shown
        self.word = ""
        self.opener: QWidget | None = None  # the word's button: the focus goes back to it
        self.heading = label("", "overlayHint")
        self.heading.setObjectName("glossary-heading")
        self.picture = Picture()
        self.picture.setObjectName("glossary-picture")
        self.name = label("", "overlay")
        self.name.setObjectName("glossary-word")
        self.explanation = label("", "stepText")
        self.explanation.setObjectName("glossary-explanation")
        texts = QVBoxLayout()
        texts.setSpacing(18)
        texts.addWidget(self.name)
        texts.addWidget(self.explanation)
        texts.addStretch(1)
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.row.setSpacing(32)
        self.row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        self.row.addLayout(texts, 1)
        self.close_button = BigButton("", "primary", "yes.svg", icon_px=64)
        self.close_button.setObjectName("glossary-close")
        self.close_button.clicked.connect(self.hide)
        self.box.addWidget(self.heading)
        self.box.addLayout(self.row)
        # the button under the panel, out of its scroll area: large text on a small screen
        # scrolls the explanation, never the way out of sight
        self.outer.insertStretch(0, 1)
        self.outer.addWidget(self.close_button)
        self.outer.addStretch(1)
        self.outer.setSpacing(16)
        self.closed.connect(self._closed)
        self.ctrl.screenChanged.connect(self.hide)
        self.ctrl.resetDone.connect(self.hide)

    # -- opening -----------------------------------------------------------------------
    def show_term(self, term: Any, opener: QWidget | None = None, word: str = "") -> None:
        """Explain ``term`` (``word``: as the step's text writes it), say it, count it."""
        strings = self.ctrl.strings
        self.term, self.word = term, word or (term.words[0] if term.words else term.id)
        self.opener = opener
        self.heading.setText(strings.t("glossary.title"))
        self.name.setText(self.word)
        self.explanation.setText(term.explanation)
        self.picture.set_picture(term.picture)
        self.close_button.set_text(strings.t("glossary.close"))
        self._arrange()
        self.ctrl.log(EVENT, {"term": term.id, "language": self.ctrl.look.language})
        self.open()
        self._say(self.speech())
        keypad = getattr(self.kiosk, "keypad", None)
        if keypad is not None and keypad.on:
            self._focus(self.close_button, announce=False)
            self.ctrl.speakAfterRequested.emit(describe(self.close_button, strings))

    def speech(self) -> str:
        """What the panel says as it opens: its title, the word, its explanation."""
        return " ".join(sentence(t) for t in (self.heading.text(), self.word,
                                              self.explanation.text()) if t)

    def _arrange(self) -> None:
        """The picture beside the texts on a landscape screen, above them on a portrait
        one; as large as leaves the explanation room (the panel scrolls, never cuts)."""
        width, height = self.kiosk.width(), self.kiosk.height()
        if width > height:  # (larger text, smaller picture: the words need the room)
            self.row.setDirection(QBoxLayout.Direction.LeftToRight)
            share = PICTURE_SHARE / max(1.0, self.ctrl.look.scale * 0.75)
            side = round(width * (1 - 2 * MARGIN_SHARE) * share)
            self.picture.setFixedSize(side, min(round(side * 0.75), round(height * 0.45)))
        else:
            self.row.setDirection(QBoxLayout.Direction.TopToBottom)
            self.picture.setMinimumWidth(160)
            self.picture.setMaximumWidth(16777215)
            self.picture.setFixedHeight(round(height * PICTURE_SHARE * 0.7))
        self._fit_height()

    def _fit_height(self) -> None:
        """The panel as tall as its content, at most what the window leaves it beside
        the button (then it scrolls)."""
        self.ensurePolished()  # (the texts' sizes are the style sheet's)
        inner = self.kiosk.width() - 2 * max(12, round(self.kiosk.width() * MARGIN_SHARE))
        layout = self.panel.layout()
        need = layout.totalHeightForWidth(inner) + 8 if layout is not None else 0
        room = (self.kiosk.height() - 24 - self.outer.spacing()
                - self.close_button.heightForWidth(inner))
        self.scroll.setFixedHeight(max(120, min(need, room)))

    # -- keys ----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # the last installed comes first: before the guard
        self.kiosk.installEventFilter(self)  # its resizes

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt API
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.kiosk.removeEventFilter(self)
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.kiosk and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.kiosk.rect())
            self._arrange()
            return False
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False  # (every event of the application passes here while it is open)
        if not isinstance(watched, QWidget) or watched.window() is not self.kiosk:
            return False
        return self.key(event.key(), event.modifiers(), event.isAutoRepeat())

    def key(self, key: int, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
            repeat: bool = False) -> bool:
        """One key press while the panel is open; True when the panel answered it."""
        keypad = getattr(self.kiosk, "keypad", None)
        if keypad is None or keypad.confirming or self.kiosk.overlay_open() \
                or key in keys.MODIFIER_KEYS:
            return False  # the kiosk's: a call to confirm, a panel of its own over this one
        action = keys.BACK if key == Qt.Key.Key_Escape \
            else keys.action_for(key, modifiers, self.ctrl.strings.rtl)
        if action not in ANSWERED:
            return False
        if repeat and action not in (keys.NEXT, keys.PREVIOUS):
            return True  # a held key never presses twice
        self.kiosk.guard.activity.emit()  # as any key: inactivity timer again, silence
        if not keypad.on:  # the first key: keypad mode, said here, on this panel
            keypad.turn_on()
            self._focus(self.close_button, announce=False)
            self._say(self.ctrl.strings.t("keys.turned_on"))
            self.ctrl.speakAfterRequested.emit(describe(self.close_button, self.ctrl.strings))
            return True
        getattr(self, f"_{action}")()
        return True

    def _back(self) -> None:
        self.hide()

    def _activate(self) -> None:
        current = self._current()
        self.ctrl.stopSpeech.emit()
        (current or self.close_button).click()

    def _next(self) -> None:
        self._move(1)

    def _previous(self) -> None:
        self._move(-1)

    def _repeat(self) -> None:
        self._say(self.speech())
        current = self._current()
        if current is not None:
            self.ctrl.speakAfterRequested.emit(describe(current, self.ctrl.strings))

    def _elements(self) -> list[QWidget]:
        return [*elements(self.panel), self.close_button]

    def _move(self, step: int) -> None:
        items = self._elements()
        current = self._current()
        target = items[(items.index(current) + step) % len(items)] if current in items \
            else self.close_button
        self._focus(target, announce=True)

    def _current(self) -> QWidget | None:
        focused = self.kiosk.focusWidget()
        return focused if focused is not None and focused in self._elements() else None

    def _focus(self, target: QWidget, announce: bool) -> None:
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        if announce:
            self._say(describe(target, self.ctrl.strings))

    # -- closing -----------------------------------------------------------------------
    def _closed(self) -> None:
        """Back on the step: the keys' focus on the word opened, said."""
        self.ctrl.stopSpeech.emit()
        opener, self.opener = self.opener, None
        keypad = getattr(self.kiosk, "keypad", None)
        if keypad is None or not keypad.on or self.ctrl.pristine:
            return
        if opener is not None and shiboken6.isValid(opener) and opener.isVisible():
            opener.setFocus(Qt.FocusReason.OtherFocusReason)  # the keys' next move starts there
            keypad.scroll_into_view(opener)
            self._say(describe(opener, self.ctrl.strings))

    def _say(self, text: str) -> None:
        self.ctrl.stopSpeech.emit()
        if text:
            self.ctrl.speakRequested.emit(text)
