"""全国公共资源交易平台 (ggzy.gov.cn) detail pages (source-formats.md §1.3).

The "b" page holds one notice: ``h4.h4_o`` title; ``p.p_o`` spans with 发布时间 or, for
contracts, 签署时间; ``label#platformName`` the source platform; ``div#mycontent`` either a
``table.detail_Table`` of ``<th>label</th><td>value</td>`` rows or a nested HTML document.
The shared page reader (:func:`collectors.parsers.pages.parse_page`) reads it; what only the
"b" page says (签署时间, the ``#platformName`` label) is added on top. The page's JS variables
(myareaId, myplatformCode) are known to be stale and are never used as data.
"""

from __future__ import annotations

import re

from parsel import Selector

from collectors.parsers import Extracted
from collectors.parsers.detail import read_detail
from models.assemble import Cell
from models.codelists import Kind

_HEADER_SIGNED = re.compile(r"(<p class=\"p_o\">\s*<span>)签署时间")
_TIME = re.compile(r"(发布时间|签署时间)[:：]\s*(\d[^信]*?)\s*(?:信息来源|$)")


def parse_b_page(html: str, kind: Kind, url: str | None = None) -> Extracted:
    """Title, time, platform, pairs, parties and text of a ggzy "b" page."""
    # the header's 签署时间 (contracts) is when the page was published, not a fact of the contract
    html, signed = _HEADER_SIGNED.subn(r"\1发布时间", html, count=1)
    extracted = read_detail(html, "ggzy", kind, url, complete=False)
    if signed:  # the text as printed
        extracted.body_text = extracted.body_text.replace("发布时间", "签署时间", 1)
    sel = Selector(text=html)
    for span in sel.css("p.p_o span"):
        text = " ".join(span.css("::text").getall()).strip()
        if (m := _TIME.search(text)) and "published_at" not in extracted.cells:
            extracted.cells["published_at"] = Cell(m.group(2).strip())
    platform = " ".join(sel.css("#platformName ::text").getall()).strip()
    if platform:
        extracted.cells.setdefault("publisher", Cell(platform))
    return extracted
