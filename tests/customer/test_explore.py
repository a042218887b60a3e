"""Audio-only mode: a touch says the element under the finger and presses nothing; a second
touch on it within 2 s, or a double tap anywhere, presses it; a sliding finger says each
element it enters; a 2-second press on Listen or Sound turns the mode on and off; the
reset that ends a visit turns it off; a headset plugged in takes the speech and turns the
mode on (a real PulseAudio sink, loaded and unloaded by the test); a robot that only
touches and listens completes every task and calls a mediator, in French and Arabic."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk import config
from kiosk.customer.controller import KioskController
from kiosk.customer.explore import ExploreMode, attach_explore
from kiosk.customer.spoken import describe, element_of
from kiosk.customer.window import KioskWindow
from tests.clock import FakeClock
from tests.conftest import AUDIO
from tests.customer.test_keys import to_the_end

needs_audio = pytest.mark.skipif(not AUDIO, reason="PulseAudio is not installed")


@pytest.fixture
def settings() -> dict[str, Any]:
    """Inactivity far away: the mode's tests are not cut short by the reset."""
    return config.load({"inactivity_seconds": 60, "more_time_seconds": 20})


class Explorer:
    def __init__(self, ctrl: KioskController, window: KioskWindow, mode: ExploreMode,
                 clock: FakeClock) -> None:
        self.ctrl, self.window, self.mode, self.clock = ctrl, window, mode, clock
        self.said: list[str] = []
        ctrl.speakRequested.connect(self.said.append)

    def words(self, widget: QWidget) -> str:
        return describe(widget, self.ctrl.strings)

    def press(self, qtbot: Any, widget: QWidget) -> None:
        """A finger put on ``widget``, through the window (as a screen sends it), once the
        widget is drawn where it is to be found."""
        window = self.window
        qtbot.waitUntil(lambda: element_of(window.childAt(
            widget.mapTo(window, widget.rect().center()))) is widget)
        qtbot.mousePress(window.windowHandle(), Qt.MouseButton.LeftButton,
                         pos=widget.mapTo(window, widget.rect().center()))

    def lift(self, qtbot: Any, widget: QWidget) -> None:
        qtbot.mouseRelease(self.window.windowHandle(), Qt.MouseButton.LeftButton,
                           pos=widget.mapTo(self.window, widget.rect().center()))

    def touch(self, qtbot: Any, widget: QWidget, after: float = 3.0,
              pos: QPoint | None = None) -> None:
        """A finger's tap on ``widget``, ``after`` seconds after the last one."""
        self.clock.now += after
        at = pos if pos is not None else widget.rect().center()
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=at)


@pytest.fixture
def explorer(kiosk: Any, clock: FakeClock) -> Iterator[Explorer]:
    ctrl, window = kiosk
    mode = ExploreMode(ctrl, window)
    yield Explorer(ctrl, window, mode, clock)
    mode.stop()


def test_a_touch_says_the_element_and_presses_nothing(qtbot: Any, explorer: Explorer) -> None:
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    mode.turn_on("test")
    assert explorer.said[-1] == ctrl.strings.t("explore.turned_on")
    button = window.home.flow_buttons[1]
    with qtbot.waitSignal(mode.spoken) as spoken:
        explorer.touch(qtbot, button)
    assert spoken.args == [explorer.words(button)]
    assert explorer.said[-1] == explorer.words(button)
    assert explorer.said[-1].startswith(button.label_text())
    assert mode.click.played[-1] == "click.wav"  # the click comes first
    assert ctrl.screen == "home"  # nothing pressed
    explorer.touch(qtbot, window.home.hint)  # a text says its words
    assert explorer.said[-1] == window.home.hint.text()
    explorer.touch(qtbot, window.home.flow_buttons[2])
    explorer.touch(qtbot, window.home.flow_buttons[3])  # 3 s later: said again, never pressed
    assert ctrl.screen == "home"
    assert explorer.said[-1] == explorer.words(window.home.flow_buttons[3])


def test_a_second_touch_on_the_same_element_within_2_s_presses_it(qtbot: Any,
                                                                  explorer: Explorer) -> None:
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    mode.turn_on("test")
    flow = ctrl.flows()[2]
    button = window.home.flow_buttons[2]
    explorer.touch(qtbot, button)
    explorer.touch(qtbot, button, after=2.5)  # too late: said again
    assert ctrl.screen == "home"
    with qtbot.waitSignal(mode.activated):
        explorer.touch(qtbot, button, after=1.5)
    assert ctrl.screen == "step"
    assert ctrl.session is not None
    assert ctrl.session.flow.id == flow.id


