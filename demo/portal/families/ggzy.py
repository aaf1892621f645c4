"""全国公共资源交易平台 (spider ``ggzy``): the list API, "a" project pages and "b" notice pages."""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from demo.portal.base import TEMPLATES, Family, award_rows, label_rows
from demo.portal.catalog import Copy
from models.codelists import GGZY_CLASSIFY


def classify(c: Copy) -> str:
    """The DEAL_CLASSIFY code of a copy: the first two digits of its DEAL_STAGE code, which
    :data:`models.codelists.GGZY_CLASSIFY` maps to the kind (the spider reads it the same way)."""
    return c.stage[:2]


class Ggzy(Family):
    name = "ggzy"
    routes = (
        ("POST", "/information/pubTradingInfo/getTradList", "listing"),
        ("GET", r"/information/deal/html/{ab:[ab]}/{prov}/{stage}/{day}/{id}.html", "detail"),
    )
    size = 20  # records per list page, as the real API

    @staticmethod
    def detail_path(c: Copy) -> str:
        n = c.notice
        day = n.published_at.strftime("%Y%m%d")
        return f"/information/deal/html/b/{n.region_code[:2]}0000/{c.stage}/{day}/00{n.region_code[:2]}{n.ident}.html"

    async def listing(self, request: web.Request) -> web.Response:
        form = await request.post()

        def field(name: str, default: str) -> str:
            value = form.get(name)
            return value if isinstance(value, str) else default  # a file part counts as absent

        code, stage, province = field("DEAL_CLASSIFY", "00"), field("DEAL_STAGE", "0000"), field("DEAL_PROVINCE", "0")
        begin = field("TIMEBEGIN", "") or "1900-01-01"
        end = field("TIMEEND", "") or "2999-12-31"
        try:
            page = int(field("PAGENUMBER", "1"))
        except ValueError:
            return web.json_response({"code": 801, "message": "参数错误", "data": None})
        rows = []
        for c in self.copies():
            n = c.notice
            if code not in ("00", "") and GGZY_CLASSIFY.get(code) is not n.kind:
                continue
            if stage not in ("0000", "", f"{code}00") and c.stage != stage:
                continue
            if province not in ("0", "") and n.region_code[:2] + "0000" != province:
                continue
            if not begin <= n.published_at.date().isoformat() <= end:
                continue
            rows.append(c)
        total = min(len(rows), self.server.result_cap)  # the real API stops at 1000 (§1.2)
        size = self.size
        chunk = rows[(page - 1) * size: page * size] if (page - 1) * size < total else []
        records = [self.record(c) for c in chunk]
        if self.server.catalog.adversarial and chunk and page == 1 and (code, stage, province) == ("01", "0101", "0"):
            records[1:1] = self.hostile_records(chunk[0])  # good records before and after them
        return web.json_response({"code": 200, "message": "success", "data": {
            "records": records, "total": total, "size": size, "current": page, "orders": [],
            "optimizeCountSql": True, "searchCount": True, "countId": None, "maxLimit": None,
            "pages": math.ceil(total / size)}, "usetime": 0, "timestamp": 1773709917717})

    def record(self, c: Copy) -> dict[str, Any]:
        n = c.notice
        b_path = self.detail_path(c)
        return {
            "id": b_path.rsplit("/", 1)[1].removesuffix(".html"), "addTime": None,
            "publishTime": n.published_at.date().isoformat(), "deadline": None, "dataSources": None,
            "dataSourcesText": None, "transactionSourcesPlatform": None, "transactionSourcesPlatformText": n.publisher,
            "businessType": classify(c), "businessTypeText": None, "informationType": c.stage,
            "informationTypeText": c.stage_text, "industryType": None, "industryTypeText": "",
            "province": n.region_code[:2] + "0000", "provinceText": None, "city": None, "cityText": None,
            "title": n.title, "tenderProjectCode": n.values.get("project_no"), "bodyContent": None,
            "url": b_path.replace("/html/b/", "/html/a/"), "syncTableName": None, "dataTimestamp": None,
            "pinformationType": None,
        }

    def hostile_records(self, first: Copy) -> list[dict[str, Any]]:
        """List records no spider may follow (adversarial catalogs): another host, ``file:``,
        ``data:``, and a malformed record; ``first`` gives them a plausible shape."""
        record = self.record(first)
        other = f"http://localhost:{self.server.base.rsplit(':', 1)[-1]}" + record["url"]  # this server, another name
        page = ("<html><body><h4 class='h4_o'>伪造公告</h4><p>发布时间：2026-01-01</p>"
                "<table class='detail_Table'><tr><th>项目名称</th><td>伪造</td></tr></table></body></html>")
        return [{"id": "bad"},
                {**record, "id": "other-host", "url": other},
                {**record, "id": "file", "url": "file:///etc/hostname"},
                {**record, "id": "data", "url": "data:text/html;charset=utf-8," + page}]

    async def detail(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        c = self.server.by_path.get(path.replace("/html/a/", "/html/b/"))
        if c is None:
            raise web.HTTPNotFound
        if "/html/a/" in path:  # the project page: one tab per notice of the project
            tabs = [(x.notice.title, x.stage, self.detail_path(x), x.notice.published_at.date().isoformat())
                    for x in self.server.catalog.on(self.name) if x.notice.project_key == c.notice.project_key]
            html = TEMPLATES.get_template("ggzy_a.html").render(n=c.notice, tabs=tabs, classify=classify(c),
                                                                stage=c.stage)
            return web.Response(text=html, content_type="text/html")
        fault = await self.server.faulted(c, path)
        if fault is not None:
            return fault
        n = c.notice
        html = TEMPLATES.get_template("ggzy_b.html").render(
            n=n, rows=label_rows(n, n.index, awards=True), awards=award_rows(n),
            time_label="签署时间" if n.notice_type == "contract" else "发布时间")
        return await self.server.page(request, c, html)
