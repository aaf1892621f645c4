"""Run spiders into a database and summarize the run (``gongkai collect`` is a thin layer over this).

Scrapy runs on a Twisted reactor that cannot be restarted in one process, so :func:`crawl`
must be called once per process (the CLI does); :func:`crawl_in_subprocess` is for callers
that live longer (the demo, tests, the benchmark).
"""

from __future__ import annotations

import ipaddress
import json
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

if TYPE_CHECKING:
    from collectors.spiders.base import GongkaiSpider

# Overrides for a crawl of the local imitation portal on a loopback address: the polite
# defaults (1 request at a time, 1 s delay, AutoThrottle) exist for fragile government
# servers; our own test server on 127.0.0.1 takes 16 at a time without delay.
LOCAL_OVERRIDES: dict[str, Any] = {
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 5,  # the portal's stalled page answers after 30 s: a timeout, quickly
    "LOG_LEVEL": "WARNING",
}


class CollectError(Exception):
    """The crawl could not run (unknown spider, unusable database or base URL)."""


def settings(overrides: dict[str, Any] | None = None) -> Settings:
    s = Settings()
    s.setmodule("collectors.settings", priority="project")
    for key, value in (overrides or {}).items():
        s.set(key, value, priority="cmdline")
    return s


def spider_classes() -> dict[str, type[GongkaiSpider]]:
    """Every registered spider, by name (all of collectors.spiders are GongkaiSpider subclasses)."""
    loader = SpiderLoader.from_settings(settings())
    return {name: cast("type[GongkaiSpider]", loader.load(name)) for name in sorted(loader.list())}


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class SpiderSummary:
    name: str
    finish_reason: str | None
    responses: int
    items: int
    new: int
    changed: int
    unchanged: int
    errors: int
    skipped_unchanged: int
    seconds: float
    unstored: int = 0  # items the store could not write (kept in the spill file): the crawl failed
    spill: str | None = None


@dataclass
class Summary:
    db: str
    base_url: str | None
    spiders: list[SpiderSummary]
    errors: list[dict[str, Any]] = field(default_factory=list)  # error rows recorded by this run
    seconds: float = 0.0

    @property
    def finished(self) -> bool:
        """Every spider finished and every item it produced was stored."""
        return all(s.finish_reason == "finished" and not s.unstored for s in self.spiders)

    @property
    def unstored(self) -> int:
        return sum(s.unstored for s in self.spiders)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    def lines(self) -> list[str]:
        out = [f"{'spider':<10} {'responses':>9} {'new':>6} {'changed':>7} {'unchanged':>9} {'skipped':>7} "
               f"{'errors':>6}  finish"]
        for s in self.spiders:
            out.append(f"{s.name:<10} {s.responses:>9} {s.new:>6} {s.changed:>7} {s.unchanged:>9} "
                       f"{s.skipped_unchanged:>7} {s.errors:>6}  {s.finish_reason}")
        if self.errors:
            out.append(f"error rows recorded ({len(self.errors)}; all in the rejections table):")
            for e in self.errors[:20]:
                where = "".join(f" [{e[k]}]" for k in ("location", "field") if e.get(k))
                out.append(f"  {e['origin']}: {e['input']}{where}: {e['reason']}")
            if len(self.errors) > 20:
                out.append(f"  … {len(self.errors) - 20} more")
        for s in self.spiders:
            if s.unstored:
                out.append(f"NOT STORED: {s.name}: {s.unstored} item(s) could not be written to the database;"
                           f" kept in {s.spill}")
        out.append(f"crawl finished in {self.seconds:.1f} s into {self.db}")
        return out


def crawl(names: list[str], db: Path, *, base_url: str | None = None, overrides: dict[str, Any] | None = None,
          since: str | None = None, until: str | None = None, spider_args: dict[str, str] | None = None) -> Summary:
    """Run the named spiders (all when empty) concurrently in this process; one reactor per process."""
    from scrapy.crawler import CrawlerProcess

    from store.db import Store, StoreError

    classes = spider_classes()
    unknown = [n for n in names if n not in classes]
    if unknown:
        raise CollectError(f"unknown spider(s): {', '.join(unknown)}; known: {', '.join(classes)}")
    if base_url and urlsplit(base_url).scheme not in ("http", "https"):
        raise CollectError(f"--base-url {base_url!r} is not an http(s) URL")
    db.parent.mkdir(parents=True, exist_ok=True)
    try:
        store = Store(db)
        store.init()
        store.check()
        last_id = store.conn.execute("SELECT coalesce(max(id), 0) FROM rejections").fetchone()[0]
        store.close()
    except (StoreError, OSError, sqlite3.Error) as exc:
        raise CollectError(f"cannot use the database {db}: {exc}") from exc
    all_overrides = {"GONGKAI_DB": str(db)}
    if base_url and is_loopback(base_url):
        all_overrides.update(LOCAL_OVERRIDES)
    all_overrides.update(overrides or {})
    process = CrawlerProcess(settings(all_overrides))
    kwargs: dict[str, Any] = {"db": str(db), **(spider_args or {})}
    if base_url:
        kwargs["base_url"] = base_url
    if since:
        kwargs["since"] = since
    if until:
        kwargs["until"] = until
    chosen = names or list(classes)
    crawlers = []
    for name in chosen:
        crawler = process.create_crawler(classes[name])
        crawlers.append(crawler)
        process.crawl(crawler, **kwargs)
    t0 = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - t0
    spiders = []
    for name, crawler in zip(chosen, crawlers, strict=True):
        st = crawler.stats.get_stats()
        elapsed = st.get("elapsed_time_seconds") or 0.0
        spiders.append(SpiderSummary(
            name, st.get("finish_reason"), st.get("downloader/response_count", 0), st.get("item_scraped_count", 0),
            st.get("gongkai/notices_new", 0), st.get("gongkai/notices_changed", 0),
            st.get("gongkai/notices_unchanged", 0), st.get("gongkai/errors", 0),
            st.get("gongkai/details_skipped_unchanged", 0), round(float(elapsed), 3),
            st.get("gongkai/unstored", 0), st.get("gongkai/spill")))
    store = Store(db)
    rows = store.conn.execute(
        "SELECT origin, input, location, field, value, reason FROM rejections WHERE id > ? ORDER BY id",
        (last_id,)).fetchall()
    store.close()
    errors = [dict(zip(("origin", "input", "location", "field", "value", "reason"), r, strict=True)) for r in rows]
    return Summary(str(db), base_url, spiders, errors, round(seconds, 3))


def crawl_in_subprocess(names: list[str], db: Path, *, base_url: str | None = None,
                        overrides: dict[str, Any] | None = None, timeout: float = 600,
                        spider_args: dict[str, str] | None = None) -> Summary:
    """:func:`crawl` in a fresh ``gongkai collect`` process (the reactor is new each time)."""
    cmd = [sys.executable, "-m", "gongkai", "--db", str(db), "collect", *names, "--json"]
    if base_url:
        cmd += ["--base-url", base_url]
    for key, value in (overrides or {}).items():
        cmd += ["--set", f"{key}={value}"]
    for key, value in (spider_args or {}).items():
        cmd += ["--arg", f"{key}={value}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if out.returncode != 0:
        raise CollectError(f"gongkai collect exited {out.returncode}: {out.stderr[-3000:]}")
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return Summary(data["db"], data["base_url"], [SpiderSummary(**s) for s in data["spiders"]], data["errors"],
                   data["seconds"])
