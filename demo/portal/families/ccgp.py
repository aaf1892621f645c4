"""中国政府采购网 (spider ``ccgp``): channel lists with a ``Pager(…)`` and notice pages."""

from __future__ import annotations

import math

from aiohttp import web

from demo.portal.base import (
    AWARD_FIELDS,
    CN_NUMERALS,
    TEMPLATES,
    Family,
    award_rows,
    charset,
    detail_page,
    field_texts,
    label_for,
)
from demo.portal.catalog import Copy

CHANNEL_NAMES = {"gkzb": "公开招标公告", "gzgg": "更正公告", "zbgg": "中标公告", "fblbgg": "废标公告"}
SUMMARY_FIELDS = ("project_name", "category", "buyer", "agent")  # the 公告概要 table


class Ccgp(Family):
    name = "ccgp"
    routes = (
        ("GET", r"/cggg/dfgg/{channel}/index.htm", "listing"),
        ("GET", r"/cggg/dfgg/{channel}/index_{page:\d+}.htm", "listing"),
        ("GET", r"/cggg/dfgg/{channel}/{month:\d{6}}/{name}.htm", "detail"),
    )
    size = 10  # entries per list page

    @staticmethod
    def detail_path(c: Copy) -> str:
        n = c.notice
        number = n.values.get("notice_no") or f"t{n.published_at:%Y%m%d}_{int(n.ident[:7], 16)}"
        return f"/cggg/dfgg/{c.stage}/{n.published_at:%Y%m}/{number}.htm"

    async def listing(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        if channel not in CHANNEL_NAMES:
            raise web.HTTPNotFound
        page = request.match_info.get("page")
        current = int(page) if page else 0
        rows = [c for c in self.copies() if c.stage == channel]
        pages = max(1, math.ceil(len(rows) / self.size))
        if current >= pages:
            raise web.HTTPNotFound
        entries = [("." + self.detail_path(c).split(f"/{channel}", 1)[1], c.notice.title,
                    c.notice.published_at.strftime("%Y-%m-%d %H:%M"), c.notice.region[:3],
                    c.notice.values.get("buyer", ""))
                   for c in rows[current * self.size:(current + 1) * self.size]]
        html = TEMPLATES.get_template("ccgp_list.html").render(channel_name=CHANNEL_NAMES[channel], entries=entries,
                                                                pages=pages, current=current)
        return web.Response(text=html, content_type="text/html")

    @detail_page
    async def detail(self, request: web.Request, c: Copy) -> web.StreamResponse:
        n = c.notice
        texts = field_texts(n, n.index + 2)
        summary = [(label_for(n.kind, f), texts.pop(f)) for f in SUMMARY_FIELDS if f in texts]
        awards = award_rows(n)
        if awards:  # as the real result pages: 中标（成交）信息 as a table, amounts in 万元
            for f in AWARD_FIELDS:
                texts.pop(f, None)
        body = [(label_for(n.kind, f), t) for f, t in texts.items()]
        html = TEMPLATES.get_template("ccgp_detail.html").render(
            n=n, summary=summary, body=body, awards=awards, numerals=CN_NUMERALS, channel_name=CHANNEL_NAMES[c.stage],
            charset=charset(c))
        return await self.server.page(request, c, html)
