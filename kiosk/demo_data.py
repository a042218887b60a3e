"""Demo data: weeks of realistic kiosk use posted into a hub over HTTP, so that the
manager's dashboard has something to show (demo, screenshots, tests).

Customers walk the built-in flows through the same :class:`FlowSession` the kiosk runs,
and :class:`Visit` reports what they do exactly as the kiosk's controller would (same
event types and data): some finish and leave a smiley, some give up at the steps where
people really struggle (the scale, the label, paying with coins), some call a mediator.
Help calls are then claimed and resolved by a mediator with an outcome; the last one is
left waiting. Everything is drawn from a seeded random generator, so the same seed and
day give the same data, with the same ids: seeding twice stores nothing new.

Only the standard library talks to the hub (``urllib``): this runs wherever the kiosk
does. The hub dates a help call when it receives it ("now"); given the hub's database
file, :func:`seed` then dates each call at the moment its customer asked, and its claim
and its end minutes later (``backdate_calls``), so the help figures and waits cover the
same weeks as the visits.
"""

from __future__ import annotations

import contextlib
import json
import random
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk import paths
from kiosk.flows import SPECIAL_HELP, SPECIAL_MENU, WORKSHOP_PREFIX
from kiosk.flows.glossary import glossary
from kiosk.flows.library import FlowLibrary
from kiosk.flows.model import Flow, Step, pick
from kiosk.flows.session import FlowSession, Outcome
from kiosk.languages import CODES

#: how often each flow is started, relative to each other
FLOW_WEIGHTS = {"send-parcel": 24, "frank-letter": 18, "collect-parcel": 16, "buy-stamps": 12,
                "use-locker": 10, "pickup-return": 8, "track-shipment": 6, "send-registered": 5,
                "digital-skills": 4}
#: customers' languages, relative: French most, then Arabic; any other language of the
#: table (kiosk.languages) as often as the least spoken of these
_SHARES = {"fr": 70, "ar": 10, "en": 8, "es": 6, "pt": 6}
LANGUAGES = tuple((code, _SHARES.get(code, min(_SHARES.values()))) for code in CODES)
#: opening hours (office time): visits per hour, relative; Saturday mornings only
HOURS = {9: 10, 10: 16, 11: 18, 12: 11, 13: 5, 14: 12, 15: 14, 16: 15, 17: 11}
SATURDAY_HOURS = {9: 10, 10: 16, 11: 18, 12: 6}
#: steps where customers struggle: more time, more help, more giving up
HARD_STEPS = {"weigh", "label", "pay-coins", "customs", "service", "code-how", "type-code",
              "door", "send-door", "no-label", "label-check", "slip", "no-slip", "number",
              "result", "take", "acknowledgement", "q-password", "q-form"}
HELP_OUTCOMES = (("helped", 64), ("sent-to-counter", 18), ("workshop", 8), ("left", 6),
                 ("other", 4))
FEEDBACK = (("good", 72), ("neutral", 18), ("bad", 10))
BATCH = 400


def _pick(rng: random.Random, weighted: Any) -> Any:
    items = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


@dataclass
class Walk:
    """How one session of a flow ended, as the hub's funnel will count it."""

    flow_id: str
    completed: bool = False
    ending: str | None = None  # help, workshop or quit, while not completed

    @property
    def result(self) -> str:
        if self.completed:
            return "completed"
        return self.ending if self.ending in ("help", "workshop") else "quit"


