"""The dashboard's office day, comparisons, printout and PDF report, against a real hub.

The default period ends on the office's today as ``GET /me`` tells it (a hub far from
this machine's time zone shows it); comparing two periods or two kiosks shows both
figures and the difference in words; printing writes a PDF through QPrinter; the period
report is an A4 PDF with the office's name, the period in words and the key figures of
both periods side by side (its text read back with QtPdf).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from kiosk.client.staff import StaffClient
from kiosk.demo_data import Visit
from kiosk.i18n import catalog
from kiosk.manager.dashboard import DashboardPage
from kiosk.manager.dashboard_data import Metric, change, previous_period
from tests.hub.conftest import Hub, make_hub
from tests.manager.test_dashboard import (
    PARIS,
    SEND,
    _flows,
    _post,
    known_walks,
    open_page,
    reload,
)

OFFICE = "Bureau de poste de Tours-Grammont"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    """A hub in Paris time whose office has a name (setting ``hub_office_name``)."""
    monkeypatch.setenv("KIOSK_HUB_OFFICE_NAME", OFFICE)
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


@pytest.fixture
def known(hub: Hub) -> Hub:
    return known_walks(hub)


@pytest.fixture
def page(qtbot: Any, hub: Hub) -> Iterator[DashboardPage]:
    yield from open_page(qtbot, hub)


def office_today() -> date:
    return datetime.now(PARIS).date()


def in_words(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def plain(text: str) -> str:
    """Spaces of any kind (no-break ones too) and line breaks as single spaces."""
    return " ".join(text.split())


def pdf_text(path: Path) -> tuple[int, str]:
    doc = QPdfDocument()
    assert doc.load(str(path)) == QPdfDocument.Error.None_
    text = plain(" ".join(doc.getAllText(n).text() for n in range(doc.pageCount())))
    return doc.pageCount(), text


@pytest.fixture
def earlier(known: Hub) -> Hub:
    """``known``'s five walks, plus two a week before the week that has them: one on each
    kiosk, nine days before the office's today, both starting send-parcel and leaving."""
    flows = _flows()
    at = datetime.combine(office_today() - timedelta(days=9), time(11), tzinfo=PARIS)
    visits = [Visit(kiosk, at + timedelta(minutes=m)) for kiosk, m in (("k1", 0), ("k2", 5))]
    for v in visits:
        v.start_flow(flows[SEND])
        v.advance(after=10)
        v.reset(after=80)
    _post(known, visits)
    return known


def this_week(page: DashboardPage) -> tuple[date, date]:
    """The last seven office days (the walks two days ago, the help calls today)."""
    today = page.office_today()
    return today - timedelta(days=6), today


def test_the_default_period_ends_on_the_offices_today(qtbot: Any, tmp_path: Path) -> None:
    # a time zone whose date is not this machine's right now (one of the two always is)
    zone = next(z for z in ("Pacific/Kiritimati", "Pacific/Pago_Pago")
                if datetime.now(UTC).astimezone(ZoneInfo(z)).date() != date.today())
    far = make_hub(tmp_path / "far.sqlite3", timezone=zone)
    client = StaffClient(far.url, follow=False)
    client.token = far.tokens["manon"]
    board = DashboardPage(client, "fr")
    qtbot.addWidget(board)
    try:
        with qtbot.waitSignal(board.loaded, timeout=10_000):
            board.refresh()
        with far.client("manon") as staff:
            office = staff.get("/me").json()["office"]
        assert office["timezone"] == zone
        today = date.fromisoformat(office["today"])
        assert today != date.today()
        assert board.period() == (today - timedelta(days=29), today)
        assert board.office_today() == today
        assert board.office_now().utcoffset() == datetime.now(ZoneInfo(zone)).utcoffset()
        # a period chosen by hand stays as it is when the page reads the hub again
        chosen = (today - timedelta(days=3), today - timedelta(days=1))
        reload(qtbot, board, lambda: board.set_period(*chosen))
        reload(qtbot, board, board.refresh)
        assert board.period() == chosen
    finally:
        board.shutdown()
        client.close()
        far.server.stop()


