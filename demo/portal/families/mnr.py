"""自然资源部 矿业权出让结果公示 (spider ``mnr``): channel lists and knockout ``data-bind`` pages."""

from __future__ import annotations

import math
from decimal import Decimal

from aiohttp import web

from collectors.parsers import mnr as mnr_keys
from demo.generate import centi_of, wan_text
from demo.portal.base import TEMPLATES, Family, charset, detail_page, label_for
from demo.portal.catalog import Copy, cell_text, value_kind
from models.fields import ValueKind

CHANNELS = {"jjgs": ("探矿权", "探矿权出让结果公示"), "ckjjgs": ("采矿权", "采矿权出让结果公示")}  # → (right, name)


class Mnr(Family):
    name = "mnr"
    routes = (
        ("GET", r"/jggs/{channel}/index.htm", "listing"),
        ("GET", r"/jggs/{channel}/index_{page:\d+}.htm", "listing"),
        ("GET", r"/jggs/{channel}/{month:\d{6}}/{name}.htm", "detail"),
    )
    size = 10  # entries per list page

    @staticmethod
    def detail_path(c: Copy) -> str:
        n = c.notice
        channel = "jjgs" if n.values.get("right_type") == "探矿权" else "ckjjgs"
        return f"/jggs/{channel}/{n.published_at:%Y%m}/t{n.published_at:%Y%m%d}_{int(n.ident[:7], 16)}.htm"

    async def listing(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        if channel not in CHANNELS:
            raise web.HTTPNotFound
        page = request.match_info.get("page")
        current = int(page) if page else 0
        right, channel_name = CHANNELS[channel]
        rows = [c for c in self.copies() if c.notice.values.get("right_type") == right]
        pages = max(1, math.ceil(len(rows) / self.size))
        if current >= pages:
            raise web.HTTPNotFound
        entries = [("." + self.detail_path(c).split(f"/{channel}", 1)[1], c.notice.title,
                    c.notice.published_at.date().isoformat())
                   for c in rows[current * self.size:(current + 1) * self.size]]
        html = TEMPLATES.get_template("mnr_list.html").render(channel_name=channel_name, entries=entries,
                                                               pages=pages, current=current)
        return web.Response(text=html, content_type="text/html")

    @detail_page
    async def detail(self, request: web.Request, c: Copy) -> web.StreamResponse:
        n = c.notice
        rows = [("行政区", "NA_REGION", n.region)]
        for name, value in n.values.items():
            binding = mnr_keys.FIELD_BINDING.get(name)
            if binding is None:
                continue
            if isinstance(value, Decimal) and value_kind(n.kind, name) is ValueKind.area:
                centi = centi_of(value)  # 平方千米 with eight places, no unit (the binding's)
                text = f"{centi // 100_000_000}.{centi % 100_000_000:08d}"
            elif isinstance(value, Decimal):  # 万元
                text = wan_text(value)
            else:
                text = cell_text(n.kind, name, value, n.index)
            rows.append((label_for(n.kind, name), binding, text))
        html = TEMPLATES.get_template("mnr_detail.html").render(n=n, rows=rows, charset=charset(c))
        return await self.server.page(request, c, html)
