"""The seeded demo generator (the demo/generate package): determinism, content, and the demo end to end.

The end-to-end tests submit every generated file, in order, to a fresh store, exactly as
``make demo`` does.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from collectors.importers.headers import load_map, resolve
from collectors.importers.readers import read_table
from collectors.submit import SubmitResult, submit
from demo.generate import (
    BIG_CSV_HEADERS,
    FLAG_CASE_PROJECTS,
    PEOPLE_PROJECTS,
    GeneratedFile,
    bad_uscc,
    cn_upper_yuan,
    generate_big_csv,
    generate_demo,
    make_uscc,
    uscc_check_char,
)
from models.assemble import Cell, assemble
from models.codelists import Kind
from models.normalize.amounts import parse_amount
from models.normalize.uscc import normalize_uscc
from models.notice import Source
from store.db import Store

KINDS = {k.value for k in Kind}
# What the two invalid files must report: (column as in the file, text in the reason or value).
EXPECTED_PROBLEMS = {
    "land": [("土地使用权人统一社会信用代码", "check character"), ("合同签订日期", "2026-02-30")],
    "procurement": [("winner_uscc", "check character"), ("published_at", "2026-02-30"), ("method", "not one of"),
                    ("budget", "negative")],
}


def _probe(kind: str, cells: dict[str, str]) -> list[str]:
    """The fields ``assemble`` reports problems for, for one row given as label-header cells."""
    source = Source(platform="probe", url="probe://", fetched_at=datetime(2026, 1, 1, tzinfo=UTC), sha256="0" * 64,
                    parser_version="probe")
    return [p.field for p in assemble(Kind(kind), {k: Cell(v) for k, v in cells.items()}, source).problems]


def test_each_area_keeps_its_own_methods():
    # 挂牌 is a mining method; only land maps it to 挂牌出让
    assert _probe("mining", {"title": "某矿采矿权挂牌出让公告", "published_at": "2026-03-17", "method": "挂牌"}) == []
    assert _probe("state_asset", {"title": "某股权转让公告", "published_at": "2026-03-17", "method": "拍卖"}) == []


def test_an_area_without_any_unit_is_refused():
    assert _probe("land", {"title": "某地块出让公告", "published_at": "2026-03-17", "area_m2": "12345.67"}) == ["area_m2"]


# -- helpers ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> list[GeneratedFile]:
    return generate_demo(tmp_path_factory.mktemp("demo"))


def _records(f: GeneratedFile) -> list[dict[str, Any]]:
    """The rows of a generated file as {field name: cell}, read and mapped as a submission is."""
    table = read_table(f.path)
    header_map = resolve(Kind(f.kind), table.headers, load_map(f.map_file) if f.map_file else None)
    field_of = {c.header: c.field for c in header_map.columns if c.field}
    return [{field_of[h]: v for h, v in rec.items() if h in field_of and v not in (None, "")}
            for _, rec in table.rows]


def _text(f: GeneratedFile) -> str:
    """All cells of a file as text (XLSX through openpyxl, CSV in its encoding)."""
    if f.path.suffix == ".xlsx":
        return "\n".join(str(v) for rec in _records(f) for v in rec.values())
    data = f.path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- generation ------------------------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_files(tmp_path: Path, demo: list[GeneratedFile]) -> None:
    again = generate_demo(tmp_path / "again")
    assert [(f.path.name, f.kind, f.agency, f.rows, f.invalid) for f in again] == [
        (f.path.name, f.kind, f.agency, f.rows, f.invalid) for f in demo]
    for a, b in zip(demo, again, strict=True):
        assert _sha(a.path) == _sha(b.path), a.path.name
        if a.map_file:
            assert b.map_file is not None
            assert a.map_file.read_bytes() == b.map_file.read_bytes()
    other = generate_demo(tmp_path / "other", seed=7)
    differing = [a.path.name for a, b in zip(demo, other, strict=True) if _sha(a.path) != _sha(b.path)]
    assert len(differing) == len(demo)


def test_size_kinds_formats_and_time(tmp_path: Path, demo: list[GeneratedFile]) -> None:
    started = time.perf_counter()
    generate_demo(tmp_path / "timed")
    assert time.perf_counter() - started < 2.0
    assert 15 <= len(demo) <= 22  # 19 files, and the natural persons' three (demo.generate.people)
    assert 900 <= sum(f.rows for f in demo) <= 1500
    assert {f.kind for f in demo} == KINDS
    assert {f.path.suffix for f in demo} == {".csv", ".xlsx", ".json", ".jsonl"}
    for kind in KINDS:
        agencies = {f.agency for f in demo if f.kind == kind and not f.invalid}
        assert len(agencies) >= 2, kind
    assert 1 <= sum(f.invalid for f in demo) <= 2
    mapped = [f for f in demo if f.map_file]
    assert len(mapped) == 1
    assert mapped[0].map_file is not None
    assert mapped[0].map_file.exists()
    assert "null" in mapped[0].map_file.read_text(encoding="utf-8")


def test_every_header_resolves(demo: list[GeneratedFile]) -> None:
    for f in demo:  # the invalid files too: their problems must be row-level, not unknown columns
        headers = read_table(f.path).headers
        mapping = load_map(f.map_file) if f.map_file else None
        assert resolve(Kind(f.kind), headers, mapping).problems == [], f.path.name
    mapped = next(f for f in demo if f.map_file)
    unmapped = resolve(Kind(mapped.kind), read_table(mapped.path).headers).problems
    assert {h for h, _ in unmapped} >= {"成交总价（万元）", "项目代码", "序号"}


def test_gb18030_files_are_not_utf8(demo: list[GeneratedFile]) -> None:
    gb_kinds = set()
    for f in demo:
        if f.path.suffix != ".csv":
            continue
        data = f.path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
            assert "公告" in text.splitlines()[0] or "信息类型" in text.splitlines()[0], f.path.name
            gb_kinds.add(f.kind)
    assert gb_kinds == KINDS


def test_provinces_and_regions(demo: list[GeneratedFile]) -> None:
    provinces: dict[str, set[str]] = {k: set() for k in KINDS}
    for f in demo:
        for rec in _records(f):
            code = str(rec["region_code"]).strip()
            assert re.fullmatch(r"\d{6}", code), (f.path.name, code)
            provinces[f.kind].add(code[:2])
    for kind, found in provinces.items():
        assert len(found) >= 10, (kind, sorted(found))


def test_lifecycle_markers_present(demo: list[GeneratedFile]) -> None:
    rows = [(f.kind, rec) for f in demo if not f.invalid for rec in _records(f)]
    for kind in KINDS:
        titles = [str(r.get("title", "")) for k, r in rows if k == kind]
        assert any("更正" in t or "澄清" in t for t in titles), kind
        assert any(re.search("终止|流标|废标", t) for t in titles), kind
        assert any(re.search("成交|结果|中标", t) for t in titles), kind
    assert any(r.get("corrects") for _, r in rows)
    assert any(r.get("failure_reason") for _, r in rows)
    assert any(r.get("candidates") or "candidates" in json.dumps(r.get("sections") or [], ensure_ascii=False)
               for k, r in rows if k == "tender")


def test_duplicates_and_resubmission_in_files(demo: list[GeneratedFile]) -> None:
    by_name = {f.path.name: f for f in demo}

    def keys(name: str, *fields: str) -> set[tuple]:
        return {tuple(str(r.get(k, "")).strip().strip("\u3000") for k in fields) for r in _records(by_name[name])}

    assert keys("15-tender-nanning.jsonl", "notice_no", "publisher") & keys("16-tender-guangxi.csv", "notice_no",
                                                                             "publisher")
    assert keys("01-land-landchina.csv", "e_supervision_no", "title", "publisher") & keys(
        "02-land-guangdong.csv", "e_supervision_no", "title", "publisher")
    assert keys("07-procurement-ccgp.json", "notice_no") & keys("09-procurement-sichuan.csv", "notice_no")
    original = {r["notice_no"]: r for r in _records(by_name["09-procurement-sichuan.csv"])}
    again = _records(by_name["17-procurement-sichuan-resubmitted.csv"])
    assert all(r["notice_no"] in original for r in again)
    same = [r for r in again if r == original[r["notice_no"]]]
    changed = [r for r in again if r != original[r["notice_no"]]]
    assert len(changed) == 3
    assert len(same) >= 3
    assert all(int(r["bid_count"]) == int(original[r["notice_no"]]["bid_count"]) + 1 for r in changed)


def test_messy_but_valid_formats_present(demo: list[GeneratedFile]) -> None:
    text = "\n".join(_text(f) for f in demo if not f.invalid)
    for pattern in (r"￥\d+\.\d{6} 万元（人民币）", r"人民币\d+\.\d{2}元", r"\d{1,3}(,\d{3})+\.\d{2}元",
                    r"元整（¥\d+\.00）", r"[０-９]{3,}元", "\u3000", r"0元 人民币",
                    r"\d{4}年\d{2}月\d{2}日", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", r"\d{4}/\d{1,2}/\d{1,2}",
                    r"\d{4}\.\d{2}\.\d{2} \d{2}:\d{2}:\d{2}", r"\d+日历天", r"公顷", r"平方千米"):
        assert re.search(pattern, text), pattern
    assert len(re.findall(r"0元 人民币", text)) == 1


def test_uscc_codes_are_valid_and_bad_ones_are_not() -> None:
    import random

    rng = random.Random(1)
    for real in ("91610928MAB32DF87G", "11140000012150153Y", "12532500067137175R", "91110000600037341L"):
        assert uscc_check_char(real[:17]) == real[17]
    for dept in ("91", "11", "12"):
        for _ in range(200):
            code = make_uscc(rng, "440606", dept)
            assert normalize_uscc(code).value == code
            assert normalize_uscc(bad_uscc(code)).error


def test_upper_case_amounts_round_trip() -> None:
    assert cn_upper_yuan(16369) == "壹万陆仟叁佰陆拾玖元整"
    assert cn_upper_yuan(100500) == "壹拾万零伍佰元整"
    assert cn_upper_yuan(63130200) == "陆仟叁佰壹拾叁万零贰佰元整"
    for n in (1, 10, 101, 1010, 10001, 100000, 1000001, 20500300, 99999999, 3004005):
        parsed = parse_amount(f"{cn_upper_yuan(n)}（¥{n}.00）")
        assert parsed.error is None, (n, cn_upper_yuan(n), parsed)
        assert parsed.value == Decimal(n), (n, cn_upper_yuan(n), parsed)


def test_every_amount_cell_parses(demo: list[GeneratedFile]) -> None:
    """Every money cell of the valid files is one the amount normalizer accepts."""
    money = {"budget", "ceiling_price", "price", "starting_price", "deal_price", "listing_price", "appraised_value",
             "control_price", "contract_amount"}
    for f in demo:
        if f.invalid or f.path.suffix == ".xlsx":
            continue
        for rec in _records(f):
            for name in money & rec.keys():
                parsed = parse_amount(str(rec[name]))
                assert parsed.error is None, (f.path.name, name, rec[name], parsed.error)


# -- end to end ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def submitted(tmp_path_factory: pytest.TempPathFactory,
              demo: list[GeneratedFile]) -> tuple[Store, list[tuple[GeneratedFile, SubmitResult, int]]]:
    """Every demo file submitted in order to a fresh store: (file, result, notices written by it)."""
    store = Store(tmp_path_factory.mktemp("db") / "t.db")
    store.init()
    results = []
    for f in demo:
        before = store.conn.execute("SELECT count(*) FROM notices").fetchone()[0]
        result = submit(store, f.path, kind=Kind(f.kind), agency=f.agency,
                        mapping=load_map(f.map_file) if f.map_file else None)
        after = store.conn.execute("SELECT count(*) FROM notices").fetchone()[0]
        results.append((f, result, after - before))
    return store, results


def _report(result: SubmitResult) -> str:
    return "\n".join(result.report()[:40])


def _accepted(results: list[tuple[GeneratedFile, SubmitResult, int]], kinds: set[str]) -> None:
    for f, result, _ in results:
        if f.kind in kinds and not f.invalid:
            assert result.problems == [], f"{f.path.name}\n{_report(result)}"
            assert result.ok, f.path.name
            assert result.counts.rows == f.rows


def test_valid_land_procurement_tender_files_accepted(submitted: tuple) -> None:
    _accepted(submitted[1], {"land", "procurement", "tender"})


def test_valid_mining_and_state_asset_files_accepted(submitted: tuple) -> None:
    _accepted(submitted[1], {"mining", "state_asset"})


def test_invalid_files_refused_with_row_problems(submitted: tuple) -> None:
    invalid = [(f, r, written) for f, r, written in submitted[1] if f.invalid]
    assert {f.kind for f, _, _ in invalid} == set(EXPECTED_PROBLEMS)
    for f, result, written in invalid:
        assert not result.ok, f.path.name
        assert written == 0, f.path.name
        assert all(p.row is not None and p.row > 1 for p in result.problems), _report(result)
        for column, text in EXPECTED_PROBLEMS[f.kind]:
            assert any(p.column == column and (text in p.reason or text in p.value) for p in result.problems), (
                f"{f.path.name}: no problem for {column!r} ({text})\n{_report(result)}")
        assert result.refused_rows < result.counts.rows  # good rows are mixed in


def test_invalid_land_file_reports_area_without_unit(submitted: tuple) -> None:
    f, result, _ = next(x for x in submitted[1] if x[0].invalid and x[0].kind == "land")
    assert any(p.column == "面积" and "unit" in p.reason for p in result.problems), _report(result)


def test_duplicates_resubmission_and_parties(submitted: tuple) -> None:
    store, results = submitted
    q = store.conn.execute
    by_name = {f.path.name: r for f, r, _ in results}
    for name in ("02-land-guangdong.csv", "09-procurement-sichuan.csv", "16-tender-guangxi.csv"):
        assert by_name[name].counts.unchanged > 0, name  # the same notices, read from a second source
    assert q("SELECT count(*) FROM notice_sources").fetchone()[0] > q("SELECT count(*) FROM notices").fetchone()[0]
    resubmitted = by_name["17-procurement-sichuan-resubmitted.csv"]
    assert resubmitted.counts.changed == 3
    assert resubmitted.counts.unchanged > 0
    assert resubmitted.counts.new == 0
    assert q("SELECT count(*) FROM notices WHERE version = 2").fetchone()[0] == 3
    assert q("SELECT count(*) FROM project_parties WHERE role = 'winner'").fetchone()[0] > 0
    repeat = q("SELECT count(*) FROM (SELECT party_id FROM project_parties WHERE role = 'winner'"
               " GROUP BY party_id HAVING count(DISTINCT project_id) > 1)").fetchone()[0]
    assert repeat > 0
    flags = [json.loads(r[0]) for r in q("SELECT flags FROM notices WHERE notice_type = 'contract'")]
    assert sum("zero" in fl.get("contract_amount", []) for fl in flags) == 1


def test_amounts_stored_exactly(submitted: tuple) -> None:
    """The messy budget cells of the CCGP file come out as the yuan amount their body states."""
    store, _ = submitted
    checked = 0
    for fields, body in store.conn.execute(
            "SELECT fields, body FROM notices WHERE kind = 'procurement' AND body LIKE '%预算金额：%'"):
        stated = re.search(r"预算金额：(\d+\.\d{2})元", body)
        if stated and "budget" in json.loads(fields):
            assert Decimal(json.loads(fields)["budget"]) == Decimal(stated.group(1))
            checked += 1
    assert checked >= 10


def _stored_kinds_checks(store: Store, kinds: set[str]) -> None:
    q = store.conn.execute
    for kind in kinds:
        types = {r[0] for r in q("SELECT DISTINCT notice_type FROM notices WHERE kind = ?", (kind,))}
        assert {"announcement", "correction", "result", "termination"} <= types, (kind, types)
        statuses = {r[0] for r in q("SELECT DISTINCT status FROM projects WHERE kind = ?", (kind,))}
        assert {"announced", "terminated"} <= statuses, (kind, statuses)
        assert statuses & {"awarded", "contracted"}, (kind, statuses)
        provinces = q("SELECT count(DISTINCT province_code) FROM projects WHERE kind = ?", (kind,)).fetchone()[0]
        assert provinces >= 10, kind
        # projects_per_kind, the red flags' comparison cases and the natural persons' projects
        want = 60 + FLAG_CASE_PROJECTS.get(kind, 0) + PEOPLE_PROJECTS.get(kind, 0)
        assert q("SELECT count(*) FROM projects WHERE kind = ?", (kind,)).fetchone()[0] == want, kind
    assert "candidates" in {r[0] for r in q("SELECT DISTINCT notice_type FROM notices WHERE kind = 'tender'")}
    assert "contract" in {r[0] for r in q("SELECT DISTINCT notice_type FROM notices WHERE kind = 'procurement'")}


def test_projects_of_land_procurement_tender(submitted: tuple) -> None:
    _stored_kinds_checks(submitted[0], {"land", "procurement", "tender"})


def test_projects_of_mining_and_state_assets(submitted: tuple) -> None:
    _stored_kinds_checks(submitted[0], {"mining", "state_asset"})


# -- the big CSV ----------------------------------------------------------------------------------------------


def test_big_csv_submits(tmp_path: Path) -> None:
    path = generate_big_csv(tmp_path / "big.csv", rows=2000, seed=3)
    assert path.read_bytes() == generate_big_csv(tmp_path / "again.csv", rows=2000, seed=3).read_bytes()
    with path.open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert tuple(table[0]) == BIG_CSV_HEADERS
    assert len(table) == 2001
    assert all(len(r) == len(BIG_CSV_HEADERS) for r in table)
    assert {r[0] for r in table[1:]} == {"公告", "更正公告", "结果公告"}
    assert all(200 <= len(r[-1]) <= 400 for r in table[1:] if r[-1])
    store = Store(tmp_path / "big.db")
    store.init()
    result = submit(store, path, kind=Kind.procurement, agency="基准测试")
    assert result.problems == [], _report(result)
    assert result.ok
    assert result.counts.rows == 2000
    assert result.counts.new == 2000


@pytest.mark.slow
def test_big_csv_100k_rows_under_10_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    path = generate_big_csv(tmp_path / "big.csv", rows=100_000)
    assert time.perf_counter() - started < 10
    with path.open(encoding="utf-8") as fh:
        assert sum(1 for _ in fh) == 100_001
