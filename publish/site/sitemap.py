"""sitemap.xml (at most 50,000 URLs per file, with a sitemap index when there are more) and robots.txt.

URLs are listed in the order their pages were first written (the build state's ``files``
rowid), so adding pages only appends to the last sitemap file: the old ones keep their bytes.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from publish.site.writer import Writer

MAX_URLS = 50_000
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _urlset(base: str, rels: list[str]) -> bytes:
    body = "".join(f"<url><loc>{escape(base + r)}</loc></url>\n" for r in rels)
    return (_HEAD + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n").encode()


def write_sitemaps(state: sqlite3.Connection, writer: Writer, site_url: str) -> int:
    """Write sitemap.xml (or an index and sitemap-N.xml); return the number of URLs."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    rels = [r[0] for r in state.execute(
        "SELECT path FROM files WHERE path LIKE '%.html' AND path NOT IN ('404.html', 'en/404.html') ORDER BY rowid")]
    # also the pages written in this build but not yet recorded in the state
    seen = set(rels)
    for p, _s, _n in writer.written:
        if p.endswith(".html") and p not in seen and not p.endswith("404.html"):
            seen.add(p)
            rels.append(p)
    if len(rels) <= MAX_URLS:
        writer.write("sitemap.xml", _urlset(base, rels))
        return len(rels)
    chunks = [rels[i:i + MAX_URLS] for i in range(0, len(rels), MAX_URLS)]
    index = []
    for n, chunk in enumerate(chunks, 1):
        writer.write(f"sitemap-{n}.xml", _urlset(base, chunk))
        index.append(f"<sitemap><loc>{escape(base)}sitemap-{n}.xml</loc></sitemap>\n")
    writer.write("sitemap.xml", (_HEAD + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                 + "".join(index) + "</sitemapindex>\n").encode())
    return len(rels)


def write_robots(writer: Writer, site_url: str) -> None:
    base = site_url if site_url.endswith("/") else site_url + "/"
    prefix = urlsplit(base).path or "/"
    writer.write("robots.txt", (f"User-agent: *\nDisallow: {prefix}.build/\nAllow: {prefix}\n\n"
                                f"Sitemap: {base}sitemap.xml\n").encode())
