"""Helpers shared by the benchmarks: percentiles, JSON output, verdicts."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": round(statistics.median(values), 3),
            "p95": round(percentile(values, 95), 3), "p99": round(percentile(values, 99), 3),
            "max": round(max(values), 3)}


def emit(result: dict[str, Any]) -> None:
    """Print one benchmark's result as a JSON line."""
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    sys.stdout.flush()


def quick() -> bool:
    """Small sample sizes (``--quick``), for the smoke test and CI."""
    return "--quick" in sys.argv


def pump(app) -> None:  # type: ignore[no-untyped-def]
    """What one turn of the event loop does, deferred deletes included (no exec() here)."""
    from PySide6.QtCore import QEvent

    app.processEvents()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def wait_until(app: Any, done: Callable[[], bool], timeout: float = 10.0,
               signal: Any = None) -> bool:
    """Run the Qt event loop (blocked in it, no busy loop) until ``done()`` or the timeout;
    ``signal`` ends the wait at once. Timestamps are taken in slots, not here."""
    from PySide6.QtCore import QEventLoop, QTimer

    if done():
        return True
    loop = QEventLoop()
    tick = QTimer()
    tick.setInterval(5)
    deadline = time.perf_counter() + timeout
    tick.timeout.connect(lambda: (done() or time.perf_counter() > deadline) and loop.quit())
    if signal is not None:
        signal.connect(loop.quit)
    tick.start()
    loop.exec()
    tick.stop()
    if signal is not None:
        signal.disconnect(loop.quit)
    pump(app)
    return done()


def rss_mb() -> float:
    """This process's resident memory, in MB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main_with_sound(benchmark: str, run: Callable[[Path], dict[str, Any]]) -> None:
    """Emit ``run(folder)``'s result, played on a private PulseAudio null sink started in
    a fresh folder (``ok: false`` with the reason when there is no sound server)."""
    import contextlib
    import shutil
    import tempfile

    from tests.audio import start_null_sink

    folder = Path(tempfile.mkdtemp(prefix=f"kiosk-bench-{benchmark}-"))
    try:
        if not start_null_sink(folder / "pulse"):
            emit({"benchmark": benchmark, "ok": False,
                  "error": "no audio output: PulseAudio (pulseaudio, pactl) is missing or did "
                           "not start, so Qt has no device to play on"})
            return
        with contextlib.redirect_stdout(sys.stderr):  # pyttsx3 prints at times, off its lock
            result = run(folder)
        emit(result)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bare_play_ms(app: Any, effect: Any, wav: Path, volume: float,
                 began: list[float]) -> float | None:
    """A bare QSoundEffect (the speech benchmarks' baseline) playing ``wav``: ms from
    ``play()`` to playing, as ``began`` notes it (None: it never played)."""
    from PySide6.QtCore import QUrl

    began.clear()
    t0 = time.perf_counter()
    effect.setSource(QUrl.fromLocalFile(str(wav)))
    effect.setVolume(volume)
    effect.play()
    ms = (began[0] - t0) * 1000 if wait_until(app, lambda: bool(began),
                                              signal=effect.playingChanged) and began else None
    effect.stop()
    wait_until(app, lambda: not effect.isPlaying())
    return ms
