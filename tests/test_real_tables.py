"""Crawl tables and record files (../shared/data/real) through collectors.parsers.tables and the
models: the facts a person reads on each file's first record, normalized."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from collectors.parsers import Extracted, ParseError, Refused
from collectors.parsers.tables import looks_tabular, parse_table_file, region_in, split_labelled_text
from models.assemble import assemble
from models.codelists import Kind, NoticeType
from models.notice import Notice, Source
from tests.conftest import real_file

SOURCE = Source(platform="test", url="https://example.org/x", fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
                sha256="0" * 64, parser_version="test/1")


def _records(*parts: str) -> list[Extracted | Refused]:
    path = real_file(*parts)
    data = path.read_bytes()
    assert looks_tabular(data, path.name)
    return parse_table_file(data, path.name)


def _notice(record: Extracted | Refused) -> Notice:
    assert isinstance(record, Extracted), record
    assert record.kind is not None
    out = assemble(record.kind, record.cells, SOURCE, trust_notice_type=False, lots=record.lots or None,
                   body_text=record.body_text)
    assert out.notice is not None, out.problems
    return out.notice


def _page(name: str) -> list[Extracted | Refused]:
    return _records("pages", name)


def _published(n: Notice) -> date:
    return n.published_at.date()


def _code(n: Notice) -> str | None:
    return n.region.code if n.region else None


def test_cqggzy_land_results():
    records = _page("tabular__cqggzy.com__result__land-cjgg-gbk.csv")
    assert len(records) == 82
    n = _notice(records[0])
    assert n.title == "奉节县西部新区FJ-14-128号宗地国有建设用地使用权公开出让招拍挂出让成交公示"
    assert _published(n) == date(2020, 4, 21)
    assert n.notice_type is NoticeType.result  # 成交公示
    f = n.fields
    assert f.parcel_no == "FJ-14-128"
    assert _code(n) == "500236"  # 奉节县, from the title
    assert f.supply_method == "挂牌出让"  # 挂牌
    assert f.holder == "重庆海成实业（集团）有限公司"
    assert f.area_m2 == Decimal("137759.00")
    assert f.price is None  # row 1 has no 成交价
    assert f.location == "西部新区清水社区魏家社区"
    assert str(n.original_url).startswith("https://www.cqggzy.com/xxhz/")
    second = _notice(records[1])
    assert second.fields.price == Decimal("53360000.00")  # 成交价(万元)/成交价 5336
    assert second.fields.area_m2 == Decimal("95282.00")
    assert second.fields.holder == "重庆市渝北区三圣建材有限公司"
    assert records[1].unknown["公告序号"] == "G20010"


def test_lasa_land_results_strip_the_multi_value_marker():
    records = _page("tabular__ggzy.lasa.gov.cn__result__land-jggs-gbk.csv")
    assert len(records) == 126
    n = _notice(records[0])
    assert n.title.startswith("2018-（柳）16号国有建设用地使用权挂牌出让结果公示")
    assert _published(n) == date(2019, 8, 12)  # |2019年8月12日
    f = n.fields
    assert f.parcel_no == "2018-（柳）16号"
    assert n.notice_no == "拉公共柳梧国土挂﹝2019﹞2号）"
    assert _code(n) == "540100"  # the site is Lhasa's exchange
    assert f.supply_method == "挂牌出让"
    assert f.price == Decimal("11807650.00")  # |11807650元
    assert f.holder is None  # row 1 has no 竞得单位
    assert records[0].unknown["成交金额|"] == "|11807650元"  # the cell as printed
    # shifted tail: the header line lacks 爬取时间, so 爬取地址url holds the link again
    assert n.original_url == "http://ggzy.lasa.gov.cn/Article/ArticleDetail?id=56411"
    second = _notice(records[1])
    assert second.fields.starting_price == Decimal("15294086.00")  # unitless 1529.4086: 万元
    assert second.fields.price == Decimal("15300000.00")
    assert second.fields.holder == "西藏顶立建设工程有限公司"
    assert second.fields.parcel_no == "JKQ2019-5"


def test_landchina_announcements_2020():
    records = _page("tabular__landchina.com__announcement__crgg-2020-gbk.csv")
    assert len(records) == 64
    n = _notice(records[0])
    assert n.title == "北京市规划和自然资源委员会大兴分局国有土地使用权挂牌出让公告(京土整储挂（兴）工业[2020]002号)"
    assert _published(n) == date(2020, 4, 17)
    assert n.notice_type is NoticeType.announcement
    f = n.fields
    assert f.parcel_no == "京土整储挂（兴）工业【2020】002号"
    assert _code(n) == "110115"
    assert n.publisher == "北京市规划和自然资源委员会大兴分局"  # the grantor opens the title
    assert f.supply_method == "挂牌出让"  # 公告类型 挂牌
    assert f.starting_price == Decimal("28011161.00")  # 2801.1161万元
    assert f.area_m2 == Decimal("19983.72")
    assert f.term_years == 20
    assert f.land_use == "工业用地"


def test_landchina_concatenated_blocks():
    records = _page("tabular__landchina.com__announcement__crgg-gdjg-concat-pipe.txt")
    assert len(records) == 88
    n = _notice(records[0])
    f = n.fields
    assert n.project_name == "住宅"
    assert _code(n) == "222406"  # 和龙市, = the 电子监管号's county
    assert f.e_supervision_no == "2224062019B00658"
    assert f.supply_method == "协议出让"
    assert f.holder == "李桂玉"
    assert f.price == Decimal("4432.00")  # 0.4432 万元
    # the detail block's 面积 column holds 3.505070 (= the list's 总面积); 0.002245 is its 土地来源
    assert f.area_m2 == Decimal("35050.70")
    assert f.land_source == "0.002245"
    assert f.contract_date == date(2019, 6, 6)
    assert _published(n) == date(2019, 6, 6)  # no publication time: the contract signing date
    assert f.term_years is None
    assert records[0].unknown["土地使用年限"] == "60.41"
    block2 = _notice(records[1])  # a 出让公告 row fills the first block only
    assert block2.title.startswith("台州市自然资源和规划局国有建设用地使用权挂牌出让公告")
    assert block2.fields.starting_price == Decimal("182900000.00")
    assert block2.fields.area_m2 == Decimal("42330.00")


def test_landchina_result_list_pipe():
    records = _page("tabular__landchina.com__result__jieguo-output-pipe.txt")
    assert len(records) == 30
    n = _notice(records[0])
    assert n.fields.e_supervision_no == "4418272019B00376"
    assert _code(n) == "441803"  # 清新县 → 清新区 (441827 is its old code)
    assert n.fields.area_m2 == Decimal("60000.00")
    assert n.fields.price == Decimal("16680000.00")
    assert n.fields.plot_ratio_min == Decimal("0.80")
    assert n.fields.plot_ratio_max == Decimal("2.50")
    xpcc = _notice(records[2])  # 150团: the 电子监管号's 6608xx code is the corps unit
    assert (_code(xpcc) or "").startswith("66")


def test_landchina_xls_2005():
    records = _page("tabular__landchina.com__result__gdjg-2005-06-30.xls")
    assert len(records) == 61
    n = _notice(records[0])
    f = n.fields
    assert n.project_name == "李朝军商业楼"
    assert _code(n) == "152224"
    assert f.supply_method == "协议出让"
    assert f.holder == "李朝军"
    assert f.price == Decimal("22049.00")  # 2.2049 万元
    assert f.area_m2 == Decimal("291.00")  # 0.029100 公顷
    assert f.e_supervision_no == "1522242005B00354"
    assert _published(n) == date(2005, 6, 30)  # 合同签订日期
    assert f.term_years == 12
    assert f.location == "突泉镇幸福居委会"


def test_landchina_mortgage_xls():
    records = _page("tabular__landchina.com__other__tddy-mortgage-beijing.xls")
    assert len(records) == 82
    n = _notice(records[0])
    assert n.notice_type is NoticeType.other
    assert _code(n) == "110119"  # 延庆县 → 延庆区
    assert "historical_name" in n.flags["region"]
    f = n.fields
    assert f.location == "延庆区（原延庆县）珍珠泉乡庙梁村西"
    assert f.area_m2 == Decimal("21400.00")  # 2.1400 公顷
    assert f.land_use == "工业用地"
    assert f.holder == "北京百吉佳祥达投资有限公司"
    assert n.published_at == datetime.fromisoformat("2016-01-14T09:25:05+08:00")  # 抵押起始时间
    unknown = records[0].unknown
    assert unknown["土地抵押权人"] == "北京中金城开小额贷款有限公司"
    assert unknown["抵押金额"] == "1500.0000"
    assert "宗地标识" not in unknown  # a lone NBSP is no value


def test_landchina_json_arrays_back_to_back():
    records = _page("tabular__landchina.com__result__gdjg-detail-records-gbk.json")
    assert len(records) == 203 + 38
    n = _notice(records[0])
    f = n.fields
    assert n.title == "供地结果信息"
    assert n.project_name == "河北康城房地产开发有限公司"
    assert _code(n) == "130626"
    assert f.approving_authority == "定兴县人民政府"
    assert f.supply_method == "挂牌出让"
    assert f.holder == "河北康城房地产开发有限公司"
    assert f.price == Decimal("104840000.00")  # 10484.0000 万元
    assert f.area_m2 == Decimal("52928.04")  # 5.292804 公顷
    assert f.e_supervision_no == "1306262018B00730"
    assert f.plot_ratio_min == Decimal("1.00")
    assert f.plot_ratio_max == Decimal("2.00")
    assert _published(n) == date(2018, 12, 31)  # date4sign
    assert f.actual_completion_date is None  # a lone space
    second = _notice(records[1])
    assert second.fields.supply_method == "划拨"
    assert second.fields.price is None
    listed = _notice(records[203])  # the second array: list rows
    assert listed.fields.area_m2 == Decimal("5348.00")
    assert listed.title == "广州市花都区炭步镇步云村供地结果"


def test_sz68_land_trades():
    records = _page("tabular__sz68.com__result__land-trade-gbk.csv")
    assert len(records) == 19
    n = _notice(records[0])
    f = n.fields
    assert n.title == "E2019-0001宗地出让结果"  # the second 正文标题 (the first is the 出让公告's)
    assert _published(n) == date(2019, 12, 27)  # 发布日期 of the result, not 发布时间 of the announcement
    assert f.parcel_no == "E2019-0001"
    assert _code(n) == "440300"
    assert f.supply_method == "挂牌出让"
    assert f.starting_price == Decimal("13900000.00")
    assert f.holder == "深圳市深汕特别合作区盛腾科技有限公司"
    assert f.price == Decimal("13900000.00")  # "\t\t\t13 900 000\t" 元
    assert f.area_m2 == Decimal("25000.00")
    assert records[0].unknown["区域"] == "深汕特别合作区"


def test_shanxi_land_results():
    records = _page("tabular__zrzyt.shanxi.gov.cn__result__land-jggs-gbk.csv")
    assert len(records) == 128
    n = _notice(records[0])
    f = n.fields
    assert n.title == "山西省国土资源厅晋中经济技术开发区土地分局国有土地使用权招拍挂出让成交公示"
    assert _published(n) == date(2016, 8, 9)
    assert f.parcel_no == "GK2015-24"
    assert _code(n) == "140700"  # 晋中, from the title
    assert f.holder == "山西古城乳业集团有限公司"
    assert f.price == Decimal("31800000.00")  # 成交价(万元) 3180
    assert f.area_m2 == Decimal("843565.00")  # 土地面积(公顷) 84.3565
    assert f.term_years == 50
    second = _notice(records[1])
    assert _code(second) == "140100"  # 太原市
    assert second.fields.area_m2 == Decimal("84198.44")  # 出让面积(平方米)
    assert second.fields.holder == "太原市国投房地产开发有限公司"  # 受让人


def test_ccgp_text_labels_split():
    records = _page("tabular__ccgp.gov.cn__announcement__crawl-2018-text.csv")
    assert len(records) == 500
    first = records[0]
    assert isinstance(first, Extracted)
    n = _notice(first)
    assert n.kind is Kind.procurement
    assert n.title == "上海交通大学生物大分子结构解析平台国际公开招标公告"
    assert n.published_at == datetime.fromisoformat("2018-10-27T22:18:00+08:00")
    assert n.project_no == "1639-184211210355/7"
    assert n.project_name == "上海交通大学生物大分子结构解析平台"
    assert n.fields.buyer == "上海交通大学"
    assert n.fields.agent == "上海市机械设备成套（集团）有限公司"
    assert n.fields.method == "公开招标"
    assert n.fields.budget == Decimal("1200000.00")
    assert n.original_url == "http://www.ccgp.gov.cn/cggg/zygg/gkzb//201810/t20181027_10981618.htm"
    assert n.body_text.startswith("上海市机械设备成套（集团）有限公司受上海交通大学委托")
    assert all(isinstance(r, Extracted) and r.cells.get("project_name") for r in records)


def test_landchina_old_tables_refuse_the_truncated_record():
    records = _records("china", "landchina_old_gongdi_jieguo_html_tables.csv")
    assert len(records) == 4
    last = records[-1]
    assert isinstance(last, Refused)
    assert last.location == "record 4"
    assert "truncated" in last.reason
    n = _notice(records[0])
    assert n.fields.e_supervision_no == "4406062019BI7595"
    assert n.fields.area_m2 == Decimal("33.25")
    assert _published(n) == date(2019, 3, 28)  # 合同签订日期


def test_landchina_list_page_rows():
    records = _page("landchina__landchina.com__result__gdjg-list-guangzhou-gbk.html")
    assert len(records) == 21
    n = _notice(records[0])
    assert _code(n) == "440100"  # 广州市本级
    assert n.fields.area_m2 == Decimal("125809.00")  # 12.580900 公顷
    assert n.fields.supply_method == "划拨"
    assert _published(n) == date(2018, 12, 28)  # 签定日期
    assert n.fields.location == "花都区新华街百寿路以东、永安路以南、永富路以北"  # the full text, not the "…" cut
    assert n.original_url is not None
    assert "recorderguid=7adef565" in n.original_url
    nansha = _notice(records[1])
    assert _code(nansha) == "440115"  # 南沙区 of the queried 广州市
    zengcheng = _notice(records[6])
    assert _code(zengcheng) == "440118"  # 增城市 → 增城区
    last = _notice(records[-1])
    assert last.fields.supply_method == "挂牌出让"
    assert last.fields.area_m2 == Decimal("312376.00")


# ---- synthetic inputs (no shared data needed) ----


def test_placeholders_thousands_and_markers():
    data = ("文件标题,信息时间,宗地编号,成交价(元),土地面积(平方米),受让单位,土地用途\n"
            "某地块成交公示,2020-01-02,|A-1|A-2,\t1 234 567\t,None,—,\xa0\n").encode("gb18030")
    (rec,) = parse_table_file(data, "other.csv")
    assert isinstance(rec, Extracted)
    n = _notice(rec)
    assert n.fields.parcel_no == "A-1"
    assert rec.unknown["宗地编号|"] == "|A-1|A-2"
    assert n.fields.price == Decimal("1234567.00")
    assert n.fields.area_m2 is None
    assert n.fields.holder is None
    assert n.fields.land_use is None


def test_cut_short_last_row_is_refused():
    data = "公告标题,发布时间,宗地编号,成交价格(万元),竞得人\nA,2020-01-02,X,1,甲\nB,2020-01-03\n".encode()
    records = parse_table_file(data, "cut.csv")
    assert isinstance(records[0], Extracted)
    assert isinstance(records[1], Refused)
    assert records[1].location == "row 2"
    assert "cut short" in records[1].reason


def test_json_truncated_second_array_is_refused():
    data = ('[{"header":"供地结果信息","district":"定兴县","date4sign":"2018年12月31日","area":"1.5"}]'
            '[{"district":"黄埔区","area":"0.5"').encode("gb18030")
    records = parse_table_file(data, "landchina-records.json")
    assert isinstance(records[0], Extracted)
    assert _notice(records[0]).fields.area_m2 == Decimal("15000.00")
    assert isinstance(records[1], Refused)
    assert "unreadable JSON" in records[1].reason


def test_unreadable_files_raise_parse_error():
    with pytest.raises(ParseError, match="empty"):
        parse_table_file(b"  \n", "x.csv")
    with pytest.raises(ParseError, match="Excel"):
        parse_table_file(b"\xd0\xcf\x11\xe0 not really", "x.xls")
    with pytest.raises(ParseError, match="no column"):
        parse_table_file(b"id,value,name\n1,2,3\n", "tree.csv")
    with pytest.raises(ParseError, match="not JSON"):
        parse_table_file(b"[{oops", "x.json")


def test_looks_tabular_leaves_pages_and_api_answers_alone():
    assert looks_tabular(b"a|b|c|d\n1|2|3|4\n", "out.txt")
    assert not looks_tabular(b"<html><body>notice</body></html>", "page.html")
    assert not looks_tabular(b'{"code":200,"data":{}}', "answer.json")


def test_labelled_text_and_title_regions():
    pairs = dict(split_labelled_text("项目名称：某平台项目编号：AB/7项目联系方式：项目联系人：刘老师\xa0采购单位：某大学  地址：某路"))
    assert pairs["项目名称"] == "某平台"
    assert pairs["项目编号"] == "AB/7"
    assert pairs["采购单位"] == "某大学"
    assert region_in("山西省国土资源厅晋中经济技术开发区土地分局", "140000") == "晋中"
    assert region_in("奉节县西部新区FJ-14-128号宗地", "500000") == "奉节县"
    assert region_in("某某公告", "500000") is None


def test_sz68_attachment_names():
    records = _page("tabular__sz68.com__result__land-trade-gbk.csv")
    first = records[0]
    assert isinstance(first, Extracted)
    names = [a["name"] for a in first.attachments]
    assert names[0] == "竞买须知.doc"
    assert "土地模块" not in names  # the module name, not a file
    n = assemble(Kind.land, first.cells, SOURCE, trust_notice_type=False, attachments=first.attachments).notice
    assert n is not None
    assert len(n.attachments) == len(names)
