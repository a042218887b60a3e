"""Shared by the client tests: a hub serving HTTPS with a self-signed certificate, its
fingerprint (the pin), and a stranger's certificate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.hub import tls
from tests.hub.conftest import Hub, make_hub


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[tls.CertFiles, tls.CertFiles]:
    """The hub's certificate, and another one (a stranger's)."""
    return (tls.make_cert(tmp_path_factory.mktemp("hub-tls"), ["localhost", "127.0.0.1"]),
            tls.make_cert(tmp_path_factory.mktemp("other-tls"), ["localhost", "127.0.0.1"]))


@pytest.fixture
def https_hub(tmp_path: Path, certs: tuple[tls.CertFiles, tls.CertFiles]) -> Iterator[Hub]:
    mine = certs[0]
    h = make_hub(tmp_path / "hub.sqlite3", cert_file=mine.cert, key_file=mine.key)
    yield h
    h.server.stop()


@pytest.fixture
def right(certs: tuple[tls.CertFiles, tls.CertFiles]) -> str:
    return certs[0].sha256


@pytest.fixture
def wrong(certs: tuple[tls.CertFiles, tls.CertFiles]) -> str:
    return certs[1].sha256.replace(":", "").lower()  # colons or not, either is a pin
