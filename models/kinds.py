"""Typed fields of each area (source-formats.md §3.3 land, §4 mining, §5 procurement,
§6.1 tenders, §6.2 state assets).

Money is ``Decimal`` yuan, exact to the fen; areas are ``Decimal`` square metres; the
original text of every cell is kept beside these values on the notice (``Notice.raw``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from models.codelists import (
    LAND_SUPPLY_METHODS,
    MINING_METHODS,
    MINING_RIGHT_TYPES,
    PROCUREMENT_METHODS,
    STATE_ASSET_METHODS,
    TENDER_METHODS,
    Kind,
    Role,
)
from models.fields import ValueKind as V
from models.fields import field
from models.normalize.amounts import to_fen

_FEN = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    if not value.is_finite() or value < 0:
        raise ValueError("an amount must be a finite number ≥ 0")
    if value != value.quantize(_FEN):
        raise ValueError(f"{value} yuan has sub-fen precision")
    return value.quantize(_FEN)


def _area(value: Decimal) -> Decimal:
    if not value.is_finite() or value < 0:
        raise ValueError("an area must be a finite number ≥ 0")
    return value.quantize(_FEN)


def _choice(choices: tuple[str, ...]):
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return AfterValidator(check)


Money = Annotated[Decimal, AfterValidator(_money)]
"""Yuan, exact to the fen (stored as integer fen)."""
Area = Annotated[Decimal, AfterValidator(_area)]
"""Square metres, to 0.01 m²."""
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
Name = Annotated[str, Field(min_length=1, max_length=500)]
Ident = Annotated[str, Field(min_length=1, max_length=200)]
USCC = Annotated[str, Field(pattern=r"^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$")]

# The ways people write the yuan in a currency column: all mean the default (None).
_CNY = frozenset({"", "CNY", "RMB", "人民币", "人民币元", "元"})


def _currency(value: object) -> object:
    if isinstance(value, str):
        text = value.strip().upper()
        return None if text in _CNY else text
    return value


Currency = Annotated[Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None, BeforeValidator(_currency)]
"""ISO 4217 code of a notice's amounts other than the yuan; None means CNY (人民币, the default)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Award(_Strict):
    """A winner or candidate of a lot, with its amount."""

    name: Name
    uscc: USCC | None = None
    amount: Money | None = None
    rank: int | None = Field(default=None, ge=1, le=100)
    offer: Text | None = Field(default=None, description=(
        "A bid that is not an amount, as printed (a fee rate: 按收费标准的50%计取; a discount rate)."))
    project_manager: Name | None = Field(default=None, description="The bidder's project manager (项目负责人/项目经理).")
    duration_days: int | None = Field(default=None, ge=0, le=36_500, description="The bidder's offered period in days (工期).")


class Lot(_Strict):
    """A procurement lot (包/标项) or a tender section (标段)."""

    name: Text | None = None
    budget: Money | None = None
    winners: list[Award] = Field(default_factory=list, max_length=200)
    candidates: list[Award] = Field(default_factory=list, max_length=200)


# Facts any notice may state, whatever its area: what a correction changes, the evaluation
# experts, the publicity period. Declared last on every area model (after the area's own fields).
_SHARED: dict[str, tuple[V, tuple[str, ...], str]] = {
    "correction": (V.text, ("更正事项", "更正内容", "更正信息", "变更内容", "变更事项"),
                   "What a correction changes, as published (更正事项/更正内容)."),
    "original_published_at": (V.date, ("首次公告日期", "原公告发布日期", "原公告发布时间", "原公告日期"),
                              "Publication date of the notice a correction or termination changes."),
    "correction_date": (V.date, ("更正日期", "变更日期"), "Date of the correction."),
    "experts": (V.text, ("评审专家名单", "评审委员会成员名单", "评标委员会成员名单", "评审专家", "评标委员会成员"),
                "Evaluation experts as published (names, with suffixes such as （采购人代表） kept)."),
    "notice_period": (V.text, ("公示期", "公告期限", "公示期限", "公示时间段"),
                      "Publicity period (公示期/公告期限) as published."),
}


def _shared(name: str) -> Any:
    """A fresh declaration of one of the ``_SHARED`` facts."""
    value, labels, description = _SHARED[name]
    return field(value, labels, description)


