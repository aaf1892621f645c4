"""``gongkai build``: the store rendered as a static site with feeds, incrementally.

Readers → generators → writers, as in Pelican: :mod:`.reader` queries the store
(read-only); :mod:`.lists` derives which lists each project and notice version belongs to;
the page generators in :mod:`.pages` and :mod:`.feeds` render; :mod:`.writer` writes only
changed bytes. The first build (or any build after the code, the templates, the site URL or
the database file changed, or with ``full=True``) renders everything; later builds ask the
store's change feed (:mod:`store.changes`) what changed since the mark the last build kept in
its state (new and superseded notice versions, new sources of a stored version, new or
replaced texts, recompiled projects: each names its project) and re-render only the pages
those projects reach. The mark is taken before anything is read, so a change committed
during a build is rendered again by the next one, never missed; it is saved only in the
build's last state transaction (with ``pending`` cleared), so a killed build leaves the old
mark and its unfinished jobs. Without a usable mark (none yet, a database from before the
feed, another database, a pruned feed) the build is a full one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from models.codelists import Kind
from publish import checkpoint, resources
from publish.site import downloads as dl
from publish.site import jobs as jobmod
from publish.site.lists import Version, list_has_pages, page_sigs, party_item, project_items
from publish.site.pages.flags import flag_jobs, incremental_jobs
from publish.site.reader import data_as_of
from publish.site.sitemap import write_robots, write_sitemaps
from publish.site.state import clear, get_meta, open_state, set_meta
from publish.site.writer import Writer
from store import changes, paths, privacy
from store.db import connect_ro
from store.procs import exclusive

FORMAT = "1"  # bump when the URL design or the state layout changes
PACKAGE = Path(__file__).resolve().parent


@dataclass
class BuildReport:
    out: Path
    mode: str  # "full" or "incremental"
    files: int = 0  # files produced (rendered) in this build
    written: int = 0  # of which written because their bytes changed
    jobs: int = 0
    seconds: float = 0.0
    changed_projects: int = 0
    new_versions: int = 0
    downloads: list = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    log: checkpoint.LogReport | None = None  # the tamper-evident log written under log/

    def summary(self) -> str:
        return (f"{self.mode} build of {self.out}: {self.files:,} files rendered, {self.written:,} written "
                f"(changed bytes), {self.jobs:,} jobs, {self.seconds:.2f} s")


def fingerprint(site_url: str) -> str:
    """Hash of everything that shapes the output besides the data (the privacy policy too)."""
    h = hashlib.sha256(f"{FORMAT}\x00{site_url}".encode())
    h.update(repr(privacy.policy()).encode())  # another privacy policy shows names otherwise: every page again
    for name, base, pattern in (("site", PACKAGE, "*.py"), ("templates", resources.templates_dir(), "*"),
                                ("locale", resources.locale_dir(), "*.po")):
        for p in sorted(base.rglob(pattern)):
            if p.is_file():
                h.update(f"{name}/{p.relative_to(base).as_posix()}".encode() + b"\x00" + p.read_bytes())
    return h.hexdigest()


_VERSION_SQL = ("SELECT project_id, version_id, kind, notice_type, published_at, published_year, province_code,"
                " region_code, first_seen_at, superseded_at IS NULL FROM notices")


def _version(r: tuple) -> Version:
    return Version(r[1], r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]))


def _all_items(conn: sqlite3.Connection) -> Iterator[tuple]:
    """Items of every project (a merge of three scans ordered by project id). A natural person the
    privacy policy hides (:func:`store.privacy.person_parties`) has no list: no page shows it, and its
    key would keep the stored, name-derived party id in the site directory."""
    hidden = set(privacy.person_parties(conn))
    versions = conn.execute(_VERSION_SQL + " ORDER BY project_id")
    parties = conn.execute("SELECT DISTINCT project_id, party_id FROM project_parties ORDER BY project_id, party_id")
    v_next = next(versions, None)
    p_next = next(parties, None)
    for pid, kind, first, sha in conn.execute(
            "SELECT project_id, kind, first_published_at, compiled_sha256 FROM projects ORDER BY project_id"):
        vs: list[Version] = []
        while v_next is not None and v_next[0] < pid:
            v_next = next(versions, None)
        while v_next is not None and v_next[0] == pid:
            vs.append(_version(v_next))
            v_next = next(versions, None)
        ps: list[str] = []
        while p_next is not None and p_next[0] < pid:
            p_next = next(parties, None)
        while p_next is not None and p_next[0] == pid:
            if p_next[1] not in hidden:
                ps.append(p_next[1])
            p_next = next(parties, None)
        yield from project_items(pid, kind, first, sha, vs, ps)


def _items_of(conn: sqlite3.Connection, project_ids: list[str]) -> tuple[list[tuple], list[str], set[str], set[str]]:
    """Items of some projects, the version ids of those projects, and their parties: the shown ones
    and the hidden people (who get no list, as in :func:`_all_items`)."""
    rows: list[tuple] = []
    version_ids: list[str] = []
    shown: set[str] = set()
    hidden: set[str] = set()
    for i in range(0, len(project_ids), 500):
        chunk = project_ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        vs: dict[str, list[Version]] = {}
        for r in conn.execute(_VERSION_SQL + f" WHERE project_id IN ({marks})", chunk):
            vs.setdefault(r[0], []).append(_version(r))
            version_ids.append(r[1])
        ps: dict[str, list[str]] = {}
        pairs = conn.execute(f"SELECT DISTINCT project_id, party_id FROM project_parties"  # noqa: S608
                             f" WHERE project_id IN ({marks})", chunk).fetchall()
        people = privacy.person_parties(conn, {party for _pid, party in pairs})
        for pid, party in pairs:
            if party in people:
                hidden.add(party)
            else:
                shown.add(party)
                ps.setdefault(pid, []).append(party)
        for pid, kind, first, sha in conn.execute(
                f"SELECT project_id, kind, first_published_at, compiled_sha256 FROM projects"  # noqa: S608
                f" WHERE project_id IN ({marks})", chunk):
            rows += project_items(pid, kind, first, sha, vs.get(pid, []), ps.get(pid, []))
    return rows, version_ids, shown, hidden


def _whole_party_lists(conn: sqlite3.Connection, state: sqlite3.Connection, shown: set[str], hidden: set[str]
                       ) -> tuple[list[tuple], list[tuple]]:
    """A changed project can hide a party (a new role held by people) or show it again: its whole list
    goes or comes, not only the changed projects' entries. Returns (rows to delete, rows to insert):
    every row of a hidden party's list in the state, and every project of a shown party whose list
    the state does not have (a new party, or one hidden until now)."""
    gone: list[tuple] = []
    for party in sorted(hidden):
        gone += state.execute("SELECT list_key, sort_key, seen_key, item_id, rev, facet FROM items WHERE list_key = ?",
                              (f"party:{party}",)).fetchall()
    back: list[tuple] = []
    for party in sorted(shown):
        if state.execute("SELECT 1 FROM items WHERE list_key = ? LIMIT 1", (f"party:{party}",)).fetchone():
            continue
        back += [party_item(party, pid, kind, first, sha) for pid, kind, first, sha in conn.execute(
            "SELECT DISTINCT pr.project_id, pr.kind, pr.first_published_at, pr.compiled_sha256 FROM project_parties pp"
            " JOIN projects pr USING (project_id) WHERE pp.party_id = ?", (party,))]
    return gone, back


def _can_continue(meta: dict[str, str], fp: str, db: Path) -> bool:
    """True when the last build's state was made by this code and templates from this database file."""
    return meta.get("fingerprint") == fp and meta.get("db") == str(db.resolve())


