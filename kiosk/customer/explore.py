"""Audio-only mode (explore by touch): the screen is read by touch and ear, and nothing is
pressed by mistake. This module owns the mode, its gestures and its announcements, and
wires the headset watcher (kiosk.ui.headset) to the kiosk's voice.

The mode is turned on by a 2-second press on "Écouter les choix" (the home screen's
listen button) or on the sound button, by the first key (``turn_on("keys")``, called by
the key handling), or by plugging a headset; it is announced in the current language.
A second 2-second press on one of those buttons turns it off; the reset that ends a visit
turns it off in silence, and nothing of it (selection, timers) reaches the next customer.

Outside the mode only the input of the window's native window is watched, for the long
press (a filter on the whole application would see every paint and layout event of every
tap). In the mode (a filter on the application too, ahead of the kiosk's guard; touch
events, and the mouse events that stand for them in tests):

- a touch selects the element under the finger and says it (``spoken.describe``), a short
  click first; it never presses anything. Touching a place with nothing to say keeps the
  selection and stays silent;
- sliding a finger says each element it enters (and selects it); a quick horizontal
  stroke (a flick: ``FLICK_PX`` within ``FLICK_S``) says the next element in reading order
  (leftwards: the previous; mirrored in Arabic) and scrolls it into view, so that what lies
  below the fold of a scrolled screen is reached too;
- a second touch on the selected element within ``SECOND_TOUCH_S`` (2 s) activates it;
- a double tap anywhere (two taps within the guard's ``double_tap_ms``, 0.5 s, close
  together) activates the element selected before the double tap: the one the customer
  heard, wherever the double tap lands; with none selected, the element under it;
- how it coexists with the normal rule "double taps inside 0.5 s on the same button are
  ignored": in this mode the guard never sees touches (this filter takes them first), so
  its rule does not swallow the double tap that is now a gesture; this filter applies the
  same rule to activations instead: after an element is activated, touches for the next
  ``double_tap_ms`` are ignored, so a shaky or triple tap never activates twice, and the
  first tap on a new screen is not taken as half of a double tap. Outside the mode the
  guard's rule stands unchanged.

Every touch counts as activity (the inactivity timer restarts, speech stops). The staff
PIN pad, when open, is used as usual (staff, not the customer), and taps in the top-left
corner still count towards the staff's gesture.

A headset plugged in takes the speech and the click for itself (``AudioPlayer.use_device``)
and turns the mode on, said in the headset once Qt plays there; taken out, both go back to
the default output, and the mode stays on until the visit ends.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QTimer, Signal
from PySide6.QtGui import QPointerEvent, QWindow
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from kiosk import paths
from kiosk.customer.spoken import describe, element_of
from kiosk.ui.audio import AudioPlayer

if TYPE_CHECKING:
    from kiosk.customer.controller import KioskController
    from kiosk.customer.window import KioskWindow
    from kiosk.ui.headset import Headset, HeadsetWatcher
    from kiosk.ui.speech import SpeechOutput

SECOND_TOUCH_S = 2.0  # a second touch on the selected element within this activates it
LONG_PRESS_MS = 2000  # a press this long on the listen or sound button turns the mode on/off
LONG_PRESS_BUTTONS = ("listen", "sound")  # their object names
DOUBLE_TAP_PX = 80  # the two taps of a double tap land this close (a fingertip's wobble)
SLOP_PX = 40  # a long press is given up when the finger moves farther
CLICK_VOLUME = 0.5
FLICK_PX = 120  # a quick horizontal stroke at least this long moves to the next element
FLICK_S = 0.3  # ... made within this time (a slower stroke is a slide: it explores)
HEADSET_WAIT_MS = 2000  # at most this for Qt to list a headset before the mode is said in it

PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin)
MOVES = (QEvent.Type.MouseMove, QEvent.Type.TouchUpdate)
RELEASES = (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel)
POINTER = (*PRESSES, *MOVES, *RELEASES, QEvent.Type.MouseButtonDblClick)


class ExploreMode(QObject):
    """The kiosk's audio-only mode (see the module's docstring)."""

    changed = Signal(bool)  # on or off
    spoken = Signal(str)  # an element under the finger was said (its words)
    activated = Signal(str)  # an element was activated (its object name)

    def __init__(self, ctrl: KioskController, window: KioskWindow,
                 output: SpeechOutput | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__(window)
        self.ctrl = ctrl
        self.window = window
        self.output = output  # the kiosk's voice: the screen's elements are rendered ahead
        self.clock = clock  # None: the guard's clock (tests move it)
        self.on = False
        self.reason = ""  # what turned it on: long-press, keys, headset
        self.second_touch_s = SECOND_TOUCH_S
        self.prefetch_ahead = True  # render the elements of each screen ahead (benchmark: off)
        self.prefetch_pending = False
        self.headset: HeadsetWatcher | None = None
        self.click = AudioPlayer(self)  # its own player: speech does not cut the click
        self._click_path = paths.asset("sounds", "click.wav")
        self.long_press = QTimer(self)
        self.long_press.setObjectName("explore-long-press")
        self.long_press.setSingleShot(True)
        self.long_press.setInterval(LONG_PRESS_MS)
        self.long_press.timeout.connect(self._long_pressed)
        self._long_button: QAbstractButton | None = None
        self._long_origin = QPoint()
        self._eat_until_release = False  # the press that toggled the mode: its release too
        self._headset_pending: Headset | None = None  # plugged, its output not taken yet
        self._down = False
        self._stroke = (QPoint(), -math.inf)  # where and when the finger went down
        self._heard_before: QWidget | None = None  # the element said before this stroke
        self._selected: QWidget | None = None  # the element said last (a gesture presses it)
        self._selected_at = -math.inf
        self._under: QWidget | None = None  # the element under the finger, while it is down
        self._before_tap: QWidget | None = None  # the selection before the last tap
        self._last_tap_at = -math.inf
        self._last_tap_pos = QPoint()
        self._quiet_until = -math.inf  # touches before this are ignored (after a press)
        ctrl.resetDone.connect(self._reset)
        ctrl.screenChanged.connect(self._screen_changed)
        ctrl.lookChanged.connect(self._screen_changed)
        window.shuttingDown.connect(self.stop)
        self._speech_player().deviceChanged.connect(self._headset_ready)
        self._handle: QWindow | None = None
        self._watch_window()

    # -- on and off ------------------------------------------------------------------
    def turn_on(self, reason: str, announce: bool = True) -> None:
        """Audio-only mode on (``reason``: ``long-press``, ``keys``, ``headset``...), said
        in the current language unless ``announce`` is False (a caller that says it in
        its own words). Already on: nothing happens, but a headset is still told."""
        if self.on:
            if reason == "headset" and announce:
                self._say(self.ctrl.strings.t("explore.headset_on"))
            return
        self.on, self.reason = True, reason
        self._watch_window()
        self._install()  # first in line, ahead of the guard's double-tap rule
        self._clear()
        self.window.guard.activity.emit()  # a customer is here: the inactivity timer runs
        self.ctrl.log("audio_only", {"on": True, "reason": reason})
        self.changed.emit(True)
        if announce:
            t = self.ctrl.strings.t
            self._say(t("explore.turned_on_headset") if reason == "headset"
                      else t("explore.turned_on"))
        self._prefetch_soon()

    def turn_off(self, announce: bool = True) -> None:
        """Audio-only mode off: touches press buttons again."""
        self.long_press.stop()
        self._long_button = None
        self._down = False
        if not self.on:
            return
        self.on, self.reason = False, ""
        self._uninstall()
        self._clear()
        if announce:  # (the reset ends a visit in silence, and logs nothing more)
            self.ctrl.log("audio_only", {"on": False})
            self._say(self.ctrl.strings.t("explore.turned_off"))
        self.changed.emit(False)

    def _reset(self) -> None:
        self._eat_until_release = False
        self.turn_off(announce=False)

    def stop(self) -> None:
        """The kiosk is closing: no filter, no timer."""
        self.turn_off(announce=False)
        self._uninstall()
        if self._handle is not None and shiboken6.isValid(self._handle):
            self._handle.removeEventFilter(self)
        self._handle = None
        self.click.stop()

    def _watch_window(self) -> None:
        """Watch the input the window's native window gets (touches and clicks as the
        screen sends them; little else passes there): a long press outside the mode."""
        handle = self.window.windowHandle()
        if handle is not None and handle is not self._handle:
            handle.installEventFilter(self)
            self._handle = handle

    def _install(self) -> None:
        """In the mode: a filter on the whole application too (events sent straight to a
        widget), installed again so that it comes before the filters installed since."""
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def _uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    # -- the headset -------------------------------------------------------------------
    def route(self, headset: Headset | None) -> None:
        """Speech (and the click) to ``headset`` only, or back to the speaker (None)."""
        players = [self.click] + ([self.output.player] if self.output is not None else [])
        for player in players:
            if headset is None:
                player.use_device("")
            else:
                player.use_device(headset.sink, headset.description)

    def headset_plugged(self, headset: Headset) -> None:
        """Speech to the headset, then the mode on, said in the headset: once Qt plays
        there (it lists a new output a moment after the sound server), or after
        ``HEADSET_WAIT_MS`` at the latest."""
        self.route(headset)
        self._headset_pending = headset
        if self._speech_player().device == headset.sink:
            self._headset_ready()
        else:
            QTimer.singleShot(HEADSET_WAIT_MS, self, lambda: self._headset_ready(force=True))

    def _headset_ready(self, _device: str = "", force: bool = False) -> None:
        headset = self._headset_pending
        if headset is not None and (force or self._speech_player().device == headset.sink):
            self._headset_pending = None
            self.turn_on("headset")

    def _speech_player(self) -> AudioPlayer:
        return self.output.player if self.output is not None else self.click

    def headset_unplugged(self) -> None:
        self._headset_pending = None
        self.route(None)
        if not self.ctrl.pristine:
            self._say(self.ctrl.strings.t("explore.headset_off"))

    # -- events ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not event.isInputEvent():  # in the mode, every event of the application passes
            return False
        kind = event.type()
        if kind not in POINTER or not self._ours(watched) or self._staff_panel_open():
            return False
        if self._eat_until_release:
            if kind in RELEASES:
                self._eat_until_release = False
            event.accept()
            return True
        pos = self._position(watched, event)
        if not self.on:
            if pos is not None:
                self._watch_long_press(kind, pos)
            return False
        event.accept()  # a touch taken here: Qt makes no mouse events of it
        if pos is not None:
            self._explore(kind, pos)
        return True

    def _ours(self, watched: QObject) -> bool:
        if isinstance(watched, QWidget):
            return watched.window() is self.window
        handle = self.window.windowHandle()
        return (isinstance(watched, QWindow) and handle is not None
                and shiboken6.getCppPointer(watched)[0] == shiboken6.getCppPointer(handle)[0])

    def _staff_panel_open(self) -> bool:
        pin = self.window._made.get("pin")
        return pin is not None and pin.isVisible()

    def _position(self, watched: QObject, event: QEvent) -> QPoint | None:
        """Where the (first) finger is, in the window's coordinates (from the point's own
        position, relative to what the event was sent to)."""
        if not isinstance(event, QPointerEvent):
            return None
        points = event.points()
        if not points:
            return None
        local = points[0].position().toPoint()
        if isinstance(watched, QWidget) and watched is not self.window:
            return watched.mapTo(self.window, local)
        return local  # the window itself, or its native window: the same coordinates

    def _now(self) -> float:
        return self.clock() if self.clock is not None else self.window.guard.clock()

    # -- long press (on or off) --------------------------------------------------------
    def _watch_long_press(self, kind: QEvent.Type, pos: QPoint) -> None:
        if kind in PRESSES:
            button = self._long_press_button(pos)
            if button is not None:
                self._start_long_press(button, pos)
        elif kind in MOVES:
            if self._long_button is not None and _distance(pos, self._long_origin) > SLOP_PX:
                self._cancel_long_press()
        elif kind in RELEASES:
            self._cancel_long_press()

    def _long_press_button(self, pos: QPoint) -> QAbstractButton | None:
        """The listen or sound button, if ``pos`` is on it (and nothing covers it there);
        a search of the window's widgets only for a press within one of them."""
        home, bottom = getattr(self.window, "home", None), getattr(self.window, "bottom", None)
        for button in (getattr(home, "listen", None), getattr(bottom, "sound", None)):
            if (isinstance(button, QAbstractButton) and button.isVisible()
                    and button.rect().contains(button.mapFrom(self.window, pos))):
                under = self.window.childAt(pos)
                return button if under is not None and element_of(under) is button else None
        return None

    def _start_long_press(self, button: QAbstractButton, pos: QPoint) -> None:
        self._long_button, self._long_origin = button, pos
        self.long_press.start()

    def _cancel_long_press(self) -> None:
        self.long_press.stop()
        self._long_button = None

    def _long_pressed(self) -> None:
        button, self._long_button = self._long_button, None
        if button is not None and shiboken6.isValid(button):
            button.setDown(False)  # its release is not a click
        self._eat_until_release = True
        self._down = False
        if self.on:
            self.turn_off()
        else:
            self.turn_on("long-press")

    # -- exploring ---------------------------------------------------------------------
    def _explore(self, kind: QEvent.Type, pos: QPoint) -> None:
        if kind in PRESSES:
            self._down = True
            now = self._now()
            self._stroke = (pos, -math.inf)  # (an ignored touch begins no flick)
            if now < self._quiet_until:  # right after an activation: the normal rule
                return
            self.window.guard.activity.emit()  # inactivity timer again; speech stops
            self.window.guard.corner_tap(pos, now)
            self._stroke, self._heard_before = (pos, now), self._valid(self._selected)
            self._press(pos, now)
        elif kind in MOVES:
            if self._long_button is not None and _distance(pos, self._long_origin) > SLOP_PX:
                self._cancel_long_press()
            if self._down:
                self._slide(pos, self._now())
        elif kind in RELEASES:
            self._down = False
            self._cancel_long_press()
            (start, at), dx = self._stroke, pos.x() - self._stroke[0].x()
            if self._now() - at <= FLICK_S and abs(dx) >= max(FLICK_PX, 2 * abs(pos.y() - start.y())):
                self._flick(dx > 0)

    def _flick(self, rightwards: bool) -> None:
        """A flick (see the module docstring), from the element heard before the stroke."""
        items = self.window.keypad.elements()
        if not items:
            return
        step = 1 if rightwards != self.ctrl.strings.rtl else -1
        heard = self._heard_before
        target = items[(items.index(heard) + step) % len(items)] if heard in items \
            else items[0 if step > 0 else -1]
        self._last_tap_at = -math.inf  # a flick is not half of a double tap
        self._before_tap = None
        self.window.keypad.scroll_into_view(target)
        words = describe(target, self.ctrl.strings)
        if words:
            self._select(target, words, self._now())

    def _press(self, pos: QPoint, now: float) -> None:
        found = self._element_at(pos)
        element = self._under = found[0] if found is not None else None
        pair = (now - self._last_tap_at <= self.window.guard.double_tap_s
                and _distance(pos, self._last_tap_pos) <= DOUBLE_TAP_PX)
        self._last_tap_at, self._last_tap_pos = now, pos
        if pair:
            before = self._valid(self._before_tap)
            target = before if before is not None else element
            if target is not None:
                self._activate(target, now)
            return
        selected = self._valid(self._selected)
        self._before_tap = selected
        if (element is not None and element is selected
                and now - self._selected_at <= self.second_touch_s):
            self._activate(element, now)
            return
        if isinstance(element, QAbstractButton) and element.objectName() in LONG_PRESS_BUTTONS:
            self._start_long_press(element, pos)
        if found is not None:
            self._select(*found, now)

    def _slide(self, pos: QPoint, now: float) -> None:
        found = self._element_at(pos)
        under = found[0] if found is not None else None
        if under is self._under:
            return
        self._under = under  # (a gap between two elements: silence)
        if found is not None:
            self._last_tap_at = -math.inf  # a slide is not half of a double tap
            self._select(*found, now)

    def _select(self, element: QWidget, words: str, now: float) -> None:
        self._selected, self._selected_at = element, now
        self.click.play(self._click_path, CLICK_VOLUME)
        self._say(words)
        self.spoken.emit(words)

    def _activate(self, element: QWidget, now: float) -> None:
        self._clear()
        self._quiet_until = now + self.window.guard.double_tap_s
        if isinstance(element, QAbstractButton) and element.isEnabled():
            name = element.objectName()
            element.click()
            self.activated.emit(name)
            return
        words = describe(element, self.ctrl.strings)  # nothing to press: said again
        if words:
            self._select(element, words, now)

    def _element_at(self, pos: QPoint) -> tuple[QWidget, str] | None:
        """The element under ``pos`` and its words, or None where there is nothing to say."""
        widget = self.window.childAt(pos)
        element = element_of(widget) if widget is not None else None
        if element is None:
            return None
        words = describe(element, self.ctrl.strings)
        return (element, words) if words else None

    @staticmethod
    def _valid(widget: QWidget | None) -> QWidget | None:
        return widget if widget is not None and shiboken6.isValid(widget) and widget.isVisible() else None

    def _clear(self) -> None:
        self._heard_before = self._selected = None
        self._under = None
        self._selected_at = -math.inf
        self._before_tap = None
        self._last_tap_at = -math.inf
        self._last_tap_pos = QPoint()
        self._quiet_until = -math.inf

    def _say(self, text: str) -> None:
        self.ctrl.speakRequested.emit(text)

    # -- a new screen ------------------------------------------------------------------
    def _screen_changed(self) -> None:
        if self.on:
            self._selected = self._before_tap = self._under = None  # its elements are gone
            self._prefetch_soon()

    def _prefetch_soon(self) -> None:
        if self.on and self.prefetch_ahead and self.output is not None:
            self.prefetch_pending = True  # on the next turn: once the screen is laid out
            QTimer.singleShot(0, self, self.prefetch)

    def prefetch(self) -> None:
        """Render the words of every element on screen ahead: a touch then speaks from
        the cache."""
        self.prefetch_pending = False
        if not self.on or self.output is None:
            return
        lang, strings = self.ctrl.look.language, self.ctrl.strings
        items = [(words, lang) for words in (describe(w, strings) for w in self.elements()) if words]
        self.output.prefetch(items, urgent=True)

    def elements(self) -> list[QWidget]:
        """The elements a finger may find on screen now: buttons, texts and pictures."""
        found: list[QWidget] = []
        for widget in self.window.findChildren(QWidget):
            if not widget.isVisible() or widget.isWindow():
                continue
            if isinstance(widget, QAbstractButton) or (
                    element_of(widget) is widget
                    and (isinstance(widget, QLabel) or widget.accessibleName())):
                found.append(widget)
        return found


def _distance(a: QPoint, b: QPoint) -> float:
    return math.hypot(a.x() - b.x(), a.y() - b.y())


def attach_explore(ctrl: KioskController, window: KioskWindow, output: SpeechOutput | None,
                   watch_headset: bool = True) -> ExploreMode:
    """Give a kiosk its audio-only mode and, where PulseAudio or PipeWire answers, its
    headset watcher: a headset plugged in takes speech for itself and turns the mode on;
    unplugged, speech goes back to the speaker."""
    mode = ExploreMode(ctrl, window, output)
    window.explore = mode
    if watch_headset:
        from kiosk.ui.headset import HeadsetWatcher

        watcher = mode.headset = HeadsetWatcher(window)
        watcher.headsetChanged.connect(mode.route)
        watcher.plugged.connect(mode.headset_plugged)
        watcher.unplugged.connect(mode.headset_unplugged)
        window.shuttingDown.connect(watcher.stop)
        watcher.start()
    return mode

