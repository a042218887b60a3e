"""``kiosk hub backup``: a copy that opens on its own and holds the rows, made while the hub
runs, with the oldest copies pruned; ``--copy-to``, a second copy elsewhere, checked, that
never costs the first one."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

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


# -- --copy-to: a second copy, off the hub's disk -------------------------------------------
def _db(tmp_path: Path) -> Path:
    db = connect(tmp_path / "hub.sqlite3")
    migrate(db)
    db["kiosks"].insert({"name": "entree", "token_hash": "h", "created_at": "2026-11-02T09:00:00Z"})
    db.close()
    return tmp_path / "hub.sqlite3"


def _copy(db: Path, folder: Path, copy: Path, *extra: str) -> Result:
    return CliRunner().invoke(main, ["hub", "--db", str(db), "backup", "--to", str(folder),
                                     "--copy-to", str(copy), *extra])


def test_copy_to_puts_a_checked_copy_in_a_second_folder(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    result = _copy(_db(tmp_path), tmp_path / "backups", share)
    assert result.exit_code == 0, result.output
    made, copy = (Path(line) for line in result.stdout.splitlines())
    assert made.parent == tmp_path / "backups"
    assert copy == share / made.name
    assert copy.read_bytes() == made.read_bytes()
    assert _rows(copy, "SELECT name FROM kiosks") == [("entree",)]
    assert copy.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in share.iterdir()) == [made.name]  # no temporary file left
    assert f"copied to {share} and checked" in result.stderr
    assert "same disk as the database" in result.stderr  # tmp_path is one disk


def test_keep_prunes_both_folders(tmp_path: Path) -> None:
    db, share = _db(tmp_path), tmp_path / "share"
    share.mkdir()
    made = []
    for _ in range(3):
        result = _copy(db, tmp_path / "backups", share, "--keep", "2")
        assert result.exit_code == 0, result.output
        made.append(Path(result.stdout.splitlines()[0]).name)
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == made[1:]
    assert sorted(p.name for p in share.iterdir()) == made[1:]


def _unwritable(tmp_path: Path) -> Path:
    """A folder this test cannot write into: read-only by its mode, or, for root (whom
    modes do not stop), a name under a plain file."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o500)
        return folder
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path / "a-file" / "share"


@pytest.mark.parametrize("where", ["unwritable", "missing"])
def test_a_copy_that_cannot_be_made_says_where_and_keeps_the_first(tmp_path: Path,
                                                                   where: str) -> None:
    share = _unwritable(tmp_path) if where == "unwritable" else tmp_path / "not-mounted"
    result = _copy(_db(tmp_path), tmp_path / "backups", share)
    assert result.exit_code == 1
    assert f"to {share} failed" in result.stderr
    assert "Traceback" not in result.output
    (made,) = (tmp_path / "backups").iterdir()  # the first backup stays, and is printed
    assert result.stdout.strip() == str(made)
    assert _rows(made, "SELECT name FROM kiosks") == [("entree",)]
    assert not (tmp_path / "not-mounted").exists()  # a missing share is not made locally


def test_a_copy_that_does_not_check_out_is_removed(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    share.mkdir()
    real_copy = shutil.copyfileobj

    def damaging(src: object, dst: object, length: int = 0) -> None:
        real_copy(src, dst, length)
        dst.seek(8192)  # type: ignore[attr-defined]
        dst.write(b"\xff" * 4096)  # type: ignore[attr-defined]  # a bad sector on the share

    monkeypatch.setattr("shutil.copyfileobj", damaging)
    result = _copy(_db(tmp_path), tmp_path / "backups", share)
    assert result.exit_code == 1
    assert f"to {share} failed" in result.stderr
    assert "does not check out" in result.stderr or "malformed" in result.stderr, result.stderr
    assert list(share.iterdir()) == []  # nothing that looks like a backup
    assert len(list((tmp_path / "backups").iterdir())) == 1


def test_the_folder_defaults_to_the_setting_and_a_bad_one_is_a_clear_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _db(tmp_path)
    monkeypatch.setenv("KIOSK_HUB_BACKUP_DIR", str(tmp_path / "nightly"))
    result = CliRunner().invoke(main, ["hub", "--db", str(db), "backup"])
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()).parent == tmp_path / "nightly"
    (tmp_path / "a-file").write_text("not a folder")
    bad = CliRunner().invoke(main, ["hub", "--db", str(db), "backup", "--to",
                                    str(tmp_path / "a-file" / "backups")])
    assert bad.exit_code == 1
    assert f"cannot back up {db} into {tmp_path / 'a-file' / 'backups'}" in bad.output
    assert "Traceback" not in bad.output
