"""Tabular and record files: crawl exports as CSV, pipe text, Excel 97, JSON records, and the
old landchina 供地结果 tables (source-formats.md §3.2, §3.3, §5, §9).

:func:`parse_table_file` turns every record of a file into one :class:`Extracted` (or a
:class:`Refused` naming the record and the reason, e.g. a record cut short); a file that cannot
be read at all raises :class:`ParseError`. :func:`looks_tabular` tells the dispatcher which
files are ours.

How a record is read:

- Headers go through the models' label table (``collectors.importers.headers.resolve``):
  trailing colons are dropped (``宗地编号：``), merged headers are tried part by part
  (``土地面积(平方米)/土地面积(m2)/出让面积(m)``), and a unit in a header converts the cells
  without one (``成交价(万元)``). Where a header repeats or several headers give one field
  (受让人/受让方/受让单位), the first non-empty cell wins; the others are kept in ``unknown``.
- The oddities of one source (shifted columns, repeated blocks, a column whose name lies) are
  in :data:`PROFILES`, one declarative entry per source, each line commented.
- Placeholders (无, -, /, —, None, 空, 暂无, a lone NBSP …) are empty. A leading ``|`` (a
  multi-parcel value) is stripped and only the first value is read; the whole cell is kept in
  ``unknown`` under ``<header>|``. Space thousands separators (``13 900 000``) are removed from
  amounts and areas.
- Unitless cells take the unit the site is known to publish (``units`` of the profile:
  landchina 面积 in 公顷 and 成交价格 in 万元, sz68 起始价 in 元 …).
- Records without a publication time: landchina 供地结果 records (list, detail, XLS, JSON)
  carry none, so the contract signing date (合同签订日期/签订时间/签定日期) is used as
  ``published_at`` — the closest documented date (the list is published on signing); the
  landchina 土地抵押 export uses the mortgage registration start (抵押起始时间). Records that
  have no title get one made of their location (``{土地坐落}供地结果`` / ``{土地坐落}土地抵押``).
- A cell the models refuse (a 60.41-year term, a bad date) is moved to ``unknown`` so that the
  notice still assembles with what is sound; title and publication time are never dropped.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import PurePath

from collectors.importers.headers import resolve
from collectors.parsers import Extracted, ParseError, Refused
from collectors.parsers.landchina import parse_record, split_records
from models.assemble import Cell, as_text, assemble, specs_for
from models.codelists import Kind
from models.fields import ValueKind
from models.normalize import is_placeholder, lookup_region
from models.notice import Source

# A ccgp notice text runs to some hundred kB in one CSV cell (the csv module stops at 128 kB).
csv.field_size_limit(max(csv.field_size_limit(), 16 << 20))

_KEEP = "__keep__"  # a column kept aside in ``unknown`` (never a field)
_CELL_UNIT_KINDS = (ValueKind.money, ValueKind.area)
_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u2009](?=\d{3}(?!\d))")
_MULTI_EXT = (".csv", ".txt", ".xls", ".json", ".tsv")
_E_SUP = re.compile(r"^\d{6}(19|20)\d{2}[A-Z]")
_TRIAL_SOURCE = Source(platform="trial", url="trial:", fetched_at=datetime(2000, 1, 1, tzinfo=UTC),
                       sha256="0" * 64, parser_version="tables/trial")


@dataclass(frozen=True)
class Profile:
    """How the files of one source are read (each non-default entry says why)."""

    name: str
    words: tuple[str, ...]  # any of these in the file name (or the header line) selects the profile
    kind: Kind = Kind.land
    # header → field name / label (a unit may follow: "面积(公顷)") / _KEEP; "header#n" is the
    # n-th repeat of a header (0-based); headers not listed go through the label table.
    columns: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)  # field → unit of its unitless cells
    region: str | None = None  # the division the whole site publishes for
    province: str | None = None  # find the division in the title, within this province
    region_parent: str | None = None  # a column naming the parent of 行政区 (城市, 地区)
    missing_before: Mapping[str, str] = field(default_factory=dict)  # header → column the header line lacks before it
    e_sup_region: bool = False  # landchina: the division code is the first 6 digits of the 电子监管号
    published_from: tuple[str, ...] = ()  # fields standing in for a missing publication time
    title_from: str | None = None  # field whose text makes a title when there is none
    title_suffix: str = ""
    publisher_from_title: bool = False  # the grantor (出让人) opens the title: "…分局国有土地使用权…"
    notice_type: str | None = None


# The anPingworkSpace crawler's own columns (every CSV of that crawl carries them).
_CRAWL = {"文件标题": "title", "正文标题": "title", "信息时间": "published_at", "时间": "published_at",
          "爬取时间": _KEEP, "爬取地址url": "source_url", "唯一标识": _KEEP, "": _KEEP}
# landchina 供地结果 blocks: 面积 in 公顷, 成交价格 in 万元 (the detail page prints both units in its
# labels; the exports drop them), 下限/上限 are the 约定容积率 pair, the 分期支付 columns are empty.
_LANDCHINA_RESULT = {"下限": "plot_ratio_min", "上限": "plot_ratio_max", "分期数": _KEEP, "约定支付日期": _KEEP,
                     "约定支付金额(万元)": _KEEP}
_LANDCHINA_UNITS = {"area_m2": "公顷", "price": "万元", "starting_price": "万元"}

PROFILES: tuple[Profile, ...] = (
    Profile(
        "cqggzy", ("cqggzy", "重庆公共资源交易"),
        columns={**_CRAWL,
                 "成交人": "holder",  # the second winner column (受让单位 comes first)
                 "交易时间": _KEEP},  # the auction date, not the publication
        province="500000",  # the county opens the title: 奉节县西部新区FJ-14-128号宗地…
        units={"area_m2": "平方米"}),
    Profile(
        "lasa", ("ggzy.lasa", "拉萨公共资源"),
        columns={**_CRAWL,
                 "来源": _KEEP, "更新时间": _KEEP,  # shifted: 更新时间 holds "文章来自：…", 来源 is empty
                 "公告号": "notice_no", "成交时间": _KEEP},
        missing_before={"爬取地址url": "爬取时间"},  # rows have one field more than the header line
        region="拉萨市",  # 拉萨市公共资源交易中心 publishes Lhasa's parcels only
        units={"price": "万元", "starting_price": "万元"}),  # unitless 1530 next to 1529.4086 万元; 元 amounts say 元
    Profile(
        "shanxi", ("zrzyt.shanxi", "山西省自然资源厅"),
        columns={**_CRAWL,
                 "转让人": _KEEP, "转让方": _KEEP,  # 划拨 transfers name the transferor; no land field
                 "受让方": "holder", "位置": "location", "出让合同编号": "contract_no",
                 "公开转让方式": _KEEP, "拍卖结果": _KEEP, "转让价格(单价总价)": _KEEP},
        missing_before={"爬取地址url": "爬取时间"},  # rows have one field more than the header line
        province="140000"),  # 山西省国土资源厅晋中经济技术开发区土地分局… → 晋中
    Profile(
        "sz68", ("sz68", "深圳市土地房产交易中心"),
        columns={**_CRAWL,
                 "交易时间": _KEEP, "交易状态": _KEEP, "交易类型": _KEEP, "宗地": _KEEP,
                 "发布时间": _KEEP,  # the 出让公告's date; the result's own is 发布日期
                 "正文标题#0": _KEEP,  # 深圳市土地使用权出让公告 (the announcement block)
                 "正文标题#1": "title",  # E2019-0001宗地出让结果
                 "发布日期": "published_at",
                 "区域": _KEEP,  # 深汕特别合作区 is no GB/T 2260 division
                 "位置": "location", "中标人": "holder", "竞得人": "holder",
                 "宗地代码/地块宗地编号": _KEEP,  # every parcel of the announcement, joined by |
                 "附件": _KEEP},  # attachment names joined by | (read into ``attachments`` too)
        region="深圳市",  # 深圳市土地房产交易中心
        units={"starting_price": "元", "area_m2": "平方米"}),  # 起始价 13900000 = 起始价 (元) 13 900 000
    Profile(
        "landchina-crgg", ("crgg-2020", "出让公告2011后"),
        columns={**_CRAWL,
                 "城市": _KEEP, "供应公告标题": "title", "公告类型": "supply_method",  # 公告类型 says 挂牌/拍卖
                 "网上创建时间": _KEEP, "内容链接": "source_url", "主键MD5": _KEEP,
                 "面积": _KEEP,  # 用途 detail area (宗地总面积 is the parcel's)
                 "提交书面申请地": _KEEP},
        region_parent="城市",
        publisher_from_title=True,
        units={"price": "万元", "area_m2": "公顷"}),  # 成交价(万元), 土地面积(公顷) of the result block
    Profile(
        "landchina-mortgage", ("tddy", "土地抵押"),
        columns={"序号": _KEEP, "地区": _KEEP, "超链接": "source_url", "抵押面积": _KEEP,
                 "抵押土地用途": "land_use", "宗地标识": _KEEP,
                 "宗地编号": _KEEP,  # always "0" in this export
                 "宗地座落": _KEEP, "土地抵押人名称": "holder",  # the mortgagor holds the land-use right
                 "抵押起始时间": "published_at"},  # the registration: closest to a publication date
        region_parent="地区",  # "北京市,北京市所辖县" + 延庆县
        units={"area_m2": "公顷"},
        title_from="location", title_suffix="土地抵押", notice_type="other"),
    Profile(
        "landchina-result", ("landchina", "gdjg", "jieguo", "供地结果"),
        columns={**_LANDCHINA_RESULT,
                 "供应公告标题": "title", "公告类型": "supply_method",  # concat: the 出让公告 block
                 "相关链接": "source_url",
                 "总面积": _KEEP,  # the list's area; the detail block's 面积 is read instead
                 "土地用途明细": _KEEP, "现状土地条件": _KEEP},
        units=_LANDCHINA_UNITS, e_sup_region=True,
        published_from=("contract_date",),
        title_from="location", title_suffix="供地结果"),  # records without 项目名称 (2005 XLS)
)
_BY_NAME = {p.name: p for p in PROFILES}
_LIST_PROFILE = replace(_BY_NAME["landchina-result"], name="landchina-list", e_sup_region=False)

# Old landchina JSON records (tabid=386 detail pages, then tabid=263 list rows).
_LANDCHINA_JSON_KEYS = {
    "url": "source_url", "link": "source_url", "header": "title", "district": "region",
    "idnumber": "e_supervision_no", "name": "project_name", "location": "location", "area": "area_m2",
    "source": "land_source", "use": "land_use", "supply": "supply_method", "duration": "term_years",
    "industry": "industry", "grade": "land_grade", "price": "price", "paid_plan": "instalments", "holder": "holder",
    "plot_ratio_minimum": "plot_ratio_min", "plot_ratio_maximum": "plot_ratio_max",
    "time4handover_plan": "delivery_date", "time4commencement_plan": "start_date",
    "time4completion_plan": "completion_date", "time4commencement_reality": "actual_start_date",
    "time4completion_reality": "actual_completion_date", "approvedby": "approving_authority", "date4sign": "contract_date",
    "date": "contract_date", "serial_number": _KEEP,
}

# ccgp notice text: the labels whose "label：value" pairs run together, longest first.
_CCGP_LABELS = {
    "项目名称": "project_name", "采购项目名称": "project_name", "项目编号": "project_no",
    "采购项目编号": "project_no", "采购单位": "buyer", "采购人": "buyer", "采购人名称": "buyer",
    "代理机构": "agent", "采购代理机构": "agent", "代理机构名称": "agent", "采购代理机构名称": "agent",
    "预算金额": "budget", "采购预算": "budget", "采购方式": "method", "投标截止时间": "bid_deadline",
    "项目联系方式": _KEEP, "项目联系人": _KEEP, "项目联系电话": _KEEP, "采购单位联系方式": _KEEP,
    "地址": _KEEP, "联系方式": _KEEP, "代理机构联系方式": _KEEP, "代理机构联系人": _KEEP,
    "代理机构地址": _KEEP, "开标时间": _KEEP, "开标地点": _KEEP, "招标文件售价": _KEEP, "公告期限": _KEEP,
    "联系人": _KEEP, "时间": _KEEP, "地点": _KEEP,
}
_CCGP_LABEL_RE = re.compile("(" + "|".join(sorted(map(re.escape, _CCGP_LABELS), key=len, reverse=True)) + ")[：:]")
_CCGP_VALUE_END = re.compile(r"\xa0|\s{2,}|[。；;\t]|[一二三四五六七八九十]+、")
_PROCUREMENT_METHOD_WORDS = ("公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "单一来源", "询价")

_LIST_ROW = re.compile(r'<tr[^>]*class="grid(?:Alternating)?Item"[^>]*>(.*?)</tr>', re.S)
_LIST_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
_LIST_QUERY_REGION = re.compile(r"(\d{4,6})▓~([^|▓<\"]+)")
_TAG = re.compile(r"<[^>]+>")
_ATTACHMENT = re.compile(r"\.(?:docx?|xlsx?|pdf|zip|rar|wps|jpe?g|png)$", re.I)
_GRANTOR = re.compile(r"^(.+?(?:局|委员会|人民政府|政府|中心))(?=国有|集体|关于)")


# ---------------------------------------------------------------------------------------------
# Detection and decoding


def looks_tabular(data: bytes, name: str) -> bool:
    """True for the files :func:`parse_table_file` reads: CSV/pipe/XLS exports, JSON record arrays,
    the old landchina 供地结果 tables and list page."""
    lower = PurePath(name).name.lower()
    head = data[:4096]
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: an Excel 97 workbook
        return True
    if "日期".encode() + b"2" in head[:64] and b"<tbody" in head:
        return True  # archived old landchina 供地结果 tables
    if b"TAB_contentTable" in data and b"gridHeader" in data:
        return True  # old landchina ASP.NET query list (default.aspx?tabid=263)
    if lower.endswith((".csv", ".tsv", ".xls")):
        return True
    if lower.endswith(".txt"):
        first = head.split(b"\n", 1)[0]
        return first.count(b"|") >= 3 or first.count(b",") >= 3
    if lower.endswith(".json"):
        text = _decode(head, strict=False).lstrip()
        return text.startswith("[") and ('"idnumber"' in text or '"serial_number"' in text or lower.startswith("tabular__"))
    return False


def _decode(data: bytes, *, strict: bool = True) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        if not strict:
            return data.decode("gb18030", errors="replace")
        raise ParseError(f"neither UTF-8 nor GBK/GB18030 text (byte {exc.start}: {exc.reason})") from exc


def _profile(name: str, header_text: str = "") -> Profile:
    lower = name.lower()
    for p in PROFILES:
        if any(w.lower() in lower for w in p.words):
            return p
    if "土地抵押人名称" in header_text:
        return _BY_NAME["landchina-mortgage"]
    if "电子监管号" in header_text or "供地方式" in header_text:
        return _BY_NAME["landchina-result"]
    return Profile("generic", (), columns=_CRAWL)  # the crawl's own columns are read everywhere


# ---------------------------------------------------------------------------------------------
# Entry point


def parse_table_file(data: bytes, name: str) -> list[Extracted | Refused]:
    """Every record of a tabular or record file, in file order (see the module docstring)."""
    if not data.strip():
        raise ParseError("empty file")
    lower = PurePath(name).name.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        return _from_xls(data, name)
    text = _decode(data)
    if re.match(r"\s*日期\d{4}-\d{2}-\d{2},内容", text):
        return _from_landchina_tables(text)
    if "TAB_contentTable" in text and "gridHeader" in text:
        return _from_landchina_list(text)
    if lower.endswith(".json") or text.lstrip().startswith(("[", "{")):
        return _from_json(text, name)
    first = text.split("\n", 1)[0]
    if first.count("|") > first.count(","):
        rows = [line.split("|") for line in text.splitlines()]
        return _from_rows(rows, _profile(name, first), "row", name)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ParseError(f"{PurePath(name).name}: not readable as CSV ({exc})") from exc
    if rows and [h.strip() for h in rows[0][:4]] == ["name", "content", "time", "url"]:
        return _from_ccgp_text(rows)
    return _from_rows(rows, _profile(name, first), "row", name)


# ---------------------------------------------------------------------------------------------
# Rows with a header line (CSV, pipe text, XLS)


@lru_cache(maxsize=4096)
def _column(kind: Kind, header: str) -> tuple[str, str | None] | None:
    """(field, header unit) of a header through the models' label table, or None."""
    label = header.strip().rstrip(":：").strip()
    for part in (label, *label.split("/")) if "/" in label else (label,):
        part = part.strip()
        if not part:
            continue
        for col in resolve(kind, [part]).columns:
            if col.field and not col.field.startswith("__"):
                return col.field, col.unit
    return None


