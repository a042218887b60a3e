"""Flows on the hub: drafts checked by the kiosk's own validator, numbered versions,
publish, making any version current (rollback is one such), retiring a flow from the
kiosks and bringing it back, discarding a draft, and the built-in flows imported as
version 1.

A draft is stored only when it has no error, so a rejected one never replaces the last
good draft; a picture it names must be a built-in one or on the hub
(:mod:`kiosk.hub.pictures`), checked again at publish. Publishing makes the draft version
N+1 and pins the sha256 of the hub pictures it names. Versions are never deleted. A new
current version is announced as ``{"type": "flow.published", "flow": {"id", "version"}}``
on the stream so kiosks fetch it; ``flow.retired`` / ``flow.restored`` (``{"id"}``) tell
them to hide a flow or show it again. Every such change is a row of ``flow_changes``.
:class:`Titles` names flows and steps in a language, for CSV reports.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
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
from kiosk.hub.pictures import Pictures, pins
from kiosk.hub.store import Conflict, NotFound, Store

log = logging.getLogger(__name__)
BUILT_IN = "built-in"
_NO_DRAFT = {"draft": None, "draft_source": None, "draft_warnings": None,
             "draft_based_on": None, "draft_by": None, "draft_at": None}


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
    """An issue as an API item: ``{"line": 12, "msg": "12: message", "code", "params"}``
    (``msg`` in English; an app says ``code`` with ``params`` in its own language,
    :func:`kiosk.flows.messages.render_item`)."""
    out: dict[str, Any] = {"line": issue.line, "msg": f"{issue.line}: {issue.message}"}
    if issue.code:
        out["code"], out["params"] = issue.code, dict(issue.params)
    return out


def _error(line: int, message: str) -> Invalid:
    return Invalid([{"loc": ["body"], "line": line, "msg": f"{line}: {message}",
                     "type": "flow_error"}])


def check_yaml(text: str, flow_id: str, source: str | None,
               pictures: Collection[str] = ()) -> Checked:
    """Validate one flow's YAML text for the id ``flow_id``; raises :class:`Invalid`.

    ``source`` is what to keep as the flow's text (the YAML as sent, or None); ``pictures``
    the hub's picture names (a step may show them as well as the built-in ones). Crafted
    YAML (aliases, deep nesting, huge values) is refused by the validator's own reader
    (``kiosk.flows.guard``), with its line like any other error."""
    report = validate_text(text, f"{flow_id}.yaml", pictures=pictures)
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


def check_json(data: Any, flow_id: str, pictures: Collection[str] = ()) -> Checked:
    """Validate a flow sent as JSON. Lines point into ``json.dumps(data, indent=2,
    ensure_ascii=False)`` (the form the validator reads)."""
    if not isinstance(data, dict):
        raise _error(1, "a flow is a JSON object (schema, id, title, start, steps...)")
    return check_yaml(json.dumps(data, indent=2, ensure_ascii=False), flow_id, None, pictures)


def as_yaml(envelope: dict[str, Any]) -> str:
    """A flow's YAML text: the text it was sent as, else its data written as YAML."""
    source = envelope.get("source")
    if source:
        return str(source)
    return yaml.safe_dump(envelope["flow"], allow_unicode=True, sort_keys=False)


