"""The real corpus as the test of record (issue 8): every real file through ``gongkai parse``.

Reads ``../shared/data/real`` in place (skips with the reason when it is absent). The answer keys
(``<file>.expected.json``) say what a person reads on each page; :mod:`collectors.corpus` compares
them fact by fact. A file's score may rise, never fall below what it gives today: the floors are
the measured figures (``python -m collectors.corpus -v`` prints them with every gap).
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from collectors.corpus import corpus_files, score_file
from collectors.parse import notice_json, parse_bytes, parse_file

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
PAGES = REAL / "pages"
pytestmark = pytest.mark.skipif(not PAGES.is_dir(), reason="../shared/data/real is absent (a fresh clone)")

# Facts recovered per file, as measured; a change that loses one fails here.
FLOORS: dict[str, int] = {
    "ccgp__ccgp-hebei.gov.cn__result__weichang-village-pc.html": 15,
    "ccgp__ccgp.gov.cn__announcement__imr-cas-single-source.html": 11,
    "ccgp__ccgp.gov.cn__other__zygg-channel-list.html": 3,
    "ccgp__ccgp.gov.cn__result__shenzhen-lhkjsy-aircon.html": 11,
    "ccgp__ccgp.gov.cn__result__tj3h-ultrasound-4pkg-trimmed.html": 25,
    "ccgp__ccgp.gov.cn__termination__xiuyan-pkg002-failed.html": 10,
    "engineering__hubei-ggzy-shengbenji-epoint__candidates__HBSJ-202211GT-003001003.html": 25,
    "engineering__jiangsu-jsggzy-epoint__announcement__5951fba5.html": 10,
    "engineering__jiangsu-jsggzy-epoint__announcement__list3.json": 5,
    "engineering__yichang-ggzy-epoint-api__candidates__hx6rec.json": 16,
    "fid__ccgp_award_hebei_goods_table.html": 5,
    "fid__ccgp_award_liaoning_single_item_awarded.html": 5,
    "fid__ccgp_award_tianjin_single_package.html": 2,
    "fid__ccgp_event_beijing_package_failed_bid.html": 3,
    "fid__ccgp_event_heilongjiang_project_correction.html": 3,
    "fid__epoint_hubei_shengbenji_tender_prequal_EXCERPT.html": 6,
    "landchina__landchina.com__result__gdjg-list-guangzhou-gbk.html": 3,
    "property__cbex.com.cn__announcement__jpxkc-sifa-gonggao-fragment.html": 7,
    "property__cbex.com.cn__result__jpxkc-nc6575.html": 9,
    "provincial__jilin-ggzyzx__announcement__JLSZC20250033601.html": 11,
    "provincial__shandong-sdggzyjy__announcement__13404607.html": 10,
    "tabular__ccgp.gov.cn__announcement__crawl-2018-text.csv": 9,
    "tabular__cqggzy.com__result__land-cjgg-gbk.csv": 9,
    "tabular__ggzy.lasa.gov.cn__result__land-jggs-gbk.csv": 8,
    "tabular__landchina.com__announcement__crgg-2020-gbk.csv": 10,
    "tabular__landchina.com__announcement__crgg-gdjg-concat-pipe.txt": 8,
    "tabular__landchina.com__other__tddy-mortgage-beijing.xls": 3,
    "tabular__landchina.com__result__gdjg-2005-06-30.xls": 9,
    "tabular__landchina.com__result__gdjg-detail-records-gbk.json": 10,
    "tabular__sz68.com__result__land-trade-gbk.csv": 11,
    "tabular__zrzyt.shanxi.gov.cn__result__land-jggs-gbk.csv": 9,
}
CORPUS_FLOOR = 0.95


def test_corpus_figure_holds() -> None:
    scores = [score_file(p) for p in corpus_files([PAGES])]
    found, total = sum(s.found for s in scores), sum(s.total for s in scores)
    print(f"facts recovered: {found}/{total} ({100 * found / total:.1f} %)")
    assert total >= 250, "the answer keys hold fewer facts than expected: is the corpus complete?"
    assert found / total >= CORPUS_FLOOR, "\n".join(m for s in scores for m in s.missing)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_file_keeps_its_facts(name: str) -> None:
    score = score_file(PAGES / name)
    assert score.found >= FLOORS[name], "\n".join(score.missing)


def _every_real_file() -> list[Path]:
    if not REAL.is_dir():
        return []
    return sorted(p for p in REAL.rglob("*") if p.is_file() and not p.name.endswith((".expected.json", ".md")))


@pytest.mark.parametrize("path", _every_real_file(), ids=lambda p: p.name[:60])
def test_parse_reads_every_real_file(path: Path) -> None:
    """Every real file gives notices or refusals with a reason; never an exception."""
    results = [notice_json(p) for p in parse_file(path)]
    assert results
    for r in results:
        if "error" in r:
            assert r["error"]
            assert r["location"]
        else:
            assert r["title"]
            assert r["kind"] in ("land", "mining", "procurement", "state_asset", "tender")
            assert r["published_at"] is None or r["published_at"].endswith("+08:00")


def test_award_table_with_unit_in_header() -> None:
    """Tianjin: one winner per 包 with its USCC, amounts in the 中标金额(万元) column → exact yuan."""
    notice = next(notice_json(p) for p in parse_file(PAGES / "ccgp__ccgp.gov.cn__result__tj3h-ultrasound-4pkg-trimmed.html"))
    winners = {(lot["name"], w["name"]): w for lot in notice["lots"] for w in lot["winners"]}
    assert winners[("第1包", "华润天津医药有限公司")]["amount"] == "2375000.00"
    assert winners[("第1包", "华润天津医药有限公司")]["uscc"] == "91120105746673439X"
    assert winners[("第4包", "北京合众汇美国际贸易有限公司")]["amount"] == "1865000.00"
    # the ranked evaluation lists are bidders (candidates with their prices), not more winners
    assert all(len(lot["winners"]) == 1 for lot in notice["lots"])
    assert any(c["name"] == "北京德佳创新医疗器械有限公司" and Decimal(c["bid_price"]) == Decimal("2396000.00")
               for lot in notice["lots"] for c in lot["candidates"])
    assert notice["published_at"] == "2026-09-28T23:50:00+08:00"


def test_failed_package_is_a_termination_with_its_reason() -> None:
    notice = next(notice_json(p) for p in parse_file(PAGES / "ccgp__ccgp.gov.cn__termination__xiuyan-pkg002-failed.html"))
    assert notice["notice_type"] == "termination"
    assert "不足3家" in notice["fields"]["failure_reason"]
    assert notice["region_code"] == "210323"


def test_correction_text_is_kept() -> None:
    notice = next(notice_json(p) for p in parse_file(PAGES / "fid__ccgp_event_heilongjiang_project_correction.html"))
    assert notice["notice_type"] == "correction"
    assert "接到监管部门通知，本项目暂停" in notice["fields"]["correction"]
    assert notice["fields"]["original_published_at"] == "2026-09-11"
    assert "更正日期" in notice["body_text"]


def test_transposed_candidate_table() -> None:
    """Epoint 评标结果公示: candidates in columns, ranks 第一名…, prices in 元; the third is the lowest."""
    path = PAGES / "engineering__hubei-ggzy-shengbenji-epoint__candidates__HBSJ-202211GT-003001003.html"
    notice = next(notice_json(p) for p in parse_file(path))
    assert notice["notice_type"] == "candidates"
    assert notice["kind"] == "tender"
    cands = [c for lot in notice["sections"] for c in lot["candidates"]]
    assert [(c["rank"], c["name"], c["bid_price"]) for c in cands] == [
        (1, "湖北宏业水利工程有限责任公司", "7403195.48"),
        (2, "鑫炜吉建工集团有限公司", "7440699.81"),
        (3, "河南省牟发水利工程有限公司", "7350774.42"),
    ]


def test_refusal_names_the_reason() -> None:
    [refused] = parse_bytes(b"", name="empty.html")
    assert refused.error == "the file is empty"
    [shell] = parse_bytes(b"<html><body><div></div></body></html>", name="shell.html")
    assert shell.error == "the page holds no notice text"
    [nameless] = parse_bytes("<html><body><p>这是一段没有标题也没有项目名称的文字，不是公告。</p></body></html>".encode(),
                             name="prose.html")
    assert nameless.error == "no title and no project name: the page names no notice"


def test_cli_json_lines_and_exit_codes(tmp_path: Path) -> None:
    page = PAGES / "ccgp__ccgp-hebei.gov.cn__result__weichang-village-pc.html"
    run = subprocess.run([sys.executable, "-m", "gongkai", "parse", str(page), "--json"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    [line] = run.stdout.splitlines()
    notice = json.loads(line)
    assert notice["kind"] == "procurement"
    assert notice["notice_type"] == "result"
    assert notice["published_at"] == "2021-10-11T00:00:00+08:00"
    assert notice["region_code"] == "130828"
    assert {(p["role"], p["name"], p["amount"]) for p in notice["parties"] if p["role"] == "winner"} == {
        ("winner", "承德发金商贸有限公司", "745680.00"), ("winner", "河北泰鸿体育设施有限公司", "743808.00")}
    assert notice["currency"] == "CNY"
    assert notice["body_text"]
    bad = tmp_path / "blank.html"
    bad.write_text("<html><body></body></html>", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "gongkai", "parse", str(bad), "--json"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1
    out = json.loads(run.stdout)
    assert set(out) == {"error", "location"}
    assert str(bad) in out["location"]


def test_cut_and_spliced_real_files_give_notices_or_reasons_never_exceptions(capsys: pytest.CaptureFixture) -> None:
    """Real bytes cut at random points (a truncated download, a spliced cache): parse never raises
    and prints nothing of its own (a library's warnings on stdout would break --json lines)."""
    import random

    rng = random.Random(20261201)
    read = 0
    for path in _every_real_file():
        data = path.read_bytes()
        if not data:
            continue
        for _ in range(3):
            cut = rng.randrange(1, len(data))
            for chunk in (data[:cut], data[cut:], data[:cut] + data[min(len(data), cut + rng.randrange(1, 500)):]):
                for parsed in parse_bytes(chunk, name=path.name):
                    result = notice_json(parsed)
                    assert result.get("error") or result.get("title"), result
                    read += 1
    assert read > 200
    assert capsys.readouterr().out == ""
