"""`make demo` (``python -m demo``): the whole pipeline on the embedded default data.

Creates the database, generates the seeded demo submissions (all five areas, with
corrections, terminations, cross-platform duplicates and some invalid files), submits
each file as an agency would (invalid files are refused whole, with their report), starts
the imitation portal and crawls it with every spider, prints what was stored, builds the
site and feeds, updates the search index, publishes a checked snapshot and (unless
``--serve 0``) serves Datasette, the site and search.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from collectors.importers.headers import load_map
from collectors.submit import submit
from demo.generate import generate_demo
from models.codelists import Kind
from store.db import Store
from store.stats import format_stats, stats


def run(db: Path, out: Path, *, serve: bool = False, port: int = 8001) -> int:
    # The demo owns its database: it starts afresh every run, so it never touches
    # var/gongkai.db (where `make submit` writes) and always shows the same story.
    db.parent.mkdir(parents=True, exist_ok=True)
    for old in db.parent.glob(db.name + "*"):
        old.unlink()
    for state in ("raw", "search-index"):  # derived from the old database: start them afresh too
        shutil.rmtree(db.parent / state, ignore_errors=True)
    store = Store(db)
    store.init()
    print(f"== database {db}")
    files = generate_demo(out)
    print(f"== generated {len(files)} submission files in {out}")
    unexpected = 0
    for item in files:
        mapping = load_map(item.map_file) if item.map_file else None
        result = submit(store, item.path, kind=Kind(item.kind), agency=item.agency, mapping=mapping)
        note = " (expected: this file has invalid rows)" if item.invalid else ""
        print(f"-- {item.agency} submits {item.path.name} as {item.kind}{note}")
        if result.ok:
            print("   " + result.summary())
        else:
            for line in result.report()[:12]:
                print("   " + line)
            if len(result.report()) > 12:
                print(f"   … {len(result.report()) - 12} more")
            print("   " + result.summary())
        if result.ok == item.invalid:
            unexpected += 1
            print("   !! unexpected outcome", file=sys.stderr)
    from demo.crawl import run as crawl_portal  # crawl the imitation portal with every spider

    unexpected += crawl_portal(db)
    print("== what the database holds")
    print(format_stats(stats(store)))
    store.close()
    # build the static site and feeds beside the demo database
    from publish.site.build import build as build_site
    from store.config import settings

    site = db.parent / "site"
    site_report = build_site(db, site, site_url=settings().site_url)
    print(f"== site: {site_report.summary()}\n   open {site / 'index.html'}")
    from gongkai.serve import demo as serve_demo  # index, publish, and serve when asked

    serve_demo(db, serve_now=serve, site_dir=site, port=port)
    return 1 if unexpected else 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("var/demo/gongkai.db"))
    parser.add_argument("--out", type=Path, default=Path("var/demo"), help="where the generated files go")
    parser.add_argument("--serve", type=int, default=1, help="1: serve at the end (when available); 0: unattended")
    parser.add_argument("--port", type=int, default=8001, help="port to serve on (make demo SERVE_PORT=…)")
    args = parser.parse_args(argv)
    sys.exit(run(args.db, args.out, serve=bool(args.serve), port=args.port))


if __name__ == "__main__":
    main()
