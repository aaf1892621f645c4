"""Epoint (新点) provincial trading platforms, e.g. 江苏省公共资源交易网 (source-formats.md §1.4).

The list is the full-text search API (``getFullTextData``); a detail page has the title in
``h2.ewb-article-tt``, 信息来源 and 信息时间 in ``div.ewb-article-sources`` and the notice's
facts as a two-column ``table.ewb-table`` (label, value), read through the shared label table.
"""

from __future__ import annotations

from parsel import Selector

from collectors.parsers import Extracted, ParseError, cells_from_labels
from models.assemble import Cell
from models.codelists import Kind


def parse_detail(html: str, kind: Kind) -> Extracted:
    sel = Selector(text=html)
    title = " ".join(sel.css("h2.ewb-article-tt ::text").getall()).strip()
    if not title:
        raise ParseError("no h2.ewb-article-tt title: not an Epoint notice page")
    if "</html>" not in html[-200:]:
        raise ParseError("truncated page: it ends before </html>")
    pairs = []
    for row in sel.css("table.ewb-table tr"):
        label = " ".join(row.css("td.ewb-table-label ::text").getall()).strip()
        value = " ".join(row.css("td.ewb-table-value ::text").getall()).strip()
        if label:
            pairs.append((label, value))
    out = cells_from_labels(kind, pairs)
    out.cells["title"] = Cell(title)
    when = sel.css("#infoDate::text").get()
    if when:
        out.cells["published_at"] = Cell(when.strip())
    source = sel.css("#infoSource::text").get()
    if source:
        out.cells["publisher"] = Cell(source.strip())
    return out
