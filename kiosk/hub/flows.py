"""Flows on the hub: drafts checked by the kiosk's own validator, numbered versions,
publish and rollback, and the built-in flows imported as version 1.

A draft is stored only when it has no error, so a rejected one never replaces the last
good draft. Publishing makes the draft version N+1; rolling back makes the version
before the current one current again. Versions are never deleted. Both announce
``{"type": "flow.published", "flow": {"id", "version"}}`` on the stream so kiosks fetch
the version now current. :class:`Titles` names flows and steps in a language, for CSV
reports.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
import yaml

from kiosk.flows.issues import Issue
from kiosk.flows.library import flow_files
from kiosk.flows.model import kind_of, pick, shorten
from kiosk.flows.source import SourceError, parse
from kiosk.flows.validator import validate_text
from kiosk.hub.auth import now_iso
from kiosk.hub.store import Conflict, NotFound, Store

log = logging.getLogger(__name__)
BUILT_IN = "built-in"


class Invalid(Exception):
    """A flow the validator rejects (HTTP 422); ``items`` are its errors."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(i["msg"] for i in items))
        self.items = items


@dataclass
class Checked:
    """A flow that passed the validator: its plain data (``Flow.to_dict()``), the YAML
    text it came from (None for JSON), and its warnings."""

    flow: dict[str, Any]
    source: str | None
    warnings: list[dict[str, Any]] = field(default_factory=list)


def item(issue: Issue) -> dict[str, Any]:
    """An issue as an API item: ``{"line": 12, "msg": "12: message"}``."""
    return {"line": issue.line, "msg": f"{issue.line}: {issue.message}"}


def _error(line: int, message: str) -> Invalid:
    return Invalid([{"loc": ["body"], "line": line, "msg": f"{line}: {message}",
                     "type": "flow_error"}])


def check_yaml(text: str, flow_id: str, source: str | None) -> Checked:
    """Validate one flow's YAML text for the id ``flow_id``; raises :class:`Invalid`.

    ``source`` is what to keep as the flow's text (the YAML as sent, or None). Crafted
    YAML (aliases, deep nesting, huge values) is refused by the validator's own reader
    (``kiosk.flows.guard``), with its line like any other error."""
    report = validate_text(text, f"{flow_id}.yaml")
    if report.flow is None or report.errors:
        raise Invalid([{"loc": ["body"], **item(i), "type": "flow_error"} for i in report.errors])
    if report.flow.id != flow_id:
        try:
            line = parse(text).value_line(("id",))
        except SourceError:
            line = 1
        raise _error(line, f"the flow's id '{report.flow.id}' is not the id in the address, "
                           f"'{flow_id}'")
    return Checked(report.flow.to_dict(), source, [item(i) for i in report.warnings])


def check_json(data: Any, flow_id: str) -> Checked:
    """Validate a flow sent as JSON. Lines point into ``json.dumps(data, indent=2,
    ensure_ascii=False)`` (the form the validator reads)."""
    if not isinstance(data, dict):
        raise _error(1, "a flow is a JSON object (schema, id, title, start, steps...)")
    return check_yaml(json.dumps(data, indent=2, ensure_ascii=False), flow_id, None)


def as_yaml(envelope: dict[str, Any]) -> str:
    """A flow's YAML text: the text it was sent as, else its data written as YAML."""
    source = envelope.get("source")
    if source:
        return str(source)
    return yaml.safe_dump(envelope["flow"], allow_unicode=True, sort_keys=False)


