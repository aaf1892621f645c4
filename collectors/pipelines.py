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

A batch is never dropped, and the reactor never blocks on the lock (a blocked reactor fires
download timeouts late: Twisted then reports callbacks called twice). When another process (a
submission) holds the write lock, a batch is tried without waiting, kept, and written with the
next one; after ``GONGKAI_HELD_BATCHES`` kept batches the engine pauses its downloads and the
pipeline retries once a second (``reactor.callLater``) until the lock comes free; when the
spider closes it retries the same way. Either wait is bounded by the store's busy wait
(``GONGKAI_BUSY_WAIT``). Items that still cannot be written are saved to
``spill/<spider>-<time>-<pid>.jsonl`` beside the database, an error row is recorded when the
database allows it, and the stat ``gongkai/unstored`` makes ``gongkai collect`` exit 1 (their
pages have no ``crawl_state`` row: a re-crawl fetches them).

:class:`DropPipeline` discards items (the benchmark's baseline: the crawl without the store).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson
from scrapy import Spider
from scrapy.crawler import Crawler
from twisted.internet import defer, task

from collectors import state
from collectors.items import ErrorItem, NoticeItem
from store.db import Store, StoreBusy, prepare

logger = logging.getLogger(__name__)

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
        # a write during the crawl tries the lock without waiting: the reactor must not block
        self.flush_wait = crawler.settings.getfloat("GONGKAI_FLUSH_WAIT", 0.0)
        self.retry_every = 1.0  # seconds between tries while the lock is held by another writer
        self.held_max = crawler.settings.getint("GONGKAI_HELD_BATCHES", 20)
        self.pending = _Pending()
        self.held: list[_Pending] = []  # batches not written yet (the database was busy), oldest first
        self.kept: set[str] = set()
        self.store: Store | None = None
        self.db: Path | None = None
        self.spider_name = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        self.spider_name = getattr(spider, "name", "") or ""
        self.db = Path(getattr(spider, "db", None) or self.crawler.settings.get("GONGKAI_DB"))
        self.store = _shared(self.db)

    def close_spider(self, spider: Spider | None = None) -> defer.Deferred:
        d = self._until_written()

        def release(result: object) -> object:
            if self.db is not None:
                _release(self.db)
            self.store = None
            return result

        return d.addBoth(release)

    def _until_written(self) -> defer.Deferred:
        """Write every kept batch, trying once a second (the reactor runs meanwhile) until the
        store's busy wait has passed; then spill what is left."""
        if self.pending or self.pending.seen:
            self.held.append(self.pending)
            self.pending = _Pending()
        deadline = time.monotonic() + (self.store.busy_wait if self.store is not None else 0.0)
        from twisted.internet import reactor

        def attempt() -> defer.Deferred | None:
            if self.store is None or not self.held:
                return None
            self.flush(final=True)
            if not self.held:
                return None
            if time.monotonic() >= deadline:
                self._give_up(f"the database stayed busy for {self.store.busy_wait:.0f} s ($GONGKAI_BUSY_WAIT)")
                return None
            return task.deferLater(reactor, self.retry_every, attempt)

        return defer.maybeDeferred(attempt)

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

    def flush(self, *, final: bool = False) -> None:
        """Write the kept batches and this one, in one transaction, without waiting for the lock;
        keep them when the database is busy (with too many kept, pause the downloads and retry
        every second: :meth:`_pause_until_written`); spill them when they cannot be written at all."""
        if self.store is None:
            return
        if self.pending or self.pending.seen:
            self.held.append(self.pending)
            self.pending = _Pending()
        if not self.held:
            return
        store = self.store
        quiet = store.on_busy
        store.on_busy = _silent  # the pipeline says once that it keeps its batches
        try:
            self._write(store, self.held, self.flush_wait)
        except StoreBusy:
            if len(self.held) == 1:
                logger.warning("database busy (another writer), retrying: %s keeps its items until it is free",
                               self.spider_name)
            self.stats.set_value("gongkai/batches_held", len(self.held))
            if len(self.held) >= self.held_max and not final:
                self._pause_until_written()
            return
        except Exception as exc:  # not a lock: retrying cannot help (disk full, a broken database …)
            logger.exception("%s: a batch could not be written", self.spider_name)
            self._give_up(f"{type(exc).__name__}: {exc}")
            return
        finally:
            store.on_busy = quiet
        self.held.clear()

    def _pause_until_written(self) -> None:
        """Too many batches kept: pause the downloads and retry off the reactor's back."""
        engine = self.crawler.engine
        if engine is None or getattr(self, "_paused", False):
            return
        self._paused = True
        engine.pause()

        def resume(_result: object) -> None:
            self._paused = False
            if self.crawler.engine is not None:
                self.crawler.engine.unpause()

        self._until_written().addBoth(resume)

    def _write(self, store: Store, batches: list[_Pending], wait: float | None) -> None:
        with store.batch(wait=wait) as batch:
            for pending in batches:
                for prepared in pending.notices:
                    batch.add(prepared)
                for row in pending.errors:
                    store.reject(*row)
                if pending.seen:
                    store.conn.executemany(state.UPSERT, pending.seen)
        c = batch.counts
        for name, value in (("new", c.new), ("changed", c.changed), ("unchanged", c.unchanged)):
            self.stats.inc_value(f"gongkai/notices_{name}", value)
        self.stats.inc_value("gongkai/batches", len(batches))

    def _give_up(self, reason: str) -> None:
        """Keep the items that could not be written in a spill file, say so (log, stats, an error
        row when the database takes one), and let the crawl fail."""
        batches, self.held = self.held, []
        items = sum(len(b.notices) + len(b.errors) for b in batches)
        assert self.db is not None
        spill_dir = self.db.parent / "spill"
        spill_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = spill_dir / f"{self.spider_name or 'crawl'}-{stamp}-{os.getpid()}.jsonl"
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            for b in batches:
                fh.write(orjson.dumps({"notices": [tuple(p) for p in b.notices], "errors": b.errors,
                                       "crawl_state": b.seen}) + b"\n")
        tmp.replace(path)
        message = (f"{items} item(s) not stored ({reason}); kept in {path}; their pages have no crawl state,"
                   " so the next crawl fetches them again")
        logger.error("%s: %s", self.spider_name, message)
        self.stats.inc_value("gongkai/unstored", items)
        self.stats.set_value("gongkai/spill", str(path))
        if self.store is not None:
            try:
                with self.store.batch(wait=self.flush_wait):
                    self.store.reject(self.spider_name or "crawl", str(path), None, None, None, message)
            except Exception:
                logger.warning("%s: the error row could not be recorded either", self.spider_name)


def _silent(_message: str) -> None:
    pass


class DropPipeline:
    """Discards every item: the benchmark's crawl without normalization and storage."""

    def process_item(self, item: object, spider: Spider | None = None) -> object:
        return item
