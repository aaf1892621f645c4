"""自然资源部 矿业权出让结果公示 (ky.mnr.gov.cn)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from scrapy.http import Response

from collectors.parsers.mnr import parse_detail
from collectors.spiders.base import HtmlListSpider
from models.assemble import Cell

_PAGES = re.compile(r"createPageHTML\(\s*(\d+)")


class MnrMiningSpider(HtmlListSpider):
    """自然资源部 矿业权出让结果公示: exploration (探矿权) and mining (采矿权) right results.

    Source: https://ky.mnr.gov.cn — channel lists ``/jggs/jjgs/`` (探矿权出让结果公示) and
    ``/jggs/ckjjgs/`` (采矿权出让结果公示): ``index.htm``, ``index_1.htm`` … (page count from
    ``createPageHTML(N, …)``), notices ``…/YYYYMM/tYYYYMMDD_NNNNNNN.htm``.
    Coverage: both result channels, all provinces (the ministry republishes provincial results).
    Fields: 项目名称 (NA_APP_NAME), 矿业权类型 (APP_CATEGORY), 矿种 (MAIN_MINE_Name), 出让人
    (NA_CESSION), 受让人 and its USCC (NA_CESSIONARY[_CODE]), 面积 (QT_TOTAL_AREA, 平方千米), 成交价
    (QT_CESSION_PRICE, 万元), 成交日期, 出让方式, 勘查阶段 / 开采规模, 缴纳方式, 行政区; the publisher and time.
    Caveats: pages are knockout.js templates; values are read from ``data-bind`` spans with an
    HTML parser (bindings absent from the static HTML are simply missing). Units are 平方千米 and
    万元. The same results are on ggzy (0402): the store keeps one notice with both sources.
    Disclosure deadline: 出让结果 publicized for at least 10 working days (《矿业权出让交易规则》
    第四十二条, reported).
    """

    name = "mnr"
    platform = "自然资源部"
    default_base_url = "https://ky.mnr.gov.cn"
    parser_version = "2"  # 2: the shared page reader (collectors.parsers.pages)
    kinds = ("mining",)
    channels: ClassVar[tuple[str, ...]] = ("jjgs", "ckjjgs")

    def list_urls(self) -> Iterable[str]:
        for channel in self.channels:
            yield f"/jggs/{channel}/index.htm"

    def entries(self, response: Response) -> Iterable[tuple[str, dict[str, Any]]]:
        for li in response.css("ul.list > li"):
            href = li.css("a::attr(href)").get()
            if href:
                yield href, {"href": href, "title": li.css("a::attr(title)").get(), "day": li.css("span::text").get()}

    def page_count(self, response: Response) -> int:
        m = _PAGES.search(response.text)
        return int(m.group(1)) if m else 1

    def page_url(self, first: str, page: int) -> str:
        return first.replace("index.htm", f"index_{page}.htm")

    def parse_detail(self, response: Response, entry: dict[str, Any]) -> Iterator[Any]:
        extracted = parse_detail(response.text, response.url)
        extracted.cells.setdefault("notice_type", Cell("出让结果"))
        yield self.notice(response, "mining", extracted, publisher=self.platform)
