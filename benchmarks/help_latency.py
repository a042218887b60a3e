"""Budget: a help call reaches 10 mediator consoles with p99 <= 100 ms and <= 3x a raw
WebSocket broadcast of the same messages, while 100 kiosks post calls and events.

The hub runs in its own process. Here: 10 consoles on the stream, 100 kiosks sending
event batches in the background, and help calls at one every 10 ms; the latency of a
call is from just before its POST to its arrival at each console. Baseline in the same
run: a bare ``websockets`` server relaying the same messages from one sender to 10
clients (no HTTP, no database).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, quick, summary  # noqa: E402
from hubkit import HubProcess, free_port  # noqa: E402

CONSOLES = 10
KIOSKS = 100
NOISE = """
import http.client, json, random, sys, threading, time, uuid
port, seconds, tokens = int(sys.argv[1]), float(sys.argv[2]), json.loads(sys.argv[3])
def kiosk(name, token):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    end = time.time() + seconds
    threading.Event().wait(random.random())  # kiosks are not in step with each other
    while time.time() < end:
        batch = [{"id": str(uuid.uuid4()), "kiosk_id": name, "type": "step",
                  "at": "2026-11-23T10:00:00+00:00"} for _ in range(10)]
        conn.request("POST", "/api/v1/events", body=json.dumps(batch),
                     headers={"Authorization": "Bearer " + token,
                              "Content-Type": "application/json"})
        conn.getresponse().read()
        threading.Event().wait(1.0)
threads = [threading.Thread(target=kiosk, args=kv) for kv in tokens.items()]
[t.start() for t in threads]
[t.join() for t in threads]
"""
RAW_SERVER = """
import asyncio, sys, websockets
clients = set()
async def handler(ws):
    if ws.request.path == "/send":
        async for message in ws:
            websockets.broadcast(clients, message)
    else:
        clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            clients.discard(ws)
async def main():
    async with websockets.serve(handler, "127.0.0.1", int(sys.argv[1])):
        await asyncio.Future()
asyncio.run(main())
"""


async def _listen(url: str, sent: dict[str, float], seen: list[float], ready: asyncio.Event,
                  count: list[int], stop: asyncio.Event) -> None:
    async with websockets.connect(url, max_size=None) as ws:
        count[0] += 1
        if count[0] == CONSOLES:
            ready.set()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            now = time.perf_counter()
            message = json.loads(raw)
            rid = (message.get("request") or {}).get("id")
            if message.get("type") == "help.created" and rid in sent:
                seen.append((now - sent[rid]) * 1000)


async def hub_run(calls: int) -> list[float]:
    hub = HubProcess(kiosks=KIOSKS, mediators=CONSOLES)
    sent: dict[str, float] = {}
    seen: list[float] = []
    ready, stop, count = asyncio.Event(), asyncio.Event(), [0]
    ws_base = hub.url.replace("http", "ws", 1)
    listeners = [asyncio.create_task(_listen(f"{ws_base}/stream?token={tok}", sent, seen,
                                             ready, count, stop))
                 for tok in hub.mediator_tokens]
    await asyncio.wait_for(ready.wait(), 20)
    kiosks = list(hub.kiosk_tokens.items())
    # 100 kiosks posting events, from their own process (as they would: elsewhere)
    noise = subprocess.Popen([sys.executable, "-c", NOISE, str(hub.port),
                              str(calls * 0.01 + 5), json.dumps(hub.kiosk_tokens)])
    await asyncio.sleep(1.0)

    def send_calls() -> None:
        """From a thread with a thin client, so the consoles' loop stays free."""
        conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=30)
        pace = threading.Event()
        for i in range(calls):
            name, token = kiosks[i % KIOSKS]
            rid = str(uuid.uuid4())
            body = json.dumps({"id": rid, "kiosk_id": name, "language": "fr"})
            sent[rid] = time.perf_counter()
            conn.request("POST", "/api/v1/help-requests", body=body,
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/json"})
            conn.getresponse().read()
            pace.wait(0.01)

    await asyncio.to_thread(send_calls)
    deadline = time.perf_counter() + 10
    while len(seen) < calls * CONSOLES and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.gather(*listeners, return_exceptions=True)
    noise.wait(timeout=60)
    hub.stop()
    return seen


async def raw_run(calls: int) -> list[float]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", RAW_SERVER, str(port)])
    try:
        for _ in range(100):
            try:
                async with websockets.connect(f"ws://127.0.0.1:{port}/send"):
                    break
            except OSError:
                await asyncio.sleep(0.05)
        sent: dict[str, float] = {}
        seen: list[float] = []
        ready, stop, count = asyncio.Event(), asyncio.Event(), [0]
        listeners = [asyncio.create_task(_listen(f"ws://127.0.0.1:{port}/listen", sent, seen,
                                                 ready, count, stop)) for _ in range(CONSOLES)]
        await asyncio.wait_for(ready.wait(), 20)
        async with websockets.connect(f"ws://127.0.0.1:{port}/send") as sender:
            for _ in range(calls):
                rid = str(uuid.uuid4())
                sent[rid] = time.perf_counter()
                await sender.send(json.dumps({"seq": 1, "type": "help.created",
                                              "request": {"id": rid, "kiosk_id": "k"}}))
                await asyncio.sleep(0.01)
            deadline = time.perf_counter() + 10
            while len(seen) < calls * CONSOLES and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
        stop.set()
        await asyncio.gather(*listeners, return_exceptions=True)
        return seen
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    calls = 50 if quick() else 300
    raw = summary(asyncio.run(raw_run(calls)))
    hub_seen = asyncio.run(hub_run(calls))
    hub = summary(hub_seen)
    ratio = hub["p99"] / max(raw["p99"], 1e-6)
    emit({"benchmark": "help_call_to_consoles_ms", "calls": calls, "consoles": CONSOLES,
          "kiosks": KIOSKS, "delivered": len(hub_seen), "expected": calls * CONSOLES,
          "hub": hub, "raw_websocket": raw, "ratio_p99": round(ratio, 2),
          "budget_p99_ms": 100, "budget_ratio": 3,
          "ok": hub["p99"] <= 100 and ratio <= 3 and len(hub_seen) == calls * CONSOLES})


if __name__ == "__main__":
    main()
