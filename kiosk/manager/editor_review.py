"""Translations to review (no Qt): when a French text changes, every other language's text
of that same field that was not edited since is "to review" until the manager edits it
or says it can stay as it is.

Detection compares texts, not keystrokes. Each (field, language) pair has a reference:
the French text and the translation as they were when the flow was opened (or when the
translation was last touched, or kept as it is). The pair is marked while the French text
differs from its reference and the translation is still the one of the reference (and
not empty: an empty translation is "to translate", which the form already shows).

Fields are named by step id, so that marks follow a step that moves: ``title``,
``summary``, ``steps/<id>/text``, ``steps/<id>/say``, ``steps/<id>/choice<j>``.

The flow format cannot carry the marks (the validator refuses unknown keys), so they are
kept beside it, on the manager's computer: ``<data dir>/manager/review-marks.json``, by
hub address and flow id, with the version the draft is based on. Each mark is stored
with its reference texts and comes back only while the translation is still that text.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk import paths
from kiosk.languages import REFERENCE

Pair = tuple[str, str]  # (field key, language)
_LOCK = threading.Lock()  # saves run in the thread pool: one read-modify-write at a time


def step_key(step_id: str, name: str) -> str:
    """The key of a step's field: ``text``, ``say`` or ``choice<j>``."""
    return f"steps/{step_id}/{name}"


def step_of(key: str) -> str | None:
    """The step id a field key belongs to (None for the flow's title and summary)."""
    return key.split("/")[1] if key.startswith("steps/") and key.count("/") >= 2 else None


