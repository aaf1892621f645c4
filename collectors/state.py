"""Incremental crawling: which detail pages were stored, under which list-entry fingerprint.

A re-crawl fetches every list page again (that is how new and changed notices are found) but
a detail page only when its URL is unseen, or when its list entry's fingerprint (a hash of
what the list says about it: title, date, stage…) changed. The table ``crawl_state`` lives
in the same database (store/schema.py); rows are written by the store pipeline in the
same transaction as the notices they stand for, so a crash never marks a page as seen
whose notice was not stored. A page that failed leaves no row: the next run fetches it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import orjson

from store.db import connect_ro


def fingerprint(entry: Any) -> str:
    """sha256 (16 hex digits) of a list entry's canonical JSON."""
    return hashlib.sha256(orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def load(db: Path, spider: str) -> dict[str, str]:
    """url → fingerprint of the detail pages ``spider`` stored before (empty for a new database)."""
    if not Path(db).exists():
        return {}
    conn = connect_ro(db)
    try:
        return dict(conn.execute("SELECT url, fingerprint FROM crawl_state WHERE spider = ?", (spider,)))
    except sqlite3.OperationalError:  # a database from before crawl_state
        return {}
    finally:
        conn.close()


UPSERT = ("INSERT INTO crawl_state (url, spider, fingerprint, fetched_at, raw_sha256) VALUES (?,?,?,?,?)"
          " ON CONFLICT (url) DO UPDATE SET spider=excluded.spider, fingerprint=excluded.fingerprint,"
          " fetched_at=excluded.fetched_at, raw_sha256=excluded.raw_sha256")
