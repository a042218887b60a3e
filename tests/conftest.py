"""Test setup: offscreen Qt, private data/cache folders, and a guard that fails any test
leaving threads, thread-pool jobs or active timers behind."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
_HOME = tempfile.mkdtemp(prefix="kiosk-tests-")
for var, sub in (("KIOSK_DATA_DIR", "data"), ("KIOSK_CACHE_DIR", "cache"),
                 ("KIOSK_CONFIG_DIR", "config"), ("KIOSK_SYSTEM_CONFIG_DIR", "etc")):
    os.environ[var] = str(Path(_HOME) / sub)
for name in list(os.environ):
    if name.startswith("KIOSK_") and name not in ("KIOSK_DATA_DIR", "KIOSK_CACHE_DIR",
                                                  "KIOSK_CONFIG_DIR", "KIOSK_SYSTEM_CONFIG_DIR"):
        del os.environ[name]

from tests.audio import start_null_sink  # noqa: E402

#: Qt finds its audio devices once per process: the null sink must exist before Qt starts
AUDIO = start_null_sink(Path(_HOME) / "pulse")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _no_leftovers() -> Iterator[None]:
    """A test must stop what it starts: threads, pool jobs and Qt timers."""
    before = set(threading.enumerate())
    yield
    try:
        from PySide6.QtCore import QThread, QThreadPool, QTimer
        from PySide6.QtWidgets import QApplication
    except ImportError:  # pragma: no cover
        return
    app = QApplication.instance()
    if app is not None:
        # generous: a loaded machine is slow, not leaking
        assert QThreadPool.globalInstance().waitForDone(30_000), "background jobs still running"
        app.processEvents()
        active = [f"{w.__class__.__name__}.{t.objectName() or 'timer'}"
                  for w in QApplication.allWidgets() for t in w.findChildren(QTimer)
                  if t.isActive()]
        assert not active, f"timers left running: {active}"
        owners = [app, *QApplication.allWidgets()]
        running = [t for o in owners for t in o.findChildren(QThread) if t.isRunning()]
        assert not running, f"QThreads left running: {running}"
    leftover = [t.name for t in threading.enumerate()
                if t not in before and t.is_alive() and not t.daemon]
    assert not leftover, f"threads left running: {leftover}"
