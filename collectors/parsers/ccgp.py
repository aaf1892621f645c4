"""中国政府采购网 (ccgp.gov.cn) detail pages (source-formats.md §2, §7).

``meta[name=ArticleTitle]``/``h2.tc`` title; ``span#pubTime`` (``2026年09月24日 15:32``) or
``meta[name=PubDate]``; ``span#sourceName`` the publisher (empty on many pages: then
``meta[name=ContentSource]``); ``div.table`` the 公告概要 (``td.title`` label, next ``td``
value, two pairs per row for 行政区域/公告时间); ``div.vF_detail_content`` numbered
paragraphs ``label：value``. A correction names the notice it corrects by 原公告编号, or by
the original's URL (``地址：http…``), and its project by 原公告的采购项目编号. The
breadcrumb's last channel (``更正公告``) names the notice type. Values are padded with U+3000.
"""

from __future__ import annotations

import re

from parsel import Selector

from collectors.parsers import Extracted, ParseError, cells_from_labels
from models.assemble import Cell
from models.codelists import NOTICE_TYPE_WORDS, Kind

_PAIR = re.compile(r"^\s*([^：:]{1,30}?)\s*[：:]\s*(.*)$", re.S)
_URL = re.compile(r"地址\s*[：:]\s*(https?://[^\s　<]+)")
# Labels of the body that name other things than the notice's own fields.
_ALIASES = {"原公告的采购项目编号": "项目编号", "原公告的采购项目名称": "项目名称"}
_IGNORED = {"首次公告日期", "更正日期", "更正事项", "更正内容", "地址", "名 称", "名称", "联系方式", "电话", "电 话",
            "地　址", "项目联系人", "项目联系电话", "采购单位地址", "采购单位联系方式", "代理机构地址", "代理机构联系方式"}


def _text(node) -> str:  # noqa: ANN001 - a parsel selector
    return " ".join(t.strip() for t in node.css("::text").getall() if t.strip()).strip("　 ")


def parse_detail(html: str) -> Extracted:
    """Cells of a ccgp notice page (summary table and body paragraphs)."""
    sel = Selector(text=html)
    title = (sel.css("div.vF_detail_header h2 ::text").get() or sel.css('meta[name="ArticleTitle"]::attr(content)').get()
             or "").strip()
    if not title:
        raise ParseError("no title (div.vF_detail_header h2 / meta ArticleTitle): not a ccgp notice page")
    if "</html>" not in html[-200:]:
        raise ParseError("truncated page: it ends before </html>")
    pairs: list[tuple[str, str]] = []
    for row in sel.css("div.table tr"):
        cells = row.css("td")
        i = 0
        while i < len(cells):
            if "title" in (cells[i].attrib.get("class") or "") and i + 1 < len(cells):
                pairs.append((_text(cells[i]), _text(cells[i + 1])))
                i += 2
            else:
                i += 1
    corrects_url = None
    for p in sel.css("div.vF_detail_content p"):
        text = _text(p)
        if m := _URL.search(text):
            corrects_url = m.group(1)
        m = _PAIR.match(text)
        if m:
            label = m.group(1).strip()
            value = m.group(2).strip().strip("　 ")
            if label in _IGNORED:
                continue
            pairs.append((_ALIASES.get(label, label), re.split(r"\s{2,}|　{2,}", value)[0] if value else ""))
    # the summary repeats 采购单位 in its contact block: cells_from_labels keeps the first
    out = cells_from_labels(Kind.procurement, [(lab, val) for lab, val in pairs if val])
    out.cells["title"] = Cell(title)
    when = sel.css("span#pubTime::text").get() or sel.css('meta[name="PubDate"]::attr(content)').get()
    if when:
        out.cells["published_at"] = Cell(when.strip())
    publisher = (sel.css("span#sourceName::text").get() or "").strip() or sel.css(
        'meta[name="ContentSource"]::attr(content)').get()
    if publisher:
        out.cells["publisher"] = Cell(publisher.strip())
    if "corrects" not in out.cells and corrects_url:
        out.cells["corrects"] = Cell(corrects_url)
    channel = sel.css("div.vF_deail_currentloc a.CurrChnlCls::text").getall()
    if channel and NOTICE_TYPE_WORDS.get(channel[-1].strip()):
        out.cells["notice_type"] = Cell(channel[-1].strip())
    return out
