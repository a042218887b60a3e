"""``kiosk hub``: run the office hub, register kiosks and people, erase old personal data,
export anonymous statistics, and back up the database (to a second folder too). The
certificate's commands (make-cert, renew-cert) are in :mod:`kiosk.hub.cli_cert`, the export
in :mod:`kiosk.hub.cli_export`."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

import click
import sqlite_utils

from kiosk import config, paths
from kiosk.hub import cli_cert, cli_export

DAMAGED_EXIT = 3  # the database is damaged: restarting will not help (systemd stops here)


def _db_path(db: str | None) -> Path:
    chosen = db or config.get("hub_db")
    path = Path(chosen) if chosen else paths.data_dir() / "hub.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@click.group(invoke_without_command=True)
@click.option("--db", help="Database file (setting hub_db).")
@click.option("--host", help="Address to listen on (setting hub_host).")
@click.option("--port", type=int, help="Port to listen on (setting hub_port).")
@click.option("--cert", "cert_file", type=click.Path(dir_okay=False),
              help="Certificate to serve HTTPS with (setting hub_cert_file).")
@click.option("--key", "key_file", type=click.Path(dir_okay=False),
              help="Its private key (setting hub_key_file).")
@click.pass_context
def hub(ctx: click.Context, db: str | None, host: str | None, port: int | None,
        cert_file: str | None, key_file: str | None) -> None:
    """Run the office hub (help queue, events, kiosks, accounts).

    It serves HTTPS with --cert and --key (the office's certificate, or one made by
    'kiosk hub make-cert'); without them, plain HTTP on 127.0.0.1 only. The packaged hub's
    are /var/lib/guichet-kiosk/tls/hub-cert.pem and hub-key.pem (settings hub_cert_file and
    hub_key_file; make, renew and re-pin: packaging/README.md, 'The certificate').

    \b
    Example:
        kiosk hub --db /var/lib/guichet-kiosk/hub.sqlite3 --host 0.0.0.0 --port 8765 \\
            --cert /var/lib/guichet-kiosk/tls/hub-cert.pem \\
            --key /var/lib/guichet-kiosk/tls/hub-key.pem
    """
    ctx.obj = {"db": _db_path(db)}
    if ctx.invoked_subcommand is not None:
        return
    from kiosk.hub.server import serve

    settings = config.load({"hub_host": host, "hub_port": port, "hub_cert_file": cert_file,
                            "hub_key_file": key_file})
    timezone = _timezone(settings["hub_timezone"])
    cert, key, scheme = _tls(settings)
    click.echo(f"hub on {scheme}://{settings['hub_host']}:{settings['hub_port']} "
               f"(database {ctx.obj['db']})", err=True)
    from kiosk.hub.db import DamagedDatabase

    try:
        serve(ctx.obj["db"], settings["hub_host"], settings["hub_port"],
              float(settings["help_realert_after"]), timezone=timezone,
              retention_days=float(settings["workshop_retention_days"]), cert_file=cert,
              key_file=key)
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            raise
        where = f"{settings['hub_host']}:{settings['hub_port']}"
        why = {errno.EADDRINUSE: "is in use (another hub, or another program: 'ss -ltnp' "
                                 "shows which)",
               errno.EADDRNOTAVAIL: "is not an address of this machine (setting hub_host)",
               errno.EACCES: "needs privileges (use a port above 1023, setting hub_port)"}
        click.echo(f"kiosk hub: cannot listen on {where}: it {why[exc.errno]}.", err=True)
        sys.exit(1)
    except DamagedDatabase as exc:
        click.echo(f"kiosk hub: the database cannot be used: {exc}. Nothing was changed; "
                   "restore the last backup (packaging/README.md, 'Restore').", err=True)
        sys.exit(DAMAGED_EXIT)


def _tls(settings: dict[str, object]) -> tuple[Path | None, Path | None, str]:
    """The certificate and key to serve with (checked: a usage error says what is wrong),
    and the scheme; the certificate's fingerprint goes to stderr for the clients' pin."""
    from kiosk.hub.tls import TlsError, cert_sha256, check_listen

    cert = Path(str(settings["hub_cert_file"])) if settings["hub_cert_file"] else None
    key = Path(str(settings["hub_key_file"])) if settings["hub_key_file"] else None
    try:
        check_listen(str(settings["hub_host"]), cert, key)
        if cert is None:
            return None, None, "http"
        click.echo(f"certificate {cert}, SHA-256 {cert_sha256(cert)} (the clients' setting "
                   "hub_cert_sha256)", err=True)
    except TlsError as exc:
        raise click.UsageError(str(exc)) from None
    return cert, key, "https"


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


# the certificate's commands: kiosk/hub/cli_cert.py; the export: kiosk/hub/cli_export.py
hub.add_command(cli_cert.make_cert)
hub.add_command(cli_cert.renew_cert)
hub.add_command(cli_export.export)


@hub.command("console-qr")
@click.option("--url", help="The phone console's address (default: from the settings hub_host, "
                            "hub_port and the certificate: https://NAME:PORT/console/).")
@click.option("--png", "png", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the QR code to this PNG file (to print and stick by the door).")
def console_qr(url: str | None, png: Path | None) -> None:
    """Print the phone console's address as a QR code: a mediator scans it with their
    phone's camera and logs in with their usual name and password.

    \b
    Example:
        kiosk hub console-qr --url https://hub.office.lan:8765/console/ --png console.png
    """
    import segno

    address = url or _console_url(config.load())
    code = segno.make(address, error="m")
    click.echo(address)
    code.terminal(compact=True)
    if png is not None:
        code.save(str(png), scale=10, border=4)
        click.echo(f"QR code written to {png}", err=True)


def _console_url(settings: dict[str, object]) -> str:
    """The phone console's address from the hub's settings: its certificate's first name
    (what phones must call it for the certificate to match), else this machine's name."""
    from kiosk.hub.tls import default_names

    scheme = "https" if settings["hub_cert_file"] else "http"
    host = str(settings["hub_host"])
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - a name to print, not to bind
        host = default_names()[0]
    return f"{scheme}://{host}:{settings['hub_port']}/console/"


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
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the backups, made if missing (default: the setting "
                   "hub_backup_dir, /var/backups/guichet-kiosk).")
