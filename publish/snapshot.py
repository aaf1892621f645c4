"""Publishing the database Datasette serves: a new, checked, immutable snapshot, switched in atomically.

``publish(db, root)``:

1. ``VACUUM INTO`` a new file under ``root/.building-<stamp>/`` (a consistent copy of the live
   WAL database, in rollback-journal mode; never ``cp``: users-and-integrity.md §B5);
2. on that copy: operational tables dropped (:data:`UNPUBLISHED_TABLES`), natural persons' names
   redacted as the privacy policy says and their ``party_id`` replaced by a keyed pseudonym
   (:func:`store.privacy.redact_copy`, :mod:`store.pseudonym`), the facet indexes (``store.schema.PUBLISH_INDEXES``),
   names beside codes (:func:`add_labels`: ``label_*`` lookup tables and ``*_name`` columns that
   Datasette's facets count, so a facet reads 广东省, not 440000), the summary tables canned
   queries read (:func:`add_buyer_flag_rates`, :func:`add_award_summaries`) and the facet counts
   Datasette's facets read (:func:`add_facet_counts`), the FTS5 tables for
   Datasette's search (``notices_fts``, ``projects_fts``: pre-segmented columns indexed with
   unicode61, see :mod:`search_index.fts`), ``ANALYZE``;
3. ``PRAGMA integrity_check`` and ``foreign_key_check`` must pass, else the copy is deleted
   and :class:`PublishError` raised (the served snapshot is untouched);
4. an inspect file (table counts, size, sha256: ``datasette --inspect-file``) and a manifest
   (``manifest.json``: each file's size and sha256; :func:`verify` checks a copy against it,
   so a read-only replica knows it serves exactly what was published: docs/deploy.md);
5. the directory is renamed to ``root/<stamp>/`` and the pointer ``root/current`` (a
   symlink) is replaced atomically (``os.replace``). A served file is never overwritten:
   every snapshot is a new directory; Datasette keeps reading the one it opened until it is
   restarted (``gongkai serve`` restarts it when ``current`` moves). The newest
   :data:`KEEP` snapshots are kept.

A publish holds an ``flock`` on ``.building-<stamp>/.lock`` while it writes; the next
publish removes at once every ``.building-*`` directory whose lock nobody holds (what a
killed publish left: the kernel releases a dead process's locks), never one in use. Its
segmentation workers die with it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from search_index import documents
from search_index.fts import COLUMNS, TOKENIZE, segmented_row
from store import privacy, pseudonym, schema
from store.db import connect_ro, sha256_file
from store.procs import die_with_parent
from store.schema import COVERING_INDEXES, PUBLISH_INDEXES

DB_NAME = "gongkai.db"  # Datasette names the database after the file: /gongkai/…
KEEP = 3  # snapshots kept for rollback
SEGMENT_CHUNK = 2000  # rows segmented per worker task
PARALLEL_FROM = 5000  # rows; below this a worker pool costs more than it saves
# Operational tables that are not data: not published (the crawler's re-crawl bookkeeping, the change feed).
UNPUBLISHED_TABLES = schema.UNPUBLISHED_TABLES


class PublishError(RuntimeError):
    """The copy failed a check; nothing was switched."""


@dataclass
class Published:
    directory: Path
    db: Path
    inspect_file: Path
    counts: dict[str, int]
    seconds: float


def current(root: Path) -> Path | None:
    """The snapshot directory ``root/current`` points to (resolved), or None."""
    link = Path(root) / "current"
    if not link.exists():
        return None
    return link.resolve()


def _notice_rows(rows: list[tuple]) -> list[tuple]:
    out = []
    for rowid, *rest in rows:
        d = documents.notice_document(tuple(rest))
        out.append((rowid, *segmented_row(d.title, d.text, d.ids)))
    return out


def _project_rows(items: list[tuple[int, tuple, dict | None, list]]) -> list[tuple]:
    out = []
    for rowid, row, kind_row, parties in items:
        d = documents.project_document(row, kind_row, parties)
        out.append((rowid, *segmented_row(d.title, d.text, d.ids)))
    return out


def _chunked(it, n: int):
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


def _fill(conn: sqlite3.Connection, table: str, work, chunks, total: int) -> None:
    cols = ", ".join(COLUMNS)
    sql = f"INSERT INTO {table} (rowid, {cols}) VALUES (?, {', '.join('?' * len(COLUMNS))})"  # noqa: S608 - fixed
    if total >= PARALLEL_FROM:
        # segmentation on both cores; SQLite writes here. Workers die with this process.
        with get_context("fork").Pool(2, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            for rows in pool.imap(work, chunks):
                conn.executemany(sql, rows)
    else:
        for chunk in chunks:
            conn.executemany(sql, work(chunk))


def build_fts(conn: sqlite3.Connection) -> None:
    """Create and fill ``notices_fts`` (every notice version) and ``projects_fts`` (contentless, rowid-keyed)."""
    for table in ("notices_fts", "projects_fts"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(COLUMNS)}, content='', "
                     f"tokenize='{TOKENIZE}')")
    n = conn.execute("SELECT count(*) FROM notices").fetchone()[0]
    rows = conn.execute(f"SELECT rowid, {documents.NOTICE_COLUMNS} FROM notices")  # noqa: S608 - fixed
    _fill(conn, "notices_fts", _notice_rows, _chunked(iter(rows.fetchall()), SEGMENT_CHUNK), n)
    rowids = dict(conn.execute("SELECT project_id, rowid FROM projects").fetchall())
    items = []
    for d_row in _project_inputs(conn):
        items.append((rowids[d_row[0][0]], *d_row))
    _fill(conn, "projects_fts", _project_rows, _chunked(iter(items), SEGMENT_CHUNK), len(items))
    for table in ("notices_fts", "projects_fts"):
        conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")  # noqa: S608 - fixed names


def _project_inputs(conn: sqlite3.Connection):
    """(projects row, kind row, parties) of every project, as the search documents read them."""
    return documents.project_inputs(conn)




# Names beside codes, for Datasette's facets and readers (issue 9 §7): lookup tables, and a *_name
# column beside each code column a facet counts, filled from them (facets count the column itself).
LABEL_TABLES = {"label_kinds": "kind", "label_notice_types": "notice_type", "label_statuses": "status",
                "label_roles": "role", "label_provinces": "province_code",
                "label_flag_statuses": "status", "label_indicators": "indicator"}  # lookup table: its key column
# Columns a lookup table has beyond (key, name, name_en): the red-flag indicators' definitions.
LABEL_EXTRA = {"label_indicators": ("definition", "definition_en", "basis")}
LABEL_COLUMNS = {  # table: [(name column, code column, lookup table, lookup key)]
    "notices": [("kind_name", "kind", "label_kinds", "kind"),
                ("notice_type_name", "notice_type", "label_notice_types", "notice_type"),
                ("province_name", "province_code", "label_provinces", "province_code")],
    "projects": [("kind_name", "kind", "label_kinds", "kind"),
                 ("status_name", "status", "label_statuses", "status"),
                 ("province_name", "province_code", "label_provinces", "province_code")],
    "project_parties": [("role_name", "role", "label_roles", "role")],
    "flags": [("indicator_name", "indicator", "label_indicators", "indicator"),
              ("status_name", "status", "label_flag_statuses", "status")],
}


def add_labels(conn: sqlite3.Connection) -> None:
    """Create the lookup tables (Chinese and English names of every code) and the *_name columns."""
    from models.codelists import KIND_LABELS, NOTICE_TYPE_LABELS
    from models.indicators import REGISTRY
    from models.indicators import STATUS_LABELS as FLAG_STATUS_LABELS
    from models.normalize.regions import provinces
    from publish.site.i18n import ROLE_LABELS, STATUS_LABELS, gettext_for

    en = gettext_for("en")
    rows: dict[str, list[tuple[str | None, ...]]] = {
        "label_kinds": [(k.value, zh, e) for k, (zh, e) in KIND_LABELS.items()],
        "label_notice_types": [(t.value, zh, e) for t, (zh, e) in NOTICE_TYPE_LABELS.items()],
        "label_statuses": [(k, zh, en(zh)) for k, zh in STATUS_LABELS.items()],
        "label_roles": [(k, zh, en(zh)) for k, zh in ROLE_LABELS.items()],
        "label_provinces": [(r.code, r.name, None) for r in provinces()],
        "label_flag_statuses": [(s.value, zh, e) for s, (zh, e) in FLAG_STATUS_LABELS.items()],
        "label_indicators": [(i.code, i.name_zh, i.name_en, i.definition_zh, i.definition_en, i.basis)
                             for _code, i in sorted(REGISTRY.items())],
    }
    for table, values in rows.items():
        key = LABEL_TABLES[table]
        extra = "".join(f", {c} TEXT" for c in LABEL_EXTRA.get(table, ()))
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} ({key} TEXT PRIMARY KEY, name TEXT NOT NULL, name_en TEXT{extra})")
        marks = ", ".join("?" * (3 + len(LABEL_EXTRA.get(table, ()))))
        conn.executemany(f"INSERT INTO {table} VALUES ({marks})", values)  # noqa: S608 - fixed names
    for table, columns in LABEL_COLUMNS.items():
        for name, code, lookup, key in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} TEXT")
            conn.execute(f"UPDATE {table} SET {name} = coalesce((SELECT l.name FROM {lookup} l "  # noqa: S608
                         f"WHERE l.{key} = {table}.{code}), {code})")
            conn.execute(f"CREATE INDEX {table}_{name} ON {table} ({name})")
    add_flag_counts(conn)


def add_flag_counts(conn: sqlite3.Connection) -> None:
    """``projects.flag_count``: how many indicators flag the project (0: none, or not evaluated), so
    the canned flag-rate queries count flagged projects without scanning ``flags`` per project."""
    conn.execute("ALTER TABLE projects ADD COLUMN flag_count INTEGER NOT NULL DEFAULT 0")
    conn.execute("UPDATE projects SET flag_count = f.n FROM (SELECT project_id, count(*) AS n FROM flags"
                 " WHERE status = 'flagged' GROUP BY project_id) AS f WHERE f.project_id = projects.project_id")
    conn.execute("CREATE INDEX projects_flag_count ON projects (flag_count)")
    add_buyer_flag_rates(conn)


BUYER_ROLES_SQL = "'buyer', 'tenderer', 'grantor', 'transferor'"  # who spends or sells, per area


def add_buyer_flag_rates(conn: sqlite3.Connection) -> None:
    """``buyer_flag_rates``: per buyer, its projects and how many of them a flag marks, counted once
    per publish. The canned query ``flag_rates_by_buyer`` reads it instead of grouping every
    project's parties per request (595 ms p95 at 100k notices, growing with the corpus). Built after
    the redaction, from the published names and ids."""
    conn.execute("DROP TABLE IF EXISTS buyer_flag_rates")
    conn.execute("CREATE TABLE buyer_flag_rates (party_id TEXT PRIMARY KEY, name TEXT NOT NULL, kinds TEXT,"
                 " projects INTEGER NOT NULL, flagged_projects INTEGER NOT NULL, rate REAL NOT NULL)")
    conn.execute(
        "INSERT INTO buyer_flag_rates SELECT pp.party_id, max(pp.name), group_concat(DISTINCT p.kind_name),"  # noqa: S608
        " count(DISTINCT p.project_id), count(DISTINCT CASE WHEN p.flag_count > 0 THEN p.project_id END),"
        " round(100.0 * count(DISTINCT CASE WHEN p.flag_count > 0 THEN p.project_id END)"
        "       / count(DISTINCT p.project_id), 1)"
        f" FROM project_parties pp JOIN projects p ON p.project_id = pp.project_id WHERE pp.role IN ({BUYER_ROLES_SQL})"
        " GROUP BY pp.party_id")
    conn.execute("CREATE INDEX buyer_flag_rates_order ON buyer_flag_rates (rate DESC, projects DESC, name)")


FACET_COUNTS_DDL = (
    "CREATE TABLE facet_counts (tbl TEXT NOT NULL, filter_column TEXT NOT NULL, filter_value TEXT NOT NULL,"
    " facet TEXT NOT NULL, value NOT NULL, count INTEGER NOT NULL)")  # value: no affinity, keeps each value's type


def add_facet_counts(conn: sqlite3.Connection, facets: dict[str, list[str]] | None = None) -> None:
    """``facet_counts``: for each table's metadata facets (Datasette's metadata), the count of every
    value, unfiltered (``filter_column`` '') and under one equality filter on another facet column
    (``published_year = 2024``: the filter value as text, as a query string carries it). Datasette's
    facets on the notices table scan every filtered row per facet and request (489 ms p95 for the
    issue's two facets at 1M); ``datasette/plugins/gongkai_facets.py`` answers those requests from
    this table and leaves every other filter to Datasette.

    One GROUP BY over all of a table's facet columns per table gives the joint counts (a few
    thousand groups); the one- and two-column counts are summed from it."""
    if facets is None:
        from publish.metadata import build_metadata  # publish.metadata imports this module

        tables = build_metadata()["databases"]["gongkai"]["tables"]
        facets = {t: [f for f in m.get("facets", []) if isinstance(f, str)] for t, m in tables.items()}
    conn.execute("DROP TABLE IF EXISTS facet_counts")
    conn.execute(FACET_COUNTS_DDL)
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table, columns in sorted(facets.items()):
        if not columns or table not in present:
            continue
        cols = ", ".join(columns)
        counts: dict[tuple[str, str, str, Any], int] = defaultdict(int)
        for *values, n in conn.execute(f"SELECT {cols}, count(*) FROM {table} GROUP BY {cols}"):  # noqa: S608 - metadata names
            for i, facet in enumerate(columns):
                value = values[i]
                if value is None:
                    continue
                counts["", "", facet, value] += n
                for j, by in enumerate(columns):
                    if values[j] is not None:
                        counts[by, str(values[j]), facet, value] += n
        conn.executemany("INSERT INTO facet_counts VALUES (?, ?, ?, ?, ?, ?)",
                         ((table, *key, n) for key, n in counts.items()))
    conn.execute("CREATE INDEX facet_counts_lookup ON facet_counts (tbl, filter_column, filter_value, facet, count DESC)")


# The buyer of an awarded procurement or tender, as the per-area tables publish it.
AWARD_BUYER_SQL = "coalesce(pr.buyer, t.tenderer)"
_AWARDS_FROM = (" FROM project_parties pp"
                " LEFT JOIN projects_procurement pr ON pr.project_id = pp.project_id"
                " LEFT JOIN projects_tender t ON t.project_id = pp.project_id")


def add_award_summaries(conn: sqlite3.Connection) -> None:
    """Two tables counted once per publish, so the canned queries that group every award answer in
    milliseconds at any size (at 1M notices, grouping per request hit the 1.5 s time limit):

    - ``buyer_award_totals``: per buyer and province (by name), the awarded projects, suppliers,
      total and largest award in fen (``largest_awards_by_buyer``);
    - ``repeat_winners``: per buyer and winner with two or more of that buyer's projects, the wins
      and their total in fen (``repeat_winners_per_buyer``).

    Built after the redaction, from the published names and ids, like ``buyer_flag_rates``; sums of
    integer fen are exact."""
    conn.execute("DROP TABLE IF EXISTS buyer_award_totals")
    conn.execute("CREATE TABLE buyer_award_totals (buyer TEXT NOT NULL, province_name TEXT,"
                 " awarded_projects INTEGER NOT NULL, suppliers INTEGER NOT NULL, total_fen INTEGER NOT NULL,"
                 " largest_fen INTEGER NOT NULL)")
    conn.execute(
        f"INSERT INTO buyer_award_totals SELECT {AWARD_BUYER_SQL}, p.province_name,"
        " count(DISTINCT pp.project_id), count(DISTINCT pp.party_id), sum(pp.amount_fen), max(pp.amount_fen)"
        f"{_AWARDS_FROM} JOIN projects p ON p.project_id = pp.project_id"
        f" WHERE pp.role = 'winner' AND pp.amount_fen IS NOT NULL AND {AWARD_BUYER_SQL} IS NOT NULL"
        " GROUP BY 1, 2")
    conn.execute("CREATE INDEX buyer_award_totals_order ON buyer_award_totals (total_fen DESC)")
    conn.execute("DROP TABLE IF EXISTS repeat_winners")
    conn.execute("CREATE TABLE repeat_winners (buyer TEXT NOT NULL, winner_id TEXT NOT NULL, winner TEXT,"
                 " wins INTEGER NOT NULL, total_fen INTEGER, PRIMARY KEY (buyer, winner_id))")
    conn.execute(
        f"INSERT INTO repeat_winners SELECT {AWARD_BUYER_SQL}, pp.party_id, max(pp.name),"
        f" count(DISTINCT pp.project_id), sum(pp.amount_fen){_AWARDS_FROM}"
        f" WHERE pp.role = 'winner' AND {AWARD_BUYER_SQL} IS NOT NULL"
        " GROUP BY 1, pp.party_id HAVING count(DISTINCT pp.project_id) >= 2")
    conn.execute("CREATE INDEX repeat_winners_order ON repeat_winners (wins DESC, total_fen DESC)")


def check(db: Path) -> None:
    """Integrity and foreign-key checks of a copy; raises PublishError."""
    conn = connect_ro(db)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise PublishError(f"integrity_check of {db} failed: {'; '.join(result[:5])}")
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            raise PublishError(f"foreign_key_check of {db}: {len(fk)} rows point nowhere, e.g. {fk[0]}")
    finally:
        conn.close()


def inspect_data(db: Path, name: str = "gongkai") -> dict:
    """Datasette's inspect-file format: {name: {hash, size, file, tables: {t: {count}}}}."""
    conn = connect_ro(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        conn.close()
    return {name: {"hash": sha256_file(db), "size": db.stat().st_size, "file": str(db),
                   "tables": {t: {"count": c} for t, c in counts.items()}}}


def publish(db_path: Path, root: Path, *, keep: int = KEEP) -> Published:
    """Publish ``db_path`` as a new snapshot under ``root`` and point ``root/current`` at it."""
    started = time.perf_counter()
    db_path, root = Path(db_path), Path(root)
    if not db_path.exists():
        raise PublishError(f"{db_path} does not exist")
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    building = root / f".building-{stamp}"
    with _root_lock(root):
        _remove_stale(root)
        building.mkdir()
        held = _hold(building)  # released when this publish ends, or dies
    target = building / DB_NAME
    try:
        src = connect_ro(db_path)
        try:
            src.execute("PRAGMA busy_timeout = 10000")
            src.execute("VACUUM INTO ?", (str(target),))
        finally:
            src.close()
        conn = sqlite3.connect(target, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = OFF")  # a scratch copy until checked and renamed
            conn.execute("PRAGMA secure_delete = ON")  # a redacted name's old bytes are zeroed, not left in a free page
            schema.drop_unpublished(conn)
            conn.executescript(PUBLISH_INDEXES)  # facet indexes (the live database has only ingestion's)
            conn.execute("BEGIN")
            # natural persons as the policy shows them, before the FTS tables read the text; their ids
            # keyed with the store's pseudonym key (beside db_path, never beside the copy)
            privacy.redact_copy(conn, key=pseudonym.load_key(db_path))
            add_labels(conn)
            add_award_summaries(conn)
            add_facet_counts(conn)
            for sql in COVERING_INDEXES.strip().split(";\n"):  # after the label columns they cover
                if sql.strip():
                    conn.execute(sql)
            build_fts(conn)
            conn.execute("COMMIT")
            conn.execute("ANALYZE")
            conn.execute("PRAGMA synchronous = FULL")
        finally:
            conn.close()
        check(target)
        data = inspect_data(target)
        final = root / stamp
        data["gongkai"]["file"] = str((final / DB_NAME).resolve())
        (building / "inspect.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
        target.chmod(0o444)  # read-only for everyone: this file never changes again
        write_manifest(building, stamp, {DB_NAME: data["gongkai"]["hash"]})
        with _root_lock(root):  # a directory being renamed must not look stale to another publish
            (building / BUILDING_LOCK).unlink()
            building.rename(final)
            tmp_link = root / f".current-{stamp}"
            tmp_link.symlink_to(final.name)
            tmp_link.replace(root / "current")  # atomic: readers see the old or the new snapshot
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    finally:
        os.close(held)
    _prune(root, keep)
    counts = {t: v["count"] for t, v in data["gongkai"]["tables"].items()}
    return Published(final, final / DB_NAME, final / "inspect.json", counts, time.perf_counter() - started)


def _prune(root: Path, keep: int) -> None:
    cur = current(root)
    snaps = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "current"),
                   key=lambda p: p.name)
    for old in snaps[:-keep] if keep > 0 else []:
        if old != cur:
            shutil.rmtree(old, ignore_errors=True)


MANIFEST = "manifest.json"  # in each snapshot: what a replica checks before it serves the snapshot


def write_manifest(directory: Path, snapshot: str, known: dict[str, str] | None = None) -> Path:
    """``directory/manifest.json``: the snapshot's name and each file's size and sha256 (``known``:
    hashes already computed, by file name), so a replica can check what it copied (:func:`verify`)."""
    known = known or {}
    files = {}
    for p in sorted(directory.iterdir()):
        if p.is_file() and p.name not in (MANIFEST, BUILDING_LOCK):
            files[p.name] = {"size": p.stat().st_size, "sha256": known.get(p.name) or sha256_file(p)}
    out = directory / MANIFEST
    out.write_text(json.dumps({"snapshot": snapshot, "files": files}, indent=1), encoding="utf-8")
    return out


def verify(directory: Path) -> list[str]:
    """What is wrong with the snapshot in ``directory`` against its manifest (empty: it is what the
    publish wrote). Sizes are compared first (cheap), then sha256 of every listed file."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
    except FileNotFoundError:
        return [f"{directory}: no {MANIFEST} (not a published snapshot, or a copy of one before issue 11)"]
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{directory / MANIFEST}: unreadable manifest ({exc})"]
    problems = []
    for name, want in sorted(files.items()):
        p = directory / name
        if Path(name).name != name:
            problems.append(f"{MANIFEST} names {name!r}, not a file of this directory")
        elif not p.is_file():
            problems.append(f"{name}: missing")
        elif p.stat().st_size != want.get("size"):
            problems.append(f"{name}: {p.stat().st_size:,} bytes, the manifest says {want.get('size')}")
        elif sha256_file(p) != want.get("sha256"):
            problems.append(f"{name}: sha256 differs from the manifest (the file changed or was copied partly)")
    return problems


BUILDING_LOCK = ".lock"  # in each .building-* directory, flock-ed by the publish that writes it
ROOT_LOCK = ".publish.lock"  # held briefly: creating, checking or renaming a .building-* directory


@contextlib.contextmanager
def _root_lock(root: Path) -> Iterator[None]:
    fd = os.open(root / ROOT_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held for milliseconds: wait
        yield
    finally:
        os.close(fd)


def _hold(building: Path) -> int:
    fd = os.open(building / BUILDING_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _remove_stale(root: Path) -> list[Path]:
    """Remove what killed publishes left: ``.building-*`` directories whose lock nobody holds
    (the kernel releases a dead process's locks) and ``.current-*`` links. Called under the
    root lock, so a directory is never seen between its creation and its lock."""
    removed = []
    for stale in sorted(root.glob(".building-*")):
        lock = stale / BUILDING_LOCK
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            fd = None  # killed before it took its lock (or while renaming): nobody uses it
        except OSError:
            continue
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a publish is writing it
            finally:
                os.close(fd)
        shutil.rmtree(stale, ignore_errors=True)
        removed.append(stale)
    for link in root.glob(".current-*"):
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
    return removed
