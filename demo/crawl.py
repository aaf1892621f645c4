"""The collectors' part of ``make demo``: start the imitation portal, crawl it with every
spider into the demo database, print what was stored and which error rows were recorded."""

from __future__ import annotations

from pathlib import Path

from collectors.run import CollectError, crawl_in_subprocess
from demo.portal import running
from demo.portal.catalog import build_catalog, expected

# The portal's stalled page waits 30 s: a 2 s timeout and one retry keep the demo quick
# (the error row is the same); production settings are in collectors/settings.py.
DEMO_OVERRIDES = {"DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 1}


def run(db: Path) -> int:
    """Crawl the imitation portal into ``db``; 0 when the outcome is the expected one."""
    with running() as portal:
        print(f"== imitation portal at {portal.url} (every source family, faults included); crawling with every spider")
        try:
            summary = crawl_in_subprocess([], db, base_url=portal.url, overrides=DEMO_OVERRIDES)
        except CollectError as exc:
            print(f"   !! the crawl could not run: {exc}")
            return 1
    for line in summary.lines():
        print("   " + line)
    want = expected(build_catalog())
    stored = sum(s.new for s in summary.spiders)
    errors = sum(len(v) for v in want.errors.values())
    ok = summary.finished and stored == want.notices and len(summary.errors) == errors
    print(f"   {stored} notices from {sum(s.new + s.unchanged for s in summary.spiders)} copies "
          f"({want.duplicated} published on two platforms or more), {len(summary.errors)} error rows"
          + ("" if ok else f"  !! expected {want.notices} notices and {errors} error rows"))
    return 0 if ok else 1
