"""`make bench`: speeds as ratios to a floor measured in the same run.

The machine is shared and noisy (baselines.md §9.16: the same run can differ 2× twenty
minutes apart), so every figure is paired with a baseline measured right before and after
it, in alternating order, and reported as a ratio; absolute rates are shown for context.

Benchmarks (``python -m gongkai.bench [NAME …] [--rows N] [--repeat R]``):

- ``submit``: ``gongkai submit`` of a generated N-row procurement CSV, end to end (a real
  process: parse + validate + normalize + store + compile projects), against the floor of
  ``csv.reader`` plus one ``executemany`` of the same rows as text into one table (WAL,
  ``synchronous=OFF``, one transaction). Targets: ≥ 15,000 notices/s, ratio ≥ 0.10.
- ``collect`` (collectors/bench.py): a crawl of ≥ 5,000 detail pages of the imitation portal,
  pages/s end to end, against the same crawl with a pipeline that drops items.
- ``site`` (gongkai/site/bench.py): a full build of an N-notice database against raw writes of
  the same bytes, an incremental build after 100 new notices, feeds of 1,000 items.
- ``search`` (search_index/bench.py): index build, incremental update and query latency against
  SQLite FTS5 over the same corpus; Datasette row and faceted table pages.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from gongkai.generate import generate_big_csv


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None


def _median_rates(runs: list[float], n: int) -> float:
    return n / statistics.median(runs)


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


def gongkai_submit(path: Path, db: Path) -> float:
    """A real `gongkai submit` process on a fresh database (init not timed)."""
    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    run = [sys.executable, "-m", "gongkai", "--db", str(db)]
    subprocess.run([*run, "init"], check=True, capture_output=True)
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
        for i in range(repeat):
            # alternate the order so drift hits both sides alike
            pair: list[tuple[list[float], Callable[[], float]]] = [
                (floors, lambda: floor_csv_executemany(path, tmpdir / "floor.db")),
                (subjects, lambda: gongkai_submit(path, tmpdir / "gongkai.db")),
            ]
            for bucket, fn in pair if i % 2 == 0 else reversed(pair):
                bucket.append(fn())
        floor_rate = _median_rates(floors, rows)
        rate = _median_rates(subjects, rows)
        ratio = rate / floor_rate
        return [
            Figure("submit: floor (csv.reader + executemany, WAL, sync OFF)", floor_rate, "rows/s"),
            Figure(f"submit: gongkai submit of {rows:,} rows, end to end", rate, "notices/s", floor_rate, ratio,
                   "≥ 15,000 notices/s and ratio ≥ 0.10 (aim 0.25)", rate >= 15_000 and ratio >= 0.10),
        ]


BENCHMARKS: dict[str, Callable[[argparse.Namespace], list[Figure]]] = {
    "submit": lambda a: bench_submit(a.rows, a.repeat),
}


def _collect(a: argparse.Namespace) -> list[Figure]:
    from collectors.bench import bench_collect  # imported when run: each stage pulls in its own stack

    return bench_collect(a.repeat)


def _site(a: argparse.Namespace) -> list[Figure]:
    from gongkai.site.bench import bench_site

    return bench_site(a)


def _search(a: argparse.Namespace) -> list[Figure]:
    from search_index.bench import bench_search

    return bench_search(a.rows, a.repeat)


# Benchmarks of later stages, one entry each.
BENCHMARKS.update({"collect": _collect, "site": _site, "search": _search})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run (default: all)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the submit benchmark")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side (the median is reported)")
    parser.add_argument("--out", type=Path, default=Path("bench-results/latest.json"))
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    for name in args.names or list(BENCHMARKS):
        print(f"== {name}", flush=True)
        for f in BENCHMARKS[name](args):
            figures.append(f)
            line = f"{f.name}: {f.value:,.0f} {f.unit}"
            if f.ratio is not None:
                line += f"; ratio to the floor measured in this run {f.ratio:.3f}"
            if f.target:
                line += f"; target {f.target}: {'met' if f.met else 'NOT met'}"
            print(line, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
