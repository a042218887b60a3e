"""A guided tour of a staff app's screen (mediator console, manager app).

``Tour`` is a dimmed overlay laid over a window: it lights up one widget at a time and
shows a bubble beside it with a title, a sentence or two, and Previous / Next / Skip.
It stops every click to the window behind it while it runs.

    tour = Tour(window, strings)
    tour.finished.connect(lambda how: ...)       # "done" or "skipped"
    tour.start([TourStep("The queue", "Calls appear here.", lambda: window.queue), ...])

A step's target is a function called when the step shows (the widget may come and go):
it returns a widget, a ``(widget, rect)`` pair for a part of a widget (a tab of a tab
bar), or ``None`` for a bubble in the middle of the window. The catalog gives the
buttons' words: ``tour.previous``, ``tour.next``, ``tour.done``, ``tour.skip`` and
``tour.progress`` (with ``{n}`` and ``{total}``).

Keyboard: Right or Page Down goes on, Left or Page Up goes back, Escape skips, Tab moves
between the bubble's buttons, Enter or Space presses the one with the focus.

Who has seen which tour is kept in the user data folder (``tours.json``), per app and
user name, never on the hub: ``first_time(app, user)`` / ``mark_seen(app, user)``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk import paths
from kiosk.i18n import Catalog
from kiosk.ui.theme import palette
from kiosk.ui.widgets import svg_pixmap

log = logging.getLogger(__name__)

Target = QWidget | tuple[QWidget, QRect] | None

#: apps show their tour at a user's first login; the screenshot tools turn this off
AUTO_START = True
BUBBLE_WIDTH = 560
MARGIN = 16  # between the bubble, the lit-up area and the window's edges
PADDING = 8  # around the lit-up widget
DIM = QColor(0, 0, 0, 165)


@dataclass(frozen=True)
class TourStep:
    title: str
    text: str
    target: Callable[[], Target] = lambda: None


# -- who has seen it ------------------------------------------------------------------
def _memory_file() -> Path:
    return paths.data_dir() / "tours.json"


def _read() -> dict[str, list[str]]:
    try:
        data = json.loads(_memory_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def has_seen(app: str, user: str) -> bool:
    return user in _read().get(app, [])


def first_time(app: str, user: str) -> bool:
    """True when ``user`` logs in to ``app`` for the first time on this computer."""
    return AUTO_START and bool(user) and not has_seen(app, user)


def mark_seen(app: str, user: str) -> None:
    """Remember that ``user`` has seen (or skipped) the tour of ``app``."""
    data = _read()
    users = data.setdefault(app, [])
    if not user or user in users:
        return
    users.append(user)
    target = _memory_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:  # the tour shows again next time: no harm done
        log.warning("could not remember the tour of %s for %s: %s", app, user, exc)


# -- the Help button ------------------------------------------------------------------
def help_button(text: str) -> QPushButton:
    """The staff apps' Help button: yellow like the kiosk's help, replays the tour."""
    c = palette("default")
    button = QPushButton(text)
    button.setObjectName("tourHelp")
    button.setIcon(QIcon(svg_pixmap("icons", "question.svg", 32)))
    button.setIconSize(QSize(32, 32))
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setStyleSheet(
        f"QPushButton#tourHelp {{ background: {c['help']}; color: {c['help_text']};"
        f" border: 3px solid {c['help_border']}; border-radius: 12px; font-size: 20px;"
        f" font-weight: bold; min-height: 44px; padding: 2px 16px; }}"
        f" QPushButton#tourHelp:focus {{ border: 4px solid {c['focus']}; }}"
        f" QPushButton#tourHelp:pressed {{ background: {c['pressed']}; }}")
    return button


def _bubble_style() -> str:
    c = palette("default")
    return "\n".join([
        f"QFrame#tourBubble {{ background: {c['card']}; border: 4px solid {c['card_border']};"
        " border-radius: 18px; }",
        f"QLabel {{ color: {c['text']}; background: transparent; border: none; }}",
        "QLabel#tourTitle { font-size: 24px; font-weight: bold; }",
        "QLabel#tourText { font-size: 20px; }",
        f"QLabel#tourProgress {{ color: {c['muted']}; font-size: 18px; }}",
        f"QPushButton {{ background: {c['button']}; color: {c['button_text']}; font-size: 20px;"
        f" font-weight: bold; border: 3px solid {c['button_border']}; border-radius: 12px;"
        " min-height: 48px; padding: 2px 18px; }",
        f"QPushButton#tourNext {{ background: {c['primary']}; color: {c['primary_text']}; }}",
        f"QPushButton#tourSkip {{ border-color: {c['muted']}; color: {c['muted']}; }}",
        f"QPushButton:focus {{ border: 4px solid {c['focus']}; }}",
        f"QPushButton:pressed {{ background: {c['pressed']}; color: {c['button_text']}; }}",
        "QPushButton:disabled { background: #E4E7EC; color: #5A6270; border-color: #8A93A3; }",
    ])


class Tour(QWidget):
    """The overlay; hidden until ``start``. ``finished`` says ``done`` or ``skipped``."""

    finished = Signal(str)
    stepShown = Signal(int)

    def __init__(self, host: QWidget, strings: Catalog) -> None:
        super().__init__(host)
        self.setObjectName("tour")
        self.host, self.strings = host, strings
        self.steps: list[TourStep] = []
        self.index = 0
        self.hole: QRect | None = None  # the lit-up area, in this widget's coordinates
        self._focus_before: QWidget | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        t = strings.t
        self.bubble = QFrame(self)
        self.bubble.setObjectName("tourBubble")
        self.bubble.setStyleSheet(_bubble_style())
        box = QVBoxLayout(self.bubble)
        box.setContentsMargins(24, 18, 24, 18)
        box.setSpacing(10)
        self.progress = self._label("tourProgress")
        self.title = self._label("tourTitle")
        self.text = self._label("tourText")
        for w in (self.progress, self.title, self.text):
            box.addWidget(w)
        row = QHBoxLayout()
        row.setSpacing(12)
        self.skip_button = self._button(t("tour.skip"), "tourSkip", self.skip)
        self.previous_button = self._button(t("tour.previous"), "tourPrevious", self.previous)
        self.next_button = self._button(t("tour.next"), "tourNext", self.next)
        row.addWidget(self.skip_button)
        row.addStretch(1)
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        box.addSpacing(6)
        box.addLayout(row)
        host.installEventFilter(self)
        self.hide()

    def _label(self, name: str) -> QLabel:
        lab = QLabel()
        lab.setObjectName(name)
        lab.setWordWrap(True)
        lab.setTextFormat(Qt.TextFormat.PlainText)
        return lab

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        b.setAutoDefault(False)
        b.clicked.connect(slot)
        b.installEventFilter(self)  # arrows go from step to step, not button to button
        return b

    # -- driving -----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.isVisible()

    @property
    def buttons(self) -> list[QPushButton]:
        return [self.skip_button, self.previous_button, self.next_button]

    def start(self, steps: list[TourStep] | None = None, index: int = 0) -> None:
        """Show the tour from step ``index`` (``steps`` replace the current ones)."""
        if steps is not None:
            self.steps = list(steps)
        if not self.steps:
            return
        if not self.isVisible():
            focused = self.window().focusWidget()
            self._focus_before = focused if focused is not None and not self.isAncestorOf(
                focused) else None
        self.setGeometry(self.host.rect())
        self.show()
        self.raise_()
        self.go(index)

    def go(self, index: int) -> None:
        self.index = max(0, min(index, len(self.steps) - 1))
        step = self.steps[self.index]
        last = self.index == len(self.steps) - 1
        t = self.strings.t
        self.progress.setText(t("tour.progress", n=self.index + 1, total=len(self.steps)))
        self.title.setText(step.title)
        self.text.setText(step.text)
        self.next_button.setText(t("tour.done" if last else "tour.next"))
        self.previous_button.setEnabled(self.index > 0)
        self.bubble.setAccessibleName(step.title)
        self.bubble.setAccessibleDescription(step.text)
        self.next_button.setAccessibleDescription(step.text)
        self.place()
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.stepShown.emit(self.index)

    def next(self) -> None:
        if self.index >= len(self.steps) - 1:
            self._end("done")
        else:
            self.go(self.index + 1)

    def previous(self) -> None:
        if self.index > 0:
            self.go(self.index - 1)

    def skip(self) -> None:
        self._end("skipped")

    def _end(self, how: str) -> None:
        if not self.isVisible():
            return
        self.hide()
        if self._focus_before is not None:
            self._focus_before.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus_before = None
        self.finished.emit(how)

    # -- geometry ----------------------------------------------------------------------
    def target_rect(self) -> QRect | None:
        """Where the current step's target is, in this widget's coordinates."""
        if not self.steps:
            return None
        try:
            target = self.steps[self.index].target()
        except (RuntimeError, LookupError):  # a widget already deleted, a tab gone
            target = None
        widget, rect = target if isinstance(target, tuple) else (target, None)
        if widget is None or not widget.isVisible():
            return None
        rect = rect if rect is not None else widget.rect()
        top_left = widget.mapTo(self.host, rect.topLeft())
        return QRect(top_left, rect.size()).intersected(self.rect())

    def place(self) -> None:
        """Put the hole on the target and the bubble beside it, inside the window."""
        area = self.rect()
        target = self.target_rect()
        self.hole = (target.adjusted(-PADDING, -PADDING, PADDING, PADDING).intersected(area)
                     if target is not None and not target.isEmpty() else None)
        layout = self.bubble.layout()
        needed = max(BUBBLE_WIDTH, layout.totalMinimumSize().width())  # the buttons whole
        width = max(280, min(needed, area.width() - 2 * MARGIN))
        height = max(layout.totalHeightForWidth(width), layout.totalMinimumSize().height())
        self.bubble.resize(width, height)
        self.bubble.move(self._bubble_spot(area, self.hole, QSize(width, height)))
        self.update()

    @staticmethod
    def _bubble_spot(area: QRect, hole: QRect | None, size: QSize) -> QPoint:
        w, h = size.width(), size.height()

        def clamp_x(x: int) -> int:
            return max(MARGIN, min(x, area.width() - w - MARGIN))

        def clamp_y(y: int) -> int:
            return max(MARGIN, min(y, area.height() - h - MARGIN))

        if hole is None:
            return QPoint(clamp_x((area.width() - w) // 2), clamp_y((area.height() - h) // 2))
        below, above = hole.bottom() + MARGIN, hole.top() - MARGIN - h
        if below + h <= area.height() - MARGIN:
            return QPoint(clamp_x(hole.left()), below)
        if above >= MARGIN:
            return QPoint(clamp_x(hole.left()), above)
        right, left = hole.right() + MARGIN, hole.left() - MARGIN - w
        if right + w <= area.width() - MARGIN:
            return QPoint(right, clamp_y(hole.top()))
        if left >= MARGIN:
            return QPoint(left, clamp_y(hole.top()))
        return QPoint(clamp_x((area.width() - w) // 2), area.height() - h - MARGIN)

    # -- Qt ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.host and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.host.rect())
            self.place()
        elif (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
              and watched in self.buttons and self._key(event.key())):
            return True
        return super().eventFilter(watched, event)

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        shade = QPainterPath()
        shade.addRect(QRectF(self.rect()))
        if self.hole is not None:
            lit = QPainterPath()
            lit.addRoundedRect(QRectF(self.hole), 14, 14)
            shade = shade.subtracted(lit)
        painter.fillPath(shade, DIM)
        if self.hole is not None:
            ring = QRectF(self.hole).adjusted(-3, -3, 3, 3)
            painter.setPen(QPen(QColor(palette("default")["help"]), 6))
            painter.drawRoundedRect(ring, 16, 16)
        painter.end()

    def mousePressEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        event.accept()  # type: ignore[attr-defined]  # the window behind waits

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if self._key(event.key()):
            event.accept()
        else:
            super().keyPressEvent(event)

    def _key(self, key: int) -> bool:
        """The tour's keys, wherever the focus is in it; False for any other key."""
        if key == Qt.Key.Key_Escape:
            self.skip()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown):
            self.next()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp):
            self.previous()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            (focused if focused in self.buttons else self.next_button).click()
        else:
            return False
        return True

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt API
        """Tab stays in the bubble while the tour runs."""
        usable = [b for b in self.buttons if b.isEnabled()]
        if not usable:
            return False
        current = self.focusWidget()
        i = usable.index(current) if current in usable else -1
        usable[(i + (1 if forward else -1)) % len(usable)].setFocus(Qt.FocusReason.TabFocusReason)
        return True