def test_a_double_tap_anywhere_presses_the_element_heard(qtbot: Any, explorer: Explorer) -> None:
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    mode.turn_on("test")
    flow = ctrl.flows()[1]
    explorer.touch(qtbot, window.home.flow_buttons[1])  # heard, then the finger goes elsewhere
    far = window.home.flow_buttons[4]
    explorer.touch(qtbot, far, after=5.0)  # the double tap's first tap says what is there
    assert ctrl.screen == "home"
    explorer.touch(qtbot, window.home.flow_buttons[1], after=5.0)
    explorer.touch(qtbot, far, after=5.0)
    with qtbot.waitSignal(mode.activated):
        explorer.touch(qtbot, far, after=0.3)  # the second tap: the element heard before
    assert ctrl.session is not None
    assert ctrl.session.flow.id == flow.id


def test_two_taps_far_apart_are_no_double_tap(qtbot: Any, explorer: Explorer) -> None:
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    mode.turn_on("test")
    explorer.touch(qtbot, window.home.flow_buttons[0])
    explorer.touch(qtbot, window.home.flow_buttons[5], after=0.3)
    assert ctrl.screen == "home"
    assert explorer.said[-1] == explorer.words(window.home.flow_buttons[5])


def test_taps_right_after_a_press_are_ignored(qtbot: Any, explorer: Explorer) -> None:
    """The normal rule (double taps inside 0.5 s ignored) applies to what a gesture presses:
    a triple tap presses once and says nothing of the next screen's button."""
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    mode.turn_on("test")
    explorer.touch(qtbot, window.home.flow_buttons[0])
    explorer.touch(qtbot, window.home.flow_buttons[0], after=0.2)  # pressed
    assert ctrl.screen == "step"
    said = list(explorer.said)
    first_choice = window.step.choice_buttons[0]
    explorer.touch(qtbot, first_choice, after=0.2)
    assert explorer.said == said
    assert ctrl.screen == "step"
    assert ctrl.session is not None
    assert ctrl.session.current_id == ctrl.session.flow.start
    explorer.touch(qtbot, first_choice, after=0.5)  # the next touch is a touch again
    assert explorer.said[-1] == explorer.words(first_choice)


