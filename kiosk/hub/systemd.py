"""Telling systemd how the hub is doing (``Type=notify`` and ``WatchdogSec=`` units).

The protocol is tiny, so no library is needed: systemd gives the service the path of a
unix datagram socket in ``NOTIFY_SOCKET`` (a leading ``@`` means the abstract namespace)
and reads one datagram per notification, newline-separated ``KEY=VALUE`` lines:
``READY=1`` once the hub listens, then ``WATCHDOG=1`` at least once per ``WATCHDOG_USEC``
microseconds or systemd kills and restarts it. Outside systemd every call is a no-op.

The pings come from uvicorn's own loop (its ``callback_notify`` hook, run from the main
loop once the sockets listen), so a hub whose event loop hangs stops pinging and is
restarted.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import uvicorn

logger = logging.getLogger(__name__)


def notify(message: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send one notification (e.g. ``"READY=1"``); False when not run by systemd or when
    systemd cannot be reached."""
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET", "")
    if address.startswith("@"):
        address = "\0" + address[1:]
    elif not address.startswith("/"):
        return False  # unset, or a transport this module does not speak (vsock)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
    except OSError as exc:  # a missed ping must never stop the hub: systemd will judge
        logger.warning("cannot notify systemd at %s: %s", env.get("NOTIFY_SOCKET"), exc)
        return False
    return True


def watchdog_period(environ: Mapping[str, str] | None = None) -> float | None:
    """Seconds between two pings (half the watchdog timeout), or None without a watchdog
    for this process."""
    env = os.environ if environ is None else environ
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    pid = env.get("WATCHDOG_PID")
    if usec <= 0 or (pid and pid.isdigit() and int(pid) != os.getpid()):
        return None
    return usec / 2_000_000


def attach(config: uvicorn.Config, status: str = "",
           environ: Mapping[str, str] | None = None) -> bool:
    """Make a uvicorn server notify systemd: ``READY=1`` (with ``STATUS=status``) at the
    first tick of its main loop, once start-up is over and its sockets listen, then
    ``WATCHDOG=1`` about every half watchdog period. Returns False, and changes nothing,
    when the process was not started by systemd."""
    env = dict(os.environ if environ is None else environ)
    if not env.get("NOTIFY_SOCKET"):
        return False
    period = watchdog_period(env)
    ready = ["READY=1", *([f"STATUS={status}"] if status else [])]

    async def tell() -> None:
        if ready:
            notify("\n".join(ready), env)
            ready.clear()
        elif period is not None:
            notify("WATCHDOG=1", env)

    config.callback_notify = tell
    # uvicorn calls back when more than timeout_notify whole seconds have passed, checked
    # once a second: one second less than the period keeps a margin (without a watchdog,
    # only the first call matters: READY=1)
    config.timeout_notify = 24 * 3600 if period is None else max(0, int(period) - 1)
    return True
