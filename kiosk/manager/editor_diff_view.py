"""The version history's text view: the changes between two versions of a flow read as
sentences per step (added, removed, moved; each changed text and language with its old
and new words). Words that went are struck through, words that came are bold and
underlined, and a line says them again in words ("supprimé : …", "ajouté : …") so that
neither colour nor styling alone carries the change (a screen reader reads that line)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtWidgets import QFrame, QTextBrowser

from kiosk.manager.editor_diff import FlowChanges, Op, StepChange, TextChange, ValueChange
from kiosk.manager.editor_fields import is_rtl

DELETED = "color:#8A1410; background-color:#FBE1DF; text-decoration:line-through; font-weight:bold;"
ADDED = "color:#0F5223; background-color:#DDF4E1; text-decoration:underline; font-weight:bold;"
HEAD = "color:#0B3D91;"
STATUS = {"added": "color:#0F5223;", "removed": "color:#8A1410;", "changed": "color:#3B4252;"}
CSS = """
body { font-size: 16px; }
h3 { margin-top: 14px; margin-bottom: 4px; font-size: 17px; }
p { margin-top: 2px; margin-bottom: 2px; }
td { padding: 2px 6px; vertical-align: top; }
"""
FIELD_KEYS = {"title": "form.title", "summary": "form.summary", "text": "form.text", "say": "form.say",
              "kind": "form.kind", "next": "form.next", "image": "form.picture", "icon": "form.icon",
              "start": "form.start", "machine": "form.machine"}


class ChangeText:
    """Writes the changes as HTML (for the view) and as plain text (for tests and the
    accessible description) in the manager's language."""

    def __init__(self, t: Callable[..., str]) -> None:
        self.t = t

    def field(self, name: str, n: int) -> str:
        if name == "choice":
            return self.t("form.choice", n=n)
        if name in ("choice_next", "choice_icon"):
            return self.t(f"diff.{name}", n=n)
        return self.t(FIELD_KEYS[name])

    def value(self, name: str, value: str) -> str:
        if not value:
            return self.t("diff.none")
        if name == "kind":
            return self.t(f"form.kind_{value}")
        if name == "machine":
            return self.t(f"machines.{value}")
        return value

    def heading(self, change: StepChange) -> str:
        t = self.t
        if not change.step_id:
            return t("diff.flow")
        where = (t("diff.step", n=change.new_position, id=change.step_id) if change.new_position
                 else t("diff.step_gone", id=change.step_id))
        status = [t(f"diff.{change.status}")] if change.status != "changed" or not change.moved else []
        if change.moved:
            status.append(t("diff.moved", old=change.old_position, new=change.new_position))
        return f"{where} — {', '.join(status)}"

    def summary(self, changes: FlowChanges, old: str, new: str) -> str:
        counts = {s: sum(1 for c in changes.steps if c.status == s) for s in ("added", "removed", "changed")}
        parts = [self.t(f"diff.count_{s}", n=n) for s, n in counts.items() if n]
        if changes.flow.texts or changes.flow.values:
            parts.append(self.t("diff.count_flow"))
        return self.t("diff.heading", old=old, new=new) + " " + " · ".join(parts)

    def said(self, change: TextChange) -> str:
        """The change in words: what went, what came."""
        runs = change.runs()
        gone = " … ".join(text.strip() for op, text in runs if op == "del" and text.strip())
        came = " … ".join(text.strip() for op, text in runs if op == "add" and text.strip())
        parts = []
        if gone:
            parts.append(self.t("diff.deleted_words", words=self.t("diff.quoted", text=gone)))
        if came:
            parts.append(self.t("diff.added_words", words=self.t("diff.quoted", text=came)))
        return " · ".join(parts)

    # -- HTML ----------------------------------------------------------------------------
    def html(self, changes: FlowChanges, old: str, new: str) -> str:
        if changes.error:
            return f"<p>{escape(self.t('diff.unreadable', why=changes.error))}</p>"
        if changes.empty:
            return f"<p>{escape(self.t('history.same'))}</p>"
        out = [f"<style>{CSS}</style>", f"<p><b>{escape(self.summary(changes, old, new))}</b></p>"]
        for change in ([changes.flow] if changes.flow.texts or changes.flow.values else []) + changes.steps:
            out.append(self._step_html(change))
        return "".join(out)

    def _step_html(self, change: StepChange) -> str:
        style = HEAD if not change.step_id else STATUS[change.status]
        out = [f'<h3 style="{style}">{escape(self.heading(change))}</h3>']
        if change.status in ("added", "removed") and change.fr:
            look = "text-decoration:line-through;" if change.status == "removed" else ""
            out.append(f'<p style="{look}">{escape(self.t("diff.quoted", text=change.fr))}</p>')
        for text in change.texts:
            out.append(self._text_html(text))
        for value in change.values:
            out.append(self._value_html(value))
        return "".join(out)

    def _runs(self, change: TextChange, side: Op) -> str:
        if not (change.old if side == "del" else change.new):
            return f"<i>{escape(self.t('diff.empty'))}</i>"
        html = []
        for op, text in change.runs():
            if op == "same":
                html.append(escape(text))
            elif op == side:  # the words styled, the spaces around them plain
                core = text.strip()
                head, tail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
                look = DELETED if op == "del" else ADDED
                html.append(escape(head) + (f'<span style="{look}">{escape(core)}</span>' if core else "")
                            + escape(tail))
        return "".join(html)

    def _text_html(self, change: TextChange) -> str:
        t = self.t
        head = f"{self.field(change.field, change.n)} · {change.language.upper()}"
        direction = ' dir="rtl" align="right"' if is_rtl(change.language) else ""
        sides: tuple[tuple[str, Op], ...] = (("diff.before", "del"), ("diff.after", "add"))
        rows = "".join(f'<tr><td nowrap><i>{escape(t(key))}</i></td>'
                       f"<td><p{direction}>{self._runs(change, side)}</p></td></tr>" for key, side in sides)
        return (f'<p style="margin-top:8px;"><b>{escape(head)}</b></p><table cellspacing="0">{rows}</table>'
                f'<p style="color:#3B4252;">{escape(self.said(change))}</p>')

    def _value_html(self, change: ValueChange) -> str:
        line = self.t("diff.value", field=f"<b>{escape(self.field(change.field, change.n))}</b>",
                      old=escape(self.value(change.field, change.old)),
                      new=f"<b>{escape(self.value(change.field, change.new))}</b>")
        return f'<p style="margin-top:8px;">{line}</p>'  # (the catalog's words have no markup)


class ChangesView(QTextBrowser):
    """The changes between two versions, as text (read-only, selectable)."""

    def __init__(self, t: Callable[..., str]) -> None:
        super().__init__()
        self.setObjectName("changes")
        self.writer = ChangeText(t)
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(t("diff.accessible"))
        self.changes: FlowChanges | None = None

    def show_changes(self, changes: FlowChanges, old: str, new: str) -> None:
        self.changes = changes
        self.setHtml(self.writer.html(changes, old, new))

    def show_message(self, text: str) -> None:
        self.changes = None
        self.setPlainText(text)

    def text(self) -> str:
        return self.toPlainText()
