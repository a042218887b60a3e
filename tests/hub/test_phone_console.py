"""The phone console in a real headless Chromium (Debian's ``chromium`` driven by
Playwright, no browser download), against a real hub: log in, a kiosk's call arrives,
claim it, hand it over to a colleague in a second browser context who accepts and
resolves it; the page finds the hub again after a restart; no token in any URL."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.hub.server import HubServer
from tests.hub.conftest import PASSWORD, Hub, make_hub
from tests.hub.test_help_requests import call
from tests.hub.test_staff import TEXTS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 360, "height": 640}
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is installed by make test")
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def browser() -> Iterator[Any]:
    """Chromium for one test; Playwright's event loop and its executor's threads end with
    it (the loop closes its executor without waiting: they are waited for here)."""
    before = set(threading.enumerate())
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()
    for thread in set(threading.enumerate()) - before:
        if thread.name.startswith("asyncio_"):
            thread.join(timeout=10)


@pytest.fixture
def console_hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


class Phone:
    """One mediator's phone: a browser context of its own (its own session storage)."""

    def __init__(self, browser: Any, hub: Hub) -> None:
        self.context = browser.new_context(viewport=PHONE, device_scale_factor=2,
                                           is_mobile=True, has_touch=True, locale="fr-FR")
        self.page = self.context.new_page()
        self.urls: list[str] = []
        self.page.on("request", lambda r: self.urls.append(r.url))
        self.page.on("websocket", lambda ws: self.urls.append(ws.url))
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.hub = hub

    def log_in(self, name: str) -> None:
        page = self.page
        page.goto(f"{self.hub.url}/console/")
        page.get_by_label("Identifiant").fill(name)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.locator("#me-name").filter(has_text=name).wait_for()
        page.locator("#connection[data-state='online']").wait_for()

    def card(self, request_id: str) -> Any:
        return self.page.locator(f"[data-request-id='{request_id}']")

    def close(self) -> None:
        self.context.close()


def post_call(hub: Hub, **extra: Any) -> str:
    body = call(language="en", **TEXTS, **extra)
    with hub.client("k1") as k:
        assert k.post("/help-requests", json=body).status_code == 201
    return str(body["id"])


def test_claim_hand_over_accept_resolve(browser: Any, console_hub: Hub,
                                        tmp_path: Path) -> None:
    hub = console_hub
    aicha, bruno = Phone(browser, hub), Phone(browser, hub)
    try:
        aicha.log_in("aicha")
        bruno.log_in("bruno")
        rid = post_call(hub)
        card = aicha.card(rid)
        card.wait_for()
        # the call's own text, in French for a French-speaking mediator
        assert "Envoyer un colis" in card.inner_text()
        assert "Posez le colis sur la balance" in card.inner_text()
        aicha.page.screenshot(path=str(tmp_path / "queue.png"))
        card.locator("[data-action='claim']").click()
        card.locator("[data-action='handover']").wait_for()
        card.locator("[data-action='handover']").click()
        aicha.page.locator("#handover-sheet [data-colleague='bruno']").click()
        offer = bruno.card(rid)
        offer.locator("[data-action='accept']").wait_for()
        offer.locator("[data-action='accept']").click()
        offer.locator("[data-action='resolve']").wait_for()
        offer.locator("[data-action='resolve']").click()
        bruno.page.locator("#resolve-sheet [data-outcome='helped']").click()
        bruno.page.locator("#resolve-confirm").click()
        bruno.card(rid).wait_for(state="detached")
        aicha.card(rid).wait_for(state="detached")
        with hub.client("manon") as m:
            done = m.get(f"/help-requests/{rid}").json()
        assert (done["status"], done["claimed_by"], done["outcome"]) == \
            ("resolved", "bruno", "helped")
        for phone in (aicha, bruno):
            token = phone.page.evaluate("() => JSON.stringify(sessionStorage)")
            assert hub.tokens["aicha"] not in token  # the page's own login, not the test's
            assert not [u for u in phone.urls if "token" in u.lower()], phone.urls
            assert phone.page.evaluate("() => localStorage.length === 0 || "
                                       "!JSON.stringify(localStorage).includes('token')")
            assert not phone.errors, phone.errors
    finally:
        aicha.close()
        bruno.close()


