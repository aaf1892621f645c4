"""Site benchmarks (``python -m bench site``), each a ratio to a floor measured in the same run.

- full build of an N-notice database (default 100,000 generated notices of the five areas, in the
  shares of ``demo.generate.big_corpus``):
  files/s, against writing the same bytes to the same disk without templating (two
  processes, like the build; the files are read back untimed, then written timed);
  target ratio ≥ 0.5;
- incremental build after 100 new notices on that database (queries that find what changed
  included; downloads excluded and reported separately); target < 5 s;
- feeds of 1,000 items (Atom + RSS), against feedgen's floor of the same items with fixed text.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Figure
from demo.generate import generate_big_corpus
from publish.site.build import build
from publish.site.feeds import build_feed
from publish.site.reader import connect_ro

SITE_URL = "http://localhost:8001/site/"


def _submit(db: Path, csv_path: Path, kind: str = "procurement") -> None:
    run = [sys.executable, "-m", "gongkai", "--db", str(db)]
    if not db.exists():
        subprocess.run([*run, "init"], check=True, capture_output=True)
    out = subprocess.run([*run, "submit", str(csv_path), "--kind", kind, "--agency", "基准测试"],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])


def _raw_write(args: tuple[list[str], str, str]) -> float:
    rels, src, dst = args
    total = 0.0
    made: set[str] = set()
    for i in range(0, len(rels), 2000):
        chunk = [(r, (Path(src) / r).read_bytes()) for r in rels[i:i + 2000]]  # read back: not timed
        started = time.perf_counter()
        for rel, data in chunk:
            target = Path(dst) / rel
            parent = str(target.parent)
            if parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(parent)
            target.write_bytes(data)
        total += time.perf_counter() - started
    return total


def raw_write_seconds(src: Path, dst: Path, workers: int = 2) -> tuple[float, int]:
    """Write every file of ``src`` again into ``dst`` (two processes); the slower process's write time."""
    rels = sorted(p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file() and ".build" not in p.parts)
    parts = [(rels[i::workers], str(src), str(dst)) for i in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        times = pool.map(_raw_write, parts)
    return max(times), len(rels)


def _new_rows(big_csv: Path, target: Path, n: int) -> Path:
    """``n`` new notices: the generator's rows with fresh project numbers and recent dates."""
    with big_csv.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [next(reader) for _ in range(n)]
    cols = {h: i for i, h in enumerate(header)}
    with target.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for i, row in enumerate(rows):
            row = list(row)
            for name in ("project_no", "title", "project_name"):
                if name in cols:
                    row[cols[name]] = f"{row[cols[name]]}-新{i}"
            if "published_at" in cols:
                row[cols["published_at"]] = f"2026-11-{1 + i % 20:02d} 10:00"
            w.writerow(row)
    return target


def bench_site(a: argparse.Namespace) -> list[Figure]:
    rows = getattr(a, "site_rows", None) or a.rows
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-site-") as tmp:
        tmpdir = Path(tmp)
        corpus = generate_big_corpus(tmpdir / "corpus", rows=rows)  # five areas, one file each
        db = tmpdir / "gongkai.db"
        for kind, path in corpus:
            _submit(db, path, kind.value)
        big = next(path for kind, path in corpus if kind.value == "procurement")  # the 100 new notices' source
        out = tmpdir / "site"
        started = time.perf_counter()
        report = build(db, out, site_url=SITE_URL, downloads=False)
        full_s = time.perf_counter() - started
        raw_s, n_files = raw_write_seconds(out, tmpdir / "raw")
        shutil.rmtree(tmpdir / "raw")
        rate, floor = report.files / full_s, n_files / raw_s
        figures.append(Figure(f"site: raw write of the same {n_files:,} files (2 processes)", floor, "files/s"))
        figures.append(Figure(f"site: full build of {rows:,} notices ({report.files:,} files, both languages)",
                              rate, "files/s", floor, rate / floor, "ratio ≥ 0.5", rate / floor >= 0.5))
        _submit(db, _new_rows(big, tmpdir / "new.csv", 100))
        started = time.perf_counter()
        inc = build(db, out, site_url=SITE_URL, downloads=False)
        inc_s = time.perf_counter() - started
        figures.append(Figure(f"site: incremental build after 100 new notices ({inc.written:,} files written of "
                              f"{inc.files:,} rendered; finding changes {inc.timings['find changes']:.2f} s)",
                              inc_s, "s", None, None, "< 5 s", inc_s < 5 and inc.mode == "incremental"))
        started = time.perf_counter()
        build(db, out, site_url=SITE_URL, downloads=True)
        figures.append(Figure("site: downloads (JSONL + CSV per area, SQLite copy, SHA256SUMS)",
                              time.perf_counter() - started, "s"))
        conn = connect_ro(db)
        ids = [r[0] for r in conn.execute("SELECT version_id FROM notices LIMIT 1000")]
        times = []
        for _ in range(5):
            t = time.perf_counter()
            build_feed(conn, ids, title="基准", site_url=SITE_URL, feed_rel="atom.xml", page_rel="index.html")
            times.append(time.perf_counter() - t)
        figures.append(Figure("site: feed of 1,000 items (Atom + RSS, with its query)", min(times) * 1000, "ms",
                              None, None, "≤ 150 ms", min(times) < 0.150))
        conn.close()
        os.sync()
    return figures
