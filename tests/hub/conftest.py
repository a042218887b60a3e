"""A real hub: uvicorn on 127.0.0.1 (a free port), a real SQLite file, real accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=10)


def make_hub(db: Path, realert_after: float = 90.0) -> Hub:
    conn = connect(db)
    migrate(conn)
    with conn.atomic():
        tokens = {k: auth.add_kiosk(conn, k) for k in ("k1", "k2")}
        for name, role in (("aicha", "mediator"), ("bruno", "mediator"), ("manon", "manager")):
            auth.add_user(conn, name, role, PASSWORD)
    conn.close()
    server = HubServer(db, realert_after=realert_after).start()
    hub = Hub(server, db, tokens)
    with hub.client() as c:
        for name in ("aicha", "bruno", "manon"):
            hub.tokens[name] = c.post("/auth/login", json={"username": name,
                                                          "password": PASSWORD}).json()["token"]
    return hub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()
