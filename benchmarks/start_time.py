"""Budget: kiosk start to first painted screen <= 1.3x a bare PySide6 window (target 1.1x).

Both are fresh processes, run alternately in the same session, offscreen. Each sample is
the time from just before the process is spawned to the end of its window's first paint:
the process prints ``first-paint SECONDS`` (``time.monotonic()``, one clock for every
process of the machine) from the paint itself, the same way in both (``FirstPaint`` in
kiosk.ui.qt; the bare window has its own copy of those lines). Saving the PNG and leaving
the interpreter come after the stamp and are not measured. The ratio of medians is the
verdict; min and max show the spread.

The kiosk runs as installed: its modules byte-compiled first, as ``pip install`` does (a
checkout with PYTHONDONTWRITEBYTECODE=1 would compile every module at every start, which
no installed kiosk does; PySide6 itself is byte-compiled in both cases).
"""

from __future__ import annotations

import compileall
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, quick  # noqa: E402

BARE = """\
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel

class FirstPaint(QObject):  # the same lines as kiosk.ui.qt.FirstPaint
    def __init__(self, widget, on_painted):
        super().__init__(widget)
        self.widget, self.on_painted, self._painted, self._handle = widget, on_painted, False, None
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        kind = event.type()
        if obj is self.widget:
            if kind == QEvent.Type.Paint:
                self._painted = True
            elif kind == QEvent.Type.Show and self._handle is None:
                self._handle = self.widget.windowHandle()
                if self._handle is not None:
                    self._handle.installEventFilter(self)
        elif obj is self._handle and kind in (QEvent.Type.Expose, QEvent.Type.UpdateRequest):
            obj.event(event)
            if self._painted:
                self.widget.removeEventFilter(self)
                obj.removeEventFilter(self)
                self.on_painted()
            return True
        return False

def painted():
    print(f"first-paint {time.monotonic():.6f}", flush=True)
    w.grab().save(sys.argv[1])
    app.exit(0)

app = QApplication(sys.argv[:1])
w = QLabel("Bonjour")
w.resize(1920, 1080)
FirstPaint(w, painted)
w.show()
sys.exit(app.exec())
"""
BUDGET = 1.3
TARGET = 1.1


def _stamps(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Milliseconds from spawning ``cmd`` to each ``NAME SECONDS`` line it prints."""
    start = time.monotonic()
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, timeout=120)
    stamps = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition(" ")
        try:
            stamps[name] = (float(value) - start) * 1000
        except ValueError:
            continue
    if "first-paint" not in stamps:
        raise RuntimeError(f"no first-paint line from {cmd}: {done.stdout!r} {done.stderr!r}")
    return stamps


def _figures(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 1), "min": round(min(values), 1),
            "max": round(max(values), 1)}


def main() -> None:
    runs = 3 if quick() else 11
    spec = importlib.util.find_spec("kiosk")
    if spec is None or spec.origin is None:
        raise RuntimeError("the kiosk package is not installed")
    compileall.compile_dir(str(Path(spec.origin).parent), quiet=1)
    cache = tempfile.mkdtemp(prefix="kiosk-bench-")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_CACHE_DIR": cache}
    kiosk = [sys.executable, "-m", "kiosk.cli", "run", "--first-paint-png",
             str(Path(cache) / "kiosk.png")]
    bare = [sys.executable, "-c", BARE, str(Path(cache) / "bare.png")]
    _stamps(kiosk, env)  # fills the caches, as on any kiosk after its first start
    _stamps(bare, env)
    k_times: list[float] = []
    b_times: list[float] = []
    for _ in range(runs):
        b_times.append(_stamps(bare, env)["first-paint"])
        k_times.append(_stamps(kiosk, env)["first-paint"])
    ratio = statistics.median(k_times) / statistics.median(b_times)
    emit({"benchmark": "start_to_first_paint", "runs": runs,
          "measure": "process spawned -> end of the window's first paint (monotonic clock)",
          "kiosk_ms": _figures(k_times), "bare_window_ms": _figures(b_times),
          "ratio": round(ratio, 2), "budget_ratio": BUDGET, "target_ratio": TARGET,
          "bytecode": "compiled first, as pip install does", "ok": ratio <= BUDGET})


if __name__ == "__main__":
    main()
