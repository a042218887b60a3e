"""The manager app's flow editor ("Parcours" tab): pick a flow, edit its steps in a form,
as a graph or as YAML (kept in step both ways), see the kiosk's screen for the chosen step
live, listen to it, read the validator's errors and easy-to-read warnings, see which
translations to review after a French text changed, save a draft, publish it with a note,
compare versions and roll back; pictures come from and go to the hub (``editor_pictures``);
new flows, abandoned drafts, retired flows: ``editor_lifecycle``.

The document (``FlowDoc``) is the truth for the form; the YAML view shows its text and,
when the manager types there, replaces it once the text parses (a YAML error shows its
line and the form keeps the last good state). Validation runs off the UI thread; the hub
is reached only through the asynchronous ``StaffClient``.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.staff import StaffClient, detail
from kiosk.flows.model import pick
from kiosk.i18n import catalog
from kiosk.languages import CODES
from kiosk.manager.editor_doc import Analysis, FlowDoc, analyse, clean, dump, load_yaml
from kiosk.manager.editor_form import StepForm
from kiosk.manager.editor_graph import FlowGraph
from kiosk.manager.editor_history import HistoryPanel, PublishDialog
from kiosk.manager.editor_lifecycle import Lifecycle
from kiosk.manager.editor_pictures import HubPictures
from kiosk.manager.editor_preview import PreviewPane
from kiosk.manager.editor_publish import Publishing
from kiosk.manager.editor_review_ui import STYLE as REVIEW_STYLE
from kiosk.manager.editor_review_ui import Reviewing
from kiosk.manager.editor_steps import FlowList, StepList
from kiosk.manager.editor_yaml import ProblemList, YamlPane
from kiosk.ui.background import run_in_background

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
STYLE = """
QWidget#page-flows QLabel, QWidget#page-flows QPushButton, QWidget#page-flows QGroupBox,
QWidget#page-flows QComboBox, QWidget#page-flows QLineEdit, QWidget#page-flows QCheckBox { font-size: 16px; }
QWidget#page-flows QPushButton { padding: 6px 12px; }
QWidget#page-flows QPlainTextEdit, QWidget#page-flows QListWidget { font-size: 16px; }
QGroupBox { font-weight: bold; border: 1px solid #B8C2D6; border-radius: 8px; margin-top: 14px;
            padding-top: 10px; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; }
QLabel#sectionHead, QLabel#flowTitle { font-weight: bold; font-size: 18px; }
QLabel#langHead { font-weight: bold; color: #0B3D91; }
QLabel#rowLabel { color: #3B4252; }
*[missing="true"] { background: #FFF1BF; border: 2px solid #B06E00; }
QLabel#yamlError { background: #FDE2E1; color: #8A1410; border: 1px solid #C0241C;
                   padding: 6px; font-weight: bold; }
