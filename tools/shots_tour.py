"""Screenshots of the guided tours shown at a first login: the mediator console on the
step about "I'm going" (with a few calls waiting) and the manager app on the step about
the dashboard tab, in French and English, from an embedded demo hub.

    python tools/shots_tour.py [FOLDER]      (docs/screens by default)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import uuid
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "docs" / "screens"
CALLS = (("send-parcel", "weigh", "fr"), ("use-locker", "code-how", "ar"))


def shots(folder: Path) -> list[Path]:
    """Write tour-mediator-{fr,en}.png and tour-manager-{fr,en}.png to ``folder``."""
    import httpx

    from kiosk.demo import (
        DEMO_KIOSK,
        DEMO_PASSWORD,
        DEMO_USER,
        demo_manager_window,
        start_hub,
    )
    from kiosk.demo_robot import wait_until
    from kiosk.mediator.console import ConsoleWindow
    from kiosk.ui.qt import application, settle

    folder.mkdir(parents=True, exist_ok=True)
    app = application(offscreen=True)
    data = Path(tempfile.mkdtemp(prefix="kiosk-tour-shots-"))
    hub = start_hub(data)
    out: list[Path] = []

    def save(window: object, name: str) -> None:
        settle()
        path = folder / name
        if not window.grab().save(str(path)):  # type: ignore[attr-defined]
            raise RuntimeError(f"could not save {path}")
        out.append(path)

    try:
        url = hub.server.url
        headers = {"Authorization": f"Bearer {hub.kiosk_token}"}
        for flow, step, lang in CALLS:
            httpx.post(f"{url}/api/v1/help-requests", headers=headers, timeout=10, json={
                "id": str(uuid.uuid4()), "kiosk_id": DEMO_KIOSK, "flow_id": flow,
                "step_id": step, "language": lang, "kind": "help"}).raise_for_status()
        for lang in ("fr", "en"):
            console = ConsoleWindow(url, lang)
            console.resize(1280, 900)
            console.show()
            console.user.setText(DEMO_USER)
            console.password.setText(DEMO_PASSWORD)
            console.log_in()
            wait_until(lambda c=console: len(c.cards) == len(CALLS) and c.client.connected)
            console.show_tour()
            console.tour.go(1)  # "I'm going"
            save(console, f"tour-mediator-{lang}.png")
            console.tour.hide()  # not skip(): nobody is marked as having seen it
            console.shutdown()
            console.deleteLater()

            manager = demo_manager_window(url, lang)
            if not wait_until(lambda m=manager: m.stack.currentWidget() is m.tabs):
                raise RuntimeError(f"the manager app did not log in: {manager.login_error.text()}")
            manager.show_tour()
            manager.tour.go(1)  # the dashboard tab
            save(manager, f"tour-manager-{lang}.png")
            manager.tour.hide()
            manager.shutdown()
            manager.deleteLater()
            app.processEvents()
    finally:
        hub.server.stop()
        shutil.rmtree(data, ignore_errors=True)
    return out


if __name__ == "__main__":
    from kiosk.ui import tour

    tour.AUTO_START = False  # the tours are opened by hand, on the step shown
    files = shots(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print("\n".join(str(p) for p in files))
