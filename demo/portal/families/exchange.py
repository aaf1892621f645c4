"""北京产权交易所, the CBEX family (spider ``exchange``): a JSONP list and ``textarea#jsonobj`` pages."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from aiohttp import web

from collectors.parsers import exchange as exchange_keys
from demo.generate import wan_text
from demo.portal.base import TEMPLATES, Family, charset, detail_page
from demo.portal.catalog import Copy, cell_text


class Exchange(Family):
    name = "exchange"
    routes = (
        ("GET", "/onss-api/jsonp/project/search", "listing"),
        ("GET", r"/project/{no}/{id}.html", "detail"),
    )

    @staticmethod
    def detail_path(c: Copy) -> str:
        return f"/project/{c.notice.values.get('project_no', 'X')}/{c.notice.ident}.html"

    async def listing(self, request: web.Request) -> web.Response:
        q = request.query
        callback = q.get("callback", "jQuery")
        if not callback.replace("_", "").isalnum():
            raise web.HTTPBadRequest(text="bad callback")
        mark = q.get("mark", "xm")  # xm: listings, cj: results
        try:
            page, size = int(q.get("fromPage", "1")), int(q.get("pageSize", "15"))
        except ValueError:
            raise web.HTTPBadRequest(text="bad page") from None
        rows = [c for c in self.copies() if (c.notice.notice_type == "result") == (mark == "cj")]
        data = [{"xmbh": c.notice.values.get("project_no"), "xmmc": c.notice.title,
                 "disclosuretime": c.notice.published_at.strftime("%Y-%m-%d %H:%M:%S"),
                 "url": self.detail_path(c)} for c in rows[(page - 1) * size: page * size]]
        answer = {"code": 0, "data": {"data": data, "totalPage": max(1, math.ceil(len(rows) / size)),
                                      "total": len(rows)}}
        return web.Response(text=f"{callback}({json.dumps(answer, ensure_ascii=False)})",
                            content_type="application/javascript")

    @detail_page
    async def detail(self, request: web.Request, c: Copy) -> web.StreamResponse:
        n = c.notice
        data: dict[str, Any] = {"ggbt": n.title, "fbsj": n.published_at.strftime("%Y-%m-%d %H:%M"),
                                "fbjg": n.publisher, "szdq": n.region}
        for name, value in n.values.items():
            key = exchange_keys.FIELD_KEY.get(name)
            if key is None:
                continue
            if isinstance(value, Decimal):  # 万元 (the exchange has no area fields)
                data[key] = wan_text(value)
            else:
                data[key] = cell_text(n.kind, name, value, n.index)
        html = TEMPLATES.get_template("exchange_detail.html").render(
            n=n, json=json.dumps(data, ensure_ascii=False), charset=charset(c))
        return await self.server.page(request, c, html)
