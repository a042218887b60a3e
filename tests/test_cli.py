"""The ``kiosk`` command, through click's CliRunner (and one real process for start-up)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kiosk import __version__, paths
from kiosk.cli import COMMANDS, main


def _all_commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(main)
    out = []
    for name in main.list_commands(ctx):
        cmd = main.get_command(ctx, name)
        assert cmd is not None
        out.append((name, cmd))
        if isinstance(cmd, click.Group):
            sub_ctx = click.Context(cmd)
            out += [(f"{name} {n}", cmd.get_command(sub_ctx, n))  # type: ignore[misc]
                    for n in cmd.list_commands(sub_ctx)]
    return out


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize(("name", "command"), _all_commands(), ids=lambda v: str(v)[:20])
def test_every_command_has_an_example(name: str, command: click.Command) -> None:
    assert command.help, name
    assert "Example:" in command.help, name
    assert "kiosk " in command.help.split("Example:")[1]


def test_lazy_commands_are_all_listed() -> None:
    assert set(COMMANDS) <= set(main.list_commands(click.Context(main)))


def test_validate_builtin_flows() -> None:
    result = CliRunner().invoke(main, ["flows", "validate"])
    assert result.exit_code == 0, result.output
    assert "9/9 flows valid, 0 errors, 0 warnings" in result.output


def test_validate_reports_every_error_with_its_line(tmp_path: Path) -> None:
    source = (paths.builtin_flows_dir() / "buy-stamps.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "buy-stamps.yaml"
    bad.write_text(source.replace("start: ", "start: nowhere-", 1), encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema: 1\nid: [oops\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["flows", "validate", str(bad), str(broken)])
    assert result.exit_code == 1
    assert f"{bad}:" in result.output
    assert "start step 'nowhere-" in result.output
    assert f"{broken}:3: error: malformed YAML" in result.output
    assert "Traceback" not in result.output


def test_validate_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["flows", "validate", "--json",
                                       str(paths.builtin_flows_dir())])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["errors"] == 0
    assert len(data["files"]) == 9


def test_list_flows() -> None:
    result = CliRunner().invoke(main, ["flows", "list"])
    assert result.exit_code == 0
    assert "send-parcel" in result.output
    assert "ar,en,es,fr,pt" in result.output


def test_screenshot_writes_a_png(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    result = CliRunner().invoke(main, ["screenshot", "--flow", "send-parcel", "--lang", "ar",
                                       "--text-size", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_screenshot_unknown_step_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["screenshot", "--flow", "send-parcel", "--step", "nope",
                                       "--out", str(tmp_path / "x.png")])
    assert result.exit_code == 1
    assert "unknown flow or step" in result.output


@pytest.mark.slow
def test_start_path_imports_no_hub_and_no_validator(tmp_path: Path) -> None:
    """``kiosk screenshot`` (the same start path as ``kiosk run``) stays light."""
    code = (
        "import sys\n"
        "from kiosk.cli import main\n"
        "try:\n"
        f"    main(['screenshot', '--out', {str(tmp_path / 'a.png')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "KIOSK_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # the first run fills the flow cache
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, timeout=120, check=True)
    modules = set(done.stdout.split())
    for heavy in ("fastapi", "uvicorn", "sqlite_utils", "pydantic", "kiosk.flows.validator",
                  "kiosk.hub"):
        assert heavy not in modules, heavy


def test_a_bad_settings_file_is_one_clear_line(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "settings.toml"
    bad.write_text('hub_port = "abc"\n', encoding="utf-8")
    monkeypatch.setenv("KIOSK_SETTINGS_FILE", str(bad))
    result = CliRunner().invoke(main, ["settings", "hub_port"])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}: hub_port")
    assert "Traceback" not in result.output


def test_kiosk_run_reads_the_same_options_without_click() -> None:
    """'kiosk run' starts without click (kiosk.launch); its options are the click
    command's, and anything else (help, a typo) is left to click."""
    from kiosk.customer.cli import run
    from kiosk.customer.start import RUN_FLAGS, RUN_OPTIONS, parse_run

    declared = {opt for param in run.params for opt in param.opts}
    assert declared == set(RUN_OPTIONS) | set(RUN_FLAGS)
    assert parse_run(["--windowed", "--hub=https://hub.lan", "--kiosk-id", "k2"]) == {
        "hub_url": "https://hub.lan", "kiosk_id": "k2", "hub_token": None,
        "first_paint_png": None, "windowed": True}
    for other in (["--help"], ["-h"], ["--hub"], ["--windowd"], ["--wind"], ["extra"]):
        assert parse_run(other) is None, other


