"""Panels shown over the kiosk: "Do you need more time?", the language picker and the
staff PIN pad. Each covers the whole window with a dimmed backdrop and tells when it opens
and closes (the kiosk says each panel aloud and moves the keys' focus into it)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHideEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import Catalog, catalog
from kiosk.ui.qt import lay_out_now, paint_shown_once
from kiosk.ui.widgets import BigButton, label, svg_pixmap

MARGIN_SHARE = 0.06  # of the window's width, each side of a panel


class Overlay(QWidget):
    """A full-window dimmed backdrop holding one centred panel."""

    opened = Signal()  # shown (its texts are filled in)
    closed = Signal()  # hidden again

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.panel = QFrame()
        self.panel.setProperty("role", "panel")
        self.box = QVBoxLayout(self.panel)
        self.box.setContentsMargins(40, 32, 40, 32)
        self.box.setSpacing(24)
        # the panel scrolls when the text is too large for the screen, never cut
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addStretch(1)
        column.addWidget(self.panel)
        column.addStretch(1)
        self.scroll.setWidget(holder)
        for see_through in (self.scroll, self.scroll.viewport(), holder):
            see_through.setAutoFillBackground(False)
        QScroller.grabGesture(self.scroll.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.outer = QVBoxLayout(self)
        self.outer.addWidget(self.scroll)
        self.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        """Margins from the screen's size (a fixed 200 px left a 1366 px screen's panel
        too narrow for its words at large text)."""
        super().resizeEvent(event)
        side = max(12, round(self.width() * MARGIN_SHARE))
        self.outer.setContentsMargins(side, 12, side, 12)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        QPainter(self).fillRect(self.rect(), QColor(0, 0, 0, 170))

    def open(self) -> None:
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        lay_out_now()  # now, not on the next turn: a touch may come first
        paint_shown_once()
        self.opened.emit()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt API
        super().hideEvent(event)
        if not event.spontaneous():
            self.closed.emit()


class MoreTimeOverlay(Overlay):
    """Asks "Do you need more time?" and counts down; ``expired`` when nobody answers."""

    expired = Signal()
    answered = Signal()
    ticked = Signal(int)  # seconds left, each second of the last ``TICKS``
    TICKS = 10

    def __init__(self, parent: QWidget, seconds: float) -> None:
        super().__init__(parent)
        self.seconds = seconds
        self.left = 0
        self.question = label("", "overlay")
        self.countdown = label("", "overlayHint")
        self.yes = BigButton("", "primary", "more-time.svg", icon_px=80)
        self.yes.setObjectName("more-time-yes")
        self.yes.clicked.connect(self._yes)
        for w in (self.question, self.countdown, self.yes):
            self.box.addWidget(w)
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._tick)
        self.deadline = QTimer(self)
        self.deadline.setSingleShot(True)
        self.deadline.timeout.connect(self._expire)
        self.strings: Catalog = catalog("fr")

    def ask(self, strings: Catalog) -> None:
        self.strings = strings
        self.question.setText(strings.t("more_time.question"))
        self.yes.set_text(strings.t("more_time.keep_going"))
        self.left = max(1, round(self.seconds))
        self._show_left()
        self.deadline.start(round(self.seconds * 1000))
        self.tick.start()
        self.open()

    def stop(self) -> None:
        self.tick.stop()
        self.deadline.stop()
        self.hide()

    def _show_left(self) -> None:
        self.countdown.setText(self.strings.t("more_time.countdown", n=self.left))

    def _tick(self) -> None:
        self.left = max(0, self.left - 1)
        self._show_left()
        if 0 < self.left <= self.TICKS:
            self.ticked.emit(self.left)

    def _yes(self) -> None:
        self.stop()
        self.answered.emit()

    def _expire(self) -> None:
        self.stop()
        self.expired.emit()


class LanguageOverlay(Overlay):
    """One big tile per language, each in its own name."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget, languages: list[str]) -> None:
        super().__init__(parent)
        self.title = label("", "overlay")
        self.box.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setSpacing(20)
        self.buttons: list[BigButton] = []
        for code in languages:
            b = BigButton(catalog(code).name, "tile", f"{code}.svg", icon_px=90, kind="flags")
            b.setObjectName(f"pick-{code}")
            b.clicked.connect(lambda _=False, c=code: self._choose(c))
            self.buttons.append(b)
        self.box.addLayout(self.grid)

    def ask(self, strings: Catalog, scale: float = 1.0, current: str = "") -> None:
        """Open the picker; ``current``, the language shown, is marked as on home (a
        thicker border, and "chosen" when it is said)."""
        self.title.setText(strings.t("languages.title"))
        for b in self.buttons:
            chosen = b.objectName() == f"pick-{current}"
            if bool(b.property("selected")) != chosen:
                b.setProperty("selected", chosen)
                b.style().unpolish(b)
                b.style().polish(b)
        self._arrange(scale)
        self.open()

    def _arrange(self, scale: float) -> None:
        """Two columns when every name fits whole in one, else one."""
        room = self.parentWidget().width() * (1 - 2 * MARGIN_SHARE) - 80 - 20
        widest = max(b.width_for(scale, one_line=True) for b in self.buttons)
        columns = 2 if 2 * widest + 20 <= room else 1
        for b in self.buttons:
            self.grid.removeWidget(b)
        for i, b in enumerate(self.buttons):
            self.grid.addWidget(b, i // columns, i % columns)

    def _choose(self, code: str) -> None:
        self.hide()
        self.chosen.emit(code)


class PinOverlay(Overlay):
    """A number pad for the staff PIN; ``accepted`` when the right code is typed."""

    accepted = Signal()

    def __init__(self, parent: QWidget, pin: str) -> None:
        super().__init__(parent)
        self.panel.setObjectName("staff-panel")  # normal text size (the theme)
        self.pin = pin
        self.typed = ""
        self.title = label("", "overlay")
        self.dots = label("", "overlay")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.box.addWidget(self.title)
        self.box.addWidget(self.dots)
        # a number pad keeps a phone's order, 1-2-3 from the left, in Arabic too: its own
        # left-to-right direction, which the window's right-to-left one does not override
        self.pad = QWidget()
        self.pad.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        pad = QGridLayout(self.pad)
        pad.setContentsMargins(0, 0, 0, 0)
        pad.setSpacing(14)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "erase", "0", "ok"]
        self.keys: dict[str, BigButton] = {}
        for i, k in enumerate(keys):
            b = BigButton(k, "choice" if k.isdigit() else "primary")
            b.setObjectName(f"pin-{k}")
            b.setProperty("repeatable", k != "ok")  # "1 1": the guard counts both presses
            b.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            b.text_label.setProperty("ownDirection", True)  # in the pad's left-to-right order
            b.clicked.connect(lambda _=False, key=k: self._press(key))
            pad.addWidget(b, i // 3, i % 3)
            self.keys[k] = b
        self.box.addWidget(self.pad)
        self.cancel = BigButton("", "choice")
        self.cancel.setObjectName("pin-cancel")
        self.cancel.clicked.connect(self.hide)
        self.box.addWidget(self.cancel)
        self.strings = catalog("fr")

    def ask(self, strings: Catalog) -> None:
        self.strings = strings
        self.typed = ""
        self.title.setText(strings.t("admin.title"))
        self.dots.setText(strings.t("admin.hint"))
        self.keys["erase"].set_text(strings.t("admin.erase"))
        self.keys["ok"].set_text(strings.t("admin.ok"))
        self.cancel.set_text(strings.t("admin.cancel"))
        self.open()

    def _press(self, key: str) -> None:
        if key == "erase":
            self.typed = self.typed[:-1]
        elif key == "ok":
            if self.pin and self.typed == self.pin:
                self.hide()
                self.accepted.emit()
                return
            self.typed = ""
            self.dots.setText(self.strings.t("admin.wrong"))
            return
        elif len(self.typed) < 12:
            self.typed += key
        self.dots.setText("●" * len(self.typed) or self.strings.t("admin.hint"))


class HelpOfferOverlay(Overlay):
    """"Do you want help?" for a customer who stays long on one step."""

    accepted = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.question = label("", "overlay")
        self.yes = BigButton("", "primary", "mediator.svg", icon_px=80)
        self.yes.setObjectName("offer-yes")
        self.no = BigButton("", "choice", "no.svg", icon_px=64)
        self.no.setObjectName("offer-no")
        self.yes.clicked.connect(self._yes)
        self.no.clicked.connect(self.hide)
        for w in (self.question, self.yes, self.no):
            self.box.addWidget(w)

    def ask(self, strings: Catalog) -> None:
        self.question.setText(strings.t("help.offer"))
        self.yes.set_text(strings.t("help.offer_yes"))
        self.no.set_text(strings.t("help.offer_no"))
        self.open()

    def _yes(self) -> None:
        self.hide()
        self.accepted.emit()


class SettingsOverlay(Overlay):
    """The less used tools (sound, text size, contrast, language), gathered behind the
    bottom bar's Settings button when the bar has no room for them. Text size and
    contrast apply at once and the panel stays (the customer sees the change); sound and
    language open their own panel."""

    def __init__(self, parent: QWidget, actions: dict[str, Callable[[], None]]) -> None:
        super().__init__(parent)
        self.actions = actions
        self.title = label("", "overlay")
        self.box.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setSpacing(20)
        self.buttons: dict[str, BigButton] = {}
        for name, icon in (("sound", "volume.svg"), ("text-size", "text-size.svg"),
                           ("contrast", "contrast.svg"), ("language", "speaker.svg")):
            b = BigButton("", "choice", icon, icon_px=64)
            b.setObjectName(f"settings-{name}")
            b.setProperty("repeatable", name == "text-size")
            b.clicked.connect(lambda _=False, n=name: self._press(n))
            self.buttons[name] = b
        self.box.addLayout(self.grid)
        self.close_button = BigButton("", "primary", "yes.svg", icon_px=64)
        self.close_button.setObjectName("settings-close")
        self.close_button.clicked.connect(self.hide)
        self.box.addWidget(self.close_button)

    def ask(self, strings: Catalog, texts: dict[str, str], language: str, scale: float) -> None:
        """``texts``: each tool's label as the bottom bar would show it."""
        self.fill(strings, texts, language, scale)
        self.open()

    def fill(self, strings: Catalog, texts: dict[str, str], language: str,
             scale: float) -> None:
        self.title.setText(strings.t("settings_panel.title"))
        for name, b in self.buttons.items():
            b.set_text(texts[name])
        flag = self.buttons["language"].icon_label
        if flag is not None:
            flag.setPixmap(svg_pixmap("flags", f"{language}.svg", 64))
        self.close_button.set_text(strings.t("settings_panel.close"))
        for b in self.buttons.values():
            self.grid.removeWidget(b)
        columns = 2 if self._two_fit(scale) else 1
        for i, b in enumerate(self.buttons.values()):
            self.grid.addWidget(b, i // columns, i % columns)

    def _two_fit(self, scale: float) -> bool:
        room = self.window().width() * (1 - 2 * MARGIN_SHARE) - 80 - 20
        widest = max(b.width_for(scale) for b in self.buttons.values())
        return 2 * widest <= room

    def _press(self, name: str) -> None:
        if name in ("sound", "language"):
            self.hide()
        self.actions[name]()
