"""Keypad mode and the spoken focus: the customer kiosk used with a keyboard or a USB
numeric keypad alone, and every panel said aloud as it opens.

``KeypadNavigator`` filters the application's input after the kiosk's guard (the guard,
the one application event filter, hands it what it lets through: the guard's "any action
silences the kiosk" comes before what a key says, and each event of the application
crosses into Python once). Every key press for the kiosk's window ends here and never
reaches a widget: it becomes an action of the one key map (kiosk.customer.keys) or
nothing.

- The first key turns keypad mode on (announced in the current language; audio-only mode
  comes on with it) and puts the focus on the screen's main element; the reset that ends a
  visit turns it off, focus and ring gone. Nothing of it reaches the next customer.
- When a screen appears its speech is said, then the focus goes to its main element (the
  first choice, Next, the first task) and that element is said after it. Moving the focus
  stops the speech and says the new element, its role and place (kiosk.customer.spoken).
- Focus goes round the elements in reading order: the top bar, the screen, the bottom
  bar; or, while a panel is open, the panel's buttons only. Back closes a panel.
- Keypad * asks to confirm a call for a mediator (Enter or keypad 5); any other key
  cancels it.
- The staff's PIN pad stays touch-only: while it is open keys do nothing.

Panels (for everyone, keys or not): each is said when it opens, its texts then its
buttons; the "more time?" panel says its remaining seconds and counts the last ten aloud.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QScrollArea, QWidget

from kiosk.customer import keys
from kiosk.customer.spoken import describe, element_of, elements, texts

if TYPE_CHECKING:
    from kiosk.customer.overlays import Overlay
    from kiosk.customer.window import KioskWindow

#: what Back presses in a panel, the first of these that shows (else the panel is hidden)
DISMISS = ("more-time-yes", "offer-no", "sound-close", "listen-no", "listen-close")
#: never the element a screen starts on: pressing it by mistake would cancel a call or
#: clear the help screen staff must see
NOT_MAIN = ("help-cancel", "help-dismiss")
KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)


def sentence(text: str) -> str:
    """Text ending like a sentence, so that speech pauses after it."""
    text = text.strip()
    return text if not text or text[-1] in ".!?:;…。؟" else text + "."


class KeypadNavigator(QObject):
    """The kiosk's keys, its spoken focus and its spoken panels (see the module)."""

    changed = Signal(bool)  # keypad mode on or off

    def __init__(self, window: KioskWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ctrl = window.ctrl
        self.on = False
        self.confirming = False  # keypad * asked "call a mediator?"
        self._announce_pending = False
        self._last: QWidget | None = None  # the element the keys put the focus on
        self._before_panel: QWidget | None = None
        self._show_ring(False)
        self.ctrl.screenChanged.connect(self._screen_changed)
        self.ctrl.lookChanged.connect(self._look_changed)
        self.ctrl.resetDone.connect(self.turn_off)

    # -- reading -------------------------------------------------------------------
    def open_panel(self) -> QWidget | None:
        """The panel over the screen, if one is open (the one on top): one of the window's,
        else a step's glossary panel (which takes its own keys, but whose elements are
        where a flick moves in audio-only mode)."""
        shown = [w for w in self.window._overlays() if w.isVisible()]
        if shown:
            return shown[-1]
        glossary = getattr(self.window.stack.currentWidget(), "glossary", None)
        return glossary if isinstance(glossary, QWidget) and glossary.isVisible() else None

    def _pin_open(self) -> bool:
        pin = self.window._made.get("pin")
        return pin is not None and pin.isVisible()

    def scope(self) -> QWidget:
        """Where the keys move: the open panel, else the whole window."""
        return self.open_panel() or self.window

    def elements(self) -> list[QWidget]:
        return elements(self.scope())

    def main_element(self) -> QWidget | None:
        """Where the focus goes first: a panel's first button; on a screen, its first
        choice, Next, its first task, or the help screen's first safe button."""
        items = self.elements()
        if self.open_panel() is None:
            screen = self.window.stack.currentWidget()
            for name in ("flow_buttons", "choice_buttons", "buttons"):
                for button in getattr(screen, name, None) or []:
                    if button in items and button.objectName() not in NOT_MAIN:
                        return button  # type: ignore[no-any-return]
        safe = [w for w in items if w.objectName() not in NOT_MAIN]
        return (safe or items)[0] if items else None

    def current(self) -> QWidget | None:
        """The element that has the focus, if it is one the keys can reach now; or the
        one the keys gave it to, just drawn (it takes the focus once shown)."""
        items = self.elements()
        focused = element_of(self.window.focusWidget())
        if focused is not None and focused in items:
            return focused
        last = self._last
        return last if last is not None and shiboken6.isValid(last) and last in items else None

    # -- keys ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not event.isInputEvent() or event.type() not in KEY_EVENTS:
            return False  # every event of the application passes here: most go on at once
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self.key(event.key(), event.modifiers(), event.isAutoRepeat())
        return True  # keys never reach a widget (nor leave the kiosk)

    def key(self, key: int, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
            repeat: bool = False) -> None:
        """What one key press does (``repeat``: the key is held down; only moving goes on
        then, a held Enter never presses twice)."""
        if key in keys.MODIFIER_KEYS or self._pin_open() or self.window._shut_down:
            return
        if not self.on:
            if not repeat:
                self.turn_on()
            return
        action = keys.action_for(key, modifiers, self.ctrl.strings.rtl)
        if repeat and action not in (keys.NEXT, keys.PREVIOUS):
            return
        self._announce_pending = False
        if self.confirming:
            self.confirming = False
            if action == keys.ACTIVATE:
                self._call_mediator()
            else:
                self._say(self.ctrl.strings.t("keys.call_cancelled"))
            return
        if action is None:
            self._say(self.ctrl.strings.t("keys.unknown"))
            return
        getattr(self, f"_{action}")()

    def turn_on(self) -> None:
        """Keypad mode on: said, then the focus on the main element, said after."""
        if self.on:
            return
        self.on = True
        self.ctrl.log("keypad", {"on": True})  # a visit: inactivity will end it, and the mode
        self._show_ring(True)
        self.changed.emit(True)
        explore = getattr(self.window, "explore", None)
        if explore is not None:  # audio-only mode comes on with the first key, said here
            explore.turn_on("keys", announce=False)
        target = self.main_element()
        self._focus(target)
        self._say(self.ctrl.strings.t("keys.turned_on"))
        if target is not None:
            self.ctrl.speakAfterRequested.emit(describe(target, self.ctrl.strings))

    def turn_off(self) -> None:
        """Keypad mode off (the reset that ends a visit): no focus, no ring, nothing asked."""
        self.confirming = False
        self._announce_pending = False
        self._before_panel = None
        self._last = None
        focused = self.window.focusWidget()
        if focused is not None:
            focused.clearFocus()
        if self.on:
            self.on = False
            self._show_ring(False)
            self.changed.emit(False)

    # -- actions (keys.KEYMAP's) ----------------------------------------------------
    def _next(self) -> None:
        self._move(1)

    def _previous(self) -> None:
        self._move(-1)

    def _move(self, step: int) -> None:
        items = self.elements()
        if not items:
            return
        current = self.current()
        if current is None:
            target = self.main_element() or items[0]
        else:
            target = items[(items.index(current) + step) % len(items)]
        self._focus(target)
        self._say(describe(target, self.ctrl.strings))

    def _activate(self) -> None:
        current = self.current()
        if current is None:
            self._move(0)
            return
        self.ctrl.stopSpeech.emit()
        if isinstance(current, QAbstractButton):
            current.click()
        if self.on and self.current() is None and not self._announce_pending:
            self._refocus(say=True)  # the element went away, the screen stayed

    def _back(self) -> None:
        panel = self.open_panel()
        if panel is not None:
            self._dismiss(panel)
            return
        back = self.window.bottom.back
        if not back.isHidden() and back.isEnabled():
            self.ctrl.back()
        else:
            self._say(self.ctrl.strings.t("keys.no_back"))

    def _repeat(self) -> None:
        panel = self.open_panel()
        if panel is not None:
            self._say(self.panel_speech(panel))
        else:
            self.ctrl.repeat()
        current = self.current()
        if current is not None:
            self.ctrl.speakAfterRequested.emit(describe(current, self.ctrl.strings))

    def _louder(self) -> None:
        self.ctrl.adjust_voice("volume", 1)

    def _softer(self) -> None:
        self.ctrl.adjust_voice("volume", -1)

    def _mediator(self) -> None:
        if self.ctrl.help_active and self.ctrl.on_help_screen:
            self._say(self.ctrl.help_text())  # called already: where the call is
            return
        self.confirming = True
        self._say(self.ctrl.strings.t("keys.confirm_call"))

    def _key_help(self) -> None:
        t = self.ctrl.strings.t
        self._say(" ".join(t(f"keys.help.{binding.action}") for binding in keys.KEYMAP))

    def _call_mediator(self) -> None:
        for panel in self.window._overlays():
            panel.hide()
        self.ctrl.call_help()

    def _dismiss(self, panel: QWidget) -> None:
        for name in DISMISS:
            button = panel.findChild(QAbstractButton, name)
            if button is not None and not button.isHidden():
                button.click()
                return
        panel.hide()

    # -- focus -----------------------------------------------------------------------
    def _focus(self, target: QWidget | None) -> None:
        self._last = target
        if target is None:
            return
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll_into_view(target)

    @staticmethod
    def scroll_into_view(target: QWidget) -> None:
        """Where ``target``'s screen is scrolled (large text, a small or portrait screen):
        shown to sighted helpers, and under the finger after a flick in audio-only mode."""
        area = target.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:  # clear of the screen's "more below" cue, when it shows
            cue = getattr(area, "cue", None)
            below = cue.height() + 24 if cue is not None and cue.isVisible() else 0
            area.ensureWidgetVisible(target, 0, max(24, below))

    def _refocus(self, say: bool) -> None:
        """The element focused before, if the keys still reach it, else the main one."""
        items = self.elements()
        last = self._last
        target = last if last is not None and shiboken6.isValid(last) and last in items \
            else self.main_element()
        self._focus(target)
        if say and target is not None:
            self._say(describe(target, self.ctrl.strings))

    def _screen_changed(self) -> None:
        if not self.on:
            return
        self.confirming = False
        self._focus(self.main_element())
        self._announce_soon()

    def _look_changed(self) -> None:
        """A new language, text size or contrast: the screen was drawn again."""
        if not self.on:
            return
        last = self._last
        if last is not None and shiboken6.isValid(last) and last in self.elements():
            self._focus(last)  # still there (a bar's button): what it did is said by it
            return
        self._focus(self.main_element())
        self._announce_soon()

    def _announce_soon(self) -> None:
        """Say the focused element once the screen's own speech has been asked for (on
        the next turn of the loop), unless a key came first."""
        self._announce_pending = True
        QTimer.singleShot(0, self, self._announce)

    def _announce(self) -> None:
        if self._announce_pending and self.on:
            self._announce_pending = False
            self._refocus(say=False)  # (a widget just drawn takes the focus once shown)
            current = self.current()
            if current is not None:
                self.ctrl.speakAfterRequested.emit(describe(current, self.ctrl.strings))

    def _show_ring(self, on: bool) -> None:
        """The focus ring shows in keypad mode only (a touch screen has no stray ring)."""
        self.window.setProperty("focusRing", on)  # (its colours: the window's kioskTheme)
        focused = self.window.focusWidget()
        if focused is not None:
            focused.update()

    # -- panels (said for everyone) ----------------------------------------------------
    def watch(self, panel: Overlay) -> None:
        """Say ``panel`` when it opens and take the keys' focus into it."""
        panel.opened.connect(lambda: self.panel_opened(panel))
        panel.closed.connect(lambda: self.panel_closed(panel))
        ticked = getattr(panel, "ticked", None)
        if ticked is not None:
            ticked.connect(self._tick)

    def panel_speech(self, panel: QWidget) -> str:
        """A panel said aloud: its texts, then its buttons (the voice-command panel says
        its own messages; the staff's PIN pad only its title and hint)."""
        if panel is self.window._made.get("listen"):
            return ""
        inner = getattr(panel, "panel", None)  # an overlay's panel, on its backdrop
        words = texts(inner if isinstance(inner, QWidget) else panel)
        if panel is self.window._made.get("pin"):
            words = words[:2]
        return " ".join(sentence(w) for w in words if w)

    def panel_opened(self, panel: QWidget) -> None:
        self.confirming = False
        self._announce_pending = False
        text = self.panel_speech(panel)
        if text:
            self._say(text)
        if not self.on or panel is self.window._made.get("pin"):
            return
        if self._before_panel is None and self._last is not None \
                and not panel.isAncestorOf(self._last):
            self._before_panel = self._last
        target = self.main_element()
        self._focus(target)
        if target is not None:
            self.ctrl.speakAfterRequested.emit(describe(target, self.ctrl.strings))

    def panel_closed(self, panel: QWidget) -> None:
        if not self.on or self.window._shut_down or self.open_panel() is not None:
            return
        if self.ctrl.pristine:  # the reset that ends the visit hides every panel: silence
            return
        before, self._before_panel = self._before_panel, None
        if before is not None and shiboken6.isValid(before):
            self._last = before
        self._refocus(say=True)

    def _tick(self, seconds: int) -> None:
        """The last seconds of "more time?", counted aloud."""
        self.ctrl.speakRequested.emit(str(seconds))

    # -- inner -----------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.ctrl.stopSpeech.emit()
        if text:
            self.ctrl.speakRequested.emit(text)

