"""The Parquet files a hub exports for its region, defined once: the tables, their
columns and types, where each file goes, and what its metadata says.

Layout (Hive partitions, one folder per table, as Spark, Trino and DuckDB read them)::

    DIR/<table>/office=<office_id>/day=<YYYY-MM-DD>/part-0.parquet

``office`` and ``day`` (the office's own day, setting ``hub_timezone``) live only in the
path, never in the file: engines add them from the path (Spark refuses a column found in
both). Every exported day has a file in every table, even with no rows, so a region can
tell a quiet day from a day that was never exported. A re-export replaces ``part-0``
whole (written aside, then renamed over it).

Tables (nothing in any column can point at a person: no free text, no note, no name, no
exact time; ``session`` is a hash salted afresh for each export run):

- ``events``: the kiosk events, as the CSV export keeps them.
- ``walks``: one row per session of a flow started that day, as the hub's funnel
  rebuilds it (``kiosk.hub.funnel``): how it ended and on which step.
- ``help``: one row per call for a mediator created that day: where, what kind, how it
  ended, the wait to be claimed.
- ``workshops``: one row per workshop starting that day: level, seats, registrations
  still holding a seat, people present, cancelled or not.

Each file's key/value metadata holds :data:`META_SCHEMA` (:data:`SCHEMA_VERSION`),
``guichet.table``, ``guichet.office``, ``guichet.day``, ``guichet.timezone``,
``guichet.exported_at`` (UTC) and ``guichet.kiosk_version``. A reader refuses a schema
version newer than the one it knows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

#: bumped when a column changes meaning or goes; adding a column keeps it
SCHEMA_VERSION = 1
META_SCHEMA = "guichet.schema_version"
META_PREFIX = "guichet."
PART_NAME = "part-0.parquet"
OFFICE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
OFFICE_ID_MAX = 64


class Column(NamedTuple):
    """One column: its name, its type (``string``, ``int16``, ``int32``, ``float64``,
    ``bool``) and what it holds."""

    name: str
    type: str
    help: str


TABLES: dict[str, tuple[Column, ...]] = {
    "events": (
        Column("hour", "int16", "The office's hour (0-23) when the event happened."),
        Column("kiosk", "string", "The kiosk's name on the hub (kiosk-1...)."),
        Column("session", "string", "The visit, hashed with this export's salt (empty: none)."),
        Column("type", "string", "The event's type (visit.start, flow.start, step, help...)."),
        Column("flow_id", "string", "The flow, if the event belongs to one."),
        Column("step_id", "string", "The step, if the event belongs to one."),
        Column("language", "string", "The visit's language at that moment (fr, ar...)."),
        Column("choice", "int32", "For a choice: the number of the option taken."),
        Column("value", "string", "For feedback: good, neutral or bad."),
        Column("level", "string", "For a workshop referral: its level."),
        Column("reason", "string", "A short code, e.g. why a visit was reset (inactivity)."),
    ),
    "walks": (
        Column("hour", "int16", "The office's hour when the session started."),
        Column("session", "string", "The visit, hashed as in events."),
        Column("flow_id", "string", "The flow walked."),
        Column("language", "string", "The visit's language when the session started."),
        Column("result", "string", "completed, help, workshop or quit."),
        Column("quit_step", "string", "For result quit: the step the customer stopped on."),
        Column("steps_reached", "int16", "How many different steps the session showed."),
        Column("help_calls", "int16", "Calls for a mediator made during the session."),
        Column("seconds", "float64", "Time on the flow's steps (help screens not counted)."),
    ),
    "help": (
        Column("hour", "int16", "The office's hour when the call was made."),
        Column("flow_id", "string", "The flow the customer was in (empty: from the menu)."),
        Column("step_id", "string", "The step the customer was on."),
        Column("kind", "string", "help (a mediator) or workshop (a workshop referral)."),
        Column("status", "string", "queued, claimed, resolved or cancelled, at export."),
        Column("outcome", "string", "For a resolved call: helped, sent-to-counter, workshop..."),
        Column("answered", "bool", "Whether a mediator claimed the call."),
        Column("wait_seconds", "float64", "Seconds from the call to its claim (null: never)."),
    ),
    "workshops": (
        Column("hour", "int16", "The office's hour when the workshop starts."),
        Column("level", "string", "initiation, perfectionnement or outils-budgetaires."),
        Column("minutes", "int16", "How long it lasts."),
        Column("capacity", "int16", "Seats."),
        Column("registered", "int16", "Registrations still holding a seat."),
        Column("attended", "int16", "Of those, the people marked present."),
        Column("cancelled", "bool", "Whether the workshop was cancelled."),
    ),
}


def part_path(root: Path, table: str, office: str, day: str) -> Path:
    """Where one table's file for one office and day goes under ``root``."""
    return root / table / f"office={office}" / f"day={day}" / PART_NAME


def glob(root: Path | str, table: str) -> str:
    """The pattern that matches every file of ``table`` under ``root`` (for DuckDB's
    ``read_parquet``, Spark's ``load`` or a Trino table's location, the folder
    ``root/table``)."""
    return f"{str(root).rstrip('/')}/{table}/office=*/day=*/*.parquet"
