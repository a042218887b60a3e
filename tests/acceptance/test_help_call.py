"""A customer calls a mediator, end to end, over plain HTTP (one machine) and over HTTPS
with the pinned certificate (the office): the kiosk's Call button, the call on the
mediator console with a chime and where the customer is stuck, "J'y vais", "Aicha arrive"
on the kiosk, the call finished as helped, the kiosk thanks the customer; the visit's
events reach the hub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kiosk.client.link import HubLink
from kiosk.client.outbox import Outbox
from kiosk.client.session import HubSession
from kiosk.customer.controller import OUTCOME
from kiosk.customer.network import KioskNetwork
from kiosk.hub import tls
from kiosk.hub.db import connect
from kiosk.mediator.console import ConsoleWindow
from tests.customer.conftest import open_kiosk, tap
from tests.hub.conftest import PASSWORD, Hub, make_hub

WAIT = 15_000


@pytest.fixture(params=["http", "https"])
def office(request: pytest.FixtureRequest, tmp_path: Path,
           certs: tuple[tls.CertFiles, tls.CertFiles],
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    """The hub; over HTTPS every client pins its certificate (setting hub_cert_sha256)."""
    if request.param == "https":
        mine = certs[0]
        hub = make_hub(tmp_path / "hub.sqlite3", cert_file=mine.cert, key_file=mine.key)
        monkeypatch.setenv("KIOSK_HUB_CERT_SHA256", mine.sha256)
    else:
        hub = make_hub(tmp_path / "hub.sqlite3")
    yield hub
    hub.server.stop()


def console(qtbot: Any, hub: Hub) -> ConsoleWindow:
    window = ConsoleWindow(hub.url)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.user.setText("aicha")
    window.password.setText(PASSWORD)
    with qtbot.waitSignal(window.client.connectionChanged, timeout=WAIT):
        qtbot.mouseClick(window.submit, Qt.MouseButton.LeftButton)
    return window


def test_a_customer_calls_and_a_mediator_comes(qtbot: Any, office: Hub, library: Any,
                                               settings: Any, clock: Any,
                                               tmp_path: Path) -> None:
    ctrl, window = open_kiosk(qtbot, library, settings, clock, "k1")
    link = HubLink(HubSession(office.url, office.tokens["k1"]), "k1",
                   Outbox(tmp_path / "outbox.sqlite3"), tick_ms=50)
    network = KioskNetwork(ctrl, link, flush_ms=100)
    network.start()
    aicha = console(qtbot, office)
    try:
        ctrl.start_flow("send-parcel")
        tap(qtbot, window.top.help, clock)
        assert ctrl.screen == OUTCOME

        def status() -> str:  # (the screen is drawn afresh at each change)
            return str(window.outcome.status.text())

        qtbot.waitUntil(lambda: "numéro 1" in status(), timeout=WAIT)
        qtbot.waitUntil(lambda: len(aicha.cards) == 1, timeout=WAIT)
        (card,) = aicha.cards.values()
        assert "Envoyer un colis" in card.where.text()
        assert aicha.audio.played == ["chime.wav"]

        qtbot.mouseClick(card.claim, Qt.MouseButton.LeftButton)  # "J'y vais"
        qtbot.waitUntil(lambda: status() == "Aicha arrive pour vous aider.", timeout=WAIT)
        qtbot.waitUntil(lambda: card.finish.isVisible(), timeout=WAIT)
        qtbot.mouseClick(card.finish, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(card.outcome_buttons["helped"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: status() == "Merci ! Le médiateur a terminé.",
                        timeout=WAIT)
        qtbot.waitUntil(lambda: not aicha.cards, timeout=WAIT)
        assert aicha.message.text() == ""  # no error line on the console

        qtbot.waitUntil(lambda: _count(office, "events") >= 3, timeout=WAIT)
        db = connect(office.db)
        row = db.execute("SELECT status, outcome, claimed_by, flow_id FROM help_requests"
                         ).fetchone()
        db.close()
        assert tuple(row) == ("resolved", "helped", "aicha", "send-parcel")
    finally:
        network.stop()
        aicha.shutdown()


def _count(hub: Hub, table: str) -> int:
    db = connect(hub.db)
    try:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        db.close()
