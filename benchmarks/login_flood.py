"""Budget: help-call latency stays p99 <= 100 ms while 200 wrong logins arrive at once
from one address, and at most 10 of each burst of 200 reach a password check (401); the
others are refused before any hashing (429).

The hub runs in its own process with 20 kiosks and 10 mediator consoles on its stream.
Help calls are posted on an open-loop schedule (one every 20 ms, from a pool of
connections, so a slow answer does not delay the next call): a call's latency runs from
its *scheduled* time to its arrival at each console (and, separately, to the POST's own
answer), so a stalled hub cannot hide behind a waiting sender. First a window with no
flood (the baseline, same hub, same run), then a window while another process fires
bursts of 200 simultaneous ``POST /auth/login`` (each on its own fresh connection,
released together by a barrier), one burst a second for as long as the window lasts.

Three floods, each against a fresh hub (so one flood's lockouts do not hide another's):
- ``wrong_password``: an existing mediator's name with 200 different wrong passwords;
- ``unknown_users``: 200 user names nobody has;
- ``forwarded_for``: another existing mediator, first locked out by wrong logins sent
  one after the other (no race), then bursts where each request claims another client
  address in ``X-Forwarded-For`` and ``X-Real-IP``. The hub has no proxy configured, so
  it must not believe them: none should get through (401) to a password check again.

A call never delivered counts with the time it was waited for (never dropped from the
percentiles); a burst's refusals are counted by status (401 reached a password check,
429 refused by the limiter, anything else is reported as is). The budget is on the call
reaching the consoles (every call delivered, answered 201); the POST's own answer time,
which also waits for the fsync, is reported beside it.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import queue
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, percentile, quick  # noqa: E402
from hubkit import HubProcess  # noqa: E402

CONSOLES = 10
KIOSKS = 20
BURST = 200
BURST_EVERY_S = 1.0
CALL_EVERY_S = 0.02
SENDERS = 8  # connections posting help calls (open loop: a slow answer delays no other call)
BUDGET_P99_MS = 100.0
BUDGET_401_PER_BURST = 10
FLOODS = {"wrong_password": ("password", "m0"), "unknown_users": ("unknown", ""),
          "forwarded_for": ("forwarded", "m1")}

FLOOD = r"""
import http.client, json, sys, threading, time, uuid
from collections import Counter
port, mode, user, size, every = (int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]),
                                 float(sys.argv[5]))
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()

def body(burst, i):
    if mode == "unknown":
        return {"username": f"nobody-{burst}-{i}-{uuid.uuid4().hex[:8]}", "password": "wrong-pass-1"}
    return {"username": user, "password": f"wrong-pass-{burst}-{i}"}

def headers(burst, i):
    h = {"Content-Type": "application/json"}
    if mode == "forwarded":
        address = f"10.{burst % 250}.{i // 250}.{i % 250 + 1}"
        h["X-Forwarded-For"] = address
        h["X-Real-IP"] = address
    return h

burst = 0
while not stop.is_set():
    started = time.monotonic()
    gate = threading.Barrier(size + 1)
    statuses = Counter()
    lock = threading.Lock()
    def one(i, burst=burst, gate=gate, statuses=statuses):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.connect()
        except OSError as exc:
            status = "connect-" + type(exc).__name__
            gate.wait()
        else:
            data = json.dumps(body(burst, i))
            gate.wait()
            try:
                conn.request("POST", "/api/v1/auth/login", body=data, headers=headers(burst, i))
                response = conn.getresponse()
                response.read()
                status = str(response.status)
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
        conn.close()
        with lock:
            statuses[status] += 1
    threads = [threading.Thread(target=one, args=(i,)) for i in range(size)]
    for t in threads:
        t.start()
    gate.wait()  # every connection is open: all 200 go now
    fired = time.monotonic()
    print(json.dumps({"fired": burst}), flush=True)
    for t in threads:
        t.join()
    print(json.dumps({"burst": burst, "statuses": dict(statuses),
                      "seconds": round(time.monotonic() - fired, 3)}), flush=True)
    burst += 1
    stop.wait(max(0.0, every - (time.monotonic() - started)))
