"""The fallback of every family: facts from ``label：value`` text and header-row tables.

Driven by the label tables declared on the models (``models/kinds.py``, ``models/notice.py``):
whatever a page prints as ``项目编号：``, ``一、项目编号：``, ``采购人名称``, ``中标金额(万元)`` …
resolves through the same table as a submission's header, so a new template is mostly
declaration. What it reads, in the order a person would:

- **pairs**: ``label：value`` on a line (several on one line split at known labels), the value
  on the next line when the label stands alone, numbered labels (``一、``, ``2.1``, ``（三）``),
  fill-in templates that print the label after the value (``S3205…（标段编号）``), and the
  contact blocks where ``名称：`` means the buyer under ``1.采购人信息`` and the agency under
  ``2.采购代理机构信息``;
- **tables**: two- or four-column label/value tables, header-row tables of suppliers,
  bidders or candidates (one row per party: name, USCC, amount with the header's unit, rank,
  lot), transposed candidate tables (labels down the first column), each party under the lot
  (``第1包``, ``包组编号：002``) that precedes it;
- **what it could not read**: every label it saw and could not map is kept (``unknown``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from collectors.importers.headers import resolve
from collectors.parsers import Extracted
from collectors.parsers.document import Line, Page, Table
from models.assemble import Cell, specs_for
from models.codelists import METHOD_ALIASES, NOTICE_TYPE_WORDS, Kind
from models.fields import split_label
from models.kinds import LOTS_FIELD
from models.normalize import is_placeholder, parse_amount, parse_duration_days
from models.normalize.regions import _data as _regions
from models.normalize.text import match_key

# Labels pages print that mean a model label (page wording, not submission headers).
PAGE_ALIASES: dict[str, str] = {
    "信息时间": "发布时间", "信息发布时间": "发布时间", "发布日期": "发布时间", "公告发布时间": "发布时间",
    "发稿时间": "发布时间", "发布于": "发布时间",
    "招标编号": "项目编号", "标段编号": "项目编号", "采购编号": "项目编号", "项目代码": "项目编号",
    "招标项目编号": "项目编号", "原公告的采购项目编号": "项目编号", "采购计划编号": "项目编号",
    "原公告的采购项目名称": "项目名称", "招标项目名称": "项目名称", "工程名称": "项目名称",
    "采购单位名称": "采购人", "采购人名称": "采购人", "招标人名称": "招标人", "建设单位名称": "招标人",
    "招标代理机构名称": "招标代理机构", "代理机构名称": "代理机构", "采购代理机构名称": "采购代理机构",
    "行政区域": "行政区", "项目所在地区": "行政区", "所属地区": "行政区",
    "工程合同估算价": "估算价", "合同估算价": "估算价", "项目估算价": "估算价", "估算金额": "估算价",
    "预算金额": "预算金额", "采购预算金额": "预算金额", "项目预算金额": "预算金额", "最高投标限价": "最高投标限价",
    "投标截止时间为": "投标截止时间", "投标文件递交截止时间": "投标截止时间", "递交投标文件截止时间": "投标截止时间",
    "响应文件提交截止时间": "投标截止时间", "提交响应文件截止时间": "投标截止时间", "开标时间为": "开标时间",
    "磋商时间": "开标时间", "开启时间": "开标时间",
    "废标情形": "废标理由", "废标原因": "废标理由", "流标原因": "流标原因", "终止理由": "终止原因",
    "项目终止原因": "终止原因", "采购方式：": "采购方式",
    "采购代理机构全称": "采购代理机构", "代理机构全称": "代理机构", "采购人全称": "采购人", "招标人全称": "招标人",
    "预算总金额": "预算金额", "采购预算总金额": "预算金额", "项目预算总金额": "预算金额", "截止时间": "投标截止时间",
    "标段（包）编号": "项目编号", "标段(包)编号": "项目编号", "标包编号": "项目编号", "招标项目编号为": "项目编号",
    "挂牌起始价": "起始价", "挂牌起始价格": "起始价", "拍卖起始价": "起始价", "竞价起始价": "起始价",
    "信息披露期满日期": "信息披露截止日期", "挂牌期满日期": "挂牌截止日期", "挂牌截止时间": "挂牌截止日期",
    "标的物编号": "项目编号", "标的编号": "项目编号", "项目编号为": "项目编号",
    "本标的物成交价": "成交价", "标的物成交价": "成交价", "起始价": "挂牌价格", "评估价": "评估价",
    "处置方式": "交易方式", "拍卖方式": "交易方式", "转让方式": "交易方式",
}
# What a contact block's 名称 means, by the block's heading.
_CONTACT_ROLES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"采购代理机构|代理机构|招标代理"), "代理机构"),
    (re.compile(r"采购人|采购单位"), "采购人"),
    (re.compile(r"招标人|建设单位"), "招标人"),
    (re.compile(r"出让人|出让单位"), "出让人"),
    (re.compile(r"转让方"), "转让方"),
)
_GENERIC_NAME = frozenset({"名称", "单位名称", "名 称"})
# Labels that are contact details or boilerplate: read, deliberately not facts.
_IGNORED = frozenset(match_key(s) for s in (
    "地址", "联系方式", "联系人", "电话", "传真", "邮编", "电子邮箱", "电子邮件", "项目联系人", "项目联系电话",
    "联系电话", "电话（传真）", "网址", "开户银行", "账号", "开户名称", "采购单位地址", "采购单位联系方式",
    "代理机构地址", "代理机构联系方式", "采购人地址", "采购人联系方式", "招标人地址", "招标代理机构地址",
    "供应商地址", "中标供应商地址", "成交供应商地址", "浏览", "阅读次数", "点击数", "字号", "打印", "关闭", "分享到", "当前位置", "您当前位置", "当前的位置",
    "备注", "备注说明", "附件", "总中标金额", "总成交金额", "中标总金额", "主办单位", "技术支持", "网站标识码", "Email",
))
_NUMBERING = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十百]+[)）]?[、.．,，]?|[（(]\d{1,2}[)）]|\d{1,2}(?:[.．]\d{1,2}){0,3}[、.．]?|"
    r"[①②③④⑤⑥⑦⑧⑨⑩]|第[一二三四五六七八九十]+[条章部分节])\s*")
_USCC = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}")
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+[部分章])\s*(?P<head>.{1,40})$")
_SECTION_FIELDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"更正(?:信息|事项|内容)|变更(?:信息|内容|事项)|澄清(?:内容|事项)"), "更正事项"),
    (re.compile(r"(?:终止|废标|流标|失败|中止)(?:的)?(?:原因|理由|情形|说明)|废标(?:信息|结果)"), "废标理由"),
)
# "…并于2025年08月22日10点00分（北京时间）前提交响应文件": the deadline said in a sentence
_DEADLINE_PHRASE = re.compile(
    r"(?:于|在)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*\d{1,2}\s*[时点:：]\s*\d{1,2}\s*分?)\s*(?:（北京时间）|\(北京时间\))?"
    r"\s*(?:前|之前|以前)\s*(?:将|在|通过)?[^，。]{0,30}?(?:提交|递交|上传)(?:投标|响应|磋商响应|报价)?文件")
_OVERVIEW = re.compile(
    r"^(?:本招标项目)?(?P<name>[^，,。：:]{4,150}?)(?:（[^）]{0,30}）)?于\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*"
    r"在[^，,。]{2,60}?发布(?:了)?(?:招标|资格预审)公告(?:（[^）]*）)?[，,]\s*(?:于\s*)?"
    r"(?P<open>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*\d{1,2}\s*[时:：点]\s*\d{1,2}\s*分?)?)?")
_CLAUSE = re.compile(r"[，；;。]|,(?!\d{3})|\s{2,}")
_INLINE_PAIR = re.compile(r"(?P<label>[\u4e00-\u9fff（）()]{2,12})\s*[：:]\s*(?P<value>[^，；;。]+)")
_DATE_IN = re.compile(r"(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}\s*[:：时点]\s*\d{1,2}"
                      r"(?:\s*[:：分]\s*\d{1,2}\s*秒?)?分?)?)")
# the page's chrome after a value (来源：X 阅读次数： 【我要打印】 【关闭】 2026-07 原文链接 …): cut
_PAGE_BUTTONS = re.compile(r"\s*(?:(?:阅读次数|浏览次数|点击数|点击量|访问量|字号)\s*[：:]|【(?:我要)?(?:打印|关闭|收藏|分享)】).*$",
                           re.S)
_PAIR = re.compile(r"^(?P<label>[^：:]{1,30}?)\s*[：:]\s*(?P<value>.*)$")
_FILL_IN = re.compile(r"(?P<value>[^（）()。；;，,]{2,120})[（(](?P<label>[^（）()]{2,14})[）)]")
_LOT_LINE = re.compile(r"^(?:第\s*[0-9一二三四五六七八九十]+\s*(?:包|标段|标项|分包)|(?:包组|包|标项|标段|分包)"
                       r"\s*(?:编号|号)?\s*[：:]?\s*[0-9A-Za-z一二三四五六七八九十]+)\s*[：:]?\s*(?P<rest>.*)$")
_LOT_NAME = re.compile(r"(第\s*[0-9一二三四五六七八九十]+\s*(?:包|标段|标项|分包)|(?:包组|包|标项|标段|分包)\s*(?:编号|号)?\s*[：:]?\s*"
                       r"[0-9A-Za-z一二三四五六七八九十]+)")

# Columns of party tables (header text → role of the column), matched on the header's
# match key with its unit removed.
_NAME_COLS = ("中标（成交）供应商名称", "中标供应商名称", "成交供应商名称", "供应商名称", "中标人名称", "中标人",
              "中标单位", "成交供应商", "中标供应商", "投标人名称", "投标人", "投标单位", "投标单位名称",
              "中标候选人名称", "中标候选人", "候选人名称", "候选人", "单位名称", "供应商", "竞得人", "竞买人",
              "受让方", "受让人", "竞得单位", "成交人", "中选人", "中选单位", "企业名称", "响应供应商名称")
_USCC_COLS = ("统一社会信用代码", "供应商统一社会信用代码", "社会信用代码", "组织机构代码", "供应商组织机构代码",
              "统一信用代码", "信用代码", "供应商编码", "统一社会信用代码证号", "企业统一社会信用代码")
_AMOUNT_COLS = ("中标（成交）金额", "中标金额", "成交金额", "中标价", "中标价格", "成交价", "成交价格", "投标报价",
                "评审报价", "报价", "投标价", "投标价格", "最终报价", "最后报价", "磋商报价", "谈判报价", "响应报价",
                "中标（成交）价", "合同金额", "金额", "总价", "投标总价", "报价金额")
_RANK_COLS = ("排序", "排名", "名次", "候选人排序", "中标候选人排序", "推荐顺序", "候选顺序", "排名顺序")
_LOT_COLS = ("包号", "标项号", "包组", "包组编号", "标段", "标段名称", "标段编号", "标项", "标项名称", "分包", "包件号", "采购包")
_WINNER_WORDS = re.compile(r"中标|成交|中选|竞得|受让")
_CANDIDATE_WORDS = re.compile(r"候选|评审报价|投标报价|报价情况|评标结果|开标记录|投标人|投标供应商|排序|排名|名次")


@cache
def _col_keys(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(match_key(n) for n in names)


_PM_COLS = ("项目负责人", "项目经理", "拟派项目负责人", "项目负责人姓名", "项目总监", "总监理工程师", "拟派项目经理")
_DURATION_COLS = ("工期", "服务期", "交货期", "履约期限", "计划工期", "施工工期", "服务期限", "工期（天）", "履约期限（天）")


def _column_role(header: str) -> tuple[str, str | None] | None:
    """(role, unit) of a party table's column header, or None."""
    label, unit = split_label(header)
    key = match_key(re.sub(r"[（(](?:元|万元|亿元|元/%|%|如有)[)）]", "", label))
    if not key:
        return None
    bare = match_key(re.sub(r"\s*[（(][^)）]*[)）]\s*", "", header))
    if bare in _col_keys(_PM_COLS):
        return "pm", None
    if bare in _col_keys(_DURATION_COLS) or key in _col_keys(_DURATION_COLS):
        return "duration", None
    if key in _col_keys(_RANK_COLS):
        return "rank", None
    if key in _col_keys(_USCC_COLS):
        return "uscc", None
    if key in _col_keys(_NAME_COLS):
        return "name", None
    if key in _col_keys(_AMOUNT_COLS):
        # 投标报价(元/%): a plain number is yuan, a rate keeps its % and becomes an offer
        unit = unit if unit in ("元", "万元", "亿元") else ("元" if unit and unit.startswith("元") else None)
        return "amount", unit or _unit_in(header)
    if key in _col_keys(_LOT_COLS):
        return "lot", None
    return None


