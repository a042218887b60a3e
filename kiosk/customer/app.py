"""Build a kiosk (library, controller, window) from settings; used by run, screenshot, demo."""

from __future__ import annotations

import logging
from typing import Any

from kiosk import paths
from kiosk.customer.controller import KioskController
from kiosk.customer.reload import FlowWatcher
from kiosk.customer.start import flow_folders, screen_size
from kiosk.customer.window import KioskWindow
from kiosk.flows.library import FlowLibrary

log = logging.getLogger(__name__)
__all__ = ["build", "flow_folders", "load_library", "make_controller", "recover_on_error",
           "screen_size", "watch_flows"]


def load_library(settings: dict[str, Any]) -> FlowLibrary:
    library = FlowLibrary(flow_folders(settings), paths.cache_dir() / "flows.json")
    for issue in library.load():
        if issue.severity == "error":
            log.error("%s", issue)
    return library


def make_controller(settings: dict[str, Any],
                    library: FlowLibrary | None = None) -> KioskController:
    """The kiosk's controller, on its flows (loaded from the settings' folders)."""
    library = library or load_library(settings)
    from kiosk.languages import chosen

    return KioskController(library, str(settings["kiosk_id"]), chosen(settings["languages"]),
                           settings=settings)


def build(settings: dict[str, Any], lockdown: bool, library: FlowLibrary | None = None,
          size: tuple[int, int] | None = None) -> tuple[KioskController, KioskWindow]:
    """A controller and its window, not shown yet; ``size``: the window's, when known
    (the first render is then the one shown)."""
    ctrl = make_controller(settings, library)
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
