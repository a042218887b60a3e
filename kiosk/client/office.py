"""The office's clock, as staff apps use it. The hub tells its name and time zone when
someone logs in (and in ``GET /me``); every date a staff app shows or asks the hub for
is a day on that clock, not on the PC's (a PC left on UTC, or in another zone, would
otherwise show yesterday's calls as today's around midnight)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _setting_zone() -> str:
    from kiosk import config

    return str(config.get("hub_timezone"))


@dataclass(frozen=True)
class OfficeClock:
    """The office's name and time zone (IANA name); until the hub has told them, the
    staff PC's setting ``hub_timezone``."""

    name: str = ""
    timezone: str = ""

    @classmethod
    def from_answer(cls, office: Any, before: OfficeClock | None = None) -> OfficeClock:
        """From the hub's ``office`` object (``{"name", "timezone", "today"}``); ``before``
        (or the default) when the hub sent none (an older hub)."""
        if not isinstance(office, dict) or not office.get("timezone"):
            return before or cls()
        return cls(str(office.get("name") or ""), str(office["timezone"]))

    def zone(self) -> tzinfo:
        try:
            return ZoneInfo(self.timezone or _setting_zone())
        except (ZoneInfoNotFoundError, ValueError):
            return UTC

    def now(self) -> datetime:
        return datetime.now(UTC).astimezone(self.zone())

    def today(self) -> date:
        return self.now().date()

    def local(self, instant: str | datetime) -> datetime:
        """An instant from the hub (ISO text, UTC when naive) on the office's clock."""
        moment = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone())

    def at(self, day: date, hour: int, minute: int) -> datetime:
        """A time of day on the office's clock (what a form's date and time mean)."""
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone())
