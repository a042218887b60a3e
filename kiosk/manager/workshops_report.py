"""The period report of the workshops page: people accompanied, referred to a workshop,
registered, present, and how satisfied customers were, for the dates chosen. Exported
as the hub's CSV or as a printable A4 PDF; while a file is made a busy bar shows, and
files are written off the UI thread so the app never freezes."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
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
    pydate,
    qdate,
    qlocale,
    set_status,
    status_label,
)
from kiosk.manager.workshops_pdf import report_pdf
from kiosk.ui.background import run_in_background

#: the figures shown, in order: (catalog key, key in the hub's report)
FIGURES = (("accompanied", "accompanied"), ("help_calls", "help_calls"),
           ("referred", "referred_to_workshop"), ("workshops", "workshops"),
           ("registered", "registered"), ("attended", "attended"), ("visits", "visits"))


def month_bounds(day: date, months_back: int = 0) -> tuple[date, date]:
    """The first and last day of the month ``months_back`` before ``day``'s."""
    first = day.replace(day=1)
    for _ in range(months_back):
        first = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def write_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all (runs in a worker thread)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


class ReportView(QWidget):
    exported = Signal(str)  # the file written
    exportFailed = Signal(str)  # what went wrong, in words

    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.client = client
        self.language = language
        self.t = t = office_strings(language).t
        self.report: dict[str, Any] | None = None
        self._asked = 0  # which reading of the report is the latest
        box = QVBoxLayout(self)
        box.addWidget(heading(t("report.title"), 2))
        period = QHBoxLayout()
        self.start, self.end = QDateEdit(), QDateEdit()
        first, last = month_bounds(client.office.today())
        for edit, day in ((self.start, first), (self.end, last)):
            edit.setLocale(qlocale(language))
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMMM yyyy")
            edit.setDate(qdate(day))
        self.show_button = button(t("report.show"), "primary")
        self.show_button.clicked.connect(self.refresh)
        this_month, last_month = button(t("report.this_month")), button(t("report.last_month"))
        this_month.clicked.connect(lambda: self.set_period(*month_bounds(client.office.today())))
        last_month.clicked.connect(lambda: self.set_period(*month_bounds(client.office.today(), 1)))
        for w in (QLabel(t("report.start")), self.start, QLabel(t("report.end")), self.end,
                  self.show_button, this_month, last_month):
            period.addWidget(w)
        period.addStretch(1)
        box.addLayout(period)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([t("report.col_metric"), t("report.col_value")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMaximumWidth(900)
        box.addWidget(self.table)
        exports = QHBoxLayout()
        self.csv_button = button(t("report.csv"))
        self.csv_button.clicked.connect(lambda: self._choose("csv"))
        self.pdf_button = button(t("report.pdf"))
        self.pdf_button.clicked.connect(lambda: self._choose("pdf"))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # no end known: a moving bar
        self.busy.setMaximumWidth(240)
        self.busy.setAccessibleName(t("report.exporting"))
        self.busy.hide()
        for w in (self.csv_button, self.pdf_button, self.busy):
            exports.addWidget(w)
        exports.addStretch(1)
        box.addLayout(exports)
        self.status = status_label()
        box.addWidget(self.status)
        box.addStretch(1)

    # -- the period ------------------------------------------------------------------
    def set_period(self, start: date, end: date) -> None:
        self.start.setDate(qdate(start))
        self.end.setDate(qdate(end))
        self.refresh()

    def period(self) -> tuple[date, date]:
        return pydate(self.start.date()), pydate(self.end.date())

    def _query(self) -> str:
        start, end = self.period()
        return f"/stats/report?from={start.isoformat()}&to={end.isoformat()}"

    def refresh(self) -> None:
        """Read the report of the chosen period."""
        start, end = self.period()
        if end < start:
            set_status(self.status, self.t("report.bad_period"), "error")
            return
        set_status(self.status, self.t("report.loading"))
        self._asked += 1
        asked = self._asked
        self.client.call("GET", self._query(), done=lambda s, p: self._answered(asked, s, p))

    def _answered(self, asked: int, status: int | None, payload: Any) -> None:
        if asked != self._asked:
            return  # the period changed since: a newer answer is on its way
        if status != 200 or not isinstance(payload, dict):
            set_status(self.status, plain_error(self.t, status, payload), "error")
            return
        self._show(payload)
        set_status(self.status, "")

    def _show(self, payload: dict[str, Any]) -> None:
        self.report = payload
        rows = self.rows()
        self.table.setRowCount(len(rows))
        for r, (name, value) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(name))
            figure = QTableWidgetItem(value)
            figure.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 1, figure)
        self.table.resizeRowsToContents()
        self._fit_table()

    def _fit_table(self) -> None:
        """As tall as its rows: the export buttons sit right under the figures."""
        table = self.table
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + rows
                             + 2 * table.frameWidth() + 2)

    def rows(self) -> list[tuple[str, str]]:
        """The figures of the last report read, as (label, value) in words."""
        t, data = self.t, self.report or {}
        rows = [(t(f"report.{key}"), str(data.get(field, 0))) for key, field in FIGURES]
        sat = data.get("satisfaction") or {}
        if sat.get("total"):
            share = qlocale(self.language).toString(float(sat.get("share_good") or 0) * 100, "f", 0)
            value = t("report.satisfaction_value", share=share, good=sat.get("good", 0),
                      total=sat["total"])
        else:
            value = t("report.satisfaction_none")
        rows.insert(6, (t("report.satisfaction"), value))
        return rows

    # -- exports ---------------------------------------------------------------------
    def _default_name(self, ext: str) -> str:
        start, end = self.period()
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = self.t("report.file_name", start=start.isoformat(), end=end.isoformat())
        return str(Path(folder or Path.home()) / f"{name}.{ext}")

    def _choose(self, ext: str) -> None:
        """Ask where to save (without blocking the app), then export there."""
        t = self.t
        dialog = QFileDialog(self, t(f"report.save_{ext}"), self._default_name(ext),
                             t(f"report.{ext}_files"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(ext)
        dialog.fileSelected.connect(
            lambda path: self.export_csv(Path(path)) if ext == "csv" else self.export_pdf(Path(path)))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _busy(self, on: bool) -> None:
        self.busy.setVisible(on)
        for b in (self.csv_button, self.pdf_button, self.show_button):
            b.setEnabled(not on)
        if on:
            set_status(self.status, self.t("report.exporting"))

    def _write(self, path: Path, data: bytes) -> None:
        def done(result: Any, error: BaseException | None) -> None:
            self._busy(False)
            if error is not None:
                message = self.t("report.failed", error=str(error))
                set_status(self.status, message, "error")
                self.exportFailed.emit(message)
            else:
                set_status(self.status, self.t("report.saved", path=str(result)), "ok")
                self.exported.emit(str(result))

        run_in_background(lambda: write_file(path, data), done)

    def _failed(self, status: int | None, payload: Any) -> None:
        self._busy(False)
        message = plain_error(self.t, status, payload)
        set_status(self.status, message, "error")
        self.exportFailed.emit(message)

    def export_csv(self, path: Path) -> None:
        """Save the hub's CSV of the chosen period's report to ``path``: in the app's
        language (header words, separator, decimal mark), byte for byte as the hub sent it
        (its byte order mark included, for the spreadsheet)."""
        self._busy(True)

        def done(answer: Any) -> None:  # a kiosk.client.http.Answer
            if answer.status == 200:
                self._write(path, answer.body)
            else:
                self._failed(answer.status, answer.payload)

        self.client.http.request("GET", f"{self._query()}&lang={self.language}", done=done,
                                 accept="text/csv")

    def export_pdf(self, path: Path) -> None:
        """Read the chosen period's report again, draw it as an A4 PDF, save to ``path``."""
        self._busy(True)

        def done(status: int | None, payload: Any) -> None:
            if status != 200 or not isinstance(payload, dict):
                self._failed(status, payload)
                return
            self._asked += 1  # what the PDF shows is what the page shows
            self._show(payload)
            self._write(path, self.pdf_bytes())

        self.client.call("GET", self._query(), done=done)

    def pdf_bytes(self) -> bytes:
        """The last report read, as a one-page PDF."""
        t, lang = self.t, self.language
        start, end = self.period()
        period = t("report.pdf_period", start=day_text(start, lang), end=day_text(end, lang))
        now = self.client.office.now()
        made = f"{day_text(now.date(), lang)}, {now:%H:%M}"
        return report_pdf(t("report.pdf_title"), period,
                          (t("report.col_metric"), t("report.col_value")), self.rows(),
                          t("report.pdf_generated", date=made))
