"""``kiosk run``: the customer kiosk's start, with no click on its path (kiosk.launch reads
the options with ``parse_run``; ``kiosk run --help`` and mistakes go to click).

The first frame comes first: settings, Qt, then the cached first frame if it is still
right (kiosk.customer.firstframe), painted before the flows, the controller and the
widgets exist; they are built on the next turn of the loop (``KioskWindow.cover_with``).
Without such a picture (the first start, or anything it was drawn from changed) the
widgets are built before the window is shown. Either way the real first frame is kept
for the next start.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication


log = logging.getLogger(__name__)

# kiosk run's options (the click command in kiosk.customer.cli declares the same, with help)
RUN_OPTIONS = {"--hub": "hub_url", "--kiosk-id": "kiosk_id", "--token": "hub_token",
               "--first-paint-png": "first_paint_png"}
RUN_FLAGS = {"--windowed": "windowed"}


class StartError(Exception):
    """The kiosk cannot start; the message says why, in one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


def parse_run(args: list[str]) -> dict[str, Any] | None:
    """``kiosk run``'s options as keyword arguments of ``run_kiosk``, or None for anything
    else (``--help``, an unknown option, a missing value): click answers those."""
    parser = _Parser(add_help=False, allow_abbrev=False, exit_on_error=False)
    for option, dest in RUN_OPTIONS.items():
        parser.add_argument(option, dest=dest)
    for flag, dest in RUN_FLAGS.items():
        parser.add_argument(flag, dest=dest, action="store_true")
    try:
        values, rest = parser.parse_known_args(args)
    except (argparse.ArgumentError, ValueError):
        return None
    return None if rest else vars(values)


def screen_size(settings: dict[str, Any]) -> tuple[int, int]:
    """The setting ``screen_size`` (``WIDTHxHEIGHT``) as numbers."""
    w, _, h = str(settings["screen_size"]).partition("x")
    return int(w), int(h)


def flow_folders(settings: dict[str, Any]) -> list[Path]:
    """Where the kiosk's flows come from, the last one winning for a flow id."""
    from kiosk import paths

    folders = [paths.builtin_flows_dir()]
    if settings.get("flows_dir"):
        folders.append(Path(settings["flows_dir"]))
    folders.append(paths.hub_flows_dir())  # what the hub published wins
    return folders


def run_kiosk(hub_url: str | None = None, kiosk_id: str | None = None,
              hub_token: str | None = None, windowed: bool = False,
              first_paint_png: str | None = None) -> int:
    """Start the customer kiosk and run it until staff leave it; the exit code.

    ``first_paint_png`` (the start-up benchmark): print ``first-paint SECONDS`` from the
    end of the first paint (``time.monotonic()``), ``ready SECONDS`` once the real widgets
    have painted, and ``cached-frame hit|miss|stale``; save the screen as a PNG and exit."""
    from kiosk import config
    from kiosk.ui.qt import application, has_display

    if not has_display() and not first_paint_png:
        raise StartError("no screen found (DISPLAY/WAYLAND_DISPLAY unset); "
                         "try 'kiosk screenshot' or 'kiosk demo'")
    settings = config.load({"hub_url": hub_url, "kiosk_id": kiosk_id, "hub_token": hub_token})
    if not windowed and not first_paint_png and not settings["admin_pin"]:
        raise StartError("set admin_pin (4 to 8 digits): staff type it to leave the kiosk")
    app = application(offscreen=bool(first_paint_png))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    start = KioskStart(app, settings, windowed, first_paint_png)
    code = int(app.exec())
    start.finish()
    return code


