"""The one CSV writer of the hub: text a spreadsheet could run as a formula is quoted,
numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from kiosk.hub import csvsafe


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","clic")', "+cmd|' /C calc'!A0",
                                  "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=", "-"])
def test_text_that_could_be_a_formula_gets_a_quote(text: str) -> None:
    assert csvsafe.cell(text) == "'" + text


@pytest.mark.parametrize("value", ["send-parcel", "a=b", "", " =1", "'=1", "2026-11-23",
                                   -3, -0.5, 0, 42, 1.5, True, False])
def test_other_values_are_left_alone(value: object) -> None:
    assert csvsafe.cell(value) == value


def test_none_is_an_empty_cell() -> None:
    assert csvsafe.cell(None) == ""


def test_the_writer_quotes_formulas_and_keeps_numbers() -> None:
    out = io.StringIO()
    table = csvsafe.Writer(out, ("type", "flow_id", "delta", "share"))
    table.header()
    table.row({"type": '=HYPERLINK("http://x")', "flow_id": "send-parcel", "delta": -3,
               "share": -0.5, "ignored": "=1"})
    table.row({"type": "@cmd", "delta": None})
    assert out.getvalue().splitlines() == [
        "type,flow_id,delta,share",
        '"\'=HYPERLINK(""http://x"")",send-parcel,-3,-0.5',
        "'@cmd,,,"]
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["type"] == "'=HYPERLINK(\"http://x\")"
    assert (rows[0]["delta"], rows[0]["share"]) == ("-3", "-0.5")
