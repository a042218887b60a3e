"""FlowSession: the state machine a kiosk drives through one flow.

It knows the current step, the way back, the choices made and the time spent on each
step. Special targets end the walk with an :class:`Outcome` (``help``, ``menu``,
``workshop`` with its level, or ``end``). Every move is reported to ``on_event``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from kiosk.flows import SPECIAL_HELP, SPECIAL_MENU, WORKSHOP_PREFIX
from kiosk.flows.model import Flow, Step

OutcomeKind = Literal["end", "help", "menu", "workshop"]
EventSink = Callable[[str, str, str, dict[str, Any]], None]  # kind, flow, step, data


@dataclass(frozen=True)
class Outcome:
    """How a walk through a flow ended."""

    kind: OutcomeKind
    step_id: str
    level: str | None = None


def outcome_for(target: str, step_id: str) -> Outcome | None:
    """The outcome a special target stands for, or None for an ordinary step id."""
    if target == SPECIAL_HELP:
        return Outcome("help", step_id)
    if target == SPECIAL_MENU:
        return Outcome("menu", step_id)
    if target.startswith(WORKSHOP_PREFIX):
        return Outcome("workshop", step_id, target[len(WORKSHOP_PREFIX):])
    return None


@dataclass
class ChoiceMade:
    step_id: str
    index: int
    target: str


@dataclass
class FlowSession:
    """One customer's walk through one flow."""

    flow: Flow
    language: str = "fr"
    on_event: EventSink | None = None
    clock: Callable[[], float] = time.monotonic
    history: list[str] = field(default_factory=list)
    choices: list[ChoiceMade] = field(default_factory=list)
    seconds_on: dict[str, float] = field(default_factory=dict)
    outcome: Outcome | None = None

    def __post_init__(self) -> None:
        self.current_id = self.flow.start
        self._entered = self.clock()
        self._emit("flow.start", {"language": self.language})
        self._emit("step", {})

    # -- reading -------------------------------------------------------------------
    @property
    def current(self) -> Step:
        return self.flow.step(self.current_id)

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def can_go_back(self) -> bool:
        return bool(self.history) and not self.finished

    def position(self) -> tuple[int, int]:
        """("step N of M"): N counts the steps shown, M adds the most still to come."""
        n = len(self.history) + 1
        return n, n - 1 + self.flow.remaining(self.current_id)

    def time_on_step(self) -> float:
        """Seconds since the current step was shown."""
        return self.clock() - self._entered

    # -- moving --------------------------------------------------------------------
    def advance(self) -> Step | Outcome:
        """Follow ``next`` of the current step; on an end step, finish the flow."""
        step = self.current
        if step.kind == "end":
            return self._finish(Outcome("end", step.id))
        if step.kind == "choices":
            raise ValueError(f"step '{step.id}' asks a question: use choose()")
        return self._go(step.next, {})

    def choose(self, index: int) -> Step | Outcome:
        """Take choice ``index`` of the current step."""
        step = self.current
        if step.kind != "choices" or not 0 <= index < len(step.choices):
            raise IndexError(f"step '{step.id}' has no choice {index}")
        target = step.choices[index].next
        self.choices.append(ChoiceMade(step.id, index, target))
        self._emit("choice", {"index": index, "target": target})
        return self._go(target, {"choice": index})

    def back(self) -> Step:
        """Go back one step (nothing happens on the first step)."""
        if self.can_go_back:
            self._leave()
            self.current_id = self.history.pop()
            if self.choices and self.choices[-1].step_id == self.current_id:
                self.choices.pop()
            self._emit("back", {})
        return self.current

    def jump(self, step_id: str) -> Step:
        """Show ``step_id`` as if reached by the shortest way from the start."""
        self.history = shortest_path(self.flow, step_id)[:-1]
        self.current_id = step_id
        self._entered = self.clock()
        return self.current

    def resume(self) -> Step:
        """Come back to the step a special target (help, workshop) left from."""
        if self.outcome is not None and self.outcome.kind != "end":
            self.outcome = None
            self._entered = self.clock()
            self._emit("flow.resume", {})
        return self.current

    def set_language(self, language: str) -> None:
        """Switch language mid-flow; the place in the flow is kept."""
        if language != self.language:
            self._emit("language", {"from": self.language, "to": language})
            self.language = language

    def abandon(self, reason: str) -> None:
        """The customer left (reset, home, inactivity). On an end step that is the end
        of the flow (``flow.end``), not an abandon: they got there."""
        if not self.finished and self.current.kind == "end":
            self._finish(Outcome("end", self.current_id))
        elif not self.finished:
            self._leave()
            self.outcome = Outcome("menu", self.current_id)
            self._emit("flow.abandon", {"reason": reason})

    # -- inner ---------------------------------------------------------------------
    def _go(self, target: str, data: dict[str, Any]) -> Step | Outcome:
        outcome = outcome_for(target, self.current_id)
        if outcome is not None:
            return self._finish(outcome)
        self._leave()
        self.history.append(self.current_id)
        self.current_id = target
        self._emit("step", data)
        return self.current

    def _finish(self, outcome: Outcome) -> Outcome:
        self._leave()
        self.outcome = outcome
        self._emit(f"flow.{outcome.kind}", {"level": outcome.level} if outcome.level else {})
        return outcome

    def _leave(self) -> None:
        now = self.clock()
        spent = now - self._entered
        self.seconds_on[self.current_id] = self.seconds_on.get(self.current_id, 0.0) + spent
        self._entered = now

    def _emit(self, kind: str, data: dict[str, Any]) -> None:
        if self.on_event is not None:
            self.on_event(kind, self.flow.id, self.current_id, data)


def shortest_path(flow: Flow, step_id: str) -> list[str]:
    """Step ids from the start to ``step_id`` (both included), by the fewest steps."""
    flow.step(step_id)  # KeyError for an unknown step
    parents: dict[str, str | None] = {flow.start: None}
    queue = [flow.start]
    while queue:
        sid = queue.pop(0)
        if sid == step_id:
            break
        for t in flow.step(sid).targets():
            if t not in parents and not t.startswith("@"):
                parents[t] = sid
                queue.append(t)
    path: list[str] = []
    node: str | None = step_id if step_id in parents else flow.start
    while node is not None:
        path.append(node)
        node = parents[node]
    return path[::-1]
