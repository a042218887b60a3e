"""The mediator's desk: who is logged in, their presence and everyone else's.

:class:`Presence` keeps what the console knows of the people on duty: my own state
(available, on a break, or busy while I hold a call: from ``GET /me``, ``GET /presence``
and the ``presence.changed`` messages about me), everyone's (for a hand-over), and how
many of them are available (to know who hears a new call). The list is read again after
each change (debounced, so that a burst of messages costs one reading).

:class:`DeskBar` is the line of the console's header that shows it: my name, my presence
(a selector: Disponible / En pause; it shows "Occupé·e" by itself while I hold a call),
and the buttons My day and Log out.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from kiosk.client.staff import StaffClient
from kiosk.i18n import Catalog
from kiosk.ui.widgets import BigButton, label

REFRESH_MS = 300  # a burst of changes: one reading of the presence list
CHOICES = ("available", "break")  # what I can choose; "busy" is the hub's own
SHOWN = (*CHOICES, "busy")  # the selector's items, in this order


class Presence(QObject):
    changed = Signal()  # my state, the list or the number available changed

    def __init__(self, client: StaffClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.me = ""
        self.mine = "available"  # my state as the hub last said it (offline: kept)
        self.people: list[dict[str, Any]] = []
        self.available: int | None = None  # None: not known yet
        self.refresh = QTimer(self)
        self.refresh.setObjectName("presence-refresh")
        self.refresh.setSingleShot(True)
        self.refresh.setInterval(REFRESH_MS)
        self.refresh.timeout.connect(client.presence)
        client.meRead.connect(self._me)
        client.presenceRead.connect(self._read)
        client.presenceChanged.connect(self._person)
        client.acted.connect(self._acted)

    def start(self, me: str) -> None:
        """Logged in as ``me``: read my state and everyone's."""
        self.me, self.mine, self.people, self.available = me, "available", [], None
        self.client.me()
        self.client.presence()
        self.changed.emit()

    def stop(self) -> None:
        """Logged out: nothing known any more."""
        self.refresh.stop()
        self.me, self.mine, self.people, self.available = "", "available", [], None
        self.changed.emit()

    def soon(self) -> None:
        """Read the list again shortly (once for a burst of changes)."""
        if self.me:
            self.refresh.start()

    def alerted(self) -> bool:
        """A new call is for me to hear: I am available, or nobody is (then everyone
        logged in hears it, even on a break)."""
        return self.mine == "available" or not self.available

    def colleagues(self) -> list[dict[str, Any]]:
        return [p for p in self.people if p.get("name") != self.me]

    # -- what the hub says -------------------------------------------------------------
    def _set_mine(self, state: Any) -> None:
        if state in SHOWN:  # (offline: my console is not on duty yet; nothing to show)
            self.mine = str(state)

    def _me(self, info: dict[str, Any]) -> None:
        if info.get("name") == self.me:
            self._set_mine(info.get("state"))
            self.changed.emit()

    def _read(self, payload: dict[str, Any]) -> None:
        if not self.me:
            return
        self.people = [p for p in payload.get("items") or [] if isinstance(p, dict)]
        self.available = int(payload.get("available") or 0)
        for person in self.people:
            if person.get("name") == self.me:
                self._set_mine(person.get("state"))
        self.changed.emit()

    def _person(self, person: dict[str, Any]) -> None:
        if not self.me:
            return
        if person.get("name") == self.me:
            self._set_mine(person.get("state"))
        if person.get("office_available") is not None:
            self.available = int(person["office_available"])
        entry = {k: v for k, v in person.items() if k != "office_available"}
        self.people = [entry if p.get("name") == entry.get("name") else p for p in self.people]
        self.changed.emit()
        self.soon()

    def _acted(self, action: str, answer: dict[str, Any]) -> None:
        if action == "presence" and answer.get("name") == self.me:
            self._set_mine(answer.get("state"))
            self.changed.emit()


class DeskBar(QWidget):
    """My name, my presence, My day and Log out (a line of the header bar)."""

    chosen = Signal(str)  # the state I picked: "available" or "break"
    myDayRequested = Signal()
    logoutRequested = Signal()

    def __init__(self, strings: Catalog, presence: Presence) -> None:
        super().__init__()
        t = strings.t
        self.strings, self.presence = strings, presence
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.who = label("", "barText", wrap=False)
        self.state = QComboBox()
        self.state.setObjectName("presence")
        self.state.setAccessibleName(t("desk.presence"))
        for state in SHOWN:
            self.state.addItem(t(f"desk.state.{state}"), state)
        model = self.state.model()
        if isinstance(model, QStandardItemModel):  # busy: the hub's to say, not mine to pick
            busy = model.item(SHOWN.index("busy"))
            if busy is not None:
                busy.setEnabled(False)
        self.state.currentIndexChanged.connect(self._picked)
        self.my_day = BigButton(t("desk.my_day"), "tool")
        self.my_day.clicked.connect(lambda: self.myDayRequested.emit())
        self.logout = BigButton(t("desk.logout"), "tool")
        self.logout.clicked.connect(lambda: self.logoutRequested.emit())
        row.addWidget(self.who)
        row.addWidget(self.state)
        row.addStretch(1)
        row.addWidget(self.my_day)
        row.addWidget(self.logout)
        presence.changed.connect(self.show_state)

    def show_state(self) -> None:
        """Show who I am and my state as the hub says it (without asking it anything)."""
        p = self.presence
        self.who.setText(self.strings.t("desk.me", name=p.me) if p.me else "")
        self.state.blockSignals(True)
        self.state.setCurrentIndex(SHOWN.index(p.mine) if p.mine in SHOWN else 0)
        self.state.blockSignals(False)

    def _picked(self, index: int) -> None:
        state = self.state.itemData(index)
        if state in CHOICES:
            self.chosen.emit(state)
