"""The workshops page against a real hub: the week's calendar with seats, previous / next
week, planning a workshop from the form, attendance marked after the session reaching
the hub, and the period report with its CSV and PDF exports."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtPdf import QPdfDocument

from kiosk.manager.workshops import WorkshopsPage, monday_of
from tests.hub.conftest import Hub
from tests.hub.test_help_requests import call
from tests.manager.test_fleet import close_page, open_page


@pytest.fixture
def page(qtbot: Any, hub: Hub) -> Iterator[WorkshopsPage]:
    p = open_page(qtbot, hub, WorkshopsPage)
    yield p
    close_page(p)


PARIS = ZoneInfo("Europe/Paris")


def at(day: date, hour: int, minute: int = 0) -> str:
    """An ISO start with this computer's UTC offset (what the page itself sends)."""
    return datetime.combine(day, time(hour, minute)).astimezone().isoformat(timespec="seconds")


def plan(m: httpx.Client, start: str, level: str = "initiation", **extra: Any) -> dict[str, Any]:
    r = m.post("/workshops", json={"title": f"Atelier {level}", "level": level, "start": start,
                                   "place": "Salle 2", **extra})
    assert r.status_code == 201, r.text
    return dict(r.json())


def sign_up(m: httpx.Client, workshop: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    out = []
    for name in names:
        r = m.post(f"/workshops/{workshop['id']}/registrations",
                   json={"first_name": name, "phone": "06 12 34 56 78", "consent": True})
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


def load(qtbot: Any, page: WorkshopsPage, monday: date, count: int) -> None:
    page.go_to(monday)
    qtbot.waitUntil(lambda: page.monday == monday and len(page.calendar.slots) == count
                    and page.status.text() != "Lecture des ateliers…", timeout=10_000)


def test_the_week_with_its_seats(qtbot: Any, hub: Hub, page: WorkshopsPage) -> None:
    monday = monday_of(date.today()) + timedelta(days=7)  # next week: every day is ahead
    with hub.client("manon") as m:
        tuesday = plan(m, at(monday + timedelta(days=1), 14))
        friday = plan(m, at(monday + timedelta(days=4), 9, 30), "outils-budgetaires",
                      capacity=2, duration_minutes=90, place=None)
        later = plan(m, at(monday + timedelta(days=8), 14), "perfectionnement")
        sign_up(m, tuesday, "Aïcha", "Bernard", "Chantal")
        sign_up(m, friday, "Denise", "Emile")
    load(qtbot, page, monday, 2)
    assert page.calendar.slots[tuesday["id"]].label_text() == (
        "14:00–16:00\nInitiation\nAtelier initiation\nSalle 2\n3/8 places prises")
    assert page.calendar.slots[friday["id"]].label_text() == (
        "09:30–11:00\nOutils budgétaires\nAtelier outils-budgetaires\nComplet · 2/2 places prises")
    assert page.calendar.slots[friday["id"]].property("full") == "true"
    # the slot sits in its day's column
    tuesday_column = page.calendar.columns[1][0]
    assert page.calendar.slots[tuesday["id"]].parent() is tuesday_column
    assert page.calendar.columns[1][1].text().startswith("Mardi ")
    assert page.status.text() == "2 atelier(s) cette semaine, 5 place(s) prise(s) sur 10"
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: list(page.calendar.slots) == [later["id"]], timeout=10_000)
    assert page.week_label.text().startswith("Semaine du ")
    qtbot.mouseClick(page.previous_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.previous_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.monday == monday_of(date.today())
                    and page.status.text() == "Aucun atelier cette semaine.", timeout=10_000)
    assert page.calendar.slots == {}


