"""The manager app's shell: log in (managers only), one tab per job."""

from __future__ import annotations

from typing import Any

from kiosk.manager.app import PAGES, ManagerWindow
from tests.hub.conftest import Hub
from tests.manager.conftest import open_manager


def test_a_manager_sees_every_tab(manager: ManagerWindow) -> None:
    assert [manager.tabs.tabText(i) for i in range(manager.tabs.count())] == [
        "Parcours", "Tableau de bord", "Bornes", "Ateliers", "Comptes", "Région"]
    assert set(manager.pages) == set(PAGES)


def test_a_mediator_cannot_open_the_manager_app(qtbot: Any, hub: Hub) -> None:
    window = open_manager(qtbot, hub, "aicha")
    qtbot.waitUntil(lambda: window.login_error.text() != "", timeout=10_000)
    assert window.login_error.text() == "Ce compte n’est pas un compte de responsable."
    assert window.stack.currentWidget() is not window.tabs
    window.shutdown()


def test_a_wrong_password_is_said_plainly(qtbot: Any, hub: Hub) -> None:
    window = open_manager(qtbot, hub, password="nope")
    qtbot.waitUntil(lambda: window.login_error.text() != "", timeout=10_000)
    assert window.login_error.text() == "Identifiant ou mot de passe incorrect."
    window.shutdown()


def test_the_window_fits_a_small_office_screen(qtbot: Any, manager: ManagerWindow) -> None:
    """1366 x 768 less a desktop panel and a title bar, with a flow open in the editor and
    every tab built: the window never asks for more (lists, history and text boxes grow
    with the window; the step form scrolls sideways)."""
    page = manager.page("flows")
    qtbot.waitUntil(lambda: page.doc is not None and page.idle(), timeout=20_000)
    for name in PAGES:
        manager.show_page(name)
    page.tabs.setCurrentWidget(page.history)
    hint = manager.minimumSizeHint()
    assert hint.width() <= 1366, hint
    assert hint.height() <= 706, hint
