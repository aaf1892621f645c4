"""A full crawl of the imitation portal by every spider (real HTTP on 127.0.0.1, a real
SQLite file, Scrapy in its own process): the expected counts, one notice per notice however
many platforms carry it, an error row for every bad response, incremental re-crawls."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from collectors.run import crawl_in_subprocess
from demo.portal import running
from demo.portal.catalog import FATAL, build_catalog, expected

PROJECTS = 16
CAP = 30  # a low ggzy result cap, so that capped queries are sliced by date and province
FAST = {"DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 1}  # the stalled page times out quickly


def rows(db, sql, *args):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    db = tmp / "gongkai.db"
    with running(projects=PROJECTS, result_cap=CAP) as portal:
        first = crawl_in_subprocess([], db, base_url=portal.url, overrides=FAST)
        shutil.copytree(tmp, tmp.parent / "first", ignore=shutil.ignore_patterns("raw"))
        again = crawl_in_subprocess([], db, base_url=portal.url, overrides=FAST)
    port = int(portal.url.rsplit(":", 1)[1])  # the same site, changed (URLs are the crawl state's keys)
    with running(projects=PROJECTS, result_cap=CAP, revision=2, port=port) as portal:
        revised = crawl_in_subprocess([], db, base_url=portal.url, overrides=FAST)
    return tmp.parent / "first" / "gongkai.db", first, again, revised


def test_full_crawl_stores_the_expected_notices_and_sources(crawled):
    db, first, _again, _revised = crawled
    want = expected(build_catalog(projects=PROJECTS))
    assert first.finished
    assert rows(db, "SELECT count(DISTINCT notice_id) FROM notices")[0][0] == want.notices
    by_platform = dict(rows(db, "SELECT platform, count(*) FROM notice_sources GROUP BY platform"))
    platforms = {"ggzy": "全国公共资源交易平台", "epoint": "江苏省公共资源交易网", "ccgp": "中国政府采购网",
                 "landchina": "中国土地市场网", "mnr": "自然资源部", "exchange": "北京产权交易所", "ocds": "OCDS"}
    assert {k: by_platform.get(v, 0) for k, v in platforms.items()} == {k: want.sources.get(k, 0) for k in platforms}
    # the same notice from two platforms is one notice (one version) with two sources
    multi = rows(db, "SELECT count(*) FROM (SELECT version_id FROM notice_sources s JOIN notices USING (version_id)"
                     " GROUP BY notice_id HAVING count(DISTINCT platform) > 1)")[0][0]
    assert multi == want.duplicated > 20
    assert rows(db, "SELECT max(version) FROM notices")[0][0] == 1  # identical facts: never a second version
    # raw bytes kept content-addressed, every source traceable to them
    raw_dir = db.parent.parent / "crawl0" / "raw"
    for (sha,) in rows(db, "SELECT DISTINCT raw_sha256 FROM notice_sources"):
        assert (raw_dir / sha[:2] / sha).exists()
    assert rows(db, "SELECT count(*) FROM notice_sources WHERE url NOT LIKE 'http%' OR fetched_at = ''"
                    " OR http_status != 200 OR parser_version = ''")[0][0] == 0


def test_every_bad_response_is_an_error_row_and_the_crawl_completes(crawled):
    db, first, _again, _revised = crawled
    catalog = build_catalog(projects=PROJECTS)
    want = expected(catalog)
    errors = rows(db, "SELECT origin, input, field, reason FROM rejections WHERE id <= ?", len(first.errors))
    assert len(errors) == sum(len(v) for v in want.errors.values())
    for spider, problems in want.errors.items():
        mine = [e for e in errors if e[0] == spider]
        for _key, fragment in problems:
            assert any(fragment in (e[3] or "") or fragment == e[2] for e in mine), (spider, fragment, mine)
    assert {s.name: s.finish_reason for s in first.spiders} == dict.fromkeys(want.sources, "finished")
    # faults a crawl recovers from leave no error row: Retry-After, a block page served once,
    # slow answers, GBK pages (decoded right), misfiled stage codes
    recovered = [c for c in catalog.copies if c.fault and c.fault not in FATAL]
    assert {c.fault for c in recovered} >= {"retry_after", "block_once", "slow", "gbk", "misfiled"}
    titles = {t for (t,) in rows(db, "SELECT title FROM notices")}
    assert all(c.notice.title in titles for c in recovered)


def test_capped_ggzy_queries_are_sliced(crawled):
    _db, first, _again, _revised = crawled
    ggzy = next(s for s in first.spiders if s.name == "ggzy")
    assert ggzy.finish_reason == "finished"
    # with a cap of 30, no notice is lost: the ggzy copies stored equal those published
    want = expected(build_catalog(projects=PROJECTS))
    assert ggzy.new + ggzy.unchanged == want.sources["ggzy"]


def test_a_recrawl_fetches_list_pages_but_no_stored_detail_page(crawled):
    db, first, again, _revised = crawled
    stored = {s.name: s.new + s.unchanged for s in first.spiders}
    for s in again.spiders:
        assert (s.new, s.changed) == (0, 0), s
        if s.name != "ocds":  # OCDS packages carry the notices themselves: always read
            assert s.skipped_unchanged == stored[s.name], s
            assert s.unchanged == 0, s
    # failed pages were not marked as seen: they are tried again (and fail again)
    assert len(again.errors) == len(first.errors)


def test_a_changed_list_entry_refetches_that_detail_page_only(crawled):
    _db, first, _again, revised = crawled
    catalog = build_catalog(projects=PROJECTS, revision=2)
    changed = [c for c in catalog.copies if "（第二次）" in c.notice.title]
    assert changed
    # the publisher's notice number is unchanged: the same notice, a second version
    assert sum(s.changed for s in revised.spiders) == 1
    assert sum(s.new for s in revised.spiders) == 0
    assert sum(s.unchanged for s in revised.spiders if s.name != "ocds") == len(changed) - 1
    stored = sum(s.new + s.unchanged for s in first.spiders if s.name != "ocds")
    assert sum(s.skipped_unchanged for s in revised.spiders) == stored - len(changed)


def test_collect_cli_contract(tmp_path):
    run = [sys.executable, "-m", "gongkai", "--db", str(tmp_path / "x.db"), "collect"]
    listed = subprocess.run([*run, "--list"], capture_output=True, text=True, check=False)
    assert listed.returncode == 0
    for name in ("ggzy", "epoint", "ccgp", "landchina", "mnr", "exchange", "ocds"):
        assert name in listed.stdout
    unknown = subprocess.run([*run, "nosuchspider"], capture_output=True, text=True, check=False)
    assert unknown.returncode == 1
    assert "unknown spider" in unknown.stderr
    bad = subprocess.run([*run, "ggzy", "--base-url", "ftp://x"], capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert "not an http(s) URL" in bad.stderr
