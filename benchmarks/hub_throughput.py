"""Budgets (DESIGN.md): hub help operations (create, claim, resolve: each one op, each
durable before its answer) >= 0.3x the rate of a bare ``GET /health`` with the same client
in the same run (target 0.5x); events in batches of 500 >= 60,000/s (target 100,000/s).

The hub runs in its own process; the load comes from this one on loopback, through the
light client of :mod:`loadgen` (raw sockets, requests encoded before the clock starts,
the three requests of a help call's life pipelined on one connection, three ``GET
/health`` likewise). Each round measures health, help ops and events in turn, about a
second each (short rounds, so that a burst of other work on a shared machine spoils one
round, not the figure); the figures are the medians of the rounds, each round's are in
``rounds``, with the events already stored when it began. Every phase says
how much of a core the hub and the client used, so the report tells who set the pace.
For comparison, ``python_client`` is ``GET /health`` through ``http.client`` in 8 threads
(the client these figures used to come from): it needs about as much CPU as the hub, and
on two cores it, not the hub, is then the ceiling.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import statistics
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, quick  # noqa: E402
from hubkit import HubProcess  # noqa: E402
from loadgen import Cpu, Unit, drive, new_loop, request  # noqa: E402

from kiosk.flows.events import new_id  # noqa: E402  (event ids as kiosks make them)

CONNECTIONS = 64
EVENT_CONNECTIONS = 8
BATCH = 500
BUDGET_RATIO, TARGET_RATIO = 0.3, 0.5
BUDGET_EVENTS, TARGET_EVENTS = 60_000, 100_000
API = "/api/v1"


def health_units(lifecycles: int) -> list[Unit]:
    """As many requests as the help phase: three GETs in one write."""
    three = request("GET", f"{API}/health") * 3
    return [(three, 3)] * lifecycles


def help_units(lifecycles: int, kiosk: str, ktoken: str, mtoken: str) -> list[Unit]:
    units = []
    resolve = json.dumps({"outcome": "helped"}).encode()
    for _ in range(lifecycles):
        rid = str(uuid.uuid4())
        create = json.dumps({"id": rid, "kiosk_id": kiosk, "language": "fr"}).encode()
        units.append((request("POST", f"{API}/help-requests", create, ktoken)
                      + request("POST", f"{API}/help-requests/{rid}/claim", b"", mtoken)
                      + request("POST", f"{API}/help-requests/{rid}/resolve", resolve, mtoken),
                      3))
    return units


def event_units(batches: int, kiosk: str, ktoken: str) -> list[Unit]:
    units = []
    for _ in range(batches):
        batch = [{"id": new_id(), "kiosk_id": kiosk, "session_id": "s",
                  "type": "step", "flow_id": "send-parcel", "step_id": "weigh",
                  "at": "2026-11-23T10:00:00+00:00"} for _ in range(BATCH)]
        units.append((request("POST", f"{API}/events", json.dumps(batch).encode(), ktoken), 1))
    return units


def phase(loop: asyncio.AbstractEventLoop, hub: HubProcess, units: list[Unit],
          connections: int) -> dict[str, Any]:
    cpu = Cpu(hub.proc.pid)
    start = cpu.mark()
    seconds, answers = loop.run_until_complete(drive(hub.port, units, connections))
    return {"per_s": answers / seconds, **Cpu.shares(start, cpu.mark())}


def python_client(hub: HubProcess, requests: int) -> dict[str, Any]:
    """``GET /health`` through ``http.client`` in 8 threads, for comparison."""
    left = iter(range(requests))
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=30)
        while True:
            with lock:
                if next(left, None) is None:
                    break
            conn.request("GET", f"{API}/health")
            conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    cpu = Cpu(hub.proc.pid)
    start = cpu.mark()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    end = cpu.mark()
    shares = Cpu.shares(start, end)
    return {"health_per_s": round(requests / (end[0] - start[0])), **shares,
            "note": "http.client in 8 threads: the client needs about as much CPU as the hub "
                    "and is the ceiling on 2 cores; not used for the budgets"}


def main() -> None:
    lifecycles, batches, rounds = (300, 20, 1) if quick() else (1000, 100, 5)
    hub = HubProcess(kiosks=1, mediators=1)
    loop = new_loop()
    try:
        kiosk, ktoken = next(iter(hub.kiosk_tokens.items()))
        mtoken = hub.mediator_tokens[0]
        loop.run_until_complete(drive(hub.port, health_units(200), CONNECTIONS))  # warm up
        reference = python_client(hub, 600 if quick() else 6000)
        results = []
        for done in range(rounds):
            health = phase(loop, hub, health_units(lifecycles), CONNECTIONS)
            ops = phase(loop, hub, help_units(lifecycles, kiosk, ktoken, mtoken), CONNECTIONS)
            events = phase(loop, hub, event_units(batches, kiosk, ktoken), EVENT_CONNECTIONS)
            results.append({
                "events_in_database_before": done * batches * BATCH,
                "health_per_s": round(health["per_s"]), "help_ops_per_s": round(ops["per_s"]),
                "ratio": round(ops["per_s"] / health["per_s"], 3),
                "events_per_s": round(events["per_s"] * BATCH),
                "cpu_share": {"health": _cpu(health), "help_ops": _cpu(ops),
                              "events": _cpu(events)},
                # the hub's CPU per answer: what the ratio would be with a core to itself
                "hub_cpu_us": {"health": _us(health), "help_op": _us(ops),
                               "event_batch": _us(events)}})
    finally:
        loop.close()
        hub.stop()

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    ratio, events = median("ratio"), median("events_per_s")
    client_bound = any(share["client"] >= 0.9 for r in results
                       for share in r["cpu_share"].values())
    emit({"benchmark": "hub_throughput",
          "client": f"raw sockets (benchmarks/loadgen.py), {CONNECTIONS} keep-alive connections,"
                    " 3 requests pipelined per write",
          "help_lifecycles": lifecycles, "event_batches_of_500": batches, "rounds": results,
          "baseline_health_per_s": round(median("health_per_s")),
          "help_ops_per_s": round(median("help_ops_per_s")),
          "help_ops_vs_health": ratio,
          "help_ops_vs_health_by_hub_cpu": statistics.median(
              round(r["hub_cpu_us"]["health"] / r["hub_cpu_us"]["help_op"], 3) for r in results),
          "budget_help_ops_vs_health": BUDGET_RATIO, "target_help_ops_vs_health": TARGET_RATIO,
          "events_per_s": round(events),
          "budget_events_per_s": BUDGET_EVENTS, "target_events_per_s": TARGET_EVENTS,
          "client_was_ceiling": client_bound, "python_client": reference,
          "ok": ratio >= BUDGET_RATIO and events >= BUDGET_EVENTS and not client_bound})


def _us(phase_result: dict[str, Any]) -> float:
    return round(phase_result["hub_cpu_share"] / phase_result["per_s"] * 1e6, 1)


def _cpu(phase_result: dict[str, Any]) -> dict[str, float]:
    return {"hub": phase_result["hub_cpu_share"], "client": phase_result["client_cpu_share"]}


if __name__ == "__main__":
    main()
