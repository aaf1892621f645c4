"""What a person reads: no internal field name, JSON or UTC/ISO timestamp in the visible text of any
page of the demo site (zh and en); lots as tables with headers, units and ranks; a timeline that says
in words what a later notice changed in substance; Beijing time, labelled; codelists in English.

The walk builds the demo data's site once (module fixture, ~1 min); the browser test (marker
``browser``) opens a project with a correction and a contract in Chromium."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from models import codelists
from models.codelists import Kind, NoticeType, ProjectStatus, Role
from models.kinds import AREA_MODELS, LOT_SUMMARY, Award, Lot, LotColumns
from models.notice import CommonFields, Notice, Source
from models.project import Project, ProjectParty
from publish.site import text
from publish.site.build import build
from publish.site.pages import records
from tests.test_search_corpus import build_corpus

SITE_URL = "https://gongkai.test/site/"
RESULTS = Path(__file__).resolve().parent.parent / "test-results" / "site"


def internal_keys() -> set[str]:
    """Every name the models use inside: field names, attributes, lot keys and codes."""
    keys: set[str] = set()
    for model in (*AREA_MODELS.values(), Lot, Award, LotColumns, Notice, CommonFields, Source, Project, ProjectParty):
        keys |= set(model.model_fields)
    for enum in (Kind, NoticeType, ProjectStatus, Role):
        keys |= {x.value for x in enum}
    keys |= {c.column for c in LOT_SUMMARY}
    return keys


KEYS = internal_keys()
# Elements whose whole text is a label or one value: a key alone there is a leak, even an ordinary English word.
LABELS = "//th | //td | //dt | //dd | //label | //caption | //legend | //summary | //option | //h2 | //h3"
JSON = re.compile(r'\{"|\[\{|\[\]|"\s*:\s*[\[{"]')
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
UTC = re.compile(r"\bUTC\b")
# snake_case words of letters (an id such as t20250714_2022399 is data: a portal's article number)
SNAKE = re.compile(r"(?<![\w/.-])[a-z]+(?:_[a-z]+)+(?![\w/.-])")
# Data that may hold an underscore as published: file names and links (a submitted file's name is the agency's).
FILES = re.compile(r"https?://\S+|\S+\.(?:csv|xlsx|xls|jsonl|json|gz|db|sqlite|xml|html|pdf|docx?)\b")


def visible(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for hidden in doc.xpath("//script | //style | //template | //noscript"):
        hidden.drop_tree()
    return doc


def problems(rel: str, data: bytes) -> list[str]:
    """What a person should not see on the page ``rel``: one line per finding, with the offending text."""
    doc = visible(lxml.html.fromstring(data))
    out = []
    for el in doc.xpath(LABELS):
        shown = el.text_content().strip()
        if shown in KEYS:
            out.append(f"{rel}: <{el.tag}> shows the field key {shown!r}")
    words = " ".join(" ".join(doc.itertext()).split())  # cells apart: <th>编号</th><td>t2025…</td>
    for name, pattern in (("JSON", JSON), ("ISO timestamp", ISO), ("UTC", UTC)):
        out += [f"{rel}: {name} in …{words[max(0, m.start() - 40):m.end() + 40]}…" for m in pattern.finditer(words)]
    for m in SNAKE.finditer(FILES.sub(" ", words)):
        out.append(f"{rel}: internal name {m.group()!r}")
    return out


# -- the rules of the walk, on small pages ------------------------------------------------------------


@pytest.mark.parametrize(("html", "found"), [
    ("<table><tr><th>lots</th><td>x</td></tr></table>", "field key 'lots'"),
    ("<dl><dt>uscc</dt><dd>91110000600037341L</dd></dl>", "field key 'uscc'"),
    ('<p>[{"candidates":[],"name":"1"}]</p>', "JSON"),
    ("<p>发布时间 2025-06-21T17:40:00+08:00</p>", "ISO timestamp"),
    ("<p>数据截至 2026-03-01 08:00 (UTC)</p>", "UTC"),
    ("<p>[unit_from_header]</p>", "internal name 'unit_from_header'"),
    ("<p>中标 → []</p>", "JSON"),
])
def test_the_walk_finds_each_leak(html, found):
    assert any(found in p for p in problems("x.html", f"<html><body>{html}</body></html>".encode()))


def test_the_walk_passes_words_data_and_scripts():
    page = ("<html><head><script>var a = {\"b\": \"2025-06-21T17:40\"}</script></head><body>"
            "<p>The name and amount of the winner were published.</p><td>Name</td>"
            "<p>11-state_asset-cbex.xlsx · https://example.gov.cn/a_b.html</p>"
            '<a href="x" title="lots">2025-06-21 17:40（北京时间）</a></body></html>')
    assert problems("x.html", page.encode()) == []


# -- the pieces: times, codelists, lots, changes ------------------------------------------------------


def test_times_are_beijing_time_labelled():
    assert text.beijing("2026-03-01T00:00:00+00:00") == "2026-03-01 08:00（北京时间）"
    assert text.beijing("2025-06-21T17:40:00+08:00", "en") == "2025-06-21 17:40 (Beijing time)"
    assert text.beijing("2025-06-21") == "2025-06-21"
    assert text.date("2026-03-01T20:00:00+00:00") == "2026-03-02 04:00"  # UTC evening: the next morning in Beijing
    assert text.date("2025-06-21T17:40:00+08:00") == "2025-06-21 17:40"


def test_every_codelist_value_has_an_english_label():
    values = {v for name in dir(codelists) if name.endswith(("_METHODS", "_TYPES"))
              for v in getattr(codelists, name)}
    assert {"竞争性谈判", "挂牌出让", "采矿权", "网络竞价"} <= values
    missing = sorted(v for v in values if codelists.choice_label(v, "en") == v)
    assert missing == []
    assert codelists.choice_label("竞争性谈判", "en") == "Competitive negotiation"
    assert codelists.choice_label("竞争性谈判", "zh") == "竞争性谈判"


def test_quantities_carry_their_units():
    land = records._specs("land")
    tender = records._specs("tender")
    assert records.display(land["term_years"], 50, "zh") == "50 年"
    assert records.display(land["term_years"], 50, "en") == "50 years"
    assert records.display(tender["duration_days"], 180, "zh") == "180 日历天"
    assert records.display(tender["method"], "公开招标", "en") == "Open tender"


LOTS = [{"name": "第1标段", "budget": "8800000.00",
         "winners": [{"name": "甲建设公司", "uscc": "91110000600037341L", "amount": "8650000.00"}],
         "candidates": [{"name": "甲建设公司", "amount": "8650000.00", "rank": 1, "duration_days": 180},
                        {"name": "乙建设公司", "amount": "8700000.00", "rank": 2}]}]


def test_lots_are_a_table_with_headers_units_and_ranks():
    t = records.lots_table(LOTS, "zh")
    headers = [h for _k, h in t["columns"]]
    assert headers == ["标段（包）", "预算金额", "类别", "排名", "名称", "统一社会信用代码", "金额", "工期"]
    assert t["rows"][0][:3] == ["第1标段", "8,800,000.00 元（880 万元）", "中标（成交）人"]
    assert t["rows"][1][2:5] == ["候选人", "第 1 名", "甲建设公司"]
    assert t["rows"][1][-1] == "180 日历天"
    assert t["rows"][2][3] == "第 2 名"
    en = records.lots_table(LOTS, "en")
    assert [h for _k, h in en["columns"]][:3] == ["Lot / section", "Budget", "Role"]
    assert en["rows"][2][3] == "No. 2"


def _version(ntype: str, fields: dict[str, Any], **common: Any) -> dict[str, Any]:
    base = {"kind": "procurement", "notice_type": ntype, "title": f"某项目{ntype}", "publisher": "某中心",
            "published_at": "2025-06-01T09:00:00+08:00", "region_name": "西城区", "project_no": "P-1",
            "project_name": None, "notice_no": f"N-{ntype}", "original_url": f"https://example.gov.cn/{ntype}",
            "body": "", "fields": {"kind": "procurement", **fields}}
    return {**base, **common}


def test_the_timeline_says_what_changed_in_substance():
    announced = _version("announcement", {"budget": "1000000.00", "bid_deadline": "2025-06-21T17:40:00+08:00"})
    corrected = _version("correction", {"bid_deadline": "2025-06-28T09:30:00+08:00"},
                         published_at="2025-06-10T10:00:00+08:00")
    changes = records._changes(announced, corrected, "zh", same_notice=False)
    assert [(c["how"], c["label"], c["old"], c["new"]) for c in changes] == [
        ("changed", "投标截止时间", "2025-06-21 17:40", "2025-06-28 09:30")]  # not its own time, number or link
    result = _version("result", {"lots": LOTS}, published_at="2025-07-01T10:00:00+08:00")
    added = records._changes(corrected, result, "zh", same_notice=False)
    assert [(c["how"], c["label"]) for c in added] == [("added", "标段（包）及中标（成交）结果")]
    assert added[0]["table"]["rows"][0][2] == "中标（成交）人"
    contract = _version("contract", {"lots": [], "contract_amount": "8650000.00"})
    said = records._changes(result, contract, "zh", same_notice=False)
    assert [(c["how"], c["label"]) for c in said] == [("added", "合同金额(元)"),
                                                      ("unrepeated", "标段（包）及中标（成交）结果")]
    assert said[1]["type"] == "合同公告"  # the award stands: not shown as withdrawn
    # a new version of the same notice: its own time and number are compared (they are what changed)
    again = {**corrected, "notice_no": "N-correction-2"}
    assert [c["label"] for c in records._changes(corrected, again, "zh", same_notice=True)] == ["公告编号"]


# -- the demo site ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo data's database and its built site (no downloads: they are not pages)."""
    base = tmp_path_factory.mktemp("words")
    db = build_corpus(base)
    out = base / "site"
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    return db, out


