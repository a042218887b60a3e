"""``kiosk hub backup``: a copy that opens on its own and holds the rows, made while the hub
runs, with the oldest copies pruned."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from click.testing import CliRunner

from kiosk.cli import main
from kiosk.hub.db import connect, migrate
from tests.hub.conftest import Hub


def _backup(db: Path, folder: Path, *extra: str) -> Path:
    result = CliRunner().invoke(main, ["hub", "--db", str(db), "backup", "--to", str(folder),
                                       *extra])
    assert result.exit_code == 0, result.output
    made = Path(result.stdout.strip())
    assert made.parent == folder
    return made


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_backup_of_a_running_hub_has_its_rows(hub: Hub, tmp_path: Path) -> None:
    request_id = str(uuid.uuid4())
    with hub.client("k1") as client:
        created = client.post("/help-requests", json={
            "id": request_id, "kiosk_id": "k1", "flow_id": "send-parcel", "step_id": "weigh",
            "language": "ar", "kind": "help"})
    assert created.status_code == 201, created.text
    made = _backup(hub.db, tmp_path / "backups")

    assert _rows(made, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(made, "SELECT id, language FROM help_requests") == [(request_id, "ar")]
    assert _rows(made, "SELECT name FROM users ORDER BY name") == [("aicha",), ("bruno",),
                                                                   ("manon",)]
    assert _rows(made, "PRAGMA journal_mode") == [("delete",)]  # one file, nothing beside it
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]
    assert made.stat().st_mode & 0o777 == 0o600  # personal data: the owner's only


def test_rows_still_in_the_write_ahead_log_are_in_the_backup(tmp_path: Path) -> None:
    db = connect(tmp_path / "hub.sqlite3")
    migrate(db)
    db.execute("PRAGMA wal_autocheckpoint=0")
    db["kiosks"].insert({"name": "entree", "token_hash": "h", "created_at": "2026-11-02T09:00:00Z"})
    assert (tmp_path / "hub.sqlite3-wal").stat().st_size > 0
    try:
        made = _backup(tmp_path / "hub.sqlite3", tmp_path / "backups")
    finally:
        db.close()
    assert _rows(made, "SELECT name FROM kiosks") == [("entree",)]


def test_keep_prunes_the_oldest_backups(tmp_path: Path) -> None:
    db = connect(tmp_path / "hub.sqlite3")
    migrate(db)
    db.close()
    folder = tmp_path / "backups"
    (folder / "notes").mkdir(parents=True)  # what is not a backup stays
    made = [_backup(tmp_path / "hub.sqlite3", folder, "--keep", "2") for _ in range(4)]
    assert sorted(made) == made  # the names sort by time
    assert sorted(p.name for p in folder.iterdir()) == [made[2].name, made[3].name, "notes"]


def test_no_database_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "none.sqlite3"), "backup",
                                       "--to", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert "no hub database" in result.output
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_file_that_is_no_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "hub.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    folder = tmp_path / "b"
    result = CliRunner().invoke(main, ["hub", "--db", str(bad), "backup", "--to", str(folder)])
    assert result.exit_code == 1
    assert "cannot back up" in result.output
    assert list(folder.iterdir()) == []  # no half-made file left behind
