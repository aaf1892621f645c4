"""The search API as the web serves it (``/-/search``, ``.json``, ``.atom``), independent of Datasette.

:func:`parse_request` turns query-string arguments into a :class:`SearchRequest` (or a
:class:`QueryError` → HTTP 400 with the message); :func:`result_json` and :func:`atom_feed`
shape a :class:`SearchResult`. The Datasette plugin (``datasette/plugins/gongkai_search.py``)
only glues these to routes.

Arguments: ``q`` (required), ``kind`` (repeatable: land, mining, procurement, state_asset,
tender), ``region`` (repeatable: a GB/T 2260 code, a province code xx0000, or a division
name such as 广东省), ``type`` (notice type, repeatable), ``doctype`` (project|notice),
``year`` (repeatable), ``sort`` (relevance|date|-date|amount|-amount), ``page``, ``size``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from models.codelists import Kind, NoticeType, kind_label, notice_type_label
from models.normalize.amounts import format_yuan
from models.normalize.text import strip_invisible
from search_index.engine import MAX_PAGE_SIZE, SORTS, Hit, SearchRequest, SearchResult
from search_index.highlight import to_html, to_text
from search_index.links import datasette_url, site_url
from search_index.query import MAX_QUERY_CHARS, QueryError, parse
from store.config import settings
from store.paths import tag_base

ARGS = ("q", "kind", "region", "type", "doctype", "year", "sort", "page", "size")
_CODE = re.compile(r"^\d{6}$")


def _region_codes(values: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    from models.normalize import lookup_region

    provinces: list[str] = []
    regions: list[str] = []
    for v in values:
        v = v.strip()
        if not v:
            continue
        if _CODE.match(v):
            code = v
        else:
            if len(v) > 50:
                raise QueryError("region name too long")
            found = lookup_region(v).value
            if found is None:
                raise QueryError(f"unknown region {v!r}: give a GB/T 2260 code (e.g. 440000) or a division name")
            code = found.code
        (provinces if code.endswith("0000") else regions).append(code)
    return tuple(provinces), tuple(regions)


def _ints(values: Sequence[str], name: str, lo: int, hi: int) -> tuple[int, ...]:
    out = []
    for v in values:
        if not v.strip():
            continue
        try:
            n = int(v)
        except ValueError:
            raise QueryError(f"{name} must be a whole number, got {v[:20]!r}") from None
        if not lo <= n <= hi:
            raise QueryError(f"{name} must be between {lo} and {hi}")
        out.append(n)
    return tuple(out)


def parse_request(args: Mapping[str, Sequence[str]]) -> SearchRequest:
    """``args``: each argument's list of values (as parse_qs gives them). Raises QueryError."""

    def many(name: str) -> list[str]:
        return [v for v in args.get(name, []) if v.strip()]

    def one(name: str, default: str = "") -> str:
        vals = many(name)
        return vals[0] if vals else default

    q = one("q")
    if not q:
        raise QueryError("empty query: give q=… (one or more words)")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(q)} characters (at most {MAX_QUERY_CHARS})")
    parse(q)  # refuse an unreadable query before anything else
    kinds = tuple(many("kind"))
    for k in kinds:
        if k not in Kind.__members__:
            raise QueryError(f"unknown kind {k[:30]!r}: one of {', '.join(Kind.__members__)}")
    types = tuple(many("type"))
    for t in types:
        if t not in NoticeType.__members__:
            raise QueryError(f"unknown notice type {t[:30]!r}: one of {', '.join(NoticeType.__members__)}")
    doctypes = tuple(many("doctype"))
    for d in doctypes:
        if d not in ("project", "notice"):
            raise QueryError("doctype must be project or notice")
    sort = one("sort", "relevance")
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort[:30]!r}: one of {', '.join(SORTS)}")
    provinces, regions = _region_codes(many("region"))
    page = (_ints([one("page", "1")], "page", 1, 10_000) or (1,))[0]
    size = (_ints([one("size", "20")], "size", 1, MAX_PAGE_SIZE) or (20,))[0]
    return SearchRequest(query=q, kinds=kinds, provinces=provinces, regions=regions, notice_types=types,
                         doctypes=doctypes, years=_ints(many("year"), "year", 1949, 2100), sort=sort, page=page,
                         size=size)


def request_args(req: SearchRequest, **override: Any) -> list[tuple[str, str]]:
    """Query-string pairs reproducing ``req`` (with overrides), for links."""
    values: dict[str, Any] = {"q": req.query, "kind": req.kinds, "region": req.provinces + req.regions,
                              "type": req.notice_types, "doctype": req.doctypes, "year": req.years,
                              "sort": req.sort if req.sort != "relevance" else None,
                              "page": req.page if req.page != 1 else None, "size": req.size if req.size != 20 else None}
    values.update(override)
    pairs: list[tuple[str, str]] = []
    for k in ARGS:
        v = values.get(k)
        if v is None or v == "" or v == ():
            continue
        for item in (v if isinstance(v, (tuple, list)) else [v]):
            pairs.append((k, str(item)))
    return pairs


