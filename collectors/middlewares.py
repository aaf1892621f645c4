"""Downloader middlewares: retries that honour ``Retry-After``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import RetryMiddleware
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


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting as long as a 429/503 answer's ``Retry-After`` asks.

    A wait longer than ``RETRY_AFTER_MAX`` seconds is not waited for: the response goes on
    to the spider's errback, which records it as an error row (the next run tries again)."""

    def __init__(self, settings) -> None:  # noqa: ANN001 - scrapy Settings
        super().__init__(settings)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120)

    async def process_response(self, request: Request, response: Response, spider: Spider | None = None
                               ) -> Request | Response:
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
