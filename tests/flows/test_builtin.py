"""The shipped flows: valid, easy to read, in five languages, with a picture on each step."""

from __future__ import annotations

import pytest

from kiosk import paths
from kiosk.flows.library import BUILTIN_ORDER, flow_files
from kiosk.flows.validator import validate_paths

LANGUAGES = {"fr", "en", "ar", "es", "pt"}
REPORTS = validate_paths(flow_files([paths.builtin_flows_dir()]))


def test_all_nine_flows_are_shipped() -> None:
    assert sorted(r.flow.id for r in REPORTS if r.flow) == sorted(BUILTIN_ORDER)


@pytest.mark.parametrize("report", REPORTS, ids=[r.file.rsplit("/", 1)[-1] for r in REPORTS])
def test_no_error_and_no_warning(report) -> None:  # type: ignore[no-untyped-def]
    assert [str(i) for i in report.issues] == []


@pytest.mark.parametrize("report", REPORTS, ids=[r.file.rsplit("/", 1)[-1] for r in REPORTS])
def test_five_languages_and_pictures_everywhere(report) -> None:  # type: ignore[no-untyped-def]
    flow = report.flow
    assert set(flow.title) == LANGUAGES
    assert set(flow.summary) == LANGUAGES
    for step in flow.steps:
        assert set(step.text) == LANGUAGES, step.id
        assert step.image, step.id
        for choice in step.choices if step.kind == "choices" else ():
            assert set(choice.label) == LANGUAGES, step.id


@pytest.mark.parametrize("report", REPORTS, ids=[r.file.rsplit("/", 1)[-1] for r in REPORTS])
def test_file_name_is_the_flow_id(report) -> None:  # type: ignore[no-untyped-def]
    assert report.file.endswith(f"/{report.flow.id}.yaml")


def test_digital_skills_check_offers_every_workshop_level() -> None:
    flow = next(r.flow for r in REPORTS if r.flow and r.flow.id == "digital-skills")
    targets = {t for s in flow.steps for t in s.targets()}
    assert {"@workshop:initiation", "@workshop:perfectionnement",
            "@workshop:outils-budgetaires"} <= targets
    assert any(s.kind == "end" for s in flow.steps)


def test_every_task_flow_can_call_for_help() -> None:
    for r in REPORTS:
        targets = {t for s in r.flow.steps for t in s.targets()}
        assert "@help" in targets, r.flow.id
