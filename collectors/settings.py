"""Scrapy settings of the Gongkai collectors: polite by default, every deviation explained.

Government portals are fragile and block aggressively (source-formats.md §10), so the
defaults crawl slowly and identify themselves. Tests, the demo and the benchmark crawl
the local imitation portal on 127.0.0.1 and raise concurrency there through settings
overrides (``collectors.run.LOCAL_OVERRIDES``), never here.

The database comes from ``GONGKAI_DB`` (the same variable as the CLI, store/config.py),
or from the spider argument ``db`` (Scrapyd: ``curl …/schedule.json -d db=/path/x.db``).
"""

from __future__ import annotations

from store.config import settings as gongkai_settings

BOT_NAME = "gongkai"
SPIDER_MODULES = ["collectors.spiders"]
NEWSPIDER_MODULE = "collectors.spiders"

# Identify ourselves with a contact URL (template: commented out; Scrapy default "Scrapy/x").
USER_AGENT = "gongkai-collector/0.1 (+https://github.com/gongkai/gongkai; open public-resource disclosure archive)"

# robots.txt is obeyed (default False, template True): public portals publish what they allow.
ROBOTSTXT_OBEY = True

# 1 request at a time per site (default 8, template 1): provincial portals throttle and
# answer "频繁访问" pages under load (§2 Anti-bot). 16 overall for parallel spiders.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# One second between requests to a site (default 0, template 1), randomized 0.5-1.5× (default).
DOWNLOAD_DELAY = 1.0

# AutoThrottle (default off): slows down further when the site answers slowly.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0  # default 5: the fixed delay above is already 1 s
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Items per response processed in parallel (default 100): Scrapy 2.19 starts that many asyncio
# tasks for every callback result; 4 is 1.35-1.4× faster end to end (baselines.md §7).
CONCURRENT_ITEMS = 4

# Retries (default 2 on 5xx/408/429) with Retry-After honoured by our middleware (429/503
# carry it); a Retry-After longer than RETRY_AFTER_MAX gives up and records an error row.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_AFTER_MAX = 120  # seconds; ours, read by collectors.middlewares.RetryAfterMiddleware

# 60 s per request (default 180): a stalled government server should not hold a slot for 3 min.
DOWNLOAD_TIMEOUT = 60
# 50 MiB per response (default 1 GiB): notices and list answers are kilobytes; attachments are
# not fetched. Warn from 8 MiB (default 32 MiB).
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
# A body shorter than its Content-Length is an error, never content (default True, kept explicit).
DOWNLOAD_FAIL_ON_DATALOSS = True

# No cookies (default on): no portal we read needs a session, and cookies tie requests together.
COOKIES_ENABLED = False
# The telnet console (default on) and the RemoteControl extension (on by default since 2.19:
# an HTTP server on 127.0.0.1 that executes code sent to it) are turned off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Bounds so that a bad night fails loudly instead of running forever.
CLOSESPIDER_TIMEOUT = 6 * 3600
MEMUSAGE_LIMIT_MB = 2048

# Only http(s) is downloaded (defaults also read file:, data:, s3: and ftp: links): a link a
# list answer gives must never read a local file or a made-up page.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "s3": None, "ftp": None}

DOWNLOADER_MIDDLEWARES = {
    # Ours, first of all (before OffsiteMiddleware 50 and robots.txt 100): only the source's own
    # hosts, only http(s); a refused link is an error row, never a fetch.
    "collectors.middlewares.SourceBoundsMiddleware": 40,
    # Replaces the stock RetryMiddleware (550): same retries, plus Retry-After.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "collectors.middlewares.RetryAfterMiddleware": 550,
}
ITEM_PIPELINES = {
    "collectors.pipelines.StorePipeline": 300,
}
# Notices per store transaction (ours): large enough to amortize the commit, small enough to
# lose little on a crash (baselines.md §2, target T3: never per-row commits).
GONGKAI_BATCH_SIZE = 500
GONGKAI_DB = str(gongkai_settings().db)  # the one configuration: $GONGKAI_DB or var/gongkai.db

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
# The asyncio reactor (Scrapy's default since 2.13) is required by the imitation portal tests.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
