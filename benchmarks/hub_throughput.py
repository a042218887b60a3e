"""Budgets: hub help operations (create, claim, resolve: each one op, each committed
before the answer) >= 1,000/s; events >= 20,000/s in batches of 500.

The hub runs in its own process; the load comes from this one on loopback. Baseline in
the same run: the rate of ``GET /health`` (HTTP round trips with no work).
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, quick  # noqa: E402
from hubkit import HubProcess  # noqa: E402

THREADS = 8


class Client:
    """A thin keep-alive HTTP/1.1 client (the standard library's): the load generator
    must cost less than the server it measures, and httpx costs about 10x more."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        self.conn.request(method, "/api/v1" + path, body=data, headers=hdrs)
        response = self.conn.getresponse()
        payload = response.read()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {payload[:200]!r}")
        return payload


def _workers(n: int, job: Callable[[Client], None], hub: HubProcess) -> float:
    """Run ``job`` ``n`` times over THREADS keep-alive connections; seconds taken."""
    counter = iter(range(n))
    lock = threading.Lock()

    def worker() -> None:
        client = Client(hub.port)
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            job(client)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def run(hub: HubProcess, ops: int, batches: int) -> dict[str, float]:
    kiosk, token = next(iter(hub.kiosk_tokens.items()))
    k = {"Authorization": f"Bearer {token}"}
    m = {"Authorization": f"Bearer {hub.mediator_tokens[0]}"}

    def health(c: Client) -> None:
        c.call("GET", "/health")

    def help_op(c: Client) -> None:
        rid = str(uuid.uuid4())
        c.call("POST", "/help-requests", {"id": rid, "kiosk_id": kiosk, "language": "fr"}, k)
        c.call("POST", f"/help-requests/{rid}/claim", None, m)
        c.call("POST", f"/help-requests/{rid}/resolve", {"outcome": "helped"}, m)

    def event_batch(c: Client) -> None:
        batch = [{"id": str(uuid.uuid4()), "kiosk_id": kiosk, "session_id": "s",
                  "type": "step", "flow_id": "send-parcel", "step_id": "weigh",
                  "at": "2026-11-23T10:00:00+00:00"} for _ in range(500)]
        c.call("POST", "/events", batch, k)

    _workers(50, health, hub)  # warm up
    t_health = _workers(ops * 3, health, hub)
    t_help = _workers(ops, help_op, hub)
    t_events = _workers(batches, event_batch, hub)
    return {"health_per_s": ops * 3 / t_health, "help_ops_per_s": ops / t_help,
            "events_per_s": batches * 500 / t_events}


def main() -> None:
    ops, batches = (200, 10) if quick() else (2000, 100)
    hub = HubProcess(kiosks=1, mediators=1)
    try:
        rates = run(hub, ops, batches)
    finally:
        hub.stop()
    per_op = rates["help_ops_per_s"] * 3  # create, claim and resolve are one op each
    emit({"benchmark": "hub_throughput", "help_lifecycles": ops, "event_batches_of_500": batches,
          "baseline_health_per_s": round(rates["health_per_s"]),
          "help_lifecycles_per_s": round(rates["help_ops_per_s"]),
          "help_ops_per_s": round(per_op), "events_per_s": round(rates["events_per_s"]),
          "budget_help_ops_per_s": 1000, "budget_events_per_s": 20000,
          "ok": per_op >= 1000 and rates["events_per_s"] >= 20000})


if __name__ == "__main__":
    main()
