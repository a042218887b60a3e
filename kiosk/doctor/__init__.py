"""``kiosk doctor``: is this machine ready for its role? A table of checks, each failure
with the fix to apply; exit code 1 when any check fails (a warning is something optional
missing, or something to do soon).

One module per role, each saying what it checks:

- :mod:`kiosk.doctor.kiosk` (the default): a customer kiosk, with its screen, voices,
  audio, microphone, hub and staff PIN;
- :mod:`kiosk.doctor.hub`: the office hub (database, disk, certificate, listening address,
  last backup, clock), never Qt nor audio, so it runs on a hub-only install;
- :mod:`kiosk.doctor.staff`: a mediator's or the manager's PC (Qt, display, fonts, hub,
  pinned certificate, clock).

Shared parts: :mod:`~kiosk.doctor.common` (the check row, free disk, the apps' extra),
:mod:`~kiosk.doctor.network` (the hub seen from a client), :mod:`~kiosk.doctor.screen`
(the real display, the fonts). Only the roles with a screen import PySide6, and only
inside their checks.
"""

from __future__ import annotations

import dataclasses
import importlib
import json

import click

from kiosk import config
from kiosk.doctor.common import Check, Settings

__all__ = ["ROLES", "Check", "doctor", "run_checks"]

ROLES = ("kiosk", "hub", "staff")


def run_checks(settings: Settings, role: str = "kiosk") -> list[Check]:
    """Every check of ``role`` ("kiosk", "hub" or "staff"), in the report's order."""
    if role not in ROLES:
        raise ValueError(f"no role {role!r}: {', '.join(ROLES)}")
    module = importlib.import_module(f"kiosk.doctor.{role}")
    checks: list[Check] = module.checks(settings)
    return checks


@click.command()
@click.option("--role", type=click.Choice(ROLES), default="kiosk", show_default=True,
              help="What this machine is: a customer kiosk, the office hub, or a mediator's "
                   "or the manager's PC (staff).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the checks as JSON: a list of {name, status, detail, fix}.")
def doctor(role: str, as_json: bool) -> None:
    """Check this machine for its role, each failure with its fix; exit 1 on a failure.

    \b
    kiosk: display, fonts, voices, audio, microphone, hub, disk, staff PIN
    hub:   database, disk, certificate expiry, listening address, last backup,
           clock (no screen, no audio: works without guichet-kiosk[apps])
    staff: Qt, display, fonts, hub and its pinned certificate, clock

    \b
    Example:
        sudo -u kiosk kiosk doctor
        sudo -u guichet env KIOSK_DATA_DIR=/var/lib/guichet-kiosk kiosk doctor --role hub
        kiosk doctor --role staff
        kiosk doctor --role hub --json
    """
    checks = run_checks(config.load(), role)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(c) for c in checks], ensure_ascii=False,
                              indent=2))
    else:
        width = max(len(c.name) for c in checks)
        marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
        for c in checks:
            click.echo(f"{marks[c.status]}  {c.name:<{width}}  {c.detail}")
            if c.fix:
                click.echo(f"      {'':<{width}}  fix: {c.fix}")
    if any(c.status == "fail" for c in checks):
        raise SystemExit(1)
