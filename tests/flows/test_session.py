from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.flows.session import FlowSession, Outcome, shortest_path
from kiosk.flows.validator import validate_text
from tests.clock import FakeClock


@pytest.fixture
def flow(valid_text: str, assets: Path) -> Any:
    report = validate_text(valid_text, "f.yaml", assets)
    assert report.flow is not None
    return report.flow


def test_walk_to_the_end_with_history_and_times(flow: Any) -> None:
    clock = FakeClock()
    seen: list[tuple[str, str, str]] = []
    s = FlowSession(flow, "fr", on_event=lambda k, f, st, d: seen.append((k, f, st)),
                    clock=clock)
    assert s.current.id == "first"
    assert s.position() == (1, 3)
    clock.now += 5
    s.advance()
    assert s.current.id == "ask"
    assert s.position() == (2, 3)
    clock.now += 2
    s.choose(0)
    assert s.current.id == "done"
    result = s.advance()
    assert result == Outcome("end", "done")
    assert s.finished
    assert s.seconds_on == {"first": 5.0, "ask": 2.0, "done": 0.0}
    assert [c.target for c in s.choices] == ["done"]
    assert [k for k, _, _ in seen] == ["flow.start", "step", "step", "choice", "step", "flow.end"]
    assert {f for _, f, _ in seen} == {"demo"}


def test_back_undoes_the_choice(flow: Any) -> None:
    s = FlowSession(flow)
    assert not s.can_go_back
    assert s.back().id == "first"  # nothing before the first step
    s.advance()
    s.choose(0)
    assert s.back().id == "ask"
    assert s.choices == []
    assert s.back().id == "first"


def test_special_targets_are_outcomes_and_resume(flow: Any) -> None:
    s = FlowSession(flow)
    s.advance()
    assert s.choose(1) == Outcome("help", "ask")
    assert s.finished
    assert s.resume().id == "ask"
    assert not s.finished


def test_language_switch_keeps_the_place(flow: Any) -> None:
    s = FlowSession(flow, "fr")
    s.advance()
    s.set_language("en")
    assert s.current.id == "ask"
    assert s.language == "en"
    assert s.current.spoken("en") == "Did it come out?"


def test_jump_rebuilds_the_shortest_history(flow: Any) -> None:
    s = FlowSession(flow)
    s.jump("done")
    assert s.history == ["first", "ask"]
    assert shortest_path(flow, "first") == ["first"]
    with pytest.raises(KeyError):
        shortest_path(flow, "nope")


def test_choose_checks_the_index(flow: Any) -> None:
    s = FlowSession(flow)
    s.advance()
    with pytest.raises(ValueError, match="use choose"):
        s.advance()
    with pytest.raises(IndexError):
        s.choose(5)


def test_abandon_records_the_reason(flow: Any) -> None:
    kinds: list[str] = []
    s = FlowSession(flow, on_event=lambda k, f, st, d: kinds.append(k))
    s.abandon("inactivity")
    assert kinds[-1] == "flow.abandon"
    assert s.outcome == Outcome("menu", "first")


def test_leaving_from_an_end_step_ends_the_flow() -> None:
    """Feedback on the last screen then home: the flow ended, it was not abandoned."""
    from kiosk import paths
    from kiosk.flows.library import FlowLibrary
    from kiosk.flows.session import FlowSession

    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    flow = library.get("buy-stamps")
    seen: list[str] = []
    session = FlowSession(flow, "fr", on_event=lambda kind, *_: seen.append(kind))
    session.jump(next(s.id for s in flow.steps if s.kind == "end"))
    session.abandon("home")
    assert seen[-1] == "flow.end"
    assert "flow.abandon" not in seen
    assert session.outcome is not None
    assert session.outcome.kind == "end"
