"""``kiosk manager``: the office manager's app."""

from __future__ import annotations

import sys

import click

from kiosk import config


@click.command()
@click.option("--hub", "hub_url", help="Address of the office hub (setting hub_url).")
@click.option("--lang", default="fr", type=click.Choice(["fr", "en"]), show_default=True)
def manager(hub_url: str | None, lang: str) -> None:
    """Open the manager app: edit and publish flows, statistics, kiosks, workshops, accounts.

    \b
    Example:
        kiosk manager --hub http://127.0.0.1:8765
    """
    from kiosk.manager.app import ManagerWindow
    from kiosk.ui.qt import application, has_display

    if not has_display():
        raise click.ClickException("no screen found (DISPLAY/WAYLAND_DISPLAY unset)")
    url = hub_url or config.get("hub_url")
    if not url:
        raise click.UsageError("give --hub URL (or the setting hub_url)")
    app = application()
    window = ManagerWindow(url, lang)
    window.resize(1600, 1000)
    window.show()
    app.aboutToQuit.connect(window.shutdown)
    sys.exit(app.exec())
