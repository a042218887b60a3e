"""What changed between two versions of a flow, as the manager reads it (no Qt): per step,
added, removed or moved, and for each changed text and language the old and new text
with the words that went and came; other settings (next step, picture...) as old → new.

``compare_texts`` does the whole work off the UI thread: both YAML texts read, the
changes listed, and the raw unified YAML diff for experts.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from kiosk.flows.source import SourceError, parse
from kiosk.languages import CODES, REFERENCE
from kiosk.manager.editor_doc import shown_kind

Op = Literal["same", "del", "add"]
_WORD = re.compile(r"\w+|[^\w\s]+|\s+")
#: the settings of a step and of the flow compared as plain values, in the order shown
STEP_VALUES = ("kind", "next", "image")
FLOW_VALUES = ("start", "machine", "icon")


def words(old: str, new: str) -> list[tuple[Op, str]]:
    """``old`` → ``new`` as runs of words kept, deleted and added (punctuation is a word
    of its own; a run may start or end with spaces, which are no change to show)."""
    a, b = _WORD.findall(old), _WORD.findall(new)
    out: list[tuple[Op, str]] = []

    def put(op: Op, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            put("same", a[i1:i2])
        else:
            put("del", a[i1:i2])
            put("add", b[j1:j2])
    return out


@dataclass
class TextChange:
    """One language of one text: ``field`` is title, summary, text, say or choice
    (``n`` its number from 1)."""

    field: str
    n: int
    language: str
    old: str
    new: str

    def runs(self) -> list[tuple[Op, str]]:
        return words(self.old, self.new)


@dataclass
class ValueChange:
    """A setting: kind, next, image, icon, start, machine, or a choice's target (``n``)."""

    field: str
    n: int
    old: str
    new: str


@dataclass
class StepChange:
    """One step between the versions; ``status`` is added, removed or changed (a moved
    step with nothing else changed is ``changed`` too, with ``moved``)."""

    step_id: str
    status: Literal["added", "removed", "changed"]
    old_position: int | None = None  # from 1
    new_position: int | None = None
    moved: bool = False
    texts: list[TextChange] = field(default_factory=list)
    values: list[ValueChange] = field(default_factory=list)
    fr: str = ""  # the French text (of the new step, or of the removed one)


@dataclass
class FlowChanges:
    flow: StepChange  # the flow's own title, summary, start, machine, icon (step_id "")
    steps: list[StepChange]
    error: str = ""  # a text could not be read (the editor's text, mid-edit)

    @property
    def empty(self) -> bool:
        return not (self.flow.texts or self.flow.values or self.steps or self.error)


