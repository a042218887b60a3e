"""The hub seen from a client (a kiosk, a mediator's or the manager's PC): its address
and certificate (pinned by ``hub_cert_sha256``, else judged by the system's authorities),
whether it answers, how far apart the clocks are, and, for a kiosk, whether its device
token is accepted. Staff log in with a password: no token step for them.

Nothing is sent to a hub whose certificate is not the pinned one.
"""

from __future__ import annotations

import json
import time
from typing import Any

from kiosk import config
from kiosk.doctor.common import Check, Settings

UNREACHABLE = "check the network and that 'kiosk hub' runs on the hub machine"
CERT_DOC = "packaging/README.md, 'The certificate'"


def tls_check(url: str, pin: str) -> tuple[Check, Any]:
    """The hub's address and certificate, and the urllib opener that keeps to them
    (None: go no further, the token must not be sent)."""
    import hashlib
    import socket
    import ssl
    import urllib.request
    from urllib.parse import urlsplit

    from kiosk.hub import tls

    problem = config.hub_url_problem(url)
    if problem:
        return Check("tls", "fail", problem, "set hub_url to https://HUB:PORT (the hub needs a "
                     "certificate: kiosk hub make-cert)"), None
    parts = urlsplit(url)
    if parts.scheme == "http":
        return Check("tls", "ok", "plain HTTP on this machine (127.0.0.1)"), urllib.request.build_opener()
    host, port = str(parts.hostname), parts.port or 443
    seen = ""
    try:
        with socket.create_connection((host, port), timeout=5) as raw, \
                tls.pinned_context().wrap_socket(raw, server_hostname=host) as conn:
            seen = hashlib.sha256(conn.getpeercert(binary_form=True) or b"").hexdigest()
        if not pin:
            with socket.create_connection((host, port), timeout=5) as raw, \
                    ssl.create_default_context().wrap_socket(raw, server_hostname=host):
                pass
    except ssl.SSLCertVerificationError as exc:
        return Check("tls", "fail", f"the hub's certificate is not trusted by this system "
                     f"({exc.verify_message})", f"compare its SHA-256 fingerprint "
                     f"{config.format_sha256(seen)} with the one 'kiosk hub make-cert' (or "
                     "'renew-cert') printed on the hub, then set hub_cert_sha256"), None
    except OSError as exc:
        return Check("hub", "fail", f"{url} unreachable ({exc})", UNREACHABLE), None
    if not pin:
        return Check("tls", "ok", "certificate trusted by this system (not pinned: "
                     "hub_cert_sha256 is empty)"), urllib.request.build_opener()
    try:
        want = config.parse_sha256(pin)
    except ValueError as exc:
        return Check("tls", "fail", f"setting hub_cert_sha256: {exc}", "fix the setting"), None
    if seen != want:
        return Check("tls", "fail", f"the hub's certificate has the SHA-256 fingerprint "
                     f"{config.format_sha256(seen)}, not the pinned {config.format_sha256(want)}",
                     "if the hub's certificate was renewed, set hub_cert_sha256 to what 'kiosk "
                     f"hub renew-cert' (or make-cert) printed ({CERT_DOC}); else something "
                     "stands between this machine and the hub"), None
    return (Check("tls", "ok", f"certificate SHA-256 {config.format_sha256(seen)}, as pinned"),
            tls.pinned_opener(want))


def reach(url: str, opener: Any) -> list[Check]:
    """``GET /api/v1/health`` through ``opener``: the hub answers, and the clocks agree."""
    import urllib.error
    from email.utils import parsedate_to_datetime

    try:
        with opener.open(url.rstrip("/") + "/api/v1/health", timeout=5) as reply:
            skew = abs(parsedate_to_datetime(reply.headers["date"]).timestamp() - time.time())
    except urllib.error.HTTPError as exc:
        return [Check("hub", "fail", f"{url} answers {exc.code} ({exc.reason})",
                      "on the hub machine: kiosk doctor --role hub")]
    except (OSError, urllib.error.URLError, TypeError, ValueError) as exc:
        return [Check("hub", "fail", f"{url} unreachable ({exc})", UNREACHABLE)]
    return [Check("hub", "ok", url),
            Check("clock", "fail" if skew > 60 else "ok", f"{skew:.0f} s apart from the hub",
                  "turn on time sync (systemd-timesyncd) here and on the hub" if skew > 60 else "")]


def hub_checks(settings: Settings) -> list[Check]:
    """A kiosk's view of the hub: address, certificate, answer, clock, device token. No
    hub configured only warns (help calls then send people to the counter)."""
    import urllib.error
    import urllib.request

    url, token = str(settings["hub_url"]), str(settings["hub_token"])
    if not url:
        return [Check("hub", "warn", "none configured: help calls send people to the counter",
                      "set hub_url and hub_token (kiosk hub add-kiosk NAME)")]
    secure, opener = tls_check(url, str(settings.get("hub_cert_sha256") or ""))
    if opener is None:
        return [secure]
    answered = reach(url, opener)
    out = [secure, *answered]
    if answered[0].status != "ok":
        return out
    request = urllib.request.Request(
        f"{url.rstrip('/')}/api/v1/kiosks/{settings['kiosk_id']}/heartbeat",
        data=json.dumps({"outbox": 0}).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with opener.open(request, timeout=5):
            out.append(Check("token", "ok", f"kiosk '{settings['kiosk_id']}' accepted"))
    except urllib.error.HTTPError as exc:
        out.append(Check("token", "fail", f"refused ({exc.code})",
                         "make a new token with 'kiosk hub add-kiosk NAME' and set hub_token"))
    except OSError as exc:
        out.append(Check("token", "fail", str(exc), "check the network"))
    return out


def staff_hub_checks(settings: Settings) -> list[Check]:
    """A mediator's or the manager's PC: address, certificate, answer and clock (people
    log in with their password: no token here). The apps need a hub: none is a failure."""
    url = str(settings["hub_url"])
    if not url:
        return [Check("hub", "fail", "none configured: the console and the manager app need "
                      "the hub", "set hub_url and hub_cert_sha256 in "
                      "/etc/guichet-kiosk/settings.toml")]
    secure, opener = tls_check(url, str(settings.get("hub_cert_sha256") or ""))
    if opener is None:
        return [secure]
    return [secure, *reach(url, opener)]
