"""The agencies' file layouts: which columns each export has and how each renders its value."""

from __future__ import annotations

from demo.generate.cells import (
    area_in,
    area_km2_own,
    area_messy,
    day,
    dt,
    duration,
    lots_json,
    money_in,
    money_json,
    money_messy,
    money_xlsx_wan,
    moneys,
    names,
    native,
    padded,
    percent,
    stage_en,
    stage_zh,
)
from demo.generate.files import Col

# -- file layouts ------------------------------------------------------------------------------------

_PUB_DT = dt("iso_min", "cn_min", "iso_sec")  # keeps the minute: safe for duplicated notices

LAND_EN = (
    Col("notice_type", "notice_type", stage_en), Col("title", "title"), Col("publisher", "publisher"),
    Col("published_at", "published_at", _PUB_DT), Col("region_code", "region_code"),
    Col("project_name", "project_name"), Col("e_supervision_no", "e_supervision_no"), Col("parcel_no", "parcel_no"),
    Col("location", "location"), Col("area_m2", "area_m2", area_messy), Col("land_use", "land_use"),
    Col("supply_method", "supply_method"), Col("term_years", "term_years"),
    Col("plot_ratio_min", "plot_ratio_min"), Col("plot_ratio_max", "plot_ratio_max"),
    Col("starting_price", "starting_price", money_messy), Col("price", "price", money_messy),
    Col("holder", "holder"), Col("holder_uscc", "holder_uscc"),
    Col("contract_date", "contract_date", day("iso", "cn", "slash")),
    Col("delivery_date", "delivery_date", day("iso", "cn")), Col("start_date", "start_date", day("iso", "cn")),
    Col("completion_date", "completion_date", day("iso", "cn")),
    Col("approving_authority", "approving_authority"), Col("land_grade", "land_grade"), Col("industry", "industry"),
    Col("benchmark_price", "benchmark_price"), Col("bidder_count", "bidder_count"),
    Col("listing_start", "listing_start", dt("iso_min")), Col("listing_end", "listing_end", dt("iso_min")),
)
LAND_ZH = (
    Col("公告类型", "notice_type", stage_zh), Col("公告标题", "title", padded), Col("发布单位", "publisher"),
    Col("发布时间", "published_at", _PUB_DT), Col("行政区划代码", "region_code"), Col("项目名称", "project_name"),
    Col("电子监管号", "e_supervision_no"), Col("宗地编号", "parcel_no"), Col("土地坐落", "location"),
    Col("面积(公顷)", "area_m2", area_in("公顷")), Col("土地用途", "land_use"), Col("供地方式", "supply_method"),
    Col("土地使用年限", "term_years"), Col("容积率下限", "plot_ratio_min"), Col("容积率上限", "plot_ratio_max"),
    Col("起始价(万元)", "starting_price", money_in("万元")), Col("成交价格(万元)", "price", money_in("万元")),
    Col("土地使用权人", "holder"), Col("土地使用权人统一社会信用代码", "holder_uscc"),
    Col("合同签订日期", "contract_date", day("cn")), Col("约定交地时间", "delivery_date", day("cn")),
    Col("约定开工时间", "start_date", day("cn")), Col("约定竣工时间", "completion_date", day("cn")),
    Col("批准单位", "approving_authority"), Col("土地级别", "land_grade"), Col("行业分类", "industry"),
    Col("基准地价", "benchmark_price"), Col("竞买人数", "bidder_count"),
    Col("挂牌起始时间", "listing_start", dt("cn_min")), Col("挂牌截止时间", "listing_end", dt("cn_min")),
)
LAND_MAPPED = (
    Col("序号", "_seq"), Col("公告类型", "notice_type", stage_zh), Col("公告标题", "title"),
    Col("发布时间", "published_at", dt("slash_sec", "iso_min")), Col("区划代码", "region_code"),
    Col("项目代码", "project_no"), Col("地块名称", "project_name"), Col("地块编号", "parcel_no"),
    Col("电子监管号", "e_supervision_no"), Col("土地坐落", "location"), Col("出让面积(平方米)", "area_m2", area_in("平方米")),
    Col("土地用途", "land_use"), Col("出让方式", "supply_method"), Col("出让年限", "term_years"),
    Col("容积率上限", "plot_ratio_max"), Col("起始总价（万元）", "starting_price", money_in("万元")),
    Col("成交总价（万元）", "price", money_in("万元")), Col("竞得单位", "holder"),
    Col("竞得单位统一社会信用代码", "holder_uscc"), Col("合同签订日期", "contract_date", day("slash")), Col("备注", "_note"),
    Col("所在级别基准地价", "benchmark_price"), Col("竞买人数量", "bidder_count"),
    Col("挂牌开始时间", "listing_start", dt("slash_sec")), Col("挂牌结束时间", "listing_end", dt("slash_sec")),
)
LAND_MAP = {
    "序号": None,
    "备注": None,
    "项目代码": "project_no",
    "地块名称": "项目名称",
    "起始总价（万元）": "起始价(万元)",
    "成交总价（万元）": "成交价格(万元)",
    "竞得单位": "土地使用权人",
    "竞得单位统一社会信用代码": "holder_uscc",
}
LAND_INVALID = (
    Col("公告类型", "notice_type", stage_zh), Col("公告标题", "title"), Col("发布时间", "published_at", _PUB_DT),
    Col("行政区划代码", "region_code"), Col("电子监管号", "e_supervision_no"), Col("宗地编号", "parcel_no"),
    Col("土地坐落", "location"), Col("面积", "area_m2", area_messy), Col("土地用途", "land_use"),
    Col("供地方式", "supply_method"), Col("成交价格(万元)", "price", money_in("万元")), Col("土地使用权人", "holder"),
    Col("土地使用权人统一社会信用代码", "holder_uscc"), Col("合同签订日期", "contract_date", day("iso")),
)
MINING_EN = (
    Col("notice_type", "notice_type", stage_en), Col("title", "title"), Col("published_at", "published_at", _PUB_DT),
    Col("region_code", "region_code"), Col("project_no", "project_no"), Col("right_type", "right_type"),
    Col("mineral", "mineral"), Col("mine_name", "mine_name"), Col("area_m2", "area_m2", area_km2_own),
    Col("method", "method"), Col("grantor", "grantor"), Col("starting_price", "starting_price", money_messy),
    Col("deal_price", "deal_price", money_messy), Col("transferee", "transferee"),
    Col("transferee_uscc", "transferee_uscc"), Col("deal_date", "deal_date", day("iso", "cn")),
    Col("exploration_stage", "exploration_stage"), Col("production_scale", "production_scale"),
    Col("payment_mode", "payment_mode"), Col("bidder_count", "bidder_count"), Col("agreement_ground", "agreement_ground"),
)
MINING_ZH = (  # no 公告类型 column: the stage is derived
    Col("公告标题", "title"), Col("发布时间", "published_at", day("cn", "slash")), Col("行政区划代码", "region_code"),
    Col("项目编号", "project_no", padded), Col("矿业权类型", "right_type"), Col("矿种", "mineral"),
    Col("矿山名称", "mine_name"), Col("面积(平方千米)", "area_m2", area_in("平方千米")), Col("出让方式", "method"),
    Col("出让人", "grantor"), Col("起始价(万元)", "starting_price", money_in("万元")),
    Col("成交价(万元)", "deal_price", money_in("万元")), Col("受让人", "transferee"),
    Col("受让人统一社会信用代码", "transferee_uscc"), Col("成交时间", "deal_date", day("cn")),
    Col("勘查阶段", "exploration_stage"), Col("开采规模", "production_scale"), Col("缴纳方式", "payment_mode"),
    Col("竞买人数", "bidder_count"), Col("符合协议出让规定的情形及理由", "agreement_ground"),
)
PROCUREMENT_JSON = (  # no notice_type: derived from corrects, failure_reason, contract, winners
    Col("notice_no", "notice_no"), Col("corrects", "corrects"), Col("title", "title"), Col("publisher", "publisher"),
    Col("published_at", "published_at", dt("iso_t", "iso_sec")), Col("region_code", "region_code"),
    Col("project_no", "project_no"), Col("project_name", "project_name"), Col("buyer", "buyer"),
    Col("buyer_uscc", "buyer_uscc"), Col("agent", "agent"), Col("budget", "budget", money_messy),
    Col("ceiling_price", "ceiling_price", money_json), Col("method", "method"), Col("category", "category"),
    Col("bid_deadline", "bid_deadline", dt("cn_min", "iso_min")), Col("bid_count", "bid_count"),
    Col("lots", "lots", lots_json), Col("contract_amount", "contract_amount", money_messy),
    Col("contract_signed_at", "contract_signed_at", dt("iso_sec")), Col("contract_term", "contract_term"),
    Col("failure_reason", "failure_reason"), Col("body", "body"),
)
PROCUREMENT_EN = (
    Col("notice_type", "notice_type", stage_en), Col("title", "title"), Col("published_at", "published_at", _PUB_DT),
    Col("region_code", "region_code"), Col("region", "_region_name"), Col("project_no", "project_no"),
    Col("project_name", "project_name"), Col("buyer", "buyer"), Col("agent", "agent"),
    Col("budget", "budget", money_messy), Col("method", "method"), Col("category", "category"),
    Col("bid_deadline", "bid_deadline", dt("iso_min", "dot_sec")), Col("lot", "lot"), Col("winner", "winner", names),
    Col("winner_uscc", "winner_uscc", names), Col("award_amount", "award_amount", moneys(money_in("元"))),
    Col("bid_count", "bid_count"), Col("contract_amount", "contract_amount", money_messy),
    Col("contract_signed_at", "contract_signed_at", dt("iso_sec")), Col("failure_reason", "failure_reason"),
)
PROCUREMENT_ZH = (
    Col("公告类型", "notice_type", stage_zh), Col("公告编号", "notice_no"), Col("原公告编号", "corrects"),
    Col("公告标题", "title", padded), Col("发布单位", "publisher"),
    Col("发布时间", "published_at", dt("cn_min", "dot_sec", "slash_sec")),
    Col("行政区划代码", "region_code"), Col("项目编号", "project_no", padded), Col("项目名称", "project_name"),
    Col("采购人", "buyer"), Col("采购代理机构", "agent"), Col("预算金额(元)", "budget", money_in("元")),
    Col("采购方式", "method"), Col("品目", "category"),
    Col("提交投标文件截止时间", "bid_deadline", dt("cn_min")), Col("包号", "lot"),
    Col("中标（成交）供应商名称", "winner", names), Col("中标供应商统一社会信用代码", "winner_uscc", names),
    Col("中标金额(万元)", "award_amount", moneys(money_in("万元"))), Col("投标供应商数量", "bid_count"),
    Col("合同金额(元)", "contract_amount", money_in("元")), Col("合同签署时间", "contract_signed_at", dt("iso_sec")),
    Col("合同期限", "contract_term"), Col("废标理由", "failure_reason"),
)
STATE_XLSX = (
    Col("公告类型", "notice_type", stage_zh), Col("项目编号", "project_no"), Col("公告标题", "title"),
    Col("发布时间", "published_at", native), Col("行政区划代码", "region_code"), Col("标的名称", "target"),
    Col("转让方", "transferor"), Col("转让方统一社会信用代码", "transferor_uscc"),
    Col("挂牌价格(万元)", "listing_price", money_xlsx_wan), Col("评估值(万元)", "appraised_value", money_xlsx_wan),
    Col("转让比例", "share_ratio", percent), Col("交易方式", "method"),
    Col("挂牌起始日期", "listing_start", native), Col("挂牌截止日期", "listing_end", native),
    Col("受让方", "transferee"), Col("受让方统一社会信用代码", "transferee_uscc"),
    Col("成交金额(万元)", "deal_price", money_xlsx_wan), Col("成交日期", "deal_date", native),
    Col("交易机构", "exchange"), Col("挂牌次数", "listing_count"), Col("批准单位", "approving_authority"),
    Col("意向受让方数量", "bidder_count"),
)
STATE_ZH = (
    Col("信息类型", "notice_type", stage_zh), Col("交易编号", "project_no"), Col("标题", "title"),
    Col("公告日期", "published_at", dt("cn_min", "dot_sec")), Col("区划代码", "region_code"),
    Col("转让标的", "target"), Col("转让方名称", "transferor"), Col("转让方统一社会信用代码", "transferor_uscc"),
    Col("转让底价(元)", "listing_price", money_in("元")),
    Col("转让标的评估值或账面净值(元)", "appraised_value", money_in("元")), Col("持股比例", "share_ratio", percent),
    Col("交易方式", "method"), Col("信息披露起始日期", "listing_start", day("cn")),
    Col("信息披露截止日期", "listing_end", day("cn")), Col("受让方名称", "transferee"),
    Col("受让方统一社会信用代码", "transferee_uscc"), Col("成交价格(元)", "deal_price", money_in("元")),
    Col("成交时间", "deal_date", day("cn", "dot")), Col("产权交易机构", "exchange"),
    Col("挂牌次数", "listing_count"), Col("批准单位", "approving_authority"), Col("征集到意向受让方", "bidder_count"),
)
STATE_EN = (
    Col("notice_type", "notice_type", stage_en), Col("title", "title"), Col("published_at", "published_at", _PUB_DT),
    Col("region_code", "region_code"), Col("project_no", "project_no"), Col("target", "target"),
    Col("transferor", "transferor"), Col("transferor_uscc", "transferor_uscc"),
    Col("listing_price", "listing_price", money_messy), Col("appraised_value", "appraised_value", money_messy),
    Col("share_ratio", "share_ratio", percent), Col("method", "method"),
    Col("listing_start", "listing_start", day("iso", "slash")), Col("listing_end", "listing_end", day("iso", "slash")),
    Col("transferee", "transferee"), Col("transferee_uscc", "transferee_uscc"),
    Col("deal_price", "deal_price", money_messy), Col("deal_date", "deal_date", day("iso")),
    Col("exchange", "exchange"), Col("listing_count", "listing_count"),
    Col("approving_authority", "approving_authority"), Col("bidder_count", "bidder_count"),
)
TENDER_EN = (  # no notice_type: derived (candidates, winner + amount, failure reason, corrects / 澄清 in the title)
    Col("notice_no", "notice_no"), Col("corrects", "corrects"), Col("title", "title"), Col("publisher", "publisher"),
    Col("published_at", "published_at", _PUB_DT),
    Col("region_code", "region_code"), Col("project_no", "project_no"), Col("project_name", "project_name"),
    Col("tenderer", "tenderer"), Col("agent", "agent"), Col("method", "method"), Col("funding", "funding"),
    Col("control_price", "control_price", money_messy), Col("duration_days", "duration_days", duration),
    Col("bid_count", "bid_count"), Col("lot", "lot"), Col("candidates", "candidates", names),
    Col("candidate_prices", "candidate_prices", moneys(money_in("元"))), Col("winner", "winner", names),
    Col("winner_uscc", "winner_uscc", names), Col("award_amount", "award_amount", moneys(money_in("元"))),
    Col("project_manager", "project_manager"), Col("quality", "quality"), Col("failure_reason", "failure_reason"),
    Col("body", "body"), Col("bid_deadline", "bid_deadline", dt("iso_min", "cn_min")),
)
TENDER_JSONL = (
    Col("notice_no", "notice_no"), Col("corrects", "corrects"), Col("notice_type", "notice_type", stage_en),
    Col("title", "title"), Col("publisher", "publisher"), Col("published_at", "published_at", _PUB_DT),
    Col("region_code", "region_code"), Col("project_no", "project_no"), Col("project_name", "project_name"),
    Col("tenderer", "tenderer"), Col("agent", "agent"), Col("method", "method"), Col("funding", "funding"),
    Col("control_price", "control_price", money_json), Col("duration_days", "duration_days", duration),
    Col("bid_count", "bid_count"), Col("sections", "lots", lots_json), Col("project_manager", "project_manager"),
    Col("quality", "quality"), Col("failure_reason", "failure_reason"), Col("body", "body"),
    Col("bid_deadline", "bid_deadline", dt("iso_t")),
)
TENDER_ZH = (
    Col("公告类型", "notice_type", stage_zh), Col("公告编号", "notice_no"), Col("原公告编号", "corrects"),
    Col("公告标题", "title", padded), Col("发布单位", "publisher"), Col("发布时间", "published_at", _PUB_DT),
    Col("行政区划代码", "region_code"), Col("招标项目编号", "project_no", padded), Col("招标项目名称", "project_name"),
    Col("招标人", "tenderer"), Col("招标代理机构", "agent"), Col("招标方式", "method"), Col("资金来源", "funding"),
    Col("最高投标限价(元)", "control_price", money_in("元")), Col("工期", "duration_days", duration),
    Col("投标人数", "bid_count"), Col("标段名称", "lot"), Col("中标候选人", "candidates", names),
    Col("候选人投标报价(万元)", "candidate_prices", moneys(money_in("万元"))), Col("中标人", "winner", names),
    Col("中标人统一社会信用代码", "winner_uscc", names), Col("中标价(万元)", "award_amount", moneys(money_in("万元"))),
    Col("项目经理", "project_manager"), Col("质量标准", "quality"), Col("流标原因", "failure_reason"),
    Col("公告内容", "body"), Col("投标截止时间", "bid_deadline", dt("cn_min")),
)
