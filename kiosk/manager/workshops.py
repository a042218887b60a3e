"""The manager app's workshops page ("Ateliers"): the week's workshops as a Monday-to-Sunday
calendar (previous / next week) with the seats taken out of the capacity, cancelled ones
marked in words; a form to plan one or edit one; a workshop opened from the calendar
shows who signed up and lets the manager mark attendance after the session, cancel or
move a registration, edit or cancel the workshop; a second tab holds the period report
and its exports.

The form, the opened workshop, the cancellation (with the people to call), the move of a
registration and the report live in ``workshops_form``, ``workshops_detail``,
``workshops_cancel``, ``workshops_move`` and ``workshops_report``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.staff import StaffClient
from kiosk.manager.workshops_cancel import CancelDialog
from kiosk.manager.workshops_common import (
    BLUE,
    DAYS,
    INK,
    button,
    day_text,
    heading,
    office_strings,
    office_style,
    plain_error,
    restyle,
    set_status,
    status_label,
    time_text,
)
from kiosk.manager.workshops_detail import WorkshopDetail
from kiosk.manager.workshops_form import WorkshopForm
from kiosk.manager.workshops_report import ReportView

#: a mark per level on the calendar (the level's name is written too)
LEVEL_COLOURS = {"initiation": "#1B7F3B", "perfectionnement": "#0B3D91",
                 "outils-budgetaires": "#8A4B00"}


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def calendar_style() -> str:
    rules = [
        f'QPushButton[office="slot"] {{ background: #FFFFFF; border: 2px solid #9AA5B8;'
        f" border-left: 10px solid {BLUE}; border-radius: 6px; min-height: 40px; }}",
        'QPushButton[office="slot"][full="true"] { background: #ECECEC; }',
        'QPushButton[office="slot"][cancelled="true"] { background: #ECECEC; }',
        'QPushButton[office="slot"]:pressed { background: #CFE3FF; }',
        f'QPushButton[office="slot"] QLabel {{ font-size: 16px; color: {INK}; }}',
        'QFrame[office="day"] { background: #FFFFFF; border: 1px solid #C5CCD8; border-radius: 8px; }',
        f'QFrame[office="day"][today="true"] {{ border: 3px solid {BLUE}; }}',
        'QFrame[office="day"] QLabel { background: transparent; }',
    ]
    rules += [f'QPushButton[office="slot"][level="{lv}"] {{ border-left-color: {c}; }}'
              for lv, c in LEVEL_COLOURS.items()]
    return "\n".join(rules)


class Slot(QPushButton):
    """One workshop on the calendar: a button whose text wraps to the column's width."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.setProperty("office", "slot")
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 6, 8, 6)
        self.text_label = QLabel(text)
        self.text_label.setWordWrap(True)
        self.text_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box.addWidget(self.text_label)
        self.setAccessibleName(text)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def label_text(self) -> str:
        return self.text_label.text()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.layout().totalSizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.layout().totalMinimumSize()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return self.layout().totalHeightForWidth(width)


