"""The dashboard's "Mots expliqués" tab: the glossary words customers touched on the
kiosks to have them explained (``GET /stats/glossary``: events ``glossary.opened``), most
opened first, for the page's period and kiosk and one flow or all. A word opened often
is a word the step's text should say more plainly.

It hangs on the dashboard page (kiosk.manager.dashboard) from outside: it adds its own
tab and loads once the page has shown the numbers of a load, asynchronously (an older
answer is dropped), and draws the table with the page's flow titles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.staff import detail
from kiosk.flows.glossary import glossary
from kiosk.languages import english_name
from kiosk.languages import get as language_row

if TYPE_CHECKING:
    from kiosk.manager.dashboard import DashboardPage

COLUMNS = ("word", "language", "flow", "step", "opened")


def word_of(term_id: str, language: str) -> str:
    """A term as the manager reads it: its first word in the app's language (else in
    French), else its id."""
    for lang in (language, "fr"):
        term = glossary(lang).get(term_id)
        if term is not None and term.words:
            return term.words[0]
    return term_id


def language_name(code: str | None, app_language: str) -> str:
    """A customer's language in the app's words ("Arabe (العربية)" is its own name)."""
    row = language_row(code or "")
    if row is None:
        return code or ""
    return row.name if app_language == row.code else f"{english_name(row.code)} ({row.name})"


class GlossaryView(QWidget):
    """The tab: a flow picker, the table of words opened, and how many in all."""

    loaded = Signal()  # the table shows the answer of the last load

    def __init__(self, page: DashboardPage) -> None:
        super().__init__()
        self.page = page
        self.t = page.t
        self.setObjectName("view-glossary")
        self.generation = 0
        self.items: list[dict[str, Any]] = []
        t = self.t.t
        box = QVBoxLayout(self)
        self.title = QLabel(t("glossary.title"))
        self.title.setObjectName("glossary-title")
        self.title.setWordWrap(True)
        box.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(QLabel(t("glossary.flow")))
        self.picker = QComboBox()
        self.picker.setObjectName("glossary-flow")
        self.picker.setAccessibleName(t("glossary.flow"))
        self.picker.addItem(t("glossary.all_flows"), None)
        self.picker.currentIndexChanged.connect(lambda _i: self.load())
        row.addWidget(self.picker)
        row.addStretch(1)
        self.total = QLabel("")
        self.total.setObjectName("glossary-total")
        row.addWidget(self.total)
        box.addLayout(row)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("glossary-table")
        self.table.setHorizontalHeaderLabels([t(f"glossary.columns.{c}") for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.table, 1)
        self.note = QLabel(t("glossary.note"))
        self.note.setObjectName("glossary-note")
        self.note.setWordWrap(True)
        box.addWidget(self.note)
        page.views.addTab(self, t("glossary.tab"))
        page.loaded.connect(self._page_loaded)

    def _page_loaded(self) -> None:
        self._fill_picker()
        self.load()

    def _fill_picker(self) -> None:
        chosen = self.picker.currentData()
        self.picker.blockSignals(True)
        while self.picker.count() > 1:
            self.picker.removeItem(1)
        for flow in self.page.flows:
            self.picker.addItem(self.page.titles.get(flow["id"], flow["id"]), flow["id"])
        self.picker.setCurrentIndex(max(0, self.picker.findData(chosen)) if chosen else 0)
        self.picker.blockSignals(False)

    def query(self) -> str:
        """The page's period and kiosk, and the flow picked."""
        start, end = self.page.period()
        params = {"from": start.isoformat(), "to": end.isoformat()}
        kiosk, flow = self.page.kiosk.currentData(), self.picker.currentData()
        if kiosk:
            params["kiosk"] = str(kiosk)
        if flow:
            params["flow"] = str(flow)
        return "?" + urlencode(params)

    def load(self) -> None:
        if self.page.closed:
            return
        self.generation += 1
        generation = self.generation

        def done(status: int | None, payload: Any) -> None:
            if self.page.closed or generation != self.generation:
                return  # an older load
            if status == 200 and isinstance(payload, dict):
                self.show_items(list(payload.get("items") or []))
            else:
                self.items = []
                self.table.setRowCount(0)
                self.total.setText(detail(status, payload))
            self.loaded.emit()

        self.page.client.call("GET", "/stats/glossary" + self.query(), done=done)

    def show_items(self, items: list[dict[str, Any]]) -> None:
        """One row per (word, language, flow, step), most opened first (the hub's order)."""
        self.items = items
        app = self.page.language
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            flow = str(item.get("flow_id") or "")
            cells = (word_of(str(item.get("term")), app),
                     language_name(item.get("language"), app),
                     self.page.titles.get(flow, flow), str(item.get("step_id") or ""),
                     str(int(item.get("opened") or 0)))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        opened = sum(int(i.get("opened") or 0) for i in items)
        self.total.setText(self.t.t("glossary.total", n=opened) if items
                           else self.t.t("glossary.empty"))
