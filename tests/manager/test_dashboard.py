"""The manager's dashboard against a real hub: a known set of visits and help calls goes
in through the API, and the page shows exactly those numbers (read from its figures,
table and chart series), changes them with the filters, exports the hub's CSV, says so
plainly when a period is empty, and never waits for the hub on the UI thread."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk import paths
from kiosk.client.staff import StaffClient
from kiosk.demo_data import Visit
from kiosk.flows.library import FlowLibrary
from kiosk.i18n import catalog
from kiosk.manager.app import ManagerWindow
from kiosk.manager.dashboard import DashboardPage
from kiosk.manager.dashboard_data import duration, per_period, percent, shown_hours
from tests.hub.conftest import Hub

PARIS = ZoneInfo("Europe/Paris")
DAY = date.today() - timedelta(days=2)
SEND = "send-parcel"
FRANK = "frank-letter"


def _flows() -> dict[str, Any]:
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    return library.flows


def _post(hub: Hub, visits: list[Visit]) -> None:
    for v in visits:
        with hub.client(v.kiosk_id) as kiosk:
            assert kiosk.post("/events", json=v.events).status_code == 200
            for call in v.calls:  # (keys starting with "_" are the demo's notes, not sent)
                body = {k: x for k, x in call.items() if not k.startswith("_")}
                assert kiosk.post("/help-requests", json=body).status_code == 201


@pytest.fixture
def known(hub: Hub) -> Hub:
    return known_walks(hub)


def known_walks(hub: Hub) -> Hub:
    """Five walks, two days ago (office time), 10 s on every step:

    k1 at 10 h: A completes send-parcel with a happy smiley; B asks for help at "weigh"
    (a mediator helps); C stops at "customs". k2 at 15 h: D finishes at "counter" (parcel
    too big); E calls for help on frank-letter's first step and is still waiting.
    """
    flows = _flows()
    at10 = datetime.combine(DAY, time(10), tzinfo=PARIS)
    at15 = datetime.combine(DAY, time(15), tzinfo=PARIS)
    a, b, c = (Visit("k1", at10 + timedelta(minutes=m)) for m in (0, 10, 20))
    d, e = (Visit("k2", at15 + timedelta(minutes=m)) for m in (0, 10))
    for v, flow in ((a, SEND), (b, SEND), (c, SEND), (d, SEND), (e, FRANK)):
        v.start_flow(flows[flow])
        if flow == SEND:
            v.advance(after=10)  # start -> weigh
    a.choose(0, after=10)  # weigh -> destination
    a.choose(0, after=10)  # in France -> delivery
    a.choose(0, after=10)  # -> pay
    for _ in range(4):  # pay, label (choice), stick, receipt
        if a.session is not None and a.session.current.kind == "choices":
            a.choose(0, after=10)
        else:
            a.advance(after=10)
    assert a.session is not None
    assert a.session.current_id == "drop"
    a.give_feedback("good", after=10)
    b.choose(2, after=10)  # "No" -> @help
    c.choose(0, after=10)
    c.choose(1, after=10)  # abroad -> customs
    c.go_home(after=10)
    d.choose(1, after=10)  # too big -> counter (an end)
    d.advance(after=10)
    e.call_help(after=10)
    for v in (a, b, c, d, e):
        v.reset(after=80)
    _post(hub, [a, b, c, d, e])
    call = b.calls[0]["id"]
    with hub.client("aicha") as mediator:
        assert mediator.post(f"/help-requests/{call}/claim").status_code == 200
        assert mediator.post(f"/help-requests/{call}/resolve",
                             json={"outcome": "helped"}).status_code == 200
    return hub


@pytest.fixture
def page(qtbot: Any, hub: Hub) -> Iterator[DashboardPage]:
    yield from open_page(qtbot, hub)


def open_page(qtbot: Any, hub: Hub) -> Iterator[DashboardPage]:
    """The dashboard on its own, with the manager's session (the app's other tabs are
    tested elsewhere), loaded once."""
    client = StaffClient(hub.url, follow=False)
    client.token = hub.tokens["manon"]
    board = DashboardPage(client, "fr")
    qtbot.addWidget(board)
    board.resize(1600, 950)
    board.show()
    with qtbot.waitSignal(board.loaded, timeout=10_000):
        board.refresh()
    yield board
    board.shutdown()
    client.close()


def reload(qtbot: Any, page: DashboardPage, change: Any = None) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        (change or page.load)()


def whole_days(page: DashboardPage) -> None:
    """Up to tomorrow: help calls are dated by the hub in office time, which may already
    be tomorrow for this machine's clock."""
    page.set_period(DAY - timedelta(days=5), date.today() + timedelta(days=1))


