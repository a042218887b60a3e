"""The dashboard's "Mots expliqués" tab against a real hub: the words customers opened
(events ``glossary.opened`` posted through the API) in a table, most opened first, in
the manager's words, for the page's period and kiosk and the flow picked."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.manager.dashboard import DashboardPage
from kiosk.manager.dashboard_glossary import GlossaryView, language_name, word_of
from tests.hub.conftest import Hub
from tests.manager.test_dashboard import open_page

DAY = date.today() - timedelta(days=2)
AT = datetime.combine(DAY, time(11), tzinfo=ZoneInfo("Europe/Paris")).isoformat()


def opened(kiosk: str, term: str, language: str, flow: str, step: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "kiosk_id": kiosk, "session_id": str(uuid.uuid4()),
            "type": "glossary.opened", "flow_id": flow, "step_id": step, "at": AT,
            "data": {"term": term, "language": language}}


@pytest.fixture
def page(qtbot: Any, hub: Hub) -> Iterator[DashboardPage]:
    for kiosk, events in (
            ("k1", [opened("k1", "etiquette", "fr", "send-parcel", "label"),
                    opened("k1", "etiquette", "fr", "send-parcel", "label"),
                    opened("k1", "consigne", "ar", "use-locker", "type-code")]),
            ("k2", [opened("k2", "etiquette", "fr", "send-parcel", "label")])):
        with hub.client(kiosk) as client:
            assert client.post("/events", json=events).status_code == 200
    yield from open_page(qtbot, hub)


def rows(view: GlossaryView) -> list[list[str]]:
    table = view.table
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_the_tab_shows_the_words_opened(qtbot: Any, page: DashboardPage) -> None:
    view = page.glossary_view
    tabs = [page.views.tabText(i) for i in range(page.views.count())]
    assert "Mots expliqués" in tabs
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=10_000)
    assert rows(view) == [
        ["étiquette", "Français", "Envoyer un colis", "label", "3"],
        ["consigne", "Arabic (العربية)", "Utiliser une consigne", "type-code", "1"]]
    assert view.total.text() == "4 explications ouvertes"
    view.picker.setCurrentIndex(view.picker.findData("use-locker"))  # one flow
    qtbot.waitUntil(lambda: [r[0] for r in rows(view)] == ["consigne"], timeout=10_000)
    view.picker.setCurrentIndex(0)
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=10_000)
    page.set_kiosk("k2")  # a kiosk, from the page's filter
    qtbot.waitUntil(lambda: rows(view) == [
        ["étiquette", "Français", "Envoyer un colis", "label", "1"]], timeout=10_000)


def test_an_empty_period_says_so(qtbot: Any, page: DashboardPage) -> None:
    view = page.glossary_view
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=10_000)
    page.set_period(DAY - timedelta(days=40), DAY - timedelta(days=35))
    qtbot.waitUntil(lambda: view.total.text() == "Aucun mot expliqué ouvert sur cette période.",
                    timeout=10_000)
    assert view.table.rowCount() == 0


def test_words_and_languages_in_the_managers_words() -> None:
    assert word_of("etiquette", "en") == "label"
    assert word_of("etiquette", "fr") == "étiquette"
    assert word_of("unknown-term", "fr") == "unknown-term"
    assert language_name("fr", "fr") == "Français"
    assert language_name("ar", "en") == "Arabic (العربية)"
    assert language_name("zz", "fr") == "zz"