class LandFields(_Strict):
    """国有建设用地使用权: 出让公告, 成交公示, 供地结果 (source-formats.md §3.3)."""

    kind: Literal["land"] = "land"
    e_supervision_no: Annotated[str, Field(pattern=r"^\d{6}(19|20)\d{2}[A-Z][0-9A-Z]{4,6}$")] | None = field(
        V.identifier, ("电子监管号", "电子监管编号"), "Land e-supervision number (6-digit county code + year + B + serial).",
        identifier=True)
    parcel_no: Ident | None = field(V.identifier, ("宗地编号", "地块编号", "宗地号"), "Parcel number as published (free-form).",
                                    identifier=True)
    location: Text | None = field(V.text, ("土地坐落", "项目位置", "宗地坐落", "坐落", "地块位置", "土地位置"), "Location of the parcel.")
    area_m2: Area | None = field(V.area, ("面积", "土地面积", "出让面积", "宗地面积", "供地面积", "宗地总面积", "总面积"), "Parcel area.")
    land_use: Text | None = field(V.text, ("土地用途", "规划用途", "主要用途", "用途"), "Land use (GB/T 21010 class name as published).")
    supply_method: Annotated[str, _choice(LAND_SUPPLY_METHODS)] | None = field(
        V.choice, ("供地方式", "供应方式", "出让方式", "交易方式"), "Supply method.", choices=LAND_SUPPLY_METHODS)
    term_years: Annotated[int, Field(ge=1, le=99)] | None = field(
        V.term_years, ("土地使用年限", "出让年限", "使用年限"), "Term of the land-use right in years (the longest term of a composite entry).",
        unit="年")
    plot_ratio_min: Annotated[Decimal, Field(ge=0, le=100)] | None = field(
        V.decimal, ("容积率下限", "约定容积率下限", "最小容积率"), "Agreed plot ratio, lower bound.")
    plot_ratio_max: Annotated[Decimal, Field(ge=0, le=100)] | None = field(
        V.decimal, ("容积率上限", "约定容积率上限", "最大容积率"), "Agreed plot ratio, upper bound.")
    starting_price: Money | None = field(V.money, ("起始价", "起始价格", "挂牌起始价"), "Starting price.")
    price: Money | None = field(V.money, ("成交价格", "成交价", "出让价款", "成交价款", "出让金额", "成交金额"), "Transaction price.")
    benchmark_price: Annotated[Decimal, Field(ge=0)] | None = field(
        V.decimal, ("基准地价", "所在级别基准地价", "级别基准地价"),
        "Benchmark land price of the parcel's grade (基准地价), per square metre.", unit="元/平方米")
    bidder_count: Annotated[int, Field(ge=0, le=100_000)] | None = field(
        V.integer, ("竞买人数", "竞买人数量", "报名人数", "参与竞买人数"), "Number of registered bidders (竞买人).", unit="人")
    listing_start: datetime | None = field(
        V.datetime, ("挂牌起始时间", "挂牌开始时间", "挂牌时间起", "拍卖开始时间", "拍卖时间"), "Start of the listing (or the auction).")
    listing_end: datetime | None = field(
        V.datetime, ("挂牌截止时间", "挂牌结束时间", "挂牌时间止"), "End of the listing.")
    holder: Name | None = field(V.text, ("土地使用权人", "竞得人", "受让人", "受让单位", "竞得单位"), "Land-use right holder (winning bidder).",
                                role=Role.land_user)
    holder_uscc: USCC | None = field(V.uscc, ("土地使用权人统一社会信用代码", "竞得人统一社会信用代码", "统一社会信用代码"),
                                     "Unified social credit code of the holder.", uscc_of="holder")
    land_grade: Text | None = field(V.text, ("土地级别",), "Land grade.")
    industry: Text | None = field(V.text, ("行业分类",), "Industry (GB/T 4754).")
    delivery_date: date | None = field(V.date, ("约定交地时间", "交地时间"), "Agreed delivery date.")
    start_date: date | None = field(V.date, ("约定开工时间",), "Agreed construction start.")
    completion_date: date | None = field(V.date, ("约定竣工时间",), "Agreed completion.")
    contract_date: date | None = field(V.date, ("合同签订日期", "签订日期", "签订时间", "签定日期"), "Contract signing date.")
    contract_no: Ident | None = field(V.identifier, ("合同编号",), "Contract number.")
    approving_authority: Text | None = field(V.text, ("批准单位",), "Approving authority.")
    grantor: Name | None = field(V.text, ("出让人", "出让单位", "出让机关", "出让方"),
                                 "Grantor: the natural-resources authority that transfers the right (出让人).",
                                 role=Role.grantor)
    land_source: Text | None = field(
        V.text, ("土地来源",), "Land source as published (old landchina: an area in 公顷 of existing construction land; "
        "equal to the area means 现有建设用地, 0 means 新增建设用地).")
    actual_start_date: date | None = field(V.date, ("实际开工时间", "实际开工日期"), "Actual construction start.")
    actual_completion_date: date | None = field(V.date, ("实际竣工时间", "实际竣工日期"), "Actual completion.")
    instalments: Text | None = field(V.text, ("分期支付约定", "分期支付"), "Agreed payment instalments as published.")

    correction: Text | None = _shared("correction")
    original_published_at: date | None = _shared("original_published_at")
    correction_date: date | None = _shared("correction_date")
    experts: Text | None = _shared("experts")
    notice_period: Text | None = _shared("notice_period")


