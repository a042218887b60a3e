"""Over HTTPS with a pinned certificate, as the office runs it: after 7 s without
traffic (longer than the hub keeps an idle connection), a mediator's action and a
kiosk's help call are each answered at once, not after a 15 s hang or an error. The hub
cuts idle HTTPS connections outright (kiosk.hub.protocol); the clients send a request that
met a connection closed under them once more, on a fresh one, where that is safe
(kiosk.client.http) — each fix alone is enough, and each is tested alone here."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kiosk.client.http import safe_to_repeat
from kiosk.client.link import HubLink
from kiosk.client.outbox import Outbox
from kiosk.client.session import HubSession
from kiosk.client.staff import StaffClient
from kiosk.hub import protocol, tls
from tests.hub.conftest import PASSWORD, Hub, make_hub
from tests.hub.test_help_requests import call

IDLE_MS = 7000  # the hub drops an idle connection after 5 s


def _hub(tmp_path: Path, certs: tuple[tls.CertFiles, tls.CertFiles]) -> Hub:
    return make_hub(tmp_path / "hub.sqlite3", cert_file=certs[0].cert, key_file=certs[0].key)


@pytest.fixture
def polite_hub(tmp_path: Path, certs: tuple[tls.CertFiles, tls.CertFiles],
               monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    """A hub that closes idle HTTPS connections the polite way (TLS close_notify, then
    waiting for the client's), as uvicorn alone does, or a TLS proxy might."""
    monkeypatch.setattr(protocol.HubHttpProtocol, "timeout_keep_alive_handler",
                        HttpToolsProtocol.timeout_keep_alive_handler)
    h = _hub(tmp_path, certs)
    yield h
    h.server.stop()


def _staff(qtbot: Any, hub: Hub, pin: str) -> StaffClient:
    client = StaffClient(hub.url, follow=False, cert_sha256=pin)
    with qtbot.waitSignal(client.loggedIn, timeout=10_000):
        client.login("aicha", PASSWORD)
    return client


def _kiosk(qtbot: Any, hub: Hub, pin: str, tmp_path: Path) -> HubLink:
    link = HubLink(HubSession(hub.url, hub.tokens["k1"], pin), "k1",
                   Outbox(tmp_path / "outbox.sqlite3"), tick_ms=50)
    with qtbot.waitSignal(link.onlineChanged, timeout=10_000):
        link.start()  # its heartbeat leaves a kept-alive connection behind
    return link


def _after_idle(qtbot: Any, hub: Hub, pin: str, tmp_path: Path) -> tuple[float, float]:
    """Seconds a claim and a help call take after IDLE_MS without traffic."""
    with hub.client("k1") as k:
        waiting = call()
        k.post("/help-requests", json=waiting).raise_for_status()
    staff = _staff(qtbot, hub, pin)
    link = _kiosk(qtbot, hub, pin, tmp_path)
    link.beat.stop()  # no heartbeat during the idle time
    try:
        qtbot.wait(IDLE_MS)
        failures: list[Any] = []
        staff.actionFailed.connect(lambda *args: failures.append(args))
        start = time.monotonic()
        with qtbot.waitSignal(staff.actionDone, timeout=20_000):
            staff.claim(waiting["id"])
        claim_s = time.monotonic() - start
        assert not failures
        start = time.monotonic()
        link.call_help({"language": "fr", "flow_id": "send-parcel", "step_id": "weigh"})
        qtbot.waitUntil(lambda: len(link.outbox) == 0, timeout=20_000)
        call_s = time.monotonic() - start
        assert link.help.get("status") == "queued"
        return claim_s, call_s
    finally:
        link.stop()
        link.session.close()
        staff.close()


def test_after_7s_idle_a_claim_and_a_help_call_answer_at_once(
        qtbot: Any, tmp_path: Path, certs: tuple[tls.CertFiles, tls.CertFiles]) -> None:
    hub = _hub(tmp_path, certs)
    try:
        claim_s, call_s = _after_idle(qtbot, hub, certs[0].sha256, tmp_path)
    finally:
        hub.server.stop()
    assert claim_s < 1.0  # a hang would be the 15 s transfer timeout
    assert call_s < 1.0


def test_the_clients_alone_recover_from_a_politely_closed_connection(
        qtbot: Any, polite_hub: Hub, certs: tuple[tls.CertFiles, tls.CertFiles],
        tmp_path: Path) -> None:
    claim_s, call_s = _after_idle(qtbot, polite_hub, certs[0].sha256, tmp_path)
    assert claim_s < 1.0
    assert call_s < 1.0


def test_only_requests_that_are_safe_to_repeat_are_repeated() -> None:
    for method, path in (("GET", "/help-requests"), ("PUT", "/flows/x"),
                         ("POST", "/help-requests"), ("POST", "/help-requests/abc/claim"),
                         ("POST", "/help-requests/abc/resolve"), ("POST", "/events"),
                         ("POST", "/help-requests/abc/note"), ("PUT", "/presence"),
                         ("POST", "/kiosks/k1/heartbeat"), ("POST", "/auth/login")):
        assert safe_to_repeat(method, path), (method, path)
    for method, path in (("POST", "/flows/x/publish"), ("POST", "/workshops"),
                         ("POST", "/workshops/3/registrations"), ("POST", "/users"),
                         ("POST", "/help-requests/abc/claim/extra"),
                         ("POST", "/help-requests/abc/accept"),
                         ("POST", "/help-requests/abc/handover"), ("POST", "/auth/logout")):
        assert not safe_to_repeat(method, path), (method, path)


def test_the_consoles_error_line_clears_on_the_next_success(
        qtbot: Any, https_hub: Hub, right: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import Qt

    from kiosk.mediator.console import ConsoleWindow

    monkeypatch.setenv("KIOSK_HUB_CERT_SHA256", right)  # the console's pin, as in an office
    window = ConsoleWindow(https_hub.url)
    qtbot.addWidget(window)
    window.show()
    window.user.setText("aicha")
    window.password.setText(PASSWORD)
    try:
        with qtbot.waitSignal(window.client.connectionChanged, timeout=10_000):
            qtbot.mouseClick(window.submit, Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(window.client.actionFailed, timeout=10_000):
            window.client.claim("00000000-0000-4000-8000-000000000000")  # no such call
        assert window.message.text() == "Cet appel n'existe plus."
        body = call()
        with https_hub.client("k1") as k:
            k.post("/help-requests", json=body).raise_for_status()
        qtbot.waitUntil(lambda: body["id"] in window.cards, timeout=10_000)
        with qtbot.waitSignal(window.client.actionDone, timeout=10_000):
            qtbot.mouseClick(window.cards[body["id"]].claim, Qt.MouseButton.LeftButton)
        assert window.message.text() == ""
    finally:
        window.shutdown()
