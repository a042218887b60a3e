"""Screenshots of the office pages of the manager app (kiosks, accounts, the week's
workshops, the period report and the first page of its PDF) and of the mediator's workshop
sign-up dialog, taken from an embedded hub filled with demo data through its HTTP API.

    python tools/shots_office.py [FOLDER]      (docs/screens by default)
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx

from kiosk import __version__
from kiosk.demo import (
    DEMO_KIOSK,
    DEMO_MANAGER,
    DEMO_MANAGER_PASSWORD,
    DEMO_PASSWORD,
    DEMO_USER,
    start_hub,
)

OUT = Path(__file__).resolve().parents[1] / "docs" / "screens"
OTHER_KIOSKS = ("borne-entree", "borne-casiers")
NAMES = ("Monique", "Jean-Pierre", "Fatou", "Gérard", "Yasmine", "Paulette", "Henri", "Nadia",
         "Lucien", "Odette", "Karim", "Simone")


def at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute)).astimezone().isoformat(timespec="seconds")


class Demo:
    """The embedded hub and its API, as the manager, the mediator and the kiosks."""

    def __init__(self, folder: Path) -> None:
        from kiosk.hub import auth
        from kiosk.hub.db import connect, migrate

        db = connect(folder / "hub.sqlite3")  # two more kiosks than the demo's own
        migrate(db)
        with db.atomic():
            self.tokens = {name: auth.add_kiosk(db, name) for name in OTHER_KIOSKS}
        db.close()
        self.hub = start_hub(folder)
        self.tokens[DEMO_KIOSK] = self.hub.kiosk_token
        self.url = self.hub.server.url
        self.http = httpx.Client(base_url=f"{self.url}/api/v1", timeout=30)
        self.manager = self._login(DEMO_MANAGER, DEMO_MANAGER_PASSWORD)
        self.mediator = self._login(DEMO_USER, DEMO_PASSWORD)

    def _login(self, user: str, password: str) -> dict[str, str]:
        r = self.http.post("/auth/login", json={"username": user, "password": password})
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def kiosk(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def send(self, method: str, path: str, who: dict[str, str], **kw: Any) -> Any:
        headers = {**who, **kw.pop("headers", {})}
        r = self.http.request(method, path, headers=headers, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    # -- demo data -------------------------------------------------------------------
    def fill(self) -> None:
        self._fleet()
        self._accounts()
        self._workshops()
        self._calls()

    def _fleet(self) -> None:
        m = self.manager
        source = self.send("GET", "/flows/send-parcel", m)["source"]
        self.send("PUT", "/flows/send-parcel", m, content=source.encode(),
                  headers={"Content-Type": "application/yaml"})
        self.send("POST", "/flows/send-parcel/publish", m, json={"note": "Nouvelle photo"})
        current = {f["id"]: f["version"] for f in self.send("GET", "/flows", m)["items"]
                   if f["version"]}
        beats = {DEMO_KIOSK: {"flows": current, "voice": "ok", "outbox": 0, "version": __version__},
                 "borne-entree": {"flows": {**current, "send-parcel": 1},
                                  "voice": "unavailable: pas de voix pour l’arabe", "outbox": 4,
                                  "version": __version__},
                 "borne-casiers": {"flows": current, "voice": "off", "outbox": 0,
                                   "version": "0.9.0"}}
        for name, info in beats.items():
            self.send("POST", f"/kiosks/{name}/heartbeat", self.kiosk(name), json=info)
        import sqlite3

        quiet = (datetime.now().astimezone() - timedelta(hours=2)).isoformat()
        with sqlite3.connect(self.hub.server.db) as db:  # this one went quiet a while ago
            db.execute("UPDATE kiosks SET last_heartbeat = ? WHERE name = 'borne-casiers'", [quiet])

    def _accounts(self) -> None:
        for name, role in (("bruno", "mediator"), ("chloe", "mediator"), ("david", "manager"),
                           ("emma", "mediator")):
            self.send("POST", "/users", self.manager,
                      json={"name": name, "role": role, "password": "demo-secret-1"})
        self.send("POST", "/users/emma/disable", self.manager)

    def _workshops(self) -> None:
        monday = date.today() - timedelta(days=date.today().weekday())
        plan = [(-7, 14, "initiation", "Découvrir la tablette", 8, 7),
                (-4, 10, "outils-budgetaires", "Suivre son budget", 6, 5),
                (0, 14, "initiation", "Découvrir la tablette", 8, 6),
                (1, 10, "perfectionnement", "Mails et pièces jointes", 8, 5),
                (2, 14, "perfectionnement", "Démarches en ligne", 8, 3),
                (3, 10, "initiation", "Smartphone : les bases", 8, 2),
                (3, 14, "outils-budgetaires", "Faire ses comptes en ligne", 6, 4),
                (4, 10, "initiation", "Premiers pas sur internet", 8, 8),
                (7, 14, "initiation", "Découvrir la tablette", 8, 1)]
        now = datetime.now().astimezone()
        for offset, hour, level, title, capacity, people in plan:
            w = self.send("POST", "/workshops", self.manager, json={
                "title": title, "level": level, "start": at(monday + timedelta(days=offset), hour),
                "capacity": capacity, "place": "Salle 2" if level != "outils-budgetaires"
                else "Bureau du fond"})
            for i in range(people):
                name = NAMES[(offset + i) % len(NAMES)]
                reg = self.send("POST", f"/workshops/{w['id']}/registrations", self.mediator, json={
                    "first_name": name, "phone": f"06 {12 + i:02d} 34 56 {70 + offset % 9:02d}",
                    "consent": True})
                if datetime.fromisoformat(w["start"]) < now:
                    self.send("POST", f"/workshops/{w['id']}/attendance", self.manager,
                              json={"registration_id": reg["id"], "attended": i % 4 != 3})

    def _calls(self) -> None:
        k, a = self.kiosk(DEMO_KIOSK), self.mediator
        outcomes = ("helped", "helped", "sent-to-counter", "workshop", "helped")
        for i, outcome in enumerate(outcomes):
            rid = str(uuid.uuid4())
            self.send("POST", "/help-requests", k, json={
                "id": rid, "kiosk_id": DEMO_KIOSK, "flow_id": "send-parcel", "step_id": "weigh",
                "language": "fr", "kind": "workshop" if i == 3 else "help",
                "level": "initiation" if i == 3 else None})
            self.send("POST", f"/help-requests/{rid}/claim", a)
            self.send("POST", f"/help-requests/{rid}/resolve", a, json={"outcome": outcome})
        self.workshop_call = str(uuid.uuid4())
        self.send("POST", "/help-requests", k, json={
            "id": self.workshop_call, "kiosk_id": DEMO_KIOSK, "flow_id": "digital-skills",
            "step_id": None, "language": "fr", "kind": "workshop", "level": "initiation"})
        stamp = datetime.now().astimezone().isoformat()
        self.send("POST", "/events", k, json=[
            {"id": str(uuid.uuid4()), "kiosk_id": DEMO_KIOSK, "session_id": f"s{i}",
             "type": "feedback", "at": stamp, "data": {"value": value}}
            for i, value in enumerate(("good", "good", "good", "neutral", "good", "bad"))])

    def close(self) -> None:
        self.http.close()
        self.hub.server.stop()


def _save(widget: Any, path: Path) -> Path:
    from kiosk.ui.qt import settle

    settle()
    if not widget.grab().save(str(path)):
        raise RuntimeError(f"could not save {path}")
    return path


def manager_shots(demo: Demo, folder: Path) -> list[Path]:
    from kiosk.demo import demo_manager_window
    from kiosk.demo_robot import wait_until

    window = demo_manager_window(demo.url, "fr")
    out = []
    try:
        if not wait_until(lambda: window.stack.currentWidget() is window.tabs):
            raise RuntimeError("the manager app did not log in")
        window.show_page("fleet")
        fleet = window.page("fleet")
        wait_until(lambda: fleet.table.rowCount() == 3)
        out.append(_save(window, folder / "fleet-fr.png"))
        window.show_page("accounts")
        accounts = window.page("accounts")
        wait_until(lambda: accounts.table.rowCount() >= 6)
        accounts.choose("bruno")
        out.append(_save(window, folder / "accounts-fr.png"))
        window.show_page("workshops")
        page = window.page("workshops")
        wait_until(lambda: len(page.calendar.slots) >= 6)
        shown = sorted(page.workshops, key=lambda w: w["start"])
        past = [w for w in shown if datetime.fromisoformat(w["start"]) < datetime.now().astimezone()]
        page.open_workshop(past[-1] if past else shown[0])
        wait_until(lambda: page.detail.table.rowCount() > 0)
        out.append(_save(window, folder / "workshops-fr.png"))
        page.tabs.setCurrentWidget(page.report)
        today = date.today()
        page.report.set_period(min(today.replace(day=1), today - timedelta(days=today.weekday() + 7)),
                               today)
        wait_until(lambda: page.report.table.rowCount() == 8 and page.report.report is not None
                   and page.report.report.get("registered", 0) > 0)
        out.append(_save(window, folder / "workshop-report-fr.png"))
        out += _pdf_shot(page.report, folder)
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
    return out


def _pdf_shot(report: Any, folder: Path) -> list[Path]:
    """The report's PDF, made as the page makes it, its first page rendered to a PNG."""
    from PySide6.QtCore import QSize

    from kiosk.demo_robot import wait_until

    try:
        from PySide6.QtPdf import QPdfDocument
    except ImportError:  # Qt without its PDF module: no picture of the PDF
        return []
    pdf = Path(tempfile.mkdtemp(prefix="kiosk-pdf-")) / "bilan.pdf"
    written: list[str] = []
    report.exported.connect(written.append)
    report.export_pdf(pdf)
    if not wait_until(lambda: bool(written)):
        raise RuntimeError("the report's PDF was not written")
    doc = QPdfDocument()
    doc.load(str(pdf))
    page = doc.pagePointSize(0)
    scale = 1100 / page.height()
    image = doc.render(0, QSize(round(page.width() * scale), round(page.height() * scale)))
    doc.close()
    path = folder / "workshop-report-pdf-fr.png"
    if not image.save(str(path)):
        raise RuntimeError(f"could not save {path}")
    return [path]