def spki_pin(cert: Path) -> str:
    """Chromium's pin of a certificate: base64 of the SHA-256 of its public key."""
    import base64
    import hashlib
    import ssl
    import subprocess

    der = ssl.PEM_cert_to_DER_cert(cert.read_text())
    key = subprocess.run(["openssl", "x509", "-inform", "der", "-pubkey", "-noout"],
                         input=der, capture_output=True, check=True).stdout
    spki = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=key,
                          capture_output=True, check=True).stdout
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def test_over_the_office_https_with_the_certificate_pinned(tmp_path: Path) -> None:
    """The office's set-up: HTTPS with the hub's own certificate, pinned by the browser
    (no "ignore every certificate error"); a secure context, so notifications and the
    service worker are there; a claim after the hub has cut the idle TLS connection."""
    from kiosk.hub import tls

    certs = tls.make_cert(tmp_path / "tls", ["localhost", "127.0.0.1"])
    hub = make_hub(tmp_path / "hub.sqlite3", cert_file=certs.cert, key_file=certs.key)
    before = set(threading.enumerate())
    try:
        with playwright_api.sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", f"--ignore-certificate-errors-spki-list={spki_pin(certs.cert)}"])
            phone = Phone(b, hub)
            phone.log_in("aicha")
            assert phone.page.evaluate("() => window.isSecureContext")
            assert phone.page.evaluate("() => navigator.serviceWorker.ready.then(r => !!r.active)")
            rid = post_call(hub)
            phone.card(rid).wait_for()
            phone.page.wait_for_timeout(11_000)  # idle: the hub cuts the keep-alive TLS connection
            phone.card(rid).locator("[data-action='claim']").click()
            phone.card(rid).locator("[data-action='resolve']").wait_for()
            with hub.client("manon") as m:
                assert m.get(f"/help-requests/{rid}").json()["claimed_by"] == "aicha"
            assert not phone.errors, phone.errors
            phone.close()
            b.close()
    finally:
        hub.server.stop()
        for thread in set(threading.enumerate()) - before:
            if thread.name.startswith("asyncio_"):
                thread.join(timeout=10)


def test_reconnects_after_the_hub_restarts(browser: Any, console_hub: Hub) -> None:
    hub = console_hub
    phone = Phone(browser, hub)
    try:
        phone.log_in("aicha")
        port = hub.server.port
        hub.server.stop()
        phone.page.locator("#connection[data-state='offline']").wait_for(timeout=15_000)
        hub.server = HubServer(hub.db, port=port, timezone="Europe/Paris",
                               retention_days=90).start()
        phone.page.locator("#connection[data-state='online']").wait_for(timeout=20_000)
        rid = post_call(hub)
        phone.card(rid).wait_for(timeout=10_000)
        assert not phone.errors, phone.errors
    finally:
        phone.close()


def test_wrong_password_and_log_out(browser: Any, console_hub: Hub) -> None:
    phone = Phone(browser, console_hub)
    try:
        page = phone.page
        page.goto(f"{console_hub.url}/console/")
        page.get_by_label("Identifiant").fill("aicha")
        page.get_by_label("Mot de passe").fill("wrong-" + uuid.uuid4().hex)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_text("Identifiant ou mot de passe incorrect", exact=False).wait_for()
        phone.log_in("aicha")
        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_label("Identifiant").wait_for()
        assert page.evaluate("() => sessionStorage.length") == 0
    finally:
        phone.close()


def test_sign_up_for_a_workshop_then_finish(browser: Any, console_hub: Hub) -> None:
    """From a workshop call: the sheet offers the level's sessions with their seats, the
    person is signed up (consent ticked), and the call ends as "workshop"."""
    from datetime import datetime, timedelta

    hub = console_hub
    start = (datetime.now().astimezone() + timedelta(days=2)).replace(
        hour=14, minute=0, second=0, microsecond=0)
    with hub.client("manon") as m:
        workshop = m.post("/workshops", json={"title": "Premiers pas", "level": "initiation",
                                              "start": start.isoformat(), "place": "Salle 2"})
        assert workshop.status_code == 201, workshop.text
    phone = Phone(browser, hub)
    try:
        phone.log_in("aicha")
        rid = post_call(hub, kind="workshop", level="initiation")
        card = phone.card(rid)
        card.locator("[data-action='claim']").click()
        card.locator("[data-action='register']").click()
        page = phone.page
        page.locator(f"#ws-session-{workshop.json()['id']}:checked").wait_for(state="attached")
        page.fill("#ws-first-name", "Mireille")
        page.check("#ws-consent")
        page.click("#ws-submit")
        page.locator("#ws-finish:visible").click()
        card.wait_for(state="detached")
        with hub.client("manon") as m:
            (registration,) = m.get(f"/workshops/{workshop.json()['id']}/registrations"
                                    ).json()["items"]
            done = m.get(f"/help-requests/{rid}").json()
        assert (registration["first_name"], registration["help_request_id"]) == ("Mireille", rid)
        assert (done["status"], done["outcome"]) == ("resolved", "workshop")
        assert not phone.errors, phone.errors
    finally:
        phone.close()
