"""A real hub and a logged-in manager app for the manager's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.manager.app import ManagerWindow
from tests.hub.conftest import PASSWORD, Hub, make_hub


@pytest.fixture(autouse=True)
def _quick_preview_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor's real-kiosk preview starts a process per render: only the test about
    it turns it on."""
    from kiosk.manager.editor_preview import PreviewPane

    monkeypatch.setattr(PreviewPane, "REAL_KIOSK", False)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def open_manager(qtbot: Any, hub: Hub, user: str = "manon",
                 password: str = PASSWORD) -> ManagerWindow:
    """The manager app, shown offscreen, logging in."""
    window = ManagerWindow(hub.url, "fr")
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    window.user.setText(user)
    window.password.setText(password)
    window.log_in()
    return window


@pytest.fixture
def manager(qtbot: Any, hub: Hub) -> Iterator[ManagerWindow]:
    window = open_manager(qtbot, hub)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.tabs, timeout=10_000)
    yield window
    window.shutdown()
