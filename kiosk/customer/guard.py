"""The kiosk's guard: one application event filter that

- ignores a second tap within ``double_tap_ms`` at the same place (shaky hands, impatient
  double taps: the second one must not press what the first one's screen put under the
  finger), never a quick tap elsewhere (another button, the next digit of a PIN), nor a
  press again on a button made to be pressed again and again (its ``repeatable``
  property: a PIN digit typed twice, "Louder" twice),
- swallows the keys that would leave a locked-down kiosk (Alt+F4, Esc, Alt+Tab, Ctrl+Q/W),
- counts taps in the staff's corner, the top one on the Home button's side (top left, top
  right in a right-to-left layout, whose top left holds "Call a mediator"), and asks for
  the staff PIN after ``corner_taps``,
- reports every touch or key as activity (the inactivity timer listens).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QInputEvent, QKeyEvent, QMouseEvent, QSinglePointEvent, QTouchEvent
from PySide6.QtWidgets import QWidget

PRESS_EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
                QEvent.Type.TouchBegin)
RELEASE_EVENTS = (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd)
CORNER_PX = 120
SAME_PLACE_PX = 60  # a finger's second tap lands this close to its first (~8 mm at 1080p)
CORNER_WINDOW_S = 4.0


def _place(event: QInputEvent) -> QPoint:
    """Where on the screen a press happened (a touch: its first point)."""
    if isinstance(event, QSinglePointEvent):
        return event.globalPosition().toPoint()
    if isinstance(event, QTouchEvent) and event.points():
        return event.points()[0].globalPosition().toPoint()
    return QPoint()


def repeatable(widget: QObject | None, place: QPoint | None = None) -> QWidget | None:
    """The button made to be pressed repeatedly that is under ``place`` (screen
    coordinates) in ``widget``, or that ``widget`` is or is part of (its icon, its text).
    A touch may first reach an ancestor (a scroll area's viewport takes touches): the
    widget under the finger is what counts."""
    if isinstance(widget, QWidget) and place is not None:
        widget = widget.childAt(widget.mapFromGlobal(place)) or widget
    while isinstance(widget, QWidget):
        if widget.property("repeatable"):
            return widget
        if widget.isWindow():
            return None
        widget = widget.parentWidget()
    return None


def is_exit_key(event: QKeyEvent) -> bool:
    """Keys that close or leave a window on common desktops."""
    key, mods = event.key(), event.modifiers()
    alt = bool(mods & Qt.KeyboardModifier.AltModifier)
    ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
    return (key == Qt.Key.Key_Escape
            or (alt and key in (Qt.Key.Key_F4, Qt.Key.Key_Tab, Qt.Key.Key_Backtab))
            or (ctrl and key in (Qt.Key.Key_Q, Qt.Key.Key_W, Qt.Key.Key_F4))
            or key in (Qt.Key.Key_Close, Qt.Key.Key_Exit))


class KioskGuard(QObject):
    activity = Signal()
    cornerGesture = Signal()

    def __init__(self, window: QWidget, double_tap_ms: int = 500, corner_taps: int = 5,
                 lockdown: bool = True, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(window)
        self.window = window
        self.double_tap_s = double_tap_ms / 1000
        self.corner_taps = corner_taps
        self.lockdown = lockdown
        self.clock = clock
        self._last_press = -1e9
        self._last_place = QPoint(-10_000, -10_000)
        self._last_target: QWidget | None = None  # the repeatable button pressed last
        self._last_stamp = -1
        self._eat_current = False
        self._corner: list[float] = []
        self.ignored_taps = 0
        # the input it lets through goes on to this filter (the kiosk's keys): one filter
        # on the application, so that each of its events crosses into Python once
        self.then: QObject | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not event.isInputEvent():  # every event of the application passes here: most
            return False  # go on at once (PySide makes an enum object for each type())
        kind = event.type()
        if kind in PRESS_EVENTS:
            return self._press(watched, event)
        if kind in RELEASE_EVENTS:
            return self._eat_current and self._ours(watched)
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            self.activity.emit()
            if self.lockdown and isinstance(event, QKeyEvent) and is_exit_key(event):
                return True
        after = self.then
        return after is not None and after.eventFilter(watched, event)

    def _ours(self, watched: QObject) -> bool:
        return isinstance(watched, QWidget) and watched.window() is self.window

    def _press(self, watched: QObject, event: QEvent) -> bool:
        if not self._ours(watched) or not isinstance(event, QInputEvent):
            return False
        stamp = event.timestamp()
        if stamp == self._last_stamp:  # the same tap again, on its way to a parent widget
            return self._eat_current
        self._last_stamp = stamp
        now = self.clock()
        if isinstance(event, QMouseEvent):
            self._count_corner(event, now)
        place = _place(event)
        target = repeatable(watched, place)
        again = target is not None and target is self._last_target  # "1 1", "+ +"
        if not again and now - self._last_press < self.double_tap_s and \
                (place - self._last_place).manhattanLength() <= SAME_PLACE_PX:
            self.ignored_taps += 1
            self._eat_current = True
            return True
        self._last_press, self._last_place, self._last_target = now, place, target
        self._eat_current = False
        self.activity.emit()
        return False

    def _count_corner(self, event: QMouseEvent, now: float) -> None:
        self.corner_tap(self.window.mapFromGlobal(event.globalPosition().toPoint()), now)

    def in_corner(self, pos: QPoint) -> bool:
        """``pos`` (window coordinates) is in the staff's corner: the top corner on the
        Home button's side, top left, or top right when the layout is right to left."""
        if not 0 <= pos.y() < CORNER_PX:
            return False
        if self.window.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            return self.window.width() - CORNER_PX <= pos.x() < self.window.width()
        return 0 <= pos.x() < CORNER_PX

    def corner_tap(self, pos: QPoint, now: float) -> None:
        """A tap at ``pos`` (window coordinates) counts towards the staff's corner gesture,
        or breaks a count (audio-only mode, which takes touches first, tells them here)."""
        if self.in_corner(pos):
            self._corner = [t for t in self._corner if now - t < CORNER_WINDOW_S] + [now]
            if len(self._corner) >= self.corner_taps:
                self._corner = []
                self.cornerGesture.emit()
        else:
            self._corner = []
