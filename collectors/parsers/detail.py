"""A spider's detail page through the shared page reader (:func:`collectors.parsers.pages.parse_page`).

The family modules (ccgp, epoint, ggzy, mnr) call :func:`read_detail` and add on top only
what the reader cannot know about their family.
"""

from __future__ import annotations

from collectors.parsers import Extracted, ParseError
from collectors.parsers.pages import FAMILIES, parse_page
from models.codelists import Kind

_BY_NAME = {f.name: f for f in FAMILIES}


def check_complete(html: str) -> None:
    """A page cut short (no ``</html>`` near its end) is refused, never read half."""
    if "</html>" not in html[-200:].lower():
        raise ParseError("truncated page: it ends before </html>")


def read_detail(html: str, family: str, kind: Kind | None, url: str | None = None,
                *, complete: bool = True) -> Extracted:
    """``html`` read as a notice page of ``family``. The URL helps the reader (family, links) but
    is not the notice's original: a spider records it as the source, so it is not a fact."""
    if complete:
        check_complete(html)
    out = parse_page(html, url=url, family=_BY_NAME[family], kind=kind)
    if url and "source_url" in out.cells and out.cells["source_url"].value == url:
        del out.cells["source_url"]
    return out
