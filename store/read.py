"""Read queries that more than one stage runs against the store.

A stage's own queries stay beside it (the site's pages in ``publish/site/reader.py``, the
build's list membership in ``publish/site/build.py``); a query two stages share lives here,
written once: the search documents (``search_index.documents``) and Datasette's full-text
tables (``publish.snapshot``) read a project's typed area columns and its parties the same way.

Every function takes a connection (read-only is enough: :func:`store.db.connect_ro`) and an
optional list of ids; ``None`` reads every row. Ids are looked up in chunks of :data:`CHUNK`
(SQLite's host-parameter limit).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from models.codelists import Kind
from store.schema import area_columns, project_table

CHUNK = 500  # ids per IN (…) lookup


def chunks(ids: list[str], n: int = CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


def _where(column: str, ids: list[str] | None) -> tuple[str, list[str]]:
    if ids is None:
        return "", []
    return f" WHERE {column} IN ({','.join('?' * len(ids))})", ids


def area_rows(conn: sqlite3.Connection, project_ids: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """project id → the typed columns of its area table (``projects_<kind>``), by column name."""
    out: dict[str, dict[str, Any]] = {}
    for ids in [None] if project_ids is None else chunks(project_ids):
        where, args = _where("project_id", ids)
        for kind in Kind:
            cols = [c for c, _t, _s in area_columns(kind)]
            sql = f"SELECT project_id, {', '.join(cols)} FROM {project_table(kind)}{where}"  # noqa: S608 - names from the schema, '?' marks
            for r in conn.execute(sql, args):
                out[r[0]] = dict(zip(cols, r[1:], strict=True))
    return out


def project_party_names(conn: sqlite3.Connection,
                        project_ids: list[str] | None = None) -> dict[str, list[tuple[str, str, str | None]]]:
    """project id → (name as published, party id, unified social credit code) of each of its roles."""
    out: dict[str, list[tuple[str, str, str | None]]] = {}
    for ids in [None] if project_ids is None else chunks(project_ids):
        where, args = _where("pp.project_id", ids)
        for pid, name, party_id, uscc in conn.execute(
                "SELECT pp.project_id, pp.name, pp.party_id, p.uscc FROM project_parties pp "  # noqa: S608 - '?' marks only
                f"JOIN parties p ON p.party_id = pp.party_id{where}", args):
            out.setdefault(pid, []).append((name, party_id, uscc))
    return out