class Flows:
    """Flow drafts and versions, stored through the hub's one writer."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- writing -------------------------------------------------------------------
    def import_builtin(self, folder: Path) -> Future[list[str]]:
        """Publish each valid flow of ``folder`` as version 1 of an id that has no version
        yet (published_by ``built-in``). Returns the ids imported. Not announced on the
        stream: kiosks ship the same files."""
        found: list[Checked] = []
        for path in flow_files([folder]):
            try:
                text = path.read_text(encoding="utf-8")
                found.append(check_yaml(text, path.stem, text))
            except (OSError, UnicodeDecodeError, Invalid) as exc:
                log.warning("built-in flow %s not imported: %s", path, exc)

        def op(db: sqlite_utils.Database) -> list[str]:
            done = []
            for checked in found:
                fid = checked.flow["id"]
                if db.execute("SELECT 1 FROM flow_versions WHERE flow_id = ?", [fid]).fetchone():
                    continue
                self._add_version(db, fid, 1, checked.flow, checked.source, BUILT_IN,
                                  "built-in flow", announce=False)
                done.append(fid)
            return done

        return self.store.run(op)

    def _add_version(self, db: sqlite_utils.Database, flow_id: str, version: int,
                     flow: dict[str, Any], source: str | None, who: str, note: str | None,
                     announce: bool = True) -> None:
        now = now_iso()
        db.table("flow_versions").insert({
            "flow_id": flow_id, "version": version, "flow": json.dumps(flow, ensure_ascii=False),
            "source": source, "published_by": who, "published_at": now, "note": note})
        db.execute("INSERT INTO flows (id) VALUES (?) ON CONFLICT (id) DO NOTHING", [flow_id])
        db.table("flows").update(flow_id, {"current": version, "changed_by": who, "changed_at": now})
        if announce:
            self.store.emit(db, "flow.published", {"id": flow_id, "version": version})

    def save_draft(self, flow_id: str, checked: Checked, who: str) -> Future[dict[str, Any]]:
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            row = db.execute("SELECT current FROM flows WHERE id = ?", [flow_id]).fetchone()
            db.table("flows").upsert({
                "id": flow_id, "draft": json.dumps(checked.flow, ensure_ascii=False),
                "draft_source": checked.source, "draft_warnings": json.dumps(checked.warnings),
                "draft_based_on": row[0] if row else None, "draft_by": who, "draft_at": now_iso(),
            }, pk="id")
            return _draft(_flow_row(db, flow_id))

        return self.store.run(op)

    def publish(self, flow_id: str, note: str | None, who: str) -> Future[dict[str, Any]]:
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            row = _flow_row(db, flow_id)
            if row["draft"] is None:
                raise Conflict(f"flow '{flow_id}' has no draft to publish")
            last = db.execute("SELECT MAX(version) FROM flow_versions WHERE flow_id = ?",
                              [flow_id]).fetchone()[0] or 0
            self._add_version(db, flow_id, last + 1, json.loads(row["draft"]), row["draft_source"],
                              who, note)
            db.table("flows").update(flow_id, {
                "draft": None, "draft_source": None, "draft_warnings": None,
                "draft_based_on": None, "draft_by": None, "draft_at": None})
            return _version_item(_version_row(db, flow_id, last + 1), last + 1)

        return self.store.run(op)

    def rollback(self, flow_id: str, who: str) -> Future[dict[str, Any]]:
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            current = _flow_row(db, flow_id)["current"]
            if current is None:
                raise Conflict(f"flow '{flow_id}' has never been published")
            before = db.execute("SELECT MAX(version) FROM flow_versions WHERE flow_id = ? AND "
                                "version < ?", [flow_id, current]).fetchone()[0]
            if before is None:
                raise Conflict(f"version {current} of '{flow_id}' is the first: nothing to go "
                               "back to")
            db.table("flows").update(flow_id, {"current": before, "changed_by": who,
                                               "changed_at": now_iso()})
            self.store.emit(db, "flow.published", {"id": flow_id, "version": before})
            return _version_item(_version_row(db, flow_id, before), before)

        return self.store.run(op)

    # -- reading -------------------------------------------------------------------
    def listing(self, with_unpublished: bool) -> list[dict[str, Any]]:
        """``{id, title, version, published_at, has_draft}`` of every flow (flows never
        published only when ``with_unpublished``), in id order."""
        db = self.store.readers.get()
        out = []
        for row in db.query(
                "SELECT f.id, f.current, f.draft, v.flow, v.published_at FROM flows f "
                "LEFT JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.current "
                "ORDER BY f.id"):
            if row["current"] is None and not with_unpublished:
                continue
            flow = json.loads(row["flow"] or row["draft"] or "{}")
            out.append({"id": row["id"], "title": flow.get("title", {}), "version": row["current"],
                        "published_at": row["published_at"], "has_draft": row["draft"] is not None})
        return out

    def current(self, flow_id: str) -> dict[str, Any]:
        """The current version: ``{id, version, published_by, published_at, note, flow}``."""
        db = self.store.readers.get()
        row = _flow_row(db, flow_id)
        if row["current"] is None:
            raise NotFound(f"flow '{flow_id}' has never been published")
        return _version(_version_row(db, flow_id, row["current"]), row["current"])

    def version(self, flow_id: str, number: int) -> dict[str, Any]:
        db = self.store.readers.get()
        current = _flow_row(db, flow_id)["current"]
        return _version(_version_row(db, flow_id, number), current)

    def draft(self, flow_id: str) -> dict[str, Any]:
        row = _flow_row(self.store.readers.get(), flow_id)
        if row["draft"] is None:
            raise NotFound(f"flow '{flow_id}' has no draft")
        return _draft(row)

    def versions(self, flow_id: str) -> list[dict[str, Any]]:
        """Every version, newest first."""
        db = self.store.readers.get()
        current = _flow_row(db, flow_id)["current"]
        return [_version_item(r, current) for r in db.query(
            "SELECT * FROM flow_versions WHERE flow_id = ? ORDER BY version DESC", [flow_id])]

    def current_steps(self, flow_id: str) -> list[str] | None:
        """Step ids of the current version (else the draft), None for an unknown flow."""
        try:
            envelope = self.current(flow_id)
        except NotFound:
            try:
                envelope = self.draft(flow_id)
            except NotFound:
                return None
        return [s["id"] for s in envelope["flow"]["steps"]]

    def end_steps(self, flow_id: str) -> set[str]:
        """Ids of the current version's end steps (none for an unknown flow)."""
        try:
            steps = self.current(flow_id)["flow"]["steps"]
        except NotFound:
            return set()
        return {s["id"] for s in steps if kind_of(s) == "end"}


