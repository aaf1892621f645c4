"""The generic page reader on small pages written here, one template trait each.

The real corpus (tests/test_real_pages.py) is the test of record; these pin down traits seen in
real pages (and in pages a held-out check found) so each stays handled without ../shared.
"""

from __future__ import annotations

import json

from collectors.parse import notice_json, parse_bytes


def _notices(html: str, name: str = "page.html") -> list[dict]:
    return [notice_json(p) for p in parse_bytes(html.encode("utf-8"), name=name)]


LAND = """<html><head><title>文昌市国有建设用地使用权挂牌出让结果公示</title></head><body>
<h2>文昌市国有建设用地使用权挂牌出让结果公示</h2><p>发布时间：2024-05-10 09:30</p>
<p>经文昌市人民政府批准，文昌市自然资源和规划局于2024年4月以挂牌方式出让2宗国有建设用地使用权，现将结果公示如下：</p>
<table><tr><td>宗地编号</td><td>土地位置</td><td>面积（平方米）</td><td>土地用途</td><td>出让年限</td>
<td>挂牌起始价（万元）</td><td>成交价（万元）</td><td>竞得人</td></tr>
<tr><td>WC2024-01</td><td>文城镇清澜片区</td><td>12345.6</td><td>城镇住宅用地</td><td>70年</td><td>3000</td>
<td>3150</td><td>海南某某置业有限公司</td></tr>
<tr><td>WC2024-02</td><td>文城镇东路</td><td>8000</td><td>商务金融用地</td><td>40年</td><td>1200</td><td>1200</td>
<td>文昌某某投资有限公司</td></tr></table><p>文昌市自然资源和规划局</p><p>2024年5月10日</p></body></html>"""


def test_a_table_of_parcels_gives_one_result_per_parcel() -> None:
    first, second = _notices(LAND)
    assert (first["kind"], first["notice_type"], first["published_at"]) == ("land", "result", "2024-05-10T09:30:00+08:00")
    assert first["fields"]["parcel_no"] == "WC2024-01"
    assert first["fields"]["price"] == "31500000.00"  # 成交价（万元） 3150
    assert first["fields"]["area_m2"] == "12345.60"
    assert first["fields"]["holder"] == "海南某某置业有限公司"
    assert first["fields"]["supply_method"] == "挂牌出让"  # from "以挂牌方式出让"
    assert first["fields"]["grantor"] == "文昌市自然资源和规划局"  # "经…批准，<grantor>于…出让"
    assert second["fields"]["parcel_no"] == "WC2024-02"
    assert second["fields"]["holder"] == "文昌某某投资有限公司"
    assert second["source"]["location"] == "record 2"
    assert first["region_code"] == second["region_code"] == "469005"


FRAGMENT = """<div class="vF_detail_content">
<p>北京首建项目管理有限公司受华润置地（北京）物业管理有限责任公司的委托，就“设计服务”项目进行采购。</p>
<p>一、项目信息</p><p>项目编号：BSJ19-27</p><p>项目名称：航天云岗区域维修改造项目（设计）</p>
<p>五、中标信息</p><p>中标供应商名称、联系地址及中标金额：</p>
<table><tr><td>序号</td><td>中标供应商名称</td><td>中标供应商联系地址</td><td>中标金额(万元)</td></tr>
<tr><td>1</td><td>华诚博远工程技术集团有限公司</td><td></td><td>12.5</td></tr></table></div>"""


def test_a_body_fragment_without_title_is_read_and_titled_from_its_project() -> None:
    [notice] = _notices(FRAGMENT)
    assert notice["notice_type"] == "result"
    assert notice["title"].startswith("航天云岗区域维修改造项目（设计）")
    assert notice["published_at"] is None
    assert notice["problems"] == ["published_at: the page prints no publication time"]
    roles = {(p["role"], p["name"]) for p in notice["parties"]}
    assert ("agent", "北京首建项目管理有限公司") in roles  # "<agent>受<buyer>的委托"
    assert ("buyer", "华润置地（北京）物业管理有限责任公司") in roles
    assert ("winner", "华诚博远工程技术集团有限公司") in roles
    assert notice["lots"][0]["winners"][0]["amount"] == "125000.00"


CORRECTION = """<html><body><h4>一、项目基本情况</h4><p>原公告的采购项目编号：BTZCQSS-C-G-220014</p>
<p>原公告的采购项目名称：北环路整体罩面工程</p><p>首次公告日期：2022年03月19日</p><h4>二、更正信息：</h4>
<p>更正事项：采购公告</p><div>更正原因：</div><div>因疫情反复原因变更开标方式</div><p>更正内容：</p>
<p>开标方式由现场开标变更为远程开标</p><p>更正日期：2022年03月23日</p><h4>三、其他补充事项</h4><p>无</p>
<h6>1.釆购人信息</h6><p>名称：包头市青山区住房和城乡建设局</p><h6>2.釆购代理机构信息</h6>
<p>名称：内蒙古金晨建设项目管理有限公司</p><p>内蒙古金晨建设项目管理有限公司</p><p>2022年03月23日</p></body></html>"""


def test_a_correction_fragment_keeps_the_correction_and_reads_typo_labels() -> None:
    [notice] = _notices(CORRECTION)
    assert notice["notice_type"] == "correction"
    assert "开标方式由现场开标变更为远程开标" in notice["fields"]["correction"]
    assert notice["fields"]["original_published_at"] == "2022-03-19"
    assert notice["published_at"] == "2022-03-23T00:00:00+08:00"  # the date under the signature
    roles = {(p["role"], p["name"]) for p in notice["parties"]}
    assert ("buyer", "包头市青山区住房和城乡建设局") in roles  # 釆购人信息 (釆 for 采)
    assert ("agent", "内蒙古金晨建设项目管理有限公司") in roles


