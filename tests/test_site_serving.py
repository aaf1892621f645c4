"""One place, three doors (issue 9, points 5 and 6), on a real server: `gongkai.serve.start` (Datasette
in a subprocess on a free, non-default 127.0.0.1 port) over a published snapshot, the search index
and a site built with the default, local site URL.

- /site/ and /site/land/ answer their index.html; /site and /site/land redirect to the slash;
  an unknown path answers the site's 404 page with status 404 (English under /site/en/);
- the feeds' links (built for http://localhost:8001/site/) resolve against the port actually
  served, while a build with a public --site-url is served as built;
- the site, search and Datasette link to each other in their navigation, and Datasette's
  licence/source/about links go to the site's about page and downloads."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx
import pytest

from gongkai.serve import free_port, start, wait_ready
from publish.site.build import build
from publish.snapshot import publish
from search_index import update_index
from store.db import Store
from tests.test_site import batch_one, batch_two


def make_db(base: Path) -> Path:
    store = Store(base / "gongkai.db")
    store.init()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("store.db.now_iso", lambda: "2026-03-01T00:00:00+00:00")
        store.ingest(batch_one())
        mp.setattr("store.db.now_iso", lambda: "2026-03-02T00:00:00+00:00")
        store.ingest(batch_two())
    store.close()
    return base / "gongkai.db"


@contextlib.contextmanager
def serve_site(base: Path, site_url: str = "http://localhost:8001/site/") -> Iterator[tuple[str, Path, Path]]:
    """(server origin, site directory, database): the demo database built, indexed, published, served."""
    db = make_db(base)
    site = base / "site"
    build(db, site, site_url=site_url, workers=1, downloads=False)
    update_index(db, base / "index")
    pub = publish(db, base / "published")
    port = free_port()
    assert port != 8001
    proc = start(pub.directory, site_dir=site, index_dir=base / "index", port=port, quiet=True)
    try:
        wait_ready("127.0.0.1", port, proc=proc)
        yield f"http://127.0.0.1:{port}", site, db
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with serve_site(tmp_path_factory.mktemp("doors")) as (origin, site, db), \
            httpx.Client(base_url=origin, timeout=30) as client:
        yield client, origin, site, db


def hrefs(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', html)


# -- /site/ as a web server serves a site ---------------------------------------------------------
@pytest.mark.parametrize("path", ["/site/", "/site/land/", "/site/en/", "/site/stats/"])
def test_a_directory_answers_its_index_page(served, path):
    client, _origin, site, _db = served
    r = client.get(path)
    assert r.status_code == 200, r.text[:300]
    assert r.content == (site / path.removeprefix("/site/") / "index.html").read_bytes()
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src 'self';" in r.headers["content-security-policy"]  # the guard's site CSP still applies


@pytest.mark.parametrize(("path", "location"), [("/site", "/site/"), ("/site/land", "/site/land/"),
                                                ("/site/land?page=2", "/site/land/?page=2")])
def test_a_directory_without_its_slash_redirects(served, path, location):
    client, *_ = served
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == location


@pytest.mark.parametrize(("path", "lang_root"), [("/site/no/such/page.html", "/site/"), ("/site/land/2099/", "/site/"),
                                                 ("/site/en/nothing-here", "/site/en/")])
def test_an_unknown_path_answers_the_sites_404_page(served, path, lang_root):
    client, origin, site, _db = served
    r = client.get(path)
    assert r.status_code == 404
    page = (site / lang_root.removeprefix("/site/") / "404.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert f"<title>{title}</title>" in r.text
    assert f'<base href="{lang_root}">' in r.text
    # its relative links resolve from any depth (the base), e.g. the stylesheet and the home page
    base = urljoin(origin + path, lang_root)
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', r.text) + hrefs(r.text)[:3]:
        if not href.startswith("#"):
            assert client.get(urljoin(base, href)).status_code == 200, href


@pytest.mark.parametrize("path", ["/site/%2E%2E/%2E%2E/%2E%2E/etc/passwd", "/site/..%2F..%2F..%2Fetc/passwd",
                                  "/site/land/%2E%2E/%2E%2E/%2E%2E/etc/passwd"])
def test_no_path_leaves_the_site_directory(served, path):
    client, *_ = served
    r = client.get(path)
    assert r.status_code == 404
    assert "root:" not in r.text


# -- feeds follow the served address ------------------------------------------------------------------
@pytest.mark.parametrize("rel", ["atom.xml", "rss.xml", "land/atom.xml", "en/../procurement/rss.xml"])
def test_feed_links_resolve_on_the_port_served(served, rel):
    client, origin, site, _db = served
    built = (site / rel).read_text(encoding="utf-8")
    assert "http://localhost:8001/site/" in built  # built for the default local address…
    r = client.get("/site/" + rel)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(("application/atom+xml", "application/rss+xml"))
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    links = [e.link for e in parsed.entries] + [link.href for link in parsed.feed.get("links", [])]
    for link in links:
        assert link.startswith(origin + "/site/"), link  # …served with the address it was asked at
    for entry in parsed.entries[:5]:
        page = client.get(entry.link)
        assert page.status_code == 200, entry.link
        assert entry.title.split("] ", 1)[1] in page.text.replace("&#34;", '"')


def test_a_build_for_publishing_keeps_its_public_url(tmp_path):
    with serve_site(tmp_path, site_url="https://gongkai.example.org/site/") as (origin, _site, _db):
        parsed = feedparser.parse(httpx.get(origin + "/site/atom.xml", timeout=30).content)
    assert parsed.entries
    assert all(e.link.startswith("https://gongkai.example.org/site/notice/") for e in parsed.entries)


def test_the_feed_versions_carry_their_own_time(served):
    client, _origin, _site, db = served
    conn = sqlite3.connect(db)
    published = dict(conn.execute("SELECT version_id, published_at FROM notices"))
    conn.close()
    parsed = feedparser.parse(client.get("/site/rss.xml").content)
    times = []
    for entry in parsed.entries:
        vid = entry.id.rsplit("/", 1)[1]
        when = datetime.fromisoformat(published[vid])
        assert entry.published_parsed[:6] == when.utctimetuple()[:6]  # RSS pubDate: the version's time
        times.append(when)
    assert times == sorted(times, reverse=True)


# -- three doors ------------------------------------------------------------------------------------------
def _resolves(client: httpx.Client, page_url: str, href: str) -> int:
    return client.get(urljoin(page_url, href)).status_code


@pytest.mark.parametrize("path", ["/site/", "/site/en/", "/site/land/", "/site/about/"])
def test_the_site_links_to_search_and_datasette(served, path):
    client, origin, _site, _db = served
    html = client.get(path).text
    targets = {urlsplit(urljoin(origin + path, h)).path for h in hrefs(html)}
    assert "/gongkai" in targets
    assert any(t.endswith("/search/index.html") for t in targets)
    for href in hrefs(html):
        if urlsplit(urljoin(origin + path, href)).path == "/gongkai":
            assert _resolves(client, origin + path, href) == 200
    assert 'action="/-/search"' in client.get("/site/search/index.html").text  # the site's search page: the form


@pytest.mark.parametrize("path", ["/", "/gongkai", "/gongkai/notices", "/gongkai/projects_land"])
def test_datasette_links_to_the_site_and_search(served, path):
    client, origin, _site, _db = served
    r = client.get(path)
    assert r.status_code == 200
    links = hrefs(r.text)
    assert "/site/" in links
    assert "/-/search" in links
    assert "/site/about/" in links
    assert "/site/downloads/" in links
    assert "https://github.com/" not in links
    for href in ("/site/", "/site/about/", "/site/downloads/", "/-/search"):
        assert _resolves(client, origin + path, href) == 200, href


def test_search_looks_like_the_site_and_links_back(served):
    client, origin, _site, _db = served
    r = client.get("/-/search", params={"q": "采购"})
    assert r.status_code == 200
    assert '<link rel="stylesheet" href="/site/static/site.css">' in r.text
    assert '<header class="site">' in r.text
    assert 'id="gk-results"' in r.text
    links = hrefs(r.text)
    for href in ("/site/", "/gongkai", "/site/about/", "/site/land/"):
        assert href in links
        assert _resolves(client, origin + "/-/search", href) == 200, href
    result_links = re.findall(r'<a class="gk-title" href="([^"]+)"', r.text)
    assert result_links
    assert all(_resolves(client, origin + "/-/search", h) == 200 for h in result_links[:5])
