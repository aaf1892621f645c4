"""One place, three doors, in headless Chromium (Debian's /usr/bin/chromium, Playwright): from the
site to search to Datasette and back to the site by clicking their navigation links, on a real
`gongkai serve` instance on a non-default port; the feed's links open there too. Screenshots go to
test-results/doors/. Run with `make test-browser`."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from tests.test_browser_site import ARGS, CHROMIUM
from tests.test_site_serving import serve_site

pytestmark = pytest.mark.browser
RESULTS = Path(__file__).resolve().parent.parent / "test-results" / "doors"
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with serve_site(tmp_path_factory.mktemp("browser-doors")) as (origin, _site, _db):
        yield origin


@pytest.fixture(scope="module")
def page():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        yield pg
        browser.close()
        assert errors == []


def _shot(pg, name: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(RESULTS / f"{name}.png"), full_page=False)


def test_site_to_search_to_datasette_and_back(served, page):
    page.goto(served + "/site/")
    assert page.url == served + "/site/"
    assert page.locator("header.site").count() == 1
    _shot(page, "1-site")
    # site → search: the navigation's search page, then its form
    page.locator("header.site nav a", has_text="搜索").first.click()
    page.wait_for_url("**/site/search/index.html")
    page.fill("#q", "采购")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**/-/search?**")
    assert page.locator("#gk-results li").count() > 0
    assert page.locator("header.site").count() == 1  # search looks like the site
    _shot(page, "2-search")
    # search → Datasette
    page.locator("header.site nav a", has_text="数据库").first.click()
    page.wait_for_url(served + "/gongkai")
    assert page.locator("h1").first.inner_text().strip()
    _shot(page, "3-datasette")
    # Datasette → its about link → the site's about page
    page.locator("footer a[href='/site/about/']").first.click()
    page.wait_for_url(served + "/site/about/")
    assert page.locator("header.site").count() == 1
    page.go_back()
    # Datasette → site, by its header
    page.locator("header a[href='/site/']").first.click()
    page.wait_for_url(served + "/site/")
    # site → Datasette by the site's own navigation (a relative link)
    page.locator("header.site nav a", has_text="数据库").first.click()
    page.wait_for_url(served + "/gongkai")
    assert page.locator("a[href='/-/search']").count() >= 1


def test_feed_links_open_on_the_served_port(served, page):
    response = page.request.get(served + "/site/atom.xml")
    assert response.status == 200
    parsed = feedparser.parse(response.body())
    assert parsed.entries
    entry = parsed.entries[0]
    assert entry.link.startswith(served + "/site/")
    page.goto(entry.link)
    assert page.locator("h1").first.inner_text().strip() in entry.title
    _shot(page, "4-feed-entry")
