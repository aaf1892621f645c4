"""Red flags in headless Chromium (Debian's /usr/bin/chromium driven by Playwright): the project panel,
an area's 风险提示 list, the about page's indicator table, a party and a region page with counts load
with no console error, their links resolve, axe-core finds no serious or critical violation, nothing
scrolls sideways at 320 px, and the rule of a flag opens in its <details>. Run with `make test-browser`."""

from __future__ import annotations

import sqlite3
from urllib.parse import urljoin, urlsplit

import pytest

from models.indicators import REGISTRY
from publish.site.build import build
from store import paths
from store.db import Store
from tests.browser import ARGS, CHROMIUM, RESULTS, need_chromium, serve_dir
from tests.test_site import SITE_URL, batch_one, batch_two

pytestmark = pytest.mark.browser
sync_api, axe_module = need_chromium()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser-flags")
    db = base / "gongkai.db"
    store = Store(db)
    store.init()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("store.db.now_iso", lambda: "2026-03-01T00:00:00+00:00")
        store.ingest(batch_one())
        mp.setattr("store.db.now_iso", lambda: "2026-03-02T00:00:00+00:00")
        store.ingest(batch_two())
    store.close()
    out = base / "site"
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    conn = sqlite3.connect(db)
    pid, code, kind, region = conn.execute(
        "SELECT f.project_id, f.indicator, p.kind, p.region_code FROM flags f JOIN projects p USING (project_id)"
        " WHERE f.status = 'flagged' ORDER BY f.project_id, f.indicator LIMIT 1").fetchone()
    party = conn.execute("SELECT party_id FROM project_parties WHERE project_id = ? ORDER BY party_id LIMIT 1",
                         (pid,)).fetchone()[0]
    conn.close()
    with serve_dir(out) as root:
        pages = {"project": paths.project(pid), "flags": f"{kind}/flags.html", "about": "about/index.html",
                 "party": f"party/{paths.slug(party)}/index.html", "region": f"region/{paths.slug(region)}/index.html",
                 "home": "index.html"}
        yield out, root, pages, code


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def _pages(pages: dict[str, str]) -> list[tuple[str, str]]:
    return [(f"flags-{lang}-{name}", rel if lang == "zh" else f"en/{rel}")
            for name, rel in pages.items() for lang in ("zh", "en")]


def test_flag_pages_load_and_links_resolve(site, browser):
    out, root, pages, _code = site
    RESULTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    checked: dict[str, int] = {}
    for name, rel in _pages(pages):
        response = page.goto(root + rel)
        assert response is not None, rel
        assert response.status == 200, rel
        assert errors == [], f"{rel}: {errors}"
        page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=False)
        for href in page.eval_on_selector_all("a[href], link[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urljoin(root + rel, href)
            path = urlsplit(url).path
            if not url.startswith(root) or path.startswith(("/-/", "/log/")) or path == "/gongkai":
                continue  # external links, search, Datasette and the transparency log are served by gongkai serve
            target = url.split("#")[0]
            if target not in checked:
                checked[target] = page.request.get(target).status
            assert checked[target] == 200, f"{rel} links to {href} → {checked[target]}"
    assert any(t.endswith("flags-atom.xml") for t in checked), "a flag feed is linked"
    page.close()


def test_the_rule_opens_in_its_details(site, browser):
    _out, root, pages, code = site
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(root + pages["project"])
    panel = page.locator("#flags")
    flagged = panel.locator("li.flag-flagged").first
    assert REGISTRY[code].name_zh in flagged.inner_text()
    definition = flagged.locator("dl.rule dd").first
    assert not definition.is_visible()  # the rule waits in its <details>
    flagged.locator("summary").first.click()
    assert definition.is_visible()
    assert REGISTRY[code].definition_zh in definition.inner_text()
    # not applicable results are collapsed
    collapsed = panel.locator("details.flag-group li")
    if collapsed.count():
        assert not collapsed.first.is_visible()
    page.close()


def test_flag_pages_accessible_and_usable_at_320_px(site, browser):
    _out, root, pages, _code = site
    axe = axe_module.Axe()
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems = []
    for _name, rel in _pages(pages):
        page.goto(root + rel)
        for v in axe.run(page).response["violations"]:
            if v.get("impact") in ("serious", "critical"):
                problems.append(f"{rel}: {v['id']} ({v['impact']}): {v['help']} — {v['nodes'][0]['target']}")
    page.close()
    assert problems == []
    narrow = browser.new_page(viewport={"width": 320, "height": 640})
    wide = []
    for name, rel in _pages(pages):
        narrow.goto(root + rel)
        width = narrow.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide.append(f"{rel}: {width}px")
        if "-zh-" in name:
            narrow.screenshot(path=str(RESULTS / f"320-{name}.png"), full_page=False)
    narrow.close()
    assert wide == [], "horizontal scrolling at 320 px"
