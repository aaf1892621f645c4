"""Seeded demo submissions in all five areas, and one big CSV for benchmarks.

``generate_demo`` writes the files the demo submits, in submission order, each with
``gongkai submit FILE --kind KIND --agency AGENCY [--map MAP]``. They look like what
agencies really send (source-formats.md §3.3-§9), so that every stage of the pipeline
meets real-world input rather than tidy fixtures:

* **Five areas, many provinces.** ``projects_per_kind`` projects per area, placed in
  real GB/T 2260 counties and prefectures (``models/data/divisions.csv``) of more than
  ten provinces, each with a lifecycle of notices (one row = one notice): land
  出让公告 → 更正 → 成交公示 → 供地结果 (划拨 parcels only have the 供地结果), mining
  出让公告 → 出让结果, procurement 采购公告 → 更正 (budget or deadline) → 中标/成交结果
  → 合同, state assets 挂牌披露 → 交易结果, tenders 招标公告 → 澄清 → 中标候选人公示 →
  中标结果. About 5 % of projects end in a 终止/流标/废标 notice with a reason, about
  10 % stop before the result (still open).
* **Realistic parties.** Company names are 地名 + 字号 + 行业 + 有限公司 with valid
  unified social credit codes (mod-31 check, GB 11714 organization code inside); a
  pool of frequent winners repeats across projects; buyers are bureaus, hospitals,
  schools and universities of the project's county; agents, 自然资源局/厅 and
  产权交易所 are named the way they are in real notices. Project numbers follow the
  shapes of source-formats.md §8.4.
* **Format variety.** CSV UTF-8 with English field names, CSV GB18030 with Chinese
  labels and units in the headers (``成交价格(万元)``, ``面积(公顷)``), a UTF-8 CSV with
  a BOM, one XLSX, one JSON array with nested ``lots``, one JSONL with nested
  ``sections``, and a file whose headers need a ``--map`` YAML (written beside it).
  Cells are messy but valid: ``￥56.980000 万元（人民币）``, ``人民币9950000.00元``,
  ``1,234,500.00元``, ``壹万陆仟叁佰陆拾玖元整（¥16369.00）``, full-width digits, bare
  numbers under a unit header, dates such as ``2026年03月17日``, ``2026/3/17`` and
  ``2026.03.17 10:00:00``, values padded with U+3000, one ``0元 人民币`` contract.
  Some files name the notice type, others leave it to be derived.
* **Corrections, duplicates, re-submission.** 更正/澄清 rows name the notice they
  correct (``corrects`` = its ``notice_no``) where the file has notice numbers; a
  province's and a city's 公共资源交易中心 (and 中国土地市场网 and a province's
  自然资源厅) both submit some of the same notices, with the same facts and an
  explicit publisher column; a later file re-submits notices of an earlier one,
  most unchanged and three with one value changed (new versions).
* **Refused files.** Two files (``invalid=True``) mix good rows with bad rows of
  distinct kinds (a USCC with a wrong check character, 2026-02-30, an unknown
  procurement method, a negative amount, an area without any unit under a plain
  ``面积`` header); their headers are all known, so the refusal report lists rows.

``generate_big_csv`` writes one UTF-8 CSV of **procurement** notices with English
headers (:data:`BIG_CSV_HEADERS`), 2-4 notices per project (announcement, sometimes
one or two corrections, result), for the submission benchmark. Values come from
precomputed pools (a few thousand buyers, agents and winners, a few hundred
regions), so 100,000 rows take a few seconds.

Everything is a pure function of the seed: only ``random.Random(seed)`` (or string
seeds derived from it), fixed base dates in 2025-2026, never the clock; the XLSX zip
timestamps and document properties are pinned, so the same seed gives byte-identical
files.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from models.normalize.amounts import format_yuan
from models.normalize.uscc import ALPHABET as USCC_ALPHABET
from models.normalize.uscc import org_code_check_char, uscc_check_char

# -- constants ---------------------------------------------------------------------------

DEFAULT_SEED = 20261124
DIVISIONS_CSV = Path(__file__).resolve().parent.parent / "models" / "data" / "divisions.csv"

FIRST_DAY = datetime(2025, 1, 6)  # the earliest first notice of a project
START_SPAN_DAYS = 540  # first notices fall between 2025-01-06 and 2026-06-30
XLSX_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # pinned zip member timestamps
XLSX_DOC_TIME = "2026-01-01T00:00:00Z"  # pinned docProps/core.xml created/modified

TERMINATED_SHARE = 0.05
OPEN_SHARE = 0.10
REPEAT_WINNER_SHARE = 0.55  # share of awards that go to a kind's pool of frequent winners
WINNER_POOL_SIZE = 24
RESUBMIT_CHANGED = 3  # notices of the re-submission with one value changed

NEW_ORG_CHARS = USCC_ALPHABET  # characters of post-2015 "MA…" subject ids

IDEOGRAPHIC_SPACE = "\u3000"
CN_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CN_UPPER_UNITS = ("", "拾", "佰", "仟")
CN_UPPER_SECTIONS = ("", "万", "亿")

# Two-digit province code → (short name used in names, pinyin abbreviation used in codes).
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("北京", "BJ"), "12": ("天津", "TJ"), "13": ("河北", "HE"), "14": ("山西", "SX"),
    "15": ("内蒙古", "NM"), "21": ("辽宁", "LN"), "22": ("吉林", "JL"), "23": ("黑龙江", "HL"),
    "31": ("上海", "SH"), "32": ("江苏", "JS"), "33": ("浙江", "ZJ"), "34": ("安徽", "AH"),
    "35": ("福建", "FJ"), "36": ("江西", "JX"), "37": ("山东", "SD"), "41": ("河南", "HA"),
    "42": ("湖北", "HB"), "43": ("湖南", "HN"), "44": ("广东", "GD"), "45": ("广西", "GX"),
    "46": ("海南", "HI"), "50": ("重庆", "CQ"), "51": ("四川", "SC"), "52": ("贵州", "GZ"),
    "53": ("云南", "YN"), "54": ("西藏", "XZ"), "61": ("陕西", "SN"), "62": ("甘肃", "GS"),
    "63": ("青海", "QH"), "64": ("宁夏", "NX"), "65": ("新疆", "XJ"),
}
# Provinces of the national (aggregator) files, per area.
NATIONAL = ("13", "14", "32", "34", "35", "36", "37", "41", "42", "43", "50", "52", "53", "61", "62")
MINING_PROVINCES = ("13", "14", "34", "36", "41", "43", "45", "52", "53", "61", "62", "65")

ETHNIC_GROUPS = (
    "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族",
    "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "拉祜族", "水族",
    "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "鄂温克族", "德昂族", "保安族",
    "裕固族", "京族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)
TRADE_NAMES = (
    "宏达", "恒信", "锦华", "中联", "华泰", "鑫源", "远景", "立诚", "博瑞", "天正", "金泰", "盛世", "汇通",
    "宏远", "永信", "德邦", "华晟", "浩宇", "卓越", "众诚", "瑞丰", "嘉禾", "鼎盛", "兴业", "安泰", "中恒",
    "海纳", "聚力", "同创", "弘毅", "启航", "正泰", "万通", "长青", "明远", "信达", "恒达", "新纪元", "华宇",
    "泰和", "润泽", "蓝海", "精诚", "佳和", "顺通", "国瑞", "天成", "宏图", "创新", "联创", "九州", "致远",
)
INDUSTRIES = {
    "land": ("置业", "房地产开发", "实业", "科技", "新材料", "智能制造", "物流", "食品"),
    "mining": ("矿业", "建材", "资源开发", "矿产开发", "砂石"),
    "state_asset": ("投资", "实业", "控股", "资产管理", "贸易", "科技"),
    "tender": ("建设", "建筑工程", "建工集团", "路桥", "水利水电工程", "市政工程"),
}
COMPANY_FORMS = (("有限公司", 80), ("股份有限公司", 15), ("集团有限公司", 5))
AGENT_FORMS = ("招标代理有限公司", "工程咨询有限公司", "项目管理有限公司", "招标有限公司", "工程管理咨询有限公司")
TOWNS = ("城关镇", "新城街道", "经济开发区", "工业园区", "高新区", "城南街道", "城北街道", "东城街道", "河西镇", "临港新区")
ROADS = ("人民路", "建设路", "中山路", "解放路", "新华路", "文化路", "滨河路", "迎宾大道", "工业大道", "环城路")
VILLAGES = ("大坪", "石门", "黄岭", "青龙", "白沙", "马鞍山", "金鸡", "双河", "龙潭", "柳树沟", "老虎坡", "红岩")

# Land: (use, weight, term, area ha range, yuan per m² range, plot ratio caps, supply methods with weights).
LAND_USES: tuple[tuple[str, int, str, tuple[float, float], tuple[int, int], tuple[str, ...], tuple[tuple[str, int], ...]], ...] = (
    ("工业用地", 34, "50", (0.6, 12.0), (180, 650), ("1.2", "1.5", "2.0", "2.5"),
     (("挂牌出让", 70), ("协议出让", 20), ("拍卖出让", 10))),
    ("城镇住宅用地", 20, "70", (1.5, 9.0), (2500, 22000), ("2.0", "2.2", "2.5", "2.8", "3.0"),
     (("挂牌出让", 60), ("拍卖出让", 30), ("招标出让", 10))),
    ("商务金融用地", 8, "40", (0.5, 4.0), (1800, 9000), ("3.0", "3.5", "4.0", "5.0"),
     (("挂牌出让", 80), ("拍卖出让", 20))),
    ("零售商业用地", 8, "40", (0.3, 3.0), (1500, 8000), ("1.5", "2.0", "2.5"), (("挂牌出让", 85), ("拍卖出让", 15))),
    ("仓储用地", 8, "50", (1.0, 8.0), (200, 500), ("1.0", "1.5", "2.0"), (("挂牌出让", 80), ("协议出让", 20))),
    ("城镇住宅用地、零售商业用地", 7, "城镇住宅用地70年；零售商业用地40年", (1.0, 6.0), (2200, 15000),
     ("2.2", "2.5", "3.0"), (("挂牌出让", 100),)),
    ("公共管理与公共服务用地", 8, "", (0.5, 6.0), (0, 0), ("1.0", "1.5", "2.0"), (("划拨", 100),)),
)
LAND_INDUSTRY = {"工业用地": "制造业", "仓储用地": "交通运输、仓储和邮政业", "公共管理与公共服务用地": "公共管理、社会保障和社会组织"}
LAND_GRADES = ("一级", "二级", "三级", "四级", "五级", "六级", "城区Ⅳ级")
METHOD_MARK = {"挂牌出让": "挂", "拍卖出让": "拍", "招标出让": "招", "协议出让": "协", "划拨": "划"}

# Mining: (mineral, right type, area km² range, starting price 万元 range, production scale).
MINERALS: tuple[tuple[str, str, tuple[float, float], tuple[int, int], str], ...] = (
    ("金矿", "探矿权", (3.0, 45.0), (60, 2800), ""),
    ("铜矿", "探矿权", (5.0, 60.0), (80, 3500), ""),
    ("铅锌矿", "探矿权", (2.0, 30.0), (50, 1800), ""),
    ("锂矿", "探矿权", (4.0, 40.0), (300, 9000), ""),
    ("萤石", "探矿权", (1.0, 12.0), (40, 900), ""),
    ("建筑用砂石", "采矿权", (0.08, 1.6), (800, 26000), "{n}万吨/年"),
    ("水泥用石灰岩", "采矿权", (0.2, 2.5), (1500, 42000), "{n}万吨/年"),
    ("饰面用花岗岩", "采矿权", (0.05, 0.8), (300, 5000), "{n}万立方米/年"),
    ("铁矿", "采矿权", (0.3, 3.0), (2000, 60000), "{n}万吨/年"),
    ("砖瓦用页岩", "采矿权", (0.03, 0.5), (100, 1800), "{n}万吨/年"),
)
MINING_METHODS = (("挂牌", 55), ("拍卖", 20), ("招标", 5), ("协议出让", 20))
EXPLORATION_STAGES = ("普查", "详查", "勘探")

# Procurement.
PROCUREMENT_METHODS = (("公开招标", 45), ("竞争性磋商", 20), ("竞争性谈判", 8), ("询价", 9), ("单一来源", 10),
                       ("邀请招标", 3), ("框架协议", 5))
ANNOUNCEMENT_WORD = {"公开招标": "公开招标公告", "竞争性磋商": "竞争性磋商公告", "竞争性谈判": "竞争性谈判公告",
                     "询价": "询价公告", "单一来源": "单一来源采购公示", "邀请招标": "邀请招标资格预审公告",
                     "框架协议": "框架协议采购征集公告"}
_IT = ("信息技术", "软件", "数字科技")
_PROPERTY = ("物业服务", "物业管理")
# Buyer type → (item, 品目, budget range in 万元, industries of the winners).
BUYER_TYPES: dict[str, tuple[tuple[str, str, int, int, tuple[str, ...]], ...]] = {
    "hospital": (("医疗设备", "货物/医疗设备", 80, 2600, ("医疗器械", "医疗科技")),
                 ("物业管理服务", "服务/物业管理服务", 60, 900, _PROPERTY),
                 ("信息化建设", "服务/信息技术服务", 50, 1200, _IT),
                 ("医用耗材", "货物/医用耗材", 30, 600, ("医疗器械", "医药"))),
    "school": (("教学设备", "货物/教学仪器", 20, 600, ("教育装备", "教学设备")),
               ("学生食堂托管服务", "服务/餐饮服务", 30, 400, ("餐饮管理", "后勤服务")),
               ("图书", "货物/图书", 5, 120, ("图书", "文化传播")),
               ("智慧校园建设", "服务/信息技术服务", 40, 800, _IT)),
    "bureau": (("办公家具", "货物/家具", 5, 150, ("家具", "办公家具")),
               ("政务信息系统运维服务", "服务/运维服务", 20, 500, _IT),
               ("公务用车", "货物/车辆", 15, 180, ("汽车销售", "汽车贸易")),
               ("年度审计服务", "服务/审计服务", 3, 60, ("财务咨询", "税务师事务所")),
               ("国土空间规划编制服务", "服务/规划服务", 50, 600, ("规划设计", "工程设计")),
               ("保安服务", "服务/安保服务", 10, 200, ("保安服务",)),
               ("办公楼维修改造工程", "工程/修缮工程", 40, 380, ("建设工程", "建筑装饰工程"))),
    "university": (("实验室仪器设备", "货物/仪器仪表", 100, 3000, ("仪器", "科学仪器")),
                   ("高性能计算平台", "货物/计算机设备", 200, 2800, ("信息技术", "计算机系统")),
                   ("学生公寓物业服务", "服务/物业管理服务", 100, 1500, _PROPERTY)),
}
BUREAUS = ("教育局", "卫生健康局", "农业农村局", "公安局", "财政局", "住房和城乡建设局", "市场监督管理局",
           "人民政府办公室", "自然资源局", "交通运输局", "水利局", "民政局")
PROCUREMENT_FAILURES = ("有效供应商不足三家", "投标截止时间结束后参加投标的供应商不足三家",
                        "因采购需求发生变化，项目终止", "出现影响采购公正的违法、违规行为")

# State-owned property rights.
STATE_ASSET_METHODS = (("网络竞价", 50), ("动态报价", 20), ("拍卖", 10), ("协议转让", 12), ("招投标", 8))
SOE_FORMS = ("投资集团有限公司", "城市建设投资有限公司", "国有资产经营有限公司", "交通投资集团有限公司",
             "产业发展集团有限公司", "文化旅游投资有限公司")
ASSET_THINGS = ("位于{place}{road}的商业用房", "{owner}所属{n}辆公务车辆", "{owner}废旧生产设备一批",
                "位于{place}{road}的办公楼", "{place}仓储物流中心房地产")

# Engineering tenders.
_CITY_INVEST = "城市建设投资集团有限公司"
# Works and who tenders them (a company owner has a 91 code, a hospital 12, a bureau 11).
TENDER_WORKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("{road}改扩建工程", ("交通运输局",)),
    ("第二人民医院住院综合楼建设项目", ("第二人民医院", "卫生健康局")),
    ("{town}农村饮水安全巩固提升工程", ("水利局",)),
    ("第三中学教学综合楼建设工程", ("教育局",)),
    ("城区污水管网提升改造工程", ("住房和城乡建设局", _CITY_INVEST)),
    ("高标准农田建设项目", ("农业农村局",)),
    ("{village}河道综合治理工程", ("水利局",)),
    ("城市道路排水防涝工程", ("住房和城乡建设局", _CITY_INVEST)),
    ("产业园区标准厂房建设项目", (_CITY_INVEST,)),
    ("老旧小区改造工程", ("住房和城乡建设局",)),
)
FUNDING = ("财政资金", "国有资金", "地方政府专项债券", "自筹资金", "中央预算内投资")
TENDER_FAILURES = ("投标人不足3家，本次招标失败", "所有投标均被否决", "招标文件存在重大缺陷，依法重新招标")
QUALITY = ("合格", "合格", "优良")

# The big benchmark CSV (procurement, UTF-8, English field names).
BIG_CSV_HEADERS = ("notice_type", "title", "publisher", "published_at", "region_code", "project_no", "project_name",
                   "buyer", "agent", "budget", "method", "category", "lot", "winner", "winner_uscc",
                   "award_amount", "bid_count", "body")
BIG_REGIONS = 300
BIG_BUYERS = 3000
BIG_AGENTS = 1500
BIG_WINNERS = 3000

_SUFFIX_RE = re.compile(r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|地区|林区|省|市|县|区|盟|旗)$")
_ETHNIC_RE = re.compile("(?:" + "|".join(ETHNIC_GROUPS) + ")+$")


# -- public contract ---------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedFile:
    """One generated submission: where it is and how the demo submits it."""

    path: Path
    kind: str
    agency: str
    rows: int
    invalid: bool  # the file deliberately contains invalid rows (the submission must be refused)
    map_file: Path | None = None  # a --map YAML the file needs, else None


# -- values --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fen:
    """An amount of money, exact, in fen (1/100 yuan)."""

    n: int


@dataclass(frozen=True)
class Area:
    """An area, exact, in hundredths of a square metre."""

    centi: int


@dataclass(frozen=True)
class Raw:
    """A cell written verbatim (used for the deliberately bad cells)."""

    text: str


@dataclass(frozen=True)
class Stage:
    """A notice type: the model's value and the word a 公告类型 column uses."""

    en: str
    zh: str