def _flow_row(db: sqlite_utils.Database, flow_id: str) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM flows WHERE id = ?", [flow_id]))
    if not rows:
        raise NotFound(f"no flow '{flow_id}'")
    return rows[0]


def _version_row(db: sqlite_utils.Database, flow_id: str, number: int) -> dict[str, Any]:
    rows = list(db.query("SELECT * FROM flow_versions WHERE flow_id = ? AND version = ?",
                         [flow_id, number]))
    if not rows:
        raise NotFound(f"flow '{flow_id}' has no version {number}")
    return rows[0]


def _version_item(row: dict[str, Any], current: int | None) -> dict[str, Any]:
    return {"version": row["version"], "published_by": row["published_by"],
            "published_at": row["published_at"], "note": row["note"],
            "current": row["version"] == current}


def _version(row: dict[str, Any], current: int | None) -> dict[str, Any]:
    return {"id": row["flow_id"], **_version_item(row, current), "flow": json.loads(row["flow"]),
            "source": row["source"]}


def _draft(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "draft": True, "based_on": row["draft_based_on"],
            "saved_by": row["draft_by"], "saved_at": row["draft_at"],
            "flow": json.loads(row["draft"]), "source": row["draft_source"],
            "warnings": json.loads(row["draft_warnings"] or "[]")}


class Titles:
    """Flows' and steps' titles in one language (French, then any language, when a text
    lacks it), for the CSV columns beside flow and step ids. A step's title is its text
    shortened, as on help calls. An id is looked up in the flow's current version, then
    its other versions newest first, then its draft, so steps a flow no longer has keep
    their title; an unknown id has an empty title. Each flow is read once."""

    def __init__(self, db: sqlite_utils.Database, lang: str) -> None:
        self.db, self.lang = db, lang
        self._flows: dict[str, tuple[str, dict[str, str]]] = {}

    def _read(self, flow_id: str) -> tuple[str, dict[str, str]]:
        if flow_id not in self._flows:
            documents = [r["flow"] for r in self.db.query(
                "SELECT v.flow FROM flow_versions v JOIN flows f ON f.id = v.flow_id "
                "WHERE v.flow_id = ? ORDER BY v.version = f.current DESC, v.version DESC",
                [flow_id])]
            documents += [r["draft"] for r in self.db.query(
                "SELECT draft FROM flows WHERE id = ? AND draft IS NOT NULL", [flow_id])]
            title, steps = "", dict[str, str]()  # the first text found wins
            for document in documents:
                flow = json.loads(document)
                title = title or _text(flow.get("title"), self.lang)
                for step in flow.get("steps") or []:
                    if isinstance(step, dict) and isinstance(step.get("id"), str):
                        steps.setdefault(step["id"], shorten(_text(step.get("text"), self.lang)))
            self._flows[flow_id] = (title, steps)
        return self._flows[flow_id]

    def flow(self, flow_id: str | None) -> str:
        return self._read(flow_id)[0] if flow_id else ""

    def step(self, flow_id: str | None, step_id: str | None) -> str:
        return self._read(flow_id)[1].get(step_id, "") if flow_id and step_id else ""


def _text(texts: Any, lang: str) -> str:
    """A flow's text in ``lang`` (see ``pick``), empty when it has none."""
    if not isinstance(texts, dict):
        return ""
    value = pick({k: v for k, v in texts.items() if isinstance(v, str)}, lang)
    return value if isinstance(value, str) else ""