class WeekCalendar(QWidget):
    """Seven day columns, Monday first; each workshop is a :class:`Slot`."""

    opened = Signal(dict)

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.t = office_strings(language).t
        self.slots: dict[int, Slot] = {}
        self.columns: list[tuple[QFrame, QLabel, QVBoxLayout]] = []
        row = QHBoxLayout(self)
        row.setSpacing(8)
        row.setContentsMargins(0, 0, 0, 0)
        for _ in DAYS:
            frame = QFrame()
            frame.setProperty("office", "day")
            box = QVBoxLayout(frame)
            title = QLabel("")
            title.setProperty("office", "h2")
            title.setWordWrap(True)
            box.addWidget(title)
            box.addStretch(1)
            row.addWidget(frame, 1)
            self.columns.append((frame, title, box))

    def show_week(self, monday: date, workshops: list[dict[str, Any]], today: date) -> None:
        t = self.t
        for slot in self.slots.values():
            slot.hide()
            slot.deleteLater()
        self.slots = {}
        for i, (frame, title, _box) in enumerate(self.columns):
            day = monday + timedelta(days=i)
            title.setText(f"{t(f'days.{DAYS[i]}')} {day.day}")
            frame.setProperty("today", "true" if day == today else "false")
            restyle(frame)
        for w in workshops:
            start = datetime.fromisoformat(w["start"])
            index = (start.date() - monday).days
            if not 0 <= index < 7:
                continue
            slot = Slot(self.slot_text(w))
            slot.setProperty("level", w["level"])
            slot.setProperty("full", "true" if w["seats_left"] <= 0 else "false")
            slot.setProperty("cancelled", "true" if w.get("cancelled") else "false")
            slot.clicked.connect(lambda _=False, ws=w: self.opened.emit(ws))
            box = self.columns[index][2]
            box.insertWidget(box.count() - 1, slot)
            slot.show()  # now, so that the height below counts it
            self.slots[w["id"]] = slot
        self._fit()

    def _fit(self) -> None:
        """Be as tall as the fullest day, so that no workshop is ever cut."""
        for frame, _title, _box in self.columns:
            frame.ensurePolished()  # new slots get their font from the style sheet
        tallest = max(frame.heightForWidth(max(frame.width(), 120))
                      for frame, _title, _box in self.columns)
        self.setMinimumHeight(max(120, tallest))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    def slot_text(self, w: dict[str, Any]) -> str:
        t = self.t
        start, end = datetime.fromisoformat(w["start"]), datetime.fromisoformat(w["end"])
        seats = t("workshops.seats", taken=w["seats_taken"], capacity=w["capacity"])
        if w.get("cancelled"):
            seats = t("workshops.cancelled_seats", n=w["seats_taken"])
        elif w["seats_left"] <= 0:
            seats = f"{t('workshops.full')} · {seats}"
        lines = [f"{time_text(start)}–{time_text(end)}", t(f"levels.{w['level']}"), w["title"]]
        if w.get("cancelled"):
            lines.insert(0, t("workshops.cancelled_mark"))
        if w.get("place"):
            lines.append(w["place"])
        return "\n".join([*lines, seats])


