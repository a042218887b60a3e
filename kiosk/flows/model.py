"""Runtime flow objects: plain frozen dataclasses, cheap to build from cached JSON.

A step is one of three kinds, each a class of its own: a ``NextStep`` goes on to one
step (``next``), a ``ChoiceStep`` asks a question (``choices``), an ``EndStep`` ends the
flow (``end: true``). ``Step`` is their union, told apart by ``kind`` (or ``match``), so
that mypy knows, say, that a question has choices and a plain step a ``next``.

The same rule for plain data (a YAML file, the JSON cache, the hub's copy, the editor's
document, any of which may be invalid) is ``declared_kinds``, ``kind_of``, ``kind_problem``
and ``targets_of``: the validator, the hub and the manager's editor read a step's kind there.

Validation lives in ``schema`` and ``validator``; this module trusts its input.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, assert_never

FALLBACK_LANGUAGE = "fr"

# The one rule for flow and step ids, shared by the validator and the hub's API (help
# calls and events carry them): a flow that validates never has a help call refused.
ID_MAX = 64
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # lowercase letters and digits, single '-'

StepKind: TypeAlias = Literal["next", "choices", "end"]
#: the kinds of step, each named by its key in a flow file, in the order messages and the
#: editor list them
STEP_KINDS: tuple[StepKind, ...] = ("next", "choices", "end")


def pick(texts: Mapping[str, str], lang: str) -> str:
    """The text in ``lang``, else French, else any language present."""
    if lang in texts:
        return texts[lang]
    if FALLBACK_LANGUAGE in texts:
        return texts[FALLBACK_LANGUAGE]
    return next(iter(texts.values()), "")


@dataclass(frozen=True)
class Choice:
    label: Mapping[str, str]
    next: str
    icon: str | None = None


@dataclass(frozen=True, kw_only=True)
class _StepBase:
    """What every step has: an id, a text, maybe a spoken variant and a picture."""

    id: str
    text: Mapping[str, str]
    say: Mapping[str, str] | None = None
    image: str | None = None

    def spoken(self, lang: str) -> str:
        """What to say aloud for this step: ``say`` if given, else ``text``."""
        return pick(self.say, lang) if self.say else pick(self.text, lang)


@dataclass(frozen=True, kw_only=True)
class NextStep(_StepBase):
    """A step that goes on to one other step (or special target) with a Next button."""

    next: str
    kind: Literal["next"] = field(default="next", init=False, repr=False)

    def targets(self) -> list[str]:
        """Every step id or special target this step can go to."""
        return [self.next]


@dataclass(frozen=True, kw_only=True)
class ChoiceStep(_StepBase):
    """A question: 2 to 6 choices, each going to a step or a special target."""

    choices: tuple[Choice, ...]
    kind: Literal["choices"] = field(default="choices", init=False, repr=False)

    def targets(self) -> list[str]:
        """Every step id or special target this step can go to, in the choices' order."""
        return [c.next for c in self.choices]


@dataclass(frozen=True, kw_only=True)
class EndStep(_StepBase):
    """The end of the flow: the kiosk asks for feedback, then goes home."""

    kind: Literal["end"] = field(default="end", init=False, repr=False)

    def targets(self) -> list[str]:
        """An end step goes nowhere."""
        return []


Step: TypeAlias = NextStep | ChoiceStep | EndStep


# -- a step's kind in plain data ----------------------------------------------------------
def declared_kinds(data: Mapping[str, Any]) -> list[StepKind]:
    """The kinds a step's plain data declares, in ``STEP_KINDS`` order: ``next`` and
    ``choices`` when present and not null, ``end`` when true. A valid step declares
    exactly one; the validator reports any other count."""
    found: list[StepKind] = []
    if data.get("next") is not None:
        found.append("next")
    if data.get("choices") is not None:
        found.append("choices")
    if data.get("end") is True:
        found.append("end")
    return found


def kind_of(data: Mapping[str, Any]) -> StepKind | None:
    """The kind of a step's plain data; None when it declares none or several."""
    kinds = declared_kinds(data)
    return kinds[0] if len(kinds) == 1 else None


def kind_problem(data: Mapping[str, Any]) -> str | None:
    """What is wrong with the kinds a step's plain data declares, in words that follow
    the step's name ("needs exactly one of next, choices, end (found next and end)"),
    or None when it declares exactly one."""
    kinds = declared_kinds(data)
    if len(kinds) == 1:
        return None
    found = " and ".join(kinds) if kinds else "none of them"
    return f"needs exactly one of {', '.join(STEP_KINDS)} (found {found})"


def targets_of(data: Mapping[str, Any]) -> list[str]:
    """Where a step's plain data can go: its ``next``, else each choice's ``next`` (an
    end step goes nowhere). Malformed choices are skipped, never raised on."""
    kinds = declared_kinds(data)
    if "next" in kinds:
        return [str(data["next"])]
    choices = data.get("choices")
    if "choices" in kinds and isinstance(choices, list | tuple):
        return [str(c.get("next", "")) for c in choices if isinstance(c, Mapping)]
    return []


