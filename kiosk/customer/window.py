"""KioskWindow: the bars, the screens and the overlays, kept in step with the controller;
lockdown (frameless full screen, exit keys ignored, staff PIN) and the inactivity reset."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.customer.bars import BottomBar, TopBar
from kiosk.customer.controller import HOME, OUTCOME, STEP, KioskController
from kiosk.customer.guard import KioskGuard
from kiosk.customer.overlays import LanguageOverlay, MoreTimeOverlay, PinOverlay
from kiosk.customer.screens import HomeScreen, OutcomeScreen, StepScreen
from kiosk.ui.theme import stylesheet


class KioskWindow(QWidget):
    """The customer's whole screen."""

    exitRequested = Signal()

    def __init__(self, ctrl: KioskController, settings: dict[str, Any],
                 lockdown: bool = True) -> None:
        super().__init__()
        self.setObjectName("KioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.ctrl = ctrl
        self.lockdown = lockdown
        self._exit_allowed = not lockdown
        self._style_key: tuple[str, float] | None = None
        self.setWindowTitle("Guichet Kiosk")
        if lockdown:
            self.setWindowFlags(Qt.WindowType.FramelessWindowHint
                                | Qt.WindowType.WindowStaysOnTopHint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.top = TopBar(ctrl)
        self.stack = QStackedWidget()
        self.home = HomeScreen(ctrl)
        self.step = StepScreen(ctrl)
        self.outcome = OutcomeScreen(ctrl)
        for screen in (self.home, self.step, self.outcome):
            self.stack.addWidget(screen)
        self.bottom = BottomBar(ctrl, self.pick_language)
        layout.addWidget(self.top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.bottom)

        self.languages = LanguageOverlay(self, ctrl.languages)
        self.languages.chosen.connect(ctrl.set_language)
        self.more_time = MoreTimeOverlay(self, float(settings["more_time_seconds"]))
        self.more_time.expired.connect(lambda: ctrl.reset("inactivity"))
        self.more_time.answered.connect(self._restart_idle)
        self.pin = PinOverlay(self, str(settings["admin_pin"]))
        self.pin.accepted.connect(self._admin_exit)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(round(float(settings["inactivity_seconds"]) * 1000))
        self.idle.timeout.connect(self._idle_timeout)
        self.guard = KioskGuard(self, int(settings["double_tap_ms"]),
                                int(settings["corner_taps"]), lockdown)
        self.guard.activity.connect(self._restart_idle)
        self.guard.cornerGesture.connect(lambda: self.pin.ask(self.ctrl.strings))
        QApplication.instance().installEventFilter(self.guard)

        ctrl.lookChanged.connect(self.restyle)
        ctrl.screenChanged.connect(self.render)
        ctrl.resetDone.connect(self._after_reset)
        self.restyle()

    # -- drawing -------------------------------------------------------------------
    def restyle(self) -> None:
        look = self.ctrl.look
        key = (look.theme, look.scale)
        if key != self._style_key:
            self.setStyleSheet(stylesheet(*key))
            self._style_key = key
        rtl = self.ctrl.strings.rtl
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl
                                else Qt.LayoutDirection.LeftToRight)
        self.render()

    def render(self) -> None:
        screen = {HOME: self.home, STEP: self.step, OUTCOME: self.outcome}[self.ctrl.screen]
        if self.ctrl.screen == STEP and self.ctrl.session is None:
            screen = self.home
        screen.render()
        self.stack.setCurrentWidget(screen)
        self.top.render()
        self.bottom.render()

    def pick_language(self) -> None:
        self.languages.open()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        for overlay in (self.languages, self.more_time, self.pin):
            overlay.setGeometry(self.rect())

    # -- inactivity ----------------------------------------------------------------
    def _restart_idle(self) -> None:
        if not self.more_time.isVisible():
            self.idle.start()

    def _idle_timeout(self) -> None:
        if self.ctrl.pristine:
            return
        self.languages.hide()
        self.pin.hide()
        self.ctrl.stopSpeech.emit()
        self.more_time.ask(self.ctrl.strings)

    def _after_reset(self) -> None:
        self.more_time.stop()
        self.languages.hide()
        self.pin.hide()
        self.idle.stop()

    # -- leaving -------------------------------------------------------------------
    def _admin_exit(self) -> None:
        self._exit_allowed = True
        self.exitRequested.emit()
        self.close()

    def shutdown(self) -> None:
        """Stop every timer and the event filter (before closing or in tests)."""
        self.idle.stop()
        self.more_time.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.guard)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not self._exit_allowed:
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)
