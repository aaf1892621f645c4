"""Compiling a project loses nothing (issue 8, item 7): OCDS-style merge through the real store.

Lots, awards and parties merge by identity (lot number or name; party USCC or name); a later
notice that omits a value never erases an earlier one; a correction may change it; candidates
stay parties with their rank and bid price after the result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from collectors.submit import submit
from models.codelists import Kind
from models.project import lot_key
from store.db import Store

WINNER_USCC = "91320507MA1MBNTA9C"


def put(store: Store, tmp_path: Path, kind: Kind, rows: list[dict[str, Any]], name: str = "rows.json") -> None:
    """Submit ``rows`` as a JSON file (the path an agency's file takes)."""
    path = tmp_path / name
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    result = submit(store, path, kind=kind, agency="某市公共资源交易中心")
    assert result.ok, result.report()


def one(store: Store, sql: str, *args: Any) -> tuple:
    rows = store.conn.execute(sql, args).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


PROC = {"项目编号": "GZ-2026-001", "项目名称": "某市学校设备采购", "区划代码": "440606", "采购人": "某市教育局"}


def test_a_contract_without_the_amount_keeps_the_winners_amount(store, tmp_path):
    # The three rows: announcement; result naming lot 1, the winner and 845,300.00元; a contract
    # notice naming the winner without repeating the amount, as 合同公告 often do.
    put(store, tmp_path, Kind.procurement, [
        {**PROC, "公告标题": "某市学校设备采购公开招标公告", "发布时间": "2026-01-05", "预算金额": "90万元"},
        {**PROC, "公告标题": "某市学校设备采购中标公告", "发布时间": "2026-02-01",
         "lots": [{"name": "第1包", "winners": [{"name": "江苏新煦光电科技有限公司", "uscc": WINNER_USCC,
                                               "amount": "845,300.00元"}]}]},
        {**PROC, "公告标题": "某市学校设备采购合同公告", "发布时间": "2026-02-20", "公告类型": "contract",
         "lots": [{"winners": [{"name": "江苏新煦光电科技有限公司"}]}]},
    ])
    row = one(store, "SELECT award_total_yuan, winners, lot_count, budget_yuan FROM projects_procurement")
    assert row == ("845300.00", "江苏新煦光电科技有限公司", 1, "900000.00")
    assert one(store, "SELECT status FROM projects") == ("contracted",)
    winner = one(store, "SELECT party_id, lot, amount_yuan FROM project_parties WHERE role = 'winner'")
    assert winner == (WINNER_USCC, "第1包", "845300.00")


def test_a_later_notice_that_omits_a_value_never_erases_it(store, tmp_path):
    land = {"电子监管号": "4406062019B07595", "区划代码": "440606", "项目名称": "容桂某地块", "供地方式": "挂牌出让"}
    put(store, tmp_path, Kind.land, [
        {**land, "公告标题": "挂牌出让公告", "发布时间": "2019-01-05", "起始价(万元)": "1000", "面积(公顷)": "1.5"},
        {**land, "公告标题": "成交公示", "发布时间": "2019-02-05", "成交价格(万元)": "1200", "土地使用权人": "佛山某置业有限公司"},
        {**land, "公告标题": "供地结果", "发布时间": "2019-03-05", "土地使用权人": "佛山某置业有限公司",
         "合同签订日期": "2019-03-01"},
    ])
    row = one(store, "SELECT starting_price_yuan, price_yuan, area_m2, holder, contract_date FROM projects_land")
    assert row == ("10000000.00", "12000000.00", 15000.0, "佛山某置业有限公司", "2019-03-01")
    assert one(store, "SELECT amount_yuan FROM project_parties WHERE role = 'land_user'") == ("12000000.00",)


def test_a_correction_changes_a_value_and_its_winners(store, tmp_path):
    put(store, tmp_path, Kind.procurement, [
        {**PROC, "公告标题": "某市学校设备采购公开招标公告", "发布时间": "2026-01-05", "预算金额": "90万元"},
        {**PROC, "公告标题": "某市学校设备采购更正公告", "发布时间": "2026-01-08", "预算金额": "80万元",
         "更正事项": "预算金额由90万元更正为80万元"},
        {**PROC, "公告标题": "某市学校设备采购中标公告", "发布时间": "2026-02-01",
         "lots": [{"name": "包1", "winners": [{"name": "甲公司", "amount": "70万元"}]}]},
        {**PROC, "公告标题": "某市学校设备采购中标结果更正公告", "发布时间": "2026-02-03", "公告类型": "correction",
         "lots": [{"name": "第1包", "winners": [{"name": "乙公司", "amount": "71万元"}]}]},
    ])
    row = one(store, "SELECT budget_yuan, correction, winners, award_total_yuan, lot_count FROM projects_procurement")
    assert row == ("800000.00", "预算金额由90万元更正为80万元", "乙公司", "710000.00", 1)
    assert one(store, "SELECT amended, correction_count FROM projects") == (1, 2)
    assert store.conn.execute("SELECT name FROM project_parties WHERE role = 'winner'").fetchall() == [("乙公司",)]


def test_a_termination_sets_the_status_and_keeps_what_was_known(store, tmp_path):
    put(store, tmp_path, Kind.procurement, [
        {**PROC, "公告标题": "某市学校设备采购公开招标公告", "发布时间": "2026-01-05", "预算金额": "90万元"},
        {**PROC, "公告标题": "某市学校设备采购废标公告", "发布时间": "2026-02-01", "废标情形": "有效供应商不足三家"},
    ])
    row = one(store, "SELECT budget_yuan, failure_reason FROM projects_procurement")
    assert row == ("900000.00", "有效供应商不足三家")
    assert one(store, "SELECT status FROM projects") == ("terminated",)


TENDER = {"招标项目编号": "E4406060001", "区划代码": "440606", "项目名称": "某道路改造工程", "招标人": "某区住建局"}
CANDIDATES = [{"name": "甲建设有限公司", "rank": 1, "amount": "1234567.89"},
              {"name": "乙建设有限公司", "rank": 2, "amount": "1250000.00"},
              {"name": "丙建设有限公司", "rank": 3, "amount": "1299999.00"}]


def test_candidates_stay_parties_with_rank_and_bid_price_after_the_result(store, tmp_path):
    put(store, tmp_path, Kind.tender, [
        {**TENDER, "公告标题": "某道路改造工程招标公告", "发布时间": "2026-01-05", "招标控制价": "130万元"},
        {**TENDER, "公告标题": "某道路改造工程中标候选人公示", "发布时间": "2026-02-01",
         "sections": [{"name": "1标段", "candidates": CANDIDATES}]},
        {**TENDER, "公告标题": "某道路改造工程中标结果公告", "发布时间": "2026-02-10",
         "sections": [{"name": "一标段", "winners": [{"name": "甲建设有限公司", "uscc": WINNER_USCC,
                                                   "amount": "1234567.89"}]}]},
    ])
    row = one(store, "SELECT candidate_count, lot_count, winners, award_total_yuan FROM projects_tender")
    assert row == (3, 1, "甲建设有限公司", "1234567.89")
    candidates = store.conn.execute(
        "SELECT name, rank, amount_yuan FROM project_parties WHERE role = 'candidate' ORDER BY rank").fetchall()
    assert candidates == [("甲建设有限公司", 1, "1234567.89"), ("乙建设有限公司", 2, "1250000.00"),
                          ("丙建设有限公司", 3, "1299999.00")]
    # the winner is one party, as a candidate (listed without its code) and as the winner
    assert {r[0] for r in store.conn.execute(
        "SELECT party_id FROM project_parties WHERE name = '甲建设有限公司'")} == {WINNER_USCC}
    # the losing bidder has a history: its party row points at this project
    loser = one(store, "SELECT p.name FROM parties p JOIN project_parties pp USING (party_id) WHERE pp.rank = 2")
    assert loser == ("乙建设有限公司",)


def test_lots_merge_by_identity_and_awards_by_party(store, tmp_path):
    put(store, tmp_path, Kind.procurement, [
        {**PROC, "公告标题": "某市学校设备采购中标公告", "发布时间": "2026-02-01", "lots": [
            {"name": "第1包", "winners": [{"name": "甲公司", "uscc": WINNER_USCC, "amount": "100.00"}]},
            {"name": "第2包", "winners": [{"name": "乙公司", "amount": "200.00"}]}]},
        # a contract for lot 2 (written 包2) and one naming the lot-1 winner by its code under another spelling
        {**PROC, "公告标题": "某市学校设备采购合同公告（包2）", "发布时间": "2026-02-20", "公告类型": "contract",
         "lots": [{"name": "包2", "winners": [{"name": "乙公司"}]}]},
        {**PROC, "公告标题": "某市学校设备采购合同公告（包1）", "发布时间": "2026-02-21", "公告类型": "contract",
         "lots": [{"name": "1", "winners": [{"name": "甲公司（盖章）", "uscc": WINNER_USCC}]}]},
    ])
    row = one(store, "SELECT lot_count, award_total_yuan FROM projects_procurement")
    assert row == (2, "300.00")
    fields = orjson.loads(store.conn.execute(
        "SELECT fields FROM notices WHERE title LIKE '%包1%'").fetchone()[0])
    assert "amount" not in fields["lots"][0]["winners"][0]  # the notice itself stays as published
    winners = store.conn.execute(
        "SELECT lot, amount_yuan FROM project_parties WHERE role = 'winner' ORDER BY lot").fetchall()
    assert winners == [("第1包", "100.00"), ("第2包", "200.00")]


def test_lot_identity():
    assert lot_key("第1包") == lot_key("包1") == lot_key("1标段") == lot_key("一标段") == lot_key("（1标段）") == "#1"
    assert lot_key("十二标段") == lot_key("第12包") == "#12"
    assert lot_key("绿化工程") != lot_key("照明工程")
    assert lot_key(None) is None
