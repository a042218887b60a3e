"""The kiosk's two bars: the top one (home, where you are, call a mediator) and the
bottom one (back, repeat, text size, contrast, language)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.customer.controller import HOME, OUTCOME, STEP, KioskController
from kiosk.flows.model import pick
from kiosk.ui.widgets import BigButton, label, svg_pixmap


class TopBar(QWidget):
    def __init__(self, ctrl: KioskController) -> None:
        super().__init__()
        self.ctrl = ctrl
        self.setProperty("role", "bar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 14, 24, 14)
        row.setSpacing(24)
        self.home = BigButton("", "tool", "home.svg", icon_px=56, vertical=True, margin=6)
        self.home.setObjectName("home")
        self.home.clicked.connect(ctrl.go_home)
        row.addWidget(self.home, 0)
        titles = QVBoxLayout()
        titles.setSpacing(4)
        self.title = label("", "barTitle")
        self.progress = label("", "barText")
        titles.addWidget(self.title)
        titles.addWidget(self.progress)
        row.addLayout(titles, 1)
        self.help = BigButton("", "help", "mediator.svg", icon_px=72)
        self.help.setObjectName("help")
        self.help.clicked.connect(ctrl.call_help)
        row.addWidget(self.help, 0)

    def render(self) -> None:
        c = self.ctrl
        t = c.strings.t
        self.home.set_text(t("bar.home"))
        self.home.setVisible(c.screen != HOME)
        self.home.fit_width(c.look.scale)
        self.help.set_text(t("bar.help"))
        self.help.fit_width(c.look.scale)
        if c.screen in (STEP, OUTCOME) and c.session is not None:
            self.title.setText(pick(c.session.flow.title, c.look.language))
            n, total = c.session.position()
            self.progress.setText(t("step.progress", n=n, total=total))
            self.progress.setVisible(c.screen == STEP)
        else:
            self.title.setText(t("home.welcome"))
            self.progress.setVisible(False)


class BottomBar(QWidget):
    def __init__(self, ctrl: KioskController, on_language: object, on_sound: object,
                 on_speak: object) -> None:
        super().__init__()
        self.ctrl = ctrl
        self.setProperty("role", "bar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(16, 12, 16, 12)
        self.grid.setSpacing(12)
        self._rows = 0
        self._wanted: dict[BigButton, bool] = {}  # shown or not, as render decided

        def tool(name: str, icon_name: str, slot: object) -> BigButton:
            # the bar's child from the start: a button not in the grid yet (home has no
            # Back) that render() shows would otherwise flash as a window of its own,
            # taking the keyboard's focus from the kiosk
            b = BigButton("", "tool", icon_name, icon_px=52, vertical=True, margin=6,
                          parent=self)
            b.setObjectName(name)
            b.clicked.connect(slot)
            return b

        self.back = tool("back", "back.svg", ctrl.back)
        self.repeat = tool("repeat", "repeat.svg", ctrl.repeat)
        self.size = tool("text-size", "text-size.svg", ctrl.cycle_text_size)
        self.contrast = tool("contrast", "contrast.svg", ctrl.toggle_contrast)
        self.speak = tool("speak", "microphone.svg", on_speak)  # voice commands, when installed
        self.sound = tool("sound", "volume.svg", on_sound)  # volume and speed; shows voice off
        self.language = tool("language", "speaker.svg", on_language)  # icon: the current flag
        self.left = (self.back, self.repeat, self.speak)
        self.right = (self.sound, self.size, self.contrast, self.language)

    def arrange(self) -> None:
        """One row of buttons when their labels fit on one line each, else two rows."""
        # (not isHidden(): a widget put back into a layout is hidden until events run)
        shown = [b for b in (*self.left, *self.right) if self._wanted.get(b, True)]
        scale = self.ctrl.look.scale
        need = sum(b.fit_width(scale) + 12 for b in shown)
        rows = 1 if need + 32 + 120 <= max(self.width(), self.window().width()) else 2
        if rows == self._rows:
            return
        self._rows = rows
        for b in (*self.left, *self.right):
            self.grid.removeWidget(b)
        gap = len(self.left)
        for column in range(len(self.left) + len(self.right) + 1):
            self.grid.setColumnStretch(column, 0)
            self.grid.setColumnMinimumWidth(column, 0)
        left = [b for b in self.left if self._wanted.get(b, True)]
        right = [b for b in self.right if self._wanted.get(b, True)]
        if rows == 1:  # back, repeat, speak, a gap, then sound, size, contrast, language
            for column, b in enumerate(left):
                self.grid.addWidget(b, 0, column)
                self.grid.setColumnStretch(column, 1)
            for column, b in enumerate(right, start=gap + 1):
                self.grid.addWidget(b, 0, column)
                self.grid.setColumnStretch(column, 1)
            self.grid.setColumnMinimumWidth(gap, 40)
        else:
            for column, b in enumerate(left):
                self.grid.addWidget(b, 0, column)
            for column, b in enumerate(right):
                self.grid.addWidget(b, 1, column)
            for column in range(max(len(left), len(right))):
                self.grid.setColumnStretch(column, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.arrange()

    def render(self) -> None:
        c = self.ctrl
        t = c.strings.t
        rtl = c.strings.rtl
        self.back.set_text(t("bar.back"))
        if self.back.icon_label is not None:
            self.back.icon_label.setPixmap(svg_pixmap("icons", "back.svg", 52, rtl))
        self.repeat.set_text(t("bar.repeat"))
        self.speak.set_text(t("voice.speak"))
        self.sound.set_text(t("voice.sound") if c.voice_ok else t("voice.unavailable"))
        if self.sound.icon_label is not None:
            self.sound.icon_label.setPixmap(
                svg_pixmap("icons", "volume.svg" if c.voice_ok else "speaker-off.svg", 52))
        self.size.set_text(f"{t('bar.text_size')} ×{c.look.scale:g}")
        self.size.setAccessibleName(t("bar.text_size_value", size=f"×{c.look.scale:g}"))
        self.contrast.set_text(t("bar.contrast"))
        self.language.set_text(t("bar.language"))
        if self.language.icon_label is not None:
            self.language.icon_label.setPixmap(
                svg_pixmap("flags", f"{c.look.language}.svg", 52))
        can_back = c.screen == OUTCOME or (c.session is not None and c.session.can_go_back
                                           and c.screen == STEP)
        self.back.setEnabled(can_back)
        self._wanted = {self.back: c.screen != HOME, self.language: c.screen != HOME,
                        self.repeat: c.screen != HOME,  # home has its own, larger Listen button
                        self.speak: c.can_listen and c.screen != HOME}
        for button, wanted in self._wanted.items():
            button.setVisible(wanted)
        self._rows = 0
        self.arrange()
