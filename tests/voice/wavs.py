"""Reading WAV files in tests: length and loudness."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def rms(path: Path) -> float:
    """Root mean square of a 16-bit mono WAV (0 is silence, 32767 the loudest)."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        assert w.getnchannels() == 1
        data = w.readframes(w.getnframes())
    samples = struct.unpack(f"<{len(data) // 2}h", data)
    return math.sqrt(sum(s * s for s in samples) / max(1, len(samples)))