def _unit_in(text: str) -> str | None:
    m = re.search(r"[（(]\s*(万元|元|亿元)\s*[)）]", text)
    return m.group(1) if m else None


@lru_cache(maxsize=8192)
def field_of(kind: Kind, label: str) -> tuple[str, str | None] | None:
    """The field (and unit) a printed label stands for in ``kind`` notices, or None."""
    label = label.strip().strip("：:").strip()
    label = re.sub(r"\s+", "", label) if re.fullmatch(r"[\u4e00-\u9fff\s]+", label) else label
    if not label or len(label) > 40:
        return None
    base, unit = split_label(label)
    for candidate in dict.fromkeys((PAGE_ALIASES.get(label, label), PAGE_ALIASES.get(base, base), label)):
        if unit and split_label(candidate)[1] is None:
            candidate = f"{candidate}({unit})"
        columns = resolve(kind, [candidate]).columns
        if columns and columns[0].field and not columns[0].field.startswith("__"):
            return columns[0].field, columns[0].unit
    return None


@cache
def _label_splitter(kind: Kind) -> re.Pattern[str]:
    """A pattern finding every known label followed by a colon inside a run of text."""
    labels: set[str] = set(PAGE_ALIASES)
    for spec in specs_for(kind).values():
        labels.update(label for label in spec.labels if re.search(r"[\u4e00-\u9fff]", label))
    for _pattern, label in _CONTACT_ROLES:
        labels.add(label)
    labels.update(("名称", "名 称", "地址", "联系方式", "联系人", "电话", "地 址"))
    labels.update(_NAME_COLS + _USCC_COLS + _AMOUNT_COLS + ("供应商地址", "中标供应商地址", "成交供应商地址"))
    alternation = "|".join(re.escape(s) for s in sorted(labels, key=len, reverse=True))
    # a label starts a pair after a separator (with its numbering: 二、项目名称：) or right after a
    # value it is glued to (…JC57信息来源：), never inside a number
    return re.compile(rf"(?:(?:(?<=[\s。；;，,）)])|^)(?:{_NUMBERING.pattern[1:]})?|(?<=\S))(?P<label>{alternation})"
                      rf"(?:[（(][^）)]{{1,8}}[）)])?\s*[：:]")


