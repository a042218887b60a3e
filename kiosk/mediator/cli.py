"""``kiosk mediator``: the mediators' console."""

from __future__ import annotations

import click

from kiosk.languages import staff_languages


@click.command()
@click.option("--hub", "hub_url", help="Address of the office hub (setting hub_url).")
@click.option("--lang", default="fr", type=click.Choice(staff_languages("mediator")), show_default=True)
def mediator(hub_url: str | None, lang: str) -> None:
    """Open the mediator console: log in, then see and answer help calls live.

    \b
    Example:
        kiosk mediator --hub http://127.0.0.1:8765
    """
    from kiosk.cli import open_staff_window
    from kiosk.mediator.console import ConsoleWindow

    open_staff_window(lambda url: ConsoleWindow(url, lang), hub_url, (1280, 800), lang)