def test_compare_two_periods(qtbot: Any, earlier: Hub, page: DashboardPage) -> None:
    start, end = this_week(page)
    reload(qtbot, page, lambda: page.set_period(start, end))
    bar = page.compare
    assert not page.legend.isVisible()
    # the check box is reached with Tab and ticked with Space, like any other
    assert bar.toggle.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert all(w.accessibleName() for w in (bar.toggle, bar.with_, bar.start, bar.end,
                                            bar.other_kiosk))
    bar.toggle.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.keyClick(bar.toggle, Qt.Key.Key_Space)
    assert bar.mode() == "period"
    before = previous_period(start, end)
    assert bar.period() == before  # by default, the period just before
    assert page.legend.isVisible()
    day = "%d/%m/%Y"
    assert page.legend.text() == (
        f"Comparaison : les grands chiffres sont du {start:{day}} au {end:{day}}, ceux en "
        f"dessous du {before[0]:{day}} au {before[1]:{day}}.")
    sessions = page.figures["sessions"]
    assert sessions.text() == "5"
    assert sessions.other.text() == "contre 2"
    assert sessions.change.text() == "↑ 3 (+150\u202f%)"
    label = f"{before[0]:%d/%m}–{before[1]:%d/%m}"
    assert sessions.accessibleName() == (f"Parcours commencés: 5; contre 2 ({label}); "
                                         "↑ 3 de plus (+150\u202f%)")
    completion = page.figures["completion"]
    assert (completion.text(), completion.other.text(), completion.change.text()) == (
        "40 %", "contre 0 %", "↑ 40 points")
    calls = page.figures["help_calls"]
    assert (calls.text(), calls.other.text(), calls.change.text()) == ("2", "contre 0", "↑ 2")

    # the charts show both periods, the other one named after its days
    mine, theirs = f"{start:%d/%m}–{end:%d/%m}", label
    per_day = page.traffic_view.per_day
    assert per_day.set_names() == [f"Commencés ({mine})", f"Commencés ({theirs})"]
    assert sum(per_day.values(f"Commencés ({mine})")) == 5
    assert sum(per_day.values(f"Commencés ({theirs})")) == 2
    page.set_flow(SEND)
    funnel = page.flow_view.chart
    assert funnel.value_of("1. start", f"Arrivés à l’étape ({mine})") == 4
    assert funnel.value_of("1. start", f"Arrivés à l’étape ({theirs})") == 2
    assert page.flow_view.figures["sessions"].other.text() == "contre 2"
    with earlier.client("manon") as staff:
        report = staff.get("/stats/report", params={"from": str(before[0]),
                                                    "to": str(before[1])}).json()
    assert page.report_view.figures["visits"].other.text() == f"contre {report['visits']}"

    # another period, chosen by hand: it stays when the main period moves
    chosen = (before[0] - timedelta(days=7), before[1] - timedelta(days=7))
    reload(qtbot, page, lambda: bar.set_period(*chosen))
    assert sessions.other.text() == "contre 0"
    assert sessions.change.text() == "↑ 5"
    reload(qtbot, page, lambda: page.set_period(start + timedelta(days=1), end))
    assert bar.period() == chosen

    # unticked: one side again, nothing left of the other
    reload(qtbot, page, lambda: bar.set_compare(None))
    assert not page.legend.isVisible()
    assert not sessions.other.isVisible()
    assert sessions.accessibleName() == "Parcours commencés: 5"
    assert per_day.set_names() == ["Commencés"]


def test_compare_two_kiosks(qtbot: Any, known: Hub, page: DashboardPage) -> None:
    reload(qtbot, page, lambda: page.set_period(*this_week(page)))
    reload(qtbot, page, lambda: page.compare.set_compare("kiosk"))
    # all kiosks against one says little: the first kiosk against the second
    assert (page.kiosk.currentData(), page.compare.kiosk()) == ("k1", "k2")
    assert page.compare.kiosk_box.isVisible()
    assert not page.compare.period_box.isVisible()
    assert page.legend.text() == ("Comparaison : les grands chiffres sont ceux de la borne "
                                  "k1, ceux en dessous ceux de la borne k2.")
    sessions = page.figures["sessions"]
    assert (sessions.text(), sessions.other.text(), sessions.change.text()) == (
        "3", "contre 2", "↑ 1 (+50\u202f%)")
    assert sessions.accessibleName().endswith("contre 2 (k2); ↑ 1 de plus (+50\u202f%)")
    assert page.figures["help_calls"].change.text() == "= pareil"
    assert page.figures["answered"].change.text() == "↑ 1"
    hours = page.traffic_view.per_hour
    assert hours.value_of("10 h", "Commencés (k1)") == 3
    assert hours.value_of("15 h", "Commencés (k2)") == 2
    assert hours.value_of("10 h", "Commencés (k2)") == 0
    # the report counts every kiosk: not compared, and said so
    assert not page.report_view.figures["visits"].other.isVisible()
    assert "ne se compare pas d’une borne à l’autre" in page.report_view.note.text()

    # the other way round, chosen in the list
    reload(qtbot, page, lambda: page.set_kiosk("k2"))
    reload(qtbot, page, lambda: page.compare.other_kiosk.setCurrentIndex(
        page.compare.other_kiosk.findData("k1")))
    assert (sessions.text(), sessions.other.text(), sessions.change.text()) == (
        "2", "contre 3", "↓ 1 (−33\u202f%)")