def _list_jobs(state: sqlite3.Connection, keys: list[str], *, compare: bool) -> tuple[list[tuple], list[tuple]]:
    """Jobs for the numbered pages whose entries changed, and the new page signatures."""
    jobs: list[tuple] = []
    sig_rows: list[tuple] = []
    for key in keys:
        if not list_has_pages(key):
            continue
        items = state.execute("SELECT item_id, rev FROM items WHERE list_key = ? ORDER BY sort_key, item_id",
                              (key,)).fetchall()
        sigs = page_sigs(items) if items else {}
        old = dict(state.execute("SELECT page, sig FROM pages WHERE list_key = ?", (key,)).fetchall()) if compare else {}
        for page, sig in sigs.items():
            if old.get(page) != sig:
                jobs.append(("page", key, page))
                sig_rows.append((key, page, sig))
        if compare:
            state.execute("DELETE FROM pages WHERE list_key = ? AND page > ?", (key, len(sigs)))
    return jobs, sig_rows


def _head_jobs(keys: list[str]) -> list[tuple]:
    out = []
    for key in keys:
        kind, _sep, rest = key.partition(":")
        if kind == "kind":
            out.append(("head", key))
        elif kind == "region":
            out.append(("region", rest))
        elif kind == "party":
            out.append(("party", rest))
            out.append(("feed", f"pfeed:{rest}"))
        if (kind == "kind" and ":" not in rest) or (kind == "region" and rest.endswith("0000")):
            out.append(("feed", key))
    return out


