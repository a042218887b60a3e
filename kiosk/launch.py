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
        from kiosk.customer.start import StartError, parse_run, run_kiosk

        options = parse_run(args[1:])
        if options is not None:
            from kiosk.config import SettingsError

            try:
                code = run_kiosk(**options)
            except (StartError, SettingsError) as exc:  # as click says it: one line
                sys.stderr.write(f"Error: {exc}\n")
                sys.exit(1)
            sys.exit(code)
    from kiosk.cli import main as cli

    cli(args, prog_name="kiosk")
