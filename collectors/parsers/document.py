"""A notice page as a person reads it: decoded text, lines and tables, in reading order.

Real portal pages are not the tidy markup a parser hopes for (source-formats.md §10, the real
corpus in ``../shared/data/real/pages``): notices nested as whole HTML documents (one declaring
gb2312 inside a UTF-8 page), Word markup that splits ``2025`` into ``202``/``5`` spans,
layout tables around data tables, GBK everywhere, CR-only line ends. This module turns any of
them into :class:`Page`: a sequence of :class:`Line` and :class:`Table` blocks in the order a
reader meets them. Inline elements join without spaces (as a browser renders adjacent spans);
block elements start new lines; a table holding other tables is layout and is read as blocks;
a data table becomes a grid (colspan/rowspan expanded) so a header row lines up with its rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "thead", "tfoot", "tr", "ul", "caption", "option", "select", "legend", "br", "td", "th",
})
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "iframe", "object", "svg", "button",
                   "textarea", "input"})
_SPACE = re.compile(r"[\s\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
# Attachments: links whose name or target is a document (采购文件.docx, 附件1.pdf …).
_DOC_EXT = re.compile(r"\.(?:pdf|docx?|xlsx?|zip|rar|7z|wps|jpg|jpeg|png|ofd|txt)(?:$|[?#])", re.I)


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes of a page or file as text: BOM, then UTF-8, then the declared or detected charset.

    GBK and GB2312 are read as GB18030 (their superset: a GBK page with one rarer character must
    not fail). A page that declares one charset but is valid UTF-8 is UTF-8 (saved copies of
    pages keep the original declaration after a browser re-encoded them)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    names = [declared] if declared else []
    if m := _CHARSET.search(data[:4096]):
        names.append(m.group(1).decode("ascii"))
    names += ["gb18030"]
    for name in names:
        name = (name or "").lower()
        if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936"):
            name = "gb18030"
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def squash(text: str) -> str:
    """Whitespace of every kind (U+3000, NBSP, tabs, line ends) as single spaces, trimmed."""
    return _SPACE.sub(" ", text).strip()


@dataclass
class Line:
    text: str
    tag: str = ""  # the block element that holds it (h1 … p, td)


@dataclass
class Table:
    rows: list[list[str]]

    def text(self) -> str:
        return "\n".join(" | ".join(c for c in row if c) for row in self.rows)


@dataclass
class Page:
    """A page as blocks, plus what the head says about it."""

    blocks: list[Line | Table]
    meta: dict[str, str] = field(default_factory=dict)
    title_tag: str = ""
    headings: list[tuple[str, str]] = field(default_factory=list)  # (tag and classes, text)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)
    comments: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Every line of text, tables as one line per row (cells joined by spaces)."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Line):
                out.append(block.text)
            else:
                out.extend(" ".join(c for c in row if c) for row in block.rows)
        return [line for line in out if line]

    def text(self) -> str:
        return "\n".join(self.lines())


def parse_html(html: str, base_url: str | None = None) -> Page:
    """Read an HTML page (or fragment) into blocks."""
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    page = Page([])
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        try:
            root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
        except (etree.ParserError, ValueError):
            return page  # nothing an HTML parser can hold (only whitespace, comments, a lone tag)
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip()
        if name and meta.get("content") is not None:
            page.meta.setdefault(name, meta.get("content") or "")
    titles = root.xpath("//title")
    if titles:
        page.title_tag = squash(titles[0].text_content())
    for node in root.iter(etree.Comment):
        if node.text and node.text.strip():
            page.comments.append(node.text)
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        text = squash(a.text_content())
        if href and not href.lower().startswith(("javascript:", "#", "mailto:")):
            page.links.append((text, urljoin(base_url, href) if base_url else href))
    _Walker(page).walk(root)
    return page


class _Walker:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.buf: list[str] = []
        self.tag = ""

    def flush(self) -> None:
        text = squash("".join(self.buf))
        self.buf = []
        if text:
            self.page.blocks.append(Line(text, self.tag))

    def walk(self, node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag:  # comments, processing instructions: their tail is text of the parent
            if node.tail:
                self.buf.append(node.tail)
            return
        tag = tag.lower()
        if tag in _SKIP:
            if node.tail:
                self.buf.append(node.tail)
            return
        if tag == "table" and not node.xpath(".//table") and _is_data_table(node):
            self.flush()
            rows = _grid(node)
            if rows:
                self.page.blocks.append(Table(rows))
            if node.tail:
                self.buf.append(node.tail)
            return
        block = tag in _BLOCK
        if block:
            self.flush()
            self.tag = tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = squash(node.text_content())
            if text:
                self.page.headings.append((f"{tag}.{node.get('class') or ''}".rstrip("."), text))
        if node.text:
            self.buf.append(node.text)
        for child in node:
            self.walk(child)
        if block:
            self.flush()
        if node.tail:
            self.buf.append(node.tail)


def _is_data_table(table: etree._Element) -> bool:
    """A table of rows and columns, not a one-cell frame around a whole notice."""
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    widest = max((len(r.xpath("./td|./th")) for r in rows), default=0)
    return widest >= 2


def _cell_text(cell: etree._Element) -> str:
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            if node.tail:
                parts.append(node.tail)
            return
        if tag in _BLOCK and tag not in ("td", "th"):
            parts.append(" ")
        if tag and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if tag in _BLOCK and tag not in ("td", "th"):
            parts.append(" ")
        if node.tail and node is not cell:
            parts.append(node.tail)

    walk(cell)
    return squash("".join(parts))


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 50))
    except ValueError:
        return 1


def _grid(table: etree._Element) -> list[list[str]]:
    """The rows of a data table with colspan and rowspan expanded (a spanned cell repeats)."""
    rows: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column → (text, rows left) from rowspans
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        row: list[str] = []
        col = 0
        cells = tr.xpath("./td|./th")

        def fill(row: list[str] = row) -> None:
            nonlocal col
            while col in pending:
                text, left = pending[col]
                row.append(text)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (text, left - 1)
                col += 1

        for cell in cells:
            fill()
            text = _cell_text(cell)
            span, down = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            for _ in range(span):
                row.append(text)
                if down > 1:
                    pending[col] = (text, down - 1)
                col += 1
        fill()
        if any(c for c in row):
            rows.append(row)
    return rows


def attachments(page: Page) -> list[dict[str, str]]:
    """Links to documents (by extension of their name or target), each once."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for text, href in page.links:
        if not (_DOC_EXT.search(href) or _DOC_EXT.search(text)):
            continue
        key = href or text
        if key in seen:
            continue
        seen.add(key)
        entry = {"name": text or href.rsplit("/", 1)[-1]}
        if href.startswith(("http://", "https://")):
            entry["url"] = href
        out.append(entry)
    return out
