"""``kiosk hub add-kiosk``, ``add-user`` and ``console-qr`` through click's CliRunner."""

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


def test_console_qr_prints_the_address_and_a_code_a_phone_reads(tmp_path: Path) -> None:
    """The address, its QR code in the terminal, and the code as a PNG to print."""
    png = tmp_path / "console.png"
    url = "https://hub.office.lan:8765/console/"
    result = CliRunner().invoke(main, ["hub", "--db", str(tmp_path / "h.db"), "console-qr",
                                       "--url", url, "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == url
    assert "█" in result.stdout or "▀" in result.stdout  # the code itself, in the terminal
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    assert width == height >= 250  # square, big enough to print


def test_console_qr_address_from_the_settings() -> None:
    from kiosk.hub.cli import _console_url

    settings = {"hub_cert_file": "/etc/guichet-kiosk/hub-cert.pem", "hub_host": "0.0.0.0",
                "hub_port": 8765}
    url = _console_url(settings)
    assert url.startswith("https://")
    assert url.endswith(":8765/console/")
    assert "0.0.0.0" not in url
    assert _console_url({**settings, "hub_cert_file": None, "hub_host": "127.0.0.1"}) == \
        "http://127.0.0.1:8765/console/"
