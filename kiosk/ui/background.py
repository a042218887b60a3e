"""``run_in_background(task, on_done)``: the one way to do slow work off the UI thread.

``task`` runs in Qt's global thread pool; ``on_done(result, error)`` is called back on the
UI thread with the task's result, or with the exception it raised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

Done = Callable[[Any, BaseException | None], None]
_pending: set[_Relay] = set()


class _Relay(QObject):
    finished = Signal(object, object)


class _Job(QRunnable):
    def __init__(self, task: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.task = task
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.task()
        except Exception as exc:  # reported to on_done, never lost
            self.relay.finished.emit(None, exc)
        else:
            self.relay.finished.emit(result, None)


def run_in_background(task: Callable[[], Any], on_done: Done | None = None) -> None:
    """Run ``task()`` in the thread pool and call ``on_done`` on the UI thread."""
    relay = _Relay()  # lives in the UI thread: its queued signal lands there
    _pending.add(relay)

    def finish(result: Any, error: BaseException | None) -> None:
        _pending.discard(relay)
        relay.deleteLater()
        if on_done is not None:
            on_done(result, error)

    relay.finished.connect(finish)
    QThreadPool.globalInstance().start(_Job(task, relay))

