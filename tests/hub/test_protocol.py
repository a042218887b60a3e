"""The hub's connection limits (kiosk.hub.protocol) against a real uvicorn: a head too
large gets 431, a head too slow gets 408, a silent connection is closed, an idle HTTPS
connection is cut at once (not left half-open), also when the hub stops."""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.hub import protocol, tls
from tests.hub.conftest import Hub, make_hub


def _raw(hub: Hub) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", hub.server.port), timeout=5)
    return sock


@contextlib.contextmanager
def _tls_after_one_request(hub: Hub, certs: tls.CertFiles) -> Iterator[ssl.SSLSocket]:
    """A TLS connection to ``hub`` that has had one whole answer and is now idle."""
    ctx = ssl.create_default_context(cafile=str(certs.cert))
    ctx.check_hostname = False
    with socket.create_connection(("127.0.0.1", hub.server.port), timeout=10) as raw, \
            ctx.wrap_socket(raw) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        head = b""
        while b'"db"' not in head:
            head += sock.recv(65536)
        yield sock


def _answer(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def test_a_huge_request_head_gets_431(hub: Hub) -> None:
    with _raw(hub) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40_000
                     + b"\r\n\r\n")
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    assert b"larger than 16 KiB" in answer


def test_several_requests_on_one_connection_each_get_their_own_allowance(hub: Hub) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", hub.server.port, timeout=5)
    try:
        for _ in range(3):  # 30 KiB of heads in all, each under the limit
            conn.request("GET", "/api/v1/health", headers={"X-Pad": "b" * 10_000})
            answer = conn.getresponse()
            assert answer.status == 200
            answer.read()
    finally:
        conn.close()


@pytest.fixture
def quick_heads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Hub]:
    monkeypatch.setattr(protocol, "HEAD_SECONDS", 0.3)
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def test_a_head_sent_too_slowly_gets_408(quick_heads: Hub) -> None:
    with _raw(quick_heads) as sock:
        sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHo")  # ...and nothing more
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer


def test_a_connection_that_says_nothing_is_closed(quick_heads: Hub) -> None:
    with _raw(quick_heads) as sock:
        assert _answer(sock) == b""  # closed by the hub, well before the socket's 5 s


def test_an_idle_https_connection_is_cut_at_once(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """After the keep-alive time, the TCP connection ends (the client reads EOF) instead of
    staying half-open for asyncio's 30 s TLS shutdown."""
    certs = tls.make_cert(tmp_path / "tls", ["127.0.0.1"])
    hub = make_hub(tmp_path / "hub.sqlite3", cert_file=certs.cert, key_file=certs.key)
    hub.server.server.config.timeout_keep_alive = 1  # read by each new connection
    try:
        with _tls_after_one_request(hub, certs) as sock:
            sock.settimeout(5)
            assert sock.recv(65536) == b""  # the hub's TLS close_notify, after 1 s
            # ...and the TCP connection itself ends too: half-open, this would time out
            with socket.socket(fileno=os.dup(sock.fileno())) as tcp:
                tcp.settimeout(5)
                assert tcp.recv(1) == b""
    finally:
        hub.server.stop()


def test_a_stopping_hub_cuts_its_idle_https_connections(tmp_path: Path) -> None:
    """A polite TLS close would outlive the hub's event loop: the connection's socket
    would stay open in the stopped hub (and the client never see the end)."""
    certs = tls.make_cert(tmp_path / "tls", ["127.0.0.1"])
    hub = make_hub(tmp_path / "hub.sqlite3", cert_file=certs.cert, key_file=certs.key)
    with _tls_after_one_request(hub, certs) as sock:
        hub.server.stop()
        with socket.socket(fileno=os.dup(sock.fileno())) as tcp:
            tcp.settimeout(5)
            assert tcp.recv(1) == b""  # without the cut: a timeout, the socket left open



@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_stopping_hub_cuts_a_stream_whose_client_never_answers(tmp_path: Path,
                                                                   scheme: str) -> None:
    """A console that never answers the hub's close frame (frozen, or its own loop busy)
    is cut once the grace time is over, not left open in the stopped hub (over TLS the
    polite close waits for the client's own close)."""
    certs = tls.make_cert(tmp_path / "tls", ["127.0.0.1"])
    options = {"cert_file": certs.cert, "key_file": certs.key} if scheme == "https" else {}
    hub = make_hub(tmp_path / "hub.sqlite3", **options)
    raw = _raw(hub)
    if scheme == "https":
        ctx = ssl.create_default_context(cafile=str(certs.cert))
        ctx.check_hostname = False
        raw = ctx.wrap_socket(raw)
    with raw as sock:
        sock.sendall(b"GET /api/v1/stream?token=" + hub.tokens["aicha"].encode() +
                     b" HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     b"Sec-WebSocket-Version: 13\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(65536)
        assert head.startswith(b"HTTP/1.1 101")
        hub.server.stop()  # the client reads nothing: it never answers the close frame
        with socket.socket(fileno=os.dup(sock.fileno())) as tcp:
            tcp.settimeout(5)
            data = b""
            while chunk := tcp.recv(65536):  # the close frame (TLS or not), then the end
                data += chunk
            assert data
