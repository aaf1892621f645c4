"""The SQLite store: append-only notice versions, compiled projects, parties.

Writes go through :meth:`Store.batch`: one transaction for the whole batch, so a crash
(even SIGKILL) leaves the database as it was before the batch, and a batch that finds
a problem is rolled back whole. Inside, notices are buffered and written with
``executemany`` in chunks; the projects they touch are recompiled from their current
notice versions when the batch ends (baselines.md §2: the transaction boundary, not
the per-row call, is what costs).

Locking: SQLite allows one writer at a time. A batch takes the write lock with ``BEGIN
IMMEDIATE`` when it starts and holds it only while it writes (callers validate first); a
writer that finds the lock taken waits, saying so on stderr, for at most :data:`BUSY_WAIT`
seconds in total, then fails with :class:`StoreBusy` — never a ``database is locked``
traceback. Readers (WAL) never wait for the writer.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import sqlite_utils

from models.codelists import Kind
from models.identity import notice_id as make_notice_id
from models.identity import project_id as make_project_id
from models.indicators import evaluate
from models.kinds import LOTS_FIELD, lot_summary
from models.normalize.amounts import to_fen
from models.notice import Notice
from models.project import Project, compile_project
from store import changes
from store import flags as red_flags
from store import log as tamper_log
from store.config import thresholds_path
from store.schema import (
    CHANGE_TRIGGERS,
    SCHEMA_VERSION,
    area_columns,
    ddl,
    project_table,
    table_columns,
    yuan_column,
)

FLUSH_EVERY = 2000  # notices per executemany chunk: large enough to amortize, small enough to stream
_IN_CHUNK = 500  # SQLite host parameters per IN (…) lookup


# How long a writer waits in total for another writer's transaction to end before it gives
# up with a clear error (seconds; $GONGKAI_BUSY_WAIT). Long enough for a peer's large
# submission to write (validation runs before the lock is taken), short enough to be bounded.
BUSY_WAIT = 300.0
_BUSY_ATTEMPT = 5.0  # seconds SQLite's own busy handler waits per attempt, between progress lines
_BUSY_REPORT_EVERY = 30.0  # seconds between two "still busy" lines


class StoreError(Exception):
    """The database cannot be used (missing, not initialized, newer schema)."""


class StoreBusy(StoreError):
    """Another writer held the database for longer than the bounded wait; nothing was written."""


def busy_wait() -> float:
    """The total wait for a busy database, from $GONGKAI_BUSY_WAIT (seconds) or :data:`BUSY_WAIT`."""
    raw = os.environ.get("GONGKAI_BUSY_WAIT", "").strip()
    try:
        value = float(raw) if raw else BUSY_WAIT
    except ValueError:
        return BUSY_WAIT
    return value if value >= 0 else BUSY_WAIT


def is_busy(exc: BaseException) -> bool:
    """Whether an sqlite3 error means another connection holds the lock (SQLITE_BUSY/LOCKED)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def _stderr_line(message: str) -> None:
    print(f"gongkai: {message}", file=sys.stderr, flush=True)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def connect(path: Path) -> sqlite3.Connection:
    """A connection in WAL mode (readers such as Datasette never block the writer)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable across application crashes in WAL mode; only a power loss can
    # drop the last commits, never corrupt the file (sqlite.org/pragma.html#pragma_synchronous).
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")  # referential checks run as invariants, not per row
    # 512 MiB page cache (an upper bound, allocated as used): a batch inserts into several
    # large B-trees at random keys, and every spill to the WAL before COMMIT costs twice.
    conn.execute("PRAGMA cache_size=-524288")
    return conn


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes, streamed."""
    with Path(path).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def connect_ro(path: Path | str, *, timeout: float = 30, check_same_thread: bool = True,
               cache_mib: int | None = None) -> sqlite3.Connection:
    """A read-only connection: the one way every stage reads the store.

    ``mode=ro`` URI built from the resolved path (so names with ``?``, ``#`` or ``%`` work):
    readers can never write to the store. A missing file is a :class:`FileNotFoundError` naming
    it (``mode=ro`` never creates one). ``check_same_thread=False`` for a caller that hands the
    connection to another thread (the site build's page writers); ``cache_mib`` raises the page
    cache of a reader that revisits many pages (SQLite's default is 2 MiB)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout,
                           check_same_thread=check_same_thread)
    if cache_mib is not None:
        conn.execute(f"PRAGMA cache_size=-{int(cache_mib) * 1024}")  # negative: KiB
    return conn


@dataclass
class Counts:
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    projects: int = 0


class Prepared(NamedTuple):
    """A notice ready to write: ids, content hash and row values, computed off the writer
    thread (picklable, so worker processes can prepare notices for the writer)."""

    project_id: str
    notice_id: str
    content_sha256: str
    row: tuple  # notices columns from project_id to content_sha256 (see _NOTICE_COLUMNS)
    source: tuple  # notice_sources columns after version_id
    text: tuple[str, str] | None = None  # (body_text, attachments JSON) for notice_texts; None when both are empty


def prepare(n: Notice) -> Prepared:
    """Derive a notice's project and notice ids and its stored row."""
    region = n.region.province_code if n.region else None
    ids = [getattr(n.fields, "e_supervision_no", None), n.project_no, getattr(n.fields, "parcel_no", None)]
    pid = make_project_id(n.kind, region, identifiers=[i for i in ids if i], title=n.title, publisher=n.publisher)
    nid = make_notice_id(pid, n.notice_type.value, n.published_at.date().isoformat(), n.title, n.notice_no)
    content = n.content()
    sha = n.content_sha256(content)
    published = content["published_at"]
    fields = content["fields"]
    row = (
        pid, n.kind.value, n.notice_type.value, n.title, n.publisher, published, published[:10], published[:7],
        int(published[:4]), n.region.code if n.region else None, n.region.name if n.region else None, region,
        n.project_no, n.project_name, n.notice_no, n.corrects, n.original_url, n.body, _json(fields), _json(n.raw),
        _json(n.flags), sha,
    )
    src = n.source
    source = (src.platform, src.url, src.fetched_at.isoformat(), src.sha256, src.parser_version, src.http_status,
              src.location or "")
    text = (n.body_text, _json([a.model_dump(mode="json") for a in n.attachments])) \
        if n.body_text or n.attachments else None
    return Prepared(pid, nid, sha, row, source, text)


Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]


