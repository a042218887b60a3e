"""The kiosk with keys alone: the one key map (NumLock on or off, Arabic's reading order,
the lockdown's keys), the docs' table, and a robot that presses keys only, listens to
what the kiosk says, completes every built-in flow to its end step and calls a mediator,
in French and in Arabic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from kiosk import config
from kiosk.customer import keys
from kiosk.customer.controller import KioskController
from kiosk.customer.window import KioskWindow
from kiosk.flows.model import Flow, pick
from kiosk.i18n import catalog

K = Qt.Key
KP = Qt.KeyboardModifier.KeypadModifier
NONE = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def settings() -> dict[str, Any]:
    """A customer who takes their time: no "more time?" panel in the middle of a flow."""
    return config.load({"inactivity_seconds": 120, "more_time_seconds": 30})


# -- the key map --------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "mods", "action"), [
    (K.Key_Down, NONE, keys.NEXT), (K.Key_Tab, NONE, keys.NEXT), (K.Key_Right, NONE, keys.NEXT),
    (K.Key_2, KP, keys.NEXT), (K.Key_6, KP, keys.NEXT),
    (K.Key_Up, NONE, keys.PREVIOUS), (K.Key_Left, NONE, keys.PREVIOUS),
    (K.Key_Backtab, SHIFT, keys.PREVIOUS), (K.Key_Tab, SHIFT, keys.PREVIOUS),
    (K.Key_8, KP, keys.PREVIOUS),
    (K.Key_Return, NONE, keys.ACTIVATE), (K.Key_Enter, KP, keys.ACTIVATE),
    (K.Key_Space, NONE, keys.ACTIVATE), (K.Key_5, KP, keys.ACTIVATE),
    (K.Key_Backspace, NONE, keys.BACK), (K.Key_4, KP, keys.BACK),
    (K.Key_0, KP, keys.REPEAT), (K.Key_Plus, KP, keys.LOUDER), (K.Key_Minus, KP, keys.SOFTER),
    (K.Key_Asterisk, KP, keys.MEDIATOR), (K.Key_Slash, KP, keys.KEY_HELP),
])
def test_each_key_of_the_map(key: Qt.Key, mods: Qt.KeyboardModifier, action: str) -> None:
    assert keys.action_for(key, mods) == action


@pytest.mark.parametrize(("key", "action"), [
    (K.Key_Down, keys.NEXT), (K.Key_Right, keys.NEXT), (K.Key_Up, keys.PREVIOUS),
    (K.Key_Left, keys.BACK), (K.Key_Clear, keys.ACTIVATE), (K.Key_Insert, keys.REPEAT),
])
def test_keypad_digits_with_numlock_off(key: Qt.Key, action: str) -> None:
    """With NumLock off the keypad's 2, 6, 8, 4, 5 and 0 come as arrows, Clear, Insert."""
    assert keys.action_for(key, KP) == action
    assert keys.action_for(key, KP, rtl=True) == action  # number pads are never mirrored


def test_left_and_right_follow_reading_order() -> None:
    assert keys.action_for(K.Key_Left, NONE, rtl=True) == keys.NEXT
    assert keys.action_for(K.Key_Right, NONE, rtl=True) == keys.PREVIOUS
    assert keys.action_for(K.Key_Down, NONE, rtl=True) == keys.NEXT


def test_the_lockdowns_keys_and_others_do_nothing() -> None:
    for key, mods in ((K.Key_Tab, ALT), (K.Key_F4, ALT), (K.Key_Q, Qt.KeyboardModifier.ControlModifier),
                      (K.Key_Escape, NONE), (K.Key_2, NONE), (K.Key_A, NONE), (K.Key_7, KP)):
        assert keys.action_for(key, mods) is None, (key, mods)


@pytest.mark.parametrize("lang", ["fr", "en", "ar", "es", "pt"])
def test_the_key_help_follows_the_map(lang: str) -> None:
    strings = catalog(lang)
    for binding in keys.KEYMAP:
        assert strings.t(f"keys.help.{binding.action}")
    assert {b.action for b in keys.KEYMAP} == {
        keys.NEXT, keys.PREVIOUS, keys.ACTIVATE, keys.BACK, keys.REPEAT, keys.LOUDER,
        keys.SOFTER, keys.MEDIATOR, keys.KEY_HELP}


