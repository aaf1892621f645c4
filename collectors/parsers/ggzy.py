"""全国公共资源交易平台 (ggzy.gov.cn) detail pages (source-formats.md §1.3).

The "b" page holds one notice: ``h4.h4_o`` title; ``p.p_o`` spans with 发布时间 or, for
contracts, 签署时间; ``label#platformName`` the source platform; ``div#mycontent`` either a
``table.detail_Table`` of ``<th>label</th><td>value</td>`` rows or a nested HTML document.
The page's JS variables (myareaId, myplatformCode) are known to be stale and are never
used as data.
"""

from __future__ import annotations

import re

from parsel import Selector

from collectors.parsers import Extracted, ParseError, cells_from_labels
from models.assemble import Cell
from models.codelists import Kind

_TIME = re.compile(r"(发布时间|签署时间)[:：]\s*(.+)")
_PROJECT_NO = re.compile(r"(?:采购)?项目编号[:：]\s*(\S+)")


def parse_b_page(html: str, kind: Kind) -> Extracted:
    """Title, time, platform and the label/value table of a ggzy "b" page."""
    sel = Selector(text=html)
    title = " ".join(sel.css("h4.h4_o ::text").getall()).strip()
    if not title:
        raise ParseError("no h4.h4_o title: not a ggzy detail page")
    pairs: list[tuple[str, str]] = []
    for row in sel.css("#mycontent table.detail_Table tr"):
        label = " ".join(row.css("th ::text").getall()).strip()
        value = " ".join(row.css("td ::text").getall()).strip()
        if label:
            pairs.append((label, value))
    extracted = cells_from_labels(kind, pairs)
    extracted.cells["title"] = Cell(title)
    for span in sel.css("p.p_o span"):
        text = " ".join(span.css("::text").getall()).strip()
        if m := _TIME.search(text):
            extracted.cells.setdefault("published_at", Cell(m.group(2)))
        if m := _PROJECT_NO.search(text):
            extracted.cells.setdefault("project_no", Cell(m.group(1)))
    platform = " ".join(sel.css("#platformName ::text").getall()).strip()
    if platform:
        extracted.cells.setdefault("publisher", Cell(platform))
    return extracted
