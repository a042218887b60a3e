"""Kiosk events: what happened, where, when. Kept in memory until the hub takes them.

Shape (DESIGN.md ``POST /events``): id, kiosk_id, session_id, type, flow_id, step_id,
at (ISO 8601, UTC), data.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Event:
    type: str
    kiosk_id: str
    session_id: str
    flow_id: str | None = None
    step_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
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
