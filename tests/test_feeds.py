"""Feeds: Atom and RSS parse without bozo; one entry per notice version with a stable tag: id;
``updated`` moves only when the data changes; autodiscovery links on the pages."""

from __future__ import annotations

import time

import feedparser
import pytest

from publish.site.build import build
from publish.site.feeds import build_feed
from publish.site.reader import connect_ro
from tests.test_site import SITE_URL, make_fixture_db


@pytest.fixture
def fixture_db(tmp_path, monkeypatch):
    yield from make_fixture_db(tmp_path, monkeypatch)



def test_feeds_everything_area_province_party(fixture_db, tmp_path):
    out = tmp_path / "site"
    db = fixture_db(1)
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    feeds = ["atom.xml", "rss.xml", "procurement/atom.xml", "procurement/rss.xml", "region/330000/atom.xml"]
    feeds += [p.relative_to(out).as_posix() for p in out.glob("party/*/atom.xml")][:3]
    for rel in feeds:
        parsed = feedparser.parse((out / rel).read_bytes())
        assert not parsed.bozo, (rel, parsed.get("bozo_exception"))
        assert parsed.entries
        assert all(e.id.startswith("tag:gongkai.test,2026:notice/") for e in parsed.entries)
    everything = feedparser.parse((out / "atom.xml").read_bytes())
    assert len(everything.entries) == 8  # one per notice version: announcement, correction, result, termination …
    titles = " ".join(e.title for e in everything.entries)
    assert "[更正公告]" in titles
    assert "[终止公告]" in titles
    assert "[结果公告]" in titles
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'type="application/atom+xml"' in home
    assert 'href="atom.xml"' in home
    assert 'href="rss.xml"' in home
    area = (out / "en" / "procurement" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../procurement/atom.xml"' in area


def test_entry_ids_stable_and_updated_moves_only_on_change(fixture_db, tmp_path):
    out = tmp_path / "site"
    build(fixture_db(1), out, site_url=SITE_URL, workers=1, downloads=False)
    before = {rel: (out / rel).read_bytes() for rel in ("atom.xml", "procurement/atom.xml", "land/atom.xml")}
    old = feedparser.parse(before["atom.xml"])
    time.sleep(0.01)
    build(fixture_db(2), out, site_url=SITE_URL, workers=1, downloads=False)
    assert (out / "procurement/atom.xml").read_bytes() == before["procurement/atom.xml"]  # nothing new there
    new = feedparser.parse((out / "atom.xml").read_bytes())
    old_entries = {e.id: e.updated for e in old.entries}
    for e in new.entries:
        if e.id in old_entries:
            assert e.updated == old_entries[e.id]  # an old entry keeps its id and its updated time
    assert len(new.entries) == len(old.entries) + 3
    land = feedparser.parse((out / "land/atom.xml").read_bytes())
    assert "第 2 版" in land.entries[0].title  # the changed land notice is a new entry, newest first
    assert land.feed.updated != feedparser.parse(before["land/atom.xml"]).feed.updated


def test_thousand_item_feed_is_well_formed(fixture_db):
    conn = connect_ro(fixture_db(2))
    ids = [r[0] for r in conn.execute("SELECT version_id FROM notices")] * 100
    atom, rss = build_feed(conn, ids[:1000], title="t\x00\u202e<b>", site_url=SITE_URL, feed_rel="atom.xml",
                           page_rel="index.html")
    for data in (atom, rss):
        parsed = feedparser.parse(data)
        assert not parsed.bozo
        assert "\x00" not in parsed.feed.title
        assert "\u202e" not in parsed.feed.title
