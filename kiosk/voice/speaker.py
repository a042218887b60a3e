"""Speaker: text to WAV with pyttsx3 (espeak-ng on Linux), cached on disk. No Qt.

One speech engine per process (pyttsx3 keeps one per driver), so every render holds one
lock: call ``render`` from any worker thread, never from the UI thread. WAVs are cached
by (voice, rate, text) in a folder with a size limit (oldest used files go first).
A missing espeak-ng, a language without a voice or a crash in the driver becomes a
``SpeechError`` with a sentence saying what is wrong; the caller keeps working in text.

pyttsx3's espeak driver has espeak-ng synthesize in espeak's own thread and tells
"finished" from there before that thread is done with the utterance. A render that
starts in that moment was cancelled by the driver (its ``runAndWait`` cancels whatever
espeak-ng still plays) or muted (the ending utterance resets the driver's state after the
new one set it): "the speech engine produced no sound", now and then, under load. The
engine made by :func:`pyttsx3_engine` therefore waits until espeak-ng is idle before
each call that reaches the driver (:class:`SettledEngine`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sys
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kiosk import languages

#: Voices for languages the kiosk has no catalog for: Korean, the voice the tests feed the
#: Korean vosk model with.
OTHER_VOICES = {"ko": "ko"}


def preferred_voice(language: str) -> str | None:
    """The espeak-ng voice a language uses (its catalog's ``_meta.voice``, see
    kiosk.languages); None: any voice of that language."""
    row = languages.get(language)
    return (row.voice or None) if row is not None else OTHER_VOICES.get(language)
DEFAULT_RATE = 160  # words per minute: a little slower than espeak's 175, for seniors
RATES = (110, 135, 160, 185, 210)
WAV_RATE = 22050


class SpeechError(Exception):
    """Speech cannot be made; the message says why, in plain words."""


class Engine(Protocol):
    """What the Speaker needs from a pyttsx3 engine (fakes in tests implement it too)."""

    def getProperty(self, name: str) -> Any: ...  # noqa: N802 - pyttsx3 API
    def setProperty(self, name: str, value: Any) -> None: ...  # noqa: N802 - pyttsx3 API
    def save_to_file(self, text: str, filename: str) -> None: ...
    def runAndWait(self) -> None: ...  # noqa: N802 - pyttsx3 API
    def connect(self, topic: str, cb: Callable[..., object]) -> object: ...
    def disconnect(self, token: object) -> None: ...


@dataclass(frozen=True)
class Voice:
    """The voice chosen for a language; ``exact`` is False for a neighbouring variant."""

    language: str
    id: str
    exact: bool = True


class SettledEngine:
    """An engine whose every call that reaches the driver (voice, file, run) first waits
    until ``busy()`` is False: espeak-ng has finished the previous utterance in its own
    thread (at most ``SETTLE_LIMIT_S``; it is idle at once but for a moment under load)."""

    SETTLE_LIMIT_S = 2.0

    def __init__(self, engine: Engine, busy: Callable[[], bool]) -> None:
        self._engine = engine
        self._busy = busy
        self.waits = 0  # calls that found espeak-ng still busy

    def settle(self) -> None:
        if not self._busy():
            return
        self.waits += 1
        deadline = time.monotonic() + self.SETTLE_LIMIT_S
        while self._busy() and time.monotonic() < deadline:
            time.sleep(0.0005)

    def getProperty(self, name: str) -> Any:  # noqa: N802 - pyttsx3 API
        return self._engine.getProperty(name)

    def setProperty(self, name: str, value: Any) -> None:  # noqa: N802 - pyttsx3 API
        self.settle()
        self._engine.setProperty(name, value)

    def save_to_file(self, text: str, filename: str) -> None:
        self.settle()
        self._engine.save_to_file(text, filename)

    def runAndWait(self) -> None:  # noqa: N802 - pyttsx3 API
        self.settle()
        self._engine.runAndWait()

    def connect(self, topic: str, cb: Callable[..., object]) -> object:
        return self._engine.connect(topic, cb)

    def disconnect(self, token: object) -> None:
        self._engine.disconnect(token)


def _espeak_busy() -> Callable[[], bool] | None:
    """espeak-ng's own "still synthesizing" (``espeak_IsPlaying``, through the binding
    pyttsx3's espeak driver uses, looked up at each call), or None off Linux (another
    driver)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        from pyttsx3.drivers import _espeak
    except (ImportError, OSError):  # pragma: no cover - pyttsx3.init() fails first
        return None
    if not callable(getattr(_espeak, "IsPlaying", None)):  # pragma: no cover - another pyttsx3
        return None
    return lambda: bool(_espeak.IsPlaying())


