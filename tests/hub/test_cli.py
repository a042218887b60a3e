"""``kiosk hub add-kiosk`` and ``add-user`` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kiosk.cli import main
from kiosk.hub import auth
from kiosk.hub.db import connect


def test_add_kiosk_prints_the_token_alone(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite3"
    result = CliRunner().invoke(main, ["hub", "--db", str(db), "add-kiosk", "entree"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert "\n" not in token
    assert len(token) > 30
    assert "registered" in result.stderr
    conn = connect(db)
    assert auth.principal_for(conn, token) == (auth.Principal("entree", "kiosk"), None)
    conn.close()


def test_add_kiosk_again_replaces_the_token(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite3"
    first = CliRunner().invoke(main, ["hub", "--db", str(db), "add-kiosk", "k"]).stdout.strip()
    second = CliRunner().invoke(main, ["hub", "--db", str(db), "add-kiosk", "k"]).stdout.strip()
    conn = connect(db)
    assert auth.principal_for(conn, first) is None
    assert auth.principal_for(conn, second) is not None
    conn.close()


def test_bad_kiosk_name_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "h.db"), "add-kiosk",
                                       "a b"])
    assert result.exit_code == 2
    assert "letters, digits" in result.output


def test_add_user_from_stdin_then_login(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite3"
    result = CliRunner().invoke(main, ["hub", "--db", str(db), "add-user", "aicha", "--role",
                                       "mediator", "--password-stdin"], input="s3cret-pass\n")
    assert result.exit_code == 0, result.output
    conn = connect(db)
    with conn.atomic():
        assert auth.login(conn, "aicha", "s3cret-pass") is not None
        assert auth.login(conn, "aicha", "nope") is None
    conn.close()


def test_short_password_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "h.db"), "add-user", "x",
                                       "--role", "manager", "--password-stdin"], input="short\n")
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output
