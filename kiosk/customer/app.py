"""Build a kiosk (library, controller, window) from settings; used by run, screenshot, demo."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from kiosk import paths
from kiosk.customer.controller import KioskController
from kiosk.customer.reload import FlowWatcher
from kiosk.customer.window import KioskWindow
from kiosk.flows.library import FlowLibrary

log = logging.getLogger(__name__)


def flow_folders(settings: dict[str, Any]) -> list[Path]:
    folders = [paths.builtin_flows_dir()]
    if settings.get("flows_dir"):
        folders.append(Path(settings["flows_dir"]))
    folders.append(paths.hub_flows_dir())  # what the hub published wins
    return folders


def load_library(settings: dict[str, Any]) -> FlowLibrary:
    library = FlowLibrary(flow_folders(settings), paths.cache_dir() / "flows.json")
    for issue in library.load():
        if issue.severity == "error":
            log.error("%s", issue)
    return library


def screen_size(settings: dict[str, Any]) -> tuple[int, int]:
    w, _, h = str(settings["screen_size"]).partition("x")
    return int(w), int(h)


def build(settings: dict[str, Any], lockdown: bool, library: FlowLibrary | None = None,
          size: tuple[int, int] | None = None) -> tuple[KioskController, KioskWindow]:
    """A controller and its window, not shown yet; ``size``: the window's, when known
    (the first render is then the one shown)."""
    library = library or load_library(settings)
    languages = [c.strip() for c in str(settings["languages"]).split(",") if c.strip()]
    ctrl = KioskController(library, str(settings["kiosk_id"]), languages, settings=settings)
    window = KioskWindow(ctrl, settings, lockdown=lockdown, size=size)
    return ctrl, window


def watch_flows(ctrl: KioskController, window: KioskWindow) -> FlowWatcher:
    """Reload flows when their files change; the home screen shows the new set."""
    watcher = FlowWatcher(ctrl.library, window)

    def refresh(_problems: list[object]) -> None:
        if ctrl.screen == "home":
            window.render()

    watcher.reloaded.connect(refresh)
    return watcher


def recover_on_error(ctrl: KioskController) -> None:
    """An unexpected error in the kiosk is logged and the screen goes back to a clean
    home: a customer is never left in front of a broken screen."""
    import sys
    import traceback

    def hook(kind: type[BaseException], error: BaseException, tb: object) -> None:
        log.error("unexpected error, back to the home screen:\n%s",
                  "".join(traceback.format_exception(kind, error, tb)))  # type: ignore[arg-type]
        try:
            ctrl.reset("error")
        except Exception:  # the reset itself failed: keep the kiosk running regardless
            log.exception("reset after an error failed")

    sys.excepthook = hook
