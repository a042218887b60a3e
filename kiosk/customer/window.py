"""KioskWindow: the bars, the screens and the overlays, kept in step with the controller;
lockdown (frameless full screen, exit keys ignored, staff PIN) and the inactivity reset.

A kiosk that starts may show its cached first frame (kiosk.customer.firstframe) before it
has widgets: ``cover_with`` paints that picture at once, and ``attach`` builds the real
widgets on the next turn of the loop. The picture is never taken for the real thing: a
touch, click or key that comes before the widgets builds them first, then reaches the
real widget under the finger, the one the picture showed there. This module imports its
widgets only when it builds them, so that the picture needs nothing but Qt; it reads
``QtCore.Qt`` only when needed too (PySide makes that namespace's ~100 enums on first
use: ~11 ms).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.qt import lay_out_now, paint_shown_once

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QImage, QPaintEvent, QResizeEvent, QShowEvent

    from kiosk.customer.bars import BottomBar, TopBar
    from kiosk.customer.controller import KioskController
    from kiosk.customer.explore import ExploreMode
    from kiosk.customer.guard import KioskGuard
    from kiosk.customer.keypad import KeypadNavigator
    from kiosk.customer.overlays import (
        HelpOfferOverlay,
        LanguageOverlay,
        MoreTimeOverlay,
        PinOverlay,
        SettingsOverlay,
    )
    from kiosk.customer.screens import HomeScreen, OutcomeScreen, StepScreen
    from kiosk.customer.voice_overlays import ListenOverlay, SoundOverlay
    from kiosk.ui.widgets import PicturesAhead

STEP, OUTCOME = "step", "outcome"  # the controller's screens (kiosk.customer.controller)
# Qt.Window | Qt.FramelessWindowHint | Qt.WindowStaysOnTopHint as a number, set through the
# native window's "flags" property before it is shown: the first frame need not wait for
# PySide to make the Qt namespace's enums; attach() tells the widget
LOCKDOWN_FLAGS = 0x00000001 | 0x00000800 | 0x00040000

# what a customer does: any of these, while the cached first frame shows, builds the widgets
INPUT_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TouchEnd, QEvent.Type.TouchCancel, QEvent.Type.KeyPress,
    QEvent.Type.KeyRelease, QEvent.Type.Wheel, QEvent.Type.TabletPress,
})


def admin_pin(settings: Mapping[str, Any], lockdown: bool) -> str:
    """The PIN that lets staff leave: the setting; a windowed kiosk without one takes the
    demo's (a locked-down kiosk without one does not start: kiosk.customer.start)."""
    from kiosk.config import DEMO_PIN

    return str(settings.get("admin_pin") or ("" if lockdown else DEMO_PIN))


