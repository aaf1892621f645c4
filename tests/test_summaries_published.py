"""The summary tables a publish counts for the canned queries that would otherwise group every award
per request (issue 11 §3: every canned query < 1 s at 1M; grouping hit the 1.5 s time limit there),
and the bounded ranking of ``search_notices``: each checked against the grouping it replaces, on
the test corpus published as ``gongkai publish`` does."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from publish.metadata import build_metadata
from publish.snapshot import publish
from search_index.fts import match_expression
from tests.test_search_corpus import build_corpus

QUERIES = build_metadata()["databases"]["gongkai"]["queries"]
AWARDS = ("FROM project_parties pp LEFT JOIN projects_procurement pr ON pr.project_id = pp.project_id"
          " LEFT JOIN projects_tender t ON t.project_id = pp.project_id")
# What the two canned queries computed per request before the summary tables (in fen).
TOTALS_PER_REQUEST = (
    "SELECT coalesce(pr.buyer, t.tenderer), p.province_name, count(DISTINCT pp.project_id), count(DISTINCT pp.party_id),"
    f" sum(pp.amount_fen), max(pp.amount_fen) {AWARDS} JOIN projects p ON p.project_id = pp.project_id"
    " WHERE pp.role = 'winner' AND pp.amount_fen IS NOT NULL AND coalesce(pr.buyer, t.tenderer) IS NOT NULL"
    " GROUP BY 1, 2")
REPEATS_PER_REQUEST = (
    "SELECT coalesce(pr.buyer, t.tenderer), max(pp.name), count(DISTINCT pp.project_id), sum(pp.amount_fen)"
    f" {AWARDS} WHERE pp.role = 'winner' AND coalesce(pr.buyer, t.tenderer) IS NOT NULL"
    " GROUP BY coalesce(pr.buyer, t.tenderer), pp.party_id HAVING count(DISTINCT pp.project_id) >= 2")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("summaries")
    return publish(build_corpus(tmp), tmp / "published").db


def query(db: Path, sql: str, params: dict[str, str] | None = None) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params or {}).fetchall()
    finally:
        conn.close()


def canned(db: Path, name: str, **params: str) -> list[sqlite3.Row]:
    sql = QUERIES[name]["sql"]
    return query(db, sql, {p: params.get(p, "") for p in re.findall(r":(\w+)", sql)})


def fen(yuan: str | None) -> int | None:
    return None if yuan is None else int(Decimal(yuan) * 100)


def test_award_totals_are_the_grouping_of_every_award(snapshot):
    truth = {(r[0], r[1]): tuple(r[2:]) for r in query(snapshot, TOTALS_PER_REQUEST)}
    rows = canned(snapshot, "largest_awards_by_buyer")
    assert len(truth) >= 2, "the corpus has awards of several buyers"
    assert {(r["采购人"], r["省份"]): (r["中标项目数"], r["供应商数"], fen(r["中标总额（元）"]), fen(r["最大单笔（元）"]))
            for r in rows} == truth
    totals = [fen(r["中标总额（元）"]) for r in rows]
    assert totals == sorted(totals, reverse=True)
    buyer = rows[0]["采购人"]
    part = buyer[1:3]  # a substring of a name finds it, and only names that contain it
    filtered = canned(snapshot, "largest_awards_by_buyer", buyer=part)
    assert buyer in {r["采购人"] for r in filtered}
    assert all(part in r["采购人"] for r in filtered)


def test_repeat_winners_are_the_grouping_of_every_award(snapshot):
    truth = sorted(tuple(r) for r in query(snapshot, REPEATS_PER_REQUEST))
    rows = canned(snapshot, "repeat_winners_per_buyer")
    assert truth, "the corpus has a winner of two projects of one buyer"
    assert sorted((r["采购人"], r["中标人"], r["中标次数"], fen(r["中标总额（元）"])) for r in rows) == truth
    order = [(r["中标次数"], fen(r["中标总额（元）"]) or 0) for r in rows]
    assert order == sorted(order, reverse=True)


@pytest.mark.parametrize(("name", "table"), [("largest_awards_by_buyer", "buyer_award_totals"),
                                             ("repeat_winners_per_buyer", "repeat_winners")])
def test_summary_queries_read_their_table_in_index_order(snapshot, name, table):
    sql = QUERIES[name]["sql"]
    plan = " / ".join(r[3] for r in query(snapshot, "EXPLAIN QUERY PLAN " + sql,
                                           {p: "" for p in re.findall(r":(\w+)", sql)}))
    assert f"SCAN {table} USING INDEX {table}_order" in plan, plan
    assert "project_parties" not in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # no sort per request


def test_search_notices_ranks_the_newest_matches_only(snapshot):
    """A common word matches most notices at national scale; ranking all of them hit the time limit
    at 1M. The query ranks the newest 2,000 matches; below that it answers as ranking every match did."""
    sql = QUERIES["search_notices"]["sql"]
    assert "limit 2000" in sql
    everything = ("SELECT n.version_id FROM notices_fts JOIN notices n ON n.rowid = notices_fts.rowid"
                  " WHERE notices_fts MATCH gongkai_fts(:q) ORDER BY notices_fts.rank, notices_fts.rowid DESC LIMIT 200")
    conn = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    conn.create_function("gongkai_fts", 1, match_expression)  # as datasette/plugins/gongkai_search.py does
    try:
        matches = conn.execute("SELECT count(*) FROM notices_fts WHERE notices_fts MATCH gongkai_fts('公告')").fetchone()[0]
        assert 3 < matches < 2000
        assert ([r[0] for r in conn.execute(sql.replace("n.version_id, n.title", "n.version_id --"), {"q": "公告"})]
                == [r[0] for r in conn.execute(everything, {"q": "公告"})])
        capped = sql.replace("limit 2000", "limit 3")  # the same query with a cap below the matches
        newest = {r[0] for r in conn.execute("SELECT rowid FROM notices_fts WHERE notices_fts MATCH gongkai_fts('公告')"
                                              " ORDER BY rowid DESC LIMIT 3")}
        got = conn.execute(capped.replace("n.version_id, n.title", "n.rowid, n.title"), {"q": "公告"}).fetchall()
        assert {r[0] for r in got} == newest
    finally:
        conn.close()