def _fix_headers(headers: list[str], profile: Profile) -> list[str]:
    out = []
    for h in headers:
        missing = profile.missing_before.get(h.strip())
        if missing and missing not in headers:
            out.append(missing)
        out.append(h)
    return out


def _clean(value: str) -> str:
    value = value.replace("\r", "").strip()
    return "" if is_placeholder(value) else value


def _from_rows(rows: list[list[str]], profile: Profile, unit: str, name: str) -> list[Extracted | Refused]:
    while rows and not any(c.strip() for c in rows[0]):
        rows = rows[1:]
    if len(rows) < 2:
        raise ParseError(f"{PurePath(name).name}: no header line and record")
    headers = _fix_headers([h.strip() for h in rows[0]], profile)
    if not profile.words:  # no known source: the kind whose labels name most columns
        counts = {kind: sum(_column(kind, h) is not None for h in headers if h) for kind in Kind}
        kind = max(counts, key=lambda k: counts[k])
        if counts[kind] < 2:
            raise ParseError(f"{PurePath(name).name}: no column of {', '.join(headers[:8])} is a field of any notice kind")
        profile = replace(profile, kind=kind)
    elif not any(_column(profile.kind, profile.columns.get(h) or h) for h in headers if profile.columns.get(h) != _KEEP):
        raise ParseError(f"{PurePath(name).name}: no column of {', '.join(headers[:8])} is a field of {profile.kind.value} notices")
    out: list[Extracted | Refused] = []
    for n, row in enumerate(rows[1:], start=1):
        location = f"{unit} {n}"
        if not any(c.strip() for c in row):
            continue
        if len(row) < len(headers) - 1 and n == len(rows) - 1:
            out.append(Refused(location, f"cut short: {len(row)} fields for {len(headers)} columns"))
            continue
        out.append(_record(profile, list(zip(headers, row, strict=False)), location))
    return out


