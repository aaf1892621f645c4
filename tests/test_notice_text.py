"""The notice text (``body_text``) and attachments of every version: kept beside the version and
outside its content hash (store), shown escaped on the notice page (site), indexed (search and
Datasette's FTS), exported (JSONL, CSV), and carried from a spider's parse to the Notice."""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from datetime import datetime
from pathlib import Path

import html5lib
import orjson
import pytest
import scrapy
from scrapy.http import HtmlResponse

from collectors.items import NoticeItem, attachment_links
from collectors.parsers import Extracted
from models.assemble import Cell, assemble
from models.codelists import Kind
from models.notice import Notice, Source
from publish.export import export_csv, export_jsonl
from publish.site.build import build
from publish.snapshot import publish
from search_index import SearchRequest, open_engine, update_index
from search_index.fts import match_expression
from store.db import Store

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ONLY_IN_TEXT = "彩色多普勒超声诊断仪"  # appears in the text and nowhere else in the notice
TEXT = f"一、项目基本情况\n采购需求：{ONLY_IN_TEXT}一台，{HOSTILE}\n二、获取采购文件\n=HYPERLINK(\"http://evil\")"
ATTACHMENTS = [{"name": "采购文件.pdf", "url": "https://www.ccgp.gov.cn/files/a.pdf"}, {"name": "中小企业声明函.docx", "url": None}]


def _source(platform: str, url: str, raw: bytes) -> Source:
    return Source(platform=platform, url=url, fetched_at=datetime.fromisoformat("2026-03-01T08:00:00+08:00"),
                  sha256=hashlib.sha256(raw).hexdigest(), parser_version="test-1")


def make(platform: str = "中国政府采购网", url: str = "https://www.ccgp.gov.cn/a.htm", *, body_text: str = TEXT,
         attachments: list[dict] | None = None, raw: bytes = b"page one", **cells: str) -> Notice:
    values = {"title": "某医院设备采购项目公开招标公告", "published_at": "2026-01-05 09:00", "region_code": "330521",
              "project_no": "ZJ-2026-001", "buyer": "某医院", "budget": "1000000.00", **cells}
    made = assemble(Kind.procurement, {k: Cell(v) for k, v in values.items()}, _source(platform, url, raw),
                    body_text=body_text, attachments=ATTACHMENTS if attachments is None else attachments)
    assert made.notice is not None, made.problems
    return made.notice


def texts(store: Store) -> list[tuple]:
    return store.conn.execute("SELECT version_id, body_text, attachments, raw_sha256 FROM notice_texts").fetchall()


