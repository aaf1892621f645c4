"""What spiders yield: a notice's cells with their provenance, or an error to record.

Both are plain dataclasses (Scrapy handles them through itemadapter). Nothing here is
validated yet: :class:`~collectors.pipelines.StorePipeline` runs every ``NoticeItem``
through ``models.assemble.assemble(…, trust_notice_type=False)``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from models.assemble import Assembled, Cell, assemble
from models.codelists import Kind
from models.notice import Source


@dataclass
class NoticeItem:
    spider: str
    platform: str  # the publishing platform as people name it (全国公共资源交易平台 …)
    kind: str
    url: str
    fetched_at: datetime
    http_status: int
    raw_sha256: str
    parser_version: str
    cells: dict[str, Cell]
    raw: bytes = dataclasses.field(default=b"", repr=False)  # the response body (kept content-addressed by the store)
    publisher: str | None = None  # default publisher when the page names none
    lots: list[dict] | None = None
    location: str | None = None  # where in the response (an OCDS package's releases[3])
    fingerprint: str | None = None  # list-entry fingerprint (incremental crawls), for detail pages

    def source(self) -> Source:
        return Source(platform=self.platform, url=self.url, fetched_at=self.fetched_at, sha256=self.raw_sha256,
                      parser_version=self.parser_version, http_status=self.http_status, location=self.location)

    def assemble(self) -> Assembled:
        """The validated notice, or the problems (the one normalization path of every spider)."""
        return assemble(Kind(self.kind), self.cells, self.source(), publisher=self.publisher, lots=self.lots,
                        trust_notice_type=False)


@dataclass
class ErrorItem:
    spider: str
    url: str
    reason: str
    location: str | None = None
    field: str | None = None
    value: str | None = None
    http_status: int | None = None
    raw: bytes = dataclasses.field(default=b"", repr=False)  # kept when there is a body worth keeping