@click.option("--copy-to", "copy_folder", type=click.Path(file_okay=False, path_type=Path),
              help="Then copy the backup into this second folder too (a mounted share, a USB "
                   "key; it must exist) and check that the copy opens.")
@click.option("--keep", type=click.IntRange(min=1),
              help="Keep only the newest N backups in each folder (default: keep them all).")
@click.pass_context
def backup(ctx: click.Context, folder: Path | None, copy_folder: Path | None,
           keep: int | None) -> None:
    """Copy the hub's database to a new file hub-<UTC time>.sqlite3 in the --to folder and
    print its path. The copy is consistent even while the hub runs (SQLite's online backup).

    With --copy-to, that file is then copied into a second folder (off the hub's disk:
    a share, a USB key), checked there, and its path printed on a second line. A copy that
    fails says which and why and exits 1; the first backup stays.

    Restore: stop the hub, delete hub.sqlite3-wal and hub.sqlite3-shm, copy a backup
    over hub.sqlite3, start the hub (see packaging/README.md).

    \b
    Example:
        kiosk hub --db /var/lib/guichet-kiosk/hub.sqlite3 backup --to /var/backups/guichet-kiosk
        kiosk hub backup --to /var/backups/guichet-kiosk --copy-to /mnt/office-share/hub --keep 14
    """
    import sqlite3

    source: Path = ctx.obj["db"]
    if not source.is_file():
        raise click.UsageError(f"no hub database at {source} (use --db)")
    folder = folder or Path(config.get("hub_backup_dir"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        made = _backup(source, folder)
    except (sqlite3.Error, OSError) as exc:
        raise click.ClickException(f"cannot back up {source} into {folder}: {exc}") from None
    count = _prune(folder, keep, made)
    click.echo(made)
    click.echo(f"{source} backed up; backups in {folder}: {count}", err=True)
    if copy_folder is None:
        return
    try:
        copy = _copy(made, copy_folder)
    except (OSError, sqlite3.Error, ValueError) as exc:
        raise click.ClickException(f"the copy of {made.name} to {copy_folder} failed: {exc}. "
                                   f"The backup {made} is made; nothing else changed.") from None
    count = _prune(copy_folder, keep, copy)
    click.echo(copy)
    click.echo(f"copied to {copy_folder} and checked; backups there: {count}", err=True)
    if copy_folder.stat().st_dev == source.stat().st_dev:
        click.echo(f"note: {copy_folder} is on the same disk as the database (is the share "
                   "mounted?): a disk failure would take both", err=True)


def _prune(folder: Path, keep: int | None, made: Path) -> int:
    """Remove all but the ``keep`` newest backups of ``folder`` (never ``made``); how
    many are left."""
    backups = sorted(folder.glob("hub-*Z.sqlite3"))  # the names sort by time
    for stale in backups[:-keep] if keep else []:
        if stale != made:
            stale.unlink()
    return len(list(folder.glob("hub-*Z.sqlite3")))


def _copy(made: Path, folder: Path) -> Path:
    """``made`` copied into ``folder`` under a temporary name, synced, checked (it opens,
    ``PRAGMA quick_check`` says ok) and only then renamed to its backup name; ValueError
    or OSError says why not, and nothing is left behind."""
    import errno
    import os
    import shutil
    import sqlite3
    from urllib.parse import quote

    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder (is the share mounted? the USB key in?)")
    target = folder / made.name
    partial = folder / (made.name + ".partial")
    try:
        out = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(out, "wb") as dst, open(made, "rb") as src:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        # immutable: no lock and no journal beside it, which a share may not allow
        check = sqlite3.connect(f"file:{quote(str(partial.absolute()))}?mode=ro&immutable=1",
                                uri=True)
        try:
            found = str(check.execute("PRAGMA quick_check").fetchone()[0])
        finally:
            check.close()
        if found != "ok":
            raise ValueError(f"the copy does not check out ({found})")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:  # some shares cannot sync a folder: the file itself is synced
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)
    return target


def _backup(source: Path, folder: Path) -> Path:
    """One backup, written under a temporary name and renamed once complete and checked,
    so a half-made file never looks like a backup; readable by its owner only (it holds
    personal data)."""
    import datetime as dt
    import os
    import sqlite3

    target = folder / f"hub-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S.%f}Z.sqlite3"
    partial = target.with_name(target.name + ".partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check = dst.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dst.close()
            src.close()
        if check != "ok":
            raise click.ClickException(f"the copy of {source} does not check out: {check}")
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        partial.replace(target)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    finally:
        partial.unlink(missing_ok=True)
    return target
