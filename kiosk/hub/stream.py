"""The WebSocket stream: committed changes fanned out to every connected console.

The writer thread hands committed entries (in ``seq`` order, each already serialised
once by the store) to :meth:`Broadcaster.publish_threadsafe`; on the event loop each
entry becomes one WebSocket frame (two for help requests: the whole one and the brief
one kiosks see of others' calls), written to every connection directly: no task, queue
or wake-up per console. A console whose connection stops taking data is cut once
:data:`BUFFER_LIMIT` bytes wait for it (it reconnects with ``since``): it never holds up
the others, nor the hub's memory (1013 after what it has not read, then cut if it reads
nothing at all).

A reconnecting client passes ``since`` and first gets the entries it missed, read back
from the database, then live ones, with no gap and no duplicate (entries that come during
the replay wait, and those at or below the last replayed ``seq`` are skipped).

A kiosk sees its own help requests and heartbeats whole, every ``flow.*`` message (so it
can download a newly published version), and of other kiosks' help requests only
``{"id", "status"}``: enough to know that the queue moved (and ask for its place), nothing
about another customer.

A connection ends when its client goes, when the hub stops (1012), when the person's
account is disabled or their password replaced (4401), or when their token's lifetime
ends (4401).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from fastapi import WebSocket, WebSocketDisconnect

from kiosk.hub.auth import Principal
from kiosk.hub.protocol import DIRECT, text_frame

Entry = dict[str, Any]
BUFFER_LIMIT = 8 * 1024 * 1024  # bytes waiting for one console before it is cut
MAX_PER_ACCOUNT = 8  # open streams for one kiosk or person (desk, phone, tablet...)
REVOKED = 4401
TOO_MANY = 4429


class Connection(Protocol):
    """What the stream needs of a connection (the hub's WebSocket protocol has it)."""

    def send_now(self, frame: bytes, text: str) -> bool: ...

    def buffered(self) -> int: ...

    def close_behind(self, code: int, reason: str) -> None: ...


@dataclass(frozen=True)
class Close:
    """Why a connection must be closed: its code and reason."""

    code: int
    reason: str


@dataclass(eq=False)
class _Subscriber:
    who: Principal
    conn: Connection
    closing: asyncio.Future[Close]
    backlog: list[Entry] | None = field(default_factory=list)  # None once live
    last: int = -1  # the last seq replayed: live entries up to it are not sent again


class Broadcaster:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.subscribers: list[_Subscriber] = []
        self._loop_thread: int | None = None
        self._ready: deque[list[Entry]] = deque()  # committed, not yet sent (seq order)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Call on ``loop``'s thread."""
        self.loop = loop
        self._loop_thread = threading.get_ident()

    def publish_threadsafe(self, entries: list[Entry]) -> None:
        """Called after each commit, under the writer's lock (so in ``seq`` order), by the
        thread that wrote: the writer's (the entries are sent on the next turn of the
        loop), or the event loop's (a help call: sent at once, after any still waiting)."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        self._ready.append(entries)
        if threading.get_ident() == self._loop_thread:
            self._send_ready()
        else:
            with contextlib.suppress(RuntimeError):  # closed meanwhile: nobody listens
                loop.call_soon_threadsafe(self._send_ready)

    def _send_ready(self) -> None:
        while self._ready:
            self._publish(self._ready.popleft())

    def _publish(self, entries: list[Entry]) -> None:
        for sub in list(self.subscribers):
            if sub.backlog is not None:  # still replaying: these come after
                sub.backlog += entries
            else:
                self._deliver(sub, entries)

    def _deliver(self, sub: _Subscriber, entries: list[Entry]) -> None:
        for entry in entries:
            if entry["seq"] <= sub.last:
                continue
            view = _live_view(entry, sub.who)
            if view is not None and not sub.conn.send_now(*view):
                self._forget(sub)  # closing: its serve() ends with it
                return
        if sub.conn.buffered() > BUFFER_LIMIT:  # stuck: it resyncs when it reconnects
            self._forget(sub)
            sub.conn.close_behind(1013, "too far behind: reconnect with since")

    def open_streams(self, name: str) -> int:
        return sum(1 for s in self.subscribers if s.who.name == name)

    def staff_on_duty(self) -> set[str]:
        """The people (not kiosks) with a stream open now: on duty."""
        return {s.who.name for s in list(self.subscribers) if s.who.role != "kiosk"}

    def close_for(self, name: str, reason: str) -> None:
        """End every open stream of person ``name`` (their tokens were revoked)."""
        for sub in list(self.subscribers):
            if sub.who.name == name and sub.who.role != "kiosk":
                self._drop(sub, Close(REVOKED, reason))

    async def close(self) -> None:
        for sub in list(self.subscribers):
            self._drop(sub, Close(1012, "the hub is restarting"))

    def _forget(self, sub: _Subscriber) -> None:
        if sub in self.subscribers:
            self.subscribers.remove(sub)

    def _drop(self, sub: _Subscriber, why: Close) -> None:
        self._forget(sub)
        if not sub.closing.done():
            sub.closing.set_result(why)

    async def serve(self, ws: WebSocket, who: Principal, since: int | None,
                    read_since: Callable[[int], list[Entry]],
                    still_valid: Callable[[], bool]) -> None:
        """Send ``ws`` what it may see until it goes; ``still_valid()`` is asked every
        minute (the token may have expired or been revoked meanwhile)."""
        conn = ws.scope.get("extensions", {}).get(DIRECT)
        if conn is None:
            raise RuntimeError("the stream needs the hub's WebSocket protocol "
                               "(kiosk.hub.protocol.HubWebSocketProtocol)")
        sub = _Subscriber(who, conn, asyncio.get_running_loop().create_future())
        self.subscribers.append(sub)  # subscribe first, then replay: nothing falls in between
        receiver: asyncio.Task[None] | None = None
        try:
            if since is not None:
                for old in read_since(since):  # a fast local read
                    text = _stored_view(old, who)
                    if text is not None:
                        await ws.send_text(text)
                    sub.last = old["seq"]
            backlog, sub.backlog = sub.backlog or [], None  # live from now on
            if sub in self.subscribers:
                self._deliver(sub, backlog)
            receiver = asyncio.create_task(_drain(ws))
            while True:
                waiting: set[asyncio.Future[Any]] = {sub.closing, receiver}
                done, _ = await asyncio.wait(waiting, timeout=_next_check(who),
                                             return_when=asyncio.FIRST_COMPLETED)
                if receiver in done:
                    return
                if sub.closing in done:
                    why = sub.closing.result()
                    await ws.close(code=why.code, reason=why.reason)
                    return
                if not still_valid():
                    await ws.close(code=REVOKED, reason="the token has expired: log in again")
                    return
        except (WebSocketDisconnect, RuntimeError):
            return
        finally:
            if receiver is not None:
                receiver.cancel()
            self._forget(sub)


def _next_check(who: Principal) -> float:
    """Seconds until the token must be checked again: a minute, or its end if sooner."""
    if who.expires_at is None:
        return 60.0
    return max(0.05, min(60.0, who.expires_at - time.time()))


async def _drain(ws: WebSocket) -> None:
    """Read (and ignore) what the client sends, until it goes away."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await ws.receive_text()


def _live_view(entry: Entry, who: Principal) -> tuple[bytes, str] | None:
    """The frame and text ``who`` gets for a live entry (None: nothing), each made once
    for all connections and kept in the entry."""
    if who.role != "kiosk" or "flow" in entry or _mine(entry, who):
        view = entry.get("_view")
        if view is None:
            text = entry.get("_text") or json.dumps(_public(entry))
            view = entry["_view"] = (text_frame(text), text)
        return view
    if "_brief" not in entry:
        brief = _brief(entry)
        entry["_brief"] = None if brief is None else (text_frame(t := json.dumps(brief)), t)
    return entry["_brief"]  # type: ignore[no-any-return]


def _stored_view(entry: Entry, who: Principal) -> str | None:
    """The text ``who`` gets for an entry read back from the database (None: nothing)."""
    if who.role != "kiosk" or "flow" in entry or _mine(entry, who):
        return json.dumps(entry)
    brief = _brief(entry)
    return json.dumps(brief) if brief is not None else None


def _public(entry: Entry) -> Entry:
    return {k: v for k, v in entry.items() if not k.startswith("_")}


def _mine(entry: Entry, who: Principal) -> bool:
    request = entry.get("request") or {}
    return bool(request.get("kiosk_id") == who.name or request.get("name") == who.name)


def _brief(entry: Entry) -> Entry | None:
    """What other kiosks see of a help request's change, and of a presence change only
    how many mediators are available (None for anything else)."""
    if "person" in entry:
        return {"seq": entry["seq"], "type": entry["type"],
                "available": entry["person"].get("office_available")}
    if not str(entry.get("type", "")).startswith("help."):
        return None
    request = entry.get("request") or {}
    return {"seq": entry["seq"], "type": entry["type"],
            "request": {"id": request.get("id"), "status": request.get("status")}}
