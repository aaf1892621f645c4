"""Readable at 390 px (issue 9, point 4), in headless Chromium (/usr/bin/chromium via Playwright):
no amount, code or date token breaks across lines, no chart label is clipped or smaller than
11 px, and screenshots of the home page, a project, a party, a buyer and the statistics at
1280 and 390 px are saved under test-results/screenshots/ (git-ignored). `make test-browser`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from publish.site.build import build
from store import paths
from store.db import Store
from tests.browser import ARGS, CHROMIUM, need_chromium, serve_dir
from tests.test_site import SITE_URL, batch_one, batch_two

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
sync_api, _axe = need_chromium()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser-lists")
    store = Store(base / "gongkai.db")
    store.init()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("store.db.now_iso", lambda: "2026-03-01T00:00:00+00:00")
        store.ingest(batch_one())
        mp.setattr("store.db.now_iso", lambda: "2026-03-02T00:00:00+00:00")
        store.ingest(batch_two())
    store.close()
    out = base / "site"
    build(base / "gongkai.db", out, site_url=SITE_URL, workers=1, downloads=False)
    conn = sqlite3.connect(base / "gongkai.db")
    buyer = conn.execute("SELECT party_id FROM project_parties WHERE role = 'buyer' ORDER BY party_id").fetchone()[0]
    winner = conn.execute("SELECT party_id FROM project_parties WHERE role = 'winner' AND party_id != ?"
                          " ORDER BY party_id", (buyer,)).fetchone()[0]
    project = conn.execute("SELECT project_id FROM projects WHERE kind = 'procurement' ORDER BY correction_count DESC,"
                           " notice_count DESC").fetchone()[0]
    conn.close()
    with serve_dir(out) as root:
        pages = {"home": "index.html", "area": "procurement/index.html", "project": paths.project(project),
                 "party": paths.party(winner), "buyer": paths.party(buyer), "stats": "stats/index.html"}
        yield root, pages


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


BROKEN_TOKENS = """() => [...document.querySelectorAll('main .tok, main time, main code.tok')]
  .filter(e => e.getClientRects().length > 1
               || (e.getClientRects().length === 1 && e.getClientRects()[0].height > 1.8 * parseFloat(getComputedStyle(e).lineHeight || 20)))
  .map(e => e.textContent)"""

CHART_LABELS = """() => [...document.querySelectorAll('figure.chart svg')].flatMap(svg => {
  const vb = svg.viewBox.baseVal, scale = svg.getBoundingClientRect().width / vb.width;
  return [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox();
    return {text: t.textContent, inside: b.x >= vb.x - 0.5 && b.y >= vb.y - 0.5 && b.x + b.width <= vb.x + vb.width + 0.5
              && b.y + b.height <= vb.y + vb.height + 0.5,
            px: parseFloat(t.getAttribute('font-size')) * scale};
  });
})"""


@pytest.mark.parametrize("width", [390, 320])
def test_no_token_breaks_and_no_chart_label_is_clipped_or_tiny(site, browser, width):
    root, pages = site
    page = browser.new_page(viewport={"width": width, "height": 800})
    counted = labels = 0
    for name, rel in pages.items():
        response = page.goto(root + rel)
        assert response is not None
        assert response.status == 200, rel
        counted += page.evaluate("document.querySelectorAll('main .tok').length")
        assert page.evaluate(BROKEN_TOKENS) == [], f"{name} at {width} px: tokens broken across lines"
        for label in page.evaluate(CHART_LABELS):
            labels += 1
            assert label["inside"], f"{name}: chart label {label['text']!r} clipped"
            assert label["px"] >= 11, f"{name}: chart label {label['text']!r} at {label['px']:.1f} px"
    assert counted > 20
    assert labels > 10
    page.close()


def test_largest_bar_labels_fit_at_desktop_width(site, browser):
    root, pages = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(root + pages["stats"])
    found = page.evaluate(CHART_LABELS)
    assert found
    assert all(x["inside"] for x in found)
    page.close()


def test_screenshots_at_1280_and_390(site, browser):
    root, pages = site
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        for name in ("home", "project", "party", "buyer", "stats", "area"):
            page.goto(root + pages[name])
            target = SHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 5_000
        page.close()


def test_print_stylesheet_hides_navigation(site, browser):
    root, pages = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(root + pages["area"])
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('main table.list')).display") == "table"
    page.close()
