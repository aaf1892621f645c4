"""The imitation portal: one aiohttp server on 127.0.0.1 serving every source family.

Each family is served under its real paths with its real parameters and answer shapes
(source-formats.md): ggzy's ``POST /information/pubTradingInfo/getTradList`` and "a"/"b"
pages, Epoint's ``getFullTextData`` (``pn`` an offset) and detail pages, ccgp's channel lists
(``Pager(…)``) and notices, landchina's ``/tGdxm/result/list`` and ``/detail`` JSON, MNR's
knockout ``data-bind`` result pages (``createPageHTML(…)`` lists), a CBEX-style exchange
(JSONP list, ``textarea#jsonobj`` pages) and an OCDS publisher (release and record packages
with ``links.next``). Content comes from :mod:`demo.portal.catalog`, faults included.
Untrusted-looking text is escaped by Jinja2's autoescape like any HTML a portal sends.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from functools import cache, wraps
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from collectors.importers.headers import resolve
from collectors.parsers import exchange as exchange_keys
from collectors.parsers import landchina_api
from collectors.parsers import mnr as mnr_keys
from demo.generate import area_units, centi_of, fen_of, wan_text
from demo.portal.catalog import (
    CLASSIFY,
    Catalog,
    Copy,
    PortalNotice,
    build_catalog,
    cell_text,
    lot_cells,
    value_kind,
)
from models.assemble import specs_for
from models.codelists import Kind
from models.fields import ValueKind

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    keep_trailing_newline=True,
)
ROBOTS = """# Imitation portal: the same rules for every family
User-agent: *
Disallow: /admin/
Disallow: /information/captcha
"""
BLOCK_JSON = {"code": 800, "message": "系统繁忙，请稍后再试!"}
CCGP_NAMES = {"gkzb": "公开招标公告", "gzgg": "更正公告", "zbgg": "中标公告", "fblbgg": "废标公告"}
MNR_CHANNELS = {"jjgs": ("探矿权", "探矿权出让结果公示"), "ckjjgs": ("采矿权", "采矿权出让结果公示")}
PAGE = {"ccgp": 10, "mnr": 10}
_COMMON_ORDER = ("project_no", "project_name", "notice_no", "corrects")


# section numbers of a notice's body (一、项目编号：…), as the real pages print them
CN_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六",
               "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四", "二十五", "二十六", "二十七", "二十八",
               "二十九", "三十")


@cache
def label_for(kind: Kind, name: str) -> str:
    """The first published label of ``name`` that the shared label table reads back as ``name``."""
    spec = specs_for(kind)[name]
    for label in spec.labels:
        cols = resolve(kind, [label]).columns
        if cols and cols[0].field == name:
            return label
    raise LookupError(f"no label of {kind.value}.{name} resolves back to it")


def field_texts(n: PortalNotice, style: int) -> dict[str, str]:
    """Field → the text a page prints (lots flattened into the parallel lot columns)."""
    out: dict[str, str] = {}
    for name in _COMMON_ORDER:
        if name in n.values:
            out[name] = cell_text(n.kind, name, n.values[name], style)
    for name, value in n.values.items():
        if name in _COMMON_ORDER or name in ("lots", "kind"):
            continue
        out[name] = cell_text(n.kind, name, value, style)
    if n.values.get("lots"):
        out.update(lot_cells(n.values["lots"], style))
    return out


def award_rows(n: PortalNotice) -> list[tuple[str, str, str, str]]:
    """(lot, supplier, USCC, amount in 万元) of each winner, as the real result pages' award tables
    (包组 | 供应商名称 | 统一社会信用代码 | 中标金额(万元)) print them; exact, six places."""
    return [(lot.name or "", o.name, o.uscc, wan_text(a))
            for lot in n.values.get("lots") or [] for o, a in lot.winners]


_AWARD_FIELDS = ("lot", "winner", "winner_uscc", "award_amount")


def label_rows(n: PortalNotice, style: int, *, region: bool = True, awards: bool = False) -> list[tuple[str, str]]:
    """Label and text of each field; with ``awards`` the winners are left to :func:`award_rows`."""
    texts = field_texts(n, style)
    if awards and award_rows(n):
        texts = {k: v for k, v in texts.items() if k not in _AWARD_FIELDS}
    rows = [(label_for(n.kind, name), text) for name, text in texts.items()]
    if region:
        rows.append(("行政区域", n.region))
    return rows



def _detail_page(handler: Callable[..., Awaitable[web.StreamResponse]]) -> Callable[..., Awaitable[web.StreamResponse]]:
    """A detail page served at its own path: 404 when unknown; its catalogued fault, if any,
    replaces the page; otherwise ``handler(self, request, copy)`` renders it."""

    @wraps(handler)
    async def serve(self: Any, request: web.Request) -> web.StreamResponse:
        c = self.by_path.get(request.path)
        if c is None:
            raise web.HTTPNotFound
        fault = await self.faulted(c, request.path)
        if fault is not None:
            return fault
        return await handler(self, request, c)

    return serve

class Portal:
    """The server's state: the catalog, URL indexes, and which one-time faults have fired."""

    def __init__(self, catalog: Catalog, *, result_cap: int = 1000, stall: float = 30.0, slow: float = 1.5) -> None:
        self.catalog = catalog
        self.result_cap = result_cap
        self.stall = stall
        self.slow = slow
        self.fired: set[str] = set()
        self.hits: dict[str, int] = {}
        self.by_path: dict[str, Copy] = {}
        for c in catalog.copies:
            self.by_path[self.detail_path(c)] = c

    # -- URLs ---------------------------------------------------------------------------------
    @staticmethod
    def detail_path(c: Copy) -> str:
        n = c.notice
        day = n.published_at.strftime("%Y%m%d")
        if c.platform == "ggzy":
            return f"/information/deal/html/b/{n.region_code[:2]}0000/{c.stage}/{day}/00{n.region_code[:2]}{n.ident}.html"
        if c.platform == "epoint":
            return f"/jyxx/{c.stage[:6]}/{c.stage}/{day}/{n.ident}.html"
        if c.platform == "ccgp":
            number = n.values.get("notice_no") or f"t{day}_{int(n.ident[:7], 16)}"
            return f"/cggg/dfgg/{c.stage}/{n.published_at:%Y%m}/{number}.htm"
        if c.platform == "landchina":
            return f"/tGdxm/result/detail#{n.ident}"
        if c.platform == "mnr":
            channel = "jjgs" if n.values.get("right_type") == "探矿权" else "ckjjgs"
            return f"/jggs/{channel}/{n.published_at:%Y%m}/t{day}_{int(n.ident[:7], 16)}.htm"
        if c.platform == "exchange":
            return f"/project/{n.values.get('project_no', 'X')}/{n.ident}.html"
        return f"/ocds/{n.ident}"

    # -- faults ---------------------------------------------------------------------------------
    async def faulted(self, c: Copy, key: str) -> web.StreamResponse | None:
        """The response a fault replaces the page with, or None to serve the page."""
        self.hits[key] = self.hits.get(key, 0) + 1
        fault = c.fault
        if fault == "stall":
            await asyncio.sleep(self.stall)
        elif fault == "slow":
            await asyncio.sleep(self.slow)
        elif fault == "http500":
            return web.Response(status=500, text="Internal Server Error")
        elif fault == "rate_limited":  # never ends: the crawl gives up after its retries
            return web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "1"})
        elif fault == "retry_after" and key not in self.fired:
            self.fired.add(key)
            return web.Response(status=429, text="Too Many Requests", headers={"Retry-After": "1"})
        elif fault == "block_page" or (fault == "block_once" and key not in self.fired):
            self.fired.add(key)
            return web.Response(text=TEMPLATES.get_template("block.html").render(), content_type="text/html")
        elif fault == "code800":
            return web.json_response(BLOCK_JSON)
        elif fault == "sentinel":
            return web.json_response({"code": 200, "msg": landchina_api.BLOCK_SENTINEL, "data": None})
        elif fault == "empty":
            return web.Response(body=b"", content_type="application/json")
        return None

    async def page(self, request: web.Request, c: Copy, html: str, *, content_type: str = "text/html"
                   ) -> web.StreamResponse:
        """Send a page, applying the copy's encoding and body faults."""
        if c.fault == "gbk":
            return web.Response(body=html.encode("gb18030"), headers={"Content-Type": f"{content_type}; charset=GBK"})
        if c.fault == "mislabelled_gbk":  # GBK bytes, labelled UTF-8 (header and page)
            return web.Response(body=html.encode("gb18030"), headers={"Content-Type": f"{content_type}; charset=utf-8"})
        if c.fault == "oversize":
            return await self.endless(request, content_type)
        body = html.encode("utf-8")
        if c.fault == "truncated":
            return web.Response(body=body[: len(body) * 3 // 5], content_type=content_type, charset="utf-8")
        if c.fault == "dataloss":
            resp = web.StreamResponse(headers={"Content-Type": f"{content_type}; charset=utf-8"})
            resp.content_length = len(body)
            await resp.prepare(request)
            await resp.write(body[: len(body) // 2])
            await asyncio.sleep(0.05)
            if request.transport is not None:
                request.transport.close()
            return resp
        return web.Response(body=body, content_type=content_type, charset="utf-8")

    async def endless(self, request: web.Request, content_type: str) -> web.StreamResponse:
        """A chunked body without Content-Length that goes on until the client hangs up (64 MiB at most)."""
        resp = web.StreamResponse(headers={"Content-Type": f"{content_type}; charset=utf-8"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>"
        try:
            for _ in range(1024):
                await resp.write(chunk)
            await resp.write_eof()
        except (ConnectionError, RuntimeError):  # the client stopped reading: the point of the fault
            pass
        return resp

    def hostile_records(self, first: Copy) -> list[dict[str, Any]]:
        """List records no spider may follow (adversarial catalogs): another host, ``file:``,
        ``data:``, and a malformed record; ``first`` gives them a plausible shape."""
        record = self._ggzy_record(first)
        other = f"http://localhost:{self.base.rsplit(':', 1)[-1]}" + record["url"]  # this server, another host name
        page = ("<html><body><h4 class='h4_o'>伪造公告</h4><p>发布时间：2026-01-01</p>"
                "<table class='detail_Table'><tr><th>项目名称</th><td>伪造</td></tr></table></body></html>")
        return [{"id": "bad"},
                {**record, "id": "other-host", "url": other},
                {**record, "id": "file", "url": "file:///etc/hostname"},
                {**record, "id": "data", "url": "data:text/html;charset=utf-8," + page}]

    # -- ggzy -------------------------------------------------------------------------------------
    async def ggzy_list(self, request: web.Request) -> web.Response:
        form = await request.post()
        classify = form.get("DEAL_CLASSIFY", "00")
        stage = form.get("DEAL_STAGE", "0000")
        province = form.get("DEAL_PROVINCE", "0")
        begin = form.get("TIMEBEGIN") or "1900-01-01"
        end = form.get("TIMEEND") or "2999-12-31"
        try:
            page = int(form.get("PAGENUMBER", "1"))
        except ValueError:
            return web.json_response({"code": 801, "message": "参数错误", "data": None})
        rows = []
        for c in self.catalog.on("ggzy"):
            n = c.notice
            if classify not in ("00", "") and CLASSIFY[n.kind] != classify:
                continue
            if stage not in ("0000", "", f"{classify}00") and c.stage != stage:
                continue
            if province not in ("0", "") and n.region_code[:2] + "0000" != province:
                continue
            if not begin <= n.published_at.date().isoformat() <= end:
                continue
            rows.append(c)
        rows.sort(key=lambda c: (c.notice.published_at, c.notice.key), reverse=True)
        total = min(len(rows), self.result_cap)  # the real API stops at 1000 (§1.2)
        size = 20
        chunk = rows[(page - 1) * size: page * size] if (page - 1) * size < total else []
        records = [self._ggzy_record(c) for c in chunk]
        if self.catalog.adversarial and chunk and page == 1 and (classify, stage, province) == ("01", "0101", "0"):
            records[1:1] = self.hostile_records(chunk[0])  # good records before and after them
        return web.json_response({"code": 200, "message": "success", "data": {
            "records": records, "total": total, "size": size, "current": page, "orders": [],
            "optimizeCountSql": True, "searchCount": True, "countId": None, "maxLimit": None,
            "pages": math.ceil(total / size)}, "usetime": 0, "timestamp": 1773709917717})

    def _ggzy_record(self, c: Copy) -> dict[str, Any]:
        n = c.notice
        b_path = self.detail_path(c)
        return {
            "id": b_path.rsplit("/", 1)[1].removesuffix(".html"), "addTime": None,
            "publishTime": n.published_at.date().isoformat(), "deadline": None, "dataSources": None,
            "dataSourcesText": None, "transactionSourcesPlatform": None, "transactionSourcesPlatformText": n.publisher,
            "businessType": CLASSIFY[n.kind], "businessTypeText": None, "informationType": c.stage,
            "informationTypeText": c.stage_text, "industryType": None, "industryTypeText": "",
            "province": n.region_code[:2] + "0000", "provinceText": None, "city": None, "cityText": None,
            "title": n.title, "tenderProjectCode": n.values.get("project_no"), "bodyContent": None,
            "url": b_path.replace("/html/b/", "/html/a/"), "syncTableName": None, "dataTimestamp": None,
            "pinformationType": None,
        }

    async def ggzy_detail(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        c = self.by_path.get(path.replace("/html/a/", "/html/b/"))
        if c is None:
            raise web.HTTPNotFound
        if "/html/a/" in path:
            siblings = [x for x in self.catalog.on("ggzy") if x.notice.project_key == c.notice.project_key]
            tabs = [(x.notice.title, x.stage, self.detail_path(x), x.notice.published_at.date().isoformat())
                    for x in siblings]
            html = TEMPLATES.get_template("ggzy_a.html").render(n=c.notice, tabs=tabs, classify=CLASSIFY[c.notice.kind],
                                                                stage=c.stage)
            return web.Response(text=html, content_type="text/html")
        fault = await self.faulted(c, path)
        if fault is not None:
            return fault
        n = c.notice
        html = TEMPLATES.get_template("ggzy_b.html").render(
            n=n, rows=label_rows(n, n.index, awards=True), awards=award_rows(n), time_label="签署时间" if n.notice_type == "contract" else "发布时间")
        return await self.page(request, c, html)

    # -- Epoint (Jiangsu) ---------------------------------------------------------------------------
    async def epoint_list(self, request: web.Request) -> web.Response:
        try:
            query = await request.json()
            pn, rn = int(query.get("pn", 0)), int(query.get("rn", 20))
        except (ValueError, TypeError, json.JSONDecodeError):
            return web.json_response({"result": None, "error": "bad request"}, status=400)
        wanted = ""
        for cond in query.get("condition") or []:
            if cond.get("fieldName") == "categorynum":
                wanted = str(cond.get("equal", ""))
        rows = [c for c in self.catalog.on("epoint") if c.stage.startswith(wanted)]
        rows.sort(key=lambda c: (c.notice.published_at, c.notice.key), reverse=True)
        records = [{
            "title": c.notice.title, "infodateformat": c.notice.published_at.date().isoformat(),
            "infodate": c.notice.published_at.strftime("%Y-%m-%d %H:%M:%S"), "categorynum": c.stage,
            "categoryname": c.stage_text, "linkurl": self.detail_path(c), "infoid": c.notice.ident,
            "zhuanzai": c.notice.publisher,
        } for c in rows[pn: pn + rn]]
        return web.json_response({"result": {"categorys": [], "totalcount": len(rows), "records": records}})

    @_detail_page
    async def epoint_detail(self, request: web.Request, c: Copy) -> web.StreamResponse:
        n = c.notice
        html = TEMPLATES.get_template("epoint_detail.html").render(n=n, rows=label_rows(n, n.index + 1, awards=True), awards=award_rows(n),
                                                                   category_name=c.stage_text, category_num=c.stage)
        return await self.page(request, c, html)

    # -- ccgp ------------------------------------------------------------------------------------------
    async def ccgp_list(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        if channel not in CCGP_NAMES:
            raise web.HTTPNotFound
        page = request.match_info.get("page")
        current = int(page) if page else 0
        rows = sorted((c for c in self.catalog.on("ccgp") if c.stage == channel),
                      key=lambda c: (c.notice.published_at, c.notice.key), reverse=True)
        size = PAGE["ccgp"]
        pages = max(1, math.ceil(len(rows) / size))
        if current >= pages:
            raise web.HTTPNotFound
        entries = [("." + self.detail_path(c).split(f"/{channel}", 1)[1], c.notice.title,
                    c.notice.published_at.strftime("%Y-%m-%d %H:%M"), c.notice.region[:3], c.notice.values.get("buyer", ""))
                   for c in rows[current * size:(current + 1) * size]]
        html = TEMPLATES.get_template("ccgp_list.html").render(channel_name=CCGP_NAMES[channel], entries=entries,
                                                                pages=pages, current=current)
        return web.Response(text=html, content_type="text/html")

    @_detail_page
    async def ccgp_detail(self, request: web.Request, c: Copy) -> web.StreamResponse:
        n = c.notice
        texts = field_texts(n, n.index + 2)
        summary_fields = ("project_name", "category", "buyer", "agent")
        summary = [(label_for(n.kind, f), texts.pop(f)) for f in summary_fields if f in texts]
        awards = award_rows(n)
        if awards:  # as the real result pages: 中标（成交）信息 as a table, amounts in 万元
            for f in _AWARD_FIELDS:
                texts.pop(f, None)
        body = [(label_for(n.kind, f), t) for f, t in texts.items()]
        html = TEMPLATES.get_template("ccgp_detail.html").render(
            n=n, summary=summary, body=body, awards=awards, numerals=CN_NUMERALS, channel_name=CCGP_NAMES[c.stage],
            charset="gbk" if c.fault == "gbk" else "utf-8")
        return await self.page(request, c, html)

    # -- landchina -------------------------------------------------------------------------------------
    async def landchina_list(self, request: web.Request) -> web.Response:
        try:
            query = await request.json()
            num, size = int(query.get("pageNum", 1)), int(query.get("pageSize", 10))
        except (ValueError, TypeError, json.JSONDecodeError):
            return web.json_response({"code": 400, "msg": "参数错误", "data": None})
        rows = sorted(self.catalog.on("landchina"), key=lambda c: (c.notice.published_at, c.notice.key), reverse=True)
        chunk = rows[(num - 1) * size: num * size]
        items = [{"gdGuid": c.notice.ident, "xmMc": c.notice.values.get("project_name"),
                  "xzqFullName": c.notice.region, "xzqDm": c.notice.region_code,
                  "tdYt": c.notice.values.get("land_use"), "gyFs": c.notice.values.get("supply_method"),
                  "fbSj": c.notice.published_at.strftime("%Y-%m-%dT%H:%M:%S")} for c in chunk]
        return web.json_response({"code": 200, "msg": "success", "data": {
            "list": items, "total": len(rows), "pageNum": num, "pageSize": size,
            "hasNextPage": num * size < len(rows)}})

    async def landchina_detail(self, request: web.Request) -> web.StreamResponse:
        try:
            guid = (await request.json()).get("gdGuid", "")
        except (ValueError, json.JSONDecodeError):
            return web.json_response({"code": 400, "msg": "参数错误", "data": None})
        c = self.by_path.get(f"/tGdxm/result/detail#{guid}")
        if c is None:
            return web.json_response({"code": 404, "msg": "记录不存在", "data": None})
        fault = await self.faulted(c, f"landchina:{guid}")
        if fault is not None:
            return fault
        n = c.notice
        data: dict[str, Any] = {"gdGuid": guid, "xzqDm": n.region_code, "xzqFullName": n.region,
                                "fbSj": n.published_at.strftime("%Y-%m-%dT%H:%M:%S")}
        for name, value in n.values.items():
            key = landchina_api.FIELD_KEY.get(name)
            if key is None:
                continue
            if isinstance(value, Decimal) and value_kind(n.kind, name) is ValueKind.area:
                data[key] = area_units(value, "公顷")  # six places, no unit (the unit is the key's)
            elif isinstance(value, Decimal):  # 万元
                data[key] = wan_text(value)
            elif isinstance(value, date):
                data[key] = value.strftime("%Y-%m-%dT00:00:00")
            else:
                data[key] = value
        relate = [{"srDw": data.pop("srr")}] if n.index % 2 and "srr" in data else []
        return web.json_response({"code": 200, "msg": "success", "data": data, "relate": relate})

    # -- MNR ------------------------------------------------------------------------------------------
    def _mnr_rows(self, channel: str) -> list[Copy]:
        right = MNR_CHANNELS[channel][0]
        return sorted((c for c in self.catalog.on("mnr") if c.notice.values.get("right_type") == right),
                      key=lambda c: (c.notice.published_at, c.notice.key), reverse=True)

    async def mnr_list(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        if channel not in MNR_CHANNELS:
            raise web.HTTPNotFound
        page = request.match_info.get("page")
        current = int(page) if page else 0
        rows = self._mnr_rows(channel)
        size = PAGE["mnr"]
        pages = max(1, math.ceil(len(rows) / size))
        if current >= pages:
            raise web.HTTPNotFound
        entries = [("." + self.detail_path(c).split(f"/{channel}", 1)[1], c.notice.title,
                    c.notice.published_at.date().isoformat()) for c in rows[current * size:(current + 1) * size]]
        html = TEMPLATES.get_template("mnr_list.html").render(channel_name=MNR_CHANNELS[channel][1], entries=entries,
                                                               pages=pages, current=current)
        return web.Response(text=html, content_type="text/html")

    @_detail_page
    async def mnr_detail(self, request: web.Request, c: Copy) -> web.StreamResponse:
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
        html = TEMPLATES.get_template("mnr_detail.html").render(n=n, rows=rows,
                                                                charset="gbk" if c.fault == "gbk" else "utf-8")
        return await self.page(request, c, html)

    # -- exchange (CBEX family) ---------------------------------------------------------------------------
    async def exchange_list(self, request: web.Request) -> web.Response:
        q = request.query
        callback = q.get("callback", "jQuery")
        if not callback.replace("_", "").isalnum():
            raise web.HTTPBadRequest(text="bad callback")
        mark = q.get("mark", "xm")
        try:
            page, size = int(q.get("fromPage", "1")), int(q.get("pageSize", "15"))
        except ValueError:
            raise web.HTTPBadRequest(text="bad page") from None
        rows = [c for c in self.catalog.on("exchange") if (c.notice.notice_type == "result") == (mark == "cj")]
        rows.sort(key=lambda c: (c.notice.published_at, c.notice.key), reverse=True)
        data = [{"xmbh": c.notice.values.get("project_no"), "xmmc": c.notice.title,
                 "disclosuretime": c.notice.published_at.strftime("%Y-%m-%d %H:%M:%S"),
                 "url": self.detail_path(c)} for c in rows[(page - 1) * size: page * size]]
        answer = {"code": 0, "data": {"data": data, "totalPage": max(1, math.ceil(len(rows) / size)),
                                      "total": len(rows)}}
        return web.Response(text=f"{callback}({json.dumps(answer, ensure_ascii=False)})",
                            content_type="application/javascript")

    @_detail_page
    async def exchange_detail(self, request: web.Request, c: Copy) -> web.StreamResponse:
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
            n=n, json=json.dumps(data, ensure_ascii=False), charset="gbk" if c.fault == "gbk" else "utf-8")
        return await self.page(request, c, html)

    # -- OCDS ------------------------------------------------------------------------------------------
    def _release(self, n: PortalNotice) -> dict[str, Any]:
        tag = {"announcement": "tender", "correction": "tenderAmendment", "result": "award", "contract": "contract",
               "termination": "tenderCancellation"}.get(n.notice_type, "planning")
        v = n.values
        buyer_id = f"CN-BUYER-{n.project_key}"
        release: dict[str, Any] = {
            "ocid": f"ocds-gk0z1x-{v.get('project_no', n.project_key)}", "id": n.ident,
            "date": n.published_at.isoformat() + "+08:00", "tag": [tag], "initiationType": "tender", "language": "zh",
            "buyer": {"id": buyer_id, "name": v.get("buyer")},
            "parties": [{"id": buyer_id, "name": v.get("buyer"), "roles": ["buyer"],
                         "address": {"region": n.region, "countryName": "中国"}}],
            "tender": {"id": v.get("project_no"), "title": n.title},
        }
        if isinstance(v.get("budget"), Decimal):
            release["tender"]["value"] = {"amount": fen_of(v["budget"]) / 100, "currency": "CNY"}
        if v.get("method"):
            release["tender"]["procurementMethodDetails"] = v["method"]
        awards = []
        for i, lot in enumerate(v.get("lots") or []):
            if lot.winners:
                org, amount = lot.winners[0]
                awards.append({"id": f"{n.ident}-{i}", "status": "active",
                               "suppliers": [{"id": org.uscc, "name": org.name}],
                               "value": {"amount": fen_of(amount) / 100, "currency": "CNY"}})
        if awards:
            release["awards"] = awards[:1]
        if isinstance(v.get("contract_amount"), Decimal):
            release["contracts"] = [{"id": f"{n.ident}-c", "value": {"amount": fen_of(v["contract_amount"]) / 100,
                                                                     "currency": "CNY"},
                                     "dateSigned": v["contract_signed_at"].isoformat() + "+08:00"}]
        return release

    def _package_links(self, kind: str, page: int, pages: int) -> dict[str, str]:
        faults = any(c.fault for c in self.catalog.copies)
        if page < pages or (faults and kind == "releases" and page == pages):
            return {"next": f"{self.base}/ocds/{kind}?page={page + 1}"}
        return {}

    async def ocds_releases(self, request: web.Request) -> web.Response:
        page = int(request.query.get("page", "1"))
        notices = [n for project in self.catalog.ocds_projects for n in project]
        size = 5
        pages = math.ceil(len(notices) / size)
        if page > pages:
            return web.Response(body=b"", content_type="application/json")  # the broken last page
        chunk = notices[(page - 1) * size: page * size]
        package = {"uri": f"{self.base}/ocds/releases?page={page}", "version": "1.1",
                   "publishedDate": "2026-11-01T00:00:00+08:00", "publisher": {"name": "浙江省政府采购网"},
                   "releases": [self._release(n) for n in chunk], "links": self._package_links("releases", page, pages)}
        return web.json_response(package, dumps=lambda d: json.dumps(d, ensure_ascii=False))

    async def ocds_records(self, request: web.Request) -> web.Response:
        page = int(request.query.get("page", "1"))
        projects = self.catalog.ocds_projects
        size = 2
        pages = math.ceil(len(projects) / size)
        if page > pages:
            raise web.HTTPNotFound
        records = []
        for project in projects[(page - 1) * size: page * size]:
            rels = [self._release(n) for n in project]
            records.append({"ocid": rels[0]["ocid"], "releases": rels, "compiledRelease": {**rels[-1], "tag": ["compiled"]}})
        package = {"uri": f"{self.base}/ocds/records?page={page}", "version": "1.1",
                   "publishedDate": "2026-11-01T00:00:00+08:00", "publisher": {"name": "浙江省政府采购网"},
                   "records": records, "links": self._package_links("records", page, pages)}
        return web.json_response(package, dumps=lambda d: json.dumps(d, ensure_ascii=False))

    # -- misc -------------------------------------------------------------------------------------------
    async def robots(self, _request: web.Request) -> web.Response:
        return web.Response(text=ROBOTS)

    async def deal_list_shell(self, _request: web.Request) -> web.Response:
        return web.Response(text="<!DOCTYPE html><html><head><meta charset='utf-8'><title>交易公开</title>"
                                 "<script src='/assets/js/dealList.js'></script></head><body><div id='app'></div>"
                                 "</body></html>", content_type="text/html")

    base = ""

    @web.middleware
    async def remember_base(self, request: web.Request, handler) -> web.StreamResponse:
        self.base = f"{request.scheme}://{request.host}"
        return await handler(request)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.remember_base])
        r = app.router
        r.add_get("/robots.txt", self.robots)
        r.add_get("/deal/dealList.html", self.deal_list_shell)
        r.add_post("/information/pubTradingInfo/getTradList", self.ggzy_list)
        r.add_get(r"/information/deal/html/{ab:[ab]}/{prov}/{stage}/{day}/{id}.html", self.ggzy_detail)
        r.add_post("/inteligentsearch/rest/inteligentSearch/getFullTextData", self.epoint_list)
        r.add_get(r"/jyxx/{top}/{cat}/{day}/{id}.html", self.epoint_detail)
        r.add_get(r"/cggg/dfgg/{channel}/index.htm", self.ccgp_list)
        r.add_get(r"/cggg/dfgg/{channel}/index_{page:\d+}.htm", self.ccgp_list)
        r.add_get(r"/cggg/dfgg/{channel}/{month:\d{6}}/{name}.htm", self.ccgp_detail)
        r.add_post("/tGdxm/result/list", self.landchina_list)
        r.add_post("/tGdxm/result/detail", self.landchina_detail)
        r.add_get(r"/jggs/{channel}/index.htm", self.mnr_list)
        r.add_get(r"/jggs/{channel}/index_{page:\d+}.htm", self.mnr_list)
        r.add_get(r"/jggs/{channel}/{month:\d{6}}/{name}.htm", self.mnr_detail)
        r.add_get("/onss-api/jsonp/project/search", self.exchange_list)
        r.add_get(r"/project/{no}/{id}.html", self.exchange_detail)
        r.add_get("/ocds/releases", self.ocds_releases)
        r.add_get("/ocds/records", self.ocds_records)
        return app


def make_app(*, seed: int | None = None, projects: int = 16, faults: bool = True, result_cap: int = 1000,
             stall: float = 30.0, revision: int = 1, adversarial: bool = False) -> web.Application:
    kwargs = {"seed": seed} if seed is not None else {}
    catalog = build_catalog(projects=projects, faults=faults, revision=revision, adversarial=adversarial, **kwargs)
    return Portal(catalog, result_cap=result_cap, stall=stall).app()


def serve(port: int = 8790, host: str = "127.0.0.1", *, ready=None, **kwargs: Any) -> None:
    """Serve until interrupted; ``ready(port)`` is called once listening (port 0 = a free port)."""

    async def main() -> None:
        runner = web.AppRunner(make_app(**kwargs), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]
        if ready:
            ready(bound)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())
