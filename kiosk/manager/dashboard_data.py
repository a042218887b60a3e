"""What the dashboard shows, worked out from the hub's answers (no widgets here): the
office's day, the totals over every flow's funnel, a period split into days (or weeks,
for long periods), the hours worth showing, the figures of each view and how two of them
differ (comparing), and numbers written the way each language writes them.
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


# -- figures, and how two of them differ ------------------------------------------------
@dataclass(frozen=True)
class Metric:
    """One figure: a count, a rate (0..1) or a duration (seconds); ``None`` when unknown."""

    value: float | None
    kind: str = "count"  # count | rate | duration


@dataclass
class Other:
    """What the page is compared with: another period (``mode`` "period") or another kiosk
    ("kiosk"), and what the hub answered for it. ``labels`` are the short names of the
    main side and of this one, for legends and figure cards."""

    mode: str
    start: date
    end: date
    kiosk: str | None
    labels: tuple[str, str]
    funnels: dict[str, dict[str, Any]] = field(default_factory=dict)
    help: dict[str, Any] | None = None
    report: dict[str, Any] | None = None

    @property
    def totals(self) -> Totals:
        return totals(self.funnels)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length that ends the day before ``start``."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def span(start: date, end: date, t: Catalog) -> str:
    """A period's short name, for legends: "23/11–29/11"."""
    short = t.t("date_format_short")
    return t.t("compare.span", start=start.strftime(short), end=end.strftime(short))


def _int(value: Any) -> int:
    return int(value or 0)


def main_metrics(tot: Totals, help_: dict[str, Any] | None) -> dict[str, Metric]:
    """The page's big figures."""
    h = help_ or {}
    return {"sessions": Metric(tot.sessions), "completion": Metric(tot.completion_rate, "rate"),
            "help_calls": Metric(_int(h.get("calls"))), "answered": Metric(_int(h.get("answered"))),
            "wait": Metric(h.get("median_wait_seconds"), "duration"),
            **{f"feedback_{k}": Metric(tot.feedback[k]) for k in FEEDBACK}}


def flow_metrics(funnel: dict[str, Any] | None) -> dict[str, Metric]:
    """One flow's figures (its funnel)."""
    f = funnel or {}
    feedback = f.get("feedback") or {}
    given = sum(_int(feedback.get(k)) for k in FEEDBACK)
    return {"sessions": Metric(_int(f.get("sessions"))),
            "completed": Metric(f.get("completion_rate"), "rate"),
            "quit": Metric(_int((f.get("endings") or {}).get("quit"))),
            "help_calls": Metric(sum(_int(s.get("help_calls")) for s in f.get("steps") or [])),
            "satisfaction": Metric(_int(feedback.get("good")) / given if given else None, "rate")}


def help_metrics(data: dict[str, Any] | None) -> dict[str, Metric]:
    """The help calls' figures."""
    d = data or {}
    kinds, statuses = d.get("by_kind") or {}, d.get("by_status") or {}
    return {"calls": Metric(_int(d.get("calls"))), "answered": Metric(_int(d.get("answered"))),
            "wait": Metric(d.get("median_wait_seconds"), "duration"),
            "waiting": Metric(_int(statuses.get("queued"))),
            "workshop": Metric(_int(kinds.get("workshop"))),
            "cancelled": Metric(_int(statuses.get("cancelled")))}


REPORT_KEYS = ("visits", "flow_sessions", "help_calls", "accompanied", "referred_to_workshop",
               "workshops", "registered", "attended", "satisfaction")


def report_metrics(report: dict[str, Any] | None) -> dict[str, Metric]:
    """The period report's figures."""
    r = report or {}
    out = {k: Metric(None if r.get(k) is None else int(r[k])) for k in REPORT_KEYS[:-1]}
    out["satisfaction"] = Metric((r.get("satisfaction") or {}).get("share_good"), "rate")
    return out


def shown(metric: Metric, t: Catalog) -> str:
    """A figure written out: "12", "40 %", "1 min 15 s", or a dash."""
    if metric.kind == "rate":
        return percent(metric.value, t)
    if metric.kind == "duration":
        return duration(metric.value, t)
    return count(None if metric.value is None else int(metric.value), t)


def change(a: Metric, b: Metric, t: Catalog, short: bool = False) -> str:
    """How ``a`` differs from ``b``, led by an arrow and said in words (never by colour
    alone): "↑ 1 de plus (+25 %)", "↓ 12 points de moins", "= pareil"; ``short``: "↑ 1
    (+25 %)", "↓ 12 points" (figure cards; the words are in their accessible names). A
    dash when either is unknown. Rates differ in points, counts and durations in amount
    and percent."""
    key = "compare.short." if short else "compare."
    if a.value is None or b.value is None:
        return t.t("units.missing")
    if a.kind == "rate":
        points = round(a.value * 100) - round(b.value * 100)
        if points == 0:
            return t.t(key + "same")
        return t.t(key + ("points_up" if points > 0 else "points_down"), n=abs(points))
    diff = round(a.value - b.value)
    if diff == 0:
        return t.t(key + "same")
    amount = duration(abs(diff), t) if a.kind == "duration" else count(abs(diff), t)
    direction = "up" if diff > 0 else "down"
    if not b.value:
        return t.t(key + direction, amount=amount)
    rate = t.t(f"units.percent_{direction}", value=round(abs(diff) / b.value * 100))
    return t.t(f"{key}{direction}_percent", amount=amount, percent=rate)
