"""The WebSocket stream: committed changes fanned out to every connected console.

The writer thread hands committed entries (in ``seq`` order) to :meth:`publish_threadsafe`;
each connection has its own queue and sender. A reconnecting client passes ``since`` and
first gets the entries it missed, read back from the database, then live ones, with no
gap and no duplicate (live entries at or below the last replayed ``seq`` are skipped).
A kiosk only sees its own help requests and heartbeats, and every ``flow.*`` message (so it
can download a newly published version).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect

from kiosk.hub.auth import Principal

Entry = dict[str, Any]
QUEUE_LIMIT = 10_000


class Broadcaster:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queues: set[asyncio.Queue[Entry | None]] = set()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def publish_threadsafe(self, entries: list[Entry]) -> None:
        """Called by the writer thread after a commit."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._publish, entries)

    def _publish(self, entries: list[Entry]) -> None:
        for entry in entries:  # serialized once for every console
            entry["_text"] = json.dumps({k: v for k, v in entry.items() if k != "_text"})
        for q in list(self.queues):
            for entry in entries:
                if q.qsize() >= QUEUE_LIMIT:  # a stuck client: drop it, it will resync
                    self.queues.discard(q)
                    q.put_nowait(None)
                    break
                q.put_nowait(entry)

    async def close(self) -> None:
        for q in list(self.queues):
            q.put_nowait(None)
        self.queues.clear()

    async def serve(self, ws: WebSocket, who: Principal, since: int | None,
                    read_since: Callable[[int], list[Entry]]) -> None:
        q: asyncio.Queue[Entry | None] = asyncio.Queue()
        self.queues.add(q)  # subscribe first, then replay: nothing falls in between
        last = -1
        try:
            if since is not None:
                for old in read_since(since):  # a fast local read
                    if _visible(old, who):
                        await ws.send_json(old)
                    last = old["seq"]
            receiver = asyncio.create_task(_drain(ws))
            while True:
                getter = asyncio.create_task(q.get())
                done, _ = await asyncio.wait({getter, receiver},
                                             return_when=asyncio.FIRST_COMPLETED)
                if receiver in done:
                    getter.cancel()
                    return
                entry = getter.result()
                if entry is None:
                    receiver.cancel()
                    await ws.close(code=1012)
                    return
                if entry["seq"] > last and _visible(entry, who):
                    await ws.send_text(entry["_text"])
        except (WebSocketDisconnect, RuntimeError):
            return
        finally:
            self.queues.discard(q)


async def _drain(ws: WebSocket) -> None:
    """Read (and ignore) what the client sends, until it goes away."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await ws.receive_text()


def _visible(entry: Entry, who: Principal) -> bool:
    if who.role != "kiosk" or "flow" in entry:
        return True
    request = entry.get("request") or {}
    return bool(request.get("kiosk_id") == who.name or request.get("name") == who.name)
