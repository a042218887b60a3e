"""Budget (DESIGN.md): a help call reaches 10 mediator consoles with p99 <= 100 ms and
<= 2x a raw WebSocket broadcast of the same messages measured in the same run (target
1.5x), while 100 kiosks post events.

The hub runs in its own process, and so does a bare ``websockets`` server relaying
messages from one sender to 10 clients (no HTTP, no database): the baseline. Here: 10
consoles on each, and 100 kiosks sending event batches to the hub from a third process
for the whole run (the machine is as busy for both). Ten short rounds alternate baseline
and hub (so that a burst of other work on a shared machine falls on both alike), each
sending 100 calls, one every 10 ms; a call's latency is from just before its POST (or its
send, for the baseline) to its arrival at each console, on the system's monotonic clock
(one for every process). The baseline relays messages of the hub's shape and size (a
whole help request). Both sides send from a process of their own with messages encoded
in advance (a raw socket for the hub's POSTs), and both are read by the same consoles.
The figures pool every round; each round's are in ``per_round``.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import websockets
from websockets.sync.client import connect as sync_connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, quick, summary  # noqa: E402
from hubkit import HubProcess, free_port  # noqa: E402
from loadgen import request  # noqa: E402

CONSOLES = 10
KIOSKS = 100
PACE = 0.01  # seconds between two calls


def clock() -> float:
    """The system's monotonic clock: the same in the senders' and the consoles' processes."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)
BUDGET_P99_MS, BUDGET_RATIO, TARGET_RATIO = 100, 2.0, 1.5
SAMPLE = {  # a help call as the hub sends it, so that both sides relay the same message
    "id": "", "kiosk_id": "k12", "flow_id": None, "step_id": None, "language": "fr",
    "kind": "help", "level": None, "status": "queued", "seconds_on_step": None,
    "created_at": "2026-11-23T10:00:00.000+00:00", "updated_at": "2026-11-23T10:00:00.000+00:00",
    "claimed_by": None, "claimed_at": None, "resolved_at": None, "outcome": None, "note": None,
    "cancelled_at": None, "realerted_at": None}
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


