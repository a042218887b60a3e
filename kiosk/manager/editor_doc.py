"""The flow being edited, as plain data (no Qt): step operations, languages, untranslated
texts, and the YAML text written back in the shape of the shipped flow files.

The editor keeps one ``FlowDoc``; the form changes its ``data`` in place, the YAML view
replaces it when its text parses into something the form can show.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from kiosk.flows import SPECIAL_HELP, SPECIAL_MENU, WORKSHOP_LEVELS, WORKSHOP_PREFIX
from kiosk.flows.messages import render
from kiosk.flows.model import STEP_KINDS, StepKind, declared_kinds, targets_of
from kiosk.flows.source import Located, SourceError, parse
from kiosk.flows.validator import Report, validate_text
from kiosk.languages import CODES, REFERENCE

SPECIAL_TARGETS = (SPECIAL_HELP, SPECIAL_MENU, *(WORKSHOP_PREFIX + level for level in WORKSHOP_LEVELS))
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9._/-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
_NUMBER = re.compile(r"^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?$|^0x[0-9a-fA-F]+$|^\.(inf|nan)$")


def is_special(target: str) -> bool:
    return target.startswith("@")


def shown_kind(step: dict[str, Any]) -> StepKind:
    """The kind the editor shows a step as (form, preview, graph): the one it declares
    (``kiosk.flows.model.declared_kinds``); a step of two kinds (an error the validator
    reports) as the first, one of none as a plain step still to point somewhere."""
    declared = declared_kinds(step)
    return declared[0] if declared else "next"


class NotEditable(ValueError):
    """YAML that parses but that the form cannot show (e.g. steps that are not a list);
    its words are a flows message (``code``, ``params``: :mod:`kiosk.flows.messages`)."""

    def __init__(self, line: int, code: str, params: dict[str, Any]) -> None:
        super().__init__(render(code, params))
        self.line = line
        self.code = code
        self.params = params

    def text(self, lang: str) -> str:
        return render(self.code, self.params, lang)


def load_yaml(text: str) -> tuple[dict[str, Any], Located]:
    """The flow data of a YAML text; raises ``SourceError`` (malformed YAML) or
    ``NotEditable`` (a shape the form cannot show), each with its line."""
    located = parse(text)
    data = located.data
    problem = _shape_problem(data)
    if problem is not None:
        path, code, params = problem
        raise NotEditable(located.line(path), code, params)
    return data, located


Shape = tuple[tuple[str | int, ...], str, dict[str, Any]]


def _shape_problem(data: dict[str, Any]) -> Shape | None:
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        return ("steps",), "form.steps_not_list", {}
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            return ("steps", i), "form.step_not_mapping", {"n": i + 1}
        if not isinstance(step.get("id"), str):
            return ("steps", i), "form.step_no_id", {"n": i + 1}
        for key in ("text", "say"):
            if key in step and not _is_texts(step[key]):
                return ("steps", i, key), "form.step_texts", {"field": key, "id": step["id"]}
        choices = step.get("choices")
        if choices is not None and not isinstance(choices, list):
            return ("steps", i, "choices"), "form.choices_not_list", {"id": step["id"]}
        for j, choice in enumerate(choices or ()):
            if not isinstance(choice, dict) or not _is_texts(choice.get("label", {})):
                return ("steps", i, "choices", j), "form.choice_malformed", {"n": j + 1,
                                                                              "id": step["id"]}
    for key in ("title", "summary"):
        if key in data and data[key] is not None and not _is_texts(data[key]):
            return (key,), "form.texts", {"field": key}
    return None


def _is_texts(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


class FlowDoc:
    """One flow's data and the editor's extra languages (added, not translated yet)."""

    def __init__(self, data: dict[str, Any], extra_languages: list[str] | None = None) -> None:
        self.data = data
        self.extra_languages: list[str] = list(extra_languages or [])

    # -- reading -----------------------------------------------------------------------
    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    @property
    def steps(self) -> list[dict[str, Any]]:
        steps: list[dict[str, Any]] = self.data.setdefault("steps", [])
        return steps

    def step_ids(self) -> list[str]:
        return [str(s.get("id", "")) for s in self.steps]

    def index_of(self, step_id: str) -> int | None:
        ids = self.step_ids()
        return ids.index(step_id) if step_id in ids else None

    def texts(self) -> list[tuple[tuple[str | int, ...], dict[str, str]]]:
        """Every text that must be translated (title, summary, step texts, choice
        labels), with its path; ``say`` is optional and not counted."""
        out: list[tuple[tuple[str | int, ...], dict[str, str]]] = [(("title",), self.data.get("title") or {})]
        if self.data.get("summary"):
            out.append((("summary",), self.data["summary"]))
        for i, step in enumerate(self.steps):
            out.append((("steps", i, "text"), step.get("text") or {}))
            for j, choice in enumerate(step.get("choices") or ()):
                out.append((("steps", i, "choices", j, "label"), choice.get("label") or {}))
        return out

    def languages(self) -> list[str]:
        """Languages of the flow (present in any text, or added), French first."""
        found: set[str] = set(self.extra_languages)
        for _, texts in self.texts():
            found |= {lang for lang, value in texts.items() if value}
        found.add(REFERENCE)
        known = [lang for lang in CODES if lang in found]  # the customers' languages, in order
        return known + sorted(found - set(CODES))

    def missing(self, language: str) -> int:
        """How many texts have nothing yet in ``language``."""
        return sum(1 for _, texts in self.texts() if not str(texts.get(language, "")).strip())

    def add_language(self, language: str) -> None:
        if language not in self.languages():
            self.extra_languages.append(language)

    def step_at_line(self, located: Located, line: int) -> int | None:
        """Index of the step whose lines hold ``line`` (None before the first step)."""
        best = None
        for i in range(len(self.steps)):
            start = located.value_lines.get(("steps", i))
            if start is not None and start <= line:
                best = i
        return best

    def targets(self) -> list[str]:
        """What a ``next`` can point at: the step ids, then the special targets."""
        return [*self.step_ids(), *SPECIAL_TARGETS]

    # -- changing ----------------------------------------------------------------------
    def set_text(self, owner: dict[str, Any], key: str, language: str, value: str) -> None:
        """Set one language of a text (an empty value removes it; an empty ``say``
        goes away)."""
        texts = owner.get(key)
        if not isinstance(texts, dict):
            texts = {}
        if value.strip():
            texts[language] = value
        else:
            texts.pop(language, None)
        if texts or key in ("text", "label", "title"):
            owner[key] = self._ordered(texts)
        else:
            owner.pop(key, None)

    def _ordered(self, texts: dict[str, str]) -> dict[str, str]:
        order = self.languages()
        return dict(sorted(texts.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order
                                                        else len(order), kv[0])))

    def unique_id(self, base: str) -> str:
        ids = set(self.step_ids())
        if base not in ids:
            return base
        n = 2
        while f"{base}-{n}" in ids:
            n += 1
        return f"{base}-{n}"

    def add_step(self, after: int | None, text: str) -> int:
        """A new end step after ``after`` (at the end when None); returns its index."""
        step = {"id": self.unique_id("step"), "text": {REFERENCE: text}, "end": True}
        index = len(self.steps) if after is None else after + 1
        self.steps.insert(index, step)
        return index

    def duplicate_step(self, index: int) -> int:
        step = copy.deepcopy(self.steps[index])
        step["id"] = self.unique_id(f"{step.get('id', 'step')}-copy")
        self.steps.insert(index + 1, step)
        return index + 1

    def move_step(self, index: int, delta: int) -> int:
        target = max(0, min(len(self.steps) - 1, index + delta))
        if target != index:
            self.steps.insert(target, self.steps.pop(index))
        return target

    def delete_step(self, index: int) -> int | None:
        """Remove a step (the last one stays); returns the index to select next."""
        if len(self.steps) <= 1:
            return None
        removed = self.steps.pop(index)
        if self.data.get("start") == removed.get("id"):
            self.data["start"] = self.steps[0].get("id")
        return min(index, len(self.steps) - 1)

    def rename_step(self, old: str, new: str) -> bool:
        """Give a step another id and update every target and ``start`` that named it."""
        if not new or new == old or new in self.step_ids():
            return False
        for step in self.steps:
            if step.get("id") == old:
                step["id"] = new
            if step.get("next") == old:
                step["next"] = new
            for choice in step.get("choices") or ():
                if choice.get("next") == old:
                    choice["next"] = new
        if self.data.get("start") == old:
            self.data["start"] = new
        return True

    def set_kind(self, step: dict[str, Any], kind: StepKind, fallback_target: str) -> None:
        """Make a step a plain one (``next``), a question (``choices``) or an end, keeping
        the first place it went to."""
        target = next((t for t in targets_of(step) if t), fallback_target)
        for key in STEP_KINDS:
            step.pop(key, None)
        if kind == "next":
            step["next"] = target
        elif kind == "choices":
            step["choices"] = [{"label": {REFERENCE: ""}, "next": target},
                               {"label": {REFERENCE: ""}, "next": SPECIAL_HELP}]
        else:
            step["end"] = True

    # -- writing -----------------------------------------------------------------------
    def to_yaml(self) -> str:
        return dump(self.data)

    def copy(self) -> FlowDoc:
        return FlowDoc(copy.deepcopy(self.data), self.extra_languages)


def clean(flow: dict[str, Any]) -> dict[str, Any]:
    """A flow as the hub sends it (``Flow.to_dict``) without its empty parts."""
    return {k: v for k, v in flow.items() if v not in (None, {}, [])}


# -- the YAML writer: block mappings, every text in double quotes, a blank line
# between steps (the layout of the shipped files) ----------------------------------------
def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and not _NUMBER.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _texts_key(key: str) -> bool:
    return key in ("title", "summary", "text", "say", "label")


def _lines(value: Any, indent: int, key: str = "") -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            name = scalar(k)
            if isinstance(v, dict) and v:
                out.append(f"{pad}{name}:")
                out += _lines(v, indent + 2, str(k))
            elif isinstance(v, list) and v:
                out.append(f"{pad}{name}:")
                out += _list_lines(v, indent + 2, str(k))
            elif isinstance(v, str) and _texts_key(key):
                out.append(f"{pad}{name}: {json.dumps(v, ensure_ascii=False)}")
            else:
                out.append(f"{pad}{name}: {_flat(v)}")
    else:
        out.append(f"{pad}{_flat(value)}")
    return out


def _list_lines(items: list[Any], indent: int, key: str) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for n, item in enumerate(items):
        if key == "steps" and n:
            out.append("")
        if isinstance(item, dict) and item:
            inner = _lines(item, indent + 2, key)
            out.append(f"{pad}- {inner[0].lstrip()}")
            out += inner[1:]
        elif isinstance(item, list) and item:
            out.append(f"{pad}-")
            out += _list_lines(item, indent + 2, key)
        else:
            out.append(f"{pad}- {_flat(item)}")
    return out


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "{}" if not value else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[]" if not value else json.dumps(value, ensure_ascii=False)
    return scalar(value)


def dump(data: dict[str, Any]) -> str:
    """A flow's YAML text (``yaml.safe_load(dump(d)) == d``)."""
    return "\n".join(_lines(data, 0)) + "\n"


