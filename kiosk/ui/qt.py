"""The one QApplication, set up the same way for every app (font, names, platform)."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.ui.theme import FONT_FAMILY


def has_display() -> bool:
    """True when a window can be shown (X11, Wayland, or a platform chosen by hand)."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


# harmless notes of the offscreen platform, not worth a line on the console
QUIET = ("This plugin does not support propagateSizeHints()", "Couldn't load pipewire",
         "Couldn't resolve pipewire", "Using Qt multimedia with FFmpeg")


def _messages(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if not message.startswith(QUIET):
        sys.stderr.write(message + "\n")


def application(offscreen: bool = False) -> QApplication:
    """The existing QApplication, or a new one ready for the kiosk's apps."""
    if offscreen and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance()
    if app is None:
        qInstallMessageHandler(_messages)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("guichet-kiosk")
        app.setOrganizationName("guichet-kiosk")
        app.setFont(QFont(FONT_FAMILY, 14))
    assert isinstance(app, QApplication)
    return app


def settle(rounds: int = 3) -> None:
    """Run pending layout passes (nested layouts post more of them) and events."""
    from PySide6.QtCore import QEvent

    app = QApplication.instance()
    if app is None:
        return
    for _ in range(rounds):
        app.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        app.processEvents()
