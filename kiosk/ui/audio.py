"""AudioPlayer: the one object that plays sounds (``play`` / ``stop``), through Qt.

With no audio device Qt reports an error at once; the player then stays silent and says
so (``available``), it never blocks and never raises.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtMultimedia import QSoundEffect


class AudioPlayer(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.effect = QSoundEffect(self)
        self.played: list[str] = []  # what was asked for, newest last (for the console's tests)

    @property
    def available(self) -> bool:
        return self.effect.status() != QSoundEffect.Status.Error

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
