"""Cancelling a workshop ("Annuler l'atelier…"), in one dialog of two pages: first a
confirmation that says how many people are registered and asks why (the reason is
required), then "Personnes à prévenir": each person's first name, phone and e-mail to
call or write to, selectable and copied in one go, saved as a printable A4 PDF, with the
date their details are erased (the office's retention rule, as the hub answered).

Usable with the keyboard alone: type the reason, Enter cancels the workshop, Escape goes
back; on the list, Tab reaches the copy, PDF and close buttons.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
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
    office_style,
    refusal_text,
    set_status,
    status_label,
    text_label,
    when_text,
)
from kiosk.manager.workshops_pdf import report_pdf
from kiosk.manager.workshops_report import write_file
from kiosk.ui.background import run_in_background

CONTACT_COLUMNS = ("name", "phone", "email")


class CancelDialog(QDialog):
    cancelled = Signal(dict)  # the hub's answer: {workshop, to_call, retention_days, erase_after}
    saved = Signal(str)  # the PDF written
    saveFailed = Signal(str)  # what went wrong, in words

    def __init__(self, client: StaffClient, language: str, workshop: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client, self.language, self.workshop = client, language, workshop
        self.t = t = office_strings(language).t
        self.answer: dict[str, Any] = {}
        self.setWindowTitle(t("cancel.title"))
        self.setStyleSheet(office_style() + "QLineEdit { font-size: 18px; padding: 6px; }"
                           " QTableWidget { font-size: 18px; }")
        self.setMinimumWidth(820)
        box = QVBoxLayout(self)
        self.pages = QStackedWidget()
        box.addWidget(self.pages)
        self.pages.addWidget(self._confirm_page())
        self.pages.addWidget(self._to_call_page())

    def when(self) -> str:
        return when_text(self.client.office.local(self.workshop["start"]), self.language)

    # -- page 1: are you sure, and why ------------------------------------------------------
    def _confirm_page(self) -> QWidget:
        t, w = self.t, self.workshop
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(heading(t("cancel.title"), 2))
        self.intro = text_label(t("cancel.intro", title=w["title"], when=self.when(),
                                  count=w["seats_taken"]))
        box.addWidget(self.intro)
        reason_label = QLabel(t("cancel.reason"))
        self.reason = QLineEdit()
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText(t("cancel.reason_hint"))
        reason_label.setBuddy(self.reason)
        box.addWidget(reason_label)
        box.addWidget(self.reason)
        self.status = status_label()
        box.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        self.confirm_button = button(t("cancel.confirm"), "danger")
        self.confirm_button.setDefault(True)  # Enter, from the reason
        self.confirm_button.clicked.connect(self.confirm)
        self.back_button = button(t("cancel.back"))
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.reject)
        row.addWidget(self.confirm_button)
        row.addWidget(self.back_button)
        box.addLayout(row)
        box.addStretch(1)
        return page

    def confirm(self) -> None:
        """Cancel the workshop on the hub, with the reason typed."""
        t = self.t
        reason = self.reason.text().strip()
        if not reason:
            set_status(self.status, t("cancel.reason_missing"), "error")
            self.reason.setFocus()
            return
        if not self.confirm_button.isEnabled():
            return  # sent already
        self.confirm_button.setEnabled(False)
        set_status(self.status, t("cancel.working"))
        self.client.call("POST", f"/workshops/{self.workshop['id']}/cancel", {"reason": reason},
                         self._answered)

    def _answered(self, status: int | None, payload: Any) -> None:
        if status == 200 and isinstance(payload, dict):
            self.show_to_call(payload)
            self.cancelled.emit(payload)
            return
        self.confirm_button.setEnabled(True)
        set_status(self.status, refusal_text(self.t, status, payload), "error")

    # -- page 2: the people to call ---------------------------------------------------------
    def _to_call_page(self) -> QWidget:
        t = self.t
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(heading(t("cancel.to_call_title"), 2))
        self.to_call_intro = text_label()
        box.addWidget(self.to_call_intro)
        self.table = QTableWidget(0, len(CONTACT_COLUMNS))
        self.table.setHorizontalHeaderLabels([t(f"cancel.col_{c}") for c in CONTACT_COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.table, 1)
        self.erase_note = text_label()
        box.addWidget(self.erase_note)
        self.list_status = status_label()
        box.addWidget(self.list_status)
        row = QHBoxLayout()
        self.copy_button = button(t("cancel.copy"))
        self.copy_button.clicked.connect(self.copy)
        self.pdf_button = button(t("cancel.pdf"))
        self.pdf_button.clicked.connect(self._choose_pdf)
        self.close_button = button(t("common.close"), "primary")
        self.close_button.clicked.connect(self.accept)
        row.addWidget(self.copy_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        row.addWidget(self.close_button)
        box.addLayout(row)
        return page

    def show_to_call(self, answer: dict[str, Any]) -> None:
        """The hub's answer to the cancellation: list the people to tell."""
        t = self.t
        self.answer = answer
        self.workshop = answer.get("workshop") or self.workshop
        people = self.people()
        self.to_call_intro.setText(t("cancel.to_call_intro" if people else "cancel.nobody",
                                     title=self.workshop["title"], when=self.when()))
        self.table.setRowCount(len(people))
        for row, values in enumerate(people):
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(people))
        self.copy_button.setEnabled(bool(people))
        self.pdf_button.setEnabled(bool(people))
        self.erase_note.setText(self.erase_text())
        self.erase_note.setVisible(bool(people))
        self.pages.setCurrentIndex(1)
        self.confirm_button.setDefault(False)
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def people(self, missing: str | None = None) -> list[tuple[str, str, str]]:
        """(first name, phone, e-mail) of each person to call; what is missing is
        ``missing`` (a dash by default)."""
        dash = self.t("cancel.missing") if missing is None else missing
        return [(p.get("first_name") or dash, p.get("phone") or dash, p.get("email") or dash)
                for p in self.answer.get("to_call", [])]

    def lines(self) -> list[str]:
        """One line per person: first name — phone — e-mail (what they gave)."""
        return [" — ".join(part for part in person if part) for person in self.people("")]

    def erase_text(self) -> str:
        when = self.answer.get("erase_after")
        if not when:
            return ""
        day = self.client.office.local(when).date()
        days = float(self.answer.get("retention_days") or 0)
        return self.t("cancel.erase_note", date=day_text(day, self.language),
                      days=f"{days:g}")

    def list_text(self) -> str:
        """The list as lines of text (for the clipboard)."""
        t = self.t
        lines = [t("cancel.copy_heading", title=self.workshop["title"], when=self.when())]
        return "\n".join([*lines, *self.lines(), self.erase_text()])

    def copy(self) -> None:
        QApplication.clipboard().setText(self.list_text())
        set_status(self.list_status, self.t("cancel.copied"), "ok")

    # -- the printable list -----------------------------------------------------------------
    def pdf_bytes(self) -> bytes:
        """The list as an A4 PDF: one row per person, a column to tick once told."""
        t = self.t
        now = self.client.office.now()
        reason = self.workshop.get("cancel_reason") or ""
        if len(reason) > 80:  # one line under the title
            reason = reason[:79] + "…"
        erase = self.answer.get("erase_after")
        erase_day = day_text(self.client.office.local(erase).date(), self.language) if erase else ""
        return report_pdf(
            t("cancel.pdf_title", title=self.workshop["title"], when=self.when()),
            t("cancel.pdf_reason", reason=reason),
            (t("cancel.pdf_person"), t("cancel.pdf_done")), [(line, "") for line in self.lines()],
            t("cancel.pdf_footer", made=f"{day_text(now.date(), self.language)}, {now:%H:%M}",
              date=erase_day))

    def _choose_pdf(self) -> None:
        t = self.t
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = t("cancel.file_name", day=datetime.fromisoformat(self.workshop["start"]).date())
        dialog = QFileDialog(self, t("cancel.save_pdf"), str(Path(folder or Path.home()) /
                                                              f"{name}.pdf"),
                             t("report.pdf_files"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(lambda path: self.save_pdf(Path(path)))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def save_pdf(self, path: Path) -> None:
        """Draw the list (a few milliseconds) and write it to ``path`` off the UI thread."""
        data = self.pdf_bytes()
        self.pdf_button.setEnabled(False)

        def done(result: Any, error: BaseException | None) -> None:
            self.pdf_button.setEnabled(True)
            if error is not None:
                message = self.t("report.failed", error=str(error))
                set_status(self.list_status, message, "error")
                self.saveFailed.emit(message)
            else:
                set_status(self.list_status, self.t("report.saved", path=str(result)), "ok")
                self.saved.emit(str(result))

        run_in_background(lambda: write_file(path, data), done)