def test_no_page_shows_an_internal_name_json_or_utc(demo_site):
    _db, out = demo_site
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 1000
    assert any(p.parts[-3:-1] == ("en", "project") for p in pages)
    found = []
    for path in pages:
        found += problems(path.relative_to(out).as_posix(), path.read_bytes())
    assert found == [], f"{len(found)} finding(s), first ones:\n" + "\n".join(found[:40])


def corrected_and_contracted(db: Path) -> str:
    """A demo project with a correction, a result with winners and a contract notice that does not repeat them."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT project_id FROM notices WHERE superseded_at IS NULL GROUP BY project_id"
            " HAVING sum(notice_type = 'correction') > 0 AND sum(notice_type = 'contract') > 0"
            " AND sum(notice_type = 'result' AND fields LIKE '%\"winners\":[{%') > 0"
            " AND sum(notice_type = 'contract' AND fields NOT LIKE '%\"winners\":[{%') > 0"
            " ORDER BY project_id").fetchall()
    finally:
        conn.close()
    assert rows, "the demo data has no project with a correction and a contract"
    return rows[0][0]


def test_the_demo_timeline_in_words(demo_site):
    db, out = demo_site
    project_id = corrected_and_contracted(db)
    doc = visible(lxml.html.fromstring((out / "project" / f"{project_id}.html").read_bytes()))
    steps = {li.xpath("string(.//h3)"): [" ".join(x.text_content().split()) for x in li.xpath(".//div[@class='changes']//li")]
             for li in doc.xpath("//ol[@class='timeline']/li")}
    correction = next(v for k, v in steps.items() if "更正公告" in k)
    assert correction
    assert all(re.fullmatch(r"更正：\S+ 由 .+ 改为 .+", s) for s in correction), correction
    contract = next(v for k, v in steps.items() if "合同公告" in k)
    assert "合同公告未重复中标（成交）人及金额，原结果不变。" in contract
    every = [s for v in steps.values() for s in v]
    assert not [s for s in every if "发布时间" in s or "公告编号" in s or "[]" in s]


# -- in the browser ---------------------------------------------------------------------------------------


@pytest.mark.browser
def test_timeline_wording_in_chromium(demo_site):
    from tests.browser import ARGS, CHROMIUM, need_chromium, serve_dir

    sync_api, _axe = need_chromium()
    db, out = demo_site
    project_id = corrected_and_contracted(db)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with serve_dir(out) as root, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        for lang, prefix in (("zh", ""), ("en", "en/")):
            for width in (1280, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(f"{root}{prefix}project/{project_id}.html")
                timeline = page.locator("ol.timeline").inner_text()
                if lang == "zh":
                    assert re.search(r"更正：\S+ 由 .+ 改为 .+", timeline), timeline
                    assert "合同公告未重复中标（成交）人及金额，原结果不变。" in timeline
                    assert "（北京时间）" in page.locator("table.facts").inner_text()
                else:
                    assert re.search(r"Corrected: .+ changed from .+ to .+", timeline), timeline
                    assert "does not repeat the winners and amounts: the award stands." in timeline
                assert "[]" not in timeline
                assert "发布时间" not in timeline
                page.screenshot(path=str(RESULTS / f"{width}-{lang}-project-corrected-contract.png"), full_page=True)
                page.close()
        browser.close()
