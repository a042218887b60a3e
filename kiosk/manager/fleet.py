"""The manager app's kiosks page ("Bornes"): every kiosk of the office, online or not (in
words and colour), when it last said it was alive, which flow versions it runs compared
with the versions published on the hub (old ones flagged), its voice state, how many items
wait in its outbox, how many of its help calls the hub refused (kept as dead letters, the
latest listed under the table with the hub's reason) and its software version.

The page reads the hub when it is shown and every 15 s while it stays shown; the timer
stops when the page is hidden or the app shuts down.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.office import OfficeClock
from kiosk.client.staff import StaffClient
from kiosk.manager.workshops_common import (
    BAD,
    OK,
    WARN,
    button,
    heading,
    office_strings,
    office_style,
    plain_error,
    set_status,
    status_label,
)

REFRESH_MS = 15_000
COLUMNS = ("name", "state", "heartbeat", "flows", "voice", "outbox", "refused", "version")
READS = ("kiosks", "flows", "dead")  # what one refresh reads from the hub
LATEST_REFUSED = 5
_TONES = {"ok": (OK, "#E3F2E5"), "bad": (BAD, "#FBE3E4"), "warn": (WARN, "#FFF1D6")}


def ago(t: Any, when: str | None, now: datetime | None = None) -> str:
    """``il y a 2 min`` for a stored instant (``jamais`` for none)."""
    if not when:
        return t("fleet.never")
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return when
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    seconds = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds()))
    if seconds < 10:
        return t("fleet.just_now")
    if seconds < 60:
        return t("fleet.seconds_ago", n=seconds)
    if seconds < 3600:
        return t("fleet.minutes_ago", n=seconds // 60)
    if seconds < 86_400:
        return t("fleet.hours_ago", n=seconds // 3600)
    return t("fleet.days_ago", n=seconds // 86_400)


def _local(when: Any, office: OfficeClock) -> str:
    """A stored instant as the day and time on the office's clock (``23/11 14:05``)."""
    try:
        return office.local(str(when)).strftime("%d/%m %H:%M")
    except ValueError:
        return str(when)


def flow_state(t: Any, running: dict[str, Any], current: dict[str, int]) -> tuple[str, bool]:
    """The flows cell's text, and whether the kiosk lags behind the hub's versions."""
    if not running:
        return t("fleet.flows_none"), bool(current)
    late = []
    for flow_id, version in sorted(current.items()):
        mine = running.get(flow_id)
        if mine is None:
            late.append(t("fleet.flow_missing", flow=flow_id, current=version))
        elif mine != version:
            late.append(t("fleet.flow_old", flow=flow_id, running=mine, current=version))
    if late:
        return t("fleet.flows_old", flows=", ".join(late)), True
    return t("fleet.flows_ok", count=len(running)), False


def voice_text(t: Any, voice: str | None) -> tuple[str, str | None]:
    """The voice cell's text and tone (the kiosk says ``ok``, ``off`` or
    ``unavailable: why``)."""
    if not voice:
        return t("fleet.voice_unknown"), None
    if voice == "ok":
        return t("fleet.voice_ok"), "ok"
    if voice == "off":
        return t("fleet.voice_off"), "warn"
    why = voice.split(":", 1)[1].strip() if ":" in voice else voice
    return t("fleet.voice_unavailable", why=why), "bad"


