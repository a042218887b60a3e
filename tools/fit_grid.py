"""Every screen of the kiosk (home, every step of every flow, the help and workshop
screens, every panel) on every supported screen, at every text size, in French and Arabic,
in both themes, checked by :mod:`kiosk.customer.audit`. Prints one JSON line per problem
and a summary; exits 1 when anything does not fit.

    python tools/fit_grid.py                      # the whole grid
    python tools/fit_grid.py --size 1366x768 --scale 2 --lang fr --theme normal
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.customer.audit import SCREENS, check  # noqa: E402
from kiosk.ui.theme import SCALES  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", action="append", help="WxH (default: every screen)")
    parser.add_argument("--scale", action="append", type=float)
    parser.add_argument("--lang", action="append")
    parser.add_argument("--theme", action="append", choices=("normal", "high"))
    parser.add_argument("--quiet", action="store_true", help="the summary only")
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.size] if args.size else SCREENS
    failed, checked, scrolls = 0, 0, 0
    for size in sizes:
        for scale in args.scale or SCALES:
            for lang in args.lang or ("fr", "ar"):
                for theme in args.theme or ("normal", "high"):
                    for name, report in check(size, scale, lang, theme):  # type: ignore[arg-type]
                        checked += 1
                        scrolls += report.scrolls_px > 0
                        if report.problems:
                            failed += 1
                            if not args.quiet:
                                print(json.dumps({"size": "x".join(map(str, size)),
                                                  "scale": scale, "lang": lang, "theme": theme,
                                                  "screen": name,
                                                  "share": round(report.content_share, 2),
                                                  "scrolls_px": report.scrolls_px,
                                                  "problems": report.problems},
                                                 ensure_ascii=False))
    print(json.dumps({"screens_checked": checked, "with_problems": failed,
                      "scrolling": scrolls, "ok": failed == 0}))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
