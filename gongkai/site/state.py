"""The build state: what the last build wrote and which list pages hold which items.

A small SQLite file in the output directory (``.build/state.sqlite``; robots.txt disallows
``.build/``) with:

- ``files(path, sha256, size)``: every file the build wrote, in first-written order (the
  sitemap lists pages in that order, so its old chunks never change);
- ``items(list_key, sort_key, seen_key, item_id, rev, facet)``: list membership, e.g. the
  notice version ``n-…-v1`` is in ``kind:land``, ``region:440606``, ``party:<id>`` (projects) …;
  ``rev`` changes when the item's entry on a list page must change; ``facet`` feeds totals;
- ``pages(list_key, page, sig)``: a signature of each numbered list page's entries, so an
  incremental build re-renders only the pages whose entries changed;
- ``meta``: the fingerprint of the code and templates, the store file it was built from,
  and the high-water marks (largest notice rowid, count, latest updated_at).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    list_key TEXT NOT NULL, sort_key TEXT NOT NULL, seen_key TEXT NOT NULL, item_id TEXT NOT NULL,
    rev TEXT NOT NULL, facet TEXT NOT NULL,
    PRIMARY KEY (list_key, sort_key, item_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_item ON items (item_id);
CREATE TABLE IF NOT EXISTS pages (list_key TEXT NOT NULL, page INTEGER NOT NULL, sig TEXT NOT NULL,
    PRIMARY KEY (list_key, page)) WITHOUT ROWID;
"""


def state_path(out: Path) -> Path:
    return out / ".build" / "state.sqlite"


def open_state(out: Path, *, fresh: bool = False) -> sqlite3.Connection:
    """Open (or, with ``fresh``, recreate) the state. A fresh state is written without a journal:
    it is a cache, and the build marks it complete (meta ``fingerprint``) only at its end, so a
    crash mid-build simply means the next build is a full one."""
    path = state_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fresh:
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
    try:
        conn = _connect(path, fresh)
    except sqlite3.DatabaseError:  # a state left corrupt by a crash: start afresh
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
        conn = _connect(path, True)
    return conn


def _connect(path: Path, fresh: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    if fresh:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
    else:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    conn.execute("SELECT count(*) FROM meta").fetchone()
    return conn


def get_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def set_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))
