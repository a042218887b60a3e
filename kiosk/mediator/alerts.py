"""How the console catches a mediator's attention: the sound (a chime for a new call or a
call handed to me, the louder alert for a call nobody answered), and, when the console's
window is not the active one, a notice from the system (the tray's message, when the
desktop has a tray) and the taskbar's alert.

Who hears a new call is the console's choice (:meth:`Presence.alerted
<kiosk.mediator.desk.Presence.alerted>`); this module only says it.
"""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from kiosk import paths
from kiosk.ui.audio import AudioPlayer
from kiosk.ui.widgets import svg_pixmap

NOTICE_MS = 10_000  # how long the system shows a notice


class Alerts(QObject):
    def __init__(self, window: QWidget, audio: AudioPlayer) -> None:
        super().__init__(window)
        self.window, self.audio = window, audio
        # the last notices (title, text), newest last: what tests read; bounded, a console
        # runs all day
        self.notices: deque[tuple[str, str]] = deque(maxlen=50)
        self.tray: QSystemTrayIcon | None = None

    def chime(self, title: str, text: str) -> None:
        """A new call, or a call handed to me."""
        self.audio.play(paths.asset("sounds", "chime.wav"))
        self.notify(title, text)

    def alarm(self, title: str, text: str) -> None:
        """A call nobody answered: louder."""
        self.audio.play(paths.asset("sounds", "alert.wav"), volume=1.0)
        self.notify(title, text)

    def notify(self, title: str, text: str) -> None:
        """The system's notice and the taskbar's alert, when the window is not the active
        one (nothing more to do when it is: the card flashes before the mediator's eyes)."""
        self.notices.append((title, text))
        if self.window.isActiveWindow():
            return
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(QIcon(svg_pixmap("icons", "mediator.svg", 64)), self)
                self.tray.setToolTip(self.window.windowTitle())
                self.tray.messageClicked.connect(lambda: self.show_window())
            self.tray.show()
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, NOTICE_MS)
        QApplication.alert(self.window)

    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