class MiningFields(_Strict):
    """矿业权出让: 出让公告, 出让结果 (source-formats.md §4)."""

    kind: Literal["mining"] = "mining"
    right_type: Annotated[str, _choice(MINING_RIGHT_TYPES)] | None = field(
        V.choice, ("矿业权类型", "权利类型", "矿权类型"), "Right type.", choices=MINING_RIGHT_TYPES)
    mineral: Text | None = field(V.text, ("矿种", "勘查矿种", "开采矿种", "主矿种"), "Mineral(s).")
    mine_name: Text | None = field(V.text, ("矿山名称", "勘查项目名称", "矿区名称"), "Mine or exploration area name.")
    area_m2: Area | None = field(V.area, ("面积", "矿区面积", "勘查面积"), "Area of the right (published in 平方千米).")
    method: Annotated[str, _choice(MINING_METHODS)] | None = field(
        V.choice, ("出让方式",), "Award method.", choices=MINING_METHODS)
    grantor: Name | None = field(V.text, ("出让人", "出让机关"), "Grantor (自然资源厅/局).", role=Role.grantor)
    starting_price: Money | None = field(V.money, ("起始价", "起始价格"), "Starting price.")
    reserve_price: Money | None = field(V.money, ("底价", "保留价"), "Reserve price.")
    bidder_count: Annotated[int, Field(ge=0, le=100_000)] | None = field(
        V.integer, ("竞买人数", "竞买人数量", "投标人数", "竞得申请人数"), "Number of bidders.", unit="人")
    deal_price: Money | None = field(V.money, ("成交价", "成交价格", "出让收益", "成交金额", "转让价格"),
                                         "Deal price (transfer proceeds; 转让价格 for a transfer).")
    transferee: Name | None = field(V.text, ("受让人", "竞得人", "中标人", "受让人名称", "竞得人名称", "中标人名称"),
                                 "Transferee (winning bidder).", role=Role.transferee)
    transferee_uscc: USCC | None = field(V.uscc, ("受让人统一社会信用代码", "统一社会信用代码"),
                                         "Unified social credit code of the transferee.", uscc_of="transferee")
    deal_date: date | None = field(V.date, ("成交时间", "成交日期"), "Deal date.")
    exploration_stage: Text | None = field(V.text, ("勘查阶段",), "Exploration stage (普查/详查/勘探).")
    production_scale: Text | None = field(V.text, ("开采规模", "生产规模"), "Production scale (万吨/年).")
    payment_mode: Text | None = field(V.text, ("缴纳方式",), "Payment mode (一次性缴纳/分期缴纳).")
    payment_date: date | None = field(V.date, ("缴纳时间", "缴纳日期"), "Payment date.")
    transfer_mode: Text | None = field(V.text, ("转让方式",), "Mode of a transfer (转让) of an existing right, as published.")
    agreement_ground: Text | None = field(V.text, ("符合协议出让规定的情形及理由", "协议出让理由"),
                                          "Legal ground of a negotiated award (协议出让), as published.")
    coordinates: Text | None = field(V.text, ("拐点范围坐标", "拐点坐标", "范围坐标"),
                                     "Corner points of the area (CGCS2000), as published.")

    correction: Text | None = _shared("correction")
    original_published_at: date | None = _shared("original_published_at")
    correction_date: date | None = _shared("correction_date")
    experts: Text | None = _shared("experts")
    notice_period: Text | None = _shared("notice_period")


