"""A step's kind (next, choices or end): one definition in ``kiosk.flows.model``, read the
same from a flow file, from a runtime flow and from plain data."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from kiosk import paths
from kiosk.flows.library import flow_files
from kiosk.flows.model import (
    STEP_KINDS,
    Choice,
    ChoiceStep,
    EndStep,
    NextStep,
    declared_kinds,
    kind_of,
    kind_problem,
    step_from_dict,
    step_to_dict,
    targets_of,
)
from kiosk.flows.schema import ALLOWED_KEYS, StepSchema
from kiosk.flows.session import FlowSession
from kiosk.flows.validator import validate_file, validate_text

CLASSES = {"next": NextStep, "choices": ChoiceStep, "end": EndStep}
BUILTIN = flow_files([paths.builtin_flows_dir()])


def test_the_kinds_are_the_step_keys_of_the_schema() -> None:
    assert set(STEP_KINDS) <= set(ALLOWED_KEYS["step"])
    assert set(STEP_KINDS) <= set(StepSchema.model_fields)
    assert {cls.kind for cls in CLASSES.values()} == set(STEP_KINDS)  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", BUILTIN, ids=[p.stem for p in BUILTIN])
def test_each_builtin_step_has_exactly_one_kind(path: Path) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = validate_file(path)
    assert report.flow is not None
    assert len(raw["steps"]) == len(report.flow.steps)
    for data, step in zip(raw["steps"], report.flow.steps, strict=True):
        assert len(declared_kinds(data)) == 1, step.id
        assert kind_of(data) == step.kind, step.id
        assert type(step) is CLASSES[step.kind], step.id
        assert targets_of(data) == step.targets(), step.id
        assert step_from_dict(step_to_dict(step)) == step


# (replace this, by that) -> (line of the step, what was found)
SHAPES = [
    (("    next: ask\n", ""), 9, "first", "none of them"),
    (("    end: true\n", "    end: false\n"), 19, "done", "none of them"),
    (("    next: ask\n", "    next: ask\n    end: true\n"), 9, "first", "next and end"),
    (("    choices:\n", "    next: done\n    choices:\n"), 13, "ask", "next and choices"),
    (("  - id: done\n", "    end: true\n  - id: done\n"), 13, "ask", "choices and end"),
]


@pytest.mark.parametrize(("change", "line", "sid", "found"), SHAPES, ids=[s[3] for s in SHAPES])
def test_a_step_of_no_kind_or_two_is_an_error_at_its_line(
        valid_text: str, assets: Path, change: tuple[str, str], line: int, sid: str,
        found: str) -> None:
    old, new = change
    assert old in valid_text
    report = validate_text(valid_text.replace(old, new, 1), "f.yaml", assets)
    assert report.flow is None
    assert (f"f.yaml:{line}: error: step '{sid}' needs exactly one of next, choices, end "
            f"(found {found})") in [str(i) for i in report.errors]


def _plain(**kinds: Any) -> dict[str, Any]:
    return {"id": "s", "text": {"fr": "Texte."}, **kinds}


@pytest.mark.parametrize(("data", "kinds"), [
    (_plain(next="a"), ["next"]),
    (_plain(choices=[{"label": {"fr": "A"}, "next": "a"}]), ["choices"]),
    (_plain(choices=[]), ["choices"]),  # a question with too few choices is still one
    (_plain(end=True), ["end"]),
    (_plain(), []),
    (_plain(next=None, choices=None, end=False), []),  # what the schema fills in
    (_plain(next="a", end=True), ["next", "end"]),
    (_plain(next="a", choices=[], end=True), ["next", "choices", "end"]),
])
def test_plain_data_declares_its_kinds(data: dict[str, Any], kinds: list[str]) -> None:
    assert declared_kinds(data) == kinds
    assert kind_of(data) == (kinds[0] if len(kinds) == 1 else None)
    problem = kind_problem(data)
    if len(kinds) == 1:
        assert problem is None
    else:
        found = " and ".join(kinds) or "none of them"
        assert problem == f"needs exactly one of next, choices, end (found {found})"


def test_targets_of_plain_data_follow_its_kind_and_skip_what_is_malformed() -> None:
    assert targets_of(_plain(next="a")) == ["a"]
    assert targets_of(_plain(end=True)) == []
    assert targets_of(_plain(choices=[{"next": "a"}, "oops", {"label": {}}])) == ["a", ""]
    assert targets_of(_plain(choices="oops")) == []
    assert targets_of(_plain(next="a", choices=[{"next": "b"}])) == ["a"]  # next first


@pytest.mark.parametrize("data", [_plain(), _plain(next="a", end=True)])
def test_a_runtime_step_has_exactly_one_kind(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="needs exactly one of next, choices, end"):
        step_from_dict(data)


def test_the_kind_is_the_class_s_own() -> None:
    step = ChoiceStep(id="q", text={"fr": "?"}, choices=(Choice({"fr": "A"}, "a"),
                                                          Choice({"fr": "B"}, "@help")))
    assert step.kind == "choices"
    assert step.targets() == ["a", "@help"]
    assert NextStep(id="n", text={}, next="q").targets() == ["q"]
    assert EndStep(id="e", text={}).targets() == []
    with pytest.raises(TypeError):
        NextStep(id="n", text={}, next="q", kind="end")  # type: ignore[call-arg]
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.kind = "end"  # type: ignore[misc]


def test_the_session_moves_by_the_kind(valid_text: str, assets: Path) -> None:
    flow = validate_text(valid_text, "f.yaml", assets).flow
    assert flow is not None
    session = FlowSession(flow)
    with pytest.raises(IndexError):
        session.choose(0)  # a plain step asks nothing
    session.advance()
    assert session.current.kind == "choices"
    with pytest.raises(ValueError, match="use choose"):
        session.advance()
