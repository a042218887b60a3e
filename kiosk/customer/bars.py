"""The kiosk's two bars: the top one (home, where you are, call a mediator) and the
bottom one (back, repeat, speak, and the settings: sound, text size, contrast, language).

Both fit the window on every supported screen at every text size, on one row each, and
never make the window wider than the screen:

- the top bar's title stays on one line, cut with "…" when it must be (its whole text is
  still said); the Home button shows its icon alone, and "Call a mediator" its text on
  two lines, when the title would otherwise get less than a quarter of the width;
- the bottom bar shows every tool, icon above text, when they fit in the width and in
  :data:`BOTTOM_SHARE` of the height; else with the icon beside the text (lower); else it
  gathers the less used tools (sound, text size, contrast, language) behind one
  "Settings" button whose panel holds them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QWidget

from kiosk.customer.controller import HOME, OUTCOME, STEP, KioskController
from kiosk.flows.model import pick
from kiosk.ui.widgets import BigButton, OneLine, label, svg_pixmap, text_width

BOTTOM_SHARE = 0.16  # of the window's height, at most, for the bottom bar when it can
TITLE_SHARE = 0.25  # of the width the top bar's title should keep
SPACING, MARGIN = 12, 16


def never_widens(bar: QWidget) -> None:
    """The bar takes the window's width and fits itself to it (``arrange``): its buttons'
    least widths, chosen for a wider window or a smaller text, must not hold the window
    wider than a screen it is moved to (it would then never learn the narrower width)."""
    bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)


def widths_kept(widths: dict[BigButton, int]) -> bool:
    """The least widths a bar set last time are still its buttons' (a new style sheet
    polishes them again, and its min-width replaces them)."""
    return all(b.minimumWidth() == w for b, w in widths.items())


class TopBar(QWidget):
    def __init__(self, ctrl: KioskController) -> None:
        super().__init__()
        self.ctrl = ctrl
        self.setProperty("role", "bar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        never_widens(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(MARGIN, 10, MARGIN, 10)
        row.setSpacing(20)
        self.home = BigButton("", "tool", "home.svg", icon_px=56, margin=10)
        self.home.setObjectName("home")
        self.home.clicked.connect(ctrl.go_home)
        row.addWidget(self.home, 0)
        self.title = OneLine("barTitle")
        row.addWidget(self.title, 1)
        self.progress = label("", "barText", wrap=False)
        row.addWidget(self.progress, 0)
        self.help = BigButton("", "help", "mediator.svg", icon_px=72)
        self.help.setObjectName("help")
        self.help.clicked.connect(ctrl.call_help)
        row.addWidget(self.help, 0)
        self._progress = (0, 0)
        self._arranged: tuple[object, ...] | None = None
        self._widths: dict[BigButton, int] = {}
        self.title_cut = False  # the title will show cut with "…" (see arrange)

    def render(self) -> None:
        c = self.ctrl
        t = c.strings.t
        self.home.set_text(t("bar.home"))
        self.home.setVisible(c.screen != HOME)
        self.help.set_text(t("bar.help"))
        if c.screen in (STEP, OUTCOME) and c.session is not None:
            self.title.setText(pick(c.session.flow.title, c.look.language))
            self._progress = c.session.position()
            self.progress.setVisible(c.screen == STEP)
        else:
            self.title.setText(t("home.welcome"))
            self.progress.setVisible(False)
        self.arrange()

    def arrange(self) -> None:
        """Choose the buttons' shapes for the window's width (see the module docstring);
        nothing to do when the texts and the width are those of the last time (a tap)."""
        t, scale = self.ctrl.strings.t, self.ctrl.look.scale
        n, total = self._progress
        long_progress = t("step.progress", n=n, total=total)
        width = self.window().width()
        # (the theme too: a new style sheet polishes the buttons again, and its min-width
        # replaces the widths set here)
        key = (self.title.text(), long_progress, self.progress.isHidden(), self.home.isHidden(),
               self.home.label_text(), self.help.label_text(), width, scale,
               self.ctrl.look.theme)
        if key == self._arranged and widths_kept(self._widths):
            return
        self._arranged = key
        room = width - 2 * MARGIN - 3 * 20
        want = width * TITLE_SHARE
        progress_w = 0
        if not self.progress.isHidden():
            progress_w = text_width([long_progress], "barText", scale)
        help_two = self.help.width_for(scale, lines=2)
        home_w = 0
        if not self.home.isHidden():
            self.home.set_shape(False, with_text=True)
            home_w = self.home.width_for(scale, one_line=True)
            if room - home_w - help_two - progress_w < want:
                self.home.set_shape(False, with_text=False)
                home_w = self.home.width_for(scale)
            self.home.setFixedWidth(home_w)
        help_one = self.help.width_for(scale, one_line=True)
        help_w = help_one if room - home_w - help_one - progress_w >= want else help_two
        self.help.setFixedWidth(help_w)
        self._widths = {self.help: help_w, **({self.home: home_w} if home_w else {})}
        short = room - home_w - help_w - progress_w < want
        shown = t("step.progress_short", n=n, total=total) if short else long_progress
        self.progress.setText(shown)
        self.progress.setAccessibleName(long_progress)
        if not self.progress.isHidden():
            progress_w = text_width([shown], "barText", scale)
        # known now, before any layout pass: whether the title will be cut ("…")
        self.title_cut = text_width([self.title.text()], "barTitle", scale) > \
            room - home_w - help_w - progress_w

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.arrange()


class BottomBar(QWidget):
    def __init__(self, ctrl: KioskController, on_language: Callable[[], None],
                 on_sound: Callable[[], None], on_speak: Callable[[], None],
                 on_settings: Callable[[], None]) -> None:
        super().__init__()
        self.ctrl = ctrl
        self.setProperty("role", "bar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        never_widens(self)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(MARGIN, 10, MARGIN, 10)
        self.grid.setSpacing(SPACING)
        self._wanted: dict[BigButton, bool] = {}  # shown or not, as render decided
        self._shape: tuple[object, ...] | None = None
        self._measured: tuple[object, ...] | None = None
        self._widths: dict[BigButton, int] = {}  # least widths set by _place

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
        self.speak = tool("speak", "microphone.svg", on_speak)  # voice commands, when installed
        self.settings = tool("settings", "settings.svg", on_settings)  # the tools below, gathered
        self.sound = tool("sound", "volume.svg", on_sound)  # volume and speed; shows voice off
        self.text_size = tool("text-size", "text-size.svg", ctrl.cycle_text_size)
        self.text_size.setProperty("repeatable", True)  # ×1, ×1.5, ×2: two quick presses count
        self.contrast = tool("contrast", "contrast.svg", ctrl.toggle_contrast)
        self.language = tool("language", "speaker.svg", on_language)  # icon: the current flag
        self.left = (self.back, self.repeat, self.speak)
        self.right = (self.sound, self.text_size, self.contrast, self.language)
        self.gathered = False  # the right-hand tools are behind Settings

    def shown(self, buttons: Sequence[BigButton]) -> list[BigButton]:
        return [b for b in buttons if self._wanted.get(b, True)]

    def arrange(self) -> None:
        """The first shape that fits (see the module docstring), on one row."""
        scale = self.ctrl.look.scale
        window = self.window()
        width, height = window.width(), window.height()
        left, right = self.shown(self.left), self.shown(self.right)
        key = (tuple((b.objectName(), b.label_text()) for b in (*left, *right, self.settings)),
               width, height, scale, self.ctrl.look.theme)  # (theme: see TopBar.arrange)
        kept = widths_kept(self._widths)
        if key == self._measured and kept:  # the same texts in the same window: the same shape
            return
        self._measured = key
        chosen = (False, True)  # the narrowest, if nothing fits
        for gathered, vertical in ((False, True), (False, False), (True, True), (True, False)):
            buttons = left + ([self.settings] if gathered else right)
            need = sum(b.width_for(scale, vertical=vertical) for b in buttons) \
                + SPACING * len(buttons) + 2 * MARGIN + 40
            tall = max(b.height_for(scale, vertical=vertical) for b in buttons) + 20
            if need <= width and tall <= height * BOTTOM_SHARE:
                chosen = (gathered, vertical)
                break
        else:
            chosen = (bool(right), True)
        shape = (*chosen, tuple(left), tuple(right), width, scale, self.ctrl.look.theme)
        if shape == self._shape and kept:
            return
        self._shape = shape
        self._place(left, right, *chosen)

    def _place(self, left: list[BigButton], right: list[BigButton], gathered: bool,
               vertical: bool) -> None:
        self.gathered = gathered
        for b in (*self.left, self.settings, *self.right):
            self.grid.removeWidget(b)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 0)
            self.grid.setColumnMinimumWidth(column, 0)
        ends = [self.settings] if gathered else right
        self._widths = {}
        for b in (*left, *ends):
            b.set_shape(vertical)
            self._widths[b] = b.width_for(self.ctrl.look.scale)
            b.setMinimumWidth(self._widths[b])
        for column, b in enumerate(left):
            self.grid.addWidget(b, 0, column)
            self.grid.setColumnStretch(column, 1)
        gap = len(left)
        self.grid.setColumnMinimumWidth(gap, 40)  # back and repeat apart from the settings
        for column, b in enumerate(ends, start=gap + 1):
            self.grid.addWidget(b, 0, column)
            self.grid.setColumnStretch(column, 1)
        self.settings.setVisible(gathered)
        for b in self.right:
            b.setVisible(not gathered and self._wanted.get(b, True))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.arrange()

    def render(self) -> None:
        c = self.ctrl
        t = c.strings.t
        rtl = c.strings.rtl
        self.back.set_text(t("bar.back"))
        self.back.set_icon(svg_pixmap("icons", "back.svg", 52, rtl))
        self.repeat.set_text(t("bar.repeat"))
        self.speak.set_text(t("voice.speak"))
        self.settings.set_text(t("bar.settings"))
        self.sound.set_text(t("voice.sound") if c.voice_ok else t("voice.unavailable"))
        self.sound.set_icon(svg_pixmap("icons", "volume.svg" if c.voice_ok else "speaker-off.svg",
                                       52))
        self.text_size.set_text(f"{t('bar.text_size')} ×{c.look.scale:g}")
        self.text_size.setAccessibleName(t("bar.text_size_value", size=f"×{c.look.scale:g}"))
        self.contrast.set_text(t("bar.contrast"))
        self.language.set_text(t("bar.language"))
        self.language.set_icon(svg_pixmap("flags", f"{c.look.language}.svg", 52))
        can_back = c.screen == OUTCOME or (c.session is not None and c.session.can_go_back
                                           and c.screen == STEP)
        self.back.setEnabled(can_back)
        self._wanted = {self.back: c.screen != HOME, self.language: c.screen != HOME,
                        self.repeat: c.screen != HOME,  # home has its own, larger Listen button
                        self.speak: c.can_listen and c.screen != HOME}
        for button, wanted in self._wanted.items():
            button.setVisible(wanted and not (self.gathered and button in self.right))
        self.arrange()
