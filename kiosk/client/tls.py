"""The hub's certificate, checked the same way by every client (kiosk link, flow sync,
mediator console, manager app), over HTTP and over the WebSocket stream.

- Plain ``http://`` only to a hub on this machine (127.0.0.1, localhost): any other
  address is refused before a byte leaves, since every request carries a token or a
  password (:func:`kiosk.config.hub_url_problem` says why).
- With a pin (setting ``hub_cert_sha256``), the hub must show the certificate with that
  SHA-256 fingerprint, self-signed included, and no other: the connection trusts no
  authority at all (an empty list of CA certificates), so Qt reports an error for every
  certificate; the reported errors are ignored (exactly those) only once the server's
  own certificate has the pinned fingerprint. A second look after the handshake
  (``encrypted``) aborts a request whose certificate differs, before any data is sent.
- Without a pin, the system's certificate authorities decide (Qt's default).

:class:`HubAccess` is the QNetworkAccessManager that applies this; its
:meth:`~HubAccess.websocket` makes the stream's QWebSocket with the same rules. A refusal
is logged once, kept in ``last_refusal`` and emitted as ``refused``; ``error_text(reply)``
gives the reason of a failed request.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCryptographicHash, QObject, QTimer, QUrl, Signal
from PySide6.QtNetwork import (
    QNetworkAccessManager,
    QNetworkReply,
    QNetworkRequest,
    QSsl,
    QSslCertificate,
    QSslConfiguration,
    QSslError,
)
from PySide6.QtWebSockets import QWebSocket

from kiosk import config

log = logging.getLogger(__name__)
REFUSAL = "kioskTlsRefusal"  # reply property: why the request was refused


def digest(cert: QSslCertificate) -> str:
    """A certificate's SHA-256 fingerprint as 64 lower-case hex digits ("" for none)."""
    if cert.isNull():
        return ""
    return bytes(cert.digest(QCryptographicHash.Algorithm.Sha256).toHex().data()).decode()