class ProcurementFields(_Strict):
    """政府采购: 采购公告, 更正, 中标/成交, 合同 (source-formats.md §5)."""

    kind: Literal["procurement"] = "procurement"
    buyer: Name | None = field(V.text, ("采购人", "采购单位", "采购人名称"), "Buyer.", role=Role.buyer)
    buyer_uscc: USCC | None = field(V.uscc, ("采购人统一社会信用代码",), "Buyer's unified social credit code.", uscc_of="buyer")
    agent: Name | None = field(V.text, ("采购代理机构", "代理机构", "代理机构名称", "采购代理机构名称"), "Procurement agency.",
                               role=Role.agent)
    budget: Money | None = field(V.money, ("预算金额", "采购预算", "项目预算", "预算"), "Budget.")
    ceiling_price: Money | None = field(V.money, ("最高限价",), "Ceiling price.")
    method: Annotated[str, _choice(PROCUREMENT_METHODS)] | None = field(
        V.choice, ("采购方式",), "Procurement method.", choices=PROCUREMENT_METHODS)
    category: Text | None = field(V.text, ("品目", "采购品目"), "Procurement category (品目).")
    bid_deadline: datetime | None = field(
        V.datetime, ("投标截止时间", "提交投标文件截止时间", "响应文件提交截止时间", "开标时间"), "Bid deadline.")
    bid_count: Annotated[int, Field(ge=0, le=100_000)] | None = field(
        V.integer, ("投标人数", "有效投标人数", "供应商数量", "投标供应商数量"), "Number of bids received.")
    lots: list[Lot] = Field(default_factory=list, max_length=1000, description="Lots (包/标项) with winners and amounts.")
    contract_amount: Money | None = field(V.money, ("合同金额",), "Contract amount.")
    contract_signed_at: datetime | None = field(V.datetime, ("合同签署时间", "合同签订日期", "签署时间"), "Contract signed.")
    contract_term: Text | None = field(V.text, ("合同期限",), "Contract term as published.")
    failure_reason: Text | None = field(V.text, ("废标理由", "终止原因", "流标原因", "废标情形", "废标原因", "终止理由"),
                                        "Why the procurement failed or ended.")
    proposed_supplier: Name | None = field(
        V.text, ("拟定供应商", "单一来源供应商", "拟定的唯一供应商名称", "拟定供应商名称"),
        "Supplier proposed for a single-source procurement (单一来源公示), before the award.", role=Role.candidate)
    items: Text | None = field(V.text, ("主要标的信息", "采购标的", "主要标的"),
                               "Main items (goods, services, works) as published.")
    agency_fee: Text | None = field(V.text, ("代理服务收费标准及金额", "代理服务费", "代理服务收费"),
                                    "Agency fee: the standard and the amount, as published.")

    correction: Text | None = _shared("correction")
    original_published_at: date | None = _shared("original_published_at")
    correction_date: date | None = _shared("correction_date")
    experts: Text | None = _shared("experts")
    notice_period: Text | None = _shared("notice_period")
    currency: Currency = field(
        V.identifier, ("币种", "币别", "货币", "currency"),
        "ISO 4217 code of every amount of the notice when it is not the yuan (OCDS feeds of other countries); "
        "amounts are stored in that currency exactly, never converted. Empty means CNY.")

    @model_serializer(mode="wrap")
    def _cny_unsaid(self, handler: SerializerFunctionWrapHandler) -> dict:
        """A CNY notice serializes as it did before currencies existed (same content hash)."""
        data = handler(self)
        if isinstance(data, dict) and data.get("currency") is None:
            data.pop("currency", None)
        return data