def test_the_page_shows_the_hubs_exact_numbers(qtbot: Any, known: Hub,
                                               page: DashboardPage) -> None:
    reload(qtbot, page, lambda: whole_days(page))
    fig = page.figures
    assert fig["sessions"].text() == "5"
    assert fig["completion"].text() == "40 %"
    assert fig["completion"].detail.text() == "2 sur 5"
    assert fig["help_calls"].text() == "2"
    assert (fig["answered"].text(), fig["answered"].detail.text()) == ("1", "50 %")
    assert [fig[f"feedback_{k}"].text() for k in ("good", "neutral", "bad")] == ["1", "0", "0"]
    assert fig["sessions"].accessibleName() == "Parcours commencés: 5"
    assert not page.banner.isVisible()

    page.set_flow(SEND)
    flow = page.flow_view
    assert flow.figures["sessions"].text() == "4"
    assert flow.figures["completed"].text() == "50 %"
    assert flow.figures["quit"].text() == "1"
    assert flow.figures["help_calls"].text() == "1"
    assert flow.figures["satisfaction"].text() == "100 %"
    chart = flow.chart
    names = chart.categories()
    assert names[:4] == ["1. start", "2. weigh", "3. destination", "4. customs"]
    reached = dict(zip(names, chart.values("Arrivés à l’étape"), strict=True))
    quits = dict(zip(names, chart.values("Arrêtés à l’étape"), strict=True))
    helps = dict(zip(names, chart.values("Appels à l’aide"), strict=True))
    assert (reached["1. start"], reached["2. weigh"], reached["3. destination"]) == (4, 4, 2)
    assert reached["4. customs"] == 1
    assert quits["4. customs"] == 1
    assert helps["2. weigh"] == 1
    assert sum(helps.values()) == 1
    assert sum(quits.values()) == 1
    assert reached["10. drop"] == 1
    assert reached["11. counter"] == 1
    # the same numbers as the hub's own answer, step by step
    with known.client("manon") as staff:
        hub_funnel = staff.get("/stats/funnel", params={
            "flow": SEND, "from": str(DAY - timedelta(days=5)),
            "to": str(date.today() + timedelta(days=1))}).json()
    assert [s["reached"] for s in hub_funnel["steps"]] == chart.values("Arrivés à l’étape")
    assert [s["quit"] for s in hub_funnel["steps"]] == chart.values("Arrêtés à l’étape")
    # the table says it in words, with the median time on each step
    assert [flow.cell(0, c) for c in ("position", "step", "reached", "quit", "help", "time")] \
        == ["1", "start", "4", "0", "0", "10 s"]
    assert flow.cell(3, "step") == "customs"
    assert flow.cell(3, "quit") == "1"
    qtbot.waitUntil(lambda: "start" in flow.texts, timeout=10_000)
    assert flow.table.item(0, 1).toolTip().startswith("Touchez l'écran de l'automate")

    helpv = page.help_view
    assert helpv.figures["calls"].text() == "2"
    assert helpv.figures["waiting"].text() == "1"
    assert helpv.by_step.categories() == ["Affranchir une lettre · start",
                                          "Envoyer un colis · weigh"]
    assert helpv.by_step.values("Appels à l’aide") == [1, 1]
    assert helpv.outcomes.value_of("Aidé", "Appels terminés") == 1
    assert sum(helpv.outcomes.values("Appels terminés")) == 1

    traffic = page.traffic_view
    day = DAY.strftime("%d/%m")
    assert traffic.per_day.value_of(day, "Commencés") == 5
    assert sum(traffic.per_day.values("Commencés")) == 5
    assert traffic.per_hour.value_of("10 h", "Commencés") == 3
    assert traffic.per_hour.value_of("15 h", "Commencés") == 2
    assert traffic.per_flow.value_of("Envoyer un colis", "Menés au bout") == 2

    report = page.report_view.figures
    assert (report["visits"].text(), report["flow_sessions"].text()) == ("5", "5")
    assert report["accompanied"].text() == "1"
    assert report["satisfaction"].text() == "100 %"


