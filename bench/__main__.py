"""`make bench`: speeds as ratios to a floor measured in the same run.

The machine is shared and noisy (baselines.md §9.16: the same run can differ 2× twenty
minutes apart), so every figure is paired with a baseline measured right before and after
it, in alternating order, and reported as a ratio; absolute rates are shown for context.

Benchmarks (``python -m bench [NAME …] [--rows N] [--repeat R]``):

- ``submit`` (bench/submit.py): ``gongkai submit`` of a generated N-row procurement CSV, end to end (a real
  process: parse + validate + normalize + store + compile projects), against the floor of
  ``csv.reader`` plus one ``executemany`` of the same rows as text into one table (WAL,
  ``synchronous=OFF``, one transaction). Targets: ≥ 15,000 notices/s, ratio ≥ 0.10. Beside it, the
  red flags' and the tamper-evident log's costs: the same submission with each switched off.
- ``collect`` (bench/collect.py): a crawl of ≥ 5,000 detail pages of the imitation portal,
  pages/s end to end, against the same crawl with a pipeline that drops items.
- ``site`` (bench/site.py): a full build of an N-notice database against raw writes of
  the same bytes, an incremental build after 100 new notices, feeds of 1,000 items.
- ``search`` (bench/search.py): index build, incremental update and query latency against
  SQLite FTS5 over the same corpus; Datasette row and faceted table pages.
- ``scale`` (bench/scale.py, issue 11; not in the default run): every stage on one N-notice
  corpus, ``gongkai verify`` of its site and database included (also ``python -m gongkai.bench scale
  --rows 1000000``); results to
  ``bench-results/scale-<rows>.json`` and ``.md``, targets in docs/scale.md.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from bench import Figure


def _submit(a: argparse.Namespace) -> list[Figure]:
    from bench.submit import bench_submit  # imported when run: each stage pulls in its own stack

    return bench_submit(a.rows, a.repeat)


def _collect(a: argparse.Namespace) -> list[Figure]:
    from bench.collect import bench_collect

    return bench_collect(a.repeat)


def _site(a: argparse.Namespace) -> list[Figure]:
    from bench.site import bench_site

    return bench_site(a)


def _search(a: argparse.Namespace) -> list[Figure]:
    from bench.search import bench_search

    return bench_search(a.rows, a.repeat)


def _scale(a: argparse.Namespace) -> list[Figure]:
    from bench.scale import bench_scale

    return bench_scale(a)


BENCHMARKS: dict[str, Callable[[argparse.Namespace], list[Figure]]] = {
    "submit": _submit, "collect": _collect, "site": _site, "search": _search, "scale": _scale,
}
DEFAULT = ("submit", "collect", "site", "search")  # `make bench`; scale runs only when named (minutes to an hour)


def _at_least_200(text: str) -> int:
    n = int(text)
    if n < 200:
        raise argparse.ArgumentTypeError(f"{n} queries: a p95 needs at least 200 per set")
    return n


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], help="benchmarks to run (default: all)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the submit benchmark")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side (the median is reported)")
    parser.add_argument("--out", type=Path, default=Path("bench-results/latest.json"))
    scale = parser.add_argument_group("scale")
    scale.add_argument("--engine", choices=["whoosh", "tantivy", "both"], default="both",
                       help="search engines to measure (those installed run; the others are reported as skipped)")
    scale.add_argument("--queries", type=_at_least_200, default=200, help="queries per latency set (at least 200)")
    scale.add_argument("--results", type=Path, default=Path("bench-results"), help="where scale-<rows>.json/.md go")
    scale.add_argument("--whoosh-max-docs", type=int, default=200_000,
                       help="skip Whoosh above this many documents (its build runs at 230-410 docs/s)")
    scale.add_argument("--before-max-rows", type=int, default=200_000,
                       help="up to this many rows, also measure Datasette without the covering indexes (a copy)")
    scale.add_argument("--site-max-rows", type=int, default=None,
                       help="skip the site builds above this many rows, named in the results (default: never skip)")
    scale.add_argument("--work", type=Path, default=None, help="scratch directory (default: the system's temp)")
    scale.add_argument("--keep", action="store_true",
                       help="keep the scratch directory (store, snapshot, indexes) for later measurements; "
                            "its path is printed")
    args = parser.parse_args(argv)
    figures: list[Figure] = []
    for name in args.names or list(DEFAULT):
        print(f"== {name}", flush=True)
        for f in BENCHMARKS[name](args):
            figures.append(f)
            line = f"{f.name}: {f.value:,.0f} {f.unit}"
            if f.ratio is not None:
                line += f"; ratio to {f.against} measured in this run {f.ratio:.3f}"
            if f.target and f.met is not None:
                line += f"; target {f.target}: {'met' if f.met else 'NOT met'}"
            print(line, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
