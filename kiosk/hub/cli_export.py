"""``kiosk hub export``: anonymous statistics for a region, as CSV or JSON lines (one file,
``kiosk.hub.export``) or as Parquet partitions in a folder the region collects
(``kiosk.hub.parquet_export``, layout in ``kiosk.region.schema``)."""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from kiosk import config

if TYPE_CHECKING:
    import sqlite_utils

    from kiosk.hub import csvsafe
    from kiosk.hub.times import Period


def _days(start: str | None, end: str | None, days: int | None, tz_name: str,
          ) -> tuple[str, str]:
    """``--from`` and ``--to`` as given, or the ``--days`` days before today (office time)."""
    from kiosk.hub.times import office_tz

    if days is not None:
        if start or end:
            raise click.UsageError("give either --days or --from and --to, not both")
        today = datetime.now(office_tz(tz_name)).date()
        return (today - timedelta(days=days)).isoformat(), (today - timedelta(days=1)).isoformat()
    if not (start and end):
        raise click.UsageError("give --from and --to (days, YYYY-MM-DD), or --days N")
    return start, end


@click.command()
@click.option("--from", "start", help="First day (YYYY-MM-DD), office time.")
@click.option("--to", "end", help="Last day (YYYY-MM-DD), included.")
@click.option("--days", type=click.IntRange(min=1, max=3660),
              help="Instead of --from and --to: the N days before today (office time), "
                   "e.g. 7 for a nightly export that also catches late events.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "parquet"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(writable=True),
              help="csv, jsonl: file to write, saying how far it is on stderr (default: "
                   "standard output, silently). parquet: the folder the region collects "
                   "(required).")
@click.option("--lang", help="CSV: language of the header and the cells (a manager app's "
                             "language: fr or en; default fr).")
@click.option("--sep", help="CSV: separator, ';' or ',' (default: the language's, ';' in "
                            "French, ',' in English).")
@click.option("--db", "db_file", type=click.Path(exists=True, dir_okay=False),
              help="Database file (default: the hub's).")
@click.pass_context
def export(ctx: click.Context, start: str | None, end: str | None, days: int | None, fmt: str,
           out: str | None, lang: str | None, sep: str | None, db_file: str | None) -> None:
    """Export anonymous events and help statistics for a region's analytics.

    Visits are hashed with a salt made afresh for each export; no free text, no note and
    no exact time leaves the office (see kiosk.hub.export). CSV opens in a spreadsheet as
    it is: UTF-8 with a byte order mark, header and yes / no in --lang, decimal comma in
    French, flow and step titles beside their ids.

    Parquet (needs the setting office_id) writes one folder per table, one partition per
    office and day: OUT/events/office=ID/day=YYYY-MM-DD/part-0.parquet, and the same for
    walks (sessions of a flow), help (calls) and workshops. Exporting a day again
    replaces it. Spark, Trino and 'kiosk region report' read the folder (docs/region.md).

    \b
    Example:
        kiosk hub export --from 2026-11-01 --to 2026-11-30 --format csv --out nov.csv
        kiosk hub export --from 2026-11-01 --to 2026-11-30 --lang en --sep ';' --out nov.csv
        kiosk hub export --days 7 --format parquet --out /srv/region-exports
    """
    from kiosk.hub import csvsafe
    from kiosk.hub.cli import _open, _timezone
    from kiosk.hub.times import office_tz, parse_period

    tz_name = _timezone(config.get("hub_timezone"))
    tz = office_tz(tz_name)
    start, end = _days(start, end, days, tz_name)
    try:
        period = parse_period(start, end, tz)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    try:
        sheet = csvsafe.sheet(tz, lang, sep)
    except csvsafe.BadOption as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.option}") from None
    office = _office() if fmt == "parquet" else ""
    if fmt == "parquet" and not out:
        raise click.UsageError("--format parquet needs --out FOLDER")
    if db_file is None and not Path(ctx.obj["db"]).exists():
        raise click.UsageError(f"no hub database at {ctx.obj['db']} (use --db)")
    ctx.obj["db"] = Path(db_file) if db_file else ctx.obj["db"]
    db = _open(ctx)
    try:
        if fmt == "parquet":
            assert out is not None
            _parquet(db, Path(out), office, start, end, tz)
        elif out:
            _to_file(db, period, tz, fmt, Path(out), sheet)
        else:
            from kiosk.hub.export import write

            _to_stdout(lambda fh: write(db, period, tz, fmt, fh, sheet))
    finally:
        db.close()


def _office() -> str:
    from kiosk.region.schema import OFFICE_ID, OFFICE_ID_MAX

    office = str(config.get("office_id"))
    if not office:
        raise click.UsageError("--format parquet needs the setting office_id, this office's "
                               "name for its region (e.g. saint-etienne-wilson), in "
                               "settings.toml or KIOSK_OFFICE_ID")
    if not OFFICE_ID.match(office) or len(office) > OFFICE_ID_MAX:
        raise click.UsageError(f"setting office_id: '{office}' is not an office id (lower-case "
                               "letters, digits and dashes, e.g. saint-etienne-wilson)")
    return office


def _to_file(db: sqlite_utils.Database, period: Period, tz: tzinfo, fmt: str, out: Path,
             sheet: csvsafe.Sheet) -> None:
    from kiosk.hub.export import progress_line, write

    if out.is_dir():
        raise click.UsageError(f"--out {out} is a folder: give a file for --format {fmt}")
    with open(out, "w", encoding="utf-8", newline="") as fh:
        count = write(db, period, tz, fmt, fh, sheet, progress=progress_line)
    click.echo(f"{count} records exported to {out}", err=True)


def _parquet(db: sqlite_utils.Database, out: Path, office: str, start: str, end: str,
             tz: tzinfo) -> None:
    from kiosk.hub.parquet_export import DayWritten, export

    done: list[DayWritten] = []

    def said(day: DayWritten) -> None:
        done.append(day)
        rows = day.rows
        click.echo(f"{day.day}: {rows['events']} events, {rows['walks']} sessions, "
                   f"{rows['help']} help calls, {rows['workshops']} workshops", err=True)

    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise click.BadParameter("--format parquet exports whole days: give --from and --to "
                                 "as YYYY-MM-DD") from None
    if out.exists() and not out.is_dir():
        raise click.UsageError(f"--out {out} is a file: give a folder for --format parquet")
    try:
        export(db, out, office, first, last, tz, progress=said)
    except OSError as exc:
        failed = (first + timedelta(days=len(done))).isoformat()
        why = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
        raise click.ClickException(
            f"cannot write {out}: {why}. Days before {failed} are exported; {failed} and "
            "after kept their earlier files, if any. Run the same command again once there "
            "is room.") from None
    click.echo(f"{len(done)} days of office {office} exported to {out}", err=True)


def _to_stdout(writing: Callable[[TextIO], object]) -> None:
    """Run ``writing`` on standard output as UTF-8, whatever the terminal's encoding."""
    import io

    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # a text-only stream: it takes the text as it is
        writing(sys.stdout)
        return
    sys.stdout.flush()
    stdout = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    try:
        writing(stdout)
    finally:
        stdout.flush()
        stdout.detach()  # standard output stays open
