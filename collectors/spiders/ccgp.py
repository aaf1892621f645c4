"""中国政府采购网 (ccgp.gov.cn)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from scrapy.http import Response

from collectors.parsers import ParseError
from collectors.parsers.ccgp import parse_detail
from collectors.spiders.base import HtmlListSpider
from models.assemble import Cell

# channel → notice type word (source-formats.md §2 channel URLs)
CHANNELS = {"gkzb": "采购公告", "jzxcs": "采购公告", "jzxtpgg": "采购公告", "xjgg": "采购公告", "dylygg": "采购公告",
            "gzgg": "更正公告", "zbgg": "中标公告", "cjgg": "成交公告", "fblbgg": "终止公告"}
_PAGER = re.compile(r"Pager\(\{\s*size\s*:\s*(\d+)")


class CcgpSpider(HtmlListSpider):
    """中国政府采购网: local (地方) procurement notices, corrections and results.

    Source: http://www.ccgp.gov.cn — channel lists ``/cggg/dfgg/{channel}/index.htm`` then
    ``index_1.htm`` … (``ul.c_list_bid li``: link, time; page count from the ``Pager({size:N…})``
    script), notices ``/cggg/dfgg/{channel}/{yyyymm}/t{yyyymmdd}_{id}.htm``.
    Coverage: ``channels`` (default gkzb 公开招标, gzgg 更正, zbgg 中标, fblbgg 废标/终止; the
    spider argument ``channels=gkzb,cjgg`` chooses others).
    Fields: through the shared page reader (``gongkai parse``'s): title, 公告时间, publisher (来源, else
    the site), the 公告概要 table (采购项目名称, 品目, 采购单位, 行政区域, 代理机构名称), the body's numbered
    ``label：value`` paragraphs (项目编号, 预算金额, 采购方式…), award and candidate tables (lots, winners,
    USCCs, amounts), the notice text and its attachments. A correction links to what it changes through 原公告编号 or the
    original's URL (``地址：http…``) and to its project through 原公告的采购项目编号.
    Caveats: www answers 403 to bare clients and a "频繁访问" page with HTTP 200 under load (detected,
    retried, then an error row); use http, not https (500). Values are padded with U+3000. Some
    provincial pages are GBK. Nested HTML documents in the body are read as text.
    Disclosure deadline: procurement results within 2 working days of the award (政府采购法实施条例
    第四十三条); corrections at least 15 days before the bid deadline when they change the
    documents (同条例 第三十一条).
    """

    name = "ccgp"
    platform = "中国政府采购网"
    default_base_url = "http://www.ccgp.gov.cn"
    parser_version = "2"  # 2: the shared page reader (collectors.parsers.pages)
    kinds = ("procurement",)
    channels: tuple[str, ...] = ("gkzb", "gzgg", "zbgg", "fblbgg")

    def __init__(self, *args: Any, channels: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if channels:
            self.channels = tuple(c.strip() for c in channels.split(",") if c.strip())

    def list_urls(self) -> Iterable[str]:
        for channel in self.channels:
            yield f"/cggg/dfgg/{channel}/index.htm"

    def entries(self, response: Response) -> Iterable[tuple[str, dict[str, Any]]]:
        for li in response.css("ul.c_list_bid > li"):
            href = li.css("a::attr(href)").get()
            if href:
                yield href, {"href": href, "title": li.css("a::attr(title)").get(), "time": li.css("em::text").get()}

    def page_count(self, response: Response) -> int:
        m = _PAGER.search(response.text)
        return int(m.group(1)) if m else 1

    def page_url(self, first: str, page: int) -> str:
        return first.replace("index.htm", f"index_{page}.htm")

    def parse_detail(self, response: Response, entry: dict[str, Any]) -> Iterator[Any]:
        m = re.search(r"/cggg/(?:dfgg|zygg)/([a-z]+)/", response.url)
        if not m:
            raise ParseError("not a ccgp notice URL")
        extracted = parse_detail(response.text, response.url)
        if m.group(1) in CHANNELS:
            extracted.cells["notice_type"] = Cell(CHANNELS[m.group(1)])
        yield self.notice(response, "procurement", extracted, publisher=self.platform)
