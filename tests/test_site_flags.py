"""Red flags on the site (issue 10): the project panel, the 风险提示 list of each area, the feeds of
newly flagged projects, the counts of party and region pages, the about page's indicator table, and
an incremental build after a flag changes. Every expectation is read from the store with SQL.

The demo data's site is built once (module fixture, ~40 s)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import feedparser
import lxml.html
import pytest

from models.codelists import Kind
from models.indicators import REGISTRY
from publish.site.build import build
from publish.site.lists import region_chain
from publish.site.pages.flags import FLAG_FEED_SIZE, flag_feed_paths
from store import paths
from tests.test_search_corpus import build_corpus
from tests.test_site import make_fixture_db

SITE_URL = "https://gongkai.test/site/"
FLAGGED = "SELECT DISTINCT f.project_id FROM flags f JOIN projects p USING (project_id) WHERE f.status = 'flagged'"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[sqlite3.Connection, Path]]:
    base = tmp_path_factory.mktemp("flags")
    db = build_corpus(base)
    out = base / "site"
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    conn = sqlite3.connect(db)
    yield conn, out
    conn.close()


def page(out: Path, rel: str, lang: str = "zh") -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / (rel if lang == "zh" else f"en/{rel}")).read_bytes())


def words(el: lxml.html.HtmlElement) -> str:
    return " ".join(el.text_content().split())


def project_of(href: str) -> str:
    m = re.search(r"project/([^/]+)\.html$", href)
    assert m, href
    return m.group(1)


def test_project_panel_shows_status_why_and_rule(demo):
    conn, out = demo
    pid, code = conn.execute("SELECT project_id, indicator FROM flags WHERE status = 'flagged'"
                             " ORDER BY indicator = 'P-SINGLE' DESC, project_id LIMIT 1").fetchone()
    rows = conn.execute("SELECT indicator, status, why_zh, why_en FROM flags WHERE project_id = ?", (pid,)).fetchall()
    assert any(s == "insufficient_data" for _c, s, _z, _e in rows) or any(s == "clear" for _c, s, _z, _e in rows)
    for lang in ("zh", "en"):
        doc = page(out, paths.project(pid), lang)
        section = doc.get_element_by_id("flags")
        text = words(section)
        ind = REGISTRY[code]
        assert (ind.name_en if lang == "en" else ind.name_zh) in text
        assert ind.basis.split(";")[0].strip() in text  # the rule's source, in its <details>
        for _c, status, why_zh, why_en in rows:
            if status != "not_applicable":
                assert " ".join((why_en if lang == "en" else why_zh).split()) in text
        # flagged first, then insufficient data, then clear; not applicable only inside a <details>
        heads = [h.get("class") for h in section.xpath(".//h3")]
        order = [c for c in ("flag-flagged", "flag-insufficient_data", "flag-clear") if any(c in h for h in heads)]
        assert [c for h in heads for c in order if c in h] == order
        assert order[0] == "flag-flagged"
        assert not section.xpath(".//h3[contains(@class, 'flag-not_applicable')]")
        assert "used_values" not in text
        assert '{"' not in text
        assert "风险提示是值得再看一眼的理由" in text or "a reason to look, not a finding" in text


def test_area_flag_lists_are_exactly_the_flagged_projects(demo):
    conn, out = demo
    for kind in Kind:
        expected = conn.execute(
            "SELECT f.project_id, max(f.since) FROM flags f JOIN projects p USING (project_id)"
            " WHERE f.status = 'flagged' AND p.kind = ? GROUP BY 1 ORDER BY 2 DESC, 1 DESC", (kind.value,)).fetchall()
        doc = page(out, f"{kind.value}/flags.html")
        listed = [project_of(a.get("href")) for a in doc.xpath("//table[contains(@class, 'flagged')]//tbody/tr/td[2]/a")]
        assert listed == [pid for pid, _since in expected], kind
        # each row names its flagged indicators in words
        for tr in doc.xpath("//table[contains(@class, 'flagged')]//tbody/tr")[:5]:
            pid = project_of(tr.xpath("td[2]/a")[0].get("href"))
            codes = [c for (c,) in conn.execute("SELECT indicator FROM flags WHERE project_id = ? AND status = 'flagged'",
                                                (pid,))]
            for c in codes:
                assert REGISTRY[c].name_zh in words(tr)
        head = page(out, f"{kind.value}/index.html")
        assert any(a.get("href").endswith(f"{kind.value}/flags.html") for a in head.xpath("//p[@class='flags-link']/a")), \
            f"{kind.value}/index.html links its 风险提示 list"
    home = page(out, "index.html")
    assert {a.get("href") for a in home.xpath("//p[@class='flags-link']/a")} == {f"{k.value}/flags.html" for k in Kind}


def _feed_ids(conn: sqlite3.Connection, where: str = "", args: tuple = ()) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT f.project_id FROM flags f JOIN projects p USING (project_id) WHERE f.status = 'flagged'"
        f"{where} GROUP BY 1 ORDER BY max(f.since) DESC, 1 DESC LIMIT ?", (*args, FLAG_FEED_SIZE))]


def test_flag_feeds_parse_newest_first(demo):
    conn, out = demo
    province = conn.execute(FLAGGED + " AND p.province_code IS NOT NULL").fetchone()[0]
    province = conn.execute("SELECT province_code FROM projects WHERE project_id = ?", (province,)).fetchone()[0]
    cases = [("all", _feed_ids(conn))]
    cases += [(f"kind:{k.value}", _feed_ids(conn, " AND p.kind = ?", (k.value,))) for k in Kind]
    cases.append((f"region:{province}", _feed_ids(conn, " AND p.province_code = ?", (province,))))
    for scope, expected in cases:
        atom, rss = flag_feed_paths(scope)
        for rel in (atom, rss):
            parsed = feedparser.parse((out / rel).read_bytes())
            assert not parsed.bozo, (rel, parsed.get("bozo_exception"))
            got = [project_of(e.link) for e in parsed.entries]
            assert got == expected, rel
            times = [e.updated_parsed if "updated_parsed" in e else e.published_parsed for e in parsed.entries]
            assert times == sorted(times, reverse=True)
            for e in parsed.entries[:3]:
                pid = project_of(e.link)
                why = conn.execute("SELECT why_zh FROM flags WHERE project_id = ? AND status = 'flagged'",
                                   (pid,)).fetchone()[0]
                assert why in e.summary
                assert "风险提示" in e.title
    assert len(cases[0][1]) == FLAG_FEED_SIZE or len(cases[0][1]) == len(conn.execute(FLAGGED).fetchall())


def test_about_page_lists_every_indicator(demo):
    _conn, out = demo
    for lang in ("zh", "en"):
        doc = page(out, "about/index.html", lang)
        rows = {r.get("id"): words(r) for r in doc.xpath("//table[contains(@class, 'indicators')]//tbody/tr")}
        assert set(rows) == {f"indicator-{c}" for c in REGISTRY}
        for code, ind in REGISTRY.items():
            row = rows[f"indicator-{code}"]
            assert (ind.name_en if lang == "en" else ind.name_zh) in row
            assert code in row
            assert " ".join((ind.definition_en if lang == "en" else ind.definition_zh).split()) in row
            assert " ".join(ind.basis.split()) in row
            for key in ind.thresholds:
                assert key not in row, f"{code}: the threshold {key} is named in words, not by its key"
        assert "a reason to look, not a finding" in words(doc) if lang == "en" else "不是结论" in words(doc)


def _n(text: str, pattern: str) -> int:
    m = re.search(pattern, text)
    assert m, (pattern, text[:300])
    return int(m.group(1).replace(",", ""))


def test_party_page_counts_are_sql_counts(demo):
    conn, out = demo
    roles = {"buyer": ("buyer", "tenderer", "transferor"), "winner": ("winner", "transferee", "land_user")}

    def count(party: str, which: tuple[str, ...]) -> int:
        return conn.execute(
            "SELECT count(DISTINCT pp.project_id) FROM project_parties pp JOIN flags f USING (project_id)"
            f" WHERE pp.party_id = ? AND f.status = 'flagged' AND pp.role IN ({','.join('?' * len(which))})",
            (party, *which)).fetchone()[0]

    checked = {"buyer": 0, "winner": 0}
    parties = [r[0] for r in conn.execute(
        "SELECT DISTINCT pp.party_id FROM project_parties pp JOIN flags f USING (project_id)"
        " WHERE f.status = 'flagged' ORDER BY 1 LIMIT 40")]
    for party in parties:
        section = page(out, f"party/{paths.slug(party)}/index.html").get_element_by_id("flags")
        text = words(section)
        buyer, winner = count(party, roles["buyer"]), count(party, roles["winner"])
        assert _n(text, r"作为采购人（招标人、转让方）([\d,]+) 个") == buyer
        assert _n(text, r"作为中标人（受让方、土地使用权人）([\d,]+) 个") == winner
        checked["buyer"] += buyer > 0
        checked["winner"] += winner > 0
    assert checked["buyer"], "the demo has buyers with flagged projects"
    assert checked["winner"], "the demo has winners with flagged projects"
    clean = conn.execute("SELECT party_id FROM parties WHERE party_id NOT IN (SELECT pp.party_id FROM project_parties pp"
                         " JOIN flags f USING (project_id) WHERE f.status = 'flagged') LIMIT 1").fetchone()
    if clean:
        doc = page(out, f"party/{paths.slug(clean[0])}/index.html")
        assert not doc.xpath("//*[@id='flags']")


def test_region_page_counts_are_sql_counts(demo):
    conn, out = demo
    by_region: dict[str, dict[str, int]] = {}
    for _pid, kind, region, province in conn.execute(
            "SELECT DISTINCT p.project_id, p.kind, p.region_code, p.province_code FROM flags f"
            " JOIN projects p USING (project_id) WHERE f.status = 'flagged'"):
        for code in region_chain(region, province):
            by_region.setdefault(code, {}).setdefault(kind, 0)
            by_region[code][kind] += 1
    assert by_region
    checked = 0
    for code, expected in sorted(by_region.items())[:30]:
        rel = f"region/{paths.slug(code)}/index.html"
        if not (out / rel).exists():
            continue
        doc = page(out, rel)
        table = doc.xpath("//h2[.='风险提示']/following-sibling::div[1]//table")[0]
        shown = {}
        for tr in table.xpath(".//tbody/tr"):
            kind = {k.value for k in Kind if k.value in tr.xpath("th/a")[0].get("href")}.pop()
            shown[kind] = int(words(tr.xpath("td")[0]).replace(",", ""))
        assert shown == expected, code
        checked += 1
    assert checked >= 10, "provinces, prefectures and counties with flagged projects have region pages"


def _summary(out: Path, version_id: str, lang: str) -> lxml.html.HtmlElement | None:
    found = page(out, paths.notice(version_id), lang).xpath("//p[contains(@class, 'flag-summary')]")
    assert len(found) <= 1
    return found[0] if found else None


def _statuses(conn: sqlite3.Connection, pid: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, status in conn.execute("SELECT indicator, status FROM flags WHERE project_id = ?", (pid,)):
        out.setdefault(status, []).append(code)
    return out


def _versions(conn: sqlite3.Connection, pid: str) -> list[str]:
    return [v for (v,) in conn.execute("SELECT version_id FROM notices WHERE project_id = ? ORDER BY 1", (pid,))]


def test_notice_pages_name_their_projects_flags(demo):
    """Every version's page (superseded ones too) says in words which indicators of its project are
    flagged, links the project's panel, and shows no indicator code."""
    conn, out = demo
    many = conn.execute("SELECT project_id FROM flags WHERE status = 'flagged' GROUP BY 1 HAVING count(*) >= 2"
                        " ORDER BY 1 LIMIT 1").fetchone()
    older = conn.execute("SELECT n.project_id FROM notices n JOIN flags f USING (project_id) WHERE f.status = 'flagged'"
                         " AND n.superseded_at IS NOT NULL ORDER BY 1 LIMIT 1").fetchone()
    assert many, "the demo has projects with two flagged indicators"
    assert older, "the demo has flagged projects with a superseded version"
    for pid in {many[0], older[0]}:
        flagged = _statuses(conn, pid)["flagged"]
        for vid in _versions(conn, pid):
            for lang in ("zh", "en"):
                p = _summary(out, vid, lang)
                assert p is not None, (vid, lang)
                text = words(p)
                for code in flagged:
                    assert (REGISTRY[code].name_en if lang == "en" else REGISTRY[code].name_zh) in text
                    assert code not in text  # words, not codes
                assert f"({len(flagged)})" in text if lang == "en" else f"本项目有 {len(flagged)} 项指标提示" in text
                links = [a.get("href") for a in p.xpath(".//a")]
                assert links
                assert all(h.endswith(f"{paths.project(pid)}#flags") for h in links)
                assert "flag-flagged" in p.get("class")


