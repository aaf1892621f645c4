"""The tamper-evident log: every notice version, withdrawal and redaction as a leaf of an RFC 6962 tree.

A leaf commits to hashes and metadata, never to the content itself: the version's content sha256,
the raw bytes' sha256, kind, ids, version number, operation (``publish``, ``correct``, ``withdraw``,
``redact``), source and times, as canonical JSON (RFC 8785 JCS, the subset :func:`jcs` implements:
objects with string keys, strings, integers, booleans and null; a leaf holds no floats). Content
can then be redacted (a ``redact`` leaf) while the log still proves the version existed.

The ``log`` table (``store.schema.LOG_DDL``) is append-only: triggers refuse UPDATE and DELETE.
Version leaves are appended by :meth:`store.db.Batch.flush` in the writer's own transaction
(:func:`append_versions`), so a version is never stored without its leaf nor logged without being
stored. A database from before the log gets a backfill of every stored version, in store order
(``notices.rowid``), in one transaction, the first time ``init`` (or a writer) finds the log empty
(:func:`backfill`).

The tree (RFC 6962 §2.1, RFC 9162 §2.1): ``MTH({}) = SHA-256()``, a leaf is ``SHA-256(0x00 || d)``,
a node ``SHA-256(0x01 || left || right)``, split at the largest power of two smaller than n.
:class:`Tree` keeps every complete subtree's hash (as Go's ``sumdb/tlog`` does) and answers roots,
inclusion and consistency proofs; :func:`verify_inclusion` and :func:`verify_consistency` are the
RFC 9162 §2.1.3.2 / §2.1.4.2 verifiers, written independently of the proof generators.

:func:`audit` re-reads the store against its log: a version edited, deleted or missing from the
log, a source row dropped, a leaf changed, reordered or cut all name what failed.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

LEAF_SCHEMA = 1  # the "v" of every leaf: bump when the leaf's fields change meaning
OPS = ("publish", "correct", "withdraw", "redact")
VERSION_OPS = ("publish", "correct")
EMPTY_ROOT = hashlib.sha256(b"").digest()


class LogError(Exception):
    """The log cannot be appended to (a leaf that cannot be canonicalized, an unknown version)."""


# -- RFC 8785 (JCS), the subset leaves use ----------------------------------------------------------

def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be")  # JCS sorts member names by their UTF-16 code units


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical JSON of ``value``: dicts with string keys (sorted by UTF-16 code units),
    lists, strings, integers, booleans and None. Floats are refused (leaves carry none: times are
    strings, money is never in a leaf)."""
    if _orjson_is_jcs(value):
        # the same bytes, one C call (a batch writes a leaf per version: this is most of the log's cost)
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    return _jcs(value).encode("utf-8")


_SAFE_INT = 2**53 - 1


def _orjson_is_jcs(value: Any) -> bool:
    """Whether orjson's sorted output is exactly JCS for ``value``: only ASCII member names (orjson
    sorts by UTF-8 bytes, JCS by UTF-16 code units; the two orders agree on ASCII), no float, integers
    within I-JSON's exact range. Strings are escaped alike by both (see :func:`_jcs`)."""
    if value is None or isinstance(value, str | bool):
        return True
    if isinstance(value, int):
        return -_SAFE_INT <= value <= _SAFE_INT
    if isinstance(value, dict):
        return (all(type(k) is str and k.isascii() for k in value)
                and all(type(v) in _PLAIN or _orjson_is_jcs(v) for v in value.values()))
    if isinstance(value, list):  # not tuples: orjson refuses them without a default
        return all(type(v) in _PLAIN or _orjson_is_jcs(v) for v in value)
    return False


_PLAIN = frozenset({str, bool, type(None)})  # values both encoders write alike, whatever they hold


