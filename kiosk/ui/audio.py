"""AudioPlayer: the one object that plays sounds (``play`` / ``stop``), through Qt.

With no audio device Qt reports an error at once; the player then stays silent, says so
(``available``, ``failed``), and never blocks or raises. ``started`` is emitted when the
first samples are handed to the audio output. ``use_device`` sends its sounds to one
output (a headset) instead of the system's default one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import QAudioDevice, QMediaDevices, QSoundEffect


class AudioPlayer(QObject):
    started = Signal()  # playback really began (first samples queued)
    failed = Signal(str)  # the audio output refused a sound: why
    deviceChanged = Signal(str)  # sounds now go to this output ("": the default one)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.effect = QSoundEffect(self)
        self.played: list[str] = []  # what was asked for, newest last (for the console's tests)
        self.device_id = ""  # the output asked for ("": the default one)
        self._device_name = ""
        self._devices: QMediaDevices | None = None  # made when an output is first asked for
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

    def use_device(self, device_id: str, description: str = "") -> None:
        """Play on the output whose id is ``device_id`` (a PulseAudio or PipeWire sink's
        name; ``description``, its human name, is matched when the id is not), or on the
        default output again for ``""``. An output Qt does not list yet (a headset just
        plugged in) is taken as soon as Qt lists it; until then the sound stays where it was."""
        self.device_id, self._device_name = device_id, description
        if self._devices is None:
            self._devices = QMediaDevices(self)
            self._devices.audioOutputsChanged.connect(self._apply_device)
        self._apply_device()

    def _apply_device(self) -> None:
        device: QAudioDevice | None = QAudioDevice()  # none named: Qt's default output
        if self.device_id:
            outputs = QMediaDevices.audioOutputs()
            device = next((d for d in outputs if _id(d) == self.device_id), None)
            if device is None and self._device_name:
                device = next((d for d in outputs if d.description() == self._device_name), None)
        if device is not None and device != self.effect.audioDevice():
            self.effect.stop()
            self.effect.setAudioDevice(device)
            self.deviceChanged.emit(self.device)

    @property
    def device(self) -> str:
        """The id of the output sounds go to now ("": Qt's default one)."""
        return _id(self.effect.audioDevice())

    def _playing_changed(self) -> None:
        if self.effect.isPlaying():
            self.started.emit()

    def _status_changed(self) -> None:
        if self.effect.status() == QSoundEffect.Status.Error:
            self.failed.emit(f"the audio output cannot play {self.effect.source().fileName()}")


def _id(device: QAudioDevice) -> str:
    return bytes(device.id().data()).decode(errors="replace")
