"""An OCDS publisher (release and record packages with ``links.next``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response

from collectors.parsers import ParseError, Refused, ocds
from collectors.spiders.base import OcdsSpider, guarded


class OcdsPackagesSpider(OcdsSpider):
    """OCDS release packages and record packages, paged with ``links.next``.

    Source: an OCDS 1.1 API (the imitation portal's ``/ocds/releases?page=1`` and
    ``/ocds/records?page=1``; in production the publisher's package endpoints, spider argument
    ``base_url``, and ``paths=/a,/b`` for other package paths).
    Coverage: every release of every package reachable by following ``links.next`` (OCDS 1.1)
    or ``next_page`` (``links.next_page`` or a top-level ``next_page``, as some publishers page);
    records contribute their embedded releases (or their compiledRelease when they only link to
    their releases).
    Fields: title (tender/award/contract title), date, notice type (from the content, then the
    ``tag``), buyer, agent (procuringEntity), region (Chinese addresses only), budget, currency,
    procurement method (codelist values only), bid count, every award as a lot with its winners,
    USCCs and amounts, tenderers as unranked candidates, contract amount (signed contracts) and
    signing date, documents as attachments; the ocid as project number and ocid/release id as
    notice number; every party with its identifiers (scheme + id) in the body.
    Caveats: amounts are kept in their own currency (``currency``, ISO 4217), never converted;
    an amount in a second currency or without one is listed in the body, not stored;
    non-conformant files (``tag`` a string, ``awards`` an object) are read; an empty, broken or
    non-OCDS package is an error row, and so is a next link that cannot be followed (not http,
    or a page already read). Unlike Kingfisher Collect, errors are stored rows, not log lines.
    Disclosure deadline: set by each publisher's own rules (none for OCDS itself).
    """

    name = "ocds"
    platform = "OCDS"
    default_base_url = "http://127.0.0.1:8790"
    parser_version = "2"  # 2: currency, content-derived type, every award and contract
    kinds = ("procurement",)

    def __init__(self, *args: Any, paths: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paths = tuple(p for p in (paths or "/ocds/releases?page=1,/ocds/records?page=1").split(",") if p)
        self.pages_read: set[str] = set()  # package URLs read or requested (a next link back to one is a loop)

    def package_urls(self) -> Iterable[str]:
        return self.paths

    @guarded
    def parse_package(self, response: Response) -> Iterator[Any]:
        """Every release of one package as a notice; then the next page, or why it is not read."""
        try:
            data = ocds.load(response.body)
        except ParseError as exc:
            yield self.error(response, f"parse error: {exc}")
            return
        yield from self.next_page(response, data)
        publisher = self.publisher_of(data)
        for found in ocds.parse_ocds_bytes(response.body):
            if isinstance(found, Refused):
                yield self.error(response, f"parse error: {found.reason}",
                                 location=None if found.location == "file" else found.location)
                continue
            item = self.notice(response, "procurement", found, lots=found.lots, location=found.location,
                               publisher=publisher)
            item.attachments = found.attachments
            yield item

    def next_page(self, response: Response, data: Any) -> Iterator[Any]:
        """Follow ``links.next`` / ``next_page``, or yield an error row saying why not."""
        if not isinstance(data, dict):
            return
        found = data.get("links")
        links = found if isinstance(found, dict) else {}
        for where, value in (("links.next", links.get("next")), ("links.next_page", links.get("next_page")),
                             ("next_page", data.get("next_page"))):
            if value in (None, ""):
                continue
            if isinstance(value, dict):  # {"url": …} or {"uri": …}
                value = value.get("url") or value.get("uri") or value.get("href")
            if not isinstance(value, str) or not value.strip():
                yield self.error(response, f"{where} is not a link ({str(value)[:100]!r}): the next page is not read",
                                 field=where)
                return
            url = response.urljoin(value.strip())
            if urlsplit(url).scheme not in ("http", "https"):
                yield self.error(response, f"{where} {url[:200]!r} is not an http(s) link: the next page is not read",
                                 field=where)
                return
            seen = self.pages_read
            seen.add(response.url)
            if url in seen:
                yield self.error(response, f"{where} {url[:200]!r} points to a page already read: stopped "
                                           "(a paging loop)", field=where)
                return
            seen.add(url)
            yield self.request(url, self.parse_package)
            return