@pytest.mark.parametrize("doc", ["docs/accessibility.md", "README.md"])
def test_the_docs_show_the_key_map_of_the_code(doc: str) -> None:
    text = (Path(__file__).resolve().parents[2] / doc).read_text(encoding="utf-8")
    start, end = "<!-- keymap:start -->", "<!-- keymap:end -->"
    assert start in text, f"{doc}: no key map between {start} and {end}"
    assert end in text, f"{doc}: no key map between {start} and {end}"
    table = text.split(start, 1)[1].split(end, 1)[0].strip()
    assert table == keys.markdown_table(), "the table: python -m kiosk.customer.keys"


# -- the robot ------------------------------------------------------------------------------
class NoPointer(QObject):
    """Counts every mouse and touch event of the application (the robot makes none)."""

    KINDS = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                       QEvent.Type.MouseButtonDblClick, QEvent.Type.TouchBegin,
                       QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd})

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in self.KINDS:
            self.seen += 1
        return False


class Robot:
    """A customer who cannot see the screen: keys in, speech out."""

    def __init__(self, qtbot: Any, ctrl: KioskController, window: KioskWindow,
                 rtl: bool) -> None:
        self.qtbot, self.ctrl, self.window = qtbot, ctrl, window
        self.said: list[str] = []  # everything the kiosk said, queued speech included
        self.after: list[str] = []  # what was queued after a screen's speech
        self.heard = ""  # the last element said
        ctrl.speakRequested.connect(self.said.append)
        ctrl.speakAfterRequested.connect(self._after)
        # in Arabic the robot moves with the arrow that reads forward (Left) and presses
        # the keypad's Enter; in French with the keypad's 2 (NumLock off) and 5
        self.next_key = (K.Key_Left, NONE) if rtl else (K.Key_Down, KP)
        self.enter_key = (K.Key_Enter, KP) if rtl else (K.Key_5, KP)

    def _after(self, text: str) -> None:
        self.after.append(text)
        self.said.append(text)
        self.heard = text

    def press(self, key: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
        target = self.window.focusWidget() or self.window
        self.qtbot.keyClick(target, key, mods)

    def next(self) -> str:
        self.press(*self.next_key)
        self.heard = self.said[-1]
        return self.heard

    def enter(self) -> None:
        n = len(self.after)
        self.press(*self.enter_key)
        # a new screen: its speech, then the element with the focus, said after it
        self.qtbot.waitUntil(lambda: len(self.after) > n or not self.window.keypad.on)

    def go_to(self, label: str) -> None:
        """Move until the kiosk says the element named ``label``."""
        button = self.ctrl.strings.t("focus.button")
        heard = self.heard
        for _ in range(60):
            if heard.split(f", {button}")[0] == label:
                return
            heard = self.next()
        raise AssertionError(f"never heard {label!r}; last: {heard!r}")


def to_the_end(flow: Flow) -> dict[str, int]:
    """For each step, how many moves it is from an end step (special targets lead away);
    the robots of keys and of touch go the shortest way."""
    far = {s.id: 0 if s.kind == "end" else 10**6 for s in flow.steps}
    for _ in flow.steps:
        for s in flow.steps:
            ahead = [far[t] for t in s.targets() if t in far]
            if ahead:
                far[s.id] = min(far[s.id], 1 + min(ahead))
    return far


@pytest.fixture
def robot_kiosk(kiosk: Any, qtbot: Any) -> Iterator[tuple[KioskController, KioskWindow, NoPointer]]:
    ctrl, window = kiosk
    spy = NoPointer()
    QApplication.instance().installEventFilter(spy)
    window.activateWindow()
    yield ctrl, window, spy
    QApplication.instance().removeEventFilter(spy)
    ctrl.reset("test")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_robot_with_keys_only_completes_every_flow_and_calls_a_mediator(
        qtbot: Any, robot_kiosk: Any, lang: str) -> None:
    ctrl, window, spy = robot_kiosk
    strings = catalog(lang)
    robot = Robot(qtbot, ctrl, window, strings.rtl)
    robot.press(K.Key_Space)  # the first key: keypad mode, said, focus on the first task
    assert window.keypad.on
    assert robot.said[-2] == catalog("fr").t("keys.turned_on")
    if lang != "fr":  # to the language's tile, by ear, and press it
        robot.go_to(strings.name)
        robot.enter()
        assert ctrl.look.language == lang
    flows_done = []
    for flow in ctrl.flows():
        assert ctrl.screen == "home"
        robot.go_to(pick(flow.title, lang))
        robot.enter()
        assert ctrl.screen == "step"
        assert ctrl.session is not None
        far = to_the_end(flow)
        for _ in range(40):
            step = ctrl.session.current
            if not step.targets():
                break
            targets = step.targets()
            best = min(range(len(targets)), key=lambda i: far.get(targets[i], 10**6))
            choices = getattr(step, "choices", ())
            label = pick(choices[best].label, lang) if choices else strings.t("bar.next")
            robot.go_to(label)
            robot.enter()
        assert not ctrl.session.current.targets(), f"{flow.id}: stuck at {ctrl.session.current.id}"
        # the end step: its feedback, by keys too (the main element is the first answer)
        robot.go_to(strings.t("end.good"))
        robot.enter()
        assert ctrl.screen == "home"
        flows_done.append(flow.id)
    assert len(flows_done) == 9
    assert ctrl.events.types().count("feedback") == 9
    asked: list[dict[str, Any]] = []
    ctrl.helpRequested.connect(asked.append)
    robot.press(K.Key_Asterisk, KP)
    assert robot.said[-1] == strings.t("keys.confirm_call")
    assert ctrl.screen == "home"  # not before it is confirmed
    robot.enter()
    assert ctrl.screen == "outcome"
    assert ctrl.on_help_screen
    assert asked
    assert asked[0]["language"] == lang
    assert spy.seen == 0  # no mouse, no touch


def test_any_other_key_cancels_the_call_for_a_mediator(qtbot: Any, robot_kiosk: Any) -> None:
    ctrl, window, _spy = robot_kiosk
    robot = Robot(qtbot, ctrl, window, False)
    robot.press(K.Key_Down)
    robot.press(K.Key_Asterisk, KP)
    robot.press(K.Key_Down)
    assert robot.said[-1] == catalog("fr").t("keys.call_cancelled")
    assert ctrl.screen == "home"
    robot.press(K.Key_Slash, KP)
    assert robot.said[-1].startswith(catalog("fr").t("keys.help.next"))
    assert robot.said[-1].endswith(catalog("fr").t("keys.help.key_help"))


def test_back_repeat_and_volume_by_keys(qtbot: Any, robot_kiosk: Any) -> None:
    ctrl, window, _spy = robot_kiosk
    robot = Robot(qtbot, ctrl, window, False)
    volume: list[tuple[str, int]] = []
    ctrl.voiceAdjustRequested.connect(lambda kind, step: volume.append((kind, step)))
    robot.press(K.Key_Down)
    robot.press(K.Key_Backspace)
    assert robot.said[-1] == catalog("fr").t("keys.no_back")  # home: nowhere to go back to
    robot.go_to(pick(ctrl.library.get("send-parcel").title, "fr"))
    robot.enter()
    first = ctrl.session.current_id
    robot.enter()  # its first choice, or Next
    assert ctrl.session.current_id != first
    robot.press(K.Key_4, KP)
    assert ctrl.session.current_id == first
    n = len(robot.after)
    robot.press(K.Key_0, KP)
    assert robot.said[-2] == ctrl.current_speech()  # the screen, then the focused element
    assert len(robot.after) == n + 1
    robot.press(K.Key_Plus, KP)
    robot.press(K.Key_Minus, KP)
    assert volume == [("volume", 1), ("volume", -1)]


def test_the_first_key_turns_audio_only_mode_on_too(qtbot: Any, robot_kiosk: Any) -> None:
    """The audio-only mode's filter comes first for touches; keys pass it untouched."""
    from kiosk.customer.explore import attach_explore

    ctrl, window, _spy = robot_kiosk
    mode = attach_explore(ctrl, window, None, watch_headset=False)
    robot = Robot(qtbot, ctrl, window, False)
    robot.press(K.Key_2, KP)
    assert window.keypad.on
    assert mode.on
    assert mode.reason == "keys"
    assert robot.said[-2] == catalog("fr").t("keys.turned_on")  # said once, in its words
    robot.press(K.Key_2, KP)
    assert window.focusWidget() is window.home.flow_buttons[1]
    ctrl.reset("inactivity")
    assert not mode.on
    assert not window.keypad.on
