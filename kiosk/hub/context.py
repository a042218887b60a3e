"""What the hub's route modules share: the store and its parts, the guard, the office's
time zone, and small helpers for query parameters and CSV answers (UTF-8 with a byte
order mark, in the form of ``csvsafe.Sheet``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo

from fastapi import Request, Response

from kiosk.hub import api, csvsafe
from kiosk.hub.accounts import Accounts
from kiosk.hub.flows import Flows
from kiosk.hub.guard import Guard
from kiosk.hub.logins import Logins
from kiosk.hub.presence import Presence
from kiosk.hub.store import Store
from kiosk.hub.stream import Broadcaster
from kiosk.hub.times import Period, parse_period
from kiosk.hub.workshops import Workshops

PREFIX = "/api/v1"
CSV_RESPONSE: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}},
          "description": "JSON, or CSV when asked with `Accept: text/csv`"}}


@dataclass
class Context:
    store: Store
    guard: Guard
    flows: Flows
    workshops: Workshops
    accounts: Accounts
    logins: Logins
    broadcaster: Broadcaster
    tz: tzinfo
    retention_days: float
    presence: Presence
    office_name: str = "Bureau de poste"

    def period(self, start: str | None, end: str | None) -> Period:
        """``from`` / ``to`` of a query, or 422 with the reason."""
        try:
            return parse_period(start, end, self.tz)
        except ValueError as exc:
            raise api.unprocessable(str(exc), "query") from None


def wants_csv(request: Request) -> bool:
    return "text/csv" in request.headers.get("accept", "").lower()


def csv_sheet(tz: tzinfo, lang: str | None, sep: str | None) -> csvsafe.Sheet:
    """The CSV form a query asks for (``lang``, ``sep``: see ``csvsafe.sheet``), or 422
    with the reason."""
    try:
        return csvsafe.sheet(tz, lang, sep)
    except csvsafe.BadOption as exc:
        raise api.unprocessable(str(exc), "query", exc.option) from None


def csv_response(text: str, name: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return Response(text, media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'})
