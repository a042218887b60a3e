"""ManagerWindow: the office manager's app. A login page, then one tab per job: flows
(edit, preview, publish), dashboard, kiosks (fleet), workshops, accounts, and the region
(every office's Parquet exports in one folder, read by ``kiosk.region``).

Each tab is a page class in its own module, built after login with the shared
``StaffClient`` and the app's language; a page's ``refresh()`` runs when it is shown.
Pages talk to the hub only through ``kiosk.client``. At a manager's first login a short
guided tour shows what each tab is for (``kiosk.ui.tour``); the Help button replays it.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from kiosk.client.staff import StaffClient, set_language
from kiosk.i18n import catalog
from kiosk.ui.login import LoginForm
from kiosk.ui.theme import stylesheet
from kiosk.ui.tour import Tour, TourStep, first_time, help_button, mark_seen

log = logging.getLogger(__name__)

#: tab name -> "module:class"; each class is ``Page(client, language)``
PAGES = {
    "flows": "kiosk.manager.editor:EditorPage",
    "dashboard": "kiosk.manager.dashboard:DashboardPage",
    "fleet": "kiosk.manager.fleet:FleetPage",
    "workshops": "kiosk.manager.workshops:WorkshopsPage",
    "accounts": "kiosk.manager.accounts:AccountsPage",
    "region": "kiosk.manager.region:RegionPage",
}


class Page(Protocol):
    def refresh(self) -> None: ...


class ManagerWindow(QWidget):
    def __init__(self, hub_url: str, language: str = "fr") -> None:
        super().__init__()
        self.setObjectName("KioskRoot")
        self.language = language
        set_language(language)
        self.strings = catalog(language, "manager")
        self.setWindowTitle(self.strings.t("login.title"))
        self.setStyleSheet(stylesheet("default", 0.75) + "\n" + manager_style())
        self.client = StaffClient(hub_url, self, follow=False)
        self.me = ""
        self.pages: dict[str, Any] = {}
        self.stack = QStackedWidget()
        QVBoxLayout(self).addWidget(self.stack)
        self.login = LoginForm(self.strings, self.client)
        self.user, self.password = self.login.user, self.login.password
        self.submit, self.login_error = self.login.submit, self.login.error
        self.stack.addWidget(self.login)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.help = help_button(self.strings.t("tour.button"))
        self.help.clicked.connect(self.show_tour)
        self.tabs.setCornerWidget(self.help, Qt.Corner.TopRightCorner)
        self.stack.addWidget(self.tabs)
        self.tour = Tour(self, self.strings)
        self.tour.finished.connect(lambda _how: mark_seen("manager", self.me))
        self.client.loggedIn.connect(self._logged_in)
        self.client.sessionEnded.connect(self._session_ended)

    def _logged_in(self, user: str, role: str) -> None:
        if role != "manager":
            self.login_error.setText(self.strings.t("login.not_manager"))
            self.client.token = ""
            return
        self.me = user
        self.password.clear()
        if not self.pages:
            self._build_pages()
        self.stack.setCurrentWidget(self.tabs)
        self._tab_shown(self.tabs.currentIndex())
        if first_time("manager", user):
            self.show_tour()

    def _session_ended(self, _why: str) -> None:
        """The hub no longer takes this login: back to the login page."""
        self.stack.setCurrentWidget(self.login)
        self.login.session_ended()

    def _build_pages(self) -> None:
        for name, target in PAGES.items():
            module, cls = target.split(":")
            page = getattr(importlib.import_module(module), cls)(self.client, self.language)
            page.setObjectName(f"page-{name}")
            self.pages[name] = page
            self.tabs.addTab(page, self.strings.t(f"tabs.{name}"))

    def log_in(self) -> None:
        self.login.log_in()

    def show_tour(self) -> None:
        """The guided tour: each tab and what it is for, then Help."""
        t, bar = self.strings.t, self.tabs.tabBar()

        def tab(index: int) -> Any:
            return lambda: (bar, bar.tabRect(index))

        steps = [TourStep(self.tabs.tabText(i), t(f"tour.{name}"), tab(i))
                 for name, page in self.pages.items() if (i := self.tabs.indexOf(page)) >= 0]
        steps.append(TourStep(t("tour.help.title"), t("tour.help.text"), lambda: self.help))
        self.tour.start(steps)

    def page(self, name: str) -> Any:
        return self.pages[name]

    def show_page(self, name: str) -> None:
        self.tabs.setCurrentWidget(self.pages[name])

    def current_page(self) -> Any:
        """The page of the tab shown."""
        return self.tabs.currentWidget()

    def _tab_shown(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is not None and hasattr(page, "refresh"):
            page.refresh()

    def shutdown(self) -> None:
        for page in self.pages.values():
            if hasattr(page, "shutdown"):
                page.shutdown()
        self.client.close()


def manager_style() -> str:
    """Desk-app touches on top of the kiosk theme: denser tables, tabs that read well."""
    return """
QTabBar::tab { padding: 10px 22px; font-size: 20px; }
QTableView, QTreeView, QListView { font-size: 18px; }
QHeaderView::section { font-size: 18px; padding: 6px; }
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QDateEdit, QSpinBox { font-size: 18px; }
"""
