"""End to end: the manager edits a step in the editor and publishes it; a kiosk on the
same hub downloads the new version at once and shows it to the next customer only
(real hub, real manager app, real kiosk client; offscreen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from kiosk import paths
from kiosk.client.flowsync import FlowSync
from kiosk.client.session import HubSession
from kiosk.customer.flowupdates import FlowUpdates
from kiosk.flows.library import FlowLibrary
from kiosk.manager.app import ManagerWindow
from tests.customer.conftest import open_kiosk
from tests.hub.conftest import Hub
from tests.manager.test_editor import WAIT, editor, pick_step, settled

NEW_TEXT = "Posez le colis sur la balance."


def test_published_in_the_editor_shown_on_the_kiosk(qtbot: Any, hub: Hub, manager: ManagerWindow,
                                                    settings: Any, clock: Any,
                                                    tmp_path: Path) -> None:
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    ctrl, _window = open_kiosk(qtbot, library, settings, clock, "k1")
    session = HubSession(hub.url, hub.tokens["k1"])
    sync = FlowSync(session, tmp_path / "incoming")
    updates = FlowUpdates(ctrl, sync, live=tmp_path / "live")
    sync.start()
    try:
        ctrl.start_flow("send-parcel", "weigh")  # a customer is on the step being changed
        old_text = ctrl.session.current.text["fr"]

        page = editor(qtbot, manager)
        pick_step(qtbot, page, "weigh")
        page.form.fields["text.fr"].setText(NEW_TEXT)
        settled(qtbot, page)
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.message.text().startswith("Brouillon enregistré"),
                        timeout=WAIT)
        settled(qtbot, page)
        qtbot.mouseClick(page.publish_button, Qt.MouseButton.LeftButton)
        # only the French changed: the editor asks first about the other languages' texts
        warning = page.review_box
        assert warning is not None
        anyway = next(b for b in warning.buttons() if b.objectName() == "publishAnyway")
        qtbot.mouseClick(anyway, Qt.MouseButton.LeftButton)
        page.publish_dialog.note.setPlainText("Plus court")
        qtbot.mouseClick(page.publish_dialog.ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.message.text().startswith("Version 2 publiée"), timeout=WAIT)

        qtbot.waitUntil(lambda: "send-parcel" in updates.staged, timeout=WAIT)
        assert ctrl.session.current.text["fr"] == old_text  # not under the customer's finger
        ctrl.reset("inactivity")  # the customer leaves
        qtbot.waitUntil(lambda: ctrl.library.get("send-parcel").step("weigh").text["fr"]
                        == NEW_TEXT, timeout=WAIT)
        ctrl.start_flow("send-parcel", "weigh")  # the next customer
        assert ctrl.session.current.text["fr"] == NEW_TEXT
    finally:
        sync.stop()
        session.close()
