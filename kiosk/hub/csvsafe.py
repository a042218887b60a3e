"""CSV that a spreadsheet opens as plain data, without a dialog: every CSV the hub writes
goes through here.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return could be
run as a formula by the manager's or the region's spreadsheet ("CSV injection": a kiosk
can send ``=HYPERLINK(...)`` as an event type, and older rows may hold such ids). Such a
cell gets a single quote in front, OWASP's rule. Numbers stay numbers: ``-3`` written
from an int or a float is data, only text is neutralised.

A :class:`Sheet` says how one CSV is written for a person's spreadsheet: UTF-8 with a
byte order mark (so Excel reads accents right), the separator (``;`` or ``,``; by default
the one of the language's spreadsheets), the header row's words and the words in cells in
one staff language (``yes``/``no`` for booleans, never ``True``; a help call's kind,
status and outcome as words, not codes), decimal numbers with
that language's mark (``12,5`` in French, read as a number), instants in the office's
time zone as ``2026-12-06 14:05:00``. The words are the ``csv`` section of the manager's
dashboard catalogs (``kiosk/i18n/manager/dashboard``); the languages are the manager
app's (:func:`kiosk.languages.staff_languages`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol, TextIO

from kiosk.i18n import Catalog, catalog
from kiosk.languages import REFERENCE, staff_languages

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
SEPARATORS = (";", ",")
WORDS = "manager/dashboard"  # the catalogs whose section ``csv`` has a CSV's words
STAFF = "manager"  # the staff app whose languages CSVs are written in
INSTANT = "%Y-%m-%d %H:%M:%S"  # a date and time every spreadsheet reads as one
CODED = frozenset({"kind", "status", "outcome"})  # columns of codes written as words


def cell(value: Any) -> Any:
    """``value`` as a CSV cell: None empty, a text that could be a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def languages() -> tuple[str, ...]:
    """The languages a CSV can be written in, French first."""
    return staff_languages(STAFF)


class Titles(Protocol):
    """Flows' and steps' titles in one language (see ``kiosk.hub.flows.Titles``)."""

    def flow(self, flow_id: str | None) -> str: ...

    def step(self, flow_id: str | None, step_id: str | None) -> str: ...


@dataclass(frozen=True)
class Sheet:
    """How one CSV is written: its language, its separator, the office's time zone, and
    the titles put beside flow and step ids (none: those cells stay empty)."""

    lang: str
    sep: str
    tz: tzinfo
    titles: Titles | None = None

    @property
    def words(self) -> Catalog:
        return catalog(self.lang, WORDS)

    def column(self, name: str) -> str:
        """The header word of column ``name``."""
        return self.words.t(f"csv.columns.{name}")

    def label(self, key: str) -> str:
        """The words of a report's metric (``satisfaction.good``); the key if none."""
        try:
            return self.words.t(f"csv.metrics.{key}")
        except KeyError:
            return key

    def word(self, column: str, code: Any) -> Any:
        """A code in a column of codes (a call's ``kind``, ``status``, ``outcome``) in
        the sheet's words; the code itself when it has none."""
        if column not in CODED or not isinstance(code, str) or not code:
            return code
        try:
            return self.words.t(f"csv.values.{column}.{code}")
        except KeyError:
            return code

    def value(self, value: Any) -> Any:
        """``value`` as a cell of this sheet (see the module docstring)."""
        if isinstance(value, bool):
            return self.words.t("csv.true_value" if value else "csv.false_value")
        if isinstance(value, float):
            return decimal(value, self.words.t("csv.decimal"))
        if isinstance(value, datetime):
            moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
            return moment.astimezone(self.tz).strftime(INSTANT)
        return cell(value)


def decimal(value: float, mark: str) -> str:
    """A float as a spreadsheet reads it: never an exponent, ``mark`` before the
    decimals (``12,5``); not a number is an empty cell."""
    if not math.isfinite(value):
        return ""
    text = repr(value)
    if "e" in text or "E" in text:
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text.replace(".", mark)


class BadOption(ValueError):
    """A CSV option with a value the hub does not know; ``option`` names it."""

    def __init__(self, option: str, value: str, good: Sequence[str]) -> None:
        choices = " or ".join(f"'{g}'" for g in good)
        super().__init__(f"{option}: '{value}' is not one of {choices}")
        self.option = option


def sheet(tz: tzinfo, lang: str | None = None, sep: str | None = None,
          titles: Titles | None = None) -> Sheet:
    """The :class:`Sheet` for ``lang`` (default French) and ``sep`` (default: the
    language's); :class:`BadOption` for a value not in :func:`languages` or
    :data:`SEPARATORS`."""
    chosen = REFERENCE if lang is None else lang
    if chosen not in languages():
        raise BadOption("lang", chosen, languages())
    if sep is not None and sep not in SEPARATORS:
        raise BadOption("sep", sep, SEPARATORS)
    default = catalog(chosen, WORDS).t("csv.separator")
    return Sheet(chosen, sep if sep is not None else default, tz, titles)


class Writer:
    """CSV rows over ``columns`` in ``sheet``'s form, every cell through
    :meth:`Sheet.value`; keys of a row outside ``columns`` are ignored, missing ones are
    empty. A ``flow_title`` / ``step_title`` column is filled from the row's
    ``flow_id`` / ``step_id`` and the sheet's titles."""

    def __init__(self, out: TextIO, columns: Sequence[str], sheet: Sheet) -> None:
        self.columns = list(columns)
        self.sheet = sheet
        self._out = out
        self._table = csv.writer(out, delimiter=sheet.sep, lineterminator="\n")

    def header(self) -> None:
        """The byte order mark and the header row (the columns' words)."""
        self._out.write(BOM)
        self._table.writerow([cell(self.sheet.column(c)) for c in self.columns])

    def row(self, record: Mapping[str, Any]) -> None:
        titles = self.sheet.titles
        if titles is not None and ("flow_title" in self.columns or "step_title" in self.columns):
            flow, step = record.get("flow_id"), record.get("step_id")
            record = {**record, "flow_title": titles.flow(flow),
                      "step_title": titles.step(flow, step)}
        sheet = self.sheet
        self._table.writerow([sheet.value(sheet.word(c, record.get(c))) for c in self.columns])
