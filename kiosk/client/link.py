"""HubLink: the kiosk's connection to the office hub, never blocking the screen.

Help calls, cancels and events go into the :class:`~kiosk.client.outbox.Outbox` first;
a timer hands what is due to QNetworkAccessManager, one request at a time, and the
answer settles the items (2xx: delivered; no answer: retried later with backoff). The
state of the customer's current call is followed by polling ``GET /help-requests/{id}``
(position in the queue, who is coming). A heartbeat says the kiosk is alive.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QTimer, QUrl, Signal
from PySide6.QtNetwork import QNetworkReply, QNetworkRequest

from kiosk.client.outbox import Outbox, Request, plan, settle
from kiosk.client.tls import HubAccess

log = logging.getLogger(__name__)


class HubLink(QObject):
    onlineChanged = Signal(bool)
    helpChanged = Signal(dict)  # the current call as the hub last described it
    deliveredChanged = Signal(int)  # items left in the outbox

    def __init__(self, hub_url: str, token: str, kiosk_id: str, outbox: Outbox,
                 parent: QObject | None = None, tick_ms: int = 500,
                 poll_ms: int = 2000, heartbeat_ms: int = 15000,
                 cert_sha256: str | None = None) -> None:
        super().__init__(parent)
        self.base = hub_url.rstrip("/") + "/api/v1"
        self.token = token
        self.kiosk_id = kiosk_id
        self.outbox = outbox
        self.online: bool | None = None
        self.help_id: str | None = None
        self.help: dict[str, Any] = {}
        self.heartbeat_info: dict[str, Any] = {}
        # checks the hub's certificate (cert_sha256, else the setting hub_cert_sha256)
        self.nam = HubAccess(hub_url, cert_sha256, self)
        # one slot for every answer; each reply's handler is looked up here (no lambda
        # per reply: their lifetimes and Qt's do not always agree)
        self._handlers: dict[QNetworkReply, Callable[[QNetworkReply], None]] = {}
        self.nam.finished.connect(self._finished)
        self._in_flight: QNetworkReply | None = None
        self._poll_reply: QNetworkReply | None = None
        self.tick = self._timer(tick_ms, self.pump)
        self.poll = self._timer(poll_ms, self.poll_help)
        self.beat = self._timer(heartbeat_ms, self.send_heartbeat)

    def _timer(self, ms: int, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def start(self) -> None:
        for timer in (self.tick, self.beat):
            timer.start()
        self.pump()
        self.send_heartbeat()

    def stop(self) -> None:
        for timer in (self.tick, self.poll, self.beat):
            timer.stop()
        for reply in list(self._handlers):
            reply.abort()

    # -- what the kiosk asks -----------------------------------------------------------
    def call_help(self, context: dict[str, Any]) -> str:
        """Queue a call for a mediator; returns its id. Sent as soon as possible."""
        request_id = str(uuid.uuid4())
        body = {"id": request_id, "kiosk_id": self.kiosk_id,
                "language": context.get("language") or "fr",
                "kind": context.get("kind") or "help", "flow_id": context.get("flow_id"),
                "step_id": context.get("step_id"), "level": context.get("level"),
                "seconds_on_step": context.get("seconds_on_step"),
                "at": datetime.now(UTC).isoformat(timespec="milliseconds")}
        self.outbox.put(request_id, "help", "POST", "/help-requests", body)
        self.help_id = request_id
        self.help = {**body, "status": "sending"}
        self.helpChanged.emit(self.help)
        self.poll.start()
        self.pump()
        return request_id

    def cancel_help(self) -> None:
        """The customer no longer needs the call (queued behind the call itself)."""
        if self.help_id is None:
            return
        self.outbox.put(f"cancel-{self.help_id}", "cancel", "POST",
                        f"/help-requests/{self.help_id}/cancel", None)
        self.help_id = None
        self.help = {}
        self.poll.stop()
        self.pump()

    def forget_help(self) -> None:
        """Stop following the call (the customer left; the call itself stays)."""
        self.help_id = None
        self.help = {}
        self.poll.stop()

    def send_events(self, events: list[dict[str, Any]]) -> None:
        self.outbox.put_many([(e["id"], "event", "POST", "/events", e) for e in events])

    # -- sending -------------------------------------------------------------------
    def _request(self, path: str) -> QNetworkRequest:
        req = QNetworkRequest(QUrl(self.base + path))
        req.setRawHeader(b"Authorization", f"Bearer {self.token}".encode())
        req.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, "application/json")
        req.setTransferTimeout(5000)
        return req

    def pump(self) -> None:
        """Send the next due request, unless one is on its way."""
        if self._in_flight is not None:
            return
        requests = plan(self.outbox.due(limit=50))
        if not requests:
            return
        request = requests[0]
        body = QByteArray(json.dumps(request.body).encode()) if request.body is not None \
            else QByteArray(b"")
        reply = self.nam.post(self._request(request.path), body)
        self._in_flight = reply
        self._handlers[reply] = lambda r: self._sent(r, request)

    def _finished(self, reply: QNetworkReply) -> None:
        handler = self._handlers.pop(reply, None)
        if handler is not None:
            handler(reply)
        reply.deleteLater()

    def _sent(self, reply: QNetworkReply, request: Request) -> None:
        self._in_flight = None
        status = _status(reply)
        text = _read(reply)
        if status is None:
            settle(self.outbox, request, None, self.nam.error_text(reply))
        else:
            delivered = settle(self.outbox, request, status, text[:300])
            if delivered and request.path == "/help-requests" and status < 300:
                self._update_help(json.loads(text))
        self._set_online(status is not None)
        self.deliveredChanged.emit(len(self.outbox))
        if status is not None:
            QTimer.singleShot(0, self, self.pump)  # more may be due

    def poll_help(self) -> None:
        if self.help_id is None or self._poll_reply is not None:
            return
        if self.outbox.count("help"):
            return  # not delivered yet: nothing to ask
        reply = self.nam.get(self._request(f"/help-requests/{self.help_id}"))
        self._poll_reply = reply
        self._handlers[reply] = self._polled

    def _polled(self, reply: QNetworkReply) -> None:
        self._poll_reply = None
        status = _status(reply)
        if status == 200:
            self._update_help(json.loads(_read(reply)))
        self._set_online(status is not None)

    def _update_help(self, request: dict[str, Any]) -> None:
        if request.get("id") != self.help_id:
            return
        self.help = request
        self.helpChanged.emit(request)
        if request.get("status") in ("resolved", "cancelled"):
            self.poll.stop()

    def send_heartbeat(self) -> None:
        body = {"outbox": len(self.outbox), **self.heartbeat_info}
        reply = self.nam.post(self._request(f"/kiosks/{self.kiosk_id}/heartbeat"),
                              QByteArray(json.dumps(body).encode()))
        self._handlers[reply] = self._beat_done

    def _beat_done(self, reply: QNetworkReply) -> None:
        self._set_online(_status(reply) is not None)

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            if online:
                self.outbox.retry_now()
            self.onlineChanged.emit(online)


def _read(reply: QNetworkReply) -> str:
    """The body of a reply ("" for one that was aborted)."""
    if not reply.isOpen():
        return ""
    return bytes(reply.readAll().data()).decode(errors="replace")


def _status(reply: QNetworkReply) -> int | None:
    """The HTTP status, or None when the hub could not be reached."""
    value = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
    return int(value) if value else None
