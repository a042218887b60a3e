"""Soak: 10,000 customer sessions on one kiosk connected to a hub. No error; kiosk RSS
<= 180 MB after the first 1,000 sessions (no voice model, speech off) and growth <= 10 %
from there to the end; every help call and every event the kiosk made is in the hub's
database exactly once once the outbox has drained.

The hub runs in its own process (a kiosk registered with ``auth.add_kiosk``). The kiosk
is the real one, in this process, offscreen: ``build`` (controller and window, shown),
``attach_voice`` with ``speech = false``, and ``connect_to_hub`` (one hub session for
HubLink with its SQLite outbox and for FlowSync), as ``kiosk run`` wires it. A robot
walks the built-in flows in every language with text size and contrast changes,
feedback, going back and inactivity resets, never choosing a path to a mediator on its
own; in 5 % of the sessions it taps *Call a mediator* and waits for the hub's
acknowledgement on the kiosk (sometimes the customer cancels). A mediator, in another
process, claims and resolves about half of the queued calls through the API.

To keep 10,000 sessions near ten minutes here, one session in 10 is painted screen by
screen; the others run the same screens (the window builds each one) and are painted
once, at their end. The kiosk's own record (every event id the controller logged, every
item put into the outbox) is written to a file as it goes (no memory of ours in the
RSS), then compared with the hub's ``help_requests`` and ``events`` tables; an error is
anything the kiosk logged at warning level or above, an exception, a Qt warning, a
request that got no answer or a refusal (except a cancel the mediator beat: 409). Memory
growth is measured from session 1,000 to the end. ``--quick``: 300
sessions, RSS marked after 100.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import emit, pump, quick, rss_mb, summary  # noqa: E402

BUDGET_MB = 180.0
BUDGET_GROWTH = 0.10
HELP_EVERY = 20  # one session in 20 taps "Call a mediator" (5 %)
PAINT_EVERY = 10  # one session in 10 is painted screen by screen (the others once, at the end)
ACK_TIMEOUT_S = 10.0
# the outbox logs a cancel the hub answers 409 to as an error; when the mediator resolved
# the call just before the customer's tap, it is the race the contract allows
CANCEL_TOO_LATE = re.compile(r"refused POST /help-requests/[-0-9a-f]+/cancel \(409\)"
                             r".*cannot cancel a resolved request")
DRAIN_TIMEOUT_S = 300.0

MEDIATOR = r"""
import http.client, json, random, sys, threading
port, token = int(sys.argv[1]), sys.argv[2]
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
rng = random.Random(7)
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
counts = {"claimed": 0, "resolved": 0, "left_queued": 0, "conflicts": 0, "errors": 0}
seen = set()
def call(method, path, body=None):
    conn.request(method, "/api/v1" + path, body=json.dumps(body) if body is not None else None,
                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, response.read()
while not stop.wait(0.5):
    status, data = call("GET", "/help-requests?status=queued")
    if status != 200:
        counts["errors"] += 1
        continue
    for item in json.loads(data)["items"]:
        if item["id"] in seen:
            continue
        seen.add(item["id"])
        if rng.random() < 0.5:
            counts["left_queued"] += 1
            continue
        status, _ = call("POST", f"/help-requests/{item['id']}/claim")
        if status == 409:
            counts["conflicts"] += 1  # the customer cancelled first
            continue
        counts["claimed" if status == 200 else "errors"] += 1
        status, _ = call("POST", f"/help-requests/{item['id']}/resolve",
                         {"outcome": rng.choice(["helped", "sent-to-counter", "workshop"])})
        counts["resolved" if status == 200 else "conflicts" if status == 409 else "errors"] += 1
print(json.dumps(counts), flush=True)
"""



class Problems(logging.Handler):
    """Everything that went wrong in the kiosk: warnings and errors it logged, exceptions
    that reached the event loop, requests the hub refused or that got no answer."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()
        self.counts_ok: Counter[str] = Counter()  # reported, not errors
        self.examples: list[str] = []

    def note(self, kind: str, text: str) -> None:
        self.counts[kind] += 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {text[:300]}")

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if CANCEL_TOO_LATE.search(message):  # the mediator had finished first: a race, no fault
            self.counts_ok["cancel_after_resolved"] += 1
            return
        self.note(f"log.{record.levelname.lower()}", f"{record.name}: {message}")


class Record:
    """The kiosk's own account of what it made, on disk as it goes (one line an id)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh = path.open("w", encoding="ascii", buffering=1 << 16)

    def write(self, kind: str, item_id: str) -> None:
        self.fh.write(f"{kind} {item_id}\n")

    def read(self) -> dict[str, list[str]]:
        self.fh.flush()
        out: dict[str, list[str]] = {}
        with self.path.open(encoding="ascii") as fh:
            for line in fh:
                kind, item_id = line.split()
                out.setdefault(kind, []).append(item_id)
        return out


def watch(ctrl: Any, network: Any, record: Record, problems: Problems,
          replies: Counter[str]) -> None:
    """Hook the record and the problem counts onto the running kiosk (nothing changes in
    what it does)."""
    add = ctrl.events.add

    def logged(event: Any) -> None:
        record.write("made-event", event.id)
        add(event)

    ctrl.events.add = logged
    outbox = network.link.outbox
    put_many = outbox.put_many

    def queued(items: list[tuple[str, str, str, str, Any]]) -> None:
        for item_id, kind, *_ in items:
            record.write(f"outbox-{kind}", item_id)
        put_many(items)

    outbox.put_many = queued
    ctrl.helpRequested.connect(lambda context: record.write("asked-" + context["kind"], "-"))

    http = network.link.http  # the kiosk's one HTTP layer (its link and flow download)
    request = http.request

    def traced(method: str, path: str, body: Any = None, done: Any = None, **options: Any) -> None:
        def answered(answer: Any) -> None:  # the final answer, after any repeat on a stale connection
            kind = ("help" if path == "/help-requests" else "cancel" if path.endswith("/cancel")
                    else "where" if path.startswith("/help-requests/") else "events"
                    if path == "/events" else "heartbeat" if path.endswith("/heartbeat")
                    else "flows" if path.startswith("/flows") else path)
            status = answer.status
            replies[f"{kind} {status or 'no-answer'}"] += 1
            if status is None or (status >= 400 and not (kind == "cancel" and status == 409)):
                problems.note("http", f"{method} {path}: {status} {answer.error or answer.text[:200]}")
            if done is not None:
                done(answer)

        request(method, path, body, answered, **options)

    http.request = traced


def listen_to_qt(problems: Problems) -> None:
    """Qt's warnings count as problems, except the notes of a machine without audio."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    from kiosk.ui.qt import QUIET

    harmless = (*QUIET, "PulseAudioService: pa_context_connect")

    def handler(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) or message.startswith(harmless):
            return
        problems.note("qt", message)
        sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)


