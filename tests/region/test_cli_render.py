"""``kiosk region report`` through click's CliRunner, and the report's HTML, CSV and JSON
forms (``kiosk.region.render``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.region import render
from kiosk.region.report import build
from kiosk.region.schema import META_SCHEMA
from tests.region.fixtures import small_region, write_part


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("region")
    small_region(root)
    return root


@pytest.fixture(scope="module")
def report(folder: Path) -> dict[str, Any]:
    return build(folder).as_dict()


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["region", "report", *args])


def test_json_on_standard_output_is_the_report_only(folder: Path) -> None:
    result = run(str(folder), "--format", "json", "--from", "2024-03-01", "--to", "2024-03-04")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["from"] == "2024-03-01"
    assert data["totals"]["visits"] == 11
    assert result.stderr == ""  # not a terminal, no --out: no progress


def test_csv_tables_parse_back(folder: Path) -> None:
    offices = list(csv.DictReader(io.StringIO(run(str(folder), "--format", "csv").stdout)))
    assert [r["office"] for r in offices] == ["lyon-1", "nice-3", "paris-2", ""]
    assert offices[0]["missing_days"] == "2024-03-03"
    assert offices[0]["completion_rate"] == "0.25"
    assert offices[-1]["visits"] == "11"
    assert offices[-1]["satisfaction_share_good"] == "0.6"
    steps = list(csv.DictReader(io.StringIO(
        run(str(folder), "--format", "csv", "--table", "steps").stdout)))
    assert [(r["step_id"], r["quit"], r["help_calls"]) for r in steps] == [
        ("s1", "2", "2"), ("s2", "2", "1"), ("a1", "1", "1"), ("a2", "0", "1")]
    flows = list(csv.DictReader(io.StringIO(
        run(str(folder), "--format", "csv", "--table", "flows").stdout)))
    assert flows[0] == {"flow_id": "carte-grise", "sessions": "7", "completed": "2",
                        "completion_rate": "0.2857", "help_calls": "3"}


def test_html_to_a_file_says_where_on_standard_error(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run(str(folder), "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert str(out) in result.stderr
    assert "step 6 of 6" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en" dir="ltr">' in page
    assert "Regional report" in page
    assert "30.0%" in page  # the region's completion rate


@pytest.mark.parametrize(("args", "words"), [
    (["--from", "2024-02-30"], "Invalid date: 2024-02-30"),
    (["--to", "1 March"], "Invalid date: 1 March"),
    (["--from", "2024-03-04", "--to", "2024-03-01"], "Empty period"),
])
def test_bad_dates_are_one_line_errors(folder: Path, args: list[str], words: str) -> None:
    result = run(str(folder), *args)
    assert result.exit_code == 1
    assert words in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_folder_without_export_and_a_newer_file_are_one_line_errors(tmp_path: Path) -> None:
    result = run(str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No export in")
    small_region(tmp_path)
    write_part(tmp_path, "events", "nice-3", "2024-03-03", [], meta={META_SCHEMA: "3"})
    result = run(str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    assert "newer version (schema 3" in result.stderr
    assert result.stdout == ""


def test_html_is_self_contained_and_has_every_section(report: dict[str, Any]) -> None:
    page = render.html(report, "fr")
    assert "<script" not in page.lower()
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert "@import" not in page
    assert "url(" not in page
    assert '<html lang="fr" dir="ltr">' in page
    assert "@media print" in page
    assert page.count("<svg") == 3
    assert "30,0\u00a0%" in page  # French percentages
    assert "lyon-1 : 2024-03-03" in page  # the missing day, as a warning
    assert '<th scope="col">' in page
    assert '<th scope="row">lyon-1</th>' in page


def test_html_escapes_what_it_shows(report: dict[str, Any]) -> None:
    hostile = json.loads(json.dumps(report))
    hostile["offices"][0]["office"] = '<img src=x onerror="alert(1)">'
    hostile["steps"][0]["step_id"] = "</svg><script>alert(1)</script>"
    hostile["flows"][0]["flow_id"] = "a&b"
    page = render.html(hostile, "en")
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "&lt;/svg&gt;&lt;script&gt;" in page
    assert "a&amp;b" in page


def test_numbers_in_each_language() -> None:
    assert render.percent(0.725, "fr") == "72,5\u00a0%"
    assert render.percent(0.725, "en") == "72.5%"
    assert render.number(12345.67, "fr", 1) == "12\u202f345,7"
    assert render.number(12345, "en") == "12,345"
    assert render.percent(None, "en") == "—"


def test_csv_neutralises_formulas(report: dict[str, Any]) -> None:
    hostile = json.loads(json.dumps(report))
    hostile["steps"][0]["step_id"] = "=HYPERLINK(1)"
    rows = list(csv.DictReader(io.StringIO(render.csv_text(hostile, "steps"))))
    assert rows[0]["step_id"] == "'=HYPERLINK(1)"
    with pytest.raises(ValueError, match="no table"):
        render.csv_text(report, "people")


def test_json_text_round_trips(report: dict[str, Any]) -> None:
    assert json.loads(render.json_text(report)) == report


def test_an_empty_period_is_a_page_that_says_so(folder: Path) -> None:
    result = run(str(folder), "--from", "2030-01-01", "--lang", "en")
    assert result.exit_code == 0
    assert "No data for this period." in result.stdout


def test_a_full_disk_keeps_the_last_report(folder: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    out = tmp_path / "region.html"
    out.write_text("the last report")
    real = Path.write_text

    def full(self: Path, *args: Any, **kwargs: Any) -> int:
        real(self, "<html><body>half", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    result = run(str(folder), "--out", str(out))
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    monkeypatch.undo()
    assert out.read_text() == "the last report"
    assert [p.name for p in tmp_path.iterdir()] == ["region.html"]


def test_csv_for_a_french_spreadsheet(folder: Path) -> None:
    result = run(str(folder), "--format", "csv", "--lang", "fr")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:3] == ["Bureau", "Jours", "Premier jour"]
    assert "Taux de parcours terminés" in rows[0]
    lyon = dict(zip(rows[0], rows[1], strict=True))
    assert lyon["Bureau"] == "lyon-1"
    assert lyon["Taux de parcours terminés"] == "25,0\u00a0%"
    assert lyon["Appels pour 100 parcours"] == "50,0"
    assert rows[-1][0] == "Région"
    english = run(str(folder), "--format", "csv", "--lang", "en", "--table", "steps").stdout
    header = next(csv.reader(io.StringIO(english[1:])))
    assert header[:4] == ["Flow", "Flow name", "Step", "Step text"]
