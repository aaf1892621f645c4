"""``make bench`` submit: ``gongkai submit`` of a generated N-row procurement CSV, end to end.

A real process (parse + validate + normalize + store + compile projects), against the floor of
``csv.reader`` plus one ``executemany`` of the same rows as text into one table (WAL,
``synchronous=OFF``, one transaction). Targets: ≥ 15,000 notices/s, ratio ≥ 0.10.

The red flags' cost (issue 10) and the tamper-evident log's cost (issue 13): the same submission with
one of them switched off (``python -m bench.submit --without indicators|log -- GONGKAI-ARGS``, see
:data:`SWITCHES`) is measured in the same run, in alternating order; each figure is the rate with it as
a ratio to the rate without it, and its name states the submission time with it as a multiple of the
time without. Switched off, the indicators are ``store.db.evaluate`` returning no result and
``store.flags.update_across`` doing nothing; the log is ``store.log.append_versions`` writing no leaf
(and ``store.log.backfill`` nothing), so what remains is the same submission minus building,
canonicalizing (JCS) and inserting the leaves. The run checks that the switch held: the database
submitted without the log has no leaf, the one with it one leaf per stored notice version.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
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


def gongkai_submit(path: Path, db: Path, *, without: Sequence[str] = ()) -> float:
    """A real `gongkai submit` process on a fresh database (init not timed); ``without``: the same with
    those parts switched off (names of :data:`SWITCHES`, run through :func:`main`)."""
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    subprocess.run([sys.executable, "-m", "gongkai", "--db", str(db), "init"], check=True, capture_output=True)
    run = ([sys.executable, "-m", "bench.submit", "--without", ",".join(without), "--"] if without
           else [sys.executable, "-m", "gongkai"])
    started = time.perf_counter()
    out = subprocess.run([*run, "--db", str(db), "submit", str(path), "--kind", "procurement", "--agency", "基准测试"],
                         capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(f"gongkai submit failed: {out.stderr[-2000:]}")
    return elapsed


def log_counts(db: Path) -> tuple[int, int]:
    """(leaves in the log, stored notice versions) of a submitted database."""
    conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        leaves = conn.execute("SELECT count(*) FROM log").fetchone()[0]
        versions = conn.execute("SELECT count(*) FROM notices").fetchone()[0]
    finally:
        conn.close()
    return int(leaves), int(versions)


def _cost(what: str, subjects: list[float], without: list[float], rows: int) -> Figure:
    """The rate with a part against the rate of the same submission without it (same run)."""
    rate, plain_rate = median_rate(subjects, rows), median_rate(without, rows)
    times = statistics.median(subjects) / statistics.median(without)
    return Figure(f"{what} (time ×{times:.3f}, +{(times - 1) * 100:.1f} %)", rate, "notices/s", plain_rate,
                  rate / plain_rate, against="the same submission without it")


def bench_submit(rows: int, repeat: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as tmp:
        tmpdir = Path(tmp)
        path = generate_big_csv(tmpdir / f"bench-{rows}.csv", rows=rows)
        floors: list[float] = []
        subjects: list[float] = []
        plain: list[float] = []  # the same submission without the red flags
        unlogged: list[float] = []  # the same submission without the tamper-evident log
        for i in range(repeat):
            # alternate the order so drift hits every side alike
            sides: list[tuple[list[float], Callable[[], float]]] = [
                (floors, lambda: floor_csv_executemany(path, tmpdir / "floor.db")),
                (subjects, lambda: gongkai_submit(path, tmpdir / "gongkai.db")),
                (plain, lambda: gongkai_submit(path, tmpdir / "plain.db", without=["indicators"])),
                (unlogged, lambda: gongkai_submit(path, tmpdir / "unlogged.db", without=["log"])),
            ]
            for bucket, fn in sides if i % 2 == 0 else reversed(sides):
                bucket.append(fn())
        logged, versions = log_counts(tmpdir / "gongkai.db")
        if logged != versions or log_counts(tmpdir / "unlogged.db")[0] != 0:
            raise RuntimeError(f"the log switch did not hold: {logged:,} leaves for {versions:,} versions with the log, "
                               f"{log_counts(tmpdir / 'unlogged.db')[0]:,} without it")
        floor_rate = median_rate(floors, rows)
        rate = median_rate(subjects, rows)
        ratio = rate / floor_rate
        return [
            Figure("submit: floor (csv.reader + executemany, WAL, sync OFF)", floor_rate, "rows/s"),
            Figure(f"submit: gongkai submit of {rows:,} rows, end to end", rate, "notices/s", floor_rate, ratio,
                   "≥ 15,000 notices/s and ratio ≥ 0.10 (aim 0.25)", rate >= 15_000 and ratio >= 0.10),
            _cost("submit: red flags' cost — with indicators, against the same submission without them",
                  subjects, plain, rows),
            _cost("submit: the log's cost — with the tamper-evident log, against the same submission without it",
                  subjects, unlogged, rows),
        ]


def _no_indicators() -> None:
    import store.db
    import store.flags

    def no_results(*_args: object, **_kwargs: object) -> list[Result]:
        return []

    def no_across(*_args: object, **_kwargs: object) -> int:
        return 0

    store.db.evaluate = no_results
    store.flags.update_across = no_across


def _no_log() -> None:
    import store.log  # store.db calls it as ``tamper_log.append_versions``: the module attribute is patched

    def no_leaves(conn: sqlite3.Connection, start: int, columns: Sequence[str], rows: Sequence[tuple],
                  stored_at: str, sources: dict[str, tuple]) -> int:
        return start  # nothing appended: the next index stays where it was

    def no_backfill(*_args: object, **_kwargs: object) -> int:
        return 0

    store.log.append_versions = no_leaves
    store.log.backfill = no_backfill


SWITCHES: dict[str, Callable[[], None]] = {"indicators": _no_indicators, "log": _no_log}


def without(names: Sequence[str], argv: list[str]) -> None:
    """Run gongkai (``argv``) with the parts ``names`` (keys of :data:`SWITCHES`) switched off, the
    baseline of their cost. The compile workers are forked (collectors.submit), so they inherit the
    switches; the store is written by this process."""
    from gongkai.cli import cli

    for name in names:
        SWITCHES[name]()
    cli(args=argv, prog_name="gongkai")


def without_indicators(argv: list[str]) -> None:
    """gongkai with the red flags switched off (``without(["indicators"], argv)``)."""
    without(["indicators"], argv)


def main(argv: list[str]) -> None:
    """``python -m bench.submit --without indicators,log -- GONGKAI-ARGS…`` (without ``--without``: the
    red flags are switched off, as before the switch was generic)."""
    parser = argparse.ArgumentParser(prog="python -m bench.submit",
                                     description="gongkai with some parts switched off (the baseline of their cost)")
    parser.add_argument("--without", default="indicators",
                        help=f"comma-separated parts to switch off: {', '.join(SWITCHES)} (default: indicators)")
    parser.add_argument("gongkai_args", nargs=argparse.REMAINDER, help="-- then gongkai's own arguments")
    if argv and argv[0].startswith("--without"):
        args = parser.parse_args(argv)
        rest = args.gongkai_args[1:] if args.gongkai_args[:1] == ["--"] else args.gongkai_args
    else:
        args, rest = parser.parse_args([]), argv
    names = [n.strip() for n in args.without.split(",") if n.strip()]
    unknown = [n for n in names if n not in SWITCHES]
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}: choose from {', '.join(SWITCHES)}")
    without(names, rest)


if __name__ == "__main__":
    main(sys.argv[1:])
