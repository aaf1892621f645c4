"""The build state: what the last build wrote and which list pages hold which items.

A small SQLite file in the output directory (``.build/state.sqlite``; robots.txt disallows
``.build/``) with:

- ``files(path, sha256, size)``: every file the build wrote, in first-written order (the
  sitemap lists pages in that order, so its old chunks never change);
- ``items(list_key, sort_key, seen_key, item_id, rev, facet)``: list membership, e.g. the
  notice version ``n-…-v1`` is in ``kind:land``, ``region:440606``, ``party:<id>`` (projects; never
  a natural person the privacy policy hides: their stored id derives from the name) …;
  ``rev`` changes when the item's entry on a list page must change; ``facet`` feeds totals;
- ``pages(list_key, page, sig)``: a signature of each numbered list page's entries, so an
  incremental build re-renders only the pages whose entries changed;
- ``meta``: the fingerprint of the code and templates, the store file it was built from,
  and ``changes``, the store's change-feed mark (:mod:`store.changes`) the build consumed up to;
- ``pending(seq, job)``: the jobs of an incremental build whose list changes are already
  committed to ``items``/``pages`` but whose pages may not be written yet. The build clears
  it in the same transaction that moves the marks; a build killed in between leaves it, and
  the next build runs those jobs again (crash safety: the state never claims pages that
  are not on disk).

Every transaction is kill-safe (WAL; ``synchronous=NORMAL`` loses nothing on a process
crash, only possibly the last commits on a power loss, and the marks then simply lag).
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
CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY, job TEXT NOT NULL);
"""


def state_path(out: Path) -> Path:
    return out / ".build" / "state.sqlite"


def open_state(out: Path) -> sqlite3.Connection:
    """Open the state (created if missing; recreated if a crash or a disk error left it unreadable)."""
    path = state_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = _connect(path)
    except sqlite3.DatabaseError:  # corrupt: start afresh (the next build is a full one)
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
        conn = _connect(path)
    return conn


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    conn.execute("SELECT count(*) FROM meta").fetchone()
    return conn


def clear(conn: sqlite3.Connection) -> None:
    """Forget everything but ``files`` (inside the caller's transaction: a full build starts)."""
    for table in ("meta", "items", "pages", "pending"):
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names


def get_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def set_meta(conn: sqlite3.Connection, values: dict[str, str]) -> None:
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items()))