def test_kiosk_run_help_and_mistakes_go_to_click(capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.launch import main as launch

    with pytest.raises(SystemExit) as done:
        launch(["run", "--help"])
    assert done.value.code == 0
    assert "Start the customer kiosk" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        launch(["run", "--windowd"])
    assert done.value.code == 2
    assert "No such option '--windowd'" in capsys.readouterr().err


@pytest.mark.slow
def test_kiosk_run_starts_without_click_and_shows_its_cached_first_frame(tmp_path: Path) -> None:
    """The real 'kiosk run' path, twice: the first start draws its home screen and keeps
    it, the second paints that picture first; the real widgets then draw the same frame.
    Neither imports click; the second, with its flows cached, neither the hub nor the
    validator."""
    code = (
        "import sys\n"
        "from kiosk.launch import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('modules', ' '.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "KIOSK_CACHE_DIR": str(tmp_path / "cache")}
    outputs = []
    for n in (1, 2):
        done = subprocess.run([sys.executable, "-c", code, "run", "--first-paint-png",
                               str(tmp_path / f"{n}.png")], capture_output=True, text=True,
                              env=env, timeout=120, check=True)
        lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
        outputs.append(lines)
    assert "click" not in outputs[0]["modules"].split()
    modules = set(outputs[1]["modules"].split())  # the first start filled the flow cache
    for heavy in ("click", "fastapi", "uvicorn", "sqlite_utils", "pydantic",
                  "kiosk.flows.validator", "kiosk.hub"):
        assert heavy not in modules, heavy
    assert [o["cached-frame"] for o in outputs] == ["miss", "hit"]
    assert float(outputs[1]["first-paint"]) < float(outputs[1]["ready"])
    assert (tmp_path / "1.png").read_bytes() == (tmp_path / "2.png").read_bytes()


# -- a hub-only install (no 'guichet-kiosk[apps]'), and the admin PIN at start ---------------
_WITHOUT_APPS = (
    "import sys\n"
    "for name in ('PySide6', 'pyttsx3', 'vosk'):\n"
    "    sys.modules[name] = None  # as if not installed\n"
    "from kiosk.launch import main\n"
    "main(sys.argv[1:])\n"
)


@pytest.mark.parametrize("command", [["run"], ["run", "--windowed"], ["mediator"], ["manager"],
                                     ["demo"], ["screenshot", "--help"], ["voice", "voices"]])
def test_the_apps_without_their_extra_say_what_to_install(command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", _WITHOUT_APPS, *command], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "pip install 'guichet-kiosk[apps]'" in lines[0]
    assert f"'kiosk {command[0]}'" in lines[0]


def test_the_hub_s_commands_need_no_apps(tmp_path: Path) -> None:
    env = {**os.environ, "KIOSK_DATA_DIR": str(tmp_path)}
    for command in (["--help"], ["hub", "--help"], ["flows", "validate"], ["settings"]):
        done = subprocess.run([sys.executable, "-c", _WITHOUT_APPS, *command], capture_output=True,
                              text=True, timeout=60, check=False, env=env)
        assert done.returncode == 0, (command, done.stderr)
    assert "(needs guichet-kiosk[apps])" in subprocess.run(
        [sys.executable, "-c", _WITHOUT_APPS, "--help"], capture_output=True, text=True,
        timeout=60, check=False).stdout


@pytest.mark.parametrize("pin", ["CHANGE-ME", "12a4", "123", "123456789"])
def test_a_pin_that_is_not_4_to_8_digits_is_refused_at_start(
        pin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.launch import main as launch

    monkeypatch.setenv("KIOSK_ADMIN_PIN", pin)
    with pytest.raises(SystemExit) as done:
        launch(["run", "--windowed"])
    assert done.value.code == 78  # EX_CONFIG: the kiosk's unit gives up, as on any bad setting
    err = capsys.readouterr().err.strip()
    assert err == (f"Error: environment (KIOSK_ADMIN_PIN): admin_pin = '{pin}': not a PIN: "
                   "give 4 to 8 digits"), err


def test_a_locked_down_kiosk_needs_a_pin(capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.launch import main as launch

    with pytest.raises(SystemExit) as done:
        launch(["run"])
    assert done.value.code == 1
    assert "set admin_pin (4 to 8 digits)" in capsys.readouterr().err
