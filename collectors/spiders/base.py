"""Base spiders: the crawl patterns the source families share.

How to write a spider for a new source (numbered, like kingfisher-collect's base spiders):

1. Pick the pattern: :class:`JsonListSpider` (a JSON list API with paging and query slicing,
   each entry leading to a detail page), :class:`HtmlListSpider` (HTML list pages with a
   pager, each entry a link to a detail page) or :class:`OcdsSpider` (OCDS release or record
   packages that link to the next one with ``links.next``).
2. Set ``name``, ``platform`` (how people name the publishing platform), ``default_base_url``
   (production) and ``parser_version`` (bump it when the parser's output changes).
3. Write the docstring with the fixed vocabulary checked by the tests: ``Source:``,
   ``Coverage:``, ``Fields:``, ``Caveats:``, ``Disclosure deadline:``.
4. Implement the pattern's hooks (each base class lists them), with the page parsing in
   ``collectors/parsers/`` (pure functions: HTML or JSON in, cells out).
5. Add a golden test (``tests/golden/collect/<name>/``; ``make golden-collect`` regenerates).

Every spider takes the arguments ``base_url`` (the imitation portal in tests and the demo;
the production site by default) and ``db`` (else the ``GONGKAI_DB`` setting). Every request
carries an errback, so an HTTP error, a timeout or a cut connection becomes an error row;
every callback is wrapped by :func:`guarded`, so a block page served with 200, an empty
body or a parse error becomes an error row too, and the crawl goes on.

A spider goes only where its source is: http(s) links on the base URL's host and the hosts it
declares (``allowed_hosts``, a class attribute or the spider argument ``allowed_hosts=a,b``).
:class:`collectors.middlewares.SourceBoundsMiddleware` asks :meth:`GongkaiSpider.refusal` about
every request before anything is fetched (redirects and robots.txt included); a refused link
is an error row naming the link and the reason. One bad record of a list answer is an error row
and the rest of the page is read.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import math
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from collectors import state
from collectors.items import ErrorItem, NoticeItem
from collectors.middlewares import RefusedURL, retry_after_seconds
from collectors.parsers import Extracted, ParseError
from collectors.parsers.landchina_api import BLOCK_SENTINEL

DEFAULT_SINCE = "2025-01-01"
DEFAULT_UNTIL = "2027-12-31"
BLOCK_WORDS = ("频繁访问", "访问过于频繁", "访问频率过高")
BLOCK_CODES = {800: "too frequent", 829: "captcha required", 804: "narrow the query", 801: "bad parameter"}


SCHEMES = ("http", "https")
MAX_URL_SHOWN = 500  # characters of a refused link kept in its error row (a data: link can be megabytes)


def clock() -> datetime:
    return datetime.now(UTC)


def shown(url: str) -> str:
    return url if len(url) <= MAX_URL_SHOWN else url[:MAX_URL_SHOWN] + f"… ({len(url)} characters)"


def redecoded(response: Response) -> tuple[Response, str | None]:
    """A page labelled UTF-8 whose bytes are not: read as GB18030 when they are that (GBK pages
    labelled UTF-8 are common on provincial portals), else an encoding mismatch to report.

    A UTF-8 body cut inside its last character, or with a few stray bytes, stays UTF-8 (those
    bytes become U+FFFD): GB18030 reads almost any bytes, so it is tried only when most
    non-ASCII bytes are not UTF-8."""
    if not isinstance(response, TextResponse):
        return response, None
    try:
        if codecs.lookup(response.encoding).name != "utf-8":
            return response, None
    except LookupError:
        return response, None
    body = response.body
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # cut short inside the last character
            return response, None
        first_bad = exc.start
    else:
        return response, None
    bad = body.decode("utf-8", "replace").count("\ufffd")
    non_ascii = len(body.translate(None, bytes(range(128))))
    if bad * 20 < non_ascii:  # mostly UTF-8: a few stray bytes
        return response, None
    try:
        body.decode("gb18030")
    except UnicodeDecodeError:
        return response, (f"encoding mismatch: labelled {response.encoding} but the bytes are neither UTF-8 "
                          f"(first invalid byte at offset {first_bad}) nor GB18030")
    return response.replace(encoding="gb18030", flags=[*response.flags, "gongkai:gb18030"]), None


def guarded(callback: Callable[..., Iterable[Any]]) -> Callable[..., Iterator[Any]]:
    """Run a callback so that every way a page can fail becomes an error row, never a crash."""

    @functools.wraps(callback)
    def wrapper(self: GongkaiSpider, response: Response, **kwargs: Any) -> Iterator[Any]:
        response, mismatch = redecoded(response)
        if mismatch:
            yield self.error(response, mismatch)
            return
        if "gongkai:gb18030" in response.flags:
            self.crawler.stats.inc_value("gongkai/pages_read_as_gb18030")  # labelled UTF-8, bytes GBK
        problem = self.blocked(response)
        if problem:
            retry = (get_retry_request(response.request, spider=self, reason=problem)
                     if response.request is not None else None)  # a callback's response always has its request
            if retry is not None:
                yield retry
            else:
                yield self.error(response, problem)
            return
        try:
            yield from callback(self, response, **kwargs)
        except ParseError as exc:
            yield self.error(response, f"parse error: {exc}")
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            yield self.error(response, f"parse error: {type(exc).__name__}: {exc}")

    return wrapper


def _host_name(host: str) -> str:
    return host.strip().rstrip(".").lower()


def _host(url: str) -> str:
    try:
        return _host_name(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return f"the record has no {exc.args[0]!r}"
    return f"{type(exc).__name__}: {exc}"


class GongkaiSpider(scrapy.Spider):
    """What every Gongkai spider shares: base URL, provenance, block detection, error rows."""

    platform: ClassVar[str] = ""
    default_base_url: ClassVar[str] = ""
    parser_version: ClassVar[str] = "1"
    kinds: ClassVar[tuple[str, ...]] = ()
    allowed_hosts: ClassVar[tuple[str, ...]] = ()  # hosts besides the base URL's that the source links to

    def __init__(self, *args: Any, base_url: str | None = None, db: str | None = None, since: str | None = None,
                 until: str | None = None, allowed_hosts: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        declared = [*self.allowed_hosts, *(allowed_hosts or "").split(",")]
        self.hosts = frozenset(h for h in (_host(self.base_url), *map(_host_name, declared)) if h)
        self.db = db
        self.since = date.fromisoformat(since or DEFAULT_SINCE)
        self.until = date.fromisoformat(until or DEFAULT_UNTIL)
        self._seen: dict[str, str] | None = None

    # -- requests -------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/")) if not path.startswith("http") else path

    def request(self, url: str, callback: Callable, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(self.url(url), callback=callback, errback=self.failed, **kwargs)

    def json_request(self, url: str, callback: Callable, data: Any, **kwargs: Any) -> scrapy.Request:
        return scrapy.http.JsonRequest(self.url(url), data=data, callback=callback, errback=self.failed, **kwargs)

    def form_request(self, url: str, callback: Callable, formdata: dict[str, str], **kwargs: Any) -> scrapy.Request:
        return scrapy.FormRequest(self.url(url), formdata=formdata, callback=callback, errback=self.failed, **kwargs)

    async def start(self) -> AsyncIterator[Any]:
        """Scrapy 2.13+ entry point. Requests come from ``first_requests`` (not the deprecated
        ``start_requests``, which Scrapy 2.19 alone would silently ignore)."""
        for request in self.first_requests():
            yield request

    def first_requests(self) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    def refusal(self, url: str) -> str | None:
        """Why this spider must not fetch ``url`` (None: it may): only http(s), only the source's hosts.
        Ports are not compared (a source serves http and https on one host)."""
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError as exc:
            return f"not a valid URL ({exc})"
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            return f"the link's scheme {scheme or '(none)'}: is not http or https"
        host = _host_name(host or "")
        if host not in self.hosts:
            return f"the link leads to host {host!r}, not one of this source's hosts ({', '.join(sorted(self.hosts))})"
        return None

    # -- incremental crawls ---------------------------------------------------------------------------
    def seen(self) -> dict[str, str]:
        if self._seen is None:
            db = self.db or self.settings.get("GONGKAI_DB")
            self._seen = state.load(Path(db), self.name) if db else {}
        return self._seen

    def unchanged(self, url: str, fingerprint: str) -> bool:
        """True when this detail page was stored before under the same list entry (skip it)."""
        if self.seen().get(self.url(url)) == fingerprint:
            self.crawler.stats.inc_value("gongkai/details_skipped_unchanged")
            return True
        return False

    # -- outcomes -------------------------------------------------------------------------------------
    def blocked(self, response: Response) -> str | None:
        """Why a 200 answer is not content: empty body, a block page or a block code."""
        body = response.body
        if not body.strip():
            return "empty body (HTTP 200 with no content)"
        if BLOCK_SENTINEL.encode() in body[:4096]:
            return "block sentinel 5c8f40a2-… instead of data (throttled)"
        head = body[:600].lstrip()
        if head[:1] == b"{":
            try:
                data = json.loads(body)
            except ValueError:
                return None  # the callback reports the broken JSON
            code = data.get("code") if isinstance(data, dict) else None
            if isinstance(code, int) and code in BLOCK_CODES:
                return f"block answer code {code} ({BLOCK_CODES[code]}): {data.get('message') or data.get('msg') or ''}"
        elif isinstance(response, TextResponse):
            text = response.text[:3000]
            if any(w in text for w in BLOCK_WORDS) and len(text) < 2500:
                return "block page (频繁访问) served with HTTP 200"
        return None

    def error(self, response: Response | str, reason: str, **kwargs: Any) -> ErrorItem:
        """An error row about ``response`` (its request's ``meta["location"]`` names the record)."""
        if isinstance(response, str):
            return ErrorItem(self.name, response, reason, **kwargs)
        kwargs.setdefault("location", response.meta.get("location"))
        return ErrorItem(self.name, response.url, reason, http_status=response.status, raw=response.body, **kwargs)

    def failed(self, failure: Failure) -> Iterator[ErrorItem]:
        """Errback: HTTP errors, timeouts, cut connections, DNS … become error rows."""
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # set by Scrapy on errback failures
        if failure.check(RefusedURL):
            referer = request.headers.get("Referer")
            linked = f" (linked from {shown(referer.decode('latin-1'))})" if referer else ""
            yield ErrorItem(self.name, shown(request.url), f"not followed: {failure.value}{linked}",
                            location=request.meta.get("location"))
        elif failure.check(HttpError):
            response = failure.value.response
            yield ErrorItem(self.name, response.url, self.http_reason(request, response), http_status=response.status,
                            location=request.meta.get("location"))
        elif failure.check(DownloadCancelledError):
            yield ErrorItem(self.name, request.url, self.cancelled_reason(request, failure.value),
                            location=request.meta.get("location"))
        elif failure.check(TxTimeoutError) or "TimeoutError" in type(failure.value).__name__:
            yield ErrorItem(self.name, request.url, f"timed out after retries: {failure.value}",
                            location=request.meta.get("location"))
        elif "DataLoss" in type(failure.value).__name__ or failure.check(ResponseFailed):
            reasons = getattr(failure.value, "reasons", None) or [failure]
            detail = "; ".join(f"{type(r.value).__name__} {r.value}".strip() for r in reasons)
            kind = ("data loss (body shorter than its Content-Length)" if "DataLoss" in detail
                    else "connection failed mid-response")
            yield ErrorItem(self.name, request.url, f"{kind}: {detail[:300]}", location=request.meta.get("location"))
        else:
            yield ErrorItem(self.name, request.url, f"{type(failure.value).__name__}: {str(failure.value)[:300]}",
                            location=request.meta.get("location"))

    def http_reason(self, request: scrapy.Request, response: Response) -> str:
        """What an HTTP error answer means: a 429/503 says how long the server asked to wait and
        whether that wait was too long to honour or the retries ran out."""
        status = response.status
        retries = request.meta.get("retry_times", 0)
        tries = f"{retries} retr{'y' if retries == 1 else 'ies'}"
        if status not in (429, 503):
            return f"HTTP {status}" + (f" after {tries}" if retries else "")
        what = "rate-limited (HTTP 429)" if status == 429 else "unavailable (HTTP 503)"
        header = response.headers.get("Retry-After")
        if not header:
            return f"{what}: gave up after {tries}, no Retry-After given"
        raw = header.decode("latin-1").strip()
        wait = retry_after_seconds(raw)
        limit = self.settings.getfloat("RETRY_AFTER_MAX", 120)
        if wait is None:
            return f"{what}: gave up after {tries}; its Retry-After: {raw[:100]} is neither seconds nor a date"
        if wait > limit:
            return (f"{what}: Retry-After: {raw[:100]} asks for {wait:g} s, more than RETRY_AFTER_MAX ({limit:g} s): "
                    "not waited for")
        return f"{what}: gave up after {tries}, each waiting {wait:g} s as Retry-After: {raw[:100]} asked"

    def cancelled_reason(self, request: scrapy.Request, exc: BaseException) -> str:
        """Why a download was cancelled (Scrapy's message is empty when a streamed body passes
        ``DOWNLOAD_MAXSIZE``): the size limit, the time limit, or what is known."""
        meta = request.meta
        maxsize = meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        timeout = meta.get("download_timeout") or self.settings.getfloat("DOWNLOAD_TIMEOUT")
        received = meta.get("gongkai_bytes", 0)
        started = meta.get("gongkai_started")
        elapsed = time.monotonic() - started if started is not None else None
        message = str(exc).strip()
        if "max size" in message:  # Content-Length announced more than the limit
            return f"download cancelled: the answer exceeds the size limit of {maxsize} bytes (DOWNLOAD_MAXSIZE): " \
                   f"{message[:300]}"
        if maxsize and received > maxsize:
            return (f"download cancelled: the body passed the size limit of {maxsize} bytes (DOWNLOAD_MAXSIZE) "
                    f"after {received} bytes")
        if elapsed is not None and timeout and elapsed >= timeout:
            return (f"download cancelled: the time limit of {timeout:g} s (DOWNLOAD_TIMEOUT) passed after "
                    f"{received} bytes")
        took = f" after {elapsed:.1f} s" if elapsed is not None else ""
        return (f"download cancelled{took} and {received} bytes: {message[:300] or 'no cause given by Scrapy'} "
                "(the crawl may have been stopping)")

    def notice(self, response: Response, kind: str, extracted: Extracted, *, fingerprint: str | None = None,
               publisher: str | None = None, lots: list[dict] | None = None, location: str | None = None,
               url: str | None = None) -> NoticeItem:
        """A notice item with the provenance of ``response`` (one sha256 per response)."""
        sha = response.meta.get("_sha256")
        if sha is None:
            sha = response.meta["_sha256"] = hashlib.sha256(response.body).hexdigest()
        return NoticeItem(
            spider=self.name, platform=self.platform, kind=kind, url=url or response.url, fetched_at=clock(),
            http_status=response.status, raw_sha256=sha, parser_version=f"{self.name}/{self.parser_version}",
            cells=extracted.cells, raw=response.body, publisher=publisher, lots=lots or extracted.lots or None,
            location=location, fingerprint=fingerprint, body_text=extracted.body_text,
            attachments=extracted.attachments)


class JsonListSpider(GongkaiSpider):
    """A JSON list API with paging and query slicing, each entry leading to a detail page.

    Hooks: ``queries()`` the first queries; ``list_request(query, page)``; ``entries(data)``,
    ``total(data)`` of a decoded answer; ``page_size``; ``detail_request(entry, query)`` (or
    None for entries that carry everything). Where the API caps its totals (``result_cap``,
    ggzy: 1,000), ``split(query)`` gives finer queries for a capped one (day, then province);
    a query that cannot be split further is recorded as an error row (some notices missed).
    ``entries_at`` names where the records are in the answer (error rows' locations); a record
    ``detail_request`` cannot use is an error row and the other records are still read."""

    page_size: ClassVar[int] = 20
    result_cap: ClassVar[int | None] = None
    entries_at: ClassVar[str] = "records"

    def queries(self) -> Iterable[dict[str, Any]]:
        raise NotImplementedError

    def list_request(self, query: dict[str, Any], page: int) -> scrapy.Request:
        raise NotImplementedError

    def entries(self, data: Any) -> list[Any]:
        raise NotImplementedError

    def total(self, data: Any) -> int:
        raise NotImplementedError

    def detail_request(self, entry: Any, query: dict[str, Any]) -> scrapy.Request | None:
        raise NotImplementedError

    def split(self, query: dict[str, Any]) -> list[dict[str, Any]] | None:
        return None

    def first_requests(self) -> Iterable[scrapy.Request]:
        for query in self.queries():
            yield self.list_request(query, 1)

    @guarded
    def parse_list(self, response: TextResponse, query: dict[str, Any], page: int) -> Iterator[Any]:
        try:
            data = response.json()
        except ValueError as exc:
            raise ParseError(f"the list answer is not JSON ({exc})") from exc
        total = self.total(data)
        cap = self.result_cap
        if page == 1 and cap and total >= cap:
            finer = self.split(query)
            if finer:
                self.crawler.stats.inc_value("gongkai/list_queries_sliced")
                for q in finer:
                    yield self.list_request(q, 1)
                return
            yield self.error(response, f"{total} results hit the API's cap of {cap} and the query cannot be "
                                       f"sliced further: notices beyond the cap are missing", value=json.dumps(query))
        yield from self.detail_requests(response, self.entries(data), query)
        if page == 1:
            for p in range(2, math.ceil(min(total, cap or total) / self.page_size) + 1):
                yield self.list_request(query, p)

    def detail_requests(self, response: Response, entries: Any, query: dict[str, Any]) -> Iterator[Any]:
        """A detail request per usable record; an error row (with the record) for each other one."""
        if not isinstance(entries, list):
            raise ParseError(f"{self.entries_at} is a {type(entries).__name__}, not a list")
        for i, entry in enumerate(entries):
            request, reason = None, None
            if not isinstance(entry, dict):
                reason = f"the record is a {type(entry).__name__}, not an object"
            else:
                try:
                    request = self.detail_request(entry, query)
                except (ParseError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
                    reason = _describe(exc)
            if reason is not None:
                value = json.dumps(entry, ensure_ascii=False, default=str)
                yield self.error(response, f"list record skipped: {reason}", location=f"{self.entries_at}[{i}]",
                                 value=value if len(value) <= 2000 else value[:2000] + "…")
            elif request is not None:
                yield request


class HtmlListSpider(GongkaiSpider):
    """HTML list pages with a pager, each entry a link to a detail page.

    Hooks: ``list_urls()`` the first page of each list; ``entries(response)`` → (detail URL,
    list-entry dict for the fingerprint); ``page_count(response)`` (from the pager script);
    ``page_url(first_url, page)``; ``parse_detail(response, entry)``."""

    def list_urls(self) -> Iterable[str]:
        raise NotImplementedError

    def entries(self, response: Response) -> Iterable[tuple[str, dict[str, Any]]]:
        raise NotImplementedError

    def page_count(self, response: Response) -> int:
        raise NotImplementedError

    def page_url(self, first: str, page: int) -> str:
        raise NotImplementedError

    def parse_detail(self, response: Response, entry: dict[str, Any]) -> Iterator[Any]:
        raise NotImplementedError

    def first_requests(self) -> Iterable[scrapy.Request]:
        for url in self.list_urls():
            yield self.request(url, self.parse_list, cb_kwargs={"first": url, "page": 0})

    @guarded
    def parse_list(self, response: Response, first: str, page: int) -> Iterator[Any]:
        found = list(self.entries(response))
        if not found and page == 0:
            raise ParseError("no entries on the first list page (layout changed?)")
        for i, (href, entry) in enumerate(found):
            try:
                url = response.urljoin(href)
                fp = state.fingerprint(entry)
                if not self.unchanged(url, fp):
                    yield self.request(url, self.parse_detail_guarded, cb_kwargs={"entry": entry, "fingerprint": fp})
            except (ValueError, TypeError) as exc:
                yield self.error(response, f"list entry skipped: {_describe(exc)}", location=f"entry {i + 1}",
                                 value=str(href)[:2000])
        if page == 0:
            for p in range(1, self.page_count(response)):
                yield self.request(self.page_url(first, p), self.parse_list, cb_kwargs={"first": first, "page": p})

    @guarded
    def parse_detail_guarded(self, response: Response, entry: dict[str, Any], fingerprint: str) -> Iterator[Any]:
        for item in self.parse_detail(response, entry):
            if isinstance(item, NoticeItem):
                item.fingerprint = fingerprint
            yield item


class OcdsSpider(GongkaiSpider):
    """OCDS release or record packages, following ``links.next`` (OCDS 1.1 paging).

    Hooks: ``package_urls()`` the first package of each series. Every release becomes a
    procurement notice (``collectors.parsers.ocds``); a broken or empty package is an error
    row, and its ``links.next`` (if any could be read) is still followed."""

    def package_urls(self) -> Iterable[str]:
        raise NotImplementedError

    def first_requests(self) -> Iterable[scrapy.Request]:
        for url in self.package_urls():
            yield self.request(url, self.parse_package)

    @guarded
    def parse_package(self, response: Response) -> Iterator[Any]:
        from collectors.parsers import ocds

        try:
            data = json.loads(response.body)
        except ValueError as exc:
            raise ParseError(f"not JSON ({exc})") from exc
        links = data.get("links") if isinstance(data, dict) else None
        if isinstance(links, dict) and isinstance(links.get("next"), str):
            yield self.request(links["next"], self.parse_package)
        for location, release in ocds.releases(data):
            try:
                found = ocds.to_notice(release, location)
            except ParseError as exc:
                yield self.error(response, f"parse error: {exc}", location=location)
                continue
            yield self.notice(response, "procurement", Extracted(found.cells), lots=found.lots, location=location,
                              publisher=self.publisher_of(data))

    def publisher_of(self, data: Any) -> str | None:
        publisher = data.get("publisher") if isinstance(data, dict) else None
        if isinstance(publisher, dict) and publisher.get("name"):
            return str(publisher["name"])
        return self.platform
