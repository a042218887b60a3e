"""Runtime flow objects: what a kiosk computes at every step stays fast on any flow."""

from __future__ import annotations

import time

from kiosk.flows.model import Choice, ChoiceStep, EndStep, Flow, NextStep, Step


def _step(sid: str, targets: list[str]) -> Step:
    text = {"fr": sid}
    if not targets:
        return EndStep(id=sid, text=text)
    if len(targets) == 1:
        return NextStep(id=sid, text=text, next=targets[0])
    return ChoiceStep(id=sid, text=text, choices=tuple(Choice({"fr": t}, t) for t in targets))


def _flow(edges: dict[str, list[str]]) -> Flow:
    first = next(iter(edges))
    return Flow("f", {"fr": "F"}, first, tuple(_step(s, t) for s, t in edges.items()))


def test_remaining_is_instant_on_a_flow_of_many_questions() -> None:
    # each question leads to the next two: 2**60 paths, which a search of every path
    # would never finish
    n = 60
    flow = _flow({f"s{i}": [f"s{j}" for j in (i + 1, i + 2) if j < n] for i in range(n)})
    started = time.perf_counter()
    assert flow.remaining("s0") == n
    assert flow.remaining("s10") == n - 10
    assert time.perf_counter() - started < 1


def test_remaining_counts_the_longest_way_and_goes_round_no_loop() -> None:
    flow = _flow({"a": ["b", "c"], "b": ["d"], "c": ["a", "e"], "d": ["e"], "e": []})
    assert flow.remaining("a") == 4  # a b d e
    assert flow.remaining("c") == 5  # c a b d e: back to a, but never twice
    assert flow.remaining("e") == 1


def test_remaining_needs_no_recursion_on_a_long_flow() -> None:
    n = 5000
    flow = _flow({f"s{i}": [f"s{i + 1}"] if i + 1 < n else [] for i in range(n)})
    assert flow.remaining("s0") == n
