"""The editor reads a step's kind (next, choices or end) where the kiosk does
(``kiosk.flows.model``): its form and preview show each step as the kiosk runs it, and a
change of kind keeps where the step went."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk import paths
from kiosk.customer.controller import KioskController
from kiosk.flows.library import FlowLibrary, flow_files
from kiosk.flows.model import STEP_KINDS, declared_kinds
from kiosk.manager.editor_doc import FlowDoc, load_yaml, shown_kind
from kiosk.manager.editor_form import StepForm
from kiosk.manager.editor_preview import step_speech

BUILTIN = flow_files([paths.builtin_flows_dir()])


@pytest.fixture(scope="module")
def library() -> FlowLibrary:
    lib = FlowLibrary([paths.builtin_flows_dir()])
    lib.load()
    return lib


@pytest.mark.parametrize("path", BUILTIN, ids=[p.stem for p in BUILTIN])
def test_the_editor_shows_each_builtin_step_as_the_kiosk_runs_it(
        qtbot: Any, library: FlowLibrary, path: Path) -> None:
    data, _ = load_yaml(path.read_text(encoding="utf-8"))
    flow = library.get(data["id"])
    ctrl = KioskController(library)
    for raw, step in zip(data["steps"], flow.steps, strict=True):
        assert shown_kind(raw) == step.kind, step.id
        for lang in ("fr", "ar"):
            assert step_speech(raw, lang) == ctrl.step_speech(step, lang), (step.id, lang)


def _doc() -> FlowDoc:
    return FlowDoc({"schema": 1, "id": "f", "title": {"fr": "F"}, "start": "a", "steps": [
        {"id": "a", "text": {"fr": "A"}, "next": "b"},
        {"id": "b", "text": {"fr": "B"}, "choices": [{"label": {"fr": "X"}, "next": ""},
                                                     {"label": {"fr": "Y"}, "next": "c"}]},
        {"id": "c", "text": {"fr": "C"}, "end": True},
    ]})


def test_a_new_kind_keeps_where_the_step_went() -> None:
    doc = _doc()
    a, b, c = doc.steps
    doc.set_kind(a, "choices", "c")
    assert declared_kinds(a) == ["choices"]
    assert [ch["next"] for ch in a["choices"]] == ["b", "@help"]
    doc.set_kind(b, "next", "a")
    assert declared_kinds(b) == ["next"]
    assert b["next"] == "c"  # the first choice pointed nowhere yet
    doc.set_kind(c, "next", "a")
    assert c["next"] == "a"  # an end went nowhere: the fallback
    doc.set_kind(c, "end", "a")
    assert c == {"id": "c", "text": {"fr": "C"}, "end": True}


def test_a_step_of_two_kinds_becomes_one() -> None:
    doc = _doc()
    step = doc.steps[0]
    step["end"] = True
    assert declared_kinds(step) == ["next", "end"]
    assert shown_kind(step) == "next"
    doc.set_kind(step, "end", "a")
    assert declared_kinds(step) == ["end"]


@pytest.mark.parametrize(("kinds", "shown"), [
    ({}, "next"),  # a step still to point somewhere
    ({"end": False}, "next"),
    ({"next": "b", "choices": []}, "next"),
    ({"choices": [], "end": True}, "choices"),
    ({"end": True}, "end"),
])
def test_a_step_of_no_kind_or_two_is_shown_as_the_first_it_declares(
        kinds: dict[str, Any], shown: str) -> None:
    assert shown_kind({"id": "s", "text": {"fr": "S"}, **kinds}) == shown


def test_the_form_shows_the_kind_and_changes_it(qtbot: Any) -> None:
    form = StepForm(lambda key, **_: key)
    qtbot.addWidget(form)
    doc = _doc()
    for i, kind in enumerate(STEP_KINDS):
        form.show_step(doc, i)
        assert form.fields["kind"].currentData() == kind
    form.show_step(doc, 0)
    combo = form.fields["kind"]
    combo.setCurrentIndex(STEP_KINDS.index("end"))
    assert declared_kinds(doc.steps[0]) == ["end"]
    qtbot.waitUntil(lambda: form.fields.get("kind") not in (None, combo))
    assert form.fields["kind"].currentData() == "end"
    assert "next" not in form.fields
