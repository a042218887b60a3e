"""The form that plans a workshop: title, level (Initiation, Perfectionnement, Outils
budgétaires), start date and time, length (120 min), seats (8) and place. The start is a
time on the office's clock, sent with its UTC offset, as the hub asks.

The same form edits a workshop ("Modifier…"): filled in with the workshop (its start on
the office's clock), it sends only what changed (PATCH), and says the hub's refusals
(a capacity under the seats taken, a start moved once the workshop has started...) in
plain words."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from kiosk.client.staff import StaffClient
from kiosk.manager.workshops_common import (
    LEVELS,
    button,
    heading,
    office_strings,
    plain_error,
    qdate,
    qlocale,
    refusal_text,
    set_status,
    status_label,
    when_text,
)

DEFAULT_HOUR = time(14, 0)


class WorkshopForm(QFrame):
    created = Signal(dict)  # the workshop, as the hub answered it
    edited = Signal(dict)  # the workshop edited, as the hub answered it
    cancelled = Signal()

    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.setProperty("office", "panel")
        self.client = client
        self.language = language
        self.t = t = office_strings(language).t
        self.editing: dict[str, Any] = {}  # the workshop edited ({}: a new one)
        box = QVBoxLayout(self)
        self.heading = heading(t("form.title"), 2)
        box.addWidget(self.heading)
        form = QFormLayout()
        self.level = QComboBox()
        for level in LEVELS:
            self.level.addItem(t(f"levels.{level}"), level)
        self.level.currentIndexChanged.connect(self._level_changed)
        self.title = QLineEdit()
        self.start = QDateTimeEdit()
        self.start.setLocale(qlocale(language))
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("dddd d MMMM yyyy  HH:mm")
        self.duration = QSpinBox()
        self.duration.setRange(15, 720)
        self.duration.setSingleStep(15)
        self.duration.setValue(120)
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 200)
        self.capacity.setValue(8)
        self.place = QLineEdit()
        self.place.setPlaceholderText(t("form.place_hint"))
        form.addRow(t("form.level"), self.level)
        form.addRow(t("form.name"), self.title)
        form.addRow(t("form.start"), self.start)
        form.addRow(t("form.duration"), self.duration)
        form.addRow(t("form.capacity"), self.capacity)
        form.addRow(t("form.place"), self.place)
        box.addLayout(form)
        self.status = status_label()
        box.addWidget(self.status)
        row = QHBoxLayout()
        self.submit_button = button(t("form.submit"), "primary")
        self.submit_button.clicked.connect(self.submit)
        self.cancel_button = button(t("common.cancel"))
        self.cancel_button.clicked.connect(self.cancelled.emit)
        row.addWidget(self.submit_button)
        row.addWidget(self.cancel_button)
        box.addLayout(row)
        box.addStretch(1)
        self.prepare()

    def _default_title(self, level: str) -> str:
        return self.t("form.default_name", level=self.t(f"levels.{level}"))

    def _level_changed(self) -> None:
        # keep a title the manager typed; follow the level otherwise
        if self.title.text().strip() in {"", *(self._default_title(lv) for lv in LEVELS)}:
            self.title.setText(self._default_title(self.level.currentData()))

    def prepare(self, day: date | None = None) -> None:
        """A blank form for a workshop on ``day`` (tomorrow by default) at 14:00."""
        self.editing = {}
        self.heading.setText(self.t("form.title"))
        self.submit_button.setText(self.t("form.submit"))
        day = day or self.client.office.today() + timedelta(days=1)
        self.start.setDateTime(QDateTime(qdate(day), QTime(DEFAULT_HOUR.hour, DEFAULT_HOUR.minute)))
        self.title.setText(self._default_title(self.level.currentData()))
        self.duration.setValue(120)
        self.capacity.setValue(8)
        self.place.clear()
        set_status(self.status, "")
        self.submit_button.setEnabled(True)

    def prepare_edit(self, workshop: dict[str, Any]) -> None:
        """The form filled in with ``workshop``, to change it."""
        t = self.t
        self.editing = workshop
        self.heading.setText(t("form.edit_title", title=workshop["title"]))
        self.submit_button.setText(t("form.save"))
        self.level.blockSignals(True)  # the title typed stays as it is
        self.level.setCurrentIndex(max(0, self.level.findData(workshop["level"])))
        self.level.blockSignals(False)
        self.title.setText(workshop["title"])
        start = self.client.office.local(workshop["start"])
        self.start.setDateTime(QDateTime(qdate(start.date()), QTime(start.hour, start.minute)))
        self.duration.setValue(workshop["duration_minutes"])
        self.capacity.setValue(workshop["capacity"])
        self.place.setText(workshop.get("place") or "")
        set_status(self.status, "")
        self.submit_button.setEnabled(True)

    def changes(self) -> dict[str, Any]:
        """What the form changes in the workshop edited (its start: if the instant differs)."""
        w, body = self.editing, self.body()
        out = {k: v for k, v in body.items() if k != "start" and v != w.get(k)}
        if datetime.fromisoformat(body["start"]) != datetime.fromisoformat(w["start"]):
            out["start"] = body["start"]
        return out

    def body(self) -> dict[str, Any]:
        return {"title": self.title.text().strip(), "level": self.level.currentData(),
                "start": self.start_moment().isoformat(timespec="seconds"),
                "duration_minutes": self.duration.value(), "capacity": self.capacity.value(),
                "place": self.place.text().strip() or None}

    def start_moment(self) -> datetime:
        """The chosen start, on the office's clock."""
        d, t = self.start.date(), self.start.time()
        return self.client.office.at(date(d.year(), d.month(), d.day()), t.hour(), t.minute())

    def submit(self) -> None:
        t = self.t
        if not self.title.text().strip():
            set_status(self.status, t("form.name_missing"), "error")
            return
        if self.editing:
            self._save()
            return
        self.submit_button.setEnabled(False)
        set_status(self.status, t("common.busy"))

        def done(status: int | None, payload: Any) -> None:
            self.submit_button.setEnabled(True)
            if status == 201 and isinstance(payload, dict):
                set_status(self.status, t("form.created", title=payload["title"], when=when_text(
                    datetime.fromisoformat(payload["start"]), self.language)), "ok")
                self.created.emit(payload)
            else:
                set_status(self.status, plain_error(t, status, payload), "error")

        self.client.call("POST", "/workshops", self.body(), done)

    def _save(self) -> None:
        """Send what changed in the workshop edited."""
        t, wid = self.t, self.editing["id"]
        changes = self.changes()
        if not changes:
            set_status(self.status, t("form.unchanged"))
            return
        self.submit_button.setEnabled(False)
        set_status(self.status, t("common.busy"))

        def done(status: int | None, payload: Any) -> None:
            self.submit_button.setEnabled(True)
            if status == 200 and isinstance(payload, dict):
                if wid == self.editing.get("id"):
                    self.editing = payload
                set_status(self.status, t("form.saved", title=payload["title"], when=when_text(
                    self.client.office.local(payload["start"]), self.language)), "ok")
                self.edited.emit(payload)
            else:
                set_status(self.status, refusal_text(t, status, payload), "error")

        self.client.call("PATCH", f"/workshops/{wid}", changes, done)