@dataclass(frozen=True)
class Org:
    name: str
    uscc: str


@dataclass
class LotValue:
    name: str | None
    budget: Fen | None = None
    winners: list[tuple[Org, Fen]] = field(default_factory=list)
    candidates: list[tuple[Org, Fen]] = field(default_factory=list)


@dataclass
class Row:
    """One notice, as canonical values (field name → value) before rendering."""

    uid: str
    stage: Stage
    values: dict[str, Any]


@dataclass
class Project:
    uid: str
    place: Place
    rows: list[Row]


@dataclass(frozen=True)
class Place:
    """A GB/T 2260 division and the names derived from it."""

    code: str
    name: str
    level: str
    prefecture: str  # the prefecture's name (the province's for a county directly under it)
    prefecture_code: str
    province: str

    @property
    def province2(self) -> str:
        return self.code[:2]

    @property
    def word(self) -> str:
        """The place word of company names: 佛山 (prefecture), 北京 (municipality)."""
        return _short(self.prefecture)

    @property
    def local(self) -> str:
        """How local bodies are prefixed: 佛山市顺德区, 淳安县, 北京市西城区, 佛山市."""
        if self.level == "prefecture" or self.name == self.prefecture:
            return self.name
        if self.name.endswith("区") and not self.name.endswith("地区"):
            return self.prefecture + self.name
        return self.name


# -- divisions -----------------------------------------------------------------------------


def _short(name: str) -> str:
    s = _SUFFIX_RE.sub("", name)
    s = _ETHNIC_RE.sub("", s)
    return s if len(s) >= 2 else name[:2]


@cache
def _divisions() -> dict[str, tuple[str, str, str]]:
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: (r["name"], r["level"], r["parent_code"]) for r in csv.DictReader(fh)}


@cache
def _places() -> dict[str, tuple[Place, ...]]:
    """Province (2 digits) → its county- and prefecture-level places, in code order."""
    divisions = _divisions()
    out: dict[str, list[Place]] = {}
    for code, (name, level, parent) in sorted(divisions.items()):
        if level == "province" or code[:2] not in PROVINCES or "直辖" in name or name == "市辖区":
            continue
        province = divisions[code[:2] + "0000"][0]
        if level == "prefecture":
            place = Place(code, name, level, name, code, province)
        else:
            pname, plevel, _ = divisions.get(parent, (province, "province", ""))
            place = Place(code, name, level, pname, parent if plevel == "prefecture" else code[:2] + "0000", province)
        out.setdefault(code[:2], []).append(place)
    return {k: tuple(v) for k, v in out.items()}


def _pick_place(rng: random.Random, provinces: Sequence[str], *, prefecture: str | None = None,
                prefecture_share: float = 0.15) -> Place:
    """A random place in one of ``provinces`` (or inside one prefecture), mostly county level."""
    pool = _places()[rng.choice(provinces)]
    if prefecture:
        pool = tuple(p for p in pool if p.prefecture_code == prefecture and p.level == "county")
        return rng.choice(pool)
    level = "prefecture" if rng.random() < prefecture_share else "county"
    candidates = [p for p in pool if p.level == level] or list(pool)
    return rng.choice(candidates)


# -- identifiers -----------------------------------------------------------------------------


def make_uscc(rng: random.Random, region_code: str, dept: str = "91") -> str:
    """A valid code: department + type (91 enterprise, 11 organ, 12 institution), region, subject, check."""
    if dept == "91":
        org8 = "MA" + "".join(rng.choice(NEW_ORG_CHARS) for _ in range(6))
    else:
        org8 = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = dept + region_code + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def bad_uscc(code: str) -> str:
    """The same code with a wrong check character."""
    wrong = USCC_ALPHABET[(USCC_ALPHABET.index(code[17]) + 7) % 31]
    return code[:17] + wrong


