"""Each facet once per table request (issue 11: Datasette that stays fast).

Datasette 0.65 computes every ``_facet=`` parameter even when the table's metadata already shows
that facet, or when the parameter repeats: ``notices?_facet=kind_name`` runs the ``kind_name``
facet twice and answers it twice (``kind_name`` and ``kind_name_2``, two identical boxes on the
page). On the notices table each facet is a scan of the filtered rows (a million at 1M notices),
so a repeat doubles the cost of the request for nothing.

This ASGI wrapper drops, from a table request's query string, a plain ``_facet=COLUMN`` that the
table's metadata facets or an earlier ``_facet=`` already name. Every other parameter (filters,
``_facet_date``, ``_facet_array``, JSON configs, ``_size`` …) is passed on unchanged and in order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, unquote_plus

from datasette import hookimpl

Scope = dict[str, Any]
App = Callable[[Scope, Any, Any], Awaitable[None]]
_FORMATS = (".json", ".csv")  # table URLs with a renderer suffix (notices.json)


def table_of(path: str, databases: set[str]) -> tuple[str, str] | None:
    """(database, table) of a table URL (``/gongkai/notices``, ``/gongkai/notices.json``); None otherwise."""
    parts = path.strip("/").split("/")
    if len(parts) != 2 or unquote(parts[0]) not in databases:
        return None
    table = unquote(parts[1])
    for suffix in _FORMATS:
        if table.endswith(suffix):
            table = table[: -len(suffix)]
    return unquote(parts[0]), table


def without_repeated_facets(query: bytes, shown: list[Any]) -> bytes | None:
    """``query`` without the ``_facet=`` parameters that ``shown`` (the metadata facets) or an earlier
    one name; None when nothing is dropped. The other parameters are kept byte for byte."""
    seen = {f for f in shown if isinstance(f, str)}
    kept: list[bytes] = []
    dropped = False
    for part in query.split(b"&"):
        key, _eq, raw = part.partition(b"=")
        if key == b"_facet":
            try:  # a value that is not percent-encoded UTF-8 is left for Datasette to judge
                value: str | None = unquote_plus(raw.decode("ascii"), errors="strict")
            except UnicodeDecodeError:
                value = None
            if value is not None and not value.startswith("{"):
                if value in seen:
                    dropped = True
                    continue
                seen.add(value)
        kept.append(part)
    return b"&".join(kept) if dropped else None


# tryfirst: applied first, so inside the guard (gongkai_guard.py), which sees the request as sent
@hookimpl(tryfirst=True)
def asgi_wrapper(datasette: Any) -> Callable[[App], App]:
    def wrap(app: App) -> App:
        async def facets_once(scope: Scope, receive: Any, send: Any) -> None:
            query = scope.get("query_string", b"")
            if scope.get("type") == "http" and b"_facet=" in query:
                where = table_of(scope.get("path", ""), set(datasette.databases))
                if where is not None:
                    shown = datasette.table_metadata(*where).get("facets") or []
                    fewer = without_repeated_facets(query, shown)
                    if fewer is not None:
                        scope = {**scope, "query_string": fewer}
            await app(scope, receive, send)

        return facets_once

    return wrap
