"""Agency submissions: good, bad and mixed files; units in labels; maps; formats; versions."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from openpyxl import Workbook

from collectors.submit import submit
from models.codelists import Kind
from tests.conftest import count, dump, write_csv

USCC = "91110000600037341L"  # a real code (stdnum test vector)

LAND_HEADERS = ["电子监管号", "项目名称", "行政区", "面积(公顷)", "土地用途", "供地方式", "土地使用年限", "成交价格(万元)",
                "土地使用权人", "竞得人统一社会信用代码", "合同签订日期", "发布时间"]
LAND_ROW = ["4406062019B07595", "容桂-住宅地块", "顺德区", "0.003325", "城镇住宅用地", "协议出让", "70", "302000.0000",
            "佛山某置业有限公司", USCC, "2019年03月28日", "2019-03-28"]


def land_file(tmp_path: Path, rows: list[list[str]], name: str = "land.csv", encoding: str = "utf-8") -> Path:
    return write_csv(tmp_path / name, LAND_HEADERS, rows, encoding)


def test_good_file_is_stored_with_exact_values(store, tmp_path):
    result = submit(store, land_file(tmp_path, [LAND_ROW]), kind=Kind.land, agency="佛山市自然资源局")
    assert result.ok, result.report()
    assert (result.counts.rows, result.counts.new) == (1, 1)
    row = store.conn.execute("SELECT notice_type, fields, raw, region_code, published_at FROM notices").fetchone()
    fields = orjson.loads(row[1])
    assert row[0] == "result"  # a holder and a price: derived as a result
    assert Decimal(fields["price"]) == Decimal("3020000000")  # 302000 万元, exact
    assert Decimal(fields["area_m2"]) == Decimal("33.25")  # 0.003325 公顷
    assert orjson.loads(row[2])["price"] == "302000.0000"  # the original text is kept
    assert row[3] == "440606"
    assert row[4] == "2019-03-28T00:00:00+08:00"
    land = store.conn.execute("SELECT price_fen, price_yuan, supply_method, holder FROM projects_land").fetchone()
    assert land == (302000000000, "3020000000.00", "协议出让", "佛山某置业有限公司")
    assert count(store, "SELECT count(*) FROM project_parties WHERE role='land_user' AND party_id=?", USCC) == 1
    source = store.conn.execute("SELECT platform, location, raw_sha256 FROM notice_sources").fetchone()
    assert source[0] == "submission:佛山市自然资源局"
    assert source[1] == "row 2"
    assert (store.raw_dir / source[2][:2] / source[2]).read_bytes() == (tmp_path / "land.csv").read_bytes()


def test_bad_rows_refuse_the_whole_file_and_write_nothing(store, tmp_path):
    good = submit(store, land_file(tmp_path, [LAND_ROW], "first.csv"), kind=Kind.land, agency="A")
    assert good.ok
    before = dump(store.path)
    bad_uscc = USCC[:-1] + "X"
    rows = [
        [*LAND_ROW[:1], "另一地块", *LAND_ROW[2:]],  # good row: must not be written either
        ["4406062019B07596", "坏日期", "顺德区", "1", "工业用地", "挂牌出让", "50", "10", "某公司", USCC, "", "2026-02-30"],
        ["4406062019B07597", "坏方式", "顺德区", "1", "工业用地", "抢购", "50", "10", "某公司", bad_uscc, "", "2026-01-02"],
        ["4406062019B07598", "负数", "顺德区", "-1", "工业用地", "挂牌出让", "50", "-5", "某公司", USCC, "", "2026-01-02"],
    ]
    result = submit(store, land_file(tmp_path, rows, "mixed.csv"), kind=Kind.land, agency="A")
    assert not result.ok
    assert dump(store.path) == before
    where = {(p.row, p.column) for p in result.problems}
    assert (3, "发布时间") in where
    assert (4, "供地方式") in where
    assert (4, "竞得人统一社会信用代码") in where
    assert (5, "成交价格(万元)") in where
    assert result.refused_rows == 3
    assert all(p.reason for p in result.problems)
    assert any(p.value == "2026-02-30" for p in result.problems)


def test_resubmitting_changes_nothing(store, tmp_path):
    path = land_file(tmp_path, [LAND_ROW])
    assert submit(store, path, kind=Kind.land, agency="A").ok
    before = count(store, "SELECT count(*) FROM notices"), count(store, "SELECT count(*) FROM projects")
    again = submit(store, path, kind=Kind.land, agency="A")
    assert again.ok
    assert (again.counts.new, again.counts.changed, again.counts.unchanged) == (0, 0, 1)
    assert (count(store, "SELECT count(*) FROM notices"), count(store, "SELECT count(*) FROM projects")) == before


def test_same_notice_in_other_units_is_unchanged(store, tmp_path):
    assert submit(store, land_file(tmp_path, [LAND_ROW]), kind=Kind.land, agency="A").ok
    headers = [h.replace("成交价格(万元)", "price").replace("面积(公顷)", "area_m2") for h in LAND_HEADERS]
    row = list(LAND_ROW)
    row[LAND_HEADERS.index("成交价格(万元)")] = "30.2亿元"
    row[LAND_HEADERS.index("面积(公顷)")] = "33.25平方米"
    path = write_csv(tmp_path / "en.csv", headers, [row])
    result = submit(store, path, kind=Kind.land, agency="A")
    assert result.ok, result.report()
    assert result.counts.unchanged == 1
    assert count(store, "SELECT count(*) FROM notice_sources") == 2  # one notice, two sources


def test_changed_value_becomes_a_new_version(store, tmp_path):
    assert submit(store, land_file(tmp_path, [LAND_ROW]), kind=Kind.land, agency="A").ok
    row = list(LAND_ROW)
    row[LAND_HEADERS.index("成交价格(万元)")] = "303000"
    result = submit(store, land_file(tmp_path, [row], "v2.csv"), kind=Kind.land, agency="A")
    assert result.ok
    assert result.counts.changed == 1
    versions = store.conn.execute("SELECT version, superseded_at IS NULL FROM notices ORDER BY version").fetchall()
    assert versions == [(1, 0), (2, 1)]
    assert store.conn.execute("SELECT price_fen FROM projects_land").fetchone()[0] == 303000 * 10000 * 100


PROC_HEADERS = ["notice_type", "title", "published_at", "region_code", "project_no", "buyer", "budget", "method",
                "winner", "award_amount", "bid_count", "corrects", "notice_no"]


def test_lifecycle_correction_and_termination(store, tmp_path):
    rows = [
        ["announcement", "某医院设备采购项目公告", "2026-01-05 09:00", "330521", "ZJ-2026-001", "某医院", "1,000,000.00元",
         "公开招标", "", "", "", "", "N1"],
        ["correction", "某医院设备采购项目更正公告", "2026-01-08 09:00", "330521", "ZJ-2026-001", "", "120万元", "", "", "",
         "", "N1", "N2"],
        ["result", "某医院设备采购项目中标结果公告", "2026-02-01", "330521", "ZJ-2026-001", "", "", "", "甲公司；乙公司",
         "50万元；70万元", "1", "", "N3"],
    ]
    path = write_csv(tmp_path / "p.csv", PROC_HEADERS, rows)
    result = submit(store, path, kind=Kind.procurement, agency="德清县公共资源交易中心")
    assert result.ok, result.report()
    p = store.conn.execute("SELECT status, amended, notice_count, correction_count FROM projects").fetchone()
    assert p == ("awarded", 1, 3, 1)
    proc = store.conn.execute("SELECT budget_fen, method, winners, award_total_fen, lot_count, bid_count"
                              " FROM projects_procurement").fetchone()
    assert proc == (120_000_000, "公开招标", "甲公司；乙公司", 120_000_000, 1, 1)  # the correction supersedes the budget
    term = write_csv(tmp_path / "t.csv", PROC_HEADERS, [
        ["", "某医院设备采购项目终止公告", "2026-02-03", "330521", "ZJ-2026-001", "", "", "", "", "", "", "", "N4"]])
    assert submit(store, term, kind=Kind.procurement, agency="德清县公共资源交易中心").ok
    assert store.conn.execute("SELECT status FROM projects").fetchone()[0] == "terminated"


def test_unknown_header_is_an_error_and_map_fixes_it(store, tmp_path):
    path = write_csv(tmp_path / "odd.csv", ["电子监管号", "成交总价（万元）", "发布时间", "备注栏", "项目名称"],
                     [["4406062019B07595", "100", "2026-01-02", "x", "某地块"]])
    result = submit(store, path, kind=Kind.land, agency="A")
    assert not result.ok
    assert {p.column for p in result.problems} == {"成交总价（万元）", "备注栏"}
    mapping = {"成交总价（万元）": "成交价格(万元)", "备注栏": None}
    result = submit(store, path, kind=Kind.land, agency="A", mapping=mapping)
    assert result.ok, result.report()
    assert orjson.loads(store.conn.execute("SELECT fields FROM notices").fetchone()[0])["price"] == "1000000.00"


def test_bad_unit_in_label(store, tmp_path):
    path = write_csv(tmp_path / "u.csv", ["电子监管号", "成交价格(公顷)", "发布时间", "项目名称"],
                     [["4406062019B07595", "100", "2026-01-02", "x"]])
    result = submit(store, path, kind=Kind.land, agency="A")
    assert not result.ok
    assert "unit" in result.problems[0].reason


def test_gb18030_csv(store, tmp_path):
    result = submit(store, land_file(tmp_path, [LAND_ROW], encoding="gb18030"), kind=Kind.land, agency="A")
    assert result.ok, result.report()
    assert store.conn.execute("SELECT land_use FROM projects_land").fetchone()[0] == "城镇住宅用地"


def test_xlsx_json_jsonl(store, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(LAND_HEADERS)
    ws.append([*LAND_ROW[:3], 0.003325, *LAND_ROW[4:7], 302000, *LAND_ROW[8:]])
    wb.save(tmp_path / "land.xlsx")
    assert submit(store, tmp_path / "land.xlsx", kind=Kind.land, agency="A").ok
    record = {
        "title": "某道路工程施工招标中标结果公告", "published_at": "2026-03-01", "region": "浙江省",
        "project_no": "E3305002866005744001", "tenderer": "某县交通局", "control_price": "1200万元",
        "sections": [{"name": "1标段", "winners": [{"name": "甲建设有限公司", "amount": "11500000.00"}],
                      "candidates": [{"name": "甲建设有限公司", "rank": 1}, {"name": "乙建设有限公司", "rank": 2}]}],
    }
    (tmp_path / "t.json").write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    result = submit(store, tmp_path / "t.json", kind=Kind.tender, agency="A")
    assert result.ok, result.report()
    (tmp_path / "t.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert submit(store, tmp_path / "t.jsonl", kind=Kind.tender, agency="A").counts.unchanged == 1
    tender = store.conn.execute("SELECT control_price_fen, winners, candidate_count FROM projects_tender").fetchone()
    assert tender == (1_200_000_000, "甲建设有限公司", 2)
    assert store.conn.execute("SELECT price_fen FROM projects_land").fetchone()[0] == 302000000000


def test_dry_run_reports_and_writes_nothing(store, tmp_path):
    assert submit(store, land_file(tmp_path, [LAND_ROW]), kind=Kind.land, agency="A").ok
    before = dump(store.path)
    changed = list(LAND_ROW)
    changed[LAND_HEADERS.index("成交价格(万元)")] = "1"
    other = ["4406062019B07599", *LAND_ROW[1:]]
    result = submit(store, land_file(tmp_path, [LAND_ROW, changed, other], "d.csv"), kind=Kind.land, agency="A",
                    dry_run=True)
    assert result.ok
    assert (result.counts.new, result.counts.changed, result.counts.unchanged) == (1, 1, 1)
    assert dump(store.path) == before


def test_kind_column_must_agree(store, tmp_path):
    path = write_csv(tmp_path / "k.csv", ["kind", *LAND_HEADERS], [["mining", *LAND_ROW]])
    result = submit(store, path, kind=Kind.land, agency="A")
    assert not result.ok
    assert result.problems[0].column == "kind"


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage", b"title\n\"unclosed"])
def test_broken_files_are_refused_cleanly(store, tmp_path, content):
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    before = dump(store.path)
    result = submit(store, path, kind=Kind.land, agency="A")
    assert not result.ok
    assert dump(store.path) == before


def test_nested_lots_go_through_the_same_normalizers(store, tmp_path):
    record = {"title": "某设备采购中标公告", "published_at": "2026-03-01", "project_no": "P-1",
              "lots": [{"name": "第1包", "budget": "100万元",
                        "winners": [{"name": "甲公司", "uscc": "91510107MA5PXKBB35", "amount": "1150万元"}]},
                       {"name": "第2包"}, "not a lot"]}
    (tmp_path / "l.json").write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    result = submit(store, tmp_path / "l.json", kind=Kind.procurement, agency="A")
    assert not result.ok
    reasons = {p.column: p.reason for p in result.problems}
    assert "check character" in reasons["lots.0.winners.0.uscc"]
    assert "lots.2" in reasons
    record["lots"] = record["lots"][:2]
    record["lots"][0]["winners"][0]["uscc"] = "91110000600037341L"
    (tmp_path / "l.json").write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    result = submit(store, tmp_path / "l.json", kind=Kind.procurement, agency="A")
    assert result.ok, result.report()
    assert store.conn.execute("SELECT award_total_fen, lot_count FROM projects_procurement").fetchone() == (1_150_000_000, 2)


def test_a_refused_file_leaves_no_raw_bytes_behind(store, tmp_path):
    bad = list(LAND_ROW)
    bad[LAND_HEADERS.index("发布时间")] = "never"
    assert not submit(store, land_file(tmp_path, [bad]), kind=Kind.land, agency="A").ok
    assert not store.raw_dir.exists() or not any(store.raw_dir.rglob("*"))
    assert submit(store, land_file(tmp_path, [LAND_ROW], "dry.csv"), kind=Kind.land, agency="A", dry_run=True).ok
    assert not store.raw_dir.exists() or not any(store.raw_dir.rglob("*"))


@pytest.mark.parametrize("placeholder", ["无", "-", "/", "—", "－", "None", "null", "空", "暂无", "N/A", "\xa0"])
def test_placeholder_cells_are_empty_values_never_a_crash(store, tmp_path, placeholder):
    # issue 8: a one-row CSV with region 无 gave an AttributeError traceback.
    row = [*LAND_ROW[:2], placeholder, *LAND_ROW[3:9], placeholder, placeholder, LAND_ROW[11]]
    result = submit(store, land_file(tmp_path, [row]), kind=Kind.land, agency="佛山市自然资源局")
    assert result.ok, result.report()
    region, raw, flags = store.conn.execute("SELECT region_code, raw, flags FROM notices").fetchone()
    assert region is None  # no region, not a made-up one
    fields = orjson.loads(store.conn.execute("SELECT fields FROM notices").fetchone()[0])
    assert "holder_uscc" not in fields
    assert "contract_date" not in fields
    assert fields["holder"] == "佛山某置业有限公司"
    if placeholder.strip():
        assert orjson.loads(raw)["region"] == placeholder  # what was printed is kept
        assert orjson.loads(flags)["region"] == ["placeholder"]


def test_placeholder_winner_and_lot_are_nobody(store, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([{"项目名称": "某采购", "发布时间": "2026-01-05", "region": "无",
                                 "lots": [{"name": "—", "winners": [{"name": "无"}, {"name": "甲公司", "amount": "暂无"}]}]}],
                               ensure_ascii=False), encoding="utf-8")
    result = submit(store, path, kind=Kind.procurement, agency="某采购中心")
    assert result.ok, result.report()
    fields = orjson.loads(store.conn.execute("SELECT fields FROM notices").fetchone()[0])
    assert fields["lots"] == [{"winners": [{"name": "甲公司"}], "candidates": []}]


def _no_region_file(tmp_path: Path, region_cell: str | None) -> Path:
    headers = [h for h in LAND_HEADERS if h != "行政区"] + ([] if region_cell is None else ["行政区"])
    row = [v for h, v in zip(LAND_HEADERS, LAND_ROW, strict=True) if h != "行政区"] + (
        [] if region_cell is None else [region_cell])
    return write_csv(tmp_path / "land.csv", headers, [row])


@pytest.mark.parametrize(("region", "code", "name"), [("440606", "440606", "广东省佛山市顺德区"), ("顺德区", "440606", "顺德区")])
@pytest.mark.parametrize("cell", [None, "无", ""])
def test_region_option_sets_rows_without_a_region(store, tmp_path, region, code, name, cell):
    result = submit(store, _no_region_file(tmp_path, cell), kind=Kind.land, agency="佛山市自然资源局", region=region)
    assert result.ok, result.report()
    assert store.conn.execute("SELECT region_code, region_name, province_code FROM notices").fetchone() == (
        code, name, "440000")


def test_region_option_never_overrides_a_row_region(store, tmp_path):
    result = submit(store, _no_region_file(tmp_path, "南海区"), kind=Kind.land, agency="A", region="440606")
    assert result.ok, result.report()
    assert store.conn.execute("SELECT region_code FROM notices").fetchone() == ("440605",)


def test_unknown_region_option_is_a_clear_error(store, tmp_path):
    before = dump(store.path)
    result = submit(store, _no_region_file(tmp_path, None), kind=Kind.land, agency="A", region="火星区")
    assert not result.ok
    assert result.problems[0].column == "--region"
    assert dump(store.path) == before


def test_map_gives_a_unitless_column_its_unit(store, tmp_path):
    headers = ["电子监管号", "项目名称", "成交价格", "土地使用权人", "发布时间"]
    path = write_csv(tmp_path / "land.csv", headers, [["4406062019B07595", "某地块", "302000", "某公司", "2019-03-28"]])
    result = submit(store, path, kind=Kind.land, agency="A", mapping={"成交价格": "成交价格(万元)"})
    assert result.ok, result.report()
    fields = orjson.loads(store.conn.execute("SELECT fields FROM notices").fetchone()[0])
    assert Decimal(fields["price"]) == Decimal("3020000000")
    # without the map the same column is yuan
    again = submit(store, path, kind=Kind.land, agency="A", dry_run=True)
    assert again.ok
    assert again.counts.changed == 1


def test_bare_code_and_address_columns_belong_to_the_party_before_them(store, tmp_path):
    buyer_uscc, winner_uscc = "91110000600037341L", "91320507MA1MBNTA9C"
    # repeated headers, as real tables print them
    headers = ["项目名称", "发布时间", "采购人", "统一社会信用代码", "地址", "中标供应商名称", "统一社会信用代码", "地址",
               "中标金额", "代理机构", "统一社会信用代码"]
    row = ["某采购项目", "2026-01-05", "某市财政局", buyer_uscc, "某路1号", "甲公司", winner_uscc, "某路2号", "845300.00",
           "某代理公司", "91440300MA5F7J2K1X"]
    result = submit(store, write_csv(tmp_path / "p.csv", headers, [row]), kind=Kind.procurement, agency="某市财政局")
    assert result.ok, result.report()
    fields = orjson.loads(store.conn.execute("SELECT fields FROM notices").fetchone()[0])
    assert fields["buyer_uscc"] == buyer_uscc
    assert fields["lots"][0]["winners"] == [{"name": "甲公司", "uscc": winner_uscc, "amount": "845300.00"}]
    ignored = dict(result.ignored)
    assert set(ignored) == {"地址", "地址#2", "统一社会信用代码#3"}  # addresses, and the agent has no code field
    assert "agent" in ignored["统一社会信用代码#3"]


def test_a_land_supply_result_without_a_holder_is_a_result(store, tmp_path):
    # 划拨: an allocation, printed without a holder or a price
    headers = ["电子监管号", "项目名称", "行政区", "面积(公顷)", "土地用途", "供地方式", "土地使用权人", "成交价格(万元)", "发布时间"]
    row = ["4406062019B07599", "某学校用地", "顺德区", "1.2", "教育用地", "划拨", "", "", "2019-03-28"]
    result = submit(store, write_csv(tmp_path / "land.csv", headers, [row]), kind=Kind.land, agency="A")
    assert result.ok, result.report()
    assert store.conn.execute("SELECT notice_type FROM notices").fetchone() == ("result",)
    assert store.conn.execute("SELECT status FROM projects").fetchone() == ("awarded",)


def test_cli_region_option_and_ignored_columns_are_reported(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "g.db"
    headers = [h for h in LAND_HEADERS if h != "行政区"] + ["开标地点"]
    row = [v for h, v in zip(LAND_HEADERS, LAND_ROW, strict=True) if h != "行政区"] + ["某会议室"]
    path = write_csv(tmp_path / "land.csv", headers, [row])

    def gk(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "gongkai", "--db", str(db), *args], capture_output=True, text=True,
                              timeout=120, check=False)

    assert gk("init").returncode == 0
    out = gk("submit", str(path), "--kind", "land", "--agency", "A", "--region", "440606", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["ignored"] == [{"column": "开标地点", "reason": "the place of bid opening is not kept"}]
    bad = gk("submit", str(path), "--kind", "land", "--agency", "A", "--region", "999999")
    assert bad.returncode == 1
    assert "--region" in bad.stderr
    assert "999999" in bad.stderr
