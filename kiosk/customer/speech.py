"""KioskSpeech: the kiosk's voice. Says each screen in the language shown, stops at once on
any touch, step change, new speech or help call, renders the flow's next steps ahead, and
runs the sound panel (volume and speed, reset for the next customer). When the voice
fails, the bottom bar shows it is off and the heartbeat reports why.

The sound of the steps one move away is also kept decoded in memory (``HELD`` of them):
Qt keeps a WAV's samples only while a QSoundEffect holds them, and a WAV it must load
starts playing only once the UI thread has painted the new screen (3-15 ms); held, it
starts at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtMultimedia import QSoundEffect

from kiosk.customer.controller import KioskController
from kiosk.ui.speech import RATES, VOLUMES, SpeechOutput

if TYPE_CHECKING:
    from kiosk.customer.window import KioskWindow

HELD = 6  # the next steps' WAVs kept decoded, nearest first


class KioskSpeech(QObject):
    def __init__(self, ctrl: KioskController, window: KioskWindow, output: SpeechOutput) -> None:
        super().__init__(window)
        self.ctrl = ctrl
        self.window = window
        self.output = output
        self.commands: QObject | None = None  # voice commands, when attached
        self.prefetch_pending = False
        self.render_ahead = True  # render (and hold) the next steps on each screen change
        self.upcoming: list[tuple[str, str]] = []  # (text, language) a customer may hear next
        self.held: dict[str, QSoundEffect] = {}  # WAV path -> the effect holding its sound
        self._holders: list[QSoundEffect] = []
        ctrl.speakRequested.connect(self.say)
        ctrl.speakAfterRequested.connect(self.say_after)
        ctrl.stopSpeech.connect(output.stop)
        ctrl.voiceAdjustRequested.connect(self.adjust)
        ctrl.resetDone.connect(output.reset)
        ctrl.screenChanged.connect(self._prefetch_soon)
        ctrl.lookChanged.connect(self._update_state)
        window.guard.activity.connect(output.stop)  # any touch silences the kiosk
        window.soundRequested.connect(self.open_panel)
        window.shuttingDown.connect(output.shutdown)
        window.shuttingDown.connect(self._release)
        output.stateChanged.connect(self._update_state)
        output.rendered.connect(self._rendered)
        self._update_state()

    def say(self, text: str) -> None:
        self.output.say(text, self.ctrl.look.language)

    def say_after(self, text: str) -> None:
        self.output.say_after(text, self.ctrl.look.language)

    def _prefetch_soon(self) -> None:
        # after the screen's own speech has asked for the engine (the next turn of the loop)
        if not self.render_ahead:
            return
        self.prefetch_pending = True
        QTimer.singleShot(0, self, self.prefetch)

    def prefetch(self) -> None:
        """Render what may be said next, in the current language, and hold its sound."""
        self.prefetch_pending = False
        lang = self.ctrl.look.language
        self.upcoming = [(" ".join(text.split()), lang) for text in self.ctrl.upcoming_speech()]
        self._hold()
        self.output.prefetch(self.upcoming, urgent=True)

    def _rendered(self, text: str) -> None:
        if any(text == t for t, _ in self.upcoming[:HELD]):
            self._hold()

    def _hold(self) -> None:
        """Hold the sound of the nearest upcoming texts whose WAV exists; let go of others."""
        speaker, paths = self.output.speaker, []
        if speaker is not None:
            for text, lang in self.upcoming[:HELD]:
                path = speaker.cached(text, lang, self.output.rate)
                if path is not None:
                    paths.append(str(path))
        for key in [k for k in self.held if k not in paths]:
            self.held.pop(key).setSource(QUrl())  # its sound is freed
        holding = {id(effect) for effect in self.held.values()}
        free = [effect for effect in self._holders if id(effect) not in holding]
        for key in paths:
            if key not in self.held:
                if not free:
                    free.append(QSoundEffect(self))
                    self._holders.append(free[-1])
                self.held[key] = effect = free.pop()
                effect.setSource(QUrl.fromLocalFile(key))

    def _release(self) -> None:
        self.upcoming = []
        self._hold()

    def warm_up(self) -> None:
        """Render the home screen's words and each task's first step ahead, in every
        language (a fresh kiosk then answers its first customers from the cache)."""
        items: list[tuple[str, str]] = []
        for lang in self.ctrl.languages:
            items.append((self.ctrl.home_guide(lang), lang))
            items += [(self.ctrl.step_speech(f.step(f.start), lang), lang) for f in self.ctrl.flows()]
        self.output.prefetch(items)

    # -- sound panel -------------------------------------------------------------------
    def open_panel(self) -> None:
        """The sound panel, filled in; the kiosk says it as it opens (every panel is said)."""
        self.output.stop()
        self._fill_panel()
        self.window.sound_panel.open()

    def adjust(self, kind: str, step: int) -> None:
        """One step louder/quieter or faster/slower, then say the new value at it."""
        t = self.ctrl.strings.t
        if kind == "volume":
            n = self.output.louder(step) + 1
            text = t("voice.volume_value", n=n, total=len(VOLUMES))
        else:
            n = self.output.faster(step) + 1
            text = t("voice.rate_value", n=n, total=len(RATES))
        self._fill_panel()
        self.say(text)

    def _fill_panel(self) -> None:
        self.window.sound_panel.show_levels(
            self.ctrl.strings, (self.output.volume_index + 1, len(VOLUMES)),
            (self.output.rate_index + 1, len(RATES)),
            self.output.problem(self.ctrl.look.language))

    # -- state -------------------------------------------------------------------------
    def _update_state(self) -> None:
        lang = self.ctrl.look.language
        self.ctrl.set_voice(self.output.available(lang), self.output.state(), self.ctrl.can_listen)


def attach_voice(ctrl: KioskController, window: KioskWindow,
                 settings: dict[str, object]) -> KioskSpeech:
    """Give a kiosk its voice, voice commands where a model is installed, and its
    audio-only mode with the headset watcher (after the first paint: Qt audio takes a
    moment to load)."""
    from kiosk import paths
    from kiosk.ui.audio import AudioPlayer
    from kiosk.voice.speaker import Speaker

    speaker = None
    if settings.get("speech", True):
        speaker = Speaker(paths.cache_dir() / "speech",
                          cache_limit_mb=float(settings.get("speech_cache_mb", 256.0)))  # type: ignore[arg-type]
    speech = KioskSpeech(ctrl, window, SpeechOutput(speaker, AudioPlayer(window)))
    speech.warm_up()
    from kiosk.customer.commands import VoiceCommands

    speech.commands = VoiceCommands(ctrl, window, settings, speech.say)  # type: ignore[arg-type]
    from kiosk.customer.explore import attach_explore

    # audio-only mode, and the headset watcher where there is a voice to send to it
    attach_explore(ctrl, window, speech.output, watch_headset=speaker is not None)
    return speech
