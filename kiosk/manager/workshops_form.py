"""The form that plans a workshop: title, level (Initiation, Perfectionnement, Outils
budgétaires), start date and time, length (120 min), seats (8) and place. The start is
sent with this computer's UTC offset, as the hub asks."""

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
    set_status,
    status_label,
    when_text,
)

DEFAULT_HOUR = time(14, 0)


class WorkshopForm(QFrame):
    created = Signal(dict)  # the workshop, as the hub answered it
    cancelled = Signal()

    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.setProperty("office", "panel")
        self.client = client
        self.language = language
        self.t = t = office_strings(language).t
        box = QVBoxLayout(self)
        box.addWidget(heading(t("form.title"), 2))
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
        day = day or self.client.office.today() + timedelta(days=1)
        self.start.setDateTime(QDateTime(qdate(day), QTime(DEFAULT_HOUR.hour, DEFAULT_HOUR.minute)))
        self.title.setText(self._default_title(self.level.currentData()))
        self.duration.setValue(120)
        self.capacity.setValue(8)
        self.place.clear()
        set_status(self.status, "")
        self.submit_button.setEnabled(True)

    def start_moment(self) -> datetime:
        """The chosen start, on the office's clock."""
        d, t = self.start.date(), self.start.time()
        return self.client.office.at(date(d.year(), d.month(), d.day()), t.hour(), t.minute())

    def submit(self) -> None:
        t = self.t
        title = self.title.text().strip()
        if not title:
            set_status(self.status, t("form.name_missing"), "error")
            return
        body: dict[str, Any] = {
            "title": title, "level": self.level.currentData(),
            "start": self.start_moment().isoformat(timespec="seconds"),
            "duration_minutes": self.duration.value(), "capacity": self.capacity.value(),
            "place": self.place.text().strip() or None}
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

        self.client.call("POST", "/workshops", body, done)
