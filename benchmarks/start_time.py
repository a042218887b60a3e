"""Budget: kiosk start to first painted home screen <= 1.5x a bare PySide6 window.

Both are fresh processes, run alternately in the same session, each painting its first
screen offscreen, saving it as a PNG (DESIGN.md: "process start -> first PNG saved")
and exiting; the ratio of medians is the verdict.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, quick  # noqa: E402

BARE = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication, QLabel\n"
    "app = QApplication(sys.argv[:1])\n"
    "w = QLabel('Bonjour'); w.resize(1920, 1080); w.show(); w.grab().save(sys.argv[1])\n"
)
BUDGET = 1.5


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - start


def main() -> None:
    runs = 3 if quick() else 11
    cache = tempfile.mkdtemp(prefix="kiosk-bench-")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_CACHE_DIR": cache}
    kiosk = [sys.executable, "-m", "kiosk.cli", "run", "--first-paint-png",
             str(Path(cache) / "kiosk.png")]
    bare = [sys.executable, "-c", BARE, str(Path(cache) / "bare.png")]
    _time(kiosk, env)  # fills the flow cache, as on any kiosk after its first start
    _time(bare, env)
    k_times, b_times = [], []
    for _ in range(runs):
        b_times.append(_time(bare, env))
        k_times.append(_time(kiosk, env))
    ratio = statistics.median(k_times) / statistics.median(b_times)
    emit({"benchmark": "start_to_first_paint", "runs": runs,
          "kiosk_s": round(statistics.median(k_times), 3),
          "bare_window_s": round(statistics.median(b_times), 3),
          "ratio": round(ratio, 2), "budget_ratio": BUDGET, "ok": ratio <= BUDGET})


if __name__ == "__main__":
    main()