# -- text renderings --------------------------------------------------------------------------


def _yuan(v: Fen) -> str:
    return format_yuan(v.n)


def _yuan_commas(v: Fen) -> str:
    return f"{v.n // 100:,}.{v.n % 100:02d}"


def _wan(v: Fen, places: int = 6) -> str:
    """Exact 万元 text with ``places`` decimals (6 when fewer would lose precision)."""
    q, r = divmod(v.n, 10**6)
    digits = f"{r:06d}"
    if places < 6 and digits[places:].strip("0"):
        places = 6
    return f"{q}.{digits[:places]}" if places else str(q)


def cn_upper_yuan(n: int) -> str:
    """Whole yuan in upper-case numerals: 16369 → 壹万陆仟叁佰陆拾玖元整."""
    if n == 0:
        return "零元整"
    sections: list[int] = []
    while n:
        n, sec = divmod(n, 10_000)
        sections.append(sec)
    out = ""
    gap = False
    for idx in range(len(sections) - 1, -1, -1):
        sec = sections[idx]
        if sec == 0:
            gap = bool(out)
            continue
        if out and (gap or sec < 1000):
            out += "零"
        out += _cn_section(sec) + CN_UPPER_SECTIONS[idx]
        gap = False
    return out + "元整"


def _cn_section(sec: int) -> str:
    s = ""
    zero = False
    for pos in range(3, -1, -1):
        d = sec // 10**pos % 10
        if d == 0:
            zero = bool(s)
            continue
        if zero:
            s += "零"
            zero = False
        s += CN_UPPER_DIGITS[d] + CN_UPPER_UNITS[pos]
    return s


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in s)


def _area_units(a: Area, unit: str) -> str:
    """Exact text of ``a`` in 平方米 (2 decimals), 公顷 (6) or 平方千米 (4 when exact, else 8)."""
    if unit == "平方米":
        return f"{a.centi // 100}.{a.centi % 100:02d}"
    if unit == "公顷":
        return f"{a.centi // 10**6}.{a.centi % 10**6:06d}"
    q, r = divmod(a.centi, 10**8)
    digits = f"{r:08d}"
    return f"{q}.{digits[:4]}" if not digits[4:].strip("0") else f"{q}.{digits}"


Fmt = Callable[[Any, random.Random], Any]


def money_messy(v: Fen, rng: random.Random) -> str:
    """A money cell that carries its own unit (or none: yuan, the English field's unit)."""
    if v.n == 0:
        return "0元 人民币"  # the bogus contract amount of a real ggzy page
    r = rng.random()
    whole = v.n % 100 == 0
    if r < 0.24:
        return f"人民币{_yuan(v)}元"
    if r < 0.44:
        return f"{_yuan_commas(v)}元"
    if r < 0.58:
        return f"￥{_wan(v)} 万元（人民币）"
    if r < 0.66 and whole and v.n < 10**10:
        return f"{cn_upper_yuan(v.n // 100)}（¥{_yuan(v)}）"
    if r < 0.74 and whole:
        return _fullwidth(str(v.n // 100)) + "元"
    return _yuan(v)


def money_in(unit: str) -> Fmt:
    """Bare numbers in the unit the header declares (sometimes with that unit repeated)."""

    def fmt(v: Fen, rng: random.Random) -> str:
        text = _wan(v, 4) if unit == "万元" else _yuan(v)
        return text + unit if rng.random() < 0.1 else text

    return fmt


def money_xlsx_wan(v: Fen, _rng: random.Random) -> float | str:
    """A native XLSX number in 万元 when it is exact as a float, else text."""
    text = _wan(v, 4)
    return float(text) if len(text.split(".")[1]) <= 4 else text


def money_json(v: Fen, rng: random.Random) -> int | str:
    return v.n // 100 if v.n % 100 == 0 and rng.random() < 0.3 else _yuan(v)


def moneys(fmt: Fmt) -> Fmt:
    def join(values: list[Fen], rng: random.Random) -> str:
        return "；".join(str(fmt(v, rng)) for v in values)

    return join


def names(values: list[str], _rng: random.Random) -> str:
    return "；".join(values)


def text(v: Any, _rng: random.Random) -> Any:
    return v


def padded(v: Any, rng: random.Random) -> Any:
    """Text padded with ideographic spaces now and then (CCGP exports do this)."""
    if isinstance(v, str) and rng.random() < 0.15:
        return v + IDEOGRAPHIC_SPACE * rng.randint(1, 6)
    return v


def stage_en(v: Stage, _rng: random.Random) -> str:
    return v.en


def stage_zh(v: Stage, _rng: random.Random) -> str:
    return v.zh


DATETIME_STYLES: dict[str, Callable[[datetime], str]] = {
    "iso_min": lambda d: f"{d:%Y-%m-%d %H:%M}",
    "iso_sec": lambda d: f"{d:%Y-%m-%d %H:%M:%S}",
    "cn_min": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日 {d.hour:02d}:{d.minute:02d}",
    "slash_sec": lambda d: f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}:{d.second:02d}",
    "dot_sec": lambda d: f"{d:%Y.%m.%d %H:%M:%S}",
    "iso_t": lambda d: f"{d:%Y-%m-%dT%H:%M:%S}+08:00",
}
DATE_STYLES: dict[str, Callable[[date], str]] = {
    "cn": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    "iso": lambda d: f"{d:%Y-%m-%d}",
    "slash": lambda d: f"{d.year}/{d.month}/{d.day}",
    "dot": lambda d: f"{d:%Y.%m.%d}",
}


def dt(*styles: str) -> Fmt:
    """A datetime in one of ``styles`` (chosen per cell)."""

    def fmt(v: datetime, rng: random.Random) -> str:
        return DATETIME_STYLES[rng.choice(styles)](v)

    return fmt


def day(*styles: str) -> Fmt:
    """A date (or the date of a datetime) in one of ``styles``."""

    def fmt(v: date, rng: random.Random) -> str:
        return DATE_STYLES[rng.choice(styles)](v.date() if isinstance(v, datetime) else v)

    return fmt


def native(v: Any, _rng: random.Random) -> Any:
    """A value as openpyxl writes it natively (datetime, date, int)."""
    return v


def area_messy(v: Area, rng: random.Random) -> str:
    """An area under the English ``area_m2`` header (canonical 平方米), often with its own unit."""
    r = rng.random()
    if r < 0.35:
        return _area_units(v, "平方米")
    if r < 0.6:
        return _area_units(v, "平方米") + "平方米"
    if r < 0.75:
        return _area_units(v, "平方米") + "㎡"
    return _area_units(v, "公顷") + "公顷"


def area_in(unit: str) -> Fmt:
    def fmt(v: Area, _rng: random.Random) -> str:
        return _area_units(v, unit)

    return fmt


def area_km2_own(v: Area, rng: random.Random) -> str:
    return _area_units(v, "平方千米") + rng.choice(("平方千米", "平方千米", "km²", "平方公里"))


def duration(v: int, rng: random.Random) -> str:
    return f"{v}日历天" if rng.random() < 0.8 else f"{v}天"


def percent(v: str, _rng: random.Random) -> str:
    return v


def lots_json(lots: list[LotValue], rng: random.Random) -> list[dict[str, Any]]:
    """Nested lots/sections as JSON submissions give them (amounts in yuan, plain numbers)."""
    out = []
    for lot in lots:
        item: dict[str, Any] = {"name": lot.name}
        if lot.budget is not None:
            item["budget"] = _yuan(lot.budget)
        item["winners"] = [{"name": o.name, "uscc": o.uscc, "amount": _yuan(a)} for o, a in lot.winners]
        item["candidates"] = [{"name": o.name, "rank": i, "amount": _yuan(a)}
                              for i, (o, a) in enumerate(lot.candidates, start=1)]
        out.append(item)
    return out


# -- layouts and writers -----------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A column: its header, the canonical value it shows, how a value becomes a cell."""

    header: str
    key: str
    fmt: Fmt = text


@dataclass(frozen=True)
class Layout:
    """How one agency's export looks."""

    name: str  # seeds the per-row rendering, so a re-export renders a notice identically
    columns: tuple[Col, ...]
    fmt: str = "csv"  # csv, xlsx, json, jsonl
    encoding: str = "utf-8"
    flat_lots: bool = True  # lots as flat columns (one lot per row) rather than a nested list


def _flatten(values: dict[str, Any]) -> dict[str, Any]:
    """Add the flat lot columns (lot, winner, …) from the single lot of a row."""
    lots: list[LotValue] = values.get("lots") or []
    if not lots:
        return values
    if len(lots) > 1:
        raise ValueError("a flat layout holds one lot per row")
    lot = lots[0]
    out = dict(values)
    out["lot"] = lot.name
    if lot.winners:
        out["winner"] = [o.name for o, _ in lot.winners]
        out["winner_uscc"] = [values.get("_bad_winner_uscc") or o.uscc for o, _ in lot.winners]
        out["award_amount"] = [a for _, a in lot.winners]
    if lot.candidates:
        out["candidates"] = [o.name for o, _ in lot.candidates]
        out["candidate_prices"] = [a for _, a in lot.candidates]
    return out


def _render(layout: Layout, row: Row, seed: int) -> list[Any]:
    rng = random.Random(f"{seed}:{layout.name}:{row.uid}")
    values = {**row.values, "notice_type": row.stage}
    if layout.flat_lots:
        values = _flatten(values)
    cells: list[Any] = []
    for col in layout.columns:
        value = values.get(col.key)
        if value is None or value == []:
            cells.append(None)
        elif isinstance(value, Raw):
            cells.append(value.text)
        elif isinstance(value, list) and value and isinstance(value[0], Raw):
            cells.append("；".join(v.text for v in value))
        else:
            cells.append(col.fmt(value, rng))
    return cells


def write_layout(path: Path, layout: Layout, rows: Sequence[Row], seed: int) -> int:
    """Write ``rows`` to ``path`` as ``layout`` says; returns the number of rows."""
    headers = [c.header for c in layout.columns]
    table = [_render(layout, row, seed) for row in rows]
    if layout.fmt == "csv":
        _write_csv(path, headers, table, layout.encoding)
    elif layout.fmt == "xlsx":
        _write_xlsx(path, headers, table)
    else:
        records = [{h: v for h, v in zip(headers, cells, strict=True) if v is not None} for cells in table]
        if layout.fmt == "json":
            path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        else:
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return len(rows)


def _write_csv(path: Path, headers: list[str], table: list[list[Any]], encoding: str) -> None:
    buf = io.StringIO()
    # GB18030 files come from Windows exports (CRLF); UTF-8 ones from web exports (LF).
    writer = csv.writer(buf, lineterminator="\r\n" if encoding == "gb18030" else "\n")
    writer.writerow(headers)
    writer.writerows([["" if c is None else c for c in cells] for cells in table])
    path.write_bytes(buf.getvalue().encode(encoding))


def _write_xlsx(path: Path, headers: list[str], table: list[list[Any]]) -> None:
    from openpyxl import Workbook  # only the XLSX file needs it

    wb = Workbook()
    ws = wb.active
    ws.title = "成交信息"
    ws.append(headers)
    for cells in table:
        ws.append(cells)
    for col in ws.iter_cols(min_row=2):
        for cell in col:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm" if cell.value.hour or cell.value.minute else "yyyy-mm-dd"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_pin_zip(buf.getvalue()))


def _pin_zip(data: bytes) -> bytes:
    """Rewrite an XLSX with fixed member timestamps and document dates (byte-reproducible)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                                 rb"\g<1>" + XLSX_DOC_TIME.encode() + rb"\g<2>", content)
            member = zipfile.ZipInfo(info.filename, date_time=XLSX_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, content)
    return out.getvalue()


# -- the demo world ------------------------------------------------------------------------------


def _zipf(n: int, power: float = 1.0) -> list[float]:
    """Weights 1, 1/2^p, 1/3^p …: a few parties win (or act) often, most rarely."""
    return [1.0 / (i + 1) ** power for i in range(n)]


class World:
    """Random names and parties, with a registry so a name always has the same code."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.orgs: dict[str, Org] = {}
        self.pools: dict[str, list[Org]] = {}
        self.agents: dict[str, list[tuple[Org, str]]] = {}
        self.serial = 1000

    def next_serial(self) -> int:
        self.serial += self.rng.randint(1, 9)
        return self.serial

    def org(self, name: str, region_code: str, dept: str = "91") -> Org:
        if name not in self.orgs:
            self.orgs[name] = Org(name, make_uscc(self.rng, region_code, dept))
        return self.orgs[name]

    def company(self, industries: Sequence[str], place: Place) -> Org:
        rng = self.rng
        form = rng.choices([f for f, _ in COMPANY_FORMS], [w for _, w in COMPANY_FORMS])[0]
        word = place.word if rng.random() < 0.75 else PROVINCES[place.province2][0]
        name = f"{word}{rng.choice(TRADE_NAMES)}{rng.choice(industries)}{form}"
        return self.org(name, place.code)

    def winner(self, industries: Sequence[str], place: Place) -> Org:
        """A frequent winner of this trade (from anywhere) or a local company."""
        key = "/".join(industries)
        pool = self.pools.get(key)
        if pool is None:
            pool = []
            size = WINNER_POOL_SIZE if len(industries) > 3 else WINNER_POOL_SIZE // 3
            while len(pool) < size:
                home = _pick_place(self.rng, NATIONAL + ("44", "45", "51", "33", "11"))
                org = self.company(industries, home)
                if org not in pool:
                    pool.append(org)
            self.pools[key] = pool
        if self.rng.random() < REPEAT_WINNER_SHARE:
            return self.rng.choices(pool, _zipf(len(pool)))[0]
        return self.company(industries, place)

    def agent(self, place: Place) -> tuple[Org, str]:
        """An agency of the province (a few per province, reused), with its project-number code."""
        agents = self.agents.setdefault(place.province2, [])
        if len(agents) < 4 or self.rng.random() < 0.15:
            home = _pick_place(self.rng, [place.province2], prefecture_share=0.6)
            org = self.company_named(f"{home.word}{self.rng.choice(TRADE_NAMES)}{self.rng.choice(AGENT_FORMS)}", home)
            code = "".join(self.rng.choice("ABCDEFGHJKLMNPQRSTWXYZ") for _ in range(self.rng.randint(3, 5)))
            agents.append((org, code))
        return self.rng.choices(agents, _zipf(len(agents), 0.5))[0]

    def company_named(self, name: str, place: Place) -> Org:
        return self.org(name, place.code)

    def public_body(self, name: str, place: Place, dept: str) -> Org:
        return self.org(name, place.code, dept)


def _at(base: datetime, rng: random.Random, days: tuple[int, int]) -> datetime:
    """A working-hours time ``days`` after ``base`` (whole minutes)."""
    d = base + timedelta(days=rng.randint(*days))
    return d.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 5, 10, 15, 20, 30, 35, 40, 45, 50)), second=0)


