"""Handing a call I hold to a colleague: a small dialog listing the mediators and managers
(not me) with their presence, kept up to date while it is open; offline ones cannot be
chosen. The colleague then accepts or declines on their console."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from kiosk.i18n import Catalog
from kiosk.mediator.desk import Presence
from kiosk.ui.widgets import BigButton, label


class HandoverDialog(QDialog):
    chosen = Signal(str, str)  # help request id, the colleague's name

    def __init__(self, request_id: str, presence: Presence, strings: Catalog,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = strings.t
        self.request_id, self.presence, self.strings = request_id, presence, strings
        self.setObjectName("KioskRoot")  # the console's background
        self.setWindowTitle(t("desk.handover_title"))
        self.setStyleSheet("QListWidget { font-size: 22px; } QListWidget::item { padding: 10px; }")
        self.setMinimumWidth(640)
        box = QVBoxLayout(self)
        box.setSpacing(12)
        box.addWidget(label(t("desk.handover_title"), "consoleTitle"))
        box.addWidget(label(t("desk.handover_choose"), "consoleText"))
        self.people = QListWidget()
        self.people.setMinimumHeight(240)
        self.people.currentItemChanged.connect(lambda *_: self._update())
        self.people.itemDoubleClicked.connect(lambda _item: self.send())
        box.addWidget(self.people, 1)
        self.empty = label(t("desk.handover_nobody"), "consoleText")
        box.addWidget(self.empty)
        buttons = QHBoxLayout()
        self.submit = BigButton(t("desk.handover_send"), "primary")
        self.submit.clicked.connect(self.send)
        self.cancel = BigButton(t("desk.cancel"), "choice")
        self.cancel.clicked.connect(self.reject)
        buttons.addWidget(self.submit)
        buttons.addWidget(self.cancel)
        box.addLayout(buttons)
        presence.changed.connect(self.fill)
        self.fill()
        presence.soon()  # the latest word on everyone

    def fill(self) -> None:
        """List my colleagues; the one chosen stays chosen."""
        t = self.strings.t
        current = self.selected()
        known = self.strings.keys()
        self.people.blockSignals(True)
        self.people.clear()
        for person in self.presence.colleagues():
            name, state = str(person.get("name", "")), str(person.get("state", "offline"))
            shown = t(f"desk.state.{state}") if f"desk.state.{state}" in known else state
            item = QListWidgetItem(t("desk.handover_item", name=name, state=shown))
            item.setData(Qt.ItemDataRole.UserRole, name)
            if state == "offline":
                item.setForeground(QColor("#5E5E5E"))  # readable; "hors ligne" says why
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled
                              & ~Qt.ItemFlag.ItemIsSelectable)
            self.people.addItem(item)
            if name == current and state != "offline":
                self.people.setCurrentItem(item)
        self.people.blockSignals(False)
        self.empty.setVisible(self.people.count() == 0)
        self._update()

    def selected(self) -> str:
        item = self.people.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return ""
        return str(item.data(Qt.ItemDataRole.UserRole) or "")

    def choose(self, name: str) -> None:
        """Select colleague ``name`` in the list (when they can be chosen)."""
        for row in range(self.people.count()):
            item = self.people.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name and \
                    item.flags() & Qt.ItemFlag.ItemIsEnabled:
                self.people.setCurrentItem(item)

    def _update(self) -> None:
        self.submit.setEnabled(bool(self.selected()))

    def send(self) -> None:
        name = self.selected()
        if name:
            self.chosen.emit(self.request_id, name)
            self.accept()
