"""Shared by the hub benchmarks: a hub in its own process with kiosks and mediators."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from kiosk.hub import auth
from kiosk.hub.db import connect, migrate

PASSWORD = "benchmark-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HubProcess:
    def __init__(self, kiosks: int, mediators: int) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kiosk-hub-bench-"))
        self.db = self.dir / "hub.sqlite3"
        conn = connect(self.db)
        migrate(conn)
        with conn.atomic():
            self.kiosk_tokens = {f"k{i}": auth.add_kiosk(conn, f"k{i}") for i in range(kiosks)}
            for i in range(mediators):
                auth.add_user(conn, f"m{i}", "mediator", PASSWORD)
        conn.close()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api/v1"
        self.log = self.dir / "hub.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kiosk.cli", "hub", "--db", str(self.db), "--port",
                 str(self.port)], stdout=subprocess.DEVNULL, stderr=log)
        wait = threading.Event()
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("the hub stopped at start:\n"
                                   + self.log.read_text(errors="replace")[-2000:])
            try:
                httpx.get(f"{self.url}/health", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the hub did not answer /health in 30 s") from None
                wait.wait(0.05)
        try:
            self.mediator_tokens = [self._login(f"m{i}") for i in range(mediators)]
        except BaseException:
            self.stop()
            raise

    def _login(self, name: str) -> str:
        answer = httpx.post(f"{self.url}/auth/login", json={"username": name, "password": PASSWORD},
                            timeout=60)
        if answer.status_code != 200:
            raise RuntimeError(f"the hub refused {name}'s login ({answer.status_code}):\n"
                               + self.log.read_text(errors="replace")[-2000:])
        return str(answer.json()["token"])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # stuck (e.g. its writer busy hashing): no wait
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