class Flows:
    """Flow drafts and versions, stored through the hub's one writer."""

    def __init__(self, store: Store, pictures: Pictures | None = None) -> None:
        self.store = store
        self.pictures = pictures or Pictures(store)

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
            "source": source, "published_by": who, "published_at": now, "note": note,
            "pictures": json.dumps(pins(db, flow))})
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
            return _draft(_flow_row(db, flow_id), db)

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
            _log_change(db, flow_id, "published", last + 1, note, who)
            db.table("flows").update(flow_id, _NO_DRAFT)
            return _version_item(_version_row(db, flow_id, last + 1), last + 1)

        return self.store.run(op)

    def check_draft(self, flow_id: str) -> None:
        """Check the draft again before it is published (a picture it names may have gone,
        or the rules changed): :class:`Invalid` with the lines, :class:`NotFound` for an
        unknown flow, :class:`Conflict` when there is no draft. Slow: call it off the
        event loop."""
        row = _flow_row(self.store.readers.get(), flow_id)
        if row["draft"] is None:
            raise Conflict(f"flow '{flow_id}' has no draft to publish")
        names = self.pictures.names()
        if row["draft_source"]:
            check_yaml(row["draft_source"], flow_id, row["draft_source"], names)
        else:
            check_json(json.loads(row["draft"]), flow_id, names)

    def rollback(self, flow_id: str, who: str) -> Future[dict[str, Any]]:
        """Make the version before the current one current (note "rollback")."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            current = _flow_row(db, flow_id)["current"]
            if current is None:
                raise Conflict(f"flow '{flow_id}' has never been published")
            before = db.execute("SELECT MAX(version) FROM flow_versions WHERE flow_id = ? AND "
                                "version < ?", [flow_id, current]).fetchone()[0]
            if before is None:
                raise Conflict(f"version {current} of '{flow_id}' is the first: nothing to go "
                               "back to")
            return self._switch(db, flow_id, before, who, "rollback", "rollback")

        return self.store.run(op)

    def make_current(self, flow_id: str, number: int, note: str | None, who: str
                     ) -> Future[dict[str, Any]]:
        """Make version ``number`` current (404 unknown, 409 when it is already)."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            current = _flow_row(db, flow_id)["current"]
            _version_row(db, flow_id, number)
            if current == number:
                raise Conflict(f"version {number} of '{flow_id}' is the current one already")
            return self._switch(db, flow_id, number, who, "current", note)

        return self.store.run(op)

    def _switch(self, db: sqlite_utils.Database, flow_id: str, number: int, who: str,
                action: str, note: str | None) -> dict[str, Any]:
        db.table("flows").update(flow_id, {"current": number, "changed_by": who,
                                           "changed_at": now_iso()})
        _log_change(db, flow_id, action, number, note, who)
        self.store.emit(db, "flow.published", {"id": flow_id, "version": number})
        return _version_item(_version_row(db, flow_id, number), number)

    def retire(self, flow_id: str, note: str | None, who: str, retired: bool = True
               ) -> Future[dict[str, Any]]:
        """Hide a flow from the kiosks (``retired``), or show it again; its versions stay.
        409 when it already is as asked."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            row = _flow_row(db, flow_id)
            if retired and row["retired_at"] is not None:
                raise Conflict(f"flow '{flow_id}' is retired already")
            if not retired and row["retired_at"] is None:
                raise Conflict(f"flow '{flow_id}' is not retired")
            now = now_iso()
            db.table("flows").update(flow_id, {"retired_at": now if retired else None,
                                               "retired_by": who if retired else None})
            action = "retired" if retired else "restored"
            _log_change(db, flow_id, action, row["current"], note, who)
            self.store.emit(db, f"flow.{action}", {"id": flow_id})
            return {"id": flow_id, "retired": retired, "retired_at": now if retired else None,
                    "retired_by": who if retired else None}

        return self.store.run(op)

    def discard(self, flow_id: str, who: str) -> Future[dict[str, Any]]:
        """Drop the draft (404 when there is none). A flow never published goes with it."""
        def op(db: sqlite_utils.Database) -> dict[str, Any]:
            row = _flow_row(db, flow_id)
            if row["draft"] is None:
                raise NotFound(f"flow '{flow_id}' has no draft")
            if row["current"] is None:
                db.execute("DELETE FROM flows WHERE id = ?", [flow_id])
            else:
                db.table("flows").update(flow_id, _NO_DRAFT)
            _log_change(db, flow_id, "discarded", row["draft_based_on"], None, who)
            return {"id": flow_id, "discarded": True}

        return self.store.run(op)

    # -- reading -------------------------------------------------------------------
    def listing(self, with_unpublished: bool) -> list[dict[str, Any]]:
        """``{id, title, version, published_at, has_draft}`` of every flow, in id order,
        with ``"retired": true`` on a retired one. A manager's list (``with_unpublished``)
        has flows never published too, and ``retired`` on every item."""
        db = self.store.readers.get()
        out = []
        for row in db.query(
                "SELECT f.id, f.current, f.draft, f.retired_at, v.flow, v.published_at FROM flows "
                "f LEFT JOIN flow_versions v ON v.flow_id = f.id AND v.version = f.current "
                "ORDER BY f.id"):
            if row["current"] is None and not with_unpublished:
                continue
            flow = json.loads(row["flow"] or row["draft"] or "{}")
            item = {"id": row["id"], "title": flow.get("title", {}), "version": row["current"],
                    "published_at": row["published_at"], "has_draft": row["draft"] is not None}
            if with_unpublished or row["retired_at"] is not None:
                item["retired"] = row["retired_at"] is not None
            out.append(item)
        return out

    def current(self, flow_id: str) -> dict[str, Any]:
        """The current version: ``{id, version, published_by, published_at, note, flow,
        source, pictures}``."""
        db = self.store.readers.get()
        row = _flow_row(db, flow_id)
        if row["current"] is None:
            raise NotFound(f"flow '{flow_id}' has never been published")
        return _version(db, _version_row(db, flow_id, row["current"]), row["current"])

    def version(self, flow_id: str, number: int) -> dict[str, Any]:
        db = self.store.readers.get()
        current = _flow_row(db, flow_id)["current"]
        return _version(db, _version_row(db, flow_id, number), current)

    def draft(self, flow_id: str) -> dict[str, Any]:
        db = self.store.readers.get()
        row = _flow_row(db, flow_id)
        if row["draft"] is None:
            raise NotFound(f"flow '{flow_id}' has no draft")
        return _draft(row, db)

    def changes(self, flow_id: str) -> list[dict[str, Any]]:
        """Who published, made current, retired, restored or discarded what, newest
        first (404 for a flow that neither exists nor ever had one)."""
        db = self.store.readers.get()
        rows = [{"action": r["action"], "version": r["version"], "note": r["note"],
                 "by": r["by"], "at": r["at"]} for r in db.query(
            'SELECT action, version, note, "by", at FROM flow_changes WHERE flow_id = ? '
            "ORDER BY id DESC", [flow_id])]
        if not rows:
            _flow_row(db, flow_id)
        return rows

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


def _version(db: sqlite_utils.Database, row: dict[str, Any], current: int | None
             ) -> dict[str, Any]:
    """A version's envelope; ``pictures`` as pinned at publish (read now for a version
    published before pictures were pinned)."""
    flow = json.loads(row["flow"])
    pinned = json.loads(row["pictures"]) if row["pictures"] is not None else pins(db, flow)
    return {"id": row["flow_id"], **_version_item(row, current), "flow": flow,
            "source": row["source"], "pictures": pinned}


def _draft(row: dict[str, Any], db: sqlite_utils.Database) -> dict[str, Any]:
    flow = json.loads(row["draft"])
    return {"id": row["id"], "draft": True, "based_on": row["draft_based_on"],
            "saved_by": row["draft_by"], "saved_at": row["draft_at"],
            "flow": flow, "source": row["draft_source"],
            "warnings": json.loads(row["draft_warnings"] or "[]"), "pictures": pins(db, flow)}


def _log_change(db: sqlite_utils.Database, flow_id: str, action: str, version: int | None,
                note: str | None, who: str) -> None:
    db.table("flow_changes").insert({"flow_id": flow_id, "action": action, "version": version,
                                     "note": note, "by": who, "at": now_iso()})


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
