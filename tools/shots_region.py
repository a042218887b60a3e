"""Screenshots of a region (docs/screens/region-*.png): the manager app's **Région** tab at
1366x768 in French and English, and the HTML report of ``kiosk region report`` in
Debian's chromium under Playwright, at A4 width and on a phone (390 px).

The region is made here, the same every time: six offices of one region over two weeks
(Sundays closed, one office with two days that never arrived), with the built-in flows'
steps, written by the exporter's own writer (``kiosk.hub.parquet_export.write_day``) in
the layout of ``kiosk.region.schema``.

    python tools/shots_region.py [FOLDER]      (docs/screens by default)

Called by tools/screenshots.py (``make screenshots``).
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "docs" / "screens"
SIZE = (1366, 768)
A4 = {"width": 794, "height": 1123}  # A4 at 96 px to the inch
PHONE = {"width": 390, "height": 844}
FIRST, DAYS = date(2026, 11, 9), 14  # Monday 9 to Sunday 22 November 2026
LAST = FIRST + timedelta(days=DAYS - 1)
#: office -> (visits on a weekday, share of sessions calling for help, share quitting)
OFFICES = {"bourg-en-bresse-bourgmayer": (55, 0.05, 0.20),
           "lyon-part-dieu": (140, 0.06, 0.25),
           "roanne-centre": (45, 0.12, 0.35),
           "saint-etienne-wilson": (90, 0.09, 0.28),
           "vienne-saint-germain": (40, 0.04, 0.18),
           "villeurbanne-gratte-ciel": (110, 0.08, 0.30)}
MISSING = {"roanne-centre": {"2026-11-18", "2026-11-19"}}  # the hub was off those days
#: steps where customers stop or call for help more than elsewhere
HARD = {("send-parcel", "customs"): 4.0, ("send-registered", "fill"): 3.5,
        ("collect-parcel", "id"): 3.0, ("use-locker", "type-code"): 2.5,
        ("frank-letter", "pay"): 2.0, ("track-shipment", "type-number"): 2.0}
FLOW_WEIGHTS = {"send-parcel": 5, "collect-parcel": 5, "frank-letter": 3, "buy-stamps": 3,
                "track-shipment": 3, "send-registered": 2, "use-locker": 2,
                "pickup-return": 2, "digital-skills": 1}
LANGUAGES = ("fr",) * 14 + ("ar", "ar", "en", "es", "pt")
LEVELS = ("initiation", "perfectionnement", "outils-budgetaires")


def _flows() -> dict[str, list[str]]:
    """Each built-in flow's steps, in file order (a plausible path through it)."""
    from kiosk import paths
    from kiosk.flows.library import FlowLibrary

    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    return {flow.id: [s.id for s in flow.steps] for flow in library.ordered()
            if flow.id in FLOW_WEIGHTS}


