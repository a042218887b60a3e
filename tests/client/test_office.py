"""The office's clock in staff apps: dates on the hub's time zone, not the PC's."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.client.office import OfficeClock


def test_instants_and_days_on_the_office_s_clock() -> None:
    cayenne = OfficeClock("Cayenne", "America/Cayenne")  # UTC-3
    assert cayenne.local("2026-12-06T02:30:00+00:00").date() == date(2026, 12, 5)
    assert cayenne.local("2026-12-06T02:30:00").hour == 23  # naive: UTC
    start = cayenne.at(date(2026, 12, 7), 14, 0)
    assert start.isoformat() == "2026-12-07T14:00:00-03:00"
    assert cayenne.now().utcoffset() == datetime(2026, 1, 1, tzinfo=cayenne.zone()).utcoffset()


def test_before_the_hub_tells_the_setting_decides() -> None:
    unknown = OfficeClock.from_answer(None)
    assert unknown == OfficeClock()
    assert str(unknown.zone()) == "Europe/Paris"  # the setting hub_timezone's default
    told = OfficeClock.from_answer({"name": "Nord", "timezone": "Europe/Paris", "today": "x"})
    assert told == OfficeClock("Nord", "Europe/Paris")
    assert OfficeClock.from_answer({"name": "older hub"}, told) is told
    assert str(OfficeClock("", "Not/AZone").zone()) == "UTC"
