"""The one QApplication, set up the same way for every app (font, names, platform);
``FirstPaint``, which tells when a window's first frame is painted; and the layout passes
run now rather than on the next turn of the loop (``lay_out_now``, ``paint_shown_once``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    QObject,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

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


_TRANSLATORS: list[QTranslator] = []  # the one set installed (Qt keeps no reference)


class _Mnemonics(QTranslator):
    """Qt's catalogs lag its sources on a few labels that gained a keyboard shortcut
    ("&Look in:" in the file dialog; the catalog has "Look in:"): those get the plain
    label's translation with its ``&``."""

    def __init__(self, base: QTranslator, parent: QObject) -> None:
        super().__init__(parent)
        self.base = base

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # noqa: N802
                  n: int = -1) -> str | None:
        if not source.startswith("&"):
            return None  # a null string: the next translator is asked
        found = self.base.translate(context, source[1:], disambiguation, n)
        return "&" + found if found else None

    def isEmpty(self) -> bool:  # noqa: N802 - Qt API
        return False


def use_qt_language(language: str) -> bool:
    """Qt's own words (file dialogs' "Look in", standard buttons' "Cancel", ...) in
    ``language``, from the translations that come with Qt (``qtbase_<lang>.qm``; Brazilian
    Portuguese for ``pt``). Replaces the previous language's. False when Qt has none."""
    app = QApplication.instance()
    if app is None:
        return False
    for old in _TRANSLATORS:
        app.removeTranslator(old)
    _TRANSLATORS.clear()
    if language == "en":
        return True  # Qt's own language
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(QLocale(language), "qtbase", "_", folder):
        return False
    mnemonics = _Mnemonics(translator, app)
    for one in (translator, mnemonics):  # the last installed is asked first
        app.installTranslator(one)
        _TRANSLATORS.append(one)
    return True


def settle(rounds: int = 3) -> None:
    """Run pending layout passes (nested layouts post more of them) and events."""
    app = QApplication.instance()
    if app is None:
        return
    for _ in range(rounds):
        app.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        app.processEvents()


def lay_out_now(rounds: int = 3) -> None:
    """The layout passes Qt would run on the next turn of the loop, now (only those:
    input events stay queued, so a touch never comes before the layout it lands on).
    Nested layouts post more of them."""
    app = QApplication.instance()
    if app is None:
        return
    for _ in range(rounds):
        app.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)


def paint_shown_once() -> None:
    """Widgets just shown post themselves an 'update later' (Qt's show), delivered after
    the paint already queued: what they show would be painted twice. Laid out and marked
    now, it is painted once, with the rest."""
    lay_out_now(1)
    app = QApplication.instance()
    if app is not None:
        app.sendPostedEvents(None, QEvent.Type.UpdateLater.value)


class FirstPaint(QObject):
    """Calls ``on_painted()`` once, at the end of a window's first paint: the moment its
    first frame is ready for the screen. Qt paints a window (the top-level widget, then
    its children) while it delivers an expose event to the window's QWindow or an update
    request to the widget; this filter delivers those itself, so that the callback runs
    once the whole frame is drawn. Made before the window is shown, or after: then its
    next paint counts."""

    WINDOW_EVENTS = (QEvent.Type.Expose, QEvent.Type.UpdateRequest)

    def __init__(self, widget: QWidget, on_painted: Callable[[], None]) -> None:
        super().__init__(widget)
        self.widget = widget
        self.on_painted = on_painted
        self._painted = False
        self._handle: QObject | None = None
        widget.installEventFilter(self)
        if widget.isVisible():
            self._watch_window()

    def _watch_window(self) -> None:
        self._handle = self.widget.windowHandle()  # made by show(), exposed later
        if self._handle is not None:
            self._handle.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if obj is self.widget and kind == QEvent.Type.Paint:
            self._painted = True
        elif obj is self.widget and kind == QEvent.Type.Show and self._handle is None:
            self._watch_window()
        elif kind in self.WINDOW_EVENTS and (obj is self._handle or obj is self.widget):
            self._painted = False  # only a paint made now counts (not a grab's, earlier)
            obj.event(event)
            if self._painted:
                self.widget.removeEventFilter(self)
                if self._handle is not None:
                    self._handle.removeEventFilter(self)
                self.on_painted()
            return True
        return False
