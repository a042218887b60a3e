"""Wires a kiosk to its hub: help calls and their live status, events, heartbeats, and
new flows. One hub session per kiosk: one HTTP layer and one stream, shared by the link
(calls, events, heartbeats) and the flow download.

Without a hub (no ``hub_url`` or ``hub_token``) the kiosk works alone and its help
screen sends the customer to the counter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from kiosk import paths
from kiosk.client.link import HubLink
from kiosk.client.outbox import Outbox
from kiosk.client.session import HubSession
from kiosk.customer.controller import KioskController

if TYPE_CHECKING:
    from kiosk.customer.flowupdates import FlowUpdates


class KioskNetwork(QObject):
    def __init__(self, ctrl: KioskController, link: HubLink, flush_ms: int = 2000) -> None:
        super().__init__(ctrl)
        self.ctrl = ctrl
        self.link = link
        ctrl.connected = True
        ctrl.helpRequested.connect(self._call)
        ctrl.helpCancelRequested.connect(link.cancel_help)
        ctrl.resetDone.connect(link.forget_help)
        link.helpChanged.connect(self._changed)
        link.onlineChanged.connect(ctrl.set_hub_online)
        ctrl.voiceChanged.connect(self._voice_changed)
        self.flush = QTimer(self)
        self.flush.setInterval(flush_ms)
        self.flush.timeout.connect(self.send_events)
        self.updates: FlowUpdates | None = None

    def follow_flows(self, updates: FlowUpdates) -> None:
        """Download what the hub publishes; run it from the next customer on."""
        self.updates = updates
        updates.applied.connect(self._flows_applied)

    def _flows_applied(self, versions: dict[str, int]) -> None:
        self.link.heartbeat_info["flows"] = versions
        self.link.send_heartbeat()  # the fleet view shows the new version at once

    def start(self) -> None:
        self.link.start()
        self.flush.start()
        if self.updates is not None:
            self.updates.sync.start()
            self.updates.apply_if_idle()

    def stop(self) -> None:
        self.send_events()
        self.flush.stop()
        self.link.stop()
        if self.updates is not None:
            self.updates.sync.stop()
        self.link.session.close()

    def send_events(self) -> None:
        events = self.ctrl.events.drain()
        if events:
            self.link.send_events([e.as_dict() for e in events])

    def _voice_changed(self) -> None:
        self.link.heartbeat_info["voice"] = self.ctrl.voice_state[:64]

    def _call(self, context: dict[str, Any]) -> None:
        self.send_events()  # the steps before the call reach the hub first
        running = self.link.heartbeat_info.get("flows") or {}
        version = running.get(context.get("flow_id")) if context.get("flow_id") else None
        self.link.call_help({**context, "flow_version": version})

    def _changed(self, request: dict[str, Any]) -> None:
        if request.get("id") == self.link.help_id and self.ctrl.help_status:
            self.ctrl.set_help_status(request)


def connect_to_hub(ctrl: KioskController, settings: dict[str, Any]) -> KioskNetwork | None:
    """A started link to the hub named in settings, or None when there is none."""
    if not settings.get("hub_url") or not settings.get("hub_token"):
        return None
    outbox = Outbox(paths.data_dir() / f"outbox-{settings['kiosk_id']}.sqlite3")
    session = HubSession(str(settings["hub_url"]), str(settings["hub_token"]), parent=ctrl)
    link = HubLink(session, str(settings["kiosk_id"]), outbox)
    from kiosk import __version__

    link.heartbeat_info = {"flows": {f.id: 1 for f in ctrl.flows()}, "voice": ctrl.voice_state[:64],
                           "version": __version__}
    network = KioskNetwork(ctrl, link)
    from kiosk.client.flowsync import FlowSync
    from kiosk.customer.flowupdates import FlowUpdates, running_versions

    sync = FlowSync(session, paths.data_dir() / "hub-flows-incoming", network)
    network.follow_flows(FlowUpdates(ctrl, sync))
    link.heartbeat_info["flows"] = running_versions(ctrl)
    network.start()
    return network
