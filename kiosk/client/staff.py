"""StaffClient: what the mediator console (and later the manager app) needs from the hub:
log in, read the open calls, follow the stream, claim, release, resolve.

Everything is asynchronous (QNetworkAccessManager, QWebSocket). When the stream drops,
the client reconnects with ``?since=`` the last sequence number it saw, so nothing is
missed and nothing is repeated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QTimer, QUrl, Signal
from PySide6.QtNetwork import QNetworkReply, QNetworkRequest

from kiosk.client.tls import HubAccess

Done = Callable[[int | None, Any], None]


class StaffClient(QObject):
    loggedIn = Signal(str, str)  # user name, role
    loginFailed = Signal(object, str)  # HTTP status (None: unreachable), the hub's words
    synced = Signal(list)  # every open call, after a (re)connection
    changed = Signal(str, dict)  # stream message type, request
    connectionChanged = Signal(bool)
    actionFailed = Signal(object, str)  # HTTP status (None: unreachable), the hub's words

    def __init__(self, hub_url: str, parent: QObject | None = None,
                 reconnect_ms: int = 2000, follow: bool = True,
                 cert_sha256: str | None = None) -> None:
        super().__init__(parent)
        self.follow = follow  # read and follow the help calls after logging in
        self.base = hub_url.rstrip("/") + "/api/v1"
        self.token = ""
        self.user = ""
        self.seq = 0
        self.connected = False
        # checks the hub's certificate (cert_sha256, else the setting hub_cert_sha256)
        self.nam = HubAccess(hub_url, cert_sha256, self)
        self._handlers: dict[QNetworkReply, Done] = {}
        self.nam.finished.connect(self._finished)
        self.ws = self.nam.websocket(self)
        self.ws.textMessageReceived.connect(self._message)
        self.ws.connected.connect(lambda: self._set_connected(True))
        self.ws.disconnected.connect(self._dropped)
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(reconnect_ms)
        self.retry.timeout.connect(self.sync)
        self._closing = False

    # -- HTTP --------------------------------------------------------------------------
    def _send(self, method: str, path: str, body: Any, done: Done) -> None:
        self.call(method, path, body, done)

    def call(self, method: str, path: str, body: Any = None, done: Done | None = None, *,
             accept: str = "application/json", content_type: str = "application/json",
             raw: bytes | None = None) -> None:
        """One request to the hub: ``done(status, payload)`` gets the JSON answer (or the
        text, for CSV and YAML; or the error's words when the hub is unreachable, with
        status None). ``raw`` sends bytes as they are (e.g. YAML)."""
        req = QNetworkRequest(QUrl(self.base + path))
        req.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, content_type)
        req.setRawHeader(b"Accept", accept.encode())
        req.setTransferTimeout(15000)
        if self.token:
            req.setRawHeader(b"Authorization", f"Bearer {self.token}".encode())
        if raw is not None:
            data = QByteArray(raw)
        else:
            data = QByteArray(json.dumps(body).encode()) if body is not None else QByteArray()
        if method == "GET":
            reply = self.nam.get(req)
        elif method == "PUT":
            reply = self.nam.put(req, data)
        elif method == "DELETE":
            reply = self.nam.deleteResource(req)
        else:
            reply = self.nam.post(req, data)
        self._handlers[reply] = done or (lambda _status, _payload: None)

    def _finished(self, reply: QNetworkReply) -> None:
        done = self._handlers.pop(reply, None)
        if done is None:
            reply.deleteLater()
            return
        value = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        status = int(value) if value else None
        raw = bytes(reply.readAll().data()) if reply.isOpen() else b""
        kind = bytes(reply.rawHeader("Content-Type").data()).decode("latin-1")
        reply.deleteLater()
        payload: Any
        if "json" in kind or not kind:
            try:
                payload = json.loads(raw) if raw else None
            except ValueError:
                payload = raw.decode("utf-8", "replace")
        else:
            payload = raw.decode("utf-8", "replace")
        if status is None:
            payload = self.nam.error_text(reply)
        done(status, payload)

    def login(self, username: str, password: str) -> None:
        def done(status: int | None, payload: Any) -> None:
            if status == 200 and isinstance(payload, dict):
                self.token, self.user = payload["token"], username
                self.loggedIn.emit(username, payload["role"])
                if self.follow:
                    self.sync()
            else:
                self.loginFailed.emit(status, detail(status, payload))

        self._send("POST", "/auth/login", {"username": username, "password": password}, done)

    def sync(self) -> None:
        """Read every open call, then follow the stream from that point on."""
        def done(status: int | None, payload: Any) -> None:
            if status == 200 and isinstance(payload, dict):
                self.seq = int(payload.get("seq") or 0)
                self.synced.emit(payload["items"])
                self._open_stream()
            else:
                self._set_connected(False)
                self.retry.start()

        self._send("GET", "/help-requests?status=queued,claimed", None, done)

    def _act(self, request_id: str, action: str, body: Any = None) -> None:
        def done(status: int | None, payload: Any) -> None:
            if status != 200:
                self.actionFailed.emit(status, detail(status, payload))

        self._send("POST", f"/help-requests/{request_id}/{action}", body, done)

    def claim(self, request_id: str) -> None:
        self._act(request_id, "claim")

    def release(self, request_id: str) -> None:
        self._act(request_id, "release")

    def resolve(self, request_id: str, outcome: str, note: str = "") -> None:
        self._act(request_id, "resolve", {"outcome": outcome, "note": note or None})

    # -- stream ----------------------------------------------------------------------------
    def _open_stream(self) -> None:
        url = self.base.replace("http", "ws", 1) + f"/stream?token={self.token}&since={self.seq}"
        self.ws.abort()
        self.ws.open(QUrl(url))

    def _message(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            return
        seq = int(message.get("seq") or 0)
        if seq <= self.seq:
            return  # already seen
        self.seq = seq
        if str(message.get("type", "")).startswith("help."):
            self.changed.emit(message["type"], message.get("request") or {})

    def _dropped(self) -> None:
        self._set_connected(False)
        if not self._closing:
            self.retry.start()

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.connectionChanged.emit(connected)

    def close(self) -> None:
        self._closing = True
        self.retry.stop()
        self.ws.close()
        for reply in list(self._handlers):
            reply.abort()
        self.nam.clearConnectionCache()  # no idle connection left open to the hub


def detail(status: int | None, payload: Any) -> str:
    if status is None:
        return f"hub unreachable: {payload}"
    if isinstance(payload, dict) and "detail" in payload:
        return str(payload["detail"])
    return f"HTTP {status}"
