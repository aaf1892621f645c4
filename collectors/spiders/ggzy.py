"""全国公共资源交易平台 (ggzy.gov.cn), the national aggregator."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from collectors import state
from collectors.parsers.ggzy import parse_b_page
from collectors.spiders.base import JsonListSpider, guarded
from models.assemble import Cell
from models.codelists import GGZY_CLASSIFY, NOTICE_TYPE_WORDS

# DEAL_STAGE codes per DEAL_CLASSIFY (source-formats.md §1.1, verified from the live page config)
STAGES: dict[str, tuple[str, ...]] = {
    "01": ("0101", "0102", "0104", "0105"),
    "02": ("0201", "0202", "0203", "0204"),
    "03": ("0301", "0302"),
    "04": ("0401", "0402", "0403", "0404"),
    "05": ("0501", "0502"),
}
PROVINCES = ("110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000", "320000",
             "330000", "340000", "350000", "360000", "370000", "410000", "420000", "430000", "440000", "450000",
             "460000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000", "640000",
             "650000", "660000")


class GgzySpider(JsonListSpider):
    """全国公共资源交易平台: all five areas through DEAL_CLASSIFY 01-05 and their DEAL_STAGE codes.

    Source: https://www.ggzy.gov.cn — list API ``POST /information/pubTradingInfo/getTradList``
    (form: DEAL_CLASSIFY, DEAL_STAGE, DEAL_TIME=06 with TIMEBEGIN/TIMEEND, DEAL_PROVINCE,
    PAGENUMBER; answer ``{code, data:{records, total, pages}}``), then each record's "b" page
    (``/information/deal/html/b/{province}/{stage}/{yyyymmdd}/{id}.html``; the list links the "a"
    project page, rewritten to "b").
    Coverage: 工程建设 0101/0102/0104/0105, 政府采购 0201-0204, 土地使用权 0301/0302, 矿业权
    0401-0404, 国有产权 0501/0502, every province, between the spider arguments ``since`` and
    ``until``.
    Fields: through the shared page reader (``gongkai parse``'s): title (h4.h4_o), 发布时间/签署时间,
    信息来源 (publisher), every ``<th>``/``<td>`` row of ``table.detail_Table`` or the nested document
    (project number, parties, amounts, areas), award tables (lots), the text and attachments.
    Caveats: ``total`` stops at 1,000, so a capped query is sliced by halving its date range down
    to one day, then by province; a query still capped is an error row. The stage code is often
    wrong (0104 mixes candidates, results and failures; results appear under 0201): the notice
    type is re-derived from the title. A detail fetch can answer JSON ``{"code":800}`` (an error
    row after retries). The page's JS variables (myareaId…) are stale and never read. A captcha
    (code 829) is not solved: the query becomes an error row.
    Disclosure deadline: 政府采购 results within 2 working days of the award (政府采购法实施条例
    第四十三条); 招标投标 candidates within 3 days of the evaluation report, publicized for at
    least 3 days (招标投标法实施条例 第五十四条).
    """

    name = "ggzy"
    platform = "全国公共资源交易平台"
    default_base_url = "https://www.ggzy.gov.cn"
    parser_version = "2"  # 2: the shared page reader (collectors.parsers.pages)
    kinds = ("tender", "procurement", "land", "mining", "state_asset")
    page_size = 20
    result_cap: ClassVar[int] = 1000
    entries_at = "data.records"
    LIST = "/information/pubTradingInfo/getTradList"

    def queries(self) -> Iterable[dict[str, Any]]:
        for classify, stages in STAGES.items():
            for stage in stages:
                yield {"classify": classify, "stage": stage, "begin": self.since.isoformat(),
                       "end": self.until.isoformat(), "province": "0"}

    def list_request(self, query: dict[str, Any], page: int) -> scrapy.Request:
        form = {
            "FINDTXT": "", "PAGENUMBER": str(page), "DEAL_TIME": "06", "TIMEBEGIN": query["begin"],
            "TIMEEND": query["end"], "DEAL_CLASSIFY": query["classify"], "DEAL_STAGE": query["stage"],
            "DEAL_PROVINCE": query["province"], "DEAL_CITY": "0", "DEAL_PLATFORM": "0", "DEAL_TRADE": "0",
            "SOURCE_TYPE": "1", "isShowAll": "1",
        }
        return self.form_request(self.LIST, self.parse_list, form, cb_kwargs={"query": query, "page": page},
                                 headers={"Referer": self.url("/deal/dealList.html")}, dont_filter=True)

    def entries(self, data: Any) -> list[Any]:
        return data["data"]["records"] or []

    def total(self, data: Any) -> int:
        if data.get("code") != 200:
            raise ValueError(f"the list API answered code {data.get('code')}: {data.get('message')}")
        return int(data["data"]["total"])

    def split(self, query: dict[str, Any]) -> list[dict[str, Any]] | None:
        begin, end = date.fromisoformat(query["begin"]), date.fromisoformat(query["end"])
        if begin < end:
            middle = begin + (end - begin) // 2
            return [{**query, "end": middle.isoformat()}, {**query, "begin": (middle + timedelta(days=1)).isoformat()}]
        if query["province"] == "0":
            return [{**query, "province": p} for p in PROVINCES]
        return None

    def detail_request(self, entry: Any, query: dict[str, Any]) -> scrapy.Request | None:
        url = entry["url"].replace("/html/a/", "/html/b/")
        fp = state.fingerprint({k: entry.get(k) for k in ("title", "publishTime", "informationType", "url")})
        if self.unchanged(url, fp):
            return None
        return self.request(url, self.parse_detail, cb_kwargs={"entry": entry, "fingerprint": fp})

    @guarded
    def parse_detail(self, response: Response, entry: dict[str, Any], fingerprint: str) -> Iterator[Any]:
        kind = GGZY_CLASSIFY[entry["informationType"][:2]]
        extracted = parse_b_page(response.text, kind, response.url)
        stage_word = entry.get("informationTypeText")
        if stage_word in NOTICE_TYPE_WORDS:  # 开标记录/公开信息 name no stage: derived from the content
            extracted.cells.setdefault("notice_type", Cell(stage_word))
        yield self.notice(response, kind.value, extracted, fingerprint=fingerprint,
                          publisher=entry.get("transactionSourcesPlatformText"))