def versions(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT version_id FROM notices ORDER BY version_id")]


# -- store ---------------------------------------------------------------------------------------
def test_text_and_attachments_are_stored_beside_the_version(store):
    counts = store.ingest([make()])
    assert (counts.new, counts.changed) == (1, 0)
    [(vid, body, attachments, sha)] = texts(store)
    assert vid == versions(store)[0]
    assert body == TEXT
    assert orjson.loads(attachments) == ATTACHMENTS
    assert sha == hashlib.sha256(b"page one").hexdigest()


def test_identical_copy_with_another_layout_is_no_new_version_and_keeps_the_first_text(store):
    store.ingest([make()])
    other = make("全国公共资源交易平台", "http://www.ggzy.gov.cn/b.html", raw=b"page two",
                 body_text="项目基本情况 采购需求：另一种排版的同一公告", attachments=[{"name": "招标文件.zip", "url": None}])
    counts = store.ingest([other])
    assert (counts.new, counts.changed, counts.unchanged) == (0, 0, 1)
    assert len(versions(store)) == 1
    assert store.conn.execute("SELECT count(*) FROM notice_sources").fetchone()[0] == 2  # a second source
    [(_vid, body, attachments, sha)] = texts(store)
    assert body == TEXT
    assert orjson.loads(attachments) == ATTACHMENTS
    assert sha == hashlib.sha256(b"page one").hexdigest()


def test_a_copy_fills_the_text_a_version_was_stored_without(store):
    store.ingest([make(body_text="", attachments=[])])  # e.g. a list-API record without the page
    assert texts(store) == []
    store.ingest([make("全国公共资源交易平台", "http://www.ggzy.gov.cn/b.html", raw=b"page two", attachments=[])])
    [(_vid, body, attachments, sha)] = texts(store)
    assert (body, attachments, sha) == (TEXT, "[]", hashlib.sha256(b"page two").hexdigest())
    # attachments come from a later copy too; the text stays
    store.ingest([make("另一平台", "https://x.gov.cn/c.html", raw=b"page three", body_text="别的文字")])
    [(_vid, body, attachments, sha)] = texts(store)
    assert body == TEXT
    assert orjson.loads(attachments) == ATTACHMENTS
    assert sha == hashlib.sha256(b"page two").hexdigest()
    assert len(versions(store)) == 1


def test_copies_in_one_batch_and_a_changed_version_each_keep_their_text(store):
    first = make(body_text="", attachments=[])
    copy = make("全国公共资源交易平台", "http://www.ggzy.gov.cn/b.html", raw=b"page two")
    changed = make(raw=b"page three", body_text="预算调整后的公告文字", budget="1200000")
    counts = store.ingest([first, copy, changed])
    assert (counts.new, counts.unchanged, counts.changed) == (1, 1, 1)
    v1, v2 = versions(store)
    assert dict((r[0], r[1]) for r in texts(store)) == {v1: TEXT, v2: "预算调整后的公告文字"}


def test_dry_run_writes_no_text(store):
    with store.batch(dry_run=True) as batch:
        batch.add(make())
    assert texts(store) == []


def test_an_older_database_gains_the_table_on_check(tmp_path):
    db = tmp_path / "old.db"
    s = Store(db)
    s.init()
    s.conn.execute("DROP TABLE notice_texts")
    s.check()
    s.ingest([make()])
    assert len(texts(s)) == 1
    s.close()


# -- site ----------------------------------------------------------------------------------------
@pytest.fixture
def site(store, tmp_path) -> Path:
    store.ingest([make()])
    # a hostile link straight into the store (the model refuses it): the page must not link it
    store.conn.execute("UPDATE notice_texts SET attachments = ?",
                       (orjson.dumps([*ATTACHMENTS, {"name": "恶意.pdf", "url": "javascript:alert(1)"}]).decode(),))
    out = tmp_path / "site"
    build(store.path, out, site_url="https://gongkai.test/site/", workers=1, downloads=False)
    return out


def _notice_page(out: Path, lang: str = "") -> tuple[str, object]:
    [page] = sorted((out / lang / "notice").glob("*.html"))
    html = page.read_text(encoding="utf-8")
    return html, html5lib.parse(html, namespaceHTMLElements=False)


def test_notice_page_shows_the_text_escaped_and_the_attachments(site):
    html, doc = _notice_page(site)
    paragraphs = [p.text for p in doc.iter("p")]
    assert f"采购需求：{ONLY_IN_TEXT}一台，{HOSTILE}" in paragraphs  # shown as text, whole
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert not [s for s in doc.iter("script") if "alert" in (s.text or "")]
    assert not [e for e in doc.iter() if any(k.startswith("on") for k in e.attrib)]
    assert "公告原文" in html
    assert "附件" in html
    links = {a.text: a.get("href") for a in doc.iter("a")}
    assert links["采购文件.pdf"] == "https://www.ccgp.gov.cn/files/a.pdf"
    assert "中小企业声明函.docx" in html
    assert "中小企业声明函.docx" not in links
    assert "恶意.pdf" in html
    assert "恶意.pdf" not in links
    assert "javascript:" not in html
    en_html, _doc = _notice_page(site, "en")
    assert "Notice text" in en_html
    assert "Attachments" in en_html
    assert ONLY_IN_TEXT in en_html


def test_an_incremental_build_shows_a_text_a_later_copy_brings(store, tmp_path):
    store.ingest([make(body_text="", attachments=[])])
    out = tmp_path / "site"
    build(store.path, out, site_url="https://gongkai.test/site/", workers=1, downloads=False)
    assert ONLY_IN_TEXT not in _notice_page(out)[0]
    store.ingest([make()])  # the same source (URL, platform, bytes) read again, now with its text: no new source row
    assert store.conn.execute("SELECT count(*) FROM notice_sources").fetchone()[0] == 1
    report = build(store.path, out, site_url="https://gongkai.test/site/", workers=1, downloads=False)
    assert report.mode == "incremental"
    assert ONLY_IN_TEXT in _notice_page(out)[0]


# -- search --------------------------------------------------------------------------------------
def test_a_word_only_in_the_text_finds_the_notice(store, tmp_path):
    store.ingest([make(), make(title="某学校桌椅采购项目公告", project_no="ZJ-2026-002", body_text="采购课桌椅一批")])
    update_index(store.path, tmp_path / "index")
    engine = open_engine(tmp_path / "index")
    try:
        for query in (ONLY_IN_TEXT, "超声诊断"):  # the whole word and a segment of it
            hits = engine.search(SearchRequest(query, doctypes=("notice",))).hits
            assert [h.title for h in hits] == ["某医院设备采购项目公开招标公告"], query
    finally:
        engine.close()
    pub = publish(store.path, tmp_path / "published")
    conn = sqlite3.connect(pub.db)
    try:
        found = [r[0] for r in conn.execute(
            "SELECT n.title FROM notices_fts JOIN notices n ON n.rowid = notices_fts.rowid WHERE notices_fts MATCH ?",
            (match_expression(ONLY_IN_TEXT),))]
    finally:
        conn.close()
    assert found == ["某医院设备采购项目公开招标公告"]


def test_the_index_update_picks_up_a_text_brought_later(store, tmp_path):
    store.ingest([make(body_text="", attachments=[])])
    update_index(store.path, tmp_path / "index")
    store.conn.execute("UPDATE notice_texts SET stored_at = '2000-01-01'")  # nothing yet; keep clocks apart
    store.ingest([make("全国公共资源交易平台", "http://www.ggzy.gov.cn/b.html", raw=b"page two")])
    out = update_index(store.path, tmp_path / "index")
    assert out["mode"] == "incremental"
    engine = open_engine(tmp_path / "index")
    try:
        assert len(engine.search(SearchRequest(ONLY_IN_TEXT, doctypes=("notice",))).hits) == 1
    finally:
        engine.close()


# -- export --------------------------------------------------------------------------------------
def test_exports_carry_the_text_and_attachments(store):
    store.ingest([make(), make(title="某学校桌椅采购项目公告", project_no="ZJ-2026-002", body_text="", attachments=[])])
    buf = io.BytesIO()
    assert export_jsonl(store, buf) == 2
    notices = {n["title"]: n for line in buf.getvalue().splitlines() for n in orjson.loads(line)["notices"]}
    assert notices["某医院设备采购项目公开招标公告"]["body_text"] == TEXT
    assert notices["某医院设备采购项目公开招标公告"]["attachments"] == ATTACHMENTS
    assert (notices["某学校桌椅采购项目公告"]["body_text"], notices["某学校桌椅采购项目公告"]["attachments"]) == ("", [])
    text = io.StringIO()
    export_csv(store, text)
    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(text.getvalue()))}
    assert rows["某医院设备采购项目公开招标公告"]["body_text"] == TEXT
    assert orjson.loads(rows["某医院设备采购项目公开招标公告"]["attachments"]) == ATTACHMENTS
    assert rows["某学校桌椅采购项目公告"]["attachments"] == ""


