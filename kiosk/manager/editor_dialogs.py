"""The editor's questions before an action that kiosks feel: a confirmation that says in
words what the kiosks will do (with an optional note for the history), and the dialog
that names a new flow (an id as a slug and a French title, checked before it is used).

Keyboard first: Esc cancels; Enter confirms only when the action loses nothing (a
"safe" confirmation, a new flow); otherwise no button is the default, the focus starts
on "Cancel", and confirming takes Tab then Enter or Space.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.flows.model import ID_PATTERN
from kiosk.manager.editor_picture_files import slug

FLOW_ID = re.compile(ID_PATTERN)
MAX_ID = 60
STYLE = """
QLabel, QLineEdit, QPushButton { font-size: 16px; }
QPushButton { padding: 6px 14px; }
QLabel#confirmTitle { font-weight: bold; font-size: 18px; }
QLabel#newFlowError { color: #A3140F; font-weight: bold; }
"""


def _words(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # no tab stop
    return label


class ConfirmDialog(QDialog):
    """"Are you sure?" with what happens on the kiosks, and a note when asked for."""

    def __init__(self, title: str, text: str, confirm: str, cancel: str, *, safe: bool,
                 note: str | None = None, parent: QWidget | None = None, name: str = "confirm") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(600)
        self.setStyleSheet(STYLE)
        box = QVBoxLayout(self)
        box.addWidget(_words(title, "confirmTitle"))
        self.words = _words(text, "confirmText")
        box.addWidget(self.words)
        self.note: QLineEdit | None = None
        if note is not None:
            self.note = QLineEdit()
            self.note.setObjectName("confirmNote")
            self.note.setPlaceholderText(note)
            self.note.setAccessibleName(note)
            box.addWidget(self.note)
        line = QHBoxLayout()  # not a QDialogButtonBox: it would make "confirm" the default
        line.addStretch(1)
        self.ok = QPushButton(confirm)
        self.ok.setObjectName("confirmYes")
        self.cancel = QPushButton(cancel)
        self.cancel.setObjectName("confirmNo")
        line.addWidget(self.ok)
        line.addWidget(self.cancel)
        box.addLayout(line)
        self.ok.clicked.connect(self.accept)
        self.cancel.clicked.connect(self.reject)
        self.safe = safe
        self.ok.setDefault(safe)
        for b in (self.ok, self.cancel):  # unsafe: Qt must not make any button the default
            b.setAutoDefault(safe)
        if self.note is not None:
            QWidget.setTabOrder(self.note, self.ok)
        QWidget.setTabOrder(self.ok, self.cancel)
        first = self.note if self.note is not None else (self.ok if safe else self.cancel)
        first.setFocus()
        self.setAccessibleDescription(text)

    def note_text(self) -> str:
        return self.note.text().strip() if self.note is not None else ""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        """Unsafe: Enter presses the button that has the focus, and nothing else."""
        if not self.safe and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton):
                focused.click()
            event.accept()
            return
        super().keyPressEvent(event)


class NewFlowDialog(QDialog):
    """Asks a new flow's id and French title; ``chosen(id, title)`` once both are good."""

    chosen = Signal(str, str)

    def __init__(self, t: Callable[..., str], taken: Collection[str], *, title: str, intro: str,
                 confirm: str, suggested_title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newFlowDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(640)
        self.setStyleSheet(STYLE)
        self.t, self.taken = t, set(taken)
        box = QVBoxLayout(self)
        box.addWidget(_words(title, "confirmTitle"))
        box.addWidget(_words(intro, "newFlowIntro"))
        form = QFormLayout()
        self.title = QLineEdit(suggested_title)
        self.title.setObjectName("newFlowTitle")
        self.title.setAccessibleName(t("lifecycle.title_label"))
        self.ident = QLineEdit()
        self.ident.setObjectName("newFlowId")
        self.ident.setMaxLength(MAX_ID)
        self.ident.setAccessibleName(t("lifecycle.id_label"))
        self.ident.setPlaceholderText(t("lifecycle.id_placeholder"))
        form.addRow(t("lifecycle.title_label"), self.title)
        form.addRow(t("lifecycle.id_label"), self.ident)
        box.addLayout(form)
        box.addWidget(_words(t("lifecycle.id_hint"), "newFlowHint"))
        self.error = _words("", "newFlowError")
        self.error.hide()
        box.addWidget(self.error)
        box.addWidget(_words(t("lifecycle.new_kiosks"), "newFlowKiosks"))
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(confirm, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("newFlowYes")
        self.ok.setDefault(True)  # it only makes a draft: Enter may confirm
        cancel = buttons.addButton(t("publish.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("newFlowNo")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self._typed_id = False
        self.ident.textEdited.connect(self._id_typed)
        self.title.textChanged.connect(self._suggest)
        self._suggest(suggested_title)
        self.title.setFocus()
        self.title.selectAll()

    def _id_typed(self, _text: str) -> None:
        self._typed_id = True

    def _suggest(self, title: str) -> None:
        """Until the manager types an id, the id follows the title."""
        if not self._typed_id:
            base = slug(title)[:MAX_ID] if title.strip() else ""
            candidate, n = base, 2
            while candidate in self.taken:
                candidate, n = f"{base}-{n}", n + 1
            self.ident.setText(candidate)

    def problem(self) -> str:
        """What is wrong with the id and title typed, in words ("" when nothing)."""
        ident, title = self.ident.text().strip(), self.title.text().strip()
        if not title:
            return self.t("lifecycle.title_empty")
        if not FLOW_ID.match(ident):
            return self.t("lifecycle.id_bad", id=ident)
        if ident in self.taken:
            return self.t("lifecycle.id_taken", id=ident)
        return ""

    def _check(self) -> None:
        problem = self.problem()
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        if problem:
            (self.title if not self.title.text().strip() else self.ident).setFocus()
            return
        self.accept()
        self.chosen.emit(self.ident.text().strip(), self.title.text().strip())