def test_notice_pages_of_unflagged_projects_say_the_checks_ran(demo):
    conn, out = demo
    pid = conn.execute("SELECT project_id FROM flags GROUP BY 1 HAVING sum(status = 'flagged') = 0"
                       " AND sum(status = 'clear') > 0 AND sum(status = 'insufficient_data') > 0 ORDER BY 1 LIMIT 1"
                       ).fetchone()[0]
    got = _statuses(conn, pid)
    clear, missing = len(got["clear"]), len(got["insufficient_data"])
    vid = _versions(conn, pid)[0]
    zh, en = words(_summary(out, vid, "zh")), words(_summary(out, vid, "en"))
    assert f"无（{clear} 项指标检查未提示，{missing} 项因数据不足无法判断）" in zh
    assert f"checked and clear: {clear}; not checkable for lack of data: {missing}" in en
    assert "flag-flagged" not in _summary(out, vid, "zh").get("class")
    bare = conn.execute("SELECT n.version_id FROM notices n WHERE NOT EXISTS (SELECT 1 FROM flags f"
                        " WHERE f.project_id = n.project_id) LIMIT 1").fetchone()
    if bare:  # a project with no result at all: nothing is said
        assert _summary(out, bare[0], "zh") is None


def test_incremental_build_after_a_flag_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    gen = make_fixture_db(tmp_path, monkeypatch)
    db = next(gen)(1)
    out = tmp_path / "site"
    assert build(db, out, site_url=SITE_URL, workers=1, downloads=False).mode == "full"
    conn = sqlite3.connect(db)
    pid, code, kind = conn.execute("SELECT f.project_id, f.indicator, p.kind FROM flags f JOIN projects p"
                                   " USING (project_id) WHERE f.status != 'flagged' ORDER BY 1, 2 LIMIT 1").fetchone()
    party = conn.execute("SELECT party_id FROM project_parties WHERE project_id = ? LIMIT 1", (pid,)).fetchone()[0]
    before = (out / paths.project(pid)).read_bytes()
    versions = _versions(conn, pid)
    name = REGISTRY[code]
    for vid in versions:
        assert name.name_zh not in words(page(out, paths.notice(vid)))
    why = "测试：改动后的提示语句"
    with conn:  # the trigger logs the change (changes.what = 'flag')
        conn.execute("UPDATE flags SET status = 'flagged', why_zh = ?, why_en = 'a test sentence',"
                     " since = '2026-03-05T00:00:00+00:00' WHERE project_id = ? AND indicator = ?", (why, pid, code))
    assert conn.execute("SELECT count(*) FROM changes WHERE what = 'flag' AND project_id = ?", (pid,)).fetchone()[0]
    conn.close()
    report = build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    assert report.mode == "incremental"
    after = (out / paths.project(pid)).read_bytes()
    assert after != before
    assert why in words(lxml.html.fromstring(after).get_element_by_id("flags"))
    listed = page(out, f"{kind}/flags.html")
    assert pid in {project_of(a.get("href")) for a in listed.xpath("//table//tbody/tr/td[2]/a")}
    feed = feedparser.parse((out / "flags-atom.xml").read_bytes())
    assert project_of(feed.entries[0].link) == pid  # the newest flag first
    party_text = words(page(out, f"party/{paths.slug(party)}/index.html").get_element_by_id("flags"))
    assert why in party_text
    for vid in versions:  # the notice pages of the project (no notice changed) name the new flag
        for lang, shown in (("zh", name.name_zh), ("en", name.name_en)):
            summary = _summary(out, vid, lang)
            assert summary is not None, (vid, lang)
            assert shown in words(summary), (vid, lang)
            assert "flag-flagged" in summary.get("class")
    next(gen, None)  # the fixture closes its store


