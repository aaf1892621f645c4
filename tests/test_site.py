"""The site build: every page type rendered from a small fixture database built in code;
paths safe against hostile ids; byte-identical rebuilds; incremental builds; downloads."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import html5lib
import orjson
import pytest

from models.assemble import Cell, assemble
from models.codelists import Kind
from models.notice import Attachment, Notice, Source
from publish.site.build import build
from store import paths
from store.db import Store

SITE_URL = "https://gongkai.test/site/"
SEEN = ["2026-03-01T00:00:00+00:00", "2026-03-02T00:00:00+00:00", "2026-03-03T00:00:00+00:00"]
USCC = "91110000600037341L"


def _source(n: int) -> Source:
    return Source(platform="fixture:测试平台", url=f"https://example.gov.cn/notice/{n}.html",
                  fetched_at=datetime.fromisoformat("2026-03-01T08:00:00+08:00"),
                  sha256=hashlib.sha256(str(n).encode()).hexdigest(), parser_version="fixture-1", location=f"row {n}")


def notice(kind: Kind, n: int, publisher: str, **cells: str) -> Notice:
    made = assemble(kind, {k: Cell(v) for k, v in cells.items()}, _source(n), publisher=publisher)
    assert made.notice is not None, made.problems
    return made.notice


def batch_one() -> list[Notice]:
    """Five areas; a procurement project with announcement, correction and result; a termination."""
    return [
        notice(Kind.land, 1, "佛山市自然资源局", title="容桂-住宅地块供地结果", e_supervision_no="4406062019B07595",
               region="顺德区", area_m2="33.25平方米", supply_method="协议出让", term_years="70", price="3020000000",
               holder="佛山某置业有限公司", holder_uscc=USCC, published_at="2019-03-28",
               source_url="https://www.landchina.com/x/1"),
        notice(Kind.procurement, 2, "德清县公共资源交易中心", title="某医院设备采购项目公告", published_at="2026-01-05 09:00",
               region_code="330521", project_no="ZJ-2026-001", buyer="某医院", budget="1000000.00", method="公开招标",
               notice_no="N1", body="一、项目概况\n采购设备一批。\n二、预算 100 万元").model_copy(update={
                   "body_text": "一、项目基本情况\n采购需求：彩色多普勒超声诊断仪一台。\n二、获取采购文件\n时间：2026年1月5日至1月12日",
                   "attachments": [Attachment(name="采购文件.pdf", url="https://example.gov.cn/files/ZJ-2026-001.pdf"),
                                   Attachment(name="中小企业声明函.docx")]}),
        notice(Kind.procurement, 3, "德清县公共资源交易中心", title="某医院设备采购项目更正公告",
               published_at="2026-01-08 09:00", region_code="330521", project_no="ZJ-2026-001", budget="1200000",
               corrects="N1", notice_no="N2"),
        notice(Kind.procurement, 4, "德清县公共资源交易中心", title="某医院设备采购项目中标结果公告",
               published_at="2026-02-01", region_code="330521", project_no="ZJ-2026-001", winner="甲公司；乙公司",
               award_amount="500000；700000", bid_count="3", notice_no="N3"),
        notice(Kind.procurement, 5, "北京市政府采购中心", title="某局信息化项目终止公告", published_at="2026-02-03",
               region_code="110105", project_no="BJ-2026-009", buyer="北京市某局", notice_no="N9"),
        notice(Kind.mining, 6, "自然资源部", title="某铁矿采矿权挂牌出让结果公示", published_at="2025-06-01",
               region_code="150207", mine_name="某铁矿", right_type="采矿权", method="挂牌", deal_price="12345678.90",
               transferee="某矿业有限公司"),
        notice(Kind.state_asset, 7, "北京产权交易所", title="某公司100%股权转让成交公告", published_at="2025-05-03",
               region_code="110102", project_no="G32025BJ1002861", target="某公司100%股权", transferor="某集团",
               deal_price="430969800", transferee="某投资公司", share_ratio="100"),
        notice(Kind.tender, 8, "南宁市公共资源交易中心", title="某道路工程施工招标公告", published_at="2025-09-01",
               region_code="450102", project_no="NN-2025-77", tenderer="某建设单位", control_price="8800000",
               method="公开招标", duration_days="180"),
    ]


def batch_two() -> list[Notice]:
    """New notices and a changed version of the land notice (price corrected)."""
    land = batch_one()[0]
    changed = land.model_copy(update={"fields": land.fields.model_copy(update={"price": land.fields.price + 1})})
    return [
        changed,
        notice(Kind.tender, 9, "南宁市公共资源交易中心", title="某道路工程施工中标结果公告", published_at="2025-10-01",
               region_code="450102", project_no="NN-2025-77", winner="某路桥公司", award_amount="8500000"),
        notice(Kind.land, 10, "广州市规划和自然资源局", title="广州某工业地块挂牌出让公告", published_at="2026-03-01 10:00",
               region_code="440113", e_supervision_no="4401132026B00001", area_m2="1公顷", supply_method="挂牌出让",
               starting_price="50000000"),
    ]


def ingest(store: Store, notices: list[Notice], seen_at: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("store.db.now_iso", lambda: seen_at)
    store.ingest(notices)


def make_fixture_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], Path]]:
    """A database with the first batch; calling it with 2 adds the second batch."""
    db = tmp_path / "db" / "gongkai.db"
    db.parent.mkdir()
    store = Store(db)
    store.init()
    ingest(store, batch_one(), SEEN[0], monkeypatch)

    def add(step: int) -> Path:
        if step >= 2:
            ingest(store, batch_two(), SEEN[1], monkeypatch)
        return db

    yield add
    store.close()


@pytest.fixture
def fixture_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], Path]]:
    yield from make_fixture_db(tmp_path, monkeypatch)


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".build" not in p.parts}


def page_types(out: Path) -> dict[str, str]:
    """One representative path per page type (zh), found in the output."""
    def first(pattern: str) -> str:
        found = sorted(out.glob(pattern))
        assert found, f"no page matches {pattern}"
        return found[0].relative_to(out).as_posix()

    return {
        "home": "index.html", "area": "procurement/index.html", "area_page": first("procurement/page-*.html"),
        "area_year": first("procurement/2026/index.html"), "area_province": first("procurement/province-*/index.html"),
        "project": first("project/proc-*.html"), "notice": first("notice/*.html"), "party": first("party/*/index.html"),
        "party_page": first("party/*/page-*.html"), "region": "region/330000/index.html",
        "region_page": first("region/*/page-*.html"), "regions": "region/index.html", "stats": "stats/index.html",
        "downloads": "downloads/index.html", "about": "about/index.html", "search": "search/index.html", "404": "404.html",
    }


def assert_valid_html(data: bytes, where: str) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(data.decode("utf-8"))
    except html5lib.html5parser.ParseError as exc:
        pytest.fail(f"{where}: invalid HTML: {exc}")


def test_every_page_type_in_both_languages(fixture_db, tmp_path):
    out = tmp_path / "site"
    report = build(fixture_db(1), out, site_url=SITE_URL, workers=1)
    assert report.mode == "full"
    for name, rel in page_types(out).items():
        for lang, path in (("zh-CN", rel), ("en", f"en/{rel}")):
            data = (out / path).read_bytes()
            assert f'<html lang="{lang}">'.encode() in data, (name, path)
            assert b'hreflang="zh-CN"' in data, (name, path)
            assert b'hreflang="en"' in data, (name, path)
            assert_valid_html(data, path)
            assert b'href="/' not in data, f"{path}: an absolute internal link"
            assert b'src="/' not in data, f"{path}: an absolute internal source"
    for feed in ("atom.xml", "rss.xml", "procurement/atom.xml", "region/330000/atom.xml", "sitemap.xml", "robots.txt"):
        assert (out / feed).exists(), feed


def test_project_page_shows_state_timeline_changes_and_provenance(fixture_db, tmp_path):
    out = tmp_path / "site"
    build(fixture_db(1), out, site_url=SITE_URL, workers=1)
    conn = sqlite3.connect(fixture_db(1))
    pid = conn.execute("SELECT project_id FROM projects WHERE project_no = 'ZJ-2026-001'").fetchone()[0]
    page = (out / paths.project(pid)).read_text(encoding="utf-8")
    assert "1,200,000.00 元（120 万元）" in page  # the correction's budget, exact, in 元 and 万元
    assert "1,000,000.00 元（100 万元）" in page
    assert "<del>" in page
    assert "甲公司" in page
    assert "乙公司" in page
    assert "https://example.gov.cn/notice/2.html" in page
    assert hashlib.sha256(b"2").hexdigest() in page
    en = (out / "en" / paths.project(pid)).read_text(encoding="utf-8")
    assert "Timeline" in en
    assert "CNY 1,200,000.00" in en
    assert "某医院设备采购项目公告" in en


def test_two_builds_are_byte_identical(fixture_db, tmp_path):
    db = fixture_db(2)
    build(db, tmp_path / "a", site_url=SITE_URL, workers=1)
    build(db, tmp_path / "b", site_url=SITE_URL, workers=2)
    a, b = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_incremental_build_rewrites_only_changed_pages(fixture_db, tmp_path):
    out = tmp_path / "site"
    build(fixture_db(1), out, site_url=SITE_URL, workers=1)
    before = {p: (out / p).stat().st_mtime_ns for p in files_of(out)}
    old_bytes = files_of(out)
    time.sleep(0.02)
    again = build(fixture_db(1), out, site_url=SITE_URL, workers=1)
    assert again.mode == "incremental"
    assert again.written == 0
    db = fixture_db(2)
    report = build(db, out, site_url=SITE_URL, workers=1)
    assert report.mode == "incremental"
    assert report.new_versions == 3
    after = files_of(out)
    # what an incremental build produced equals a full build of the same database
    full = tmp_path / "full"
    build(db, full, site_url=SITE_URL, workers=1)
    reference = files_of(full)
    assert [p for p in reference if after.get(p) != reference[p]] == ["sitemap.xml"]
    # the sitemap lists the same pages, new ones last (so old sitemap files never change)
    assert sorted(after["sitemap.xml"].splitlines()) == sorted(reference["sitemap.xml"].splitlines())
    unchanged = [p for p in before if old_bytes[p] == after[p]]
    changed = [p for p in before if old_bytes[p] != after[p]]
    assert all((out / p).stat().st_mtime_ns == before[p] for p in unchanged)
    assert changed
    assert len(unchanged) > len(changed)
    # the first version of the land notice keeps its URL and now says it was superseded
    conn = sqlite3.connect(db)
    v1, v2 = [r[0] for r in conn.execute("SELECT version_id FROM notices WHERE kind='land' AND version_id LIKE '%-v%'"
                                          " AND notice_id IN (SELECT notice_id FROM notices WHERE version = 2)"
                                          " ORDER BY version")]
    assert "此版本已被新版本取代" in (out / paths.notice(v1)).read_text(encoding="utf-8")
    assert (out / paths.notice(v2)).exists()
    assert "procurement/page-1.html" in unchanged
    assert "project/" not in " ".join(p for p in changed if "proc-" in p)


def test_incremental_build_renders_filter_pages_only_of_the_changed_areas(fixture_db, tmp_path, monkeypatch):
    """Batch two changes land and tender projects only: procurement's stage and method pages are not
    rendered again (nor rewritten); tender's are, and the tender project that got its award moves from
    the announced stage page to the awarded one (a page that should change, changes)."""
    from publish.site import jobs
    from publish.site.pages.listings import filter_path

    out = tmp_path / "site"
    build(fixture_db(1), out, site_url=SITE_URL, workers=1)
    pid = sqlite3.connect(fixture_db(1)).execute(
        "SELECT project_id FROM projects WHERE project_no = 'NN-2025-77'").fetchone()[0]
    announced, awarded = filter_path("tender", "stage", "announced"), filter_path("tender", "stage", "awarded")
    assert paths.project(pid).split("/")[-1] in (out / announced).read_text(encoding="utf-8")
    proc = sorted(p.relative_to(out).as_posix() for p in out.glob("procurement/*-*.html") if "page-" not in p.name)
    assert any(p.startswith("procurement/stage-") for p in proc)
    assert any(p.startswith("procurement/method-") for p in proc)
    before = {p: (out / p).stat().st_mtime_ns for p in proc}
    rendered: list[str] = []
    real = jobs.HANDLERS["filters"]
    monkeypatch.setitem(jobs.HANDLERS, "filters", lambda ctx, kind: (rendered.append(kind), real(ctx, kind)))
    time.sleep(0.02)
    report = build(fixture_db(2), out, site_url=SITE_URL, workers=1)
    assert report.mode == "incremental"
    assert sorted(rendered) == ["land", "tender"]
    assert {p: (out / p).stat().st_mtime_ns for p in proc} == before
    name = paths.project(pid).split("/")[-1]
    assert name not in (out / announced).read_text(encoding="utf-8")
    assert name in (out / awarded).read_text(encoding="utf-8")
    # and the incremental output equals a full build's
    full = tmp_path / "full"
    build(fixture_db(2), full, site_url=SITE_URL, workers=1)
    for rel in [*proc, announced, awarded, "procurement/index.html", "tender/index.html"]:
        assert (out / rel).read_bytes() == (full / rel).read_bytes(), rel


@pytest.mark.parametrize("hostile", ["../x", "..\\x", "/etc/passwd", "．．／．．／x", "a" * 300, "..", ".", "",
                                     "x/../../y", "C:\\x", "\x00", "ok-id"])
def test_hostile_ids_never_leave_the_site(tmp_path, hostile):
    out = tmp_path / "site"
    out.mkdir()
    for rel in (paths.project(hostile), paths.notice(hostile), paths.party(hostile), paths.region(hostile)):
        target = paths.safe_join(out, rel)
        assert target.is_relative_to(out.resolve())
        assert len(target.name) <= 110
    assert paths.slug("ok-id") == "ok-id"
    assert paths.slug(hostile) != paths.slug(hostile + "x")


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/abs", "a\\b", "a//b", "", ".build/../../x", "a/./b"])
def test_safe_join_refuses_traversal(tmp_path, rel):
    with pytest.raises(paths.UnsafePath):
        paths.safe_join(tmp_path, rel)


def test_downloads_are_safe_and_verified(fixture_db, tmp_path):
    out = tmp_path / "site"
    db = fixture_db(1)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE notices SET title = '=HYPERLINK(\"http://evil\")' WHERE kind = 'mining'")
    conn.commit()
    build(db, out, site_url=SITE_URL, workers=1)
    sums = (out / "downloads" / "SHA256SUMS").read_text().splitlines()
    names = {line.split("  ")[1] for line in sums}
    kinds = ("land", "mining", "procurement", "state_asset", "tender")
    # per area: JSONL, CSV per version, flat CSV per project; the SQLite copy; the OCDS export (release
    # packages per area, record packages for procurement and tenders, and its own SHA256SUMS)
    ocds = {f"ocds/{k}-releases.json.gz" for k in kinds} | {
        f"ocds/{k}-records.json.gz" for k in ("procurement", "tender")} | {"ocds/SHA256SUMS"}
    assert names == {f"gongkai-{k}.{ext}" for k in kinds for ext in ("jsonl.gz", "csv.gz")} | {
        f"gongkai-{k}-projects.csv" for k in kinds} | {"gongkai.sqlite"} | ocds
    for line in sums:
        sha, name = line.split("  ")
        assert hashlib.sha256((out / "downloads" / name).read_bytes()).hexdigest() == sha
    assert {p.name for p in (out / "downloads" / "ocds").iterdir()} == {n.removeprefix("ocds/") for n in ocds}
    for line in (out / "downloads/ocds/SHA256SUMS").read_text().splitlines():
        sha, name = line.split("  ")
        assert f"{sha}  ocds/{name}" in sums  # the export's own list agrees with the site's
    package = orjson.loads(gzip.decompress((out / "downloads/ocds/mining-releases.json.gz").read_bytes()))
    assert package["uri"] == SITE_URL.rstrip("/") + "/downloads/ocds/mining-releases.json.gz"
    titles = [r["tender"]["title"] for r in package["releases"]]
    assert '=HYPERLINK("http://evil")' in titles  # JSON keeps the title as published (no CSV neutralizing)
    page = (out / "downloads/index.html").read_text(encoding="utf-8")
    for line in sums:
        sha, name = line.split("  ")
        assert sha in page
        assert name in page
    assert "OCDS" in page
    assert "procuringEntity" in page
    rows = list(csv.reader(io.StringIO(gzip.decompress((out / "downloads/gongkai-mining.csv.gz").read_bytes())
                                       .decode("utf-8"))))
    assert rows[1][rows[0].index("title")].startswith("'=")
    lines = gzip.decompress((out / "downloads/gongkai-procurement.jsonl.gz").read_bytes()).splitlines()
    assert {orjson.loads(x)["kind"] for x in lines} == {"procurement"}
    copy = sqlite3.connect(out / "downloads" / "gongkai.sqlite")
    assert copy.execute("SELECT count(*) FROM notices").fetchone()[0] == 8
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_pagination_numbers_pages_from_the_oldest(tmp_path, monkeypatch):
    from publish.site import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 3)
    monkeypatch.setattr("publish.site.pages.listings.PAGE_SIZE", 3)
    db = tmp_path / "gongkai.db"
    store = Store(db)
    store.init()
    notices = [notice(Kind.tender, 100 + i, "某中心", title=f"第{i}号工程招标公告", published_at=f"2025-01-{i + 1:02d}",
                      region_code="450102", project_no=f"T-{i}", tenderer="某单位") for i in range(7)]
    ingest(store, notices[:5], SEEN[0], monkeypatch)
    out = tmp_path / "site"
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    page1 = (out / "tender/page-1.html").read_bytes()
    assert "第0号".encode() in page1
    assert "第3号".encode() not in page1
    ingest(store, notices[5:], SEEN[1], monkeypatch)
    report = build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    assert (out / "tender/page-1.html").read_bytes() == page1  # old pages never change
    assert "第6号".encode() in (out / "tender/page-3.html").read_bytes()
    assert report.mode == "incremental"
    store.close()


def test_cli_build(fixture_db, tmp_path):
    from click.testing import CliRunner

    from gongkai.cli import cli

    out = tmp_path / "cli-site"
    result = CliRunner().invoke(cli, ["--db", str(fixture_db(1)), "build", "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "full build" in result.output
    assert (out / "index.html").exists()
    # the build also brings the search index up to date, beside the database
    assert "search index" in result.output
    assert (fixture_db(1).parent / "search-index").is_dir()
    missing = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "build", "--out", str(out)])
    assert missing.exit_code == 1
    assert "does not exist" in missing.output


def test_incremental_build_shows_a_new_source_of_an_unchanged_notice(tmp_path, monkeypatch):
    db = tmp_path / "src.db"
    store = Store(db)
    store.init()
    first = batch_one()[0]
    ingest(store, [first], SEEN[0], monkeypatch)
    out = tmp_path / "site"
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    copy = first.model_copy(update={"source": first.source.model_copy(
        update={"platform": "第二平台", "url": "https://second.example.cn/n/1.html"})})
    ingest(store, [copy], SEEN[1], monkeypatch)
    assert store.conn.execute("SELECT count(*) FROM notices").fetchone()[0] == 1  # same notice, one more source
    store.close()
    report = build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    assert report.mode == "incremental"
    pages = [p for p in out.glob("project/*.html")] + [p for p in out.glob("notice/*.html")]
    assert pages
    assert all("第二平台" in p.read_text(encoding="utf-8") for p in pages)
