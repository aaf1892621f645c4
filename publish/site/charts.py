"""Server-rendered SVG bar charts (no JavaScript, nothing fetched); each comes with its data table."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

WIDTH = 640
BAR = 22
GAP = 6
LABEL_W = 170


@dataclass
class Chart:
    title: str
    header: list[str]
    rows: list[list[str]]  # the data table: the first cell labels the row
    svg: Markup


def bar_chart(title: str, header: list[str], labels: list[str], values: list[int], shown: list[str]) -> Chart:
    """Horizontal bars: one per label, lengths proportional to ``values`` (integers, exact)."""
    top = max(values) if values else 0
    height = len(values) * (BAR + GAP) + GAP
    plot = WIDTH - LABEL_W - 110
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {max(height, BAR)}" role="img" '
             f'aria-label="{escape(title, {chr(34): "&quot;"})}" width="{WIDTH}" height="{max(height, BAR)}">']
    for i, (label, value, text) in enumerate(zip(labels, values, shown, strict=True)):
        y = GAP + i * (BAR + GAP)
        w = 0 if top == 0 else max(1, round(plot * value / top)) if value else 0
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + BAR * 0.7:.1f}" text-anchor="end" font-size="13" '
                     f'fill="#1a1a1a">{escape(label[:24])}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y}" width="{w}" height="{BAR}" fill="#8f1d1d"/>')
        parts.append(f'<text x="{LABEL_W + w + 6}" y="{y + BAR * 0.7:.1f}" font-size="12" fill="#333">'
                     f'{escape(text)}</text>')
    parts.append("</svg>")
    rows = [[label, text] for label, text in zip(labels, shown, strict=True)]
    return Chart(title, header, rows, Markup("".join(parts)))  # noqa: S704 - every text node escaped above