def step_from_dict(data: Mapping[str, Any]) -> Step:
    """The step of already validated plain data (``ValueError`` when its kind is not
    exactly one of next, choices, end)."""
    sid, text, say, image = data["id"], data["text"], data.get("say"), data.get("image")
    kind = kind_of(data)
    if kind == "next":
        return NextStep(id=sid, text=text, say=say, image=image, next=data["next"])
    if kind == "choices":
        choices = tuple(Choice(label=c["label"], next=c["next"], icon=c.get("icon"))
                        for c in data["choices"])
        return ChoiceStep(id=sid, text=text, say=say, image=image, choices=choices)
    if kind == "end":
        return EndStep(id=sid, text=text, say=say, image=image)
    raise ValueError(f"step '{sid}' {kind_problem(data)}")


def step_to_dict(step: Step) -> dict[str, Any]:
    """Plain data of a step, the shape of the YAML file: ``step_from_dict`` reads it back."""
    d: dict[str, Any] = {"id": step.id, "text": dict(step.text)}
    if step.say:
        d["say"] = dict(step.say)
    if step.image:
        d["image"] = step.image
    if step.kind == "next":
        d["next"] = step.next
    elif step.kind == "choices":
        d["choices"] = [
            {"label": dict(c.label), "next": c.next, **({"icon": c.icon} if c.icon else {})}
            for c in step.choices
        ]
    elif step.kind == "end":
        d["end"] = True
    else:
        assert_never(step)
    return d


@dataclass(frozen=True)
class Flow:
    id: str
    title: Mapping[str, str]
    start: str
    steps: tuple[Step, ...]
    machine: str = "none"
    summary: Mapping[str, str] = field(default_factory=dict)
    icon: str | None = None
    schema: int = 1

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def languages(self) -> set[str]:
        """Languages present in the flow's title."""
        return set(self.title)

    def remaining(self, step_id: str) -> int:
        """Most steps still to show from ``step_id`` (itself included): exact when the
        steps form no loop; with loops, the length of a long path that goes round none
        (never more than the longest).

        Linear in the number of steps and choices (a search of every simple path takes
        exponential time on a flow of many questions), and without recursion."""
        by_id = {s.id: s for s in self.steps}

        def onward(sid: str) -> list[str]:
            return [t for t in by_id[sid].targets() if t in by_id]

        longest: dict[str, int] = {}
        active = {step_id}  # the path being searched: an edge back into it is a loop
        stack: list[tuple[str, Iterator[str]]] = [(step_id, iter(onward(step_id)))]
        while stack:
            sid, todo = stack[-1]
            for t in todo:
                if t not in longest and t not in active:
                    active.add(t)
                    stack.append((t, iter(onward(t))))
                    break
            else:
                stack.pop()
                active.discard(sid)
                longest[sid] = 1 + max((longest[t] for t in onward(sid) if t in longest),
                                       default=0)
        return longest[step_id]

    def to_dict(self) -> dict[str, Any]:
        """Plain data, the shape of the YAML file (used for the JSON cache)."""
        return {
            "schema": self.schema, "id": self.id, "title": dict(self.title),
            "summary": dict(self.summary), "icon": self.icon, "machine": self.machine,
            "start": self.start, "steps": [step_to_dict(s) for s in self.steps],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flow:
        """Build from already validated plain data."""
        return cls(
            id=data["id"], title=data["title"], start=data["start"],
            steps=tuple(step_from_dict(s) for s in data["steps"]),
            machine=data.get("machine", "none"), summary=data.get("summary") or {},
            icon=data.get("icon"), schema=data.get("schema", 1),
        )


STEP_TEXT_CHARS = 48  # a step's text for staff (a call's card, the counter), about this long

#: what a help call says of where the customer is, so that consoles show the text the
#: customer saw (never their own copy of the flow): French, and the customer's language
CALL_TEXTS = ("flow_version", "flow_title_fr", "step_title_fr", "step_text_fr", "flow_title",
              "step_title", "step_text")


def shorten(text: str, limit: int = STEP_TEXT_CHARS) -> str:
    """``text`` on one line, cut after a whole word near ``limit`` characters ("…")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return (cut or text[:limit]) + "…"


def call_texts(flow: Flow | None, step: Step | None, lang: str) -> dict[str, str]:
    """The texts of :data:`CALL_TEXTS` for a call made on ``step`` of ``flow`` by a
    customer reading ``lang`` (the step's "title" is its text shortened)."""
    out: dict[str, str] = {}
    for suffix, language in (("_fr", FALLBACK_LANGUAGE), ("", lang)):
        if flow is not None:
            out[f"flow_title{suffix}"] = pick(flow.title, language)
        if step is not None:
            text = pick(step.text, language)
            out[f"step_title{suffix}"] = shorten(text)
            out[f"step_text{suffix}"] = text
    return out
