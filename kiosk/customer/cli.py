"""``kiosk run``, ``kiosk screenshot`` and ``kiosk demo``: the customer kiosk's commands."""

from __future__ import annotations

import sys
from pathlib import Path

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
              help="Print when the first frame and the real widgets are painted, save the "
              "screen to this PNG and exit (start-up benchmark).")
def run(hub_url: str | None, kiosk_id: str | None, hub_token: str | None, windowed: bool,
        first_paint_png: str | None) -> None:
    """Start the customer kiosk, full screen and locked down.

    Leave it with 5 taps in the top-left corner, then the staff PIN.

    \b
    Example:
        kiosk run --windowed
    """
    # 'kiosk run' itself starts without click (kiosk.launch); this is 'kiosk run' through
    # the click group ('python -m kiosk.cli run', CliRunner)
    from kiosk.customer.start import StartError, run_kiosk

    try:
        code = run_kiosk(hub_url, kiosk_id, hub_token, windowed, first_paint_png)
    except StartError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


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
