"""Epoint (新点) provincial trading platforms, e.g. 江苏省公共资源交易网 (source-formats.md §1.4).

The list is the full-text search API (``getFullTextData``); a detail page (``h3``/``h2``
title, 信息来源 and 信息时间 in ``div.ewb-article-sources``, the notice as tables or a nested
document) goes through the shared page reader (:func:`collectors.parsers.pages.parse_page`).
"""

from __future__ import annotations

from collectors.parsers import Extracted
from collectors.parsers.detail import read_detail
from models.codelists import Kind


def parse_detail(html: str, kind: Kind, url: str | None = None) -> Extracted:
    """Cells, lots and text of an Epoint notice page of area ``kind``."""
    return read_detail(html, "epoint", kind, url)
