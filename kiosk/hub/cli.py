"""``kiosk hub``: run the office hub, and register kiosks and people."""

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
    click.echo(f"hub on http://{settings['hub_host']}:{settings['hub_port']} "
               f"(database {ctx.obj['db']})", err=True)
    serve(ctx.obj["db"], settings["hub_host"], settings["hub_port"],
          float(settings["help_realert_after"]))


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
