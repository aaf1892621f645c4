"""Search: folding, segmentation, the query language, both engines and the JSON API.

Every test that takes the ``engine`` or ``engine_name`` fixture runs once per search engine
(Whoosh and tantivy, :data:`ENGINES`): one shared suite. The recall set (矿, 土地, 采购,
土地使用权, 採購, a full-width company name, a USCC, a project number) runs against both
engines and the SQLite FTS5 tables Datasette searches: every current notice that contains the
text must be found.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from publish.snapshot import publish
from search_index import QueryError, SearchRequest, open_engine, parse, update_index
from search_index.analyzer import fine_words, tokens
from search_index.fold import fold
from search_index.fts import match_expression
from search_index.web import parse_request, result_json
from tests.test_search_corpus import (
    FULLWIDTH_COMPANY,
    LAND_TITLE,
    PROJECT_NO,
    TRAD_TITLE,
    USCC_LAND,
    build_corpus,
    expected_notices,
)

RECALL = [
    # (query, needles whose containing notices must all be found)
    ("矿", ("矿",)),
    ("土地", ("土地",)),
    ("采购", ("采购", "採購")),
    ("土地使用权", ("土地使用权",)),
    ("採購", ("采购", "採購")),
    ("gongkai数据科技", (FULLWIDTH_COMPANY,)),
    (FULLWIDTH_COMPANY, (FULLWIDTH_COMPANY,)),
    (USCC_LAND, (USCC_LAND,)),
    (USCC_LAND.lower(), (USCC_LAND,)),
    (PROJECT_NO, (PROJECT_NO,)),
]


ENGINES = ("whoosh", "tantivy")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("search")
    db = build_corpus(tmp)
    pub = publish(db, tmp / "published")
    return {"db": db, "published_db": pub.db, "tmp": tmp}


@pytest.fixture(scope="module", params=ENGINES)
def engine(corpus, request):
    """The corpus indexed by each engine in turn (a test taking it runs once per engine)."""
    index = corpus["tmp"] / f"index-{request.param}"
    out = update_index(corpus["db"], index, engine=request.param)
    assert out["mode"] == "full"
    assert out["engine"] == request.param
    e = open_engine(index, request.param)
    yield e
    e.close()


@pytest.fixture(params=ENGINES)
def engine_name(request, monkeypatch) -> str:
    """Each engine in turn, as ``GONGKAI_SEARCH_ENGINE`` (for tests that build their own index)."""
    monkeypatch.setenv("GONGKAI_SEARCH_ENGINE", request.param)
    return request.param


def all_notice_ids(engine, query: str, **kw) -> set[str]:
    found: set[str] = set()
    page = 1
    while True:
        res = engine.search(SearchRequest(query, doctypes=("notice",), size=100, page=page, facets=False, **kw))
        found |= {h.id for h in res.hits}
        if page >= res.pages:
            return found
        page += 1


# -- folding and segmentation ------------------------------------------------------------------
def test_fold_traditional_fullwidth_and_case_keeping_length():
    assert fold("採購項目") == "采购项目"
    assert fold("ＡＢＣ１２３　科技") == "abc123 科技"
    assert fold("USCC 91110000600037341L") == "uscc 91110000600037341l"
    s = "臺灣土地使用權ＸＹＺ（２０２５）İ"
    assert len(fold(s)) == len(s)


def test_positions_are_sequential_and_subwords_share_them():
    toks = tokens("中华人民共和国土地使用权出让")
    pos = {t: p for t, p in toks}
    assert pos["中华人民共和国"] == pos["人民"] == pos["共和国"] == 0
    assert pos["土地"] == 1
    assert pos["使用权"] == 2
    assert pos["出让"] == 3
    assert fine_words("建设用地") == ["建设", "用地"]


def test_identifiers_keep_whole_and_parts():
    toks = [t for t, _ in tokens("项目编号：FTKA2025-G1-001936-CGZX")]
    assert "ftka2025-g1-001936-cgzx" in toks
    assert "001936" in toks
    assert "cgzx" in toks


# -- the query language ------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "message"), [
    ('"土地 出让', "unbalanced quote"),
    ("OR", "OR must stand"),
    ("土地 OR", "OR must stand"),
    ("OR 土地", "OR must stand"),
    ("土地 OR OR 出让", "OR must stand"),
    ("-", "lone '-'"),
    ("土地 - 出让", "lone '-'"),
    ("-土地", "only exclude"),
    ("", "empty"),
    ("   ", "empty"),
    ("，。！", "no words"),
    ("土" * 10_000, "too long"),
    ("a\x00b", "control"),
    (" ".join(f"词{i}" for i in range(20)), "too many terms"),
])
def test_bad_queries_raise_with_a_message(query, message):
    with pytest.raises(QueryError, match=message):
        parse(query)


def test_query_forms():
    p = parse('采矿权 OR 探矿权 -划拨 "国有 建设用地"')
    assert len(p.clauses) == 3
    assert [t.text for t in p.clauses[0]] == ["采矿权", "探矿权"]
    assert p.clauses[1][0].negated
    assert parse(USCC_LAND).clauses[0][0].identifier


# -- recall: Whoosh and FTS5 -----------------------------------------------------------------------
@pytest.mark.parametrize(("query", "needles"), RECALL, ids=[q[:12] for q, _ in RECALL])
def test_recall_engine(corpus, engine, query, needles):
    expected = expected_notices(corpus["db"], *needles)
    assert expected
    found = all_notice_ids(engine, query)
    assert expected <= found, f"missing {len(expected - found)} of {len(expected)}"


@pytest.mark.parametrize(("query", "needles"), RECALL, ids=[q[:12] for q, _ in RECALL])
def test_recall_fts5(corpus, query, needles):
    expected = expected_notices(corpus["db"], *needles)
    conn = sqlite3.connect(corpus["published_db"])
    found = {r[0] for r in conn.execute(
        "SELECT n.notice_id FROM notices_fts JOIN notices n ON n.rowid = notices_fts.rowid "
        "WHERE notices_fts MATCH ? AND n.superseded_at IS NULL", (match_expression(query),))}
    assert expected <= found, f"missing {len(expected - found)} of {len(expected)}"


def test_precision_of_recall_records(engine):
    assert [h.title for h in engine.search(SearchRequest(USCC_LAND, doctypes=("notice",))).hits] == [LAND_TITLE]
    res = engine.search(SearchRequest("採購 臺北路"))
    assert TRAD_TITLE in {h.title for h in res.hits}
    assert res.total <= 3


def test_phrase_and_exclusion(engine):
    both = all_notice_ids(engine, "土地 使用权")
    phrase = all_notice_ids(engine, '"土地使用权"')
    assert phrase
    assert phrase <= both
    assert not all_notice_ids(engine, "土地使用权 -工业用地") & all_notice_ids(engine, "工业用地")


def test_highlight_marks_folded_matches(engine):
    hit = next(h for h in engine.search(SearchRequest("采购 臺北路")).hits if h.title == TRAD_TITLE)
    assert ("採購", True) in hit.title_marked


# -- filters, facets, sorting, paging ------------------------------------------------------------
def test_filters_and_facets(engine):
    all_ = engine.search(SearchRequest("采购", size=5))
    kinds = dict(all_.facets["kind"])
    assert sum(n for _v, n in all_.facets["doctype"]) == all_.total
    only = engine.search(SearchRequest("采购", kinds=("procurement",), size=5))
    assert only.total == kinds["procurement"]
    assert {h.kind for h in only.hits} == {"procurement"}
    fujian = engine.search(SearchRequest("采购", provinces=("350000",)))
    assert fujian.total >= 1
    assert {h.province_code for h in fujian.hits} == {"350000"}


def test_sort_by_date_and_amount(engine):
    by_date = engine.search(SearchRequest("采购", sort="date", size=50, facets=False)).hits
    dates = [h.published_at for h in by_date]
    assert dates == sorted(dates, reverse=True)
    by_amount = engine.search(SearchRequest("采购", sort="amount", size=50, doctypes=("project",), facets=False)).hits
    amounts = [h.amount_fen or 0 for h in by_amount]
    assert amounts == sorted(amounts, reverse=True)
    assert amounts[0] > 0


def test_paging_is_disjoint_and_complete(engine):
    total = engine.search(SearchRequest("采购", size=1, facets=False)).total
    seen: list[str] = []
    for page in range(1, -(-total // 40) + 1):
        seen += [h.key for h in engine.search(SearchRequest("采购", size=40, page=page, facets=False)).hits]
    assert len(seen) == len(set(seen)) == total


def test_bad_paging_is_a_query_error(engine):
    with pytest.raises(QueryError):
        engine.search(SearchRequest("采购", size=1000))
    with pytest.raises(QueryError):
        engine.search(SearchRequest("采购", page=500, size=100))


# -- the JSON API (without HTTP; the HTTP layer is tested in test_datasette.py) --------------------
def test_json_shape(engine):
    req = parse_request({"q": ["采购"], "kind": ["procurement"], "size": ["3"], "page": ["2"]})
    body = result_json(engine.search(req), req)
    assert body["ok"] is True
    assert body["page"] == 2
    assert body["size"] == 3
    assert len(body["results"]) == 3
    hit = body["results"][0]
    for key in ("type", "id", "project_id", "kind", "kind_label", "title", "title_html", "snippet_html",
                "published_at", "amount_fen", "amount_yuan", "url", "data_url"):
        assert key in hit
    assert hit["url"].startswith("/site/")
    assert body["links"]["prev"]
    assert body["links"]["atom"].startswith("/-/search.atom?")
    assert {f["value"] for f in body["facets"]["kind"]} == {"procurement"}


@pytest.mark.parametrize("args", [
    {"q": [""]}, {"q": ['"abc']}, {"q": ["x" * 10_000]}, {"q": ["采购"], "kind": ["nuclear"]},
    {"q": ["采购"], "page": ["0"]}, {"q": ["采购"], "size": ["1000"]}, {"q": ["采购"], "year": ["abc"]},
    {"q": ["采购"], "region": ["火星省"]}, {"q": ["采购"], "sort": ["random"]}, {"q": ["采购"], "type": ["x"]},
    {"q": ["采购"], "flag": ["X-NOPE"]}, {"flag": ["yes"]},
])
def test_bad_requests_are_query_errors(args):
    with pytest.raises(QueryError):
        parse_request(args)


def test_html_in_data_is_escaped_in_json(engine):
    req = parse_request({"q": ["采购"]})
    for hit in result_json(engine.search(req), req)["results"]:
        assert "<script" not in hit["title_html"]
        assert "<script" not in hit["snippet_html"]


# -- red flags: the "flag" filter and facet ----------------------------------------------------------
def flagged_in_db(db: Path) -> dict[str, set[str]]:
    """Indicator code → the projects it flags, read from the store (the truth the index must match)."""
    conn = sqlite3.connect(db)
    try:
        out: dict[str, set[str]] = {}
        for pid, code in conn.execute("SELECT project_id, indicator FROM flags WHERE status = 'flagged'"):
            out.setdefault(code, set()).add(pid)
        return out
    finally:
        conn.close()


def all_ids(engine, req: SearchRequest) -> set[str]:
    found: set[str] = set()
    for page in range(1, 100):
        res = engine.search(SearchRequest(**{**req.__dict__, "page": page, "size": 100, "facets": False}))
        found |= {h.id for h in res.hits}
        if page >= res.pages:
            break
    return found


def test_flag_filter_and_facet_match_the_store(corpus, engine):
    truth = flagged_in_db(corpus["db"])
    flagged = set().union(*truth.values())
    assert flagged, "the demo data has flagged projects"
    conn = sqlite3.connect(corpus["db"])
    n_projects = conn.execute("SELECT count(*) FROM projects").fetchone()[0]
    conn.close()
    assert all_ids(engine, SearchRequest("", flags=("any",))) == flagged  # projects only: notices carry no flags
    assert engine.search(SearchRequest("", flags=("none",))).total == n_projects - len(flagged)
    code = max(truth, key=lambda c: len(truth[c]))
    assert all_ids(engine, SearchRequest("", flags=(code,))) == truth[code]
    facet = dict(engine.search(SearchRequest("", doctypes=("project",))).facets["flag"])
    assert facet == {"any": len(flagged), "none": n_projects - len(flagged), **{c: len(v) for c, v in truth.items()}}
    # with words: the facet counts the matching projects only, and a hit carries its flags
    res = engine.search(SearchRequest("采购", flags=("any",), size=100))
    assert res.hits
    assert all(set(h.flags) & set(truth) and h.id in flagged for h in res.hits)


def test_flag_argument_in_the_web_api(engine):
    from models.indicators import REGISTRY

    req = parse_request({"flag": ["any"], "size": ["5"]})  # a filter alone lists the flagged projects
    body = result_json(engine.search(req), req)
    assert body["filters"]["flag"] == ["any"]
    assert body["results"]
    assert all(r["flags"] for r in body["results"])
    labels = {f["value"]: f["label"] for f in body["facets"]["flag"]}
    assert labels["any"] == "有风险提示"
    codes = [v for v in labels if v in REGISTRY]
    assert codes
    assert all(labels[c] == REGISTRY[c].name_zh for c in codes)
    code = codes[0]
    both = parse_request({"flag": ["any", code, code]})
    assert both.flags == ("any", code)
    link = next(f["url"] for f in body["facets"]["flag"] if f["value"] == code)
    assert "flag=any" in link
    assert f"flag={code}" in link


def test_a_changed_flag_is_reindexed_incrementally(corpus, tmp_path, engine_name):
    import shutil

    db = tmp_path / "g.db"
    shutil.copy(corpus["db"], db)
    assert update_index(db, tmp_path / "ix")["mode"] == "full"
    conn = sqlite3.connect(db)
    pid, code = conn.execute(
        "SELECT project_id, indicator FROM flags f WHERE status = 'clear' AND NOT EXISTS (SELECT 1 FROM flags g"
        " WHERE g.project_id = f.project_id AND g.status = 'flagged') ORDER BY project_id, indicator").fetchone()
    e = open_engine(tmp_path / "ix")
    try:
        before = dict(e.search(SearchRequest("", doctypes=("project",))).facets["flag"])
    finally:
        e.close()
    with conn:  # as the indicator engine writes a changed result (the change feed's trigger records it)
        conn.execute("UPDATE flags SET status = 'flagged' WHERE project_id = ? AND indicator = ?", (pid, code))
    conn.close()
    out = update_index(db, tmp_path / "ix")
    assert out["mode"] == "incremental"
    assert out["added"] == 1  # only that project's document
    e = open_engine(tmp_path / "ix")
    try:
        after = dict(e.search(SearchRequest("", doctypes=("project",))).facets["flag"])
        assert pid in all_ids(e, SearchRequest("", flags=(code,)))
    finally:
        e.close()
    assert after["any"] == before["any"] + 1
    assert after["none"] == before["none"] - 1
    assert after[code] == before.get(code, 0) + 1


# -- incremental update -------------------------------------------------------------------------------
def test_incremental_update_replaces_changed_documents(tmp_path, engine_name):
    from collectors.submit import submit
    from models.codelists import Kind
    from store.db import Store
    from tests.conftest import write_csv
    from tests.test_search_corpus import LAND

    db = tmp_path / "g.db"
    store = Store(db)
    store.init()
    headers, rows = LAND
    submit(store, write_csv(tmp_path / "a.csv", headers, rows), kind=Kind.land, agency="永安市自然资源局")
    first = update_index(db, tmp_path / "ix")
    assert first["mode"] == "full"
    assert first["documents"] == 2
    assert update_index(db, tmp_path / "ix")["mode"] == "unchanged"  # nothing new: nothing re-indexed
    changed = [[*rows[0][:-1], "本宗地块已改为<script>alert(1)</script>挂牌方式出让。"]]
    submit(store, write_csv(tmp_path / "b.csv", headers, changed), kind=Kind.land, agency="永安市自然资源局")
    store.close()
    out = update_index(db, tmp_path / "ix")
    assert out["mode"] == "incremental"
    assert out["documents"] == 2
    e = open_engine(tmp_path / "ix")
    try:
        assert e.search(SearchRequest("挂牌方式", doctypes=("notice",))).total == 1
        assert e.search(SearchRequest("协议方式", doctypes=("notice",))).total == 0  # the old version is gone
        assert e.segment_count() <= 3
    finally:
        e.close()


def test_missing_index_is_a_clear_error(tmp_path, engine_name):
    with pytest.raises(FileNotFoundError, match="gongkai index"):
        open_engine(tmp_path / "nothing")


def test_switching_engines_rebuilds_and_a_bad_name_is_refused(corpus, tmp_path, monkeypatch):
    import shutil

    db = tmp_path / "g.db"
    shutil.copy(corpus["db"], db)
    first = update_index(db, tmp_path / "ix", engine="whoosh")
    assert first["mode"] == "full"
    assert update_index(db, tmp_path / "ix", engine="whoosh")["mode"] == "unchanged"
    monkeypatch.setenv("GONGKAI_SEARCH_ENGINE", "tantivy")
    switched = update_index(db, tmp_path / "ix")  # the state records the engine: another one rebuilds
    assert switched["mode"] == "full"
    assert switched["engine"] == "tantivy"
    assert switched["documents"] == first["documents"]
    with pytest.raises(FileNotFoundError, match="gongkai index"):
        open_engine(tmp_path / "ix", "whoosh")  # the whoosh index is gone: no stale results
    e = open_engine(tmp_path / "ix")
    try:
        assert e.search(SearchRequest(USCC_LAND, doctypes=("notice",))).total == 1
    finally:
        e.close()
    monkeypatch.setenv("GONGKAI_SEARCH_ENGINE", "lucene")
    with pytest.raises(ValueError, match="GONGKAI_SEARCH_ENGINE='lucene'.*whoosh, tantivy"):
        open_engine(tmp_path / "ix")


# -- the command line ---------------------------------------------------------------------------------
def test_cli_index_and_search(tmp_path, monkeypatch, engine_name):
    import json

    from click.testing import CliRunner

    from gongkai.cli import cli

    db = build_corpus(tmp_path)
    monkeypatch.delenv("GONGKAI_INDEX", raising=False)
    runner = CliRunner()
    out = runner.invoke(cli, ["--db", str(db), "index", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["mode"] == "full"
    assert (tmp_path / "search-index").is_dir()
    found = runner.invoke(cli, ["--db", str(db), "search", "採購 臺北路", "--json"])
    assert found.exit_code == 0
    assert TRAD_TITLE in {r["title"] for r in json.loads(found.output)["results"]}
    text = runner.invoke(cli, ["--db", str(db), "search", "土地使用权", "--kind", "land"])
    assert text.exit_code == 0
    assert "永安市国有土地使用权" in text.output
    bad = runner.invoke(cli, ["--db", str(db), "search", '"土地'])
    assert bad.exit_code == 1
    assert "unbalanced quote" in bad.output