@dataclass
class _Party:
    name: str
    lot: str | None = None
    uscc: str | None = None
    amount: str | None = None
    rank: int | None = None
    winner: bool = True
    offer: str | None = None
    project_manager: str | None = None
    duration: str | None = None


@dataclass
class Reader:
    """What one page says, accumulated block by block."""

    kind: Kind
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (printed label, value)
    parties: list[_Party] = field(default_factory=list)
    unknown: dict[str, str] = field(default_factory=dict)
    title: str = ""
    records: list[list[tuple[str, str]]] = field(default_factory=list)  # rows of record tables

    # -- pairs ----------------------------------------------------------------------------------
    def add_pair(self, label: str, value: str, context: str = "") -> None:
        label = _NUMBERING.sub("", label.strip()).strip()
        if all(len(t) <= 2 for t in label.split()):
            label = label.replace(" ", "")  # 名 称, 联 系 人: letter-spaced labels
        if " " in label and not field_of(self.kind, label):
            head, _, label = label.rpartition(" ")
            context = f"{context} {head}"
        value = _PAGE_BUTTONS.sub("", value).strip().strip("　 ").rstrip("。；;")
        if not label or not value:
            return
        key = match_key(label)
        if label in _GENERIC_NAME or key in _col_keys(tuple(_GENERIC_NAME)):
            for pattern, role_label in _CONTACT_ROLES:
                if pattern.search(context):
                    self.pairs.append((role_label, value))
                    return
            return
        if key in _IGNORED:
            return
        last = context.split(" ¦ ")[-1]
        column = _column_role(label)
        if column in (("name", None), ("uscc", None)) and field_of(self.kind, label) is None and \
                re.search(r"中标|成交", last) and not re.search(r"候选|投标", last):
            if column == ("name", None):
                self.pairs.append(("中标（成交）供应商名称", value))
            else:
                self.pairs.append(("中标供应商统一社会信用代码", value))
            return
        found = field_of(self.kind, label)
        if found is None:
            self.unknown.setdefault(label, value[:500])
            return
        spec = specs_for(self.kind)[found[0]]
        if spec.value.value not in ("text", "names", "moneys"):  # lists (A；B；C) keep their separators
            # a typed value ends at the first clause separator (工期：660日历天，计划开工日期…)
            parts = _CLAUSE.split(value, maxsplit=1)
            if len(parts) == 2 and parts[0].strip():
                rest = parts[1]
                value = parts[0].strip()
                for more in _INLINE_PAIR.finditer(rest):
                    self.add_pair(more.group("label"), more.group("value"), context)
            if spec.value.value in ("date", "datetime") and (m := _DATE_IN.search(value)):
                value = m.group(1)
            if spec.name == "notice_type" and NOTICE_TYPE_WORDS.get(value) is None:
                self.unknown.setdefault(label, value[:500])
                return
            if spec.value.value == "choice" and spec.name != "notice_type":
                canonical = METHOD_ALIASES.get(value, value)
                if canonical not in spec.choices and value not in spec.choices:  # 拍卖: land says 拍卖出让
                    self.unknown.setdefault(label, value[:500])
                    return
        self.pairs.append((label, value))

    def read_line(self, text: str, context: str, next_text: str | None) -> bool:
        """Pairs of one line; True when the next line was taken as this line's value."""
        matches = list(_label_splitter(self.kind).finditer(text))
        if matches:
            if matches[0].start() > 0:
                head = text[: matches[0].start()].strip()
                pm = _PAIR.match(head)
                if pm:
                    self.add_pair(pm.group("label"), pm.group("value"), context)
                else:
                    context = f"{context} ¦ {head}"
            for i, match in enumerate(matches):
                end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
                value = text[match.end():end].strip()
                if match.start() > 0 and text[match.start() - 1] in "(（":
                    value = re.split(r"[)）]", value, maxsplit=1)[0]  # (项目编号:XCSD-2026-A-535)中标公告
                if not value and i + 1 == len(matches) and next_text and not _PAIR.match(next_text):
                    self.add_pair(match.group("label"), next_text, context)
                    return True
                self.add_pair(match.group("label"), value, context)
            return False
        m = _PAIR.match(text)
        if m:
            value = m.group("value").strip()
            if not value and next_text and not _PAIR.match(next_text):
                self.add_pair(m.group("label"), next_text, context)
                return True
            self.add_pair(m.group("label"), value, context)
        if (dm := _DEADLINE_PHRASE.search(text)) and field_of(self.kind, "投标截止时间"):
            self.pairs.append(("投标截止时间", dm.group(1)))
        if (om := _OVERVIEW.match(text)) and self.kind is Kind.tender:
            # 招标概况 of the standard 评标结果公示: "<project>于<date>在<platform>发布招标公告，<time>在<place>开标"
            self.pairs.append(("项目名称", om.group("name")))
            if om.group("open"):
                self.pairs.append(("开标时间", om.group("open")))
        for fm in _FILL_IN.finditer(text):
            if field_of(self.kind, fm.group("label")):
                self.add_pair(fm.group("label"), fm.group("value").strip(" ，,"), context)
        return False

    # -- tables ---------------------------------------------------------------------------------
    def read_table(self, rows: list[list[str]], context: str, lot: str | None) -> None:
        if self._facts_table(rows):
            for row in rows:
                self._pair_row(row, context)
            return
        if not LOTS_FIELD[self.kind] and self._record_table(rows):
            return
        if self._party_table(rows, context, lot) or self._transposed(rows, context, lot):
            return
        for row in rows:
            self._pair_row(row, context)

    def _record_table(self, rows: list[list[str]]) -> bool:
        """A header row of facts and one row per record (宗地编号 | 土地位置 | 面积 | 成交价(万元) | 竞得人):
        land, mining and state-asset results that list parcels or lots one per row."""
        for h, header in enumerate(rows[:3]):
            fields = {i: field_of(self.kind, c.strip().rstrip("：:")) for i, c in enumerate(header) if c.strip()}
            known = {i: f for i, f in fields.items() if f}
            if len(known) < 3 or len({f[0] for f in known.values()}) < 3 or len(known) * 2 < len(fields):
                continue
            found = False
            for row in rows[h + 1:]:
                if len(row) != len(header) or row == header:
                    continue
                record = [(header[i], row[i]) for i in known if row[i].strip()]
                if len(record) >= 2:
                    self.records.append(record)
                    found = True
            return found
        return False

    def _facts_table(self, rows: list[list[str]]) -> bool:
        """A two-column label | value table of the notice's facts (项目编号 | …, 中标供应商 | …): read as
        pairs even when a row names a party, never as candidates laid out in columns."""
        if not rows or max(len(r) for r in rows) != 2:
            return False
        facts = [r for r in rows if r[0].strip() and field_of(self.kind, r[0].strip().rstrip("：:"))
                 and not _column_role(r[0])]
        return len(facts) >= 2 and len(facts) * 2 >= len(rows)

    def _pair_row(self, row: list[str], context: str) -> None:
        cells = [c for c in row]
        filled = [c for c in cells if c.strip()]
        labels = [c for c in filled if field_of(self.kind, c.strip().rstrip("：:")) or _column_role(c)
                  or c in ("序号", "其他事项", "备注")]
        if len(filled) >= 3 and len(labels) * 4 >= len(filled) * 3:
            return  # a header row whose data rows are empty (3.废标结果: 序号 | 标项名称 | 废标理由)
        i = 0
        while i < len(cells):
            label = cells[i].strip().rstrip("：:").strip()
            if i + 1 < len(cells) and label and (field_of(self.kind, label) or cells[i].strip().endswith(("：", ":"))
                                                  or label in _GENERIC_NAME):
                if field_of(self.kind, cells[i + 1].strip().rstrip("：:")) or _column_role(cells[i + 1]):
                    i += 1
                    continue
                self.add_pair(label, cells[i + 1], context)
                i += 2
                continue
            if ("：" in cells[i] or ":" in cells[i]) and len(cells[i]) < 400:
                self.read_line(cells[i], context, None)
            i += 1

    def _party_table(self, rows: list[list[str]], context: str, lot: str | None) -> bool:
        found = False
        header: dict[int, tuple[str, str | None]] | None = None
        header_text = ""
        for row in rows:
            roles = {i: r for i, c in enumerate(row) if (r := _column_role(c))}
            kinds = {r[0] for r in roles.values()}
            if "name" in kinds and len(kinds) >= 2:
                header, header_text = roles, " ".join(row)
                continue
            if header is None:
                continue
            party = self._party_of(row, header, header_text, context, lot)
            if party:
                self.parties.append(party)
                found = True
        return found

    def _party_of(self, row: list[str], header: dict[int, tuple[str, str | None]], header_text: str,
                  context: str, lot: str | None) -> _Party | None:
        values: dict[str, str] = {}
        unit = None
        for i, (role, col_unit) in header.items():
            if i < len(row) and row[i].strip() and role not in values:
                values[role] = row[i].strip()
                if role == "amount":
                    unit = col_unit
        name = values.get("name", "")
        if not _looks_like_name(name):
            return None
        if "uscc" not in values:
            values["uscc"] = next((c.strip() for c in row if _USCC.fullmatch(c.strip())), None) or ""
        winner = self._is_winner(header_text, context)
        amount = values.get("amount")
        if amount and re.search(r"[：:]", amount):
            amount = re.split(r"[：:]", amount)[-1].strip()
        if amount and unit and not re.search(r"[元%]", amount):
            amount = f"{amount}{unit}"
        rank = _rank(values.get("rank"))
        return _Party(name, values.get("lot") or lot, values.get("uscc"), amount, rank, winner,
                      project_manager=values.get("pm"), duration=values.get("duration"))

    def _is_winner(self, header_text: str, context: str) -> bool:
        if "候选" in header_text:
            return False
        if _WINNER_WORDS.search(header_text):
            return True
        if re.search(r"投标(?:供应商|人|单位|报价)|评审报价|排名|排序", header_text):
            return False
        for heading in reversed(context.split(" ¦ ")[-3:]):
            if _CANDIDATE_WORDS.search(heading) and not re.search(r"中标（成交）信息|中标信息|成交信息|中标结果", heading):
                return False
            if _WINNER_WORDS.search(heading):
                return True
        return not re.search(r"候选|评标结果|评审结果", self.title)

    def _transposed(self, rows: list[list[str]], context: str, lot: str | None) -> bool:
        """Candidates laid out in columns, labels down the first column (Epoint 评标结果公示)."""
        labels = {}
        for r, row in enumerate(rows):
            if row and (role := _column_role(row[0])):
                labels[r] = role
        kinds = {role[0] for role in labels.values()}
        if "name" not in kinds or len(kinds) < 2:
            return False  # a label/value table (采购人名称 | … ; 中标供应商名称 | …), not candidates in columns
        name_row = next(r for r, role in labels.items() if role[0] == "name")
        width = max(len(r) for r in rows)
        first_value = 1
        while first_value < width and rows[name_row][first_value] == rows[name_row][0]:
            first_value += 1
        seen: list[str] = []
        for col in range(first_value, width):
            name = rows[name_row][col] if col < len(rows[name_row]) else ""
            if not _looks_like_name(name) or name in seen:
                continue
            seen.append(name)
            party = _Party(name, lot, winner=self._is_winner("", context) and "候选" not in rows[name_row][0])
            for r, (role_of_row, unit) in labels.items():
                value = rows[r][col] if col < len(rows[r]) else ""
                # a sub-label column (项目负责人 | 姓名 | …) exists only where values start after it
                sub = rows[r][1] if first_value > 1 and len(rows[r]) > 1 and rows[r][1] != rows[r][0] else ""
                if not value or value == rows[r][0] or (sub and col < first_value):
                    continue
                if role_of_row == "amount" and not party.amount:
                    party.amount = f"{value}{unit}" if unit and not re.search(r"[元%]", value) else value
                elif role_of_row == "uscc" and not party.uscc:
                    party.uscc = value
                elif role_of_row == "rank" and party.rank is None:
                    party.rank = _rank(value)
                elif role_of_row == "pm" and not party.project_manager and sub in ("", "姓名"):
                    party.project_manager = value
                elif role_of_row == "duration" and not party.duration:
                    party.duration = value
            if party.rank is None:
                party.rank = len(seen) if not re.search(r"不分先后", context) else None
            self.parties.append(party)
        return bool(seen)


