"""Each example of the field tables in source-formats.md (§3.3 land, §4 mining, §5
procurement, §6.1 tenders, §6.2 state assets), through the labels the portals print and
the normalizers, into a validated Notice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from collectors.parsers import cells_from_labels
from models.assemble import assemble
from models.codelists import Kind, NoticeType
from models.notice import Source

SOURCE = Source(platform="test", url="https://example.org/n", fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
                sha256="a" * 64, parser_version="test/1")


def notice(kind: Kind, pairs: list[tuple[str, str]]):
    extracted = cells_from_labels(kind, pairs)
    assert extracted.unknown == {}, extracted.unknown
    out = assemble(kind, extracted.cells, SOURCE)
    assert out.notice is not None, out.problems
    return out.notice


def test_land_supply_result_table():
    n = notice(Kind.land, [
        ("行政区", "北京市本级"), ("电子监管号", "1101002019B01556"),
        ("项目名称", "北京市朝阳区孙河乡2902-31地块R2二类居住用地"), ("土地坐落", "佛山市顺德区容桂东风居委会新前三巷10号"),
        ("面积(公顷)", "3.947905"), ("土地用途", "城镇住宅用地"), ("供地方式", "挂牌出让"),
        ("土地使用年限", "其他商服用地40年; 商务金融用地50年; 仓储用地50年;"), ("行业分类", "房地产业"),
        ("土地级别", "城区Ⅳ级"), ("成交价格(万元)", "302000.0000"), ("土地使用权人", "苏州恒相房地产开发有限公司"),
        ("约定容积率下限", "1.00"), ("约定容积率上限", "1.00"), ("约定交地时间", "2019年07月12日"),
        ("约定竣工时间", "2023年06月12日"), ("批准单位", "北京市"), ("合同签订日期", "2019年06月27日"),
        ("发布时间", "2019年06月27日"),
    ])
    f = n.fields
    assert n.notice_type is NoticeType.result
    assert n.region is not None
    assert n.region.province_code == "110000"  # 北京市本级: the municipality's own level
    assert f.area_m2 == Decimal("39479.05")
    assert f.price == Decimal("3020000000.00")
    assert f.term_years == 50  # the longest of a composite term; the text is kept
    assert "composite" in n.flags["term_years"]
    assert n.raw["term_years"].startswith("其他商服用地40年")
    assert f.land_grade == "城区Ⅳ级"  # stored text keeps Ⅳ (NFKC only for matching keys)
    assert (f.plot_ratio_min, f.plot_ratio_max) == (Decimal("1.00"), Decimal("1.00"))
    assert (f.delivery_date, f.completion_date, f.contract_date) == (
        date(2019, 7, 12), date(2023, 6, 12), date(2019, 6, 27))


def test_mining_result_table():
    n = notice(Kind.mining, [
        ("矿业权类型", "探矿权"), ("项目名称", "陕西省旬阳市金洞河地区铜矿普查"), ("勘查矿种", "铜矿"), ("出让方式", "挂牌"),
        ("出让人", "河南省自然资源厅"), ("受让人", "安康鑫亨矿业有限公司"), ("统一社会信用代码", "91610928MAB32DF87G"),
        ("成交价", "72万元"), ("缴纳方式", "一次性缴纳"), ("面积(平方千米)", "12.5"), ("勘查阶段", "普查"),
        ("公示时间", "2024年10月31日"),
    ])
    f = n.fields
    assert (f.right_type, f.method, f.mineral) == ("探矿权", "挂牌", "铜矿")
    assert f.deal_price == Decimal("720000.00")
    assert f.area_m2 == Decimal("12500000.00")
    assert f.transferee_uscc == "91610928MAB32DF87G"
    assert n.notice_type is NoticeType.result


@pytest.mark.parametrize(("budget", "expected"), [
    ("人民币9950000.00元", Decimal("9950000.00")),
    ("200000", Decimal("200000.00")),
    ("￥56.980000 万元（人民币）", Decimal("569800.00")),
    ("壹万陆仟叁佰陆拾玖元整（¥16369.00）", Decimal("16369.00")),
])
def test_procurement_amount_forms(budget, expected):
    n = notice(Kind.procurement, [
        ("采购项目编号", "11010226210200025327-XM001　　　　　　"), ("采购项目名称", "某单位设备采购"),
        ("采购人", "清镇市麦格苗族布依族乡人民政府"), ("采购代理机构", "贵州励柯工程咨询有限公司"), ("行政区域", "贵州省"),
        ("采购方式", "竞争性磋商"), ("预算金额", budget), ("公告时间", "2025年06月27日 17:52"),
    ])
    assert n.fields.budget == expected
    assert n.project_no == "11010226210200025327-XM001"  # U+3000 padding removed
    assert n.published_at.isoformat() == "2025-06-27T17:52:00+08:00"
    assert n.region is not None
    assert n.region.code == "520000"


def test_procurement_award_with_unit_from_the_header():
    n = notice(Kind.procurement, [
        ("项目编号", "LKZX2025-CG013"), ("项目名称", "某设备"), ("中标（成交）供应商名称", "江苏新煦光电科技有限公司"),
        ("中标金额(万元)", "31.2"), ("公告时间", "2026.08.21 23:46:51"),
    ])
    lot = n.fields.lots[0]
    assert lot.winners[0].amount == Decimal("312000.00")
    assert n.notice_type is NoticeType.result


def test_tender_table():
    n = notice(Kind.tender, [
        ("招标项目编号", "E4510002866005744001"), ("招标人", "噶尔县农业农村和科技水利局"), ("资金来源", "国家投资"),
        ("标段名称", "无标段"), ("计划工期", "365日历天"), ("招标控制价", "1,234,500.00元"), ("质量标准", "合格"),
        ("发布时间", "2026-03-17"), ("公告标题", "某水利工程招标公告"),
    ])
    f = n.fields
    assert f.duration_days == 365
    assert f.control_price == Decimal("1234500.00")
    assert f.sections[0].name == "无标段"
    assert n.notice_type is NoticeType.announcement


def test_state_asset_result_table():
    n = notice(Kind.state_asset, [
        ("项目编号", "GR2026SH1000563"), ("项目名称", "某公司35%股权转让"), ("交易方式", "网络竞价"),
        ("受让方名称", "某投资有限公司"), ("转让标的评估值或账面净值", "1000万元"), ("成交金额", "1,200万元"),
        ("成交日期", "2016/1/12 10:59:31"), ("转让比例", "不超过35%"), ("发布时间", "2016-01-12"),
    ])
    f = n.fields
    assert (f.appraised_value, f.deal_price) == (Decimal("10000000.00"), Decimal("12000000.00"))
    assert f.deal_date == date(2016, 1, 12)
    assert f.share_ratio == Decimal("35")
    assert "bound" in n.flags["share_ratio"]
    assert n.notice_type is NoticeType.result
