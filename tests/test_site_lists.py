"""Lists that answer the question (issue 9, points 1, 4 and the buyer page of 8): every list row
shows stage, winners, amount, method, region and date as the store has them; static filter pages
per area for each stage and method; amounts in 万元/亿元 with the exact figure; charts that fit;
a buyer's spending equal to SQL sums over the store; search by filters alone, served for real."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal
from pathlib import Path

import html5lib
import httpx
import pytest

from models.codelists import Kind
from models.kinds import HEADLINE_AMOUNTS
from publish.site import text
from publish.site.build import build
from publish.site.charts import FONT, WIDTH, bar_chart, text_width
from publish.site.pages.listings import filter_path
from publish.site.reader import METHOD_COLUMN, WINNER_ROLES
from store import paths
from tests.test_site import SITE_URL, make_fixture_db


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lists")
    with pytest.MonkeyPatch.context() as mp:
        gen = make_fixture_db(tmp, mp)
        db = next(gen)(2)
        out = tmp / "site"
        build(db, out, site_url=SITE_URL, downloads=False, workers=1)
        conn = sqlite3.connect(db)
        yield out, conn
        conn.close()
        gen.close()


def _tree(path: Path):
    return html5lib.parse(path.read_text(encoding="utf-8"), namespaceHTMLElements=False)


def _text(el) -> str:
    return "".join(el.itertext()).strip()


def _rows(path: Path) -> list:
    return [tr for table in _tree(path).iter("table") if "list" in (table.get("class") or "").split()
            for tr in table.find("tbody").findall("tr")]


def _headline(conn: sqlite3.Connection, project_id: str) -> int | None:
    """The headline amount straight from the store: the first present of HEADLINE_AMOUNTS."""
    kind = Kind(conn.execute("SELECT kind FROM projects WHERE project_id = ?", (project_id,)).fetchone()[0])
    for name in HEADLINE_AMOUNTS[kind]:
        v = conn.execute(f"SELECT {name}_fen FROM projects_{kind.value} WHERE project_id = ?", (project_id,)).fetchone()[0]
        if v is not None:
            return v
    return None


def _expected(conn: sqlite3.Connection, project_id: str) -> dict:
    kind = Kind(conn.execute("SELECT kind FROM projects WHERE project_id = ?", (project_id,)).fetchone()[0])
    status, region = conn.execute("SELECT status, region_name FROM projects WHERE project_id = ?", (project_id,)).fetchone()
    method = conn.execute(f"SELECT {METHOD_COLUMN[kind]} FROM projects_{kind.value} WHERE project_id = ?",
                          (project_id,)).fetchone()[0]
    winners = {r[0] for r in conn.execute(
        f"SELECT name FROM project_parties WHERE project_id = ? AND role IN ({','.join('?' * len(WINNER_ROLES))})",
        (project_id, *WINNER_ROLES))}
    return {"status": status, "region": region, "method": method or "", "winners": winners,
            "amount": _headline(conn, project_id)}


def _project_of(conn: sqlite3.Connection, href: str) -> str:
    name = href.rsplit("/", 1)[1].removesuffix(".html")
    if "/project/" in href or href.startswith("project/"):
        return next(pid for (pid,) in conn.execute("SELECT project_id FROM projects") if paths.slug(pid) == name)
    return next(pid for vid, pid in conn.execute("SELECT version_id, project_id FROM notices") if paths.slug(vid) == name)


@pytest.mark.parametrize("page", ["index.html", "procurement/index.html", "land/index.html", "procurement/2026/index.html",
                                  "region/330000/index.html"])
def test_list_rows_carry_the_stores_answers(site, page):
    out, conn = site
    rows = _rows(out / page)
    assert rows, page
    labels = {"announced": "已公告", "awarded": "已成交", "contracted": "已签约", "terminated": "已终止"}
    seen_amount = seen_winner = False
    for tr in rows:
        cells = tr.findall("td")
        assert len(cells) == 7, page
        href = cells[1].find("a").get("href")
        exp = _expected(conn, _project_of(conn, href))
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", _text(cells[0]))
        if exp["status"] in labels:
            assert _text(cells[2]) == labels[exp["status"]]
        assert {_text(a) for a in cells[3].iter("a")} == exp["winners"]
        amount = cells[4].find("span")
        if exp["amount"] is None:
            assert _text(cells[4]) == "—"
        else:
            assert amount.get("title") == text.money(exp["amount"], fen=True)  # the exact figure
            assert _text(amount) == text.money_short(exp["amount"], fen=True)
            seen_amount = True
        seen_winner |= bool(exp["winners"])
        assert _text(cells[5]) == exp["method"]
        assert _text(cells[6]) == (exp["region"] or "") or page.startswith("region/")
    assert seen_amount or page.startswith(("land/", "region/"))
    assert seen_winner or page != "procurement/index.html"


def test_filter_pages_per_area_list_only_matching_projects(site):
    out, conn = site
    checked = 0
    for kind in Kind:
        col = METHOD_COLUMN[kind]
        for facet, sql in (("stage", "p.status"), ("method", f"k.{col}")):
            for (value,) in conn.execute(f"SELECT DISTINCT {sql} FROM projects p JOIN projects_{kind.value} k"
                                         f" USING (project_id) WHERE {sql} IS NOT NULL"):
                rel = filter_path(kind.value, facet, value)
                assert (out / rel).exists(), rel
                assert (out / "en" / rel).exists(), rel
                listed = {_project_of(conn, tr.findall("td")[1].find("a").get("href")) for tr in _rows(out / rel)}
                expected = {r[0] for r in conn.execute(
                    f"SELECT project_id FROM projects p JOIN projects_{kind.value} k USING (project_id)"
                    f" WHERE {sql} = ?", (value,))}
                assert listed == expected, rel
                assert filter_path(kind.value, facet, value).split("/")[1].encode() in (out / f"{kind.value}/index.html").read_bytes()
                checked += 1
    assert checked >= 6


def test_area_pages_link_to_filter_searches(site):
    out, _conn = site
    data = (out / "procurement/index.html").read_text(encoding="utf-8")
    assert 'href="../../-/search?doctype=project&amp;kind=procurement&amp;sort=amount"' in data
    assert "href=\"/" not in data


def test_buyer_page_totals_are_sql_sums(site):
    out, conn = site
    buyers = [r[0] for r in conn.execute("SELECT DISTINCT party_id FROM project_parties WHERE role = 'buyer'")]
    assert buyers
    checked_suppliers = 0
    for party_id in buyers:
        pids = [r[0] for r in conn.execute("SELECT DISTINCT project_id FROM project_parties"
                                           " WHERE party_id = ? AND role IN ('buyer', 'tenderer', 'transferor')", (party_id,))]
        total = sum(a for a in (_headline(conn, p) for p in pids) if a is not None)
        tree = _tree(out / paths.party(party_id))
        section = next(s for s in tree.iter("section") if s.get("class") == "spending")
        para = section.find("p")
        assert f"{len(pids)} 个项目" in _text(para)
        assert para.find("span").get("title") == text.money(total, fen=True)
        by_year = next(t for t in section.iter("table") if _text(t.find("caption")) == "按年度")
        years = {}
        for p in pids:
            y = int(conn.execute("SELECT first_year FROM projects WHERE project_id = ?", (p,)).fetchone()[0])
            years[y] = years.get(y, 0) + (_headline(conn, p) or 0)
        for tr in by_year.find("tbody").findall("tr"):
            year = int(_text(tr.find("th")))
            span = tr.findall("td")[2].find("span")
            if int(_text(tr.findall("td")[1])):  # projects with an amount
                assert span.get("title") == text.money(years[year], fen=True)
            else:
                assert _text(span) == "—"
        suppliers = next((t for t in section.iter("table") if "供应商" in _text(t.find("caption"))), None)
        sql = dict(conn.execute(
            "SELECT w.name, sum(w.amount_fen) FROM project_parties w WHERE w.role IN ('winner', 'transferee', 'land_user')"
            " AND w.project_id IN (SELECT project_id FROM project_parties WHERE party_id = ? AND role = 'buyer')"
            " GROUP BY w.party_id", (party_id,)))
        if suppliers is None:
            assert sql == {}
            continue
        checked_suppliers += 1
        for tr in suppliers.find("tbody").findall("tr"):
            name = _text(tr.find("td"))
            span = tr.findall("td")[2].find("span")
            assert span.get("title") == text.money(sql[name], fen=True)
    assert checked_suppliers


def test_a_party_that_never_bought_has_no_spending_section(site):
    out, conn = site
    pid = conn.execute("SELECT party_id FROM project_parties WHERE party_id NOT IN (SELECT party_id FROM project_parties"
                       " WHERE role IN ('buyer', 'tenderer', 'transferor')) LIMIT 1").fetchone()[0]
    assert 'class="spending"' not in (out / paths.party(pid)).read_text(encoding="utf-8")


def test_amounts_in_yi_and_wan_stay_exact():
    assert text.money("3020000000") == "3,020,000,000.00 元（30.2 亿元）"
    assert text.money("100000000") == "100,000,000.00 元（1 亿元）"
    assert text.money("99999999.99") == "99,999,999.99 元（9,999.999999 万元）"
    assert text.money_short("1050955") == "约 105.10 万元"  # rounding said
    assert text.money_short("105000000") == "1.05 亿元"  # exact: no 约
    assert text.money_short("105123456") == "约 1.05 亿元"
    assert text.money_short("12.5") == "12.50 元"
    for v in ("1050955", "105123456", "12345678901234.56"):
        short = text.money_short(v)
        unit = Decimal(100_000_000) if "亿" in short else Decimal(10_000)
        shown = Decimal(short.removeprefix("约 ").split()[0].replace(",", ""))
        assert abs(shown * unit - Decimal(v)) <= unit / 200  # rounded to 0.01 of the unit


def test_chart_labels_fit_the_viewbox_and_are_legible_at_390px():
    values = [123456789012345, 3, 0, 98765432100]
    shown = [text.money_short(v, fen=True) for v in values]
    c = bar_chart("t", ["a", "b"], ["一个很长很长很长很长很长很长很长很长的标签名称", "b", "c", "d"], values, shown,
                  [text.money(v, fen=True) for v in values])
    svg = str(c.svg)
    assert f'viewBox="0 0 {WIDTH} ' in svg
    for m in re.finditer(r'<text class="(\w+)" x="([\d.]+)"[^>]*>([^<]*)</text>', svg):
        assert float(m.group(2)) + text_width(m.group(3)) <= WIDTH, m.group(0)
    assert FONT * (390 - 32) / WIDTH >= 11  # at 390 px (1 rem margins) a label is ≥ 11 px
    assert c.rows[0][1] == text.money(values[0], fen=True)  # the data table keeps the exact figure


# -- search by filters alone, served for real (as tests/test_datasette.py) -------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from gongkai.serve import free_port, start, wait_ready
    from publish.snapshot import publish
    from search_index import update_index
    from tests.test_search_corpus import build_corpus

    tmp = tmp_path_factory.mktemp("search-filters")
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
            yield client, sqlite3.connect(db)
    finally:
        proc.terminate()
        proc.wait(10)


def test_search_with_filters_and_no_words(server):
    client, conn = server
    year = conn.execute("SELECT published_year FROM notices WHERE kind = 'land' GROUP BY 1 ORDER BY count(*) DESC").fetchone()[0]
    r = client.get("/-/search.json", params={"kind": "land", "year": year, "size": 100})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] > 1
    assert {h["kind"] for h in body["results"]} == {"land"}
    dates = [h["published_at"] for h in body["results"]]
    assert dates == sorted(dates, reverse=True)  # no words: newest first
    by_amount = client.get("/-/search.json", params={"kind": "land", "year": year, "sort": "amount", "size": 100}).json()
    amounts = [h["amount_fen"] for h in by_amount["results"] if h["amount_fen"] is not None]
    assert len(amounts) > 1
    assert amounts == sorted(amounts, reverse=True)
    assert by_amount["total"] == body["total"]
    html = client.get("/-/search", params={"kind": "land", "year": year})
    assert html.status_code == 200
    # an amount range and a stage, still without words
    lo = sorted(amounts)[len(amounts) // 2]
    ranged = client.get("/-/search.json", params={"kind": "land", "amount_min": text.money(lo, fen=True).split()[0],
                                                   "doctype": "project", "size": 100}).json()
    assert ranged["results"]
    assert all(h["amount_fen"] >= lo for h in ranged["results"])
    stage = client.get("/-/search.json", params={"stage": "awarded", "doctype": "project", "size": 100}).json()
    assert stage["results"]
    assert {h["status"] for h in stage["results"]} == {"awarded"}
    dated = client.get("/-/search.json", params={"from": "2000-01-01", "to": "2000-01-02"}).json()
    assert dated["total"] == 0
    # a method, still without words: exactly the store's projects of that method
    method = conn.execute("SELECT method FROM projects_procurement WHERE method IS NOT NULL"
                          " GROUP BY 1 ORDER BY count(*) DESC").fetchone()[0]
    n = sum(conn.execute(f"SELECT count(*) FROM projects_{k} WHERE method = ?", (method,)).fetchone()[0]
            for k in ("mining", "procurement", "state_asset", "tender"))
    by_method = client.get("/-/search.json", params={"method": method, "doctype": "project", "size": 100}).json()
    assert by_method["total"] == n
    assert {h["kind"] for h in by_method["results"]} <= {"procurement", "tender"}
    assert client.get("/-/search.json", params={"method": method}).status_code == 200  # a method alone is a filter


@pytest.mark.parametrize("params", [{}, {"sort": "amount"}, {"kind": "land", "amount_min": "abc"},
                                    {"kind": "land", "from": "2025-13-01"}, {"stage": "won"}, {"method": "私下交易"},
                                    {"amount_min": "10", "amount_max": "5"}])
def test_search_without_words_or_with_bad_filters_is_400(server, params):
    client, _conn = server
    r = client.get("/-/search.json", params=params)
    assert r.status_code == 400
    assert r.json()["error"]
