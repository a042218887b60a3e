"""The ``kiosk`` command's entry point. ``kiosk run`` starts at once, its options read
without click (kiosk.customer.start); every other command, ``kiosk run --help`` and any
mistake go to the click group (kiosk.cli), which answers them as usual.

Click costs ~25 ms that a kiosk's first frame would wait for (DESIGN.md: "Start path").
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["run"]:
        try:
            from kiosk.customer.start import StartError, parse_run, run_kiosk
        except ModuleNotFoundError as exc:  # a hub-only install: no Qt here
            _no_apps(exc)

        options = parse_run(args[1:])
        if options is not None:
            from kiosk.config import SettingsError

            try:
                code = run_kiosk(**options)
            except ModuleNotFoundError as exc:
                _no_apps(exc)
            except StartError as exc:  # as click says it: one line
                sys.stderr.write(f"Error: {exc}\n")
                sys.exit(1)
            except SettingsError as exc:
                from kiosk.config import CONFIG_EXIT

                sys.stderr.write(f"Error: {exc}\n")
                sys.exit(CONFIG_EXIT)
            sys.exit(code)
    from kiosk.cli import main as cli

    cli(args, prog_name="kiosk")


def _no_apps(exc: ModuleNotFoundError) -> None:
    """``kiosk run`` where the apps' extra is not installed: one line, exit 1 (any other
    missing module is a bug and raises)."""
    from kiosk.cli import APP_MODULES, apps_missing_message

    top = (exc.name or "").split(".")[0]
    if top not in APP_MODULES:
        raise exc
    sys.stderr.write(f"Error: {apps_missing_message('run', top)}\n")
    sys.exit(1)