def position(doc: FlowDoc, step_id: str) -> tuple[int, int]:
    """("step N of M") as the kiosk shows it when the step is reached the shortest way:
    N counts the steps shown, M adds the most still to come."""
    edges = {str(s.get("id")): [t for t in targets_of(s) if not is_special(t)] for s in doc.steps}
    start = str(doc.data.get("start", ""))
    dist = {start: 0} if start in edges else {}
    todo = list(dist)
    while todo:
        here = todo.pop(0)
        for t in edges.get(here, []):
            if t in edges and t not in dist:
                dist[t] = dist[here] + 1
                todo.append(t)
    budget = [20_000]  # a dense graph has many paths: an estimate is enough for a preview

    def longest(sid: str, seen: frozenset[str]) -> int:
        best = 0
        for t in edges.get(sid, []):
            if t in edges and t not in seen and budget[0] > 0:
                budget[0] -= 1
                best = max(best, longest(t, seen | {t}))
        return 1 + best

    n = dist.get(step_id, 0) + 1
    return n, n - 1 + (longest(step_id, frozenset({step_id})) if step_id in edges else 1)


@dataclass
class Analysis:
    """What the editor learns from a YAML text: the validator's report, and the data and
    lines the form can use (or the first reason it cannot, with its line)."""

    text: str
    report: Report
    data: dict[str, Any] | None = None
    located: Located | None = None
    error: tuple[int, str] | None = None


def analyse(text: str, flow_id: str, pictures: Collection[str] = (),
            lang: str = "fr") -> Analysis:
    """Validate a flow's text and read it for the form (CPU work: run it off the UI thread);
    ``pictures`` are the hub's, that a step may name as well as the built-in ones. Why the
    form cannot show it is said in ``lang``."""
    report = validate_text(text, f"{flow_id or 'flow'}.yaml", pictures=pictures)
    result = Analysis(text, report)
    try:
        result.data, result.located = load_yaml(text)
    except SourceError as exc:
        result.error = (exc.line, exc.issue("").text(lang))
    except NotEditable as exc:
        result.error = (exc.line, exc.text(lang))
    return result
