"""The ``kiosk`` command: one click group, every subcommand loaded only when used.

Start-up stays fast: ``kiosk run`` never imports the hub, FastAPI or sqlite-utils.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from kiosk import __version__

# name -> "module:attribute"; the module is imported only when the command runs
COMMANDS = {
    "run": "kiosk.customer.cli:run",
    "screenshot": "kiosk.customer.cli:screenshot",
    "demo": "kiosk.demo:demo_command",
    "flows": "kiosk.flows.cli:flows",
    "hub": "kiosk.hub.cli:hub",
    "mediator": "kiosk.mediator.cli:mediator",
    "manager": "kiosk.manager.cli:manager",
    "voice": "kiosk.voice.cli:voice",
    "doctor": "kiosk.doctor:doctor",
    "settings": "kiosk.settings_cli:settings",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def invoke(self, ctx: click.Context) -> Any:
        from kiosk.config import SettingsError

        try:
            return super().invoke(ctx)
        except SettingsError as exc:  # a bad settings file: one line, not a traceback
            raise click.ClickException(str(exc)) from None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, attr = self.lazy[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kiosk")
def main() -> None:
    """Guichet Kiosk: guided post-office tasks with speech and one-tap help.

    \b
    Example:
        kiosk run --windowed
    """


def open_staff_window(make: Any, hub_url: str | None, size: tuple[int, int]) -> None:
    """Run a staff app (console, manager): ``make(url)`` builds its window; the hub's
    address comes from ``--hub`` or the setting hub_url. Never returns."""
    import sys

    from kiosk import config
    from kiosk.ui.qt import application, has_display

    if not has_display():
        raise click.ClickException("no screen found (DISPLAY/WAYLAND_DISPLAY unset)")
    url = hub_url or config.get("hub_url")
    if not url:
        raise click.UsageError("give --hub URL (or the setting hub_url)")
    app = application()
    window = make(url)
    window.resize(*size)
    window.show()
    app.aboutToQuit.connect(window.shutdown)
    sys.exit(app.exec())


if __name__ == "__main__":  # pragma: no cover
    main()
