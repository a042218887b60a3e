"""HubSession: one client's session with the hub — one HTTP layer
(:class:`~kiosk.client.http.HubHttp`) and one stream (:class:`~kiosk.client.stream.HubStream`)
with one token. A kiosk has one, shared by its link and its flow download; the console
and the manager app have one each (through :class:`~kiosk.client.staff.StaffClient`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from kiosk.client.http import HubHttp
from kiosk.client.stream import HubStream


class HubSession(QObject):
    def __init__(self, hub_url: str, token: str = "", cert_sha256: str | None = None,
                 parent: QObject | None = None, reconnect_ms: int = 2000,
                 on_reconnect: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.http = HubHttp(hub_url, token, cert_sha256, self)
        self.stream = HubStream(self.http, self, reconnect_ms, on_reconnect)

    def close(self) -> None:
        """Close the stream, abort what is under way, drop idle connections."""
        self.stream.close()
        self.http.close()