def _jcs(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return "null" if value is None else ("true" if value else "false")
    if isinstance(value, int):
        if abs(value) > 2**53 - 1:
            raise LogError(f"integer {value} is outside I-JSON's exact range (RFC 8785 §3.2.2.3)")
        return str(value)
    if isinstance(value, str):
        # orjson escapes exactly what JCS does (", \\, control characters; \b \t \n \f \r short forms)
        # and writes everything else, non-ASCII included, as UTF-8.
        return orjson.dumps(value).decode("utf-8")
    if isinstance(value, list | tuple):
        return "[" + ",".join(_jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise LogError("JCS object keys must be strings")
        items = sorted(value.items(), key=lambda kv: _utf16_key(kv[0]))
        return "{" + ",".join(f"{_jcs(k)}:{_jcs(v)}" for k, v in items) + "}"
    raise LogError(f"a log leaf cannot hold a {type(value).__name__} (JCS subset: no floats)")


# -- RFC 6962 hashing -------------------------------------------------------------------------------

def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2): where RFC 6962 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


class Tree:
    """An RFC 6962 tree over leaf hashes, keeping the hash of every complete (aligned, power-of-two)
    subtree: ``levels[k][i]`` is the hash of leaves ``[i·2^k, (i+1)·2^k)``."""

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for h in leaf_hashes:
            self.append(h)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append(self, h: bytes) -> None:
        """Append a leaf hash (complete subtrees it closes are hashed at once)."""
        self.levels[0].append(h)
        k = 0
        while len(self.levels[k]) % 2 == 0:
            if len(self.levels) == k + 1:
                self.levels.append([])
            pair = self.levels[k][-2:]
            self.levels[k + 1].append(node_hash(pair[0], pair[1]))
            k += 1

    def hash(self, start: int, end: int) -> bytes:
        """MTH of leaves ``[start, end)`` (RFC 6962 §2.1)."""
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:  # a complete subtree: stored
            return self.levels[n.bit_length() - 1][start // n]
        k = split(n)
        return node_hash(self.hash(start, start + k), self.hash(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is outside 0..{self.size}")
        return self.hash(0, size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) (RFC 6962 §2.1.1)."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError(f"no leaf {index} in a tree of {size}")
        return self._path(index, 0, size)

    def _path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = split(n)
        if m < k:
            return [*self._path(m, start, start + k), self.hash(start + k, end)]
        return [*self._path(m - k, start + k, end), self.hash(start, start + k)]

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        """PROOF(old, D[0:new]) (RFC 6962 §2.1.2)."""
        new = self.size if new is None else new
        if not 0 < old <= new <= self.size:
            raise ValueError(f"no consistency proof from {old} to {new} in a tree of {self.size}")
        return self._subproof(old, 0, new, True)

    def _subproof(self, m: int, start: int, end: int, b: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if b else [self.hash(start, end)]
        k = split(n)
        if m <= k:
            return [*self._subproof(m, start, start + k, b), self.hash(start + k, end)]
        return [*self._subproof(m - k, start + k, end, False), self.hash(start, start + k)]


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH straight from the definition (recursive; the independent reference the tests compare with)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = split(n)
    return node_hash(root_of(leaf_hashes[:k]), root_of(leaf_hashes[k:]))


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show leaf hash ``leaf`` at ``index`` in the tree (size, root)?"""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: does ``proof`` show the tree (old, old_root) is a prefix of (new, new_root)?"""
    if old > new or old < 0:
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof  # the empty tree is a prefix of every tree
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # old is a power of two: its root is the first node of the path
        path = [old_root, *path]
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# -- leaves -----------------------------------------------------------------------------------------

def version_op(version: int) -> str:
    """The operation a stored version records: its first version publishes, a later one corrects."""
    return "publish" if version == 1 else "correct"


def version_leaf(version_id: str, notice_id: str, version: int, project_id: str, kind: str, notice_type: str,
                 published_at: str, content_sha256: str, stored_at: str, source: Sequence[Any]) -> dict[str, Any]:
    """The leaf of a stored notice version; ``source`` is its first copy's notice_sources values after
    version_id (platform, url, fetched_at, raw_sha256, parser_version, http_status, location)."""
    return {
        "v": LEAF_SCHEMA, "op": version_op(version), "version_id": version_id, "notice_id": notice_id,
        "version": version, "project_id": project_id, "kind": kind, "notice_type": notice_type,
        "content_sha256": content_sha256, "raw_sha256": source[3], "platform": source[0], "source_url": source[1],
        "location": source[6] or "", "published_at": published_at, "fetched_at": source[2], "stored_at": stored_at,
    }


def next_index(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(idx) + 1, 0) FROM log").fetchone()[0])


def append_leaves(conn: sqlite3.Connection, leaves: Sequence[dict[str, Any]], start: int | None = None) -> int:
    """Append leaves at ``start`` (default: the end of the log), in the caller's transaction; return
    the next free index."""
    at = next_index(conn) if start is None else start
    conn.executemany("INSERT INTO log (idx, op, version_id, leaf) VALUES (?,?,?,?)",
                     [(at + i, leaf["op"], leaf["version_id"], jcs(leaf).decode("utf-8"))
                      for i, leaf in enumerate(leaves)])
    return at + len(leaves)


_LEAF_COLUMNS = ("version_id", "notice_id", "version", "project_id", "kind", "notice_type", "published_at",
                 "content_sha256")


def append_versions(conn: sqlite3.Connection, start: int, columns: Sequence[str], rows: Sequence[tuple],
                    stored_at: str, sources: dict[str, tuple]) -> int:
    """Store.db's hook: the leaves of the notice rows a batch inserts (values in ``columns`` order),
    appended from index ``start``, each with its first source; returns the next index."""
    (vid, nid, ver, pid, kind, ntype, published, sha) = (columns.index(c) for c in _LEAF_COLUMNS)
    leaves = [version_leaf(r[vid], r[nid], r[ver], r[pid], r[kind], r[ntype], r[published], r[sha], stored_at,
                           sources[r[vid]]) for r in rows]
    return append_leaves(conn, leaves, start)


def append_event(conn: sqlite3.Connection, op: str, version_id: str, reason: str, at: str,
                 details: dict[str, Any] | None = None) -> int:
    """Append a ``withdraw`` or ``redact`` leaf for a stored version (in the caller's transaction, or
    its own when none is open); return its index. A redaction changes what is shown, never what the
    log holds: the version's leaf stays, and this leaf records that, when and why it was redacted
    (``details``: e.g. which fields, by what policy — strings and integers only)."""
    if op not in ("withdraw", "redact"):
        raise LogError(f"unknown log operation {op!r} (withdraw or redact)")
    row = conn.execute("SELECT notice_id, version, project_id, kind, content_sha256 FROM notices WHERE version_id = ?",
                       (version_id,)).fetchone()
    if row is None:
        raise LogError(f"no stored version {version_id!r} to {op}")
    leaf = {"v": LEAF_SCHEMA, "op": op, "version_id": version_id, "notice_id": row[0], "version": row[1],
            "project_id": row[2], "kind": row[3], "content_sha256": row[4], "reason": reason, "at": at,
            **({"details": details} if details else {})}
    jcs(leaf)  # refuse a float in details before anything is written
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        index = next_index(conn)
        append_leaves(conn, [leaf], index)
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise
    if own:
        conn.execute("COMMIT")
    return index


def redact(conn: sqlite3.Connection, version_id: str, reason: str, at: str, fields: Sequence[str] = ()) -> int:
    """Record a redaction of a stored version (the privacy policy's entry point); return the leaf index."""
    return append_event(conn, "redact", version_id, reason, at, {"fields": list(fields)} if fields else None)


def withdraw(conn: sqlite3.Connection, version_id: str, reason: str, at: str) -> int:
    """Record that a stored version was withdrawn at its source; return the leaf index."""
    return append_event(conn, "withdraw", version_id, reason, at)


_FIRST_SOURCES = ("SELECT s.version_id, s.platform, s.url, s.fetched_at, s.raw_sha256, s.parser_version, s.http_status,"
                  " s.location FROM notice_sources s WHERE s.rowid = (SELECT min(rowid) FROM notice_sources"
                  " WHERE version_id = s.version_id)")


def backfill(conn: sqlite3.Connection) -> int:
    """Log every stored version (store order) when the log is empty, in one transaction; return how
    many leaves were written (0 when the log had leaves or there is nothing stored). Takes the write
    lock only when there is something to log (``init`` on a logged database writes nothing)."""
    if conn.execute("SELECT 1 FROM log LIMIT 1").fetchone() or not conn.execute("SELECT 1 FROM notices LIMIT 1").fetchone():
        return 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT 1 FROM log LIMIT 1").fetchone() or not conn.execute(
                "SELECT 1 FROM notices LIMIT 1").fetchone():
            conn.execute("COMMIT")
            return 0
        sources = {r[0]: r[1:] for r in conn.execute(_FIRST_SOURCES)}
        n = 0
        rows = conn.execute("SELECT version_id, notice_id, version, project_id, kind, notice_type, published_at,"
                            " content_sha256, first_seen_at FROM notices ORDER BY rowid")
        while chunk := rows.fetchmany(5000):
            leaves = [version_leaf(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                                   sources.get(r[0], ("", "", "", "", "", None, ""))) for r in chunk]
            n = append_leaves(conn, leaves, n)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return n


# -- reading and auditing ---------------------------------------------------------------------------

def leaves(conn: sqlite3.Connection) -> Iterator[tuple[int, bytes]]:
    """(index, leaf bytes) in index order."""
    for idx, leaf in conn.execute("SELECT idx, leaf FROM log ORDER BY idx"):
        yield int(idx), leaf.encode("utf-8") if isinstance(leaf, str) else bytes(leaf)


def content_of(row: Sequence[Any]) -> dict[str, Any]:
    """A notice version's content (``Notice.content()``) rebuilt from its stored row, columns
    kind, notice_type, title, publisher, published_at, region_code, region_name, province_code,
    project_no, project_name, notice_no, corrects, original_url, body, fields."""
    content = {
        "kind": row[0], "notice_type": row[1], "title": row[2], "publisher": row[3], "published_at": row[4],
        "region": {"code": row[5], "name": row[6], "province_code": row[7]} if row[5] else None,
        "project_no": row[8], "project_name": row[9], "notice_no": row[10], "corrects": row[11],
        "original_url": row[12], "body": row[13], "fields": orjson.loads(row[14]),
    }
    return {k: v for k, v in content.items() if v is not None}


def content_sha256(row: Sequence[Any]) -> str:
    """sha256 of the canonical content rebuilt from a stored row (as ``Notice.content_sha256``)."""
    return hashlib.sha256(orjson.dumps(content_of(row), option=orjson.OPT_SORT_KEYS)).hexdigest()


_CONTENT_COLUMNS = ("kind, notice_type, title, publisher, published_at, region_code, region_name, province_code,"
                    " project_no, project_name, notice_no, corrects, original_url, body, fields")


@dataclass
class Audit:
    """What :func:`audit` found: the leaves read (in order), the problems (each names its record)."""

    leaf_bytes: list[bytes]
    problems: list[str]
    versions: int = 0
    events: int = 0
    redacted: int = 0  # versions a published copy redacted on output (privacy): checked by their stated hash


def audit(conn: sqlite3.Connection, leaf_list: Sequence[bytes] | None = None) -> Audit:
    """Check the store against its log: each leaf canonical, contiguous, of a known operation; each
    version leaf's stored row present with the content it had when logged, its source row present;
    every stored version logged. ``leaf_list``: the leaves to check (e.g. read from a site's tiles);
    default the store's own log table, whose indexes must then run 0, 1, 2 … without a gap."""
    problems: list[str] = []
    if leaf_list is None:
        got: list[bytes] = []
        for idx, leaf in leaves(conn):
            if idx != len(got):
                gap = f"log leaf {len(got)} is" if idx - len(got) == 1 else f"log leaves {len(got)}–{idx - 1} are"
                problems.append(f"{gap} missing (deleted from the log table)")
                got.extend(b"" for _ in range(idx - len(got)))
            got.append(leaf)
        leaf_list = got
    result = Audit(list(leaf_list), problems)
    stored = {r[0]: r[1:] for r in conn.execute(
        f"SELECT version_id, notice_id, version, project_id, content_sha256, {_CONTENT_COLUMNS} FROM notices")}  # noqa: S608 - fixed columns
    source_keys = {tuple(r) for r in conn.execute(
        "SELECT version_id, platform, url, raw_sha256, coalesce(location, '') FROM notice_sources")}
    # A published copy (Datasette's snapshot, the bulk download) masks natural persons' names
    # (store/privacy.py) and lists the versions it changed: their text no longer hashes to the leaf by
    # design, so they are checked by their content_sha256 column, which must still be the logged one.
    redacted: set[str] = set()
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'privacy_redacted_versions'").fetchone():
        redacted = {r[0] for r in conn.execute("SELECT version_id FROM privacy_redacted_versions")}
    logged: set[str] = set()
    for i, data in enumerate(result.leaf_bytes):
        if not data:
            continue  # already named as missing
        try:
            leaf = orjson.loads(data)
            canonical = isinstance(leaf, dict) and jcs(leaf) == data
        except (orjson.JSONDecodeError, LogError):
            problems.append(f"log leaf {i}: not a canonical JSON leaf")
            continue
        if not canonical or leaf.get("op") not in OPS or not isinstance(leaf.get("version_id"), str):
            problems.append(f"log leaf {i}: not a canonical leaf of a known operation")
            continue
        vid = leaf["version_id"]
        row = stored.get(vid)
        if leaf["op"] not in VERSION_OPS:
            result.events += 1
            if row is None:
                problems.append(f"log leaf {i} ({leaf['op']} of {vid}): version {vid} is no longer in the store")
            continue
        result.versions += 1
        if vid in logged:
            problems.append(f"log leaf {i}: version {vid} is logged twice")
        logged.add(vid)
        if row is None:
            problems.append(f"version {vid} (log leaf {i}) was deleted from the store")
            continue
        notice_id, version, project_id, column_sha, *content = row
        if (notice_id, version, project_id) != (leaf.get("notice_id"), leaf.get("version"), leaf.get("project_id")):
            problems.append(f"version {vid} (log leaf {i}): its notice, version number or project changed in the store")
        if vid in redacted:
            result.redacted += 1
            if column_sha != leaf.get("content_sha256"):
                problems.append(f"version {vid} (log leaf {i}): redacted on output, and its content hash no longer "
                                "is the logged one")
            actual = column_sha
        else:
            actual = content_sha256(content)
        if actual != leaf.get("content_sha256") and vid not in redacted:
            what = "its stored values were edited" if column_sha == leaf.get("content_sha256") else \
                "its stored values and content hash were changed"
            problems.append(f"version {vid} (log leaf {i}): {what} after it was logged "
                            f"(content sha256 {actual[:12]}…, logged {str(leaf.get('content_sha256'))[:12]}…)")
        key = (vid, leaf.get("platform"), leaf.get("source_url"), leaf.get("raw_sha256"), leaf.get("location", ""))
        if key not in source_keys:
            problems.append(f"version {vid} (log leaf {i}): its source row ({leaf.get('platform')}, "
                            f"{leaf.get('source_url')}) is missing from the store")
    for vid in sorted(set(stored) - logged):
        problems.append(f"version {vid} is in the store but not in the log")
    return result
