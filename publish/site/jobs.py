"""A build is a list of jobs (one page or feed each); this runs them, in-process or in a fork pool.

Workers receive index ranges into the job list they inherited through ``fork`` (records are
never pickled); each opens its own read-only store connection and state connection
(:func:`store.db.connect_ro`) and returns the (path, sha256, size) of every file it produced.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from publish.site import feeds, reader
from publish.site.lists import FEED_SIZE
from publish.site.pages import entities, flags, listings, overview, records
from publish.site.pages.context import Ctx
from publish.site.render import Renderer
from publish.site.state import state_path
from publish.site.writer import Writer
from store.db import connect_ro
from store.procs import die_with_parent

Job = tuple  # ("project", id) | ("notice", id) | ("party", id) | ("region", code) | ("head", key)
#             | ("page", key, n) | ("feed", key) | ("home",) | ("stats",) | ("static",) | ("regions",)
#             | ("flags", "all" | "kind:<kind>" | "region:<province>")  (red flags: lists and feeds)
#             | ("filters", kind)  (an area's stage and method pages)


def feed_items(ctx: Ctx, key: str) -> list[str]:
    """The newest versions (by first seen) of a feed: from the state's lists, or the store."""
    args: tuple[str | int, ...]
    if key == "all":
        sql, args = "SELECT version_id FROM notices ORDER BY first_seen_at DESC, version_id DESC LIMIT ?", (FEED_SIZE,)
    elif key.startswith("pfeed:"):
        sql = ("SELECT n.version_id FROM project_parties pp JOIN notices n ON n.project_id = pp.project_id"
               " WHERE pp.party_id = ? GROUP BY n.version_id ORDER BY n.first_seen_at DESC, n.version_id DESC LIMIT ?")
        args = (key.split(":", 1)[1], FEED_SIZE)
    else:
        return [r[0] for r in ctx.state.execute(
            "SELECT item_id FROM items WHERE list_key = ? ORDER BY seen_key DESC, item_id DESC LIMIT ?",
            (key, FEED_SIZE))]
    return [r[0] for r in ctx.conn.execute(sql, args)]


def render_feed(ctx: Ctx, key: str) -> None:
    if listings.is_person_list(ctx, key):
        return  # a natural person's projects are not a feed (reader.person_parties)
    ids = feed_items(ctx, key)
    paths_ = listings.feed_paths(key)
    assert paths_ is not None
    atom_rel, rss_rel = paths_
    title = listings.list_title(ctx, key, "zh")
    title = "公开 Gongkai" if key == "all" else f"{title} · 公开 Gongkai"
    built = feeds.build_feed(ctx.conn, ids, title=title, site_url=ctx.site_url, feed_rel=atom_rel,
                             page_rel=listings.head_path(key))
    if built:
        ctx.writer.write(atom_rel, built[0])
        ctx.writer.write(rss_rel, built[1])


HANDLERS: dict[str, Callable[..., None]] = {
    "project": records.render_project,
    "notice": records.render_notice,
    "party": entities.render_party,
    "region": entities.render_region,
    "head": listings.render_kind_head,
    "page": listings.render_numbered,
    "feed": render_feed,
    "home": overview.render_home,
    "stats": overview.render_stats,
    "static": overview.render_static,
    "regions": entities.render_regions_index,
    "flags": flags.render_flags,
    "filters": listings.render_filters,
}


def run(ctx: Ctx, job: Job) -> None:
    HANDLERS[job[0]](ctx, *job[1:])


@dataclass
class WorkerSetup:
    db: Path
    out: Path
    site_url: str
    as_of: str
    known: dict[str, tuple[str, int]]
    downloads: list


_JOBS: list[Job] = []
_SETUP: WorkerSetup | None = None
_CTX: Ctx | None = None
_PARENT = 0  # the build process (workers die with it: no orphan keeps writing into the site)


def make_ctx(setup: WorkerSetup, state: sqlite3.Connection | None = None) -> Ctx:
    st = state if state is not None else connect_ro(state_path(setup.out))  # the build state: read-only too
    # 128 MiB page cache: a worker renders thousands of pages that read the same parts of the store.
    conn = connect_ro(setup.db, check_same_thread=False, cache_mib=128)
    reader.cache_policy(conn)  # one redaction map per project and build process (a new build: new maps)
    return Ctx(conn, st, Renderer(), Writer(setup.out, setup.known), setup.as_of, setup.site_url, setup.downloads)


def _init() -> None:
    global _CTX
    die_with_parent(_PARENT)
    assert _SETUP is not None
    _CTX = make_ctx(_SETUP)


def _work(span: tuple[int, int]) -> tuple[list[tuple[str, str, int]], int]:
    assert _CTX is not None
    _CTX.writer.written = []
    _CTX.writer.changed = 0
    for job in _JOBS[span[0]:span[1]]:
        run(_CTX, job)
    return _CTX.writer.written, _CTX.writer.changed


IN_PROCESS = 800  # fewer jobs than this run in the build process: forking and warming workers costs more


def run_all(jobs: list[Job], setup: WorkerSetup, state: sqlite3.Connection, *, workers: int = 2,
            chunk: int = 400, progress: Callable[[int, int], None] | None = None) -> tuple[list, int]:
    """Run ``jobs``; return every (path, sha, size) produced and how many files were (re)written."""
    global _JOBS, _SETUP, _PARENT
    if workers <= 1 or len(jobs) < IN_PROCESS:
        ctx = make_ctx(setup, state)
        for i, job in enumerate(jobs):
            run(ctx, job)
            if progress and i % 500 == 0:
                progress(i, len(jobs))
        reader.cache_policy(None)
        ctx.conn.close()
        return ctx.writer.written, ctx.writer.changed
    _JOBS, _SETUP, _PARENT = jobs, setup, os.getpid()
    spans = [(i, min(i + chunk, len(jobs))) for i in range(0, len(jobs), chunk)]
    written: list = []
    changed = 0
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_init) as pool:
            # imap, not imap_unordered: results in job order keep the state (and sitemap) reproducible
            for done, (w, c) in enumerate(pool.imap(_work, spans), 1):
                written += w
                changed += c
                if progress:
                    progress(done * chunk, len(jobs))
    finally:
        _JOBS, _SETUP = [], None
    return written, changed
