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
    "region": "kiosk.region.cli:region",
}

#: commands that need the extra ``guichet-kiosk[apps]`` (Qt, the voices, vosk), and what
#: they import from it; a hub machine installs the package without it
NEEDS_APPS = {"run": ("PySide6",), "screenshot": ("PySide6",), "demo": ("PySide6",),
              "mediator": ("PySide6",), "manager": ("PySide6",), "voice": ("pyttsx3", "vosk")}
APPS_EXTRA = "guichet-kiosk[apps]"
APP_MODULES = tuple(dict.fromkeys(m for mods in NEEDS_APPS.values() for m in mods))


def apps_missing_message(command: str, module: str) -> str:
    """The one line a command that needs the apps' extra says when ``module`` is absent."""
    return (f"'kiosk {command}' needs the kiosk and staff apps, not installed here "
            f"({module} is missing): pip install '{APPS_EXTRA}'")


def missing_modules(*names: str) -> list[str]:
    """Which of these top-level modules cannot be imported here (without importing them)."""
    from importlib.util import find_spec

    missing = []
    for name in names:
        try:
            if find_spec(name) is None:
                missing.append(name)
        except (ImportError, ValueError):
            missing.append(name)
    return missing


def missing_app_module(command: str) -> str | None:
    """The first module of the apps' extra that ``command`` needs and cannot import."""
    missing = missing_modules(*NEEDS_APPS.get(command, ()))
    return missing[0] if missing else None


class BadSettings(click.ClickException):
    """A settings file or value that cannot be used: one line, exit status 78 (EX_CONFIG;
    the units give up on it instead of restarting)."""

    exit_code = 78  # kiosk.config.CONFIG_EXIT (not imported: click is loaded first)


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
            raise BadSettings(str(exc)) from None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            missing = missing_app_module(cmd_name)
            if missing is not None and not ctx.resilient_parsing:
                return _missing_apps(cmd_name, missing)
            module, attr = self.lazy[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


def _missing_apps(name: str, module: str) -> click.Command:
    """A stand-in for a command whose apps are not installed: any use of it (its
    ``--help`` included) says so in one line and exits 1."""

    def say(**_options: Any) -> None:
        raise click.ClickException(apps_missing_message(name, module))

    return click.Command(name, callback=say, help=f"(needs {APPS_EXTRA})",
                         context_settings={"ignore_unknown_options": True,
                                           "allow_extra_args": True},
                         params=[click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)],
                         add_help_option=False)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kiosk")
def main() -> None:
    """Guichet Kiosk: guided post-office tasks with speech and one-tap help.

    \b
    Example:
        kiosk run --windowed
    """


def open_staff_window(make: Any, hub_url: str | None, size: tuple[int, int],
                      language: str = "fr") -> None:
    """Run a staff app (console, manager) in ``language``, Qt's own dialogs included:
    ``make(url)`` builds its window; the hub's address comes from ``--hub`` or the setting
    hub_url. Never returns."""
    import sys

    from kiosk import config
    from kiosk.ui.qt import application, has_display, use_qt_language

    if not has_display():
        raise click.ClickException("no screen found (DISPLAY/WAYLAND_DISPLAY unset)")
    url = hub_url or config.get("hub_url")
    if not url:
        raise click.UsageError("give --hub URL (or the setting hub_url)")
    app = application()
    use_qt_language(language)
    window = make(url)
    window.resize(*size)
    window.show()
    app.aboutToQuit.connect(window.shutdown)
    sys.exit(app.exec())


if __name__ == "__main__":  # pragma: no cover
    main()
