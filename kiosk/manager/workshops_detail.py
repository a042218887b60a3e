"""One workshop opened from the calendar: when and where, seats taken, the people signed
up (first name, phone, e-mail, who signed them up) and, once the session has started,
their attendance, marked present or absent person by person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.staff import StaffClient
from kiosk.manager.workshops_common import (
    button,
    day_text,
    heading,
    office_strings,
    plain_error,
    set_status,
    status_label,
    text_label,
    time_text,
)

COLUMNS = ("name", "phone", "email", "by", "attended")


def started(workshop: dict[str, Any], now: datetime | None = None) -> bool:
    return datetime.fromisoformat(workshop["start"]) <= (now or datetime.now(UTC))


class WorkshopDetail(QFrame):
    changed = Signal()  # attendance was marked
    closed = Signal()

    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.setProperty("office", "panel")
        self.client = client
        self.language = language
        self.t = t = office_strings(language).t
        self.workshop: dict[str, Any] = {}
        self.registrations: list[dict[str, Any]] = []
        self.marks: dict[int, tuple[Any, Any]] = {}  # registration id -> (present, absent)
        box = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = heading("", 2)
        top.addWidget(self.heading, 1)
        self.close_button = button(t("common.close"))
        self.close_button.clicked.connect(self.closed.emit)
        top.addWidget(self.close_button)
        box.addLayout(top)
        self.when, self.info, self.note = text_label(), text_label(), text_label()
        for w in (self.when, self.info, self.note):
            box.addWidget(w)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([t(f"detail.col_{c}") for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.table, 1)
        self.status = status_label()
        box.addWidget(self.status)
        self.notice = status_label()  # what was just done to this workshop (kept on reload)
        box.addWidget(self.notice)

    def show_workshop(self, workshop: dict[str, Any]) -> None:
        """Show ``workshop`` and read its registrations."""
        t = self.t
        if workshop.get("id") != self.workshop.get("id"):
            set_status(self.notice, "")
        self.workshop = workshop
        start = datetime.fromisoformat(workshop["start"])
        end = datetime.fromisoformat(workshop["end"])
        self.heading.setText(workshop["title"])
        self.when.setText(t("detail.when", day=day_text(start.date(), self.language,
                                                        "dddd d MMMM yyyy"),
                            start=time_text(start), end=time_text(end)))
        seats = t("workshops.seats", taken=workshop["seats_taken"], capacity=workshop["capacity"])
        self.info.setText(t("detail.info", level=t(f"levels.{workshop['level']}"),
                            place=workshop.get("place") or t("detail.no_place"), seats=seats))
        self.note.setText(t("detail.after" if started(workshop) else "detail.before"))
        set_status(self.status, t("common.busy"))
        self.reload()

    def reload(self) -> None:
        wid = self.workshop.get("id")
        if wid is None:
            return
        self.client.call("GET", f"/workshops/{wid}/registrations",
                         done=lambda s, p: self._listed(wid, s, p))

    def _listed(self, wid: int, status: int | None, payload: Any) -> None:
        if wid != self.workshop.get("id"):
            return  # another workshop was opened meanwhile
        if status != 200 or not isinstance(payload, dict):
            set_status(self.status, plain_error(self.t, status, payload), "error")
            return
        self.registrations = list(payload.get("items", []))
        self._fill()
        set_status(self.status, "" if self.registrations else self.t("detail.empty"))

    def _fill(self) -> None:
        t = self.t
        can_mark = started(self.workshop)
        self.marks = {}
        self.table.setRowCount(len(self.registrations))
        for row, reg in enumerate(self.registrations):
            name = t("detail.erased") if reg.get("erased") else reg.get("first_name") or ""
            texts = {"name": name, "phone": reg.get("phone") or "", "email": reg.get("email") or "",
                     "by": reg.get("registered_by") or ""}
            for col, key in enumerate(COLUMNS[:-1]):
                self.table.setItem(row, col, QTableWidgetItem(texts[key]))
            self.table.setCellWidget(row, len(COLUMNS) - 1, self._marker(reg, can_mark))
        self.table.resizeRowsToContents()

    def _marker(self, reg: dict[str, Any], enabled: bool) -> QWidget:
        """Two buttons, present and absent; the one that holds is pressed in and ticked
        (so the words say it, not only the colour)."""
        t = self.t
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(4, 2, 4, 2)
        group = QButtonGroup(cell)
        present, absent = button(t("detail.present"), "small"), button(t("detail.absent"), "small")
        for b, value in ((present, True), (absent, False)):
            b.setCheckable(True)
            b.setChecked(reg.get("attended") is value)
            if b.isChecked():
                b.setText("✔ " + b.text())
            b.setEnabled(enabled)
            b.clicked.connect(lambda _=False, r=reg, v=value: self.mark(r["id"], v))
            group.addButton(b)
            row.addWidget(b)
        self.marks[reg["id"]] = (present, absent)
        return cell

    def attendance_text(self, registration_id: int) -> str:
        reg = next(r for r in self.registrations if r["id"] == registration_id)
        key = {True: "detail.present", False: "detail.absent"}.get(reg.get("attended"),
                                                                   "detail.unmarked")
        return self.t(key)

    def mark(self, registration_id: int, attended: bool) -> None:
        """Tell the hub that this person came (or not)."""
        wid = self.workshop["id"]

        def done(status: int | None, payload: Any) -> None:
            if status == 200 and isinstance(payload, dict):
                for i, reg in enumerate(self.registrations):
                    if reg["id"] == payload["id"]:
                        self.registrations[i] = payload
                if wid == self.workshop.get("id"):
                    self._fill()
                set_status(self.status, self.t("detail.saved", name=payload.get("first_name")
                                               or self.t("detail.erased")), "ok")
                self.changed.emit()
            else:
                set_status(self.status, plain_error(self.t, status, payload), "error")
                if wid == self.workshop.get("id"):
                    self._fill()  # the buttons show what the hub holds

        self.client.call("POST", f"/workshops/{wid}/attendance",
                         {"registration_id": registration_id, "attended": attended}, done)
