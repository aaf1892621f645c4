"""Server-rendered SVG bar charts (no JavaScript, nothing fetched); each comes with its data table.

Drawn for a phone: the viewBox is :data:`WIDTH` units wide and the svg is never wider than that
(CSS ``max-width: 100%``), so at 390 px a label of :data:`FONT` units shows at ≥ 11 px. Each
bar's label sits on its own line above the bar (never cut), and the bars are scaled so that the
longest value text still fits after the longest bar (never clipped at the right edge).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

WIDTH = 340  # fits a 390 px screen less the page margins at scale ≥ 1 (font stays ≥ 11 px)
FONT = 13
LINE = 20  # the label line above a bar (a 13-unit glyph box reaches ~15 above its baseline, 4 below)
BAR = 16
GAP = 8
TOP = 2
PAD = 6  # between a bar's end and its value


@dataclass
class Chart:
    title: str
    header: list[str]
    rows: list[list[str]]  # the data table: the first cell labels the row
    svg: Markup


def text_width(text: str, size: int = FONT) -> float:
    """A generous estimate of the drawn width: CJK and full-width characters 1 em, others 0.62 em."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.62 for ch in text)


def _fit(text: str, width: float) -> str:
    out = ""
    for ch in text:
        if text_width(out + ch + "…") > width:
            return out + "…"
        out += ch
    return out


def bar_chart(title: str, header: list[str], labels: list[str], values: list[int], shown: list[str],
              exact: list[str] | None = None) -> Chart:
    """Horizontal bars: one per label, lengths proportional to ``values`` (integers, exact).

    ``shown`` is the text beside each bar (short, e.g. ``30.20 亿元``); ``exact`` (default
    ``shown``) goes in the data table."""
    top = max(values) if values else 0
    row_h = LINE + BAR + GAP
    height = max(len(values) * row_h + TOP, BAR)
    value_w = max((text_width(t) for t in shown), default=0) + PAD + 2
    plot = max(WIDTH - value_w, WIDTH // 3)
    q = {chr(34): "&quot;"}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
             f'aria-label="{escape(title, q)}" width="{WIDTH}" height="{height}" class="bars">']
    for i, (label, value, text) in enumerate(zip(labels, values, shown, strict=True)):
        y = TOP + i * row_h
        w = 0 if top == 0 or not value else max(1, round(plot * value / top))
        parts.append(f'<text class="label" x="0" y="{y + LINE - 4}" font-size="{FONT}" fill="#1a1a1a">'
                     f'{escape(_fit(label, WIDTH))}</text>')
        parts.append(f'<rect x="0" y="{y + LINE}" width="{w}" height="{BAR}" fill="#8f1d1d"/>')
        parts.append(f'<text class="value" x="{w + PAD}" y="{y + LINE + BAR - 4}" font-size="{FONT}" fill="#333">'
                     f'{escape(text)}</text>')
    parts.append("</svg>")
    rows = [[label, t] for label, t in zip(labels, exact or shown, strict=True)]
    return Chart(title, header, rows, Markup("".join(parts)))  # noqa: S704 - every text node escaped above