def _record(profile: Profile, pairs: list[tuple[str, str]], location: str) -> Extracted:
    """One record from (header, cell text) pairs."""
    kind = profile.kind
    specs = specs_for(kind)
    out = Extracted({}, kind=kind, location=location)
    header_of: dict[str, str] = {}
    seen: dict[str, int] = {}
    texts: dict[str, str] = {}  # header → cell, for region_parent
    for header, raw in pairs:
        n = seen.get(header, 0)
        seen[header] = n + 1
        key = header if n == 0 else f"{header}#{n}"
        text = _clean(as_text(raw))
        texts.setdefault(header.rstrip(":："), text)
        target = profile.columns.get(f"{header}#{n}", profile.columns.get(header.rstrip(":："), profile.columns.get(header)))
        if target == _KEEP:
            if text:
                out.unknown[key] = text
            continue
        if target in specs:  # a field name: its cells' unit is the profile's, not the canonical one
            found: tuple[str, str | None] | None = (target, None)
        else:
            found = _column(kind, target) if target else _column(kind, header)
        if found is None:
            if text:
                out.unknown[key] = text
            continue
        fname, unit = found
        if text.startswith("|") or ("|" in text and fname not in ("title", "source_url")):
            out.unknown[f"{key}|"] = text
            text = next((p.strip() for p in text.split("|") if not is_placeholder(p)), "")
        if not text:
            continue
        if fname in out.cells:
            if text != as_text(out.cells[fname].value):
                out.unknown[key] = text
            continue
        spec = specs.get(fname)
        if spec is not None and spec.value in _CELL_UNIT_KINDS:
            text = _THOUSANDS.sub("", text)
            unit = unit or profile.units.get(fname)
        out.cells[fname] = Cell(text, unit)
        header_of[fname] = key
    _finish(out, profile, texts, header_of)
    return out


