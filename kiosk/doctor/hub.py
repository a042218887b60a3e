"""``kiosk doctor --role hub``: is this machine fit to be the office's hub?

- database: the hub_db file opened read-only (never a file left behind: with no write-ahead
  log beside it, it is opened as immutable), ``PRAGMA integrity_check`` (``quick_check``
  past 500 MB), its size, and the free disk of its folder (fail under 0.5 GB, warn under 2);
- certificate: hub_cert_file's end date (warn 30 days before, fail once expired), its
  names, its key; none while hub_host is not this machine fails, as the hub would refuse;
- listening: is a hub answering ``GET /api/v1/health`` at hub_host:hub_port (with the
  certificate of hub_cert_file: after a renewal, the old one until restarted), and if
  not, is the port free to bind;
- backup: the newest ``hub-*Z.sqlite3`` in hub_backup_dir, warned when over 26 hours old
  or missing;
- clock: synchronised, as ``timedatectl`` tells (unknown: a warning).

A hub needs no screen, no audio and no Qt: nothing here imports the apps' extra.
Run it as the hub's user (``sudo -u guichet env KIOSK_DATA_DIR=/var/lib/guichet-kiosk kiosk
doctor --role hub``): the database and the backups are readable by that user only.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from kiosk import config, paths
from kiosk.doctor.common import Check, Settings, free_disk, run_parts

DISK_WARN_GB = 2.0
CERT_WARN_DAYS = 30
BACKUP_WARN_HOURS = 26
QUICK_CHECK_ABOVE = 500e6  # bytes: a full integrity check of a bigger file takes minutes
AS_HUB_USER = "run as the hub's user: sudo -u guichet env KIOSK_DATA_DIR=/var/lib/guichet-kiosk " \
              "kiosk doctor --role hub"
RESTORE = "stop the hub and restore the last backup (packaging/README.md, 'Backups and restore')"
CERT_DOC = "packaging/README.md, 'The certificate'"
START_HUB = "start the hub: sudo systemctl start guichet-kiosk-hub (why it stopped: " \
            "journalctl -u guichet-kiosk-hub)"


def db_path(settings: Settings) -> Path:
    """The hub's database, as ``kiosk hub`` finds it (hub_db, else the data folder's)."""
    return Path(settings["hub_db"]) if settings["hub_db"] else paths.data_dir() / "hub.sqlite3"


def database_checks(settings: Settings) -> list[Check]:
    path = db_path(settings)
    if not path.is_file():
        return [Check("database", "fail", f"no database at {path}",
                      "set hub_db to the hub's database (the packaged hub's: "
                      "/var/lib/guichet-kiosk/hub.sqlite3), or start the hub once")]
    if not os.access(path, os.R_OK):
        return [Check("database", "fail", f"{path} cannot be read by this user", AS_HUB_USER)]
    size = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    # read-only; with no log beside the file (the hub stopped), "immutable", so that no
    # -wal or -shm file is made (owned by whoever runs this, root maybe)
    mode = "ro" if wal.exists() else "ro&immutable=1"
    pragma = "quick_check" if size > QUICK_CHECK_ABOVE else "integrity_check"
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode={mode}", uri=True,
                               timeout=10)
        try:
            found = [str(row[0]) for row in conn.execute(f"PRAGMA {pragma}(5)")]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if "unable to open" in str(exc) or "readonly" in str(exc):
            return [Check("database", "fail", f"{path} cannot be opened ({exc})", AS_HUB_USER)]
        found, version = [str(exc)], -1
    except sqlite3.DatabaseError as exc:
        found, version = [str(exc)], -1
    if found != ["ok"]:
        return [Check("database", "fail", f"{path} is damaged ({'; '.join(found)[:300]})", RESTORE),
                free_disk(path.parent, "the hub stops storing help calls when its disk is full",
                          DISK_WARN_GB)]
    if version < 1:
        return [Check("database", "fail", f"{path} holds no hub tables (schema version 0)",
                      "set hub_db to the hub's database")]
    checked = "integrity" if pragma == "integrity_check" else "quick check"
    return [Check("database", "ok", f"{path}: {checked} ok, {size / 1e6:.1f} MB, schema "
                  f"version {version}"),
            free_disk(path.parent, "the hub stops storing help calls when its disk is full",
                      DISK_WARN_GB)]


def certificate_checks(settings: Settings, now: float | None = None) -> list[Check]:
    from kiosk.hub import tls

    host = str(settings["hub_host"])
    cert = Path(settings["hub_cert_file"]) if settings["hub_cert_file"] else None
    key = Path(settings["hub_key_file"]) if settings["hub_key_file"] else None
    if cert is None and key is None:
        if config.is_loopback(host):
            return [Check("certificate", "ok", f"none: plain HTTP on {host} (this machine only)")]
        return [Check("certificate", "fail", f"none, but hub_host is {host}: the hub refuses "
                      "plain HTTP on the network", "make one (sudo guichet-hub make-cert "
                      f"--name HUB-NAME) and set hub_cert_file and hub_key_file ({CERT_DOC})")]
    try:
        tls.check_listen(host, cert, key)
    except tls.TlsError as exc:
        return [Check("certificate", "fail", str(exc),
                      f"fix the settings hub_cert_file and hub_key_file ({CERT_DOC})")]
    assert cert is not None
    try:
        info = tls.cert_info(cert)
    except tls.TlsError as exc:
        return [Check("certificate", "warn", f"{cert}: {exc}", "apt install openssl")]
    days = (info.not_after - (time.time() if now is None else now)) / 86400
    until = dt.datetime.fromtimestamp(info.not_after, dt.UTC).strftime("%Y-%m-%d")
    renew = ("kiosk hub renew-cert, then give every client the new fingerprint"
             if info.self_signed else "ask the authority that issued it for a new one")
    renew += f" ({CERT_DOC})"
    fingerprint = tls.cert_sha256(cert)
    if days <= 0:
        expiry = Check("certificate", "fail", f"{cert} expired on {until}: every client "
                       "refuses the hub", renew)
    elif days <= CERT_WARN_DAYS:
        expiry = Check("certificate", "warn", f"{cert} expires in {int(days)} day(s), on {until}",
                       renew)
    else:
        expiry = Check("certificate", "ok", f"{cert}, valid until {until} ({int(days)} days), "
                       f"key matches, SHA-256 {fingerprint}")
    names = ", ".join(info.names) or "none"
    local = all(config.is_loopback(n) for n in info.names)
    if local and not config.is_loopback(host):
        return [expiry, Check("certificate names", "warn", f"{names}: this machine's only",
                              "phones check the name: make one with the name and address "
                              f"the office uses (make-cert --force --name ...; {CERT_DOC})")]
    return [expiry, Check("certificate names", "ok", names)]


def listening_checks(settings: Settings) -> list[Check]:
    """Is a hub answering at hub_host:hub_port, and if not, why not."""
    import http.client
    import json
    import ssl

    from kiosk.hub import tls

    host, port = str(settings["hub_host"]), int(settings["hub_port"])
    probe = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    cert = str(settings["hub_cert_file"] or "")
    scheme = "https" if cert else "http"
    where = f"{scheme}://{f'[{probe}]' if ':' in probe else probe}:{port}"
    conn: http.client.HTTPConnection = (
        http.client.HTTPSConnection(probe, port, timeout=5, context=tls.pinned_context())
        if cert else http.client.HTTPConnection(probe, port, timeout=5))
    served = None
    try:
        conn.connect()
        if isinstance(conn.sock, ssl.SSLSocket):
            served = tls.der_sha256(conn.sock.getpeercert(binary_form=True) or b"")
        conn.request("GET", "/api/v1/health")
        reply = conn.getresponse()
        status, body = reply.status, reply.read(4096)
    except ConnectionRefusedError:
        return [_port_check(host, port)]
    except (ssl.SSLError, http.client.HTTPException) as exc:
        return [Check("listening", "fail", f"something answers on {where}, but not the way the "
                      f"settings say ({exc.__class__.__name__}: {exc})",
                      "restart the hub so that it runs with the current settings: sudo "
                      "systemctl restart guichet-kiosk-hub")]
    except OSError as exc:
        return [Check("listening", "fail", f"{where} does not answer ({exc})", START_HUB)]
    finally:
        conn.close()
    try:
        said = json.loads(body)
    except ValueError:
        said = None
    if not isinstance(said, dict):
        said = {}
    if status == 503:
        return [Check("listening", "fail", f"the hub on {where} cannot use its database: "
                      f"{said.get('db', 'no reason given')}",
                      "see its messages: journalctl -u guichet-kiosk-hub (a full disk?)")]
    if status != 200 or said.get("status") != "ok":
        return [Check("listening", "fail", f"{where} answers {status}, not as a hub",
                      f"another program holds port {port}: stop it, or set hub_port")]
    out = [Check("listening", "ok", f"a hub answers on {where} (version {said.get('version')})")]
    try:
        on_file = tls.cert_sha256(Path(cert)) if cert else None
    except tls.TlsError:
        on_file = None
    if served and on_file and served != on_file:
        out.append(Check("served certificate", "warn", f"the hub serves {served}, not {cert} "
                         f"({on_file}): renewed and not restarted yet?",
                         "outside opening hours, restart the hub (sudo systemctl restart "
                         "guichet-kiosk-hub), then give every client the new fingerprint "
                         f"({CERT_DOC})"))
    return out


def _port_check(host: str, port: int) -> Check:
    """Nothing accepted the connection: is the port free for the hub to bind?"""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return Check("listening", "fail", f"no hub answers on {host}:{port}, and "
                             "another program holds the port",
                             f"see which: sudo ss -ltnp 'sport = :{port}'; stop it or set hub_port")
            if exc.errno == errno.EADDRNOTAVAIL:
                return Check("listening", "fail", f"this machine has no address {host}",
                             "set hub_host to one of its addresses, or 0.0.0.0")
            return Check("listening", "fail", f"no hub answers on {host}:{port}, and the "
                         f"port cannot be bound ({exc.strerror or exc})",
                         "set hub_port to a port above 1023")
    return Check("listening", "fail", f"no hub answers on {host}:{port} (the port is free)",
                 START_HUB)


def backup_checks(settings: Settings, now: float | None = None) -> list[Check]:
    folder = Path(settings["hub_backup_dir"])
    timer = ("turn on the backups: sudo systemctl enable --now guichet-kiosk-hub-backup.timer "
             "(packaging/README.md, 'Backups and restore')")
    if not folder.is_dir():
        return [Check("backup", "warn", f"no backup folder {folder} (setting hub_backup_dir)",
                      timer)]
    if not os.access(folder, os.R_OK | os.X_OK):
        return [Check("backup", "warn", f"{folder} cannot be read by this user", AS_HUB_USER)]
    backups = sorted(folder.glob("hub-*Z.sqlite3"))  # the names sort by time
    if not backups:
        return [Check("backup", "warn", f"no backup in {folder}",
                      "make one now: sudo systemctl start guichet-kiosk-hub-backup; " + timer)]
    newest = backups[-1]
    try:
        made = dt.datetime.strptime(newest.name, "hub-%Y%m%dT%H%M%S.%fZ.sqlite3").replace(
            tzinfo=dt.UTC).timestamp()
    except ValueError:
        made = newest.stat().st_mtime
    hours = ((time.time() if now is None else now) - made) / 3600
    detail = f"{newest.name}, {hours:.0f} h old ({len(backups)} in {folder})"
    if hours > BACKUP_WARN_HOURS:
        return [Check("backup", "warn", f"the newest is {hours:.0f} hours old: {newest}",
                      "see why the evening's backup did not run: systemctl list-timers "
                      "guichet-kiosk-hub-backup; journalctl -u guichet-kiosk-hub-backup")]
    return [Check("backup", "ok", detail)]


def ntp_synchronized() -> bool | None:
    """``timedatectl``'s word on the clock (None: it cannot tell here)."""
    exe = shutil.which("timedatectl")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, "show", "-p", "NTPSynchronized", "--value"],  # noqa: S603
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    said = done.stdout.strip()
    if done.returncode != 0 or said not in ("yes", "no"):
        return None
    return said == "yes"


def clock_checks(settings: Settings) -> list[Check]:
    synced = ntp_synchronized()
    if synced is None:
        return [Check("clock", "warn", "unknown: timedatectl cannot tell here",
                      "check that the clock is synchronised (systemd-timesyncd or chrony): "
                      "kiosks compare theirs with the hub's")]
    if not synced:
        return [Check("clock", "warn", "not synchronised", "sudo timedatectl set-ntp true "
                      "(kiosks compare their clock with the hub's)")]
    return [Check("clock", "ok", "synchronised (NTP)")]


def checks(settings: Settings) -> list[Check]:
    return run_parts([database_checks, certificate_checks, listening_checks, backup_checks,
                      clock_checks], settings)
