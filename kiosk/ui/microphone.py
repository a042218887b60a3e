"""Microphone: records the default input with Qt (QAudioSource, 16 kHz mono, 16-bit)
and hands out the sound as it comes (``chunk``). A machine with no microphone says so
(``available`` is False, ``failed`` is emitted); nothing blocks or raises.
"""

from __future__ import annotations

from PySide6.QtCore import QIODevice, QObject, Signal
from PySide6.QtMultimedia import QAudioFormat, QAudioSource, QMediaDevices, QtAudio

RATE = 16000


class Microphone(QObject):
    chunk = Signal(bytes)  # 16-bit mono PCM at ``RATE``
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source: QAudioSource | None = None
        self.device: QIODevice | None = None

    @staticmethod
    def available() -> bool:
        return not QMediaDevices.defaultAudioInput().isNull()

    @property
    def recording(self) -> bool:
        return self.device is not None

    def start(self) -> bool:
        """Start recording; False (and ``failed``) when there is no usable microphone."""
        self.stop()
        info = QMediaDevices.defaultAudioInput()
        if info.isNull():
            self.failed.emit("no microphone")
            return False
        fmt = QAudioFormat()
        fmt.setSampleRate(RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        if not info.isFormatSupported(fmt):
            self.failed.emit("the microphone cannot record 16 kHz mono")
            return False
        self.source = QAudioSource(info, fmt, self)
        self.device = self.source.start()
        if self.device is None:
            self.failed.emit("the microphone could not start")
            self.stop()
            return False
        self.device.readyRead.connect(self._read)
        return True

    def stop(self) -> None:
        """Stop recording; what was recorded so far has been handed out already."""
        if self.device is not None:
            device, self.device = self.device, None
            data = bytes(device.readAll().data())
            if data:
                self.chunk.emit(data)
            device.readyRead.disconnect(self._read)
        if self.source is not None:
            self.source.stop()
            self.source.deleteLater()
            self.source = None

    def _read(self) -> None:
        # (no stateChanged slot: PySide cannot pass its QAudio.State argument to Python)
        if self.source is not None and self.source.error() != QtAudio.Error.NoError:
            self.failed.emit(f"the microphone stopped ({self.source.error().name})")
            self.stop()
            return
        if self.device is not None:
            data = bytes(self.device.readAll().data())
            if data:
                self.chunk.emit(data)
