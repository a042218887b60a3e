"""HubLink: the kiosk's connection to the office hub, never blocking the screen.

Help calls, cancels and events go into the :class:`~kiosk.client.outbox.Outbox` first;
a timer hands what is due to the hub, one request at a time, through the kiosk's one HTTP
layer, and the answer settles the items (2xx: delivered; no answer or 5xx: retried later
with backoff; a refusal no retry can fix: dropped after logging — a help call refused so
is kept by the hub as a dead letter, and the customer is sent to the counter).

The customer's current call is followed on the kiosk's stream (the one that also brings
new flows): its own changes come whole; another kiosk's call changing only says that the
queue moved, and then the kiosk asks for its place. A reconnection asks once too. A
heartbeat says the kiosk is alive.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.client.http import Answer
from kiosk.client.outbox import EVENT_BATCH, Outbox, Request, plan, settle
from kiosk.client.session import HubSession
from kiosk.flows.model import CALL_TEXTS

log = logging.getLogger(__name__)
FOLLOWED = ("sending", "queued", "claimed")  # a call still worth following


class HubLink(QObject):
    onlineChanged = Signal(bool)
    helpChanged = Signal(dict)  # the current call as the hub last described it
    deliveredChanged = Signal(int)  # items left in the outbox

    def __init__(self, session: HubSession, kiosk_id: str, outbox: Outbox,
                 parent: QObject | None = None, tick_ms: int = 500,
                 heartbeat_ms: int = 15000) -> None:
        super().__init__(parent)
        self.session = session
        self.http = session.http
        stream = session.stream
        self.kiosk_id = kiosk_id
        self.outbox = outbox
        self.online: bool | None = None
        self.help_id: str | None = None
        self.help: dict[str, Any] = {}
        self.heartbeat_info: dict[str, Any] = {}
        self.sending = False  # one outbox request at a time
        self._asking = False  # one "where is my call?" at a time
        stream.message.connect(self._message)
        stream.connectionChanged.connect(self._stream_connected)
        self.tick = self._timer("link-pump", tick_ms, self.pump)
        self.beat = self._timer("link-heartbeat", heartbeat_ms, self.send_heartbeat)

    def _timer(self, name: str, ms: int, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.setObjectName(name)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def start(self) -> None:
        for timer in (self.tick, self.beat):
            timer.start()
        self.session.stream.ensure_open()
        self.pump()
        self.send_heartbeat()

    def stop(self) -> None:
        for timer in (self.tick, self.beat):
            timer.stop()

    # -- what the kiosk asks -----------------------------------------------------------
    def call_help(self, context: dict[str, Any]) -> str:
        """Queue a call for a mediator; returns its id. Sent as soon as possible."""
        request_id = str(uuid.uuid4())
        body = {"id": request_id, "kiosk_id": self.kiosk_id,
                "language": context.get("language") or "fr",
                "kind": context.get("kind") or "help", "flow_id": context.get("flow_id"),
                "step_id": context.get("step_id"), "level": context.get("level"),
                "seconds_on_step": context.get("seconds_on_step"),
                "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                **{k: context[k] for k in CALL_TEXTS if context.get(k) is not None}}
        self.outbox.put(request_id, "help", "POST", "/help-requests", body)
        self.help_id = request_id
        self.help = {**body, "status": "sending"}
        self.helpChanged.emit(self.help)
        self.pump()
        return request_id

    def cancel_help(self) -> None:
        """The customer no longer needs the call (queued behind the call itself)."""
        if self.help_id is None:
            return
        self.outbox.put(f"cancel-{self.help_id}", "cancel", "POST",
                        f"/help-requests/{self.help_id}/cancel", None)
        self.forget_help()
        self.pump()

    def forget_help(self) -> None:
        """Stop following the call (the customer left; the call itself stays)."""
        self.help_id = None
        self.help = {}

    def send_events(self, events: list[dict[str, Any]]) -> None:
        self.outbox.put_many([(e["id"], "event", "POST", "/events", e) for e in events])

    # -- sending -------------------------------------------------------------------
    def pump(self) -> None:
        """Send the next due request, unless one is on its way."""
        if self.sending:
            return
        requests = plan(self.outbox.due(limit=EVENT_BATCH))  # up to a whole batch of events
        if not requests:
            return
        request = requests[0]
        self.sending = True
        self.http.request(request.method, request.path, request.body,
                          lambda answer: self._sent(answer, request), timeout_ms=5000)

    def _sent(self, answer: Answer, request: Request) -> None:
        self.sending = False
        status = answer.status
        if status is None:
            settle(self.outbox, request, None, answer.error)
        else:
            delivered = settle(self.outbox, request, status, answer.text[:300])
            if request.path == "/help-requests" and delivered:
                self._help_answered(request, answer)
        self._set_online(status is not None)
        self.deliveredChanged.emit(len(self.outbox))
        if status is not None:
            QTimer.singleShot(0, self, self.pump)  # more may be due

    def _help_answered(self, request: Request, answer: Answer) -> None:
        if answer.ok:
            self._update_help(answer.json() or {})
        elif request.ids == [self.help_id]:  # refused for good: the customer must know
            reason = str((answer.json() or {}).get("detail", answer.text))[:300]
            self.help = {**self.help, "status": "refused", "reason": reason}
            self.helpChanged.emit(self.help)

    # -- following the call ------------------------------------------------------------
    def _message(self, message: dict[str, Any]) -> None:
        if message.get("type") == "presence.changed":
            self._presence(message.get("available"))
            return
        if not str(message.get("type", "")).startswith("help.") or self.help_id is None:
            return
        request = message.get("request") or {}
        if request.get("id") == self.help_id and "kiosk_id" in request:
            if self._answer_brings_place(request):
                return
            self._update_help(request)
            if request.get("status") == "queued":
                self.ask_where()  # released back to the queue: its place is new
        elif self.help.get("status") == "queued":
            self.ask_where()  # the queue moved: our place may have changed

    def _answer_brings_place(self, request: dict[str, Any]) -> bool:
        """The stream told of our new call before the hub's answer to it: the answer, on
        its way, says the call's place in the queue, which the stream message does not
        (without it the kiosk would say "you are next" for a moment)."""
        return (request.get("status") == "queued" and "position" not in request
                and "position" not in self.help and self.outbox.count("help") > 0)

    def _stream_connected(self, connected: bool) -> None:
        if connected and self.help_id is not None and self.help.get("status") in FOLLOWED:
            self.ask_where()  # what happened while the stream was down

    def ask_where(self) -> None:
        """Ask the hub for the call's state and place in the queue."""
        if self.help_id is None or self._asking or self.outbox.count("help"):
            return  # not delivered yet: nothing to ask
        self._asking = True
        asked = self.help_id

        def done(answer: Answer) -> None:
            self._asking = False
            if answer.status == 200 and asked == self.help_id:
                self._update_help(answer.json() or {})
            self._set_online(answer.status is not None)

        self.http.request("GET", f"/help-requests/{asked}", None, done, timeout_ms=5000)

    def _presence(self, available: Any) -> None:
        """How many mediators are free changed: a queued call says whether anyone is."""
        if (self.help_id is not None and self.help.get("status") == "queued"
                and isinstance(available, int) and available != self.help.get("available")):
            self.help = {**self.help, "available": available}
            self.helpChanged.emit(self.help)

    def _update_help(self, request: dict[str, Any]) -> None:
        if request.get("id") != self.help_id:
            return
        before = self.help
        self.help = dict(request)
        if request.get("status") == "queued":  # a stream message has neither: keep the last
            for known in ("position", "available"):
                if known not in request and known in before:
                    self.help[known] = before[known]
        self.helpChanged.emit(self.help)

    def send_heartbeat(self) -> None:
        body = {"outbox": len(self.outbox), **self.heartbeat_info}
        self.http.request("POST", f"/kiosks/{self.kiosk_id}/heartbeat", body,
                          lambda answer: self._set_online(answer.status is not None),
                          timeout_ms=5000)

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            if online:
                self.outbox.retry_now()
            self.onlineChanged.emit(online)