def _office_day(rnd: random.Random, office: str, day: date,
                flows: dict[str, list[str]]) -> dict[str, list[dict[str, Any]]]:
    """One office's day in the four tables (empty on a Sunday)."""
    events: list[dict[str, Any]] = []
    walks: list[dict[str, Any]] = []
    calls: list[dict[str, Any]] = []
    workshops: list[dict[str, Any]] = []
    if day.weekday() == 6:
        return {"events": events, "walks": walks, "help": calls, "workshops": workshops}
    visits, help_share, quit_share = OFFICES[office]
    visits = int(visits * (0.6 if day.weekday() == 5 else 1.0) * rnd.uniform(0.85, 1.15))
    names = list(FLOW_WEIGHTS)
    for _ in range(visits):
        session = f"{rnd.getrandbits(64):016x}"
        hour = rnd.choice((9, 9, 10, 10, 11, 11, 12, 14, 15, 15, 16, 16, 17, 18))
        base = {"hour": hour, "kiosk": rnd.choice(("entree", "casiers", "salle")),
                "session": session, "language": rnd.choice(LANGUAGES)}
        events.append({**base, "type": "visit.start"})
        if rnd.random() < 0.15:  # looked at the menu and left
            continue
        flow = rnd.choices(names, weights=[FLOW_WEIGHTS[n] for n in names])[0]
        steps = flows[flow]
        events.append({**base, "type": "flow.start", "flow_id": flow})
        result, quit_step, called, seconds = "completed", None, 0, 0.0
        for step in steps:
            events.append({**base, "type": "step", "flow_id": flow, "step_id": step})
            seconds += rnd.uniform(6, 25)
            hard = HARD.get((flow, step), 0.5)
            if rnd.random() < help_share * hard / len(steps):
                called += 1
                events.append({**base, "type": "help", "flow_id": flow, "step_id": step})
                wait = rnd.uniform(20, 200) if rnd.random() < 0.93 else None
                resolved = wait is not None and rnd.random() < 0.9
                calls.append({"hour": hour, "flow_id": flow, "step_id": step, "kind": "help",
                              "status": "resolved" if resolved else
                              ("claimed" if wait is not None else "cancelled"),
                              "outcome": rnd.choice(("helped", "helped", "sent-to-counter"))
                              if resolved else None,
                              "answered": wait is not None, "wait_seconds": wait})
                if rnd.random() < 0.5:
                    result = "help"
                    break
            if rnd.random() < quit_share * hard / len(steps):
                result, quit_step = "quit", step
                events.append({**base, "type": "flow.abandon", "flow_id": flow})
                break
        if flow == "digital-skills" and result == "completed" and rnd.random() < 0.4:
            level = rnd.choice(LEVELS)
            events.append({**base, "type": "workshop", "flow_id": flow, "level": level})
            calls.append({"hour": hour, "flow_id": flow, "step_id": steps[-1], "kind": "workshop",
                          "status": "resolved", "outcome": "workshop", "answered": True,
                          "wait_seconds": rnd.uniform(30, 300)})
            result = "workshop"
        elif result == "completed":
            events.append({**base, "type": "flow.end", "flow_id": flow})
        if rnd.random() < 0.3:
            events.append({**base, "type": "feedback",
                           "value": rnd.choices(("good", "neutral", "bad"), (7, 2, 1))[0]})
        reached = steps.index(quit_step) + 1 if quit_step else len(steps)
        walks.append({"hour": hour, "session": session, "flow_id": flow,
                      "language": base["language"], "result": result, "quit_step": quit_step,
                      "steps_reached": reached, "help_calls": called,
                      "seconds": round(seconds, 3)})
    if day.weekday() in (1, 3) and visits > 50:
        registered = rnd.randint(3, 8)
        workshops.append({"hour": 14, "level": LEVELS[day.weekday() // 2], "minutes": 90,
                          "capacity": 8, "registered": registered,
                          "attended": registered - rnd.randint(0, 2), "cancelled": False})
    return {"events": events, "walks": walks, "help": calls, "workshops": workshops}


def make_region(root: Path) -> Path:
    """Write the region under ``root`` (emptied first); returns ``root``."""
    from kiosk import __version__
    from kiosk.hub.parquet_export import write_day
    from kiosk.region import schema

    shutil.rmtree(root, ignore_errors=True)
    flows = _flows()
    for office in OFFICES:
        rnd = random.Random(office)
        for i in range(DAYS):
            day = FIRST + timedelta(days=i)
            tables = _office_day(rnd, office, day, flows)
            if day.isoformat() in MISSING.get(office, set()):
                continue
            meta = {schema.META_SCHEMA: str(schema.SCHEMA_VERSION),
                    f"{schema.META_PREFIX}office": office,
                    f"{schema.META_PREFIX}day": day.isoformat(),
                    f"{schema.META_PREFIX}timezone": "Europe/Paris",
                    f"{schema.META_PREFIX}exported_at": f"{day + timedelta(days=1)}T01:3{i % 10}:00Z",
                    f"{schema.META_PREFIX}kiosk_version": __version__}
            write_day(root, office, day.isoformat(), tables, meta)
    return root


@contextmanager
def _own_data_dir() -> Iterator[None]:
    """The Région tab remembers its folder in the user data folder: a throwaway one."""
    old = os.environ.get("KIOSK_DATA_DIR")
    with tempfile.TemporaryDirectory(prefix="kiosk-region-shots-data-") as data:
        os.environ["KIOSK_DATA_DIR"] = data
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("KIOSK_DATA_DIR", None)
            else:
                os.environ["KIOSK_DATA_DIR"] = old


def tab_shots(region: Path, folder: Path) -> list[Path]:
    """region-tab-fr.png, region-tab-en.png (the offices) and region-tab-steps-fr.png."""
    from kiosk.demo import demo_manager_window, start_hub
    from kiosk.demo_robot import wait_until
    from kiosk.manager.workshops_common import qdate
    from kiosk.ui.qt import application, settle

    app = application(offscreen=True)
    data = Path(tempfile.mkdtemp(prefix="kiosk-region-shots-hub-"))
    hub = start_hub(data)  # the app logs in to a hub; the tab itself reads the folder only
    out: list[Path] = []
    try:
        with _own_data_dir():
            for lang in ("fr", "en"):
                window = demo_manager_window(hub.server.url, lang, SIZE)
                if not wait_until(lambda w=window: w.stack.currentWidget() is w.tabs):
                    raise RuntimeError(f"the manager app did not log in: {window.login_error.text()}")
                window.show_page("region")
                page = window.page("region")
                page.failed.connect(lambda why: print(f"region report failed: {why}"))
                for edit, day in ((page.start, FIRST), (page.end, LAST)):  # the folder's days,
                    edit.blockSignals(True)  # not the month before today
                    edit.setDate(qdate(day))
                    edit.blockSignals(False)
                page.open_folder(region)
                if not wait_until(lambda p=page: p.report is not None and not p.building,
                                  seconds=60):
                    raise RuntimeError("the Région tab did not read the region")
                settle()
                out.append(_grab(window, folder / f"region-tab-{lang}.png"))
                if lang == "fr":
                    page.views.setCurrentWidget(page.steps_table)
                    settle()
                    out.append(_grab(window, folder / "region-tab-steps-fr.png"))
                window.shutdown()
                window.close()
                window.deleteLater()
                app.processEvents()
    finally:
        hub.server.stop()
        shutil.rmtree(data, ignore_errors=True)
    return out


def _grab(widget: Any, path: Path) -> Path:
    widget.grab().save(str(path))
    return path


def report_shots(region: Path, folder: Path) -> list[Path]:
    """region-report-fr.png (A4 width, the first page's height) and
    region-report-phone-fr.png, from the HTML report of the whole folder."""
    chromium = shutil.which("chromium")
    if chromium is None:
        print("no chromium: region report screenshots skipped (make test installs it)")
        return []
    from playwright.sync_api import sync_playwright

    from kiosk.region import render
    from kiosk.region.report import build

    page_file = region.parent / "region-report.html"
    report = build(region).as_dict()
    # the same picture at every run: made the morning after the last day, in a fixed time
    report.update(generated_at=f"{LAST + timedelta(days=1)}T05:30:00Z", seconds=0.3)
    page_file.write_text(render.html(report, lang="fr"), encoding="utf-8")
    out: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            for name, viewport, phone in (("region-report-fr.png", A4, False),
                                          ("region-report-phone-fr.png", PHONE, True)):
                context = browser.new_context(viewport=viewport, device_scale_factor=1 if not phone else 2,
                                              is_mobile=phone, has_touch=phone, locale="fr-FR")
                page = context.new_page()
                page.goto(page_file.as_uri())
                page.screenshot(path=str(folder / name))
                out.append(folder / name)
                context.close()
        finally:
            browser.close()
    return out


def shots(folder: Path) -> list[Path]:
    """Every region screenshot into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    region = make_region(Path(tempfile.gettempdir()) / "guichet-region-auvergne" / "region")
    try:
        return tab_shots(region, folder) + report_shots(region, folder)
    finally:
        shutil.rmtree(region.parent, ignore_errors=True)


if __name__ == "__main__":
    from kiosk.ui import tour

    tour.AUTO_START = False  # no first-login tour over the tab
    files = shots(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print("\n".join(str(p) for p in files))