_RANK_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _rank(text: str | None) -> int | None:
    if not text:
        return None
    if m := re.search(r"\d+", text):
        value = int(m.group())
        return value if 1 <= value <= 100 else None
    if m := re.search(r"[一二三四五六七八九十]", text):
        return _RANK_WORDS[m.group()]
    return None


def _looks_like_person(text: str) -> bool:
    return 2 <= len(text.strip()) <= 30 and not is_placeholder(text)


def _looks_like_name(text: str) -> bool:
    text = text.strip()
    if len(text) < 2 or len(text) > 120:
        return False
    if re.fullmatch(r"[\d.,，%￥¥元万\s-]+", text):
        return False
    return not (is_placeholder(text) or text in ("第一名", "第二名", "第三名") or _column_role(text))


def read_blocks(page: Page, kind: Kind, title: str = "", skip_before: int = 0) -> Extracted:
    """Pairs and parties of a page's blocks, as :class:`Extracted` cells and lots."""
    reader = Reader(kind, title=title)
    context = ""
    lot: str | None = None
    blocks = page.blocks[skip_before:]
    skip = False
    capture: str | None = None
    captured: dict[str, list[str]] = {}
    for i, block in enumerate(blocks):
        if isinstance(block, Line) and (sm := _SECTION.match(block.text)):
            capture = next((label for pattern, label in _SECTION_FIELDS if pattern.search(sm.group("head"))), None)
            if capture:
                captured.setdefault(capture, [])
                rest = re.split(r"[：:]", sm.group("head"), maxsplit=1)
                if len(rest) == 2 and rest[1].strip():
                    captured[capture].append(rest[1].strip())
        elif capture and isinstance(block, Line):
            captured[capture].append(block.text)
        if skip:
            skip = False
            continue
        if isinstance(block, Table):
            reader.read_table(block.rows, context, lot)
            continue
        text = block.text
        if m := _LOT_LINE.match(text):
            lot = _lot_label(text)
            if not m.group("rest"):
                pm = _PAIR.match(text)
                if pm and (found := field_of(kind, pm.group("label").strip())) and found[0] == "lot":
                    reader.add_pair(pm.group("label"), pm.group("value"), context)  # 包号：1 names the flat lot too
                continue
        if (not re.search(r"[：:]", text) and len(text) <= 40) or (re.search(r"[：:]\s*$", text) and len(text) <= 60):
            context = f"{context} ¦ {text}"[-200:]
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        next_text = nxt.text if isinstance(nxt, Line) else None
        if next_text and len(next_text) > 300:
            next_text = None
        skip = reader.read_line(text, context, next_text)
        if re.search(r"：|:", text):
            head = text.split("：")[0].split(":")[0]
            for pattern, _label in _CONTACT_ROLES:
                if pattern.search(head) and len(head) <= 20:
                    context = f"{context} ¦ {head}"[-200:]
    for label, lines in captured.items():
        text = "\n".join(line for line in lines if line and line not in ("无", "/"))
        if text and field_of(kind, label):
            reader.pairs = [(k, v) for k, v in reader.pairs if field_of(kind, k) != field_of(kind, label)]
            reader.pairs.append((label, text[:20_000]))
    return to_extracted(reader)