class HubTls(QObject):
    """The rules for one hub address and one pin (``None``: the setting hub_cert_sha256)."""

    refused = Signal(str)  # why a connection was refused

    def __init__(self, hub_url: str, cert_sha256: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        raw = str(config.get("hub_cert_sha256") if cert_sha256 is None else cert_sha256)
        self.pin: str | None = None
        self.problem = config.hub_url_problem(hub_url)
        if raw.strip():
            try:
                self.pin = config.parse_sha256(raw)
            except ValueError as exc:
                self.problem = f"setting hub_cert_sha256: {exc}"
        self.last_refusal = ""
        self._said: set[str] = set()
        if self.problem:
            self.refuse(self.problem)

    def refuse(self, reason: str) -> None:
        self.last_refusal = reason
        if reason not in self._said:  # once in the log, not at every retry
            self._said.add(reason)
            log.error("hub connection refused: %s", reason)
        self.refused.emit(reason)

    def url_problem(self, url: QUrl) -> str | None:
        """Why a request (or a stream: ws, wss) to ``url`` must not be sent (None: it may)."""
        plain = QUrl(url)
        plain.setScheme({"ws": "http", "wss": "https"}.get(url.scheme(), url.scheme()))
        return self.problem or config.hub_url_problem(plain.toString())

    def configuration(self, base: QSslConfiguration) -> QSslConfiguration:
        """``base`` trusting no authority when there is a pin (every certificate then comes
        through ``sslErrors``, where the pin decides)."""
        conf = QSslConfiguration(base)
        if self.pin:
            conf.setCaCertificates([])
            conf.setProtocol(QSsl.SslProtocol.TlsV1_2OrLater)
        return conf

    def check(self, cert: QSslCertificate, errors: list[QSslError]) -> str | None:
        """None when the server's certificate ``cert`` may be accepted despite ``errors``;
        else why not."""
        seen = digest(cert)
        shown = config.format_sha256(seen) if seen else "(none)"
        if self.pin is None:
            words = "; ".join(e.errorString() for e in errors) or "not trusted"
            return (f"the hub's certificate is not trusted by this system ({words}). If it is "
                    "the hub's own, compare its SHA-256 fingerprint "
                    f"{shown} with the one 'kiosk hub make-cert' (or 'renew-cert') printed, then set "
                    "hub_cert_sha256")
        if seen != self.pin:
            return (f"the hub's certificate has the SHA-256 fingerprint {shown}, not the pinned "
                    f"{config.format_sha256(self.pin)} (setting hub_cert_sha256): not the office "
                    "hub, or its certificate was renewed (set hub_cert_sha256 to what 'kiosk hub "
                    "renew-cert' printed)")
        return None


class RefusedReply(QNetworkReply):
    """The answer to a request that was never sent: it fails at once (from the event
    loop, like any reply) with ``reason`` as its error string."""

    def __init__(self, operation: QNetworkAccessManager.Operation, request: QNetworkRequest,
                 reason: str, parent: QObject) -> None:
        super().__init__(parent)
        self.setRequest(request)
        self.setUrl(request.url())
        self.setOperation(operation)
        self.setProperty(REFUSAL, reason)
        self.setError(QNetworkReply.NetworkError.ProtocolUnknownError, reason)
        self.setFinished(True)
        self._told = False
        QTimer.singleShot(0, self, self._fail)

    def _fail(self) -> None:
        if not self._told:
            self._told = True
            self.errorOccurred.emit(self.error())
            self.finished.emit()

    def abort(self) -> None:
        self._fail()  # finished at once, as an aborted reply is

    def bytesAvailable(self) -> int:
        return 0

    def readData(self, _maxlen: int) -> bytes:
        return b""


class HubAccess(QNetworkAccessManager):
    """A QNetworkAccessManager for requests to one hub, under the rules of :class:`HubTls`."""

    def __init__(self, hub_url: str, cert_sha256: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tls = HubTls(hub_url, cert_sha256, self)
        self.sslErrors.connect(self._ssl_errors)
        self.encrypted.connect(self._encrypted)

    def createRequest(self, op: QNetworkAccessManager.Operation, request: QNetworkRequest,
                      data: Any = None) -> QNetworkReply:
        problem = self.tls.url_problem(request.url())
        if problem:
            self.tls.refuse(problem)
            return RefusedReply(op, request, problem, self)
        if self.tls.pin and request.url().scheme() == "https":
            request = QNetworkRequest(request)
            request.setSslConfiguration(self.tls.configuration(request.sslConfiguration()))
        return super().createRequest(op, request, data)

    def _ssl_errors(self, reply: QNetworkReply, errors: list[QSslError]) -> None:
        reason = self.tls.check(reply.sslConfiguration().peerCertificate(), errors)
        if reason is None:
            reply.ignoreSslErrors(errors)  # these errors, for this certificate only
        else:
            reply.setProperty(REFUSAL, reason)
            self.tls.refuse(reason)

    def _encrypted(self, reply: QNetworkReply) -> None:
        if not self.tls.pin:
            return
        reason = self.tls.check(reply.sslConfiguration().peerCertificate(), [])
        if reason is not None:
            reply.setProperty(REFUSAL, reason)
            self.tls.refuse(reason)
            reply.abort()

    def websocket(self, parent: QObject | None = None) -> HubWebSocket:
        """A QWebSocket for this hub's stream, under the same rules."""
        return HubWebSocket(self.tls, parent)

    def error_text(self, reply: QNetworkReply) -> str:
        """Why ``reply`` failed: the refusal's reason when the certificate or the address
        was refused, else Qt's words."""
        reason = reply.property(REFUSAL)
        return str(reason) if reason else reply.errorString()


class HubWebSocket(QWebSocket):
    """A QWebSocket that opens only an allowed address and accepts only the pinned
    certificate (see :class:`HubTls`)."""

    def __init__(self, tls: HubTls, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self.tls = tls
        if tls.pin:
            self.setSslConfiguration(tls.configuration(self.sslConfiguration()))
        self.sslErrors.connect(self._ssl_errors)

    def open(self, target: Any, *rest: Any) -> None:  # type: ignore[override]
        url = target if isinstance(target, QUrl) else target.url()
        problem = self.tls.url_problem(url)
        if problem:
            self.tls.refuse(problem)  # never opened: no stream, nothing sent
            return
        super().open(target, *rest)

    def _ssl_errors(self, errors: list[QSslError]) -> None:
        reason = self.tls.check(self.sslConfiguration().peerCertificate(), errors)
        if reason is None:
            # these errors about this very certificate; kept for the next opening, where
            # they still match only this certificate
            self.ignoreSslErrors(errors)
        else:
            self.ignoreSslErrors([])
            self.tls.refuse(reason)

