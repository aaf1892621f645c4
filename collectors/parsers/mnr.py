"""自然资源部 矿业权出让结果 pages (ky.mnr.gov.cn, source-formats.md §4).

The pages are knockout.js templates: every value sits in ``<span data-bind="text:NAME">``
(with ``__ko__…`` attributes). We read the bindings with an HTML parser, never by label
text or string surgery, and map binding names to fields. Names marked *verified* come from
the real pages (``itdachen/fly-next-platform`` KoNumOfUtils); the others are this project's
reading of the remaining rows and are kept in one table here. Area is published in 平方千米
and prices in 万元: the unit travels with the cell.

The page goes through the shared page reader (:func:`collectors.parsers.pages.parse_page`:
title, time, text, the printed rows); the bindings, which carry the units the bare numbers
lack, are laid on top.
"""

from __future__ import annotations

import re

from parsel import Selector

from collectors.parsers import Extracted
from collectors.parsers.detail import read_detail
from models.assemble import Cell
from models.codelists import Kind

# binding name → (field, unit of the bare number)
BINDINGS: dict[str, tuple[str, str | None]] = {
    "NA_APP_NAME": ("mine_name", None),  # verified (项目名称)
    "APP_CATEGORY": ("right_type", None),  # verified (探矿权/采矿权)
    "MAIN_MINE_Name": ("mineral", None),  # verified (矿种)
    "NA_CESSION": ("grantor", None),  # verified (出让人)
    "NA_CESSIONARY": ("transferee", None),  # verified (受让人)
    "NA_CESSIONARY_CODE": ("transferee_uscc", None),  # verified
    "NA_PERAMBULATE_GRADE": ("exploration_stage", None),  # verified (勘查阶段)
    "QT_TOTAL_AREA": ("area_m2", "平方千米"),  # verified (面积)
    "QT_CESSION_PRICE": ("deal_price", "万元"),  # verified (价格)
    "DT_DEAL_DATE": ("deal_date", None),
    "NA_PROJECT_CODE": ("project_no", None),
    "NA_SELL_TYPE": ("method", None),
    "NA_PAY_TYPE": ("payment_mode", None),
    "NA_SCALE": ("production_scale", None),
    "QT_START_PRICE": ("starting_price", "万元"),
    "NA_REGION": ("region", None),
    "NA_NOTICE_NO": ("notice_no", None),
    "NA_ORIGINAL_NO": ("corrects", None),
}
FIELD_BINDING = {f: name for name, (f, _u) in BINDINGS.items()}
_BINDING = re.compile(r"text\s*:\s*([A-Za-z_][A-Za-z0-9_]*)")


def parse_detail(html: str, url: str | None = None) -> Extracted:
    """Title, publication time, publisher, text and the data-bind values of a result page."""
    out = read_detail(html, "mnr", Kind.mining, url)
    sel = Selector(text=html)
    for span in sel.xpath("//*[@data-bind]"):
        m = _BINDING.search(span.attrib.get("data-bind", ""))
        if not m:
            continue
        text = " ".join(span.css("::text").getall()).strip()
        known = BINDINGS.get(m.group(1))
        if known is None:
            out.unknown[m.group(1)] = text
        elif text:
            out.cells[known[0]] = Cell(text, known[1])
    if "transferee" in out.cells and out.lots and all(
            w["name"] == out.cells["transferee"].value for lot in out.lots for w in lot["winners"]):
        out.lots = []  # the 受让人 row read as a party: the bindings above say it with its units
    return out
