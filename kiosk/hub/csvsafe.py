"""CSV that a spreadsheet opens as plain data: every CSV the hub writes goes through here.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return could be
run as a formula by the manager's or the region's spreadsheet ("CSV injection": a kiosk
can send ``=HYPERLINK(...)`` as an event type, and older rows may hold such ids). Such a
cell gets a single quote in front, OWASP's rule. Numbers stay numbers: ``-3`` written
from an int or a float is data, only text is neutralised.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """``value`` as a CSV cell: None empty, a text that could be a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class Writer:
    """A ``csv.DictWriter`` over ``columns`` whose every cell goes through :func:`cell`;
    keys of a row outside ``columns`` are ignored, missing ones are empty."""

    def __init__(self, out: TextIO, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self._table = csv.DictWriter(out, fieldnames=self.columns, lineterminator="\n")

    def header(self) -> None:
        self._table.writerow({k: cell(k) for k in self.columns})

    def row(self, record: Mapping[str, Any]) -> None:
        self._table.writerow({k: cell(record.get(k)) for k in self.columns})