def _mouse(widget: QWidget, kind: QEvent.Type, buttons: Qt.MouseButton) -> None:
    centre = QPointF(widget.rect().center())
    event = QMouseEvent(kind, centre, QPointF(widget.mapToGlobal(centre)), Qt.MouseButton.LeftButton
                        if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton,
                        buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def test_sliding_a_finger_says_each_element_it_enters(qtbot: Any, explorer: Explorer) -> None:
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    mode.turn_on("test")
    tiles = window.home.flow_buttons[:3]
    explorer.clock.now += 3
    left = Qt.MouseButton.LeftButton
    _mouse(tiles[0], QEvent.Type.MouseButtonPress, left)
    for tile in tiles[1:]:
        explorer.clock.now += 0.4  # a finger that explores takes its time (a flick does not)
        _mouse(tile, QEvent.Type.MouseMove, left)
        _mouse(tile, QEvent.Type.MouseMove, left)  # still inside: said once
    _mouse(tiles[2], QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)
    assert explorer.said[-3:] == [explorer.words(t) for t in tiles]
    assert ctrl.screen == "home"
    with qtbot.waitSignal(mode.activated):  # the element the finger stopped on is selected
        explorer.touch(qtbot, tiles[2], after=1.0)
    assert ctrl.session is not None
    assert ctrl.session.flow.id == ctrl.flows()[2].id


def _stroke(window: QWidget, start: QPoint, end: QPoint) -> None:
    """A finger's quick stroke from ``start`` to ``end`` (window coordinates): the test's
    clock does not move, so it is as fast as a flick."""
    device = QTest.createTouchDevice()
    QTest.touchEvent(window, device, False).press(0, start, window).commit()
    QTest.touchEvent(window, device, False).move(0, (start + end) / 2, window).commit()
    QTest.touchEvent(window, device, False).release(0, end, window).commit()


def test_a_flick_says_the_next_or_previous_element(qtbot: Any, explorer: Explorer) -> None:
    """As with a phone's screen reader: a quick stroke rightwards goes to the next element
    in reading order, leftwards to the previous one, from the element heard last."""
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    mode.turn_on("test")
    tiles = window.home.flow_buttons
    explorer.touch(qtbot, tiles[1])
    items = window.keypad.elements()
    here = tiles[1].mapTo(window, tiles[1].rect().center())
    explorer.clock.now += 3
    _stroke(window, here, here + QPoint(200, 10))
    assert explorer.said[-1] == explorer.words(items[items.index(tiles[1]) + 1])
    explorer.clock.now += 3
    _stroke(window, here, here - QPoint(200, 0))
    explorer.clock.now += 3
    _stroke(window, here, here - QPoint(200, 0))
    assert explorer.said[-1] == explorer.words(items[items.index(tiles[1]) - 1])
    assert ctrl.screen == "home"  # a flick presses nothing


def test_a_flick_reaches_what_is_below_the_fold(qtbot: Any, explorer: Explorer) -> None:
    """Large text on a small screen: the step scrolls, and an element below the fold,
    which no finger can find, is reached by flicks, scrolled into view and pressed."""
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    window.resize(1366, 768)
    while ctrl.look.scale != 2:
        ctrl.cycle_text_size()
    target = None
    for flow in ctrl.flows():  # a step with an element below the fold
        ctrl.start_flow(flow.id)
        qtbot.waitUntil(lambda: window.step.isVisible())
        QApplication.processEvents()  # one turn of the loop: laid out
        hidden = [w for w in window.keypad.elements() if w.visibleRegion().isEmpty()]
        if hidden:
            target = hidden[0]
            break
    assert target is not None, "no step has an element below the fold at x2 on 1366x768"
    mode.turn_on("test")
    middle = QPoint(window.width() // 2, window.height() // 2)
    explorer.touch(qtbot, window.top, pos=QPoint(10, 10))  # heard: something at the top
    items = window.keypad.elements()
    for _ in range(len(items)):
        if explorer.said and explorer.said[-1] == explorer.words(target):
            break
        explorer.clock.now += 3
        _stroke(window, middle, middle + QPoint(240, 0))
    assert explorer.said[-1] == explorer.words(target)
    shown = target.visibleRegion()
    assert not shown.isEmpty()  # scrolled into view: a second touch finds it
    place = target.mapTo(window, shown.boundingRect().center())
    step = ctrl.session.current_id if ctrl.session else None
    with qtbot.waitSignal(mode.activated):
        explorer.touch(qtbot, window, after=1.0, pos=place)
    assert ctrl.session is not None
    assert ctrl.session.current_id != step


def test_a_real_touch_explores_and_makes_no_click(qtbot: Any, explorer: Explorer) -> None:
    """Touch events (not mouse events standing for them) through the window, as a touch
    screen sends them: said, never pressed, no mouse event made of them."""
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    mode.turn_on("test")
    device = QTest.createTouchDevice()
    tiles = window.home.flow_buttons[:2]
    clicked: list[int] = []
    tiles[0].clicked.connect(lambda: clicked.append(0))
    at = [t.mapTo(window, t.rect().center()) for t in tiles]
    explorer.clock.now += 3
    QTest.touchEvent(window, device, False).press(0, at[0], window).commit()
    explorer.clock.now += 0.5  # a slide, not a flick
    QTest.touchEvent(window, device, False).move(0, at[1], window).commit()
    QTest.touchEvent(window, device, False).release(0, at[1], window).commit()
    assert explorer.said[-2:] == [explorer.words(t) for t in tiles]
    assert not clicked
    assert ctrl.screen == "home"


def test_a_long_press_on_listen_or_sound_turns_the_mode_on_then_off(qtbot: Any,
                                                                   explorer: Explorer) -> None:
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    ctrl.set_language("en")
    mode.long_press.setInterval(150)
    listen = window.home.listen
    with qtbot.waitSignal(mode.changed, timeout=3000) as changed:
        explorer.press(qtbot, listen)
    explorer.lift(qtbot, listen)
    assert changed.args == [True]
    assert mode.on
    assert explorer.said[-1] == ctrl.strings.t("explore.turned_on")
    assert "Audio mode on" in explorer.said[-1]
    assert "repeat" not in ctrl.events.types()  # the long press was not a tap on Listen
    ctrl.start_flow("send-parcel")
    sound = window.bottom.sound
    explorer.clock.now += 3
    with qtbot.waitSignal(mode.changed, timeout=3000) as changed:
        explorer.press(qtbot, sound)
    explorer.lift(qtbot, sound)
    assert changed.args == [False]
    assert not mode.on
    assert explorer.said[-1] == ctrl.strings.t("explore.turned_off")
    assert not window.sound_panel.isVisible()
    explorer.touch(qtbot, window.step.choice_buttons[0])  # a touch presses again
    assert ctrl.session is not None
    assert ctrl.session.current_id != ctrl.session.flow.start


def test_a_short_press_on_listen_is_a_tap(qtbot: Any, explorer: Explorer) -> None:
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    explorer.press(qtbot, window.home.listen)
    assert mode.long_press.isActive()
    explorer.lift(qtbot, window.home.listen)
    assert not mode.on
    assert not mode.long_press.isActive()
    assert ctrl.events.types()[-1] == "repeat"


def test_the_reset_that_ends_a_visit_turns_it_off(qtbot: Any, explorer: Explorer) -> None:
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    assert ctrl.pristine
    mode.turn_on("keys")
    assert not ctrl.pristine  # a visit: the inactivity reset will come
    assert ctrl.events.types()[-1] == "audio_only"
    explorer.touch(qtbot, window.home.flow_buttons[0])
    said = len(explorer.said)
    with qtbot.waitSignal(mode.changed) as changed:
        ctrl.reset("inactivity")
    assert changed.args == [False]
    assert not mode.on
    assert not mode.long_press.isActive()
    assert len(explorer.said) == said  # in silence
    assert ctrl.pristine
    explorer.touch(qtbot, window.home.flow_buttons[0])  # the next customer's touch presses
    assert ctrl.screen == "step"


def test_the_staff_corner_gesture_still_counts(qtbot: Any, explorer: Explorer) -> None:
    window, mode = explorer.window, explorer.mode
    mode.turn_on("test")
    with qtbot.waitSignal(window.guard.cornerGesture):
        for _ in range(int(explorer.window.guard.corner_taps)):
            explorer.touch(qtbot, window, after=0.6, pos=QPoint(8, 8))
    assert window.pin.isVisible()
    window.pin.hide()


def test_panels_are_explored_too_and_the_staff_pin_pad_is_not(qtbot: Any,
                                                               explorer: Explorer) -> None:
    ctrl, window, mode = explorer.ctrl, explorer.window, explorer.mode
    ctrl.start_flow("send-parcel")
    mode.turn_on("test")
    window._idle_timeout()  # "Do you need more time?"
    more = window.more_time
    assert more.isVisible()
    explorer.touch(qtbot, more.yes)
    assert more.isVisible()  # said, not pressed
    assert explorer.said[-1] == explorer.words(more.yes)
    explorer.touch(qtbot, more.yes, after=1.0)
    assert not more.isVisible()  # answered
    assert ctrl.screen == "step"
    window.pin.ask(ctrl.strings)  # staff: plain taps, as ever
    explorer.touch(qtbot, window.pin.keys["7"])
    assert window.pin.typed == "7"
    explorer.touch(qtbot, window.pin.cancel)
    assert not window.pin.isVisible()
    assert mode.on


# -- the headset ---------------------------------------------------------------------------
def _pactl(*args: str) -> str:
    return subprocess.run(["pactl", *args], check=True, capture_output=True, text=True,  # noqa: S603,S607
                          timeout=10).stdout.strip()


@pytest.fixture
def headset_module() -> Iterator[list[str]]:
    """Load a headset sink with ``load()``; unloaded at the end, whatever happened."""
    loaded: list[str] = []
    yield loaded
    for index in loaded:
        subprocess.run(["pactl", "unload-module", index], check=False,  # noqa: S603,S607
                       capture_output=True, timeout=10)


@needs_audio
def test_a_headset_takes_the_speech_and_turns_the_mode_on(qtbot: Any, kiosk: Any,
                                                          tmp_path: Path,
                                                          headset_module: list[str]) -> None:
    from kiosk.customer.speech import KioskSpeech
    from kiosk.ui.audio import AudioPlayer
    from kiosk.ui.speech import SpeechOutput
    from kiosk.voice.fakes import FakeEngine
    from kiosk.voice.speaker import Speaker

    ctrl, window = kiosk
    engine = FakeEngine()
    speaker = Speaker(tmp_path, engine_factory=lambda: engine)  # type: ignore[arg-type,return-value]
    speech = KioskSpeech(ctrl, window, SpeechOutput(speaker, AudioPlayer(window)))
    said: list[str] = []
    ctrl.speakRequested.connect(said.append)
    mode = attach_explore(ctrl, window, speech.output)
    assert window.explore is mode
    assert mode.headset is not None
    watcher = mode.headset
    qtbot.waitUntil(lambda: watcher.is_ready, timeout=10000)
    player = speech.output.player
    assert player.device_id == ""
    with qtbot.waitSignal(mode.changed, timeout=10000):
        headset_module.append(_pactl("load-module", "module-null-sink", "sink_name=kiosk-headset",
                                     "sink_properties=device.form_factor=headset"))
    assert mode.on
    assert mode.reason == "headset"
    assert said[-1] == ctrl.strings.t("explore.turned_on_headset")
    assert player.device_id == "kiosk-headset"
    assert mode.click.device_id == "kiosk-headset"
    qtbot.waitUntil(lambda: player.device == "kiosk-headset", timeout=10000)  # Qt plays there
    if not player.playing:
        with qtbot.waitSignal(player.started, timeout=10000):
            pass
    assert player.device == "kiosk-headset"  # the announcement is heard in the headset
    speech.output.stop()  # (pulled out mid-sentence, Qt warns that its stream failed)
    with qtbot.waitSignal(watcher.unplugged, timeout=10000):
        _pactl("unload-module", headset_module.pop())
    assert player.device_id == ""
    assert player.device != "kiosk-headset"
    assert said[-1] == ctrl.strings.t("explore.headset_off")
    assert mode.on  # still this customer's mode, until the visit ends
    ctrl.reset("inactivity")
    assert not mode.on
    QApplication.processEvents()
    window.shutdown()
    assert not watcher.watching
    assert not watcher.retry.isActive()


# -- a robot that uses touch and ear only ---------------------------------------------------
class TouchRobot:
    """Touches the screen (touch events through the window, nothing else) and listens:
    it finds an element by touching what is on screen until it hears its label, then
    touches it again within 2 s to press it."""

    def __init__(self, qtbot: Any, explorer: Explorer) -> None:
        self.qtbot, self.ex = qtbot, explorer
        self.device = QTest.createTouchDevice()
        self.heard: list[str] = []
        explorer.mode.spoken.connect(self.heard.append)

    def tap(self, at: QPoint, after: float) -> None:
        window = self.ex.window
        self.ex.clock.now += after
        QTest.touchEvent(window, self.device, False).press(0, at, window).commit()
        QTest.touchEvent(window, self.device, False).release(0, at, window).commit()

    def spots(self) -> list[QPoint]:
        """Where the elements on screen are, as a finger going over it finds them."""
        window = self.ex.window
        self.qtbot.waitUntil(lambda: window.stack.currentWidget() is not window._blank)
        return [w.mapTo(window, w.rect().center()) for w in self.ex.mode.elements()]

    def press(self, label: str) -> None:
        for at in self.spots():
            self.tap(at, after=3.0)
            if self.heard and self.heard[-1].startswith(label):
                self.tap(at, after=1.0)  # a second touch on it: pressed
                return
        raise AssertionError(f"never heard {label!r}")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_robot_by_touch_and_ear_completes_every_flow_and_calls_a_mediator(
        qtbot: Any, explorer: Explorer, lang: str) -> None:
    from kiosk.flows.model import pick
    from kiosk.i18n import catalog

    ctrl, mode = explorer.ctrl, explorer.mode
    strings = catalog(lang)
    mode.turn_on("test")
    robot = TouchRobot(qtbot, explorer)
    if lang != "fr":
        robot.press(strings.name)
        assert ctrl.look.language == lang
    for flow in ctrl.flows():
        assert ctrl.screen == "home"
        robot.press(pick(flow.title, lang))
        assert ctrl.session is not None
        assert ctrl.session.flow.id == flow.id
        far = to_the_end(flow)
        for _ in range(40):
            step = ctrl.session.current
            targets = step.targets()
            if not targets:
                break
            best = min(range(len(targets)), key=lambda i: far.get(targets[i], 10**6))
            choices = getattr(step, "choices", ())
            robot.press(pick(choices[best].label, lang) if choices else strings.t("bar.next"))
        assert not ctrl.session.current.targets(), f"{flow.id}: stuck at {ctrl.session.current.id}"
        robot.press(strings.t("end.good"))
        assert ctrl.screen == "home"
    assert ctrl.events.types().count("feedback") == 9
    robot.press(strings.t("bar.help"))
    assert ctrl.on_help_screen
    assert ctrl.help_context()["language"] == lang
    assert mode.on  # all the way, by touch and ear