def test_filters_change_the_numbers(qtbot: Any, known: Hub, page: DashboardPage) -> None:
    reload(qtbot, page, lambda: whole_days(page))
    assert [page.kiosk.itemData(i) for i in range(page.kiosk.count())] == [None, "k1", "k2"]
    page.set_flow(SEND)
    reload(qtbot, page, lambda: page.set_kiosk("k2"))
    assert page.figures["sessions"].text() == "2"
    assert page.figures["completion"].text() == "50 %"
    assert page.figures["help_calls"].text() == "1"
    assert page.figures["answered"].text() == "0"
    assert page.current_flow() == SEND  # the flow picked stays picked
    assert page.flow_view.chart.values("Arrivés à l’étape")[:3] == [1, 1, 0]
    assert page.help_view.by_step.categories() == ["Affranchir une lettre · start"]
    assert "filtre pas par borne" in page.report_view.note.text()
    assert page.report_view.figures["visits"].text() == "5"  # the report is for every kiosk

    reload(qtbot, page, lambda: page.set_kiosk("k1"))
    assert page.figures["sessions"].text() == "3"
    assert page.figures["completion"].text() == "33 %"

    # a period without anything, plainly said
    reload(qtbot, page, lambda: page.set_period(DAY - timedelta(days=20),
                                                DAY - timedelta(days=10)))
    assert page.banner.isVisible()
    assert page.banner.text().startswith(f"Rien à montrer du {(DAY - timedelta(days=20)):%d/%m/%Y}")
    assert "sur la borne k1" in page.banner.text()
    assert page.figures["sessions"].text() == "0"
    assert page.figures["completion"].text() == "—"
    assert page.figures["wait"].text() == "—"
    assert sum(page.traffic_view.per_day.values("Commencés")) == 0
    assert len(page.traffic_view.per_day.categories()) == 11

    reload(qtbot, page, lambda: page.set_kiosk(None))
    reload(qtbot, page, lambda: whole_days(page))
    assert page.figures["sessions"].text() == "5"
    assert not page.banner.isVisible()
    # editing a date in its box asks again at once
    reload(qtbot, page, lambda: page.start.setDate(page.start.date().addDays(4)))
    assert page.figures["sessions"].text() == "5"
    reload(qtbot, page, lambda: page.start.setDate(page.start.date().addDays(2)))
    assert page.figures["sessions"].text() == "0"
    assert page.figures["help_calls"].text() == "2"  # dated by the hub: today


def test_csv_export_writes_the_hubs_csv(qtbot: Any, known: Hub, page: DashboardPage,
                                        tmp_path: Path) -> None:
    reload(qtbot, page, lambda: whole_days(page))
    page.set_flow(SEND)
    start, end = page.period()
    params = {"from": str(start), "to": str(end)}
    for kind, extra in (("funnel", {"flow": SEND}), ("help", {}), ("report", {})):
        target = tmp_path / f"{kind}.csv"
        with qtbot.waitSignal(page.exported, timeout=10_000) as signal:
            page.export_csv(kind, target)
        assert signal.args == [str(target)]
        with known.client("manon") as staff:
            expected = staff.get(f"/stats/{kind}", params={**params, **extra},
                                 headers={"Accept": "text/csv"}).text
        assert target.read_text(encoding="utf-8") == expected
        assert expected.count("\n") > 1
    assert "weigh" in (tmp_path / "funnel.csv").read_text(encoding="utf-8")
    assert page.export_path("funnel") == f"funnel-{SEND}-{start}-{end}.csv"
    assert page.status.text().startswith("Fichier enregistré")

    with qtbot.waitSignal(page.exportFailed, timeout=10_000) as failed:
        page.export_csv("help", tmp_path / "no-such-folder" / "help.csv")
    assert failed.args[0].startswith("Export impossible")


