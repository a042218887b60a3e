"""The screen and the fonts, for the roles with a screen (kiosk, staff PCs).

The real display is read by a short child process (``python -c`` opening Qt on the
platform the environment names): opened in ``kiosk doctor`` itself, a display it cannot
reach (a stale ``DISPLAY`` over ssh) would abort the whole report. Without ``DISPLAY``,
``WAYLAND_DISPLAY`` or ``QT_QPA_PLATFORM`` there is no display to read: that is said
plainly, never reported as an 800×800 offscreen screen. The fonts are drawn in this
process, offscreen (the same fontconfig fonts as on screen).

PySide6 is imported inside the functions only: this module is imported on machines
without the apps' extra too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from kiosk import languages
from kiosk.doctor.common import Check

#: run in a child process: the platform Qt opens and its screens, as JSON
_PROBE = (
    "import json, resource\n"
    "resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # Qt aborts on a display it cannot open\n"
    "from PySide6.QtGui import QGuiApplication\n"
    "app = QGuiApplication(['kiosk-doctor'])\n"
    "print(json.dumps({'platform': app.platformName(), 'screens': [\n"
    "    [s.name(), s.size().width(), s.size().height()] for s in app.screens()]}))\n"
)


def display_problem(env: Mapping[str, str], where: str) -> str | None:
    """Why no display can be read with this environment (None: there is one to try)."""
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("QT_QPA_PLATFORM"):
        return None
    return f"no display here (run on the {where}'s screen, or with DISPLAY=:0)"


def probe_display(timeout: float = 30.0) -> dict[str, Any] | str:
    """The platform and screens Qt opens with this environment, or why it cannot."""
    try:
        done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                              timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"Qt did not start: {exc}"
    if done.returncode == 0:
        try:
            found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
            return found
        except (ValueError, IndexError):
            pass
    said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    return "; ".join(said[:2])[:300] or f"Qt exited with code {done.returncode}"


def screen_checks(where: str, layout: str = "", min_side: int = 720) -> list[Check]:
    """The display Qt opens here and its main screen's size."""
    problem = display_problem(os.environ, where)
    if problem:
        return [Check("display", "warn", problem)]
    found = probe_display()
    shown = os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY") or ""
    if isinstance(found, str):
        return [Check("display", "fail", f"Qt cannot open the display {shown}: {found}",
                      "run as the user logged in on the screen, or check DISPLAY / "
                      "WAYLAND_DISPLAY (and XAUTHORITY)")]
    platform = str(found["platform"])
    if platform == "offscreen":
        return [Check("display", "warn", "offscreen (QT_QPA_PLATFORM=offscreen): nothing is "
                      "shown, no real screen to read")]
    out = [Check("display", "ok", f"{platform} {shown}".strip())]
    screens = found["screens"]
    if not screens:
        return out + [Check("screen", "fail", "no screen", f"connect a screen, or start the "
                            f"{where}'s session")]
    name, width, height = screens[0]
    detail = f"{width}x{height} ({name})" + (f", layout {layout}" if layout else "")
    if len(screens) > 1:
        detail += f", and {len(screens) - 1} more screen(s)"
    small = min(width, height) < min_side
    return out + [Check("screen", "warn" if small else "ok", detail,
                        "use a screen of at least 1280x720" if small else "")]


def offscreen_app() -> Any:
    """This process's Qt application (made offscreen when there is none): for the fonts
    and the audio devices, never for the screen (:func:`screen_checks` reads that)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the real display is read apart
        from kiosk.ui.qt import application

        app = application(offscreen=True)
    return app


def font_checks(codes: Iterable[str]) -> list[Check]:
    """Each language's sample drawn with the apps' font: no missing glyph."""
    offscreen_app()
    from PySide6.QtGui import QFont, QFontMetrics

    from kiosk.ui.theme import FONT_FAMILY

    metrics = QFontMetrics(QFont(FONT_FAMILY, 20))
    out = []
    for code in codes:
        row = languages.get(code)
        if row is None:
            continue
        missing = [c for c in row.sample if not c.isspace() and not metrics.inFontUcs4(ord(c))]
        found = f"no glyph for {''.join(missing)}" if missing else "all glyphs"
        out.append(Check(f"font ({code})", "fail" if missing else "ok", f"{FONT_FAMILY}: {found}",
                         "apt install fonts-dejavu-core" if missing else ""))
    return out
