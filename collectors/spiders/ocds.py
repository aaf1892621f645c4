"""An OCDS publisher (release and record packages with ``links.next``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from collectors.spiders.base import OcdsSpider


class OcdsPackagesSpider(OcdsSpider):
    """OCDS release packages and record packages, paged with ``links.next``.

    Source: an OCDS 1.1 API (the imitation portal's ``/ocds/releases?page=1`` and
    ``/ocds/records?page=1``; in production the publisher's package endpoints, spider argument
    ``base_url``, and ``paths=/a,/b`` for other package paths).
    Coverage: every release of every package reachable by following ``links.next``; records
    contribute their embedded releases (or their compiledRelease when none is embedded).
    Fields: title (tender/award/contract title), date, notice type (from ``tag``), buyer, region
    (Chinese addresses only), budget, procurement method (codelist values only), awards with
    suppliers and amounts, contract amount and signing date; the ocid as project number and
    ocid/release id as notice number.
    Caveats: amounts in a currency other than CNY are not converted: they are noted in the body;
    non-conformant files (``tag`` a string, ``awards`` an object) are read; an empty or broken
    package is an error row. Unlike Kingfisher Collect, errors are stored rows, not log lines.
    Disclosure deadline: set by each publisher's own rules (none for OCDS itself).
    """

    name = "ocds"
    platform = "OCDS"
    default_base_url = "http://127.0.0.1:8790"
    parser_version = "1"
    kinds = ("procurement",)

    def __init__(self, *args: Any, paths: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paths = tuple(p for p in (paths or "/ocds/releases?page=1,/ocds/records?page=1").split(",") if p)

    def package_urls(self) -> Iterable[str]:
        return self.paths
