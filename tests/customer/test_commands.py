"""Voice commands on the kiosk: hidden without a model, never an error on screen; heard,
said back, confirmed by a tap or a "oui", then done. The recognizer here is a stand-in
(the real one, with a real model and real audio, is tested in tests/voice)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool

from kiosk.customer.commands import VoiceCommands, phrase
from kiosk.voice.fakes import FakeListener
from kiosk.voice.listener import Heard
from tests.clock import FakeClock
from tests.customer.conftest import tap


class Rig:
    def __init__(self, ctrl: Any, window: Any, commands: VoiceCommands,
                 listener: FakeListener | None) -> None:
        self.ctrl, self.window, self.commands, self.listener = ctrl, window, commands, listener
        self.said: list[str] = []

    def idle(self, qtbot: Any) -> None:
        qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0
                        and not self.commands.loading)


def make(kiosk: Any, settings: dict[str, Any], listener: FakeListener | None,
         factory: Any = None) -> Rig:
    ctrl, window = kiosk
    rig_said: list[str] = []
    commands = VoiceCommands(ctrl, window, settings, rig_said.append,
                             listener_factory=factory or (lambda _p, _n: listener))
    rig = Rig(ctrl, window, commands, listener)
    rig.said = rig_said
    return rig


@pytest.fixture
def rig(qtbot: Any, kiosk: Any, settings: dict[str, Any], tmp_path: Path) -> Iterator[Rig]:
    listener = FakeListener()
    r = make(kiosk, {**settings, "vosk_model_fr": str(tmp_path)}, listener)
    yield r
    r.commands.cancel()
    r.idle(qtbot)


def at_choice_step(ctrl: Any) -> Any:
    flow = ctrl.library.get("send-parcel")
    step = next(s for s in flow.steps if s.kind == "choices")
    ctrl.start_flow(flow.id, step.id)
    return step


def speak(qtbot: Any, r: Rig, clock: FakeClock, answer: str, confidence: float = 1.0) -> None:
    """Tap Speak, wait for the kiosk to listen, 'say' something, tap I am done."""
    r.listener.answers.append(Heard(answer, confidence, tuple(answer.split())))
    panel = r.window.listen_panel
    button = panel.speak if panel.isVisible() else r.window.bottom.speak
    qtbot.waitUntil(button.isVisible)
    tap(qtbot, button, clock)
    qtbot.waitUntil(lambda: r.window.listen_panel.state == "listening")
    r.commands.hear(b"\0\0" * 1600)
    tap(qtbot, r.window.listen_panel.finish, clock)
    qtbot.waitUntil(lambda: r.window.listen_panel.state in ("confirm", "failed")
                    or not r.window.listen_panel.isVisible())


def test_without_a_model_the_button_is_hidden(qtbot: Any, kiosk: Any,
                                              settings: dict[str, Any]) -> None:
    r = make(kiosk, {**settings, "vosk_model_fr": "/nowhere/model"}, None)
    at_choice_step(r.ctrl)
    assert not r.ctrl.can_listen
    assert not r.window.bottom.speak.isVisible()
    r.commands.start()  # nothing happens, nothing breaks
    assert not r.window.listen_panel.isVisible()


def test_a_broken_model_hides_the_button_without_an_error_dialog(qtbot: Any, kiosk: Any,
                                                                 settings: dict[str, Any],
                                                                 tmp_path: Path,
                                                                 clock: FakeClock) -> None:
    (tmp_path / "model").mkdir()  # a folder, but no model in it: the real loader refuses it
    from kiosk.voice.listener import Listener

    r = make(kiosk, {**settings, "vosk_model_fr": str(tmp_path)}, None,
             factory=lambda p, n: Listener(p, renew_after=n))
    at_choice_step(r.ctrl)
    qtbot.waitUntil(r.window.bottom.speak.isVisible)  # layouts show re-added widgets later
    tap(qtbot, r.window.bottom.speak, clock)
    assert r.window.listen_panel.state == "loading"
    r.idle(qtbot)
    assert not r.ctrl.can_listen
    qtbot.waitUntil(lambda: not r.window.bottom.speak.isVisible())
    assert not r.window.listen_panel.isVisible()
    assert r.ctrl.screen == "step"


def test_a_choice_is_said_back_then_done_after_a_tap(qtbot: Any, rig: Rig,
                                                     clock: FakeClock) -> None:
    step = at_choice_step(rig.ctrl)
    label = step.choices[1].label["fr"]
    speak(qtbot, rig, clock, phrase(label))
    grammar = rig.listener.grammars[-1]
    assert phrase(step.choices[0].label["fr"]) in grammar
    assert {"répéter", "retour", "aide"} <= set(grammar)
    assert rig.listener.fed > 0  # sound reached the recognizer
    assert rig.said[-1] == f"J’ai compris : {phrase(label)}. C’est bien ça ?"
    assert rig.ctrl.session.current.id == step.id  # nothing done before a yes
    tap(qtbot, rig.window.listen_panel.yes, clock)
    assert rig.ctrl.session.current.id == step.choices[1].next
    assert not rig.window.listen_panel.isVisible()
    command = [e for e in rig.ctrl.events if e.type == "voice.command"]
    assert command[-1].data["action"] == ["choice", 1]


def test_a_spoken_yes_confirms(qtbot: Any, rig: Rig, clock: FakeClock) -> None:
    at_choice_step(rig.ctrl)
    speak(qtbot, rig, clock, "aide")
    assert rig.window.listen_panel.state == "confirm"
    speak(qtbot, rig, clock, "oui")
    assert rig.listener.grammars[-1] == ["oui", "non"]
    assert rig.ctrl.screen == "outcome"  # help was called


def test_low_confidence_is_not_understood(qtbot: Any, rig: Rig, clock: FakeClock) -> None:
    step = at_choice_step(rig.ctrl)
    speak(qtbot, rig, clock, phrase(step.choices[0].label["fr"]), confidence=0.3)
    assert rig.window.listen_panel.state == "failed"
    assert rig.said[-1].startswith("Je n’ai pas compris.")
    assert rig.ctrl.session.current.id == step.id


def test_a_spoken_no_changes_nothing(qtbot: Any, rig: Rig, clock: FakeClock) -> None:
    step = at_choice_step(rig.ctrl)
    speak(qtbot, rig, clock, "retour")
    speak(qtbot, rig, clock, "non")
    assert not rig.window.listen_panel.isVisible()
    assert rig.ctrl.session.current.id == step.id


def test_phrases_are_written_as_vosk_writes_them() -> None:
    assert phrase("Oui, très utile !") == "oui très utile"
    assert phrase("Je n’ai pas de compte") == "je n'ai pas de compte"
