"""docs/region.md stays right: every column of every table documented with its type, the
files' metadata keys as the exporter writes them, the Trino tables' columns, the nightly
command as the unit runs it, the report's options, and the SQL it shows for Spark and
Trino run with DuckDB over the small region, giving the report's own figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from kiosk.region import queries
from kiosk.region.schema import META_PREFIX, PART_NAME, TABLES, glob, part_path
from tests.region.fixtures import small_region

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "region.md").read_text(encoding="utf-8")
#: a file's type -> the SQL type the doc gives (Trino's; Spark's string for varchar)
SQL = {"string": "varchar", "int16": "smallint", "int32": "integer", "float64": "double",
       "bool": "boolean"}
#: the doc's example period, and the small region's
DOC_DAYS = ("DATE '2026-11-01'", "DATE '2026-11-30'")
FIXTURE_DAYS = ("DATE '2024-03-01'", "DATE '2024-03-04'")


def section(heading: str, text: str = DOC) -> str:
    """The text under ``heading`` (a whole line, e.g. ``### events``) up to the next
    heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    found = re.search(rf"^{re.escape(heading)}\n(.*?)(?=^#{{1,{len(level)}}} |\Z)", text,
                      re.M | re.S)
    assert found is not None, f"no section {heading!r} in docs/region.md"
    return found.group(1)


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.M | re.S)


def test_every_column_is_documented_with_its_type() -> None:
    for table, columns in TABLES.items():
        rows = re.findall(r"^\| `(\w+)` \| (\w+) \| (\w+) \| (.+) \|$", section(f"### {table}"),
                          re.M)
        assert [(name, kind, sql) for name, kind, sql, _ in rows] == [
            (c.name, c.type, SQL[c.type]) for c in columns], table
        assert all(len(meaning) > 3 for *_, meaning in rows), table


def test_the_metadata_keys_are_the_exporter_s(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    from kiosk.hub.db import connect, migrate
    from kiosk.hub.parquet_export import export

    db = connect(tmp_path / "hub.sqlite3")
    migrate(db)
    day = date(2026, 11, 23)
    export(db, tmp_path / "out", "saint-etienne-wilson", day, day, ZoneInfo("Europe/Paris"))
    written: set[str] = set()
    for table in TABLES:
        meta = pq.read_schema(part_path(tmp_path / "out", table, "saint-etienne-wilson",
                                        day.isoformat())).metadata
        written |= {k.decode() for k in meta if k.decode().startswith(META_PREFIX)}
    documented = set(re.findall(r"^\| `(guichet\.\w+)` \|", section(
        "## The files' metadata and the schema version"), re.M))
    assert documented == written


def test_the_layout_example_is_the_exporter_s() -> None:
    layout = section("## The layout")
    example = part_path(Path("region"), "events", "lyon-part-dieu", "2026-11-23")
    office, day, name = example.parts[2:]
    assert (office, day, name) == ("office=lyon-part-dieu", "day=2026-11-23", PART_NAME)
    assert f"── {office}/" in layout
    assert f"── {day}/{name}" in layout
    for table in TABLES:
        assert f"── {table}/" in layout, table


def test_the_trino_tables_have_every_column_then_office_and_day() -> None:
    ddl = [b for b in blocks(section("### Trino (Hive connector)"), "sql")
           if b.startswith("CREATE TABLE")]
    assert len(ddl) == len(TABLES)
    for table, block in zip(TABLES, ddl, strict=True):
        found = re.match(r"CREATE TABLE hive\.region\.(\w+) \((.*?)\) WITH \((.*)\)\s*$", block,
                         re.S)
        assert found is not None, block
        assert found.group(1) == table
        columns = [tuple(c.split()) for c in found.group(2).replace("\n", " ").split(",")]
        assert columns == [(c.name, SQL[c.type]) for c in TABLES[table]] + [
            ("office", "varchar"), ("day", "date")], table
        assert f"external_location = 's3://bucket/region/{table}/'" in found.group(3)
        assert "partitioned_by = ARRAY['office', 'day']" in found.group(3)


def test_the_nightly_command_is_the_unit_s() -> None:
    unit = (ROOT / "packaging" / "systemd" / "guichet-kiosk-hub-export.service").read_text()
    command = re.search(r"^ExecStart=/opt/guichet-kiosk/venv/bin/(kiosk .+)$", unit, re.M)
    assert command is not None
    assert f"\n{command.group(1)}\n" in section("## The office: `office_id` and the nightly export")


def test_the_report_s_options_are_the_command_s() -> None:
    from kiosk.region.cli import report

    options = {opt for p in report.params for opt in p.opts if opt.startswith("--")}
    table = section("## The region's report: `kiosk region report`")
    documented = set(re.findall(r"^\| `(--[a-z]+)`(?:, `(--[a-z]+)`)? \|", table, re.M))
    assert {o for pair in documented for o in pair if o} == options


# -- the queries, run by DuckDB over the small region -----------------------------------------
@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, Any]]]:
    """A DuckDB connection with a view per table over the small region, and its figures."""
    import duckdb

    root = tmp_path_factory.mktemp("region")
    known = small_region(root)
    con = duckdb.connect(":memory:")
    for table in TABLES:
        con.execute(queries.VIEW.format(table=table, glob=glob(root, table)))
    yield con, known
    con.close()


def run(con: Any, sql: str) -> list[dict[str, Any]]:
    for doc_day, day in zip(DOC_DAYS, FIXTURE_DAYS, strict=True):
        assert doc_day in sql
        sql = sql.replace(doc_day, day)
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def shown_queries() -> list[str]:
    return blocks(section("### The report's queries"), "sql")


def test_the_documented_queries_are_the_two_shown() -> None:
    first, second = shown_queries()
    assert "FROM e\nLEFT JOIN w" in first
    assert "FROM seen" in second


def test_each_office_s_figures_equal_the_report_s(region: tuple[Any, dict[str, Any]]) -> None:
    con, known = region
    rows = run(con, shown_queries()[0])
    assert [r["office"] for r in rows] == sorted(known["offices"])
    for row in rows:
        office = known["offices"][row["office"]]
        satisfaction = office["satisfaction"]
        for key in ("visits", "sessions", "completed", "completion_rate", "help_calls",
                    "help_per_100_sessions", "answered", "median_wait_seconds",
                    "workshop_referrals", "workshops", "registered", "attended"):
            assert row[key] == office[key], (row["office"], key)
        for key in ("good", "neutral", "bad", "share_good"):
            assert row[key] == satisfaction[key], (row["office"], key)


def test_the_steps_ranked_equal_the_report_s(region: tuple[Any, dict[str, Any]]) -> None:
    con, known = region
    rows = run(con, shown_queries()[1])
    assert rows == known["steps"]


def test_the_queries_agree_with_the_report_itself(region: tuple[Any, dict[str, Any]],
                                                  tmp_path: Path) -> None:
    """The fixture's figures are the report's (tests/region/test_report.py); this ties
    the documented SQL to a report built now, over a period, as well."""
    from kiosk.region.report import build

    con, _ = region
    root = tmp_path / "again"
    small_region(root)
    made = build(root, date(2024, 3, 1), date(2024, 3, 4)).as_dict()
    steps = run(con, shown_queries()[1])
    assert steps == made["steps"]
    offices = {r["office"]: r for r in run(con, shown_queries()[0])}
    for office in made["offices"]:
        assert offices[office["office"]]["visits"] == office["visits"]
        assert offices[office["office"]]["median_wait_seconds"] == office["median_wait_seconds"]
