"""The editor's left column: the flows on the hub (retired ones marked in words) with the
buttons that make a new flow, duplicate, retire or restore one, and the steps of the open
flow (with how many of their translations are to review) and the buttons that add,
duplicate, move and delete them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.flows.model import pick
from kiosk.manager.editor_doc import FlowDoc

FAULTY = QColor("#A3140F")
NORMAL = QColor("#1A1A1A")
RETIRED = QColor("#5A6270")

#: the lists' least height (three rows); they grow with the window
LIST_MIN_HEIGHT = 96


class FlowList(QWidget):
    """Every flow the hub has: title, version, whether a draft waits, whether it is retired."""

    chosen = Signal(str)
    action = Signal(str)  # new, duplicate, retire, restore

    def __init__(self, t: Callable[..., str], language: str) -> None:
        super().__init__()
        self.t, self.language = t, language
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        head = QLabel(t("flows.heading"))
        head.setObjectName("sectionHead")
        box.addWidget(head)
        self.list = QListWidget()
        self.list.setObjectName("flowList")
        self.list.setMinimumHeight(LIST_MIN_HEIGHT)  # not Qt's 184 px: the page fits 1366x768
        self.list.setWordWrap(True)
        self.list.itemClicked.connect(lambda item: self.chosen.emit(str(item.data(Qt.ItemDataRole.UserRole))))
        box.addWidget(self.list, 1)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for i, name in enumerate(("new", "duplicate", "retire")):
            b = QPushButton(t(f"lifecycle.{name}"))
            b.setObjectName(f"flow-{name}")
            b.clicked.connect(lambda _=False, b=b: self.action.emit(str(b.property("action"))))
            b.setProperty("action", name)
            grid.addWidget(b, i // 2, i % 2)
            self.buttons[name] = b
        box.addLayout(grid)
        self.show_actions(False, {})
        self.items: list[dict[str, Any]] = []

    def show_items(self, items: list[dict[str, Any]], current: str) -> None:
        self.items = items
        self.list.clear()
        for entry in items:
            title = pick(entry.get("title") or {}, self.language) or entry["id"]
            version = entry.get("version")
            state = (self.t("flows.version", n=version) if version else self.t("flows.unpublished"))
            if entry.get("has_draft"):
                state += " · " + self.t("flows.draft")
            if entry.get("retired"):
                state = self.t("flows.retired") + " · " + state
            item = QListWidgetItem(f"{title}\n{state}")
            item.setData(Qt.ItemDataRole.UserRole, entry["id"])
            if entry.get("retired"):
                item.setForeground(RETIRED)
            self.list.addItem(item)
            if entry["id"] == current:
                self.list.setCurrentItem(item)

    def entry(self, flow_id: str) -> dict[str, Any] | None:
        return next((e for e in self.items if e["id"] == flow_id), None)

    def show_actions(self, open_flow: bool, entry: dict[str, Any]) -> None:
        """Duplicate needs an open flow; retire a published one; a retired one is restored."""
        retired = bool(entry.get("retired"))
        retire = self.buttons["retire"]
        retire.setProperty("action", "restore" if retired else "retire")
        retire.setText(self.t("lifecycle.restore" if retired else "lifecycle.retire"))
        retire.setEnabled(open_flow and bool(entry.get("version")))
        self.buttons["duplicate"].setEnabled(open_flow)

    def select(self, flow_id: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == flow_id:
                self.list.setCurrentRow(row)


class StepList(QWidget):
    """The steps in file order; ▶ marks the start, red the steps with an error, "· 2 à
    revoir" the steps with translations to review."""

    selected = Signal(int)
    action = Signal(str)  # add, duplicate, up, down, delete

    def __init__(self, t: Callable[..., str]) -> None:
        super().__init__()
        self.t = t
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        head = QLabel(t("steps.heading"))
        head.setObjectName("sectionHead")
        box.addWidget(head)
        self.list = QListWidget()
        self.list.setObjectName("stepList")
        self.list.setMinimumHeight(LIST_MIN_HEIGHT)
        self.list.currentRowChanged.connect(self._row)
        box.addWidget(self.list, 1)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for i, name in enumerate(("add", "duplicate", "up", "down", "delete")):
            b = QPushButton(t(f"steps.{name}"))
            b.setObjectName(f"step-{name}")
            b.clicked.connect(lambda _=False, n=name: self.action.emit(n))
            grid.addWidget(b, i // 2, i % 2)
            self.buttons[name] = b
        box.addLayout(grid)
        self._quiet = False
        self.reviews: dict[str, int] = {}  # step id -> translations to review
        self._start: Any = None

    def _label(self, row: int, sid: str) -> str:
        mark = "▶ " if sid == self._start else ""
        n = self.reviews.get(sid, 0)
        return f"{row + 1}. {mark}{sid}" + (" · " + self.t("review.count", n=n) if n else "")

    def show_reviews(self, reviews: dict[str, int]) -> None:
        """How many translations each step has to review (its label says it)."""
        self.reviews = reviews
        for row in range(self.list.count()):
            item = self.list.item(row)
            sid = item.data(Qt.ItemDataRole.UserRole)
            if sid is not None:
                item.setText(self._label(row, str(sid)))

    def show_steps(self, doc: FlowDoc, index: int, faulty: set[str]) -> None:
        self._quiet = True
        self._start = doc.data.get("start")
        ids = doc.step_ids()
        if self.list.count() != len(ids):
            self.list.clear()
            for _ in ids:
                self.list.addItem(QListWidgetItem())
        for row, sid in enumerate(ids):
            item = self.list.item(row)
            item.setData(Qt.ItemDataRole.UserRole, sid)
            item.setText(self._label(row, sid))
            item.setForeground(FAULTY if sid in faulty else NORMAL)
            item.setToolTip(self.t("steps.has_error") if sid in faulty else "")
        self.list.setCurrentRow(index)
        self._quiet = False
        self.buttons["up"].setEnabled(index > 0)
        self.buttons["down"].setEnabled(index < len(ids) - 1)
        self.buttons["delete"].setEnabled(len(ids) > 1)

    def _row(self, row: int) -> None:
        if not self._quiet and row >= 0:
            self.selected.emit(row)

    def labels(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]