class Consoles:
    """10 consoles on one stream URL each, noting when each call's message arrives."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.arrived: list[tuple[str, float]] = []  # (call id, when), one per console

    async def run(self, ready: asyncio.Event, stop: asyncio.Event) -> None:
        count = [0]

        async def listen(url: str) -> None:
            async with websockets.connect(url, max_size=None, compression=None) as ws:
                count[0] += 1
                if count[0] == len(self.urls):
                    ready.set()
                while not stop.is_set():
                    try:
                        raw = await asyncio.wait_for(ws.recv(), 0.5)
                    except TimeoutError:
                        continue
                    now = clock()
                    message = json.loads(raw)
                    if message.get("type") == "help.created":
                        self.arrived.append((message["request"]["id"], now))

        await asyncio.gather(*(listen(u) for u in self.urls))


async def measure(urls: list[str], sender: list[str], calls: int) -> list[float]:
    """Connect the consoles, send ``calls`` calls from a process of their own (``sender``:
    this script's arguments after ``--send``), wait for them all. The sender is not in
    the consoles' process, where reading the hub's answers would delay the consoles."""
    consoles = Consoles(urls)
    ready, stop = asyncio.Event(), asyncio.Event()
    listening = asyncio.create_task(consoles.run(ready, stop))
    await asyncio.wait_for(ready.wait(), 20)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--send", *sender, str(calls),
        stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"the sender failed ({proc.returncode})")
    sent: dict[str, float] = json.loads(out)
    deadline = time.perf_counter() + 10
    while len(consoles.arrived) < calls * len(urls) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    stop.set()
    await listening
    return [(when - sent[rid]) * 1000 for rid, when in consoles.arrived if rid in sent]


def send_to_hub(port: int, tokens: dict[str, str], calls: int) -> dict[str, float]:
    """POST ``calls`` help calls, one every PACE, each after the last one's answer."""
    kiosks = list(tokens.items())
    sent: dict[str, float] = {}
    ready = []
    for i in range(calls):
        name, token = kiosks[i % len(kiosks)]
        rid = str(uuid.uuid4())
        body = json.dumps({"id": rid, "kiosk_id": name, "language": "fr"}).encode()
        ready.append((rid, request("POST", "/api/v1/help-requests", body, token)))
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pace = threading.Event()
    with sock, sock.makefile("rb") as answers:
        for rid, data in ready:
            sent[rid] = clock()
            sock.sendall(data)
            _read_answer(answers)
            pace.wait(PACE)
    return sent


def _read_answer(answers: Any) -> None:
    status = answers.readline()
    if b" 201 " not in status:
        raise RuntimeError(f"the hub answered {status!r}")
    length = 0
    while (line := answers.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    answers.read(length)


def send_raw(port: int, calls: int) -> dict[str, float]:
    """Send ``calls`` messages of the hub's shape to the raw server, one every PACE."""
    sent: dict[str, float] = {}
    ready = [(rid, json.dumps({"seq": seq, "type": "help.created",
                               "request": {**SAMPLE, "id": rid}}))
             for seq, rid in enumerate((str(uuid.uuid4()) for _ in range(calls)), start=1)]
    pace = threading.Event()
    with sync_connect(f"ws://127.0.0.1:{port}/send", compression=None) as sender:
        for rid, text in ready:
            sent[rid] = clock()
            sender.send(text)
            pace.wait(PACE)
    return sent


async def wait_for_raw(port: int) -> None:
    for _ in range(200):
        try:
            async with websockets.connect(f"ws://127.0.0.1:{port}/send"):
                return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError("the raw WebSocket server did not start")


async def run(calls: int, rounds: int) -> dict[str, Any]:
    port = free_port()
    raw_proc = subprocess.Popen([sys.executable, "-c", RAW_SERVER, str(port)])
    hub = HubProcess(kiosks=KIOSKS, mediators=CONSOLES)
    noise = subprocess.Popen([sys.executable, "-c", NOISE, str(hub.port),
                              str(rounds * (2 * calls * PACE + 8) + 10),
                              json.dumps(hub.kiosk_tokens)])
    try:
        await wait_for_raw(port)
        await asyncio.sleep(1.0)  # the kiosks are posting
        ws_base = hub.url.replace("http", "ws", 1)
        hub_urls = [f"{ws_base}/stream?token={tok}" for tok in hub.mediator_tokens]
        raw_urls = [f"ws://127.0.0.1:{port}/listen"] * CONSOLES
        raw_all: list[float] = []
        hub_all: list[float] = []
        per_round = []
        for _ in range(rounds):
            raw = await measure(raw_urls, ["raw", str(port)], calls)
            got = await measure(hub_urls, ["hub", str(hub.port), json.dumps(hub.kiosk_tokens)],
                                calls)
            raw_all += raw
            hub_all += got
            per_round.append({"hub": summary(got), "raw_websocket": summary(raw),
                              "ratio_p99": round(summary(got)["p99"] / summary(raw)["p99"], 2)})
        return {"hub": hub_all, "raw": raw_all, "rounds": per_round}
    finally:
        noise.kill()
        noise.wait(timeout=10)
        hub.stop()
        raw_proc.terminate()
        raw_proc.wait(timeout=10)


def main() -> None:
    if "--send" in sys.argv:  # a sender, in a process of its own (see measure)
        mode, *args = sys.argv[sys.argv.index("--send") + 1:]
        if mode == "hub":
            sent = send_to_hub(int(args[0]), json.loads(args[1]), int(args[2]))
        else:
            sent = send_raw(int(args[0]), int(args[1]))
        json.dump(sent, sys.stdout)
        return
    calls, rounds = (50, 1) if quick() else (100, 10)
    result = asyncio.run(run(calls, rounds))
    hub, raw = summary(result["hub"]), summary(result["raw"])
    ratio = hub["p99"] / max(raw["p99"], 1e-6)
    expected = calls * rounds * CONSOLES
    emit({"benchmark": "help_call_to_consoles_ms", "calls_per_round": calls, "rounds": rounds,
          "consoles": CONSOLES, "kiosks_posting_events": KIOSKS,
          "delivered": len(result["hub"]), "expected": expected,
          "hub": hub, "raw_websocket": raw, "ratio_p99": round(ratio, 2),
          "budget_p99_ms": BUDGET_P99_MS, "budget_ratio": BUDGET_RATIO,
          "target_ratio": TARGET_RATIO, "per_round": result["rounds"],
          "ok": hub["p99"] <= BUDGET_P99_MS and ratio <= BUDGET_RATIO
          and len(result["hub"]) == expected and len(result["raw"]) == expected})


if __name__ == "__main__":
    main()
