"""Facet counts counted once per publish (``facet_counts``, issue 11 §3) and answered by
``datasette/plugins/gongkai_facets.py`` for a whole table or one equality filter, with Datasette
started for real over a published snapshot of the test corpus: the counts are those of the rows,
the answer has Datasette's own shape, and every other request is Datasette's own facet."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import httpx
import pytest

from gongkai.serve import free_port, start, wait_ready
from publish.metadata import CONFIG_DIR, build_metadata
from publish.snapshot import publish
from tests.test_search_corpus import build_corpus

_spec = importlib.util.spec_from_file_location("gongkai_facets", CONFIG_DIR / "plugins" / "gongkai_facets.py")
plugin = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(plugin)
counted_rows = plugin.counted_rows
TABLES = build_metadata()["databases"]["gongkai"]["tables"]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("facets")
    return publish(build_corpus(tmp), tmp / "published").directory


def serve(directory: Path, tmp: Path):
    site = tmp / "site"
    site.mkdir(exist_ok=True)
    port = free_port()
    proc = start(directory, site_dir=site, index_dir=tmp / "no-index", port=port, quiet=True)
    wait_ready("127.0.0.1", port, proc=proc)
    return proc, httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)


@pytest.fixture(scope="module")
def server(snapshot, tmp_path_factory):
    proc, client = serve(snapshot, tmp_path_factory.mktemp("served"))
    try:
        yield client
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)


def rows_of(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def shape(result: dict) -> tuple:
    """A facet's answer without its URLs and selections (they follow the request's own parameters)."""
    return (result["name"], result["type"], result["hideable"], result["truncated"],
            [(v["value"], v["label"], v["count"]) for v in result["results"]])


@pytest.mark.parametrize(("sql", "params", "expected"), [
    ("select rowid, a, b from notices ", [], ("notices", "", "")),
    ("select a, b from notices where published_year = :p0 ", {"p0": "2024"}, ("notices", "published_year", "2024")),
    ('select a, b from notices where "published_year" = :p0 ', {"p0": "2024"}, ("notices", "published_year", "2024")),
    ("select a from notices where published_year = :p0 and kind = :p1 ", {"p0": "2024", "p1": "x"}, None),
    ("select a from notices where published_year > :p0 ", {"p0": "2024"}, None),
    ("select a from notices where rowid in (select rowid from notices_fts where notices_fts match :search) ",
     {"search": "x"}, None),
    ("select a from notices where published_year = :p0 ", {"p0": "2024", "extra": 1}, None),
])
def test_only_a_whole_table_or_one_equality_filter_is_counted(sql, params, expected):
    assert counted_rows(sql, params) == expected


@pytest.mark.parametrize("table", sorted(t for t, m in TABLES.items() if m.get("facets")))
def test_counts_are_those_of_the_rows(snapshot, table):
    db = snapshot / "gongkai.db"
    facets = TABLES[table]["facets"]
    for facet in facets:
        truth = Counter(dict(rows_of(db, f"SELECT {facet}, count(*) FROM {table} WHERE {facet} IS NOT NULL"
                                     f" GROUP BY {facet}")))
        assert dict(rows_of(db, "SELECT value, count FROM facet_counts WHERE tbl = ? AND filter_column = ''"
                                " AND facet = ?", (table, facet))) == truth
        for by in facets:
            some = rows_of(db, f"SELECT DISTINCT {by} FROM {table} WHERE {by} IS NOT NULL LIMIT 3")
            for (value,) in some:
                truth = dict(rows_of(db, f"SELECT {facet}, count(*) FROM {table} WHERE {by} = ? AND {facet}"
                                         f" IS NOT NULL GROUP BY {facet}", (value,)))
                assert dict(rows_of(db, "SELECT value, count FROM facet_counts WHERE tbl = ? AND filter_column = ?"
                                        " AND filter_value = ? AND facet = ?", (table, by, str(value), facet))) == truth


def test_the_counted_answer_is_datasettes_own(server, snapshot):
    """The issue's request (two facets, filtered by year) against the same rows asked in a way the
    counts do not answer (a range of one year): Datasette's own ColumnFacet computes that one."""
    year = rows_of(snapshot / "gongkai.db", "SELECT published_year FROM notices GROUP BY 1 ORDER BY count(*) DESC")[0][0]
    facets = [("_facet", "kind_name"), ("_facet", "province_name"), ("_facet", "notice_type"), ("_size", "2")]
    counted = server.get("/gongkai/notices.json", params=[*facets, ("published_year", str(year))]).json()
    scanned = server.get("/gongkai/notices.json", params=[*facets, ("published_year__gte", str(year)),
                                                          ("published_year__lte", str(year))]).json()
    assert counted["filtered_table_rows_count"] == scanned["filtered_table_rows_count"] > 0
    assert list(counted["facet_results"]) == list(scanned["facet_results"])  # the same facets, in the same order
    assert [shape(r) for r in counted["facet_results"].values()] == [shape(r) for r in scanned["facet_results"].values()]
    # a value clicked is shown selected, and its link removes the filter
    year_facet = counted["facet_results"]["published_year"]["results"]
    assert [v["selected"] for v in year_facet] == [True]
    assert "published_year=" not in year_facet[0]["toggle_url"]
    kind = counted["facet_results"]["kind_name"]["results"][0]
    assert f"published_year={year}" in kind["toggle_url"]
    assert "kind_name=" in kind["toggle_url"]
    html = server.get("/gongkai/notices", params=[*facets, ("published_year", str(year))])
    assert html.status_code == 200
    assert html.text.count('data-column="kind_name"') >= 1


def test_counts_are_read_from_the_table_and_not_counted_again(snapshot, tmp_path):
    """A copy whose facet_counts says otherwise answers what it says: the rows are not scanned.
    A filter the table does not count (a value written as 2024.0) is scanned as before."""
    copy = tmp_path / "snapshot"
    shutil.copytree(snapshot, copy)
    db = copy / "gongkai.db"
    db.chmod(0o644)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE facet_counts SET count = count * 1000 WHERE tbl = 'notices'")
    conn.commit()
    conn.close()
    year = rows_of(db, "SELECT published_year FROM notices LIMIT 1")[0][0]
    proc, client = serve(copy, tmp_path)
    try:
        for params in ([], [("published_year", str(year))]):
            body = client.get("/gongkai/notices.json", params=[*params, ("_size", "1")]).json()
            total = sum(v["count"] for v in body["facet_results"]["kind_name"]["results"])
            assert total == 1000 * body["filtered_table_rows_count"]
        body = client.get("/gongkai/notices.json", params=[("published_year", f"{year}.0"), ("_size", "1")]).json()
        assert sum(v["count"] for v in body["facet_results"]["kind_name"]["results"]) == body["filtered_table_rows_count"]
        assert list(body["facet_results"]) == TABLES["notices"]["facets"]  # each facet once: Datasette's are off
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)
