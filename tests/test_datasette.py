"""Datasette started for real (`gongkai.serve.start`: a subprocess on a free 127.0.0.1 port) over a
published snapshot of the test corpus: configured queries, facets, rows, JSON/CSV, Chinese
`_search`, the search routes and feed, page language, security headers, hostile SQL."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from html import escape as html_escape

import feedparser
import httpx
import pytest
import yaml

from gongkai.serve import free_port, settings, start, wait_ready
from publish.metadata import CONFIG_DIR, build_metadata
from publish.snapshot import publish
from search_index import update_index
from tests.test_search_corpus import FULLWIDTH_COMPANY, LAND_TITLE, TRAD_TITLE, build_corpus

META = build_metadata()
TABLES = META["databases"]["gongkai"]["tables"]
QUERIES = META["databases"]["gongkai"]["queries"]
LIMIT_S = settings()["sql_time_limit_ms"] / 1000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ds")
    db = build_corpus(tmp)
    update_index(db, tmp / "index")
    pub = publish(db, tmp / "published")
    site = tmp / "site"
    (site / "search").mkdir(parents=True)
    (site / "search" / "index.html").write_text("<p>search page</p>", encoding="utf-8")
    port = free_port()
    proc = start(pub.directory, site_dir=site, index_dir=tmp / "index", port=port, quiet=True)
    try:
        wait_ready("127.0.0.1", port, proc=proc)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        proc.terminate()
        proc.wait(10)


def test_index_page_has_language_and_security_headers(server):
    r = server.get("/")
    assert r.status_code == 200
    assert '<html lang="zh-CN">' in r.text
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_configured_query_runs(server, name):
    params = {"q": "采购", "buyer": ""}
    r = server.get(f"/gongkai/{name}.json", params={**params, "_shape": "objects"})
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert body["ok"] is True, body
    csv = server.get(f"/gongkai/{name}.csv", params=params)
    assert csv.status_code == 200
    assert csv.text.count("\n") == len(body["rows"]) + 1
    assert server.get(f"/gongkai/{name}", params=params).status_code == 200


def test_queries_find_what_they_claim(server):
    rows = server.get("/gongkai/land_by_agreement.json", params={"_shape": "array"}).json()
    assert any(LAND_TITLE.startswith(r["title"]) for r in rows)  # the project's title: the notice's, shortened
    rows = server.get("/gongkai/single_source_or_single_bid.json", params={"_shape": "array"}).json()
    assert all(r["method"] == "单一来源" or r["bid_count"] == 1 for r in rows)
    assert rows
    rows = server.get("/gongkai/search_notices.json", params={"q": "採購", "_shape": "array"}).json()
    assert TRAD_TITLE in {r["title"] for r in rows}


@pytest.mark.parametrize("table", sorted(t for t, m in TABLES.items() if m.get("facets")))
def test_table_pages_with_facets(server, table):
    facets = TABLES[table]["facets"]
    params = [("_facet", f) for f in facets[:2]] + [("_size", "5")]
    r = server.get(f"/gongkai/{table}.json", params=params)
    assert r.status_code == 200, r.text[:300]
    results = r.json()["facet_results"]
    assert set(facets[:2]) <= set(results)
    assert set(results) == set(facets)  # each once: the two asked for are the metadata's (gongkai_facets)
    assert not r.json().get("suggested_facets")  # suggest_facets is off
    html = server.get(f"/gongkai/{table}", params=params)
    assert html.status_code == 200
    assert '<html lang="zh-CN">' in html.text
    assert server.get(f"/gongkai/{table}.csv", params=[("_size", "5")]).status_code == 200


def test_row_pages(server):
    notice = server.get("/gongkai/notices.json", params={"_size": 1, "_shape": "objects"}).json()["rows"][0]
    r = server.get(f"/gongkai/notices/{notice['version_id']}.json")
    assert r.status_code == 200
    assert r.json()["rows"]
    assert server.get(f"/gongkai/notices/{notice['version_id']}").status_code == 200
    project = server.get("/gongkai/projects.json", params={"_size": 1, "_shape": "objects"}).json()["rows"][0]
    assert server.get(f"/gongkai/projects/{project['project_id']}.json").status_code == 200


@pytest.mark.parametrize(("query", "title"), [("土地使用权", LAND_TITLE), ("採購 臺北路", TRAD_TITLE), ("矿", None),
                                              ("gongkai数据科技", TRAD_TITLE)])
def test_datasette_search_segments_chinese(server, query, title):
    r = server.get("/gongkai/notices.json", params={"_search": query, "_shape": "objects", "_size": 100})
    assert r.status_code == 200
    rows = r.json()["rows"]
    assert rows
    if title:
        assert title in {row["title"] for row in rows}
    html = server.get("/gongkai/notices", params={"_search": query})
    assert f'value="{html_escape(query)}"' in html.text  # the box shows what was typed, not the FTS expression


def test_search_route_json_html_and_feed(server):
    r = server.get("/-/search.json", params={"q": "采购", "size": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] > 5
    assert len(body["results"]) == 5
    assert body["facets"]["kind"]
    assert body["results"][0]["url"].startswith("/site/")
    page2 = server.get("/-/search.json", params={"q": "采购", "size": 5, "page": 2}).json()
    assert not {h["id"] for h in body["results"]} & {h["id"] for h in page2["results"]}
    html = server.get("/-/search", params={"q": FULLWIDTH_COMPANY})
    assert html.status_code == 200
    assert TRAD_TITLE in html.text
    assert '<html lang="zh-CN">' in html.text
    feed = server.get("/-/search.atom", params={"q": "采购"})
    assert feed.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    assert all(e.id.startswith("tag:") for e in parsed.entries)
    dates = [e.updated_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("q", ['"土地', "OR", "土地 OR", "-", "x" * 10_000, "", "a\x01"])
def test_bad_queries_are_400_with_a_message(server, q):
    r = server.get("/-/search.json", params={"q": q})
    assert r.status_code == 400
    assert r.json()["error"]
    html = server.get("/-/search", params={"q": q})
    assert html.status_code in (200, 400)
    assert html.status_code != 500
    assert server.get("/-/search.atom", params={"q": q}).status_code == 400
    assert server.get("/gongkai/notices.json", params={"_search": q}).status_code < 500


def test_search_facet_has_flag(server):
    from models.indicators import REGISTRY

    body = server.get("/-/search.json", params={"flag": "any", "size": 100}).json()
    assert body["total"] > 0
    assert all(r["type"] == "project" and r["flags"] for r in body["results"])
    facet = {f["value"]: f for f in body["facets"]["flag"]}
    assert facet["any"]["count"] == body["total"]
    assert facet["any"]["selected"]
    code = next(v for v in facet if v in REGISTRY)
    one = server.get("/-/search.json", params={"flag": code}).json()
    assert one["total"] == facet[code]["count"]
    assert all(code in {f["code"] for f in r["flags"]} for r in one["results"])
    html = server.get("/-/search", params={"q": "采购"}).text
    assert "风险提示" in html
    assert "有风险提示" in html
    assert "flag=any" in html
    html = server.get("/-/search", params={"flag": code}).text
    assert html_escape(REGISTRY[code].name_zh) in html  # the facet and the hits name the indicator in Chinese
    assert server.get("/-/search.json", params={"flag": "<script>"}).status_code == 400


def test_bad_filters_are_400(server):
    for params in ({"q": "采购", "kind": "x"}, {"q": "采购", "page": "0"}, {"q": "采购", "year": "abc"}):
        assert server.get("/-/search.json", params=params).status_code == 400


@pytest.mark.parametrize("sql", [
    "PRAGMA table_info(notices)",
    "ATTACH DATABASE '/tmp/gongkai-evil.db' AS evil",
    "select 1; drop table notices",
    "insert into meta values ('x', 'y')",
])
def test_hostile_sql_is_refused(server, sql):
    r = server.get("/gongkai.json", params={"sql": sql})
    assert r.status_code == 400
    assert r.json()["ok"] is False


def test_runaway_query_is_stopped_within_the_time_limit(server):
    bomb = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    started = time.monotonic()
    r = server.get("/gongkai.json", params={"sql": bomb})
    elapsed = time.monotonic() - started
    assert r.status_code == 400
    assert r.json()["ok"] is False
    assert "interrupted" in r.text.lower() or "time limit" in r.text.lower()
    assert elapsed < LIMIT_S + 2.0


def test_static_site_is_mounted(server):
    assert server.get("/site/search/index.html").text == "<p>search page</p>"
    escape = server.get("/site/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd")
    assert escape.status_code in (403, 404)
    assert "root:" not in escape.text


_CJK = re.compile(r"[\u4e00-\u9fff]")
_DOCUMENTED = {c for t in TABLES.values() for c in t.get("columns", {})}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_canned_query_answers_on_the_demo_data(server, name):
    """Each canned query returns rows on the demo data; its columns are Chinese or documented columns."""
    r = server.get(f"/gongkai/{name}.json", params={"q": "采购", "buyer": "", "_shape": "objects"})
    body = r.json()
    assert body["rows"], f"{name} returns nothing on the demo data"
    unexplained = [c for c in body["columns"] if not _CJK.search(c) and c not in _DOCUMENTED]
    assert not unexplained, f"{name}: columns neither Chinese nor documented: {unexplained}"
    base = yaml.safe_load((CONFIG_DIR / "metadata.base.yml").read_text(encoding="utf-8"))
    assert "printf" not in base["databases"]["gongkai"]["queries"][name]["sql"]  # yuan via {yuan:…} (yuan_sql)


def test_totals_per_buyer_and_land_price_by_region_name(server):
    rows = server.get("/gongkai/largest_awards_by_buyer.json", params={"buyer": "", "_shape": "array"}).json()
    assert any(r["中标项目数"] >= 2 for r in rows)  # totals, not single awards
    totals = [Decimal(r["中标总额（元）"]) for r in rows]
    assert totals == sorted(totals, reverse=True)
    land = server.get("/gongkai/land_price_per_m2.json", params={"_shape": "array"}).json()
    assert all(_CJK.search(r["省份"]) and not r["省份"].isdigit() for r in land)


def test_a_facet_asked_twice_is_computed_and_shown_once(server):
    """Datasette 0.65 alone answers ``_facet=kind_name`` on a table whose metadata shows it already as
    ``kind_name`` and ``kind_name_2`` (twice the scans); datasette/plugins/gongkai_facets.py drops the repeat."""
    year = server.get("/gongkai/notices.json", params={"_size": "1", "_shape": "array"}).json()[0]["published_year"]
    params = [("_facet", "kind_name"), ("_facet", "province_name"), ("_facet", "notice_type"), ("_facet", "notice_type"),
              ("published_year", str(year)), ("_size", "3")]
    r = server.get("/gongkai/notices.json", params=params)
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    results = body["facet_results"]
    assert set(results) == set(TABLES["notices"]["facets"]) | {"notice_type"}
    assert sum(v["count"] for v in results["kind_name"]["results"]) == body["filtered_table_rows_count"] > 0
    assert all(f"{year}" == str(v["value"]) for v in results["published_year"]["results"])  # the filter still holds
    html = server.get("/gongkai/notices", params=params).text
    assert html.count('data-column="kind_name"') == html.count('data-column="notice_type_name"') >= 1
    # a JSON facet config and other parameters pass through untouched
    r = server.get("/gongkai/notices.json", params=[("_facet", '{"column": "kind_name"}'), ("_size", "1")])
    assert r.status_code == 200


@pytest.mark.parametrize(("table", "facet"), [("projects", "province_name"), ("projects", "status_name"),
                                              ("projects", "kind_name"), ("notices", "notice_type_name"),
                                              ("project_parties", "role_name"), ("flags", "indicator_name"),
                                              ("flags", "status_name")])
def test_facets_show_chinese_names(server, table, facet):
    r = server.get(f"/gongkai/{table}.json", params={"_facet": facet, "_size": "1"})
    values = [str(v["value"]) for v in r.json()["facet_results"][facet]["results"]]
    assert values
    assert all(_CJK.search(v) for v in values), values
    html = server.get(f"/gongkai/{table}", params={"_facet": facet}).text
    assert values[0] in html


def test_datasette_csv_starts_with_a_bom(server):
    for url in ("/gongkai/projects.csv", "/gongkai/repeat_winners_per_buyer.csv"):
        r = server.get(url, params={"_size": "5"})
        assert r.status_code == 200
        assert r.content.startswith(b"\xef\xbb\xbf"), url
        assert int(r.headers.get("content-length", len(r.content))) == len(r.content)


def test_times_read_as_beijing_time(server):
    html = server.get("/gongkai/notices", params={"_size": "3"}).text
    assert "北京时间" in html