# the whole app loads Qt Multimedia (the flow editor's spoken preview), which says once per
# process that it found no PipeWire: noise of this machine, not a problem of the page
@pytest.mark.qt_log_ignore("Couldn't (load|resolve) pipewire")
def test_the_tab_loads_when_shown_and_an_empty_hub_says_so(qtbot: Any, hub: Hub,
                                                          manager: ManagerWindow) -> None:
    page = manager.page("dashboard")
    assert not page.is_busy  # nothing asked before the tab is shown
    manager.show_page("dashboard")
    # the call went out; the window is free while the hub answers
    assert page.is_busy
    assert page.busy.isVisibleTo(page)
    assert page.status.text() == "Chargement…"
    page.load()  # a second load while the first is under way: the first one's answers are dropped
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        pass
    assert not page.is_busy
    assert not page.busy.isVisibleTo(page)
    assert page.status.text().startswith("À jour à")
    assert page.banner.isVisible()
    assert "aucun parcours commencé, aucun appel à l’aide" in page.banner.text()
    assert "sur toutes les bornes" in page.banner.text()
    assert page.figures["sessions"].text() == "0"
    # every flow of the hub can be picked, by its French title
    assert page.flow_view.picker.count() == 9
    assert page.flow_view.picker.findText("Envoyer un colis") >= 0


def test_a_start_after_the_end_is_refused_without_asking_the_hub(page: DashboardPage) -> None:
    page.set_period(date.today(), date.today() - timedelta(days=3))
    assert not page.is_busy
    assert page.banner.text() == ("La date de début est après la date de fin : changez l’une "
                                  "des deux.")


def test_in_english_and_when_the_hub_refuses(qtbot: Any, known: Hub,
                                             page: DashboardPage) -> None:
    english = DashboardPage(page.client, "en")
    qtbot.addWidget(english)
    english.resize(1400, 900)
    english.show()
    reload(qtbot, english, lambda: whole_days(english))
    assert english.figures["completion"].text() == "40%"
    assert english.figures["completion"].detail.text() == "2 of 5"
    assert english.views.tabText(0) == "Flows"
    assert english.traffic_view.per_hour.value_of("10:00", "Started") == 3
    english.shutdown()

    stranger = StaffClient(known.url, follow=False)  # no token: the hub says 401
    refused = DashboardPage(stranger, "fr")
    qtbot.addWidget(refused)
    refused.load()
    qtbot.waitUntil(lambda: not refused.is_busy, timeout=10_000)
    assert refused.banner.text().startswith("Le serveur n’a pas donné les chiffres")
    assert refused.figures["sessions"].text() == "—"
    stranger.close()


def test_numbers_in_words() -> None:
    fr, en = catalog("fr", "manager/dashboard"), catalog("en", "manager/dashboard")
    assert [duration(s, fr) for s in (None, 9.6, 75, 3725)] == ["—", "10 s", "1 min 15 s",
                                                                 "1 h 02"]
    assert (percent(0.725, fr), percent(0.725, en), percent(None, en)) == ("72 %", "72%", "—")
    assert shown_hours([0] * 24) == list(range(8, 20))
    assert shown_hours([1 if h == 21 else 0 for h in range(24)]) == list(range(8, 22))
    days, counts, weekly = per_period({"2026-03-02": 4}, date(2026, 3, 1), date(2026, 3, 3))
    assert (days, counts, weekly) == ([date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)],
                                      [0, 4, 0], False)
    weeks, counts, weekly = per_period({"2026-03-04": 2, "2026-03-05": 1}, date(2026, 1, 1),
                                       date(2026, 3, 31))
    assert weekly
    assert weeks[0] == date(2025, 12, 29)
    assert weeks[9] == date(2026, 3, 2)
    assert counts[9] == 3
    assert sum(counts) == 3
