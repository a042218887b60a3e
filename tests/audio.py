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
import threading
from pathlib import Path

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_null_sink(folder: Path) -> bool:
    """Start ``pulseaudio`` and point this process at it; False when PulseAudio is not
    installed or does not start (audio tests then check the no-device path only)."""
    binary = shutil.which("pulseaudio")
    if binary is None:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    socket = folder / "native"
    env = {**os.environ, "HOME": str(folder), "PULSE_RUNTIME_PATH": str(folder),
           "XDG_RUNTIME_DIR": str(folder)}
    server = subprocess.Popen(  # noqa: S603 - a fixed command line
        [binary, "--daemonize=no", "-n", "--exit-idle-time=-1", "--use-pid-file=no",
         "--disable-shm=yes", "--log-target=stderr", "--log-level=info",
         "--load=module-null-sink sink_name=null", "--load=module-null-source source_name=mic",
         f"--load=module-native-protocol-unix auth-anonymous=1 socket={socket}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        preexec_fn=_die_with_parent)  # noqa: PLW1509 - only sets the death signal
    atexit.register(server.terminate)
    assert server.stderr is not None
    for line in server.stderr:  # its log says when it is ready (or it exits)
        if "Daemon startup complete" in line:
            break
    else:
        return False
    # keep reading its log, or a full pipe would stall the server
    threading.Thread(target=server.stderr.read, daemon=True, name="pulseaudio-log").start()
    os.environ["PULSE_SERVER"] = f"unix:{socket}"
    return True
