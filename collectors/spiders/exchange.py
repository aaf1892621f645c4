"""北京产权交易所 (CBEX family): state-owned property-rights listings and results."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from collectors import state
from collectors.parsers import ParseError
from collectors.parsers.exchange import parse_detail
from collectors.spiders.base import JsonListSpider, guarded

_JSONP = re.compile(r"^\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.S)


class ExchangeSpider(JsonListSpider):
    """北京产权交易所: 挂牌披露 listings (and their corrections, terminations) and 交易结果 results.

    Source: https://www.cbex.com.cn — JSONP list ``GET /onss-api/jsonp/project/search?callback=…
    &fromPage=N&pageSize=15&mark=xm`` (listings) or ``mark=cj`` (results; the ``mark`` value for
    results is this project's reading, not verified), answer ``callback({"data":{"data":[…],
    "totalPage":N}})``, then each project's page with its JSON in ``textarea#jsonobj``.
    Coverage: equity (股权) and physical-asset (实物资产) projects of the exchange.
    Fields: 项目编号, 标的名称, 转让方 (+ USCC), 转让底价/挂牌价格 (万元), 评估值, 交易方式, 受让方 (+ USCC),
    成交金额 (万元), 成交日期, 转让比例, 信息披露起止日期, 所在地区, the title, time and publisher.
    Caveats: the real site sits behind a 加速乐 ``__jsl_clearance_s`` JavaScript challenge which this
    spider does not solve (a production run needs the cookie or a browser); amounts are 万元; 预披露
    rows have no price yet; some exchange pages are GBK (decoded as GB18030). The same deals appear
    on ggzy (0501/0502): one notice with both sources.
    Disclosure deadline: listings at least 20 working days (《企业国有资产交易监督管理办法》 第十三条),
    results within 5 working days after the contract (同办法, reported).
    """

    name = "exchange"
    platform = "北京产权交易所"
    default_base_url = "https://www.cbex.com.cn"
    parser_version = "1"
    kinds = ("state_asset",)
    page_size = 15
    entries_at = "data.data"

    def queries(self) -> Iterable[dict[str, Any]]:
        yield {"mark": "xm"}
        yield {"mark": "cj"}

    def list_request(self, query: dict[str, Any], page: int) -> scrapy.Request:
        url = (f"/onss-api/jsonp/project/search?callback=jQuery1124_{page}&fromPage={page}&pageSize={self.page_size}"
               f"&sortProperty=disclosuretime&sortDirection=1&mark={query['mark']}")
        return self.request(url, self.parse_list, cb_kwargs={"query": query, "page": page})

    @guarded
    def parse_list(self, response: Response, query: dict[str, Any], page: int) -> Iterator[Any]:
        m = _JSONP.match(response.text)
        if not m:
            raise ParseError("the list answer is not JSONP (a JavaScript challenge page?)")
        data = json.loads(m.group(1))
        yield from self.detail_requests(response, data["data"]["data"] or [], query)
        if page == 1:
            for p in range(2, int(data["data"]["totalPage"]) + 1):
                yield self.list_request(query, p)

    def detail_request(self, entry: Any, query: dict[str, Any]) -> scrapy.Request | None:
        fp = state.fingerprint(entry)
        if self.unchanged(entry["url"], fp):
            return None
        return self.request(entry["url"], self.parse_detail, cb_kwargs={"fingerprint": fp})

    @guarded
    def parse_detail(self, response: Response, fingerprint: str) -> Iterator[Any]:
        extracted = parse_detail(response.text)
        yield self.notice(response, "state_asset", extracted, fingerprint=fingerprint, publisher=self.platform)
