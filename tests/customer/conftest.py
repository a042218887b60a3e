from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kiosk import config, paths
from kiosk.customer.controller import KioskController
from kiosk.customer.window import KioskWindow
from kiosk.flows.library import FlowLibrary
from tests.clock import FakeClock

_LIBRARY = FlowLibrary([paths.builtin_flows_dir()])
_LIBRARY.load()


@pytest.fixture
def library() -> FlowLibrary:
    return _LIBRARY


@pytest.fixture
def settings() -> dict[str, Any]:
    return config.load({"inactivity_seconds": 0.2, "more_time_seconds": 0.3})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def open_kiosk(qtbot: Any, library: FlowLibrary, settings: dict[str, Any], clock: FakeClock,
               kiosk_id: str = "test-kiosk") -> tuple[KioskController, KioskWindow]:
    """A windowed kiosk, shown offscreen, its guard installed and on the test's clock."""
    ctrl = KioskController(library, kiosk_id, settings=settings)
    window = KioskWindow(ctrl, settings, lockdown=False)
    window.shuttingDown.connect(ctrl.stop_timers)  # the help screen's timers too
    window.guard.clock = clock
    window.resize(1920, 1080)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.guard_installed)
    return ctrl, window


@pytest.fixture
def kiosk(qtbot: Any, library: FlowLibrary, settings: dict[str, Any],
          clock: FakeClock) -> Iterator[tuple[KioskController, KioskWindow]]:
    ctrl, window = open_kiosk(qtbot, library, settings, clock)
    yield ctrl, window
    import shiboken6

    if shiboken6.isValid(window):  # else pytest-qt closed it already (closing shuts it down)
        window.shutdown()


def tap(qtbot: Any, widget: Any, clock: FakeClock) -> None:
    """A finger tap, well after the previous one."""
    from PySide6.QtCore import Qt

    clock.now += 1.0
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
