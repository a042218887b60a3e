"""Moving one registration to another workshop ("Déplacer vers…"): a dialog listing the
coming workshops with seats left (not cancelled, not the one the person is in), of the
same level at first and of any level on demand, then the move on the hub. A workshop
that filled up meanwhile is said in words, with the next one of its level to pick.
Usable with the keyboard alone: arrows choose, Enter moves, Escape goes back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.staff import StaffClient
from kiosk.manager.workshops_common import (
    LEVELS,
    button,
    heading,
    office_strings,
    office_style,
    refusal_text,
    set_status,
    status_label,
    text_label,
    when_text,
)


def offered(workshops: list[dict[str, Any]], source_id: int, now: datetime | None = None,
            ) -> list[dict[str, Any]]:
    """The workshops a person can be moved to: ahead, not cancelled, a seat left, not the
    one they are in."""
    moment = now or datetime.now(UTC)
    return [w for w in workshops if w["id"] != source_id and not w.get("cancelled")
            and w["seats_left"] > 0 and datetime.fromisoformat(w["start"]) > moment]


class MoveDialog(QDialog):
    moved = Signal(dict, dict)  # the new registration, the workshop it is in

    def __init__(self, client: StaffClient, language: str, workshop: dict[str, Any],
                 registration: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client, self.language = client, language
        self.workshop, self.registration = workshop, registration
        self.t = t = office_strings(language).t
        self.workshops: list[dict[str, Any]] = []
        self.next_workshop: dict[str, Any] | None = None
        self._asked = 0
        self.setWindowTitle(t("move.title"))
        self.setStyleSheet(office_style() + "QListWidget { font-size: 18px; }"
                           " QListWidget::item { padding: 6px; } QComboBox { font-size: 18px; }")
        self.setMinimumWidth(760)
        box = QVBoxLayout(self)
        box.addWidget(heading(t("move.title"), 2))
        box.addWidget(text_label(t("move.intro", name=registration.get("first_name") or "")))
        row = QHBoxLayout()
        level_label = QLabel(t("move.level"))
        self.level = QComboBox()
        for level in LEVELS:
            self.level.addItem(t(f"levels.{level}"), level)
        self.level.addItem(t("move.any_level"), "")
        self.level.setCurrentIndex(max(0, self.level.findData(workshop.get("level"))))
        level_label.setBuddy(self.level)
        self.level.currentIndexChanged.connect(self.load)
        row.addWidget(level_label)
        row.addWidget(self.level, 1)
        box.addLayout(row)
        choose = QLabel(t("move.choose"))
        box.addWidget(choose)
        self.sessions = QListWidget()
        self.sessions.setMinimumHeight(220)
        self.sessions.setWordWrap(True)
        self.sessions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        choose.setBuddy(self.sessions)
        self.sessions.currentItemChanged.connect(self._update)
        self.sessions.itemActivated.connect(lambda _item: self.move())
        box.addWidget(self.sessions, 1)
        self.status = status_label()
        box.addWidget(self.status)
        buttons = QHBoxLayout()
        self.take_next = button(t("move.take_next"))
        self.take_next.setAutoDefault(False)
        self.take_next.clicked.connect(self.choose_next)
        self.take_next.hide()
        self.move_button = button(t("move.confirm"), "primary")
        self.move_button.setDefault(True)
        self.move_button.clicked.connect(self.move)
        self.back_button = button(t("common.cancel"))
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.reject)
        buttons.addStretch(1)
        for b in (self.take_next, self.move_button, self.back_button):
            buttons.addWidget(b)
        box.addLayout(buttons)
        self._update()
        self.load()

    # -- the workshops offered ----------------------------------------------------------
    def load(self) -> None:
        level = self.level.currentData()
        set_status(self.status, self.t("move.loading"))
        self._asked += 1
        asked = self._asked
        query = f"/workshops?active=1&from={self.client.office.today().isoformat()}"
        if level:
            query += f"&level={level}"
        self.client.call("GET", query, done=lambda s, p: self._loaded(asked, s, p))

    def _loaded(self, asked: int, status: int | None, payload: Any) -> None:
        if asked != self._asked:
            return  # the level changed meanwhile
        if status != 200 or not isinstance(payload, dict):
            set_status(self.status, refusal_text(self.t, status, payload), "error")
            return
        self.workshops = offered(list(payload.get("items", [])), self.workshop["id"])
        self._fill(None)
        set_status(self.status, "" if self.workshops else self.t("move.none"))

    def _fill(self, pick: int | None) -> None:
        t = self.t
        self.sessions.clear()
        for w in self.workshops:
            item = QListWidgetItem(t("move.item", when=when_text(
                self.client.office.local(w["start"]), self.language), title=w["title"],
                level=t(f"levels.{w['level']}"), place=w.get("place") or t("detail.no_place"),
                left=w["seats_left"]))
            item.setData(Qt.ItemDataRole.UserRole, w["id"])
            self.sessions.addItem(item)
            if pick is not None and w["id"] == pick:
                self.sessions.setCurrentItem(item)
        if self.sessions.currentItem() is None and self.sessions.count():
            self.sessions.setCurrentRow(0)
        self.sessions.setFocus()
        self._update()

    def selected(self) -> dict[str, Any] | None:
        item = self.sessions.currentItem()
        if item is None:
            return None
        wid = item.data(Qt.ItemDataRole.UserRole)
        return next((w for w in self.workshops if w["id"] == wid), None)

    def _update(self, *_args: Any) -> None:
        self.move_button.setEnabled(self.selected() is not None)

    # -- the move ---------------------------------------------------------------------
    def move(self) -> None:
        target = self.selected()
        if target is None or not self.move_button.isEnabled():
            return
        self.move_button.setEnabled(False)
        self.take_next.hide()
        set_status(self.status, self.t("move.working"))
        path = f"/workshops/{self.workshop['id']}/registrations/{self.registration['id']}/move"
        self.client.call("POST", path, {"workshop_id": target["id"]},
                         lambda s, p: self._moved(target, s, p))

    def _moved(self, target: dict[str, Any], status: int | None, payload: Any) -> None:
        if status == 201 and isinstance(payload, dict):
            self.moved.emit(payload, target)
            self.accept()
            return
        if status == 409 and isinstance(payload, dict) and payload.get("problem") == "full":
            self._full(target, payload.get("next"))
        else:
            set_status(self.status, refusal_text(self.t, status, payload), "error")
        self._update()

    def _full(self, target: dict[str, Any], following: dict[str, Any] | None) -> None:
        """The workshop filled up meanwhile: take it off, and offer the next of its level."""
        t = self.t
        self.workshops = [w for w in self.workshops if w["id"] != target["id"]]
        self.next_workshop = following
        self._fill(None)
        if following is None or following["id"] == self.workshop["id"]:
            set_status(self.status, t("move.full_none"), "error")
            return
        set_status(self.status, t("move.full_next", when=when_text(
            self.client.office.local(following["start"]), self.language),
            title=following["title"]), "error")
        self.take_next.show()

    def choose_next(self) -> None:
        following = self.next_workshop
        if following is None:
            return
        if not any(w["id"] == following["id"] for w in self.workshops):
            self.workshops = sorted([*self.workshops, following], key=lambda w: w["start"])
        self._fill(following["id"])
        self.take_next.hide()
        set_status(self.status, "")
