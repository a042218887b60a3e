"""The Qt clients against a real hub serving HTTPS on 127.0.0.1 with a self-signed
certificate: with the right fingerprint they work (kiosk link, staff client, flow sync,
the WebSocket stream); with a wrong one, or none, nothing is sent and the log says why;
plain HTTP beyond this machine is refused before a byte leaves."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl

from kiosk.client.flowsync import FlowSync
from kiosk.client.link import HubLink
from kiosk.client.outbox import Outbox
from kiosk.client.session import HubSession
from kiosk.client.staff import StaffClient
from kiosk.client.tls import HubTls, HubWebSocket
from kiosk.hub import tls
from tests.hub.conftest import PASSWORD, Hub, make_hub


def make_link(hub: Hub, tmp_path: Path, pin: str | None) -> HubLink:
    return HubLink(HubSession(hub.url, hub.tokens["k1"], pin), "k1",
                   Outbox(tmp_path / "outbox.sqlite3"), tick_ms=50)


def last_errors(outbox: Outbox) -> list[str]:
    with sqlite3.connect(outbox.path) as db:
        return [row[0] or "" for row in db.execute("SELECT last_error FROM items")]


@pytest.fixture
def eyes(https_hub: Hub) -> Any:
    """httpx on the test's side, checking the hub's certificate with its own file."""
    import httpx

    def client(who: str) -> httpx.Client:
        return httpx.Client(base_url=f"{https_hub.url}/api/v1", timeout=10,
                            verify=_context(https_hub),
                            headers={"Authorization": f"Bearer {https_hub.tokens[who]}"})

    return client


def _context(hub: Hub) -> Any:
    import ssl

    cert = Path(str(hub.server.server.config.ssl_certfile))
    ctx = ssl.create_default_context(cafile=str(cert))
    ctx.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return ctx


def test_a_kiosk_with_the_right_pin_delivers_a_help_call(qtbot: Any, https_hub: Hub, right: str,
                                                          tmp_path: Path, eyes: Any) -> None:
    link = make_link(https_hub, tmp_path, right)
    link.start()
    try:
        request_id = link.call_help({"language": "fr", "flow_id": "send-parcel", "step_id": "weigh"})
        qtbot.waitUntil(lambda: link.help.get("status") == "queued", timeout=10_000)
        assert len(link.outbox) == 0
        assert link.online
        with eyes("aicha") as a:
            assert a.get(f"/help-requests/{request_id}").json()["kiosk_id"] == "k1"
    finally:
        link.stop()
        link.session.close()
    assert link.http.access.tls.last_refusal == ""


@pytest.mark.parametrize("pin", ["wrong", "none"])
def test_a_kiosk_with_a_wrong_pin_or_none_never_delivers_and_says_why(
        qtbot: Any, https_hub: Hub, wrong: str, tmp_path: Path, eyes: Any,
        caplog: pytest.LogCaptureFixture, pin: str) -> None:
    link = make_link(https_hub, tmp_path, wrong if pin == "wrong" else "")
    with qtbot.waitSignal(link.onlineChanged, timeout=10_000) as offline:
        link.start()
    assert offline.args == [False]
    try:
        link.call_help({"language": "fr"})
        qtbot.waitUntil(lambda: any(last_errors(link.outbox)), timeout=10_000)
    finally:
        link.stop()
        link.session.close()
    reason = last_errors(link.outbox)[0]
    if pin == "wrong":
        assert "not the pinned" in reason
        assert tls.cert_sha256(Path(str(https_hub.server.server.config.ssl_certfile))) in reason
    else:
        assert "not trusted by this system" in reason
        assert "hub_cert_sha256" in reason
    assert reason == link.http.access.tls.last_refusal
    assert len(link.outbox) == 1
    assert any(reason in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    with eyes("aicha") as a:
        assert a.get("/help-requests").json()["items"] == []


def test_plain_http_to_another_machine_is_refused_before_sending(qtbot: Any,
                                                                 tmp_path: Path) -> None:
    link = HubLink(HubSession("http://192.0.2.10:8765", "token", ""), "k1",
                   Outbox(tmp_path / "o.sqlite3"), tick_ms=50)
    with qtbot.waitSignal(link.onlineChanged, timeout=10_000):
        link.start()
    try:
        link.call_help({"language": "fr"})
        qtbot.waitUntil(lambda: any(last_errors(link.outbox)), timeout=10_000)
    finally:
        link.stop()
        link.session.close()
    assert "refusing plain HTTP to 192.0.2.10" in last_errors(link.outbox)[0]
    # the stream is refused too, without a connection attempt
    socket = HubWebSocket(HubTls("http://192.0.2.10:8765", ""))
    socket.open(QUrl("ws://192.0.2.10:8765/api/v1/stream?token=t"))
    assert socket.state().name == "UnconnectedState"
    assert "refusing plain HTTP" in socket.tls.last_refusal


def log_in(qtbot: Any, client: StaffClient) -> tuple[list[Any], list[Any]]:
    ok: list[Any] = []
    failed: list[Any] = []
    client.loggedIn.connect(lambda *a: ok.append(a))
    client.loginFailed.connect(lambda *a: failed.append(a))
    client.login("aicha", PASSWORD)
    qtbot.waitUntil(lambda: bool(ok or failed), timeout=10_000)
    return ok, failed


def test_staff_log_in_only_with_the_right_pin(qtbot: Any, https_hub: Hub, right: str,
                                              wrong: str) -> None:
    good = StaffClient(https_hub.url, follow=False, cert_sha256=right)
    bad = StaffClient(https_hub.url, follow=False, cert_sha256=wrong)
    try:
        ok, failed = log_in(qtbot, good)
        assert ok == [("aicha", "mediator")]
        assert not failed
        ok, failed = log_in(qtbot, bad)
        assert not ok
        assert failed[0][0] is None
        assert "not the pinned" in failed[0][1]
        assert bad.token == ""
    finally:
        good.close()
        bad.close()


def test_the_stream_follows_calls_with_the_right_pin(qtbot: Any, https_hub: Hub, right: str,
                                                     eyes: Any) -> None:
    client = StaffClient(https_hub.url, cert_sha256=right)
    try:
        with qtbot.waitSignal(client.connectionChanged, timeout=10_000) as up:
            log_in(qtbot, client)
        assert up.args == [True]
        with qtbot.waitSignal(client.changed, timeout=10_000) as message, eyes("k1") as k:
            k.post("/help-requests", json={"id": "5b1c1a5e-0000-4000-8000-000000000001",
                                           "kiosk_id": "k1", "language": "fr",
                                           "kind": "help"}).raise_for_status()
        assert message.args[0] == "help.created"
        assert client.http.access.tls.last_refusal == ""
    finally:
        if client.connected:  # the closing handshake ends before the hub stops
            with qtbot.waitSignal(client.connectionChanged, timeout=10_000):
                client.close()
        client.close()


def test_the_stream_refuses_another_certificate(qtbot: Any, https_hub: Hub, tmp_path: Path,
                                                right: str, wrong: str,
                                                certs: tuple[tls.CertFiles, tls.CertFiles]) -> None:
    """A stream socket that once accepted the hub's certificate still refuses another
    one: what it learnt to ignore belongs to that certificate only."""
    url = https_hub.url.replace("https", "wss") + \
        f"/api/v1/stream?token={https_hub.tokens['aicha']}"
    stranger = certs[1]
    impostor = make_hub(tmp_path / "impostor.sqlite3", cert_file=stranger.cert,
                        key_file=stranger.key)
    sock = HubWebSocket(HubTls(https_hub.url, right))
    try:
        with qtbot.waitSignal(sock.connected, timeout=10_000):
            sock.open(QUrl(url))
        with qtbot.waitSignal(sock.disconnected, timeout=10_000):
            sock.close()
        connected: list[bool] = []
        sock.connected.connect(lambda: connected.append(True))
        with qtbot.waitSignal(sock.tls.refused, timeout=10_000) as refused:
            sock.open(QUrl(impostor.url.replace("https", "wss") +
                           f"/api/v1/stream?token={impostor.tokens['aicha']}"))
        assert "not the pinned" in refused.args[0]
        qtbot.waitUntil(lambda: sock.state().name == "UnconnectedState", timeout=10_000)
        assert not connected
        # a fresh socket with the stranger's pin gets in there, and not at the hub's
        other = HubWebSocket(HubTls(https_hub.url, wrong))
        with qtbot.waitSignal(other.tls.refused, timeout=10_000):
            other.open(QUrl(url))
        qtbot.waitUntil(lambda: other.state().name == "UnconnectedState", timeout=10_000)
    finally:
        sock.abort()
        impostor.server.stop()


def test_flow_sync_downloads_over_https(qtbot: Any, https_hub: Hub, right: str,
                                        tmp_path: Path) -> None:
    session = HubSession(https_hub.url, https_hub.tokens["k1"], right)
    sync = FlowSync(session, tmp_path / "flows", check_ms=60_000)
    try:
        with qtbot.waitSignal(sync.downloaded, timeout=15_000) as got:
            sync.start()
        assert (tmp_path / "flows" / f"{got.args[0]}.yaml").is_file()
    finally:
        sync.stop()
        session.close()