@dataclass
class Visit:
    """One customer at a kiosk, reported as the kiosk's controller reports it: events
    with their instants (``start`` plus the seconds waited so far) and help calls.

    A test can script a visit move by move (``choose``, ``advance``, ``call_help``...);
    :func:`seed` lets random customers drive it.
    """

    kiosk_id: str
    start: datetime
    new_id: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))
    language: str = "fr"
    events: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)  # POST /help-requests bodies
    walks: list[Walk] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    session: FlowSession | None = None
    seconds: float = 0.0
    visit_id: str | None = None

    # -- time ----------------------------------------------------------------------
    def wait(self, seconds: float) -> None:
        self.seconds += max(0.0, seconds)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.seconds)

    # -- what the customer does ----------------------------------------------------
    def set_language(self, language: str) -> None:
        if language != self.language:
            self._log("language", {"from": self.language, "to": language})
            self.language = language

    def start_flow(self, flow: Flow) -> FlowSession:
        self._end_session("home")
        self.walks.append(Walk(flow.id))
        self.session = FlowSession(flow, self.language, on_event=self._flow_event,
                                   clock=lambda: self.seconds)
        return self.session

    def advance(self, after: float = 0.0) -> None:
        self.wait(after)
        assert self.session is not None
        self._after_move(self.session.advance())

    def choose(self, index: int, after: float = 0.0) -> None:
        self.wait(after)
        assert self.session is not None
        self._after_move(self.session.choose(index))

    def back(self, after: float = 0.0) -> None:
        self.wait(after)
        assert self.session is not None
        self.session.back()

    def call_help(self, after: float = 0.0) -> dict[str, Any]:
        """The customer asks for a mediator (the button, or a ``@help`` choice)."""
        self.wait(after)
        s = self.session
        context = {"kiosk_id": self.kiosk_id, "language": self.language, "kind": "help",
                   "flow_id": s.flow.id if s else None, "step_id": s.current_id if s else None,
                   "seconds_on_step": round(s.time_on_step(), 1) if s else None}
        self._log("help", context)
        if s is not None and not s.finished:
            s.outcome = Outcome("help", s.current_id)
        if s is not None:
            self.walks[-1].ending = "help"
        return self._call(context)

    def cancel_help(self, after: float = 0.0) -> None:
        self.wait(after)
        self._log("help.cancel", {"id": self.calls[-1]["id"]})
        self.calls[-1]["cancelled"] = True

    def resume(self, after: float = 0.0) -> None:
        """Back from the help or workshop screen to the step it was asked from."""
        self.wait(after)
        if self.session is not None:
            self.session.resume()
            self.walks[-1].ending = None

    def give_feedback(self, value: str, after: float = 0.0) -> None:
        self.wait(after)
        self._log("feedback", {"value": value})
        self.feedback.append(value)
        self.go_home()

    def go_home(self, after: float = 0.0) -> None:
        self.wait(after)
        self._end_session("home")

    def reset(self, reason: str = "inactivity", after: float = 0.0) -> None:
        """The visit ends (the kiosk clears everything for the next customer)."""
        self.wait(after)
        self._end_session(reason)
        if self.visit_id is not None:
            self._log("reset", {"reason": reason})
        self.visit_id = None

    # -- inner ---------------------------------------------------------------------
    def _after_move(self, result: Step | Outcome) -> None:
        if not isinstance(result, Outcome):
            if self.session is not None and self.session.current.kind == "end":
                self.walks[-1].completed = True
            return
        if result.kind == "help":
            self.call_help()
        elif result.kind == "workshop":
            self._log("workshop", {"level": result.level})
            self.walks[-1].ending = "workshop"
            s = self.session
            assert s is not None
            self._call({"kiosk_id": self.kiosk_id, "language": self.language,
                        "kind": "workshop", "level": result.level, "flow_id": s.flow.id,
                        "step_id": s.current_id, "seconds_on_step": 0.0})
        else:  # end or menu: back to the home screen
            if result.kind == "menu" and not self.walks[-1].completed:
                self.walks[-1].ending = "quit"
            self.go_home()

    def _call(self, context: dict[str, Any]) -> dict[str, Any]:
        body = {"id": self.new_id(), "kiosk_id": self.kiosk_id,
                "language": context["language"], "kind": context["kind"],
                "flow_id": context["flow_id"], "step_id": context["step_id"],
                "level": context.get("level"), "seconds_on_step": context["seconds_on_step"],
                "_at": self.now()}
        self.calls.append(body)
        return body

    def _end_session(self, reason: str) -> None:
        if self.session is not None:
            if not self.session.finished:
                self.walks[-1].ending = "quit"
            self.session.abandon(reason)
            self.session = None

    def _ensure_visit(self) -> str:
        if self.visit_id is None:
            self.visit_id = self.new_id()
            self._add("visit.start", None, None, {"language": self.language})
        return self.visit_id

    def _flow_event(self, kind: str, flow_id: str, step_id: str, data: dict[str, Any]) -> None:
        self._ensure_visit()
        self._add(kind, flow_id, step_id, data)

    def _log(self, kind: str, data: dict[str, Any]) -> None:
        self._ensure_visit()
        s = self.session
        self._add(kind, s.flow.id if s else None, s.current_id if s else None, data)

    def _add(self, kind: str, flow_id: str | None, step_id: str | None,
             data: dict[str, Any]) -> None:
        self.events.append({
            "id": self.new_id(), "kiosk_id": self.kiosk_id, "session_id": self.visit_id,
            "type": kind, "flow_id": flow_id, "step_id": step_id,
            "at": self.now().astimezone(UTC).isoformat(timespec="milliseconds"),
            "data": dict(data)})


