"""The console's guided tour against a real hub: shown at a mediator's first login on
this computer only, skippable, replayed from the Help button, lighting up the queue, a
call's "I'm going", the connection state and Help."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt

from kiosk.mediator.console import ConsoleWindow
from kiosk.ui import tour
from tests.hub.conftest import Hub, make_hub
from tests.hub.test_help_requests import call
from tests.mediator.test_console import open_console


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))  # nobody has seen it yet
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def lit(window: ConsoleWindow, widget: Any) -> bool:
    """The tour's hole covers ``widget``."""
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return window.tour.hole is not None and window.tour.hole.contains(
        QRect(top_left, widget.size()).intersected(window.rect()))


def test_first_login_shows_the_tour_the_second_does_not(qtbot: Any, hub: Hub) -> None:
    first = open_console(qtbot, hub, "aicha")
    try:
        assert first.tour.running
        assert first.tour.title.text() == "Les appels arrivent ici"
        assert first.tour.progress.text() == "Étape 1 sur 4"
        assert lit(first, first.queue_area)
        with qtbot.waitSignal(first.tour.finished):
            qtbot.mouseClick(first.tour.skip_button, Qt.MouseButton.LeftButton)
        assert not first.tour.running
        assert tour.has_seen("mediator", "aicha")
    finally:
        first.shutdown()
    again = open_console(qtbot, hub, "aicha")
    other = open_console(qtbot, hub, "bruno")
    try:
        assert not again.tour.running
        assert other.tour.running  # per user name
    finally:
        again.shutdown()
        other.shutdown()


def test_help_replays_the_tour_through_each_part_of_the_screen(qtbot: Any, hub: Hub) -> None:
    tour.mark_seen("mediator", "aicha")
    console = open_console(qtbot, hub, "aicha")
    try:
        assert not console.tour.running
        body = call(step_id="weigh")
        with hub.client("k1") as k:
            k.post("/help-requests", json=body)
        qtbot.waitUntil(lambda: body["id"] in console.cards, timeout=10_000)
        qtbot.mouseClick(console.help, Qt.MouseButton.LeftButton)
        assert console.tour.running
        assert console.tour.index == 0
        shown = []
        for _ in range(4):
            shown.append(console.tour.title.text())
            qtbot.keyClick(console.tour.next_button, Qt.Key.Key_Right)
            if console.tour.index == 1:
                assert lit(console, console.cards[body["id"]].claim)
            elif console.tour.index == 2:
                assert lit(console, console.connection)
            elif console.tour.index == 3:
                assert lit(console, console.help)
                assert console.tour.next_button.text() == "C'est parti"
        assert shown == ["Les appels arrivent ici", "« J'y vais » : vous prenez l'appel",
                         "La connexion au hub", "Revoir cette visite"]
        assert not console.tour.running
        assert console.cards[body["id"]].claim.isVisible()  # the tour took no call
    finally:
        console.shutdown()


def test_without_a_call_the_claim_step_shows_the_queue(qtbot: Any, hub: Hub) -> None:
    console = open_console(qtbot, hub, "bruno")
    try:
        console.tour.go(1)
        assert lit(console, console.queue_area)
        with qtbot.waitSignal(console.tour.finished) as done:
            qtbot.keyClick(console.tour.next_button, Qt.Key.Key_Escape)
        assert done.args == ["skipped"]
        assert tour.has_seen("mediator", "bruno")
    finally:
        console.shutdown()


def test_the_console_speaks_english_in_its_tour(qtbot: Any, hub: Hub) -> None:
    window = ConsoleWindow(hub.url, "en")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    try:
        assert window.help.text() == "Help"
        window.show_tour()
        assert window.tour.title.text() == "Calls arrive here"
        assert window.tour.skip_button.text() == "Skip the tour"
        window.tour.skip()
    finally:
        window.shutdown()