class StateAssetFields(_Strict):
    """国有产权交易: 挂牌披露, 交易结果 (source-formats.md §6.2)."""

    kind: Literal["state_asset"] = "state_asset"
    target: Text | None = field(V.text, ("标的名称", "转让标的", "标的企业名称"), "What is transferred.")
    transferor: Name | None = field(V.text, ("转让方", "转让方名称", "融资方"), "Transferor.", role=Role.transferor)
    transferor_uscc: USCC | None = field(V.uscc, ("转让方统一社会信用代码",), "Transferor's unified social credit code.",
                                         uscc_of="transferor")
    listing_price: Money | None = field(V.money, ("挂牌价格", "转让底价", "挂牌价", "融资金额"),
                                             "Listing price (融资金额 for a capital increase).")
    appraised_value: Money | None = field(
        V.money, ("评估值", "转让标的评估值或账面净值", "评估价值", "评估价"), "Appraised value or book value.")
    method: Annotated[str, _choice(STATE_ASSET_METHODS)] | None = field(
        V.choice, ("交易方式",), "Sale method.", choices=STATE_ASSET_METHODS)
    transferee: Name | None = field(V.text, ("受让方", "受让方名称"), "Transferee.", role=Role.transferee)
    transferee_uscc: USCC | None = field(V.uscc, ("受让方统一社会信用代码",), "Transferee's unified social credit code.",
                                         uscc_of="transferee")
    deal_price: Money | None = field(V.money, ("成交金额", "成交价格", "成交价"), "Deal price.")
    deal_date: date | None = field(V.date, ("成交日期", "成交时间"), "Deal date.")
    share_ratio: Annotated[Decimal, Field(ge=0, le=100)] | None = field(
        V.percent, ("转让比例", "持股比例"), "Share transferred (%).", unit="%")
    listing_start: date | None = field(V.date, ("挂牌起始日期", "信息披露起始日期", "挂牌开始日期"), "Listing start.")
    listing_end: date | None = field(V.date, ("挂牌截止日期", "信息披露截止日期", "挂牌结束日期"), "Listing end.")
    exchange: Text | None = field(V.text, ("交易机构", "产权交易机构"), "Property-rights exchange.")
    listing_period: Text | None = field(
        V.text, ("信息披露起止日期", "挂牌起止日期", "挂牌期间", "披露期间"),
        "Listing window as published; its two dates also fill listing_start and listing_end.")
    approving_authority: Text | None = field(V.text, ("批准单位",), "Approving authority.")
    parent_group: Text | None = field(V.text, ("隶属集团", "所属集团"), "Group the transferor belongs to.")
    industry: Text | None = field(V.text, ("所属行业", "标的所属行业"), "Industry of the target.")
    broker: Text | None = field(V.text, ("受托机构", "经纪机构", "交易服务会员"), "Broker (受托机构) acting for the transferor.")
    listing_count: Annotated[int, Field(ge=0, le=1000)] | None = field(V.integer, ("挂牌次数",), "How many times it was listed.")
    bidder_count: Annotated[int, Field(ge=0, le=100_000)] | None = field(
        V.integer, ("意向受让方数量", "意向受让方个数", "征集到意向受让方", "竞买人数"),
        "Number of intended transferees (意向受让方) registered.", unit="个")

    correction: Text | None = _shared("correction")
    original_published_at: date | None = _shared("original_published_at")
    correction_date: date | None = _shared("correction_date")
    experts: Text | None = _shared("experts")
    notice_period: Text | None = _shared("notice_period")


