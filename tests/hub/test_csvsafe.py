"""The one CSV writer of the hub: text a spreadsheet could run as a formula is quoted,
numbers stay numbers; a sheet in French or English (words, separator, decimal mark, office
time, byte order mark)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.hub import csvsafe
from kiosk.languages import staff_languages


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
    table = csvsafe.Writer(out, ("type", "flow_id", "calls", "median_seconds"),
                           csvsafe.sheet(PARIS, "en"))
    table.header()
    table.row({"type": '=HYPERLINK("http://x")', "flow_id": "send-parcel", "calls": -3,
               "median_seconds": -0.5, "ignored": "=1"})
    table.row({"type": "@cmd", "calls": None})
    assert out.getvalue().splitlines() == [
        "\ufeffEvent,Flow id,Calls,Median time (s)",
        '"\'=HYPERLINK(""http://x"")",send-parcel,-3,-0.5',
        "'@cmd,,,"]
    rows = list(csv.DictReader(io.StringIO(out.getvalue().removeprefix(csvsafe.BOM))))
    assert rows[0]["Event"] == "'=HYPERLINK(\"http://x\")"
    assert (rows[0]["Calls"], rows[0]["Median time (s)"]) == ("-3", "-0.5")


PARIS = ZoneInfo("Europe/Paris")


def test_a_french_sheet_by_default() -> None:
    sheet = csvsafe.sheet(PARIS)
    assert (sheet.lang, sheet.sep) == ("fr", ";")
    assert [sheet.value(v) for v in (True, False, 12.5, -0.5, 45.0, 3, -3, None, "=1")] == [
        "oui", "non", "12,5", "-0,5", "45,0", 3, -3, "", "'=1"]
    assert sheet.value(1e-7) == "0,0000001"
    assert sheet.value(float("nan")) == ""
    # instants in office time, in a form spreadsheets read (winter: UTC+1, summer: UTC+2)
    assert sheet.value(datetime(2026, 12, 6, 13, 5, tzinfo=UTC)) == "2026-12-06 14:05:00"
    assert sheet.value(datetime(2026, 7, 6, 13, 5)) == "2026-07-06 15:05:00"  # naive: UTC
    assert sheet.column("step_title") == "Étape"
    assert sheet.label("satisfaction.share_good") == "Part d’avis positifs"
    assert sheet.label("not.a.metric") == "not.a.metric"


def test_an_english_sheet_and_a_chosen_separator() -> None:
    english = csvsafe.sheet(PARIS, "en")
    assert (english.lang, english.sep) == ("en", ",")
    assert [english.value(v) for v in (True, False, 12.5)] == ["yes", "no", "12.5"]
    assert csvsafe.sheet(PARIS, "en", ";").sep == ";"
    assert csvsafe.sheet(PARIS, "fr", ",").sep == ","
    assert csvsafe.languages() == staff_languages("manager")


@pytest.mark.parametrize(("lang", "sep", "option"), [("de", None, "lang"), ("", None, "lang"),
                                                     ("fr", "|", "sep"), ("en", "\t", "sep"),
                                                     (None, ";;", "sep")])
def test_bad_options_are_named(lang: str | None, sep: str | None, option: str) -> None:
    with pytest.raises(csvsafe.BadOption, match=f"^{option}: ") as raised:
        csvsafe.sheet(PARIS, lang, sep)
    assert raised.value.option == option


def test_a_french_decimal_comma_is_quoted_with_a_comma_separator() -> None:
    out = io.StringIO()
    table = csvsafe.Writer(out, ("median_seconds", "in_flow"), csvsafe.sheet(PARIS, "fr", ","))
    table.header()
    table.row({"median_seconds": 12.5, "in_flow": True})
    assert out.getvalue() == "\ufeffTemps médian (s),Dans le parcours actuel\n\"12,5\",oui\n"


class Named:
    def flow(self, flow_id: str | None) -> str:
        return f"=flow {flow_id}" if flow_id else ""

    def step(self, flow_id: str | None, step_id: str | None) -> str:
        return f"step {flow_id}/{step_id}" if step_id else ""


def test_titles_go_beside_the_ids_and_are_neutralised_too() -> None:
    out = io.StringIO()
    sheet = csvsafe.Sheet("fr", ";", PARIS, Named())
    table = csvsafe.Writer(out, ("flow_id", "flow_title", "step_id", "step_title"), sheet)
    table.header()
    table.row({"flow_id": "tiny", "step_id": "b"})
    table.row({"flow_id": None, "step_id": None})
    assert out.getvalue().splitlines()[1:] == ["tiny;'=flow tiny;b;step tiny/b", ";;;"]


@pytest.mark.parametrize(("lang", "words"), [("fr", ["Aide", "Terminé", "Envoyé au guichet"]),
                                             ("en", ["Help", "Finished", "Sent to the counter"])])
def test_a_calls_codes_are_words_in_their_columns(lang: str, words: list[str]) -> None:
    sheet = csvsafe.sheet(UTC, lang)
    out = io.StringIO()
    writer = csvsafe.Writer(out, ["kind", "status", "outcome", "flow_id"], sheet)
    writer.row({"kind": "help", "status": "resolved", "outcome": "sent-to-counter",
                "flow_id": "help"})  # a flow id is an id: kept as it is
    assert out.getvalue().strip().split(sheet.sep) == [*words, "help"]
    assert sheet.word("outcome", "=unknown") == "=unknown"  # no word: the code (then quoted)
