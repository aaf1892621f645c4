"""Codelists: the closed vocabularies of a disclosure, with their Chinese labels.

Every enumeration the project uses is defined here once; models, importers, the
site and Datasette metadata read these tables. Sources: ``../shared/reference/
source-formats.md`` §1.1 (ggzy stage codes), §3.3 (供地方式), §4 (矿业权), §5
(采购方式), §6 (交易方式).
"""

from __future__ import annotations

import re
from enum import StrEnum


class Kind(StrEnum):
    """The five areas of public-resource allocation (国务院办公厅 公共资源配置 信息公开)."""

    land = "land"
    mining = "mining"
    procurement = "procurement"
    state_asset = "state_asset"
    tender = "tender"


KIND_LABELS: dict[Kind, tuple[str, str]] = {
    Kind.land: ("国有土地使用权出让", "State-owned land-use rights"),
    Kind.mining: ("矿业权出让", "Mining rights"),
    Kind.procurement: ("政府采购", "Government procurement"),
    Kind.state_asset: ("国有产权交易", "State-owned property rights"),
    Kind.tender: ("工程建设招投标", "Engineering-construction tenders"),
}

# ggzy DEAL_CLASSIFY codes (source-formats.md §1.1)
GGZY_CLASSIFY: dict[str, Kind] = {
    "01": Kind.tender,
    "02": Kind.procurement,
    "03": Kind.land,
    "04": Kind.mining,
    "05": Kind.state_asset,
}


class NoticeType(StrEnum):
    """Stage of a notice in a project's lifecycle."""

    announcement = "announcement"
    correction = "correction"
    candidates = "candidates"
    result = "result"
    contract = "contract"
    termination = "termination"
    other = "other"


NOTICE_TYPE_LABELS: dict[NoticeType, tuple[str, str]] = {
    NoticeType.announcement: ("公告", "Announcement"),
    NoticeType.correction: ("更正公告", "Correction"),
    NoticeType.candidates: ("候选人公示", "Candidates"),
    NoticeType.result: ("结果公告", "Result"),
    NoticeType.contract: ("合同公告", "Contract"),
    NoticeType.termination: ("终止公告", "Termination"),
    NoticeType.other: ("其他公告", "Other"),
}


def kind_label(kind: str, lang: str = "zh") -> str:
    """The label of a kind code in ``lang`` (``zh`` or ``en``); an unknown code is returned as it is."""
    try:
        zh, en = KIND_LABELS[Kind(kind)]
    except ValueError:
        return kind
    return en if lang == "en" else zh


def notice_type_label(ntype: str, lang: str = "zh") -> str:
    """The label of a notice type code in ``lang`` (``zh`` or ``en``); an unknown code as it is."""
    try:
        zh, en = NOTICE_TYPE_LABELS[NoticeType(ntype)]
    except ValueError:
        return ntype
    return en if lang == "en" else zh

# Words a submitter may put in a 公告类型 column, mapped to the notice type.
NOTICE_TYPE_WORDS: dict[str, NoticeType] = {
    **{t.value: t for t in NoticeType},
    **{zh: t for t, (zh, _en) in NOTICE_TYPE_LABELS.items()},
    "招标公告": NoticeType.announcement,
    "采购公告": NoticeType.announcement,
    "出让公告": NoticeType.announcement,
    "出让公示": NoticeType.announcement,
    "协议出让公示": NoticeType.announcement,
    "挂牌公告": NoticeType.announcement,
    "挂牌披露": NoticeType.announcement,
    "资格预审公告": NoticeType.announcement,
    "招标/资审公告": NoticeType.announcement,
    "采购/资审公告": NoticeType.announcement,
    "交易公告": NoticeType.announcement,
    "更正": NoticeType.correction,
    "变更公告": NoticeType.correction,
    "澄清公告": NoticeType.correction,
    "更正事项": NoticeType.correction,
    "招标/资审文件澄清": NoticeType.correction,
    "中标候选人公示": NoticeType.candidates,
    "候选人公示": NoticeType.candidates,
    "中标公告": NoticeType.result,
    "成交公告": NoticeType.result,
    "中标结果公告": NoticeType.result,
    "成交结果": NoticeType.result,
    "交易结果": NoticeType.result,
    "交易结果公示": NoticeType.result,
    "成交公示": NoticeType.result,
    "成交宗地": NoticeType.result,
    "出让结果": NoticeType.result,
    "供地结果": NoticeType.result,
    "结果公示": NoticeType.result,
    "采购合同": NoticeType.contract,
    "合同": NoticeType.contract,
    "终止": NoticeType.termination,
    "废标公告": NoticeType.termination,
    "流标公告": NoticeType.termination,
    "终止公告": NoticeType.termination,
    "其他": NoticeType.other,
}

# Title patterns, checked in this order (source-formats.md §1.1 "Things the codes do
# not tell you" and §7): a title names its stage more reliably than a misfiled stage code.
_TITLE_RULES: tuple[tuple[re.Pattern[str], NoticeType], ...] = (
    (re.compile(r"终止|中止|流标|废标|撤销|取消"), NoticeType.termination),
    (re.compile(r"更正|变更|澄清|补遗|答疑"), NoticeType.correction),
    (re.compile(r"候选人|评标结果公示|评标结果公告"), NoticeType.candidates),  # 评标结果公示 lists the candidates
    (re.compile(r"合同"), NoticeType.contract),
    (re.compile(r"中标|成交|结果|竞得|出让结果|交易结果|供地结果"), NoticeType.result),
    (re.compile(r"公告|公示|招标|采购|出让|挂牌|披露|邀请"), NoticeType.announcement),
)


