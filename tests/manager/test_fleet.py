"""The kiosks page against a real hub: online or offline from real heartbeats, relative
times, flow versions compared with the published ones, voice state, outbox, software
version; refreshed on show and every 15 s only while shown."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from kiosk.client.staff import StaffClient
from kiosk.i18n import catalog
from kiosk.manager.fleet import REFRESH_MS, FleetPage, ago, flow_state
from tests.hub.conftest import Hub
from tests.hub.test_flows_api import put_yaml, retitled


def open_page(qtbot: Any, hub: Hub, page_class: type[QWidget], user: str = "manon") -> Any:
    """One office page on its own, with a client holding ``user``'s token, shown."""
    client = StaffClient(hub.url, follow=False)
    client.token, client.user = hub.tokens[user], user
    page = page_class(client, "fr")
    client.setParent(page)
    qtbot.addWidget(page)
    page.resize(1500, 900)
    page.show()
    return page


def close_page(page: Any) -> None:
    if hasattr(page, "shutdown"):
        page.shutdown()
    page.client.close()


@pytest.fixture
def fleet(qtbot: Any, hub: Hub) -> Iterator[FleetPage]:
    page = open_page(qtbot, hub, FleetPage)
    yield page
    close_page(page)


def beat(hub: Hub, kiosk: str, **info: Any) -> None:
    with hub.client(kiosk) as k:
        assert k.post(f"/kiosks/{kiosk}/heartbeat", json=info).status_code == 200


def published(hub: Hub) -> dict[str, int]:
    with hub.client("manon") as m:
        return {f["id"]: f["version"] for f in m.get("/flows").json()["items"] if f["version"]}


def test_online_offline_versions_voice_and_outbox(qtbot: Any, hub: Hub) -> None:
    with hub.client("manon") as m:  # send-parcel v2: a kiosk still on v1 is behind
        assert put_yaml(m, "send-parcel", retitled("send-parcel", "Envoyer un colis !")
                        ).status_code == 200
        assert m.post("/flows/send-parcel/publish").status_code == 200
    current = published(hub)
    assert current["send-parcel"] == 2
    beat(hub, "k1", flows={**current, "send-parcel": 1}, voice="ok", outbox=3, version="1.4.0")
    beat(hub, "k2", flows=current, voice="unavailable: no French voice", outbox=0,
         version="1.5.0")
    long_ago = (datetime.now(UTC) - timedelta(minutes=3)).isoformat(timespec="milliseconds")
    with sqlite3.connect(hub.db) as db:  # k2 went quiet three minutes ago
        db.execute("UPDATE kiosks SET last_heartbeat = ? WHERE name = 'k2'", [long_ago])
    page = open_page(qtbot, hub, FleetPage)
    try:
        qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10_000)
        k1, k2 = page.row("k1"), page.row("k2")
        assert k1["state"] == "● En ligne"
        assert k1["heartbeat"] == "à l’instant"
        assert k1["flows"] == "⚠ Pas à jour : send-parcel v1 (actuelle v2)"
        assert k1["voice"] == "Voix active"
        assert k1["outbox"] == "⚠ 3"
        assert k1["version"] == "1.4.0"
        assert k2["state"] == "✖ Hors ligne"
        assert k2["heartbeat"] == "il y a 3 min"
        assert k2["flows"] == f"✔ À jour ({len(current)} parcours)"
        assert k2["voice"] == "Voix indisponible : no French voice"
        assert (k2["outbox"], k2["version"]) == ("0", "1.5.0")
        assert page.summary.text() == "1 en ligne sur 2"
        assert "send-parcel v2" in page.published.text()
        # the state is said in words and shown in colour
        state = page.table.item(0, 1)
        assert state.foreground().color().name() != state.background().color().name()
    finally:
        close_page(page)