def wait_until(app: Any, condition: Callable[[], bool], seconds: float) -> bool:
    """Run the event loop until ``condition()`` holds or the time is up."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + seconds
    tick = QTimer()  # wakes the wait below at least every 5 ms (it sleeps until an event)
    tick.start(5)
    try:
        while not condition():
            if time.monotonic() > deadline:
                return False
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        tick.stop()
    return True


class Robot:
    def __init__(self, app: Any, ctrl: Any, window: Any, problems: Problems) -> None:
        self.app, self.ctrl, self.window, self.problems = app, ctrl, window, problems
        self.rng = random.Random(11)
        self.taps = Counter[str]()
        self.ack_ms: list[float] = []  # tap to "your call is queued" on the kiosk

    def session(self, number: int) -> None:
        ctrl, rng, app = self.ctrl, self.rng, self.app
        ctrl.set_language(rng.choice(ctrl.languages))
        if rng.random() < 0.2:
            ctrl.cycle_text_size()
        if rng.random() < 0.1:
            ctrl.toggle_contrast()
        ctrl.start_flow(rng.choice(ctrl.flows()).id)
        help_at = rng.randrange(0, 4) if number % HELP_EVERY == 0 else None
        painted = number % PAINT_EVERY == 0
        for move in range(40):
            if painted:
                pump(app)
            if ctrl.screen != "step" or ctrl.session is None:
                break
            step = ctrl.session.current
            if help_at is not None and (move >= help_at or step.kind == "end"):
                self.call_mediator()
                help_at = None
                break
            if step.kind == "end":
                ctrl.give_feedback(rng.choice(["good", "neutral", "bad"]))
                break
            if step.kind == "choices":  # a customer who needs no help does not ask for it here
                plain = [i for i, c in enumerate(step.choices)
                         if not c.next.startswith(("@help", "@workshop"))]
                ctrl.choose(rng.choice(plain or range(len(step.choices))))
            else:
                ctrl.advance()
            if rng.random() < 0.05:
                ctrl.back()
        if help_at is not None:  # the flow ended first: the customer asks from home
            self.call_mediator()
        if ctrl.screen == "outcome" and rng.random() < 0.5:
            ctrl.resume()
        pump(app)
        ctrl.reset("inactivity")
        pump(app)

    def call_mediator(self) -> None:
        """Tap the button, wait for the hub's answer on screen; some customers cancel."""
        ctrl = self.ctrl
        tapped = time.perf_counter()
        self.window.top.help.click()
        self.taps["help"] += 1
        acknowledged = wait_until(self.app, lambda: ctrl.help_status.get("status") in
                          ("queued", "claimed", "resolved"), ACK_TIMEOUT_S)
        self.ack_ms.append((time.perf_counter() - tapped) * 1000)
        if not acknowledged:
            self.problems.note("help", f"no acknowledgement in {ACK_TIMEOUT_S} s: "
                                       f"{ctrl.help_status}")
            return
        if ctrl.help_status.get("status") == "queued" and self.rng.random() < 0.25:
            ctrl.cancel_help()
            self.taps["cancel"] += 1