def _lot_label(text: str) -> str | None:
    m = _LOT_NAME.search(text)
    if not m:
        return None
    value = re.sub(r"\s+", "", m.group(1))
    value = re.sub(r"^(?:包组编号|包号|标项|标段编号)[：:]?", "", value)
    return value or None


def to_extracted(reader: Reader) -> Extracted:
    out = Extracted({}, kind=reader.kind)
    for label, value in reader.pairs:
        found = field_of(reader.kind, label)
        if found is None:
            out.unknown.setdefault(label, value)
        elif found[0] not in out.cells:
            out.cells[found[0]] = Cell(value, found[1])
    flat: dict[str, Cell] = {k: out.cells.pop(k) for k in ("lot", "winner", "winner_uscc", "award_amount", "candidates",
                                          "candidate_prices") if k in out.cells}
    if not reader.parties and any(re.search(r"[；;]", str(c.value)) for k, c in flat.items() if k != "candidate_prices"):
        # printed lists (中标供应商：A；B, 中标候选人：A；B；C …): the assembler splits them in parallel
        out.cells.update(flat)
    elif flat.get("winner") and _looks_like_name(str(flat["winner"].value)):
        amount = flat.get("award_amount")
        text = str(amount.value) if amount else None
        if amount and text and amount.unit and not re.search(r"[元%]", text):
            text = f"{text}{amount.unit}"
        reader.parties.append(_Party(str(flat["winner"].value), str(flat["lot"].value) if "lot" in flat else None,
                                     str(flat["winner_uscc"].value) if "winner_uscc" in flat else None, text))
    else:
        out.unknown.update({k: str(c.value) for k, c in flat.items()})
    out.unknown.update({k: v for k, v in reader.unknown.items() if k not in out.unknown})
    for n, record in enumerate(reader.records):
        cells: dict[str, Cell] = {}
        for label, value in record:
            found = field_of(reader.kind, label)
            if found and found[0] not in cells and not is_placeholder(value):
                cells[found[0]] = Cell(value, found[1])
        if n == 0:  # the first record's facts are the page's, unless the page states them itself
            for name, cell in cells.items():
                out.cells.setdefault(name, cell)
        else:
            out.more.append(cells)
    out.lots = lots_of(reader.parties)
    for lot in out.lots:
        for key in ("winners", "candidates"):
            for award in lot[key]:
                if "_unread" in award:
                    out.unknown[f"{award['name']} 报价"] = award.pop("_unread")
    return out