def test_plan_a_workshop_from_the_form(qtbot: Any, hub: Hub, page: WorkshopsPage) -> None:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.form
    assert page.panel.currentWidget() is form
    assert (form.duration.value(), form.capacity.value()) == (120, 8)
    assert form.title.text() == "Atelier Initiation"
    form.level.setCurrentIndex(form.level.findData("perfectionnement"))
    assert form.title.text() == "Atelier Perfectionnement"  # follows the level until typed
    assert [form.level.itemText(i) for i in range(3)] == [
        "Initiation", "Perfectionnement", "Outils budgétaires"]
    day = monday_of(date.today()) + timedelta(days=16)  # a Wednesday, two weeks ahead
    form.start.setDateTime(QDateTime(QDate(day.year, day.month, day.day), QTime(9, 30)))
    form.capacity.setValue(6)
    form.place.setText("Salle du fond")
    form.title.clear()
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert form.status.text() == "Donnez un titre à l’atelier."
    form.title.setText("Mails et pièces jointes")
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.calendar.slots) == 1 and page.monday == monday_of(day),
                    timeout=10_000)
    with hub.client("manon") as m:
        [made] = m.get("/workshops", params={"from": day.isoformat(), "to": day.isoformat()}
                       ).json()["items"]
    assert (made["title"], made["level"], made["capacity"], made["duration_minutes"],
            made["place"]) == ("Mails et pièces jointes", "perfectionnement", 6, 120, "Salle du fond")
    # 9:30 on the office's clock (the hub's Europe/Paris), whatever this computer's zone
    assert datetime.fromisoformat(made["start"]) == datetime.combine(day, time(9, 30), PARIS)
    assert "0/6 places prises" in page.calendar.slots[made["id"]].label_text()
    assert page.panel.currentWidget() is page.detail  # the new workshop is opened
    assert page.detail.notice.text().startswith("Atelier « Mails et pièces jointes » créé : ")


