"""The WebSocket stream: committed changes fanned out to every connected console.

The writer thread hands committed entries (in ``seq`` order) to :meth:`publish_threadsafe`;
each connection has its own queue and sender. A reconnecting client passes ``since`` and
first gets the entries it missed, read back from the database, then live ones, with no
gap and no duplicate (live entries at or below the last replayed ``seq`` are skipped).

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
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect

from kiosk.hub.auth import Principal

Entry = dict[str, Any]
QUEUE_LIMIT = 10_000
MAX_PER_ACCOUNT = 8  # open streams for one kiosk or person (desk, phone, tablet...)
REVOKED = 4401
TOO_MANY = 4429


@dataclass(frozen=True)
class Close:
    """Put in a connection's queue: close it with this code and reason."""

    code: int
    reason: str


@dataclass
class _Subscriber:
    who: Principal
    queue: asyncio.Queue[Entry | Close]


class Broadcaster:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.subscribers: list[_Subscriber] = []

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def publish_threadsafe(self, entries: list[Entry]) -> None:
        """Called by the writer thread after a commit."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._publish, entries)

    def _publish(self, entries: list[Entry]) -> None:
        for entry in entries:  # serialized once for every console
            entry["_text"] = json.dumps({k: v for k, v in entry.items() if k != "_text"})
            brief = _brief(entry)
            if brief is not None:
                entry["_brief"] = json.dumps(brief)
        for sub in list(self.subscribers):
            if sub.queue.qsize() + len(entries) > QUEUE_LIMIT:  # stuck: drop it, it resyncs
                self._drop(sub, Close(1013, "too far behind: reconnect with since"))
                continue
            for entry in entries:
                sub.queue.put_nowait(entry)

    def open_streams(self, name: str) -> int:
        return sum(1 for s in self.subscribers if s.who.name == name)

    def close_for(self, name: str, reason: str) -> None:
        """End every open stream of person ``name`` (their tokens were revoked)."""
        for sub in list(self.subscribers):
            if sub.who.name == name and sub.who.role != "kiosk":
                self._drop(sub, Close(REVOKED, reason))

    async def close(self) -> None:
        for sub in list(self.subscribers):
            self._drop(sub, Close(1012, "the hub is restarting"))

    def _drop(self, sub: _Subscriber, why: Close) -> None:
        if sub in self.subscribers:
            self.subscribers.remove(sub)
        sub.queue.put_nowait(why)

    async def serve(self, ws: WebSocket, who: Principal, since: int | None,
                    read_since: Callable[[int], list[Entry]],
                    still_valid: Callable[[], bool]) -> None:
        """Send ``ws`` what it may see until it goes; ``still_valid()`` is asked every
        minute (the token may have expired or been revoked meanwhile)."""
        sub = _Subscriber(who, asyncio.Queue())
        self.subscribers.append(sub)  # subscribe first, then replay: nothing falls in between
        last = -1
        receiver: asyncio.Task[None] | None = None
        try:
            if since is not None:
                for old in read_since(since):  # a fast local read
                    text = _view(old, who, json.dumps)
                    if text is not None:
                        await ws.send_text(text)
                    last = old["seq"]
            receiver = asyncio.create_task(_drain(ws))
            while True:
                getter = asyncio.create_task(sub.queue.get())
                done, _ = await asyncio.wait({getter, receiver}, timeout=_next_check(who),
                                             return_when=asyncio.FIRST_COMPLETED)
                if receiver in done:
                    getter.cancel()
                    return
                if getter not in done:
                    getter.cancel()
                    if not still_valid():
                        await ws.close(code=REVOKED, reason="the token has expired: log in again")
                        return
                    continue
                entry = getter.result()
                if isinstance(entry, Close):
                    await ws.close(code=entry.code, reason=entry.reason)
                    return
                if entry["seq"] > last:
                    text = _view(entry, who, None)
                    if text is not None:
                        await ws.send_text(text)
        except (WebSocketDisconnect, RuntimeError):
            return
        finally:
            if receiver is not None:
                receiver.cancel()
            if sub in self.subscribers:
                self.subscribers.remove(sub)


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


def _view(entry: Entry, who: Principal, dump: Callable[[Any], str] | None) -> str | None:
    """The text ``who`` gets for ``entry`` (None: nothing). ``dump`` serialises an entry
    read back from the database; live entries come serialised already."""
    if who.role != "kiosk" or "flow" in entry or _mine(entry, who):
        return dump(entry) if dump else str(entry["_text"])
    if dump:
        brief = _brief(entry)
        return dump(brief) if brief is not None else None
    return entry.get("_brief")


def _mine(entry: Entry, who: Principal) -> bool:
    request = entry.get("request") or {}
    return bool(request.get("kiosk_id") == who.name or request.get("name") == who.name)


def _brief(entry: Entry) -> Entry | None:
    """What other kiosks see of a help request's change (None for anything else)."""
    if not str(entry.get("type", "")).startswith("help."):
        return None
    request = entry.get("request") or {}
    return {"seq": entry["seq"], "type": entry["type"],
            "request": {"id": request.get("id"), "status": request.get("status")}}
