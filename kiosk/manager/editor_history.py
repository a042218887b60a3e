"""A flow's published versions: the list, what changed between two versions (or a
version and the text being edited) read as text changes per step, with the raw unified
YAML diff a tick away for experts, rollback and "make this version current" (with a
note) after a confirmation that says what the kiosks will do. Also the dialog that asks
for the change note when publishing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.office import OfficeClock
from kiosk.client.staff import StaffClient, detail
from kiosk.manager.editor_dialogs import ConfirmDialog
from kiosk.manager.editor_diff import compare_texts
from kiosk.manager.editor_diff_view import ChangesView
from kiosk.manager.editor_doc import clean, dump
from kiosk.manager.editor_fields import shrinkable
from kiosk.ui.background import run_in_background

EDITOR = "editor"  # "compare with": the text in the editor, not a version


def source_of(envelope: dict[str, Any]) -> str:
    """A version's YAML: the text it was published as, else its data written as YAML."""
    source = envelope.get("source")
    return str(source) if source else dump(clean(envelope.get("flow") or {}))


def local_time(iso: str, pattern: str, office: OfficeClock) -> str:
    """A hub time (ISO 8601, UTC) on the office's clock."""
    try:
        return office.local(iso).strftime(pattern)
    except ValueError:
        return iso

#: the least height of the versions' table and of the changes (they grow with the window)
HISTORY_VIEW_MIN_HEIGHT = 110


