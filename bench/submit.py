"""``make bench`` submit: ``gongkai submit`` of a generated N-row procurement CSV, end to end.

A real process (parse + validate + normalize + store + compile projects), against the floor of
``csv.reader`` plus one ``executemany`` of the same rows as text into one table (WAL,
``synchronous=OFF``, one transaction). Targets: ≥ 15,000 notices/s, ratio ≥ 0.10.

The red flags' cost (issue 10): the same submission with the indicators switched off (``python -m
bench.submit`` runs gongkai with ``store.db.evaluate`` returning no result and ``store.flags.update_across``
doing nothing) is measured in the same run; the figure is the rate with them as a ratio to the rate
without them, and the name states the submission time with them as a multiple of the time without.
"""

from __future__ import annotations

import csv
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import Figure, median_rate
from demo.generate import generate_big_csv
from models.indicators import Result


def floor_csv_executemany(path: Path, db: Path) -> float:
    """csv.reader + one executemany of every row as text into one table (WAL, sync OFF, one txn)."""
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        cols = ", ".join(f"c{i} TEXT" for i in range(len(header)))
        conn.execute(f"CREATE TABLE rows ({cols})")
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO rows VALUES ({', '.join('?' * len(header))})", reader)  # noqa: S608 - fixed marks
        conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def gongkai_submit(path: Path, db: Path, *, indicators: bool = True) -> float:
    """A real `gongkai submit` process on a fresh database (init not timed); ``indicators=False``:
    the same with the red flags switched off (:func:`without_indicators`)."""
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    subprocess.run([sys.executable, "-m", "gongkai", "--db", str(db), "init"], check=True, capture_output=True)
    run = [sys.executable, "-m", "gongkai" if indicators else "bench.submit", "--db", str(db)]
    started = time.perf_counter()
    out = subprocess.run([*run, "submit", str(path), "--kind", "procurement", "--agency", "基准测试"],
                         capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(f"gongkai submit failed: {out.stderr[-2000:]}")
    return elapsed


def bench_submit(rows: int, repeat: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        tmpdir = Path(tmp)
        path = generate_big_csv(tmpdir / f"bench-{rows}.csv", rows=rows)
        floors: list[float] = []
        subjects: list[float] = []
        plain: list[float] = []  # the same submission without the red flags
        for i in range(repeat):
            # alternate the order so drift hits every side alike
            sides: list[tuple[list[float], Callable[[], float]]] = [
                (floors, lambda: floor_csv_executemany(path, tmpdir / "floor.db")),
                (subjects, lambda: gongkai_submit(path, tmpdir / "gongkai.db")),
                (plain, lambda: gongkai_submit(path, tmpdir / "plain.db", indicators=False)),
            ]
            for bucket, fn in sides if i % 2 == 0 else reversed(sides):
                bucket.append(fn())
        floor_rate = median_rate(floors, rows)
        rate = median_rate(subjects, rows)
        plain_rate = median_rate(plain, rows)
        ratio = rate / floor_rate
        times = statistics.median(subjects) / statistics.median(plain)
        return [
            Figure("submit: floor (csv.reader + executemany, WAL, sync OFF)", floor_rate, "rows/s"),
            Figure(f"submit: gongkai submit of {rows:,} rows, end to end", rate, "notices/s", floor_rate, ratio,
                   "≥ 15,000 notices/s and ratio ≥ 0.10 (aim 0.25)", rate >= 15_000 and ratio >= 0.10),
            Figure(f"submit: red flags' cost — with indicators, against the same submission without them "
                   f"(time ×{times:.3f}, +{(times - 1) * 100:.1f} %)", rate, "notices/s", plain_rate, rate / plain_rate),
        ]


def without_indicators(argv: list[str]) -> None:
    """``python -m bench.submit GONGKAI-ARGS…``: gongkai with the red flags switched off, the baseline of
    their cost. The compile workers are forked (collectors.submit), so they inherit the switch."""
    import store.db
    import store.flags
    from gongkai.cli import cli

    def no_results(*_args: object, **_kwargs: object) -> list[Result]:
        return []

    def no_across(*_args: object, **_kwargs: object) -> int:
        return 0

    store.db.evaluate = no_results
    store.flags.update_across = no_across
    cli(args=argv, prog_name="gongkai")


if __name__ == "__main__":
    without_indicators(sys.argv[1:])
