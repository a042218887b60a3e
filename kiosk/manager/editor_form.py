"""The editor's form: the flow's title, start and machine, then the selected step: its id,
its text and what to say in each language side by side, its picture, and what comes next
(a next step, 2 to 6 choices, or the end). Every edit changes the document at once and
emits ``edited``; edits that change the step's shape rebuild the form. Under each
translation, a badge says when it is to review (``show_marks``) and ``keep`` asks to keep
it as it is."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.flows.model import STEP_KINDS, StepKind
from kiosk.flows.schema import MACHINES
from kiosk.languages import REFERENCE
from kiosk.manager.editor_doc import SPECIAL_TARGETS, FlowDoc, shown_kind
from kiosk.manager.editor_fields import LineField, TextField, asset_combo, shrinkable, target_combo
from kiosk.manager.editor_pictures import HubPictures, fill_pictures, picture_combo
from kiosk.manager.editor_review import Pair, step_key
from kiosk.manager.editor_review_ui import ReviewBadge, review_cell
from kiosk.ui.widgets import clear

MAX_CHOICES = 6
LANGUAGE_COLUMN = 88  # px: a translation's "à revoir" badge and "C'est bon" fit


class StepForm(QScrollArea):
    """The form for the flow and one of its steps."""

    edited = Signal()  # the document changed
    restructured = Signal()  # step ids, shapes or languages changed (lists and graph too)
    failed = Signal(str)  # something could not be done: plain words
    keep = Signal(str, str)  # "keep as is": field key, language

    def __init__(self, t: Callable[..., str], pictures: HubPictures | None = None) -> None:
        super().__init__()
        self.t = t
        self.pictures = pictures = pictures or HubPictures(None, t, self)  # alone: built-in ones
        pictures.changed.connect(self.refresh_pictures)
        pictures.busyChanged.connect(self._importing)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        inner.setObjectName("stepForm")
        self.box = QVBoxLayout(inner)
        self.box.setContentsMargins(8, 8, 8, 8)
        self.box.setSpacing(12)
        self.setWidget(inner)
        self.doc: FlowDoc | None = None
        self.index = 0
        self.fields: dict[str, Any] = {}  # name -> widget, for the page and the tests
        self.badges: dict[Pair, ReviewBadge] = {}  # (field key, language) -> its badge
        self.marks: dict[Pair, str] = {}  # translations to review (the page's)
        self._rebuild_soon = False

    # -- building ------------------------------------------------------------------------
    def show_step(self, doc: FlowDoc, index: int) -> None:
        self.doc, self.index = doc, max(0, min(index, len(doc.steps) - 1))
        self.rebuild()

    @property
    def step(self) -> dict[str, Any]:
        assert self.doc is not None
        return self.doc.steps[self.index]

    def rebuild(self) -> None:
        self._rebuild_soon = False
        clear(self.box)
        self.fields, self.badges = {}, {}
        if self.doc is None or not self.doc.steps:
            return
        self.box.addWidget(self._flow_group())
        self.box.addWidget(self._step_group())
        self.box.addStretch(1)
        self.show_marks(self.marks)

    def show_marks(self, marks: dict[Pair, str]) -> None:
        """Show the badges of the translations to review (``marks``: the French text each
        was written for), hide the others."""
        self.marks = marks
        for pair, badge in self.badges.items():
            badge.show_mark(marks.get(pair))

    def _later(self) -> None:
        """Rebuild after the current signal (the widget that sent it is replaced)."""
        if not self._rebuild_soon:
            self._rebuild_soon = True
            QTimer.singleShot(0, self, self.rebuild)

    def _header(self, grid: QGridLayout, row: int, languages: list[str]) -> None:
        grid.addWidget(QLabel(""), row, 0)
        for col, lang in enumerate(languages, start=1):
            head = QLabel(lang.upper())
            head.setObjectName("langHead")
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(head, row, col)
            grid.setColumnStretch(col, 1)
            grid.setColumnMinimumWidth(col, LANGUAGE_COLUMN)  # the same for every language

    def _row_label(self, text: str) -> QLabel:
        lab = QLabel(text)
        lab.setObjectName("rowLabel")
        lab.setWordWrap(True)
        lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        return lab

    def _texts_row(self, grid: QGridLayout, row: int, name: str, caption: str, owner: dict[str, Any],
                   key: str, multiline: bool, counted: bool = True, placeholder: str = "") -> None:
        assert self.doc is not None
        doc = self.doc
        grid.addWidget(self._row_label(caption), row, 0)
        texts = owner.get(key) or {}
        review_key = name if owner is doc.data else step_key(str(self.step.get("id", "")), name)
        for col, lang in enumerate(doc.languages(), start=1):
            def change(text: str, lang: str = lang) -> None:
                doc.set_text(owner, key, lang, text)
                self.edited.emit()

            value = str(texts.get(lang, "")) if isinstance(texts, dict) else ""
            field: QWidget = (TextField(lang, value, change, counted, placeholder, 116 if counted else 72)
                              if multiline else LineField(lang, value, change, counted))
            if placeholder and not multiline:
                field.setPlaceholderText(placeholder)  # type: ignore[attr-defined]
            self.fields[f"{name}.{lang}"] = field
            if lang == REFERENCE:  # at the top of its row, like the translations and their badges
                grid.addWidget(field, row, col, Qt.AlignmentFlag.AlignTop)
                continue
            cell, badge = review_cell(self.t, lang, field)
            badge.kept.connect(lambda k=review_key, lang=lang: self.keep.emit(k, lang))
            self.badges[(review_key, lang)] = badge
            grid.addWidget(cell, row, col)

    def _flow_group(self) -> QGroupBox:
        assert self.doc is not None
        doc = self.doc
        group = QGroupBox(self.t("form.flow"))
        grid = QGridLayout(group)
        grid.setColumnMinimumWidth(0, 100)
        self._header(grid, 0, doc.languages())
        self._texts_row(grid, 1, "title", self.t("form.title"), doc.data, "title", multiline=False)
        if doc.data.get("summary") is not None:
            self._texts_row(grid, 2, "summary", self.t("form.summary"), doc.data, "summary", multiline=False)
        start = shrinkable(QComboBox())
        start.setObjectName("start")
        for sid in doc.step_ids():
            start.addItem(sid, sid)
        start.setCurrentIndex(max(0, start.findData(doc.data.get("start"))))
        start.currentIndexChanged.connect(lambda _i: self._set_flow("start", start.currentData()))
        machine = shrinkable(QComboBox())
        machine.setObjectName("machine")
        for m in MACHINES:
            machine.addItem(self.t(f"machines.{m}"), m)
        machine.setCurrentIndex(max(0, machine.findData(doc.data.get("machine", "none"))))
        machine.currentIndexChanged.connect(lambda _i: self._set_flow("machine", machine.currentData()))
        icon = asset_combo("icons", doc.data.get("icon"), self.t("form.no_icon"),
                           lambda name: self._set_flow("icon", name), icon_px=28)
        span = min(2, len(doc.languages()))  # one row each: the form fits a laptop's screen
        rows = (("icon", icon), ("start", start), ("machine", machine))
        for row, (key, widget) in enumerate(rows, start=3):
            grid.addWidget(self._row_label(self.t(f"form.{key}")), row, 0)
            grid.addWidget(widget, row, 1, 1, span)
        self.fields.update(start=start, machine=machine, icon=icon)
        return group

    def _set_flow(self, key: str, value: Any) -> None:
        assert self.doc is not None
        if value:
            self.doc.data[key] = value
        else:
            self.doc.data.pop(key, None)
        self.edited.emit()
        if key == "start":
            self.restructured.emit()

    def _step_group(self) -> QGroupBox:
        assert self.doc is not None
        doc, step = self.doc, self.step
        group = QGroupBox(self.t("form.step", n=self.index + 1, total=len(doc.steps)))
        grid = QGridLayout(group)
        grid.setColumnMinimumWidth(0, 100)
        span = len(doc.languages())
        row = 0
        ident = QLineEdit(str(step.get("id", "")))
        ident.setObjectName("stepId")
        ident.editingFinished.connect(lambda: self._rename(ident))
        kind = shrinkable(QComboBox())
        kind.setObjectName("kind")
        for k in STEP_KINDS:
            kind.addItem(self.t(f"form.kind_{k}"), k)
        current = shown_kind(step)
        kind.setCurrentIndex(STEP_KINDS.index(current))
        kind.currentIndexChanged.connect(lambda i: self._set_kind(STEP_KINDS[i]))
        top = QHBoxLayout()
        top.addWidget(ident, 1)
        top.addSpacing(16)
        top.addWidget(QLabel(self.t("form.kind")))
        top.addWidget(kind, 1)
        grid.addWidget(self._row_label(self.t("form.id")), row, 0)
        grid.addLayout(top, row, 1, 1, span)
        self.fields.update(id=ident, kind=kind)
        row += 1
        self._header(grid, row, doc.languages())
        row += 1
        self._texts_row(grid, row, "text", self.t("form.text"), step, "text", multiline=True)
        row += 1
        self._texts_row(grid, row, "say", self.t("form.say"), step, "say", multiline=True,
                        counted=False, placeholder=self.t("form.say_placeholder"))
        row += 1
        grid.addWidget(self._row_label(self.t("form.picture")), row, 0)
        grid.addLayout(self._picture_row(), row, 1, 1, span)
        row += 1
        if current == "next":
            combo = target_combo(doc.targets(), str(step.get("next") or ""), self._target_labels(),
                                 lambda value: self._set_step("next", value))
            combo.setObjectName("next")
            self.fields["next"] = combo
            grid.addWidget(self._row_label(self.t("form.next")), row, 0)
            grid.addWidget(combo, row, 1, 1, span)
        elif current == "choices":
            row = self._choices(grid, row, span)
        else:
            note = QLabel(self.t("form.end_note"))
            note.setWordWrap(True)
            grid.addWidget(note, row, 1, 1, span)
        return group

    def _picture_row(self) -> QHBoxLayout:
        line = QHBoxLayout()
        combo = picture_combo(self.pictures, self.step.get("image"), self.t("form.no_picture"),
                              lambda name: self._set_step("image", name), icon_px=40)
        self.fields["picture"] = combo
        importer = QPushButton()
        importer.setObjectName("importPicture")
        importer.clicked.connect(self._ask_picture)
        self.fields["importPicture"] = importer
        self._importing(bool(self.pictures.uploading))
        line.addWidget(combo, 1)
        line.addWidget(importer)
        return line

    def refresh_pictures(self) -> None:
        """The hub's pictures changed: the drop-down lists them, with their thumbnails."""
        combo = self.fields.get("picture")
        if combo is not None and self.doc is not None and self.doc.steps:
            fill_pictures(combo, self.pictures, self.step.get("image"), self.t("form.no_picture"))

    def _importing(self, busy: bool) -> None:
        """While a picture is on its way to the hub, the import button says so."""
        button = self.fields.get("importPicture")
        if button is not None:
            button.setText(self.t("pictures.sending_button" if busy else "form.import_picture"))
            button.setEnabled(not busy)

    def _choices(self, grid: QGridLayout, row: int, span: int) -> int:
        assert self.doc is not None
        choices = self.step.get("choices") or []
        labels = self._target_labels()
        for j, choice in enumerate(choices):
            self._texts_row(grid, row, f"choice{j}", self.t("form.choice", n=j + 1), choice, "label",
                            multiline=False)
            row += 1
            line = QHBoxLayout()
            icon = asset_combo("icons", choice.get("icon"), self.t("form.no_icon"),
                               lambda name, c=choice: self._set_choice(c, "icon", name), icon_px=28)
            icon.setMinimumContentsLength(4)  # its picture says it: the row fits a laptop's screen
            target = target_combo(self.doc.targets(), str(choice.get("next") or ""), labels,
                                  lambda value, c=choice: self._set_choice(c, "next", value))
            target.setObjectName(f"choice{j}.next")
            remove = QPushButton(self.t("form.remove_choice"))
            remove.setObjectName(f"choice{j}.remove")
            remove.setEnabled(len(choices) > 2)
            remove.clicked.connect(lambda _=False, k=j: self._remove_choice(k))
            line.addWidget(QLabel(self.t("form.icon")))
            line.addWidget(icon, 1)
            line.addWidget(QLabel(self.t("form.goes_to")))
            line.addWidget(target, 2)
            line.addWidget(remove)
            self.fields.update({f"choice{j}.icon": icon, f"choice{j}.next": target})
            grid.addLayout(line, row, 1, 1, span)
            row += 1
        add = QPushButton(self.t("form.add_choice"))
        add.setObjectName("addChoice")
        add.setEnabled(len(choices) < MAX_CHOICES)
        add.clicked.connect(self._add_choice)
        line = QHBoxLayout()
        line.addWidget(add)
        line.addStretch(1)
        grid.addLayout(line, row, 1, 1, span)
        return row + 1

    def _target_labels(self) -> dict[str, str]:
        key = {t: t.lstrip("@").replace(":", "_").replace("-", "_") for t in SPECIAL_TARGETS}
        return {t: self.t(f"targets.{key[t]}") for t in SPECIAL_TARGETS}

    # -- changing ------------------------------------------------------------------------
    def _set_step(self, key: str, value: Any) -> None:
        if value:
            self.step[key] = value
        else:
            self.step.pop(key, None)
        self.edited.emit()
        if key == "next":
            self.restructured.emit()

    def _set_choice(self, choice: dict[str, Any], key: str, value: Any) -> None:
        if value:
            choice[key] = value
        else:
            choice.pop(key, None)
        self.edited.emit()
        if key == "next":
            self.restructured.emit()

    def _rename(self, field: QLineEdit) -> None:
        assert self.doc is not None
        old, new = str(self.step.get("id", "")), field.text().strip()
        if new == old:
            return
        if not self.doc.rename_step(old, new):
            field.setText(old)
            self.failed.emit(self.t("form.id_taken", id=new) if new else self.t("form.id_empty"))
            return
        self.edited.emit()
        self.restructured.emit()
        self._later()

    def _set_kind(self, kind: StepKind) -> None:
        assert self.doc is not None
        ids = [i for i in self.doc.step_ids() if i != self.step.get("id")]
        self.doc.set_kind(self.step, kind, ids[0] if ids else "@menu")
        self.edited.emit()
        self.restructured.emit()
        self._later()

    def _add_choice(self) -> None:
        choices = self.step.setdefault("choices", [])
        if len(choices) < MAX_CHOICES:
            choices.append({"label": {"fr": ""}, "next": "@help"})
            self.edited.emit()
            self.restructured.emit()
            self._later()

    def _remove_choice(self, index: int) -> None:
        choices = self.step.get("choices") or []
        if len(choices) > 2:
            choices.pop(index)
            self.edited.emit()
            self.restructured.emit()
            self._later()

    def _ask_picture(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.t("form.import_picture"), "",
                                              self.t("form.picture_files") + " (*.svg *.png *.jpg *.jpeg)")
        if path:
            self.use_picture(Path(path))

    def use_picture(self, path: Path) -> None:
        """Send a picture to the hub, then show it on the step that was open (the page
        says how it goes; nothing changes when the hub refuses it)."""
        doc, step = self.doc, self.step

        def done(name: str) -> None:
            step["image"] = name
            if self.doc is doc:
                self.edited.emit()
                self._later()

        self.pictures.upload(path, self, done)