def dialog_shot(demo: Demo, folder: Path) -> list[Path]:
    from kiosk.demo_robot import wait_until
    from kiosk.mediator.console import ConsoleWindow

    console = ConsoleWindow(demo.url, "fr")
    console.resize(1280, 900)
    console.show()
    console.user.setText(DEMO_USER)
    console.password.setText(DEMO_PASSWORD)
    console.log_in()
    try:
        if not wait_until(lambda: demo.workshop_call in console.cards):
            raise RuntimeError("the workshop call did not reach the console")
        card = console.cards[demo.workshop_call]
        card.claim.click()
        wait_until(lambda: card.register.isVisible())
        card.register.click()
        dialog = console.workshop_dialog
        assert dialog is not None
        wait_until(lambda: dialog.sessions.count() > 0)
        dialog.first_name.setText("Monique")
        dialog.phone.setText("06 12 34 56 78")
        dialog.consent.setChecked(True)
        dialog.resize(1000, 860)
        path = _save(dialog, folder / "mediator-workshop-dialog-fr.png")
        dialog.close()
        return [path]
    finally:
        console.shutdown()
        console.close()
        console.deleteLater()


def shots(folder: Path) -> list[Path]:
    """Every picture of the office pages and the sign-up dialog, saved in ``folder``."""
    from kiosk.ui.qt import application

    application(offscreen=True)
    folder.mkdir(parents=True, exist_ok=True)
    demo = Demo(Path(tempfile.mkdtemp(prefix="kiosk-office-shots-")))
    try:
        demo.fill()
        return manager_shots(demo, folder) + dialog_shot(demo, folder)
    finally:
        demo.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    made = shots(target)
    print("\n".join(str(p) for p in made))