def _finish(out: Extracted, profile: Profile, texts: Mapping[str, str], header_of: dict[str, str]) -> None:
    """Region, publication time, title, publisher and notice type the record implies."""
    cells = out.cells
    if profile.e_sup_region and "e_supervision_no" in cells:
        esn = as_text(cells["e_supervision_no"].value).strip()
        if _E_SUP.match(esn):
            cells["region_code"] = Cell(esn[:6])  # 6-digit county code + year + B/A + serial
    if "region" in cells and profile.region_parent:
        parent = texts.get(profile.region_parent, "").split(",")[0].strip()
        region = as_text(cells["region"].value)
        if parent and not region.startswith(parent) and not region.endswith("本级"):
            cells["region"] = Cell(parent + region)
    if "region" not in cells and "region_code" not in cells:
        if profile.region:
            cells["region"] = Cell(profile.region)
        elif profile.province and "title" in cells:
            found = region_in(as_text(cells["title"].value), profile.province)
            if found:
                cells["region"] = Cell(found)
    if "published_at" not in cells:
        for name in profile.published_from:
            if name in cells:
                cells["published_at"] = Cell(cells[name].value)
                break
    if "title" not in cells and "project_name" not in cells and profile.title_from in cells:
        cells["title"] = Cell(f"{as_text(cells[profile.title_from].value)}{profile.title_suffix}")
    grantor = _GRANTOR.match(as_text(cells["title"].value)) if profile.publisher_from_title and "title" in cells else None
    if grantor and "publisher" not in cells:
        cells["publisher"] = Cell(grantor.group(1))
    if grantor and "grantor" not in cells:
        cells["grantor"] = Cell(grantor.group(1))
    files = [f.strip() for f in texts.get("附件", "").split("|") if _ATTACHMENT.search(f.strip())]
    out.attachments.extend({"name": f, "url": None} for f in files)
    if profile.notice_type and "notice_type" not in cells:
        cells["notice_type"] = Cell(profile.notice_type)
    _drop_refused(out, header_of)


