"""江苏省公共资源交易网, the Epoint (新点) family (spider ``epoint``): full-text search and detail pages."""

from __future__ import annotations

import json

from aiohttp import web

from demo.portal.base import TEMPLATES, Family, award_rows, detail_page, label_rows
from demo.portal.catalog import Copy


class Epoint(Family):
    name = "epoint"
    routes = (
        ("POST", "/inteligentsearch/rest/inteligentSearch/getFullTextData", "listing"),
        ("GET", r"/jyxx/{top}/{cat}/{day}/{id}.html", "detail"),
    )

    @staticmethod
    def detail_path(c: Copy) -> str:
        day = c.notice.published_at.strftime("%Y%m%d")
        return f"/jyxx/{c.stage[:6]}/{c.stage}/{day}/{c.notice.ident}.html"

    async def listing(self, request: web.Request) -> web.Response:
        try:
            query = await request.json()
            pn, rn = int(query.get("pn", 0)), int(query.get("rn", 20))  # pn: a record offset, not a page
        except (ValueError, TypeError, json.JSONDecodeError):
            return web.json_response({"result": None, "error": "bad request"}, status=400)
        wanted = ""
        for cond in query.get("condition") or []:
            if cond.get("fieldName") == "categorynum":
                wanted = str(cond.get("equal", ""))
        rows = [c for c in self.copies() if c.stage.startswith(wanted)]
        records = [{
            "title": c.notice.title, "infodateformat": c.notice.published_at.date().isoformat(),
            "infodate": c.notice.published_at.strftime("%Y-%m-%d %H:%M:%S"), "categorynum": c.stage,
            "categoryname": c.stage_text, "linkurl": self.detail_path(c), "infoid": c.notice.ident,
            "zhuanzai": c.notice.publisher,
        } for c in rows[pn: pn + rn]]
        return web.json_response({"result": {"categorys": [], "totalcount": len(rows), "records": records}})

    @detail_page
    async def detail(self, request: web.Request, c: Copy) -> web.StreamResponse:
        n = c.notice
        html = TEMPLATES.get_template("epoint_detail.html").render(
            n=n, rows=label_rows(n, n.index + 1, awards=True), awards=award_rows(n), category_name=c.stage_text,
            category_num=c.stage)
        return await self.server.page(request, c, html)
