"""Signing a customer up for a workshop from their call, in one dialog: the upcoming
sessions of the advised level with free seats (cancelled and full ones are not offered;
the list is read again when the stream says a workshop changed or was cancelled), the
person's first name (phone and e-mail optional), their consent (the button stays off
until it is ticked; the hub refuses without it too). A session that filled up meanwhile
answers with the next one of the same level, which the mediator can pick; once signed up,
the call can be finished with the outcome ``workshop``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.staff import StaffClient
from kiosk.i18n import Catalog
from kiosk.ui.widgets import BigButton, label

LEVELS = ("initiation", "perfectionnement", "outils-budgetaires")


def when_text(start: str, language: str) -> str:
    """``jeudi 12 mars, 14:00`` (the session's own clock time)."""
    moment = datetime.fromisoformat(start)
    locale = QLocale(QLocale.Language.French if language == "fr" else QLocale.Language.English)
    day = locale.toString(QDate(moment.year, moment.month, moment.day), "dddd d MMMM")
    return f"{day}, {QTime(moment.hour, moment.minute).toString('HH:mm')}"


def hub_words(payload: Any) -> str:
    detail = payload.get("detail") if isinstance(payload, dict) else payload
    if isinstance(detail, list):
        return "; ".join(str(d.get("msg", d)).removeprefix("Value error, ")
                         if isinstance(d, dict) else str(d) for d in detail)
    return str(detail or "")


def dialog_style() -> str:
    return "\n".join([
        "QListWidget { font-size: 22px; }",
        "QListWidget::item { padding: 10px; }",
        "QComboBox { font-size: 22px; padding: 8px; min-height: 44px; }",
        "QCheckBox { font-size: 22px; spacing: 14px; }",
        "QCheckBox::indicator { width: 36px; height: 36px; }",
    ])


class WorkshopDialog(QDialog):
    registered = Signal(dict)  # the registration, as the hub answered it
    finishRequested = Signal(str, str)  # help request id, note for the call

    def __init__(self, client: StaffClient, request: dict[str, Any], strings: Catalog,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client, self.request, self.strings = client, request, strings
        t = strings.t
        self.setObjectName("KioskRoot")  # the console's background
        self.setWindowTitle(t("workshop.title"))
        self.setStyleSheet(dialog_style())
        self.setMinimumWidth(980)
        self.workshops: list[dict[str, Any]] = []
        self.next_workshop: dict[str, Any] | None = None
        self.registration: dict[str, Any] | None = None
        self.chosen: dict[str, Any] | None = None
        self.gone = False  # closed: answers that arrive later are ignored
        self.finished.connect(lambda _result: setattr(self, "gone", True))
        box = QVBoxLayout(self)
        box.setSpacing(12)
        box.addWidget(label(t("workshop.title"), "consoleTitle"))
        row = QHBoxLayout()
        row.addWidget(label(t("workshop.level"), "consoleText", wrap=False))
        self.level = QComboBox()
        for level in LEVELS:
            self.level.addItem(t(f"levels.{level}"), level)
        wanted = request.get("level")
        self.level.setCurrentIndex(LEVELS.index(wanted) if wanted in LEVELS else 0)
        self.level.currentIndexChanged.connect(self.load)
        row.addWidget(self.level, 1)
        box.addLayout(row)
        box.addWidget(label(t("workshop.choose"), "consoleText"))
        self.sessions = QListWidget()
        self.sessions.setMinimumHeight(200)
        self.sessions.currentItemChanged.connect(self._update)
        box.addWidget(self.sessions, 1)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.first_name, self.phone, self.email = QLineEdit(), QLineEdit(), QLineEdit()
        for field, key in ((self.first_name, "first_name"), (self.phone, "phone"),
                           (self.email, "email")):
            name = label(t(f"workshop.{key}"), "consoleText", wrap=False)
            name.setMinimumHeight(56)
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            form.addRow(name, field)
        self.first_name.textChanged.connect(self._update)
        box.addLayout(form)
        self.consent = QCheckBox(t("workshop.consent"))
        self.consent.toggled.connect(self._update)
        box.addWidget(self.consent)
        self.message = label("", "consoleText")
        box.addWidget(self.message)
        buttons = QHBoxLayout()
        self.take_next = BigButton(t("workshop.take_next"), "choice")
        self.take_next.clicked.connect(self.choose_next)
        self.submit = BigButton(t("workshop.submit"), "primary")
        self.submit.clicked.connect(self.register)
        self.finish = BigButton(t("workshop.finish"), "primary")
        self.finish.clicked.connect(self._finish)
        self.close_button = BigButton(t("workshop.close"), "choice")
        self.close_button.clicked.connect(self.reject)
        for b in (self.take_next, self.submit, self.finish, self.close_button):
            buttons.addWidget(b)
        box.addLayout(buttons)
        self.take_next.hide()
        self.finish.hide()
        self._update()
        self.load()
        client.stream.message.connect(self._stream_message)

    # -- the sessions ------------------------------------------------------------------
    def load(self) -> None:
        """Read the upcoming sessions of the chosen level."""
        level = self.level.currentData()
        self.message.setText(self.strings.t("workshop.loading"))
        today = self.client.office.today().isoformat()
        self.client.call("GET", f"/workshops?level={level}&from={today}&active=1",
                         done=lambda s, p: self._loaded(level, s, p))

    def _stream_message(self, message: dict[str, Any]) -> None:
        """A workshop was changed or cancelled: read the sessions again."""
        if (not self.gone and self.registration is None
                and str(message.get("type", "")).startswith("workshop.")):
            self.load()

    def _loaded(self, level: str, status: int | None, payload: Any) -> None:
        if self.gone or level != self.level.currentData():
            return  # the level was changed meanwhile
        if status != 200 or not isinstance(payload, dict):
            self._said(status, payload)
            return
        now = datetime.now(UTC)
        self.workshops = [w for w in payload.get("items", [])
                          if datetime.fromisoformat(w["start"]) > now and not w.get("cancelled")
                          and w["seats_left"] > 0]
        chosen = self.selected()
        self._fill(pick=chosen["id"] if chosen else None)
        self.message.setText("" if self.workshops else self.strings.t("workshop.none"))

    def _fill(self, pick: int | None) -> None:
        """List the sessions with a free seat (one that filled up meanwhile goes); select
        ``pick`` (an id), else the first."""
        t = self.strings.t
        self.sessions.blockSignals(True)
        self.sessions.clear()
        chosen_row = None
        self.workshops = [w for w in self.workshops if w["seats_left"] > 0]
        for w in self.workshops:
            values = {"when": when_text(w["start"], self.strings.lang), "title": w["title"],
                      "place": w.get("place") or t("workshop.no_place"), "left": w["seats_left"]}
            item = QListWidgetItem(t("workshop.item", **values))
            item.setData(Qt.ItemDataRole.UserRole, w["id"])
            self.sessions.addItem(item)
            if pick is None or w["id"] == pick:
                chosen_row = self.sessions.count() - 1 if chosen_row is None else chosen_row
        self.sessions.blockSignals(False)
        if chosen_row is not None:
            self.sessions.setCurrentRow(chosen_row)
        self._update()

    def selected(self) -> dict[str, Any] | None:
        item = self.sessions.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return None
        wid = item.data(Qt.ItemDataRole.UserRole)
        return next((w for w in self.workshops if w["id"] == wid), None)

    def _update(self, *_args: Any) -> None:
        """The button works only with a session, a first name and the person's consent."""
        ready = (self.registration is None and self.selected() is not None
                 and bool(self.first_name.text().strip()) and self.consent.isChecked())
        self.submit.setEnabled(ready)

    # -- signing up ------------------------------------------------------------------
    def register(self) -> None:
        workshop = self.selected()
        if workshop is None or not self.consent.isChecked():
            return
        body = {"first_name": self.first_name.text().strip(),
                "phone": self.phone.text().strip() or None,
                "email": self.email.text().strip() or None,
                "consent": self.consent.isChecked(),
                "help_request_id": self.request.get("id")}
        self.submit.setEnabled(False)
        self.take_next.hide()
        self.message.setText(self.strings.t("workshop.working"))
        self.client.call("POST", f"/workshops/{workshop['id']}/registrations", body,
                         lambda s, p: self._registered(workshop, s, p))

    def _registered(self, workshop: dict[str, Any], status: int | None, payload: Any) -> None:
        if self.gone:
            return
        t = self.strings.t
        if status == 201 and isinstance(payload, dict):
            self.registration, self.chosen = payload, workshop
            when = when_text(workshop["start"], self.strings.lang)
            self.message.setText(t("workshop.done", name=payload.get("first_name"), when=when))
            for w in (self.level, self.sessions, self.first_name, self.phone, self.email,
                      self.consent):
                w.setEnabled(False)
            self.submit.hide()
            self.finish.show()
            self.registered.emit(payload)
        elif status == 409 and isinstance(payload, dict) and payload.get("problem") == "cancelled":
            self.workshops = [w for w in self.workshops if w["id"] != workshop["id"]]
            self._fill(pick=-1)
            self.message.setText(t("workshop.cancelled"))
        elif status == 409 and isinstance(payload, dict):
            self._full(workshop, payload.get("next"))
        else:
            self._said(status, payload)
        self._update()

    def _full(self, workshop: dict[str, Any], following: dict[str, Any] | None) -> None:
        """The session is full: mark it so, and offer the next one of the level."""
        t = self.strings.t
        for w in self.workshops:
            if w["id"] == workshop["id"]:
                w["seats_left"] = 0
        self.next_workshop = following
        if following is None:
            self._fill(pick=-1)
            self.message.setText(f"{t('workshop.full')} {t('workshop.no_next')}")
            return
        when = when_text(following["start"], self.strings.lang)
        self._fill(pick=-1)
        self.message.setText(f"{t('workshop.full')} "
                             f"{t('workshop.next', when=when, title=following['title'])}")
        self.take_next.show()

    def choose_next(self) -> None:
        """Pick the session the hub suggested after a full one."""
        following = self.next_workshop
        if following is None:
            return
        if not any(w["id"] == following["id"] for w in self.workshops):
            self.workshops.append(following)
            self.workshops.sort(key=lambda w: w["start"])
        self._fill(pick=following["id"])
        self.take_next.hide()
        self.message.setText(self.strings.t("workshop.next_chosen", when=when_text(
            following["start"], self.strings.lang)))

    def _said(self, status: int | None, payload: Any) -> None:
        t = self.strings.t
        if status is None:
            self.message.setText(t("workshop.unreachable"))
        elif status == 422:
            self.message.setText(t("workshop.invalid", detail=hub_words(payload)))
        else:
            self.message.setText(t("workshop.failed", detail=hub_words(payload) or status))

    def _finish(self) -> None:
        workshop = self.chosen or {}
        note = self.strings.t("workshop.note", title=workshop.get("title", ""),
                              when=when_text(workshop["start"], self.strings.lang)
                              if workshop else "")
        self.finishRequested.emit(str(self.request.get("id", "")), note)
        self.accept()
