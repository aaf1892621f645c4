"""Downloader middlewares: requests kept to their source, retries that honour ``Retry-After``."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.response import response_status_message


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RefusedURL(IgnoreRequest):
    """A request the spider must not make (another host, a scheme other than http(s)); the
    message says why. The request's errback turns it into an error row."""


class SourceBoundsMiddleware:
    """Every request, before anything is fetched, is checked by the spider's ``refusal(url)``:
    http(s) only, on the source's own hosts. It runs first (before robots.txt, which would
    otherwise fetch ``/robots.txt`` from the other host), so redirects and retries are checked
    too. It also notes when each download starts and how many bytes arrive, so that a
    cancelled download can be reported with its cause (size or time limit)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceBoundsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        refusal = getattr(self.crawler.spider, "refusal", None)
        reason = refusal(request.url) if refusal is not None else None
        if reason:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("gongkai/requests_refused")
            raise RefusedURL(reason)
        request.meta["gongkai_started"] = time.monotonic()
        request.meta["gongkai_bytes"] = 0

    @staticmethod
    def bytes_received(data: bytes, request: Request, spider: Spider | None = None) -> None:
        request.meta["gongkai_bytes"] = request.meta.get("gongkai_bytes", 0) + len(data)


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting as long as a 429/503 answer's ``Retry-After`` asks.

    A wait longer than ``RETRY_AFTER_MAX`` seconds is not waited for: the response goes on
    to the spider's errback, which records it as an error row (the next run tries again)."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120)

    # Scrapy awaits a coroutine process_response; its RetryMiddleware declares the synchronous form
    async def process_response(  # type: ignore[override]
            self, request: Request, response: Response, spider: Spider | None = None) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After")) if response.status in (429, 503) else None
        if wait is not None and wait > self.retry_after_max:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if wait:
            self.crawler.stats.inc_value("gongkai/retry_after_waits")
            await asyncio.sleep(wait)
        return retry