def hub_rows(db: Path, kiosk: str) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {
            "help": [r[0] for r in conn.execute(
                "SELECT id FROM help_requests WHERE kiosk_id = ?", [kiosk])],
            "events": [r[0] for r in conn.execute(
                "SELECT id FROM events WHERE kiosk_id = ?", [kiosk])],
            "cancelled": [r[0] for r in conn.execute(
                "SELECT id FROM help_requests WHERE kiosk_id = ? AND status = 'cancelled'",
                [kiosk])],
        }
    finally:
        conn.close()


def compare(made: list[str], stored: list[str]) -> dict[str, int]:
    made_set, stored_count = set(made), Counter(stored)
    return {"made": len(made), "made_distinct": len(made_set),
            "stored": sum(1 for i in made_set if i in stored_count),
            "missing": sum(1 for i in made_set if i not in stored_count),
            "duplicates": sum(n - 1 for n in stored_count.values() if n > 1)
            + (len(made) - len(made_set)),
            "unexpected": sum(1 for i in stored_count if i not in made_set)}


def main() -> None:
    total = 300 if quick() else 10_000
    mark = min(1000, total // 3)
    home = Path(tempfile.mkdtemp(prefix="kiosk-soak-"))
    for var, sub in (("KIOSK_DATA_DIR", "data"), ("KIOSK_CACHE_DIR", "cache"),
                     ("KIOSK_CONFIG_DIR", "config"), ("KIOSK_SYSTEM_CONFIG_DIR", "etc")):
        os.environ[var] = str(home / sub)
    os.environ["KIOSK_SPEECH"] = "0"

    from hubkit import HubProcess

    hub = HubProcess(kiosks=1, mediators=1)
    kiosk_id, token = next(iter(hub.kiosk_tokens.items()))
    try:
        mediator = subprocess.Popen([sys.executable, "-c", MEDIATOR, str(hub.port),
                                     hub.mediator_tokens[0]], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
    except BaseException:
        hub.stop()
        raise
    problems = Problems()
    logging.getLogger().addHandler(problems)
    hook = sys.excepthook
    sys.excepthook = lambda kind, error, tb: problems.note("exception", f"{kind.__name__}: {error}")
    try:
        result = soak(hub, kiosk_id, token, total, mark, home, problems)
    finally:
        sys.excepthook = hook
        assert mediator.stdin is not None
        assert mediator.stdout is not None
        mediator.stdin.close()  # it finishes its round and says what it did
        mediator_out = mediator.stdout.read()
        mediator.wait(timeout=30)
        hub.stop()
        shutil.rmtree(home, ignore_errors=True)
    result["mediator"] = json.loads(mediator_out) if mediator_out.strip() else {}
    emit(result)


def soak(hub: Any, kiosk_id: str, token: str, total: int, mark: int, home: Path,
         problems: Problems) -> dict[str, Any]:
    from kiosk import config
    from kiosk.customer.app import build
    from kiosk.customer.network import connect_to_hub
    from kiosk.customer.speech import attach_voice
    from kiosk.ui.qt import application

    app = application(offscreen=True)
    listen_to_qt(problems)
    settings = config.load({"hub_url": f"http://127.0.0.1:{hub.port}", "hub_token": token,
                            "kiosk_id": kiosk_id})
    assert settings["speech"] is False
    ctrl, window = build(settings, lockdown=False)
    window.resize(1920, 1080)
    window.show()
    pump(app)
    network = connect_to_hub(ctrl, settings)
    assert network is not None
    attach_voice(ctrl, window, settings)
    record = Record(home / "made.txt")
    replies: Counter[str] = Counter()
    watch(ctrl, network, record, problems, replies)
    pump(app)
    rss_start = rss_mb()
    robot = Robot(app, ctrl, window, problems)
    started, cpu_started = time.perf_counter(), time.process_time()
    rss_mark = 0.0
    trend: list[float] = []
    for number in range(1, total + 1):
        robot.session(number)
        if number == mark:
            rss_mark = rss_mb()
        if number % mark == 0:
            trend.append(round(rss_mb(), 1))
            print(f"soak: {number} sessions, {time.perf_counter() - started:.0f} s, "
                  f"RSS {trend[-1]} MB", file=sys.stderr, flush=True)
    rss_end = rss_mb()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    # the customers are gone: whatever is left goes to the hub
    outbox = network.link.outbox
    network.send_events()
    drained = wait_until(app, lambda: len(outbox) == 0 and not network.link.sending,
                         DRAIN_TIMEOUT_S)
    drain_seconds = time.perf_counter() - started - seconds
    left = len(outbox)
    network.stop()
    window.shutdown()
    pump(app)
    if not drained:
        problems.note("outbox", f"{left} items still in the outbox after {DRAIN_TIMEOUT_S} s")
    mine = record.read()
    stored = hub_rows(hub.db, kiosk_id)
    help_made = mine.get("outbox-help", [])
    events = compare(mine.get("made-event", []), stored["events"])
    events["put_in_outbox"] = len(mine.get("outbox-event", []))
    calls = compare(help_made, stored["help"])
    asked = sum(len(v) for k, v in mine.items() if k.startswith("asked-"))
    calls.update({"robot_taps": robot.taps["help"], "asked_by_kiosk": asked,
                  "tap_to_queued_ms": summary(robot.ack_ms) if robot.ack_ms else {},
                  "cancel_taps": robot.taps["cancel"],
                  "cancels_sent": len(mine.get("outbox-cancel", [])),
                  "cancelled_on_hub": len(stored["cancelled"]),
                  "cancel_conflicts": replies["cancel 409"],
                  "cancel_after_resolved_logged": problems.counts_ok["cancel_after_resolved"]})
    growth = (rss_end - rss_mark) / rss_mark
    delivered = (events["missing"] == 0 and events["duplicates"] == 0
                 and events["unexpected"] == 0 and calls["missing"] == 0
                 and calls["duplicates"] == 0 and calls["unexpected"] == 0
                 and asked == len(help_made) and events["put_in_outbox"] == events["made"])
    errors = sum(problems.counts.values())
    return {"benchmark": "soak_sessions", "sessions": total, "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu_seconds, 1),
            "sessions_per_s": round(total / seconds, 1), "drain_seconds": round(drain_seconds, 1),
            "rss_start_mb": round(rss_start, 1), f"rss_after_{mark}_mb": round(rss_mark, 1),
            f"rss_after_{total}_mb": round(rss_end, 1), "growth": round(growth, 3),
            f"rss_every_{mark}_mb": trend,
            "help_calls": calls, "events": events, "replies": dict(sorted(replies.items())),
            "errors": errors, "error_kinds": dict(problems.counts),
            "error_examples": problems.examples, "delivered_exactly_once": delivered,
            "budget_mb": BUDGET_MB, "budget_growth": BUDGET_GROWTH,
            "ok": errors == 0 and delivered and rss_mark <= BUDGET_MB
            and growth <= BUDGET_GROWTH}


if __name__ == "__main__":
    main()
