"""The kiosk driven like a customer would: taps on real widgets, offscreen."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.customer.controller import HOME, OUTCOME, STEP
from kiosk.i18n import catalog
from tests.clock import FakeClock
from tests.customer.conftest import tap


def test_home_shows_every_flow_and_language(kiosk: Any) -> None:
    ctrl, window = kiosk
    names = [b.objectName() for b in window.home.flow_buttons]
    assert names == [f"flow-{f.id}" for f in ctrl.flows()]
    assert len(names) == 9
    langs = [b.label_text() for b in window.home.language_buttons]
    assert langs == ["Français", "English", "العربية", "Español", "Português"]
    assert window.top.help.isVisible()


def test_walk_a_flow_to_the_end_and_give_feedback(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    tap(qtbot, window.home.flow_buttons[3], clock)  # buy stamps
    assert ctrl.screen == STEP
    assert window.top.progress.text().startswith("Étape 1 sur")
    for _ in range(30):
        if ctrl.screen != STEP:
            break
        step = ctrl.session.current
        if step.kind == "end":
            tap(qtbot, window.step.findChild(type(window.step.choice_buttons[0]), "feedback-good"),
                clock)
            break
        # take the first choice that does not leave the flow
        buttons = window.step.choice_buttons
        pick = next((i for i, t in enumerate(step.targets()) if not t.startswith("@")), 0)
        tap(qtbot, buttons[pick], clock)
    assert ctrl.screen == HOME
    kinds = ctrl.events.types()
    assert kinds[0] == "visit.start"
    assert "flow.start" in kinds
    assert "choice" in kinds
    assert "feedback" in kinds
    assert window.home.hint.text() == "Merci pour votre avis !"


def test_back_goes_to_the_previous_step(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel")
    first = ctrl.session.current.id
    assert not window.bottom.back.isEnabled()
    tap(qtbot, window.step.choice_buttons[0], clock)
    assert ctrl.session.current.id != first
    assert window.bottom.back.isEnabled()
    tap(qtbot, window.bottom.back, clock)
    assert ctrl.session.current.id == first


def test_language_switch_mid_flow_keeps_the_place_and_mirrors(qtbot: Any, kiosk: Any,
                                                               clock: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel")
    tap(qtbot, window.step.choice_buttons[0], clock)
    where = ctrl.session.current.id
    tap(qtbot, window.bottom.language, clock)
    assert window.languages.isVisible()
    tap(qtbot, window.languages.findChild(type(window.bottom.back), "pick-ar"), clock)
    assert ctrl.session.current.id == where
    assert ctrl.look.language == "ar"
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.step.text.text() == ctrl.session.current.text["ar"]
    assert window.step.text.layoutDirection() == Qt.LayoutDirection.RightToLeft


def test_help_button_everywhere_shows_what_to_do(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    contexts: list[dict[str, Any]] = []
    ctrl.helpRequested.connect(contexts.append)
    ctrl.start_flow("use-locker")
    tap(qtbot, window.top.help, clock)
    assert ctrl.screen == OUTCOME
    assert contexts[0]["flow_id"] == "use-locker"
    assert contexts[0]["step_id"] == ctrl.session.current_id
    assert contexts[0]["language"] == "fr"
    texts = [lab.text() for lab in window.outcome.findChildren(type(window.step.text))]
    assert "Allez au guichet. Montrez cet écran à un agent." in texts
    tap(qtbot, window.outcome.buttons[0], clock)  # back to the step
    assert ctrl.screen == STEP


def test_help_target_in_a_flow_goes_to_the_help_screen(qtbot: Any, kiosk: Any,
                                                       clock: Any) -> None:
    ctrl, window = kiosk
    flow = ctrl.library.get("use-locker")
    step = next(s for s in flow.steps if s.kind == "choices" and "@help" in s.targets())
    ctrl.start_flow("use-locker", step.id)
    index = step.targets().index("@help")
    tap(qtbot, window.step.choice_buttons[index], clock)
    assert ctrl.screen == OUTCOME
    assert "help" in ctrl.events.types()


def test_workshop_target_suggests_the_level(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    flow = ctrl.library.get("digital-skills")
    step = next(s for s in flow.steps
                if s.kind == "choices" and "@workshop:initiation" in s.targets())
    ctrl.start_flow("digital-skills", step.id)
    index = step.targets().index("@workshop:initiation")
    tap(qtbot, window.step.choice_buttons[index], clock)
    assert ctrl.screen == OUTCOME
    texts = [lab.text() for lab in window.outcome.findChildren(type(window.step.text))]
    assert "Atelier conseillé : Initiation" in texts


def test_double_tap_within_half_a_second_is_ignored(qtbot: Any, kiosk: Any,
                                                    clock: Any) -> None:
    ctrl, window = kiosk
    tile = window.home.flow_buttons[0]
    place = tile.mapTo(window, tile.rect().center())
    tap(qtbot, tile, clock)
    step = ctrl.session.current.id
    assert ctrl.session.current.kind != "end"
    clock.now += 0.3  # a second tap 0.3 s later, at the same place, on the next screen
    under = window.childAt(place)
    qtbot.mouseClick(under, Qt.MouseButton.LeftButton, pos=under.mapFrom(window, place))
    assert ctrl.session.current.id == step
    assert window.guard.ignored_taps == 1
    button = window.step.choice_buttons[0]
    tap(qtbot, button, clock)  # a real tap later works
    assert ctrl.session.current.id != step


def test_a_quick_tap_elsewhere_is_not_a_double_tap(qtbot: Any, kiosk: Any,
                                                   clock: Any) -> None:
    """Within 0.5 s, a tap at another place (another button) counts (DESIGN.md: double
    taps on the same button are ignored, never across buttons)."""
    ctrl, window = kiosk
    tap(qtbot, window.home.flow_buttons[0], clock)
    first = ctrl.session.current.id
    clock.now += 0.2
    qtbot.mouseClick(window.bottom.contrast, Qt.MouseButton.LeftButton)  # far from the tile
    assert window.guard.ignored_taps == 0
    assert ctrl.look.high_contrast
    assert ctrl.session.current.id == first


def test_text_size_and_contrast_change_the_look(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("frank-letter")
    before = window.step.text.font().pixelSize()
    tap(qtbot, window.bottom.text_size, clock)
    assert ctrl.look.scale == 1.5
    assert window.step.text.font().pixelSize() > before
    tap(qtbot, window.bottom.contrast, clock)
    assert ctrl.look.high_contrast
    assert "#000000" in window.styleSheet()


def test_exit_keys_are_ignored_when_locked(qtbot: Any, library: Any, settings: Any) -> None:
    from kiosk.customer.controller import KioskController
    from kiosk.customer.window import KioskWindow

    ctrl = KioskController(library)
    window = KioskWindow(ctrl, {**settings, "admin_pin": "97531"}, lockdown=True)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.guard_installed)
    Mod = Qt.KeyboardModifier
    for key, mods in ((Qt.Key.Key_F4, Mod.AltModifier), (Qt.Key.Key_Escape, Mod.NoModifier),
                      (Qt.Key.Key_Tab, Mod.AltModifier), (Qt.Key.Key_Q, Mod.ControlModifier),
                      (Qt.Key.Key_W, Mod.ControlModifier)):
        event = QKeyEvent(QEvent.Type.KeyPress, key, mods)
        assert window.guard.eventFilter(window, event), key
    window.close()
    assert window.isVisible()  # close refused without the PIN
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    # five taps in the corner, then the PIN, and the kiosk may close
    clock = FakeClock()
    window.guard.clock = clock
    for _ in range(5):
        clock.now += 0.6
        qtbot.mouseClick(window, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert window.pin.isVisible()
    with qtbot.waitSignal(window.exitRequested):
        for k in [*"97531", "ok"]:
            clock.now += 0.6
            qtbot.mouseClick(window.pin.keys[k], Qt.MouseButton.LeftButton)
    assert not window.isVisible()
    QApplication.processEvents()


def test_wrong_pin_keeps_the_kiosk(qtbot: Any, kiosk: Any) -> None:
    _, window = kiosk
    window.pin.ask(window.ctrl.strings)
    for k in "0000":
        window.pin._press(k)
    window.pin._press("ok")
    assert window.pin.dots.text() == "Code incorrect."
    assert window.pin.isVisible()


def test_inactivity_asks_then_resets_everything(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    tap(qtbot, window.home.language_buttons[2], clock)  # Arabic
    tap(qtbot, window.bottom.text_size, clock)
    ctrl.start_flow("track-shipment")
    window._restart_idle()
    with qtbot.waitSignal(ctrl.resetDone, timeout=5000):
        qtbot.waitUntil(window.more_time.isVisible, timeout=3000)
        assert window.more_time.question.text() == catalog("ar").t("more_time.question")
    assert ctrl.screen == HOME
    assert ctrl.look.language == "fr"
    assert ctrl.look.scale == 1.0
    assert ctrl.session is None
    assert ctrl.visit_id is None
    assert not window.more_time.isVisible()
    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert "reset" in ctrl.events.types()


def test_more_time_yes_keeps_the_customer(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("track-shipment")
    window._restart_idle()
    qtbot.waitUntil(window.more_time.isVisible, timeout=3000)
    tap(qtbot, window.more_time.yes, clock)
    assert not window.more_time.isVisible()
    assert ctrl.screen == STEP
    window.idle.stop()


def test_pristine_home_is_not_interrupted(qtbot: Any, kiosk: Any) -> None:
    ctrl, window = kiosk
    window._idle_timeout()
    assert not window.more_time.isVisible()
    assert ctrl.pristine


def test_an_unexpected_error_brings_back_a_clean_home(kiosk: Any, monkeypatch: Any,
                                                     caplog: Any) -> None:
    import sys

    from kiosk.customer.app import recover_on_error

    ctrl, _window = kiosk
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    ctrl.start_flow("send-parcel")
    ctrl.set_language("ar")
    recover_on_error(ctrl)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert ctrl.screen == HOME
    assert ctrl.look.language == "fr"
    assert "boom" in caplog.text


@pytest.mark.parametrize("size", [(1040, 1080), (1080, 1920), (1280, 800)])
def test_home_tiles_show_whatever_the_first_size(qtbot: Any, library: Any, settings: Any,
                                                 size: tuple[int, int]) -> None:
    """Sized before it is shown (as `kiosk run` and the demo do), every tile shows."""
    from kiosk.customer.controller import KioskController
    from kiosk.customer.window import KioskWindow

    ctrl = KioskController(library)
    window = KioskWindow(ctrl, settings, lockdown=False)
    qtbot.addWidget(window)
    window.setGeometry(0, 0, *size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: all(b.isVisible() for b in window.home.flow_buttons))
    assert len(window.home.flow_buttons) == 9
    window.shutdown()


def test_columns_do_not_depend_on_the_scroll_bar(kiosk: Any) -> None:
    """A scroll bar appearing must not change the number of columns it was caused by
    (that loop once left the home screen empty)."""
    from PySide6.QtCore import Qt as QtNs

    _ctrl, window = kiosk
    home = window.home
    for width in range(900, 1300, 7):
        window.resize(width, 1080)
        home.setVerticalScrollBarPolicy(QtNs.ScrollBarPolicy.ScrollBarAlwaysOff)
        without = home.columns()
        home.setVerticalScrollBarPolicy(QtNs.ScrollBarPolicy.ScrollBarAlwaysOn)
        assert home.columns() == without, width
    home.setVerticalScrollBarPolicy(QtNs.ScrollBarPolicy.ScrollBarAsNeeded)


def test_the_kiosk_window_keeps_the_focus_from_screen_to_screen(qtbot: Any, kiosk: Any,
                                                                 clock: Any) -> None:
    """No widget of the kiosk is ever shown as a window of its own (a bar button shown
    before it had a place flashed as one and took the keyboard from the kiosk)."""
    ctrl, window = kiosk
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    shown: list[str] = []

    class Windows(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) \
                    and watched.isWindow() and watched is not window:
                shown.append(watched.objectName() or type(watched).__name__)
            return False

    spy = Windows()
    QApplication.instance().installEventFilter(spy)
    try:
        for flow in ctrl.flows()[:3]:
            ctrl.start_flow(flow.id)
            QApplication.processEvents()
            ctrl.go_home()
            QApplication.processEvents()
    finally:
        QApplication.instance().removeEventFilter(spy)
    assert shown == []
    assert window.isActiveWindow()
