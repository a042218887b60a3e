"""``kiosk manager``: the office manager's app."""

from __future__ import annotations

import click

from kiosk.languages import staff_languages


@click.command()
@click.option("--hub", "hub_url", help="Address of the office hub (setting hub_url).")
@click.option("--lang", default="fr", type=click.Choice(staff_languages("manager")), show_default=True)
def manager(hub_url: str | None, lang: str) -> None:
    """Open the manager app: edit and publish flows, statistics, kiosks, workshops, accounts.

    \b
    Example:
        kiosk manager --hub http://127.0.0.1:8765
    """
    from kiosk.cli import open_staff_window
    from kiosk.manager.app import ManagerWindow

    open_staff_window(lambda url: ManagerWindow(url, lang), hub_url, (1600, 1000), lang)
