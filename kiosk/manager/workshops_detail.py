"""One workshop opened from the calendar: when and where, seats taken, the people signed
up (first name, phone, e-mail, who signed them up) and, once the session has started,
their attendance, marked present or absent person by person. From here the workshop is
edited ("Modifier…", in the form) or cancelled ("Annuler l'atelier…",
``workshops_cancel``), and one registration cancelled (after a confirmation) or moved to
another workshop ("Déplacer vers…", ``workshops_move``). A cancelled workshop says so in
words, with its reason; so does a registration cancelled or moved."""

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
    QMessageBox,
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
    refusal_text,
    set_status,
    status_label,
    text_label,
    time_text,
    when_text,
)
from kiosk.manager.workshops_move import MoveDialog

COLUMNS = ("name", "phone", "email", "by", "attended", "actions")


def started(workshop: dict[str, Any], now: datetime | None = None) -> bool:
    return datetime.fromisoformat(workshop["start"]) <= (now or datetime.now(UTC))


class WorkshopDetail(QFrame):
    changed = Signal()  # attendance was marked, a registration cancelled or moved
    closed = Signal()
    editRequested = Signal(dict)  # the workshop
    cancelRequested = Signal(dict)  # the workshop

    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.setProperty("office", "panel")
        self.client = client
        self.language = language
        self.t = t = office_strings(language).t
        self.workshop: dict[str, Any] = {}
        self.registrations: list[dict[str, Any]] = []
        self.marks: dict[int, tuple[Any, Any]] = {}  # registration id -> (present, absent)
        self.actions: dict[int, tuple[Any, Any]] = {}  # registration id -> (cancel, move)
        self.confirm: QMessageBox | None = None
        self.move_dialog: MoveDialog | None = None
        box = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = heading("", 2)
        top.addWidget(self.heading, 1)
        self.edit_button = button(t("detail.edit"))
        self.edit_button.clicked.connect(lambda: self.editRequested.emit(self.workshop))
        self.cancel_button = button(t("detail.cancel_workshop"), "danger")
        self.cancel_button.clicked.connect(lambda: self.cancelRequested.emit(self.workshop))
        top.addWidget(self.edit_button)
        top.addWidget(self.cancel_button)
        self.close_button = button(t("common.close"))
        self.close_button.clicked.connect(self.closed.emit)
        top.addWidget(self.close_button)
        box.addLayout(top)
        self.when, self.info, self.note = text_label(), text_label(), text_label()
        self.cancelled_note = text_label()
        self.cancelled_note.setProperty("office", "status")
        self.cancelled_note.setProperty("tone", "error")
        for w in (self.cancelled_note, self.when, self.info, self.note):
            box.addWidget(w)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([t(f"detail.col_{c}") for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setTabKeyNavigation(False)  # Tab goes to the buttons in the rows
        box.addWidget(self.table, 1)
        self.status = status_label()
        box.addWidget(self.status)
        self.notice = status_label()  # what was just done to this workshop (kept on reload)
        box.addWidget(self.notice)

    def show_workshop(self, workshop: dict[str, Any], read: bool = True) -> None:
        """Show ``workshop`` and (with ``read``) read its registrations again."""
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
        seats = (t("workshops.cancelled_seats", n=workshop["seats_taken"])
                 if workshop.get("cancelled") else
                 t("workshops.seats", taken=workshop["seats_taken"], capacity=workshop["capacity"]))
        self.info.setText(t("detail.info", level=t(f"levels.{workshop['level']}"),
                            place=workshop.get("place") or t("detail.no_place"), seats=seats))
        self.note.setText(t("detail.after" if started(workshop) else "detail.before"))
        cancelled = bool(workshop.get("cancelled"))
        self.cancelled_note.setVisible(cancelled)
        if cancelled:
            self.cancelled_note.setText(t("detail.cancelled", when=when_text(
                self.client.office.local(workshop["cancelled_at"]), self.language),
                name=workshop.get("cancelled_by") or "", reason=workshop.get("cancel_reason") or ""))
            self.note.setText(t("detail.cancelled_note"))
        self.edit_button.setEnabled(not cancelled)
        self.cancel_button.setEnabled(not cancelled)
        if not read:
            return
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
        can_mark = started(self.workshop) and not self.workshop.get("cancelled")
        self.marks, self.actions = {}, {}
        self.table.clearContents()
        self.table.setRowCount(len(self.registrations))
        for row, reg in enumerate(self.registrations):
            name = t("detail.erased") if reg.get("erased") else reg.get("first_name") or ""
            texts = {"name": name, "phone": reg.get("phone") or "", "email": reg.get("email") or "",
                     "by": reg.get("registered_by") or ""}
            for col, key in enumerate(COLUMNS[:4]):
                self.table.setItem(row, col, QTableWidgetItem(texts[key]))
            if reg.get("cancelled"):
                self.table.setItem(row, 4, QTableWidgetItem(self.state_text(reg)))
            else:
                self.table.setCellWidget(row, 4, self._marker(reg, can_mark))
                self.table.setCellWidget(row, 5, self._actions(reg))
        self.table.resizeRowsToContents()

    def state_text(self, reg: dict[str, Any]) -> str:
        """What became of a registration that no longer holds a seat, in words."""
        if reg.get("moved_to") is not None:
            return self.t("detail.state_moved")
        return self.t("detail.state_cancelled")

    def _actions(self, reg: dict[str, Any]) -> QWidget:
        """"Annuler l'inscription" and "Déplacer vers…" for one registration (not for
        someone marked present: they came)."""
        t = self.t
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(4, 2, 4, 2)
        cancel = button(t("detail.cancel_registration"), "small")
        move = button(t("detail.move"), "small")
        cancel.clicked.connect(lambda _=False, r=reg: self.ask_cancel_registration(r))
        move.clicked.connect(lambda _=False, r=reg: self.ask_move(r))
        for b in (cancel, move):
            b.setEnabled(reg.get("attended") is not True)
            row.addWidget(b)
        self.actions[reg["id"]] = (cancel, move)
        return cell

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

    # -- one registration: cancelled or moved ----------------------------------------------
    def _name(self, reg: dict[str, Any]) -> str:
        return str(reg.get("first_name") or self.t("detail.erased"))

    def ask_cancel_registration(self, reg: dict[str, Any]) -> None:
        """Ask before cancelling ``reg`` (the seat is freed)."""
        t = self.t
        box = QMessageBox(QMessageBox.Icon.Question, t("detail.confirm_title"),
                          t("detail.confirm_cancel_registration", name=self._name(reg)),
                          QMessageBox.StandardButton.NoButton, self)
        yes = box.addButton(t("detail.yes_cancel_registration"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(t("detail.keep"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)  # Enter keeps it; the registration goes only when asked
        box.setEscapeButton(keep)
        box.buttonClicked.connect(
            lambda clicked: self.cancel_registration(reg) if clicked is yes else None)
        box.finished.connect(box.deleteLater)
        self.confirm = box
        box.open()

    def cancel_registration(self, reg: dict[str, Any]) -> None:
        """Cancel ``reg`` on the hub, without asking."""
        self.confirm = None
        wid = self.workshop["id"]

        def done(status: int | None, payload: Any) -> None:
            if status == 200 and isinstance(payload, dict):
                set_status(self.notice, self.t("detail.registration_cancelled",
                                               name=self._name(reg)), "ok")
                self.changed.emit()
            else:
                set_status(self.notice, refusal_text(self.t, status, payload), "error")
            if wid == self.workshop.get("id"):
                self.reload()

        self.client.call("POST", f"/workshops/{wid}/registrations/{reg['id']}/cancel", None, done)

    def ask_move(self, reg: dict[str, Any]) -> None:
        """Choose the workshop to move ``reg`` to (a dialog that does the move)."""
        dialog = MoveDialog(self.client, self.language, self.workshop, reg, self)
        dialog.moved.connect(lambda new, target, r=reg: self._moved(r, new, target))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _result: setattr(self, "move_dialog", None))
        self.move_dialog = dialog
        dialog.open()

    def _moved(self, reg: dict[str, Any], new: dict[str, Any], target: dict[str, Any]) -> None:
        set_status(self.notice, self.t("detail.moved", name=new.get("first_name") or self._name(reg),
                                       when=when_text(self.client.office.local(target["start"]),
                                                      self.language),
                                       title=target["title"]), "ok")
        self.changed.emit()
        self.reload()
