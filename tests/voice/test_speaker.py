"""The Speaker: real espeak-ng speech per language, the cache, voices, and failures."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kiosk import paths
from kiosk.customer.controller import KioskController
from kiosk.flows.library import FlowLibrary
from kiosk.voice.fakes import FakeEngine, FakeVoice, broken_engine
from kiosk.voice.speaker import DEFAULT_RATE, Speaker, SpeechError
from tests.voice.wavs import rms, seconds

SENTENCES = {
    "fr": "Posez votre lettre sur la balance.",
    "en": "Put your letter on the scale.",
    "ar": "ضع رسالتك على الميزان.",
    "es": "Ponga su carta en la balanza.",
    "pt": "Coloque a sua carta na balança.",
}


@pytest.fixture(scope="module")
def real_speaker(tmp_path_factory: pytest.TempPathFactory) -> Speaker:
    return Speaker(tmp_path_factory.mktemp("speech"))


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_real_speech_in_every_language(real_speaker: Speaker, lang: str) -> None:
    voice = real_speaker.voice_for(lang)
    assert voice.exact
    path = real_speaker.render(SENTENCES[lang], lang)
    assert 1.0 < seconds(path) < 8.0, seconds(path)
    assert rms(path) > 500  # speech, not silence


def test_rate_changes_the_length_and_the_cache_key(real_speaker: Speaker) -> None:
    slow = real_speaker.render(SENTENCES["fr"], "fr", rate=110)
    fast = real_speaker.render(SENTENCES["fr"], "fr", rate=210)
    assert slow != fast
    assert seconds(slow) > seconds(fast) * 1.4


def test_out_file_with_volume(real_speaker: Speaker, tmp_path: Path) -> None:
    loud = real_speaker.render("Bonjour", "fr", out=tmp_path / "loud.wav")
    soft = real_speaker.render("Bonjour", "fr", volume=0.2, out=tmp_path / "soft.wav")
    assert rms(soft) < rms(loud) * 0.5
    assert not list(tmp_path.glob(".*part"))  # nothing half-written left behind


def test_every_builtin_step_speaks_in_every_language(real_speaker: Speaker) -> None:
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    ctrl = KioskController(library)
    count = 0
    for flow in library.ordered():
        for lang in ("fr", "en", "ar", "es", "pt"):
            texts = [ctrl.step_speech(step, lang) for step in flow.steps]
            texts.append(ctrl.home_guide(lang))
            for text in texts:
                assert seconds(real_speaker.render(text, lang)) > 0.5, (flow.id, lang, text)
                count += 1
    assert count > 300


def fake_speaker(tmp_path: Path, engine: FakeEngine | None = None, **kw: object) -> Speaker:
    engine = engine or FakeEngine()
    return Speaker(tmp_path, engine_factory=lambda: engine, **kw)  # type: ignore[arg-type]


def test_cache_by_voice_rate_and_text(tmp_path: Path) -> None:
    engine = FakeEngine()
    speaker = fake_speaker(tmp_path, engine)
    assert speaker.cached("Bonjour  à tous", "fr") is None
    first = speaker.render("Bonjour à tous", "fr")
    again = speaker.render("Bonjour   à tous", "fr")  # spaces do not matter
    assert first == again == speaker.cached("Bonjour à tous", "fr", DEFAULT_RATE)
    assert len(engine.rendered) == 1
    speaker.render("Bonjour à tous", "fr", rate=110)
    speaker.render("Bonjour à tous", "es")
    assert [v for v, _ in engine.rendered] == ["roa/fr", "roa/fr", "roa/es"]
    assert [t for _, t in engine.rendered] == ["Bonjour à tous"] * 3


def test_cache_keeps_under_its_limit_dropping_the_oldest(tmp_path: Path) -> None:
    speaker = fake_speaker(tmp_path, cache_limit_mb=0.05)  # ~ 50 KB
    import os

    paths_ = []
    for i in range(12):
        p = speaker.render(" ".join(["mot"] * 3) + f" {i}", "fr")
        os.utime(p, (1000 + i, 1000 + i))
        paths_.append(p)
    removed = speaker.trim()
    assert removed > 0
    left = sorted(tmp_path.glob("*.wav"))
    assert sum(p.stat().st_size for p in left) <= 0.05 * 1024 * 1024
    assert paths_[-1].exists()
    assert not paths_[0].exists()


def test_voice_fallbacks(tmp_path: Path) -> None:
    engine = FakeEngine(voices=[FakeVoice("roa/fr", ["fr-fr"]), FakeVoice("roa/pt-br", ["pt-br"]),
                                FakeVoice("other", ["de"])])
    speaker = fake_speaker(tmp_path, engine)
    assert speaker.voice_for("fr").id == "roa/fr"
    variant = speaker.voice_for("pt")
    assert (variant.id, variant.exact) == ("roa/pt-br", False)
    with pytest.raises(SpeechError, match="no voice for the language 'ar'"):
        speaker.voice_for("ar")  # never a French voice reading Arabic


def test_driver_crash_and_missing_engine_are_clear_errors(tmp_path: Path) -> None:
    crashing = fake_speaker(tmp_path, FakeEngine(fail_with=RuntimeError("segment fault")))
    with pytest.raises(SpeechError, match="the speech engine failed: segment fault"):
        crashing.render("Bonjour", "fr")
    assert not list(tmp_path.iterdir())
    silent = fake_speaker(tmp_path, FakeEngine(silent=True))
    with pytest.raises(SpeechError, match="no sound"):
        silent.render("Bonjour", "fr")
    missing = Speaker(tmp_path, engine_factory=broken_engine)
    with pytest.raises(SpeechError, match="is espeak-ng installed"):
        missing.render("Bonjour", "fr")
    with pytest.raises(SpeechError, match="nothing to say"):
        fake_speaker(tmp_path).render("   ", "fr")


def test_long_texts_are_rendered_whole(real_speaker: Speaker) -> None:
    """espeak synthesizes in its own thread: the render waits for the end of the utterance
    (a minute of speech, not the first few seconds or nothing)."""
    path = real_speaker.render("Bonjour, voici un texte assez long. " * 20, "fr")
    assert seconds(path) > 30


# --- back-to-back renders (the kiosk says a step while it renders the next ones ahead) ------

BACK_TO_BACK = [f"{'Étape suivante, ' * (1 + i % 4)}numéro {i}." for i in range(12)]


def _espeak_seconds(text: str, folder: Path) -> float:
    """The length of espeak-ng's own WAV of ``text`` (the kiosk's voice and rate)."""
    out = folder / "espeak-ng.wav"
    subprocess.run(["espeak-ng", "-v", "roa/fr", "-s", str(DEFAULT_RATE), "-w", str(out), text],
                   check=True, capture_output=True, timeout=60)
    return seconds(out)


def _all_spoken(speaker: Speaker, folder: Path) -> None:
    """Every text of BACK_TO_BACK rendered at once from three threads: each WAV is speech
    of that text's length (no render cancelled, muted or given another text's sound)."""
    with ThreadPoolExecutor(3) as pool:
        paths_ = list(pool.map(lambda text: speaker.render(text, "fr"), BACK_TO_BACK))
    for text, path in zip(BACK_TO_BACK, paths_, strict=True):
        expected = _espeak_seconds(text, folder)
        assert abs(seconds(path) - expected) <= max(0.25, 0.1 * expected), text
        assert rms(path) > 500, text  # speech, not silence


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is needed")
def test_back_to_back_renders_all_speak(tmp_path: Path) -> None:
    _all_spoken(Speaker(tmp_path / "cache"), tmp_path)


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("espeak-ng") is None,
                    reason="espeak-ng through pyttsx3's espeak driver")
def test_a_render_waits_until_espeak_has_finished_the_previous_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under load espeak-ng's thread may still be finishing an utterance after it said
    "finished"; pyttsx3's driver then cancelled the next one (no sound). Here espeak-ng
    reports itself busy for 60 ms after each start of synthesis: every render still speaks."""
    from pyttsx3.drivers import _espeak

    real_synth, real_playing = _espeak.Synth, _espeak.IsPlaying
    started = [0.0]

    def synth(*args: object, **kwargs: object) -> object:
        started[0] = time.monotonic()
        return real_synth(*args, **kwargs)

    monkeypatch.setattr(_espeak, "Synth", synth)
    monkeypatch.setattr(_espeak, "IsPlaying",
                        lambda: real_playing() or int(time.monotonic() - started[0] < 0.06))
    _all_spoken(Speaker(tmp_path / "cache"), tmp_path)
