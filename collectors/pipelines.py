"""Item pipelines: every notice through the models into the store, in batches.

:class:`StorePipeline` assembles each :class:`~collectors.items.NoticeItem` (``assemble(…,
trust_notice_type=False)``: the title overrides a wrong stage code), keeps the raw response
bytes content-addressed (``Store.keep_raw``), and writes notices, error rows and crawl state
in one transaction per ``GONGKAI_BATCH_SIZE`` items (never per row, baselines.md T3). A
notice already stored with identical content gains a source, not a version: that is how the
same notice from two platforms becomes one notice with two sources. Items whose assembly
fails become error rows naming the field, the value and the reason.

All spiders of one process share one connection (``_shared``), so their batches never wait
on each other's locks.

:class:`DropPipeline` discards items (the benchmark's baseline: the crawl without the store).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scrapy import Spider
from scrapy.crawler import Crawler

from collectors import state
from collectors.items import ErrorItem, NoticeItem
from gongkai.store import Store, prepare

_STORES: dict[Path, list] = {}  # resolved db path → [Store, users]


def _shared(db: Path) -> Store:
    key = db.resolve()
    entry = _STORES.get(key)
    if entry is None:
        db.parent.mkdir(parents=True, exist_ok=True)
        store = Store(db)
        store.init()  # idempotent: creates the schema (and crawl_state) when missing
        entry = _STORES[key] = [store, 0]
    entry[1] += 1
    return entry[0]


def _release(db: Path) -> None:
    key = db.resolve()
    entry = _STORES.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] <= 0:
        entry[0].close()
        del _STORES[key]


@dataclass
class _Pending:
    notices: list = field(default_factory=list)  # Prepared
    errors: list[tuple] = field(default_factory=list)  # rejection rows
    seen: list[tuple] = field(default_factory=list)  # crawl_state rows

    def __len__(self) -> int:
        return len(self.notices) + len(self.errors)


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = crawler.settings.getint("GONGKAI_BATCH_SIZE", 500)
        self.pending = _Pending()
        self.kept: set[str] = set()
        self.store: Store | None = None
        self.db: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        self.db = Path(getattr(spider, "db", None) or self.crawler.settings.get("GONGKAI_DB"))
        self.store = _shared(self.db)

    def close_spider(self, spider: Spider | None = None) -> None:
        self.flush()
        if self.db is not None:
            _release(self.db)
        self.store = None

    def process_item(self, item: NoticeItem | ErrorItem, spider: Spider | None = None) -> NoticeItem | ErrorItem:
        if isinstance(item, ErrorItem):
            self._error(item.spider, item.url, item.location, item.field, item.value, item.reason)
        elif isinstance(item, NoticeItem):
            self._keep(item.raw, item.raw_sha256)
            assembled = item.assemble()
            if assembled.notice is None:
                for p in assembled.problems:
                    self._error(item.spider, item.url, item.location, p.field, p.value, f"invalid value: {p.reason}")
            else:
                self.pending.notices.append(prepare(assembled.notice))
                if item.fingerprint is not None:
                    self.pending.seen.append((item.url, item.spider, item.fingerprint,
                                              item.fetched_at.isoformat(), item.raw_sha256))
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def _keep(self, raw: bytes, sha: str) -> None:
        if raw and sha not in self.kept and self.store is not None:
            self.store.keep_raw(raw)
            self.kept.add(sha)

    def _error(self, spider: str, url: str, location: str | None, field_name: str | None, value: str | None,
               reason: str) -> None:
        self.pending.errors.append((spider, url, location, field_name, value, reason))
        self.stats.inc_value("gongkai/errors")

    def flush(self) -> None:
        """One transaction: the notices, the error rows and the crawl state of this batch."""
        if self.store is None or not (self.pending or self.pending.seen):
            return
        pending, self.pending = self.pending, _Pending()
        store = self.store
        with store.batch() as batch:
            for prepared in pending.notices:
                batch.add(prepared)
            for row in pending.errors:
                store.reject(*row)
            if pending.seen:
                store.conn.executemany(state.UPSERT, pending.seen)
        c = batch.counts
        for name, value in (("new", c.new), ("changed", c.changed), ("unchanged", c.unchanged)):
            self.stats.inc_value(f"gongkai/notices_{name}", value)
        self.stats.inc_value("gongkai/batches")


class DropPipeline:
    """Discards every item: the benchmark's crawl without normalization and storage."""

    def process_item(self, item: object, spider: Spider | None = None) -> object:
        return item
