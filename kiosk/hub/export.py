"""Anonymous exports for a region's analytics: kiosk events and help statistics, as CSV
or JSON lines.

Events keep what says how the kiosks are used and nothing that could point at a person:
``type, flow_id, step_id, kiosk, day, hour, language`` (the office's day and hour, not the
instant), ``session`` (a hash of the visit id salted afresh for each export, so visits
can be counted within one export but not matched across exports or with the hub), and
only these fields of an event's data, each when it has the expected form: ``choice``
(a number), ``value`` (good, neutral, bad), ``level`` (a workshop level), ``reason`` (a
short code such as ``inactivity``). Any other data (what a voice command heard, notes,
ids) is dropped. Help statistics are counts per day, flow, step, kind, status and
outcome, with the median wait to claim; never a note, an id or who helped.

Every record has ``record``: ``event`` or ``help``. In CSV both kinds share one header
(:data:`COLUMNS`), cells that do not apply left empty, text that a spreadsheet could run
as a formula neutralised, and the file is written for a spreadsheet in one staff
language (``csvsafe.Sheet``: byte order mark, separator, header words, yes / no, decimal
mark), each flow and step id with its title beside it. JSON lines carry the records as
they are. ``write`` can tell how far it has gone every :data:`PROGRESS_EVERY` records and
every :data:`PROGRESS_SECONDS` (``kiosk hub export --out`` says it on standard error).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from datetime import tzinfo
from typing import Any, TextIO

import sqlite_utils

from kiosk.hub import csvsafe
from kiosk.hub.flows import Titles
from kiosk.hub.funnel import FEEDBACK, local_day_hour
from kiosk.hub.stats import help_rows
from kiosk.hub.times import Period
from kiosk.hub.workshops import LEVELS

EVENT_COLUMNS = ("day", "hour", "kiosk", "session", "type", "flow_id", "step_id", "language",
                 "choice", "value", "level", "reason")
HELP_COLUMNS = ("day", "flow_id", "step_id", "kind", "status", "outcome", "calls", "answered",
                "median_wait_seconds")
TITLED = {"flow_id": "flow_title", "step_id": "step_title"}  # CSV: a title beside each id
COLUMNS = tuple(name for column in ("record", *EVENT_COLUMNS,
                                    *(c for c in HELP_COLUMNS if c not in EVENT_COLUMNS))
                for name in (column, *([TITLED[column]] if column in TITLED else [])))
_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_LANG = re.compile(r"^[a-z]{2,3}$")
PROGRESS_EVERY = 10_000  # records between two progress lines, at most
PROGRESS_SECONDS = 1.0  # seconds between two progress lines, at most


def _kept(data: dict[str, Any]) -> dict[str, Any]:
    """The few data fields that are safe to export (see the module docstring)."""
    out: dict[str, Any] = {}
    choice = data.get("index", data.get("choice"))
    if isinstance(choice, int) and not isinstance(choice, bool):
        out["choice"] = choice
    if data.get("value") in FEEDBACK:
        out["value"] = data["value"]
    if data.get("level") in LEVELS:
        out["level"] = data["level"]
    if isinstance(data.get("reason"), str) and _CODE.match(data["reason"]):
        out["reason"] = data["reason"]
    return out


def session_hash(salt: bytes, kiosk: str, session: str | None) -> str:
    """A visit's hash for one export (empty for events outside a visit)."""
    if not session:
        return ""
    return hashlib.sha256(salt + "\x00".join((kiosk, session)).encode()).hexdigest()[:16]


def visit_language(kind: str, data: dict[str, Any]) -> str | None:
    """The language an event sets for the rest of its visit, if any."""
    value = data.get("to") if kind == "language" else data.get("language")
    return value if isinstance(value, str) and _LANG.match(value) else None


def events(db: sqlite_utils.Database, period: Period, tz: tzinfo,
           salt: bytes | None = None) -> Iterator[dict[str, Any]]:
    """The events of ``period``, anonymous, visit by visit."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    where, args = period.sql("at")
    visit: tuple[str, str] | None = None
    language: str | None = None
    session = ""
    for e in db.query("SELECT kiosk_id, session_id, type, flow_id, step_id, at, data FROM events "
                      f"WHERE {where} ORDER BY kiosk_id, session_id, at, rowid", args):
        key = (e["kiosk_id"], e["session_id"] or "")
        if key != visit:
            visit, language = key, None
            session = session_hash(salt, *key)
        try:
            data = json.loads(e["data"] or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        language = visit_language(e["type"], data) or language
        day, hour = local_day_hour(e["at"], tz)
        yield {"record": "event", "day": day, "hour": hour, "kiosk": e["kiosk_id"],
               "session": session, "type": e["type"], "flow_id": e["flow_id"],
               "step_id": e["step_id"], "language": language, **_kept(data)}


def records(db: sqlite_utils.Database, period: Period, tz: tzinfo) -> Iterator[dict[str, Any]]:
    """Every record of an export: events, then help statistics."""
    yield from events(db, period, tz)
    for row in help_rows(db, period, None, tz):
        yield {"record": "help", **row}


def progress_line(count: int) -> None:
    """Tell, on standard error, how many records are written so far."""
    sys.stderr.write(f"{count} records written so far\n")
    sys.stderr.flush()


def write(db: sqlite_utils.Database, period: Period, tz: tzinfo, fmt: str, out: TextIO,
          sheet: csvsafe.Sheet | None = None, progress: Callable[[int], None] | None = None,
          every: int | None = None, clock: Callable[[], float] = time.monotonic) -> int:
    """Write an export as ``csv`` (in ``sheet``'s form, default French) or ``jsonl``;
    returns the number of records. ``progress(count)``, if given, is called after every
    ``every`` (default :data:`PROGRESS_EVERY`) records and whenever :data:`PROGRESS_SECONDS`
    went by on ``clock`` since the last call."""
    every = every or PROGRESS_EVERY
    table: csvsafe.Writer | None = None
    if fmt == "csv":
        form = sheet or csvsafe.sheet(tz)
        table = csvsafe.Writer(out, COLUMNS, dataclasses.replace(
            form, titles=form.titles if form.titles is not None else Titles(db, form.lang)))
        table.header()
    count, last = 0, clock()
    for record in records(db, period, tz):
        if table is not None:
            table.row(record)
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
        if progress is not None:
            now = clock()
            if count % every == 0 or now - last >= PROGRESS_SECONDS:
                progress(count)
                last = now
    return count
