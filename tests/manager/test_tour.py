"""The manager app's guided tour against a real hub: shown at a manager's first login on
this computer only, one step per tab (what it is for) then Help, skippable, replayed
from the Help button."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt

from kiosk.manager.app import ManagerWindow
from kiosk.ui import tour
from tests.hub.conftest import Hub
from tests.manager.conftest import open_manager


@pytest.fixture(autouse=True)
def _fresh_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))  # nobody has seen it yet


def logged_in(qtbot: Any, hub: Hub) -> ManagerWindow:
    window = open_manager(qtbot, hub)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=10_000)
    qtbot.waitUntil(lambda: window.page("flows").idle(), timeout=10_000)  # flows read
    return window


def lit_tab(window: ManagerWindow, index: int) -> bool:
    bar = window.tabs.tabBar()
    rect = bar.tabRect(index)
    return window.tour.hole is not None and window.tour.hole.contains(
        QRect(bar.mapTo(window, rect.topLeft()), rect.size()))


def test_first_login_shows_each_tab_then_help(qtbot: Any, hub: Hub) -> None:
    window = logged_in(qtbot, hub)
    try:
        t = window.tour
        assert t.running
        assert t.progress.text() == "Étape 1 sur 7"
        titles = []
        for i in range(window.tabs.count()):
            assert t.index == i
            assert lit_tab(window, i)
            titles.append(t.title.text())
            qtbot.mouseClick(t.next_button, Qt.MouseButton.LeftButton)
        assert titles == ["Parcours", "Tableau de bord", "Bornes", "Ateliers", "Comptes", "Région"]
        assert t.title.text() == "Revoir cette visite"
        assert t.hole is not None
        assert t.hole.contains(
            QRect(window.help.mapTo(window, window.help.rect().topLeft()), window.help.size()))
        assert window.current_page() is window.page("flows")  # nothing was switched
        with qtbot.waitSignal(t.finished) as done:
            qtbot.mouseClick(t.next_button, Qt.MouseButton.LeftButton)
        assert done.args == ["done"]
        assert tour.has_seen("manager", "manon")
    finally:
        window.shutdown()


def test_skip_then_the_next_login_has_no_tour(qtbot: Any, hub: Hub) -> None:
    first = logged_in(qtbot, hub)
    try:
        assert "Modifiez les parcours" in first.tour.text.text()
        with qtbot.waitSignal(first.tour.finished) as done:
            qtbot.mouseClick(first.tour.skip_button, Qt.MouseButton.LeftButton)
        assert done.args == ["skipped"]
        assert not first.tour.running
    finally:
        first.shutdown()
    second = logged_in(qtbot, hub)
    try:
        assert not second.tour.running
        assert second.help.isVisible()
        assert second.help.text() == "Aide"
        qtbot.mouseClick(second.help, Qt.MouseButton.LeftButton)  # replay
        assert second.tour.running
        assert second.tour.index == 0
        qtbot.keyClick(second.tour.next_button, Qt.Key.Key_Escape)
        assert not second.tour.running
    finally:
        second.shutdown()


def test_a_refused_login_shows_no_tour(qtbot: Any, hub: Hub) -> None:
    window = open_manager(qtbot, hub, "aicha")
    qtbot.waitUntil(lambda: window.login_error.text() != "", timeout=10_000)
    assert not window.tour.running
    assert tour.first_time("manager", "aicha")
    window.shutdown()
