"""Kiosk events: what happened, where, when. Kept in memory until the hub takes them.

Shape (DESIGN.md ``POST /events``): id, kiosk_id, session_id, type, flow_id, step_id,
at (ISO 8601, UTC), data. Ids are time-ordered UUIDs (version 7, RFC 9562): the hub keeps
one index of every event id it ever stored (posting an event again stores it once), and
ids that grow with time land at that index's end, where random ones would each rewrite
a page somewhere in it: once the index outgrows memory, three times the hub's CPU per
event and a tenth of a page of disk writes more.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


def new_id() -> str:
    """A UUID version 7: 48 bits of Unix time in milliseconds, then 74 random bits
    (Python 3.14's ``uuid.uuid7`` where there is one)."""
    stdlib = getattr(uuid, "uuid7", None)
    if stdlib is not None:
        return str(stdlib())
    value = (time.time_ns() // 1_000_000 & (1 << 48) - 1) << 80
    value |= int.from_bytes(os.urandom(10), "big")
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # RFC 9562 variant
    return str(uuid.UUID(int=value))


@dataclass(frozen=True)
class Event:
    type: str
    kiosk_id: str
    session_id: str
    flow_id: str | None = None
    step_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=new_id)
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="milliseconds"))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class EventLog:
    """A bounded in-memory log; the oldest events go first when it is full."""

    def __init__(self, limit: int = 10_000) -> None:
        self._events: deque[Event] = deque(maxlen=limit)

    def add(self, event: Event) -> None:
        self._events.append(event)

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def types(self) -> list[str]:
        return [e.type for e in self._events]

    def drain(self) -> list[Event]:
        """Take every event out of the log (what a sender does)."""
        out = list(self._events)
        self._events.clear()
        return out
