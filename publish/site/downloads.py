"""Bulk downloads: JSONL and formula-safe CSV per area (gzip, reproducible), a SQLite copy, the OCDS
export (``ocds/``, gzip: :func:`publish.ocds.write_ocds`), SHA256SUMS. Every one shows natural persons as
the privacy policy says (:mod:`store.privacy`): the exports redact what they read, the SQLite copy is
redacted before it is vacuumed, a hidden person's ``party_id`` is a keyed pseudonym
(:mod:`store.pseudonym`; the key stays beside the store, never in the site).

The exports reuse :mod:`publish.export` (which neutralizes CSV formulas through
:mod:`publish.csv_safe`). The SQLite copy is made with ``VACUUM INTO`` from the read-only
connection, never by copying a live WAL database, and holds what ``gongkai publish`` publishes:
the operational tables publish drops (:data:`store.schema.UNPUBLISHED_TABLES`, the crawler's
``crawl_state`` and the change feed) are dropped from the copy too, which is then vacuumed so no page of them is left.
A file is replaced only when its bytes change; gzip headers carry no time or name, so the same
data gives the same bytes. The OCDS packages are written into a scratch directory beside
``downloads/ocds/`` and settled file by file the same way (a file no longer exported is removed);
``downloads/ocds/SHA256SUMS`` is the export's own list, and the top SHA256SUMS lists them too.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.codelists import Kind
from publish.export import BOM, export_csv, export_flat_csv, export_jsonl
from store.db import sha256_file
from store.paths import safe_join
from store.privacy import redact_copy
from store.pseudonym import key_of
from store.schema import drop_unpublished

OCDS_DIR = "ocds"  # under downloads/: the OCDS export's release and record packages


@dataclass
class _ReadOnlyStore:
    """What publish.export needs of a Store: a connection (here a read-only one)."""

    conn: sqlite3.Connection




def _what(name: str) -> str:
    """What a download holds, in words: ``gongkai-land-projects.csv`` → ``CSV（每个项目一行） · 国有土地使用权出让``."""
    from models.codelists import KIND_LABELS

    if name.endswith(".sqlite"):
        return "SQLite"
    if name.startswith(f"{OCDS_DIR}/"):
        return _ocds_what(name.removeprefix(f"{OCDS_DIR}/"))
    stem, fmt = name.split(".")[0].removeprefix("gongkai-"), name.split(".")[1]
    flat = stem.endswith("-projects")
    kind = Kind(stem.removesuffix("-projects"))
    form = "CSV（每个项目一行，可用 Excel 打开）" if flat else "CSV（每个公告版本一行）" if fmt == "csv" else "JSONL"
    return f"{form} · {KIND_LABELS[kind][0]}"


def _ocds_what(name: str) -> str:
    """``procurement-records.json.gz`` → ``OCDS 记录包（record package） · 政府采购``."""
    from models.codelists import KIND_LABELS

    if name == "SHA256SUMS":
        return "OCDS 文件的 sha256 校验值"
    stem = name.split(".")[0]
    kind, _sep, package = stem.rpartition("-")
    form = {"releases": "OCDS 发布包（release package）", "records": "OCDS 记录包（record package）"}.get(package, "OCDS")
    try:
        return f"{form} · {KIND_LABELS[Kind(kind)][0]}"
    except ValueError:
        return form


def _is_ocds(name: str) -> bool:
    return name.startswith(f"{OCDS_DIR}/")


def _write_ocds(conn: sqlite3.Connection, out: Path, site_url: str | None) -> list[str]:
    """The OCDS export, gzipped, under ``downloads/ocds/``; returns the names written (``ocds/…``)."""
    from publish.ocds import write_ocds

    downloads = safe_join(out, "downloads/x").parent
    target = safe_join(out, f"downloads/{OCDS_DIR}/x").parent
    for stale in downloads.glob(f".{OCDS_DIR}.*.tmp"):  # what a killed build left
        shutil.rmtree(stale, ignore_errors=True)
    scratch = downloads / f".{OCDS_DIR}.{os.getpid()}.tmp"
    try:
        base = site_url.rstrip("/") + f"/downloads/{OCDS_DIR}/" if site_url else None
        written = write_ocds(conn, scratch, compress=True, base_url=base)
        target.mkdir(parents=True, exist_ok=True)
        names = [p.name for p in written]
        for path in written:
            _settle(path, target / path.name)
        for old in target.iterdir():
            if old.name not in names and old.is_file():
                old.unlink()  # a package of an area that has no notice any more
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return [f"{OCDS_DIR}/{n}" for n in names]


def _settle(tmp: Path, target: Path) -> None:
    """Replace ``target`` by ``tmp`` unless they hold the same bytes (then keep target's mtime)."""
    if target.exists() and target.stat().st_size == tmp.stat().st_size and sha256_file(target) == sha256_file(tmp):
        tmp.unlink()
        return
    tmp.replace(target)


def _strip_unpublished(copy: Path, key: bytes) -> None:
    """Drop from the downloadable copy what publish drops from the served snapshot, apply the privacy
    policy as the snapshot does (:func:`store.privacy.redact_copy`, ``key``: the store's pseudonym
    key); vacuum the freed pages, so no dropped row and no original name is left in the file."""
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        drop_unpublished(conn)
        conn.execute("BEGIN")
        redact_copy(conn, key=key)
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()


def write_downloads(conn: sqlite3.Connection, out: Path, *, site_url: str | None = None) -> list[dict[str, Any]]:
    """Write every download under ``out/downloads/``; return their descriptions (for the page).
    ``site_url``: where the site is published (the OCDS packages' ``uri``; default: the configured one)."""
    store: Any = _ReadOnlyStore(conn)
    files: list[tuple[str, str]] = []
    safe_join(out, "downloads/x").parent.mkdir(parents=True, exist_ok=True)
    for kind in Kind:
        for fmt in ("jsonl", "csv"):
            name = f"gongkai-{kind.value}.{fmt}.gz"
            target = safe_join(out, f"downloads/{name}")
            tmp = target.with_name(f".{name}.{os.getpid()}.tmp")
            with tmp.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                      compresslevel=6) as gz:
                if fmt == "jsonl":
                    export_jsonl(store, gz, kind.value)
                else:
                    text = io.TextIOWrapper(gz, encoding="utf-8", newline="")
                    text.write(BOM)  # Excel reads the file as UTF-8
                    export_csv(store, text, kind.value)
                    text.flush()
                    text.detach()
            _settle(tmp, target)
            files.append((name, _what(name)))
        name = f"gongkai-{kind.value}-projects.csv"  # flat: one row per project, one column per field
        target = safe_join(out, f"downloads/{name}")
        tmp = target.with_name(f".{name}.{os.getpid()}.tmp")
        with tmp.open("w", encoding="utf-8", newline="") as flat:
            export_flat_csv(store, flat, kind.value)
        _settle(tmp, target)
        files.append((name, _what(name)))
    target = safe_join(out, "downloads/gongkai.sqlite")
    tmp = target.with_name(f".gongkai.sqlite.{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    conn.execute("PRAGMA query_only=OFF")  # VACUUM INTO writes only the new file; the store stays mode=ro
    try:
        conn.execute("VACUUM INTO ?", (str(tmp),))
    finally:
        conn.execute("PRAGMA query_only=ON")
    _strip_unpublished(tmp, key_of(conn))  # the store's key (beside it), never one beside the copy
    _settle(tmp, target)
    files.append(("gongkai.sqlite", "SQLite"))
    files += [(name, _what(name)) for name in _write_ocds(conn, out, site_url)]
    described = []
    for name, what in files:
        path = safe_join(out, f"downloads/{name}")
        described.append({"name": name, "path": f"downloads/{name}", "what": what, "size": path.stat().st_size,
                          "sha256": sha256_file(path), "ocds": _is_ocds(name)})
    sums = "".join(f"{d['sha256']}  {d['name']}\n" for d in described).encode()
    manifest = safe_join(out, "downloads/SHA256SUMS")
    if not manifest.exists() or manifest.read_bytes() != sums:
        manifest.write_bytes(sums)
    return described


def read_manifest(out: Path) -> list[dict[str, Any]]:
    """The downloads described by an existing SHA256SUMS (for builds that skip the downloads)."""
    manifest = out / "downloads" / "SHA256SUMS"
    if not manifest.exists():
        return []
    described = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        sha, _sep, name = line.partition("  ")
        path = safe_join(out, f"downloads/{name}")
        if path.exists():
            described.append({"name": name, "path": f"downloads/{name}", "what": _what(name), "size": path.stat().st_size,
                              "sha256": sha, "ocds": _is_ocds(name)})
    return described
