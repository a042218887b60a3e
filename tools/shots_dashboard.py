"""Screenshots of the manager's dashboard with three weeks of demo data: an embedded hub
seeded by ``kiosk.demo_data``, the manager app offscreen on the dashboard, in French and
English (the funnel view), plus the help calls and traffic views in French.

Usage: ``python tools/shots_dashboard.py [FOLDER]`` (default: docs/screens/dashboard).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "screens" / "dashboard"
SIZE = (1600, 1000)


def shots(folder: Path) -> list[Path]:
    """Write dashboard-fr.png, dashboard-en.png (the funnel view), dashboard-help-fr.png and
    dashboard-traffic-fr.png to ``folder``; returns their paths."""
    from kiosk.demo import (
        DEMO_KIOSK,
        DEMO_PASSWORD,
        DEMO_USER,
        demo_manager_window,
        start_hub,
    )
    from kiosk.demo_data import login, seed
    from kiosk.demo_robot import wait_until
    from kiosk.ui.qt import application, settle

    folder.mkdir(parents=True, exist_ok=True)
    app = application(offscreen=True)
    data = Path(tempfile.mkdtemp(prefix="kiosk-dashboard-shots-"))
    hub = start_hub(data)
    out: list[Path] = []
    try:
        url = hub.server.url
        seed(url, hub.kiosk_token, DEMO_KIOSK, login(url, DEMO_USER, DEMO_PASSWORD),
             db_path=hub.server.db)
        for lang in ("fr", "en"):
            window = demo_manager_window(url, lang, SIZE)
            if not wait_until(lambda w=window: w.stack.currentWidget() is w.tabs):
                raise RuntimeError(f"the manager app did not log in: {window.login_error.text()}")
            page = window.page("dashboard")
            window.show_page("dashboard")
            wait_until(lambda p=page: not p.is_busy and p.flows)
            page.set_flow("send-parcel")
            wait_until(lambda p=page: bool(p.flow_view.texts))
            settle()
            path = folder / f"dashboard-{lang}.png"
            window.grab().save(str(path))
            out.append(path)
            if lang == "fr":
                page.views.setCurrentWidget(page.help_view)
                settle()
                path = folder / "dashboard-help-fr.png"
                window.grab().save(str(path))
                out.append(path)
                page.views.setCurrentWidget(page.traffic_view)
                settle()
                path = folder / "dashboard-traffic-fr.png"
                window.grab().save(str(path))
                out.append(path)
            window.shutdown()
            window.close()
            window.deleteLater()
            app.processEvents()
    finally:
        hub.server.stop()
        shutil.rmtree(data, ignore_errors=True)
    return out


if __name__ == "__main__":
    files = shots(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print("\n".join(str(p) for p in files))