def _texts(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _language_order(langs: set[str]) -> list[str]:
    return [c for c in CODES if c in langs] + sorted(langs - set(CODES))


def _text_changes(name: str, n: int, old: Any, new: Any) -> list[TextChange]:
    a, b = _texts(old), _texts(new)
    return [TextChange(name, n, lang, a.get(lang, ""), b.get(lang, ""))
            for lang in _language_order(set(a) | set(b)) if a.get(lang, "") != b.get(lang, "")]


def _plain(value: Any) -> str:
    return "" if value is None or value is False else str(value)


def _step_texts(old: dict[str, Any], new: dict[str, Any]) -> list[TextChange]:
    out = _text_changes("text", 0, old.get("text"), new.get("text"))
    out += _text_changes("say", 0, old.get("say"), new.get("say"))
    a, b = old.get("choices") or [], new.get("choices") or []
    for j in range(max(len(a), len(b))):
        ca = a[j] if j < len(a) and isinstance(a[j], dict) else {}
        cb = b[j] if j < len(b) and isinstance(b[j], dict) else {}
        out += _text_changes("choice", j + 1, ca.get("label"), cb.get("label"))
    return out


def _step_values(old: dict[str, Any], new: dict[str, Any]) -> list[ValueChange]:
    out = []
    kinds = (shown_kind(old), shown_kind(new))
    if kinds[0] != kinds[1]:
        out.append(ValueChange("kind", 0, kinds[0], kinds[1]))
    for key in ("next", "image"):
        if _plain(old.get(key)) != _plain(new.get(key)):
            out.append(ValueChange(key, 0, _plain(old.get(key)), _plain(new.get(key))))
    a, b = old.get("choices") or [], new.get("choices") or []
    for j in range(max(len(a), len(b))):
        ca = a[j] if j < len(a) and isinstance(a[j], dict) else {}
        cb = b[j] if j < len(b) and isinstance(b[j], dict) else {}
        for key, name in (("next", "choice_next"), ("icon", "choice_icon")):
            if _plain(ca.get(key)) != _plain(cb.get(key)):
                out.append(ValueChange(name, j + 1, _plain(ca.get(key)), _plain(cb.get(key))))
    return out


def _steps(data: dict[str, Any]) -> dict[str, tuple[int, dict[str, Any]]]:
    steps = data.get("steps")
    return {str(s.get("id", "")): (i, s) for i, s in enumerate(steps if isinstance(steps, list) else ())
            if isinstance(s, dict)}


def _moved(old_ids: list[str], new_ids: list[str]) -> set[str]:
    """Steps in both versions whose order among the other kept steps changed."""
    common = set(old_ids) & set(new_ids)
    a = [i for i in old_ids if i in common]
    b = [i for i in new_ids if i in common]
    kept: set[str] = set()
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        kept |= set(a[block.a:block.a + block.size])
    return common - kept


def compare(old: dict[str, Any], new: dict[str, Any]) -> FlowChanges:
    """The changes from the flow ``old`` to the flow ``new`` (both plain data)."""
    flow = StepChange("", "changed")
    for key in ("title", "summary"):
        flow.texts += _text_changes(key, 0, old.get(key), new.get(key))
    for key in FLOW_VALUES:
        if _plain(old.get(key)) != _plain(new.get(key)):
            flow.values.append(ValueChange(key, 0, _plain(old.get(key)), _plain(new.get(key))))
    a, b = _steps(old), _steps(new)
    moved = _moved(list(a), list(b))
    out: list[StepChange] = []
    for sid, (j, step) in b.items():
        if sid not in a:
            out.append(StepChange(sid, "added", None, j + 1, fr=_texts(step.get("text")).get(REFERENCE, "")))
            continue
        i, before = a[sid]
        change = StepChange(sid, "changed", i + 1, j + 1, sid in moved,
                            _step_texts(before, step), _step_values(before, step))
        if change.moved or change.texts or change.values:
            out.append(change)
    for sid, (i, step) in a.items():
        if sid not in b:
            gone = StepChange(sid, "removed", i + 1, None, fr=_texts(step.get("text")).get(REFERENCE, ""))
            out.insert(next((k for k, c in enumerate(out) if (c.new_position or 0) > i + 1), len(out)), gone)
    return FlowChanges(flow, out)


def unified(old: str, new: str, old_name: str, new_name: str) -> str:
    """The unified diff of two YAML texts ("" when they are the same)."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        old_name, new_name, n=3))


def _read(text: str) -> dict[str, Any]:
    data = parse(text).data  # the flows' guarded reader (aliases, depth, sizes)
    if not isinstance(data, dict):
        raise ValueError("not a flow")
    return data


def compare_texts(old: str, new: str, old_name: str, new_name: str) -> tuple[str, FlowChanges]:
    """The raw YAML diff and the changes, for two flow texts (CPU work: off the UI thread).
    A text that cannot be read gives changes with only ``error``."""
    raw = unified(old, new, old_name, new_name)
    try:
        changes = compare(_read(old), _read(new))
    except SourceError as exc:
        changes = FlowChanges(StepChange("", "changed"), [], error=f"{exc.line}: {exc.message}")
    except ValueError as exc:
        changes = FlowChanges(StepChange("", "changed"), [], error=str(exc))
    return raw, changes
