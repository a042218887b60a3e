"""Static horizontal bar charts as inline SVG for the region's printable page: no script,
no font or picture fetched, every text escaped, sized in the page's own units so they
print sharp."""

from __future__ import annotations

from html import escape
from typing import NamedTuple

WIDTH = 680
LABEL = 250  # the labels' column (a step's flow / step id, up to 32 characters)
ROW = 22  # one bar's height, gap included
BAR = 15
FIGURE = 70  # room for the figure after the longest bar


class Bar(NamedTuple):
    """One bar: what it is, its length (any unit, >= 0) and its figure as printed."""

    label: str
    value: float
    text: str


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars(items: list[Bar], title: str, color: str = "#1f5f8b") -> str:
    """A chart of ``items`` in their order, the longest bar filling the width; ``title``
    names it for a screen reader (and is its tooltip)."""
    height = max(1, len(items)) * ROW + 4
    top = max((b.value for b in items), default=0.0) or 1.0
    span = WIDTH - LABEL - FIGURE
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
             f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    for i, b in enumerate(items):
        y = i * ROW + 2
        length = max(0.0, b.value) / top * span
        middle = y + BAR / 2
        parts.append(
            f'<text x="{LABEL - 8}" y="{middle:.1f}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(_short(b.label))}</text>"
            f'<rect x="{LABEL}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{escape(color)}"/>'
            f'<text x="{LABEL + length + 6:.1f}" y="{middle:.1f}" dominant-baseline="middle">'
            f"{escape(b.text)}</text>")
    parts.append("</svg>")
    return "".join(parts)
