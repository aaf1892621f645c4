"""A big five-area corpus for the scale benchmark (issue 11): one UTF-8 CSV per area.

``generate_big_corpus(directory, rows=N)`` writes exactly N notices split over the five areas by
:data:`AREA_SHARES`, each file with the English field names the importer reads for its kind
(``gongkai template KIND``), to be submitted with ``gongkai submit FILE --kind KIND``.

Every area is made of projects with a lifecycle: an announcement, zero to two corrections that
change a value (a deadline, a price, the end of a listing), and an outcome (procurement: result,
sometimes a contract; tenders: candidates then result; land, mining, state assets: the deal).
Bodies are several paragraphs (one in ten announcements carries a long appendix, a few thousand
characters); parties have unified social credit codes; amounts are whole yuan. About
:data:`DUPLICATE_SHARE` of the rows are an exact copy of the row before (the same notice submitted
twice, which the store counts as unchanged) and :data:`REVISED_SHARE` a re-publication of the
notice before with its body revised (a second version of the same notice).

Red flags, both ways: the values the indicators read (methods, bid and bidder counts, deadlines,
listing dates, benchmark land prices, appraised values, 协议出让 grounds) are ordinary for most
projects, and every :data:`FLAG_EVERY`-th project of an area takes, in turn, one trait that an
indicator flags (:data:`TRAITS`), so each area has flagged and clear projects at any N of a
few hundred rows upward.

Fast and deterministic: parties, regions, dates, times and paragraphs come from pools drawn once
from ``random.Random(seed)``; each area then has its own stream (``f"{seed}-{kind}"``), so a row
is a few list lookups, a few random draws and one formatted paragraph.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from demo.generate.places import places_by_province
from demo.generate.values import make_uscc
from demo.generate.vocabulary import (
    AGENT_FORMS,
    ANNOUNCEMENT_WORD,
    BUREAUS,
    BUYER_TYPES,
    DEFAULT_SEED,
    FIRST_DAY,
    FUNDING,
    INDUSTRIES,
    IT_TRADES,
    LAND_GRADES,
    MINERALS,
    PROPERTY_TRADES,
    PROVINCES,
    QUALITY,
    ROADS,
    SOE_FORMS,
    START_SPAN_DAYS,
    TENDER_WORKS,
    TOWNS,
    TRADE_NAMES,
    VILLAGES,
)
from models.codelists import Kind

# Shares of the areas in a corpus, in percent. ASSUMED, not measured: an order-of-magnitude
# reading of what the national platforms publish (government procurement on ccgp.gov.cn is the
# largest stream; engineering tenders on the provincial 公共资源交易 platforms next; land on
# landchina well behind; state-owned property rights and mining rights, a few exchanges each,
# the smallest). A deployment with its own counts changes this table.
AREA_SHARES: tuple[tuple[Kind, int], ...] = (
    (Kind.procurement, 45), (Kind.tender, 35), (Kind.land, 10), (Kind.state_asset, 6), (Kind.mining, 4))

DUPLICATE_SHARE = 0.03  # rows written twice, identical (a notice resubmitted: "unchanged")
REVISED_SHARE = 0.01  # rows followed by the same notice with its body revised (a second version)
LONG_SHARE = 0.10  # announcements with a long appendix (several thousand characters)
FLAG_EVERY = 6  # one project in six takes an indicator's trait, in turn (TRAITS)

REGIONS = 400
PARTIES = 3000  # buyers, tenderers, winners … per pool
AGENTS = 1500
DAYS = START_SPAN_DAYS + 260  # first notices over START_SPAN_DAYS, then up to ~8 months of lifecycle

# The trait a flagged project takes, per area, in turn (each names the indicator it trips).
TRAITS: dict[Kind, tuple[str, ...]] = {
    Kind.procurement: ("single_bid", "short_period", "close_budget", "late_result", "even_prices", "disq",
                       "contract_up", "no_call"),  # P-SINGLE … P-CONTRACTUP, X-NOCALL
    Kind.tender: ("single_bid", "short_period", "close_budget", "late_result", "even_prices", "disq", "no_call"),
    Kind.land: ("agreement_market", "below_bench", "single_bidder", "short_notice", "short_listing", "no_call"),
    Kind.mining: ("agreement_ground", "one_bidder", "no_call"),  # M-AGREEMENT, M-RESERVE, X-NOCALL
    Kind.state_asset: ("below_appraisal", "discount90", "single", "short_listing", "no_call"),
}

HEADERS: dict[Kind, tuple[str, ...]] = {
    Kind.procurement: ("notice_type", "title", "publisher", "published_at", "region_code", "project_no",
                       "project_name", "buyer", "buyer_uscc", "agent", "budget", "method", "category",
                       "bid_deadline", "bid_count", "correction", "lot", "winner", "winner_uscc", "award_amount",
                       "candidates", "candidate_prices", "contract_amount", "contract_signed_at", "body"),
    Kind.tender: ("notice_type", "title", "publisher", "published_at", "region_code", "project_no", "project_name",
                  "tenderer", "tenderer_uscc", "agent", "method", "funding", "estimate", "control_price",
                  "duration_days", "quality", "bid_deadline", "bid_count", "correction", "lot", "winner",
                  "winner_uscc", "award_amount", "project_manager", "candidates", "candidate_prices", "body"),
    Kind.land: ("notice_type", "title", "publisher", "published_at", "region_code", "parcel_no", "project_name",
                "location", "area_m2", "land_use", "supply_method", "term_years", "plot_ratio_min",
                "plot_ratio_max", "land_grade", "benchmark_price", "starting_price", "listing_start", "listing_end",
                "grantor", "correction", "bidder_count", "price", "holder", "holder_uscc", "contract_date", "body"),
    Kind.mining: ("notice_type", "title", "publisher", "published_at", "region_code", "project_no", "project_name",
                  "right_type", "mineral", "mine_name", "area_m2", "method", "grantor", "starting_price",
                  "exploration_stage", "production_scale", "agreement_ground", "correction", "bidder_count",
                  "deal_price", "transferee", "transferee_uscc", "deal_date", "body"),
    Kind.state_asset: ("notice_type", "title", "publisher", "published_at", "region_code", "project_no",
                       "project_name", "target", "transferor", "transferor_uscc", "appraised_value", "listing_price",
                       "method", "listing_start", "listing_end", "listing_count", "exchange", "approving_authority",
                       "correction", "bidder_count", "transferee", "transferee_uscc", "deal_price", "deal_date",
                       "body"),
}

Row = dict[str, str]


def split_rows(rows: int) -> dict[Kind, int]:
    """``rows`` split over the areas by :data:`AREA_SHARES` (largest remainders: the sum is exact)."""
    total = sum(share for _, share in AREA_SHARES)
    parts = {kind: divmod(rows * share, total) for kind, share in AREA_SHARES}  # integers: exact at any N
    counts = {kind: whole for kind, (whole, _rest) in parts.items()}
    left = rows - sum(counts.values())
    for kind in sorted(parts, key=lambda k: parts[k][1], reverse=True)[:left]:  # stable: ties keep AREA_SHARES order
        counts[kind] += 1
    return counts


def generate_big_corpus(directory: Path, *, rows: int, seed: int = DEFAULT_SEED) -> list[tuple[Kind, Path]]:
    """Write ``rows`` notices of the five areas to ``directory/big-<kind>.csv``, one file per area.

    Returns ``(kind, path)`` in :data:`AREA_SHARES` order; an area whose share rounds to no row
    has no file. Submit each with ``gongkai submit PATH --kind KIND``."""
    if rows < 0:
        raise ValueError("rows must be ≥ 0")
    directory.mkdir(parents=True, exist_ok=True)
    pools = _Pools.draw(random.Random(seed))
    out: list[tuple[Kind, Path]] = []
    for kind, n in split_rows(rows).items():
        if n == 0:
            continue
        path = directory / f"big-{kind.value}.csv"
        _write_area(path, kind, n, _Area(random.Random(f"{seed}-{kind.value}"), pools))
        out.append((kind, path))
    return out


def _write_area(path: Path, kind: Kind, rows: int, area: _Area) -> None:
    headers = HEADERS[kind]
    make = _PROJECT[kind]
    traits = TRAITS[kind]
    rng = area.rng
    with path.open("w", encoding="utf-8", newline="", buffering=1 << 20) as fh:
        fh.write(_csv_line(headers))
        written = project = 0
        while written < rows:
            trait = traits[(project // FLAG_EVERY) % len(traits)] if project % FLAG_EVERY == FLAG_EVERY // 2 else None
            for notice in make(area, project, trait):
                line = _csv_line([notice.get(h, "") for h in headers])
                copies = [line]
                draw = rng.random()
                if draw < DUPLICATE_SHARE:
                    copies.append(line)
                elif draw < DUPLICATE_SHARE + REVISED_SHARE:  # body is the last column
                    copies.append(line[:-2] + "\n（本公告内容已于原发布日修订：补充联系人及联系方式。）\"\n")
                for text in copies:
                    if written >= rows:
                        return
                    fh.write(text)
                    written += 1
            project += 1


def _csv_line(fields: list[str] | tuple[str, ...]) -> str:
    """One CSV record, every field quoted (RFC 4180): several times faster than ``csv.writer``,
    whose per-character scan of the long bodies was half the generation time."""
    line = '","'.join(fields)
    if line.count('"') != 2 * (len(fields) - 1):  # a field has a quote of its own: double it
        line = '","'.join(f.replace('"', '""') for f in fields)
    return f'"{line}"\n'


# -- pools ---------------------------------------------------------------------------------------------


@dataclass
class _Pools:
    regions: list[tuple[str, str, str, str]]  # (code, local name, place word, province short name)
    centres: list[str]  # per region: the 公共资源交易中心 that publishes
    buyers: list[tuple[str, str, int]]  # (name, uscc, region index)
    agents: list[tuple[str, str]]  # (name, project-number code)
    suppliers: dict[str, list[tuple[str, str]]]  # pool → (name, uscc): winners, builders, developers …
    items: list[tuple[str, str, int, int]]  # (item, 品目, budget range in 万元)
    works: list[str]  # tender works, placeholders filled
    days: list[str]
    times: list[str]
    managers: list[str]
    paragraphs: list[str]  # boilerplate paragraphs, chosen per notice
    appendices: list[str]  # long appendices

    @classmethod
    def draw(cls, rng: random.Random) -> _Pools:
        by_province = places_by_province()
        places = [p for prov in sorted(by_province) for p in by_province[prov] if p.level == "county"]
        chosen = rng.sample(places, min(REGIONS, len(places)))
        regions = [(p.code, p.local, p.word, PROVINCES[p.code[:2]][0]) for p in chosen]
        centres = [f"{p.prefecture}公共资源交易中心" for p in chosen]
        buyers = []
        for i in range(PARTIES):
            code, local, _w, _p = regions[i % len(regions)]
            buyers.append((local + rng.choice((*BUREAUS, "人民医院", "第一中学", "中医医院")),
                           make_uscc(rng, code, rng.choice(("11", "12"))), i % len(regions)))
        agents = []
        for i in range(AGENTS):
            word = regions[i % len(regions)][2]
            agents.append((f"{word}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{rng.choice(AGENT_FORMS)}",
                           "".join(rng.choice("ABCDEFGHJKLMNPQRSTWXYZ") for _ in range(4))))
        trades = {
            "winners": (*IT_TRADES, *PROPERTY_TRADES, "医疗器械", "家具", "教育装备", "保安服务"),
            "builders": INDUSTRIES["tender"], "developers": INDUSTRIES["land"],
            "miners": INDUSTRIES["mining"], "investors": INDUSTRIES["state_asset"],
        }
        suppliers: dict[str, list[tuple[str, str]]] = {}
        for pool, words in trades.items():
            seen: set[str] = set()
            members = []
            for i in range(PARTIES):
                code, _l, word, _p = regions[(i * 7) % len(regions)]
                name = f"{word}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{rng.choice(words)}有限公司"
                if name not in seen:  # one company, one code
                    seen.add(name)
                    members.append((name, make_uscc(rng, code)))
            suppliers[pool] = members
        soes = []
        for i in range(PARTIES // 3):
            code, local, _w, _p = regions[i % len(regions)]
            soes.append((f"{local}{rng.choice(SOE_FORMS)}", make_uscc(rng, code)))
        suppliers["soes"] = soes
        items = [(it, cat, lo, hi) for group in BUYER_TYPES.values() for it, cat, lo, hi, _t in group]
        works = [w.format(road=rng.choice(ROADS), town=rng.choice(TOWNS), village=rng.choice(VILLAGES))
                 for w, _o in TENDER_WORKS for _ in range(4)]
        days = [f"{FIRST_DAY + timedelta(days=d):%Y-%m-%d}" for d in range(DAYS)]
        times = [f"{h:02d}:{m:02d}" for h in range(8, 18) for m in (0, 15, 30, 45)]
        managers = [f"{s}{g}" for s in "王李张刘陈杨赵黄周吴" for g in ("建国", "志强", "海涛", "晓明", "丽华", "卫东")]
        return cls(regions, centres, buyers, agents, suppliers, items, works, days, times, managers,
                   list(PARAGRAPHS), _appendices())


PARAGRAPHS = (
    "一、申请人的资格要求：具有独立承担民事责任的能力；具有良好的商业信誉和健全的财务会计制度；具有履行合同所必需的"
    "设备和专业技术能力；有依法缴纳税收和社会保障资金的良好记录；参加本次活动前三年内，在经营活动中没有重大违法记录。"
    "未被列入“信用中国”网站失信被执行人、重大税收违法失信主体名单。",
    "二、获取文件：时间为本公告发布之日起五个工作日内，每天上午09:00至12:00、下午14:00至17:00（北京时间，法定节假日除外）；"
    "方式为登录公共资源交易平台在线获取，不接受现场领取；售价0元。潜在申请人应在获取文件后及时关注澄清、修改信息。",
    "三、提交文件截止时间、开启时间和地点：详见交易文件。电子投标（响应）文件须在截止时间前通过交易系统上传，"
    "逾期上传或未按要求加密的，交易系统将予以拒收。开启时间与截止时间相同，各申请人可远程参加开启。",
    "四、公告期限：自本公告发布之日起五个工作日。本公告同时在中国政府采购网、省公共资源交易平台发布，"
    "其他媒介转载的以上述平台发布的为准。",
    "五、其他补充事宜：本项目落实政府采购支持中小企业、促进残疾人就业、支持监狱企业发展等政策；"
    "节能产品、环境标志产品按规定予以优先采购。对本公告内容有异议的，可在法定期限内以书面形式提出。",
    "六、联系方式：对本次公告提出询问，请按以上方式联系。交易平台技术支持电话见平台首页；"
    "监督部门依法受理投诉，投诉人应在法定期限内提交投诉书及必要的证明材料。",
    "七、交易规则：竞买（投标）保证金须在截止时间前由申请人账户足额到账，以到账时间为准；"
    "保证金不计利息，未成交的在交易结束后五个工作日内原路退还，成交的按规定转为价款或履约担保。",
    "八、风险提示：申请人应自行踏勘现场，了解标的现状、权属及瑕疵情况；一经报名即视为完全了解并接受标的现状及"
    "本公告全部内容，交易结束后不得以不了解标的状况为由提出异议。",
)

_APPENDIX_CLAUSES = (
    "评审因素包括价格、技术方案、实施方案、售后服务、类似业绩及信誉等，各因素分值和评分细则以交易文件为准；",
    "技术方案应针对项目需求逐条响应，对关键指标提供检测报告或产品彩页等证明材料，未提供的按不满足处理；",
    "实施方案应包括组织架构、进度计划、质量保证措施、安全文明措施及应急预案，内容完整、措施具体的得满分；",
    "售后服务应明确响应时间、驻场人员、备品备件和培训安排，承诺不具体或与需求不符的不得分；",
    "类似业绩以近三年签订的合同为准，须提供合同关键页扫描件，同一合同不重复计算；",
    "报价超过最高限价或低于成本的，其投标（响应）无效；评审委员会认为报价明显偏低的，可要求其书面说明并提供证明材料；",
    "中标（成交）供应商应在规定时间内与采购人（招标人）签订合同，不得对交易文件确定的事项和投标文件作实质性修改；",
)


def _appendices() -> list[str]:
    out = []
    for shift in range(4):
        clauses = [f"（{i + 1}）{_APPENDIX_CLAUSES[(i + shift) % len(_APPENDIX_CLAUSES)]}" for i in range(40)]
        out.append("附件：评审办法及合同主要条款\n" + "\n".join(clauses))
    return out


def _weighted(values: Any, weights: tuple[int, ...]) -> tuple[Any, ...]:
    """A table in which each value appears ``weight`` times: one ``randrange`` picks from it
    (``random.choices`` costs five times more, and this is drawn on every project)."""
    return tuple(v for v, w in zip(values, weights, strict=True) for _ in range(w))


# Weighted draws (percent). Methods and bidder counts are the demo's (vocabulary.py), assumed.
_PROC_METHODS = _weighted(("公开招标", "竞争性磋商", "竞争性谈判", "询价", "单一来源", "邀请招标"), (50, 20, 8, 9, 10, 3))
_PROC_CORRECTIONS = _weighted((0, 1, 2), (60, 32, 8))
_TENDER_CORRECTIONS = _weighted((0, 1, 2), (55, 35, 10))
_LAND_METHODS = _weighted(("挂牌出让", "拍卖出让", "招标出让"), (75, 20, 5))
_LAND_CORRECTIONS = _weighted((0, 1, 2), (70, 25, 5))
_LAND_BIDDERS = _weighted((1, 2, 3, 5, 8), (4, 30, 30, 24, 12))
_MINING_METHODS = _weighted(("挂牌", "拍卖", "招标", "协议出让"), (60, 22, 6, 12))
_MINING_BIDDERS = _weighted((1, 2, 3, 4, 6), (5, 30, 30, 20, 15))
_ASSET_METHODS = _weighted(("网络竞价", "动态报价", "拍卖", "招投标"), (55, 25, 12, 8))
_ASSET_BIDDERS = _weighted((1, 2, 3, 5), (6, 40, 34, 20))


# -- one area's stream ---------------------------------------------------------------------------------


class _Area:
    """One area's random stream over the shared pools, with the helpers its projects use."""

    def __init__(self, rng: random.Random, pools: _Pools) -> None:
        self.rng = rng
        self.p = pools

    def at(self, day: int) -> str:
        return f"{self.p.days[day]} {self.p.times[self.rng.randrange(len(self.p.times))]}"

    def pick(self, table: tuple[Any, ...]) -> Any:
        return table[self.rng.randrange(len(table))]

    def party(self, pool: str) -> tuple[str, str]:
        members = self.p.suppliers[pool]
        return members[int(len(members) * self.rng.random() ** 3)]  # a few frequent winners, a long tail

    def body(self, head: str, k: int) -> str:
        """``head`` then ``k`` boilerplate paragraphs (a long appendix on some announcements)."""
        rng, paras = self.rng, self.p.paragraphs
        start = rng.randrange(len(paras))
        parts = [head, *(paras[(start + i) % len(paras)] for i in range(k))]
        if k >= 4 and rng.random() < LONG_SHARE:
            parts.append(self.p.appendices[rng.randrange(len(self.p.appendices))])
        return "\n".join(parts)


