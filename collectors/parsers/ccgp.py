"""中国政府采购网 (ccgp.gov.cn) detail pages (source-formats.md §2, §7), through the shared page reader.

:func:`collectors.parsers.pages.parse_page` reads the title (``meta[name=ArticleTitle]``,
``div.vF_detail_header h2``), the time, the 公告概要 table and the body's ``label：value``
paragraphs. What only this family says is added on top: a correction that names the
original by its URL (``地址：http…``) rather than by 原公告编号.
"""

from __future__ import annotations

import re

from collectors.parsers import Extracted
from collectors.parsers.detail import read_detail
from models.assemble import Cell
from models.codelists import Kind

_URL = re.compile(r"地址\s*[：:]\s*(https?://[^\s　<]+)")


def parse_detail(html: str, url: str | None = None) -> Extracted:
    """Cells of a ccgp notice page (summary table and body paragraphs)."""
    out = read_detail(html, "ccgp", Kind.procurement, url)
    if "corrects" not in out.cells and (m := _URL.search(out.body_text)):
        out.cells["corrects"] = Cell(m.group(1))
    return out
