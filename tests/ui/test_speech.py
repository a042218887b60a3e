"""SpeechOutput: real speech through Qt audio on a null sink; stops at once; drops late
renders; turns itself off (and says why) when the engine or the audio output fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.ui.audio import AudioPlayer
from kiosk.ui.speech import DEFAULT_VOLUME, VOLUMES, SpeechOutput
from kiosk.voice.fakes import FakeEngine, broken_engine
from kiosk.voice.speaker import Speaker
from tests.conftest import AUDIO

needs_audio = pytest.mark.skipif(not AUDIO, reason="PulseAudio is not installed")


def output(qtbot: Any, tmp_path: Path, engine: FakeEngine | None = None,
           real: bool = False) -> SpeechOutput:
    if real:
        speaker = Speaker(tmp_path)
    else:
        fake = engine or FakeEngine()
        speaker = Speaker(tmp_path, engine_factory=lambda: fake)  # type: ignore[arg-type,return-value]
    return SpeechOutput(speaker, AudioPlayer())


def settle(qtbot: Any, out: SpeechOutput) -> None:
    from PySide6.QtCore import QThreadPool

    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0 and not out.busy)


@needs_audio
def test_real_speech_plays_and_stops_within_one_turn(qtbot: Any, tmp_path: Path) -> None:
    out = output(qtbot, tmp_path, real=True)
    with qtbot.waitSignal(out.started, timeout=5000):
        out.say("Posez votre lettre sur la balance, puis touchez Suivant.", "fr")
    assert out.player.playing
    out.stop()  # what a tap does
    assert not out.player.playing  # at once, not after the sentence
    assert out.state() == "ok"


@needs_audio
def test_cached_speech_starts_without_a_render(qtbot: Any, tmp_path: Path) -> None:
    engine = FakeEngine()
    out = output(qtbot, tmp_path, engine)
    out.prefetch([("Bonjour", "fr"), ("Hello", "en")])
    settle(qtbot, out)
    assert len(engine.rendered) == 2
    with qtbot.waitSignal(out.started, timeout=5000):
        out.say("Hello", "en")
    assert len(engine.rendered) == 2  # from the cache
    out.stop()


@needs_audio
def test_a_render_finishing_after_newer_speech_is_dropped(qtbot: Any, tmp_path: Path) -> None:
    out = output(qtbot, tmp_path)
    out.say("premier texte", "fr")
    out.say("second texte", "fr")
    with qtbot.waitSignal(out.started, timeout=5000):
        pass
    settle(qtbot, out)
    played = out.player.played
    assert len(played) == 1
    assert played[0] == out.speaker.cached("second texte", "fr").name
    out.say("troisième", "fr")
    out.stop()  # a tap before the render ends: nothing plays
    settle(qtbot, out)
    assert len(out.player.played) == 1
    assert not out.player.playing


def test_volume_and_rate_steps_and_reset(qtbot: Any, tmp_path: Path) -> None:
    out = output(qtbot, tmp_path)
    assert out.volume == VOLUMES[DEFAULT_VOLUME]
    for _ in range(10):
        out.louder()
    assert out.volume == 1.0
    out.faster(-1)
    assert out.rate < 160
    out.reset()
    assert (out.volume, out.rate) == (VOLUMES[DEFAULT_VOLUME], 160)


def test_a_broken_engine_turns_the_voice_off_with_a_reason(qtbot: Any, tmp_path: Path) -> None:
    out = SpeechOutput(Speaker(tmp_path, engine_factory=broken_engine), AudioPlayer())
    with qtbot.waitSignal(out.stateChanged, timeout=5000):
        out.say("Bonjour", "fr")
    assert not out.available()
    assert out.state().startswith("unavailable: no speech engine: is espeak-ng installed?")
    out.say("Encore", "fr")  # no exception, no sound
    settle(qtbot, out)
    assert out.player.played == []


def test_a_driver_crash_mid_render_turns_the_voice_off(qtbot: Any, tmp_path: Path) -> None:
    out = output(qtbot, tmp_path, FakeEngine(fail_with=RuntimeError("driver crashed")))
    with qtbot.waitSignal(out.stateChanged, timeout=5000):
        out.say("Bonjour", "fr")
    assert out.problem() == "the speech engine failed: driver crashed"
    out.retry()
    assert out.available()


def test_a_language_without_voice_is_off_for_that_language_only(qtbot: Any,
                                                                  tmp_path: Path) -> None:
    engine = FakeEngine()
    engine.voices = [v for v in engine.voices if v.id != "sem/ar"]
    out = output(qtbot, tmp_path, engine)
    with qtbot.waitSignal(out.stateChanged, timeout=5000):
        out.say("مرحبا", "ar")
    assert not out.available("ar")
    assert out.available("fr")
    assert out.state() == "ok; no voice for ar"


@pytest.mark.qt_log_ignore("QSoundEffect: Error decoding")
def test_an_audio_output_that_fails_turns_the_voice_off(qtbot: Any, tmp_path: Path) -> None:
    bad = tmp_path / "not-a-sound.wav"
    bad.write_bytes(b"this is not a WAV file at all" * 100)
    out = output(qtbot, tmp_path)
    with qtbot.waitSignal(out.stateChanged, timeout=5000):
        out.player.play(bad)  # what a device that refuses sound looks like to the player
    assert not out.available()
    assert "cannot play" in out.problem()


NO_DEVICE = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["PULSE_SERVER"] = "unix:/nonexistent/pulse"
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from kiosk.ui.audio import AudioPlayer
from kiosk.ui.speech import SpeechOutput
from kiosk.voice.fakes import FakeEngine
from kiosk.voice.speaker import Speaker
app = QApplication([])
engine = FakeEngine()
out = SpeechOutput(Speaker(Path(sys.argv[1]), engine_factory=lambda: engine), AudioPlayer())
out.stateChanged.connect(app.quit)
QTimer.singleShot(10000, lambda: app.exit(3))
out.say("Bonjour", "fr")
code = app.exec()
print(out.state())
sys.exit(code)
"""


def test_no_audio_device_at_all_turns_the_voice_off(tmp_path: Path) -> None:
    """A machine with no sound server: the say() goes through, the player reports an
    error at once, and the voice goes off (a separate process: Qt finds devices once)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", NO_DEVICE, str(tmp_path)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("unavailable: the audio output cannot play"), done.stdout


def test_urgent_prefetch_goes_first(qtbot: Any, tmp_path: Path) -> None:
    engine = FakeEngine()
    out = output(qtbot, tmp_path, engine)
    out.prefetch([(f"bienvenue {i}", "fr") for i in range(5)])
    out.prefetch([("la prochaine étape", "fr")], urgent=True)
    settle(qtbot, out)
    texts = [t for _, t in engine.rendered]
    assert texts.index("la prochaine étape") <= 1  # only the render already running was before
    assert len(texts) == 6
