"""A private PulseAudio server with a null sink and a null source, so that Qt has an audio
output and a microphone in tests, on a machine with no sound card. The server dies with
the test process (even a killed one): it is started with a parent-death signal."""

from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_null_sink(folder: Path) -> bool:
    """Start ``pulseaudio`` and point this process at it; False when PulseAudio is not
    installed or does not start (audio tests then check the no-device path only)."""
    binary, pactl = shutil.which("pulseaudio"), shutil.which("pactl")
    if binary is None or pactl is None:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    socket = folder / "native"
    env = {**os.environ, "HOME": str(folder), "PULSE_RUNTIME_PATH": str(folder),
           "XDG_RUNTIME_DIR": str(folder)}
    server = subprocess.Popen(  # noqa: S603 - a fixed command line
        [binary, "--daemonize=no", "-n", "--exit-idle-time=-1", "--use-pid-file=no",
         "--disable-shm=yes", "--log-target=stderr", "--log-level=error",
         "--load=module-null-sink sink_name=null", "--load=module-null-source source_name=mic",
         f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent)  # noqa: PLW1509 - only sets the death signal
    atexit.register(server.terminate)
    env["PULSE_SERVER"] = f"unix:{socket}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and server.poll() is None:
        if subprocess.run([pactl, "info"], env=env, capture_output=True, check=False).returncode == 0:
            os.environ["PULSE_SERVER"] = env["PULSE_SERVER"]
            return True
        time.sleep(0.05)  # the server is starting (setup, not a test waiting on a signal)
    server.terminate()
    return False