def _drop_refused(out: Extracted, header_of: Mapping[str, str]) -> None:
    """Move the cells the models refuse (other than title and publication time) to ``unknown``."""
    if out.kind is None or "title" not in out.cells and "project_name" not in out.cells:
        return
    for _ in range(3):
        trial = assemble(out.kind, out.cells, _TRIAL_SOURCE, trust_notice_type=False, lots=out.lots or None)
        bad = {p.field.split(".")[0] for p in trial.problems} - {"title", "published_at"}
        bad &= set(out.cells)
        if trial.notice is not None or not bad:
            return
        for name in bad:
            cell = out.cells.pop(name)
            out.unknown.setdefault(header_of.get(name, name), as_text(cell.value))


_LEVEL = {"county": 3, "prefecture": 2, "province": 1}


@lru_cache(maxsize=4096)
def region_in(text: str, province: str) -> str | None:
    """The most specific division of ``province`` named in ``text`` (earliest on a tie), as printed."""
    best: tuple[int, int, str] | None = None
    for i in range(len(text) - 1):
        for length in range(min(8, len(text) - i), 1, -1):
            sub = text[i:i + length]
            found = lookup_region(sub)
            r = found.value
            if r is None or r.province_code != province or r.code == province:
                continue
            score = (_LEVEL.get(r.level, 0), -i, sub)
            if best is None or score[:2] > best[:2]:
                best = score
            break
    return best[2] if best else None