class TenderFields(_Strict):
    """工程建设招投标: 招标公告, 澄清, 中标候选人公示, 中标结果 (source-formats.md §6.1)."""

    kind: Literal["tender"] = "tender"
    tenderer: Name | None = field(V.text, ("招标人", "建设单位", "招标单位", "业主"), "Tenderer (the owner).", role=Role.tenderer)
    tenderer_uscc: USCC | None = field(V.uscc, ("招标人统一社会信用代码",), "Tenderer's unified social credit code.",
                                       uscc_of="tenderer")
    agent: Name | None = field(V.text, ("招标代理机构", "代理机构"), "Tendering agency.", role=Role.agent)
    method: Annotated[str, _choice(TENDER_METHODS)] | None = field(
        V.choice, ("招标方式",), "Tender method.", choices=TENDER_METHODS)
    funding: Text | None = field(V.text, ("资金来源",), "Source of funds.")
    control_price: Money | None = field(V.money, ("招标控制价", "最高投标限价", "控制价"), "Control (ceiling) price.")
    duration_days: Annotated[int, Field(ge=0, le=36_500)] | None = field(
        V.duration_days, ("工期", "计划工期"), "Construction period in calendar days.", unit="日历天")
    bid_count: Annotated[int, Field(ge=0, le=100_000)] | None = field(
        V.integer, ("投标人数", "投标人数量", "有效投标人数"), "Number of bids received.")
    sections: list[Lot] = Field(default_factory=list, max_length=1000, description="Sections (标段) with candidates and winner.")
    project_manager: Text | None = field(V.text, ("项目经理", "项目负责人"), "Project manager.")
    quality: Text | None = field(V.text, ("质量标准",), "Quality standard.")
    failure_reason: Text | None = field(V.text, ("废标理由", "终止原因", "流标原因", "废标情形", "废标原因", "终止理由"),
                                        "Why the tender failed or ended.")
    bid_deadline: datetime | None = field(
        V.datetime, ("开标时间", "投标截止时间", "递交投标文件截止时间", "投标文件递交截止时间"),
        "Bid deadline (bid opening).")
    estimate: Money | None = field(V.money, ("估算价", "招标估算价", "投资估算", "项目估算价", "合同估算价"), "Estimated price.")
    budget: Money | None = field(V.money, ("预算金额", "项目总投资", "总投资"), "Budget or total investment.")
    approval: Text | None = field(V.text, ("项目审批", "项目核准", "项目备案", "项目审批/核准/备案", "审批文件", "项目审批文号"),
                                  "Project approval, authorization or filing as published.")
    qualification: Text | None = field(V.text, ("投标人资格要求", "资格要求", "企业资质", "项目经理资格"),
                                       "Bidder qualification requirements as published.")
    bidders: Text | None = field(V.text, ("投标人", "投标单位", "投标人名称"),
                                 "Bidders in the bid-opening record (开标记录), as listed.")

    correction: Text | None = _shared("correction")
    original_published_at: date | None = _shared("original_published_at")
    correction_date: date | None = _shared("correction_date")
    experts: Text | None = _shared("experts")
    notice_period: Text | None = _shared("notice_period")


class LotColumns(_Strict):
    """Flat columns that build one lot or section (a row of a CSV or XLSX submission).

    JSON submissions may give ``lots``/``sections`` as lists instead."""

    lot: Text | None = field(V.text, ("包号", "标项", "包", "标段", "标段名称", "标段编号", "lot"), "Lot or section name.", group="lot")
    winner: Name | None = field(V.names, ("中标供应商", "中标（成交）供应商名称", "中标(成交)供应商名称", "成交供应商", "中标人", "中标单位",
                                                      "中标供应商名称", "成交供应商名称", "中标人名称", "中标单位名称"),
                                "Winner(s); several separated by ；", group="lot", role=Role.winner)
    winner_uscc: str | None = field(V.names, ("中标供应商统一社会信用代码", "中标人统一社会信用代码", "统一社会信用代码"),
                                    "Unified social credit code(s) of the winner(s), in the same order.", group="lot")
    award_amount: str | None = field(V.moneys, ("中标金额", "中标（成交）金额", "中标(成交)金额", "成交金额", "总中标金额", "中标价", "投标报价",
                                                             "评审报价"),
                                     "Award amount(s), in the same order as the winners.", group="lot")
    candidates: str | None = field(V.names, ("中标候选人", "候选人", "中标候选人名称", "候选人名称"), "Ranked candidates, separated by ；", group="lot",
                                   role=Role.candidate)
    candidate_prices: str | None = field(V.moneys, ("候选人投标报价", "候选人报价"), "Bid prices of the candidates, same order.",
                                         group="lot")


AREA_MODELS: dict[Kind, type[_Strict]] = {
    Kind.land: LandFields,
    Kind.mining: MiningFields,
    Kind.procurement: ProcurementFields,
    Kind.state_asset: StateAssetFields,
    Kind.tender: TenderFields,
}