def notice_type_from_title(title: str) -> NoticeType | None:
    """The stage a title names (终止/流标 → termination, 更正 → correction …), or None."""
    for pattern, kind in _TITLE_RULES:
        if pattern.search(title):
            return kind
    return None


# 供地方式, land supply methods (source-formats.md §3.3)
LAND_SUPPLY_METHODS = ("划拨", "协议出让", "招标出让", "拍卖出让", "挂牌出让", "租赁", "作价出资", "其他")
# 矿业权 types and award methods (§4)
MINING_RIGHT_TYPES = ("探矿权", "采矿权")
MINING_METHODS = ("招标", "拍卖", "挂牌", "协议出让", "申请在先", "其他")
# 采购方式 (§5)
PROCUREMENT_METHODS = (
    "公开招标",
    "邀请招标",
    "竞争性谈判",
    "竞争性磋商",
    "单一来源",
    "询价",
    "框架协议",
    "电子反拍",
    "其他",
)
# 国有产权 交易方式 (§6.2; observed labels)
STATE_ASSET_METHODS = ("网络竞价", "拍卖", "招投标", "协议转让", "动态报价", "其他")
# 工程建设 招标方式
TENDER_METHODS = ("公开招标", "邀请招标", "其他")

# Aliases seen in real data → the codelist value.
METHOD_ALIASES: dict[str, str] = {
    "单一来源采购": "单一来源",
    "询价采购": "询价",
    "竞争性谈判采购": "竞争性谈判",
    "挂牌": "挂牌出让",
    "拍卖": "拍卖出让",
    "招标": "招标出让",
    "协议": "协议出让",
}
# Short or long forms whose canonical value depends on the codelist (协议 is 协议出让 for land,
# 协议转让 for state assets): tried in order, the first that is a choice wins.
_AFFIXES = ("出让", "转让", "采购", "招标", "方式")
CHOICE_ALIASES: dict[str, tuple[str, ...]] = {
    "招标": ("招标出让", "招投标"),
    "公开": ("公开招标",),
    "邀请": ("邀请招标",),
    "竞价": ("网络竞价",),
    "电子竞价": ("网络竞价",),
    "网络拍卖": ("拍卖",),
    "磋商": ("竞争性磋商",),
    "谈判": ("竞争性谈判",),
    "其他认定方式": ("其他",),
    "其它": ("其他",),
}


def canonical_choice(text: str, choices: tuple[str, ...]) -> str | None:
    """The value of ``choices`` that ``text`` stands for, or None: the value itself, a known alias
    (单一来源采购 → 单一来源), a short form (挂牌 → 挂牌出让; 协议 → 协议转让 among state-asset
    methods) or a long one (拍卖出让 → 拍卖 among mining methods)."""
    text = text.strip()
    if text in choices:
        return text
    tries = [METHOD_ALIASES.get(text, ""), *CHOICE_ALIASES.get(text, ())]
    tries += [text + affix for affix in _AFFIXES] + [text.removesuffix(affix) for affix in _AFFIXES if text.endswith(affix)]
    return next((t for t in tries if t in choices), None)


class ProjectStatus(StrEnum):
    """Compiled status of a project (the stage of its latest notice; termination is final)."""

    announced = "announced"
    candidates = "candidates"
    awarded = "awarded"
    contracted = "contracted"
    terminated = "terminated"
    other = "other"


STATUS_BY_NOTICE_TYPE: dict[NoticeType, ProjectStatus] = {
    NoticeType.announcement: ProjectStatus.announced,
    NoticeType.candidates: ProjectStatus.candidates,
    NoticeType.result: ProjectStatus.awarded,
    NoticeType.contract: ProjectStatus.contracted,
    NoticeType.termination: ProjectStatus.terminated,
    NoticeType.other: ProjectStatus.other,
}


class Role(StrEnum):
    """What a party did in a project."""

    publisher = "publisher"
    buyer = "buyer"
    agent = "agent"
    winner = "winner"
    candidate = "candidate"
    tenderer = "tenderer"
    transferor = "transferor"
    transferee = "transferee"
    land_user = "land_user"
    grantor = "grantor"


# English labels of the codelist values above (the English site; data stays in Chinese).
CHOICE_LABELS_EN: dict[str, str] = {
    # 供地方式
    "划拨": "Allocation", "协议出让": "Negotiated grant", "招标出让": "Grant by tender", "拍卖出让": "Grant by auction",
    "挂牌出让": "Grant by listing", "租赁": "Lease", "作价出资": "Capital contribution",
    # 矿业权
    "探矿权": "Exploration right", "采矿权": "Mining right", "招标": "Tender", "拍卖": "Auction", "挂牌": "Listing",
    "申请在先": "First come, first served",
    # 采购方式, 招标方式
    "公开招标": "Open tender", "邀请招标": "Invited tender", "竞争性谈判": "Competitive negotiation",
    "竞争性磋商": "Competitive consultation", "单一来源": "Single source", "询价": "Request for quotations",
    "框架协议": "Framework agreement", "电子反拍": "Reverse e-auction",
    # 国有产权 交易方式
    "网络竞价": "Online bidding", "招投标": "Tender", "协议转让": "Negotiated transfer", "动态报价": "Dynamic bidding",
    "其他": "Other",
}


def choice_label(value: str, lang: str = "zh") -> str:
    """A codelist value for people in ``lang``: the Chinese value itself, or its English label (unknown: as it is)."""
    return CHOICE_LABELS_EN.get(value, value) if lang == "en" else value
