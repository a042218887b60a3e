"""Not a speed budget but the screen audit's whole grid (DESIGN.md, accessibility): every
kiosk screen (home, every step of every flow, help, workshop, every panel) on every
supported screen, at every text size, in French and Arabic, in both themes, checked by
:mod:`kiosk.customer.audit` (the window within the screen, nothing outside it, no label
cut, the step at least half the height, 20 mm targets). The test suite checks a sample;
this runs all of it (``tools/fit_grid.py``, one process per screen size, two at a time).
``--quick``: one screen size, text size, language and theme.
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, quick  # noqa: E402

TOOL = Path(__file__).resolve().parents[1] / "tools" / "fit_grid.py"
SIZES = ("1920x1080", "1366x768", "1280x1024", "1024x768", "1080x1920")


def grid(args: list[str]) -> tuple[list[dict[str, object]], dict[str, object]]:
    """(the problems, the summary) of one run of the tool."""
    done = subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True,
                          timeout=1800, check=False)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines or "screens_checked" not in lines[-1]:
        raise RuntimeError(f"fit_grid.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return lines[:-1], lines[-1]


def main() -> None:
    runs = [["--size", "1366x768", "--scale", "2", "--lang", "fr", "--theme", "normal"]] \
        if quick() else [["--size", size] for size in SIZES]
    with ThreadPoolExecutor(max_workers=2) as pool:  # a process each: two cores
        results = list(pool.map(grid, runs))
    problems = [p for found, _ in results for p in found]
    checked = sum(int(summary["screens_checked"]) for _, summary in results)
    scrolling = sum(int(summary["scrolling"]) for _, summary in results)
    emit({"benchmark": "screen_fit", "screens_checked": checked,
          "with_problems": len(problems), "scrolling": scrolling,
          "problems": problems[:20], "ok": not problems and checked > 0})


if __name__ == "__main__":
    main()
