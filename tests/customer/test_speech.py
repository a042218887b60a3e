"""The kiosk's voice: what each screen says, silence on any touch, the sound panel, the
Listen button, speech rendered ahead, and the voice-off icon."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool

from kiosk.customer.controller import KioskController
from kiosk.customer.speech import HELD, KioskSpeech
from kiosk.customer.window import KioskWindow
from kiosk.ui.audio import AudioPlayer
from kiosk.ui.speech import DEFAULT_VOLUME, SpeechOutput
from kiosk.voice.fakes import FakeEngine
from kiosk.voice.speaker import Speaker
from tests.clock import FakeClock
from tests.customer.conftest import tap


class Voiced:
    def __init__(self, ctrl: KioskController, window: KioskWindow, speech: KioskSpeech,
                 engine: FakeEngine) -> None:
        self.ctrl, self.window, self.speech, self.engine = ctrl, window, speech, engine
        self.said: list[str] = []
        ctrl.speakRequested.connect(self.said.append)

    @property
    def out(self) -> SpeechOutput:
        return self.speech.output

    def idle(self, qtbot: Any) -> None:
        qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0
                        and not self.out.busy and not self.speech.prefetch_pending)


@pytest.fixture
def voiced(qtbot: Any, kiosk: Any, tmp_path: Path) -> Iterator[Voiced]:
    ctrl, window = kiosk
    engine = FakeEngine()
    speaker = Speaker(tmp_path, engine_factory=lambda: engine)  # type: ignore[arg-type,return-value]
    speech = KioskSpeech(ctrl, window, SpeechOutput(speaker, AudioPlayer(window)))
    v = Voiced(ctrl, window, speech, engine)
    yield v
    v.idle(qtbot)


def test_a_step_says_its_text_then_its_choices(voiced: Voiced) -> None:
    ctrl = voiced.ctrl
    flow = ctrl.library.get("send-parcel")
    step = next(s for s in flow.steps if s.kind == "choices")
    ctrl.start_flow(flow.id, step.id)
    said = voiced.said[-1]
    assert said.startswith(step.text["fr"].split(".")[0])
    assert "Vos choix :" in said
    for choice in step.choices:
        assert choice.label["fr"] in said


def test_a_step_without_choices_says_how_to_go_on(voiced: Voiced) -> None:
    ctrl = voiced.ctrl
    flow = next(f for f in ctrl.flows() if any(s.kind == "next" for s in f.steps))
    step = next(s for s in flow.steps if s.kind == "next")
    ctrl.start_flow(flow.id, step.id)
    assert voiced.said[-1].endswith("Puis touchez Suivant.")


def test_any_touch_silences_the_kiosk(qtbot: Any, voiced: Voiced, clock: FakeClock) -> None:
    ctrl, window, out = voiced.ctrl, voiced.window, voiced.out
    ctrl.start_flow("send-parcel")
    if not out.player.playing:
        with qtbot.waitSignal(out.started, timeout=5000):
            pass
    from PySide6.QtCore import QPoint, Qt

    qtbot.mousePress(window.top.title, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert not out.player.playing  # stopped in the same turn as the touch
    qtbot.mouseRelease(window.top.title, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))


def test_step_change_and_help_call_stop_the_previous_speech(qtbot: Any, voiced: Voiced,
                                                              clock: FakeClock) -> None:
    ctrl, window, out = voiced.ctrl, voiced.window, voiced.out
    ctrl.start_flow("send-parcel")
    first = out.last
    tap(qtbot, window.step.choice_buttons[0], clock)
    assert out.last != first
    tap(qtbot, window.top.help, clock)
    assert ctrl.screen == "outcome"
    assert voiced.said[-1].startswith("Un médiateur peut vous aider.")
    voiced.idle(qtbot)
    assert len(out.player.played) <= 3  # each new speech replaced the one before


def test_next_steps_are_rendered_ahead(qtbot: Any, voiced: Voiced, clock: FakeClock) -> None:
    ctrl, window, out = voiced.ctrl, voiced.window, voiced.out
    ctrl.start_flow("send-parcel")
    voiced.idle(qtbot)
    rendered = len(voiced.engine.rendered)
    tap(qtbot, window.step.choice_buttons[0], clock)
    assert out.speaker.cached(out.last[0], "fr", out.rate) is not None  # played from the cache
    assert len(voiced.engine.rendered) == rendered


def test_the_next_steps_sound_is_held_and_starts_at_once(qtbot: Any, voiced: Voiced) -> None:
    """Qt keeps a WAV's samples only while a QSoundEffect holds them; held, the next step's
    speech plays within the step change, without waiting for the loop to load it."""
    from PySide6.QtMultimedia import QSoundEffect

    ctrl, out, speech = voiced.ctrl, voiced.out, voiced.speech
    flow = ctrl.library.get("send-parcel")
    ctrl.start_flow(flow.id, next(s for s in flow.steps if s.kind == "choices").id)
    voiced.idle(qtbot)
    assert out.player.available, "tests play into a private null sink"
    following = ctrl.session.current.choices[0].next
    text = " ".join(ctrl.step_speech(ctrl.session.flow.step(following)).split())
    path = str(out.speaker.cached(text, "fr", out.rate))
    assert path in speech.held
    assert len(speech.held) <= HELD
    qtbot.waitUntil(lambda: all(e.status() == QSoundEffect.Status.Ready
                                for e in speech.held.values()))
    ctrl.choose(0)  # no turn of the event loop from here to the check
    assert out.player.playing
    assert out.last == (text, "fr")
    voiced.idle(qtbot)
    assert path not in speech.held  # now said; the steps after it are held instead
    ctrl.go_home()
    voiced.idle(qtbot)
    assert not speech.held


def test_repeat_says_it_again(qtbot: Any, voiced: Voiced, clock: FakeClock) -> None:
    ctrl, window = voiced.ctrl, voiced.window
    ctrl.start_flow("buy-stamps")
    before = list(voiced.said)
    tap(qtbot, window.bottom.repeat, clock)
    assert voiced.said[-1] == before[-1]
    assert ctrl.events.types()[-1] == "repeat"


def test_home_listen_button_reads_every_task_and_how_to_choose(qtbot: Any, voiced: Voiced,
                                                               clock: FakeClock) -> None:
    ctrl, window = voiced.ctrl, voiced.window
    assert window.home.listen.isVisible()
    assert not window.bottom.repeat.isVisible()
    tap(qtbot, window.home.listen, clock)
    guide = voiced.said[-1]
    for flow in ctrl.flows():
        assert flow.title["fr"] in guide
    assert "bouton jaune" in guide
    assert "drapeau" in guide
    assert window.home.listen.height() >= 90


def test_sound_panel_steps_speak_their_value_and_reset(qtbot: Any, voiced: Voiced,
                                                      clock: FakeClock) -> None:
    ctrl, window, out = voiced.ctrl, voiced.window, voiced.out
    ctrl.start_flow("send-parcel")
    tap(qtbot, window.bottom.sound, clock)
    panel = window.sound_panel
    assert panel.isVisible()
    tap(qtbot, panel.buttons[("volume", 1)], clock)
    assert out.volume_index == DEFAULT_VOLUME + 1
    assert out.last == ("Volume 5 sur 5.", "fr")
    tap(qtbot, panel.buttons[("rate", -1)], clock)
    tap(qtbot, panel.buttons[("rate", -1)], clock)
    assert out.last == ("Vitesse 1 sur 5.", "fr")
    assert panel.values["rate"].text() == "Vitesse 1 sur 5."
    assert [e for e in ctrl.events.types() if e == "voice"] == ["voice"] * 3
    ctrl.reset("inactivity")
    assert (out.volume_index, out.rate) == (DEFAULT_VOLUME, 160)
    assert not panel.isVisible()


def test_voice_off_shows_an_icon_and_is_reported(qtbot: Any, voiced: Voiced,
                                                 clock: FakeClock) -> None:
    ctrl, window = voiced.ctrl, voiced.window
    voiced.engine.fail_with = RuntimeError("driver crashed")
    with qtbot.waitSignal(ctrl.voiceChanged, timeout=5000):
        ctrl.start_flow("send-parcel")
    assert not ctrl.voice_ok
    assert ctrl.voice_state == "unavailable: the speech engine failed: driver crashed"
    assert window.bottom.sound.label_text() == "Voix indisponible"
    tap(qtbot, window.bottom.sound, clock)
    assert window.sound_panel.off.isVisible()
    assert not window.sound_panel.buttons[("volume", 1)].isEnabled()
    tap(qtbot, window.step.choice_buttons[0], clock)  # the kiosk goes on, in text
    assert ctrl.screen == "step"


def test_speech_follows_the_language(qtbot: Any, voiced: Voiced) -> None:
    ctrl, out = voiced.ctrl, voiced.out
    ctrl.start_flow("send-parcel")
    ctrl.set_language("ar")
    assert out.last is not None
    assert out.last[1] == "ar"
    assert out.last[0].endswith("ثم المس التالي.")
