"""The manager app's Région tab: open a folder of office exports, read the report in the
background, see each office's figures, errors in words, save the report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.manager.app import ManagerWindow
from kiosk.manager.region import RegionPage
from kiosk.manager.region_files import remember_folder, remembered_folder
from kiosk.manager.region_views import OFFICE_COLUMNS, STEP_COLUMNS, cell
from kiosk.region.schema import META_SCHEMA
from tests.region.fixtures import small_region, write_part

WAIT = 30_000  # the first build imports DuckDB


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))  # no folder remembered yet


def make_page(qtbot: Any, language: str = "fr") -> RegionPage:
    page = RegionPage(None, language)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    return page


@pytest.fixture
def page(qtbot: Any) -> Iterator[RegionPage]:
    p = make_page(qtbot)
    yield p
    p.shutdown()


@pytest.fixture
def region(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    root = tmp_path / "region"
    return root, small_region(root)


def opened(qtbot: Any, page: RegionPage, folder: Path) -> None:
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.open_folder(folder)


def column(table: Any, name: str, columns: tuple[str, ...] = OFFICE_COLUMNS) -> list[str]:
    return [cell(table, r, columns.index(name)) for r in range(table.rowCount())]


def test_an_empty_page_says_what_to_do(page: RegionPage) -> None:
    assert page.banner.isVisible()
    assert "Choisissez le dossier où arrivent les exports des bureaux" in page.banner.text()
    assert not page.body.isVisible()
    assert not page.save_button.isEnabled()


def test_the_report_arrives_and_the_table_shows_each_office(
        qtbot: Any, page: RegionPage, region: tuple[Path, dict[str, Any]]) -> None:
    root, known = region
    moves: list[tuple[int, int, int]] = []
    page._relay.moved.connect(lambda *args: moves.append(args))
    opened(qtbot, page, root)
    assert moves
    assert all(total > 0 for _, _, total in moves)
    assert not page.progress.isVisible()
    assert page.body.isVisible()
    assert not page.banner.isVisible()
    table = page.offices_table
    assert column(table, "office") == sorted(known["offices"])
    lyon = column(table, "office").index("lyon-1")
    row = {name: cell(table, lyon, i) for i, name in enumerate(OFFICE_COLUMNS)}
    assert row["visits"] == "5"
    assert row["sessions"] == "4"
    assert row["completed"] == "1"
    assert row["completion"] == "25,0 %"
    assert row["help_per_100"] == "50,0"
    assert row["wait"] == "45 s"
    assert row["satisfaction"] == "50,0 %"
    assert row["missing"] == "1 jour manquant"  # in words, not only a colour
    gap = table.item(lyon, OFFICE_COLUMNS.index("missing"))
    assert gap is not None
    assert "03/03/2024" in gap.toolTip()
    assert column(table, "missing")[column(table, "office").index("paris-2")] == "complets"
    assert page.note.isVisible()
    assert "lyon-1 (1 jour manquant)" in page.note.text()
    for key, value in (("offices", "3"), ("sessions", "10"), ("completion", "30,0 %"),
                       ("help_per_100", "60,0"), ("wait", "30 s"), ("satisfaction", "60,0 %"),
                       ("referrals", "2"), ("registered", "7"), ("attended", "6")):
        assert page.figures[key].text() == value, key
        assert value in page.figures[key].accessibleName()
    steps = page.steps_table
    assert column(steps, "step", STEP_COLUMNS)[:2] == ["s1", "s2"]  # most stops and calls first
    assert column(steps, "quit_rate", STEP_COLUMNS)[1] == "40,0 %"
    assert page.flows_table.rowCount() == len(known["flows"])
    assert page.chart_view.chart.categories() == sorted(known["offices"])
    assert page.chart_view.chart.values(page.chart_view.chart.set_names()[0]) == [50.0, 66.7, 66.7]
    page.chart_view.choice.setCurrentIndex(1)  # completion instead
    assert page.chart_view.chart.values(page.chart_view.chart.set_names()[0]) == [25.0, 33.3, 33.3]
    assert remembered_folder() == root
    assert page.save_button.isEnabled()


def test_the_offices_sort_on_numbers(qtbot: Any, page: RegionPage,
                                     region: tuple[Path, dict[str, Any]]) -> None:
    opened(qtbot, page, region[0])
    table = page.offices_table
    table.sortItems(OFFICE_COLUMNS.index("help_per_100"), Qt.SortOrder.DescendingOrder)
    assert column(table, "office")[-1] == "lyon-1"
    table.sortItems(OFFICE_COLUMNS.index("visits"), Qt.SortOrder.AscendingOrder)
    assert column(table, "visits") == ["2", "4", "5"]


def test_figures_are_in_english_too(qtbot: Any, region: tuple[Path, dict[str, Any]]) -> None:
    page = make_page(qtbot, "en")
    opened(qtbot, page, region[0])
    lyon = column(page.offices_table, "office").index("lyon-1")
    assert cell(page.offices_table, lyon, OFFICE_COLUMNS.index("completion")) == "25.0%"
    assert cell(page.offices_table, lyon, OFFICE_COLUMNS.index("missing")) == "1 day missing"
    assert page.figures["completion"].text() == "30.0%"
    page.shutdown()


def test_a_folder_without_exports_is_said_in_words(qtbot: Any, page: RegionPage,
                                                   tmp_path: Path) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    with qtbot.waitSignal(page.failed, timeout=WAIT) as why:
        page.open_folder(empty)
    assert page.banner.isVisible()
    assert page.banner.text() == why.args[0]
    assert why.args[0].startswith("Le rapport n’a pas pu être lu")
    assert "Traceback" not in why.args[0]
    assert "Error" not in why.args[0]
    assert not page.body.isVisible()
    assert not page.save_button.isEnabled()


def test_a_newer_schema_is_refused_in_words(qtbot: Any, page: RegionPage, tmp_path: Path) -> None:
    root = tmp_path / "newer"
    for table in ("events", "walks", "help", "workshops"):
        write_part(root, table, "lyon-1", "2024-03-01", [], meta={META_SCHEMA: "99"})
    with qtbot.waitSignal(page.failed, timeout=WAIT) as why:
        page.open_folder(root)
    assert page.banner.isVisible()
    assert "Traceback" not in why.args[0]


def test_a_folder_gone_and_a_backwards_period(page: RegionPage, tmp_path: Path,
                                             region: tuple[Path, dict[str, Any]]) -> None:
    page.open_folder(tmp_path / "gone")
    assert "introuvable" in page.banner.text()
    assert page.banner.isVisible()
    page.folder = region[0]
    page.set_period(date(2024, 3, 4), date(2024, 3, 1))
    assert "avant son début" in page.banner.text()


def test_a_period_reads_only_its_days(qtbot: Any, page: RegionPage,
                                      region: tuple[Path, dict[str, Any]]) -> None:
    opened(qtbot, page, region[0])
    assert page.whole.isChecked()
    assert not page.start.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.set_period(date(2024, 3, 1), date(2024, 3, 1))
    assert page.start.isEnabled()
    assert (page.report or {})["from"] == "2024-03-01"
    assert page.figures["sessions"].text() == "4"  # lyon-1's two and paris-2's two


def test_the_folder_remembered_is_read_when_the_tab_shows(
        qtbot: Any, region: tuple[Path, dict[str, Any]]) -> None:
    remember_folder(region[0])
    page = make_page(qtbot)
    assert str(region[0]) in page.folder_label.text()
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.refresh()
    assert page.offices_table.rowCount() == 3
    page.shutdown()


@pytest.mark.parametrize(("name", "kind"), [("rapport.html", None), ("etapes.csv", "csv_steps"),
                                            ("rapport.json", "json")])
def test_save_writes_the_chosen_file_type(qtbot: Any, page: RegionPage, tmp_path: Path,
                                          region: tuple[Path, dict[str, Any]], name: str,
                                          kind: str | None) -> None:
    opened(qtbot, page, region[0])
    target = tmp_path / "out" / name
    target.parent.mkdir()
    said: list[str] = []
    page.saved.connect(said.append)
    page.saveFailed.connect(said.append)
    page.save_report(target, kind)
    qtbot.waitUntil(lambda: bool(said), timeout=WAIT)
    assert said == [str(target)]
    text = target.read_text(encoding="utf-8-sig")
    if name.endswith(".html"):
        assert "<html" in text.lower()
        assert "lyon-1" in text
        assert "<script" not in text.lower()
    elif name.endswith(".csv"):
        assert "s1" in text
        assert "carte-grise" in text
        assert "a2" in text
        assert "lyon-1" not in text  # the steps, not the offices
    else:
        assert [o["office"] for o in json.loads(text)["offices"]] == sorted(region[1]["offices"])
    assert "Rapport enregistré" in page.status.text()
    assert [p.name for p in target.parent.iterdir()] == [name]  # nothing left beside it


def test_a_failed_save_is_said(qtbot: Any, page: RegionPage, tmp_path: Path,
                               region: tuple[Path, dict[str, Any]]) -> None:
    opened(qtbot, page, region[0])
    with qtbot.waitSignal(page.saveFailed, timeout=WAIT) as why:
        page.save_report(tmp_path / "no-such-folder" / "r.html")
    assert why.args[0].startswith("Le rapport n’a pas été enregistré")
    assert page.save_button.isEnabled()


def test_every_control_has_a_name_and_tab_reaches_it(qtbot: Any, page: RegionPage,
                                                     region: tuple[Path, dict[str, Any]]) -> None:
    opened(qtbot, page, region[0])
    page.whole.setChecked(False)  # the dates can be reached too
    controls = [page.open_button, page.reload_button, page.save_button, page.whole, page.start,
                page.end, page.views.tabBar(), page.offices_table]
    assert all(c.accessibleName() for c in controls if c is not page.views.tabBar())
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.open_button.setFocus()
    seen: list[QWidget] = []
    for _ in range(40):
        focus = QApplication.focusWidget()
        if focus is not None:
            seen.append(focus)
        qtbot.keyClick(focus or page, Qt.Key.Key_Tab)
    for control in controls:
        assert control in seen, control.objectName()


def test_the_page_fits_a_small_screen(qtbot: Any, manager: ManagerWindow,
                                      region: tuple[Path, dict[str, Any]]) -> None:
    """The page never makes the window's minimum larger than the other pages make it."""
    page = manager.page("region")
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.open_folder(region[0])
    manager.show_page("region")
    others = [p.minimumSizeHint() for name, p in manager.pages.items() if name != "region"]
    mine = page.minimumSizeHint()
    assert mine.width() <= 1200
    assert mine.height() <= 640
    assert mine.width() <= max(s.width() for s in others)
    assert mine.height() <= max(s.height() for s in others)


def test_unticking_the_whole_folder_offers_its_days_and_dates_rebuild(
        qtbot: Any, page: RegionPage, region: tuple[Path, dict[str, Any]]) -> None:
    opened(qtbot, page, region[0])
    # greyed, the dates already say which days the folder holds
    assert (page.start.date(), page.end.date()) == (QDate(2024, 3, 1), QDate(2024, 3, 4))
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.whole.setChecked(False)
    assert page.period() == (date(2024, 3, 1), date(2024, 3, 4))
    assert (page.report or {})["to"] == "2024-03-04"
    with qtbot.waitSignal(page.loaded, timeout=WAIT):  # once the typing stops
        page.end.setDate(page.end.date().addDays(-2))
    assert (page.report or {})["to"] == "2024-03-02"
