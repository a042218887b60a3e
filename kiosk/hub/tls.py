"""HTTPS for the hub: the rule on plain HTTP, certificates and their fingerprints.

The hub serves HTTPS with a certificate and its key (the office's, or a self-signed one
made by :func:`make_cert` through the ``openssl`` program). Clients pin that certificate
by its SHA-256 fingerprint (setting ``hub_cert_sha256``), so a self-signed one is as safe
as any. Plain HTTP is only for the machine itself: :func:`check_listen` refuses any other
address without a certificate.

:func:`cert_info` reads a certificate's names and end date (``kiosk doctor --role hub``
warns before it expires); :func:`renew_cert` makes a new self-signed one for the same
names in the same files, keeping the old ones as ``*.old`` (``kiosk hub renew-cert``).
On a packaged hub both files live in ``/var/lib/guichet-kiosk/tls/`` (packaging/README.md,
"The certificate").

:func:`pinned_opener` is the same pinning for Python clients of the hub (``kiosk doctor``).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import ipaddress
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import format_sha256, is_loopback

CERT_NAME = "hub-cert.pem"
KEY_NAME = "hub-key.pem"
_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----\s*(.+?)\s*-----END CERTIFICATE-----", re.S)
_HOSTNAME = re.compile(r"(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*")


class TlsError(ValueError):
    """A certificate that cannot be used, or a setup that is not safe."""


@dataclass(frozen=True)
class CertFiles:
    cert: Path
    key: Path
    sha256: str  # "AB:CD:..." as printed for the settings


def der_sha256(der: bytes) -> str:
    """The fingerprint of a certificate in DER form, as ``AB:CD:...``."""
    return format_sha256(hashlib.sha256(der).hexdigest())


def cert_sha256(path: Path) -> str:
    """The fingerprint of the first certificate of a PEM file (the server's own: a chain
    file lists it first)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TlsError(f"cannot read the certificate {path}: {exc.strerror or exc}") from None
    found = _PEM.search(data)
    if found is None:
        raise TlsError(f"{path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    try:
        der = base64.b64decode(b"".join(found.group(1).split()), validate=True)
    except ValueError:
        raise TlsError(f"{path}: the certificate is not valid base64") from None
    return der_sha256(der)


def check_listen(host: str, cert: Path | None, key: Path | None) -> None:
    """Refuse a setup that would send tokens and passwords in clear over a network:
    plain HTTP anywhere but on the machine itself, or half a certificate."""
    if (cert is None) != (key is None):
        raise TlsError("give both the certificate and its key (settings hub_cert_file and "
                       "hub_key_file), or neither")
    if cert is None and not is_loopback(host):
        raise TlsError(f"refusing to serve plain HTTP on {host}: passwords and tokens would "
                       "cross the network in clear. Give a certificate and its key (settings "
                       "hub_cert_file and hub_key_file; 'kiosk hub make-cert' makes one), or "
                       "listen on 127.0.0.1 only")
    if cert is not None and key is not None:
        for path in (cert, key):
            if not Path(path).is_file():
                raise TlsError(f"no such file: {path}")
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
        except ssl.SSLError as exc:
            raise TlsError(f"the certificate {cert} and the key {key} do not go together "
                           f"({exc.reason or exc})") from None


def _san(name: str) -> str:
    """One subjectAltName entry for a host name or an IP address."""
    try:
        return f"IP:{ipaddress.ip_address(name)}"
    except ValueError:
        pass
    if len(name) > 253 or not _HOSTNAME.fullmatch(name):
        raise TlsError(f"not a host name or an IP address: {name!r}")
    return f"DNS:{name}"


def default_names() -> list[str]:
    """The names a self-signed certificate is made for when none are given: this
    machine's names and the loopback ones."""
    names = [socket.gethostname(), socket.getfqdn(), "localhost", "127.0.0.1", "::1"]
    return list(dict.fromkeys(n for n in names if n and _valid(n)))


def _valid(name: str) -> bool:
    try:
        _san(name)
    except TlsError:
        return False
    return True


def make_cert(folder: Path, names: list[str], days: int = 3650, force: bool = False) -> CertFiles:
    """A self-signed certificate (ECDSA P-256) for ``names`` and its key, written into
    ``folder`` as hub-cert.pem and hub-key.pem (the key readable by its owner only)."""
    _check_request(names, days)
    _openssl()
    folder = Path(folder)
    cert, key = folder / CERT_NAME, folder / KEY_NAME
    if not force and (cert.exists() or key.exists()):
        raise TlsError(f"{cert} or {key} exists already: a new certificate has a new "
                       "fingerprint, which every kiosk and console must be given (use --force)")
    folder.mkdir(parents=True, exist_ok=True)
    # made beside its place (a private folder, the same file system), then moved there
    with tempfile.TemporaryDirectory(prefix=".make-cert-", dir=folder) as tmp:
        new_cert, new_key = _self_signed(Path(tmp), names, days)
        os.replace(new_key, key)  # the key first: a certificate is never left without it
        os.replace(new_cert, cert)
    os.chmod(cert, 0o644)
    return CertFiles(cert, key, cert_sha256(cert))


def _check_request(names: list[str], days: int) -> list[str]:
    if not names:
        raise TlsError("give at least one name")
    entries = [_san(n) for n in names]
    if not 1 <= days <= 36500:
        raise TlsError("days: between 1 and 36500")
    return entries


def _openssl() -> str:
    found = shutil.which("openssl")
    if found is None:
        raise TlsError("the openssl program is missing (apt install openssl)")
    return found


def _self_signed(tmp: Path, names: list[str], days: int) -> tuple[Path, Path]:
    """``openssl req`` in the private folder ``tmp``: the new certificate and its key
    (mode 0600) there."""
    entries = _check_request(names, days)
    openssl = _openssl()
    common = names[0] if len(names[0]) <= 64 else "guichet-kiosk hub"
    config = "\n".join([
        "[req]", "distinguished_name = dn", "x509_extensions = ext", "prompt = no",
        "[dn]", f"CN = {common}", "O = Guichet Kiosk",
        "[ext]", "subjectAltName = " + ", ".join(entries),
        "basicConstraints = critical, CA:FALSE",
        "keyUsage = critical, digitalSignature",
        "extendedKeyUsage = serverAuth", "subjectKeyIdentifier = hash", ""])
    cnf, new_cert, new_key = tmp / "req.cnf", tmp / CERT_NAME, tmp / KEY_NAME
    cnf.write_text(config, encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - fixed arguments, names checked by _san
        [openssl, "req", "-x509", "-config", str(cnf), "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:prime256v1", "-nodes", "-sha256", "-days", str(days),
         "-keyout", str(new_key), "-out", str(new_cert)],
        capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise TlsError(f"openssl failed: {done.stderr.strip()[-500:]}")
    os.chmod(new_key, 0o600)
    return new_cert, new_key


@dataclass(frozen=True)
class CertInfo:
    """What ``kiosk doctor`` and ``renew-cert`` need to know of a certificate."""

    names: tuple[str, ...]  # its subjectAltName host names and IP addresses, in order
    not_after: float  # end of validity, POSIX time
    subject: str
    issuer: str

    @property
    def self_signed(self) -> bool:
        return self.subject == self.issuer


def cert_info(path: Path) -> CertInfo:
    """The names and the end date of the first certificate of a PEM file (read by the
    ``openssl`` program, as ``make-cert`` needs it anyway)."""
    cert_sha256(path)  # readable, and a PEM certificate: else a clear TlsError
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [_openssl(), "x509", "-in", str(path), "-noout", "-enddate", "-subject", "-issuer",
         "-nameopt", "RFC2253", "-ext", "subjectAltName"],
        capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise TlsError(f"cannot read the certificate {path}: {done.stderr.strip()[-300:]}")
    fields: dict[str, str] = {}
    names: list[str] = []
    lines = done.stdout.splitlines()
    for number, line in enumerate(lines):
        key, _, value = line.partition("=")
        if key in ("notAfter", "subject", "issuer"):
            fields[key] = value.strip()
        elif "Subject Alternative Name" in line and number + 1 < len(lines):
            names = [_name(entry.strip()) for entry in lines[number + 1].split(",")]
    try:
        not_after = float(ssl.cert_time_to_seconds(fields["notAfter"]))
    except (KeyError, ValueError):
        raise TlsError(f"{path}: no readable end date in the certificate") from None
    return CertInfo(tuple(n for n in names if n), not_after, fields.get("subject", ""),
                    fields.get("issuer", ""))


def _name(entry: str) -> str:
    """``DNS:x`` or ``IP Address:y`` as openssl prints them: the name or the address
    (IPv6 written short); other kinds (e-mail, URI) are no host name: ''."""
    kind, _, value = entry.partition(":")
    if kind == "DNS":
        return value
    if kind == "IP Address":
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            return ""
    return ""


def renew_cert(cert: Path, key: Path, days: int = 3650, force: bool = False) -> CertFiles:
    """A new self-signed certificate and key for the same names as ``cert``, written over
    ``cert`` and ``key`` (each replaced at once, the key first); the old ones are kept as
    ``cert.old`` and ``key.old``. Files keep their owner (when run as root) and mode.
    A certificate issued by an authority is refused unless ``force``: renew it there."""
    cert, key = Path(cert), Path(key)
    info = cert_info(cert)
    if not info.self_signed and not force:
        raise TlsError(f"{cert} was issued by {info.issuer}, not by itself: renew it with that "
                       "authority (or replace it with a self-signed one: --force)")
    if not info.names:
        raise TlsError(f"{cert} names no host (no subjectAltName): make a new one with "
                       "'kiosk hub make-cert --force --name ...'")
    with tempfile.TemporaryDirectory(prefix=".renew-cert-", dir=cert.parent) as tmp:
        new_cert, new_key = _self_signed(Path(tmp), list(info.names), days)
        for path, secret in ((key, True), (cert, False)):
            if path.exists():
                _write(path.with_name(path.name + ".old"), path.read_bytes(), path, secret)
        old_key = key.with_name(key.name + ".old")
        _write(key, new_key.read_bytes(), key if key.exists() else None, secret=True)
        try:
            _write(cert, new_cert.read_bytes(), cert if cert.exists() else None, secret=False)
        except OSError:
            if old_key.exists():  # never a new key beside the old certificate
                _write(key, old_key.read_bytes(), key, secret=True)
            raise
    return CertFiles(cert, key, cert_sha256(cert))


def _write(target: Path, data: bytes, like: Path | None, secret: bool) -> None:
    """``data`` into ``target`` at once: a temporary file beside it, synced, renamed. Mode
    and owner from ``like`` when given (a ``secret`` never readable by others), else 0600
    for a secret and 0644 for a certificate."""
    before = like.stat() if like is not None else None
    mode = 0o600 if secret else 0o644
    if before is not None:
        mode = stat.S_IMODE(before.st_mode) & (0o770 if secret else 0o777)
    staged = target.with_name(f".{target.name}.new")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(staged, mode)
        if before is not None and os.geteuid() == 0:  # root renewing the hub user's files
            os.chown(staged, before.st_uid, before.st_gid)
        os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


# -- Python clients (kiosk doctor) ---------------------------------------------------------
class PinMismatch(ssl.SSLError):
    """The server's certificate is not the pinned one."""


def pinned_context() -> ssl.SSLContext:
    """A client context that lets any certificate through the handshake: the caller
    compares the server's certificate with the pin before sending a byte."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def check_peer(sock: ssl.SSLSocket, pin: str) -> None:
    """Raise :class:`PinMismatch` unless the peer's certificate has the fingerprint ``pin``
    (normalised hex, see :func:`kiosk.config.parse_sha256`)."""
    der = sock.getpeercert(binary_form=True)
    seen = hashlib.sha256(der).hexdigest() if der else ""
    if seen != pin:
        raise PinMismatch(f"the hub's certificate has the SHA-256 fingerprint "
                          f"{format_sha256(seen) if seen else '(none)'}, not the pinned "
                          f"{format_sha256(pin)} (setting hub_cert_sha256)")


class _PinnedConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, *, pin: str = "", **options: Any) -> None:
        super().__init__(host, **options)
        self.pin = pin

    def connect(self) -> None:
        super().connect()
        assert isinstance(self.sock, ssl.SSLSocket)
        try:
            check_peer(self.sock, self.pin)  # before the request (and its token) is sent
        except PinMismatch:
            self.close()
            raise


class _PinnedHandler(urllib.request.HTTPSHandler):
    def __init__(self, pin: str) -> None:
        super().__init__(context=pinned_context())
        self.pin = pin

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_PinnedConnection, req, context=pinned_context(), pin=self.pin)


def pinned_opener(pin: str) -> urllib.request.OpenerDirector:
    """A urllib opener whose HTTPS connections accept only the certificate with the
    SHA-256 fingerprint ``pin`` (normalised hex)."""
    return urllib.request.build_opener(_PinnedHandler(pin))