def test_print_writes_the_page_to_a_pdf(qtbot: Any, known: Hub, page: DashboardPage,
                                        tmp_path: Path) -> None:
    start, end = this_week(page)
    reload(qtbot, page, lambda: page.set_period(start, end))
    reload(qtbot, page, lambda: page.compare.set_compare("period"))
    target = tmp_path / "page.pdf"
    printer = page.new_printer()  # what the print dialog starts from
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    assert page.print_to(printer)
    assert page.status.text() == "Page envoyée à l’impression."
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert 20_000 < len(data) < 8_000_000  # the page as a picture, not tens of megabytes
    pages, text = pdf_text(target)
    assert pages == 1
    assert text == f"{OFFICE} — tableau de bord du {start:%d/%m/%Y} au {end:%d/%m/%Y}, sur " \
                   "toutes les bornes"
    # under the heading, the page itself: figures and charts, not a blank sheet
    doc = QPdfDocument()
    doc.load(str(target))
    size = doc.pagePointSize(0)
    assert size.width() > size.height()  # landscape: the page is wide
    image = doc.render(0, QSize(600, 424))
    inked = sum(1 for x in range(0, 600, 6) for y in range(60, 424, 6)
                if image.pixelColor(x, y).lightness() < 200)
    assert inked > 200


def test_the_period_report_is_a_pdf_with_both_periods(qtbot: Any, earlier: Hub,
                                                       page: DashboardPage,
                                                       tmp_path: Path) -> None:
    start, end = this_week(page)
    reload(qtbot, page, lambda: page.set_period(start, end))
    page.set_flow(SEND)
    target = tmp_path / "rapport.pdf"
    with qtbot.waitSignal(page.reportSaved, timeout=15_000) as saved:
        page.save_report(target)
        assert not page.pdf.isEnabled()  # asked in the background: the app is free
        assert not target.exists()
    assert saved.args == [str(target)]
    assert page.pdf.isEnabled()
    assert page.status.text() == f"Rapport enregistré : {target}"
    assert target.read_bytes().startswith(b"%PDF")
    pages, text = pdf_text(target)
    assert pages >= 1
    before = previous_period(start, end)
    assert text.startswith(f"Rapport d’activité des bornes {OFFICE} ")
    assert f"Période : du {in_words(start)} au {in_words(end)}" in text
    assert f"Comparée à la période du {in_words(before[0])} au {in_words(before[1])}" in text
    assert "Toutes les bornes de l’agence" in text
    assert "Parcours commencés 5 2 ↑ 3 de plus (+150 %)" in text
    assert "Parcours menés au bout 40 % 0 % ↑ 40 points de plus" in text
    assert "Parcours « Envoyer un colis » : combien arrivent à chaque étape" in text
    assert "Parcours commencés par jour" in text
    assert f"Page 1 sur {pages}" in text
    doc = QPdfDocument()
    doc.load(str(target))
    size = doc.pagePointSize(0)  # A4: 595 x 842 points
    assert (round(size.width()), round(size.height())) == (595, 842)

    english = DashboardPage(page.client, "en")
    qtbot.addWidget(english)
    reload(qtbot, english, lambda: english.set_period(start, end))
    target = tmp_path / "report.pdf"
    with qtbot.waitSignal(english.reportSaved, timeout=15_000):
        english.save_report(target)
    _, text = pdf_text(target)
    assert text.startswith(f"Kiosk activity report {OFFICE} ")
    assert f"Period: {start.day} {start:%B %Y} to {end.day} {end:%B %Y}" in text
    assert "Flows started 5 2 ↑ 3 more (+150%)" in text
    english.shutdown()

    with qtbot.waitSignal(page.reportFailed, timeout=15_000) as failed:
        page.save_report(tmp_path / "rapport.pdf" / "dans-un-fichier.pdf")
    assert failed.args[0].startswith("Rapport impossible")
    assert page.pdf.isEnabled()


def test_differences_in_words() -> None:
    fr, en = catalog("fr", "manager/dashboard"), catalog("en", "manager/dashboard")
    assert change(Metric(5), Metric(4), fr) == "↑ 1 de plus (+25\u202f%)"
    assert change(Metric(3), Metric(4), fr, short=True) == "↓ 1 (−25\u202f%)"
    assert change(Metric(3), Metric(0), en) == "↑ 3 more"
    assert change(Metric(1200), Metric(1200), en) == "= same"
    assert change(Metric(None), Metric(3), fr) == "—"
    assert change(Metric(0.5, "rate"), Metric(0.49, "rate"), fr) == "↑ 1 point de plus"
    assert change(Metric(0.2, "rate"), Metric(0.5, "rate"), en) == "↓ 30 points lower"
    assert change(Metric(75, "duration"), Metric(60, "duration"), fr) == (
        "↑ 15 s de plus (+25\u202f%)")
    assert change(Metric(3000, "count"), Metric(1000), fr) == "↑ 2\u202f000 de plus (+200\u202f%)"
    assert previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 1, 29),
                                                                    date(2026, 2, 28))
