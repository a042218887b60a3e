"""The outbox keeps requests until the hub acknowledges them, across restarts."""

from __future__ import annotations

from pathlib import Path

from kiosk.client.outbox import EVENT_BATCH, Outbox, Request, plan, settle
from tests.clock import FakeClock


def test_items_survive_a_restart_and_repeat_ids_are_kept_once(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    box.put("a", "help", "POST", "/help-requests", {"id": "a"})
    box.put("a", "help", "POST", "/help-requests", {"id": "a", "changed": True})
    box.close()
    again = Outbox(tmp_path / "o.sqlite3")
    assert len(again) == 1
    assert again.due()[0].body == {"id": "a"}
    again.close()


def test_events_are_batched_and_calls_go_alone(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite3")
    box.put("h", "help", "POST", "/help-requests", {"id": "h"})
    for i in range(EVENT_BATCH + 3):
        box.put(f"e{i}", "event", "POST", "/events", {"id": f"e{i}"})
    requests = plan(box.due(limit=1000))
    assert [(r.path, len(r.ids)) for r in requests] == [
        ("/help-requests", 1), ("/events", EVENT_BATCH), ("/events", 3)]
    box.close()


def test_failures_back_off_and_answers_settle(tmp_path: Path) -> None:
    clock = FakeClock()
    box = Outbox(tmp_path / "o.sqlite3", clock=clock)
    box.put("h", "help", "POST", "/help-requests", {"id": "h"})
    request = Request(["h"], "POST", "/help-requests", {"id": "h"})
    assert not settle(box, request, None, "connection refused")
    assert box.due() == []  # waits before the next try
    clock.now += 60
    assert len(box.due()) == 1
    assert not settle(box, request, 503)
    box.retry_now()
    assert len(box.due()) == 1
    assert settle(box, request, 201)
    assert len(box) == 0
    box.close()


def test_a_request_the_hub_will_never_take_is_dropped(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    box = Outbox(tmp_path / "o.sqlite3")
    box.put("e", "event", "POST", "/events", {"id": "e"})
    assert settle(box, Request(["e"], "POST", "/events", [{"id": "e"}]), 422, "bad event")
    assert len(box) == 0
    assert "hub refused" in caplog.text
    box.close()


def test_a_cancel_after_the_call_ended_is_no_error(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    """A mediator finished the call just before the customer's Cancel: the race the
    contract allows, dropped without an error in the log."""
    import logging

    caplog.set_level(logging.INFO)
    box = Outbox(tmp_path / "o.sqlite3")
    box.put("c", "cancel", "POST", "/help-requests/x/cancel", None)
    assert settle(box, Request(["c"], "POST", "/help-requests/x/cancel", None), 409, "resolved")
    assert len(box) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "after the call ended" in caplog.text
    box.close()