def test_a_detail_api_answer_with_html_content() -> None:
    answer = {"success": True, "result": {"data": {
        "title": "梧州市工人医院检测仪采购竞争性谈判公告", "publishDate": 1640620800000, "districtCode": "450400",
        "projectCode": "WZZC2021-J1-000544", "procurementMethod": "竞争性谈判",
        "content": "<p>项目名称：检测仪采购</p><p>预算总金额（元）：1540000</p>"
                   "<p>潜在供应商应并于2021年12月31日 09:30（北京时间）前提交响应文件。</p>"
                   "<p>1.采购人信息</p><p>名 称：梧州市工人医院</p>"}}}
    [notice] = [notice_json(p) for p in parse_bytes(json.dumps(answer, ensure_ascii=False).encode(), name="a.json")]
    assert notice["region_code"] == "450400"
    assert notice["project_no"] == "WZZC2021-J1-000544"
    assert notice["fields"]["method"] == "竞争性谈判"
    assert notice["fields"]["budget"] == "1540000.00"
    assert notice["fields"]["bid_deadline"] == "2021-12-31T09:30:00+08:00"
    assert notice["published_at"] == "2021-12-28T00:00:00+08:00"  # epoch ms, in Beijing time


def test_candidates_priced_as_a_rate_keep_the_text_never_an_amount() -> None:
    html = """<html><body><h3>某设计项目中标候选人公示</h3><p>发布时间：2025-06-13 18:00</p>
    <table><tr><td>中标候选人名称</td><td>甲设计院有限公司</td><td>乙设计院有限公司</td></tr>
    <tr><td>投标报价(元/%)</td><td>按收费标准的50%计取</td><td>1200000</td></tr>
    <tr><td>项目负责人</td><td>张三</td><td>李四</td></tr><tr><td>工期</td><td>90</td><td>80</td></tr></table>
    <p>1.招标人：某某城市建设投资有限公司</p></body></html>"""
    [notice] = _notices(html)
    assert notice["kind"] == "tender"
    assert notice["notice_type"] == "candidates"
    first, second = notice["sections"][0]["candidates"]
    assert (first["name"], first["amount"], first["offer"]) == ("甲设计院有限公司", None, "按收费标准的50%计取")
    assert (second["amount"], second["project_manager"], second["duration_days"]) == ("1200000.00", "李四", 80)
    assert [first["rank"], second["rank"]] == [1, 2]


def test_hostile_text_stays_text() -> None:
    html = """<html><body><h2>某项目中标公告</h2><p>发布时间：2025-01-02</p>
    <p>项目名称：<script>alert(1)</script>测试&lt;img src=x onerror=alert(1)&gt;</p>
    <p>采购人：某某局</p></body></html>"""
    [notice] = _notices(html)
    assert "<script>" not in json.dumps(notice, ensure_ascii=False)  # scripts are never read as text
    assert "<img src=x onerror=alert(1)>" in notice["project_name"]  # escaped text is kept as text


def test_mining_and_state_asset_label_tables() -> None:
    mining = """<html><body><h2>某省自然资源厅采矿权挂牌出让公告</h2><p>发布日期：2024年03月05日</p>
    <table><tr><td>矿山名称</td><td>某某石灰岩矿</td></tr><tr><td>开采矿种</td><td>水泥用石灰岩</td></tr>
    <tr><td>矿区面积</td><td>0.5432平方千米</td></tr><tr><td>挂牌起始价</td><td>1200万元</td></tr></table>
    <p>出让人：某省自然资源厅</p></body></html>"""
    [m] = _notices(mining)
    assert (m["kind"], m["fields"]["area_m2"], m["fields"]["starting_price"]) == ("mining", "543200.00", "12000000.00")
    assert m["fields"]["grantor"] == "某省自然资源厅"
    asset = """<html><body><h1>某公司持有的某科技有限公司30%股权转让项目</h1><div>项目编号：G32024SH1000123</div>
    <div>信息披露起始日期：2024-04-01</div><div>信息披露期满日期：2024-04-28</div>
    <table><tr><th>转让底价</th><td>3,560.00万元</td><th>转让方名称</th><td>某市国有资本投资有限公司</td></tr>
    <tr><th>转让比例</th><td>30%</td><th>交易方式</th><td>网络竞价</td></tr></table></body></html>"""
    [a] = _notices(asset)
    assert a["kind"] == "state_asset"
    assert (a["fields"]["listing_price"], a["fields"]["listing_end"]) == ("35600000.00", "2024-04-28")
    assert a["fields"]["transferor"] == "某市国有资本投资有限公司"


def test_a_tender_result_in_label_paragraphs() -> None:
    html = """<html><body><h3>某县道路改造工程中标结果公告</h3><div>发布时间：2024-06-18 10:05</div>
    <p>招标编号：MS-2024-001</p><p>招标人：某县交通运输局</p><p>中标人：某某建设集团有限公司</p>
    <p>中标价：12,345,678.90元</p><p>工期：180日历天</p></body></html>"""
    [n] = _notices(html)
    assert (n["kind"], n["notice_type"], n["project_no"]) == ("tender", "result", "MS-2024-001")
    [winner] = [p for p in n["parties"] if p["role"] == "winner"]
    assert (winner["name"], winner["amount"]) == ("某某建设集团有限公司", "12345678.90")
    assert n["fields"]["duration_days"] == 180
