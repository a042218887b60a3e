"""Running the hub: in the foreground (``kiosk hub``) or in a background thread of another
program (the demo, the tests), always on a socket bound before start so the port is
known at once; and, in the foreground, its logging (:func:`configure_logging`)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

import uvicorn

from kiosk import config
from kiosk.hub import systemd
from kiosk.hub.app import create_app
from kiosk.hub.protocol import HubHttpProtocol, HubWebSocketProtocol
from kiosk.hub.tls import check_listen

WS_MAX_MESSAGE = 64 * 1024  # clients only answer pings: nothing big ever comes in
LOG_HANDLER = "kiosk-hub"  # the name of the handler configure_logging installs
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(message)s"
JOURNAL_FORMAT = "%(message)s"  # the journal adds the time, the unit and the process
_PRIORITIES = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
               logging.CRITICAL: 2}


class JournalFormatter(logging.Formatter):
    """Each line starts with its syslog priority (``<6>`` for info), which the journal
    keeps as the entry's level (``journalctl -p warning`` then shows the warnings)."""

    def format(self, record: logging.LogRecord) -> str:
        return f"<{_PRIORITIES.get(record.levelno, 6)}>{super().format(record)}"


def to_journal(stream: TextIO) -> bool:
    """Whether ``stream`` is the journal: systemd names it in ``JOURNAL_STREAM``
    (``device:inode``), which is then the stream's own."""
    device, _, inode = os.environ.get("JOURNAL_STREAM", "").partition(":")
    try:
        st = os.fstat(stream.fileno())
        return (st.st_dev, st.st_ino) == (int(device), int(inode))
    except (ValueError, OSError, AttributeError):  # not set, or not a file (a test's buffer)
        return False


def configure_logging(level: str | None = None, stream: TextIO | None = None,
                      ) -> logging.Handler:
    """The hub's log: every logger's lines at ``level`` and above (default: the setting
    ``hub_log_level``) to ``stream`` (stderr: the journal under systemd, then without a
    time, which the journal adds). At ``info``: one line per request and one per change of
    a help call (see :mod:`kiosk.hub.metrics`). Replaces the handler of an earlier call;
    returns the new one."""
    name = str(config.get("hub_log_level") if level is None else level).upper()
    out = sys.stderr if stream is None else stream
    handler = logging.StreamHandler(out)
    handler.set_name(LOG_HANDLER)
    handler.setFormatter(JournalFormatter(JOURNAL_FORMAT) if to_journal(out)
                         else logging.Formatter(PLAIN_FORMAT))
    handler.setLevel(name)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == LOG_HANDLER]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(name)
    return handler


def bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP, not 0: asyncio then sets TCP_NODELAY on every accepted connection (else
    # Nagle holds the second segment of an answer until the client's delayed ACK, 40 ms)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


def _config(db: Path, realert_after: float, options: dict[str, Any],
            cert_file: Path | None = None, key_file: Path | None = None,
            trusted_proxy: str | None = None, own_logging: bool = False) -> uvicorn.Config:
    """HTTPS when given a certificate and its key (see kiosk.hub.tls); the connections'
    limits in :mod:`kiosk.hub.protocol`. ``X-Forwarded-For`` is believed only from the
    addresses in ``trusted_proxy`` (default: the setting ``hub_trusted_proxy``; empty:
    from nobody, so no client can pose as another address to dodge the login limiter).
    No access log: the hub logs each request itself (:class:`kiosk.hub.metrics.Meter`);
    with ``own_logging`` uvicorn's warnings go to :func:`configure_logging`'s handler."""
    proxies = _proxies(config.get("hub_trusted_proxy") if trusted_proxy is None else trusted_proxy)
    extra: dict[str, Any] = {"log_config": None} if own_logging else {}
    return uvicorn.Config(create_app(db, realert_after, **options), log_level="warning",
                          access_log=False, **extra,
                          lifespan="on", ws_ping_interval=20, ws_ping_timeout=20,
                          timeout_graceful_shutdown=2, http=HubHttpProtocol,
                          ws=HubWebSocketProtocol,
                          ws_max_size=WS_MAX_MESSAGE,
                          # stream messages are small JSON: compressing each one for each
                          # console would cost more CPU than it saves on a LAN, and an
                          # uncompressed frame is encoded once for every console
                          ws_per_message_deflate=False,
                          proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None,
                          ssl_certfile=cert_file, ssl_keyfile=key_file)


class HubUvicorn(uvicorn.Server):
    """uvicorn's server, leaving no connection behind when it stops: a connection still
    open after the grace time (a console that never answered the stream's close frame, a
    request still running) is cut, so that its socket closes with the hub's event loop
    instead of outliving it."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        await super().shutdown(sockets)
        for connection in list(self.server_state.connections):
            getattr(connection, "tcp", connection.transport).abort()
        for _ in range(10):  # each cut connection closes its socket on a coming turn
            if not self.server_state.connections:
                break
            await asyncio.sleep(0.01)


def _proxies(text: str) -> list[str]:
    return [p.strip() for p in str(text).split(",") if p.strip()]


def serve(db: Path, host: str, port: int, realert_after: float = 90.0, *,
          cert_file: Path | None = None, key_file: Path | None = None,
          trusted_proxy: str | None = None, **options: Any) -> None:
    """Serve until interrupted; ``options`` go to :func:`~kiosk.hub.app.create_app`.
    Plain HTTP only on 127.0.0.1: elsewhere ``cert_file`` and ``key_file`` are required
    (:class:`~kiosk.hub.tls.TlsError` otherwise)."""
    check_listen(host, cert_file, key_file)
    configure_logging()
    server = HubUvicorn(_config(db, realert_after, options, cert_file, key_file,
                                    trusted_proxy, own_logging=True))
    sock = bind(host, port)
    # under systemd (Type=notify): READY=1 once listening, then watchdog pings
    systemd.attach(server.config, "listening on {}:{}".format(*sock.getsockname()[:2]))
    server.run(sockets=[sock])


class HubServer:
    """A hub in a background thread: ``start()``, use ``url``, then ``stop()``."""

    def __init__(self, db: Path, host: str = "127.0.0.1", port: int = 0,
                 realert_after: float = 90.0, *, cert_file: Path | None = None,
                 key_file: Path | None = None, trusted_proxy: str | None = None,
                 **options: Any) -> None:
        check_listen(host, cert_file, key_file)
        self.db = Path(db)
        self.scheme = "https" if cert_file else "http"
        self.sock = bind(host, port)
        self.host = host
        self.port: int = self.sock.getsockname()[1]
        self.server = HubUvicorn(_config(self.db, realert_after, options, cert_file, key_file,
                                             trusted_proxy))
        self.thread = threading.Thread(target=self._run, name=f"hub-{self.port}")

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def _run(self) -> None:
        asyncio.run(self.server.serve(sockets=[self.sock]))

    def start(self, timeout: float = 10.0) -> HubServer:
        self.thread.start()
        started = threading.Event()

        def wait() -> None:
            while not self.server.started and self.thread.is_alive():
                started.wait(0.01)

        wait()
        if not self.server.started:
            raise RuntimeError("the hub did not start")
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
        # the request worker threads of the stopped event loop wind down on their own
        for worker in threading.enumerate():
            if worker.name == "AnyIO worker thread":
                worker.join(timeout=12)