def _start(rng: random.Random) -> datetime:
    return _at(FIRST_DAY, rng, (0, START_SPAN_DAYS))


def _fen_wan(wan: int) -> Fen:
    return Fen(wan * 10**6)


def _fen_between(rng: random.Random, low_yuan: int, high_yuan: int, step_yuan: int = 1) -> Fen:
    return Fen(rng.randrange(low_yuan // step_yuan, high_yuan // step_yuan + 1) * step_yuan * 100)


def _scaled(v: Fen, rng: random.Random, low: float, high: float, step_fen: int = 100) -> Fen:
    """``v`` times a random factor in [low, high], rounded down to ``step_fen``."""
    n = int(v.n * rng.uniform(low, high)) // step_fen * step_fen
    return Fen(max(n, step_fen))


def _fates(rng: random.Random, n: int) -> list[str]:
    """complete / open / terminated for ``n`` projects: at least one terminated and one open."""
    fates = ["complete"] * n
    if n < 4:
        return fates
    idx = list(range(n))
    rng.shuffle(idx)
    k_term = max(1, round(n * TERMINATED_SHARE))
    k_open = max(1, round(n * OPEN_SHARE))
    for i in idx[:k_term]:
        fates[i] = "terminated"
    for i in idx[k_term:k_term + k_open]:
        fates[i] = "open"
    return fates


def _split(n: int, shares: Sequence[float]) -> list[int]:
    counts = [max(1, round(n * s)) for s in shares[:-1]]
    counts.append(max(1, n - sum(counts)))
    return counts


# -- land -------------------------------------------------------------------------------------


def _land_bureau(place: Place) -> str:
    if place.level == "prefecture" or place.name == place.prefecture:
        return f"{place.name}自然资源局"
    if place.name.endswith("区"):
        return f"{place.prefecture}自然资源局{place.name[:-1]}分局"
    return f"{place.name}自然资源局"


def land_project(world: World, uid: str, place: Place, fate: str) -> Project:
    """出让公告 (or 协议出让公示) → [更正] → 成交公示 → 供地结果; 划拨: 供地结果 only."""
    rng = world.rng
    use, _, term, (ha_lo, ha_hi), (p_lo, p_hi), ratios, methods = rng.choices(LAND_USES, [u[1] for u in LAND_USES])[0]
    method = rng.choices([m for m, _ in methods], [w for _, w in methods])[0]
    if fate != "complete" and method in ("划拨", "协议出让"):
        method = "挂牌出让"
    start = _start(rng)
    year = start.year
    publisher = _land_bureau(place)
    centi = int(rng.uniform(ha_lo, ha_hi) * 10_000) * 100 + rng.choice((0, 0, 25, 50, 75))
    area = Area(centi)
    mark = METHOD_MARK[method]
    parcel = f"{place.word[0]}{_short(place.name)[0]}({mark})G{year}-{rng.randint(1, 68):02d}"
    road_a, road_b = rng.sample(ROADS, 2)
    side_a, side_b = rng.sample("东南西北", 2)
    location = f"{place.local}{rng.choice(TOWNS)}{road_a}以{side_a}、{road_b}以{side_b}"
    common = {
        "publisher": publisher,
        "region_code": place.code,
        "e_supervision_no": f"{place.code}{year}B{world.next_serial() % 100000:05d}",
        "parcel_no": parcel,
        "project_name": f"{place.local}{parcel}地块{use}",
        "location": location,
        "area_m2": area,
        "land_use": use,
        "supply_method": method,
    }
    rows: list[Row] = []
    ratio_max = rng.choice(ratios)
    terms = {"term_years": term} if term else {}
    if method == "划拨":
        holder = world.public_body(f"{place.local}{rng.choice(BUREAUS[:7])}", place, "11")
        rows.append(_land_supply_result(world, uid, 0, start, common, holder, None, ratio_max, terms))
        return Project(uid, place, rows)
    unit_price = rng.randint(p_lo, p_hi)
    starting = _fen_wan(max(1, centi // 100 * unit_price // 10_000))
    announce = {
        **common, **terms, "plot_ratio_min": "1.0", "plot_ratio_max": ratio_max, "starting_price": starting,
    }
    title_no = f"{_short(place.name)}自然资告字〔{year}〕{rng.randint(3, 60)}号"
    when = start
    holder = world.winner(INDUSTRIES["land"], place)
    if method == "协议出让":
        announce["holder"] = holder.name
        rows.append(Row(f"{uid}-0", Stage("announcement", "出让公示"),
                        {**announce, "title": f"{publisher}国有建设用地使用权协议出让公示（{parcel}）",
                         "published_at": when}))
        price = starting
    else:
        rows.append(Row(f"{uid}-0", Stage("announcement", "出让公告"),
                        {**announce, "title": f"{publisher}国有建设用地使用权{method}公告（{title_no}）",
                         "published_at": when}))
        if rng.random() < 0.12:
            when = _at(when, rng, (3, 8))
            rows.append(Row(f"{uid}-1", Stage("correction", "更正公告"),
                            {**common, "starting_price": _scaled(starting, rng, 0.85, 0.95, 10**6),
                             "title": f"关于{parcel}地块国有建设用地使用权{method}公告的更正公告",
                             "published_at": when}))
        if fate == "terminated":
            rows.append(Row(f"{uid}-9", Stage("termination", "终止公告"),
                            {**common, "title": f"关于终止{parcel}地块国有建设用地使用权{method}的公告",
                             "published_at": _at(when, rng, (8, 20))}))
            return Project(uid, place, rows)
        if fate == "open":
            return Project(uid, place, rows)
        premium = 1.0 if method == "挂牌出让" and rng.random() < 0.6 else rng.uniform(1.02, 1.6)
        price = _fen_wan(max(1, int(starting.n // 10**6 * premium)))
        when = _at(when, rng, (22, 35))
        rows.append(Row(f"{uid}-2", Stage("result", "成交公示"),
                        {**common, "holder": holder.name, "holder_uscc": holder.uscc, "price": price,
                         "title": f"{parcel}地块国有建设用地使用权{method}成交公示", "published_at": when}))
    rows.append(_land_supply_result(world, uid, 3, _at(when, rng, (15, 30)), common, holder, price, ratio_max, terms))
    return Project(uid, place, rows)


def _land_supply_result(world: World, uid: str, n: int, when: datetime, common: dict[str, Any], holder: Org,
                        price: Fen | None, ratio_max: str, terms: dict[str, str]) -> Row:
    rng = world.rng
    signed = (when - timedelta(days=rng.randint(5, 12))).date()
    use = common["land_use"]
    values = {
        **common, **terms, "holder": holder.name, "holder_uscc": holder.uscc, "price": price,
        "plot_ratio_min": "1.0", "plot_ratio_max": ratio_max,
        "contract_date": signed,
        "delivery_date": signed + timedelta(days=rng.choice((30, 60, 90))),
        "start_date": signed + timedelta(days=rng.choice((180, 365))),
        "completion_date": signed + timedelta(days=rng.choice((730, 1095, 1460))),
        "approving_authority": f"{common['publisher'][:3]}人民政府" if rng.random() < 0.5 else common["publisher"][:3],
        "land_grade": rng.choice(LAND_GRADES),
        "industry": LAND_INDUSTRY.get(use, "房地产业"),
        "title": f"{common['project_name']}供地结果公示",
        "published_at": when,
    }
    return Row(f"{uid}-{n}", Stage("result", "供地结果"), values)


# -- mining -------------------------------------------------------------------------------------


def mining_project(world: World, uid: str, place: Place, fate: str) -> Project:
    """出让公告 (or 协议出让公示) → [更正] → 出让结果公示, or 终止."""
    rng = world.rng
    mineral, right, (a_lo, a_hi), (p_lo, p_hi), scale = rng.choice(MINERALS)
    method = rng.choices([m for m, _ in MINING_METHODS], [w for _, w in MINING_METHODS])[0]
    if fate != "complete" and method == "协议出让":
        method = "挂牌"
    start = _start(rng)
    year = start.year
    village = rng.choice(VILLAGES)
    stage_word = rng.choice(EXPLORATION_STAGES) if right == "探矿权" else None
    if right == "探矿权":
        mine = f"{place.province}{place.local}{village}{mineral}{stage_word}"
    else:
        mine = f"{place.local}{village}{mineral}矿"
    province = place.province
    grantor = f"{province}自然资源厅" if right == "探矿权" or rng.random() < 0.6 else _land_bureau(place)
    area = Area(int(rng.uniform(a_lo, a_hi) * 10_000) * 10_000)
    starting = _fen_wan(rng.randint(p_lo, p_hi))
    abbr = PROVINCES[place.province2][1]
    common = {
        "region_code": place.code,
        "project_no": f"{abbr}KQ{year}-{'T' if right == '探矿权' else 'C'}{world.next_serial() % 1000:03d}",
        "right_type": right,
        "mineral": mineral,
        "mine_name": mine,
        "area_m2": area,
        "method": method,
        "grantor": grantor,
    }
    extra = {"exploration_stage": stage_word} if stage_word else {
        "production_scale": scale.format(n=rng.choice((5, 10, 20, 30, 50, 100)))}
    rows: list[Row] = []
    when = start
    winner = world.winner(INDUSTRIES["mining"], place)
    method_title = "协议出让公示" if method == "协议出让" else f"{method}出让公告"
    announce = {**common, **extra, "starting_price": starting, "published_at": when,
                "title": f"{grantor}{mine}{right}{method_title}"}
    if method == "协议出让":
        announce["transferee"] = winner.name
    rows.append(Row(f"{uid}-0", Stage("announcement", "出让公告"), announce))
    if rng.random() < 0.1:
        when = _at(when, rng, (3, 9))
        rows.append(Row(f"{uid}-1", Stage("correction", "更正公告"),
                        {**common, "starting_price": _scaled(starting, rng, 0.8, 0.95, 10**6), "published_at": when,
                         "title": f"关于{mine}{right}{method_title}的更正公告"}))
    if fate == "terminated":
        rows.append(Row(f"{uid}-9", Stage("termination", "终止公告"),
                        {**common, "published_at": _at(when, rng, (7, 20)),
                         "title": f"关于终止{mine}{right}{method}出让的公告"}))
        return Project(uid, place, rows)
    if fate == "open":
        return Project(uid, place, rows)
    when = _at(when, rng, (20, 40))
    factor = 1.0 if method in ("挂牌", "协议出让") and rng.random() < 0.5 else rng.uniform(1.05, 2.4)
    deal = {"transferee": winner.name, "transferee_uscc": winner.uscc,
            "deal_price": _fen_wan(max(1, int(starting.n // 10**6 * factor))),
            "deal_date": (when - timedelta(days=rng.randint(1, 3))).date()}
    if method != "协议出让":
        # The exchange publishes the 成交公示 right after the auction, the grantor the 出让结果公示 later.
        rows.append(Row(f"{uid}-2", Stage("result", "成交公示"),
                        {**common, **deal, "published_at": when, "title": f"{mine}{right}{method}出让成交公示"}))
        when = _at(when, rng, (10, 25))
    rows.append(Row(f"{uid}-3", Stage("result", "出让结果"),
                    {**common, **extra, **deal, "payment_mode": rng.choice(("一次性缴纳", "分期缴纳")),
                     "published_at": when, "title": f"{mine}{right}出让结果公示"}))
    return Project(uid, place, rows)


# -- procurement ------------------------------------------------------------------------------------


def _buyer(world: World, place: Place) -> tuple[Org, str]:
    rng = world.rng
    btype = rng.choices(("hospital", "school", "bureau", "university"), (30, 22, 40, 8))[0]
    if btype == "hospital":
        name = place.local + rng.choice(("人民医院", "中医医院", "妇幼保健院", "第二人民医院"))
        return world.public_body(name, place, "12"), btype
    if btype == "school":
        name = place.local + rng.choice(("第一中学", "实验小学", "职业技术学校", "第二中学"))
        return world.public_body(name, place, "12"), btype
    if btype == "university":
        name = PROVINCES[place.province2][0] + rng.choice(("理工", "师范", "科技", "农业", "医科")) + "大学"
        return world.public_body(name, place, "12"), btype
    return world.public_body(place.local + rng.choice(BUREAUS), place, "11"), btype


def _procurement_no(world: World, place: Place, code: str, year: int, style: str) -> str:
    rng = world.rng
    seq = world.next_serial()
    cat = rng.choice(("G", "F", "GC"))
    if style == "beijing":
        return f"{place.code}{rng.randint(10**13, 10**14 - 1)}-XM{rng.randint(1, 9):03d}"
    shape = rng.randrange(5)
    if shape == 0:
        return f"{code}{year}-CG{seq % 1000:03d}"
    if shape == 1:
        return f"{code}-{year}-{seq % 1000:03d}"
    if shape == 2:
        return f"{code}-{year}-{'FW' if cat == 'F' else cat}{seq % 1000:03d}"
    if shape == 3:
        return f"{code}{year}-G1-{seq:06d}-CGZX"
    return f"{place.code}{rng.randint(10**14, 10**15 - 1)}-{code}-{year}-JC{seq % 100:02d}"


def procurement_project(world: World, uid: str, place: Place, fate: str, *, numbering: str,
                        max_lots: int = 1) -> Project:
    """采购公告 → [更正] → 中标/成交结果 → [合同], or 废标/终止."""
    rng = world.rng
    buyer, btype = _buyer(world, place)
    item, category, b_lo, b_hi, trades = rng.choice(BUYER_TYPES[btype])
    method = rng.choices([m for m, _ in PROCUREMENT_METHODS], [w for _, w in PROCUREMENT_METHODS])[0]
    if fate != "complete" and method == "单一来源":
        method = "公开招标"
    agent, code = world.agent(place)
    start = _start(rng)
    year = start.year
    project_no = _procurement_no(world, place, code, year, numbering)
    name = f"{buyer.name}{item}采购项目"
    budget = _fen_between(rng, b_lo * 10_000, b_hi * 10_000, 100)
    n_lots = rng.choice(range(2, max_lots + 1)) if max_lots > 1 and rng.random() < 0.3 else 1
    lot_budgets = _share(budget, n_lots, rng)
    lots = [LotValue(f"第{i + 1}包" if n_lots > 1 or rng.random() < 0.6 else "1", b)
            for i, b in enumerate(lot_budgets)]
    method_text = "单一来源采购" if method == "单一来源" and rng.random() < 0.5 else method
    common = {"region_code": place.code, "project_no": project_no, "project_name": name, "buyer": buyer.name,
              "agent": agent.name, "publisher": agent.name}
    numbered = numbering != "beijing"
    nos = _notice_numbers(world, numbering)
    deadline = _at(start, rng, (20, 25) if method in ("公开招标", "邀请招标") else (10, 14)).replace(minute=30)
    announce = {
        **common, "buyer_uscc": buyer.uscc, "budget": budget, "method": method_text, "category": category,
        "bid_deadline": deadline, "published_at": start, "notice_no": nos(start) if numbered else None,
        "title": f"{name}{ANNOUNCEMENT_WORD[method]}",
        "lots": [LotValue(lot.name, lot.budget) for lot in lots] if n_lots > 1 else None,
        "body": _procurement_body(buyer.name, agent.name, name, project_no, method, budget, deadline),
    }
    if rng.random() < 0.2:
        announce["ceiling_price"] = budget
    rows = [Row(f"{uid}-0", Stage("announcement", "采购公告"), announce)]
    when = start
    if rng.random() < 0.35:
        when = _at(when, rng, (3, 8))
        change: dict[str, Any]
        if rng.random() < 0.5:
            budget = _scaled(budget, rng, 0.85, 1.15, 100 * 100)
            change = {"budget": budget}
        else:
            deadline = deadline + timedelta(days=7)
            change = {"bid_deadline": deadline}
        rows.append(Row(f"{uid}-1", Stage("correction", "更正公告"),
                        {**common, **change, "published_at": when, "title": f"{name}更正公告",
                         "notice_no": nos(when) if numbered else None,
                         "corrects": announce["notice_no"]}))
    after = deadline + timedelta(days=rng.randint(1, 6))
    after = after.replace(hour=rng.randint(9, 17))
    if fate == "terminated":
        word = rng.choice(("废标", "终止"))
        rows.append(Row(f"{uid}-9", Stage("termination", f"{word}公告"),
                        {**common, "failure_reason": rng.choice(PROCUREMENT_FAILURES), "published_at": after,
                         "title": f"{name}{word}公告", "notice_no": nos(after) if numbered else None}))
        return Project(uid, place, rows)
    if fate == "open":
        return Project(uid, place, rows)
    single = method == "单一来源" or rng.random() < 0.06
    bid_count = 1 if single else rng.randint(3, 9)
    awarded: list[LotValue] = []
    for lot in lots:
        lot_budget = lot.budget or budget
        low = 0.97 if single else 0.82
        winners = [(world.winner(trades, place), _scaled(lot_budget, rng, low, 0.995))]
        if method == "框架协议" and not single:
            winners.append((world.winner(trades, place), _scaled(lot_budget, rng, low, 0.995)))
        awarded.append(LotValue(lot.name, lot.budget if n_lots > 1 else None, winners))
    result_word = "中标" if method in ("公开招标", "邀请招标") else "成交"
    rows.append(Row(f"{uid}-2", Stage("result", f"{result_word}公告"),
                    {**common, "method": method_text, "bid_count": bid_count, "lots": awarded,
                     "published_at": after, "notice_no": nos(after) if numbered else None,
                     "title": f"{name}（项目编号：{project_no}）{result_word}结果公告"}))
    if rng.random() < 0.85:
        signed = _at(after, rng, (7, 20)).replace(second=rng.randint(0, 59))
        total = Fen(sum(a.n for lot in awarded for _, a in lot.winners))
        published = _at(signed, rng, (1, 5))
        rows.append(Row(f"{uid}-3", Stage("contract", "采购合同"),
                        {**common, "contract_amount": total, "contract_signed_at": signed,
                         "contract_term": rng.choice(("1年", "合同签订后30日内交货", "3年", "自合同签订之日起12个月")),
                         "published_at": published, "notice_no": nos(published) if numbered else None,
                         "title": f"{name}合同公告"}))
    return Project(uid, place, rows)


def _share(total: Fen, n: int, rng: random.Random) -> list[Fen]:
    if n == 1:
        return [total]
    cuts = sorted(rng.sample(range(1, 100), n - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    fens = [Fen(total.n * p // 100 // 100 * 100) for p in parts[:-1]]
    return [*fens, Fen(total.n - sum(f.n for f in fens))]


def _notice_numbers(world: World, numbering: str) -> Callable[[datetime], str]:
    def make(when: datetime) -> str:
        seq = world.next_serial()
        if numbering == "ccgp":
            return f"t{when:%Y%m%d}_{2_000_000 + seq * 13 % 8_000_000}"
        return f"SCZC-{when:%Y%m%d}-{seq % 100000:05d}"

    return make


def _procurement_body(buyer: str, agent: str, name: str, no: str, method: str, budget: Fen,
                      deadline: datetime) -> str:
    return (f"项目概况：{name}的潜在供应商应在{agent}获取采购文件，并于{deadline:%Y年%m月%d日 %H:%M}（北京时间）前提交响应文件。"
            f"一、项目基本情况：项目编号：{no}；项目名称：{name}；采购方式：{method}；预算金额：{_yuan(budget)}元。"
            f"二、申请人的资格要求：满足《中华人民共和国政府采购法》第二十二条规定；本项目不接受联合体。"
            f"三、对本次招标提出询问，请按以下方式联系：采购人：{buyer}；采购代理机构：{agent}。")


# -- state-owned property rights -----------------------------------------------------------------------


def state_asset_project(world: World, uid: str, place: Place, fate: str, *, exchange: str) -> Project:
    """挂牌披露 → [更正] → 交易结果, or 终止挂牌."""
    rng = world.rng
    transferor = world.company_named(f"{place.word}{rng.choice(TRADE_NAMES)}{rng.choice(SOE_FORMS)}", place)
    equity = rng.random() < 0.6
    start = _start(rng)
    year = start.year
    abbr = PROVINCES[place.province2][1]
    if exchange == "北京产权交易所":
        abbr = "BJ"
    elif exchange == "上海联合产权交易所":
        abbr = "SH"
    project_no = f"{'G3' if equity else 'GR'}{year}{abbr}{1_000_000 + world.next_serial()}"
    if equity:
        target_co = world.company(INDUSTRIES["state_asset"], place)
        share = rng.choice(("100%", "51%", "35%", "20.00%", "49%", "100.00%"))
        target = f"{target_co.name}{share.replace('.00', '')}股权"
        appraised = _fen_between(rng, 800_000, 600_000_000, 100)
    else:
        share = None
        target = rng.choice(ASSET_THINGS).format(place=place.local, road=rng.choice(ROADS), n=rng.randint(3, 30),
                                                 owner=transferor.name)
        appraised = _fen_between(rng, 50_000, 30_000_000, 100)
    listing = _scaled(appraised, rng, 1.0, 1.08, 100 * 100)
    method = rng.choices([m for m, _ in STATE_ASSET_METHODS], [w for _, w in STATE_ASSET_METHODS])[0]
    common = {"region_code": place.code, "project_no": project_no, "target": target, "transferor": transferor.name,
              "transferor_uscc": transferor.uscc, "exchange": exchange}
    rows: list[Row] = []
    if equity and rng.random() < 0.7:
        # Equity transfers are pre-disclosed (预披露, no price yet) before the formal listing.
        rows.append(Row(f"{uid}-p", Stage("announcement", "公告"),
                        {**common, "share_ratio": share, "published_at": start,
                         "title": f"{target}转让项目预披露公告"}))
        start = _at(start, rng, (20, 40))
    end = start + timedelta(days=rng.choice((20, 28, 30)))
    rows.append(Row(f"{uid}-0", Stage("announcement", "挂牌披露"),
                {**common, "listing_price": listing, "appraised_value": appraised, "share_ratio": share,
                 "method": method, "listing_start": start.date(), "listing_end": end.date(),
                 "published_at": start, "title": f"{target}转让项目挂牌公告"}))
    when = start
    if rng.random() < 0.1:
        when = _at(when, rng, (4, 10))
        listing = _scaled(listing, rng, 0.9, 0.95, 100 * 100)
        rows.append(Row(f"{uid}-1", Stage("correction", "更正公告"),
                        {**common, "listing_price": listing, "published_at": when,
                         "title": f"{target}转让项目挂牌公告更正公告"}))
    if fate == "terminated":
        rows.append(Row(f"{uid}-9", Stage("termination", "终止公告"),
                        {**common, "published_at": _at(when, rng, (5, 15)), "title": f"{target}转让项目终止挂牌公告"}))
        return Project(uid, place, rows)
    if fate == "open":
        return Project(uid, place, rows)
    buyer = world.winner(INDUSTRIES["state_asset"], place)
    deal = listing if rng.random() < 0.5 or method == "协议转让" else _scaled(listing, rng, 1.01, 1.45, 100 * 100)
    published = _at(datetime.combine(end.date(), datetime.min.time()), rng, (3, 12))
    rows.append(Row(f"{uid}-2", Stage("result", "交易结果"),
                    {**common, "transferee": buyer.name, "transferee_uscc": buyer.uscc, "deal_price": deal,
                     "deal_date": (published - timedelta(days=rng.randint(1, 4))).date(), "published_at": published,
                     "title": f"{target}转让项目交易结果公示"}))
    return Project(uid, place, rows)


# -- engineering tenders ------------------------------------------------------------------------------


def tender_project(world: World, uid: str, place: Place, fate: str, *, numbered: bool, max_sections: int = 1,
                   publisher: str | None = None) -> Project:
    """招标公告 → [澄清] → 中标候选人公示 → 中标结果, or 流标/废标."""
    rng = world.rng
    template, owners = rng.choice(TENDER_WORKS)
    owner_name = place.local + rng.choice(owners)
    dept = "91" if owner_name.endswith("公司") else "12" if owner_name.endswith("医院") else "11"
    owner = world.public_body(owner_name, place, dept)
    agent, _ = world.agent(place)
    work = template.format(road=f"G{rng.randint(105, 360)}线{_short(place.name)}段",
                                            town=rng.choice(TOWNS), village=rng.choice(VILLAGES))
    name = f"{place.local}{work}"
    start = _start(rng)
    project_no = f"E{place.prefecture_code}{rng.randint(10**12, 10**13 - 1)}"
    control = _fen_between(rng, 2_000_000, 180_000_000, 100)
    n_sections = 2 if max_sections > 1 and rng.random() < 0.35 else 1
    sections = [f"{'一二三'[i]}标段" for i in range(n_sections)] if n_sections > 1 else [
        rng.choice(("施工", "无标段", "1标段"))]
    common = {"region_code": place.code, "project_no": project_no, "project_name": name, "tenderer": owner.name,
              "agent": agent.name, "publisher": publisher}
    if publisher:
        common["body"] = (f"{name}已由有关部门批准建设，项目业主为{owner.name}，建设资金已落实。"
                          f"项目已具备招标条件，现对该项目施工进行公开招标。")

    def no(code: str) -> str | None:
        return f"{project_no}-{code}" if numbered else None

    duration_days = rng.choice((90, 120, 180, 240, 365, 540, 730))
    when = start
    rows = [Row(f"{uid}-0", Stage("announcement", "招标公告"),
                {**common, "method": rng.choices(("公开招标", "邀请招标"), (92, 8))[0],
                 "funding": rng.choice(FUNDING), "control_price": control, "duration_days": duration_days,
                 "quality": rng.choice(QUALITY), "notice_no": no("ZBGG"), "published_at": when,
                 "title": f"{name}施工招标公告"})]
    if rng.random() < 0.25:
        when = _at(when, rng, (3, 8))
        control = _scaled(control, rng, 0.95, 0.99, 100 * 100)
        rows.append(Row(f"{uid}-1", Stage("correction", "澄清公告"),
                        {**common, "control_price": control, "notice_no": no("CQ01"), "corrects": no("ZBGG"),
                         "published_at": when, "title": f"{name}施工招标文件澄清公告"}))
    when = _at(when, rng, (21, 30))
    if fate == "terminated":
        rows.append(Row(f"{uid}-9", Stage("termination", "流标公告"),
                        {**common, "failure_reason": rng.choice(TENDER_FAILURES), "notice_no": no("LBGG"),
                         "published_at": when, "title": f"{name}施工流标公告"}))
        return Project(uid, place, rows)
    if fate == "open":
        return Project(uid, place, rows)
    bid_count = rng.randint(4, 15)
    candidate_lots: list[LotValue] = []
    for sec in sections:
        share = control.n // n_sections
        prices = sorted(_scaled(Fen(share), rng, 0.88, 0.99).n for _ in range(3))
        orgs: list[Org] = []
        while len(orgs) < 3:
            org = world.winner(INDUSTRIES["tender"], place)
            if org not in orgs:
                orgs.append(org)
        candidate_lots.append(LotValue(sec, None, [], [(o, Fen(p)) for o, p in zip(orgs, prices, strict=True)]))
    rows.append(Row(f"{uid}-2", Stage("candidates", "中标候选人公示"),
                    {**common, "bid_count": bid_count, "lots": candidate_lots, "notice_no": no("HXRGS"),
                     "published_at": when, "title": f"{name}施工中标候选人公示"}))
    when = _at(when, rng, (4, 8))
    result_lots = []
    for lot in candidate_lots:
        rank = 1 if rng.random() < 0.9 else 2
        org, price = lot.candidates[rank - 1]
        result_lots.append(LotValue(lot.name, None, [(org, price)]))
    manager = rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(("建国", "志强", "海燕", "伟", "敏", "军", "丽", "涛", "磊"))
    rows.append(Row(f"{uid}-3", Stage("result", "中标结果公告"),
                    {**common, "lots": result_lots, "project_manager": manager, "notice_no": no("ZBJG"),
                     "published_at": when, "title": f"{name}施工中标结果公告"}))
    return Project(uid, place, rows)


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
    Col("payment_mode", "payment_mode"),
)
MINING_ZH = (  # no 公告类型 column: the stage is derived
    Col("公告标题", "title"), Col("发布时间", "published_at", day("cn", "slash")), Col("行政区划代码", "region_code"),
    Col("项目编号", "project_no", padded), Col("矿业权类型", "right_type"), Col("矿种", "mineral"),
    Col("矿山名称", "mine_name"), Col("面积(平方千米)", "area_m2", area_in("平方千米")), Col("出让方式", "method"),
    Col("出让人", "grantor"), Col("起始价(万元)", "starting_price", money_in("万元")),
    Col("成交价(万元)", "deal_price", money_in("万元")), Col("受让人", "transferee"),
    Col("受让人统一社会信用代码", "transferee_uscc"), Col("成交时间", "deal_date", day("cn")),
    Col("勘查阶段", "exploration_stage"), Col("开采规模", "production_scale"), Col("缴纳方式", "payment_mode"),
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
    Col("交易机构", "exchange"),
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
    Col("exchange", "exchange"),
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
    Col("body", "body"),
)
TENDER_JSONL = (
    Col("notice_no", "notice_no"), Col("corrects", "corrects"), Col("notice_type", "notice_type", stage_en),
    Col("title", "title"), Col("publisher", "publisher"), Col("published_at", "published_at", _PUB_DT),
    Col("region_code", "region_code"), Col("project_no", "project_no"), Col("project_name", "project_name"),
    Col("tenderer", "tenderer"), Col("agent", "agent"), Col("method", "method"), Col("funding", "funding"),
    Col("control_price", "control_price", money_json), Col("duration_days", "duration_days", duration),
    Col("bid_count", "bid_count"), Col("sections", "lots", lots_json), Col("project_manager", "project_manager"),
    Col("quality", "quality"), Col("failure_reason", "failure_reason"), Col("body", "body"),
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
    Col("公告内容", "body"),
)


# -- the demo ------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """Files in submission order: (file name, kind, agency, layout, rows, invalid, map)."""

    seed: int
    out: Path
    files: list[GeneratedFile] = field(default_factory=list)

    def write(self, name: str, kind: str, agency: str, layout: Layout, rows: Sequence[Row], *,
              invalid: bool = False, mapping: dict[str, str | None] | None = None) -> None:
        path = self.out / name
        n = write_layout(path, layout, rows, self.seed)
        map_file = None
        if mapping:
            map_file = path.with_suffix(".map.yml")
            map_file.write_text(_yaml_map(mapping), encoding="utf-8")
        self.files.append(GeneratedFile(path, kind, agency, n, invalid, map_file))


def _yaml_map(mapping: dict[str, str | None]) -> str:
    lines = ["# --map for the file beside it: source header → field name or label (null: ignore the column)"]
    lines += [f"{json.dumps(k, ensure_ascii=False)}: {'null' if v is None else json.dumps(v, ensure_ascii=False)}"
              for k, v in mapping.items()]
    return "\n".join(lines) + "\n"


def _rows(projects: Sequence[Project]) -> list[Row]:
    return [row for p in projects for row in p.rows]


def _by_time(rows: Sequence[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (r.values["published_at"], r.uid))


def _projects(world: World, kind: str, n: int, make: Callable[[str, Place, str], Project],
              pick: Callable[[random.Random], Place], fates: list[str], offset: int) -> list[Project]:
    return [make(f"{kind}-{offset + i:03d}", pick(world.rng), fates[offset + i]) for i in range(n)]


def generate_demo(out: Path, *, seed: int = DEFAULT_SEED, projects_per_kind: int = 60) -> list[GeneratedFile]:
    """Write the demo submissions into ``out``; returns them in submission order."""
    out.mkdir(parents=True, exist_ok=True)
    world = World(random.Random(seed))
    plan = _Plan(seed, out)
    n = max(3, projects_per_kind)
    _demo_land(world, plan, n)
    _demo_mining(world, plan, n)
    resubmit = _demo_procurement(world, plan, n)
    _demo_state_assets(world, plan, n)
    _demo_tenders(world, plan, n)
    resubmit()
    return plan.files


def _national(provinces: Sequence[str] = NATIONAL, prefecture_share: float = 0.15) -> Callable[[random.Random], Place]:
    return lambda rng: _pick_place(rng, provinces, prefecture_share=prefecture_share)


def _demo_land(world: World, plan: _Plan, n: int) -> None:
    k_nat, k_gd, k_hz = counts = _split(n, (0.55, 0.25, 0.20))
    fates = _fates(world.rng, sum(counts))
    make = lambda uid, place, fate: land_project(world, uid, place, fate)  # noqa: E731
    national = _projects(world, "land", k_nat, make, _national(prefecture_share=0.05), fates, 0)
    guangdong = _projects(world, "land", k_gd, make, _national(("44",), 0.05), fates, k_nat)
    hangzhou = _projects(world, "land", k_hz, make, lambda rng: _pick_place(rng, ("33",), prefecture="330100"),
                         fates, k_nat + k_gd)
    # 中国土地市场网 republishes the results of the Guangdong parcels: the same notices.
    shared = [r for p in guangdong for r in p.rows if r.stage.en == "result"]
    plan.write("01-land-landchina.csv", "land", "中国土地市场网", Layout("land-landchina", LAND_EN),
               _by_time(_rows(national) + shared))
    plan.write("02-land-guangdong.csv", "land", "广东省自然资源厅",
               Layout("land-guangdong", LAND_ZH, encoding="gb18030"), _by_time(_rows(guangdong)))
    hz_rows = _by_time(_rows(hangzhou))
    for i, row in enumerate(hz_rows, start=1):
        row.values.update(_seq=str(i), project_no=_investment_code(world.rng, row.values),
                          _note=world.rng.choice(("", "竞得人须在成交后10个工作日内签订出让合同", "含地上附着物", "")))
        row.values.pop("publisher", None)
    _same_project_code(hz_rows)
    plan.write("03-land-hangzhou.csv", "land", "杭州市规划和自然资源局", Layout("land-hangzhou", LAND_MAPPED),
               hz_rows, mapping=LAND_MAP)
    plan.write("04-land-jiangxi-invalid.csv", "land", "江西省自然资源厅", Layout("land-invalid", LAND_INVALID),
               _land_invalid_rows(world), invalid=True)


def _investment_code(rng: random.Random, values: dict[str, Any]) -> str:
    """A 投资项目统一代码 (YYYY-XXXXXX-XX-XX-XXXXXX), as Zhejiang exports call 项目代码."""
    year = values["e_supervision_no"][6:10]
    return (f"{year}-{values['region_code']}-{rng.choice(('70', '47', '72'))}-{rng.choice(('01', '03'))}-"
            f"{rng.randint(100000, 999999)}")


def _same_project_code(rows: list[Row]) -> None:
    """A parcel keeps one 项目代码 across its notices."""
    first: dict[str, str] = {}
    for row in rows:
        key = row.values["e_supervision_no"]
        row.values["project_no"] = first.setdefault(key, row.values["project_no"])


def _land_invalid_rows(world: World) -> list[Row]:
    """Good rows (areas with their unit) and bad ones: no unit, wrong check character, 2026-02-30."""
    rng = world.rng
    rows: list[Row] = []
    for i in range(10):
        place = _pick_place(rng, ("36",), prefecture_share=0)
        p = land_project(world, f"land-x{i}", place, "complete")
        rows.append(next(r for r in reversed(p.rows) if r.stage.en == "result"))
    rows[2].values["area_m2"] = Raw(_area_units(rows[2].values["area_m2"], "平方米"))  # no unit, plain 面积 header
    rows[5].values["holder_uscc"] = bad_uscc(rows[5].values["holder_uscc"])
    rows[7].values["contract_date"] = Raw("2026-02-30")
    for row in rows:
        if not isinstance(row.values["area_m2"], Raw):
            row.values["area_m2"] = Raw(_area_units(row.values["area_m2"], "公顷") + "公顷")
    return rows


def _demo_mining(world: World, plan: _Plan, n: int) -> None:
    k_nat, k_nm = counts = _split(n, (0.6, 0.4))
    fates = _fates(world.rng, sum(counts))
    make = lambda uid, place, fate: mining_project(world, uid, place, fate)  # noqa: E731
    national = _projects(world, "mining", k_nat, make, _national(MINING_PROVINCES, 0.0), fates, 0)
    inner = _projects(world, "mining", k_nm, make, _national(("15",), 0.0), fates, k_nat)
    plan.write("05-mining-mnr.csv", "mining", "自然资源部矿业权出让信息公开平台", Layout("mining-mnr", MINING_EN),
               _by_time(_rows(national)))
    plan.write("06-mining-neimenggu.csv", "mining", "内蒙古自治区自然资源厅",
               Layout("mining-neimenggu", MINING_ZH, encoding="gb18030"), _by_time(_rows(inner)))


def _demo_procurement(world: World, plan: _Plan, n: int) -> Callable[[], None]:
    """Writes the procurement files; returns the writer of the later re-submission."""
    k_ccgp, k_bj, k_sc = counts = _split(n, (0.5, 0.2, 0.3))
    fates = _fates(world.rng, sum(counts))
    ccgp = _projects(world, "procurement", k_ccgp,
                     lambda uid, place, fate: procurement_project(world, uid, place, fate, numbering="ccgp", max_lots=3),
                     _national(NATIONAL + ("44", "45", "33"), 0.1), fates, 0)
    beijing = _projects(world, "procurement", k_bj,
                        lambda uid, place, fate: procurement_project(world, uid, place, fate, numbering="beijing"),
                        _national(("11",), 0.0), fates, k_ccgp)
    sichuan = _projects(world, "procurement", k_sc,
                        lambda uid, place, fate: procurement_project(world, uid, place, fate, numbering="sichuan"),
                        _national(("51",), 0.1), fates, k_ccgp + k_bj)
    for row in _rows(beijing):
        row.values["_region_name"] = _divisions()[row.values["region_code"]][0]
    # One contract notice states 0元 (valid, flagged "zero"), as a real ggzy contract page does.
    first_contract = next((r for r in _by_time(_rows(ccgp)) if r.stage.en == "contract"), None)
    if first_contract:
        first_contract.values["contract_amount"] = Fen(0)
    for row in _rows(sichuan):  # what the Sichuan export does not have
        for key in ("buyer_uscc", "ceiling_price", "body"):
            row.values.pop(key, None)
    # CCGP republishes the notices of every other Sichuan project: the same facts, a second source.
    plan.write("07-procurement-ccgp.json", "procurement", "中国政府采购网",
               Layout("procurement-ccgp", PROCUREMENT_JSON, fmt="json", flat_lots=False),
               _by_time(_rows(ccgp) + _rows(sichuan[::2])))
    plan.write("08-procurement-beijing.csv", "procurement", "北京市政府采购中心",
               Layout("procurement-beijing", PROCUREMENT_EN, encoding="utf-8-sig"), _by_time(_rows(beijing)))
    sc_layout = Layout("procurement-sichuan", PROCUREMENT_ZH, encoding="gb18030")
    sc_rows = _by_time(_rows(sichuan))
    plan.write("09-procurement-sichuan.csv", "procurement", "四川省政府采购网", sc_layout, sc_rows)
    plan.write("10-procurement-chengdu-invalid.csv", "procurement", "成都市公共资源交易服务中心",
               Layout("procurement-invalid", PROCUREMENT_EN), _procurement_invalid_rows(world), invalid=True)

    def resubmit() -> None:
        # A later export of the same system: a third of the notices again (as they were), and
        # three results whose 投标供应商数量 was corrected (new versions of those notices).
        fixed = {r.uid for r in [r for r in sc_rows if r.stage.en == "result"][:RESUBMIT_CHANGED]}
        again = {r.uid for r in sc_rows[: max(4, len(sc_rows) // 3)]} | fixed
        rows = [replace(r, values={**r.values, "bid_count": r.values["bid_count"] + 1}) if r.uid in fixed else r
                for r in sc_rows if r.uid in again]
        plan.write("17-procurement-sichuan-resubmitted.csv", "procurement", "四川省政府采购网", sc_layout, rows)

    return resubmit


def _procurement_invalid_rows(world: World) -> list[Row]:
    """Good rows and four bad ones: wrong check character, 2026-02-30, unknown method, negative budget."""
    rng = world.rng
    rows: list[Row] = []
    for i in range(12):
        place = _pick_place(rng, ("51",), prefecture="510100")
        p = procurement_project(world, f"proc-x{i}", place, "complete", numbering="beijing")
        rows.append(p.rows[0] if i % 2 else next(r for r in p.rows if r.stage.en == "result"))
    result = next(r for r in rows if r.stage.en == "result")
    org, _ = result.values["lots"][0].winners[0]
    result.values["_bad_winner_uscc"] = bad_uscc(org.uscc)
    announcements = [r for r in rows if r.stage.en == "announcement"]
    announcements[1].values["published_at"] = Raw("2026-02-30 09:30")
    announcements[3].values["method"] = "比选"
    announcements[4].values["budget"] = Raw("-120000.00元")
    return rows


def _demo_state_assets(world: World, plan: _Plan, n: int) -> None:
    k_bj, k_sh, k_gd = counts = _split(n, (0.4, 0.3, 0.3))
    fates = _fates(world.rng, sum(counts))
    cbex = _projects(world, "state_asset", k_bj,
                     lambda uid, place, fate: state_asset_project(world, uid, place, fate, exchange="北京产权交易所"),
                     _national(NATIONAL + ("11",), 0.4), fates, 0)
    suaee = _projects(world, "state_asset", k_sh,
                      lambda uid, place, fate: state_asset_project(world, uid, place, fate, exchange="上海联合产权交易所"),
                      _national(("31", "32", "33"), 0.4), fates, k_bj)
    gd = _projects(world, "state_asset", k_gd,
                   lambda uid, place, fate: state_asset_project(world, uid, place, fate, exchange="广东联合产权交易中心"),
                   _national(("44",), 0.4), fates, k_bj + k_sh)
    plan.write("11-state_asset-cbex.xlsx", "state_asset", "北京产权交易所", Layout("state-cbex", STATE_XLSX, fmt="xlsx"),
               _by_time(_rows(cbex)))
    plan.write("12-state_asset-suaee.csv", "state_asset", "上海联合产权交易所",
               Layout("state-suaee", STATE_ZH, encoding="gb18030"), _by_time(_rows(suaee)))
    plan.write("13-state_asset-gdcq.csv", "state_asset", "广东联合产权交易中心", Layout("state-gd", STATE_EN),
               _by_time(_rows(gd)))


def _demo_tenders(world: World, plan: _Plan, n: int) -> None:
    k_nat, k_gx, k_nn = counts = _split(n, (0.5, 0.3, 0.2))
    fates = _fates(world.rng, sum(counts))
    national = _projects(world, "tender", k_nat,
                         lambda uid, place, fate: tender_project(world, uid, place, fate, numbered=False,
                                                                 publisher=f"{place.prefecture}公共资源交易中心"),
                         _national(NATIONAL, 0.2), fates, 0)

    def guangxi_place(rng: random.Random) -> Place:
        while True:
            place = _pick_place(rng, ("45",), prefecture_share=0.2)
            if place.prefecture_code != "450100":
                return place

    guangxi = _projects(world, "tender", k_gx,
                        lambda uid, place, fate: tender_project(world, uid, place, fate, numbered=True,
                                                                publisher=f"{place.prefecture}公共资源交易中心"),
                        guangxi_place, fates, k_nat)
    nanning = _projects(world, "tender", k_nn,
                        lambda uid, place, fate: tender_project(world, uid, place, fate, numbered=True, max_sections=2,
                                                                publisher="南宁市公共资源交易中心"),
                        lambda rng: _pick_place(rng, ("45",), prefecture="450100"), fates, k_nat + k_gx)
    # The provincial centre republishes the notices of Nanning's single-section projects: the same facts.
    shared = [r for p in nanning if all(len(r.values.get("lots") or []) <= 1 for r in p.rows) for r in p.rows]
    # The national platform aggregates: it carries every other Guangxi project's notices too.
    plan.write("14-tender-ggzy-national.csv", "tender", "全国公共资源交易平台", Layout("tender-national", TENDER_EN),
               _by_time(_rows(national) + _rows(guangxi[::2])))
    plan.write("15-tender-nanning.jsonl", "tender", "南宁市公共资源交易中心",
               Layout("tender-nanning", TENDER_JSONL, fmt="jsonl", flat_lots=False), _by_time(_rows(nanning)))
    plan.write("16-tender-guangxi.csv", "tender", "广西壮族自治区公共资源交易中心",
               Layout("tender-guangxi", TENDER_ZH, encoding="gb18030"), _by_time(_rows(guangxi) + shared))


# -- the big CSV -------------------------------------------------------------------------------------------


def generate_big_csv(path: Path, *, rows: int, seed: int = DEFAULT_SEED) -> Path:
    """Write ``rows`` **procurement** notices to one UTF-8 CSV with English headers.

    Headers: :data:`BIG_CSV_HEADERS`. Projects have 2-4 notices (announcement, zero to two
    budget corrections, result with winner, USCC, award amount and bid count); buyers, agents,
    winners, regions and body paragraphs come from precomputed pools, so each row is a few
    list lookups and one ``str.format``. Submit it with ``--kind procurement``.
    """
    rng = random.Random(seed)
    pools = _big_pools(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(BIG_CSV_HEADERS)
        written = 0
        project = 0
        while written < rows:
            for record in _big_project(rng, pools, project):
                if written >= rows:
                    break
                writer.writerow(record)
                written += 1
            project += 1
    return path


@dataclass
class _BigPools:
    regions: list[tuple[str, str]]  # (code, local name)
    buyers: list[tuple[str, int]]  # (name, region index)
    agents: list[tuple[str, str]]  # (name, project-number code)
    winners: list[tuple[str, str]]  # (name, uscc)
    items: list[tuple[str, str, int, int, tuple[str, ...]]]
    days: list[str]
    times: list[str]
    methods: list[str]
    bodies: list[str]


BIG_BODY = (
    "{buyer}（采购人）委托{agent}（采购代理机构），就{name}进行{method}，现欢迎符合资格条件的供应商参加。"
    "一、项目基本情况：项目编号：{no}；采购方式：{method}；预算金额：{budget}元；"
    "合同履行期限：自合同签订之日起一年；"
    "二、申请人的资格要求：满足《中华人民共和国政府采购法》第二十二条规定；本项目专门面向中小企业采购。"
    "三、获取采购文件：时间：自本公告发布之日起五个工作日，每天上午09:00至12:00，"
    "下午14:00至17:00（法定节假日除外）；方式：在线获取；售价：0元。四、提交投标文件截止时间、开标时间和地点："
    "详见采购文件。五、公告期限：自本公告发布之日起5个工作日。六、对本次招标提出询问，请按以下方式联系。",
    "一、项目编号：{no}。二、项目名称：{name}。三、采购结果：经评审委员会评审，确定中标（成交）供应商。"
    "四、主要标的信息：详见附件。五、评审专家名单：依法随机抽取。六、代理服务收费标准及金额：按国家有关规定收取。"
    "七、公告期限：自本公告发布之日起1个工作日。八、其他补充事宜：各有关当事人对中标（成交）结果有异议的，"
    "可以在中标（成交）公告期限届满之日起七个工作日内，以书面形式向采购人或采购代理机构提出质疑。"
    "九、凡对本次公告内容提出询问，请按以下方式联系：采购人：{buyer}；采购代理机构：{agent}；预算金额：{budget}元。",
)


def _big_pools(rng: random.Random) -> _BigPools:
    places = [p for prov in sorted(_places()) for p in _places()[prov] if p.level == "county"]
    regions = rng.sample(places, min(BIG_REGIONS, len(places)))
    buyers = [(regions[i % len(regions)].local + rng.choice(BUREAUS + ("人民医院", "第一中学", "中医医院")), i % len(regions))
              for i in range(BIG_BUYERS)]
    agents = []
    for i in range(BIG_AGENTS):
        home = regions[i % len(regions)]
        name = f"{home.word}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{rng.choice(AGENT_FORMS)}"
        agents.append((name, "".join(rng.choice("ABCDEFGHJKLMNPQRSTWXYZ") for _ in range(4))))
    winners = []
    for i in range(BIG_WINNERS):
        home = regions[(i * 7) % len(regions)]
        name = f"{home.word}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{rng.choice(_IT + _PROPERTY + ('医疗器械', '家具'))}有限公司"
        winners.append((name, make_uscc(rng, home.code)))
    items = [it for group in BUYER_TYPES.values() for it in group]
    days = [f"{FIRST_DAY + timedelta(days=d):%Y-%m-%d}" for d in range(START_SPAN_DAYS + 60)]
    times = [f"{h:02d}:{m:02d}" for h in range(8, 18) for m in (0, 10, 20, 30, 40, 50)]
    methods = [m for m, w in PROCUREMENT_METHODS for _ in range(w) if m != "框架协议"]
    return _BigPools([(p.code, p.local) for p in regions], buyers, agents, winners, items, days, times, methods,
                     list(BIG_BODY))


def _big_project(rng: random.Random, pools: _BigPools, n: int) -> list[list[str]]:
    buyer, region_i = pools.buyers[rng.randrange(len(pools.buyers))]
    region_code, _local = pools.regions[region_i]
    agent, code = pools.agents[int(len(pools.agents) * rng.random() ** 2)]
    item, category, lo, hi, _trades = pools.items[rng.randrange(len(pools.items))]
    method = pools.methods[rng.randrange(len(pools.methods))]
    day_i = rng.randrange(START_SPAN_DAYS)
    name = f"{buyer}{item}采购项目"
    no = f"{code}-{2025 + day_i // 365}-{n:06d}"
    budget = rng.randrange(lo, hi + 1) * 10_000
    common = [region_code, no, name, buyer, agent]
    out = [["公告", f"{name}{ANNOUNCEMENT_WORD[method]}", agent, f"{pools.days[day_i]} {rng.choice(pools.times)}",
            *common, f"{budget}.00", method, category, "", "", "", "", "",
            pools.bodies[0].format(buyer=buyer, agent=agent, name=name, method=method, no=no, budget=budget)]]
    for k in range(rng.choices((0, 1, 2), (65, 30, 5))[0]):
        budget = budget // 100 * rng.choice((95, 98, 102, 110))
        day_i += 2 + k * 3
        out.append(["更正公告", f"{name}更正公告", agent, f"{pools.days[day_i]} {rng.choice(pools.times)}",
                    *common, f"{budget}.00元", method, category, "", "", "", "", "", ""])
    winner, uscc = pools.winners[int(len(pools.winners) * rng.random() ** 3)]
    single = method == "单一来源"
    award = budget * rng.randint(82 if not single else 97, 99) // 100
    day_i += rng.randint(12, 25)
    out.append(["结果公告", f"{name}（项目编号：{no}）{'中标' if method == '公开招标' else '成交'}结果公告", agent,
                f"{pools.days[day_i]} {rng.choice(pools.times)}", *common, f"{budget}.00", method, category, "第1包",
                winner, uscc, f"{award}.00", "1" if single else str(rng.randint(3, 9)),
                pools.bodies[1].format(buyer=buyer, agent=agent, name=name, no=no, budget=budget)])
    return out
