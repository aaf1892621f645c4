"""What spiders yield: a notice's cells with their provenance, or an error to record.

Both are plain dataclasses (Scrapy handles them through itemadapter). Nothing here is
validated yet: :class:`~collectors.pipelines.StorePipeline` runs every ``NoticeItem``
through ``models.assemble.assemble(…, trust_notice_type=False)``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

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
    body_text: str = dataclasses.field(default="", repr=False)  # the notice's cleaned text as read on the page
    attachments: list[dict] = dataclasses.field(default_factory=list)  # {"name", "url"} as the parser found them

    def source(self) -> Source:
        return Source(platform=self.platform, url=self.url, fetched_at=self.fetched_at, sha256=self.raw_sha256,
                      parser_version=self.parser_version, http_status=self.http_status, location=self.location)

    def assemble(self) -> Assembled:
        """The validated notice, or the problems (the one normalization path of every spider)."""
        return assemble(Kind(self.kind), self.cells, self.source(), publisher=self.publisher, lots=self.lots,
                        trust_notice_type=False, body_text=self.body_text,
                        attachments=attachment_links(self.attachments, self.url))


_UNSAFE_URL = re.compile(r"[\s<>\"'`\x00-\x1f]")
MAX_ATTACHMENTS = 500  # models.notice.Notice.attachments' bound
MAX_NAME = 500  # models.notice.Attachment.name's bound


def attachment_links(attachments: list[dict], page_url: str) -> list[dict]:
    """Attachments as the Notice keeps them: links resolved against the page's URL, kept only when
    they are http(s) (a ``javascript:`` or ``mailto:`` link keeps its name, without the link), names
    trimmed; an attachment without a name or a link is dropped. One odd link never costs the notice."""
    out: list[dict] = []
    seen: set[tuple[str, str | None]] = set()
    for a in attachments:
        if not isinstance(a, dict):
            continue
        url = a.get("url")
        link = urljoin(page_url, url.strip()) if isinstance(url, str) and url.strip() else None
        if link is not None:
            parts = urlsplit(link)
            scheme = parts.scheme.lower()
            ok = scheme in ("http", "https") and parts.netloc and len(link) <= 4000 and not _UNSAFE_URL.search(link)
            link = scheme + link[len(scheme):] if ok else None
        name = " ".join(str(a.get("name") or "").split())[:MAX_NAME] or (link.rsplit("/", 1)[-1][:MAX_NAME] if link else "")
        if not name or (name, link) in seen:
            continue
        seen.add((name, link))
        out.append({"name": name, "url": link})
    return out[:MAX_ATTACHMENTS]


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
