"""Dates and times on the hub: the office's time zone, the periods asked for in queries
(``from`` / ``to``), and the local day and hour of a stored instant.

Instants are stored as UTC ISO 8601 strings with milliseconds (``2026-11-23T09:00:00.000+00:00``,
the shape of :func:`kiosk.hub.auth.now_iso`), so that comparing strings compares times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def office_tz(name: str) -> tzinfo:
    """The IANA time zone ``name`` (``""``: UTC); ValueError for an unknown name."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}' (use an IANA name such as Europe/Paris)"
                         ) from None


def utc_iso(moment: datetime) -> str:
    """The stored form of an instant; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_instant(text: str) -> datetime:
    """An aware datetime from a stored ISO string (naive strings are UTC)."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local(text: str, tz: tzinfo) -> datetime:
    """A stored instant in the office's time zone."""
    return parse_instant(text).astimezone(tz)


@dataclass(frozen=True)
class Period:
    """``[start, end)`` as stored strings (None: unbounded)."""

    start: str | None = None
    end: str | None = None

    def contains(self, stored: str) -> bool:
        return (self.start is None or stored >= self.start) and (self.end is None or stored < self.end)

    def widened(self, hours: float) -> Period:
        """The same period with ``hours`` more at its end (to see how sessions ended)."""
        if self.end is None:
            return self
        return Period(self.start, utc_iso(parse_instant(self.end) + timedelta(hours=hours)))

    def sql(self, column: str) -> tuple[str, list[str]]:
        """A WHERE fragment (``1`` when unbounded) and its arguments."""
        parts, args = [], []
        if self.start is not None:
            parts.append(f"{column} >= ?")
            args.append(self.start)
        if self.end is not None:
            parts.append(f"{column} < ?")
            args.append(self.end)
        return (" AND ".join(parts) or "1"), args


def _moment(text: str, tz: tzinfo, name: str, end: bool) -> datetime:
    text = text.strip()
    if len(text) == 10:  # a date: the whole day, in the office's time zone
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{name}' is not a date (YYYY-MM-DD) or a datetime: '{text}'") from None
        if end:
            day += timedelta(days=1)
        return datetime.combine(day, time(), tzinfo=tz)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{name}' is not a date (YYYY-MM-DD) or a datetime: '{text}'") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def parse_period(start: str | None, end: str | None, tz: tzinfo) -> Period:
    """``from`` / ``to`` of a query: dates (whole days included, office time) or ISO
    datetimes (``to`` excluded; without an offset, office time). ValueError names the bad
    parameter."""
    try:
        begin = _moment(start, tz, "from", end=False) if start else None
        finish = _moment(end, tz, "to", end=True) if end else None
        period = Period(utc_iso(begin) if begin else None, utc_iso(finish) if finish else None)
    except OverflowError:
        raise ValueError("'from' or 'to' is too far in the past or the future") from None
    if begin is not None and finish is not None and finish <= begin:
        raise ValueError("'to' must come after 'from'")
    return period


def office_info(name: str, tz: tzinfo, now: datetime | None = None) -> dict[str, str]:
    """What staff apps show and filter by: ``{"name", "timezone", "today"}``, the office's
    name, its time zone (IANA name) and today's date on its clock."""
    moment = (now or datetime.now(UTC)).astimezone(tz)
    return {"name": name, "timezone": str(tz), "today": moment.date().isoformat()}
