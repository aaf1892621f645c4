"""The search API as the web serves it (``/-/search``, ``.json``, ``.atom``), independent of Datasette.

:func:`parse_request` turns query-string arguments into a :class:`SearchRequest` (or a
:class:`QueryError` → HTTP 400 with the message); :func:`result_json` and :func:`atom_feed`
shape a :class:`SearchResult`. The Datasette plugin (``datasette/plugins/gongkai_search.py``)
only glues these to routes.

Arguments: ``q`` (words; may be left out when a filter is given: the filtered records are
listed, newest first unless sorted otherwise), ``kind`` (repeatable: land, mining, procurement, state_asset,
tender), ``region`` (repeatable: a GB/T 2260 code, a province code xx0000, or a division
name such as 广东省), ``type`` (notice type, repeatable), ``doctype`` (project|notice),
``year`` (repeatable), ``stage`` (project status, repeatable: announced, awarded, contracted,
terminated …), ``method`` (allocation method as the codelists spell it, repeatable: 公开招标,
挂牌出让 …), ``amount_min``/``amount_max`` (headline amount in 元, inclusive), ``from``/``to``
(publication dates YYYY-MM-DD, Beijing time, inclusive), ``flag`` (red flags, repeatable: ``any``
projects with a 风险提示, ``none`` projects without one, or an indicator code such as ``P-SINGLE``;
a record matching any of them passes), ``sort`` (relevance|date: newest
first|-date: oldest first|amount: largest first|-amount: smallest first), ``page``, ``size``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from models.codelists import (
    LAND_SUPPLY_METHODS,
    MINING_METHODS,
    PROCUREMENT_METHODS,
    STATE_ASSET_METHODS,
    TENDER_METHODS,
    Kind,
    NoticeType,
    ProjectStatus,
    kind_label,
    notice_type_label,
)
from models.indicators import REGISTRY
from models.normalize.amounts import format_yuan, yuan_to_fen
from models.normalize.text import strip_invisible
from search_index.engine import FLAG_ANY, FLAG_NONE, MAX_PAGE_SIZE, SORTS, Hit, SearchRequest, SearchResult
from search_index.highlight import to_html, to_text
from search_index.links import datasette_url, site_url
from search_index.query import MAX_QUERY_CHARS, QueryError, parse
from store.config import settings
from store.paths import tag_base

ARGS = ("q", "kind", "region", "type", "doctype", "year", "stage", "method", "amount_min", "amount_max", "from", "to", "flag",
        "sort", "page", "size")
FLAG_LABELS = {FLAG_ANY: "有风险提示", FLAG_NONE: "无风险提示"}  # the flag facet's own values
_BEIJING = timezone(timedelta(hours=8))  # dates typed by a reader are Beijing dates
_CODE = re.compile(r"^\d{6}$")
# Every method of every area (models.codelists), in their order, each once.
ALL_METHODS = tuple(dict.fromkeys(m for methods in (LAND_SUPPLY_METHODS, MINING_METHODS, PROCUREMENT_METHODS,
                                                    STATE_ASSET_METHODS, TENDER_METHODS) for m in methods))


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


def _fen(value: str, name: str) -> int | None:
    """An amount typed in 元 (``1000000``, ``1,000,000.50``) as exact fen."""
    if not value.strip():
        return None
    try:
        d = Decimal(value.strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise QueryError(f"{name} must be an amount in 元, got {value[:20]!r}") from None
    fen = yuan_to_fen(d) if d.is_finite() and d >= 0 else None
    if fen is None or fen >= 2**63:
        raise QueryError(f"{name} must be a non-negative amount in 元 with at most two decimals, got {value[:20]!r}")
    return fen


def _day(value: str, name: str, *, end: bool) -> int | None:
    """A date YYYY-MM-DD (Beijing) as epoch seconds: its first second, or its last with ``end``."""
    if not value.strip():
        return None
    try:
        d = date.fromisoformat(value.strip())
    except ValueError:
        raise QueryError(f"{name} must be a date YYYY-MM-DD, got {value[:20]!r}") from None
    start = datetime(d.year, d.month, d.day, tzinfo=_BEIJING)
    return int((start + timedelta(days=1)).timestamp()) - 1 if end else int(start.timestamp())


def parse_request(args: Mapping[str, Sequence[str]]) -> SearchRequest:
    """``args``: each argument's list of values (as parse_qs gives them). Raises QueryError."""

    def many(name: str) -> list[str]:
        return [v for v in args.get(name, []) if v.strip()]

    def one(name: str, default: str = "") -> str:
        vals = many(name)
        return vals[0] if vals else default

    q = one("q")
    filters = ("kind", "region", "type", "doctype", "year", "stage", "amount_min", "amount_max", "from", "to", "flag", "method")
    if not q and not any(many(name) for name in filters):
        raise QueryError("empty query: give q=… (one or more words) or a filter (kind, region, year, stage, …)")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(q)} characters (at most {MAX_QUERY_CHARS})")
    if q:
        parse(q)  # refuse an unreadable query before anything else
    stages = tuple(many("stage"))
    for st in stages:
        if st not in ProjectStatus.__members__:
            raise QueryError(f"unknown stage {st[:30]!r}: one of {', '.join(ProjectStatus.__members__)}")
    methods = tuple(many("method"))
    for m in methods:
        if m not in ALL_METHODS:
            raise QueryError(f"unknown method {m[:30]!r}: one of {'、'.join(ALL_METHODS)}")
    amount_min, amount_max = _fen(one("amount_min"), "amount_min"), _fen(one("amount_max"), "amount_max")
    if amount_min is not None and amount_max is not None and amount_min > amount_max:
        raise QueryError("amount_min is larger than amount_max")
    date_from, date_to = _day(one("from"), "from", end=False), _day(one("to"), "to", end=True)
    if date_from is not None and date_to is not None and date_from > date_to:
        raise QueryError("from is after to")
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
    flags = tuple(dict.fromkeys(many("flag")))
    for f in flags:
        if f not in FLAG_LABELS and f not in REGISTRY:
            raise QueryError(f"unknown flag {f[:30]!r}: any, none or an indicator code ({', '.join(sorted(REGISTRY))})")
    sort = one("sort", "relevance")
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort[:30]!r}: one of {', '.join(SORTS)}")
    provinces, regions = _region_codes(many("region"))
    page = (_ints([one("page", "1")], "page", 1, 10_000) or (1,))[0]
    size = (_ints([one("size", "20")], "size", 1, MAX_PAGE_SIZE) or (20,))[0]
    return SearchRequest(query=q, kinds=kinds, provinces=provinces, regions=regions, notice_types=types,
                         doctypes=doctypes, years=_ints(many("year"), "year", 1949, 2100), statuses=stages,
                         methods=methods,
                         amount_min=amount_min, amount_max=amount_max, date_from=date_from, date_to=date_to,
                         flags=flags, sort=sort, page=page, size=size)