def pyttsx3_engine() -> Engine:
    """The process's pyttsx3 engine (settled, on espeak-ng), or a SpeechError saying what
    is missing."""
    try:
        import pyttsx3
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise SpeechError(f"pyttsx3 is not installed ({exc})") from exc
    with contextlib.redirect_stdout(io.StringIO()):
        engine: Engine = pyttsx3.init()
    busy = _espeak_busy()
    return SettledEngine(engine, busy) if busy is not None else engine


class Speaker:
    """Renders speech to WAV files; thread-safe; one engine, one lock."""

    def __init__(self, cache_dir: Path, *, cache_limit_mb: float = 256.0,
                 engine_factory: Callable[[], Engine] = pyttsx3_engine) -> None:
        self.cache_dir = Path(cache_dir)
        self.cache_limit = int(cache_limit_mb * 1024 * 1024)
        self._factory = engine_factory
        self._engine: Engine | None = None
        self._voices: dict[str, list[str]] | None = None  # voice id -> its language codes
        self._lock = threading.Lock()
        self._renders = 0

    @property
    def engine(self) -> Engine | None:
        """The engine, once a render or a voice lookup has loaded it."""
        return self._engine

    # -- voices ----------------------------------------------------------------------
    def _ensure_engine(self) -> Engine:
        if self._engine is None:
            try:
                engine = self._factory()
            except SpeechError:
                raise
            except Exception as exc:  # the driver raises many kinds: OSError, RuntimeError...
                raise SpeechError(f"no speech engine: is espeak-ng installed? ({exc})") from exc
            voices: dict[str, list[str]] = {}
            for v in engine.getProperty("voices") or []:
                voices[str(v.id)] = [_code(x) for x in (getattr(v, "languages", None) or [])]
            self._engine, self._voices = engine, voices
        return self._engine

    def voices(self) -> dict[str, list[str]]:
        """Every installed voice id with its language codes (loads the engine)."""
        with self._lock:
            self._ensure_engine()
            return dict(self._voices or {})

    def voice_for(self, language: str) -> Voice:
        """The voice for a language: the preferred one, else any voice of that language
        (``pt-br`` for ``pt``); SpeechError when there is none (never a foreign voice
        reading words it cannot pronounce)."""
        voices = self.voices()
        preferred = preferred_voice(language)
        if preferred in voices:
            return Voice(language, preferred)
        for vid, codes in voices.items():
            if any(c == language for c in codes):
                return Voice(language, vid)
        for vid, codes in sorted(voices.items()):
            if any(c.split("-")[0] == language for c in codes):
                return Voice(language, vid, exact=False)
        raise SpeechError(f"no voice for the language '{language}'")

    # -- rendering -------------------------------------------------------------------
    def path_for(self, text: str, voice_id: str, rate: int) -> Path:
        key = hashlib.sha1(f"{voice_id}\0{rate}\0{text}".encode()).hexdigest()[:24]
        return self.cache_dir / f"{key}.wav"

    def cached(self, text: str, language: str, rate: int = DEFAULT_RATE) -> Path | None:
        """The cached WAV for this text, if it was rendered before (no engine needed
        when the preferred voice is known)."""
        voice_id = preferred_voice(language)
        if voice_id is None:
            return None
        path = self.path_for(_clean(text), voice_id, rate)
        return path if path.is_file() else None

    def render(self, text: str, language: str, rate: int = DEFAULT_RATE,
               volume: float = 1.0, out: Path | None = None) -> Path:
        """Speech for ``text`` as a WAV file (from the cache when possible). ``out``
        writes a copy elsewhere with ``volume`` applied (the cache is always at full
        volume: the player sets the volume)."""
        text = _clean(text)
        if not text:
            raise SpeechError("nothing to say")
        voice = self.voice_for(language)
        path = self.path_for(text, voice.id, rate)
        if out is None and path.is_file():
            with contextlib.suppress(OSError):
                os.utime(path)  # recently used: kept when the cache is trimmed
            return path
        target = Path(out) if out is not None else path
        self._synthesize(text, voice.id, rate, volume if out is not None else 1.0, target)
        if out is None:
            self._renders += 1
            if self._renders % 50 == 1:
                self.trim()
        return target

    def _synthesize(self, text: str, voice_id: str, rate: int, volume: float, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{threading.get_ident()}.part")
        with self._lock:
            engine = self._ensure_engine()
            try:
                engine.setProperty("voice", voice_id)
                # rate and volume as espeak's embedded commands (speed S, amplitude A): its
                # parameters set through pyttsx3 are reset, at times, by the voice change
                amplitude = round(max(0.0, min(1.0, float(volume))) * 100)
                text = f"\x01{int(rate)}S\x01{amplitude}A{text}"
                # espeak synthesizes in its own thread and runAndWait() may return before
                # it is done (long texts): wait for the engine's end-of-utterance event
                finished = threading.Event()
                ends: list[bool] = []  # the driver's "completed" flag

                def on_finished(completed: bool = True, **_kw: object) -> None:
                    ends.append(bool(completed))
                    finished.set()

                token = engine.connect("finished-utterance", on_finished)
                try:
                    with contextlib.redirect_stdout(io.StringIO()):  # the driver prints a line
                        engine.save_to_file(text, str(partial))
                        engine.runAndWait()
                        finished.wait(timeout=10 + len(text) / 20)
                finally:
                    engine.disconnect(token)
            except Exception as exc:  # a crash inside the driver: say it, keep going
                partial.unlink(missing_ok=True)
                raise SpeechError(f"the speech engine failed: {exc}") from exc
        if not _is_speech(partial):
            partial.unlink(missing_ok=True)
            if ends and not ends[0]:
                raise SpeechError("the speech engine stopped before the end")
            raise SpeechError("the speech engine produced no sound")
        os.replace(partial, target)  # readers never see half a file

    def trim(self) -> int:
        """Delete the least recently used WAVs above the size limit, and pieces left by
        a failed render; returns how many WAVs went."""
        import time

        try:
            files = [(p.stat(), p) for p in self.cache_dir.glob("*.wav")]
            for part in self.cache_dir.glob(".*.part"):
                if part.stat().st_mtime < time.time() - 600:
                    part.unlink(missing_ok=True)
        except OSError:
            return 0
        total = sum(st.st_size for st, _ in files)
        removed = 0
        for st, p in sorted(files, key=lambda f: f[0].st_mtime):
            if total <= self.cache_limit:
                break
            with contextlib.suppress(OSError):
                p.unlink()
                total -= st.st_size
                removed += 1
        return removed


def wav_seconds(path: Path) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


def _is_speech(path: Path) -> bool:
    try:
        return path.is_file() and wav_seconds(path) > 0.05
    except (OSError, EOFError, wave.Error):
        return False


def _clean(text: str) -> str:
    """One line of plain words: no control characters (espeak reads \\x01 as a command)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _code(raw: Any) -> str:
    if isinstance(raw, bytes):  # some drivers give b'\x05fr'
        raw = raw.decode("utf-8", "ignore").lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08")
    return str(raw).strip().lower().replace("_", "-")