def url(path: str, req: SearchRequest, **override: Any) -> str:
    pairs = request_args(req, **override)
    return path + ("?" + urlencode(pairs) if pairs else "")


def yuan(fen: int | None) -> str | None:
    return None if fen is None else format_yuan(fen)


def facet_label(name: str, value: str) -> str:
    if name == "kind":
        return kind_label(value)
    if name == "notice_type":
        return notice_type_label(value)
    if name == "doctype":
        return {"project": "项目", "notice": "公告"}.get(value, value)
    if name == "province":
        from models.normalize import region_by_code

        r = region_by_code(value)
        return r.name if r else value
    return value


_FACET_ARG = {"kind": "kind", "province": "region", "year": "year", "notice_type": "type", "doctype": "doctype"}


def hit_json(h: Hit) -> dict[str, Any]:
    return {
        "type": h.doctype, "id": h.id, "project_id": h.project_id, "version_id": h.version_id or None,
        "kind": h.kind, "kind_label": kind_label(h.kind), "notice_type": h.notice_type or None,
        "notice_type_label": notice_type_label(h.notice_type) if h.notice_type else None,
        "status": h.status or None, "title": h.title, "title_html": to_html(h.title_marked),
        "snippet": to_text(h.snippet), "snippet_html": to_html(h.snippet), "published_at": h.published_at,
        "region_code": h.region_code or None, "region_name": h.region_name or None,
        "province_code": h.province_code or None, "publisher": h.publisher or None,
        "project_no": h.project_no or None, "amount_fen": h.amount_fen, "amount_yuan": yuan(h.amount_fen),
        "score": round(h.score, 4), "url": site_url(h.doctype, h.id, h.version_id),
        "data_url": datasette_url(h.doctype, h.id, h.version_id),
    }


def result_json(res: SearchResult, req: SearchRequest, base: str = "/-/search") -> dict[str, Any]:
    facets: dict[str, list[dict[str, Any]]] = {}
    for name, counts in res.facets.items():
        arg = _FACET_ARG[name]
        current = {"kind": req.kinds, "region": req.provinces + req.regions, "year": tuple(map(str, req.years)),
                   "type": req.notice_types, "doctype": req.doctypes}[arg]
        facets[name] = [{"value": v, "label": facet_label(name, v), "count": n, "selected": v in current,
                         "url": url(base, req, **{arg: (*current, v) if v not in current else current, "page": None})}
                        for v, n in counts]
    links = {"self": url(base + ".json", req), "html": url(base, req),
             "atom": url(base + ".atom", req, sort=None, page=None, size=None),
             "next": url(base + ".json", req, page=res.page + 1) if res.page < res.pages else None,
             "prev": url(base + ".json", req, page=res.page - 1) if res.page > 1 else None}
    return {"ok": True, "query": res.query, "total": res.total, "page": res.page, "size": res.size,
            "pages": res.pages, "sort": req.sort, "took_ms": round(res.took_ms, 1),
            "filters": {"kind": list(req.kinds), "region": list(req.provinces + req.regions),
                        "type": list(req.notice_types), "doctype": list(req.doctypes), "year": list(req.years)},
            "results": [hit_json(h) for h in res.hits], "facets": facets, "links": links}


def error_json(message: str, status: int = 400) -> dict[str, Any]:
    return {"ok": False, "status": status, "error": message}


def _xml(text: str) -> str:
    return strip_invisible(text or "")


def atom_feed(res: SearchResult, req: SearchRequest, origin: str) -> bytes:
    """An Atom feed of a search (newest first); ``origin`` like ``http://127.0.0.1:8001``."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    canonical = url("/-/search", req, sort=None, page=None, size=None)
    id_base = tag_base(settings().site_url)  # the site's naming authority (stable atom:ids, RFC 4151)
    fg.id(id_base + "search?" + canonical.partition("?")[2])
    fg.title(_xml(f"公开 Gongkai 搜索：{res.query}"))
    fg.link(href=origin + canonical, rel="alternate", type="text/html")
    fg.link(href=origin + url("/-/search.atom", req, sort=None, page=None, size=None), rel="self",
            type="application/atom+xml")
    fg.language("zh-CN")
    fg.subtitle(_xml(f"{res.total} 条结果，最新 {len(res.hits)} 条"))
    newest = None
    for h in reversed(res.hits):  # feedgen prepends: add oldest first so the feed reads newest first
        fe = fg.add_entry()
        fe.id(id_base + h.key)
        fe.title(_xml(h.title))
        fe.link(href=origin + site_url(h.doctype, h.id, h.version_id), rel="alternate", type="text/html")
        when = datetime.fromisoformat(h.published_at)
        fe.updated(when)
        fe.published(when)
        newest = when if newest is None or when > newest else newest
        summary = " · ".join(x for x in (kind_label(h.kind), h.region_name, yuan(h.amount_fen) and f"{yuan(h.amount_fen)} 元",
                                         to_text(h.snippet)) if x)
        fe.summary(_xml(summary))
    fg.updated(newest or datetime.fromisoformat("2000-01-01T00:00:00+08:00"))
    return fg.atom_str(pretty=True)
