"""``kiosk mediator``: the mediators' console."""

from __future__ import annotations

import sys

import click

from kiosk import config


@click.command()
@click.option("--hub", "hub_url", help="Address of the office hub (setting hub_url).")
@click.option("--lang", default="fr", type=click.Choice(["fr", "en"]), show_default=True)
def mediator(hub_url: str | None, lang: str) -> None:
    """Open the mediator console: log in, then see and answer help calls live.

    \b
    Example:
        kiosk mediator --hub http://127.0.0.1:8765
    """
    from kiosk.mediator.console import ConsoleWindow
    from kiosk.ui.qt import application, has_display

    if not has_display():
        raise click.ClickException("no screen found (DISPLAY/WAYLAND_DISPLAY unset)")
    url = hub_url or config.get("hub_url")
    if not url:
        raise click.UsageError("give --hub URL (or the setting hub_url)")
    app = application()
    window = ConsoleWindow(url, lang)
    window.resize(1280, 800)
    window.show()
    app.aboutToQuit.connect(window.shutdown)
    sys.exit(app.exec())
