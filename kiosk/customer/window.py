"""KioskWindow: the bars, the screens and the overlays, kept in step with the controller;
lockdown (frameless full screen, exit keys ignored, staff PIN) and the inactivity reset."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.customer.bars import BottomBar, TopBar
from kiosk.customer.controller import OUTCOME, STEP, KioskController
from kiosk.customer.guard import KioskGuard
from kiosk.customer.overlays import (
    HelpOfferOverlay,
    LanguageOverlay,
    MoreTimeOverlay,
    PinOverlay,
)
from kiosk.customer.screens import HomeScreen, OutcomeScreen, StepScreen
from kiosk.customer.voice_overlays import ListenOverlay, SoundOverlay
from kiosk.ui.theme import stylesheet


class KioskWindow(QWidget):
    """The customer's whole screen."""

    exitRequested = Signal()
    soundRequested = Signal()  # the sound button: volume, speed, or why the voice is off
    listenRequested = Signal()  # the speak button: a voice command
    shuttingDown = Signal()  # timers stop; helpers (speech, listening) stop too

    def __init__(self, ctrl: KioskController, settings: dict[str, Any],
                 lockdown: bool = True, size: tuple[int, int] | None = None) -> None:
        """``size``: the window's size once shown, known before the first render so that
        the first frame is laid out for the real screen (not re-laid out once shown)."""
        super().__init__()
        if size is not None:
            self.resize(*size)
        self.setObjectName("KioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.ctrl = ctrl
        self.lockdown = lockdown
        self._exit_allowed = not lockdown
        self._shut_down = False
        self.guard_installed = False
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
        self.stack.addWidget(self.home)
        self._settings = settings
        self._made: dict[str, QWidget] = {}  # screens and overlays, made on first use
        self.bottom = BottomBar(ctrl, self.pick_language, self.soundRequested.emit,
                                self.listenRequested.emit)
        layout.addWidget(self.top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.bottom)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(round(float(settings["inactivity_seconds"]) * 1000))
        self.idle.timeout.connect(self._idle_timeout)
        self.guard = KioskGuard(self, int(settings["double_tap_ms"]),
                                int(settings["corner_taps"]), lockdown)
        self.guard.activity.connect(self._restart_idle)
        self.guard.cornerGesture.connect(lambda: self.pin.ask(self.ctrl.strings))
        # installed once the first screen is up: the first paint stays fast
        QTimer.singleShot(0, self, self._install_guard)

        self.stuck = QTimer(self)
        self.stuck.setSingleShot(True)
        self.stuck.setInterval(round(float(settings.get("stuck_after", 0)) * 1000))
        self.stuck.timeout.connect(self._offer_help)

        ctrl.lookChanged.connect(self.restyle)
        ctrl.screenChanged.connect(self.render)
        ctrl.screenChanged.connect(self._watch_stuck)
        ctrl.helpStatusChanged.connect(self._help_status)
        ctrl.resetDone.connect(self._after_reset)
        ctrl.voiceChanged.connect(self.bottom.render)
        ctrl.flowsChanged.connect(self._flows_changed)
        self.restyle()

    def _install_guard(self) -> None:
        if not self._shut_down:
            QApplication.instance().installEventFilter(self.guard)
            self.guard_installed = True

    # -- parts made on first use (a faster first paint) ----------------------------
    def _make(self, name: str) -> QWidget:
        if name not in self._made:
            self._made[name] = widget = self._build(name)
            if isinstance(widget, (StepScreen, OutcomeScreen)):
                self.stack.addWidget(widget)
        return self._made[name]

    def _build(self, name: str) -> QWidget:
        ctrl, settings = self.ctrl, self._settings
        if name == "step":
            return StepScreen(ctrl)
        if name == "outcome":
            return OutcomeScreen(ctrl)
        if name == "languages":
            languages = LanguageOverlay(self, ctrl.languages)
            languages.chosen.connect(ctrl.set_language)
            return languages
        if name == "offer":
            offer = HelpOfferOverlay(self)
            offer.accepted.connect(ctrl.call_help)
            return offer
        if name == "more_time":
            more = MoreTimeOverlay(self, float(settings["more_time_seconds"]))
            more.expired.connect(lambda: ctrl.reset("inactivity"))
            more.answered.connect(self._restart_idle)
            return more
        if name == "sound":
            sound = SoundOverlay(self)
            sound.adjust.connect(ctrl.adjust_voice)
            return sound
        if name == "listen":
            return ListenOverlay(self)
        pin = PinOverlay(self, str(settings["admin_pin"]))
        pin.accepted.connect(self._admin_exit)
        return pin

    @property
    def step(self) -> StepScreen:
        return self._make("step")  # type: ignore[return-value]

    @property
    def outcome(self) -> OutcomeScreen:
        return self._make("outcome")  # type: ignore[return-value]

    @property
    def languages(self) -> LanguageOverlay:
        return self._make("languages")  # type: ignore[return-value]

    @property
    def more_time(self) -> MoreTimeOverlay:
        return self._make("more_time")  # type: ignore[return-value]

    @property
    def offer(self) -> HelpOfferOverlay:
        return self._make("offer")  # type: ignore[return-value]

    @property
    def sound_panel(self) -> SoundOverlay:
        return self._make("sound")  # type: ignore[return-value]

    @property
    def listen_panel(self) -> ListenOverlay:
        return self._make("listen")  # type: ignore[return-value]

    @property
    def pin(self) -> PinOverlay:
        return self._make("pin")  # type: ignore[return-value]

    def _overlays(self) -> list[QWidget]:
        return [w for name, w in self._made.items()
                if name in ("languages", "more_time", "pin", "offer", "sound", "listen")]

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
        screen: HomeScreen | StepScreen | OutcomeScreen = self.home
        if self.ctrl.screen == STEP and self.ctrl.session is not None:
            screen = self.step
        elif self.ctrl.screen == OUTCOME:
            screen = self.outcome
        screen.render()
        self.stack.setCurrentWidget(screen)
        self.top.render()
        self.bottom.render()

    def _flows_changed(self) -> None:
        if self.ctrl.screen == "home":
            self.render()

    def pick_language(self) -> None:
        self.languages.open()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        for overlay in self._overlays():
            overlay.setGeometry(self.rect())

    # -- inactivity ----------------------------------------------------------------
    def _restart_idle(self) -> None:
        more = self._made.get("more_time")
        if more is None or not more.isVisible():
            self.idle.start()

    def _idle_timeout(self) -> None:
        if self.ctrl.pristine:
            return
        if self.ctrl.help_active:  # waiting for a mediator is not leaving
            self.idle.start()
            return
        for overlay in self._overlays():
            overlay.hide()
        self.ctrl.stopSpeech.emit()
        self.more_time.ask(self.ctrl.strings)

    # -- help --------------------------------------------------------------------------
    def _help_status(self) -> None:
        if self.ctrl.screen == OUTCOME:
            self.outcome.render()

    def _watch_stuck(self) -> None:
        """Offer help to a customer who stays long on one step (once per step)."""
        if self.ctrl.screen == STEP and self.stuck.interval() > 0:
            self.stuck.start()
        else:
            self.stuck.stop()

    def _offer_help(self) -> None:
        if self.ctrl.screen == STEP and not self.ctrl.help_active:
            self.offer.ask(self.ctrl.strings)

    def _after_reset(self) -> None:
        for overlay in self._overlays():
            overlay.hide()
        if "more_time" in self._made:
            self.more_time.stop()
        self.idle.stop()

    # -- leaving -------------------------------------------------------------------
    def _admin_exit(self) -> None:
        self._exit_allowed = True
        self.exitRequested.emit()
        self.close()

    def shutdown(self) -> None:
        """Stop every timer and the event filter (before closing or in tests)."""
        self._shut_down = True
        self.shuttingDown.emit()
        self.idle.stop()
        self.stuck.stop()
        if "more_time" in self._made:
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
