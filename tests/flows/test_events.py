"""Kiosk event ids: valid UUIDs, version 7, in the order they were made."""

from __future__ import annotations

import itertools
import uuid

import pytest

from kiosk.flows import events
from kiosk.flows.events import Event, new_id


def test_event_ids_are_uuid7_and_grow_with_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(uuid, "uuid7", raising=False)  # the fallback, on any Python
    clock = itertools.count(1_790_000_000_000_000_000, 1_000_000)  # one ms per call
    monkeypatch.setattr(events.time, "time_ns", lambda: next(clock))
    ids = [Event("step", "k1", "s1").id for _ in range(50)]
    parsed = [uuid.UUID(i) for i in ids]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert [str(u) for u in parsed] == ids  # the canonical form the hub stores
    assert sorted(ids) == ids
    assert parsed[0].int >> 80 == 1_790_000_000_000  # Unix milliseconds up front


def test_event_ids_are_unique() -> None:
    assert len({new_id() for _ in range(10_000)}) == 10_000
