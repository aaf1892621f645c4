"""Gongkai's Datasette plugin: Chinese search, its pages and feed, and security headers.

- ``prepare_connection`` (runs last, after Datasette's own): replaces the SQL function
  ``escape_fts`` that Datasette applies to ``?_search=`` with one that segments the query the
  way the FTS columns were segmented (search_index.fts), so ``_search=土地使用权`` works and
  the search box still shows what was typed; adds ``gongkai_fts(q)`` for SQL and canned queries.
- ``register_routes``: ``/-/search`` (HTML), ``/-/search.json``, ``/-/search.atom`` over the
  Whoosh index (search_index; the index directory comes from ``$GONGKAI_INDEX`` or the
  plugin's ``index_dir`` setting). A bad query is a 400 with the reason, never a 500.

Security headers and serving limits are in ``gongkai_guard.py``.
"""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path
from urllib.parse import parse_qs

from datasette.utils import escape_fts as datasette_escape_fts
from datasette.utils.asgi import Response

from datasette import hookimpl
from search_index import QueryError, open_engine
from search_index.fts import match_expression
from search_index.highlight import to_html
from search_index.web import (
    atom_feed,
    error_json,
    facet_label,
    kind_label,
    notice_type_label,
    parse_request,
    result_json,
    url,
    yuan,
)

_engine = None
_engine_lock = threading.Lock()


def _fts(q: str) -> str:
    try:
        return match_expression(q or "")
    except QueryError:
        return datasette_escape_fts(q or "") or '""'  # matches nothing rather than failing the page


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, _fts, deterministic=True)
    conn.create_function("gongkai_fts", 1, _fts, deterministic=True)


def _index_dir(datasette) -> Path | None:
    config = datasette.plugin_config("gongkai-search") or {}
    value = os.environ.get("GONGKAI_INDEX") or config.get("index_dir")
    return Path(value) if value else None


def _get_engine(datasette):
    global _engine
    with _engine_lock:
        if _engine is None:
            path = _index_dir(datasette)
            if path is None:
                raise FileNotFoundError("no search index configured (GONGKAI_INDEX)")
            _engine = open_engine(path)
        return _engine


def _origin(request) -> str:
    return f"{request.scheme}://{request.host}"


async def _run(datasette, request):
    args = parse_qs(request.query_string, keep_blank_values=True)
    req = parse_request(args)
    engine = _get_engine(datasette)
    return req, await asyncio.to_thread(engine.search, req)


async def search_json(datasette, request):
    try:
        req, res = await _run(datasette, request)
    except QueryError as exc:
        return Response.json(error_json(str(exc)), status=400)
    except FileNotFoundError as exc:
        return Response.json(error_json(str(exc), 503), status=503)
    return Response.json(result_json(res, req), headers={"Access-Control-Allow-Origin": "*"})


async def search_atom(datasette, request):
    args = parse_qs(request.query_string, keep_blank_values=True)
    args["sort"] = ["date"]  # a feed is newest first
    args["page"], args["size"] = ["1"], ["50"]
    try:
        req = parse_request(args)
        res = await asyncio.to_thread(_get_engine(datasette).search, req)
    except QueryError as exc:
        return Response.text(f"error: {exc}\n", status=400)
    except FileNotFoundError as exc:
        return Response.text(f"error: {exc}\n", status=503)
    return Response(atom_feed(res, req, _origin(request)), content_type="application/atom+xml; charset=utf-8")


async def search_html(datasette, request):
    args = parse_qs(request.query_string, keep_blank_values=True)
    q = (args.get("q") or [""])[0]
    context = {"q": q, "args": args, "error": None, "result": None, "req": None, "to_html": to_html,
               "kind_label": kind_label, "notice_type_label": notice_type_label, "facet_label": facet_label,
               "yuan": yuan, "url": url, "selected_kind": (args.get("kind") or [""])[0],
               "region_value": (args.get("region") or [""])[0], "selected_flag": (args.get("flag") or [""])[0]}
    status = 200
    # words or filters alone (kind, region, year, stage, amount, dates, flag): search_index.web.parse_request
    if q.strip() or any(v.strip() for k, vs in args.items() if k not in ("q", "sort", "page", "size") for v in vs):
        try:
            req, res = await _run(datasette, request)
            context.update(result=result_json(res, req), req=req)
        except QueryError as exc:
            context["error"], status = str(exc), 400
        except FileNotFoundError as exc:
            context["error"], status = str(exc), 503
    html = await datasette.render_template("gongkai_search.html", context, request=request)
    return Response.html(html, status=status)


@hookimpl
def register_routes():
    return [
        (r"^/-/search$", search_html),
        (r"^/-/search\.json$", search_json),
        (r"^/-/search\.atom$", search_atom),
    ]
