"""The guided tour overlay: it lights up each step's widget with a bubble beside it,
goes forward and back by mouse or keyboard, can be skipped, keeps Tab inside the
bubble, stops clicks to the window behind, and remembers who has seen it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from kiosk.i18n import catalog
from kiosk.ui import tour
from kiosk.ui.tour import Tour, TourStep


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


class Host(QWidget):
    """A window with three widgets to show: top left, bottom right, and a hidden one."""

    def __init__(self) -> None:
        super().__init__()
        self.resize(1200, 800)
        self.field = QLineEdit(self)
        self.field.setGeometry(40, 40, 300, 40)
        self.top = QPushButton("top", self)
        self.top.setGeometry(40, 100, 200, 60)
        self.bottom = QPushButton("bottom", self)
        self.bottom.setGeometry(900, 700, 260, 60)
        self.hidden = QLabel("hidden", self)
        self.hidden.hide()
        self.clicked: list[str] = []
        self.top.clicked.connect(lambda: self.clicked.append("top"))


@pytest.fixture
def host(qtbot: Any) -> Host:
    window = Host()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def steps(host: Host) -> list[TourStep]:
    return [TourStep("Top", "The top button.", lambda: host.top),
            TourStep("Bottom", "The bottom button.", lambda: host.bottom),
            TourStep("Part", "Part of the window.", lambda: (host, QRect(500, 300, 100, 50))),
            TourStep("Nothing", "A step about the whole window.", lambda: host.hidden)]


def started(host: Host) -> Tour:
    t = Tour(host, catalog("en", "mediator"))
    t.start(steps(host))
    return t


def inside(outer: QRect, inner: QRect) -> bool:
    return outer.contains(inner)


def test_each_step_lights_up_its_widget_with_the_bubble_beside_it(host: Host) -> None:
    t = started(host)
    assert t.running
    assert t.geometry() == host.rect()
    for i, target in enumerate((host.top.geometry(), host.bottom.geometry(),
                                QRect(500, 300, 100, 50))):
        t.go(i)
        assert t.hole is not None
        assert t.hole.contains(target)
        assert inside(host.rect(), t.bubble.geometry())
        assert not t.bubble.geometry().intersects(t.hole), i
        assert host.childAt(target.center()) is t  # the window behind waits
    t.go(3)  # hidden target: no hole, the bubble in the middle
    assert t.hole is None
    assert abs(t.bubble.geometry().center().x() - host.rect().center().x()) <= 2
    assert t.bubble.accessibleName() == "Nothing"


def test_next_previous_and_done(qtbot: Any, host: Host) -> None:
    t = started(host)
    assert (t.progress.text(), t.title.text(), t.text.text()) == (
        "Step 1 of 4", "Top", "The top button.")
    assert not t.previous_button.isEnabled()
    qtbot.mouseClick(t.next_button, Qt.MouseButton.LeftButton)
    assert t.index == 1
    assert t.previous_button.isEnabled()
    qtbot.mouseClick(t.previous_button, Qt.MouseButton.LeftButton)
    assert t.index == 0
    t.go(3)
    assert t.next_button.text() == "Let's go"
    with qtbot.waitSignal(t.finished) as done:
        qtbot.mouseClick(t.next_button, Qt.MouseButton.LeftButton)
    assert done.args == ["done"]
    assert not t.running
    assert host.clicked == []


def test_skip_ends_at_once_and_gives_the_focus_back(qtbot: Any, host: Host) -> None:
    host.activateWindow()
    host.field.setFocus()
    t = started(host)
    assert t.next_button.hasFocus()
    with qtbot.waitSignal(t.finished) as done:
        qtbot.mouseClick(t.skip_button, Qt.MouseButton.LeftButton)
    assert done.args == ["skipped"]
    assert not t.running
    assert host.field.hasFocus()


def test_the_keyboard_drives_the_tour(qtbot: Any, host: Host) -> None:
    host.activateWindow()
    t = started(host)
    qtbot.keyClick(t.next_button, Qt.Key.Key_Right)
    assert t.index == 1
    qtbot.keyClick(t.next_button, Qt.Key.Key_PageDown)
    assert t.index == 2
    qtbot.keyClick(t.next_button, Qt.Key.Key_Left)
    assert t.index == 1
    qtbot.keyClick(t.next_button, Qt.Key.Key_Return)
    assert t.index == 2
    seen = []
    for _ in range(4):  # Tab goes round the bubble's buttons, never to the window
        qtbot.keyClick(t.focusWidget(), Qt.Key.Key_Tab)
        seen.append(t.focusWidget())
    assert seen == [t.skip_button, t.previous_button, t.next_button, t.skip_button]
    qtbot.keyClick(t.skip_button, Qt.Key.Key_Space)  # Space presses the focused one
    assert not t.running
    t.start()
    with qtbot.waitSignal(t.finished) as done:
        qtbot.keyClick(t.next_button, Qt.Key.Key_Escape)
    assert done.args == ["skipped"]


def test_text_is_at_least_18_px(host: Host) -> None:
    t = started(host)
    for w in (t.progress, t.title, t.text, *t.buttons):
        assert QFontInfo(w.font()).pixelSize() >= 18, w.objectName()
    assert QFontInfo(t.text.font()).pixelSize() >= 20


def test_the_bubble_follows_a_window_resize(qtbot: Any, host: Host) -> None:
    t = started(host)
    t.go(1)
    host.resize(1180, 780)
    qtbot.waitUntil(lambda: t.geometry() == host.rect())
    assert t.hole is not None
    assert t.hole.contains(host.bottom.geometry().intersected(host.rect()))
    assert inside(host.rect(), t.bubble.geometry())


def test_who_has_seen_the_tour_is_remembered_per_app_and_user(data_dir: Path) -> None:
    assert tour.first_time("mediator", "aicha")
    tour.mark_seen("mediator", "aicha")
    tour.mark_seen("mediator", "aicha")
    assert not tour.first_time("mediator", "aicha")
    assert tour.first_time("mediator", "bruno")
    assert tour.first_time("manager", "aicha")
    assert json.loads((data_dir / "tours.json").read_text(encoding="utf-8")) == {
        "mediator": ["aicha"]}
    assert not tour.first_time("manager", "")


def test_a_damaged_memory_only_shows_the_tour_again(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "tours.json").write_text("{not json", encoding="utf-8")
    assert tour.first_time("manager", "manon")
    tour.mark_seen("manager", "manon")
    assert not tour.first_time("manager", "manon")


def test_screenshot_tools_can_turn_the_first_run_tour_off(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tour, "AUTO_START", False)
    assert not tour.first_time("mediator", "aicha")
