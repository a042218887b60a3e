"""The mediator console: log in, then a live queue of help calls with sound, one card
each, claim / give back / finish with an outcome, sign the customer up for a workshop
(``workshop_dialog``). Calls nobody answered turn red and sound louder. The connection
state is always shown; on reconnect the queue resyncs. At a mediator's first login a short
guided tour shows the screen (``kiosk.ui.tour``); the Help button replays it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import paths
from kiosk.client.staff import StaffClient
from kiosk.flows.library import FlowLibrary
from kiosk.i18n import catalog
from kiosk.mediator.cards import RequestCard, card_style
from kiosk.mediator.workshop_dialog import WorkshopDialog
from kiosk.ui.audio import AudioPlayer
from kiosk.ui.login import LoginForm
from kiosk.ui.theme import stylesheet
from kiosk.ui.tour import Tour, TourStep, first_time, help_button, mark_seen
from kiosk.ui.widgets import label


class ConsoleWindow(QWidget):
    def __init__(self, hub_url: str, language: str = "fr") -> None:
        super().__init__()
        self.setObjectName("KioskRoot")
        self.strings = catalog(language, "mediator")
        self.setWindowTitle(self.strings.t("login.title"))
        self.setStyleSheet(stylesheet("default", 1.0) + "\n" + card_style())
        self.library = FlowLibrary([paths.builtin_flows_dir()])
        self.library.load()
        self.client = StaffClient(hub_url, self)
        self.audio = AudioPlayer(self)
        self.cards: dict[str, RequestCard] = {}
        self.workshop_dialog: WorkshopDialog | None = None
        self.me = ""
        self.pages = QStackedWidget()
        QVBoxLayout(self).addWidget(self.pages)
        self.login = LoginForm(self.strings, self.client)
        self.user, self.password = self.login.user, self.login.password
        self.submit, self.login_error = self.login.submit, self.login.error
        self.pages.addWidget(self.login)
        self.pages.addWidget(self._queue_page())
        self.tour = Tour(self, self.strings)
        self.tour.finished.connect(lambda _how: mark_seen("mediator", self.me))
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self._tick)
        c = self.client
        c.loggedIn.connect(self._logged_in)
        c.synced.connect(self._synced)
        c.changed.connect(self._changed)
        c.connectionChanged.connect(self._connection)
        c.actionFailed.connect(self._action_failed)
        c.actionDone.connect(lambda _action: self.message.setText(""))  # the error is past
        c.sessionEnded.connect(self._session_ended)

    # -- pages -------------------------------------------------------------------------
    def _queue_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        header = QFrame()
        header.setProperty("role", "bar")
        row = QHBoxLayout(header)
        self.count = label("", "barTitle")
        self.connection = label("", "barText")
        self.help = help_button(self.strings.t("tour.button"))
        self.help.clicked.connect(self.show_tour)
        self.connection.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.count, 1)
        row.addWidget(self.connection, 1)  # the connection state on one line when it fits
        row.addWidget(self.help)
        box.addWidget(header)
        self.message = label("", "consoleText")
        box.addWidget(self.message)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.list = QVBoxLayout(inner)
        self.list.setSpacing(16)
        self.empty = label(self.strings.t("queue.empty"), "consoleText")
        self.list.addWidget(self.empty)
        self.list.addStretch(1)
        scroll.setWidget(inner)
        box.addWidget(scroll, 1)
        self.queue_area = scroll
        return page

    # -- guided tour -------------------------------------------------------------------
    def show_tour(self) -> None:
        """The guided tour of the queue page (first login, or the Help button)."""
        t = self.strings.t

        def claim_button() -> QWidget:
            waiting = [c for c in self.cards.values() if c.claim.isVisible()]
            return waiting[0].claim if waiting else self.queue_area

        targets = {"queue": lambda: self.queue_area, "claim": claim_button,
                   "connection": lambda: self.connection, "help": lambda: self.help}
        self.tour.start([TourStep(t(f"tour.{name}.title"), t(f"tour.{name}.text"), target)
                         for name, target in targets.items()])

    # -- actions -----------------------------------------------------------------------
    def log_in(self) -> None:
        self.login.log_in()

    def _action_failed(self, status: int | None, detail: str) -> None:
        key = {None: "queue.unreachable", 409: "queue.conflict", 404: "queue.gone"}.get(status)
        self.message.setText(self.strings.t(key) if key else detail)

    def _session_ended(self, _why: str) -> None:
        """The hub no longer takes this login: back to the login page, queue cleared."""
        self.clock.stop()
        self._synced([])
        self.message.setText("")
        self.pages.setCurrentIndex(0)
        self.login.session_ended()

    def _logged_in(self, user: str, _role: str) -> None:
        self.me = user
        self.password.clear()
        self.pages.setCurrentIndex(1)
        self.clock.start()
        if first_time("mediator", user):
            self.show_tour()

    def _synced(self, items: list[dict[str, Any]]) -> None:
        for card in list(self.cards.values()):
            self._remove(card.request["id"])
        for request in items:
            self._add(request, announce=False)
        self._refresh()

    def _changed(self, kind: str, request: dict[str, Any]) -> None:
        rid = request.get("id", "")
        if request.get("status") in ("resolved", "cancelled"):
            self._remove(rid)
        elif rid in self.cards:
            self.cards[rid].update_request(request)
            if kind == "help.realerted":
                self.cards[rid].mark_urgent()
                self.audio.play(paths.asset("sounds", "alert.wav"), volume=1.0)
        else:
            self._add(request, announce=True)
        self._refresh()

    def _add(self, request: dict[str, Any], announce: bool) -> None:
        card = RequestCard(request, self.me, self.strings, self.library)
        card.claimRequested.connect(self.client.claim)
        card.releaseRequested.connect(self.client.release)
        card.resolveRequested.connect(self.client.resolve)
        card.workshopRequested.connect(self.sign_up)
        if request.get("realerted_at"):
            card.mark_urgent()
        self.cards[request["id"]] = card
        self.list.insertWidget(self.list.count() - 1, card)
        if announce:
            self.audio.play(paths.asset("sounds", "chime.wav"))
            card.flash()
            self.raise_()

    def sign_up(self, request_id: str) -> None:
        """Open the workshop sign-up dialog for a call (one at a time)."""
        card = self.cards.get(request_id)
        if card is None:
            return
        if self.workshop_dialog is not None:
            self.workshop_dialog.close()
        dialog = WorkshopDialog(self.client, card.request, self.strings, self)
        dialog.finishRequested.connect(lambda rid, note: self.client.resolve(rid, "workshop", note))

        def closed(_result: int) -> None:
            if self.workshop_dialog is dialog:
                self.workshop_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(closed)
        self.workshop_dialog = dialog
        dialog.open()

    def _remove(self, request_id: str) -> None:
        card = self.cards.pop(request_id, None)
        if card is not None:
            card.hide()
            card.deleteLater()

    def _refresh(self) -> None:
        waiting = sum(1 for c in self.cards.values() if c.request.get("status") == "queued")
        self.count.setText(self.strings.t("queue.title", count=waiting))
        self.empty.setVisible(not self.cards)

    def _connection(self, online: bool) -> None:
        self.connection.setText(self.strings.t("queue.online" if online else "queue.offline"))

    def _tick(self) -> None:
        for card in self.cards.values():
            card.tick()

    def shutdown(self) -> None:
        self.clock.stop()
        self.client.close()