# ---------------------------------------------------------------------------------------------
# Excel 97


def _from_xls(data: bytes, name: str) -> list[Extracted | Refused]:
    import xlrd

    notes = io.StringIO()  # xlrd writes its warnings to stdout by default: never into our JSON Lines
    try:
        book = xlrd.open_workbook(file_contents=data, logfile=notes, verbosity=0)
    except (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError, struct.error) as exc:
        raise ParseError(f"{PurePath(name).name}: not a readable Excel 97 workbook ({exc})") from exc
    sheet = book.sheet_by_index(0)
    rows: list[list[str]] = []
    for r in range(sheet.nrows):
        row = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate_as_datetime(cell.value, book.datemode).isoformat())
            elif cell.ctype == xlrd.XL_CELL_NUMBER:
                value = cell.value
                row.append(str(int(value)) if value == int(value) else repr(value))
            else:
                row.append(as_text(cell.value))
        rows.append(row)
    header_text = "|".join(rows[0]) if rows else ""
    return _from_rows(rows, _profile(name, header_text), "row", name)


# ---------------------------------------------------------------------------------------------
# JSON records (one array, several arrays back to back, or JSON lines)


def _json_values(text: str) -> Iterator[tuple[int, object | Exception]]:
    decoder = json.JSONDecoder()
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n:
            return
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            yield i, exc
            return
        yield i, value
        i = end


