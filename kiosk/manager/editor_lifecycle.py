"""A flow's life from the editor: a new flow (a blank one, or a copy of the open one under
a new id and title), abandoning a draft, retiring a flow from the kiosks (it stays in the
list and the history) and putting it back. Each asks first, saying in words what the
kiosks will do; the hub does it and the list and the open flow follow.

A new flow is a valid minimal flow: a first step and an end step, its French texts from
the editor's French catalog (French is every flow's reference), saved as a draft: kiosks
see it only once it is published.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton

from kiosk.client.staff import detail
from kiosk.flows.model import pick
from kiosk.i18n import catalog
from kiosk.languages import REFERENCE
from kiosk.manager.editor_dialogs import ConfirmDialog, NewFlowDialog
from kiosk.manager.editor_doc import dump

if TYPE_CHECKING:
    from kiosk.manager.editor import EditorPage

    _Base = EditorPage
else:
    _Base = object

END_PICTURE = "check-done.svg"  # built in: a new flow's end step is drawn at once

def blank_flow(flow_id: str, title: str) -> str:
    """The YAML text of a new flow: a first step, then the end, in French."""
    fr = catalog(REFERENCE, "manager/editor").t
    return dump({
        "schema": 1, "id": flow_id, "title": {REFERENCE: title}, "start": "start",
        "steps": [{"id": "start", "text": {REFERENCE: fr("lifecycle.start_text")}, "next": "end"},
                  {"id": "end", "text": {REFERENCE: fr("lifecycle.end_text")}, "image": END_PICTURE,
                   "end": True}]})


def copy_flow(data: dict[str, Any], flow_id: str, title: str) -> str:
    """The YAML text of a copy of a flow under a new id and French title (the other
    languages' titles are dropped: they translated the old title)."""
    flow = copy.deepcopy(data)
    flow["id"], flow["title"] = flow_id, {REFERENCE: title}
    return dump(flow)


class Lifecycle(_Base):
    """The editor page's new, duplicate, discard, retire and restore (mixed into EditorPage)."""

    dialog: Any = None  # the question open now (tests answer it)

    def _lifecycle_buttons(self, line: QHBoxLayout) -> None:
        self.discard_button = QPushButton(self.t("lifecycle.discard"))
        self.discard_button.setObjectName("discardDraft")
        self.discard_button.clicked.connect(lambda: self.ask_discard())
        self.discard_button.setEnabled(False)
        line.addWidget(self.discard_button)
        self.flows.action.connect(self.flow_action)

    def flow_action(self, name: str) -> None:
        actions: dict[str, Callable[[], None]] = {
            "new": self.ask_new_flow, "duplicate": self.ask_duplicate,
            "retire": self.ask_retire, "restore": self.ask_restore}
        actions[name]()

    def _show_lifecycle(self) -> None:
        """Which actions fit the open flow (called with the status line)."""
        entry = self.flows.entry(self.flow_id) or {}
        self.discard_button.setEnabled(self.doc is not None and (bool(entry.get("has_draft")) or self.dirty))
        self.flows.show_actions(self.doc is not None, entry)

    def _title(self) -> str:
        data = self.doc.data if self.doc is not None else {}
        return pick(data.get("title") or {}, self.language) or self.flow_id

    def _ask(self, box: ConfirmDialog, then: Callable[[str], None]) -> None:
        self.dialog = box
        box.accepted.connect(lambda: then(box.note_text()))
        box.open()

    def _leave_then(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the changes of the open flow may be lost (asked first)."""
        if not self.dirty:
            action()
            return
        self.confirm = box = QMessageBox(QMessageBox.Icon.Question, self.t("discard.title"),
                                         self.t("discard.text"), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("discardConfirm")
        box.addButton(self.t("discard.confirm"), QMessageBox.ButtonRole.AcceptRole).clicked.connect(action)
        box.addButton(self.t("publish.cancel"), QMessageBox.ButtonRole.RejectRole)
        box.open()

    # -- new flows -------------------------------------------------------------------------
    def ask_new_flow(self) -> None:
        self._leave_then(lambda: self._name_flow(
            self.t("lifecycle.new_title"), self.t("lifecycle.new_intro"), self.t("lifecycle.new_yes"), "",
            blank_flow))

    def ask_duplicate(self) -> None:
        if self.doc is None:
            return
        data = copy.deepcopy(self.doc.data)  # as it is now, changes not saved included
        source = pick(data.get("title") or {}, REFERENCE) or self.flow_id
        self._name_flow(self.t("lifecycle.duplicate_title"),
                        self.t("lifecycle.duplicate_intro", flow=self._title()),
                        self.t("lifecycle.duplicate_yes"), self.t("lifecycle.copy_of", flow=source),
                        lambda fid, title: copy_flow(data, fid, title))

    def _name_flow(self, title: str, intro: str, confirm: str, suggested: str,
                   make: Callable[[str, str], str]) -> None:
        taken = [str(e["id"]) for e in self.flows.items]
        self.dialog = box = NewFlowDialog(self.t, taken, title=title, intro=intro, confirm=confirm,
                                          suggested_title=suggested, parent=self)
        box.chosen.connect(lambda fid, text: self.create_flow(fid, make(fid, text)))
        box.open()

    def create_flow(self, flow_id: str, text: str) -> None:
        """Save ``text`` as the draft of the new flow ``flow_id`` (after checking, with the
        hub's own list, that nobody took the id meanwhile), then open it."""
        self.say(self.t("lifecycle.creating", id=flow_id))

        def listed(status: int | None, payload: Any) -> None:
            if status != 200 or not isinstance(payload, dict):
                self.say(self.t("hub.failed", why=detail(status, payload)), bad=True)
                return
            self.flows.show_items(list(payload.get("items") or []), self.flow_id)
            if self.flows.entry(flow_id) is not None:
                self.say(self.t("lifecycle.id_taken", id=flow_id), bad=True)
                return
            self._call("PUT", f"/flows/{flow_id}", saved, content_type="application/yaml",
                       raw=text.encode("utf-8"))

        def saved(status: int | None, payload: Any) -> None:
            if status == 200 and isinstance(payload, dict):
                self.saved_text = self.yaml.text()  # the old flow's changes are given up
                self._reopen(flow_id, self.t("lifecycle.created", id=flow_id), draft=True)
            elif status == 422 and isinstance(payload, dict) and isinstance(payload.get("detail"), list):
                items = payload["detail"]
                self.say(self.t("save.refused", n=len(items), first=items[0].get("msg", "")), bad=True)
            else:
                self.say(self.t("hub.failed", why=detail(status, payload)), bad=True)

        self._call("GET", "/flows", listed)

    def _reopen(self, flow_id: str, words: str, draft: bool) -> None:
        """Read the list, then open ``flow_id`` (its draft or its current version) and say
        ``words``."""
        def listed(status: int | None, payload: Any) -> None:
            self._listed(status, payload)
            self._call("GET", f"/flows/{flow_id}" + ("?draft=1" if draft else ""), loaded)

        def loaded(status: int | None, payload: Any) -> None:
            self._loaded(flow_id, status, payload)
            if status == 200:
                self.say(words)

        self._call("GET", "/flows", listed)

    # -- drafts ----------------------------------------------------------------------------
    def ask_discard(self) -> None:
        entry = self.flows.entry(self.flow_id) or {}
        if self.doc is None or not (entry.get("has_draft") or self.dirty):
            return
        version = entry.get("version")
        text = (self.t("lifecycle.discard_text", flow=self._title(), n=version) if version
                else self.t("lifecycle.discard_text_new", flow=self._title()))
        self._ask(ConfirmDialog(self.t("lifecycle.discard_title"), text, self.t("lifecycle.discard_yes"),
                                self.t("publish.cancel"), safe=False, parent=self,
                                name="discardDraftConfirm"),
                  lambda _note: self.discard_draft())

    def discard_draft(self) -> None:
        """Delete the hub's draft (if any) and show the version in service again."""
        flow_id = self.flow_id
        entry = self.flows.entry(flow_id) or {}
        version = entry.get("version")

        def deleted(status: int | None, payload: Any) -> None:
            if status != 200:
                self.say(self.t("hub.failed", why=detail(status, payload)), bad=True)
                return
            self._review_saved()
            if version:
                self.saved_text = self.yaml.text()
                self._reopen(flow_id, self.t("lifecycle.discarded", n=version), draft=False)
                return
            self.flow_id, self.doc, self.saved_text = "", None, ""  # the flow is gone
            self._enable(False)
            self.title.setText(self.t("flows.none"))
            self.status.setText("")
            self.say(self.t("lifecycle.discarded_new", id=flow_id))
            self.refresh()

        if entry.get("has_draft"):
            self._call("DELETE", f"/flows/{flow_id}/draft", deleted)
        else:
            deleted(200, {})

    # -- retire and restore ---------------------------------------------------------------
    def ask_retire(self) -> None:
        if self.doc is None:
            return
        self._ask(ConfirmDialog(self.t("lifecycle.retire_title", flow=self._title()),
                                self.t("lifecycle.retire_text"), self.t("lifecycle.retire_yes"),
                                self.t("publish.cancel"), safe=False, note=self.t("lifecycle.note"),
                                parent=self, name="retireConfirm"),
                  self.retire)

    def retire(self, note: str) -> None:
        self._change("retire", {"note": note or None}, self.t("lifecycle.retired", flow=self._title()))

    def ask_restore(self) -> None:
        entry = self.flows.entry(self.flow_id) or {}
        if self.doc is None or not entry.get("version"):
            return
        self._ask(ConfirmDialog(self.t("lifecycle.restore_title", flow=self._title()),
                                self.t("lifecycle.restore_text", n=entry["version"]),
                                self.t("lifecycle.restore_yes"), self.t("publish.cancel"), safe=True,
                                parent=self, name="restoreConfirm"),
                  lambda _note: self._change("restore", None, self.t(
                      "lifecycle.restored", flow=self._title(), n=entry["version"])))

    def _change(self, action: str, body: Any, words: str) -> None:
        def done(status: int | None, payload: Any) -> None:
            if status == 200:
                self.say(words)
                self.refresh()
                self.history.load(self.flow_id)
            else:
                self.say(self.t("hub.failed", why=detail(status, payload)), bad=True)

        self._call("POST", f"/flows/{self.flow_id}/{action}", done, body=body)
