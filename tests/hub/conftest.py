"""A real hub: uvicorn on 127.0.0.1 (a free port), a real SQLite file, real accounts."""

from __future__ import annotations

import atexit
import shutil
import ssl
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.hub import auth
from kiosk.hub.db import connect, migrate
from kiosk.hub.server import HubServer

PASSWORD = "correct-horse"


@dataclass
class Hub:
    server: HubServer
    db: Path
    tokens: dict[str, str]  # name -> bearer token (kiosks k1, k2; aicha, bruno; manon)

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, who: str | None = None) -> httpx.Client:
        """httpx on the test's side (over HTTPS, trusting the hub's own certificate)."""
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=10,
                            verify=self._trust())

    def _trust(self) -> ssl.SSLContext | bool:
        cert = self.server.server.config.ssl_certfile
        if not cert:
            return True
        ctx = ssl.create_default_context(cafile=str(cert))
        ctx.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
        return ctx


_TEMPLATE: tuple[Path, dict[str, str]] | None = None


def _template() -> tuple[Path, dict[str, str]]:
    """A database with the accounts and their tokens, made once per test run (password
    hashes are slow on purpose) and copied for each hub."""
    global _TEMPLATE
    if _TEMPLATE is None:
        folder = Path(tempfile.mkdtemp(prefix="hub-template-"))
        atexit.register(shutil.rmtree, folder, True)
        db = folder / "hub.sqlite3"
        conn = connect(db)
        migrate(conn)
        with conn.atomic():
            tokens = {k: auth.add_kiosk(conn, k) for k in ("k1", "k2")}
            for name, role in (("aicha", "mediator"), ("bruno", "mediator"), ("manon", "manager")):
                auth.add_user(conn, name, role, PASSWORD)
                login = auth.login(conn, name, PASSWORD)
                assert login is not None
                tokens[name] = login[0]
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        _TEMPLATE = db, tokens
    return _TEMPLATE


def make_hub(db: Path, realert_after: float = 90.0, **options: Any) -> Hub:
    """A hub on ``db`` (a copy of the template: kiosks k1, k2, mediators aicha, bruno and
    the manager manon, each with a token). ``options`` go to ``create_app`` (office time:
    Europe/Paris unless told otherwise, so that tests never depend on the machine's
    settings)."""
    options.setdefault("timezone", "Europe/Paris")
    options.setdefault("retention_days", 90)
    template, tokens = _template()
    shutil.copyfile(template, db)
    server = HubServer(db, realert_after=realert_after, **options).start()
    return Hub(server, db, dict(tokens))


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


@pytest.fixture(scope="module")
def shared_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One hub for a whole test module (for tests that do not get in each other's way)."""
    h = make_hub(tmp_path_factory.mktemp("hub") / "hub.sqlite3")
    yield h
    h.server.stop()
