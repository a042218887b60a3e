"""A light HTTP/1.1 load generator for the hub benchmarks: raw sockets, requests encoded
before the clock starts, several requests pipelined on one keep-alive connection.

Python's own clients (``http.client`` in threads, httpx) cost the client about as much
CPU per request as a bare ``GET /health`` costs the hub, so on a 2-core machine they, not
the hub, set the pace of the baseline. Here a request is one ``write`` of bytes made in
advance and an answer is found by its ``content-length``: the client needs a small part
of a core, and :class:`Cpu` says how much each side used, so a report can tell who was
the ceiling.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

Unit = tuple[bytes, int]  # requests sent in one write, and how many answers they bring


def request(method: str, path: str, body: bytes = b"", token: str | None = None) -> bytes:
    """One HTTP/1.1 request, ready to send."""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    if body or method in ("POST", "PUT"):
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class _Connection(asyncio.Protocol):
    """One keep-alive connection: writes a unit, counts the answers as they come."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.expected = 0
        self.statuses: list[int] = []
        self.done: asyncio.Future[list[int]] | None = None
        self.lost: BaseException | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = exc or ConnectionError("the hub closed the connection")
        if self.done is not None and not self.done.done():
            self.done.set_exception(self.lost)

    def send(self, unit: Unit) -> asyncio.Future[list[int]]:
        assert self.transport is not None
        if self.lost is not None:
            raise self.lost
        data, self.expected = unit
        self.statuses = []
        self.done = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return self.done

    def data_received(self, data: bytes) -> None:
        buf = self.buffer
        buf += data
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            at = buf.find(b"content-length:", 0, end)
            if at < 0:
                at = buf.find(b"Content-Length:", 0, end)
            length = 0
            if at >= 0:
                stop = buf.find(b"\r\n", at, end + 2)
                length = int(buf[at + 15:stop])
            if len(buf) < end + 4 + length:
                return
            self.statuses.append(int(buf[9:12]))
            del buf[:end + 4 + length]
            if len(self.statuses) == self.expected and self.done is not None:
                self.done.set_result(self.statuses)


@dataclass
class Cpu:
    """CPU seconds of this process and of another one (the hub), between two marks."""

    pid: int

    def mark(self) -> tuple[float, float, float]:
        with open(f"/proc/{self.pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rpartition(")")[2].split()
        ticks = os.sysconf("SC_CLK_TCK")
        other = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        return time.perf_counter(), time.process_time(), other

    @staticmethod
    def shares(start: tuple[float, float, float], end: tuple[float, float, float],
               ) -> dict[str, float]:
        """Each side's CPU as a share of one core over the wall time (1.0 = a full core)."""
        wall = max(end[0] - start[0], 1e-9)
        return {"client_cpu_share": round((end[1] - start[1]) / wall, 2),
                "hub_cpu_share": round((end[2] - start[2]) / wall, 2)}


async def drive(port: int, units: Sequence[Unit], connections: int) -> tuple[float, int]:
    """Send ``units`` over ``connections`` keep-alive connections (each sends its next
    unit once the last one's answers are in); (seconds, answers). Raises on any answer
    that is not 2xx."""
    loop = asyncio.get_running_loop()
    conns = []
    for _ in range(connections):
        _, conn = await loop.create_connection(_Connection, "127.0.0.1", port)
        conns.append(conn)
    queue = iter(units)
    answers = 0
    bad: list[int] = []

    async def worker(conn: _Connection) -> None:
        nonlocal answers
        for unit in queue:
            statuses = await conn.send(unit)
            answers += len(statuses)
            bad.extend(s for s in statuses if s >= 300)

    start = time.perf_counter()
    try:
        await asyncio.gather(*(worker(c) for c in conns))
    finally:
        for conn in conns:
            if conn.transport is not None:
                conn.transport.close()
    seconds = time.perf_counter() - start
    if bad:
        raise RuntimeError(f"{len(bad)} answers were not 2xx, e.g. {bad[:5]}")
    return seconds, answers


def new_loop() -> asyncio.AbstractEventLoop:
    """uvloop when it is there (uvicorn[standard] brings it), else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()
