"""Screenshots of the phone console (docs/screens/phone-console-*.png): Debian's chromium
under Playwright at phone size (360x640), against an embedded hub with a few calls that
carry their own text, as kiosks send them.

Called by tools/screenshots.py (``make screenshots``).
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

PHONE = {"width": 360, "height": 640}
CALLS = [("send-parcel", "weigh", "fr", "help", None), ("use-locker", None, "ar", "help", None),
         ("digital-skills", None, "pt", "workshop", "initiation")]


def _post_calls(url: str, token: str, kiosk: str) -> None:
    import httpx

    from kiosk import paths
    from kiosk.flows.library import FlowLibrary
    from kiosk.flows.model import call_texts

    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    for flow_id, step_id, lang, kind, level in CALLS:
        flow = library.get(flow_id)
        step = flow.step(step_id or flow.start)
        httpx.post(f"{url}/api/v1/help-requests", headers={"Authorization": f"Bearer {token}"},
                   json={"id": str(uuid.uuid4()), "kiosk_id": kiosk, "flow_id": flow_id,
                         "step_id": step.id, "language": lang, "kind": kind,
                         "level": level, "flow_version": 1, **call_texts(flow, step, lang)},
                   timeout=10).raise_for_status()


def build(out: Path) -> list[Path]:
    """The login page and the queue in French and English, and a claimed call."""
    chromium = shutil.which("chromium")
    if chromium is None:
        print("no chromium: phone console screenshots skipped (make test installs it)")
        return []
    from playwright.sync_api import sync_playwright

    from kiosk.demo import DEMO_KIOSK, DEMO_PASSWORD, DEMO_USER, start_hub

    hub = start_hub(Path(tempfile.mkdtemp(prefix="kiosk-phone-shots-")))
    files: list[Path] = []
    try:
        _post_calls(hub.server.url, hub.kiosk_token, DEMO_KIOSK)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for lang, locale in (("fr", "fr-FR"), ("en", "en-GB")):
                context = browser.new_context(viewport=PHONE, device_scale_factor=2,
                                              is_mobile=True, has_touch=True, locale=locale)
                page = context.new_page()
                page.goto(f"{hub.server.url}/console/")
                page.locator("#username").wait_for()
                if lang == "fr":
                    files.append(_shot(page, out / "phone-console-login-fr.png"))
                page.fill("#username", DEMO_USER)
                page.fill("#password", DEMO_PASSWORD)
                page.click("#login-submit")
                page.locator("[data-request-id]").nth(len(CALLS) - 1).wait_for()
                files.append(_shot(page, out / f"phone-console-{lang}.png"))
                if lang == "fr":
                    page.locator("[data-action='claim']:visible").first.click()
                    page.locator("[data-action='resolve']:visible").first.wait_for()
                    files.append(_shot(page, out / "phone-console-claimed-fr.png"))
                context.close()
            browser.close()
    finally:
        hub.server.stop()
    return files


def _shot(page: object, path: Path) -> Path:
    page.wait_for_timeout(300)  # type: ignore[attr-defined]  # the last paint of a transition
    page.screenshot(path=str(path))  # type: ignore[attr-defined]
    return path