QLabel#message { color: #0B3D91; font-weight: bold; }
QLabel#message[bad="true"] { color: #A3140F; }
"""


class EditorPage(Lifecycle, Publishing, Reviewing, QWidget):
    """The "Parcours" tab: flows, steps, form / diagram / YAML / history, preview, problems."""

    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.setObjectName("page-flows")
        self.client = client
        self.language = language
        self.strings = catalog(language, "manager/editor")
        self.t = t = self.strings.t
        self.setStyleSheet(STYLE + REVIEW_STYLE)
        self.doc: FlowDoc | None = None
        self.flow_id = ""
        self.step_index = 0
        self.saved_text = ""
        self.analysis: Analysis | None = None
        self.faulty: set[str] = set()
        self.pending = 0  # hub calls on their way
        self._generation = 0
        self._analysing = 0
        self.confirm: QMessageBox | None = None
        self.publish_dialog: PublishDialog | None = None

        self.flows = FlowList(t, language)
        self.flows.chosen.connect(self.open_flow)
        self.steps = StepList(t)
        self.steps.selected.connect(self.select_step)
        self.steps.action.connect(self.step_action)
        self.pictures = HubPictures(client, t, self)
        self.pictures.message.connect(self.say)
        self.pictures.changed.connect(lambda: self.doc is not None and self.check(self.yaml.text()))
        self.form = StepForm(t, self.pictures)
        self.form.edited.connect(self._form_edited)
        self.form.restructured.connect(self._restructured)
        self.form.failed.connect(lambda text: self.say(text, bad=True))
        self.form.keep.connect(self.keep_as_is)
        self.graph = FlowGraph()
        self.graph.stepClicked.connect(self._graph_clicked)
        self.yaml = YamlPane(t)
        self.yaml.edited.connect(self._yaml_edited)
        self.history = HistoryPanel(client, t, self.yaml.text)
        self.history.message.connect(self.say)
        self.history.rolledBack.connect(self._rolled_back)
        self.preview = PreviewPane(t)
        if self.preview.kiosk is not None:  # the real kiosk's screen gets the hub's pictures too
            self.preview.kiosk.pictures = self.pictures.by_sha
        self.problems = ProblemList(t, language)
        self.problems.lineClicked.connect(self.jump_to_line)
        self.soon = QTimer(self)
        self.soon.setObjectName("editorRedraw")
        self.soon.setSingleShot(True)
        self.soon.setInterval(150)
        self.soon.timeout.connect(self._redraw)
        self._build()

    # -- layout --------------------------------------------------------------------------
    def _build(self) -> None:
        t = self.t
        root = QVBoxLayout(self)
        root.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        self.title = QLabel(t("flows.none"))
        self.title.setObjectName("flowTitle")
        self.status = QLabel("")
        self.status.setObjectName("versionStatus")
        self.save_button = QPushButton(t("actions.save"))
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(lambda: self.save_draft())
        self.publish_button = QPushButton(t("actions.publish"))
        self.publish_button.setObjectName("publish")
        self.publish_button.clicked.connect(self.ask_publish)
        top.addWidget(self.title)
        top.addWidget(self.status, 1)
        top.addWidget(self.save_button)
        top.addWidget(self.publish_button)
        self._lifecycle_buttons(top)
        root.addLayout(top)
        langs = QHBoxLayout()
        self.language_status = QLabel("")
        self.language_status.setObjectName("languageStatus")
        self.language_status.setWordWrap(True)
        self.new_language = QComboBox()
        self.new_language.setObjectName("newLanguage")
        self.new_language.setEditable(True)
        self.new_language.setMinimumWidth(170)
        self.new_language.lineEdit().setPlaceholderText(t("languages.placeholder"))
        self.add_language_button = QPushButton(t("languages.add"))
        self.add_language_button.setObjectName("addLanguage")
        self.add_language_button.clicked.connect(lambda: self.add_language(self.new_language.currentText()))
        self.message = QLabel("")
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        langs.addWidget(self.language_status, 1)
        langs.addWidget(self.new_language)
        langs.addWidget(self.add_language_button)
        root.addLayout(langs)
        root.addWidget(self.message)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.flows)
        left.addWidget(self.steps)
        left.setSizes([320, 520])
        self.tabs = QTabWidget()
        self.tabs.setObjectName("editorTabs")
        self.graph_tab = QWidget()
        gv = QVBoxLayout(self.graph_tab)
        gv.setContentsMargins(0, 4, 0, 0)
        legend = QLabel(t("graph.legend"))
        legend.setObjectName("graphLegend")
        legend.setWordWrap(True)
        gv.addWidget(legend)
        gv.addWidget(self.graph, 1)
        for widget, key in ((self.form, "tabs.form"), (self.graph_tab, "tabs.graph"),
                            (self.yaml, "tabs.yaml"), (self.history, "tabs.history")):
            self.tabs.addTab(widget, t(key))
        self.tabs.currentChanged.connect(self._tab_changed)
        right = QSplitter(Qt.Orientation.Vertical)
        preview_box = QWidget()
        pv = QVBoxLayout(preview_box)
        pv.setContentsMargins(0, 0, 0, 0)
        head = QLabel(t("preview.heading"))
        head.setObjectName("sectionHead")
        pv.addWidget(head)
        pv.addWidget(self.preview, 1)
        right.addWidget(preview_box)
        right.addWidget(self.problems)
        right.setStretchFactor(0, 0)
        right.setStretchFactor(1, 1)
        right.setSizes([370, 470])
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(self.tabs)
        main.addWidget(right)
        for i, stretch in enumerate((0, 1, 0)):
            main.setStretchFactor(i, stretch)
        self.splitter = main
        self._sized = False
        root.addWidget(main, 1)
        self._enable(False)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._sized:  # the form gets what the lists and the preview leave
            self._sized = True
            width = max(self.width(), 1200)
            side, view = (230, 450) if width >= 1600 else (200, 380)  # a laptop: room for 5 languages
            self.splitter.setSizes([side, width - side - view, view])

    def _enable(self, on: bool) -> None:
        for w in (self.save_button, self.publish_button, self.add_language_button, self.steps, self.tabs):
            w.setEnabled(on)

    def say(self, text: str, bad: bool = False) -> None:
        self.message.setProperty("bad", bad)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def idle(self) -> bool:
        """Nothing on its way (hub calls, checks, redraws): for tests and screenshots."""
        return (not self.pending and not self._analysing and not self.soon.isActive()
                and not self.yaml.pause.isActive() and not self.preview.timer.isActive()
                and not self.history.loading and not self.review_loading and not self.pictures.loading)

    # -- hub: list and load --------------------------------------------------------------
    def _call(self, method: str, path: str, done: Any, **kw: Any) -> None:
        self.pending += 1

        def finished(status: int | None, payload: Any) -> None:
            self.pending -= 1
            done(status, payload)

        self.client.call(method, path, done=finished, **kw)

    def refresh(self) -> None:
        """Read the list of flows again (the open flow stays as it is)."""
        self._call("GET", "/flows", self._listed)
        self.pictures.refresh()

    def _listed(self, status: int | None, payload: Any) -> None:
        if status != 200 or not isinstance(payload, dict):
            self.say(self.t("hub.failed", why=detail(status, payload)), bad=True)
            return
        self.flows.show_items(list(payload.get("items") or []), self.flow_id)
        if not self.flow_id and self.flows.items:
            self.open_flow(self.flows.items[0]["id"])
        self._show_status()

    @property
    def dirty(self) -> bool:
        return self.doc is not None and (self.yaml.text() != self.saved_text or self.review_dirty())

    def open_flow(self, flow_id: str) -> None:
        if flow_id == self.flow_id:
            return
        if self.dirty:
            self.confirm = box = QMessageBox(QMessageBox.Icon.Question, self.t("discard.title"),
                                             self.t("discard.text"), QMessageBox.StandardButton.NoButton,
                                             self)
            box.setObjectName("discardConfirm")
            box.addButton(self.t("discard.confirm"), QMessageBox.ButtonRole.AcceptRole).clicked.connect(
                lambda: self._load(flow_id))
            box.addButton(self.t("publish.cancel"), QMessageBox.ButtonRole.RejectRole).clicked.connect(
                lambda: self.flows.select(self.flow_id))
            box.open()
            return
        self._load(flow_id)

    def _load(self, flow_id: str) -> None:
        entry = self.flows.entry(flow_id) or {}
        draft = "?draft=1" if entry.get("has_draft") else ""
        self.say(self.t("flows.loading"))
        self._call("GET", f"/flows/{flow_id}{draft}", lambda s, p: self._loaded(flow_id, s, p))

    def _loaded(self, flow_id: str, status: int | None, payload: Any) -> None:
        if status != 200 or not isinstance(payload, dict):
            self.say(self.t("hub.failed", why=detail(status, payload)), bad=True)
            return
        text = payload.get("source") or dump(clean(payload.get("flow") or {}))
        try:
            data, _ = load_yaml(text)
        except ValueError as exc:  # never expected from the hub: it validated the flow
            self.say(self.t("hub.failed", why=str(exc)), bad=True)
            return
        keep = (str(self.doc.steps[self.step_index].get("id")) if self.doc is not None and self.doc.steps
                and flow_id == self.flow_id else None)  # the same flow again: the same step
        self.flow_id, self.doc, self.saved_text = flow_id, FlowDoc(data), text
        self.yaml.set_text(text)
        self.yaml.clear_error()
        self.flows.select(flow_id)
        self.say("")
        self._enable(True)
        found = self.doc.index_of(keep) if keep else None
        self.step_index = found if found is not None else 0
        self._review_open(flow_id, payload)
        self._whole_doc_changed()
        self.history.load(flow_id)
        self.check(text)

    # -- keeping every view in step ---------------------------------------------------------
    def _whole_doc_changed(self) -> None:
        assert self.doc is not None
        self.step_index = max(0, min(self.step_index, len(self.doc.steps) - 1))
        self.form.show_step(self.doc, self.step_index)
        self._lists_changed()
        self._review_changed()

    def _lists_changed(self) -> None:
        assert self.doc is not None
        self.steps.show_steps(self.doc, self.step_index, self.faulty)
        self.preview.set_languages(self.doc.languages())
        languages = [lang for lang in CODES if lang not in self.doc.languages()]
        self.new_language.clear()
        self.new_language.addItems(languages)
        self._show_languages()
        self._show_status()
        self.preview.show_step(self.doc, self.step_index)
        self.soon.start()

    def _show_languages(self) -> None:
        assert self.doc is not None
        parts = []
        for lang in self.doc.languages():
            n = self.doc.missing(lang)
            plain = (self.t("languages.missing", lang=lang.upper(), n=n) if n
                     else self.t("languages.complete", lang=lang.upper()))
            parts.append(self.review_note(lang, n) or plain)
        self.language_status.setText(self.t("languages.heading") + " " + " · ".join(parts))

    def missing_counts(self) -> dict[str, int]:
        assert self.doc is not None
        return {lang: self.doc.missing(lang) for lang in self.doc.languages()}

    def _show_status(self) -> None:
        if self.doc is None:
            return
        entry = self.flows.entry(self.flow_id) or {}
        self.title.setText(pick(self.doc.data.get("title") or {}, self.language) or self.flow_id)
        parts = [self.t("status.version", n=entry["version"]) if entry.get("version")
                 else self.t("flows.unpublished")]
        if entry.get("has_draft"):
            parts.append(self.t("flows.draft"))
        if entry.get("retired"):
            parts.append(self.t("flows.retired"))
        if self.dirty:
            parts.append(self.t("status.unsaved"))
        self.status.setText(" · ".join(parts))
        self._show_lifecycle()

    def _redraw(self) -> None:
        if self.doc is None:
            return
        step = self.doc.steps[self.step_index] if self.doc.steps else {}
        self.graph.show_flow(self.doc, str(step.get("id", "")), self.preview.current_language(), self.faulty)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.history and self.flow_id:
            self.history.show_diff()

    def select_step(self, index: int) -> None:
        if self.doc is None or not 0 <= index < len(self.doc.steps):
            return
        self.step_index = index
        self.form.show_step(self.doc, index)
        self.steps.show_steps(self.doc, index, self.faulty)
        self.preview.show_step(self.doc, index)
        self.soon.start()

    def select_step_id(self, step_id: str) -> None:
        if self.doc is not None and (index := self.doc.index_of(step_id)) is not None:
            self.select_step(index)

    def _graph_clicked(self, step_id: str) -> None:
        self.select_step_id(step_id)

    def jump_to_line(self, line: int) -> None:
        """A problem was clicked: its line in the YAML view, its step everywhere."""
        self.yaml.goto_line(line)
        if self.doc is None or self.analysis is None or self.analysis.located is None:
            return
        index = self.doc.step_at_line(self.analysis.located, line)
        if index is not None:
            self.select_step(index)
            if self.tabs.currentWidget() is self.history:
                self.tabs.setCurrentWidget(self.form)

    # -- edits -----------------------------------------------------------------------------
    def _form_edited(self) -> None:
        assert self.doc is not None
        text = self.doc.to_yaml()
        self.yaml.set_text(text)
        self.yaml.clear_error()
        self._review_changed()  # the marks, then the languages line
        self._show_status()
        self.preview.show_step(self.doc, self.step_index)
        self.soon.start()
        self.check(text)

    def _restructured(self) -> None:
        self._lists_changed()

    def _yaml_edited(self, text: str) -> None:
        self.check(text, from_yaml=True)
        self._show_status()

    def check(self, text: str, from_yaml: bool = False) -> None:
        """Validate ``text`` off the UI thread; a YAML edit also replaces the document."""
        self._generation += 1
        generation, flow_id, pictures = self._generation, self.flow_id, self.pictures.hub_names()
        self._analysing += 1

        def done(result: Any, error: BaseException | None) -> None:
            self._analysing -= 1
            if generation != self._generation or flow_id != self.flow_id or not isinstance(result, Analysis):
                if error is not None:
                    self.say(self.t("hub.failed", why=str(error)), bad=True)
                return
            self._checked(result, from_yaml)

        run_in_background(lambda: analyse(text, flow_id, pictures, self.language), done)

    def _checked(self, result: Analysis, from_yaml: bool) -> None:
        if self.doc is None:
            return
        if result.error is not None:
            self.yaml.show_error(*result.error)  # the form keeps the last good state
        else:
            self.yaml.clear_error()
            self.analysis = result
            if from_yaml and result.data is not None:
                current = self.doc.steps[self.step_index].get("id") if self.doc.steps else None
                self.doc.data = result.data
                found = self.doc.index_of(str(current))
                self.step_index = found if found is not None else min(self.step_index,
                                                                      len(self.doc.steps) - 1)
        located = result.located or (self.analysis.located if self.analysis else None)
        ids = self.doc.step_ids()

        def step_of(line: int) -> str | None:
            index = self.doc.step_at_line(located, line) if self.doc and located else None
            return ids[index] if index is not None and index < len(ids) else None

        self.faulty = {s for i in result.report.errors if (s := step_of(i.line))}
        self.problems.set_issues(result.report.issues, step_of)
        if from_yaml and result.error is None:
            self._whole_doc_changed()
        else:
            self.steps.show_steps(self.doc, self.step_index, self.faulty)
            self.soon.start()

    def step_action(self, name: str) -> None:
        doc = self.doc
        if doc is None:
            return
        i = self.step_index
        if name == "add":
            i = doc.add_step(i, self.t("steps.new_text"))
        elif name == "duplicate":
            i = doc.duplicate_step(i)
        elif name in ("up", "down"):
            i = doc.move_step(i, -1 if name == "up" else 1)
        elif name == "delete":
            nxt = doc.delete_step(i)
            if nxt is None:
                return
            i = nxt
        self.step_index = i
        self._form_edited()
        self._whole_doc_changed()

    def add_language(self, code: str) -> None:
        code = code.strip().lower()
        if self.doc is None:
            return
        if not LANGUAGE_CODE.match(code):
            self.say(self.t("languages.bad_code", code=code), bad=True)
            return
        self.doc.add_language(code)
        self.say(self.t("languages.added", lang=code.upper(), n=self.doc.missing(code)))
        self._whole_doc_changed()
        self.preview.set_language(code)

    def shutdown(self) -> None:
        self.soon.stop()
        self.yaml.stop()
        self.preview.shutdown()
