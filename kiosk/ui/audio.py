"""AudioPlayer: the one object that plays sounds (``play`` / ``stop``), through Qt.

With no audio device Qt reports an error at once; the player then stays silent, says so
(``available``, ``failed``), and never blocks or raises. ``started`` is emitted when the
first samples are handed to the audio output.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import QSoundEffect


class AudioPlayer(QObject):
    started = Signal()  # playback really began (first samples queued)
    failed = Signal(str)  # the audio output refused a sound: why

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.effect = QSoundEffect(self)
        self.played: list[str] = []  # what was asked for, newest last (for the console's tests)
        self.effect.playingChanged.connect(self._playing_changed)
        self.effect.statusChanged.connect(self._status_changed)

    @property
    def available(self) -> bool:
        return self.effect.status() != QSoundEffect.Status.Error

    @property
    def playing(self) -> bool:
        return self.effect.isPlaying()

    def play(self, path: Path, volume: float = 0.6) -> None:
        """Play a WAV file (the previous sound stops)."""
        self.played.append(path.name)
        self.effect.stop()
        url = QUrl.fromLocalFile(str(path))
        if self.effect.source() != url:
            self.effect.setSource(url)
        self.effect.setVolume(max(0.0, min(1.0, volume)))
        self.effect.play()

    def stop(self) -> None:
        self.effect.stop()

    def _playing_changed(self) -> None:
        if self.effect.isPlaying():
            self.started.emit()

    def _status_changed(self) -> None:
        if self.effect.status() == QSoundEffect.Status.Error:
            self.failed.emit(f"the audio output cannot play {self.effect.source().fileName()}")
