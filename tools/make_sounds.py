"""Make the kiosk's and the console's sounds (assets/sounds/*.wav): a soft two-note chime
for a new call and a louder three-note alert for a call nobody has claimed (the console),
and the short click of a touch in audio-only mode (the kiosk). Pure Python, no samples."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "assets" / "sounds"
RATE = 22_050


def tone(freq: float, seconds: float, volume: float) -> list[float]:
    n = int(RATE * seconds)
    out = []
    for i in range(n):
        t = i / RATE
        envelope = min(1.0, t / 0.01) * math.exp(-3.5 * t / seconds)
        out.append(volume * envelope * (math.sin(2 * math.pi * freq * t)
                                        + 0.3 * math.sin(4 * math.pi * freq * t)) / 1.3)
    return out


def click(seconds: float = 0.025, volume: float = 0.6) -> list[float]:
    """A short, dry tick: a high tone that dies within a few milliseconds."""
    n = int(RATE * seconds)
    return [volume * math.exp(-i / RATE / 0.004) * math.sin(2 * math.pi * 2200 * i / RATE)
            for i in range(n)]


def write(name: str, samples: list[float]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with wave.open(str(OUT / name), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(max(-1, min(1, s)) * 32767))
                               for s in samples))


if __name__ == "__main__":
    write("chime.wav", tone(880, 0.35, 0.5) + tone(1318.5, 0.6, 0.5))
    write("alert.wav", (tone(987.8, 0.25, 0.9) + tone(1318.5, 0.25, 0.9)) * 2
          + tone(1760, 0.5, 0.9))
    write("click.wav", click())
    print(sorted(p.name for p in OUT.glob("*.wav")))