def request_args(req: SearchRequest, **override: Any) -> list[tuple[str, str]]:
    """Query-string pairs reproducing ``req`` (with overrides), for links."""
    values: dict[str, Any] = {"q": req.query, "kind": req.kinds, "region": req.provinces + req.regions,
                              "type": req.notice_types, "doctype": req.doctypes, "year": req.years,
                              "stage": req.statuses, "method": req.methods,
                              "amount_min": None if req.amount_min is None else format_yuan(req.amount_min),
                              "amount_max": None if req.amount_max is None else format_yuan(req.amount_max),
                              "from": _day_text(req.date_from), "to": _day_text(req.date_to), "flag": req.flags,
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


def _day_text(epoch: int | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, _BEIJING).date().isoformat()


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
    if name == "flag":
        return flag_label(value)
    if name == "province":
        from models.normalize import region_by_code

        r = region_by_code(value)
        return r.name if r else value
    return value


def flag_label(value: str) -> str:
    """有风险提示 / 无风险提示, or an indicator's Chinese name (the code itself when unknown)."""
    ind = REGISTRY.get(value)
    return FLAG_LABELS.get(value) or (ind.name_zh if ind else value)


_FACET_ARG = {"kind": "kind", "province": "region", "year": "year", "notice_type": "type", "doctype": "doctype",
              "flag": "flag"}


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
        "flags": [{"code": c, "label": flag_label(c)} for c in h.flags],
        "score": round(h.score, 4), "url": site_url(h.doctype, h.id, h.version_id),
        "data_url": datasette_url(h.doctype, h.id, h.version_id),
    }


def result_json(res: SearchResult, req: SearchRequest, base: str = "/-/search") -> dict[str, Any]:
    facets: dict[str, list[dict[str, Any]]] = {}
    for name, counts in res.facets.items():
        arg = _FACET_ARG[name]
        current = {"kind": req.kinds, "region": req.provinces + req.regions, "year": tuple(map(str, req.years)),
                   "type": req.notice_types, "doctype": req.doctypes, "flag": req.flags}[arg]
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
                        "type": list(req.notice_types), "doctype": list(req.doctypes), "year": list(req.years),
                        "stage": list(req.statuses), "amount_min": yuan(req.amount_min), "amount_max": yuan(req.amount_max),
                        "from": _day_text(req.date_from), "to": _day_text(req.date_to), "flag": list(req.flags)},
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