def lots_of(parties: Iterable[_Party]) -> list[dict]:
    """Parties grouped into lots, one entry per (lot, name, role): tables that repeat a supplier
    (address table, then amounts table) merge into one award."""
    parties = list(parties)
    lot_of: dict[str, set[str]] = {}
    for p in parties:
        if p.lot:
            lot_of.setdefault(p.name, set()).add(p.lot)
    lots: dict[str | None, dict] = {}
    for p in parties:
        if p.lot is None and len(lot_of.get(p.name, ())) == 1:
            p.lot = next(iter(lot_of[p.name]))
        entry = lots.setdefault(p.lot, {"name": p.lot, "winners": [], "candidates": []})
        key = "winners" if p.winner else "candidates"
        same = next((a for a in entry[key] if a["name"] == p.name), None)
        if same is None:
            same = {"name": p.name}
            entry[key].append(same)
        if p.uscc and not same.get("uscc"):
            same["uscc"] = p.uscc
        if p.amount and not same.get("amount") and not same.get("offer"):
            if parse_amount(p.amount).error:
                same["offer"] = p.amount  # a fee rate or a text bid: kept as printed, never as an amount
            else:
                same["amount"] = p.amount
        if p.project_manager and not same.get("project_manager") and _looks_like_person(p.project_manager):
            same["project_manager"] = p.project_manager
        if p.duration and not same.get("duration_days") and not parse_duration_days(p.duration).error:
            same["duration_days"] = p.duration
        if p.rank and not same.get("rank"):
            same["rank"] = p.rank
    out = []
    for entry in lots.values():
        for key in ("winners", "candidates"):
            for award in entry[key]:
                award.setdefault("uscc", None)
                award.setdefault("amount", None)
                award.setdefault("rank", None)
        out.append(entry)
    return out


def region_in(texts: Iterable[str]) -> str | None:
    """The most specific division named in some texts (full official names only), as a code."""
    data = _regions()
    best: tuple[int, int, str] | None = None
    for order, text in enumerate(texts):
        if not text:
            continue
        key = match_key(text)
        for start in range(len(key)):
            for length in range(min(12, len(key) - start), 1, -1):
                entry = data.names.get(key[start:start + length])
                if not entry:
                    continue
                full = [code for code, is_full in entry.items() if is_full]
                if len(full) != 1:
                    continue
                code = full[0]
                level = {"county": 3, "prefecture": 2, "province": 1}.get(data.by_code[code].level, 0)
                score = (level, -order, code)
                if best is None or score > best:
                    best = score
                break
    if best is None:
        return None
    return best[2]