def _from_json(text: str, name: str) -> list[Extracted | Refused]:
    profile = _profile(name, text[:2000])
    json_profile = replace(profile, columns={**profile.columns, **_LANDCHINA_JSON_KEYS})
    out: list[Extracted | Refused] = []
    count = 0
    for block, (offset, value) in enumerate(_json_values(text), start=1):
        if isinstance(value, Exception):
            if count == 0:
                raise ParseError(f"{PurePath(name).name}: not JSON ({value})")
            out.append(Refused(f"array {block}", f"unreadable JSON from character {offset}: {value}"))
            break
        records = value if isinstance(value, list) else [value]
        for record in records:
            count += 1
            location = f"record {count}"
            if not isinstance(record, dict):
                out.append(Refused(location, f"a record must be an object, got {type(record).__name__}"))
                continue
            pairs = [(key, as_text(v) if not isinstance(v, dict | list) else json.dumps(v, ensure_ascii=False))
                     for key, v in record.items()]
            out.append(_record(json_profile, pairs, location))
    if count == 0:
        raise ParseError(f"{PurePath(name).name}: no records")
    return out


# ---------------------------------------------------------------------------------------------
# Old landchina 供地结果 tables (<tbody> per record) and the query list page


def _from_landchina_tables(text: str) -> list[Extracted | Refused]:
    """Archived detail tables: ``日期YYYY-MM-DD,内容<tbody>…``. The contract signing date is the
    publication time (the export's 日期 when the table has none)."""
    out: list[Extracted | Refused] = []
    for n, (day, record) in enumerate(split_records(text), start=1):
        location = f"record {n}"
        try:
            extracted = parse_record(record)
        except ParseError as exc:
            out.append(Refused(location, str(exc)))
            continue
        extracted.kind = Kind.land
        extracted.location = location
        contract = extracted.cells.get("contract_date")
        extracted.cells["published_at"] = Cell(contract.value if contract and contract.value else day)
        _drop_refused(extracted, {})
        out.append(extracted)
    if not out:
        raise ParseError("no 日期…,内容 records")
    return out


