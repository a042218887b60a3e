"""The kiosk's voice panels: sound settings (volume and speed, − / +, or why the voice is
off) and voice commands (listening, "I understood X: is that right?", not understood)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from kiosk.customer.overlays import Overlay
from kiosk.i18n import Catalog, catalog
from kiosk.ui.widgets import BigButton, label


class SoundOverlay(Overlay):
    """Louder / quieter and faster / slower; each tap speaks the new value."""

    adjust = Signal(str, int)  # "volume" or "rate", -1 or +1

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.title = label("", "overlay")
        self.box.addWidget(self.title)
        self.off = label("", "overlayHint")
        self.box.addWidget(self.off)
        grid = QGridLayout()
        grid.setSpacing(20)
        self.buttons: dict[tuple[str, int], BigButton] = {}
        self.values: dict[str, QWidget] = {}
        for row, kind in enumerate(("volume", "rate")):
            value = label("", "overlayHint")
            self.values[kind] = value
            grid.addWidget(value, row * 2, 0, 1, 2)
            for column, step in enumerate((-1, 1)):
                b = BigButton("", "choice")
                b.setObjectName(f"{kind}-{'down' if step < 0 else 'up'}")
                b.setProperty("repeatable", True)  # "Louder" twice: two steps louder
                b.clicked.connect(lambda _=False, k=kind, s=step: self.adjust.emit(k, s))
                grid.addWidget(b, row * 2 + 1, column)
                self.buttons[(kind, step)] = b
        self.box.addLayout(grid)
        self.close_button = BigButton("", "primary", "yes.svg", icon_px=64)
        self.close_button.setObjectName("sound-close")
        self.close_button.clicked.connect(self.hide)
        self.box.addWidget(self.close_button)
        self.strings = catalog("fr")

    def show_levels(self, strings: Catalog, volume: tuple[int, int], rate: tuple[int, int],
                    problem: str) -> None:
        """Fill the panel: levels as "n of total" (1-based), and why the voice is off."""
        t = strings.t
        self.strings = strings
        self.title.setText(t("voice.title"))
        self.off.setText(t("voice.off_text") if problem else "")
        self.off.setVisible(bool(problem))
        self.values["volume"].setText(t("voice.volume_value", n=volume[0], total=volume[1]))
        self.values["rate"].setText(t("voice.rate_value", n=rate[0], total=rate[1]))
        names = {("volume", -1): "voice.quieter", ("volume", 1): "voice.louder",
                 ("rate", -1): "voice.slower", ("rate", 1): "voice.faster"}
        for key, b in self.buttons.items():
            b.set_text(t(names[key]))
            b.setEnabled(not problem)
        self.close_button.set_text(t("voice.close"))


class ListenOverlay(Overlay):
    """What the voice-command helper is doing, with big buttons for each answer."""

    done = Signal()  # "I am done talking"
    again = Signal()  # listen again (or say "yes")
    confirmed = Signal()
    rejected = Signal()  # "no", or closed

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.message = label("", "overlay")
        self.box.addWidget(self.message)
        row = QHBoxLayout()
        row.setSpacing(20)
        self.yes = BigButton("", "primary", "yes.svg", icon_px=72)
        self.yes.setObjectName("listen-yes")
        self.no = BigButton("", "choice", "no.svg", icon_px=64)
        self.no.setObjectName("listen-no")
        self.finish = BigButton("", "primary", "microphone.svg", icon_px=72)
        self.finish.setObjectName("listen-done")
        self.speak = BigButton("", "choice", "microphone.svg", icon_px=64)
        self.speak.setObjectName("listen-again")
        self.close_button = BigButton("", "choice", "back.svg", icon_px=64)
        self.close_button.setObjectName("listen-close")
        for b in (self.yes, self.no, self.finish, self.speak, self.close_button):
            row.addWidget(b)
        self.box.addLayout(row)
        self.yes.clicked.connect(self.confirmed.emit)
        self.no.clicked.connect(self.rejected.emit)
        self.finish.clicked.connect(self.done.emit)
        self.speak.clicked.connect(self.again.emit)
        self.close_button.clicked.connect(self.rejected.emit)
        self.state = ""

    def show_state(self, strings: Catalog, state: str, message: str) -> None:
        """``loading``, ``listening``, ``thinking``, ``confirm`` or ``failed``."""
        t = strings.t
        self.state = state
        self.message.setText(message)
        self.yes.set_text(t("voice.confirm_yes"))
        self.no.set_text(t("voice.confirm_no"))
        self.finish.set_text(t("voice.stop_listening"))
        self.speak.set_text(t("voice.speak"))
        self.close_button.set_text(t("voice.close"))
        self.yes.setVisible(state == "confirm")
        self.no.setVisible(state == "confirm")
        self.finish.setVisible(state == "listening")
        self.speak.setVisible(state in ("confirm", "failed"))
        self.close_button.setVisible(state in ("loading", "failed", "thinking"))
        if not self.isVisible():
            self.open()
