"""One card per help call on the mediator console: where the customer is stuck, since
when, who took it; the buttons to claim, give back or finish with an outcome."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.flows.library import FlowLibrary
from kiosk.flows.model import pick
from kiosk.i18n import Catalog
from kiosk.ui.widgets import BigButton, label, svg_pixmap

OUTCOMES = ("helped", "sent-to-counter", "workshop", "left", "other")


class RequestCard(QFrame):
    claimRequested = Signal(str)
    releaseRequested = Signal(str)
    resolveRequested = Signal(str, str, str)  # id, outcome, note
    workshopRequested = Signal(str)  # id: sign the customer up for a workshop

    def __init__(self, request: dict[str, Any], me: str, strings: Catalog,
                 library: FlowLibrary) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.me, self.strings, self.library = me, strings, library
        self.request: dict[str, Any] = {}
        self.urgent = False
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
        self.waiting = label("", "consoleText")
        self.status = label("", "consoleText")
        for w in (self.where, self.waiting, self.status):
            box.addWidget(w)
        actions = QHBoxLayout()
        t = strings.t
        self.claim = self._button(t("queue.claim"), "primary", lambda: self.claimRequested.emit(
            self.request["id"]), actions)
        self.release = self._button(t("queue.release"), "choice",
                                    lambda: self.releaseRequested.emit(self.request["id"]),
                                    actions)
        self.finish = self._button(t("queue.resolve"), "choice", self._open_outcomes, actions)
        self.register = self._button(t("queue.register"), "choice", lambda: self.workshopRequested.emit(
            self.request["id"]), actions)
        box.addLayout(actions)
        self.outcomes = QWidget()
        grid = QGridLayout(self.outcomes)
        self.outcome_buttons: dict[str, BigButton] = {}
        for i, outcome in enumerate(OUTCOMES):
            b = BigButton(t(f"outcomes.{outcome}"), "choice")
            b.setObjectName(f"outcome-{outcome}")
            b.clicked.connect(lambda _=False, o=outcome: self._resolve(o))
            grid.addWidget(b, i // 3, i % 3)
            self.outcome_buttons[outcome] = b
        self.note = QLineEdit()
        self.note.setPlaceholderText(t("queue.note"))
        grid.addWidget(self.note, 2, 0, 1, 3)
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
        self.where.setText(self._where())
        claimed = request.get("status") == "claimed"
        mine = claimed and request.get("claimed_by") == self.me
        self.status.setText(t("queue.claimed_by", name=request.get("claimed_by", "")) if claimed
                            else (t("queue.urgent") if self.urgent else ""))
        self.status.setVisible(bool(self.status.text()))
        self.claim.setVisible(not claimed)
        self.release.setVisible(mine)
        self.finish.setVisible(mine)
        self.register.setVisible(mine)
        if not mine:
            self.outcomes.hide()
        state = "urgent" if self.urgent and not claimed else ("claimed" if claimed else "new")
        self.setProperty("state", state)
        self.setProperty("base_state", state)
        self.style().unpolish(self)
        self.style().polish(self)
        self.tick()

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

    def _where(self) -> str:
        flow_id, step_id = self.request.get("flow_id"), self.request.get("step_id")
        if not flow_id or flow_id not in self.library.flows:
            return self.strings.t("queue.nowhere")
        flow = self.library.flows[flow_id]
        lang = self.strings.lang
        title = pick(flow.title, lang)
        try:
            step_text = pick(flow.step(step_id).text, "fr") if step_id else ""
        except KeyError:
            step_text = step_id or ""
        return self.strings.t("queue.where", flow=title, step=step_text) if step_text else title

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


def card_style() -> str:
    """The console's own text sizes and card states (on top of the kiosk theme)."""
    return "\n".join([
        'QLabel[role="consoleTitle"] { font-size: 26px; font-weight: bold; }',
        'QLabel[role="consoleText"] { font-size: 22px; }',
        'QFrame[role="card"][state="new"] { background: #FFF6CC; border-color: #B37B00; }',
        'QFrame[role="card"][state="flash"] { background: #FFC800; border: 6px solid #1A1A1A; }',
        'QFrame[role="card"][state="urgent"] { background: #FFD6D6; border: 6px solid #C62828; }',
        'QFrame[role="card"][state="claimed"] { background: #E8F4EA; border-color: #1B7F3B; }',
        'QLineEdit { font-size: 22px; padding: 10px; min-height: 48px; }',
        'QWidget[role="header"] QLabel { color: #FFFFFF; }',
    ])

