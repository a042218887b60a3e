"""The mediator console: log in, then a live queue of help calls, one card each, claim /
give back / finish with an outcome, write the call's note, hand it over to a colleague
(``handover_dialog``; a call handed to me comes first, to accept or decline), sign the
customer up for a workshop (``workshop_dialog``). Calls nobody answered turn red and sound
louder. The header says who is logged in, their presence (``desk``), My day (``my_day``)
and Log out. A new call chimes for those available, or for everyone when nobody is;
when the window is not the active one the system says so too (``alerts``). The
connection state is always shown; on reconnect the queue resyncs. At a mediator's first
login a short guided tour shows the screen (``kiosk.ui.tour``); the Help button replays it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
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
from kiosk.mediator.alerts import Alerts
from kiosk.mediator.calltext import line, where
from kiosk.mediator.cards import RequestCard, card_style, rank
from kiosk.mediator.desk import DeskBar, Presence
from kiosk.mediator.handover_dialog import HandoverDialog
from kiosk.mediator.my_day import MyDayDialog
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
        self.alerts = Alerts(self, self.audio)
        self.presence = Presence(self.client, self)
        self.cards: dict[str, RequestCard] = {}
        self.workshop_dialog: WorkshopDialog | None = None
        self.handover_dialog: HandoverDialog | None = None
        self.day_dialog: MyDayDialog | None = None
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
        c.actionRefused.connect(self._action_failed)
        c.acted.connect(self._acted)
        c.sessionEnded.connect(self._session_ended)
        c.loggedOut.connect(self._logged_out)

    # -- pages -------------------------------------------------------------------------
    def _queue_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        header = QFrame()
        header.setProperty("role", "bar")
        row = QHBoxLayout()
        self.count = label("", "barTitle")
        self.connection = label("", "barText")
        self.help = help_button(self.strings.t("tour.button"))
        self.help.clicked.connect(self.show_tour)
        self.connection.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.count, 1)
        row.addWidget(self.connection, 1)  # the connection state on one line when it fits
        row.addWidget(self.help)
        lines = QVBoxLayout()
        lines.addLayout(row)
        self.desk = DeskBar(self.strings, self.presence)
        self.desk.chosen.connect(self.client.set_presence)
        self.desk.myDayRequested.connect(self.show_my_day)
        self.desk.logoutRequested.connect(self.client.logout)
        self.presence_box, self.logout_button = self.desk.state, self.desk.logout
        lines.addWidget(self.desk)
        header.setLayout(lines)
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

    def _action_failed(self, action: str, status: int | None, detail: str) -> None:
        if status == 409 and action in ("note", "handover", "accept", "decline"):
            key: str | None = f"desk.conflict_{action}"
        else:
            key = {None: "queue.unreachable", 409: "queue.conflict", 404: "queue.gone"}.get(status)
        self.message.setText(self.strings.t(key) if key else detail)
        if action == "presence":
            self.desk.show_state()  # what the hub holds, not what was picked

    def _acted(self, action: str, _answer: dict[str, Any]) -> None:
        # the error is past
        self.message.setText(self.strings.t("desk.note_saved") if action == "note" else "")

    def _session_ended(self, _why: str) -> None:
        """The hub no longer takes this login: back to the login page, queue cleared."""
        self._back_to_login()
        self.login.session_ended()

    def _logged_out(self) -> None:
        """Logged out (``client.logout``): back to an empty login page."""
        self._back_to_login()
        self.login.error.setText("")
        self.password.clear()
        self.user.setFocus()

    def _back_to_login(self) -> None:
        self.clock.stop()
        if self.tour.running:
            self.tour.skip()  # (not over the login page)
        self.presence.stop()
        for dialog in (self.workshop_dialog, self.handover_dialog, self.day_dialog):
            if dialog is not None:
                dialog.reject()
        self._synced([])
        self.message.setText("")
        self.me = ""
        self.pages.setCurrentIndex(0)

    def _logged_in(self, user: str, _role: str) -> None:
        self.me = user
        self.password.clear()
        self.pages.setCurrentIndex(1)
        self.clock.start()
        self.presence.start(user)
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
        if kind in ("help.claimed", "help.released", "help.resolved", "help.accepted",
                    "help.declined"):
            self.presence.soon()  # someone became busy, or free again
        if request.get("status") in ("resolved", "cancelled"):
            self._remove(rid)
        elif rid in self.cards:
            card = self.cards[rid]
            was_offered = card.offered_to_me
            card.update_request(request)
            if kind == "help.realerted":
                card.mark_urgent()
                self.alerts.alarm(self.strings.t("desk.notify_realert"), self._about(request))
            elif card.offered_to_me and not was_offered:
                self._offered(card)
            elif kind == "help.declined" and not was_offered:
                self._announce(card)  # back in the queue, first place
        else:
            self._add(request, announce=True)
        self._refresh()

    def _add(self, request: dict[str, Any], announce: bool) -> None:
        card = RequestCard(request, self.me, self.strings, self.library)
        card.claimRequested.connect(self.client.claim)
        card.releaseRequested.connect(self.client.release)
        card.resolveRequested.connect(self.client.resolve)
        card.workshopRequested.connect(self.sign_up)
        card.noteRequested.connect(self.client.note)
        card.handoverRequested.connect(self.hand_over)
        card.acceptRequested.connect(self.client.accept)
        card.declineRequested.connect(self.client.decline)
        if request.get("realerted_at"):
            card.mark_urgent()
        self.cards[request["id"]] = card
        self.list.insertWidget(self.list.count() - 1, card)
        if card.offered_to_me and announce:
            self._offered(card)
        elif announce and request.get("status") == "queued":
            self._announce(card)

    def _about(self, request: dict[str, Any]) -> str:
        """A call in a line, for the system's notice: the kiosk and where the customer is."""
        return (f"{self.strings.t('queue.kiosk', kiosk=request.get('kiosk_id', ''))} · "
                f"{line(where(request, self.strings, self.library), self.strings)}")

    def _announce(self, card: RequestCard) -> None:
        """A call waits: heard by me when I am available, or when nobody is."""
        card.flash()
        if self.presence.alerted():
            self.alerts.chime(self.strings.t("desk.notify_new"), self._about(card.request))
            self.raise_()

    def _offered(self, card: RequestCard) -> None:
        """A colleague hands me a call: always for me to hear."""
        card.flash()
        name = str(card.request.get("claimed_by") or "")
        self.alerts.chime(self.strings.t("desk.notify_offer", name=name),
                          self._about(card.request))
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
        self.workshop_dialog = dialog
        self._open(dialog, "workshop_dialog")

    def hand_over(self, request_id: str) -> None:
        """Choose the colleague to hand a call to (one dialog at a time)."""
        if request_id not in self.cards:
            return
        if self.handover_dialog is not None:
            self.handover_dialog.close()
        dialog = HandoverDialog(request_id, self.presence, self.strings, self)
        dialog.chosen.connect(self.client.handover)
        self.handover_dialog = dialog
        self._open(dialog, "handover_dialog")

    def show_my_day(self) -> None:
        """The calls I took today (read afresh each time)."""
        if self.day_dialog is not None:
            self.day_dialog.close()
        dialog = MyDayDialog(self.client, self.strings, self.library, self)
        self.day_dialog = dialog
        self._open(dialog, "day_dialog")

    def _open(self, dialog: QDialog, name: str) -> None:
        """Open ``dialog``, kept as attribute ``name`` until it is closed."""
        def closed(_result: int) -> None:
            if getattr(self, name) is dialog:
                setattr(self, name, None)
            dialog.deleteLater()

        dialog.finished.connect(closed)
        dialog.open()

    def _remove(self, request_id: str) -> None:
        card = self.cards.pop(request_id, None)
        if card is not None:
            card.hide()
            self.list.removeWidget(card)
            card.deleteLater()

    def _refresh(self) -> None:
        waiting = sum(1 for c in self.cards.values() if c.request.get("status") == "queued")
        self.count.setText(self.strings.t("queue.title", count=waiting))
        self.empty.setVisible(not self.cards)
        self._order()

    def _order(self) -> None:
        """Calls handed to me first, then the queue, then the calls someone holds."""
        wanted = sorted(self.cards.values(), key=lambda c: rank(c.request, self.me))
        shown = [self.list.itemAt(i).widget() for i in range(self.list.count())]
        if [w for w in shown if isinstance(w, RequestCard)] == wanted:
            return
        for card in wanted:
            self.list.removeWidget(card)
        for i, card in enumerate(wanted):
            self.list.insertWidget(1 + i, card)  # after the "no call" line

    def ordered(self) -> list[str]:
        """The cards' ids, top to bottom."""
        return [w.request["id"] for i in range(self.list.count())
                if isinstance(w := self.list.itemAt(i).widget(), RequestCard)]

    def _connection(self, online: bool) -> None:
        self.connection.setText(self.strings.t("queue.online" if online else "queue.offline"))
        if online:
            self.presence.soon()  # on duty again: everyone's state, mine too

    def _tick(self) -> None:
        for card in self.cards.values():
            card.tick()

    def shutdown(self) -> None:
        self.clock.stop()
        self.presence.stop()
        self.alerts.close()
        self.client.close()
