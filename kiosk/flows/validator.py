"""Validate flow files: every rule of DESIGN.md, each problem as ``file:line: message``.

Errors make a flow unusable (a kiosk keeps its last good version); warnings are the
easy-to-read (FALC) rules and partly covered languages.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kiosk import paths
from kiosk.flows import SPECIAL_HELP, SPECIAL_MENU, WORKSHOP_LEVELS, WORKSHOP_PREFIX, falc, guard
from kiosk.flows.issues import Issue
from kiosk.flows.messages import msg
from kiosk.flows.model import (
    ID_MAX,
    ID_PATTERN,
    STEP_KINDS,
    Flow,
    declared_kinds,
    kind_problem,
    targets_of,
)
from kiosk.flows.schema import ALLOWED_KEYS, FlowSchema
from kiosk.flows.source import Located, SourceError, parse
from kiosk.languages import CODES

SLUG = re.compile(ID_PATTERN)
LANG = re.compile(r"^[a-z]{2,3}$")
SCHEMA_VERSION = 1
_SUGGEST_MAX = 200  # longest word a "did you mean" looks for
# pydantic error types whose words the flows catalogs have (others keep pydantic's English)
SCHEMA_TYPES = ("string_type", "int_type", "list_type", "dict_type", "model_type",
                "too_short", "too_long", "string_too_short", "string_too_long",
                "string_pattern_mismatch", "int_parsing", "greater_than_equal",
                "less_than_equal", "int_from_float")


@dataclass
class Report:
    """The result of validating one file: the flow when it has no errors, and the issues."""

    file: str
    flow: Flow | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.flow is not None and not self.errors


class _Checker:
    def __init__(self, file: str, located: Located, assets: Path,
                 pictures: Collection[str] = ()) -> None:
        self.file = file
        self.src = located
        self.data: dict[str, Any] = located.data
        self.assets = assets
        self.pictures = pictures  # picture names known beyond the assets (the hub's)
        self.issues: list[Issue] = []

    def error(self, line: int, code: str, **params: Any) -> None:
        self.issues.append(Issue.of(self.file, line, "error", code, **params))

    def warn(self, line: int, code: str, **params: Any) -> None:
        self.issues.append(Issue.of(self.file, line, "warning", code, **params))

    # -- structure -----------------------------------------------------------------
    def structure(self) -> bool:
        for path, line in self.src.duplicate_keys:
            self.error(line, "duplicate_key", name=path[-1])
        try:
            FlowSchema.model_validate(self.data)
        except ValidationError as exc:
            for err in exc.errors():
                self._schema_error(err)
        return not self.issues

    def _schema_error(self, err: Mapping[str, Any]) -> None:
        loc: tuple[str | int, ...] = tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            allowed = ALLOWED_KEYS[_level(loc[:-1])]
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = msg("did_you_mean", word=close[0]) if close else msg(
                "allowed_keys", keys=", ".join(allowed))
            self.error(self.src.line(loc), "unknown_key", name=key, hint=hint)
        elif kind == "missing":
            where = _describe(loc[:-1], self.data)
            self.error(self.src.value_line(loc[:-1]), "missing_key", name=loc[-1], where=where)
        elif kind == "string_type" and isinstance(err.get("input"), bool):
            self.error(self.src.value_line(loc), "yaml_bool", field=_dotted(loc))
        elif kind == "bool_type":
            self.error(self.src.value_line(loc), "write_bool", field=_dotted(loc))
        elif kind == "literal_error":
            self.error(self.src.value_line(loc), "literal", field=_dotted(loc),
                       expected=(err.get("ctx") or {}).get("expected", ""),
                       value=str(err.get("input")))
        elif kind in SCHEMA_TYPES:
            ctx = {k: v for k, v in (err.get("ctx") or {}).items()
                   if isinstance(v, str | int | float)}
            self.error(self.src.value_line(loc), "schema_problem", field=_dotted(loc),
                       problem=msg(f"schema.{kind}", **ctx))
        else:
            self.error(self.src.value_line(loc), "schema_problem", field=_dotted(loc),
                       problem=err["msg"])

    # -- rules ---------------------------------------------------------------------
    def rules(self) -> None:
        d = self.data
        if d["schema"] != SCHEMA_VERSION:
            self.error(self.src.value_line(("schema",)), "unsupported_schema",
                       found=d["schema"], supported=SCHEMA_VERSION)
        self._id_rule("flow", d["id"], self.src.value_line(("id",)))
        self._step_ids()
        self._step_shapes()
        self._targets()
        self._graph()
        self._texts()
        self._assets()

    def _step_ids(self) -> None:
        seen: set[str] = set()
        for i, step in enumerate(self.data["steps"]):
            sid, line = step["id"], self.src.value_line(("steps", i, "id"))
            self._id_rule("step", sid, line)
            if sid in seen:
                self.error(line, "duplicate_step", id=_short(sid))
            seen.add(sid)

    def _id_rule(self, kind: str, value: str, line: int) -> None:
        """The hub refuses help calls and events whose ids break this rule."""
        if len(value) > ID_MAX:
            self.error(line, f"{kind}_id_too_long", id=_short(value), length=len(value),
                       most=ID_MAX)
        elif not SLUG.fullmatch(value):
            self.error(line, f"{kind}_id_not_slug", id=_short(value))

    def _step_shapes(self) -> None:
        for i, step in enumerate(self.data["steps"]):
            if kind_problem(step) is not None:
                found = declared_kinds(step)
                self.error(self.src.value_line(("steps", i)),
                           "step_kinds_many" if found else "step_kinds_none", id=_short(step["id"]),
                           kinds=", ".join(STEP_KINDS),
                           found=msg("both", first=", ".join(found[:-1]), last=found[-1])
                           if found else "")
            choices = step.get("choices")
            if choices is not None and not 2 <= len(choices) <= 6:
                self.error(self.src.line(("steps", i, "choices")), "choices_count",
                           id=_short(step["id"]), n=len(choices))

    def _targets(self) -> None:
        ids = [s["id"] for s in self.data["steps"]]
        if self.data["start"] not in ids:
            self.error(self.src.line(("start",)), "start_missing", id=_short(self.data["start"]),
                       hint=_suggest(self.data["start"], ids))
        for path, target in self._target_paths():
            problem = _target_problem(target, ids)
            if problem:
                self.error(self.src.value_line(path), problem["code"], **problem["params"])

    def _target_paths(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        for i, step in enumerate(self.data["steps"]):
            if step.get("next") is not None:
                yield ("steps", i, "next"), step["next"]
            for j, choice in enumerate(step.get("choices") or ()):
                yield ("steps", i, "choices", j, "next"), choice["next"]

    def _graph(self) -> None:
        steps = self.data["steps"]
        edges = {s["id"]: targets_of(s) for s in steps}
        ends = {s["id"] for s in steps if "end" in declared_kinds(s)} | {
            s["id"] for s in steps if any(_ends_path(t) for t in edges[s["id"]])}
        reached = _closure({self.data["start"]}, edges)
        can_end = _reverse_closure(ends, edges)
        first_line: dict[str, int] = {}
        for i, s in enumerate(steps):
            first_line.setdefault(s["id"], self.src.value_line(("steps", i)))
        for sid, line in first_line.items():
            if self.data["start"] in edges and sid not in reached:
                self.error(line, "unreachable", id=_short(sid), start=_short(self.data["start"]))
            elif sid not in can_end:
                loop = _find_loop(sid, edges)
                shown = [*loop[:6], "…", loop[-1]] if len(loop) > 8 else loop
                why = (msg("why_loops", path=" → ".join(_short(s) for s in shown))
                       if loop.count(loop[-1]) > 1 else msg("why_no_path"))
                self.error(line, "no_end", id=_short(sid), why=why)

    def _lang_texts(self) -> Iterator[tuple[tuple[str | int, ...], dict[str, str], bool]]:
        """(path, texts, is_label) for every multilingual text of the flow."""
        yield ("title",), self.data["title"], False
        if self.data.get("summary"):
            yield ("summary",), self.data["summary"], False
        for i, step in enumerate(self.data["steps"]):
            yield ("steps", i, "text"), step["text"], False
            if step.get("say"):
                yield ("steps", i, "say"), step["say"], False
            for j, choice in enumerate(step.get("choices") or ()):
                yield ("steps", i, "choices", j, "label"), choice["label"], True

    def _texts(self) -> None:
        all_langs: set[str] = set()
        missing: dict[str, list[int]] = {}
        texts = list(self._lang_texts())
        for _, t, _ in texts:
            all_langs |= set(t)
        for path, t, is_label in texts:
            line = self.src.line(path)
            self._one_text(path, t, is_label, line)
            for lang in sorted(all_langs - set(t)):
                missing.setdefault(lang, []).append(line)
        missing.pop("fr", None)  # already an error for each text
        for lang, lines in sorted(missing.items()):
            self.warn(lines[0], "partly_covered", lang=lang, n=len(lines))

    def _one_text(self, path: tuple[str | int, ...], texts: dict[str, str], is_label: bool,
                  line: int) -> None:
        name = _dotted(path)
        if "fr" not in texts:
            self.error(line, "no_french", field=name)
        for lang, value in texts.items():
            vline = self.src.value_line((*path, lang))
            if not LANG.fullmatch(lang):
                self.error(self.src.line((*path, lang)), "not_language", lang=lang,
                           codes=", ".join(CODES))
            if not value.strip():
                self.error(vline, "empty_text", field=name, lang=lang)
                continue
            checks = falc.label_problems if is_label else falc.text_problems
            for problem in checks(value, lang):
                self.warn(vline, "falc_in", field=name, problem=problem)

    def _assets(self) -> None:
        if self.data.get("icon"):
            self._asset(("icon",), "icons", self.data["icon"])
        for i, step in enumerate(self.data["steps"]):
            if step.get("image"):
                self._asset(("steps", i, "image"), "pictures", step["image"])
            else:
                self.warn(self.src.value_line(("steps", i)), "no_picture", id=_short(step["id"]))
            for j, choice in enumerate(step.get("choices") or ()):
                if choice.get("icon"):
                    self._asset(("steps", i, "choices", j, "icon"), "icons", choice["icon"])

    def _asset(self, path: tuple[str | int, ...], kind: str, name: str) -> None:
        folder = self.assets / kind
        if kind == "pictures" and name in self.pictures:
            return
        if "/" in name or "\\" in name or not (folder / name).is_file():
            known = sorted(p.name for p in folder.glob("*")) if folder.is_dir() else []
            if kind == "pictures":
                known = sorted({*known, *self.pictures})
            self.error(self.src.value_line(path),
                       "picture_missing" if kind == "pictures" else "icon_missing",
                       name=_short(name), hint=_suggest(name, known))


def _short(text: str, most: int = ID_MAX) -> str:
    """``text`` cut to ``most`` characters for a message."""
    return text if len(text) <= most else text[:most] + "…"


def _level(loc: tuple[str | int, ...]) -> str:
    if not loc:
        return "flow"
    if "choices" in loc:
        return "choice"
    return "step"


def _dotted(loc: Iterable[str | int]) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in loc).replace(".[", "[")


def _describe(loc: tuple[str | int, ...], data: Any) -> dict[str, Any] | str:
    if not loc:
        return msg("where_flow")
    node = data
    for part in loc:
        node = node[part]
    if isinstance(node, dict) and "id" in node:
        return msg("where_step", id=_short(str(node["id"])))
    return _dotted(loc)


def _suggest(word: str, options: Iterable[str]) -> dict[str, Any] | str:
    """``; did you mean 'x'?`` for the closest option, if any (long words are not compared:
    difflib's time grows with the product of the lengths)."""
    if len(word) > _SUGGEST_MAX:
        return ""
    close = difflib.get_close_matches(word, [o for o in options if len(o) <= _SUGGEST_MAX], n=1)
    return msg("did_you_mean", word=close[0]) if close else ""


def _ends_path(target: str) -> bool:
    return (target in (SPECIAL_HELP, SPECIAL_MENU) or target.startswith(WORKSHOP_PREFIX))


def _target_problem(target: str, ids: list[str]) -> dict[str, Any] | None:
    if target.startswith(WORKSHOP_PREFIX):
        level = target[len(WORKSHOP_PREFIX):]
        if level not in WORKSHOP_LEVELS:
            return msg("unknown_level", level=_short(level), levels=", ".join(WORKSHOP_LEVELS))
        return None
    if target.startswith("@"):
        if target in (SPECIAL_HELP, SPECIAL_MENU):
            return None
        return msg("unknown_special", target=_short(target))
    if target not in ids:
        return msg("target_missing", target=_short(target), hint=_suggest(target, ids))
    return None


def _closure(start: set[str], edges: Mapping[str, list[str]]) -> set[str]:
    seen = {s for s in start if s in edges}
    todo = list(seen)
    while todo:
        for t in edges[todo.pop()]:
            if t in edges and t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def _reverse_closure(targets: set[str], edges: Mapping[str, list[str]]) -> set[str]:
    reverse: dict[str, list[str]] = {k: [] for k in edges}
    for src, dsts in edges.items():
        for d in dsts:
            if d in reverse:
                reverse[d].append(src)
    return _closure(targets, reverse)


def _find_loop(start: str, edges: Mapping[str, list[str]]) -> list[str]:
    path, seen, node = [start], {start}, start
    while True:
        nxt = [t for t in edges.get(node, []) if t in edges]
        if not nxt:
            return path
        node = nxt[0]
        path.append(node)
        if node in seen:
            return path
        seen.add(node)


def validate_text(text: str, file: str = "<flow>", assets: Path | None = None,
                  pictures: Collection[str] = ()) -> Report:
    """Validate the YAML text of one flow. ``pictures`` names pictures that exist beyond
    the assets folder (the hub's uploaded pictures, or those a kiosk downloaded)."""
    report = Report(file)
    try:
        located = parse(text)
    except SourceError as exc:
        report.issues.append(exc.issue(file))
        return report
    checker = _Checker(file, located, assets or paths.assets_dir(), pictures)
    if checker.structure():
        checker.rules()
    report.issues = sorted(checker.issues, key=lambda i: (i.line, i.severity))
    if not report.errors:
        report.flow = Flow.from_dict(_normalized(located.data))
    return report


def _normalized(data: dict[str, Any]) -> dict[str, Any]:
    return FlowSchema.model_validate(data).model_dump(by_alias=True, exclude_none=True)


def validate_file(path: Path, assets: Path | None = None,
                  pictures: Collection[str] = ()) -> Report:
    """Validate one flow file; unreadable files are reported, never raised."""
    try:
        raw = guard.read_bytes(path)
        if len(raw) > guard.MAX_TEXT:
            return Report(str(path), issues=[Issue.of(str(path), 1, "error", "too_large",
                                                      kib=guard.MAX_TEXT // 1024)])
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Report(str(path), issues=[Issue.of(str(path), 1, "error", "cannot_read",
                                                  error=str(exc))])
    return validate_text(text, str(path), assets, pictures)


def validate_paths(files: Iterable[Path], assets: Path | None = None,
                   pictures: Collection[str] = ()) -> list[Report]:
    """Validate several files, and check that flow ids are unique among them."""
    reports = [validate_file(f, assets, pictures) for f in files]
    owner: dict[str, str] = {}
    for r in reports:
        if r.flow is None:
            continue
        if r.flow.id in owner:
            r.issues.append(Issue.of(r.file, 1, "error", "flow_id_taken", id=r.flow.id,
                                     other=owner[r.flow.id]))
            r.flow = None
        else:
            owner[r.flow.id] = r.file
    return reports
