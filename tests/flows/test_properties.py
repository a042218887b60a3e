"""Property tests: valid graphs always let a customer reach an end, and their flows go
to plain data (the JSON cache, the hub's copy) and back unchanged; no mutation of a
valid file makes the validator crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import paths
from kiosk.flows.model import Flow, declared_kinds, kind_of, step_from_dict, step_to_dict
from kiosk.flows.session import FlowSession, Outcome
from kiosk.flows.validator import validate_text

SPECIALS = ["@help", "@menu", "@workshop:initiation"]
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def flow_graphs(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(min_value=1, max_value=9))
    ids = [f"s{i}" for i in range(n)]
    steps = []
    for i, sid in enumerate(ids):
        step: dict[str, Any] = {"id": sid, "text": {"fr": f"Étape {i}."}, "image": "check-done.svg"}
        if i == n - 1:
            step["end"] = True
        else:
            extra = draw(st.lists(st.sampled_from(ids + SPECIALS), min_size=0, max_size=5))
            targets = [ids[i + 1], *extra][:6]
            if len(targets) == 1 and draw(st.booleans()):
                step["next"] = targets[0]
            else:
                if len(targets) == 1:
                    targets.append(draw(st.sampled_from(SPECIALS)))
                step["choices"] = [{"label": {"fr": f"Choix {j}"}, "next": t}
                                   for j, t in enumerate(targets)]
        steps.append(step)
    return {"schema": 1, "id": "random", "title": {"fr": "Au hasard"}, "start": "s0",
            "steps": steps}


def _distances(flow: Flow) -> dict[str, int]:
    """Moves from each step to an end or special target."""
    dist = {s.id: 1 for s in flow.steps
            if s.kind == "end" or any(t.startswith("@") for t in s.targets())}
    changed = True
    while changed:
        changed = False
        for s in flow.steps:
            best = min((dist[t] + 1 for t in s.targets() if t in dist), default=None)
            if best is not None and best < dist.get(s.id, 10**9):
                dist[s.id] = best
                changed = True
    return dist


@SETTINGS
@given(data=flow_graphs(), moves=st.lists(st.integers(min_value=0, max_value=5), max_size=30))
def test_valid_graphs_always_reach_an_end(data: dict[str, Any], moves: list[int]) -> None:
    report = validate_text(yaml.safe_dump(data, allow_unicode=True), "random.yaml")
    assert report.ok, [str(i) for i in report.errors]
    flow = report.flow
    assert flow is not None
    session = FlowSession(flow)
    result: object = session.current
    for move in moves:  # wander at random
        if isinstance(result, Outcome):
            break
        step = session.current
        result = (session.choose(move % len(step.choices)) if step.kind == "choices"
                  else session.advance())
    dist = _distances(flow)
    for _ in range(len(flow.steps) + 1):  # then head for the nearest end
        if isinstance(result, Outcome):
            break
        step = session.current
        if step.kind == "choices":
            targets = step.targets()
            best = min(range(len(targets)),
                       key=lambda i: 0 if targets[i].startswith("@") else dist[targets[i]])
            result = session.choose(best)
        else:
            result = session.advance()
    assert isinstance(result, Outcome)
    assert session.finished


@SETTINGS
@given(data=flow_graphs(), say=st.booleans(), icons=st.booleans())
def test_flows_go_to_plain_data_and_back_unchanged(data: dict[str, Any], say: bool,
                                                   icons: bool) -> None:
    for step in data["steps"]:
        if say:
            step["say"] = {"fr": f"Dites {step['id']}."}
        for choice in step.get("choices") or ():
            if icons:
                choice["icon"] = "parcel.svg"
    report = validate_text(yaml.safe_dump(data, allow_unicode=True), "random.yaml")
    assert report.ok, [str(i) for i in report.errors]
    flow = report.flow
    assert flow is not None
    plain = json.loads(json.dumps(flow.to_dict()))  # as the cache and the hub keep it
    assert Flow.from_dict(plain) == flow
    assert Flow.from_dict(plain).to_dict() == plain
    for raw, step, kept in zip(data["steps"], flow.steps, plain["steps"], strict=True):
        # one kind, the same read from the file, from the flow and from its plain data
        assert declared_kinds(raw) == [step.kind]
        assert kind_of(kept) == step.kind
        assert step_from_dict(kept) == step
        assert step_to_dict(step) == kept
        assert kept == raw


SOURCE = (paths.builtin_flows_dir() / "send-parcel.yaml").read_text(encoding="utf-8")
LINES = SOURCE.splitlines(keepends=True)


@st.composite
def mutations(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "char", "insert", "indent"]))
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "char" and lines[i]:
            k = draw(st.integers(min_value=0, max_value=len(lines[i]) - 1))
            c = draw(st.sampled_from(list(":-[]{}'\"#@&*!|>% \t\nx0")))
            lines[i] = lines[i][:k] + c + lines[i][k + 1:]
        elif kind == "insert":
            lines.insert(i, draw(st.text(max_size=30)) + "\n")
        elif kind == "indent":
            lines[i] = "  " + lines[i]
    return "".join(lines)


@SETTINGS
@given(text=mutations())
def test_mutations_never_crash_the_validator(text: str) -> None:
    report = validate_text(text, "mutant.yaml", Path(paths.assets_dir()))
    n = text.count("\n") + 2
    for issue in report.issues:
        assert 1 <= issue.line <= n
        assert issue.message
    assert report.ok == (report.flow is not None and not report.errors)
