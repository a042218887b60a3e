"""HubHttp: the one HTTP layer of every client of the hub (the kiosk's link and flow
download, the mediator console, the manager app).

It holds the hub's address and the certificate rules (:class:`~kiosk.client.tls.HubAccess`:
pinning, plain HTTP only to this machine), the bearer token, and for each request: JSON
in and out, a transfer timeout, and the answer as an :class:`Answer`.

A request that fails because the hub had already closed the connection it was sent on
(a keep-alive connection gone stale: ``RemoteHostClosedError`` before any answer) is sent
again at once, once, on a fresh connection, when repeating it is safe: reads, PUT and
DELETE, and the POSTs that are idempotent by design (a help call and its claim, release,
resolve, cancel and note, events, heartbeats, logging in). Other POSTs (publish a flow, sign
someone up) are never repeated behind the user's back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QUrl, Signal
from PySide6.QtNetwork import QNetworkReply, QNetworkRequest

from kiosk.client.tls import HubAccess, HubWebSocket

API = "/api/v1"
TIMEOUT_MS = 15_000
_SAFE_POSTS = re.compile(r"^/(help-requests(/[^/]+/(claim|release|resolve|cancel|note))?|events"
                         r"|kiosks/[^/]+/heartbeat|auth/login)$")


@dataclass
class Answer:
    """The hub's answer to a request: ``status`` None when there was none (``error`` says
    why: unreachable, refused certificate, timeout)."""

    status: int | None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON (None when it is not)."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    @property
    def payload(self) -> Any:
        """JSON for a JSON answer, text for any other (CSV, YAML), the error's words when
        there was no answer."""
        if self.status is None:
            return self.error
        kind = self.headers.get("content-type", "")
        if "json" in kind or not kind:
            value = self.json()
            return value if value is not None or not self.body else self.text
        return self.text


Done = Callable[[Answer], None]


@dataclass
class _Call:
    method: str
    path: str
    data: bytes
    headers: dict[bytes, bytes]
    timeout_ms: int
    done: Done
    retry: bool
    retried: bool = False


def safe_to_repeat(method: str, path: str) -> bool:
    """Whether sending this request twice has the effect of sending it once."""
    if method in ("GET", "HEAD", "PUT", "DELETE"):
        return True
    return method == "POST" and bool(_SAFE_POSTS.match(path.split("?")[0]))


class HubHttp(QObject):
    """Requests to one hub under its certificate rules, with one token."""

    unauthorized = Signal(str)  # a request that carried a token got 401: the hub's words

    def __init__(self, hub_url: str, token: str = "", cert_sha256: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hub_url = hub_url.rstrip("/")
        self.base = self.hub_url + API
        self.token = token
        # checks the hub's certificate (cert_sha256, else the setting hub_cert_sha256)
        self.access = HubAccess(hub_url, cert_sha256, self)
        self.access.finished.connect(self._finished)
        self._calls: dict[QNetworkReply, _Call] = {}

    @property
    def busy(self) -> int:
        """Requests under way."""
        return len(self._calls)

    def request(self, method: str, path: str, body: Any = None, done: Done | None = None, *,
                accept: str = "application/json", content_type: str = "application/json",
                raw: bytes | None = None, timeout_ms: int = TIMEOUT_MS,
                retry: bool | None = None) -> None:
        """Send ``method path`` (``body`` as JSON, or ``raw`` bytes as they are); ``done``
        gets the :class:`Answer`. ``retry`` (default: :func:`safe_to_repeat`) allows one
        repeat after a stale connection."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        headers = {b"Accept": accept.encode(), b"Content-Type": content_type.encode()}
        if self.token:
            headers[b"Authorization"] = f"Bearer {self.token}".encode()
        call = _Call(method, path, data, headers, timeout_ms, done or (lambda _a: None),
                     safe_to_repeat(method, path) if retry is None else retry)
        self._send(call)

    def _send(self, call: _Call) -> None:
        req = QNetworkRequest(QUrl(self.base + call.path))
        for name, value in call.headers.items():
            req.setRawHeader(name, value)
        req.setTransferTimeout(call.timeout_ms)
        data = QByteArray(call.data)
        if call.method == "GET":
            reply = self.access.get(req)
        elif call.method == "PUT":
            reply = self.access.put(req, data)
        elif call.method == "DELETE":
            reply = self.access.deleteResource(req)
        elif call.method == "POST":
            reply = self.access.post(req, data)
        else:  # PATCH
            reply = self.access.sendCustomRequest(req, call.method.encode(), data)
        self._calls[reply] = call

    def _finished(self, reply: QNetworkReply) -> None:
        call = self._calls.pop(reply, None)
        reply.deleteLater()
        if call is None:
            return
        answer = _answer(reply, self.access)
        if answer.status is None and call.retry and not call.retried and _stale(reply):
            call.retried = True  # the hub had closed that connection: once more, afresh
            self._send(call)
            return
        if answer.status == 401 and b"Authorization" in call.headers:
            self.unauthorized.emit(_detail(answer))
        call.done(answer)

    def websocket(self, parent: QObject | None = None) -> HubWebSocket:
        """A QWebSocket for this hub's stream, under the same certificate rules."""
        return self.access.websocket(parent)

    def stream_url(self, since: int | None = None) -> QUrl:
        scheme = "wss" if self.base.startswith("https") else "ws"
        url = f"{scheme}{self.base[self.base.index(':'):]}/stream?token={self.token}"
        return QUrl(url + (f"&since={since}" if since is not None else ""))

    def abort_all(self) -> None:
        """Abort every request under way (their ``done`` still run, with no status)."""
        for reply in list(self._calls):
            reply.abort()

    def close(self) -> None:
        """Abort what is under way and drop idle connections to the hub."""
        calls, self._calls = self._calls, {}
        for reply in calls:
            reply.abort()
        self.access.clearConnectionCache()


def _stale(reply: QNetworkReply) -> bool:
    """The request failed on a connection the hub had closed, before any answer."""
    return reply.error() == QNetworkReply.NetworkError.RemoteHostClosedError and \
        not reply.property("kioskTlsRefusal")


def _answer(reply: QNetworkReply, access: HubAccess) -> Answer:
    value = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
    status = int(value) if value else None
    body = bytes(reply.readAll().data()) if reply.isOpen() else b""
    headers = {bytes(name.data()).decode("latin-1").lower(): bytes(value.data()).decode("latin-1")
               for name, value in reply.rawHeaderPairs()}
    return Answer(status, body, headers, "" if status is not None else access.error_text(reply))


def _detail(answer: Answer) -> str:
    data = answer.json()
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])
    return answer.error or f"HTTP {answer.status}"
