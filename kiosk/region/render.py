"""The region's report as people and tools read it: one printable HTML page (A4, static
inline SVG charts, no script, nothing fetched), CSV (one table: offices, steps or flows)
and JSON. Each takes the report's dict (``RegionReport.as_dict()``); the words are in
the ``region`` catalogs (``kiosk/i18n/region``).

CSV is for tools: comma-separated, UTF-8, the report's keys as header (``satisfaction``
flattened to ``satisfaction_good``...), missing days joined with spaces, and text that a
spreadsheet could run as a formula (starting with = + - @, tab or CR) neutralised with a
leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from html import escape
from typing import Any

from kiosk import i18n
from kiosk.region.svg import Bar, bars
from kiosk.region.titles import titled

TABLES = ("offices", "steps", "flows")
SATISFACTION = ("good", "neutral", "bad", "total", "share_good")
OFFICE_COLUMNS = ("office", "days", "first_day", "last_day", "missing_days", "visits", "sessions",
                  "completed", "completion_rate", "help_calls", "help_per_100_sessions", "answered",
                  "median_wait_seconds", *(f"satisfaction_{k}" for k in SATISFACTION),
                  "workshop_referrals", "workshops", "registered", "attended")
STEP_COLUMNS = ("flow_id", "step_id", "offices", "reached", "quit", "help_calls", "quit_rate",
                "help_per_100")
FLOW_COLUMNS = ("flow_id", "sessions", "completed", "completion_rate", "help_calls")
ACTIVITY = ("visits", "sessions", "completed", "completion_rate", "help_calls",
            "help_per_100_sessions", "answered", "median_wait_seconds")
OPINION = ("good", "neutral", "bad", "total", "share_good", "workshop_referrals", "workshops",
           "registered", "attended")
RATES = {"completion_rate", "share_good", "quit_rate"}
DECIMALS = {"help_per_100_sessions", "median_wait_seconds", "help_per_100"}
BIG = ("offices", "visits", "sessions", "completion_rate", "help_per_100_sessions",
       "median_wait_seconds", "share_good", "workshop_referrals", "registered", "attended")
TOP_STEPS = 15
TITLES = {"flow_id": ("flow_title",), "step_id": ("step_title",)}  # spreadsheet CSV
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


# --- numbers in the reader's language -------------------------------------------------

def number(value: Any, lang: str, places: int = 0) -> str:
    """``value`` with the language's separators (fr: ``12 345,6``; en: ``12,345.6``); a
    dash for None."""
    if value is None:
        return "—"
    text = f"{float(value):,.{places}f}" if places else f"{int(value):,d}"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def percent(value: Any, lang: str) -> str:
    """A rate (0..1) as a percentage with one decimal: fr ``72,5 %``, en ``72.5%``."""
    if value is None:
        return "—"
    text = number(100 * float(value), lang, 1)
    return f"{text}\u00a0%" if lang == "fr" else f"{text}%"


def figure(key: str, value: Any, lang: str) -> str:
    if key in RATES:
        return percent(value, lang)
    if key in DECIMALS:
        return number(value, lang, 1)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, lang)
    return "—" if value is None else str(value)


# --- HTML ------------------------------------------------------------------------------

STYLE = """
body{font-family:system-ui,"Segoe UI",Arial,sans-serif;font-size:15px;line-height:1.45;
color:#111;background:#fff;margin:2em auto;max-width:60em;padding:0 1em}
h1{font-size:1.8em;margin:0 0 .2em}h2{font-size:1.3em;margin:1.6em 0 .5em;
border-bottom:2px solid #1f5f8b;padding-bottom:.2em}
.meta{color:#333;margin:.2em 0}
.big{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5em,1fr));gap:.8em;margin:0}
.big div{border:1px solid #8a9bab;border-radius:4px;padding:.5em .7em}
.big dt{font-size:.9em;color:#333}.big dd{margin:0;font-size:1.7em;font-weight:700}
.wide{overflow-x:auto;margin:.5em 0 1em}
table{border-collapse:collapse;width:100%;font-size:.9em}
caption{text-align:left;font-weight:700;padding:.3em 0}
th,td{border:1px solid #8a9bab;padding:.25em .45em;text-align:right;vertical-align:top}
th[scope=row],td.text,thead th{text-align:left}thead th{background:#e4ecf3}
tfoot th,tfoot td{font-weight:700;background:#f1f4f7}
.warning{border:2px solid #8a5a00;background:#fff6e0;padding:.6em .9em;border-radius:4px}
.chart{max-width:100%;height:auto;font-size:13px;fill:#111}
figure{margin:1em 0}figcaption{font-weight:700;margin-bottom:.3em}
@page{size:A4;margin:14mm}
@media print{body{margin:0;padding:0;max-width:none;font-size:11pt}h2{break-after:avoid}
tr,figure,.big div{break-inside:avoid}thead{display:table-header-group}
.wide{overflow:visible}table{font-size:8pt}th,td{padding:.2em .3em}}
"""


def _period(report: dict[str, Any], c: i18n.Catalog) -> str:
    start, end = report.get("from"), report.get("to")
    if start and end:
        return c.t("period.between", start=start, end=end)
    if start:
        return c.t("period.since", start=start)
    if end:
        return c.t("period.until", end=end)
    return c.t("period.all")


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """An office (or the totals) with its satisfaction's figures beside the others."""
    return {**{k: v for k, v in row.items() if k != "satisfaction"}, **row.get("satisfaction", {})}


def _table(caption: str, head: list[tuple[str, str]], rows: list[list[str]],
           foot: list[str] | None = None) -> str:
    """A table; ``head`` as (key, words), each row's first cell a row header. On a narrow
    screen the table scrolls sideways in its own box (reachable with the keyboard), not
    the whole page."""
    out = [f'<div class="wide" role="region" tabindex="0" aria-label="{escape(caption)}">'
           f"<table><caption>{escape(caption)}</caption><thead><tr>"]
    out += [f'<th scope="col">{escape(words)}</th>' for _, words in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append(f'<tr><th scope="row">{escape(row[0])}</th>'
                   + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:]) + "</tr>")
    out.append("</tbody>")
    if foot:
        out.append(f'<tfoot><tr><th scope="row">{escape(foot[0])}</th>'
                   + "".join(f"<td>{escape(cell)}</td>" for cell in foot[1:]) + "</tr></tfoot>")
    out.append("</table></div>")
    return "".join(out)


def _office_tables(report: dict[str, Any], c: i18n.Catalog, lang: str) -> str:
    offices = [_flat(o) for o in report["offices"]]
    totals = _flat(report["totals"])
    out = []
    for section, keys in (("activity", ("days", *ACTIVITY)), ("opinion", OPINION)):
        head = [("office", c.t("figure.office"))] + [(k, c.t(f"figure.{k}")) for k in keys]
        rows = [[o["office"], *(figure(k, o.get(k), lang) for k in keys)] for o in offices]
        foot = [c.t("region"), *("" if k == "days" else figure(k, totals.get(k), lang)
                                 for k in keys)]
        out.append(_table(c.t(f"section.{section}"), head, rows, foot))
    return "".join(out)


def _charts(report: dict[str, Any], c: i18n.Catalog, lang: str) -> str:
    offices = report["offices"]
    per_100 = [Bar(o["office"], o["help_per_100_sessions"] or 0.0,
                   number(o["help_per_100_sessions"], lang, 1)) for o in offices]
    completion = [Bar(o["office"], o["completion_rate"] or 0.0, percent(o["completion_rate"], lang))
                  for o in offices]
    top = report["steps"][:TOP_STEPS]
    steps = [Bar(f"{s.get('flow_title') or s['flow_id']} / {s['step_id']}", s["quit"] + s["help_calls"],
                 f"{number(s['quit'], lang)} + {number(s['help_calls'], lang)}") for s in top]
    out = []
    for title, items, color in ((c.t("chart.help_per_100"), per_100, "#1f5f8b"),
                                (c.t("chart.completion"), completion, "#2e6b30"),
                                (c.t("chart.steps", n=len(top)), steps, "#8a3b12")):
        if items:
            out.append(f"<figure><figcaption>{escape(title)}</figcaption>"
                       f"{bars(items, title, color)}</figure>")
    return "".join(out)


def _missing(report: dict[str, Any], c: i18n.Catalog) -> str:
    late = [o for o in report["offices"] if o["missing_days"]]
    if not late:
        return f"<p>{escape(c.t('missing.none'))}</p>"
    items = "".join("<li>" + escape(c.t("missing.office", office=o["office"],
                                        days=", ".join(o["missing_days"]))) + "</li>" for o in late)
    return (f'<div class="warning" role="note"><p>{escape(c.t("missing.intro"))}</p>'
            f"<ul>{items}</ul></div>")


def html(report: dict[str, Any], lang: str = "fr") -> str:
    """The report as one self-contained printable page in ``lang`` (fr, en), the
    built-in flows' words beside their ids (``kiosk.region.titles``)."""
    report = titled(report, lang)
    c = i18n.catalog(lang, "region")
    direction = "rtl" if c.rtl else "ltr"
    totals = _flat(report["totals"])
    title = c.t("title")
    period = _period(report, c)
    big = "".join(f"<div><dt>{escape(c.t(f'figure.{k}'))}</dt>"
                  f"<dd>{escape(figure(k, totals.get(k), lang))}</dd></div>" for k in BIG)
    at = str(report.get("generated_at", ""))
    at = f"{at[:10]} {at[11:16]} UTC" if len(at) >= 16 and at.endswith("Z") else at
    made = c.t("generated", at=at, rows=number(report.get("rows_read", 0), lang),
               seconds=number(report.get("seconds", 0), lang, 1))
    parts = [f'<!DOCTYPE html>\n<html lang="{escape(lang)}" dir="{direction}"><head>'
             '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
             f"<title>{escape(title)} — {escape(period)}</title><style>{STYLE}</style></head><body>",
             f"<header><h1>{escape(title)}</h1><p class=\"meta\"><strong>{escape(period)}</strong></p>"
             f'<p class="meta">{escape(made)}</p></header><main>']
    if not report["offices"]:
        parts.append(f"<p>{escape(c.t('empty'))}</p></main></body></html>\n")
        return "".join(parts)
    parts += [f"<section><h2>{escape(c.t('section.totals'))}</h2><dl class=\"big\">{big}</dl></section>",
              f"<section><h2>{escape(c.t('section.missing'))}</h2>{_missing(report, c)}</section>",
              f"<section><h2>{escape(c.t('section.charts'))}</h2>{_charts(report, c, lang)}</section>",
              f"<section><h2>{escape(c.t('section.offices'))}</h2>{_office_tables(report, c, lang)}"
              "</section>"]
    head = [(k, c.t(f"figure.{k}")) for k in STEP_COLUMNS]
    rows = [[f"{s['flow_title'] or s['flow_id']} / {s['step_id']}", s["step_title"],
             *(figure(k, s[k], lang) for k in STEP_COLUMNS[2:])] for s in report["steps"]]
    step_head = [("step", f"{c.t('figure.flow_id')} / {c.t('figure.step_id')}"),
                 ("step_title", c.t("figure.step_title")), *head[2:]]
    parts.append(f"<section><h2>{escape(c.t('section.steps'))}</h2>"
                 f"{_table(c.t('section.steps'), step_head, rows)}</section>")
    head = [(k, c.t(f"figure.{k}")) for k in FLOW_COLUMNS]
    rows = [[f["flow_title"] or f["flow_id"], f["flow_id"],
             *(figure(k, f[k], lang) for k in FLOW_COLUMNS[1:])] for f in report["flows"]]
    head = [("flow_title", c.t("figure.flow_id")), ("flow_id", c.t("figure.id")), *head[1:]]
    parts.append(f"<section><h2>{escape(c.t('section.flows'))}</h2>"
                 f"{_table(c.t('section.flows'), head, rows)}</section>")
    parts.append("</main></body></html>\n")
    return "".join(parts)


# --- CSV and JSON ------------------------------------------------------------------------

def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _office_row(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "satisfaction"}
    out.update({f"satisfaction_{k}": v for k, v in row.get("satisfaction", {}).items()})
    return out


def csv_text(report: dict[str, Any], table: str = "offices", lang: str | None = None) -> str:
    """One table of the report as CSV: ``offices`` (one row per office, then the region's
    totals with an empty ``office``), ``steps`` or ``flows``. Without ``lang``, for tools:
    the report's keys as header, ``,`` and a decimal point. With ``lang`` (fr, en), for a
    spreadsheet in that language: byte order mark, the figures' names as header, the
    totals row named, ``;`` and a decimal comma in French, rates as percentages."""
    if table == "offices":
        columns = OFFICE_COLUMNS
        rows = [_office_row(o) for o in report["offices"]]
        totals = _office_row(report["totals"])
        totals.pop("offices", None)
        rows.append({**totals, "office": i18n.catalog(lang, "region").t("region") if lang else ""})
    elif table in ("steps", "flows"):
        columns = STEP_COLUMNS if table == "steps" else FLOW_COLUMNS
        rows = list(report[table])
    else:
        raise ValueError(f"no table {table!r} (offices, steps, flows)")
    out = io.StringIO()
    if lang is None:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(k)) for k in columns])
        return out.getvalue()
    c = i18n.catalog(lang, "region")
    if table != "offices":  # words beside each id, as the hub's CSV has them
        rows = titled({table: rows}, lang)[table]
        columns = tuple(n for k in columns for n in (k, *TITLES.get(k, ())))
    writer = csv.writer(out, delimiter=";" if lang == "fr" else ",", lineterminator="\r\n")
    writer.writerow([c.t(f"figure.{k.removeprefix('satisfaction_')}") for k in columns])
    for row in rows:
        writer.writerow([_sheet_cell(k.removeprefix("satisfaction_"), row.get(k), lang)
                         for k in columns])
    return "\ufeff" + out.getvalue()


def _sheet_cell(key: str, value: Any, lang: str) -> Any:
    """A cell as a spreadsheet in ``lang`` reads it: no thousands separator, the
    language's decimal mark, rates as percentages."""
    if value is None or isinstance(value, list | str):
        return _cell(value)
    places = 1 if key in RATES or key in DECIMALS else 0
    text = f"{100 * float(value) if key in RATES else float(value):.{places}f}"
    if lang == "fr":
        text = text.replace(".", ",")
    return f"{text}\u00a0%" if key in RATES and lang == "fr" else f"{text}%" if key in RATES else text


def json_text(report: dict[str, Any]) -> str:
    """The report as indented JSON (UTF-8 text, not escaped), ending with a newline."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
