"""What the dashboard shows, worked out from the hub's answers (no widgets here): the
totals over every flow's funnel, a period split into days (or weeks, for long periods),
the hours worth showing, and numbers written the way each language writes them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kiosk.i18n import Catalog

FEEDBACK = ("good", "neutral", "bad")
OUTCOMES = ("helped", "sent-to-counter", "workshop", "left", "other")
MAX_DAY_BARS = 45  # a longer period is shown by week
OPENING_HOURS = range(8, 20)  # always shown, even when quiet


@dataclass
class Totals:
    """Every flow's funnel added up (for the kiosk and period asked)."""

    sessions: int = 0
    completed: int = 0
    feedback: Counter[str] = field(default_factory=Counter)
    by_day: Counter[str] = field(default_factory=Counter)
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    by_flow: dict[str, tuple[int, int]] = field(default_factory=dict)  # id -> (started, completed)

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.sessions if self.sessions else None


def totals(funnels: dict[str, dict[str, Any]]) -> Totals:
    """Add up the funnels of several flows (flow id -> ``GET /stats/funnel`` answer)."""
    out = Totals()
    for flow_id, f in funnels.items():
        out.sessions += int(f.get("sessions") or 0)
        out.completed += int(f.get("completed") or 0)
        out.feedback.update({k: int(v) for k, v in (f.get("feedback") or {}).items()})
        out.by_day.update({d["day"]: int(d["sessions"]) for d in f.get("by_day") or []})
        for hour, n in enumerate((f.get("by_hour") or [])[:24]):
            out.by_hour[hour] += int(n)
        out.by_flow[flow_id] = (int(f.get("sessions") or 0), int(f.get("completed") or 0))
    return out


def per_period(by_day: dict[str, int], start: date, end: date) -> tuple[list[date], list[int], bool]:
    """Counts for every day from ``start`` to ``end`` (both included, zeros too); by week
    (from the Monday) when that would be more than ``MAX_DAY_BARS`` bars. Returns the
    first day of each bar, the counts, and whether bars are weeks."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    if len(days) <= MAX_DAY_BARS:
        return days, [int(by_day.get(d.isoformat(), 0)) for d in days], False
    weeks: dict[date, int] = {}
    for d in days:
        monday = d - timedelta(days=d.weekday())
        weeks[monday] = weeks.get(monday, 0) + int(by_day.get(d.isoformat(), 0))
    return list(weeks), list(weeks.values()), True


def shown_hours(by_hour: list[int]) -> list[int]:
    """The opening hours, widened to any hour that had someone."""
    busy = [h for h, n in enumerate(by_hour) if n]
    first = min([OPENING_HOURS.start, *busy])
    last = max([OPENING_HOURS.stop - 1, *busy])
    return list(range(first, last + 1))


def help_steps(by_step: list[dict[str, Any]], titles: dict[str, str], limit: int = 10,
               ) -> list[tuple[str, int]]:
    """The steps with the most help calls (the hub sorts them): label and calls."""
    out = []
    for item in by_step[:limit]:
        flow = titles.get(item.get("flow_id") or "", item.get("flow_id") or "?")
        out.append((f"{flow} · {item.get('step_id') or '?'}", int(item["calls"])))
    return out


# -- numbers in words ------------------------------------------------------------------
def percent(rate: float | None, t: Catalog) -> str:
    """``0.725`` -> "73 %" (French) or "73%" (English); no rate -> a dash."""
    return t.t("units.missing") if rate is None else t.t("units.percent", value=round(rate * 100))


def duration(seconds: float | None, t: Catalog) -> str:
    """``75`` -> "1 min 15 s"; under a minute, "12 s"; none -> a dash."""
    if seconds is None:
        return t.t("units.missing")
    whole = round(seconds)
    if whole < 60:
        return t.t("units.seconds", seconds=whole)
    if whole < 3600:
        return t.t("units.minutes", minutes=whole // 60, seconds=f"{whole % 60:02d}")
    return t.t("units.hours", hours=whole // 3600, minutes=f"{whole % 3600 // 60:02d}")


def count(value: int | None, t: Catalog) -> str:
    """A whole number with the language's thousands separator."""
    if value is None:
        return t.t("units.missing")
    return f"{value:,}".replace(",", t.t("units.thousands"))
