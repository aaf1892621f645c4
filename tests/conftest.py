"""Shared fixtures: a fresh store, file writers, and the real samples in ../shared."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from store.db import Store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REAL = SHARED / "data" / "real"


def real_file(*parts: str) -> Path:
    """A real sample from ../shared/data/real; the test skips (with the reason) when it is absent."""
    path = REAL.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not beside this checkout)")
    return path


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "gongkai.db")
    s.init()
    yield s
    s.close()


def write_csv(path: Path, headers: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def dump(db: Path) -> list[str]:
    """Every row of every table: equal dumps mean nothing was written."""
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def count(store: Store, sql: str, *args: object) -> int:
    return store.conn.execute(sql, args).fetchone()[0]
