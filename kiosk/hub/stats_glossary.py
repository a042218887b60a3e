"""Which glossary words customers open on the kiosks: the events ``glossary.opened``
(``data``: ``{"term": id, "language": code}``, at the flow and step where the word was
touched; kiosk.customer.glossary_panel), counted per term, language, flow and step, the
most opened first. A word opened often is a word the flow's text should say more plainly.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from kiosk.hub.times import Period

EVENT = "glossary.opened"


def opened(db: sqlite_utils.Database, period: Period, flow: str | None = None,
           kiosk: str | None = None) -> list[dict[str, Any]]:
    """``[{"term", "language", "flow_id", "step_id", "opened"}]`` for the events of the
    period (of one flow, one kiosk, when given), most opened first, then by term,
    language, flow and step. Events without a term are not counted."""
    where, args = period.sql("at")
    sql = ("SELECT json_extract(data, '$.term') AS term,"
           " json_extract(data, '$.language') AS language, flow_id, step_id,"
           " COUNT(*) AS opened FROM events"
           f" WHERE type = ? AND {where} AND json_valid(data)")
    params: list[Any] = [EVENT, *args]
    if flow:
        sql += " AND flow_id = ?"
        params.append(flow)
    if kiosk:
        sql += " AND kiosk_id = ?"
        params.append(kiosk)
    sql += (" GROUP BY 1, 2, 3, 4 HAVING term IS NOT NULL"
            " ORDER BY opened DESC, term, language, flow_id, step_id")
    return [{"term": str(r["term"]), "language": r["language"], "flow_id": r["flow_id"],
             "step_id": r["step_id"], "opened": int(r["opened"])}
            for r in db.query(sql, params)]
