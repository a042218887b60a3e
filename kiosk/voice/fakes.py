"""Stand-ins for the speech engine, for fast unit tests and failure injection only
(the real engine is tested for real in tests/voice)."""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import dataclass, field
from typing import Any

from kiosk import languages


@dataclass
class FakeVoice:
    id: str
    languages: list[str]


@dataclass
class FakeEngine:
    """Writes a short tone per word, like a very fast and very dull espeak."""

    voices: list[FakeVoice] = field(default_factory=lambda: [
        FakeVoice(lang.voice, [lang.code]) for lang in languages.LANGUAGES])
    fail_with: Exception | None = None  # raised by runAndWait: a driver crash
    silent: bool = False  # writes an empty WAV: a driver that produced nothing
    props: dict[str, Any] = field(default_factory=dict)
    rendered: list[tuple[str, str]] = field(default_factory=list)  # (voice, text)
    _pending: tuple[str, str] | None = None
    _listeners: dict[int, Any] = field(default_factory=dict)

    def connect(self, topic: str, cb: Any) -> object:
        token = len(self._listeners) + 1
        self._listeners[token] = (topic, cb)
        return token

    def disconnect(self, token: object) -> None:
        self._listeners.pop(token, None)  # type: ignore[call-overload]

    def getProperty(self, name: str) -> Any:  # noqa: N802 - pyttsx3 API
        return self.voices if name == "voices" else self.props.get(name)

    def setProperty(self, name: str, value: Any) -> None:  # noqa: N802 - pyttsx3 API
        self.props[name] = value

    def save_to_file(self, text: str, filename: str) -> None:
        self._pending = (text, filename)

    def runAndWait(self) -> None:  # noqa: N802 - pyttsx3 API
        if self.fail_with is not None:
            raise self.fail_with
        assert self._pending is not None
        text, filename = self._pending
        self._pending = None
        text = text.split("A", 1)[1] if text.startswith("\x01") else text  # rate and volume
        self.rendered.append((str(self.props.get("voice")), text))
        frames = 0 if self.silent else 2205 * max(1, len(text.split()))
        with wave.open(filename, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(22050)
            w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 8)))
                                   for i in range(frames)))
        for topic, cb in list(self._listeners.values()):
            if topic == "finished-utterance":
                cb(name=None, completed=True)


def broken_engine() -> FakeEngine:
    """A factory that fails like a machine without espeak-ng."""
    raise OSError("libespeak-ng.so.1: cannot open shared object file")


@dataclass
class FakeListener:
    """Hears what it is told to: ``answers`` are given out, one per utterance, at
    ``finish()`` (or at ``feed()`` when ``decide_on_feed``)."""

    answers: list[Any] = field(default_factory=list)  # Heard objects
    decide_on_feed: bool = False
    grammars: list[list[str]] = field(default_factory=list)
    fed: int = 0
    utterances: int = 0

    def start(self, grammar: list[str], sample_rate: int | None = None) -> None:
        self.grammars.append(list(grammar))

    def feed(self, chunk: bytes) -> Any:
        self.fed += len(chunk)
        return self.finish() if self.decide_on_feed else None

    def finish(self) -> Any:
        from kiosk.voice.listener import NOTHING

        self.utterances += 1
        return self.answers.pop(0) if self.answers else NOTHING
