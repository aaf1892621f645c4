"""Keeping the search index in step with the database: one entry point, :func:`update_index`.

- No index yet, a different database, an index built by another engine or schema version (the
  state records both: switching ``GONGKAI_SEARCH_ENGINE`` forces a full build), or a change
  mark the store's feed can no longer answer (see :func:`store.changes.after`): a full build
  (both cores, in a child process with a timeout, swapped in when complete).
- Otherwise incremental: the notices and projects named by the change feed (:mod:`store.changes`)
  since the index state's mark are deleted and re-added in one commit; a notice without a
  current version is only deleted. The new mark is written to the index state after that
  commit: an update killed in between does the same work again, never less.

The mark is taken before the documents are read, so a change committed during an update is
indexed again by the next one rather than missed.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from search_index import documents
from search_index import whoosh_engine as we
from search_index.engine import backend, engine_name, open_engine
from store import changes
from store.db import connect_ro
from store.privacy import redaction

# (``we`` is used for the index state file only: read_state / write_state are engine-neutral JSON)
FULL_BUILD_TIMEOUT_BASE = 120.0  # seconds, plus per document below
# 10 docs/s before a build counts as hung: Whoosh builds the five-area corpus at 73 docs/s on an
# idle 2-core machine and below 50 on a busy one (at 0.02 s, a 100k build beside the 1M scale
# bench was killed after 46 minutes of work); tantivy is 10–30× faster, far inside either bound.
FULL_BUILD_TIMEOUT_PER_DOC = 0.1


def _connect(db_path: Path) -> sqlite3.Connection:
    conn = connect_ro(db_path)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def _all_documents(db_path: Path):
    conn = _connect(db_path)
    try:
        people = redaction(conn)  # every project's natural persons, read once for both document types
        yield from documents.iter_projects(conn, people=people)
        yield from documents.iter_notices(conn, people=people)
    finally:
        conn.close()


def rebuild(db_path: Path, index_dir: Path, *, procs: int = 2, engine: str | None = None) -> dict[str, Any]:
    """A full build of ``index_dir`` from ``db_path`` with ``engine`` (default: ``GONGKAI_SEARCH_ENGINE``)."""
    db_path, index_dir = Path(db_path), Path(index_dir)
    name = engine_name(engine)
    be = backend(name)
    started = time.perf_counter()
    conn = _connect(db_path)
    try:
        conn.execute("BEGIN")
        mark = changes.mark(conn)  # before the documents are read (in another process): later changes are re-indexed
        expected = documents.count_documents(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()
    timeout = FULL_BUILD_TIMEOUT_BASE + FULL_BUILD_TIMEOUT_PER_DOC * expected
    n = be.build(index_dir, lambda: _all_documents(db_path), procs=procs, timeout=timeout)
    we.write_state(index_dir, {"engine": name, "schema_version": be.SCHEMA_VERSION, "db": str(db_path.resolve()),
                               "changes": mark, "documents": n})
    return {"mode": "full", "engine": name, "added": n, "deleted": 0, "documents": n, "seconds": round(time.perf_counter() - started, 3),
            "changes": mark}


def update_index(db_path: Path, index_dir: Path, *, engine: str | None = None) -> dict[str, Any]:
    """Bring ``index_dir`` up to date with ``db_path``; incremental when possible. ``engine``: see :func:`rebuild`.

    Returns ``{"mode": "full"|"incremental"|"unchanged", "added", "deleted", "documents",
    "segments", "seconds", "changes"}`` (``changes``: the feed mark the index is now at).
    """
    db_path, index_dir = Path(db_path), Path(index_dir)
    name = engine_name(engine)
    be = backend(name)
    state = we.read_state(index_dir) if be.exists(index_dir) else {}
    started = time.perf_counter()
    conn = _connect(db_path)
    try:
        conn.execute("BEGIN")  # one read snapshot for the mark and the changed rows
        mark = changes.mark(conn)
        same = (bool(state) and state.get("engine", "whoosh") == name and state.get("schema_version") == be.SCHEMA_VERSION
                and state.get("db") == str(db_path.resolve()))
        notices = changes.after(conn, state.get("changes"), mark, what=changes.NOTICE_CHANGES) if same else None
        projects = changes.after(conn, state.get("changes"), mark, what=changes.PROJECT_CHANGES) if same else None
        if notices is not None and projects is not None:
            notice_ids, project_ids = notices.notice_ids, projects.project_ids
            docs = list(documents.iter_notices(conn, notice_ids)) + list(documents.iter_projects(conn, project_ids))
        conn.execute("COMMIT")
    finally:
        conn.close()
    if notices is None or projects is None:
        out = rebuild(db_path, index_dir, engine=name)
        opened = open_engine(index_dir, name)
        out["segments"] = opened.segment_count()
        opened.close()
        return out
    opened = open_engine(index_dir, name)
    try:
        keys = [f"n:{i}" for i in notice_ids] + [f"p:{i}" for i in project_ids]
        if keys:
            added, deleted = opened.update(docs, keys)
        else:
            added = deleted = 0
        state["changes"] = mark
        we.write_state(index_dir, state)
        return {"mode": "incremental" if keys else "unchanged", "engine": name, "added": added, "deleted": deleted,
                "documents": opened.doc_count(), "segments": opened.segment_count(),
                "seconds": round(time.perf_counter() - started, 3), "changes": mark}
    finally:
        opened.close()
