"""Python's cycle collector, run in the Qt main thread only.

CPython collects cycles in whichever thread happens to allocate when a generation's
threshold is crossed. In our processes other threads allocate too (the embedded hub's
uvicorn thread in ``kiosk demo``, background jobs, speech), and a cycle holding a Qt
object collected there deletes that object, and its children, from the wrong thread:
Qt's signal lock and the GIL are then taken in opposite orders by two threads and the
process hangs (seen with py-spy: the hub thread in ``QObject::~QObject`` waiting for the
GIL, the main thread in ``QObject::connect`` waiting for Qt's lock).

So automatic collection is switched off and :class:`MainThreadCollector` runs the same
thresholds from a timer of the main thread's event loop (the approach of pyqtgraph's
``GarbageCollector``). Reference counting frees everything else as before.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 250  # how often the thresholds are looked at


class MainThreadCollector(QObject):
    """Collects cycles, when Python would have, from the main thread's event loop."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("main-thread-collector")
        self.timer = QTimer(self)
        self.timer.setObjectName("main-thread-gc")
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        gc.disable()
        self.timer.start()

    def check(self) -> None:
        """Collect the oldest generation whose threshold is crossed, as Python would."""
        counts, limits = gc.get_count(), gc.get_threshold()
        generation = -1
        for level in range(3):
            if limits[level] and counts[level] > limits[level]:
                generation = level
        if generation >= 0:
            gc.collect(generation)


def install(app: QObject) -> MainThreadCollector:
    """Switch ``app``'s process to main-thread collection (once; later calls return the
    same collector)."""
    found = app.findChild(MainThreadCollector, "main-thread-collector")
    return found if isinstance(found, MainThreadCollector) else MainThreadCollector(app)