def _procurement(a: _Area, n: int, trait: str | None) -> list[Row]:
    rng, p = a.rng, a.p
    buyer, buyer_uscc, ri = p.buyers[rng.randrange(len(p.buyers))]
    code = p.regions[ri][0]
    agent, acode = p.agents[int(len(p.agents) * rng.random() ** 2)]
    item, category, lo, hi = p.items[rng.randrange(len(p.items))]
    method = a.pick(_PROC_METHODS)
    if trait in ("single_bid", "short_period", "even_prices", "disq") and method == "单一来源":
        method = "公开招标"
    day = rng.randrange(START_SPAN_DAYS)
    name = f"{buyer}{item}采购项目"
    no = f"{acode}-{p.days[day][:4]}-{n:06d}"
    budget = rng.randrange(lo, hi + 1) * 10_000
    minimum = {"公开招标": 20, "邀请招标": 20, "竞争性磋商": 10}.get(method, 5)
    deadline = day + (rng.randint(max(1, minimum - 8), minimum - 1) if trait == "short_period"
                      else rng.randint(minimum + 1, minimum + 10))
    common = {"publisher": p.centres[ri], "region_code": code, "project_no": no, "project_name": name,
              "buyer": buyer, "buyer_uscc": buyer_uscc, "agent": agent, "method": method, "category": category}
    out: list[Row] = []
    if trait != "no_call":
        head = (f"{buyer}（采购人）委托{agent}（采购代理机构），就{name}采用{method}方式进行采购，现欢迎合格供应商参加。"
                f"项目编号：{no}；预算金额：{budget}.00元；采购品目：{category}；投标（响应）文件提交截止时间："
                f"{p.days[deadline]} 09:30。")
        out.append({**common, "notice_type": "announcement", "title": f"{name}{ANNOUNCEMENT_WORD[method]}",
                    "published_at": a.at(day), "budget": f"{budget}.00", "bid_deadline": f"{p.days[deadline]} 09:30",
                    "body": a.body(head, rng.randint(4, 7))})
        for k in range(a.pick(_PROC_CORRECTIONS)):
            day += 2 + 2 * k
            row: Row = {**common, "notice_type": "correction", "published_at": a.at(day),
                        "title": f"{name}{'第二次' if k else ''}更正公告"}
            if trait is None and rng.random() < 0.5:
                old, deadline = deadline, max(deadline, day) + rng.randint(5, 10)
                row["bid_deadline"] = f"{p.days[deadline]} 09:30"
                row["correction"] = f"投标（响应）文件提交截止时间由{p.days[old]} 09:30变更为{p.days[deadline]} 09:30。"
            else:
                old, budget = budget, budget // 100 * rng.choice((95, 98, 102, 105))
                row["budget"] = f"{budget}.00"
                row["correction"] = f"预算金额由{old}.00元调整为{budget}.00元，其他内容不变。"
            row["body"] = f"一、项目编号：{no}。二、更正事项：{row['correction']}\n" + p.paragraphs[5]
            out.append(row)
    winner, uscc = a.party("winners")
    award = (budget * 996 // 1000 if trait == "close_budget"
             else budget * rng.randint(97 if method == "单一来源" else 82, 98) // 100)
    bids = 1 if method == "单一来源" or trait == "single_bid" else rng.randint(3, 9)
    if trait == "disq":
        bids = rng.randint(3, 6)
    result_day = max(deadline, day) + (rng.randint(31, 50) if trait == "late_result" else rng.randint(2, 20))
    word = "中标" if method in ("公开招标", "邀请招标") else "成交"
    row = {**common, "notice_type": "result", "title": f"{name}{word}结果公告", "published_at": a.at(result_day),
           "lot": "第1包", "winner": winner, "winner_uscc": uscc, "award_amount": f"{award}.00", "bid_count": str(bids)}
    if trait in ("even_prices", "disq") or (bids >= 3 and rng.random() < 0.3):
        others = [a.party("winners")[0] for _ in range(2)]
        if trait == "disq":
            row |= {"candidates": winner, "candidate_prices": f"{award}.00"}
        else:
            second = award * 1002 // 1000 if trait == "even_prices" else award * rng.randint(102, 110) // 100
            third = second * rng.randint(101, 108) // 100
            row |= {"candidates": "；".join((winner, *others)),
                    "candidate_prices": "；".join(f"{x}.00" for x in (award, second, third))}
    row["body"] = (f"一、项目编号：{no}。二、项目名称：{name}。三、{word}信息：供应商名称：{winner}；{word}金额：{award}.00元；"
                   f"共收到投标（响应）文件{bids}份。四、主要标的信息：{item}，详见附件。\n"
                   + "\n".join(p.paragraphs[(n + i) % len(p.paragraphs)] for i in range(3)))
    out.append(row)
    if trait == "contract_up" or rng.random() < 0.15:
        amount = award * 105 // 100 if trait == "contract_up" else award
        signed = result_day + rng.randint(5, 25)
        out.append({**common, "notice_type": "contract", "title": f"{name}政府采购合同公告",
                    "published_at": a.at(signed + 1), "contract_amount": f"{amount}.00",
                    "contract_signed_at": p.days[signed], "winner": winner, "winner_uscc": uscc, "lot": "第1包",
                    "body": f"合同名称：{name}合同；合同金额：{amount}.00元；供应商：{winner}；签订日期：{p.days[signed]}。\n"
                            + p.paragraphs[4]})
    return out


def _tender(a: _Area, n: int, trait: str | None) -> list[Row]:
    rng, p = a.rng, a.p
    ri = rng.randrange(len(p.regions))
    code, local, _word, _prov = p.regions[ri]
    work = p.works[rng.randrange(len(p.works))]
    if rng.random() < 0.4:
        tenderer, t_uscc = a.party("soes")
    else:
        tenderer, t_uscc, _ri = p.buyers[rng.randrange(len(p.buyers))]
    agent, acode = p.agents[int(len(p.agents) * rng.random() ** 2)]
    method = "邀请招标" if rng.random() < 0.08 else "公开招标"
    day = rng.randrange(START_SPAN_DAYS)
    name = f"{local}{work}"
    no = f"{acode}{p.days[day][:4]}{n:07d}"
    estimate = rng.randrange(200, 30_000) * 10_000
    control = estimate * rng.randint(92, 99) // 100
    deadline = day + (rng.randint(12, 19) if trait == "short_period" else rng.randint(21, 30))
    common = {"publisher": p.centres[ri], "region_code": code, "project_no": no, "project_name": name,
              "tenderer": tenderer, "tenderer_uscc": t_uscc, "agent": agent, "method": method, "lot": "第一标段"}
    out: list[Row] = []
    if trait != "no_call":
        funding = rng.choice(FUNDING)
        head = (f"{name}已由有关部门批准建设，项目业主为{tenderer}，建设资金来自{funding}，项目已具备招标条件，"
                f"现对该项目的施工进行{method}。招标编号：{no}；估算价：{estimate}.00元；招标控制价：{control}.00元；"
                f"投标截止时间（开标时间）：{p.days[deadline]} 09:00。")
        out.append({**common, "notice_type": "announcement", "title": f"{name}施工招标公告", "published_at": a.at(day),
                    "funding": funding, "estimate": f"{estimate}.00", "control_price": f"{control}.00",
                    "duration_days": str(rng.choice((180, 240, 365, 540, 730))), "quality": rng.choice(QUALITY),
                    "bid_deadline": f"{p.days[deadline]} 09:00", "body": a.body(head, rng.randint(4, 7))})
        for k in range(a.pick(_TENDER_CORRECTIONS)):
            day += 3 + 2 * k
            row: Row = {**common, "notice_type": "correction", "published_at": a.at(day),
                        "title": f"{name}{'第二次' if k else ''}澄清（变更）公告"}
            if trait is None and rng.random() < 0.6:
                old, deadline = deadline, max(deadline, day) + rng.randint(5, 15)
                row["bid_deadline"] = f"{p.days[deadline]} 09:00"
                row["correction"] = f"开标时间由{p.days[old]} 09:00延期至{p.days[deadline]} 09:00。"
            else:
                old, control = control, control // 100 * rng.choice((97, 99, 101))
                row["control_price"] = f"{control}.00"
                row["correction"] = f"招标控制价由{old}.00元调整为{control}.00元。"
            row["body"] = f"招标编号：{no}。变更内容：{row['correction']}其他内容不变。\n" + p.paragraphs[6]
            out.append(row)
    bids = 1 if trait == "single_bid" else rng.randint(3, 12)
    names = [a.party("builders") for _ in range(3)]
    award = control * 996 // 1000 if trait == "close_budget" else control * rng.randint(85, 98) // 100
    second = award * 1003 // 1000 if trait == "even_prices" else award * rng.randint(101, 106) // 100
    prices = (award, second, second * rng.randint(101, 105) // 100)
    shown = names[:1] if trait in ("disq", "single_bid") else names
    cand_day = max(deadline, day) + (rng.randint(31, 45) if trait == "late_result" else rng.randint(3, 10))
    cand: Row = {**common, "notice_type": "candidates", "title": f"{name}中标候选人公示", "published_at": a.at(cand_day),
                 "bid_count": str(bids), "candidates": "；".join(x[0] for x in shown),
                 "candidate_prices": "；".join(f"{x}.00" for x in prices[:len(shown)]),
                 "body": (f"开标时间：{p.days[deadline]} 09:00；共有{bids}家单位投标。第一中标候选人：{names[0][0]}，"
                          f"投标报价：{award}.00元。公示期：三日。\n" + p.paragraphs[(n + 3) % len(p.paragraphs)])}
    out.append(cand)
    winner, w_uscc = names[0]
    manager = p.managers[rng.randrange(len(p.managers))]
    out.append({**common, "notice_type": "result", "title": f"{name}中标结果公告", "published_at": a.at(cand_day + 4),
                "winner": winner, "winner_uscc": w_uscc, "award_amount": f"{award}.00", "project_manager": manager,
                "body": (f"根据评标委员会推荐和公示结果，确定{winner}为{name}的中标人，中标价：{award}.00元，"
                         f"项目经理：{manager}。\n" + p.paragraphs[(n + 5) % len(p.paragraphs)])})
    return out


# Land uses of the big corpus: (use, term, yuan per m² range, plot ratio cap, market use). Market uses
# go by tender, auction or listing; the others (allowed by agreement) by agreement.
_LAND = (("工业用地", "50", (180, 650), "2.0", True), ("城镇住宅用地", "70", (2500, 22000), "3.0", True),
         ("商务金融用地", "40", (1800, 9000), "4.0", True), ("零售商业用地", "40", (1500, 8000), "2.5", True),
         ("仓储用地", "50", (200, 500), "1.5", True), ("科研用地", "50", (300, 900), "2.0", False),
         ("医疗卫生用地", "50", (300, 1200), "2.0", False))
_LAND_USE_AT = _weighted(range(7), (34, 24, 8, 8, 8, 10, 8))


def _land(a: _Area, n: int, trait: str | None) -> list[Row]:
    rng, p = a.rng, a.p
    ri = rng.randrange(len(p.regions))
    code, local, _word, _prov = p.regions[ri]
    use, term, (ulo, uhi), cap, market = _LAND[a.pick(_LAND_USE_AT)]
    if trait == "agreement_market":
        use, term, (ulo, uhi), cap, market = _LAND[0]
        method = "协议出让"
    elif trait in ("below_bench",):
        use, term, (ulo, uhi), cap, market = _LAND[5]
        method = "协议出让"
    elif not market:
        method = "协议出让"
    elif trait in ("short_listing", "short_notice", "single_bidder"):
        method = "挂牌出让"
    else:
        method = a.pick(_LAND_METHODS)
    day = rng.randrange(START_SPAN_DAYS)
    year = p.days[day][:4]
    parcel = f"{local}{'协' if method == '协议出让' else '挂'}{year}-{n:06d}号"
    area_c = rng.randrange(5_000_00, 120_000_00)  # hundredths of m²: 0.5 to 12 ha
    unit = rng.randint(ulo, uhi)
    start_price = unit * area_c // 100 // 10_000 * 10_000 or 10_000
    bench = unit * 100 // rng.randint(75, 120)
    if trait == "below_bench":
        bench = unit * 100 // 55
    grantor = f"{local}自然资源局"
    name = f"{local}{parcel}地块"
    common = {"publisher": grantor, "region_code": code, "parcel_no": parcel, "project_name": name,
              "location": f"{local}{rng.choice(TOWNS)}{rng.choice(ROADS)}以{rng.choice('东南西北')}",
              "area_m2": f"{area_c // 100}.{area_c % 100:02d}", "land_use": use, "supply_method": method,
              "grantor": grantor}
    out: list[Row] = []
    lead = rng.randint(10, 18) if trait == "short_notice" else rng.randint(20, 26)
    ls = day + lead
    le = ls + (rng.randint(5, 8) if trait == "short_listing" else rng.randint(10, 14))
    if trait != "no_call":
        listing = {"listing_start": f"{p.days[ls]} 09:00", "listing_end": f"{p.days[le]} 15:00"} \
            if method == "挂牌出让" else ({"listing_start": f"{p.days[ls]} 10:00"} if method != "协议出让" else {})
        head = (f"经{local}人民政府批准，{grantor}决定以{method}方式出让{parcel}地块国有建设用地使用权。宗地面积"
                f"{area_c // 100}.{area_c % 100:02d}平方米，土地用途{use}，出让年限{term}年，容积率1.0至{cap}，"
                f"起始价{start_price}.00元，所在级别基准地价{bench}元/平方米。")
        out.append({**common, "notice_type": "announcement", "published_at": a.at(day),
                    "title": f"{grantor}国有建设用地使用权{'协议出让公示' if method == '协议出让' else method + '公告'}",
                    "term_years": term, "plot_ratio_min": "1.0", "plot_ratio_max": cap,
                    "land_grade": LAND_GRADES[rng.randrange(len(LAND_GRADES))], "benchmark_price": f"{bench}.00",
                    "starting_price": f"{start_price}.00", **listing, "body": a.body(head, rng.randint(4, 7))})
        for k in range(a.pick(_LAND_CORRECTIONS)):
            day += 2 + 2 * k
            row: Row = {**common, "notice_type": "correction", "published_at": a.at(day),
                        "title": f"关于{parcel}地块出让公告的{'第二次' if k else ''}补充公告"}
            if trait is None and method == "挂牌出让":
                old, le = le, le + rng.randint(3, 7)
                row["listing_end"] = f"{p.days[le]} 15:00"
                row["correction"] = f"挂牌截止时间由{p.days[old]} 15:00调整为{p.days[le]} 15:00。"
            else:
                row["correction"] = "竞买申请截止时间、保证金到账截止时间以交易系统显示为准，其他内容不变。"
            row["body"] = f"{parcel}地块更正事项：{row['correction']}\n" + p.paragraphs[7]
            out.append(row)
    bidders = 1 if method == "协议出让" or trait == "single_bidder" else a.pick(_LAND_BIDDERS)
    if method == "协议出让" or bidders == 1:
        price = start_price
    else:
        price = start_price * rng.randint(101, 160) // 100
    holder, h_uscc = a.party("developers")
    deal_day = max(le, day) + rng.randint(1, 6)
    out.append({**common, "notice_type": "result", "published_at": a.at(deal_day),
                "title": f"{grantor}国有建设用地使用权出让结果公示", "bidder_count": str(bidders), "price": f"{price}.00",
                "holder": holder, "holder_uscc": h_uscc, "contract_date": p.days[deal_day + rng.randint(3, 10)],
                "body": (f"{parcel}地块经{method}，由{holder}竞得，成交价{price}.00元，竞买人{bidders}个。"
                         f"公示期五个工作日。\n" + p.paragraphs[(n + 2) % len(p.paragraphs)])})
    return out


_GROUNDS = ("已设采矿权深部或上部的同类矿产资源，与原矿业权属同一主体", "国务院批准的重点建设项目配套矿产资源",
            "与已设采矿权相邻、毗邻的零星资源整合")


def _mining(a: _Area, n: int, trait: str | None) -> list[Row]:
    rng, p = a.rng, a.p
    ri = rng.randrange(len(p.regions))
    code, local, word, _prov = p.regions[ri]
    mineral, right, (klo, khi), (plo, phi), scale = MINERALS[rng.randrange(len(MINERALS))]
    method = "协议出让" if trait == "agreement_ground" else (
        "挂牌" if trait == "one_bidder" else a.pick(_MINING_METHODS))
    day = rng.randrange(START_SPAN_DAYS)
    area = rng.randint(int(klo * 100), int(khi * 100)) * 10_000  # m² (hundredths of km²)
    start_price = rng.randint(plo, phi) * 10_000
    mine = f"{local}{rng.choice(('大坪', '石门', '黄岭', '青龙', '白沙', '龙潭'))}{mineral}{'勘查' if right == '探矿权' else '矿'}"
    grantor = f"{local}自然资源局"
    no = f"{word}{'探' if right == '探矿权' else '采'}{p.days[day][:4]}-{n:05d}"
    common = {"publisher": grantor, "region_code": code, "project_no": no, "project_name": f"{mine}{right}出让",
              "right_type": right, "mineral": mineral, "mine_name": mine, "area_m2": f"{area}.00", "method": method,
              "grantor": grantor}
    ground = ("企业生产经营需要，申请扩大矿区范围" if trait == "agreement_ground"
              else _GROUNDS[rng.randrange(len(_GROUNDS))]) if method == "协议出让" else ""
    out: list[Row] = []
    if trait != "no_call":
        head = (f"根据矿业权出让有关规定，{grantor}以{method}方式出让{mine}{right}。矿种：{mineral}；面积：{area}平方米；"
                f"出让收益起始价：{start_price}.00元。" + (f"协议出让理由：{ground}。" if ground else ""))
        out.append({**common, "notice_type": "announcement", "published_at": a.at(day),
                    "title": f"{mine}{right}{'协议出让公示' if method == '协议出让' else method + '出让公告'}",
                    "starting_price": f"{start_price}.00",
                    "exploration_stage": rng.choice(("普查", "详查", "勘探")) if right == "探矿权" else "",
                    "production_scale": scale.format(n=rng.choice((5, 10, 30, 60, 100))) if scale else "",
                    "agreement_ground": ground, "body": a.body(head, rng.randint(4, 6))})
        if rng.random() < 0.25:
            day += 3
            corr = "出让收益缴纳方式调整为分期缴纳，首期缴纳比例不低于20%。"
            out.append({**common, "notice_type": "correction", "published_at": a.at(day),
                        "title": f"{mine}{right}出让公告更正公告", "correction": corr,
                        "body": f"更正事项：{corr}\n" + p.paragraphs[7]})
    bidders = 1 if method == "协议出让" or trait == "one_bidder" else a.pick(_MINING_BIDDERS)
    deal = start_price if bidders == 1 else start_price * rng.randint(105, 220) // 100
    taker, t_uscc = a.party("miners")
    deal_day = day + rng.randint(22, 40)
    out.append({**common, "notice_type": "result", "published_at": a.at(deal_day),
                "title": f"{mine}{right}出让结果公示", "bidder_count": str(bidders), "deal_price": f"{deal}.00",
                "transferee": taker, "transferee_uscc": t_uscc, "deal_date": p.days[deal_day - 1],
                "body": (f"{mine}{right}经{method}，由{taker}竞得，成交价{deal}.00元，竞买人{bidders}个。\n"
                         + p.paragraphs[(n + 1) % len(p.paragraphs)])})
    return out


def _state_asset(a: _Area, n: int, trait: str | None) -> list[Row]:
    rng, p = a.rng, a.p
    soe, s_uscc = a.party("soes")
    ri = rng.randrange(len(p.regions))
    code, local, _word, prov = p.regions[ri]
    things = (f"位于{local}{rng.choice(ROADS)}的商业用房", f"{soe}所属{rng.randint(3, 20)}辆公务车辆",
              f"{soe}废旧生产设备一批", f"{local}{rng.choice(TRADE_NAMES)}实业有限公司{rng.choice((20, 35, 51, 100))}%股权")
    target = things[rng.randrange(len(things))]
    method = a.pick(_ASSET_METHODS)
    day = rng.randrange(START_SPAN_DAYS)
    appraised = rng.randint(20, 8000) * 10_000
    count, listing, approval = 1, appraised, f"{local}国有资产监督管理委员会"
    if trait == "below_appraisal":
        count, listing = 2, appraised * 92 // 100  # a second listing at 92 %, approved: only S-BELOWAPPRAISAL
    elif trait == "discount90":
        count, listing, approval = 2, appraised * 80 // 100, ""
    ls = day + 1
    le = ls + (rng.randint(10, 20) if trait == "short_listing" else rng.randint(30, 40))
    exchange = f"{prov}产权交易所"
    no = f"{PROVINCES[code[:2]][1]}{p.days[day][:4]}{'GQ' if '股权' in target else 'ZC'}{n:06d}"
    common = {"publisher": exchange, "region_code": code, "project_no": no, "project_name": target, "target": target,
              "transferor": soe, "transferor_uscc": s_uscc, "method": method, "exchange": exchange}
    out: list[Row] = []
    if trait != "no_call":
        head = (f"受{soe}委托，{exchange}对{target}进行公开挂牌转让。转让标的评估值：{appraised}.00元；"
                f"挂牌价格：{listing}.00元；信息披露期：{p.days[ls]}至{p.days[le]}。转让行为已经{approval or '转让方'}批准。")
        out.append({**common, "notice_type": "announcement", "published_at": a.at(day),
                    "title": f"{target}{'第二次' if count > 1 else ''}转让公告", "appraised_value": f"{appraised}.00",
                    "listing_price": f"{listing}.00", "listing_start": p.days[ls], "listing_end": p.days[le],
                    "listing_count": str(count), "approving_authority": approval,
                    "body": a.body(head, rng.randint(4, 6))})
        if trait is None and rng.random() < 0.2:
            old, le = le, le + 10
            day += 5
            corr = f"信息披露截止日期由{p.days[old]}延长至{p.days[le]}。"
            out.append({**common, "notice_type": "correction", "published_at": a.at(day),
                        "title": f"{target}转让公告变更公告", "listing_end": p.days[le], "correction": corr,
                        "body": f"变更内容：{corr}其他内容不变。\n" + p.paragraphs[6]})
    bidders = 1 if trait == "single" else a.pick(_ASSET_BIDDERS)
    deal = listing if bidders == 1 else listing * rng.randint(101, 150) // 100
    if trait in ("below_appraisal", "discount90"):
        deal = listing
    taker, t_uscc = a.party("investors")
    deal_day = le + rng.randint(3, 12)
    out.append({**common, "notice_type": "result", "published_at": a.at(deal_day), "title": f"{target}交易结果公告",
                "bidder_count": str(bidders), "deal_price": f"{deal}.00", "transferee": taker,
                "transferee_uscc": t_uscc, "deal_date": p.days[deal_day - 1],
                "body": (f"{target}经{method}，由{taker}受让，成交金额{deal}.00元，征集到意向受让方{bidders}个。\n"
                         + p.paragraphs[(n + 4) % len(p.paragraphs)])})
    return out


_PROJECT: dict[Kind, Callable[[_Area, int, Any], list[Row]]] = {
    Kind.procurement: _procurement, Kind.tender: _tender, Kind.land: _land, Kind.mining: _mining,
    Kind.state_asset: _state_asset,
}
