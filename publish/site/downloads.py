"""Bulk downloads: JSONL and formula-safe CSV per area (gzip, reproducible), a SQLite copy, SHA256SUMS.

The exports reuse :mod:`publish.export` (which neutralizes CSV formulas through
:mod:`publish.csv_safe`). The SQLite copy is made with ``VACUUM INTO`` from the read-only
connection, never by copying a live WAL database, and holds what ``gongkai publish`` publishes:
the operational tables publish drops (:data:`store.schema.UNPUBLISHED_TABLES`, the crawler's
``crawl_state`` and the change feed) are dropped from the copy too, which is then vacuumed so no page of them is left.
A file is replaced only when its bytes change; gzip headers carry no time or name, so the same
data gives the same bytes.
"""

from __future__ import annotations

import gzip
import io
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.codelists import Kind
from publish.export import BOM, export_csv, export_flat_csv, export_jsonl
from store.db import sha256_file
from store.paths import safe_join
from store.schema import drop_unpublished


@dataclass
class _ReadOnlyStore:
    """What publish.export needs of a Store: a connection (here a read-only one)."""

    conn: sqlite3.Connection




def _what(name: str) -> str:
    """What a download holds, in words: ``gongkai-land-projects.csv`` → ``CSV（每个项目一行） · 国有土地使用权出让``."""
    from models.codelists import KIND_LABELS

    if name.endswith(".sqlite"):
        return "SQLite"
    stem, fmt = name.split(".")[0].removeprefix("gongkai-"), name.split(".")[1]
    flat = stem.endswith("-projects")
    kind = Kind(stem.removesuffix("-projects"))
    form = "CSV（每个项目一行，可用 Excel 打开）" if flat else "CSV（每个公告版本一行）" if fmt == "csv" else "JSONL"
    return f"{form} · {KIND_LABELS[kind][0]}"


def _settle(tmp: Path, target: Path) -> None:
    """Replace ``target`` by ``tmp`` unless they hold the same bytes (then keep target's mtime)."""
    if target.exists() and target.stat().st_size == tmp.stat().st_size and sha256_file(target) == sha256_file(tmp):
        tmp.unlink()
        return
    tmp.replace(target)


def _strip_unpublished(copy: Path) -> None:
    """Drop from the downloadable copy what publish drops from the served snapshot; vacuum the freed pages."""
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        drop_unpublished(conn)
        conn.execute("VACUUM")
    finally:
        conn.close()


def write_downloads(conn: sqlite3.Connection, out: Path) -> list[dict[str, Any]]:
    """Write every download under ``out/downloads/``; return their descriptions (for the page)."""
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
    _strip_unpublished(tmp)
    _settle(tmp, target)
    files.append(("gongkai.sqlite", "SQLite"))
    described = []
    for name, what in files:
        path = safe_join(out, f"downloads/{name}")
        described.append({"name": name, "path": f"downloads/{name}", "what": what, "size": path.stat().st_size,
                          "sha256": sha256_file(path)})
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
                              "sha256": sha})
    return described
