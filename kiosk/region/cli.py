"""``kiosk region``: a region's commands over its offices' Parquet exports; ``report`` reads
a folder of them (``kiosk.region.report``) and writes the report as a printable HTML page,
CSV or JSON (``kiosk.region.render``). DuckDB is imported only when a report is built."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _words(key: str, **values: Any) -> str:
    from kiosk import i18n

    return i18n.catalog("en", "region").t(key, **values)


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        if _DATE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise click.ClickException(_words("error.bad_date", value=value))


@click.group()
def region() -> None:
    """A region's view over its offices' exports (kiosk hub export --format parquet).

    \b
    Example:
        kiosk region report /srv/region-exports --from 2026-11-01 --to 2026-11-30
    """


@region.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day, included.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day, included.")
@click.option("--format", "fmt", type=click.Choice(["html", "csv", "json"]), default="html",
              show_default=True)
@click.option("--table", type=click.Choice(["offices", "steps", "flows"]), default="offices",
              show_default=True, help="CSV: which table (one row per office then the region's "
                                      "totals; the steps ranked; the flows).")
@click.option("--lang", type=click.Choice(["fr", "en"]),
              help="HTML: the page's language (default fr). CSV: written for a spreadsheet "
                   "in that language (byte order mark, words as header, ';' and decimal "
                   "comma in French); without it, CSV is for tools (keys, ',' and '.').")
@click.option("--out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="File to write (default: standard output).")
def report(folder: Path, start: str | None, end: str | None, fmt: str, table: str,
           lang: str | None, out: Path | None) -> None:
    """Report on every office's exports in FOLDER: each office's figures, the steps where
    customers quit or call for help, the flows, and the region's totals.

    FOLDER holds what the offices' hubs export nightly
    (FOLDER/events/office=ID/day=YYYY-MM-DD/part-0.parquet, and walks, help, workshops).
    The figures mean what each hub's own statistics mean; a day an office did not export
    is listed as missing. HTML is one printable page (A4) with its charts; CSV one table;
    JSON everything. While reading, a progress line goes to standard error when it is a
    terminal or with --out; standard output gets the report only.

    \b
    Example:
        kiosk region report /srv/region-exports --from 2026-11-01 --to 2026-11-30 \\
            --out novembre.html
        kiosk region report /srv/region-exports --format csv --table steps > steps.csv
        kiosk region report /srv/region-exports --format csv --lang fr --out bureaux.csv
        kiosk region report /srv/region-exports --format json --lang en
    """
    from kiosk.region import render
    from kiosk.region.report import ReportError, build

    first, last = _date(start), _date(end)
    stderr: Any = sys.stderr
    show = out is not None or stderr.isatty()
    try:
        with _Progress(show, stderr) as progress:
            made = build(folder, first, last, progress=progress)
    except ReportError as exc:
        raise click.ClickException(exc.message("en")) from None
    data = made.as_dict()
    if fmt == "html":
        text = render.html(data, lang=lang or "fr")
    elif fmt == "csv":
        text = render.csv_text(data, table=table, lang=lang)
    else:
        text = render.json_text(data)
    if out is None:
        click.echo(text, nl=False)
        return
    partial = out.with_name(f".{out.name}.partial")
    try:  # written aside then renamed: a full disk never leaves half a report
        partial.write_text(text, encoding="utf-8", newline="")
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(_words("cli.cannot_write", path=str(out),
                                          detail=exc.strerror or str(exc))) from None
    click.echo(_words("cli.written", path=str(out), offices=len(data["offices"]),
                      rows=data["rows_read"], seconds=data["seconds"]), err=True)


class _Progress:
    """``progress(done, total)`` for build(): a bar on a terminal, else a line per stage;
    nothing when ``show`` is false."""

    def __init__(self, show: bool, stream: Any) -> None:
        self.show, self.stream = show, stream
        self.bar: Any = None
        self.done = 0

    def __enter__(self) -> Callable[[int, int], None] | None:
        return self.update if self.show else None

    def update(self, done: int, total: int) -> None:
        if self.stream.isatty():
            if self.bar is None:
                self.bar = click.progressbar(length=total, label=_words("cli.reading"),
                                             file=self.stream)
                self.bar.__enter__()
            self.bar.update(done - self.done)
        elif done < total:
            self.stream.write(_words("cli.step", done=done + 1, total=total) + "\n")
            self.stream.flush()
        self.done = done

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

