"""VoiceCommands: optional push-to-talk on the kiosk. Never required, never in the way.

Tap "Speak": the kiosk records (16 kHz mono) and vosk listens for the step's choice
labels plus "repeat", "back" and "help" in the language shown. It says what it
understood and waits for "yes" (a tap, or the word) before it acts; below the confidence
setting it says it did not understand. The Speak button shows only when a model for the
language is installed (``vosk_model_<lang>``); a missing model or microphone hides it,
with no error on screen. Models load in the background; recognition runs through
``run_in_background``, one piece of sound after another, never on the UI thread.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from kiosk.customer.controller import HOME, STEP, KioskController
from kiosk.flows.model import pick as pick_text
from kiosk.ui.background import run_in_background
from kiosk.ui.microphone import RATE, Microphone
from kiosk.voice.listener import Heard, Listener, pick

if TYPE_CHECKING:
    from kiosk.customer.window import KioskWindow

log = logging.getLogger(__name__)
Action = tuple[str, int]  # ("choice", index), ("repeat", 0), ("back", 0), ("help", 0)


def phrase(text: str) -> str:
    """A label as vosk would write it: lower case words, no punctuation."""
    return " ".join(re.sub(r"[^\w\s'’-]", " ", text.lower()).replace("’", "'").split())


def model_paths(settings: dict[str, Any], languages: list[str]) -> dict[str, Path]:
    """The installed models, by language (settings ``vosk_model_<lang>`` naming a folder)."""
    found = {}
    for lang in languages:
        raw = str(settings.get(f"vosk_model_{lang}") or "")
        if raw and Path(raw).is_dir():
            found[lang] = Path(raw)
    return found


class VoiceCommands(QObject):
    def __init__(self, ctrl: KioskController, window: KioskWindow, settings: dict[str, Any],
                 say: Callable[[str], None],
                 listener_factory: Callable[[Path, int], Listener] | None = None) -> None:
        super().__init__(window)
        self.ctrl, self.window, self.say = ctrl, window, say
        self.models = model_paths(settings, ctrl.languages)
        self.min_confidence = float(settings.get("listen_min_confidence", 0.6))
        self.renew_after = int(settings.get("listen_renew_after", 20))
        self.factory = listener_factory or (lambda p, n: Listener(p, sample_rate=RATE, renew_after=n))
        self.listeners: dict[str, Any] = {}  # language -> Listener (loaded on first use)
        self.loading: set[str] = set()
        self.mode = ""  # "", "command" or "confirm"
        self.grammar: dict[str, Action] = {}
        self.pending: Action | None = None
        self.heard_text = ""
        self._sound: list[bytes] = []
        self._busy = False  # a piece of sound is being recognized
        self._decided = False
        self._finish_waiting = False  # "I am done" came while a piece was being recognized
        self.microphone = Microphone(self)
        self.microphone.chunk.connect(self.hear)
        self.microphone.failed.connect(self._no_microphone)
        self.limit = QTimer(self)
        self.limit.setSingleShot(True)
        self.limit.setInterval(round(float(settings.get("listen_max_seconds", 6.0)) * 1000))
        self.limit.timeout.connect(self.finish)
        window.listenRequested.connect(self.start)
        window.shuttingDown.connect(self.cancel)
        ctrl.lookChanged.connect(self._refresh)
        ctrl.screenChanged.connect(self.cancel)
        ctrl.resetDone.connect(self.cancel)
        panel = window.listen_panel
        panel.done.connect(self.finish)
        panel.again.connect(self.start)
        panel.confirmed.connect(self.act)
        panel.rejected.connect(self.cancel)
        self._refresh()

    # -- what can be said ------------------------------------------------------------
    def _refresh(self) -> None:
        can = self.ctrl.look.language in self.models
        self.ctrl.set_voice(self.ctrl.voice_ok, self.ctrl.voice_state, can)

    def command_grammar(self) -> dict[str, Action]:
        """Phrases the customer may say on this screen, and what each does."""
        c, lang = self.ctrl, self.ctrl.look.language
        words = c.strings.t
        grammar: dict[str, Action] = {}
        step = c.session.current if c.screen == STEP and c.session is not None else None
        if step is not None and step.kind == "choices":
            for i, choice in enumerate(step.choices):
                grammar.setdefault(phrase(pick_text(choice.label, lang)), ("choice", i))
        for key in ("repeat", "back", "help"):
            grammar.setdefault(phrase(words(f"voice.words.{key}")), (key, 0))
        return grammar

    def confirm_grammar(self) -> dict[str, Action]:
        t = self.ctrl.strings.t
        return {phrase(t("voice.words.yes")): ("yes", 0), phrase(t("voice.words.no")): ("no", 0)}

    # -- listening -------------------------------------------------------------------
    def start(self) -> None:
        """The Speak button (or "speak again" on the panel)."""
        lang = self.ctrl.look.language
        if lang not in self.models or self.ctrl.screen == HOME:
            return
        self.ctrl.stopSpeech.emit()
        panel, t = self.window.listen_panel, self.ctrl.strings.t
        if lang not in self.listeners:
            panel.show_state(self.ctrl.strings, "loading", t("voice.loading"))
            self._load(lang)
            return
        self.mode = "confirm" if self.pending is not None else "command"
        self.grammar = self.confirm_grammar() if self.mode == "confirm" else self.command_grammar()
        self._sound, self._busy, self._decided = [], False, False
        self.listeners[lang].start(list(self.grammar), RATE)
        panel.show_state(self.ctrl.strings, "listening", t("voice.listening"))
        self.limit.start()
        self.microphone.start()

    def _load(self, lang: str) -> None:
        if lang in self.loading:
            return
        self.loading.add(lang)
        path, renew = self.models[lang], self.renew_after

        def done(listener: object, error: BaseException | None) -> None:
            self.loading.discard(lang)
            if error is not None or listener is None:
                log.warning("voice commands off for %s: %s", lang, error)
                self.models.pop(lang, None)
                self._refresh()
                self.cancel()
                return
            self.listeners[lang] = listener
            if self.window.listen_panel.isVisible() and self.ctrl.look.language == lang:
                self.start()

        run_in_background(lambda: self.factory(path, renew), done)

    def hear(self, chunk: bytes) -> None:
        """Sound from the microphone (tests feed recorded speech here)."""
        if not self.mode or self._decided:
            return
        self._sound.append(chunk)
        self._feed_next()

    def _feed_next(self) -> None:
        if self._busy or not self._sound or self._decided:
            return
        listener = self.listeners.get(self.ctrl.look.language)
        if listener is None:
            return
        data, self._sound = b"".join(self._sound), []
        self._busy = True

        def done(result: object, error: BaseException | None) -> None:
            self._busy = False
            waiting, self._finish_waiting = self._finish_waiting, False
            if not self.mode:
                return
            if isinstance(result, Heard):  # the end of speech was heard
                self._decide(result)
            elif error is not None:
                log.warning("voice command failed: %s", error)
                self._decide(Heard("", 0.0, ()))
            elif waiting:
                self._finish_now(listener)
            elif not self._decided:
                self._feed_next()

        run_in_background(lambda: listener.feed(data), done)

    def finish(self) -> None:
        """"I am done" (or the time limit): decide with what was heard."""
        if not self.mode or self._decided:
            return
        self.microphone.stop()
        self.limit.stop()
        listener = self.listeners.get(self.ctrl.look.language)
        if listener is None:
            return
        self._decided = True
        self.window.listen_panel.show_state(self.ctrl.strings, "thinking",
                                            self.ctrl.strings.t("voice.thinking"))
        if self._busy:
            self._finish_waiting = True  # right after the piece being recognized
        else:
            self._finish_now(listener)

    def _finish_now(self, listener: Any) -> None:
        rest, self._sound = b"".join(self._sound), []

        def last() -> Heard:
            if rest:
                listener.feed(rest)
            return listener.finish()

        def done(result: object, error: BaseException | None) -> None:
            if self.mode:
                self._decide(result if isinstance(result, Heard) else Heard("", 0.0, ()))

        run_in_background(last, done)

    # -- deciding --------------------------------------------------------------------
    def _decide(self, heard: Heard) -> None:
        self._decided = True  # until the next start()
        self.microphone.stop()
        self.limit.stop()
        said = pick(heard, list(self.grammar), self.min_confidence)
        strings, panel = self.ctrl.strings, self.window.listen_panel
        action = self.grammar.get(said) if said is not None else None
        if action is None:
            self._log(heard, None)
            panel.show_state(strings, "failed", strings.t("voice.not_understood"))
            self.mode, self.pending = "", None
            self.say(strings.t("voice.not_understood"))
            return
        self._log(heard, action)
        if self.mode == "confirm":
            self.mode = ""
            if action[0] == "yes":
                self.act()
            else:
                self.cancel()
            return
        self.pending, self.heard_text, self.mode = action, said or "", ""
        text = strings.t("voice.heard", text=self.heard_text)
        panel.show_state(strings, "confirm", text)
        self.say(text)

    def act(self) -> None:
        """Do what was understood (after a "yes")."""
        action, self.pending = self.pending, None
        self.cancel()
        if action is None:
            return
        kind, index = action
        if kind == "choice":
            self.ctrl.choose(index)
        elif kind == "repeat":
            self.ctrl.repeat()
        elif kind == "back":
            self.ctrl.back()
        elif kind == "help":
            self.ctrl.call_help()

    def cancel(self) -> None:
        """Stop listening and close the panel (a touch elsewhere, a new screen, a reset)."""
        self.mode, self._decided, self._sound, self.pending = "", False, [], None
        self._finish_waiting = False
        self.microphone.stop()
        self.limit.stop()
        self.window.listen_panel.hide()

    def _no_microphone(self, reason: str) -> None:
        log.warning("voice commands off: %s", reason)
        self.models.clear()
        self._refresh()
        self.cancel()

    def _log(self, heard: Heard, action: Action | None) -> None:
        self.ctrl.log_voice_command({"heard": heard.text, "confidence": round(heard.confidence, 2),
                                     "action": list(action) if action else None})
