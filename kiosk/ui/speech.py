"""SpeechOutput: says texts aloud in a language, and stops at once when asked.

Rendering (pyttsx3 → WAV) runs through ``run_in_background``; playback goes through the
one ``AudioPlayer``. A render that finishes after ``stop()`` or a newer ``say()`` is
dropped, never played. A cached WAV plays without leaving the UI thread. ``say_after``
queues a text behind the one being said (the element that has the keys' focus, after
the screen); anything that stops the speech drops the queue too. Volume and
speech rate move in steps and go back to their defaults for the next customer.
Any failure (no engine, no voice for a language, no audio output) turns the voice off
with a reason; the caller shows it and keeps working in text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.ui.audio import AudioPlayer
from kiosk.ui.background import run_in_background
from kiosk.voice.speaker import DEFAULT_RATE, RATES, Speaker, SpeechError

log = logging.getLogger(__name__)

VOLUMES = (0.25, 0.45, 0.65, 0.85, 1.0)
DEFAULT_VOLUME = 3  # index in VOLUMES
DEFAULT_RATE_INDEX = RATES.index(DEFAULT_RATE)
PREFETCH_MAX = 120  # texts kept waiting to be rendered ahead (the least urgent go first)


class SpeechOutput(QObject):
    stateChanged = Signal()  # the voice went off or came back
    started = Signal()  # the first samples of a text were queued
    rendered = Signal(str)  # a text is ready (from the cache or just rendered)

    def __init__(self, speaker: Speaker | None, player: AudioPlayer,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.speaker = speaker
        self.player = player
        self.volume_index = DEFAULT_VOLUME
        self.rate_index = DEFAULT_RATE_INDEX
        self._generation = 0
        self._problem = "" if speaker is not None else "speech is turned off"
        self._missing: dict[str, str] = {}  # language -> why it has no voice
        self._queue: list[tuple[str, str]] = []  # prefetch: (text, language)
        self._prefetching = False
        self.last: tuple[str, str] | None = None  # what was said last: (text, language)
        self._after: list[tuple[str, str]] = []  # said once the current speech has ended
        self._busy = False  # a text is being rendered or played (say_after waits for it)
        player.started.connect(self._player_started)
        player.effect.playingChanged.connect(self._playing_changed)
        player.failed.connect(self._player_failed)

    # -- state -----------------------------------------------------------------------
    @property
    def volume(self) -> float:
        return VOLUMES[self.volume_index]

    @property
    def rate(self) -> int:
        return RATES[self.rate_index]

    def available(self, language: str | None = None) -> bool:
        """Speech works (for ``language``, when given)."""
        return not self._problem and (language is None or language not in self._missing)

    def problem(self, language: str | None = None) -> str:
        """Why the voice is off, in plain words ("" when it works)."""
        return self._problem or (self._missing.get(language, "") if language else "")

    def state(self) -> str:
        """For the hub's fleet view: ``ok``, ``off``, or ``unavailable: why``."""
        if self.speaker is None:
            return "off"
        if self._problem:
            return f"unavailable: {self._problem}"
        if self._missing:
            return "ok; no voice for " + ", ".join(sorted(self._missing))
        return "ok"

    # -- speaking --------------------------------------------------------------------
    def say(self, text: str, language: str, keep_queue: bool = False) -> None:
        """Stop whatever is playing and say ``text`` (rendered first if not cached); the
        texts queued by ``say_after`` are dropped unless ``keep_queue``."""
        after = self._after if keep_queue else []
        self.stop()
        self._after = after
        text = " ".join(text.split())
        if not text or self.speaker is None or self._problem or language in self._missing:
            self._next_after()
            return
        self.last = (text, language)
        self._busy = True
        generation = self._generation
        cached = self.speaker.cached(text, language, self.rate)
        if cached is not None:
            self._play(cached)
            return
        rate, speaker = self.rate, self.speaker
        run_in_background(lambda: speaker.render(text, language, rate),
                          self._when_rendered(generation, text, language))

    def say_after(self, text: str, language: str) -> None:
        """Say ``text`` once the current speech has ended, or now if nothing is said."""
        if self._busy:
            self._after.append((text, language))
        else:
            self.say(text, language)

    def repeat(self) -> None:
        if self.last is not None:
            self.say(*self.last)

    def stop(self) -> None:
        """Silence now: a render still running is dropped when it finishes; nothing
        queued by ``say_after`` is said."""
        self._generation += 1
        self._after = []
        self._busy = False
        self.player.stop()

    def _next_after(self) -> None:
        if self._after and not self._busy:
            text, language = self._after.pop(0)
            self.say(text, language, keep_queue=True)

    def _playing_changed(self) -> None:
        if self._busy and not self.player.playing:  # the end of a text (stop() clears _busy)
            self._busy = False
            self._next_after()

    def shutdown(self) -> None:
        """Silence for good: nothing rendered later plays, nothing more is rendered."""
        self.stop()
        self._queue.clear()
        self.speaker = None
        self._problem = "speech is turned off"

    def prefetch(self, items: Iterable[tuple[str, str]], urgent: bool = False) -> None:
        """Render these (text, language) pairs ahead, one after another, so that saying
        them later starts from the cache. ``urgent`` ones (the steps a customer may see
        next) go before those already waiting (e.g. the start-up warm-up)."""
        if self.speaker is None or self._problem:
            return
        fresh: list[tuple[str, str]] = []
        for text, language in items:
            item = (" ".join(text.split()), language)
            if (item[0] and language not in self._missing and item not in fresh
                    and self.speaker.cached(item[0], language, self.rate) is None):
                fresh.append(item)
        rest = [i for i in self._queue if i not in fresh]
        self._queue = fresh + rest if urgent else rest + fresh
        del self._queue[PREFETCH_MAX:]
        self._next_prefetch()

    def _next_prefetch(self) -> None:
        if self._prefetching or not self._queue or self.speaker is None:
            return
        text, language = self._queue.pop(0)
        self._prefetching = True
        rate, speaker = self.rate, self.speaker

        def done(result: object, error: BaseException | None) -> None:
            self._prefetching = False
            if self.speaker is None:
                return
            if error is not None:
                self._failed(error, language)
            else:
                self.rendered.emit(text)
            self._next_prefetch()

        run_in_background(lambda: speaker.render(text, language, rate), done)

    @property
    def busy(self) -> bool:
        """Still rendering ahead (tests wait for this to end)."""
        return self._prefetching or bool(self._queue)

    def _when_rendered(self, generation: int, text: str,
                       language: str) -> Callable[[object, BaseException | None], None]:
        def done(result: object, error: BaseException | None) -> None:
            if self.speaker is None:  # shut down meanwhile
                return
            if error is not None:
                self._failed(error, language)
                if generation == self._generation:  # nothing will play: the queue goes on
                    self._busy = False
                    self._next_after()
                return
            self.rendered.emit(text)
            if generation == self._generation and isinstance(result, Path):
                self._play(result)
        return done

    def _play(self, path: Path) -> None:
        self.player.play(path, self.volume)

    # -- volume and rate ---------------------------------------------------------------
    def louder(self, step: int = 1) -> int:
        self.volume_index = max(0, min(len(VOLUMES) - 1, self.volume_index + step))
        return self.volume_index

    def faster(self, step: int = 1) -> int:
        self.rate_index = max(0, min(len(RATES) - 1, self.rate_index + step))
        return self.rate_index

    def reset(self) -> None:
        """Defaults again, for the next customer."""
        self.stop()
        self._queue.clear()
        self.volume_index, self.rate_index = DEFAULT_VOLUME, DEFAULT_RATE_INDEX
        self.last = None
        self._after = []

    # -- failures ----------------------------------------------------------------------
    def _failed(self, error: BaseException, language: str) -> None:
        message = str(error) or error.__class__.__name__
        if isinstance(error, SpeechError) and message.startswith("no voice for"):
            self._missing[language] = message
        elif isinstance(error, SpeechError) and message == "nothing to say":
            return
        else:
            self._problem = message
            self._queue.clear()
        log.warning("voice off: %s", message)
        self.stateChanged.emit()

    def _player_failed(self, reason: str) -> None:
        if self._problem != reason:
            self._problem = reason
            log.warning("voice off: %s", reason)
            self.stateChanged.emit()

    def _player_started(self) -> None:
        self.started.emit()

    def retry(self) -> None:
        """Try again after a failure (e.g. the audio device came back)."""
        if self._problem or self._missing:
            self._problem = "" if self.speaker is not None else self._problem
            self._missing.clear()
            self.stateChanged.emit()
