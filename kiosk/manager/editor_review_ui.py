"""Translations to review, on screen: the "à revoir" badge under a translation whose French
text changed (words, not colour only, with the French text it was written for) and its
"C'est bon" button, the counts in the step list and the languages line, and the warning
before publishing with texts still to review. The marks themselves are
``kiosk.manager.editor_review``; the page mixes ``Reviewing`` in."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from kiosk.manager.editor_review import (
    Pair,
    ReviewMarks,
    by_language,
    by_step,
    counts,
    read_marks,
    step_of,
    write_marks,
)
from kiosk.ui.background import run_in_background

if TYPE_CHECKING:
    from kiosk.manager.editor import EditorPage

    _Base = EditorPage
else:
    _Base = object

STYLE = """
QLabel#reviewBadge { background: #FFE2B8; color: #5C2E00; border: 1px solid #B04A00;
                     border-radius: 4px; padding: 1px 4px; font-weight: bold; font-size: 14px; }
QWidget#page-flows QPushButton#keepAsIs { font-size: 14px; padding: 2px 6px; }
*[review="true"] { border: 2px dashed #B04A00; }
"""
MAX_LISTED = 8  # lines of the publish warning's list


class ReviewBadge(QWidget):
    """Under one translation: "⚠ À revoir" and "C'est bon", side by side when they fit,
    one above the other in a narrow column; hidden while the translation is fine."""

    kept = Signal()

    def __init__(self, t: Callable[..., str], language: str, field: QWidget) -> None:
        super().__init__()
        self.t, self.language, self.field = t, language, field
        self.setObjectName(f"review-{language}")
        self.line = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.line.setContentsMargins(0, 2, 0, 0)
        self.line.setSpacing(4)
        self.label = QLabel("⚠ " + t("review.badge"))
        self.label.setObjectName("reviewBadge")
        self.label.setWordWrap(True)  # a narrow column: "⚠ À / revoir"
        self.label.setAccessibleName(t("review.badge_name", lang=language.upper()))
        self.button = QPushButton(t("review.keep"))
        self.button.setObjectName("keepAsIs")
        self.button.setAccessibleName(t("review.keep_name", lang=language.upper()))
        self.button.clicked.connect(lambda: self.kept.emit())
        self.line.addWidget(self.label)
        self.line.addWidget(self.button)
        self.line.addStretch(1)
        self.setVisible(False)
        self.marked = False

    def show_mark(self, before: str | None) -> None:
        """Marked (``before``: the French text the translation was written for) or not."""
        self.marked = before is not None
        self.setVisible(self.marked)
        tip = self.t("review.tooltip", before=before) if before is not None else ""
        self.label.setToolTip(tip)
        field = self.field
        changed = bool(field.property("review")) != self.marked
        field.setProperty("review", self.marked)
        field.setAccessibleDescription(self.t("review.field_note") if self.marked else "")
        field.setToolTip(tip)
        if changed:
            field.style().unpolish(field)
            field.style().polish(field)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        room = self.label.sizeHint().width() + self.button.sizeHint().width() + 8
        wanted = (QBoxLayout.Direction.LeftToRight if event.size().width() >= room
                  else QBoxLayout.Direction.TopToBottom)
        if self.line.direction() != wanted:
            self.line.setDirection(wanted)


def review_cell(t: Callable[..., str], language: str, field: QWidget) -> tuple[QWidget, ReviewBadge]:
    """A translation's field with its badge below it, for one cell of the form's grid."""
    cell = QWidget()
    box = QVBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(0)
    badge = ReviewBadge(t, language, field)
    box.addWidget(field)
    box.addWidget(badge)
    box.addStretch(1)
    return cell, badge


def field_label(t: Callable[..., str], key: str) -> str:
    """A field key in words: "Texte à l'écran", "Choix 2", "Titre"."""
    name = key.rsplit("/", 1)[-1]
    if name.startswith("choice"):
        return t("form.choice", n=int(name[len("choice"):] or 0) + 1)
    return t(f"form.{name}")


class Reviewing(_Base):
    """The editor page's translations to review (mixed into EditorPage)."""

    review: ReviewMarks | None = None
    review_marks: dict[Pair, str] = {}  # replaced whole, never changed in place
    review_loading = 0
    review_version: int | None = None
    review_box: QMessageBox | None = None

    def _review_open(self, flow_id: str, payload: dict[str, Any]) -> None:
        """A flow was (re)loaded: texts of now are the reference; stored marks come back
        once read (off the UI thread)."""
        assert self.doc is not None
        doc = self.doc
        self.review = review = ReviewMarks(doc.data)
        version = payload.get("based_on") or payload.get("version")
        self.review_version = int(version) if isinstance(version, int) else None
        hub = self.client.http.hub_url
        self.review_loading += 1

        def done(result: Any, error: BaseException | None) -> None:
            self.review_loading -= 1
            if self.review is not review or self.doc is not doc:
                return
            if error is not None:
                self.say(self.t("hub.failed", why=str(error)), bad=True)
            review.carry(doc.data, result if isinstance(result, list) else [])
            self._review_changed()
            self._show_status()

        run_in_background(lambda: read_marks(hub, flow_id), done)
        self._review_changed()

    def _review_changed(self) -> None:
        """The document changed: marks follow and every view that shows them."""
        if self.doc is None or self.review is None:
            return
        self.review.update(self.doc.data)
        self.review_marks = self.review.marks(self.doc.data)
        self.form.show_marks(self.review_marks)
        self.steps.show_reviews(by_step(self.review_marks))
        self._show_languages()

    def review_note(self, language: str, missing: int) -> str:
        """A language in the languages line when it has texts to review ("" when none):
        "EN : 2 à revoir", or with its texts to translate too."""
        n = by_language(self.review_marks).get(language, 0)
        if not n:
            return ""
        if missing:
            return self.t("languages.missing", lang=language.upper(), n=missing) + ", " + self.t(
                "review.count", n=n)
        return self.t("review.language", lang=language.upper(), n=n)

    def review_dirty(self) -> bool:
        return self.doc is not None and self.review is not None and self.review.changed(self.doc.data)

    def keep_as_is(self, key: str, language: str) -> None:
        """"C'est bon": the translation stays as it is and is no longer to review."""
        if self.doc is None or self.review is None:
            return
        self.review.keep(self.doc.data, (key, language))
        self._review_changed()
        self._show_status()
        self.say(self.t("review.kept", lang=language.upper()))

    def _review_saved(self) -> None:
        """The draft was stored on the hub: its marks are stored beside it."""
        if self.doc is None or self.review is None:
            return
        records = self.review.records(self.doc.data)
        self.review.stored(self.doc.data)
        hub, flow_id, version = self.client.http.hub_url, self.flow_id, self.review_version
        self.review_loading += 1

        def done(_result: Any, error: BaseException | None) -> None:
            self.review_loading -= 1
            if error is not None:
                self.say(self.t("hub.failed", why=str(error)), bad=True)

        run_in_background(lambda: write_marks(hub, flow_id, version, records), done)

    # -- before publishing ---------------------------------------------------------------
    def review_question(self) -> str:
        """"3 textes à revoir dans 2 étapes — publier quand même ?"."""
        t = self.t
        texts, steps, flow = counts(self.review_marks)
        where = [t("review.publish_steps", n=steps)] if steps else []
        if flow:
            where.append(t("review.publish_flow"))
        what = t("review.publish_texts", n=texts) + " " + f" {t('review.publish_and')} ".join(where)
        return t("review.publish_question", what=what)

    def review_list(self) -> list[str]:
        """One line per field to review: "Étape weigh : Texte à l'écran (EN, AR)"."""
        fields: dict[str, list[str]] = {}
        for key, lang in self.review_marks:
            fields.setdefault(key, []).append(lang.upper())
        lines = []
        for key, langs in fields.items():
            sid, what = step_of(key), field_label(self.t, key)
            lines.append(self.t("review.where_step", id=sid, field=what, langs=", ".join(langs)) if sid
                         else self.t("review.where_flow", field=what, langs=", ".join(langs)))
        return lines[:MAX_LISTED] + (["…"] if len(lines) > MAX_LISTED else [])

    def ask_review_first(self, then: Callable[[], None]) -> None:
        """Texts to review: say how many and where; publish anyway (``then``) or go to
        the first one."""
        self.review_box = box = QMessageBox(QMessageBox.Icon.Warning, self.t("review.publish_title"),
                                            self.review_question(), QMessageBox.StandardButton.NoButton,
                                            self)
        box.setObjectName("reviewWarning")
        box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 460px; }")
        box.setInformativeText("\n".join([self.t("review.publish_detail"),
                                          *("• " + line for line in self.review_list())]))
        anyway = box.addButton(self.t("review.publish_anyway"), QMessageBox.ButtonRole.AcceptRole)
        anyway.setObjectName("publishAnyway")
        anyway.clicked.connect(lambda: then())
        first = box.addButton(self.t("review.publish_review"), QMessageBox.ButtonRole.RejectRole)
        first.setObjectName("reviewFirst")
        first.clicked.connect(lambda: self.show_first_review())
        box.setDefaultButton(first)
        box.open()

    def show_first_review(self) -> None:
        """The first step with a text to review, in the form."""
        first = next((sid for key, _ in self.review_marks if (sid := step_of(key))), None)
        if first is not None:
            self.select_step_id(first)
        self.tabs.setCurrentWidget(self.form)
