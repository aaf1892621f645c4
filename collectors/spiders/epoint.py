"""Epoint (新点) provincial platforms: 江苏省公共资源交易网."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from collectors import state
from collectors.parsers.epoint import parse_detail
from collectors.spiders.base import JsonListSpider, guarded
from models.assemble import Cell
from models.codelists import NOTICE_TYPE_WORDS

# categorynum → kind (the hierarchical code's first six digits name the area, §1.4)
AREAS = {"003001": "tender", "003004": "procurement", "003013": "land", "003006": "state_asset"}


class EpointJiangsuSpider(JsonListSpider):
    """江苏省公共资源交易网 (Epoint 新点 family): engineering tenders and government procurement.

    Source: http://jsggzy.jszwfw.gov.cn — full-text search ``POST
    /inteligentsearch/rest/inteligentSearch/getFullTextData`` (JSON body: ``pn`` a record offset
    0, 20, 40…, ``rn`` the page size, ``condition`` on ``categorynum``, ``time`` on ``infodatepx``),
    answer ``result.totalcount`` and ``result.records[]`` (``title, infodateformat, categorynum,
    categoryname, linkurl, infoid``), then each record's ``linkurl`` detail page.
    Coverage: 建设工程 (categorynum 003001…) and 政府采购 (003004…) between ``since`` and ``until``.
    Fields: through the shared page reader (``gongkai parse``'s): title, 信息来源 (publisher), 信息时间,
    the numbered ``label：value`` paragraphs, tables and award tables, the text and attachments.
    Caveats: ``pn`` is an offset, not a page number. ``categorynum`` is hierarchical: the spider
    asks for the two top-level areas and reads the leaf from each record. Jiangsu notices are
    also on the national ggzy: the store keeps one notice with both sources. Other Epoint
    provinces (Zhejiang, Hebei, Sichuan…) use the same API under their own base URL.
    Disclosure deadline: as for ggzy (政府采购 results within 2 working days; tender candidates
    within 3 days of the evaluation report).
    """

    name = "epoint"
    platform = "江苏省公共资源交易网"
    default_base_url = "http://jsggzy.jszwfw.gov.cn"
    parser_version = "2"  # 2: the shared page reader (collectors.parsers.pages)
    kinds = ("tender", "procurement")
    page_size = 20
    entries_at = "result.records"
    categories: ClassVar[tuple[str, ...]] = ("003001", "003004")
    LIST = "/inteligentsearch/rest/inteligentSearch/getFullTextData"

    def queries(self) -> Iterable[dict[str, Any]]:
        for cat in self.categories:
            yield {"categorynum": cat}

    def list_request(self, query: dict[str, Any], page: int) -> scrapy.Request:
        body = {
            "token": "", "pn": (page - 1) * self.page_size, "rn": self.page_size, "sdt": "", "edt": "", "wd": "",
            "inc_wd": "", "exc_wd": "", "fields": "title", "cnum": "001", "sort": '{"infodatepx":"0"}', "ssort": "title",
            "cl": 200, "terminal": "", "condition": [{"fieldName": "categorynum", "isLike": True, "likeType": 2,
                                                      "equal": query["categorynum"]}],
            "time": [{"fieldName": "infodatepx", "startTime": f"{self.since} 00:00:00",
                      "endTime": f"{self.until} 23:59:59"}],
            "highlights": "title", "statistics": None, "unionCondition": None, "accuracy": "", "noParticiple": "0",
            "searchRange": None, "isBusiness": "1",
        }
        return self.json_request(self.LIST, self.parse_list, body, cb_kwargs={"query": query, "page": page},
                                 dont_filter=True)

    def entries(self, data: Any) -> list[Any]:
        return data["result"]["records"] or []

    def total(self, data: Any) -> int:
        return int(data["result"]["totalcount"])

    def detail_request(self, entry: Any, query: dict[str, Any]) -> scrapy.Request | None:
        fp = state.fingerprint({k: entry.get(k) for k in ("title", "infodateformat", "categorynum", "linkurl")})
        if self.unchanged(entry["linkurl"], fp):
            return None
        return self.request(entry["linkurl"], self.parse_detail, cb_kwargs={"entry": entry, "fingerprint": fp})

    @guarded
    def parse_detail(self, response: Response, entry: dict[str, Any], fingerprint: str) -> Iterator[Any]:
        from models.codelists import Kind

        kind = Kind(AREAS[entry["categorynum"][:6]])
        extracted = parse_detail(response.text, kind, response.url)
        if entry.get("categoryname") in NOTICE_TYPE_WORDS:
            extracted.cells.setdefault("notice_type", Cell(entry["categoryname"]))
        yield self.notice(response, kind.value, extracted, fingerprint=fingerprint, publisher=entry.get("zhuanzai"))