class DiffColours(QSyntaxHighlighter):
    """Added lines green, removed lines red, hunk headers blue."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.looks: dict[str, QTextCharFormat] = {}
        for key, fg, bg in (("+", "#0F5223", "#DDF4E1"), ("-", "#8A1410", "#FBE1DF"),
                            ("@", "#0B3D91", "#E3EEFF")):
            look = QTextCharFormat()
            look.setForeground(QColor(fg))
            look.setBackground(QColor(bg))
            self.looks[key] = look

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        if text.startswith(("+++", "---")):
            return
        look = self.looks.get(text[:1])
        if look is not None:
            self.setFormat(0, len(text), look)


class PublishDialog(QDialog):
    """Asks for a short note saying what changed."""

    def __init__(self, t: Callable[..., str], flow_title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("publishDialog")
        self.setWindowTitle(t("publish.title"))
        self.setModal(True)
        self.resize(560, 280)
        box = QVBoxLayout(self)
        intro = QLabel(t("publish.intro", flow=flow_title))
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.note = QPlainTextEdit()
        self.note.setObjectName("publishNote")
        self.note.setPlaceholderText(t("publish.placeholder"))
        box.addWidget(self.note, 1)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(t("publish.confirm"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(t("publish.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    def text(self) -> str:
        return self.note.toPlainText().strip()


class HistoryPanel(QWidget):
    """Versions of one flow, the changes of the chosen pair, and rollback."""

    rolledBack = Signal(int)  # the version now current
    message = Signal(str)  # something to tell the manager

    def __init__(self, client: StaffClient, t: Callable[..., str], editor_text: Callable[[], str]) -> None:
        super().__init__()
        self.client, self.t, self.editor_text = client, t, editor_text
        self.flow_id = ""
        self.versions: list[dict[str, Any]] = []
        self.sources: dict[tuple[str, int], str] = {}
        self.loading = 0
        self.diff_text = ""  # the raw YAML diff
        self._diff_generation = 0
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("versions")
        self.table.setHorizontalHeaderLabels([t("history.version"), t("history.when"), t("history.by"),
                                              t("history.note")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(220)
        self.table.setMinimumHeight(HISTORY_VIEW_MIN_HEIGHT)
        self.table.itemSelectionChanged.connect(self._selected)
        box.addWidget(self.table)
        line = QHBoxLayout()
        line.addWidget(QLabel(t("history.compare_with")))
        self.against = shrinkable(QComboBox(), 12)
        self.against.setObjectName("compareWith")
        self.against.currentIndexChanged.connect(lambda _i: self.show_diff())
        line.addWidget(self.against, 1)
        box.addLayout(line)
        self.rollback_button = QPushButton(t("history.rollback"))
        self.rollback_button.setObjectName("rollback")
        self.rollback_button.clicked.connect(self.ask_rollback)
        self.views = QStackedWidget()
        self.raw = QCheckBox(t("diff.raw_toggle"))  # its own line: the tab fits a laptop's screen
        self.raw.setObjectName("rawYaml")
        self.raw.toggled.connect(lambda on: self.views.setCurrentIndex(1 if on else 0))
        line = QHBoxLayout()
        line.addWidget(self.raw)
        line.addStretch(1)
        self.make_current_button = QPushButton(t("history.make_current"))
        self.make_current_button.setObjectName("makeCurrent")
        self.make_current_button.setEnabled(False)
        self.make_current_button.clicked.connect(self.ask_make_current)
        line.addWidget(self.make_current_button)
        box.addLayout(line)
        line = QHBoxLayout()  # its own line too: with the others, the tab was 700 px wide
        line.addStretch(1)
        line.addWidget(self.rollback_button)
        box.addLayout(line)
        self.changes = ChangesView(t)
        self.diff = QPlainTextEdit()
        self.diff.setObjectName("diff")
        self.diff.setReadOnly(True)
        self.diff.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFont("DejaVu Sans Mono")
        font.setPixelSize(15)
        self.diff.setFont(font)
        self.diff.setStyleSheet('font-family: "DejaVu Sans Mono";')  # the page's style sets the size only
        self.diff.setAccessibleName(t("diff.raw_toggle"))
        self.colours = DiffColours(self.diff.document())
        for view in (self.changes, self.diff):  # not Qt's least height: the tab fits 1366x768
            view.setMinimumHeight(HISTORY_VIEW_MIN_HEIGHT)
        self.views.addWidget(self.changes)  # the text view first: the default
        self.views.addWidget(self.diff)
        box.addWidget(self.views, 1)
        self.confirm: QMessageBox | None = None
        self.dialog: ConfirmDialog | None = None

    # -- loading -------------------------------------------------------------------------
    def load(self, flow_id: str) -> None:
        if flow_id != self.flow_id:
            self.flow_id = flow_id
            self.sources = {k: v for k, v in self.sources.items() if k[0] == flow_id}
        self.loading += 1
        self.client.call("GET", f"/flows/{flow_id}/versions", done=self._listed)

    def _listed(self, status: int | None, payload: Any) -> None:
        self.loading -= 1
        if status != 200 or not isinstance(payload, dict):
            self.message.emit(self.t("hub.failed", why=detail(status, payload)))
            return
        self.versions = list(payload.get("items") or [])
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.versions))
        for row, v in enumerate(self.versions):
            number = self.t("history.current", n=v["version"]) if v.get("current") else str(v["version"])
            when = local_time(str(v.get("published_at") or ""), self.t("history.time_format"),
                              self.client.office)
            for col, text in enumerate((number, when, str(v.get("published_by") or ""),
                                        str(v.get("note") or ""))):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, v["version"])
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        current = self.current_version()
        self.rollback_button.setEnabled(current is not None and current > min(
            (v["version"] for v in self.versions), default=current))
        self.table.blockSignals(True)
        self.table.clearSelection()
        if self.versions:
            self.table.selectRow(0)
        self.table.blockSignals(False)
        if self.versions:
            self._selected()
        else:
            self.diff.setPlainText("")
            self.changes.show_message("")

    def current_version(self) -> int | None:
        return next((int(v["version"]) for v in self.versions if v.get("current")), None)

    def selected_version(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return int(self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def _selected(self) -> None:
        chosen = self.selected_version()
        self.make_current_button.setEnabled(chosen is not None and chosen != self.current_version())
        self.against.blockSignals(True)
        self.against.clear()
        older = [int(v["version"]) for v in self.versions if chosen is not None and v["version"] < chosen]
        for n in older:
            self.against.addItem(self.t("history.version_n", n=n), n)
        for v in self.versions:
            if chosen is not None and v["version"] > chosen:
                self.against.addItem(self.t("history.version_n", n=v["version"]), int(v["version"]))
        self.against.addItem(self.t("history.editor_text"), EDITOR)
        self.against.setCurrentIndex(0)
        self.against.blockSignals(False)
        self.show_diff()

    # -- the diff ------------------------------------------------------------------------
    def show_diff(self) -> None:
        chosen, other = self.selected_version(), self.against.currentData()
        if chosen is None or other is None:
            return
        wanted = [n for n in (chosen, other) if isinstance(n, int) and (self.flow_id, n) not in self.sources]
        for n in wanted:
            self.loading += 1
            self.client.call("GET", f"/flows/{self.flow_id}/versions/{n}",
                             done=lambda s, p, n=n, fid=self.flow_id: self._fetched(fid, n, s, p))
        if wanted:
            return
        old_name = self.t("history.version_n", n=min(chosen, other) if other != EDITOR else chosen)
        new_name = (self.t("history.editor_text") if other == EDITOR
                    else self.t("history.version_n", n=max(chosen, other)))
        if other == EDITOR:
            old, new = self.sources[(self.flow_id, chosen)], self.editor_text()
        else:
            a, b = sorted((chosen, int(other)))
            old, new = self.sources[(self.flow_id, a)], self.sources[(self.flow_id, b)]
        self._diff_generation += 1
        generation = self._diff_generation
        self.loading += 1

        def done(result: Any, error: BaseException | None) -> None:
            self.loading -= 1
            if generation != self._diff_generation:
                return
            if error is not None or not isinstance(result, tuple):
                self.diff_text = str(error)
                self.changes.show_message(self.diff_text)
            else:
                raw, changes = result
                self.diff_text = raw or self.t("history.same")
                self.changes.show_changes(changes, old_name, new_name)
            self.diff.setPlainText(self.diff_text)

        run_in_background(lambda: compare_texts(old, new, old_name, new_name), done)

    @property
    def changes_text(self) -> str:
        """The text view as plain text (what a screen reader reads)."""
        return self.changes.text()

    def _fetched(self, flow_id: str, number: int, status: int | None, payload: Any) -> None:
        self.loading -= 1
        if status != 200 or not isinstance(payload, dict):
            self.message.emit(self.t("hub.failed", why=detail(status, payload)))
            return
        self.sources[(flow_id, number)] = source_of(payload)
        if flow_id == self.flow_id:
            self.show_diff()

    # -- rollback ------------------------------------------------------------------------
    def ask_rollback(self) -> None:
        current = self.current_version()
        before = max((int(v["version"]) for v in self.versions
                      if current is not None and v["version"] < current), default=None)
        if current is None or before is None:
            return
        self.confirm = box = QMessageBox(QMessageBox.Icon.Question, self.t("history.rollback"),
                                         self.t("history.rollback_confirm", current=current, before=before),
                                         QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("rollbackConfirm")
        yes = box.addButton(self.t("history.rollback_yes"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.t("publish.cancel"), QMessageBox.ButtonRole.RejectRole)
        yes.setObjectName("rollbackYes")
        yes.clicked.connect(self.rollback)
        box.open()

    def ask_make_current(self) -> None:
        """Make the chosen version the one kiosks show, with a note (asked first)."""
        chosen = self.selected_version()
        if chosen is None or chosen == self.current_version():
            return
        self.dialog = box = ConfirmDialog(
            self.t("lifecycle.current_title", n=chosen), self.t("lifecycle.current_text", n=chosen),
            self.t("lifecycle.current_yes", n=chosen), self.t("publish.cancel"), safe=True,
            note=self.t("lifecycle.note"), parent=self, name="makeCurrentConfirm")
        box.accepted.connect(lambda: self.make_current(chosen, box.note_text()))
        box.open()

    def make_current(self, version: int, note: str) -> None:
        self.loading += 1

        def done(status: int | None, payload: Any) -> None:
            answer = {"version": version, **payload} if isinstance(payload, dict) else payload
            self._rolled_back(status, answer)

        self.client.call("POST", f"/flows/{self.flow_id}/versions/{version}/current",
                         {"note": note or None}, done=done)

    def rollback(self) -> None:
        self.loading += 1
        self.client.call("POST", f"/flows/{self.flow_id}/rollback", done=self._rolled_back)

    def _rolled_back(self, status: int | None, payload: Any) -> None:
        self.loading -= 1
        if status != 200 or not isinstance(payload, dict):
            self.message.emit(self.t("hub.failed", why=detail(status, payload)))
            return
        self.rolledBack.emit(int(payload["version"]))  # the page says it once it shows it
        self.load(self.flow_id)