"""


class Consoles:
    """Mediator consoles on the hub's stream, noting when each help call reaches them."""

    def __init__(self, hub: HubProcess) -> None:
        self.hub = hub
        self.arrived: dict[str, list[float]] = {}
        self.stop = asyncio.Event()
        self.ready = asyncio.Event()
        self.connected = 0
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        base = self.hub.url.replace("http", "ws", 1)
        self.tasks = [asyncio.create_task(self._listen(f"{base}/stream?token={tok}"))
                      for tok in self.hub.mediator_tokens]
        await asyncio.wait_for(self.ready.wait(), 30)

    async def _listen(self, url: str) -> None:
        async with websockets.connect(url, max_size=None) as ws:
            self.connected += 1
            if self.connected == CONSOLES:
                self.ready.set()
            while not self.stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    continue
                now = time.perf_counter()
                message = json.loads(raw)
                if message.get("type") == "help.created":
                    rid = (message.get("request") or {}).get("id")
                    self.arrived.setdefault(rid, []).append(now)

    async def close(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)


class Calls:
    """Help calls on an open-loop schedule, over a pool of keep-alive connections."""

    def __init__(self, hub: HubProcess, count: int, timeout: float) -> None:
        self.hub = hub
        self.count = count
        self.timeout = timeout
        self.scheduled: dict[str, float] = {}
        self.answered: dict[str, float] = {}
        self.statuses: Counter[str] = Counter()
        self.lock = threading.Lock()

    def run(self) -> None:
        work: queue.Queue[tuple[str, str, str, float] | None] = queue.Queue()
        kiosks = list(self.hub.kiosk_tokens.items())

        def sender() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", self.hub.port, timeout=self.timeout)
            while (job := work.get()) is not None:
                rid, name, token, _ = job
                body = json.dumps({"id": rid, "kiosk_id": name, "language": "fr",
                                   "flow_id": "send-parcel", "step_id": "weigh"})
                try:
                    conn.request("POST", "/api/v1/help-requests", body=body,
                                 headers={"Authorization": f"Bearer {token}",
                                          "Content-Type": "application/json"})
                    response = conn.getresponse()
                    response.read()
                    self.answered[rid] = time.perf_counter()
                    status = str(response.status)
                except (OSError, http.client.HTTPException) as exc:
                    status = type(exc).__name__
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.hub.port,
                                                      timeout=self.timeout)
                with self.lock:
                    self.statuses[status] += 1
            conn.close()

        threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
        for t in threads:
            t.start()
        pace = threading.Event()
        start = time.perf_counter()
        for i in range(self.count):
            at = start + i * CALL_EVERY_S
            pace.wait(max(0.0, at - time.perf_counter()))
            rid = str(uuid.uuid4())
            name, token = kiosks[i % len(kiosks)]
            self.scheduled[rid] = at
            work.put((rid, name, token, at))
        for _ in threads:
            work.put(None)


def _latencies(calls: Calls, arrived: dict[str, list[float]], until: float) -> dict[str, Any]:
    """Delivery (per console) and answer latencies in ms; a missing one counts as waited
    ``until`` (so it weighs on the percentiles instead of vanishing)."""
    delivery: list[float] = []
    answer: list[float] = []
    missing = 0
    for rid, at in calls.scheduled.items():
        seen = arrived.get(rid, [])
        missing += max(0, CONSOLES - len(seen))
        delivery += [(t - at) * 1000 for t in seen]
        delivery += [(until - at) * 1000] * max(0, CONSOLES - len(seen))
        answer.append(((calls.answered.get(rid) or until) - at) * 1000)
    return {"calls": len(calls.scheduled), "to_consoles": _summary(delivery),
            "post_answer": _summary(answer), "missing_deliveries": missing,
            "post_statuses": dict(calls.statuses)}


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": round(percentile(values, 50), 2),
            "p95": round(percentile(values, 95), 2), "p99": round(percentile(values, 99), 2),
            "max": round(max(values), 2)}


async def _window(hub: HubProcess, consoles: Consoles, calls: int, grace: float) -> dict[str, Any]:
    """Post ``calls`` help calls, then wait (up to ``grace`` s) for every delivery."""
    batch = Calls(hub, calls, timeout=grace + calls * CALL_EVERY_S + 5)
    await asyncio.to_thread(batch.run)
    deadline = time.perf_counter() + grace
    while time.perf_counter() < deadline:
        if all(len(consoles.arrived.get(r, ())) >= CONSOLES and r in batch.answered
               for r in batch.scheduled):
            break
        await asyncio.sleep(0.02)
    return _latencies(batch, consoles.arrived, time.perf_counter())