def test_attendance_after_the_session_reaches_the_hub(qtbot: Any, hub: Hub,
                                                      page: WorkshopsPage) -> None:
    yesterday = date.today() - timedelta(days=1)
    with hub.client("manon") as m:
        past = plan(m, at(yesterday, 10))
        ahead = plan(m, at(yesterday + timedelta(days=14), 10))
        fanny, gael = sign_up(m, past, "Fanny", "Gaël")
        sign_up(m, ahead, "Hugo")
    load(qtbot, page, monday_of(yesterday), 1)
    qtbot.mouseClick(page.calendar.slots[past["id"]], Qt.MouseButton.LeftButton)
    detail = page.detail
    qtbot.waitUntil(lambda: detail.table.rowCount() == 2, timeout=10_000)
    assert detail.table.item(0, 0).text() == "Fanny"
    assert detail.table.item(0, 3).text() == "manon"
    assert detail.note.text() == "Notez qui est venu : les présences comptent dans le bilan."
    assert detail.attendance_text(fanny["id"]) == "À noter"
    qtbot.mouseClick(detail.marks[fanny["id"]][0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.status.text() == "Présence notée pour Fanny.", timeout=10_000)
    qtbot.mouseClick(detail.marks[gael["id"]][1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.status.text() == "Présence notée pour Gaël.", timeout=10_000)
    with hub.client("manon") as m:
        marks = {r["first_name"]: r["attended"]
                 for r in m.get(f"/workshops/{past['id']}/registrations").json()["items"]}
    assert marks == {"Fanny": True, "Gaël": False}
    assert detail.attendance_text(fanny["id"]) == "Présent"
    assert detail.marks[fanny["id"]][0].text() == "✔ Présent"
    assert detail.marks[gael["id"]][1].isChecked()
    # a session still ahead: nobody can be marked yet
    load(qtbot, page, monday_of(yesterday + timedelta(days=14)), 1)
    qtbot.mouseClick(page.calendar.slots[ahead["id"]], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.table.rowCount() == 1
                    and detail.table.item(0, 0).text() == "Hugo", timeout=10_000)
    assert detail.note.text() == "Les présences se notent une fois la séance commencée."
    assert not any(b.isEnabled() for b in next(iter(detail.marks.values())))


@pytest.fixture
def report_data(hub: Hub) -> tuple[date, date]:
    """A past workshop with two people signed up (one came), a call answered and one
    good rating; answers the period around them."""
    yesterday = date.today() - timedelta(days=1)
    with hub.client("manon") as m, hub.client("k1") as k, hub.client("aicha") as a:
        past = plan(m, at(yesterday, 10))
        came, _ = sign_up(m, past, "Fanny", "Gaël")
        assert m.post(f"/workshops/{past['id']}/attendance",
                      json={"registration_id": came["id"], "attended": True}).status_code == 200
        body = call(kind="workshop", level="initiation")
        k.post("/help-requests", json=body)
        a.post(f"/help-requests/{body['id']}/claim")
        a.post(f"/help-requests/{body['id']}/resolve", json={"outcome": "workshop"})
        assert k.post("/events", json=[{
            "id": str(uuid.uuid4()), "kiosk_id": "k1", "session_id": "s1", "type": "feedback",
            "at": datetime.now().astimezone().isoformat(), "data": {"value": "good"}}]
        ).status_code == 200
    return yesterday, date.today() + timedelta(days=1)


def test_the_report_and_its_csv(qtbot: Any, page: WorkshopsPage, report_data: tuple[date, date],
                                tmp_path: Path) -> None:
    page.tabs.setCurrentWidget(page.report)
    report = page.report
    report.set_period(*report_data)
    qtbot.waitUntil(lambda: report.table.rowCount() == 8 and report.report is not None
                    and report.report["from"] is not None
                    and report.report["registered"] == 2, timeout=10_000)
    shown = {report.table.item(r, 0).text(): report.table.item(r, 1).text() for r in range(8)}
    assert shown["Personnes accompagnées"] == "1"
    assert shown["Personnes orientées vers un atelier"] == "1"
    assert shown["Ateliers tenus"] == "1"
    assert shown["Inscriptions à ces ateliers"] == "2"
    assert shown["Présences à ces ateliers"] == "1"
    assert shown["Satisfaction (avis positifs)"] == "100 % (1 sur 1 avis)"
    target = tmp_path / "exports" / "bilan.csv"
    with qtbot.waitSignal(report.exported, timeout=10_000) as saved:
        report.export_csv(target)
        assert report.busy.isVisible()
        assert not report.csv_button.isEnabled()
    assert saved.args == [str(target)]
    assert not report.busy.isVisible()
    assert report.csv_button.isEnabled()
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with its mark: a spreadsheet reads the accents
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";")}
    assert rows["Code de l’indicateur"] == ["Indicateur", "Valeur"]  # French, ';' for French
    assert rows["registered"][1] == "2"
    assert rows["attended"][1] == "1"
    assert rows["satisfaction.good"][1] == "1"
    assert report.status.text() == f"Fichier enregistré : {target}"


def test_the_report_as_a_pdf(qtbot: Any, page: WorkshopsPage, report_data: tuple[date, date],
                             tmp_path: Path) -> None:
    page.tabs.setCurrentWidget(page.report)
    report = page.report
    report.start.setDate(QDate(report_data[0].year, report_data[0].month, report_data[0].day))
    report.end.setDate(QDate(report_data[1].year, report_data[1].month, report_data[1].day))
    target = tmp_path / "bilan.pdf"
    with qtbot.waitSignal(report.exported, timeout=10_000):
        report.export_pdf(target)
        assert report.busy.isVisible()
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 1000
    doc = QPdfDocument()
    doc.load(str(target))
    try:
        assert doc.pageCount() == 1
        size = doc.pagePointSize(0)
        assert (round(size.width()), round(size.height())) == (595, 842)  # A4
        text = doc.getAllText(0).text()
        assert "Bilan de l’accompagnement numérique" in text
        assert "Inscriptions à ces ateliers" in text
        assert "Document créé le" in text
    finally:
        doc.close()
    # a file that cannot be written is said, and the page is usable again
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with qtbot.waitSignal(report.exportFailed, timeout=10_000):
        report.export_pdf(blocker / "bilan.pdf")
    assert report.status.text().startswith("Le fichier n’a pas pu être enregistré")
    assert report.pdf_button.isEnabled()
    assert not report.busy.isVisible()