@dataclass
class Batch:
    """Notices added in one transaction; see :meth:`Store.batch`."""

    store: Store
    seen_at: str
    mapper: Mapper = map  # how project compilation is spread (a process pool's imap, or map)
    counts: Counts = field(default_factory=Counts)
    _pending: list[Prepared] = field(default_factory=list)
    _latest: dict[str, tuple[int, str]] = field(default_factory=dict)  # notice_id → (version, sha)
    _projects: set[str] = field(default_factory=set)
    _log_next: int | None = None  # the next leaf index of the tamper-evident log (read at the first write)

    def add(self, notice: Notice | Prepared) -> None:
        """Queue a notice version (written at the next flush)."""
        self._pending.append(notice if isinstance(notice, Prepared) else prepare(notice))
        self.counts.rows += 1
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        conn = self.store.conn
        pending, self._pending = self._pending, []
        unknown = list({p.notice_id for p in pending if p.notice_id not in self._latest})
        for i in range(0, len(unknown), _IN_CHUNK):
            chunk = unknown[i:i + _IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            for nid, version, sha in conn.execute(
                f"SELECT notice_id, version, content_sha256 FROM notices "  # noqa: S608 - only '?' marks are formatted in
                f"WHERE notice_id IN ({marks}) AND superseded_at IS NULL", chunk):
                self._latest[nid] = (version, sha)
        notice_rows, source_rows, superseded = [], [], []
        log_sources: dict[str, tuple] = {}  # version_id → the source its log leaf names
        texts: dict[str, tuple[str, str, str]] = {}  # version_id → (body_text, attachments, raw_sha256) to write
        fills: list[tuple[str, tuple[str, str], str]] = []  # texts brought by copies of stored versions
        counts = self.counts
        for p in pending:
            current = self._latest.get(p.notice_id)
            if current is None:
                version = 1
                counts.new += 1
            elif current[1] == p.content_sha256:
                counts.unchanged += 1
                source_rows.append((f"{p.notice_id}-v{current[0]}", *p.source))
                if p.text:
                    fills.append((f"{p.notice_id}-v{current[0]}", p.text, p.source[3]))
                continue
            else:
                version = current[0] + 1
                counts.changed += 1
                superseded.append((self.seen_at, f"{p.notice_id}-v{current[0]}"))
            version_id = f"{p.notice_id}-v{version}"
            self._latest[p.notice_id] = (version, p.content_sha256)
            notice_rows.append((version_id, p.notice_id, version, *p.row, self.seen_at))
            source_rows.append((version_id, *p.source))
            log_sources[version_id] = p.source
            if p.text:
                texts[version_id] = (*p.text, p.source[3])
            self._projects.add(p.project_id)
        if fills:
            _fill_texts(conn, texts, fills)
        if superseded:
            conn.executemany("UPDATE notices SET superseded_at = ? WHERE version_id = ?", superseded)
        if notice_rows:
            conn.executemany(_INSERT_NOTICE, notice_rows)
            # each new version's leaf, in this transaction (store.log)
            start = tamper_log.next_index(conn) if self._log_next is None else self._log_next
            self._log_next = tamper_log.append_versions(conn, start, _NOTICE_COLUMNS, notice_rows, self.seen_at,
                                                        log_sources)
        conn.executemany(
            "INSERT OR IGNORE INTO notice_sources (version_id, platform, url, fetched_at, raw_sha256, parser_version,"
            " http_status, location) VALUES (?,?,?,?,?,?,?,?)", source_rows)
        if texts:
            # Each row written (new or replaced) appends a 'text' change (store.changes).
            conn.executemany(
                "INSERT OR REPLACE INTO notice_texts (version_id, body_text, attachments, raw_sha256, stored_at)"
                " VALUES (?,?,?,?,?)", [(vid, *t, self.seen_at) for vid, t in texts.items()])

    def compile_projects(self) -> None:
        """Recompile every project this batch touched from its current notice versions."""
        self.flush()
        ids = sorted(self._projects)
        # the pairs and groups these projects are compared in before they are rewritten (red flags)
        before = red_flags.comparison_keys(self.store.conn, ids)
        # Read in this thread (a pool's feeder thread must never touch the connection), in
        # windows of 20,000 projects; compile through the mapper while writing results here.
        step = 20_000
        for i in range(0, len(ids), step):
            groups = [g for j in range(i, min(i + step, len(ids)), _IN_CHUNK)
                      for g in self.store.current_notices(ids[j:j + _IN_CHUNK])]
            rows: list[ProjectRows] = []
            for compiled in self.mapper(project_rows, groups):
                rows.append(compiled)
                if len(rows) >= 1000:
                    self.store.write_projects(rows, self.seen_at)
                    rows = []
            self.store.write_projects(rows, self.seen_at)
        # indicators that compare projects: these and the projects they are compared with
        red_flags.update_across(self.store.conn, ids, self.seen_at, red_flags.thresholds(thresholds_path()), before)
        self.counts.projects += len(ids)
        self._projects.clear()


def _fill_texts(conn: sqlite3.Connection, texts: dict[str, tuple[str, str, str]],
                fills: list[tuple[str, tuple[str, str], str]]) -> None:
    """Merge the texts that copies of already stored versions bring into ``texts``.

    The text a version was first stored with is kept (its page never changes under a reader); a
    copy only fills what is still empty: the body text of a version stored without one, the
    attachments of a version stored without any. A copy that changes nothing writes nothing."""
    wanted = list({vid for vid, _t, _s in fills if vid not in texts})
    stored: dict[str, tuple[str, str, str]] = {}
    for i in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[i:i + _IN_CHUNK]
        for vid, body, attachments, sha in conn.execute(
                f"SELECT version_id, body_text, attachments, raw_sha256 FROM notice_texts "  # noqa: S608 - '?' marks only
                f"WHERE version_id IN ({','.join('?' * len(chunk))})", chunk):
            stored[vid] = (body, attachments, sha)
    for vid, (body, attachments), sha in fills:
        old = texts.get(vid) or stored.get(vid)
        if old is None:
            texts[vid] = (body, attachments, sha)
            continue
        merged = (old[0] or body, attachments if old[1] == "[]" else old[1], old[2] if old[0] or not body else sha)
        if merged != old:
            texts[vid] = merged


# Every column a new version is written with: the table's own list, less the time a later version sets.
_NOTICE_COLUMNS = tuple(c for c in table_columns("notices") if c != "superseded_at")
_INSERT_NOTICE = (f"INSERT INTO notices ({', '.join(_NOTICE_COLUMNS)}) "  # noqa: S608 - fixed column list
                  f"VALUES ({', '.join('?' * len(_NOTICE_COLUMNS))})")


_UPSERT_PROJECT = (
    "INSERT INTO projects (project_id, kind, title, status, amended, region_code, region_name, province_code,"
    " project_no, publisher, first_published_at, last_published_at, first_year, notice_count, correction_count,"
    " compiled_sha256, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT (project_id) DO UPDATE SET kind=excluded.kind, title=excluded.title, status=excluded.status,"
    " amended=excluded.amended, region_code=excluded.region_code, region_name=excluded.region_name,"
    " province_code=excluded.province_code, project_no=excluded.project_no, publisher=excluded.publisher,"
    " first_published_at=excluded.first_published_at, last_published_at=excluded.last_published_at,"
    " first_year=excluded.first_year, notice_count=excluded.notice_count,"
    " correction_count=excluded.correction_count, compiled_sha256=excluded.compiled_sha256,"
    " updated_at=CASE WHEN projects.compiled_sha256 = excluded.compiled_sha256 THEN projects.updated_at"
    " ELSE excluded.updated_at END"
)


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


_COMPILE_COLUMNS = ("kind, notice_type, title, publisher, published_at, region_code, region_name, province_code,"
                    " project_no, project_name, fields")


def _content(r: tuple) -> dict[str, Any]:
    return {
        "kind": r[0], "notice_type": r[1], "title": r[2], "publisher": r[3], "published_at": r[4],
        "region": {"code": r[5], "name": r[6], "province_code": r[7]} if r[5] else None,
        "project_no": r[8], "project_name": r[9], "fields": orjson.loads(r[10]),
    }


class ProjectRows(NamedTuple):
    """A compiled project as table rows (picklable: compiled in worker processes)."""

    kind: str
    project: tuple  # projects columns without updated_at
    kind_row: tuple
    parties: list[tuple]
    roles: list[tuple]
    flags: list[tuple[str, str, str, str, str]]  # store.flags.FlagRow of the project-scope indicators


def project_rows(group: tuple[str, list[tuple]]) -> ProjectRows:
    """Compile one project from its current notice rows into table rows."""
    pid, notice_rows = group
    contents = [_content(r) for r in notice_rows]
    p = compile_project(pid, contents)
    region = p.region
    project = [
        p.id, p.kind.value, p.title, p.status.value, int(p.amended), region.code if region else None,
        region.name if region else None, region.province_code if region else None, p.project_no, p.publisher,
        p.first_published_at.isoformat(), p.last_published_at.isoformat(), p.first_published_at.year,
        p.notice_count, p.correction_count]
    kind_row = (p.id, *_kind_row(p))
    roles = [(p.id, x.party_id, x.role.value, x.name, x.lot or "", x.rank or 0, to_fen(x.amount)) for x in p.parties]
    # The compiled state's hash: updated_at moves only when it changes.
    compiled = hashlib.sha256(orjson.dumps([project, kind_row, roles, p.fields], option=orjson.OPT_SORT_KEYS)).hexdigest()
    parties = [(x.party_id, x.name, x.uscc) for x in p.parties]
    results = evaluate(p, contents, red_flags.thresholds(thresholds_path()))  # red flags of this project alone
    return ProjectRows(p.kind.value, (*project, compiled), kind_row, parties, roles, red_flags.as_rows(results))


class Store:
    """One SQLite database file (WAL) and the raw-bytes directory beside it."""

    def __init__(self, path: Path | str, *, on_busy: Callable[[str], None] = _stderr_line) -> None:
        self.path = Path(path)
        self.raw_dir = self.path.parent / "raw"
        self.conn = connect(self.path)
        self.db = sqlite_utils.Database(self.conn)
        self.busy_wait = busy_wait()  # total seconds a write waits for another writer
        self.on_busy = on_busy  # told (one line) when a write has to wait for another writer

    # -- locking ----------------------------------------------------------------------------
    def begin_immediate(self, wait: float | None = None) -> None:
        """``BEGIN IMMEDIATE``: take the write lock, waiting at most ``wait`` seconds in total
        (default :attr:`busy_wait`) while another writer holds it; each wait is announced
        through :attr:`on_busy`. Raises :class:`StoreBusy` when the lock never came free."""
        total = self.busy_wait if wait is None else wait
        started = time.monotonic()
        reported = None
        try:
            while True:
                left = total - (time.monotonic() - started)
                attempt = 0.0 if reported is None else max(0.0, min(_BUSY_ATTEMPT, left))  # first: at once, to say so
                self.conn.execute(f"PRAGMA busy_timeout = {int(attempt * 1000)}")
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not is_busy(exc):
                        raise
                waited = time.monotonic() - started
                if waited >= total and reported is not None:
                    raise StoreBusy(
                        f"{self.path}: database busy: another writer held it for {waited:.0f} s (the limit;"
                        " $GONGKAI_BUSY_WAIT sets it); nothing was written, try again when it is done")
                if reported is None or time.monotonic() - reported >= _BUSY_REPORT_EVERY:
                    reported = time.monotonic()
                    self.on_busy(f"database busy (another writer), retrying… (waited {waited:.0f} s of at most {total:.0f} s)")
        finally:
            self.conn.execute("PRAGMA busy_timeout = 30000")  # connect()'s default again

    # -- schema -----------------------------------------------------------------------
    def init(self) -> None:
        """Create the schema (idempotent) and record its version.

        On a database that has it already this takes no write lock (``CREATE … IF NOT EXISTS``
        of existing objects writes nothing), so a crawl can start beside a writing submission."""
        self.conn.executescript("BEGIN;\n" + ddl() + "\nCOMMIT;")
        self.add_area_columns()
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or row[0] != str(SCHEMA_VERSION):
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                              (str(SCHEMA_VERSION),))
        if changes.store_id(self.conn) is None:  # tells this database from one re-created at its path
            self.conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                              (changes.STORE_ID_KEY, uuid.uuid4().hex))
        tamper_log.backfill(self.conn)  # a database from before the log: every stored version, once

    def add_area_columns(self) -> None:
        """Add the typed columns of fields declared since the area tables were created (a new field of
        an area model is a new nullable column; its ``*_yuan`` twin is a virtual generated column)."""
        for kind in Kind:
            table = project_table(kind)
            have = {r[1] for r in self.conn.execute(f"PRAGMA table_xinfo({table})")}
            for col, sqltype, _spec in area_columns(kind):
                if col in have:
                    continue
                self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {col} {sqltype}")  # names from our schema
                if col.endswith("_fen"):
                    self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {yuan_column(col)}")

    def check(self) -> None:
        """Raise StoreError unless the database has our schema."""
        if not self.db["meta"].exists():
            raise StoreError(f"{self.path} is not initialized: run `gongkai --db {self.path} init`")
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None or int(row[0]) > SCHEMA_VERSION:
            raise StoreError(f"{self.path} has schema version {row and row[0]}; this gongkai knows {SCHEMA_VERSION}")
        if (not self.db["notice_texts"].exists() or not self._has_change_feed() or not self.db["log"].exists()  # added to schema version 1
                or not self._has_index("project_parties_party_project")):  # replaced project_parties_party
            self.init()  # later: created by the first writer (the feed's consumers then run in full once)
        self.add_area_columns()

    def _has_index(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone() is not None

    def _has_change_feed(self) -> bool:
        marks = ",".join("?" * len(CHANGE_TRIGGERS))
        n = self.conn.execute(f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",  # noqa: S608 - '?' marks only
                              CHANGE_TRIGGERS).fetchone()[0]
        return n == len(CHANGE_TRIGGERS) and changes.store_id(self.conn) is not None

    def close(self) -> None:
        self.conn.close()

    # -- raw bytes ----------------------------------------------------------------------
    def keep_raw(self, data: bytes) -> str:
        """Store raw input bytes content-addressed (raw/ab/abcd…); return their sha256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.raw_dir / digest[:2] / digest
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
        return digest

    def keep_raw_file(self, path: Path, sha256: str) -> Path | None:
        """Keep a file's bytes under raw/ by their (already computed) sha256, streaming. Returns the
        path when this call created it (so a transaction that rolls back can remove it again)."""
        target = self.raw_dir / sha256[:2] / sha256
        if target.exists():
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
        return target

    # -- writing --------------------------------------------------------------------------
    @contextmanager
    def batch(self, *, dry_run: bool = False, mapper: Mapper = map, wait: float | None = None) -> Iterator[Batch]:
        """A transaction: commits when the block ends normally (unless ``dry_run``),
        rolls back on any exception. ``mapper`` spreads project compilation (e.g. a pool's imap).

        The write lock is taken when the block starts (:meth:`begin_immediate`: waits at most
        ``wait`` seconds for another writer, then :class:`StoreBusy`), so the block should only
        write: validate before it."""
        batch = Batch(self, now_iso(), mapper)
        self.begin_immediate(wait)
        try:
            yield batch
            batch.compile_projects()
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        if dry_run:
            self.conn.execute("ROLLBACK")
        else:
            self.conn.execute("COMMIT")

    def ingest(self, notices: Iterable[Notice]) -> Counts:
        """Add notices in one transaction (convenience for callers with valid notices)."""
        with self.batch() as batch:
            for notice in notices:
                batch.add(notice)
        return batch.counts

    # -- projects -------------------------------------------------------------------------
    def current_notices(self, project_ids: list[str]) -> Iterator[tuple[str, list[tuple]]]:
        """(project id, its current notice rows) for each of ``project_ids``."""
        marks = ",".join("?" * len(project_ids))
        rows = self.conn.execute(
            f"SELECT project_id, {_COMPILE_COLUMNS} FROM notices "  # noqa: S608 - only '?' marks formatted in
            f"WHERE project_id IN ({marks}) AND superseded_at IS NULL ORDER BY project_id", project_ids)
        group: list[tuple] = []
        current = ""  # the project id of ``group`` (set before the first row is appended)
        for row in rows:
            if row[0] != current and group:
                yield current, group
                group = []
            current = row[0]
            group.append(row[1:])
        if group:
            yield current, group

    def compile(self, project_ids: list[str]) -> Iterator[Project]:
        """Compile projects from their current notice versions."""
        for pid, rows in self.current_notices(project_ids):
            yield compile_project(pid, [_content(r) for r in rows])

    def write_projects(self, rows: list[ProjectRows], seen_at: str) -> None:
        """Upsert compiled projects, their area rows and their parties (a few executemany calls)."""
        if not rows:
            return
        self.conn.executemany(_UPSERT_PROJECT, [(*r.project, seen_at) for r in rows])
        by_kind: dict[str, list[tuple]] = {}
        for r in rows:
            by_kind.setdefault(r.kind, []).append(r.kind_row)
        for kind, kind_rows in by_kind.items():
            cols = [c for c, _t, _s in area_columns(Kind(kind))]
            self.conn.executemany(
                f"INSERT OR REPLACE INTO {project_table(Kind(kind))} (project_id, {', '.join(cols)}) "  # noqa: S608 - names from our schema
                f"VALUES (?, {', '.join('?' * len(cols))})", kind_rows)
        self.conn.executemany("DELETE FROM project_parties WHERE project_id = ?", [(r.project[0],) for r in rows])
        self.conn.executemany("INSERT OR IGNORE INTO parties (party_id, name, uscc, first_seen_at) VALUES (?,?,?,?)",
                              [(*party, seen_at) for r in rows for party in r.parties])
        self.conn.executemany(
            "INSERT OR REPLACE INTO project_parties (project_id, party_id, role, name, lot, rank, amount_fen)"
            " VALUES (?,?,?,?,?,?,?)", [role for r in rows for role in r.roles])
        red_flags.write(self.conn, {r.project[0]: r.flags for r in rows},
                        {r.project[0]: red_flags.project_codes(Kind(r.kind)) for r in rows}, seen_at)

    # -- rejections -------------------------------------------------------------------------
    def reject(self, origin: str, input_name: str, location: str | None, field_name: str | None, value: str | None,
               reason: str) -> None:
        """Record an input that could not be stored (collectors; autocommit)."""
        self.conn.execute(
            "INSERT INTO rejections (created_at, origin, input, location, field, value, reason) VALUES (?,?,?,?,?,?,?)",
            (now_iso(), origin, input_name, location, field_name, (value or "")[:1000], reason))


def _kind_row(p: Project) -> list[Any]:
    """Values of the kind's project-table columns, in area_columns order."""
    values: list[Any] = []
    lots_field = LOTS_FIELD[p.kind]
    for col, sqltype, spec in area_columns(Kind(p.kind)):
        if spec is None:
            continue  # lot summaries, filled below
        value = p.fields.get(spec.name)
        if col.endswith("_fen"):
            values.append(to_fen(value))
        elif value is None:
            values.append(None)
        elif sqltype == "REAL":
            values.append(float(Decimal(str(value))))  # display/sort copy; exact text stays in notices.fields
        else:
            values.append(value)
    if lots_field:
        values += lot_summary(p.fields.get(lots_field, []))
    return values