def test_notice_summary_never_shows_an_undeclared_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A result row of an indicator the code no longer declares (hostile text in its code) is counted
    and said in words; nothing of the row reaches the page."""
    gen = make_fixture_db(tmp_path, monkeypatch)
    db = next(gen)(1)
    conn = sqlite3.connect(db)
    pid = conn.execute("SELECT project_id FROM flags ORDER BY 1 LIMIT 1").fetchone()[0]
    hostile = '<script>alert("x")</script>X_GONE'
    with conn:
        conn.execute("INSERT INTO flags (project_id, indicator, status, why_zh, why_en, used_values, since)"
                     " VALUES (?, ?, 'flagged', ?, ?, '{}', '2026-03-05T00:00:00+00:00')", (pid, hostile, hostile, hostile))
    conn.close()
    out = tmp_path / "site"
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    conn = sqlite3.connect(db)
    versions = _versions(conn, pid)
    conn.close()
    assert versions
    for vid in versions:
        for lang, said in (("zh", "其他指标"), ("en", "another indicator")):
            raw = (out / (paths.notice(vid) if lang == "zh" else f"en/{paths.notice(vid)}")).read_text()
            assert "<script>alert" not in raw
            assert "X_GONE" not in raw
            summary = _summary(out, vid, lang)
            assert summary is not None
            assert said in words(summary)
    next(gen, None)


def test_a_store_from_before_the_flags_builds_without_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    gen = make_fixture_db(tmp_path, monkeypatch)
    db = next(gen)(1)
    conn = sqlite3.connect(db)
    pid = conn.execute("SELECT project_id FROM flags WHERE status = 'flagged' LIMIT 1").fetchone()[0]
    with conn:
        conn.execute("DROP TABLE flags")  # its triggers go with it
    conn.close()
    out = tmp_path / "site"
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    assert not page(out, paths.project(pid)).xpath("//*[@id='flags']")
    conn = sqlite3.connect(db)
    vid = _versions(conn, pid)[0]
    conn.close()
    assert _summary(out, vid, "zh") is None  # no results: the notice page says nothing about flags
    assert "0" in words(page(out, "index.html").xpath("//p[@class='flags-link']")[0])
    assert feedparser.parse((out / "flags-atom.xml").read_bytes()).entries == []
    next(gen, None)