class KioskStart:
    """One start of the kiosk: the window (covered by the cached first frame when there is
    a right one), the widgets, then (once they are on screen) the frame kept for the next
    start, the hub link and the voice."""

    def __init__(self, app: QApplication, settings: dict[str, Any], windowed: bool,
                 first_paint_png: str | None) -> None:
        from kiosk.customer import firstframe
        from kiosk.customer.window import KioskWindow
        from kiosk.ui.qt import FirstPaint

        self.app, self.settings, self.png = app, settings, first_paint_png
        self.frame = ""  # the cached first frame was: "hit", "miss", "stale" (or "busy")
        self.painted = False
        screen = app.primaryScreen()
        if windowed or first_paint_png:
            size = screen_size(settings)
        else:
            size = (screen.geometry().width(), screen.geometry().height())
        self.key = firstframe.key(str(settings["languages"]), flow_folders(settings), size,
                                  screen.devicePixelRatio())
        self.picture: QImage | None = firstframe.read(self.key)
        self.window = window = KioskWindow(None, settings, lockdown=not windowed, size=size)
        FirstPaint(window, self._first_paint)
        if self.picture is not None:
            window.cover_with(self.picture, self.build)
        else:
            self.build()
        if windowed or first_paint_png:
            window.show()
        else:
            # without a window manager (a bare X session) full screen is only a wish: ask
            # for the screen's size as well
            window.setGeometry(screen.geometry())
            window.showFullScreen()

    def build(self) -> None:
        """The flows, the controller and the widgets: before the window is shown, or
        after the cached picture was painted."""
        from kiosk.customer.app import make_controller
        from kiosk.ui.qt import FirstPaint

        try:
            self.ctrl = make_controller(self.settings)
            self.window.attach(self.ctrl)
        except Exception:
            if not self.painted:
                raise
            # called from the loop: leave as a failed start does (the service restarts it)
            log.exception("the kiosk could not build its screen")
            self.app.exit(1)
            return
        if self.painted:  # over the cached picture: wait for the widgets' own first paint
            FirstPaint(self.window, self._widgets_painted)

    def _first_paint(self) -> None:
        self.painted = True
        if self.png:
            _stamp("first-paint")
        if self.window.attached:  # no cached picture: the widgets painted this frame
            self._widgets_painted()

    def _widgets_painted(self) -> None:
        if self.png:
            _stamp("ready")
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self.window, self._widgets_up)  # out of the paint

    def _widgets_up(self) -> None:
        """The widgets are on screen: keep their frame, then what may change the screen."""
        self._keep_frame()
        if self.png:  # the benchmark's run: no hub, no voice
            self._benchmark_done()
            return
        from PySide6.QtCore import QTimer

        from kiosk.customer.app import recover_on_error, watch_flows
        from kiosk.customer.network import connect_to_hub
        from kiosk.customer.speech import attach_voice

        ctrl, window = self.ctrl, self.window
        watch_flows(ctrl, window)
        recover_on_error(ctrl)
        network = connect_to_hub(ctrl, self.settings)
        if network is not None:
            self.app.aboutToQuit.connect(network.stop)
        window.exitRequested.connect(self.app.quit)
        QTimer.singleShot(0, window, lambda: attach_voice(ctrl, window, self.settings))

    def _keep_frame(self) -> None:
        """Keep the widgets' first frame for the next start when the cached one differs.
        Done before anything (the voice) can change the screen, and only while it still
        shows the untouched home screen (a customer may have tapped already)."""
        from kiosk.customer import firstframe

        if not self.ctrl.pristine or self.window.overlay_open():
            self.frame = "busy"
            return
        self.frame = firstframe.keep(self.window.grab().toImage(), self.picture, self.key)

    def _benchmark_done(self) -> None:
        print(f"cached-frame {self.frame}", flush=True)
        self.window.grab().save(str(self.png))
        self.window.shutdown()
        self.app.exit(0)  # quit() would ask the locked-down window, which refuses to close

    def finish(self) -> None:
        """After the loop: let the frame being kept reach the disk."""
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(5000)


def _stamp(name: str) -> None:
    import time

    print(f"{name} {time.monotonic():.6f}", flush=True)
