"""Saving, publishing and rolling back from the flow editor: the draft is the YAML text
as shown (the hub validates it again), with its translations to review stored beside it;
publishing warns first when some are left, saves, and then asks the hub for the next
version, with the manager's note."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.client.staff import detail
from kiosk.flows.model import pick
from kiosk.manager.editor_history import PublishDialog

if TYPE_CHECKING:
    from kiosk.manager.editor import EditorPage

    _Base = EditorPage
else:
    _Base = object


class Publishing(_Base):
    """The editor page's save, publish and rollback actions (mixed into EditorPage)."""

    def save_draft(self, then: Any = None) -> None:
        """PUT the YAML text as the flow's draft; ``then()`` after it was stored."""
        if self.doc is None:
            return
        self.yaml.flush()
        if self.yaml.error_text:
            self.say(self.t("save.fix_yaml"), bad=True)
            return
        text = self.yaml.text()
        self.say(self.t("save.saving"))

        def done(status: int | None, payload: Any) -> None:
            if status == 200 and isinstance(payload, dict):
                self.saved_text = text
                self._review_saved()
                warnings = len(payload.get("warnings") or [])
                self.say(self.t("save.saved", warnings=warnings))
                self.refresh()
                if then is not None:
                    then()
            elif status == 422 and isinstance(payload, dict) and isinstance(payload.get("detail"), list):
                items = payload["detail"]
                self.say(self.t("save.refused", n=len(items), first=items[0].get("msg", "")), bad=True)
            else:
                self.say(self.t("hub.failed", why=detail(status, payload)), bad=True)
            self._show_status()

        self._call("PUT", f"/flows/{self.flow_id}", done, content_type="application/yaml",
                   raw=text.encode("utf-8"))

    def ask_publish(self) -> None:
        """Ask for the note (after a warning when translations are still to review)."""
        if self.doc is None:
            return
        if self.review_marks:
            self.ask_review_first(then=self._ask_note)
        else:
            self._ask_note()

    def _ask_note(self) -> None:
        if self.doc is None:
            return
        title = pick(self.doc.data.get("title") or {}, self.language) or self.flow_id
        self.publish_dialog = dialog = PublishDialog(self.t, title, self)
        dialog.accepted.connect(lambda: self.publish(dialog.text()))
        dialog.open()

    def publish(self, note: str) -> None:
        """Save the draft, then make it the next version."""
        flow_id = self.flow_id

        def published(status: int | None, payload: Any) -> None:
            if status == 200 and isinstance(payload, dict):
                self.say(self.t("publish.done", n=payload["version"]))
                self.refresh()
                self.history.load(flow_id)
            else:
                self.say(self.t("hub.failed", why=detail(status, payload)), bad=True)

        self.save_draft(then=lambda: self._call("POST", f"/flows/{flow_id}/publish", published,
                                                 body={"note": note or None}))

    def _rolled_back(self, version: int) -> None:
        """The hub made an older version current: show it, unless there are changes
        here or a draft on the hub (a rollback leaves the draft alone)."""
        entry = self.flows.entry(self.flow_id) or {}
        self.refresh()
        if self.dirty or entry.get("has_draft"):
            self.say(self.t("history.rolled_back_kept", n=version))
            return
        flow_id = self.flow_id

        def loaded(status: int | None, payload: Any) -> None:
            self._loaded(flow_id, status, payload)
            if status == 200:
                self.say(self.t("history.rolled_back", n=version))

        self._call("GET", f"/flows/{flow_id}", loaded)

