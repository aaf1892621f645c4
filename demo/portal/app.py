"""The imitation portal: one aiohttp server on 127.0.0.1 serving every source family.

Each family is served under its real paths with its real parameters and answer shapes
(source-formats.md), by its own module of :mod:`demo.portal.families`: ggzy's ``POST
/information/pubTradingInfo/getTradList`` and "a"/"b" pages, Epoint's ``getFullTextData``
(``pn`` an offset) and detail pages, ccgp's channel lists (``Pager(…)``) and notices,
landchina's ``/tGdxm/result/list`` and ``/detail`` JSON, MNR's knockout ``data-bind`` result
pages (``createPageHTML(…)`` lists), a CBEX-style exchange (JSONP list, ``textarea#jsonobj``
pages) and an OCDS publisher (release and record packages with ``links.next``). This module
assembles them. Content comes from :mod:`demo.portal.catalog`, faults included. Untrusted-looking
text is escaped by Jinja2's autoescape like any HTML a portal sends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from demo.portal.base import Server
from demo.portal.catalog import Catalog, Copy, build_catalog
from demo.portal.families import FAMILIES

ROBOTS = """# Imitation portal: the same rules for every family
User-agent: *
Disallow: /admin/
Disallow: /information/captcha
"""
DEAL_LIST_SHELL = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>交易公开</title>"
                   "<script src='/assets/js/dealList.js'></script></head><body><div id='app'></div>"
                   "</body></html>")  # ggzy's list page: a script shell (the spider sends it as Referer)


class Portal(Server):
    """The server of every registered family over one catalog."""

    def __init__(self, catalog: Catalog, *, result_cap: int = 1000, stall: float = 30.0, slow: float = 1.5) -> None:
        super().__init__(catalog, result_cap=result_cap, stall=stall, slow=slow)
        self.families = [family(self) for family in FAMILIES.values()]
        for c in catalog.copies:
            self.by_path[self.detail_path(c)] = c

    @staticmethod
    def detail_path(c: Copy) -> str:
        """Where the copy's page is served (its family's URL scheme)."""
        return FAMILIES[c.platform].detail_path(c)

    @web.middleware
    async def remember_base(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.base = f"{request.scheme}://{request.host}"
        return await handler(request)

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self.remember_base])
        app.router.add_get("/robots.txt", robots)
        app.router.add_get("/deal/dealList.html", deal_list_shell)
        for family in self.families:
            family.add_routes(app.router)
        return app


async def robots(_request: web.Request) -> web.Response:
    return web.Response(text=ROBOTS)


async def deal_list_shell(_request: web.Request) -> web.Response:
    return web.Response(text=DEAL_LIST_SHELL, content_type="text/html")


def make_app(*, seed: int | None = None, projects: int = 16, faults: bool = True, result_cap: int = 1000,
             stall: float = 30.0, revision: int = 1, adversarial: bool = False) -> web.Application:
    kwargs = {"seed": seed} if seed is not None else {}
    catalog = build_catalog(projects=projects, faults=faults, revision=revision, adversarial=adversarial, **kwargs)
    return Portal(catalog, result_cap=result_cap, stall=stall).app()


def serve(port: int = 8790, host: str = "127.0.0.1", *, ready: Callable[[int], None] | None = None,
          **kwargs: Any) -> None:
    """Serve until interrupted; ``ready(port)`` is called once listening (port 0 = a free port)."""

    async def main() -> None:
        runner = web.AppRunner(make_app(**kwargs), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1]  # (host, port) of the site's socket: the port actually bound
        if ready:
            ready(bound)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())