def test_csv_text_cells_are_formula_safe(store):
    store.ingest([make(body_text="=HYPERLINK(\"http://evil\",\"点击\")")])
    text = io.StringIO()
    export_csv(store, text)
    [row] = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert row["body_text"].startswith("'=HYPERLINK")


# -- collectors ----------------------------------------------------------------------------------
def test_the_spider_carries_the_parsed_text_into_the_notice():
    from demo.replay import spider

    sp = spider("ccgp")
    url = "http://www.ccgp.gov.cn/cggg/dfgg/gkzb/202601/t20260105_1.htm"
    response = HtmlResponse(url, body=b"<html></html>", request=scrapy.Request(url))
    extracted = Extracted({"title": Cell("某医院设备采购项目公开招标公告"), "published_at": Cell("2026-01-05 09:00")},
                          kind=Kind.procurement, body_text="  一、项目基本情况\n\n采购需求：设备  ",
                          attachments=[{"name": "采购文件.pdf", "url": "/files/a.pdf"},
                                       {"name": "链接", "url": "javascript:alert(1)"}])
    item = sp.notice(response, "procurement", extracted)
    assert isinstance(item, NoticeItem)
    notice = item.assemble().notice
    assert notice is not None
    assert "采购需求：设备" in notice.body_text
    assert not notice.body_text.startswith(" ")
    assert [a.model_dump() for a in notice.attachments] == [
        {"name": "采购文件.pdf", "url": "http://www.ccgp.gov.cn/files/a.pdf"}, {"name": "链接", "url": None}]


def test_attachment_links_never_cost_the_notice():
    out = attachment_links([{"name": " 文件 ", "url": "HTTPS://a.cn/x.pdf"}, {"name": "", "url": "http://a.cn/y.doc"},
                            {"name": "", "url": "mailto:x@y"}, {"name": "z", "url": "http://a b/"}, "junk",
                            {"name": " 文件 ", "url": "https://a.cn/x.pdf"}, {"name": "长" * 600}], "http://p.cn/")
    assert out == [{"name": "文件", "url": "https://a.cn/x.pdf"}, {"name": "y.doc", "url": "http://a.cn/y.doc"},
                   {"name": "z", "url": None}, {"name": "长" * 500, "url": None}]
