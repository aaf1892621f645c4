"""中国土地市场网 (landchina.com, the new JSON API)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import TextResponse

from collectors import state
from collectors.parsers import ParseError
from collectors.parsers.landchina_api import parse_detail
from collectors.spiders.base import JsonListSpider, guarded
from models.assemble import Cell


class LandchinaSpider(JsonListSpider):
    """中国土地市场网 供地结果 (land supply results) from the new JSON API.

    Source: https://api.landchina.com — ``POST /tGdxm/result/list`` (JSON ``{"pageNum", "pageSize",
    "startDate", "endDate"}``; answer ``data.list[]``, ``data.total``, ``data.hasNextPage``), then
    ``POST /tGdxm/result/detail {"gdGuid": …}`` (answer ``data`` and ``relate[]``); the page people
    read is ``https://www.landchina.com/#/landSupplyDetail?id={gdGuid}&type=供地结果&path=0``.
    Coverage: every 供地结果 published between ``since`` and ``until`` (all divisions).
    Fields: 行政区 (xzqFullName), 电子监管号 (dzBaBh), 项目名称, 宗地坐落, 面积 (gyMj, 公顷), 土地用途,
    供地方式, 土地使用年限, 行业分类, 土地级别, 成交价格 (je, 万元), 土地使用权人 (srr, else relate[0].srDw),
    约定容积率, 约定交地/开工/竣工时间, 批准单位, 合同签订日期, 发布时间 (fbSj).
    Caveats: areas are hectares and prices 万元 in this API (m² in the transfer API). The site
    throttles: a blocked answer carries the sentinel ``5c8f40a2-…`` (retried, then an error row).
    The ``Hash`` header is reported as optional and is not sent. The title is derived from the
    project name (the API has none).
    Disclosure deadline: 供地结果 within 10 working days of signing the contract or the allocation
    decision (国土资源部 《关于加强土地供应信息公开的通知》 practice; reported, not verified).
    """

    name = "landchina"
    platform = "中国土地市场网"
    default_base_url = "https://api.landchina.com"
    parser_version = "1"
    kinds = ("land",)
    page_size = 20
    entries_at = "data.list"

    def queries(self) -> Iterable[dict[str, Any]]:
        yield {"startDate": f"{self.since} 00:00:00", "endDate": f"{self.until} 23:59:59"}

    def list_request(self, query: dict[str, Any], page: int) -> scrapy.Request:
        return self.json_request("/tGdxm/result/list", self.parse_list,
                                 {"pageNum": page, "pageSize": self.page_size, "xzqDm": "", **query},
                                 cb_kwargs={"query": query, "page": page}, dont_filter=True)

    def entries(self, data: Any) -> list[Any]:
        return data["data"]["list"] or []

    def total(self, data: Any) -> int:
        if data.get("code") != 200:
            raise ParseError(f"the list API answered code {data.get('code')}: {data.get('msg')}")
        return int(data["data"]["total"])

    def detail_request(self, entry: Any, query: dict[str, Any]) -> scrapy.Request | None:
        guid = entry["gdGuid"]
        page_url = f"https://www.landchina.com/#/landSupplyDetail?id={guid}&type=供地结果&path=0"
        fp = state.fingerprint(entry)
        if self.unchanged(page_url, fp):
            return None
        return self.json_request("/tGdxm/result/detail", self.parse_detail, {"gdGuid": guid}, dont_filter=True,
                                 meta={"location": f"gdGuid={guid}"},
                                 cb_kwargs={"fingerprint": fp, "page_url": page_url})

    @guarded
    def parse_detail(self, response: TextResponse, fingerprint: str, page_url: str) -> Iterator[Any]:
        try:
            answer = response.json()
        except ValueError as exc:
            raise ParseError(f"the detail answer is not JSON ({exc})") from exc
        extracted = parse_detail(answer)
        extracted.cells["notice_type"] = Cell("供地结果")
        yield self.notice(response, "land", extracted, fingerprint=fingerprint, publisher=self.platform,
                          url=page_url)

    def unchanged(self, url: str, fingerprint: str) -> bool:  # the key is the human page URL, not the API's
        if self.seen().get(url) == fingerprint:
            self.crawler.stats.inc_value("gongkai/details_skipped_unchanged")
            return True
        return False
