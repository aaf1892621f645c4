"""One big CSV of procurement notices for the submission benchmark (precomputed pools).

The five-area corpus of the scale benchmark (one CSV per area, lifecycles, corrections,
duplicates, long bodies, red flags both ways) is :func:`generate_big_corpus`, in
:mod:`demo.generate.big_corpus`, re-exported here."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from demo.generate.big_corpus import AREA_SHARES, generate_big_corpus, split_rows
from demo.generate.places import places_by_province
from demo.generate.values import make_uscc
from demo.generate.vocabulary import (
    AGENT_FORMS,
    ANNOUNCEMENT_WORD,
    BIG_AGENTS,
    BIG_BUYERS,
    BIG_CSV_HEADERS,
    BIG_REGIONS,
    BIG_WINNERS,
    BUREAUS,
    BUYER_TYPES,
    DEFAULT_SEED,
    FIRST_DAY,
    IT_TRADES,
    PROCUREMENT_METHODS,
    PROPERTY_TRADES,
    START_SPAN_DAYS,
    TRADE_NAMES,
)

__all__ = ["AREA_SHARES", "generate_big_corpus", "generate_big_csv", "split_rows"]

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
    places = [p for prov in sorted(places_by_province()) for p in places_by_province()[prov] if p.level == "county"]
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
        name = f"{home.word}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{rng.choice(IT_TRADES + PROPERTY_TRADES + ('医疗器械', '家具'))}有限公司"
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