def _lock_out(hub: HubProcess, user: str, most: int = 20) -> dict[str, int]:
    """Wrong logins one after the other (no race) until the hub refuses this address:
    forged addresses must not get it back in."""
    statuses: Counter[str] = Counter()
    conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=60)
    for i in range(most):
        conn.request("POST", "/api/v1/auth/login",
                     body=json.dumps({"username": user, "password": f"not-it-{i}"}),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        statuses[str(response.status)] += 1
        if response.status == 429:
            break
    conn.close()
    return dict(statuses)


async def _read_flood(proc: asyncio.subprocess.Process, bursts: list[dict[str, Any]],
                      fired: asyncio.Event) -> None:
    assert proc.stdout is not None
    while line := await proc.stdout.readline():
        message = json.loads(line)
        if "fired" in message:
            fired.set()
        else:
            bursts.append(message)


async def scenario(name: str, calls: int, grace: float) -> dict[str, Any]:
    mode, user = FLOODS[name]
    hub = HubProcess(kiosks=KIOSKS, mediators=CONSOLES)
    consoles = Consoles(hub)
    flood: asyncio.subprocess.Process | None = None
    try:
        await consoles.start()
        await _window(hub, consoles, 10, grace)  # warm-up: connections, caches
        baseline = await _window(hub, consoles, calls, grace)
        primed = await asyncio.to_thread(_lock_out, hub, user) if mode == "forwarded" else None
        flood = await asyncio.create_subprocess_exec(
            sys.executable, "-c", FLOOD, str(hub.port), mode, user, str(BURST),
            str(BURST_EVERY_S), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        bursts: list[dict[str, Any]] = []
        fired = asyncio.Event()
        reader = asyncio.create_task(_read_flood(flood, bursts, fired))
        await asyncio.wait_for(fired.wait(), 60)
        flooded = await _window(hub, consoles, calls, grace)
        assert flood.stdin is not None
        flood.stdin.close()  # the burst under way finishes, no new one starts
        try:
            await asyncio.wait_for(flood.wait(), grace + 30)
        except TimeoutError:
            flood.kill()
            await flood.wait()
        await reader
    finally:
        if flood is not None and flood.returncode is None:
            flood.kill()
            await flood.wait()
        await consoles.close()
        hub.stop()
    reached = [b["statuses"].get("401", 0) for b in bursts]
    statuses: Counter[str] = Counter()
    for b in bursts:
        statuses.update(b["statuses"])
    return {"baseline": baseline, "flood": flooded, **({"primed": primed} if primed else {}),
            "bursts": len(bursts),
            "burst_seconds": [b["seconds"] for b in bursts],
            "login_statuses": dict(sorted(statuses.items())),
            "reached_password_check_per_burst": reached,
            "refused_by_limiter_per_burst": [b["statuses"].get("429", 0) for b in bursts]}


def _ok(result: dict[str, Any]) -> bool:
    flood = result["flood"]
    return (bool(result["reached_password_check_per_burst"])
            and max(result["reached_password_check_per_burst"]) <= BUDGET_401_PER_BURST
            and flood["missing_deliveries"] == 0
            and flood["post_statuses"] == {"201": flood["calls"]}
            and flood["to_consoles"]["p99"] <= BUDGET_P99_MS)


def main() -> None:
    calls, grace = (40, 8.0) if quick() else (300, 30.0)
    results = {name: asyncio.run(scenario(name, calls, grace)) for name in FLOODS}
    for result in results.values():
        result["ok"] = _ok(result)
    forwarded = results["forwarded_for"]
    emit({"benchmark": "help_call_during_login_flood_ms", "consoles": CONSOLES,
          "kiosks": KIOSKS, "burst": BURST, "burst_every_s": BURST_EVERY_S,
          "call_every_s": CALL_EVERY_S, "floods": results,
          "worst_flood_p99_ms": max(r["flood"]["to_consoles"]["p99"] for r in results.values()),
          "worst_flood_post_answer_p99_ms": max(r["flood"]["post_answer"]["p99"]
                                                for r in results.values()),
          "worst_reached_password_check": max(
              max(r["reached_password_check_per_burst"] or [BURST]) for r in results.values()),
          "forwarded_for_got_through": sum(forwarded["reached_password_check_per_burst"]),
          "budget_p99_ms": BUDGET_P99_MS, "budget_401_per_burst": BUDGET_401_PER_BURST,
          "ok": all(r["ok"] for r in results.values())})


if __name__ == "__main__":
    main()