# -- random customers --------------------------------------------------------------------
class Customer:
    """Draws what one customer does at each step."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def dwell(self, step: Step) -> float:
        """Seconds spent reading a step (more on the hard ones)."""
        base = 28.0 if step.id in HARD_STEPS else (14.0 if step.kind == "choices" else 9.0)
        return round(min(240.0, max(3.0, self.rng.lognormvariate(0, 0.45) * base)), 1)

    def gives_up(self, step: Step) -> bool:
        chance = 0.07 if step.id in HARD_STEPS else 0.012
        return step.kind != "end" and self.rng.random() < chance

    def choice(self, step: Step) -> int:
        targets = step.targets()  # the choices' (a step asked to choose is a question)
        special = {i for i, t in enumerate(targets) if t.startswith("@")}
        workshop = [i for i, t in enumerate(targets) if t.startswith(WORKSHOP_PREFIX)]
        if workshop:  # a workshop offer: most say yes, some go home, a few ask
            weights = [62 if t.startswith(WORKSHOP_PREFIX) else 28 if t == SPECIAL_MENU
                       else 10 for t in targets]
            return int(self.rng.choices(range(len(targets)), weights=weights)[0])
        if SPECIAL_HELP in targets and self.rng.random() < (0.1 if step.id in HARD_STEPS else 0.03):
            return targets.index(SPECIAL_HELP)
        plain = [i for i in range(len(targets)) if i not in special] or \
            [i for i, t in enumerate(targets) if t != SPECIAL_HELP]
        weights = [0.4 ** float(rank) for rank in range(len(plain))]
        return int(self.rng.choices(plain, weights=weights)[0])


def walk_flow(visit: Visit, flow: Flow, who: Customer) -> None:
    """A random customer walks ``flow`` until the end, a call, or giving up."""
    rng = who.rng
    session = visit.start_flow(flow)
    for _ in range(40):  # a loop in a flow never runs forever
        if visit.session is not session or session.finished:
            break
        step = session.current
        seconds = who.dwell(step)
        words = glossary(visit.language).find(pick(step.text, visit.language) or "")
        if words and rng.random() < 0.12:  # a hard word touched: its explanation opened
            visit._log("glossary.opened", {"term": rng.choice(words).term.id,
                                           "language": visit.language})
        if who.gives_up(step):
            if rng.random() < 0.5:
                visit.go_home(after=seconds)
            else:  # walked away: the kiosk resets after its inactivity delay
                visit.reset("inactivity", after=seconds + 80)
            return
        if rng.random() < 0.012 and step.kind != "end":  # the help button of the top bar
            visit.call_help(after=seconds)
        elif step.kind == "end":  # a smiley, or "finished", or just walking away
            roll = rng.random()
            if roll < 0.58:
                visit.give_feedback(_pick(rng, FEEDBACK), after=seconds)
            elif roll < 0.88:
                visit.advance(after=seconds)
            return
        elif step.kind == "next":
            visit.advance(after=seconds)
        elif session.history and rng.random() < 0.04:
            visit.back(after=seconds)
        else:
            visit.choose(who.choice(step), after=seconds)
        if visit.calls and visit.calls[-1].get("_pending") is None and visit.walks[-1].ending in (
                "help", "workshop"):
            call = visit.calls[-1]
            call["_pending"] = True
            if call["kind"] == "workshop":
                call["_outcome"] = "workshop" if rng.random() < 0.85 else "left"
                return
            if rng.random() < 0.05:  # the customer cancels and carries on alone
                visit.cancel_help(after=rng.uniform(20, 60))
                visit.resume(after=3)
                continue
            if rng.random() < 0.6:  # a mediator shows how, the customer carries on
                call["_outcome"] = "helped"
                visit.resume(after=rng.uniform(90, 420))
                continue
            call["_outcome"] = _pick(rng, HELP_OUTCOMES)
            return


def visits_for_day(day: date, tz: ZoneInfo, rng: random.Random, kiosk_id: str,
                   new_id: Callable[[], str], until: datetime, flows: dict[str, Flow],
                   ) -> list[Visit]:
    """Every visit of one day at one kiosk (none on Sundays; none after ``until``)."""
    weekday = day.weekday()
    if weekday == 6:
        return []
    hours = SATURDAY_HOURS if weekday == 5 else HOURS
    count = round(rng.gauss(16 if weekday == 5 else 30 - 2 * weekday, 4))
    weights = {fid: w for fid, w in FLOW_WEIGHTS.items() if fid in flows}
    out = []
    for _ in range(max(0, count)):
        hour = _pick(rng, hours)
        start = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=tz)
        visit = Visit(kiosk_id, start, new_id)
        who = Customer(rng)
        visit.set_language(_pick(rng, LANGUAGES))
        visit.wait(rng.uniform(4, 15))
        walk_flow(visit, flows[_pick(rng, weights)], who)
        if visit.visit_id is not None and rng.random() < 0.1:  # a second task, same visit
            visit.wait(rng.uniform(5, 20))
            walk_flow(visit, flows[_pick(rng, weights)], who)
        visit.reset("inactivity", after=80)
        if visit.now() < until:
            out.append(visit)
    return out


# -- posting -------------------------------------------------------------------------------
class Hub:
    """The few calls the seed makes, with ``urllib``."""

    def __init__(self, url: str) -> None:
        self.base = url.rstrip("/") + "/api/v1"

    def post(self, path: str, token: str | None, body: Any = None, ok: tuple[int, ...] = (),
             ) -> Any:
        data = json.dumps(body).encode() if body is not None else b""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data=data, method="POST",
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - our hub
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as exc:
            if exc.code in ok:
                return None
            raise RuntimeError(f"POST {path}: HTTP {exc.code} {exc.read()[:300]!r}") from None


def login(hub_url: str, user: str, password: str) -> str:
    """A staff token for ``user`` (to pass as ``mediator_token``)."""
    answer = Hub(hub_url).post("/auth/login", None, {"username": user, "password": password})
    return str(answer["token"])


def seed(hub_url: str, kiosk_token: str, kiosk_id: str, mediator_token: str, *, days: int = 21,
         seed: int = 1, now: datetime | None = None, timezone: str = "Europe/Paris",
         db_path: Path | None = None) -> dict[str, Any]:
    """Post ``days`` days of kiosk use (up to ``now``) into the hub at ``hub_url``: the
    events of every visit, then the help calls, claimed and resolved by the mediator
    (the last one left waiting). Returns counts of what was posted:
    ``visits, sessions, completed, events, feedback, help_calls, workshop_calls,
    resolved, cancelled, waiting, outcomes, endings, by_flow`` (see the test for their
    meaning against ``/stats``). With ``db_path`` (the hub's database file), each call is
    then dated when its customer asked, claimed and ended minutes later (``backdate_calls``).

    Meant for a fresh hub: the ids come from the seed, so seeding again changes nothing
    (events and calls already there are kept as they are)."""
    rng = random.Random(seed)
    tz = ZoneInfo(timezone)
    until = (now or datetime.now(tz)).astimezone(tz)
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    flows = {f.id: f for f in library.ordered()}

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    visits: list[Visit] = []
    for back in range(days - 1, -1, -1):
        visits += visits_for_day(until.date() - timedelta(days=back), tz, rng, kiosk_id,
                                 new_id, until, flows)
    hub = Hub(hub_url)
    events = [e for v in visits for e in v.events]
    for i in range(0, len(events), BATCH):
        hub.post("/events", kiosk_token, events[i:i + BATCH])
    calls = [c for v in visits for c in v.calls]
    outcomes: Counter[str] = Counter()
    resolved = cancelled = waiting = 0
    last = max((n for n, c in enumerate(calls) if not c.get("cancelled")), default=-1)
    for n, call in enumerate(calls):
        body = {k: v for k, v in call.items() if not k.startswith("_") and k != "cancelled"}
        hub.post("/help-requests", kiosk_token, body)
        if call.get("cancelled"):
            hub.post(f"/help-requests/{call['id']}/cancel", kiosk_token)
            cancelled += 1
        elif n == last:
            waiting += 1  # nobody has come yet
        else:  # 409: already resolved by an earlier seed of the same data
            outcome = call.get("_outcome", "helped")
            hub.post(f"/help-requests/{call['id']}/claim", mediator_token, ok=(409,))
            hub.post(f"/help-requests/{call['id']}/resolve", mediator_token,
                     {"outcome": outcome, "note": None}, ok=(409,))
            outcomes[outcome] += 1
            resolved += 1
    if db_path is not None:
        backdate_calls(db_path, [c for n, c in enumerate(calls) if n != last],
                       random.Random(seed + 1), until)
    walks = [w for v in visits for w in v.walks]
    by_flow: dict[str, dict[str, int]] = {}
    for w in walks:
        entry = by_flow.setdefault(w.flow_id, {"sessions": 0, "completed": 0, "help": 0,
                                               "workshop": 0, "quit": 0})
        entry["sessions"] += 1
        entry[w.result] += 1
    feedback = Counter(f for v in visits for f in v.feedback)
    return {
        "visits": sum(1 for e in events if e["type"] == "visit.start"), "sessions": len(walks),
        "completed": sum(1 for w in walks if w.completed), "events": len(events),
        "feedback": {k: feedback[k] for k, _ in FEEDBACK},
        "help_calls": sum(1 for c in calls if c["kind"] == "help"),
        "workshop_calls": sum(1 for c in calls if c["kind"] == "workshop"),
        "resolved": resolved, "cancelled": cancelled, "waiting": waiting,
        "outcomes": dict(outcomes), "endings": dict(Counter(w.result for w in walks)),
        "by_flow": by_flow,
    }


def backdate_calls(db_path: Path, calls: list[dict[str, Any]], rng: random.Random,
                   now: datetime) -> int:
    """Date the seeded help calls (all but the one left waiting) when their customers
    asked (``_at``); a claim from 20 s to 8 min later (longer at busy hours), an end 2 to
    12 min after that; a cancelled call ends within a minute, unclaimed. Writes the hub's
    database file directly: demo data only, once, on a new demo hub (a few rows; SQLite
    serialises this write with the hub's). Nothing is dated after ``now``. Returns the
    number of calls dated."""
    import sqlite3

    from kiosk.hub.times import utc_iso

    rows = []
    for call in calls:
        asked: datetime = call["_at"]
        if call.get("cancelled"):
            ended = min(now, asked + timedelta(seconds=rng.uniform(20, 60)))
            rows.append((utc_iso(asked), utc_iso(ended), None, utc_iso(ended), call["id"]))
            continue
        busy = 1.6 if asked.hour in (10, 11, 15, 16) else 1.0
        wait = min(480.0, rng.lognormvariate(4.2, 0.7) * busy)
        claimed = min(now, asked + timedelta(seconds=wait))
        ended = min(now, claimed + timedelta(seconds=rng.uniform(120, 720)))
        rows.append((utc_iso(asked), utc_iso(ended), utc_iso(claimed), utc_iso(ended), call["id"]))
    with contextlib.closing(sqlite3.connect(db_path, timeout=30)) as db, db:
        db.executemany("UPDATE help_requests SET created_at = ?, updated_at = ?,"
                       " claimed_at = COALESCE(?, claimed_at), resolved_at = ? WHERE id = ?", rows)
    return len(rows)
