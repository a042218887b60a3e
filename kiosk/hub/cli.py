"""``kiosk hub``: run the office hub, register kiosks and people, erase old personal data,
and export anonymous statistics."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlite_utils

from kiosk import config, paths


def _db_path(db: str | None) -> Path:
    chosen = db or config.get("hub_db")
    path = Path(chosen) if chosen else paths.data_dir() / "hub.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@click.group(invoke_without_command=True)
@click.option("--db", help="Database file (setting hub_db).")
@click.option("--host", help="Address to listen on (setting hub_host).")
@click.option("--port", type=int, help="Port to listen on (setting hub_port).")
@click.pass_context
def hub(ctx: click.Context, db: str | None, host: str | None, port: int | None) -> None:
    """Run the office hub (help queue, events, kiosks, accounts).

    \b
    Example:
        kiosk hub --db /var/lib/guichet-kiosk/hub.sqlite3 --port 8765
    """
    ctx.obj = {"db": _db_path(db)}
    if ctx.invoked_subcommand is not None:
        return
    from kiosk.hub.server import serve

    settings = config.load({"hub_host": host, "hub_port": port})
    timezone = _timezone(settings["hub_timezone"])
    click.echo(f"hub on http://{settings['hub_host']}:{settings['hub_port']} "
               f"(database {ctx.obj['db']})", err=True)
    serve(ctx.obj["db"], settings["hub_host"], settings["hub_port"],
          float(settings["help_realert_after"]), timezone=timezone,
          retention_days=float(settings["workshop_retention_days"]))


def _timezone(name: str) -> str:
    """The setting hub_timezone, checked (a usage error names a bad one)."""
    from kiosk.hub.times import office_tz

    try:
        office_tz(name)
    except ValueError as exc:
        raise click.UsageError(f"setting hub_timezone: {exc}") from None
    return name


def _open(ctx: click.Context) -> sqlite_utils.Database:
    from kiosk.hub.db import connect, migrate

    db = connect(ctx.obj["db"])
    migrate(db)
    return db


@hub.command("add-kiosk")
@click.argument("name")
@click.pass_context
def add_kiosk(ctx: click.Context, name: str) -> None:
    """Register a kiosk and print its device token (alone on stdout).

    Running it again for the same NAME gives a new token; the old one stops working.

    \b
    Example:
        kiosk hub add-kiosk entree-gauche > kiosk.token
    """
    import re

    from kiosk.hub.auth import add_kiosk as register

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", name):
        raise click.BadParameter("letters, digits, '.', '_' and '-' only", param_hint="NAME")
    db = _open(ctx)
    with db.atomic():
        token = register(db, name)
    db.close()
    click.echo(f"kiosk '{name}' registered in {ctx.obj['db']}", err=True)
    click.echo(token)


@hub.command("add-user")
@click.argument("name")
@click.option("--role", type=click.Choice(["mediator", "manager"]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.pass_context
def add_user(ctx: click.Context, name: str, role: str, password_stdin: bool) -> None:
    """Add a mediator or a manager (or set a new password for them).

    \b
    Example:
        kiosk hub add-user aicha --role mediator
    """
    from kiosk.hub.auth import add_user as register

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    db = _open(ctx)
    try:
        with db.atomic():
            register(db, name, role, password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.close()
    click.echo(f"{role} '{name}' saved in {ctx.obj['db']}", err=True)


@hub.command()
@click.option("--days", type=float, help="Keep this many days (setting workshop_retention_days).")
@click.pass_context
def purge(ctx: click.Context, days: float | None) -> None:
    """Erase the first names, phones and e-mails of registrations to workshops that started
    longer ago than the retention period (the hub also does it every hour).

    \b
    Example:
        kiosk hub purge --days 90
    """
    from kiosk.hub.workshops import purge as erase

    keep = float(config.get("workshop_retention_days") if days is None else days)
    db = _open(ctx)
    try:
        with db.atomic():
            erased = erase(db, keep)
    finally:
        db.close()
    click.echo(f"{erased} registrations erased (workshops over {keep:g} days old)", err=True)


@hub.command()
@click.option("--from", "start", required=True, help="First day (YYYY-MM-DD), office time.")
@click.option("--to", "end", required=True, help="Last day (YYYY-MM-DD), included.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: standard output).")
@click.option("--db", "db_file", type=click.Path(exists=True, dir_okay=False),
              help="Database file (default: the hub's).")
@click.pass_context
def export(ctx: click.Context, start: str, end: str, fmt: str, out: str | None,
           db_file: str | None) -> None:
    """Export anonymous events and help statistics for a region's analytics.

    Visits are hashed with a salt made afresh for each export; no free text, no note and
    no exact time leaves the office (see kiosk.hub.export).

    \b
    Example:
        kiosk hub export --from 2026-11-01 --to 2026-11-30 --format csv --out nov.csv
    """
    from kiosk.hub.export import write
    from kiosk.hub.times import office_tz, parse_period

    tz = office_tz(_timezone(config.get("hub_timezone")))
    try:
        period = parse_period(start, end, tz)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if db_file is None and not Path(ctx.obj["db"]).exists():
        raise click.UsageError(f"no hub database at {ctx.obj['db']} (use --db)")
    ctx.obj["db"] = Path(db_file) if db_file else ctx.obj["db"]
    db = _open(ctx)
    try:
        if out:
            with open(out, "w", encoding="utf-8", newline="") as fh:
                count = write(db, period, tz, fmt, fh)
        else:
            count = write(db, period, tz, fmt, sys.stdout)
    finally:
        db.close()
    click.echo(f"{count} records exported", err=True)
