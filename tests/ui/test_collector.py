"""kiosk.ui.collector: cycles are collected from the main thread's event loop, never in
whichever thread happened to allocate (the in-process hub's thread hung the process)."""

from __future__ import annotations

import gc
import threading
from typing import Any

from kiosk.ui import collector
from kiosk.ui.qt import application


def test_one_collector_and_python_no_longer_collects_on_its_own(qapp: Any) -> None:
    first = collector.install(qapp)
    assert collector.install(application()) is first
    assert not gc.isenabled()
    assert first.timer.isActive()
    assert first.timer.objectName() == "main-thread-gc"


def test_cycles_made_in_a_thread_are_collected_in_the_main_thread(qapp: Any, qtbot: Any) -> None:
    found = collector.install(qapp)
    gc.collect()
    collected: list[str] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop":
            collected.append(threading.current_thread().name)

    def make_cycles() -> None:
        for _ in range(5 * gc.get_threshold()[0]):
            a: list[Any] = []
            a.append(a)

    gc.callbacks.append(note)
    try:
        worker = threading.Thread(target=make_cycles, name="allocating")
        worker.start()
        worker.join()
        assert collected == []  # the thread crossed the threshold and collected nothing
        assert gc.get_count()[0] > gc.get_threshold()[0]
        qtbot.waitUntil(lambda: bool(collected), timeout=5_000)  # the timer's next turn
        assert set(collected) == {threading.main_thread().name}
        assert gc.get_count()[0] <= gc.get_threshold()[0]
        assert found.timer.isActive()
    finally:
        gc.callbacks.remove(note)
