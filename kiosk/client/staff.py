"""StaffClient: what the mediator console and the manager app need from the hub: log
in and out, read the open calls, follow the stream, claim, release, resolve, write a
call's note, hand a call over to a colleague (who accepts or declines it), who I am,
everyone's presence and setting mine, my day, and any other request
(:meth:`StaffClient.call`).

Everything is asynchronous, through the one HTTP layer (:class:`~kiosk.client.http.HubHttp`)
and one stream (:class:`~kiosk.client.stream.HubStream`). When the stream drops, the
client reads the open calls again and follows the stream from the sequence number of that
reading, so nothing is missed and nothing is repeated. When the hub no longer accepts the
token (expired, password changed, account disabled), ``sessionEnded`` says so once.
Answers that arrive after the session they were asked in ended (logged out, logged in
again) are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance

from kiosk.client.http import Answer
from kiosk.client.office import OfficeClock
from kiosk.client.session import HubSession

Done = Callable[[int | None, Any], None]


class StaffClient(QObject):
    loggedIn = Signal(str, str)  # user name, role
    loginFailed = Signal(object, str)  # HTTP status (None: unreachable), the hub's words
    synced = Signal(list)  # every open call, after a (re)connection
    changed = Signal(str, dict)  # stream message type, request
    connectionChanged = Signal(bool)
    actionFailed = Signal(object, str)  # HTTP status (None: unreachable), the hub's words
    actionDone = Signal(str)  # the action ("claim", "resolve"...) the hub accepted
    sessionEnded = Signal(str)  # the hub no longer accepts the token: log in again
    loggedOut = Signal()  # logged out here (whether the hub heard of it or not)
    acted = Signal(str, dict)  # the action and the hub's answer (the request; my presence)
    actionRefused = Signal(str, object, str)  # the action, HTTP status (None), the hub's words
    meRead = Signal(dict)  # GET /me: {name, role, state, office}
    presenceRead = Signal(dict)  # GET /presence: {items: [person], available}
    presenceChanged = Signal(dict)  # a presence.changed message's person
    dayRead = Signal(dict)  # GET /me/day: {items, per_hour, count}
    readFailed = Signal(str, object, str)  # what ("me", "presence", "day"), status, words

    def __init__(self, hub_url: str, parent: QObject | None = None,
                 reconnect_ms: int = 2000, follow: bool = True,
                 cert_sha256: str | None = None) -> None:
        super().__init__(parent)
        self.follow = follow  # read and follow the help calls after logging in
        self.user = ""
        self.office = OfficeClock()  # the office's name and clock, told by the hub at login
        self.connected = False
        self.epoch = 0  # one more at each login and end of session: older answers are dropped
        self.session = HubSession(hub_url, "", cert_sha256, self, reconnect_ms,
                                  on_reconnect=self.sync)
        self.http, self.stream = self.session.http, self.session.stream
        self.http.unauthorized.connect(self._unauthorized)
        self.stream.message.connect(self._message)
        self.stream.connectionChanged.connect(self._set_connected)
        self.stream.revoked.connect(self._unauthorized)
        self.retry = QTimer(self)
        self.retry.setObjectName("staff-resync")
        self.retry.setSingleShot(True)
        self.retry.setInterval(reconnect_ms)
        self.retry.timeout.connect(self.sync)

    @property
    def token(self) -> str:
        return self.http.token

    @token.setter
    def token(self, value: str) -> None:
        self.http.token = value

    @property
    def seq(self) -> int:
        return self.stream.seq

    # -- HTTP --------------------------------------------------------------------------
    def call(self, method: str, path: str, body: Any = None, done: Done | None = None, *,
             accept: str = "application/json", content_type: str = "application/json",
             raw: bytes | None = None) -> None:
        """One request to the hub: ``done(status, payload)`` gets the JSON answer (or the
        text, for CSV and YAML; or the error's words when the hub is unreachable, with
        status None). ``raw`` sends bytes as they are (e.g. YAML)."""
        def answered(answer: Answer) -> None:
            if done is not None:
                done(answer.status, answer.payload)

        self.http.request(method, path, body, answered, accept=accept,
                          content_type=content_type, raw=raw)

    def login(self, username: str, password: str) -> None:
        def done(status: int | None, payload: Any) -> None:
            if epoch != self.epoch:
                return
            if status == 200 and isinstance(payload, dict):
                self.token, self.user = payload["token"], username
                self.office = OfficeClock.from_answer(payload.get("office"), self.office)
                self.loggedIn.emit(username, payload["role"])
                if self.follow:
                    self.sync()
            else:
                self.loginFailed.emit(status, detail(status, payload))

        self.token = ""
        self.epoch += 1
        epoch = self.epoch
        self.call("POST", "/auth/login", {"username": username, "password": password}, done)

    def logout(self) -> None:
        """End this session on the hub (best effort: when the hub does not answer, the
        session ends here all the same), then ``loggedOut``."""
        if self.token:
            self.call("POST", "/auth/logout")
        self._end_session()
        self.user = ""
        self.loggedOut.emit()

    def sync(self) -> None:
        """Read every open call, then follow the stream from that point on."""
        def done(status: int | None, payload: Any) -> None:
            if epoch != self.epoch:
                return  # logged out meanwhile
            if status == 200 and isinstance(payload, dict):
                self.synced.emit(payload["items"])
                self.stream.open(since=int(payload.get("seq") or 0))
            elif status != 401:  # (401: the session ended, said once)
                self._set_connected(False)
                self.retry.start()

        epoch = self.epoch
        if self.token:
            self.call("GET", "/help-requests?status=queued,claimed", None, done)

    def _send(self, method: str, path: str, action: str, body: Any = None) -> None:
        """An action: ``acted`` and ``actionDone`` when the hub accepts it,
        ``actionRefused`` and ``actionFailed`` when not (a 401 ends the session instead)."""
        def done(status: int | None, payload: Any) -> None:
            if epoch != self.epoch:
                return
            if status == 200:
                self.acted.emit(action, payload if isinstance(payload, dict) else {})
                self.actionDone.emit(action)
            elif status != 401:
                words = detail(status, payload)
                self.actionRefused.emit(action, status, words)
                self.actionFailed.emit(status, words)

        epoch = self.epoch
        self.call(method, path, body, done)

    def _act(self, request_id: str, action: str, body: Any = None) -> None:
        self._send("POST", f"/help-requests/{request_id}/{action}", action, body)

    def claim(self, request_id: str) -> None:
        self._act(request_id, "claim")

    def release(self, request_id: str) -> None:
        self._act(request_id, "release")

    def resolve(self, request_id: str, outcome: str, note: str = "") -> None:
        self._act(request_id, "resolve", {"outcome": outcome, "note": note or None})

    def note(self, request_id: str, note: str) -> None:
        """Write the note of a call I hold (it replaces the last one)."""
        self._act(request_id, "note", {"note": note})

    def handover(self, request_id: str, to: str) -> None:
        """Offer a call I hold to colleague ``to``: they accept or decline it."""
        self._act(request_id, "handover", {"to": to})

    def accept(self, request_id: str) -> None:
        """Take the call a colleague hands me."""
        self._act(request_id, "accept")

    def decline(self, request_id: str) -> None:
        """Refuse the call a colleague hands me: back to the queue, first place."""
        self._act(request_id, "decline")

    def set_presence(self, state: str) -> None:
        """``available`` or ``break``; ``acted("presence", my entry)`` answers."""
        self._send("PUT", "/presence", "presence", {"state": state})

    # -- reading ---------------------------------------------------------------------------
    def _read(self, what: str, path: str, answered: SignalInstance) -> None:
        def done(status: int | None, payload: Any) -> None:
            if epoch != self.epoch:
                return
            if status == 200 and isinstance(payload, dict):
                if what == "me":
                    self.office = OfficeClock.from_answer(payload.get("office"), self.office)
                answered.emit(payload)
            elif status != 401:
                self.readFailed.emit(what, status, detail(status, payload))

        epoch = self.epoch
        if self.token:
            self.call("GET", path, None, done)

    def me(self) -> None:
        """Who I am and my state: ``meRead``."""
        self._read("me", "/me", self.meRead)

    def presence(self) -> None:
        """Everyone's presence and how many are available: ``presenceRead``."""
        self._read("presence", "/presence", self.presenceRead)

    def my_day(self) -> None:
        """The calls I took today and a count per hour: ``dayRead``."""
        self._read("day", "/me/day", self.dayRead)

    # -- stream ----------------------------------------------------------------------------
    def _message(self, message: dict[str, Any]) -> None:
        kind = str(message.get("type", ""))
        if kind.startswith("help."):
            self.changed.emit(kind, message.get("request") or {})
        elif kind == "presence.changed" and isinstance(message.get("person"), dict):
            self.presenceChanged.emit(message["person"])

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.connectionChanged.emit(connected)

    # -- the end -----------------------------------------------------------------------
    def _unauthorized(self, why: str) -> None:
        if self.token:  # once: the first refusal ends the session
            self._end_session()
            self.sessionEnded.emit(why)

    def _end_session(self) -> None:
        self.token = ""
        self.epoch += 1
        self.retry.stop()
        self.stream.close()
        self._set_connected(False)

    def close(self) -> None:
        self.retry.stop()
        self.session.close()  # no request under way, no idle connection left open to the hub


_LANGUAGE = ["fr"]  # the staff app's language (one per process), for the hub's messages


def set_language(lang: str) -> None:
    """Say the hub's flow messages (validator errors) in ``lang`` from now on."""
    _LANGUAGE[0] = lang


def detail(status: int | None, payload: Any) -> str:
    """What the hub said about a refused request, for a person: its ``detail`` text, or
    each item of a 422 list as ``line: message`` in the app's language."""
    if status is None:
        return f"hub unreachable: {payload}"
    if isinstance(payload, dict) and "detail" in payload:
        found = payload["detail"]
        if isinstance(found, list) and all(isinstance(i, dict) for i in found):
            from kiosk.flows.messages import render_item

            return "\n".join(render_item(i, _LANGUAGE[0]) for i in found[:5])
        return str(found)
    return f"HTTP {status}"
