"""One card per help call on the mediator console: where the customer is stuck (in the
call's own words, :mod:`kiosk.mediator.calltext`), since when, who took it; the buttons to
claim, give back, hand over to a colleague (who accepts or declines), write the call's
note, or finish with an outcome. :func:`rank` orders the cards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.flows.library import FlowLibrary
from kiosk.i18n import Catalog
from kiosk.mediator.calltext import line, where
from kiosk.ui.widgets import BigButton, label, svg_pixmap

OUTCOMES = ("helped", "sent-to-counter", "workshop", "left", "other")


class RequestCard(QFrame):
    claimRequested = Signal(str)
    releaseRequested = Signal(str)
    resolveRequested = Signal(str, str, str)  # id, outcome, note
    workshopRequested = Signal(str)  # id: sign the customer up for a workshop
    handoverRequested = Signal(str)  # id: choose a colleague to hand the call to
    acceptRequested = Signal(str)  # id: take the call a colleague hands me
    declineRequested = Signal(str)  # id: refuse it (back to the queue, first place)
    noteRequested = Signal(str, str)  # id, note: save the call's note

    def __init__(self, request: dict[str, Any], me: str, strings: Catalog,
                 library: FlowLibrary) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.me, self.strings, self.library = me, strings, library
        self.request: dict[str, Any] = {}
        self.urgent = False
        self.hub_note = ""  # the note as the hub last said it
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 16, 20, 16)
        box.setSpacing(8)
        top = QHBoxLayout()
        self.flag = label("", "consoleTitle", wrap=False)
        self.title = label("", "consoleTitle")
        top.addWidget(self.flag)
        top.addWidget(self.title, 1)
        box.addLayout(top)
        self.where = label("", "consoleText")
        self.step_text = label("", "consoleSmall")  # the step's whole text, when cut above
        self.waiting = label("", "consoleText")
        self.status = label("", "consoleText")
        for w in (self.where, self.step_text, self.waiting, self.status):
            box.addWidget(w)
        t = strings.t
        offer = QHBoxLayout()
        self.accept = self._button(t("desk.accept"), "primary", lambda: self.acceptRequested.emit(
            self.request["id"]), offer)
        self.decline = self._button(t("desk.decline"), "choice",
                                    lambda: self.declineRequested.emit(self.request["id"]), offer)
        box.addLayout(offer)
        actions = QHBoxLayout()
        self.claim = self._button(t("queue.claim"), "primary", lambda: self.claimRequested.emit(
            self.request["id"]), actions)
        self.release = self._button(t("queue.release"), "choice",
                                    lambda: self.releaseRequested.emit(self.request["id"]),
                                    actions)
        self.finish = self._button(t("queue.resolve"), "choice", self._open_outcomes, actions)
        self.register = self._button(t("queue.register"), "choice", lambda: self.workshopRequested.emit(
            self.request["id"]), actions)
        self.hand = self._button(t("desk.handover"), "choice", lambda: self.handoverRequested.emit(
            self.request["id"]), actions)
        box.addLayout(actions)
        self.notes = QWidget()  # the call's note, for the one who holds it
        row = QHBoxLayout(self.notes)
        row.setContentsMargins(0, 0, 0, 0)
        self.note = QLineEdit()
        self.note.setPlaceholderText(t("queue.note"))
        self.note.setMaxLength(2000)
        self.note.returnPressed.connect(self._save_note)
        row.addWidget(self.note, 1)
        self.save_note = self._button(t("desk.note_save"), "choice", self._save_note, row)
        box.addWidget(self.notes)
        self.outcomes = QWidget()
        grid = QGridLayout(self.outcomes)
        self.outcome_buttons: dict[str, BigButton] = {}
        for i, outcome in enumerate(OUTCOMES):
            b = BigButton(t(f"outcomes.{outcome}"), "choice")
            b.setObjectName(f"outcome-{outcome}")
            b.clicked.connect(lambda _=False, o=outcome: self._resolve(o))
            grid.addWidget(b, i // 3, i % 3)
            self.outcome_buttons[outcome] = b
        self.outcomes.hide()
        box.addWidget(self.outcomes)
        self.update_request(request)

    def _button(self, text: str, role: str, slot: Any, row: QHBoxLayout) -> BigButton:
        b = BigButton(text, role)
        b.clicked.connect(slot)
        row.addWidget(b)
        return b

    def update_request(self, request: dict[str, Any]) -> None:
        self.request = request
        t = self.strings.t
        known = self.strings.keys()
        level = request.get("level")
        level_name = t(f"levels.{level}") if f"levels.{level}" in known else "?"
        kind = (t("queue.kind_workshop", level=level_name)
                if request.get("kind") == "workshop" else t("queue.kind_help"))
        lang = request.get("language") or "fr"
        lang_name = t(f"languages.{lang}") if f"languages.{lang}" in known else lang
        self.title.setText(f"{kind} · {t('queue.kiosk', kiosk=request['kiosk_id'])} · {lang_name}")
        self.flag.setPixmap(svg_pixmap("flags", f"{request.get('language') or 'fr'}.svg", 48))
        self._show_where()
        claimed = request.get("status") == "claimed"
        holder = request.get("claimed_by") or ""
        mine = claimed and holder == self.me
        offered = (request.get("handover_to") or "") if claimed else ""
        to_me = self.offered_to_me
        if to_me:
            status = t("desk.offered_to_me", name=holder)
        elif mine and offered:
            status = t("desk.offered", name=offered)
        elif claimed:
            status = t("queue.claimed_by", name=holder)
        else:
            status = t("queue.urgent") if self.urgent else ""
        self.status.setText(status)
        self.status.setVisible(bool(status))
        self.claim.setVisible(not claimed)
        for button in (self.release, self.finish, self.register, self.hand):
            button.setVisible(mine)
        self.accept.setVisible(to_me)
        self.decline.setVisible(to_me)
        self.notes.setVisible(mine)
        note = str(request.get("note") or "")
        if self.note.text() == self.hub_note:  # not being changed here: the hub's words
            self.note.setText(note)
        self.hub_note = note
        if not mine:
            self.outcomes.hide()
        state = ("offer" if to_me else "urgent" if self.urgent and not claimed
                 else "claimed" if claimed else "new")
        self.setProperty("state", state)
        self.setProperty("base_state", state)
        self.style().unpolish(self)
        self.style().polish(self)
        self.tick()

    @property
    def offered_to_me(self) -> bool:
        """A colleague hands me this call and waits for my answer."""
        r = self.request
        return (r.get("status") == "claimed" and bool(self.me) and r.get("handover_to") == self.me
                and r.get("claimed_by") != self.me)

    def flash(self, times: int = 3) -> None:
        """Blink a few times to catch the eye (a new call)."""
        for i in range(times * 2):
            QTimer.singleShot(250 * (i + 1), self, lambda on=(i % 2 == 0): self._blink(on))

    def _blink(self, on: bool) -> None:
        self.setProperty("state", "flash" if on else
                         ("urgent" if self.urgent else self.property("base_state") or "new"))
        self.style().unpolish(self)
        self.style().polish(self)

    def mark_urgent(self) -> None:
        self.urgent = True
        self.update_request(self.request)

    def _show_where(self) -> None:
        found = where(self.request, self.strings, self.library)
        self.where.setText(line(found, self.strings))
        text = found.text if found is not None else ""
        self.step_text.setText(text)
        self.step_text.setVisible(bool(text))

    def tick(self) -> None:
        """Refresh the waiting time."""
        created = self.request.get("created_at")
        if not created:
            return
        seconds = max(0, int((datetime.now(UTC) - datetime.fromisoformat(created)).total_seconds()))
        self.waiting.setText(self.strings.t("queue.waiting", minutes=seconds // 60,
                                            seconds=seconds % 60))

    def _open_outcomes(self) -> None:
        self.outcomes.setVisible(not self.outcomes.isVisible())

    def _resolve(self, outcome: str) -> None:
        self.resolveRequested.emit(self.request["id"], outcome, self.note.text().strip())

    def _save_note(self) -> None:
        self.noteRequested.emit(self.request["id"], self.note.text().strip())


def rank(request: dict[str, Any], me: str) -> tuple[int, int, str]:
    """The cards' order: calls handed to me first, then the queue (calls a failed
    hand-over gave back first, then the oldest), then the calls someone holds."""
    created = str(request.get("created_at") or "")
    if request.get("status") == "claimed":
        if me and request.get("handover_to") == me and request.get("claimed_by") != me:
            return 0, 0, str(request.get("handover_at") or created)
        return 2, 0, created
    return 1, -int(request.get("front") or 0), created


def card_style() -> str:
    """The console's own text sizes and card states (on top of the kiosk theme)."""
    return "\n".join([
        'QLabel[role="consoleTitle"] { font-size: 26px; font-weight: bold; }',
        'QLabel[role="consoleText"] { font-size: 22px; }',
        'QLabel[role="consoleSmall"] { font-size: 20px; color: #333333; }',
        'QFrame[role="card"][state="new"] { background: #FFF6CC; border-color: #B37B00; }',
        'QFrame[role="card"][state="flash"] { background: #FFC800; border: 6px solid #1A1A1A; }',
        'QFrame[role="card"][state="urgent"] { background: #FFD6D6; border: 6px solid #C62828; }',
        'QFrame[role="card"][state="claimed"] { background: #E8F4EA; border-color: #1B7F3B; }',
        'QFrame[role="card"][state="offer"] { background: #E3ECFF; border: 6px solid #0B3D91; }',
        'QLineEdit { font-size: 22px; padding: 10px; min-height: 48px; }',
        'QComboBox#presence { font-size: 22px; padding: 6px 12px; min-height: 44px;'
        ' min-width: 200px; background: #FFFFFF; color: #1A1A1A; border: 3px solid #1A1A1A;'
        ' border-radius: 8px; }',
        'QComboBox#presence QAbstractItemView { font-size: 22px; background: #FFFFFF;'
        ' color: #1A1A1A; }',
        'QWidget[role="header"] QLabel { color: #FFFFFF; }',
    ])

