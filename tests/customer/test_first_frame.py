"""The kiosk's first frame: the real home screen, laid out once for the real screen."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.customer.app import build
from kiosk.ui.qt import FirstPaint, settle


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768), (1080, 1920)])
def test_the_first_frame_is_the_real_home_screen(qtbot: Any, library: Any, settings: Any,
                                                 size: tuple[int, int]) -> None:
    """Sized before its first render (as `kiosk run` does), the kiosk paints its home
    screen whole in the first frame, and the first turns of the loop do not lay it out
    again (a new widget believes it is 640 px wide: one column, then three)."""
    _ctrl, window = build(settings, lockdown=False, library=library, size=size)
    qtbot.addWidget(window)
    home = window.home
    buttons = list(home.flow_buttons)
    seen: dict[str, Any] = {}

    def painted() -> None:
        seen["visible"] = all(b.isVisible() for b in home.flow_buttons)
        seen["buttons"] = list(home.flow_buttons)

    FirstPaint(window, painted)
    window.show()
    qtbot.waitUntil(lambda: "visible" in seen)
    settle()
    assert seen["visible"]
    assert seen["buttons"] == buttons == home.flow_buttons  # never rebuilt
    assert len(buttons) == 9
    window.shutdown()
