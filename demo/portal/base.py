"""The small base every source family of the imitation portal is declared on.

How to add a family (the portal's counterpart of ``collectors/spiders/base.py``):

1. Write ``demo/portal/families/<spider name>.py`` with one :class:`Family` subclass: ``name``
   (the spider's name, which is also ``Copy.platform`` in the catalog), ``routes`` (method,
   aiohttp path pattern, handler method name) and :meth:`Family.detail_path` (where a copy's
   page lives), then the handlers, built on the helpers below.
2. Register it in :data:`demo.portal.families.FAMILIES`; ``tests/test_portal.py`` fails while a
   spider has no family.

:class:`Server` holds what the families share: the catalog, the URL index, the faults that
have fired and how a faulted copy is answered (:meth:`Server.faulted`, :meth:`Server.page`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import cache, wraps
from pathlib import Path
from typing import ClassVar, TypeVar

import jinja2
from aiohttp import web

from collectors.importers.headers import resolve
from collectors.parsers import landchina_api
from demo.generate import wan_text
from demo.portal.catalog import Catalog, Copy, PortalNotice, cell_text, lot_cells
from models.assemble import specs_for
from models.codelists import Kind

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    keep_trailing_newline=True,
)
BLOCK_JSON = {"code": 800, "message": "系统繁忙，请稍后再试!"}
COMMON_ORDER = ("project_no", "project_name", "notice_no", "corrects")
AWARD_FIELDS = ("lot", "winner", "winner_uscc", "award_amount")

# section numbers of a notice's body (一、项目编号：…), as the real pages print them
CN_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六",
               "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四", "二十五", "二十六", "二十七", "二十八",
               "二十九", "三十")


# -- text of a notice, shared by the HTML families ---------------------------------------------------
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
    for name in COMMON_ORDER:
        if name in n.values:
            out[name] = cell_text(n.kind, name, n.values[name], style)
    for name, value in n.values.items():
        if name in COMMON_ORDER or name in ("lots", "kind"):
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


def label_rows(n: PortalNotice, style: int, *, region: bool = True, awards: bool = False) -> list[tuple[str, str]]:
    """Label and text of each field; with ``awards`` the winners are left to :func:`award_rows`."""
    texts = field_texts(n, style)
    if awards and award_rows(n):
        texts = {k: v for k, v in texts.items() if k not in AWARD_FIELDS}
    rows = [(label_for(n.kind, name), text) for name, text in texts.items()]
    if region:
        rows.append(("行政区域", n.region))
    return rows


def newest_first(copies: list[Copy]) -> list[Copy]:
    """Copies as list pages order them: the newest notice first."""
    return sorted(copies, key=lambda c: (c.notice.published_at, c.notice.key), reverse=True)


def charset(c: Copy) -> str:
    """The charset a page declares in its ``<meta>``."""
    return "gbk" if c.fault == "gbk" else "utf-8"


# -- the shared server state ---------------------------------------------------------------------
class Server:
    """The state the families share: the catalog, the detail-page index, which one-time faults
    have fired, and the base URL the last request came to (absolute links in OCDS packages)."""

    def __init__(self, catalog: Catalog, *, result_cap: int = 1000, stall: float = 30.0, slow: float = 1.5) -> None:
        self.catalog = catalog
        self.result_cap = result_cap
        self.stall = stall
        self.slow = slow
        self.fired: set[str] = set()
        self.hits: dict[str, int] = {}
        self.by_path: dict[str, Copy] = {}
        self.base = ""

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

    @staticmethod
    async def endless(request: web.Request, content_type: str) -> web.StreamResponse:
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


# -- the family base ------------------------------------------------------------------------------
class Family:
    """One source family's pages: its routes, where each copy's page lives, and the handlers."""

    name: ClassVar[str]  # the spider's name, and ``Copy.platform`` in the catalog
    routes: ClassVar[tuple[tuple[str, str, str], ...]]  # (method, aiohttp path pattern, handler method name)

    def __init__(self, server: Server) -> None:
        self.server = server

    @staticmethod
    def detail_path(c: Copy) -> str:
        """The path of the copy's page (a ``#`` fragment when the page is an API answer)."""
        raise NotImplementedError

    def copies(self) -> list[Copy]:
        """This family's copies, newest first."""
        return newest_first(self.server.catalog.on(self.name))

    def add_routes(self, router: web.UrlDispatcher) -> None:
        for method, path, handler in self.routes:
            router.add_route(method, path, getattr(self, handler))


F = TypeVar("F", bound=Family)
DetailHandler = Callable[[F, web.Request, Copy], Awaitable[web.StreamResponse]]


def detail_page(handler: DetailHandler[F]) -> Callable[[F, web.Request], Awaitable[web.StreamResponse]]:
    """A detail page served at its own path: 404 when unknown; its catalogued fault, if any,
    replaces the page; otherwise ``handler(self, request, copy)`` renders it."""

    @wraps(handler)
    async def serve(self: F, request: web.Request) -> web.StreamResponse:
        c = self.server.by_path.get(request.path)
        if c is None:
            raise web.HTTPNotFound
        fault = await self.server.faulted(c, request.path)
        if fault is not None:
            return fault
        return await handler(self, request, c)

    return serve