def _from_landchina_list(text: str) -> list[Extracted | Refused]:
    """The 供地结果 query list (default.aspx?tabid=263): 序号, 行政区, 土地坐落, 总面积 (公顷),
    土地用途, 供应方式, 签定日期; each row links to its detail page. A district name is read under
    the queried city (南沙区 is also in 三沙市)."""
    query = _LIST_QUERY_REGION.search(text)
    city = query.group(2).strip() if query else ""
    out: list[Extracted | Refused] = []
    for n, m in enumerate(_LIST_ROW.finditer(text), start=1):
        cells = _LIST_CELL.findall(m.group(1))
        location = f"row {n}"
        if len(cells) < 7:
            out.append(Refused(location, f"{len(cells)} cells for 7 columns"))
            continue
        place = re.search(r'title="([^"]*)"', cells[2])  # the list cuts 土地坐落 with "…"; the title keeps it
        link = re.search(r'href="([^"]+)"', cells[2])
        texts = [html.unescape(_TAG.sub("", c)).strip() for c in cells]
        region = texts[1]
        if city and not region.startswith(city) and not region.endswith("本级"):
            region = city + region
        pairs = [("行政区", region), ("土地坐落", html.unescape(place.group(1)) if place else texts[2]),
                 ("总面积(公顷)", texts[3]), ("土地用途", texts[4]), ("供应方式", texts[5]), ("签定日期", texts[6])]
        if link:
            pairs.append(("链接", "http://www.landchina.com/" + html.unescape(link.group(1)).lstrip("/")))
        extracted = _record(_LIST_PROFILE, pairs, location)
        extracted.unknown["序号"] = texts[0]
        out.append(extracted)
    if not out:
        raise ParseError("a landchina list page without result rows")
    return out


# ---------------------------------------------------------------------------------------------
# ccgp crawl: name, content (the flattened notice text), time, url


def split_labelled_text(text: str) -> list[tuple[str, str]]:
    """(label, value) pairs of a notice text whose ``label：value`` pairs run together
    (``项目名称：…项目编号：…``): a value ends at the next known label, a NBSP, a double space,
    。/；, or a section number (``一、``)."""
    matches = list(_CCGP_LABEL_RE.finditer(text))
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = text[m.end():end].strip(" \u3000")
        if cut := _CCGP_VALUE_END.search(value):
            value = value[:cut.start()]
        pairs.append((m.group(1), value.strip()))
    return pairs


def _from_ccgp_text(rows: list[list[str]]) -> list[Extracted | Refused]:
    out: list[Extracted | Refused] = []
    for n, row in enumerate(rows[1:], start=1):
        location = f"row {n}"
        if not any(c.strip() for c in row):
            continue
        if len(row) < 4:
            out.append(Refused(location, f"cut short: {len(row)} fields for name,content,time,url"))
            continue
        title, content, time, url = (c.strip() for c in row[:4])
        ex = Extracted({"title": Cell(title), "published_at": Cell(time), "source_url": Cell(url)},
                       kind=Kind.procurement, location=location, body_text=content)
        for label, value in split_labelled_text(content):
            target = _CCGP_LABELS[label]
            if not value or is_placeholder(value):
                continue
            if target == _KEEP or target in ex.cells:
                ex.unknown.setdefault(label, value)
                continue
            ex.cells[target] = Cell(value)
        if "method" not in ex.cells:
            method = next((w for w in _PROCUREMENT_METHOD_WORDS if w in title), None)
            if method:
                ex.cells["method"] = Cell(method)  # 国际公开招标公告 → 公开招标
        _drop_refused(ex, {})
        out.append(ex)
    return out


__all__ = ["PROFILES", "Profile", "looks_tabular", "parse_table_file", "region_in", "split_labelled_text"]