class WorkshopsPage(QWidget):
    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.client = client
        self.language = language
        self.t = t = office_strings(language).t
        self.setStyleSheet(office_style() + calendar_style())
        self.monday = monday_of(client.office.today())
        self.workshops: list[dict[str, Any]] = []
        self.cancel_dialog: CancelDialog | None = None
        self._asked = 0  # which week reading is the latest
        self._quiet = -1  # a week reading for the seats only: the opened workshop is not re-read
        outer = QVBoxLayout(self)
        self.tabs = QTabWidget()
        outer.addWidget(self.tabs)
        self.tabs.addTab(self._calendar_tab(), t("workshops.calendar_tab"))
        self.report = ReportView(client, language)
        self.tabs.addTab(self.report, t("workshops.report_tab"))
        self.tabs.currentChanged.connect(self._tab_changed)

    def _calendar_tab(self) -> QWidget:
        t = self.t
        page = QWidget()
        box = QVBoxLayout(page)
        nav = QHBoxLayout()
        self.previous_button = button(t("workshops.previous"))
        self.previous_button.clicked.connect(lambda: self.go_to(self.monday - timedelta(days=7)))
        self.this_week_button = button(t("workshops.this_week"))
        self.this_week_button.clicked.connect(lambda: self.go_to(monday_of(self.client.office.today())))
        self.next_button = button(t("workshops.next"))
        self.next_button.clicked.connect(lambda: self.go_to(self.monday + timedelta(days=7)))
        self.week_label = heading("", 2)
        self.week_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.new_button = button(t("workshops.new"), "primary")
        self.new_button.clicked.connect(self.new_workshop)
        nav.addWidget(self.previous_button)
        nav.addWidget(self.this_week_button)
        nav.addWidget(self.week_label, 1)
        nav.addWidget(self.next_button)
        nav.addWidget(self.new_button)
        box.addLayout(nav)
        self.status = status_label()
        box.addWidget(self.status)
        self.calendar = WeekCalendar(self.language)
        self.calendar.opened.connect(self.open_workshop)
        self.form = WorkshopForm(self.client, self.language)
        self.form.created.connect(self._created)
        self.form.edited.connect(self._edited)
        self.form.cancelled.connect(self._form_closed)
        self.detail = WorkshopDetail(self.client, self.language)
        self.detail.closed.connect(self.close_panel)
        self.detail.changed.connect(self._detail_changed)
        self.detail.editRequested.connect(self.edit_workshop)
        self.detail.cancelRequested.connect(self.cancel_workshop)
        self.panel = QStackedWidget()
        hint = QLabel(t("workshops.hint"))
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (hint, self.form, self.detail):
            self.panel.addWidget(w)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.calendar)
        splitter.addWidget(self.panel)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        box.addWidget(splitter, 1)
        return page

    # -- reading ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the shown week again (and the report, when its tab is open)."""
        if self.tabs.currentWidget() is self.report:
            self.report.refresh()
        self.load_week()

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.report and self.report.report is None:
            self.report.refresh()

    def go_to(self, monday: date) -> None:
        self.monday = monday
        self.load_week()

    def load_week(self) -> None:
        t = self.t
        sunday = self.monday + timedelta(days=6)
        self.week_label.setText(t("workshops.week", start=day_text(self.monday, self.language,
                                                                   "d MMMM"),
                                  end=day_text(sunday, self.language)))
        set_status(self.status, t("workshops.loading"))
        self._asked += 1
        asked, monday = self._asked, self.monday
        self.client.call("GET", f"/workshops?from={monday.isoformat()}&to={sunday.isoformat()}",
                         done=lambda s, p: self._week_read(asked, monday, s, p))

    def _week_read(self, asked: int, monday: date, status: int | None, payload: Any) -> None:
        if asked != self._asked:
            return  # the manager moved to another week meanwhile
        if status != 200 or not isinstance(payload, dict):
            set_status(self.status, plain_error(self.t, status, payload), "error")
            return
        self.workshops = list(payload.get("items", []))
        self.calendar.show_week(monday, self.workshops, self.client.office.today())
        held = [w for w in self.workshops if not w.get("cancelled")]
        taken = sum(w["seats_taken"] for w in held)
        capacity = sum(w["capacity"] for w in held)
        cancelled = len(self.workshops) - len(held)
        if held:
            text = self.t("workshops.count_week", count=len(held), taken=taken, capacity=capacity)
            if cancelled:
                text += " " + self.t("workshops.cancelled_week", n=cancelled)
        else:
            text = (self.t("workshops.only_cancelled", n=cancelled) if cancelled
                    else self.t("workshops.empty_week"))
        set_status(self.status, text)
        opened = self.detail.workshop.get("id")
        if self.panel.currentWidget() is self.detail and opened is not None:
            fresh = next((w for w in self.workshops if w["id"] == opened), None)
            if fresh is not None:
                self.detail.show_workshop(fresh, read=asked != self._quiet)

    def _detail_changed(self) -> None:
        """Attendance marked, a registration cancelled or moved: the seats change (the
        opened workshop reads its registrations itself)."""
        self.load_week()
        self._quiet = self._asked

    # -- the panel under the calendar --------------------------------------------------
    def new_workshop(self) -> None:
        tomorrow = self.client.office.today() + timedelta(days=1)
        self.form.prepare(max(self.monday, tomorrow))
        self.panel.setCurrentWidget(self.form)
        self.form.title.setFocus()

    def open_workshop(self, workshop: dict[str, Any]) -> None:
        self.panel.setCurrentWidget(self.detail)
        self.detail.show_workshop(workshop)

    def close_panel(self) -> None:
        self.panel.setCurrentIndex(0)
        self.detail.workshop = {}

    def _created(self, workshop: dict[str, Any]) -> None:
        self.monday = monday_of(datetime.fromisoformat(workshop["start"]).date())
        self.open_workshop(workshop)
        self.load_week()
        set_status(self.detail.notice, self.form.status.text(), "ok")

    # -- editing and cancelling -------------------------------------------------------------
    def edit_workshop(self, workshop: dict[str, Any]) -> None:
        """The form, filled in with ``workshop``."""
        self.form.prepare_edit(workshop)
        self.panel.setCurrentWidget(self.form)
        self.form.title.setFocus()

    def _form_closed(self) -> None:
        """The form's "Annuler": back to the workshop edited, or to the hint."""
        if self.form.editing:
            self.open_workshop(self.form.editing)
        else:
            self.close_panel()

    def _edited(self, workshop: dict[str, Any]) -> None:
        self.monday = monday_of(self.client.office.local(workshop["start"]).date())
        self.open_workshop(workshop)
        self.load_week()
        set_status(self.detail.notice, self.form.status.text(), "ok")

    def cancel_workshop(self, workshop: dict[str, Any]) -> None:
        """Ask why, cancel, then list the people to call (see ``workshops_cancel``)."""
        dialog = CancelDialog(self.client, self.language, workshop, self)
        dialog.cancelled.connect(self._cancelled)
        dialog.finished.connect(dialog.deleteLater)
        self.cancel_dialog = dialog
        dialog.open()
        dialog.reason.setFocus()

    def _cancelled(self, answer: dict[str, Any]) -> None:
        workshop = answer.get("workshop") or {}
        if self.detail.workshop.get("id") == workshop.get("id"):
            self.detail.show_workshop(workshop)
        self.load_week()
