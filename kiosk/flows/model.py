"""Runtime flow objects: plain frozen dataclasses, cheap to build from cached JSON.

Validation lives in ``schema`` and ``validator``; this module trusts its input.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

FALLBACK_LANGUAGE = "fr"

# The one rule for flow and step ids, shared by the validator and the hub's API (help
# calls and events carry them): a flow that validates never has a help call refused.
ID_MAX = 64
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # lowercase letters and digits, single '-'


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


@dataclass(frozen=True)
class Step:
    id: str
    text: Mapping[str, str]
    say: Mapping[str, str] | None = None
    image: str | None = None
    next: str | None = None
    choices: tuple[Choice, ...] = ()
    end: bool = False

    def targets(self) -> list[str]:
        """Every step id or special target this step can go to."""
        if self.next is not None:
            return [self.next]
        return [c.next for c in self.choices]

    def spoken(self, lang: str) -> str:
        """What to say aloud for this step: ``say`` if given, else ``text``."""
        return pick(self.say, lang) if self.say else pick(self.text, lang)


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
        steps = []
        for s in self.steps:
            d: dict[str, Any] = {"id": s.id, "text": dict(s.text)}
            if s.say:
                d["say"] = dict(s.say)
            if s.image:
                d["image"] = s.image
            if s.next is not None:
                d["next"] = s.next
            if s.choices:
                d["choices"] = [
                    {"label": dict(c.label), "next": c.next, **({"icon": c.icon} if c.icon else {})}
                    for c in s.choices
                ]
            if s.end:
                d["end"] = True
            steps.append(d)
        return {
            "schema": self.schema, "id": self.id, "title": dict(self.title),
            "summary": dict(self.summary), "icon": self.icon, "machine": self.machine,
            "start": self.start, "steps": steps,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flow:
        """Build from already validated plain data."""
        steps = tuple(
            Step(
                id=s["id"], text=s["text"], say=s.get("say"), image=s.get("image"),
                next=s.get("next"), end=bool(s.get("end", False)),
                choices=tuple(
                    Choice(label=c["label"], next=c["next"], icon=c.get("icon"))
                    for c in s.get("choices") or ()
                ),
            )
            for s in data["steps"]
        )
        return cls(
            id=data["id"], title=data["title"], start=data["start"], steps=steps,
            machine=data.get("machine", "none"), summary=data.get("summary") or {},
            icon=data.get("icon"), schema=data.get("schema", 1),
        )