# Pages that show totals or the "data as of" time: rendered by every build (cheap).
SINGLETONS: list[tuple] = [("home",), ("stats",), ("static",), ("regions",), ("feed", "all"),
                           *(("head", f"kind:{k.value}") for k in Kind)]


def _filter_jobs(conn: sqlite3.Connection, project_ids: list[str] | None) -> list[tuple]:
    """The stage and method pages of the areas of ``project_ids`` (every area when None, or when one of
    them is gone: its area is unknown). Only those list projects of one area, whose facts may have changed."""
    kinds = [k.value for k in Kind]
    if project_ids is not None:
        found: set[str] = set()
        n = 0
        for i in range(0, len(project_ids), 500):
            chunk = project_ids[i:i + 500]
            for (kind,) in conn.execute(f"SELECT kind FROM projects WHERE project_id IN ({','.join('?' * len(chunk))})",  # noqa: S608
                                        chunk):
                n += 1
                found.add(kind)
        if n == len(set(project_ids)):
            kinds = [k for k in kinds if k in found]
    return [("filters", k) for k in kinds]


def build(db: Path, out: Path, *, site_url: str, full: bool = False, downloads: bool = True, workers: int = 2,
          progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Build (or update) the site in ``out`` from the store ``db``.

    Kill-safe at any point: the next build gives the same bytes as an uninterrupted one
    (see :func:`_build`). One build at a time per ``out`` (:class:`store.procs.Busy`)."""
    out.mkdir(parents=True, exist_ok=True)
    with exclusive(out / ".build" / "lock", f"the site directory {out}"):
        return _build(db, out, site_url=site_url, full=full, downloads=downloads, workers=workers, progress=progress)


# Writer and downloads: .<name>.<pid>.tmp, and the rollback journal SQLite keeps beside the download
# copy while it strips it (.gongkai.sqlite.<pid>.tmp-journal; -wal/-shm should a mode ever change)
TEMP_NAME = re.compile(r"^\..+\.\d+\.tmp(?:-journal|-wal|-shm)?$")


def remove_temp_files(out: Path) -> int:
    """Delete the temporary files a killed build left (``.index.html.<pid>.tmp``); return how many."""
    n = 0
    for top, dirs, names in os.walk(out):
        if top == str(out):
            dirs[:] = [d for d in dirs if d != ".build"]
        for name in names:
            if TEMP_NAME.match(name):
                with contextlib.suppress(FileNotFoundError):
                    Path(top, name).unlink()
                    n += 1
    return n


def _drop_unrendered_parties(state: sqlite3.Connection, out: Path, jobs: list[tuple], written: list[tuple],
                             *, full: bool) -> int:
    """Remove the party pages (head, numbered pages, feeds) a build was to render and did not — a
    natural person's, which the privacy policy gives no page (``reader.person_parties``) — with their
    rows in ``files``, so no page from an earlier build or policy keeps a name and the sitemap lists
    none. A full build looks at every party path, an incremental one at its party jobs'. Returns how many."""
    produced = {p for p, _s, _n in written}
    if full:
        prefixes: tuple[str, ...] = ("party/", "en/party/")
    else:
        dirs = [f"party/{paths.slug(j[1])}/" for j in jobs if j[0] == "party"]
        prefixes = tuple(d for x in dirs for d in (x, f"en/{x}"))
    if not prefixes:
        return 0
    stale = [p for (p,) in state.execute("SELECT path FROM files WHERE path LIKE 'party/%' OR path LIKE 'en/party/%'")
             if p.startswith(prefixes) and p not in produced]
    for rel in stale:
        with contextlib.suppress(FileNotFoundError):
            paths.safe_join(out, rel).unlink()
    state.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in stale])
    return len(stale)