def test_a_kiosk_never_heard_of_and_the_periodic_refresh(qtbot: Any, hub: Hub,
                                                         fleet: FleetPage) -> None:
    qtbot.waitUntil(lambda: fleet.table.rowCount() == 2, timeout=10_000)
    assert fleet.row("k1")["heartbeat"] == "jamais"
    assert fleet.row("k1")["state"] == "✖ Hors ligne"
    assert fleet.row("k1")["flows"] == "Aucun parcours signalé"
    assert fleet.row("k1")["voice"] == "Non signalée"
    assert fleet.timer.isActive()
    assert fleet.timer.interval() == REFRESH_MS == 15_000
    beat(hub, "k1", flows=published(hub), voice="off", outbox=0, version="1.4.0")
    fleet.timer.timeout.emit()  # as 15 s later
    qtbot.waitUntil(lambda: fleet.row("k1")["state"] == "● En ligne", timeout=10_000)
    assert fleet.row("k1")["voice"] == "Voix coupée"
    assert fleet.row("k1")["flows"].startswith("✔ À jour")


def test_the_timer_runs_only_while_the_page_is_shown(qtbot: Any, fleet: FleetPage) -> None:
    assert fleet.timer.isActive()
    fleet.hide()
    assert not fleet.timer.isActive()
    fleet.show()
    assert fleet.timer.isActive()
    fleet.shutdown()
    assert not fleet.timer.isActive()
    fleet.hide()
    fleet.show()
    assert not fleet.timer.isActive()


def test_hub_unreachable_is_said_plainly(qtbot: Any, hub: Hub, fleet: FleetPage) -> None:
    qtbot.waitUntil(lambda: fleet.table.rowCount() == 2, timeout=10_000)
    hub.server.stop()
    fleet.refresh()
    qtbot.waitUntil(lambda: "ne répond pas" in fleet.status.text(), timeout=20_000)
    assert fleet.table.rowCount() == 2  # what was known stays on screen


def test_relative_times_and_version_words() -> None:
    t = catalog("fr", "manager/office").t
    now = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
    for delta, text in ((timedelta(seconds=3), "à l’instant"), (timedelta(seconds=42), "il y a 42 s"),
                        (timedelta(minutes=2, seconds=5), "il y a 2 min"),
                        (timedelta(hours=5), "il y a 5 h"), (timedelta(days=3), "il y a 3 j")):
        assert ago(t, (now - delta).isoformat(), now) == text
    assert ago(t, None, now) == "jamais"
    assert flow_state(t, {"a": 2, "b": 1}, {"a": 2, "b": 1}) == ("✔ À jour (2 parcours)", False)
    assert flow_state(t, {"a": 2}, {"a": 2, "b": 3}) == (
        "⚠ Pas à jour : b absent (actuelle v3)", True)


def test_office_catalogs_match() -> None:
    import string

    fr, en = catalog("fr", "manager/office"), catalog("en", "manager/office")
    keys = fr.keys()
    assert keys == en.keys()
    fields = string.Formatter()
    for key in keys:  # a count string: its forms (each says its number, or not)
        ours = {f for text in (fr.forms(key).values() or [fr.t(key)])
                for _, f, _, _ in fields.parse(text) if f}
        theirs = {f for text in (en.forms(key).values() or [en.t(key)])
                  for _, f, _, _ in fields.parse(text) if f}
        assert ours == theirs, key


def test_refused_help_calls_are_counted_and_listed_with_their_reason(qtbot: Any, hub: Hub) -> None:
    from tests.hub.test_help_requests import call

    with hub.client("k2") as k:  # a call the hub cannot take: a flow id too long
        assert k.post("/help-requests", json=call(kiosk="k2", flow_id="x" * 80)
                      ).status_code == 422
    beat(hub, "k2", voice="ok")
    page = open_page(qtbot, hub, FleetPage)
    try:
        qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10_000)
        assert page.row("k2")["refused"] == "⚠ 1"
        assert page.row("k1")["refused"] == "0"
        qtbot.waitUntil(lambda: page.refused.isVisible(), timeout=10_000)
        text = page.refused.text()
        assert text.startswith("Appels refusés par le hub")
        assert "k2" in text
        assert "flow_id" in text
    finally:
        close_page(page)
