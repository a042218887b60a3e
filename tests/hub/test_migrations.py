"""A database made by an older hub is brought up to date and keeps its rows."""

from __future__ import annotations

from pathlib import Path

from kiosk.hub.db import connect, migrate
from kiosk.hub.migrations import MIGRATIONS


def test_a_version_1_database_is_migrated_in_place(tmp_path: Path) -> None:
    db = connect(tmp_path / "hub.sqlite3")
    with db.atomic():
        for statement in MIGRATIONS[0].split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.execute("INSERT INTO help_requests (id, kiosk_id, language, kind, status, created_at,"
                   " updated_at) VALUES ('r1', 'k1', 'fr', 'help', 'queued', 'a', 'a')")
    assert migrate(db) == len(MIGRATIONS)
    assert migrate(db) == len(MIGRATIONS)  # nothing left to do
    assert {"flows", "flow_versions", "workshops", "registrations"} <= set(db.table_names())
    assert db.execute("SELECT kiosk_id FROM help_requests").fetchall() == [("k1",)]
    db.close()
