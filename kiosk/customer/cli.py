"""``kiosk run``, ``kiosk screenshot`` and ``kiosk demo``: the customer kiosk's commands."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from kiosk import config

LOOK_OPTIONS = [
    click.option("--lang", default="fr", show_default=True, help="Language code."),
    click.option("--text-size", type=click.Choice(["1", "1.5", "2"]), default="1",
                 show_default=True, help="Text size factor."),
    click.option("--contrast", type=click.Choice(["normal", "high"]), default="normal",
                 show_default=True, help="Colour theme."),
]


@click.command()
@click.option("--hub", "hub_url", help="Address of the office hub (setting hub_url).")
@click.option("--kiosk-id", help="Name of this kiosk on the hub (setting kiosk_id).")
@click.option("--token", "hub_token", help="This kiosk's device token (setting hub_token).")
@click.option("--windowed", is_flag=True, help="A normal window, no lockdown (development).")
@click.option("--first-paint-png", type=click.Path(dir_okay=False), hidden=True,
              help="Print when the first frame is painted, save the screen to this PNG and "
              "exit (start-up benchmark).")
def run(hub_url: str | None, kiosk_id: str | None, hub_token: str | None, windowed: bool,
        first_paint_png: str | None) -> None:
    """Start the customer kiosk, full screen and locked down.

    Leave it with 5 taps in the top-left corner, then the staff PIN.

    \b
    Example:
        kiosk run --windowed
    """
    from kiosk.ui.qt import application, has_display

    if not has_display() and not first_paint_png:
        raise click.ClickException("no screen found (DISPLAY/WAYLAND_DISPLAY unset); "
                                   "try 'kiosk screenshot' or 'kiosk demo'")
    settings = config.load({"hub_url": hub_url, "kiosk_id": kiosk_id, "hub_token": hub_token})
    app = application(offscreen=bool(first_paint_png))
    from kiosk.customer.app import build, recover_on_error, screen_size, watch_flows

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if windowed or first_paint_png:
        size = screen_size(settings)
    else:
        screen = app.primaryScreen().geometry()
        size = (screen.width(), screen.height())
    ctrl, window = build(settings, lockdown=not windowed, size=size)
    if first_paint_png:
        sys.exit(_first_paint(app, window, first_paint_png))
    watch_flows(ctrl, window)
    recover_on_error(ctrl)
    from kiosk.customer.network import connect_to_hub

    network = connect_to_hub(ctrl, settings)
    if network is not None:
        app.aboutToQuit.connect(network.stop)
    if windowed:
        window.show()
    else:
        # without a window manager (a bare X session) full screen is only a wish: ask
        # for the screen's size as well
        window.setGeometry(app.primaryScreen().geometry())
        window.showFullScreen()
    window.exitRequested.connect(app.quit)
    from PySide6.QtCore import QTimer

    from kiosk.customer.speech import attach_voice

    QTimer.singleShot(0, window, lambda: attach_voice(ctrl, window, settings))
    sys.exit(app.exec())


def _first_paint(app: Any, window: Any, png: str) -> int:
    """The start-up benchmark's run: ``first-paint SECONDS`` on stdout (time.monotonic()
    at the end of the window's first paint), then the screen saved as a PNG."""
    import time

    from kiosk.ui.qt import FirstPaint

    def painted() -> None:
        print(f"first-paint {time.monotonic():.6f}", flush=True)
        window.grab().save(png)
        window.shutdown()
        app.exit(0)  # quit() would ask the locked-down window, which refuses to close

    FirstPaint(window, painted)
    window.show()
    return int(app.exec())


def _apply_look(command: click.Command) -> click.Command:
    for option in reversed(LOOK_OPTIONS):
        command = option(command)
    return command


@click.command()
@click.option("--flow", "flow_id", help="Flow id; without it, the home screen.")
@click.option("--step", "step_id", help="Step id (default: the flow's start).")
@click.option("--outcome", type=click.Choice(["help", "workshop"]),
              help="Show the help or workshop screen of that step instead.")
@click.option("--size", default=None, help="WIDTHxHEIGHT (setting screen_size).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="PNG file to write.")
@_apply_look
def screenshot(flow_id: str | None, step_id: str | None, outcome: str | None,
               size: str | None, out: str, lang: str, text_size: str, contrast: str) -> None:
    """Render one kiosk screen offscreen to a PNG file and exit.

    \b
    Example:
        kiosk screenshot --flow send-parcel --step weigh --lang ar --text-size 2 --out s.png
    """
    from kiosk.customer.shots import Shot, render_shots

    settings = config.load({"screen_size": size})
    shot = Shot(Path(out), flow_id, step_id, lang, float(text_size), contrast == "high",
                outcome)
    try:
        render_shots(settings, [shot])
    except KeyError as exc:
        raise click.ClickException(f"unknown flow or step: {exc}") from None
    click.echo(out)
