"""The funnel of one flow, rebuilt from the events kiosks post.

A *session* of a flow is one walk through it: from its ``flow.start`` event to the
next ``flow.start`` of the same visit (``session_id``), or the end of the visit. The
events of a walk (see ``kiosk.flows.session`` and ``kiosk.customer.controller``):

- ``step`` (a step is shown), ``back`` (its ``step_id`` is the step gone back to),
  ``choice``, ``flow.resume`` (back to the step after a help or workshop screen);
- endings: ``flow.end``; ``flow.help`` and ``flow.workshop`` (a special target);
  ``flow.menu`` and ``flow.abandon`` (the customer went home, or the kiosk reset);
  a ``reset`` of the visit also ends a walk left open;
- ``help`` (a call for a mediator made from ``step_id``; the help screen stays up until
  ``flow.resume``), ``feedback`` (``data.value``: good, neutral, bad).

A session is *completed* when it showed an ``end: true`` step of the flow's current
version, or sent ``flow.end`` (a customer who taps a smiley on the last screen goes
home without ``flow.end``). A session not completed *quit* on the step it was on when it
ended, unless it ended on a help or workshop screen; a session with no ending at all
counts as quit on its last step. Time on a step is summed over the session's visits to
it (from the step shown to the next move; time on a help screen is not counted).
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

import sqlite_utils

from kiosk.hub.times import Period, local, parse_instant, utc_iso

ENDINGS = {"flow.end": "end", "flow.help": "help", "flow.workshop": "workshop",
           "flow.menu": "quit", "flow.abandon": "quit"}
FEEDBACK = ("good", "neutral", "bad")
MARGIN_HOURS = 6  # events this long after the period still tell how its sessions ended


@dataclass
class Walk:
    """One session of the flow, as the events tell it."""

    started: datetime
    step: str | None
    entered: datetime | None = None
    reached: set[str] = field(default_factory=set)
    seconds: dict[str, float] = field(default_factory=dict)
    help: Counter[str] = field(default_factory=Counter)
    feedback: list[str] = field(default_factory=list)
    completed: bool = False
    ending: str | None = None  # end, help, workshop or quit
    ending_step: str | None = None

    def leave(self, at: datetime) -> None:
        if self.entered is not None and self.step is not None:
            spent = max(0.0, (at - self.entered).total_seconds())
            self.seconds[self.step] = self.seconds.get(self.step, 0.0) + spent
        self.entered = None

    @property
    def result(self) -> str:
        """completed, help, workshop or quit."""
        if self.completed:
            return "completed"
        return self.ending if self.ending in ("help", "workshop") else "quit"

    @property
    def quit_step(self) -> str | None:
        return (self.ending_step or self.step) if self.result == "quit" else None


def walks(events: Iterable[dict[str, Any]], flow_id: str, end_steps: set[str]) -> list[Walk]:
    """The flow's walks in ``events`` (ordered by visit, then time)."""
    out: list[Walk] = []
    walk: Walk | None = None
    visit: tuple[str, str] | None = None
    for e in events:
        key = (e["kiosk_id"], e["session_id"] or "")
        if key != visit:
            visit, walk = key, None
        kind, at = e["type"], parse_instant(e["at"])
        if kind == "flow.start":
            walk = None
            if e["flow_id"] == flow_id:
                walk = Walk(started=at, step=e["step_id"])
                out.append(walk)
            continue
        if walk is None:
            continue
        if kind == "reset":
            walk.leave(at)
            if walk.ending is None:
                walk.ending, walk.ending_step = "quit", walk.step
            walk = None
        elif e["flow_id"] == flow_id:
            _apply(walk, e, kind, at, end_steps)
    return out


def _apply(walk: Walk, e: dict[str, Any], kind: str, at: datetime, end_steps: set[str]) -> None:
    if kind in ("step", "back"):
        walk.leave(at)
        walk.step, walk.entered = e["step_id"], at
        walk.reached.add(e["step_id"])
        walk.ending = walk.ending_step = None
        if e["step_id"] in end_steps:
            walk.completed = True
    elif kind == "flow.resume":
        walk.entered, walk.ending, walk.ending_step = at, None, None
    elif kind in ENDINGS:
        walk.leave(at)
        walk.ending, walk.ending_step = ENDINGS[kind], e["step_id"] or walk.step
        if kind == "flow.end":
            walk.completed = True
    elif kind == "help":  # the help screen is up until flow.resume
        walk.leave(at)
        walk.help[e["step_id"] or walk.step or ""] += 1
        walk.ending, walk.ending_step = "help", e["step_id"] or walk.step
    elif kind == "feedback":
        value = json.loads(e["data"] or "{}").get("value")
        if value in FEEDBACK:
            walk.feedback.append(value)


def funnel(db: sqlite_utils.Database, flow_id: str, steps: list[str], end_steps: set[str],
           period: Period, kiosk: str | None, tz: tzinfo) -> dict[str, Any]:
    """The funnel of ``flow_id`` for sessions started in ``period`` (see the module
    docstring); ``steps`` is the flow's step order."""
    where, args = period.widened(MARGIN_HOURS).sql("at")
    sql = (f"SELECT kiosk_id, session_id, type, flow_id, step_id, at, data FROM events WHERE {where}"
           " AND (flow_id = ? OR (flow_id IS NULL AND type = 'reset'))")
    args.append(flow_id)
    if kiosk:
        sql += " AND kiosk_id = ?"
        args.append(kiosk)
    sql += " ORDER BY kiosk_id, session_id, at, rowid"
    found = [w for w in walks(db.query(sql, args), flow_id, end_steps)
             if period.contains(utc_iso(w.started))]
    order = list(steps) + sorted({s for w in found for s in w.reached} - set(steps))
    results = Counter(w.result for w in found)
    by_day = Counter(w.started.astimezone(tz).date().isoformat() for w in found)
    by_hour = Counter(w.started.astimezone(tz).hour for w in found)
    feedback = Counter(v for w in found for v in w.feedback)
    sessions = len(found)
    return {
        "flow": flow_id, "sessions": sessions, "completed": results["completed"],
        "completion_rate": round(results["completed"] / sessions, 4) if sessions else None,
        "endings": {k: results[k] for k in ("completed", "help", "workshop", "quit")},
        "feedback": {k: feedback[k] for k in FEEDBACK},
        "steps": [_step(position, sid, sid in steps, found) for position, sid in
                  enumerate(order, start=1)],
        "by_day": [{"day": d, "sessions": n} for d, n in sorted(by_day.items())],
        "by_hour": [by_hour[h] for h in range(24)],
    }


def _step(position: int, sid: str, in_flow: bool, found: list[Walk]) -> dict[str, Any]:
    there = [w for w in found if sid in w.reached]
    seconds = [w.seconds[sid] for w in there if sid in w.seconds]
    return {"position": position, "step_id": sid, "in_flow": in_flow, "reached": len(there),
            "quit": sum(1 for w in found if w.quit_step == sid),
            "help_calls": sum(w.help[sid] for w in found),
            "median_seconds": round(statistics.median(seconds), 1) if seconds else None}


def local_day_hour(stored: str, tz: tzinfo) -> tuple[str, int]:
    """The office's day (YYYY-MM-DD) and hour of a stored instant."""
    moment = local(stored, tz)
    return moment.date().isoformat(), moment.hour
