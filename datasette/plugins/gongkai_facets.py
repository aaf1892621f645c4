"""Each facet once per table request, and counted once per publish (issue 11: Datasette that stays fast).

Datasette 0.65 computes every ``_facet=`` parameter even when the table's metadata already shows
that facet, or when the parameter repeats: ``notices?_facet=kind_name`` runs the ``kind_name``
facet twice and answers it twice (``kind_name`` and ``kind_name_2``, two identical boxes on the
page). On the notices table each facet is a scan of the filtered rows (a million at 1M notices),
so a repeat doubles the cost of the request for nothing.

This ASGI wrapper drops, from a table request's query string, a plain ``_facet=COLUMN`` that the
table's metadata facets or an earlier ``_facet=`` already name. Every other parameter (filters,
``_facet_date``, ``_facet_array``, JSON configs, ``_size`` …) is passed on unchanged and in order.

:class:`CountedColumnFacet` replaces Datasette's column facet. When the rows a table page shows are
the whole table or one equality filter (``notices?published_year=2024``, a facet value clicked), it
reads each facet's counts from the snapshot's ``facet_counts`` table (``publish.snapshot.add_facet_counts``:
the snapshot never changes, so they are exact) instead of scanning the rows; any other request
(several filters, ``_search``, ``_where``, a column not counted, a filter value written in a way the
table does not hold) is Datasette's own facet, unchanged.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, unquote_plus

from datasette.facets import ArrayFacet, ColumnFacet, DateFacet
from datasette.utils import detect_json1, path_with_added_args, path_with_removed_args

from datasette import hookimpl
from datasette.plugins import pm

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


# The SQL Datasette's table view gives its facets: every row (``select … from notices ``) or one
# equality filter (``… where "published_year" = :p0 ``; views/table.py and filters.py of 0.65).
_ROWS_SQL = re.compile(r"select .+ from (?P<table>\w+) (?:where \"?(?P<column>\w+)\"? = :p0 )?", re.DOTALL)
COUNTS_TABLE = "facet_counts"
_COUNTS_SQL = ("select value, count from facet_counts where tbl = :t and filter_column = :c and filter_value = :v"
               " and facet = :f order by count desc, value limit :n")


def counted_rows(sql: str, params: Any) -> tuple[str, str, str] | None:
    """(table, filter column, filter value as text) when ``sql``/``params`` select a whole table
    ('' and '') or the rows of one equality filter; None for anything else."""
    match = _ROWS_SQL.fullmatch(sql)
    if match is None:
        return None
    column = match["column"] or ""
    given = dict(params) if isinstance(params, dict) else {}
    if set(given) != ({"p0"} if column else set()) or (params and not isinstance(params, dict)):
        return None
    return match["table"], column, str(given["p0"]) if column else ""


class CountedColumnFacet(ColumnFacet):
    """Datasette's column facet, answered from ``facet_counts`` where it can be (module docstring)."""

    _only: list[dict[str, Any]] | None = None

    def get_configs(self) -> list[dict[str, Any]]:
        return super().get_configs() if self._only is None else self._only

    async def _counted_columns(self, rows: tuple[str, str, str]) -> set[str]:
        """The facet columns ``facet_counts`` answers for these rows (none: Datasette counts them)."""
        db = self.ds.get_database(self.database)
        if not await db.table_exists(COUNTS_TABLE):
            return set()
        table, column, value = rows
        facets = {r[0] for r in await db.execute(
            "select distinct facet from facet_counts where tbl = ? and filter_column = ''", [table])}
        if column and (column not in facets or not (await db.execute(
                "select 1 from facet_counts where tbl = ? and filter_column = ? and filter_value = ? limit 1",
                [table, column, value])).rows):
            return set()  # a filter the table does not count, or a value it does not hold as written
        return facets

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        rows = counted_rows(self.sql, self.params)
        counted = await self._counted_columns(rows) if rows and rows[0] == self.table else set()
        configs = self.get_configs()

        def column_of(item: dict[str, Any]) -> str | None:
            config = item["config"]
            return config.get("simple") if set(config) == {"simple"} else (
                config.get("column") if set(config) == {"column"} else None)

        mine = [c for c in configs if column_of(c) in counted]
        if not mine:
            return await super().facet_results()
        self._only = [c for c in configs if c not in mine]
        try:
            others, timed_out = await super().facet_results() if self._only else ([], [])
        finally:
            self._only = None
        by_name: dict[str, deque[dict[str, Any]]] = defaultdict(deque)
        for result in others:
            by_name[result["name"]].append(result)
        results = []
        for item in configs:
            name = column_of(item)
            if item in mine and name is not None and rows is not None:
                results.append(await self._counted_result(name, item["source"], rows))
            else:
                name = item["config"].get("column") or item["config"].get("simple")
                if by_name.get(name):
                    results.append(by_name[name].popleft())
        return results, timed_out

    async def _counted_result(self, column: str, source: str, rows: tuple[str, str, str]) -> dict[str, Any]:
        """One facet's answer, in the shape ColumnFacet gives it (the page and the JSON are the same)."""
        size = self.get_facet_size()
        table, by, value = rows
        found = (await self.ds.execute(self.database, _COUNTS_SQL,
                                       {"t": table, "c": by, "v": value, "f": column, "n": size + 1})).rows
        shown = found[:size]
        labels = await self.ds.expand_foreign_keys(self.database, self.table, column, [r["value"] for r in shown])
        pairs = self.get_querystring_pairs()
        values = []
        for row in shown:
            arg = f"{column}__exact" if column.startswith("_") else column
            selected = (arg, str(row["value"])) in pairs
            toggle = (path_with_removed_args(self.request, {arg: str(row["value"])}) if selected
                      else path_with_added_args(self.request, {arg: row["value"]}))
            values.append({"value": row["value"], "label": labels.get((column, row["value"]), row["value"]),
                           "count": row["count"], "selected": selected,
                           "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle))})
        return {"name": column, "type": self.type, "hideable": source != "metadata",
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
                "results": values, "truncated": len(found) > size}


@hookimpl
def register_facet_classes() -> list[type]:
    classes: list[type] = [CountedColumnFacet, DateFacet]
    if detect_json1():
        classes.append(ArrayFacet)
    return classes


@hookimpl
def startup(datasette: Any) -> None:
    # Datasette's own facet classes would answer every column facet a second time beside ours
    # (register_facet_classes collects from every plugin): this server uses ours, which falls
    # back to Datasette's ColumnFacet for everything it does not count.
    pm.set_blocked("datasette.facets")
