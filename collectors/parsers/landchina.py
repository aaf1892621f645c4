"""中国土地市场网 (old landchina.com) 供地结果 detail tables (source-formats.md §3.2, §3.3).

A record is an ASP.NET ``<tbody>`` whose ``<span>`` texts alternate label (ending in
``:``/``：``) and value, with HTML numeric entities; the 行政区 cell carries a hidden
9-digit code (``440606000``). The 分期支付约定 instalment sub-table and the 约定容积率
下限/上限 pair are read specially. Archived exports prefix each record with
``日期YYYY-MM-DD,内容``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from collectors.parsers import Extracted, ParseError, cells_from_labels
from models.assemble import Cell
from models.codelists import Kind

_RECORD = re.compile(r"日期(\d{4}-\d{2}-\d{2}),内容")
_SPAN = re.compile(r"<span[^>]*>(.*?)</span>", re.S)
_REGION_CODE = re.compile(r'_r1_c2_ctrl_value"\s+value="(\d{6,9})"')
_INSTALMENT_HEAD = ("支付期号", "约定支付日期", "约定支付金额(万元)", "备注")


def split_records(text: str) -> Iterator[tuple[str, str]]:
    """(date, record html) for each record of an archived export."""
    starts = list(_RECORD.finditer(text))
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        yield m.group(1), text[m.end():end].strip()


def parse_record(record: str) -> Extracted:
    """Fields of one 供地结果 table. A record cut short raises ParseError."""
    if not record.rstrip().endswith("</tbody>"):
        raise ParseError("truncated record: the table ends before </tbody>")
    texts = [html.unescape(s).strip() for s in _SPAN.findall(record)]
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(texts):
        label = texts[i]
        if not label.endswith((":", "：")):
            i += 1
            continue
        label = label.rstrip(":：").strip()
        if label == "分期支付约定":
            i += 1 + len(_INSTALMENT_HEAD)
            while i + 3 < len(texts) and texts[i].isdigit():
                i += 4  # instalment rows (期号, 日期, 金额, 备注) are not modelled yet
            continue
        if label == "约定容积率":
            i += 1
            continue
        if label in ("下限", "上限"):
            label = f"容积率{label}"
        value = texts[i + 1] if i + 1 < len(texts) else ""
        if value.endswith((":", "：")):
            value = ""  # an empty cell: the next text is already a label
            i += 1
        else:
            i += 2
        pairs.append((label, value))
    out = cells_from_labels(Kind.land, pairs)
    if m := _REGION_CODE.search(record):
        out.cells["region_code"] = Cell(m.group(1))
    return out
