"""HubStream: one client's WebSocket to the hub's stream (``/api/v1/stream``).

It opens the stream under the hub's certificate rules, hands each message on
(``message``), says when it is connected, and after a drop opens it again by itself
(after ``reconnect_ms``, doubling up to 30 s while the hub stays away). Its owner decides
how to catch up on a reconnection (``on_reconnect``): the console reads the open calls
and follows from their sequence number; a kiosk simply opens the stream again and checks
its call and its flows. A stream the hub closes for a token that no longer works (4401)
is not opened again: ``revoked`` says so.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket

from kiosk.client.http import HubHttp

log = logging.getLogger(__name__)
REVOKED = 4401  # the hub's close code for an unknown, expired or revoked token
MAX_RECONNECT_MS = 30_000


class HubStream(QObject):
    message = Signal(dict)  # one stream message: {"seq", "type", "request" | "flow"}
    connectionChanged = Signal(bool)
    revoked = Signal(str)  # the hub closed the stream: the token no longer works

    def __init__(self, http: HubHttp, parent: QObject | None = None,
                 reconnect_ms: int = 2000,
                 on_reconnect: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.http = http
        self.on_reconnect = on_reconnect  # default: open again, from now on
        self.connected = False
        self.seq = 0  # the last message's sequence number on this connection
        self._wanted = False
        self.ws = http.websocket(self)
        self.ws.textMessageReceived.connect(self._message)
        self.ws.connected.connect(self._opened)
        self.ws.disconnected.connect(self._dropped)
        self._base_ms = reconnect_ms
        self.retry = QTimer(self)
        self.retry.setObjectName("stream-reconnect")
        self.retry.setSingleShot(True)
        self.retry.setInterval(reconnect_ms)
        self.retry.timeout.connect(self._reconnect)

    def open(self, since: int | None = None) -> None:
        """(Re)open the stream; ``since``: first the messages after that number."""
        self._wanted = False  # the old connection's end is no drop to recover from
        self.ws.abort()
        self._wanted = True
        self.retry.stop()
        self.seq = since or 0
        self.ws.open(self.http.stream_url(since))

    def ensure_open(self) -> None:
        """Open the stream unless it is open or opening already (shared by a kiosk's link
        and flow download: whichever starts first opens it)."""
        if not self._wanted:
            self.open()

    def close(self) -> None:
        self._wanted = False
        self.retry.stop()
        if self.ws.state() == QAbstractSocket.SocketState.ConnectedState:
            self.ws.close()  # a close frame: the hub lets go at once
        else:
            self.ws.abort()  # (still connecting: there is nobody to say goodbye to)

    def _opened(self) -> None:
        self.retry.setInterval(self._base_ms)
        self._set_connected(True)

    def _message(self, text: str) -> None:
        try:
            message: dict[str, Any] = json.loads(text)
        except ValueError:
            return
        seq = int(message.get("seq") or 0)
        if seq and seq <= self.seq:
            return  # already had it on this connection
        self.seq = max(self.seq, seq)
        self.message.emit(message)

    def _dropped(self) -> None:
        self._set_connected(False)
        if not self._wanted:
            return
        if self.ws.closeCode() == REVOKED:
            self._wanted = False
            reason = self.ws.closeReason() or "the token no longer works"
            log.warning("the hub closed the stream: %s", reason)
            self.revoked.emit(reason)
            return
        self.retry.start()

    def _reconnect(self) -> None:
        if not self._wanted:
            return
        self.retry.setInterval(min(MAX_RECONNECT_MS, self.retry.interval() * 2))
        if self.on_reconnect is not None:
            self.on_reconnect()
        else:
            self.open()

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.connectionChanged.emit(connected)