def _texts(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def fields(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Every translatable field of a flow, by key, in the order the form shows them."""
    out: dict[str, dict[str, str]] = {}
    for key in ("title", "summary"):
        if isinstance(data.get(key), dict):
            out[key] = _texts(data[key])
    for step in data.get("steps") or ():
        if not isinstance(step, dict):
            continue
        sid = str(step.get("id", ""))
        for name in ("text", "say"):
            if isinstance(step.get(name), dict):
                out[step_key(sid, name)] = _texts(step[name])
        choices = step.get("choices")
        for j, choice in enumerate(choices if isinstance(choices, list) else ()):
            if isinstance(choice, dict):
                out[step_key(sid, f"choice{j}")] = _texts(choice.get("label"))
    return out


def _step_ids(data: dict[str, Any]) -> list[str]:
    return [str(s.get("id", "")) for s in data.get("steps") or () if isinstance(s, dict)]


class ReviewMarks:
    """The translations to review of one open flow."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.refs: dict[Pair, tuple[str, str]] = {}  # pair -> (French, translation) of reference
        self.ids = _step_ids(data)
        self.update(data)
        self.saved: set[tuple[str, str, str, str]] = set()  # marks as last stored

    def _pairs(self, data: dict[str, Any]) -> Iterator[tuple[Pair, str, str]]:
        for key, texts in fields(data).items():
            french = texts.get(REFERENCE, "")
            for lang, text in texts.items():
                if lang != REFERENCE:
                    yield (key, lang), french, text

    def _renamed(self, data: dict[str, Any]) -> None:
        """A step got another id (one id differs, at the same place): its marks follow."""
        ids = _step_ids(data)
        if len(ids) == len(self.ids) and ids != self.ids:
            changed = [(a, b) for a, b in zip(self.ids, ids, strict=True) if a != b]
            if len(changed) == 1 and changed[0][0] not in ids and changed[0][1] not in self.ids:
                old, new = (step_key(i, "") for i in changed[0])
                self.refs = {((new + k[0][len(old):] if k[0].startswith(old) else k[0]), k[1]): v
                             for k, v in self.refs.items()}
        self.ids = ids

    def update(self, data: dict[str, Any]) -> None:
        """Follow the flow's texts: a translation seen for the first time, or edited,
        takes the texts of now as its reference."""
        self._renamed(data)
        for pair, french, text in self._pairs(data):
            ref = self.refs.get(pair)
            if ref is None or ref[1] != text:
                self.refs[pair] = (french, text)

    def marks(self, data: dict[str, Any]) -> dict[Pair, str]:
        """The pairs to review, in form order, each with the French text it was written for."""
        out: dict[Pair, str] = {}
        for pair, french, text in self._pairs(data):
            ref = self.refs.get(pair)
            if ref is not None and text.strip() and ref[1] == text and ref[0] != french:
                out[pair] = ref[0]
        return out

    def keep(self, data: dict[str, Any], pair: Pair) -> None:
        """The translation is fine as it is: the French text of now becomes its reference."""
        for found, french, text in self._pairs(data):
            if found == pair:
                self.refs[pair] = (french, text)

    def records(self, data: dict[str, Any]) -> list[dict[str, str]]:
        """The marks as stored: field, language and their reference texts."""
        return [{"field": key, "lang": lang, "fr": self.refs[(key, lang)][0],
                 "text": self.refs[(key, lang)][1]} for key, lang in self.marks(data)]

    def carry(self, data: dict[str, Any], records: list[dict[str, Any]]) -> None:
        """Marks stored earlier: each comes back while its translation is unchanged."""
        now = {pair: text for pair, _, text in self._pairs(data)}
        for r in records:
            if not isinstance(r, dict) or not all(isinstance(r.get(k), str)
                                                  for k in ("field", "lang", "fr", "text")):
                continue
            pair = (r["field"], r["lang"])
            if now.get(pair) == r["text"] and self.refs.get(pair, ("", r["text"]))[1] == r["text"]:
                self.refs[pair] = (r["fr"], r["text"])
        self.stored(data)

    def stored(self, data: dict[str, Any]) -> None:
        """The marks of now are the stored ones (after opening or saving)."""
        self.saved = {_row(r) for r in self.records(data)}

    def changed(self, data: dict[str, Any]) -> bool:
        """Marks differ from the stored ones (one was kept as it is, say)."""
        return {_row(r) for r in self.records(data)} != self.saved


def _row(record: dict[str, str]) -> tuple[str, str, str, str]:
    return record["field"], record["lang"], record["fr"], record["text"]


def counts(marks: dict[Pair, str]) -> tuple[int, int, bool]:
    """How many texts to review, in how many steps, and whether the flow's title or
    summary has some."""
    steps = {step_of(key) for key, _ in marks}
    return len(marks), len(steps - {None}), None in steps


def by_step(marks: dict[Pair, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, _ in marks:
        sid = step_of(key)
        if sid is not None:
            out[sid] = out.get(sid, 0) + 1
    return out


def by_language(marks: dict[Pair, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for _, lang in marks:
        out[lang] = out.get(lang, 0) + 1
    return out


# -- the side file (read and written off the UI thread) ------------------------------------
def marks_file() -> Path:
    return paths.data_dir() / "manager" / "review-marks.json"


def _read_all() -> dict[str, Any]:
    try:
        data = json.loads(marks_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_marks(hub: str, flow_id: str) -> list[dict[str, Any]]:
    """The marks stored for a flow of a hub ([] when none)."""
    flows = _read_all().get(hub)
    entry = flows.get(flow_id) if isinstance(flows, dict) else None
    marks = entry.get("marks") if isinstance(entry, dict) else None
    return list(marks) if isinstance(marks, list) else []


def write_marks(hub: str, flow_id: str, version: int | None, records: list[dict[str, str]]) -> None:
    """Store a flow's marks (none: its entry goes); the file is replaced whole."""
    with _LOCK:
        data = _read_all()
        flows = data.get(hub) if isinstance(data.get(hub), dict) else {}
        if records:
            when = datetime.now(UTC).isoformat(timespec="seconds")
            flows[flow_id] = {"based_on": version, "saved_at": when, "marks": records}
        else:
            flows.pop(flow_id, None)
        if flows:
            data[hub] = flows
        else:
            data.pop(hub, None)
        target = marks_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(target)