def _pending(state: sqlite3.Connection) -> list[tuple]:
    """The jobs a killed incremental build left to do (numbered pages that no longer exist dropped)."""
    pages = set(state.execute("SELECT list_key, page FROM pages").fetchall())
    jobs = [tuple(json.loads(j)) for (j,) in state.execute("SELECT job FROM pending ORDER BY seq")]
    return [j for j in jobs if j[0] != "page" or (j[1], j[2]) in pages]


def _build(db: Path, out: Path, *, site_url: str, full: bool, downloads: bool, workers: int,
           progress: Callable[[int, int], None] | None) -> BuildReport:
    """The build, in three steps, each safe against a SIGKILL:

    1. one state transaction: the new list membership (``items``), page signatures and, for an
       incremental build, the jobs to run (``pending``; a full build instead clears the marks);
    2. the downloads and the pages are written (each file atomically replaced);
    3. one state transaction: the files written, the sitemap, the new marks, ``pending`` cleared.

    A build killed after 1 leaves ``pending`` (and the old marks): the next build runs those
    jobs again besides its own. The marker ``.build/building`` exists from before 1 until after
    3; a build that finds it trusts no recorded file hash (it compares bytes on disk instead),
    and every build removes stray temporary files.
    """
    started = time.perf_counter()
    marker = out / ".build" / "building"
    interrupted = marker.exists()
    marker.touch()
    remove_temp_files(out)
    conn = connect_ro(db, check_same_thread=False, cache_mib=128)
    fp = fingerprint(site_url)
    state = open_state(out)
    meta = get_meta(state)
    mark = changes.mark(conn)  # before reading anything: a change committed meanwhile is read twice, never missed
    changed = None if full or not _can_continue(meta, fp, db) else changes.after(conn, meta.get("changes"), mark)
    incremental = changed is not None
    report = BuildReport(out, "incremental" if incremental else "full")
    as_of = data_as_of(conn)
    t = time.perf_counter()
    state.execute("BEGIN")
    if changed is not None:
        pending = _pending(state)
        report.new_versions = changed.new_versions
        project_ids = changed.project_ids  # every change names its project: its pages and lists are redone
        rows, version_ids, shown, hidden = _items_of(conn, project_ids)
        gone, back = _whole_party_lists(conn, state, shown, hidden)  # before the changed projects' rows go
        rows += back
        ids = project_ids + version_ids
        old: set[tuple[str, str, str]] = {(r[0], r[3], r[4]) for r in gone}
        state.executemany("DELETE FROM items WHERE list_key = ? AND sort_key = ? AND item_id = ?",
                          [(r[0], r[1], r[3]) for r in gone])
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks_ = ",".join("?" * len(chunk))
            old |= set(state.execute(f"SELECT list_key, item_id, rev FROM items WHERE item_id IN ({marks_})",  # noqa: S608
                                     chunk).fetchall())
            state.execute(f"DELETE FROM items WHERE item_id IN ({marks_})", chunk)  # noqa: S608
        state.executemany("INSERT OR REPLACE INTO items VALUES (?,?,?,?,?,?)", rows)
        new_set = {(r[0], r[3], r[4]) for r in rows}
        affected = sorted({k for k, _i, _r in old ^ new_set})
        report.changed_projects = len(project_ids)
        list_jobs, sig_rows = _list_jobs(state, affected, compare=True)
        # a flag change (changes 'flag') names its project in ``changed``: the project's page and the pages
        # of all its notice versions (their red-flag line) are among the jobs above; its lists, feeds and counts here
        flag_changed = changes.after(conn, meta.get("changes"), mark, what=(changes.FLAG,))
        own = ([("project", p) for p in project_ids] + [("notice", v) for v in version_ids]
               + [j for j in _head_jobs(affected) if j not in SINGLETONS] + list_jobs
               + incremental_jobs(conn, project_ids, flag_changed.project_ids if flag_changed else [])
               + SINGLETONS + _filter_jobs(conn, project_ids))
        # the unfinished jobs of a killed build first (its new pages were to be written before ours)
        seen = set(pending)
        jobs = pending + [j for j in dict.fromkeys(own) if j not in seen]  # own deduplicated, in order
        state.execute("DELETE FROM pending")
        state.executemany("INSERT INTO pending (job) VALUES (?)", [(json.dumps(j, ensure_ascii=False),) for j in jobs])
    else:
        clear(state)
        batch: list[tuple] = []
        for row in _all_items(conn):
            batch.append(row)
            if len(batch) >= 50_000:
                state.executemany("INSERT OR REPLACE INTO items VALUES (?,?,?,?,?,?)", batch)
                batch = []
        state.executemany("INSERT OR REPLACE INTO items VALUES (?,?,?,?,?,?)", batch)
        keys = [r[0] for r in state.execute("SELECT DISTINCT list_key FROM items ORDER BY list_key")]
        list_jobs, sig_rows = _list_jobs(state, keys, compare=False)
        # In storage order (rowid): neighbouring jobs read neighbouring pages of the store.
        project_ids = [r[0] for r in conn.execute(
            "SELECT project_id FROM notices GROUP BY project_id ORDER BY min(rowid)")]
        version_ids = [r[0] for r in conn.execute("SELECT version_id FROM notices ORDER BY rowid")]
        report.changed_projects, report.new_versions = len(project_ids), len(version_ids)
        jobs = ([("project", p) for p in project_ids] + [("notice", v) for v in version_ids]
                + [j for j in _head_jobs(keys) if j not in SINGLETONS] + list_jobs + flag_jobs(conn, None)
                + SINGLETONS + _filter_jobs(conn, None))
    state.executemany("INSERT OR REPLACE INTO pages VALUES (?,?,?)", sig_rows)
    state.execute("COMMIT")
    # After a killed build the recorded hashes may not match the files on disk: compare bytes.
    known = {} if interrupted else {p: (s, n) for p, s, n in state.execute("SELECT path, sha256, size FROM files")}
    report.timings["find changes"] = time.perf_counter() - t
    report.jobs = len(jobs)

    t = time.perf_counter()
    data_mark = mark or ""  # the downloads are rewritten when anything changed (always, without a feed)
    if data_mark:  # … or the log grew (a withdrawal or redaction leaf is not in the change feed)
        data_mark += f"+log{checkpoint.log_size(conn)}"
    if downloads and (not incremental or not data_mark or meta.get("downloads_as_of") != data_mark
                      or not (out / "downloads" / "SHA256SUMS").exists()):
        report.downloads = dl.write_downloads(conn, out, site_url=site_url)
        downloads_mark = data_mark
    else:
        report.downloads = dl.read_manifest(out)
        downloads_mark = meta.get("downloads_as_of", "")
    report.timings["downloads"] = time.perf_counter() - t

    t = time.perf_counter()  # log/: tiles and the signed checkpoint, of the bulk copy's log when there is one
    report.log = checkpoint.write_site_log(conn, out, db, site_url, from_bulk=downloads)
    report.timings["log"] = time.perf_counter() - t

    t = time.perf_counter()
    setup = jobmod.WorkerSetup(db, out, site_url, as_of, known, report.downloads)
    written, rewritten = jobmod.run_all(jobs, setup, state, workers=workers, progress=progress)
    report.timings["render"] = time.perf_counter() - t

    t = time.perf_counter()
    state.execute("BEGIN")
    state.executemany("INSERT INTO files (path, sha256, size) VALUES (?,?,?) ON CONFLICT (path) DO UPDATE SET"
                      " sha256 = excluded.sha256, size = excluded.size", written)
    _drop_unrendered_parties(state, out, jobs, written, full=not incremental)
    extra = Writer(out, known)
    write_robots(extra, site_url)
    write_sitemaps(state, extra, site_url)
    for asset in sorted(resources.static_dir().iterdir()):
        extra.write(f"static/{asset.name}", asset.read_bytes())
    state.executemany("INSERT INTO files (path, sha256, size) VALUES (?,?,?) ON CONFLICT (path) DO UPDATE SET"
                      " sha256 = excluded.sha256, size = excluded.size", extra.written)
    set_meta(state, {"changes": mark or "", "fingerprint": fp, "db": str(db.resolve()), "as_of": as_of,
                     "downloads_as_of": downloads_mark})
    state.execute("DELETE FROM pending")
    state.execute("COMMIT")
    marker.unlink()
    report.timings["sitemap and state"] = time.perf_counter() - t
    report.files = len(written) + len(extra.written)
    report.written = rewritten + extra.changed
    state.close()
    conn.close()
    report.seconds = time.perf_counter() - started
    return report