class KioskWindow(QWidget):
    """The customer's whole screen."""

    exitRequested = Signal()
    soundRequested = Signal()  # the sound button: volume, speed, or why the voice is off
    listenRequested = Signal()  # the speak button: a voice command
    shuttingDown = Signal()  # timers stop; helpers (speech, listening) stop too

    ctrl: KioskController
    guard: KioskGuard
    ahead: PicturesAhead
    top: TopBar
    stack: QStackedWidget
    home: HomeScreen
    bottom: BottomBar
    keypad: KeypadNavigator  # keys, spoken focus and spoken panels
    explore: ExploreMode | None = None  # audio-only mode, once the voice is attached

    def __init__(self, ctrl: KioskController | None, settings: dict[str, Any],
                 lockdown: bool = True, size: tuple[int, int] | None = None) -> None:
        """``size``: the window's size once shown, known before the first render so that
        the first frame is laid out for the real screen (not re-laid out once shown).
        Without ``ctrl`` the window has no widgets until ``attach``."""
        super().__init__()
        self.setObjectName("KioskRoot")
        self._size = size  # the screen's: the window comes back to it after every customer
        if size is not None:
            self.resize(*size)
        self.lockdown = lockdown
        self._exit_allowed = not lockdown
        self._shut_down = False
        self.guard_installed = False
        self.attached = False
        self._style_key: tuple[str, float] | None = None
        self._settings = settings
        self._made: dict[str, QWidget] = {}  # screens and overlays, made on first use
        self._cover: QImage | None = None  # the cached first frame, until the widgets exist
        self._on_cover_done: Callable[[], None] | None = None
        self._cover_filter: _CoverInput | None = None
        self.setWindowTitle("Guichet Kiosk")
        if lockdown:  # frameless and on top, given to the native window (see LOCKDOWN_FLAGS)
            self.winId()
            self.windowHandle().setProperty("flags", LOCKDOWN_FLAGS)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(round(float(settings["inactivity_seconds"]) * 1000))
        self.idle.timeout.connect(self._idle_timeout)
        self.stuck = QTimer(self)
        self.stuck.setSingleShot(True)
        self.stuck.setInterval(round(float(settings.get("stuck_after", 0)) * 1000))
        self.stuck.timeout.connect(self._offer_help)
        if ctrl is not None:
            self.attach(ctrl)

    def attach(self, ctrl: KioskController) -> None:
        """Build the widgets for ``ctrl`` and draw the current screen."""
        from kiosk.customer.bars import BottomBar, TopBar
        from kiosk.customer.guard import KioskGuard
        from kiosk.customer.screens import HomeScreen
        from kiosk.ui.widgets import PicturesAhead

        self.ctrl = ctrl
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_StyledBackground)
        if self.lockdown:  # the widget learns the flags its native window has
            self.overrideWindowFlags(QtCore.Qt.WindowType(LOCKDOWN_FLAGS))
        self.guard = KioskGuard(self, int(self._settings["double_tap_ms"]),
                                int(self._settings["corner_taps"]), self.lockdown)
        self.guard.activity.connect(self._restart_idle)
        self.guard.cornerGesture.connect(lambda: self.pin.ask(self.ctrl.strings))
        self.ahead = PicturesAhead(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.top = TopBar(ctrl)
        self.stack = QStackedWidget()
        self.home = HomeScreen(ctrl)
        self.stack.addWidget(self.home)
        self._blank = QWidget()  # the page between two screens (see render)
        self.stack.addWidget(self._blank)
        self.bottom = BottomBar(ctrl, self.pick_language, self.soundRequested.emit,
                                self.listenRequested.emit, self.open_settings)
        layout.addWidget(self.top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.bottom)
        ctrl.lookChanged.connect(self.restyle)
        ctrl.screenChanged.connect(self.render)
        ctrl.screenChanged.connect(self._watch_stuck)
        ctrl.helpStatusChanged.connect(self._help_status)
        ctrl.resetDone.connect(self._after_reset)
        ctrl.voiceChanged.connect(self.bottom.render)
        ctrl.flowsChanged.connect(self._flows_changed)
        from kiosk.customer.keypad import KeypadNavigator

        self.keypad = KeypadNavigator(self)  # after render: it focuses what render drew
        self.attached = True
        self.restyle()
        if self._cover is not None:  # shown already: the widgets show and take their places now
            for part in (self.top, self.stack, self.bottom):
                part.show()
            lay_out_now()
            self._uncover()
            self._install_guard()
        else:
            # installed once the first screen is up: the first paint stays fast
            QTimer.singleShot(0, self, self._install_guard)

    # -- the cached first frame ------------------------------------------------------
    def cover_with(self, picture: QImage, build: Callable[[], None]) -> None:
        """Paint ``picture`` (the home screen as last drawn, as big as the window) until
        ``build()`` attaches the widgets: on the loop turn after the picture is painted,
        or at once when a customer's input comes first."""
        assert not self.attached
        self._cover = picture
        self._on_cover_done = build
        # a window never painted (a screen switched off) gets its widgets all the same
        QTimer.singleShot(2000, self, self._build_now)

    def _uncover(self) -> None:
        self._cover = None
        self._on_cover_done = None
        if self._cover_filter is not None:
            self._cover_filter.detach()
            self._cover_filter = None
        self.update()

    def _build_now(self) -> None:
        build = self._on_cover_done
        if build is not None and not self.attached and not self._shut_down:
            self._on_cover_done = None
            try:
                build()
            except BaseException:
                self._uncover()  # never a picture of a kiosk that does not work
                raise

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._cover is not None and self._cover_filter is None:
            self._cover_filter = _CoverInput(self)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if self._cover is None:
            super().paintEvent(event)
            if self.attached:  # the screen is up: the next screens' pictures, meanwhile
                self.ahead.painted()
            return
        painter = QPainter(self)
        painter.drawImage(0, 0, self._cover)
        painter.end()
        if self._on_cover_done is not None:  # on screen: the widgets on the next turn
            QTimer.singleShot(0, self, self._build_now)

    def _install_guard(self) -> None:
        if not self._shut_down:
            self.guard.then = self.keypad  # the guard sees keys first, then the keypad
            QApplication.instance().installEventFilter(self.guard)
            self.guard_installed = True

    # -- parts made on first use (a faster first paint) ----------------------------
    def _make(self, name: str) -> QWidget:
        if name not in self._made:
            self._made[name] = widget = self._build(name)
            if name in (STEP, OUTCOME):
                self.stack.addWidget(widget)
            else:  # a panel: said when it opens, keys move inside it
                self.keypad.watch(widget)
        return self._made[name]

    def _build(self, name: str) -> QWidget:
        from kiosk.customer.overlays import (
            HelpOfferOverlay,
            LanguageOverlay,
            MoreTimeOverlay,
            PinOverlay,
            SettingsOverlay,
        )
        from kiosk.customer.screens import OutcomeScreen, StepScreen
        from kiosk.customer.voice_overlays import ListenOverlay, SoundOverlay

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
        if name == "settings":
            return SettingsOverlay(self, {
                "sound": self.soundRequested.emit, "text-size": ctrl.cycle_text_size,
                "contrast": ctrl.toggle_contrast, "language": self.pick_language})
        pin = PinOverlay(self, admin_pin(settings, self.lockdown))
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
    def settings_panel(self) -> SettingsOverlay:
        return self._make("settings")  # type: ignore[return-value]

    @property
    def pin(self) -> PinOverlay:
        return self._make("pin")  # type: ignore[return-value]

    def overlay_open(self) -> bool:
        """A panel (language, PIN, help offer, ...) is over the screen."""
        return any(overlay.isVisible() for overlay in self._overlays())

    def _overlays(self) -> list[QWidget]:
        return [w for name, w in self._made.items()
                if name in ("languages", "more_time", "pin", "offer", "sound", "listen",
                            "settings")]

    # -- drawing -------------------------------------------------------------------
    def restyle(self) -> None:
        from kiosk.ui.theme import stylesheet

        look = self.ctrl.look
        key = (look.theme, look.scale)
        if key != self._style_key:
            self.setProperty("kioskTheme", look.theme)  # the buttons' faces, the focus ring
            self.setStyleSheet(stylesheet(*key))
            self._style_key = key
        rtl = self.ctrl.strings.rtl
        self.setLayoutDirection(QtCore.Qt.LayoutDirection.RightToLeft if rtl
                                else QtCore.Qt.LayoutDirection.LeftToRight)
        self.render()
        settings = self._made.get("settings")
        if settings is not None and settings.isVisible():
            settings.fill(self.ctrl.strings, self._settings_texts(),  # type: ignore[attr-defined]
                          look.language, look.scale)

    def render(self) -> None:
        screen: HomeScreen | StepScreen | OutcomeScreen = self.home
        if self.ctrl.screen == STEP and self.ctrl.session is not None:
            screen = self.step
        elif self.ctrl.screen == OUTCOME:
            screen = self.outcome
        screen.render()
        if self.stack.currentWidget() is not screen:
            # the bars' heights differ from screen to screen: they are laid out over a
            # blank page, so that neither the screen left nor the screen shown is laid
            # out for the other's room (a scroll bar for a frame, every tile twice)
            self.stack.setCurrentWidget(self._blank)
        self.top.render()
        self.bottom.render()
        cut = self.top.title.text() if self.top.title_cut else ""
        if screen is self._made.get(STEP):  # the whole title on the step when the bar cuts it
            self.step.show_flow_title(cut)
        elif screen is self.home:
            self.home.show_welcome(cut)
        lay_out_now()
        self.stack.setCurrentWidget(screen)
        screen.cue_again()  # its texts in this language, for this content
        paint_shown_once()
        step = self._made.get(STEP)
        if step is not None:  # its picture's size is known: those of the next steps, ahead
            self.ahead.want(step.picture, self.ctrl.upcoming_pictures())

    def _flows_changed(self) -> None:
        if self.ctrl.screen == "home":
            self.render()

    def pick_language(self) -> None:
        self.languages.ask(self.ctrl.strings, self.ctrl.look.scale, self.ctrl.look.language)

    def open_settings(self) -> None:
        self.settings_panel.ask(self.ctrl.strings, self._settings_texts(),
                                self.ctrl.look.language, self.ctrl.look.scale)

    def _settings_texts(self) -> dict[str, str]:
        bar = self.bottom
        return {"sound": bar.sound.label_text(), "text-size": bar.text_size.label_text(),
                "contrast": bar.contrast.label_text(), "language": bar.language.label_text()}

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
        if self._size is not None and (self.width(), self.height()) != self._size:
            self.resize(*self._size)  # re-fitted for the next customer, whatever came before
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
        if app is not None and self.attached:
            app.removeEventFilter(self.guard)
            self.guard.then = None
            self.ahead.stop()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if not self._exit_allowed:
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)


class _CoverInput(QObject):
    """While the cached first frame shows: a customer's input to the window builds the
    widgets first, then goes on its way, and Qt hands it to the real widget under it."""

    def __init__(self, window: KioskWindow) -> None:
        super().__init__(window)
        self.kiosk = window
        self.handle = window.windowHandle()
        if self.handle is not None:
            self.handle.installEventFilter(self)

    def detach(self) -> None:
        if self.handle is not None:
            self.handle.removeEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in INPUT_EVENTS:
            self.kiosk._build_now()
        return False