# Which list field of an area model holds its lots, if any.
LOTS_FIELD: dict[Kind, str | None] = {
    Kind.land: None,
    Kind.mining: None,
    Kind.procurement: "lots",
    Kind.state_asset: None,
    Kind.tender: "sections",
}

@dataclass(frozen=True, slots=True)
class SummaryColumn:
    """A column of ``projects_<kind>`` compiled from the lots of a kind that has them (LOTS_FIELD)."""

    column: str  # the store's column (money: integer fen, with a generated *_yuan twin)
    value: V  # integer, names or money
    label: str  # the Chinese label (the site's gettext msgid)
    description: str  # English, for the Datasette metadata


# The lot summary columns, after the area fields: the one declaration the schema, the store, the
# site, Datasette and search read.
LOT_SUMMARY: tuple[SummaryColumn, ...] = (
    SummaryColumn("lot_count", V.integer, "标段（包）数", "Number of lots (包/标段)."),
    SummaryColumn("winners", V.names, "中标（成交）人", "Names of the winners of all lots, separated by ；."),
    SummaryColumn("award_total_fen", V.money, "中标（成交）金额合计",
                  "Sum of the awarded amounts of all lots, in fen (1/100 yuan), exact."),
    SummaryColumn("candidate_count", V.integer, "候选人数", "Number of ranked candidates over all lots."),
)


def lot_summary(lots: list[dict[str, Any]]) -> tuple[int, str | None, int | None, int]:
    """The LOT_SUMMARY values of a project's lots (its compiled ``lots``/``sections`` field)."""
    winners = [w for lot in lots for w in lot.get("winners", [])]
    amounts = [to_fen(w["amount"]) for w in winners if w.get("amount") is not None]
    return (
        len(lots),
        "；".join(dict.fromkeys(w["name"] for w in winners)) or None,
        sum(a for a in amounts if a is not None) if amounts else None,
        sum(len(lot.get("candidates", [])) for lot in lots),
    )


# The headline amount of a project (or notice) of each kind, most final first: the first present is
# the amount it is known by (search results); the first of each is the awarded amount the statistics
# add up. ``award_total`` is the lot summary (``award_total_fen``), every other name an area field.
HEADLINE_AMOUNTS: dict[Kind, tuple[str, ...]] = {
    Kind.land: ("price", "starting_price"),
    Kind.mining: ("deal_price", "starting_price", "reserve_price"),
    Kind.procurement: ("award_total", "contract_amount", "budget", "ceiling_price"),
    Kind.state_asset: ("deal_price", "listing_price", "appraised_value"),
    Kind.tender: ("award_total", "control_price"),
}


def headline_amount(kind: Kind, fields: Mapping[str, Any]) -> Decimal | None:
    """The headline amount (exact yuan) of a project's or a notice's fields in their JSON form
    (money as decimal text): the first of :data:`HEADLINE_AMOUNTS` present; ``award_total`` is the
    sum of the lots' winners' amounts (as :func:`lot_summary` adds them)."""
    for name in HEADLINE_AMOUNTS[kind]:
        if name == "award_total":
            lots = fields.get(LOTS_FIELD[kind] or "", []) or []
            amounts = [Decimal(str(w["amount"])) for lot in lots for w in lot.get("winners", [])
                       if w.get("amount") is not None]
            if amounts:
                return sum(amounts, Decimal(0))
            continue
        value = fields.get(name)
        if value is not None and not isinstance(value, bool):
            return Decimal(str(value))
    return None


# The field that names how a project is allocated (招标/拍卖/挂牌, 采购方式 …) in each area.
METHOD_FIELD: dict[Kind, str] = {Kind.land: "supply_method", Kind.mining: "method", Kind.procurement: "method",
                                 Kind.state_asset: "method", Kind.tender: "method"}


def awarded_amount_column(kind: Kind) -> str:
    """The ``projects_<kind>`` column (fen) of the awarded amount: what the statistics total."""
    return f"{HEADLINE_AMOUNTS[kind][0]}_fen"


AreaFields = Annotated[
    LandFields | MiningFields | ProcurementFields | StateAssetFields | TenderFields,
    Field(discriminator="kind"),
]
