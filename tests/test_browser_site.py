"""The built site in headless Chromium (Debian's /usr/bin/chromium driven by Playwright):
every page type loads with no console errors, its links resolve, screenshots are saved under
test-results/site/, axe-core finds no serious or critical violation, and at 320 px there is
no horizontal scrolling. Run with `make test-browser`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from publish.site.build import build
from store.db import Store
from tests.browser import ARGS, CHROMIUM, RESULTS, need_chromium, serve_dir
from tests.test_site import SITE_URL, batch_one, batch_two, page_types

pytestmark = pytest.mark.browser
sync_api, axe_module = need_chromium()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    store = Store(base / "gongkai.db")
    store.init()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("store.db.now_iso", lambda: "2026-03-01T00:00:00+00:00")
        store.ingest(batch_one())
        mp.setattr("store.db.now_iso", lambda: "2026-03-02T00:00:00+00:00")
        store.ingest(batch_two())
    store.close()
    out = base / "site"
    build(base / "gongkai.db", out, site_url=SITE_URL, workers=1)
    with serve_dir(out) as root:
        yield out, root


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _pages(out: Path) -> list[tuple[str, str]]:
    return [(f"{lang}-{name}", rel if lang == "zh" else f"en/{rel}")
            for name, rel in page_types(out).items() for lang in ("zh", "en")]


def test_pages_load_without_errors_and_links_resolve(site, browser):
    out, root = site
    RESULTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    checked: dict[str, int] = {}
    for name, rel in _pages(out):
        response = page.goto(root + rel)
        assert response is not None, rel
        assert response.status == 200, rel
        assert errors == [], f"{rel}: {errors}"
        page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=False)
        hrefs = page.eval_on_selector_all("a[href], link[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            url = urljoin(root + rel, href)
            if not url.startswith(root) or urlsplit(url).path.startswith("/-/") or urlsplit(url).path == "/gongkai":
                continue  # external links, search and Datasette (gongkai serve: test_browser_doors.py) are not static
            target = url.split("#")[0]
            if target not in checked:
                checked[target] = page.request.get(target).status
            assert checked[target] == 200, f"{rel} links to {href} → {checked[target]}"
    assert len(checked) > 50
    page.close()


def test_accessibility_no_serious_or_critical_violations(site, browser):
    out, root = site
    axe = axe_module.Axe()
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems = []
    for _name, rel in _pages(out):
        page.goto(root + rel)
        result = axe.run(page)
        for v in result.response["violations"]:
            if v.get("impact") in ("serious", "critical"):
                problems.append(f"{rel}: {v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}")
    page.close()
    assert problems == []


def test_usable_at_320_px(site, browser):
    out, root = site
    page = browser.new_page(viewport={"width": 320, "height": 640})
    RESULTS.mkdir(parents=True, exist_ok=True)
    wide = []
    for name, rel in _pages(out):
        page.goto(root + rel)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide.append(f"{rel}: {width}px")
        if name.startswith("zh-"):
            page.screenshot(path=str(RESULTS / f"320-{name}.png"), full_page=False)
    page.close()
    assert wide == [], "horizontal scrolling at 320 px"


def test_search_form_needs_the_server(site, browser):
    out, root = site
    page = browser.new_page()
    page.goto(root + "search/index.html")
    form = page.locator("form[role=search]")
    assert form.get_attribute("action") == "/-/search"
    assert form.get_attribute("method") == "get"
    assert {page.locator(f"#{n}").get_attribute("name") for n in ("q", "kind", "region")} == {"q", "kind", "region"}
    assert page.locator("a[href$='downloads/index.html']").count() >= 1
    page.close()