class FleetPage(QWidget):
    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.client = client
        self.language = language
        self.t = office_strings(language).t
        self.setStyleSheet(office_style())
        self.kiosks: list[dict[str, Any]] = []
        self.current: dict[str, int] = {}  # the hub's published version of each flow
        self._answers: dict[str, tuple[int | None, Any]] = {}
        self._closed = False
        t = self.t
        box = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading(t("fleet.title")), 1)
        self.summary = heading("", 2)
        top.addWidget(self.summary)
        self.refresh_button = button(t("common.refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        box.addLayout(top)
        self.status = status_label()
        box.addWidget(self.status)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([t(f"fleet.col_{c}") for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for i, name in enumerate(COLUMNS):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch if name == "flows"
                                        else QHeaderView.ResizeMode.ResizeToContents)
        box.addWidget(self.table, 1)
        self.published = status_label()
        box.addWidget(self.published)
        self.refused = status_label()
        self.refused.setObjectName("fleet-refused")
        box.addWidget(self.refused)
        self.timer = QTimer(self)
        self.timer.setObjectName("fleet-refresh")
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    # -- life ------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._closed:
            self.timer.start()
            self.refresh()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().hideEvent(event)
        self.timer.stop()

    def shutdown(self) -> None:
        self._closed = True
        self.timer.stop()

    # -- reading ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the kiosks and the published flow versions again (one round at a time)."""
        if self._closed or self._answers.get("pending"):
            return
        self._answers = {"pending": (0, None)}
        if not self.kiosks:
            set_status(self.status, self.t("fleet.loading"))
        self.client.call("GET", "/kiosks", done=lambda s, p: self._answer("kiosks", s, p))
        self.client.call("GET", "/flows", done=lambda s, p: self._answer("flows", s, p))
        self.client.call("GET", f"/dead-letters?limit={LATEST_REFUSED}",
                         done=lambda s, p: self._answer("dead", s, p))

    def _answer(self, what: str, status: int | None, payload: Any) -> None:
        self._answers[what] = (status, payload)
        if any(name not in self._answers for name in READS):
            return
        (k_status, kiosks), (f_status, flows) = self._answers["kiosks"], self._answers["flows"]
        d_status, dead = self._answers["dead"]
        self._answers = {}
        if self._closed:
            return
        if f_status == 200 and isinstance(flows, dict):
            self.current = {f["id"]: int(f["version"]) for f in flows.get("items", [])
                            if f.get("version")}
        if k_status != 200 or not isinstance(kiosks, list):
            set_status(self.status, plain_error(self.t, k_status, kiosks), "error")
            return
        self.kiosks = kiosks
        self._show()
        self._show_refused(dead.get("items", []) if d_status == 200 and isinstance(dead, dict)
                           else [])
        if f_status != 200:
            set_status(self.status, plain_error(self.t, f_status, flows), "error")

    # -- showing ---------------------------------------------------------------------
    def _show(self) -> None:
        t = self.t
        now = datetime.now(UTC)
        self.table.setRowCount(len(self.kiosks))
        for row, kiosk in enumerate(self.kiosks):
            info = kiosk.get("info") or {}
            online = bool(kiosk.get("online"))
            flows, late = flow_state(t, info.get("flows") or {}, self.current)
            voice, voice_tone = voice_text(t, info.get("voice"))
            outbox = int(info.get("outbox") or 0)
            refused = int(kiosk.get("refused") or 0)
            cells = {
                "name": (kiosk["name"], None),
                "state": (t("fleet.online" if online else "fleet.offline"), "ok" if online else "bad"),
                "heartbeat": (ago(t, kiosk.get("last_heartbeat"), now), None if online else "bad"),
                "flows": (flows, "warn" if late else None),
                "voice": (voice, voice_tone),
                "outbox": (t("fleet.outbox_waiting", count=outbox) if outbox
                           else t("fleet.outbox_empty"), "warn" if outbox else None),
                "refused": (t("fleet.refused_some", count=refused) if refused
                            else t("fleet.outbox_empty"), "bad" if refused else None),
                "version": (info.get("version") or t("fleet.version_unknown"), None),
            }
            for col, name in enumerate(COLUMNS):
                text, tone = cells[name]
                self.table.setItem(row, col, self._item(text, tone, bold=name in ("name", "state")))
        self.table.resizeRowsToContents()
        online = sum(1 for k in self.kiosks if k.get("online"))
        self.summary.setText(t("fleet.summary", online=online, total=len(self.kiosks)))
        stamp = self.client.office.local(now).strftime("%H:%M:%S")
        set_status(self.status, t("fleet.empty") if not self.kiosks
                   else t("fleet.updated", time=stamp))
        set_status(self.published, t("fleet.published", flows=", ".join(
            f"{f} v{v}" for f, v in sorted(self.current.items()))) if self.current else "")

    def _show_refused(self, letters: list[dict[str, Any]]) -> None:
        """The latest help calls the hub refused: when, which kiosk, why."""
        t = self.t
        office = self.client.office
        lines = [t("fleet.refused_line", time=_local(letter.get("at"), office), kiosk=letter["kiosk_id"],
                   reason=str(letter.get("reason", ""))[:160]) for letter in letters]
        set_status(self.refused, t("fleet.refused_title") + "\n" + "\n".join(lines)
                   if lines else "", "error" if lines else "info")

    def _item(self, text: str, tone: str | None, bold: bool = False) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setToolTip(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if tone:
            fg, bg = _TONES[tone]
            item.setForeground(QBrush(QColor(fg)))
            item.setBackground(QBrush(QColor(bg)))
            bold = True
        if bold:
            font = QFont(self.table.font())  # the size the stylesheet gave the table
            font.setBold(True)
            item.setFont(font)
        return item

    def row(self, name: str) -> dict[str, str]:
        """What the table shows for kiosk ``name``, by column."""
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0) and self.table.item(r, 0).text() == name:
                return {c: self.table.item(r, i).text() for i, c in enumerate(COLUMNS)}
        raise KeyError(name)
