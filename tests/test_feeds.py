"""Feeds: Atom and RSS parse without bozo; one entry per notice version with a stable tag: id;
``updated`` moves only when the data changes; autodiscovery links on the pages; ``updated`` and
``pubDate`` are the version's own publication time, entries newest first; summaries name the
winner, the amount (元/万元/亿元), the method and the region, with Beijing time labelled.
(Links that follow the served address: tests/test_site_serving.py.)"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime
from decimal import Decimal

import feedparser
import pytest

from publish.site.build import build
from publish.site.feeds import beijing, build_feed
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
    assert any("第 2 版" in e.title for e in land.entries)  # the changed land notice is a new entry
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


def _versions(db) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = {r["version_id"]: dict(r) for r in conn.execute("SELECT * FROM notices")}
    conn.close()
    return rows


@pytest.mark.parametrize("rel", ["atom.xml", "rss.xml", "land/atom.xml", "procurement/rss.xml", "region/330000/atom.xml"])
def test_times_are_the_versions_own_and_newest_first(fixture_db, tmp_path, rel):
    out = tmp_path / "site"
    db = fixture_db(2)
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    versions = _versions(db)
    parsed = feedparser.parse((out / rel).read_bytes())
    assert not parsed.bozo
    times = []
    for entry in parsed.entries:
        own = datetime.fromisoformat(versions[entry.id.rsplit("/", 1)[1]]["published_at"])
        assert entry.published_parsed[:6] == own.utctimetuple()[:6]  # Atom published / RSS pubDate
        if "updated_parsed" in entry:  # Atom
            assert entry.updated_parsed[:6] == own.utctimetuple()[:6]
        times.append(own)
    assert times == sorted(times, reverse=True)
    assert len(set(times)) > 1  # not one time for every entry
    if rel.endswith("atom.xml"):
        assert parsed.feed.updated_parsed[:6] == max(times).utctimetuple()[:6]


def test_summaries_say_who_got_what_how_and_where(fixture_db, tmp_path):
    out = tmp_path / "site"
    db = fixture_db(2)
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    versions = _versions(db)
    for rel in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((out / rel).read_bytes())
        checked = 0
        for entry in parsed.entries:
            v = versions[entry.id.rsplit("/", 1)[1]]
            text = entry.summary
            fields = json.loads(v["fields"])
            assert v["published_at"] not in text  # no ISO time for a person…
            assert beijing(v["published_at"]) in text  # …but Beijing time, labelled
            assert "（北京时间）" in text
            if v["region_name"]:
                assert v["region_name"] in text
            winners = [w["name"] for lot in fields.get("lots", []) for w in lot["winners"]]
            winners += [fields[k] for k in ("holder", "transferee") if fields.get(k)]
            amounts = [Decimal(w["amount"]) for lot in fields.get("lots", []) for w in lot["winners"]]
            amount = sum(amounts) if amounts else next(
                (Decimal(fields[k]) for k in ("price", "deal_price", "budget", "control_price", "starting_price")
                 if fields.get(k)), None)
            for name in winners:
                assert name in text, (entry.title, text)
            if amount is not None:
                assert f"{amount:,.2f} 元" in text, (entry.title, text)
                if amount >= 100_000_000:
                    assert f"{(amount / 100_000_000).normalize():,f} 亿元" in text
                elif amount >= 10_000:
                    assert f"{(amount / 10_000).normalize():,f} 万元" in text
            method = fields.get("supply_method") or fields.get("method")
            if method:
                assert f"方式：{method}" in text
            checked += bool(winners) and amount is not None
        assert checked >= 3  # land, procurement with lots, mining, state asset, tender results


def test_beijing_time_is_labelled_and_converted():
    assert beijing("2025-01-31T09:45:00+00:00") == "2025-01-31 17:45（北京时间）"
    assert beijing("2025-01-31T17:45:00+08:00") == "2025-01-31 17:45（北京时间）"
    assert beijing("2025-01-31") == "2025-01-31"
