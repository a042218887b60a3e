"""The region's report built with DuckDB over the small region (``fixtures``): every figure
of the contract, the period, missing days, and what it refuses."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kiosk.region.report import ReportError, build
from kiosk.region.schema import META_SCHEMA
from tests.region.fixtures import small_region, write_part


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("region")
    return root, small_region(root)


@pytest.fixture(scope="module")
def whole(region: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return build(region[0]).as_dict()


def test_every_office_figure_equals_the_known_one(whole: dict[str, Any],
                                                  region: tuple[Path, dict[str, Any]]) -> None:
    known = region[1]
    assert [o["office"] for o in whole["offices"]] == ["lyon-1", "nice-3", "paris-2"]
    for office in whole["offices"]:
        assert office == known["offices"][office["office"]]


def test_region_totals_steps_and_flows(whole: dict[str, Any],
                                       region: tuple[Path, dict[str, Any]]) -> None:
    known = region[1]
    assert whole["totals"] == known["totals"]
    assert whole["steps"] == known["steps"]
    assert [(s["flow_id"], s["step_id"]) for s in whole["steps"]] == [
        ("carte-grise", "s1"), ("carte-grise", "s2"), ("ameli", "a1"), ("ameli", "a2")]
    assert whole["flows"] == known["flows"]
    assert whole["rows_read"] == known["rows_read"] == 78


def test_the_report_shape(whole: dict[str, Any]) -> None:
    assert list(whole) == ["schema_version", "from", "to", "generated_at", "rows_read", "seconds",
                           "offices", "steps", "flows", "totals"]
    assert whole["schema_version"] == 1
    assert whole["from"] is None
    assert whole["to"] is None
    assert whole["generated_at"].endswith("Z")
    assert isinstance(whole["seconds"], float)


def test_a_period_keeps_its_days_and_lists_the_days_missing_in_it(
        region: tuple[Path, dict[str, Any]]) -> None:
    report = build(region[0], date(2024, 3, 2), date(2024, 3, 3)).as_dict()
    assert (report["from"], report["to"]) == ("2024-03-02", "2024-03-03")
    offices = {o["office"]: o for o in report["offices"]}
    lyon, paris, nice = offices["lyon-1"], offices["paris-2"], offices["nice-3"]
    assert (lyon["days"], lyon["first_day"], lyon["last_day"], lyon["missing_days"]) == (
        1, "2024-03-02", "2024-03-02", ["2024-03-03"])
    assert (lyon["visits"], lyon["sessions"], lyon["completed"], lyon["help_calls"]) == (2, 1, 0, 1)
    assert lyon["completion_rate"] == 0.0
    assert (lyon["workshop_referrals"], lyon["workshops"], lyon["median_wait_seconds"]) == (1, 0, 60.0)
    assert lyon["satisfaction"] == {"good": 0, "neutral": 0, "bad": 1, "total": 1, "share_good": 0.0}
    assert (paris["days"], paris["missing_days"], paris["visits"], paris["sessions"]) == (2, [], 1, 1)
    assert nice == {**region[1]["offices"]["nice-3"], "missing_days": []}  # 03-04: not asked
    assert report["totals"]["visits"] == 2 + 1 + 2
    assert report["totals"]["median_wait_seconds"] == 40.0  # 60, 20, 40


def test_a_period_beyond_an_office_lists_each_day_it_did_not_export(
        region: tuple[Path, dict[str, Any]]) -> None:
    report = build(region[0], date(2024, 3, 1), date(2024, 3, 5)).as_dict()
    offices = {o["office"]: o for o in report["offices"]}
    assert offices["nice-3"]["missing_days"] == ["2024-03-01", "2024-03-04", "2024-03-05"]
    assert offices["lyon-1"]["missing_days"] == ["2024-03-03", "2024-03-05"]
    assert offices["nice-3"]["visits"] == 2


def test_only_a_start_or_only_an_end(region: tuple[Path, dict[str, Any]]) -> None:
    since = build(region[0], start=date(2024, 3, 4)).as_dict()
    assert [o["office"] for o in since["offices"]] == ["lyon-1", "paris-2"]
    assert since["totals"]["visits"] == 2
    until = build(region[0], end=date(2024, 3, 1)).as_dict()
    assert [(o["office"], o["days"]) for o in until["offices"]] == [("lyon-1", 1), ("paris-2", 1)]


def test_a_period_without_an_export_is_an_empty_report(region: tuple[Path, dict[str, Any]]) -> None:
    report = build(region[0], date(2025, 1, 1), date(2025, 1, 31)).as_dict()
    assert report["offices"] == []
    assert report["steps"] == []
    assert report["flows"] == []
    assert report["totals"]["offices"] == 0
    assert report["totals"]["completion_rate"] is None
    assert report["rows_read"] == 0


def test_progress_is_told_from_zero_to_the_end(region: tuple[Path, dict[str, Any]]) -> None:
    calls: list[tuple[int, int]] = []
    build(region[0], progress=lambda done, total: calls.append((done, total)))
    assert calls[0][0] == 0
    assert calls[-1][0] == calls[-1][1]
    assert len(calls) > 2
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_a_folder_without_any_export_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReportError) as refused:
        build(tmp_path)
    assert refused.value.key == "empty"
    assert "No export" in str(refused.value)
    assert "Aucun export" in refused.value.message("fr")
    with pytest.raises(ReportError):
        build(tmp_path / "absent")


def test_a_newer_schema_version_is_refused(tmp_path: Path) -> None:
    small_region(tmp_path)
    write_part(tmp_path, "help", "lyon-1", "2024-03-02", [], meta={META_SCHEMA: "2"})
    with pytest.raises(ReportError) as refused:
        build(tmp_path)
    assert refused.value.key == "newer"
    assert "help/office=lyon-1/day=2024-03-02" in str(refused.value)
    # outside the period, the file is not read, so not refused
    assert build(tmp_path, start=date(2024, 3, 3)).as_dict()["totals"]["offices"] == 3


def test_a_file_without_a_schema_version_is_refused(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    small_region(tmp_path)
    path = tmp_path / "workshops/office=nice-3/day=2024-03-02/part-0.parquet"
    pq.write_table(pa.table({"hour": pa.array([], pa.int16())}), path)
    with pytest.raises(ReportError) as refused:
        build(tmp_path)
    assert refused.value.key == "not_export"


def test_a_damaged_file_and_a_stray_folder_are_refused(tmp_path: Path) -> None:
    small_region(tmp_path)
    stray = tmp_path / "walks/office=lyon-1/day=yesterday"
    stray.mkdir()
    with pytest.raises(ReportError) as refused:
        build(tmp_path)
    assert refused.value.key == "bad_folder"
    stray.rmdir()
    (tmp_path / "walks/office=lyon-1/day=2024-03-01/part-0.parquet").write_bytes(b"not parquet")
    with pytest.raises(ReportError) as refused:
        build(tmp_path)
    assert refused.value.key in ("unreadable", "not_export")


def test_a_period_that_ends_before_it_starts_is_refused(region: tuple[Path, dict[str, Any]]) -> None:
    with pytest.raises(ReportError) as refused:
        build(region[0], date(2024, 3, 4), date(2024, 3, 1))
    assert refused.value.key == "period"
