"""The change feed: what changed in the store since a consumer last looked.

Every write that matters appends a row to the ``changes`` table, by a trigger
(:data:`store.schema.CHANGE_TRIGGERS`), so the row is in the same transaction as the write
whatever wrote it (a batch, a crawl, a hand-made fix): a new notice version, a supersession, a
new source row (a copy of a notice from another platform), a new or replaced notice text, a
project compiled to something new, a deleted notice or project. ``seq`` is the table's integer
key, given as ``max(seq) + 1``: it only grows, and since :func:`prune` always keeps the newest
row, a number is never given twice.

A consumer (the site build, the search update) remembers the :func:`mark` it consumed up to, in
its own state, and asks :func:`after` for what changed past it. ``after`` returns ``None`` when
the consumer must do a full run instead:

- it has no mark (a first run, or a database from before the feed: the first writer adds the
  table and its triggers, ``CREATE … IF NOT EXISTS``, and the consumer runs in full once);
- the mark belongs to another database (each store gets a random ``store_id`` in ``meta`` when it
  is created, so a database re-created at the same path is told apart);
- the feed was pruned past the mark, or the mark is ahead of the feed (a restored backup).

Take the mark *before* reading the data it stands for (:func:`mark` then :func:`after` with
``upto``): a change committed in between is then read twice, never missed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass

# The kinds of change (``changes.what``).
VERSION = "version"  # a notice version was stored
SUPERSEDED = "superseded"  # a notice version got a newer one
SOURCE = "source"  # a version got another source row (the same notice from another platform or file)
TEXT = "text"  # a version's text (body text, attachments) was stored or replaced
PROJECT = "project"  # a project was compiled for the first time, or to something new
NOTICE_DELETED = "notice deleted"
PROJECT_DELETED = "project deleted"
TEXT_DELETED = "text deleted"
FLAG = "flag"  # a project's red-flag result changed (store.flags)

# What changes a notice's searchable document, and a project's.
NOTICE_CHANGES = (VERSION, SUPERSEDED, TEXT, NOTICE_DELETED, TEXT_DELETED)
PROJECT_CHANGES = (PROJECT, PROJECT_DELETED, FLAG)

PRUNED_KEY = "changes_pruned_through"  # meta: the largest seq :func:`prune` removed
STORE_ID_KEY = "store_id"  # meta: a random id given to the database when it was created


@dataclass(frozen=True)
class Changed:
    """What changed after a mark, up to ``last_seq`` (ids sorted, each once)."""

    project_ids: list[str]
    notice_ids: list[str]
    version_ids: list[str]
    last_seq: int
    new_versions: int = 0  # notice versions stored (``version`` rows)


def has_feed(conn: sqlite3.Connection) -> bool:
    """Whether the database has the ``changes`` table (a database from before it has not, until
    its next writer creates it)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'changes'").fetchone() is not None


def latest(conn: sqlite3.Connection) -> int:
    """The seq of the newest change (0 when nothing changed yet, or the database has no feed)."""
    if not has_feed(conn):
        return 0
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0])


def store_id(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (STORE_ID_KEY,)).fetchone()
    return row[0] if row else None


def mark(conn: sqlite3.Connection) -> str | None:
    """The consumer's bookmark of the present: ``"<store_id>:<seq>"``; None when the database has
    no feed yet (the consumer then has nothing to resume from next time)."""
    sid = store_id(conn)
    if sid is None or not has_feed(conn):
        return None
    return f"{sid}:{latest(conn)}"


def since(conn: sqlite3.Connection, seq: int, *, upto: int | None = None,
          what: Collection[str] | None = None) -> Changed:
    """The changes with ``seq < changes.seq <= upto`` (``upto``: :func:`latest` by default),
    only those of the kinds in ``what`` when given."""
    last = latest(conn) if upto is None else upto
    kinds = None if what is None else set(what)
    projects: set[str] = set()
    notices: set[str] = set()
    versions: set[str] = set()
    new_versions = 0
    for kind, pid, nid, vid in conn.execute(
            "SELECT what, project_id, notice_id, version_id FROM changes WHERE seq > ? AND seq <= ?", (seq, last)):
        if kinds is not None and kind not in kinds:
            continue
        if pid:
            projects.add(pid)
        if nid:
            notices.add(nid)
        if vid:
            versions.add(vid)
        new_versions += kind == VERSION
    return Changed(sorted(projects), sorted(notices), sorted(versions), last, new_versions)


def after(conn: sqlite3.Connection, since_mark: str | None, now: str | None, *,
          what: Collection[str] | None = None) -> Changed | None:
    """What changed from ``since_mark`` (the consumer's last mark) to ``now`` (:func:`mark`, taken
    before reading); None when the consumer must run in full (see the module docstring)."""
    if not since_mark or not now:
        return None
    old_id, _sep, old_seq = since_mark.rpartition(":")
    new_id, _sep, new_seq = now.rpartition(":")
    if old_id != new_id or not old_seq.isdigit() or not new_seq.isdigit():
        return None
    start, end = int(old_seq), int(new_seq)
    pruned = conn.execute("SELECT value FROM meta WHERE key = ?", (PRUNED_KEY,)).fetchone()
    if start > end or (pruned is not None and int(pruned[0]) > start):
        return None
    return since(conn, start, upto=end, what=what)


def prune(conn: sqlite3.Connection, through: int) -> int:
    """Remove the changes up to ``through`` (inside the caller's write transaction), always keeping
    the newest one (the next seq follows it); return how many were removed.

    Not called by the product (the feed grows by a few rows per stored notice); for an operator
    whose feed has grown large: prune up to the smallest mark of the consumers in use. A consumer
    whose mark is older then finds :data:`PRUNED_KEY` past it and runs in full once."""
    through = min(through, latest(conn) - 1)
    if through <= 0:
        return 0
    removed = conn.execute("DELETE FROM changes WHERE seq <= ?", (through,)).rowcount
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
                 " SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))", (PRUNED_KEY, str(through)))
    return removed
