"""Property-rights exchange (北京产权交易所 CBEX family, source-formats.md §6.2) detail pages.

The detail page embeds the project as JSON in ``textarea#jsonobj``. Keys marked *reported*
are the SUAEE/CBEX keys seen in public scrapers (``xmbh``, ``xmmc``, ``zrfmc``, ``zrdj`` in
万元, ``plksrq``/``pljsrq``); the others are this project's reading and are kept in one
table here. Amounts are 万元 without a unit in the value: the unit travels with the cell.
Old exchange portals serve GBK (the old SUAEE portal was GBK): decoding is Scrapy's, from the
charset header, with gb18030 for gbk.
"""

from __future__ import annotations

import json

from parsel import Selector

from collectors.parsers import Extracted, ParseError
from models.assemble import Cell

# JSON key → (field, unit)
KEYS: dict[str, tuple[str, str | None]] = {
    "xmbh": ("project_no", None),  # reported
    "bdmc": ("target", None),
    "zrfmc": ("transferor", None),  # reported (zrfxx[].zrfmc)
    "zrfdm": ("transferor_uscc", None),
    "zrdj": ("listing_price", "万元"),  # reported (转让底价, 万元)
    "pgz": ("appraised_value", "万元"),
    "jyfs": ("method", None),
    "srfmc": ("transferee", None),
    "srfdm": ("transferee_uscc", None),
    "cjje": ("deal_price", "万元"),
    "cjrq": ("deal_date", None),
    "zrbl": ("share_ratio", None),
    "plksrq": ("listing_start", None),  # reported
    "pljsrq": ("listing_end", None),  # reported
    "jgmc": ("exchange", None),
    "szdq": ("region", None),
    "ggbh": ("notice_no", None),
    "ygbh": ("corrects", None),
}
FIELD_KEY = {f: key for key, (f, _u) in KEYS.items()}


def parse_detail(html: str) -> Extracted:
    """Fields of a listing or result page from its embedded JSON."""
    sel = Selector(text=html)
    raw = sel.css("textarea#jsonobj::text").get()
    if raw is None:
        raise ParseError("no textarea#jsonobj: not an exchange project page")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ParseError(f"the embedded project JSON is broken ({exc.msg} at {exc.pos})") from exc
    if not isinstance(data, dict):
        raise ParseError("the embedded project JSON is not an object")
    out = Extracted({})
    for key, value in data.items():
        if key in ("ggbt", "fbsj", "fbjg"):
            continue
        known = KEYS.get(key)
        if known is None:
            out.unknown[key] = str(value)
        elif value not in (None, ""):
            out.cells[known[0]] = Cell(value, known[1])
    for key, name in (("ggbt", "title"), ("fbsj", "published_at"), ("fbjg", "publisher")):
        if data.get(key):
            out.cells[name] = Cell(data[key])
    return out
