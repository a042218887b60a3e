from __future__ import annotations

import threading
from typing import Any

from kiosk.ui.background import run_in_background


def test_result_comes_back_on_the_ui_thread(qtbot: Any) -> None:
    seen: dict[str, Any] = {}

    def task() -> int:
        seen["worker"] = threading.current_thread()
        return 42

    def done(result: Any, error: BaseException | None) -> None:
        seen.update(result=result, error=error, caller=threading.current_thread())

    run_in_background(task, done)
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen["result"] == 42
    assert seen["error"] is None
    assert seen["caller"] is threading.main_thread()
    assert seen["worker"] is not threading.main_thread()


def test_errors_are_reported_not_lost(qtbot: Any) -> None:
    seen: list[Any] = []

    def task() -> None:
        raise ValueError("boom")

    run_in_background(task, lambda r, e: seen.append(e))
    qtbot.waitUntil(lambda: bool(seen))
    assert isinstance(seen[0], ValueError)
