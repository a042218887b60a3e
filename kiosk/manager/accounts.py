"""The manager app's accounts page ("Comptes"): the people who can log in (name, role,
disabled or not); add a mediator or a manager; give someone a new password; disable or
enable an account after a confirmation. The hub's refusals (a name already taken,
disabling your own account) are said in plain words.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.staff import StaffClient
from kiosk.manager.workshops_common import (
    BAD,
    button,
    day_text,
    heading,
    office_strings,
    office_style,
    plain_error,
    set_status,
    status_label,
    text_label,
)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ROLES = ("mediator", "manager")
COLUMNS = ("name", "role", "state", "created")
MIN_PASSWORD = 8


def _password_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


class AccountsPage(QWidget):
    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.client = client
        self.language = language
        self.t = office_strings(language).t
        self.setStyleSheet(office_style())
        self.users: list[dict[str, Any]] = []
        self.chosen: str | None = None
        self.confirm: QMessageBox | None = None
        t = self.t
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(t("accounts.title")), 1)
        self.refresh_button = button(t("common.refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        outer.addLayout(top)
        self.status = status_label()
        outer.addWidget(self.status)
        body = QHBoxLayout()
        outer.addLayout(body, 1)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([t(f"accounts.col_{c}") for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        body.addWidget(self.table, 3)
        side = QVBoxLayout()
        side.addWidget(self._chosen_panel())
        side.addWidget(self._add_panel())
        side.addStretch(1)
        body.addLayout(side, 2)
        self._show_chosen()

    def _chosen_panel(self) -> QFrame:
        t = self.t
        panel = QFrame()
        panel.setProperty("office", "panel")
        box = QVBoxLayout(panel)
        box.addWidget(heading(t("accounts.chosen_title"), 2))
        self.chosen_label = text_label()
        box.addWidget(self.chosen_label)
        self.new_password = _password_field(t("accounts.new_password"))
        self.new_password_again = _password_field(t("accounts.password_again"))
        box.addWidget(self.new_password)
        box.addWidget(self.new_password_again)
        row = QHBoxLayout()
        self.set_password_button = button(t("accounts.set_password"))
        self.set_password_button.clicked.connect(self.set_password)
        self.toggle_button = button(t("accounts.disable"), "danger")
        self.toggle_button.clicked.connect(self.ask_toggle)
        row.addWidget(self.set_password_button)
        row.addWidget(self.toggle_button)
        box.addLayout(row)
        return panel

    def _add_panel(self) -> QFrame:
        t = self.t
        panel = QFrame()
        panel.setProperty("office", "panel")
        box = QVBoxLayout(panel)
        box.addWidget(heading(t("accounts.add_title"), 2))
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText(t("accounts.name"))
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(t(f"accounts.role_{role}"), role)
        self.password = _password_field(t("accounts.password"))
        self.password_again = _password_field(t("accounts.password_again"))
        form.addRow(self.name)
        form.addRow(t("accounts.role"), self.role)
        form.addRow(self.password)
        form.addRow(self.password_again)
        box.addLayout(form)
        self.add_button = button(t("accounts.add"), "primary")
        self.add_button.clicked.connect(self.add)
        box.addWidget(self.add_button)
        return panel

    # -- reading ---------------------------------------------------------------------
    def refresh(self) -> None:
        self.client.call("GET", "/users", done=self._listed)

    def _listed(self, status: int | None, payload: Any) -> None:
        if status != 200 or not isinstance(payload, dict):
            self._fail(status, payload)
            return
        self.users = list(payload.get("items", []))
        t = self.t
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            name = user["name"]
            texts = {
                "name": t("accounts.you", name=name) if name == self.client.user else name,
                "role": self._role(user["role"]),
                "state": t("accounts.disabled" if user["disabled"] else "accounts.active"),
                "created": self._date(user.get("created_at")),
            }
            for col, key in enumerate(COLUMNS):
                item = QTableWidgetItem(texts[key])
                item.setData(Qt.ItemDataRole.UserRole, name)
                if user["disabled"]:
                    item.setForeground(QBrush(QColor(BAD)))
                self.table.setItem(row, col, item)
        self._select(self.chosen)

    def _role(self, role: str) -> str:
        return self.t(f"accounts.role_{role}") if role in ROLES else role

    def _date(self, stamp: str | None) -> str:
        try:
            return day_text(self.client.office.local(stamp or "").date(), self.language)
        except ValueError:
            return ""

    def user(self, name: str) -> dict[str, Any] | None:
        return next((u for u in self.users if u["name"] == name), None)

    def state_of(self, name: str) -> str:
        """The state column's text for ``name`` (for tests and screen readers)."""
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == name:
                return self.table.item(r, 2).text()
        raise KeyError(name)

    # -- choosing --------------------------------------------------------------------
    def choose(self, name: str | None) -> None:
        self._select(name)

    def _select(self, name: str | None) -> None:
        self.table.blockSignals(True)
        self.table.clearSelection()
        for r in range(self.table.rowCount()):
            if name and self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == name:
                self.table.selectRow(r)
        self.table.blockSignals(False)
        self.chosen = name if name and self.user(name) else None
        self._show_chosen()

    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        name = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None
        if name != self.chosen:
            self.new_password.clear()
            self.new_password_again.clear()
        self.chosen = name
        self._show_chosen()

    def _show_chosen(self) -> None:
        t = self.t
        user = self.user(self.chosen) if self.chosen else None
        for w in (self.new_password, self.new_password_again, self.set_password_button,
                  self.toggle_button):
            w.setEnabled(user is not None)
        if user is None:
            self.chosen_label.setText(t("accounts.none_chosen"))
            return
        state = t("accounts.disabled" if user["disabled"] else "accounts.active")
        self.chosen_label.setText(t("accounts.chosen", name=user["name"],
                                    role=self._role(user["role"]), state=state))
        self.toggle_button.setText(t("accounts.enable" if user["disabled"] else "accounts.disable"))
        self.toggle_button.setProperty("office", "normal" if user["disabled"] else "danger")
        self.toggle_button.style().unpolish(self.toggle_button)
        self.toggle_button.style().polish(self.toggle_button)

    # -- acting ----------------------------------------------------------------------
    def _check_password(self, first: str, second: str) -> str | None:
        if len(first) < MIN_PASSWORD:
            return self.t("accounts.too_short")
        if first != second:
            return self.t("accounts.mismatch")
        return None

    def add(self) -> None:
        t = self.t
        name = self.name.text().strip()
        problem = (t("accounts.name_missing") if not name else
                   t("accounts.name_invalid") if not NAME.match(name) else
                   self._check_password(self.password.text(), self.password_again.text()))
        if problem:
            set_status(self.status, problem, "error")
            return
        body = {"name": name, "role": self.role.currentData(), "password": self.password.text()}
        self._working(True)

        def done(status: int | None, payload: Any) -> None:
            self._working(False)
            if status == 201:
                for field in (self.name, self.password, self.password_again):
                    field.clear()
                self.chosen = name
                set_status(self.status, t("accounts.added", name=name), "ok")
                self.refresh()
            elif status == 409:
                set_status(self.status, t("accounts.taken", name=name), "error")
            else:
                self._fail(status, payload)

        self.client.call("POST", "/users", body, done)

    def set_password(self) -> None:
        t = self.t
        name = self.chosen
        if not name:
            return
        problem = self._check_password(self.new_password.text(), self.new_password_again.text())
        if problem:
            set_status(self.status, problem, "error")
            return
        self._working(True)

        def done(status: int | None, payload: Any) -> None:
            self._working(False)
            if status == 200:
                self.new_password.clear()
                self.new_password_again.clear()
                set_status(self.status, t("accounts.password_changed", name=name), "ok")
            else:
                self._fail(status, payload)

        self.client.call("POST", f"/users/{name}/password", {"password": self.new_password.text()},
                         done)

    def ask_toggle(self) -> None:
        """Ask before disabling or enabling the chosen account."""
        user = self.user(self.chosen) if self.chosen else None
        if user is None:
            return
        t = self.t
        disable = not user["disabled"]
        box = QMessageBox(QMessageBox.Icon.Question, t("accounts.confirm_title"),
                          t("accounts.confirm_disable" if disable else "accounts.confirm_enable",
                            name=user["name"]), QMessageBox.StandardButton.NoButton, self)
        yes = box.addButton(t("accounts.yes_disable" if disable else "accounts.yes_enable"),
                            QMessageBox.ButtonRole.AcceptRole)
        box.addButton(t("common.cancel"), QMessageBox.ButtonRole.RejectRole)
        box.buttonClicked.connect(
            lambda clicked: self.toggle(user["name"], disable) if clicked is yes else None)
        box.finished.connect(box.deleteLater)
        self.confirm = box
        box.open()

    def toggle(self, name: str, disable: bool) -> None:
        """Disable (or enable) ``name`` on the hub, without asking."""
        t = self.t
        self.confirm = None
        self._working(True)

        def done(status: int | None, payload: Any) -> None:
            self._working(False)
            if status == 200:
                set_status(self.status, t("accounts.disabled_done" if disable
                                          else "accounts.enabled_done", name=name), "ok")
                self.refresh()
            elif status == 409 and disable and name == self.client.user:
                set_status(self.status, t("accounts.self_disable"), "error")
            else:
                self._fail(status, payload)

        self.client.call("POST", f"/users/{name}/{'disable' if disable else 'enable'}", None, done)

    def _working(self, busy: bool) -> None:
        if busy:
            set_status(self.status, self.t("accounts.working"))
        self.add_button.setEnabled(not busy)
        self.set_password_button.setEnabled(not busy and self.chosen is not None)
        self.toggle_button.setEnabled(not busy and self.chosen is not None)

    def _fail(self, status: int | None, payload: Any) -> None:
        set_status(self.status, plain_error(self.t, status, payload), "error")
