"""Red flags as Datasette publishes them (issue 10 §3): the ``flags`` table with its names, the
indicators' label table, ``projects.flag_count``, and the canned flag-rate queries, checked against
what the store holds (the demo data and the recall records, published as ``gongkai publish`` does)."""

from __future__ import annotations

import re
import sqlite3
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from models.indicators import REGISTRY, STATUS_LABELS
from publish.metadata import build_metadata
from publish.snapshot import publish
from tests.test_search_corpus import build_corpus

QUERIES = build_metadata()["databases"]["gongkai"]["queries"]
FLAG_QUERIES = ("flag_rates_by_buyer", "flag_rates_by_region", "flag_rates_by_year", "flagged_projects")
BUYER_ROLES = ("buyer", "tenderer", "grantor", "transferor")


@pytest.fixture(scope="module")
def dbs(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("flags")
    db = build_corpus(tmp)
    return {"live": db, "snapshot": publish(db, tmp / "published").db}


def run(db: Path, name: str, **params: str) -> list[sqlite3.Row]:
    sql = QUERIES[name]["sql"]
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, {p: params.get(p, "") for p in re.findall(r":(\w+)", sql)}).fetchall()
    finally:
        conn.close()


def live(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_flags_carry_chinese_names_and_the_indicators_are_described(dbs):
    conn = sqlite3.connect(dbs["snapshot"])
    try:
        rows = conn.execute("SELECT indicator, indicator_name, status, status_name FROM flags").fetchall()
        labels = {r[0]: r[1:] for r in conn.execute(
            "SELECT indicator, name, name_en, definition, definition_en, basis FROM label_indicators")}
    finally:
        conn.close()
    assert rows
    for code, name, status, status_name in rows:
        assert name == REGISTRY[code].name_zh
        assert status_name == next(zh for s, (zh, _en) in STATUS_LABELS.items() if s.value == status)
    assert set(labels) == set(REGISTRY)
    for code, (name, name_en, definition, definition_en, basis) in labels.items():
        ind = REGISTRY[code]
        assert (name, name_en, definition, definition_en, basis) == (
            ind.name_zh, ind.name_en, ind.definition_zh, ind.definition_en, ind.basis)


def test_flag_count_is_the_number_of_flagged_indicators(dbs):
    truth = Counter(pid for (pid,) in live(dbs["live"], "SELECT project_id FROM flags WHERE status = 'flagged'"))
    conn = sqlite3.connect(dbs["snapshot"])
    try:
        got = dict(conn.execute("SELECT project_id, flag_count FROM projects").fetchall())
    finally:
        conn.close()
    assert truth
    assert got == {pid: truth.get(pid, 0) for pid in got}


def test_rates_by_buyer_count_projects_and_flagged_projects(dbs):
    projects: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for party, name, pid in live(dbs["live"], "SELECT party_id, name, project_id FROM project_parties WHERE role IN"
                                 f" ({', '.join(repr(r) for r in BUYER_ROLES)})"):
        projects[party].add(pid)
        names[party] = max(names.get(party, name), name)
    flagged = {pid for (pid,) in live(dbs["live"], "SELECT project_id FROM flags WHERE status = 'flagged'")}
    rows = run(dbs["snapshot"], "flag_rates_by_buyer")  # at least 3 projects when left empty
    expected = {names[p]: (len(v), len(v & flagged)) for p, v in projects.items() if len(v) >= 3}
    assert rows, "the demo data has buyers with 3 or more projects"
    assert {r["采购人"]: (r["项目数"], r["有风险提示的项目数"]) for r in rows} == expected
    assert all(not r["采购人"].startswith(("name-", "9")) for r in rows)  # names, not party ids
    rates = [r["风险提示率（%）"] for r in rows]
    assert rates == sorted(rates, reverse=True)
    assert all(r["风险提示率（%）"] == round(100 * r["有风险提示的项目数"] / r["项目数"], 1) for r in rows)
    assert len(run(dbs["snapshot"], "flag_rates_by_buyer", min_projects="1")) == len(projects) > len(rows)
    assert run(dbs["snapshot"], "flag_rates_by_buyer", min_projects="100000") == []


@pytest.mark.parametrize("name", ["flag_rates_by_region", "flag_rates_by_year"])
def test_rates_by_region_and_year_add_up_to_every_project(dbs, name):
    total = live(dbs["live"], "SELECT count(*) FROM projects")[0][0]
    flagged = live(dbs["live"], "SELECT count(DISTINCT project_id) FROM flags WHERE status = 'flagged'")[0][0]
    rows = run(dbs["snapshot"], name)
    assert sum(r["项目数"] for r in rows) == total
    assert sum(r["有风险提示的项目数"] for r in rows) == flagged > 0
    if name == "flag_rates_by_region":
        assert all(re.search(r"[\u4e00-\u9fff]", r["省份"]) for r in rows)  # names, not codes


def test_flagged_projects_lists_every_flag_with_its_reason(dbs):
    truth = set(live(dbs["live"], "SELECT project_id, indicator, why_zh FROM flags WHERE status = 'flagged'"))
    rows = run(dbs["snapshot"], "flagged_projects")
    assert {(r["project_id"], r["indicator"], r["说明"]) for r in rows} == truth
    assert all(r["风险指标"] == REGISTRY[r["indicator"]].name_zh and r["项目"] and r["领域"] for r in rows)


@pytest.mark.parametrize("name", FLAG_QUERIES)
def test_flag_queries_are_fast_and_use_indexes(dbs, name):
    conn = sqlite3.connect(f"file:{dbs['snapshot']}?mode=ro", uri=True)
    sql = QUERIES[name]["sql"]
    params = {p: "" for p in re.findall(r":(\w+)", sql)}
    try:
        plan = " / ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        times = []
        for _ in range(20):
            started = time.perf_counter()
            conn.execute(sql, params).fetchall()
            times.append(time.perf_counter() - started)
    finally:
        conn.close()
    assert "USING INDEX" in plan, plan
    assert not re.search(r"SCAN (f|flags)\b(?! USING)", plan), plan  # flags is never read whole
    assert sorted(times)[18] < 0.25  # p95 on the demo data


def test_flagged_projects_walks_projects_by_date_and_stops_at_its_limit(dbs):
    """At 1M notices the query sorted every flagged row before keeping 1,000 (1.5 s time limit, scale
    bench): it walks the projects newest first through projects_last_published instead, and sorts only
    the flags of one date (SQLite's "RIGHT PART OF ORDER BY")."""
    conn = sqlite3.connect(f"file:{dbs['snapshot']}?mode=ro", uri=True)
    try:
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + QUERIES["flagged_projects"]["sql"])]
    finally:
        conn.close()
    assert plan[0] == "SCAN p USING INDEX projects_last_published", plan
    assert "USE TEMP B-TREE FOR RIGHT PART OF ORDER BY" in plan, plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
