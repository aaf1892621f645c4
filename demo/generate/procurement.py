"""The procurement lifecycle: 采购公告 → [更正] → 中标/成交结果 → 合同, or 终止/废标."""

from __future__ import annotations

import random
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from demo.generate.cells import yuan_text
from demo.generate.places import Place
from demo.generate.values import LotValue, Org, PlannedNotice, PlannedProject, Stage, fen_of
from demo.generate.vocabulary import (
    ANNOUNCEMENT_WORD,
    BUREAUS,
    BUYER_TYPES,
    PROCUREMENT_FAILURES,
    PROCUREMENT_METHODS,
    PROVINCES,
)
from demo.generate.world import World, at_work_hours, first_notice_at, scaled, yuan_between
from models.codelists import NoticeType
from models.normalize.amounts import fen_to_yuan

# -- procurement ------------------------------------------------------------------------------------

# A buyer that buys again from its supplier, and a tender corrected twice: every REPEAT_EVERY-th
# completed procurement whose province and buyer type were seen before goes to the same buyer and
# the same winner; every DOUBLE_CORRECTION_EVERY-th correction is followed by a second one. Counted,
# not drawn, so the random stream (and the rest of the demo) stays the same for a seed.
REPEAT_EVERY = 3
DOUBLE_CORRECTION_EVERY = 3


@dataclass
class _Award:
    place: Place
    buyer: Org
    item: tuple
    winner: Org


@dataclass
class _Memory:
    awards: dict[tuple[str, str], _Award]
    seen: int = 0
    corrections: int = 0


_MEMORY: weakref.WeakKeyDictionary[World, _Memory] = weakref.WeakKeyDictionary()


def _memory(world: World) -> _Memory:
    if world not in _MEMORY:
        _MEMORY[world] = _Memory({})
    return _MEMORY[world]



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
                        max_lots: int = 1, buyer_of: tuple[Org, str] | None = None, item_of: tuple | None = None,
                        winner_of: Org | None = None, start_at: datetime | None = None) -> PlannedProject:
    """采购公告 → [更正] → 中标/成交结果 → [合同], or 废标/终止.

    ``buyer_of`` (organisation and buyer type), ``item_of`` (an entry of BUYER_TYPES), ``winner_of``
    and ``start_at`` replace the drawn buyer, item, first lot's winner and first day (the same draws
    are made)."""
    rng = world.rng
    flags = world.flag_rng(uid)
    buyer, btype = _buyer(world, place)
    buyer, btype = buyer_of or (buyer, btype)
    chosen = rng.choice(BUYER_TYPES[btype])
    chosen = item_of or chosen
    memory = _memory(world)
    again = memory.awards.get((place.province2, btype)) if fate == "complete" else None
    if again is not None:
        memory.seen += 1
        if memory.seen % REPEAT_EVERY:
            again = None
    item, category, b_lo, b_hi, trades = chosen
    home = place  # where the buyer is: a repeat buyer keeps its own county
    if again is not None:  # the same buyer buys the same kind of thing again; every random draw stays as it was,
        # so the projects generated after this one (and the portal's pages of them) do not move
        buyer, item, category, home = again.buyer, again.item[0], again.item[1], again.place
    method = rng.choices([m for m, _ in PROCUREMENT_METHODS], [w for _, w in PROCUREMENT_METHODS])[0]
    if fate != "complete" and method == "单一来源":
        method = "公开招标"
    agent, code = world.agent(place)
    start = first_notice_at(rng)
    start = start_at or start
    year = start.year
    project_no = _procurement_no(world, place, code, year, numbering)
    name = f"{buyer.name}{item}{'续购' if again is not None else ''}采购项目"
    budget = yuan_between(rng, b_lo * 10_000, b_hi * 10_000, 100)
    n_lots = rng.choice(range(2, max_lots + 1)) if max_lots > 1 and rng.random() < 0.3 else 1
    lot_budgets = _share(budget, n_lots, rng)
    lots = [LotValue(f"第{i + 1}包" if n_lots > 1 or rng.random() < 0.6 else "1", b)
            for i, b in enumerate(lot_budgets)]
    method_text = "单一来源采购" if method == "单一来源" and rng.random() < 0.5 else method
    common = {"region_code": home.code, "project_no": project_no, "project_name": name, "buyer": buyer.name,
              "agent": agent.name, "publisher": agent.name}
    numbered = numbering != "beijing"
    nos = _notice_numbers(world, numbering)
    deadline = at_work_hours(start, rng, (20, 25) if method in ("公开招标", "邀请招标") else (10, 14)).replace(minute=30)
    if world.alter and method in ("公开招标", "竞争性磋商") and world.nth("procurement:period") % 6 == 5:
        # a submission period shorter than the legal 20 (磋商: 10) days (P-SHORTPERIOD)
        deadline -= timedelta(days=flags.randint(6, 9) if method == "公开招标" else flags.randint(5, 6))
    announce = {
        **common, "buyer_uscc": buyer.uscc, "budget": budget, "method": method_text, "category": category,
        "bid_deadline": deadline, "published_at": start, "notice_no": nos(start) if numbered else None,
        "title": f"{name}{ANNOUNCEMENT_WORD[method]}",
        "lots": [LotValue(lot.name, lot.budget) for lot in lots] if n_lots > 1 else None,
        "body": _procurement_body(buyer.name, agent.name, name, project_no, method, budget, deadline),
    }
    if rng.random() < 0.2:
        announce["ceiling_price"] = budget
    rows = [PlannedNotice(f"{uid}-0", Stage(NoticeType.announcement, "采购公告"), announce)]
    when = start
    if rng.random() < 0.35:
        when = at_work_hours(when, rng, (3, 8))
        change: dict[str, Any]
        if rng.random() < 0.5:
            budget = scaled(budget, rng, 0.85, 1.15, 100 * 100)
            change = {"budget": budget}
        else:
            deadline = deadline + timedelta(days=7)
            change = {"bid_deadline": deadline}
        rows.append(PlannedNotice(f"{uid}-1", Stage(NoticeType.correction, "更正公告"),
                        {**common, **change, "published_at": when, "title": f"{name}更正公告",
                         "notice_no": nos(when) if numbered else None,
                         "corrects": announce["notice_no"]}))
        memory.corrections += 1
        if memory.corrections % DOUBLE_CORRECTION_EVERY == 0:  # a second correction: the deadline again
            when = when + timedelta(days=2)
            deadline = deadline + timedelta(days=7)
            rows.append(PlannedNotice(f"{uid}-1b", Stage(NoticeType.correction, "更正公告"),
                            {**common, "bid_deadline": deadline, "published_at": when,
                             "title": f"{name}第二次更正公告",
                             # the first correction's number with a suffix: no serial drawn, so nothing after moves
                             "notice_no": f"{rows[-1].values['notice_no']}-2" if numbered else None,
                             "corrects": announce["notice_no"]}))
    after = deadline + timedelta(days=rng.randint(1, 6))
    after = after.replace(hour=rng.randint(9, 17))
    if world.alter and fate == "complete" and world.nth("procurement:late") % 7 == 6:
        after += timedelta(days=flags.randint(30, 45))  # a result published late (P-LATERESULT)
    if fate == "terminated":
        word = rng.choice(("废标", "终止"))
        rows.append(PlannedNotice(f"{uid}-9", Stage(NoticeType.termination, f"{word}公告"),
                        {**common, "failure_reason": rng.choice(PROCUREMENT_FAILURES), "published_at": after,
                         "title": f"{name}{word}公告", "notice_no": nos(after) if numbered else None}))
        return PlannedProject(uid, place, rows)
    if fate == "open":
        return PlannedProject(uid, place, rows)
    single = method == "单一来源" or rng.random() < 0.06
    bid_count = 1 if single else rng.randint(3, 9)
    awarded: list[LotValue] = []
    for lot in lots:
        lot_budget = lot.budget or budget
        low = 0.97 if single else 0.82
        winners = [(world.winner(trades, place), scaled(lot_budget, rng, low, 0.995))]
        if method == "框架协议" and not single:
            winners.append((world.winner(trades, place), scaled(lot_budget, rng, low, 0.995)))
        if again is not None and not awarded:
            winners[0] = (again.winner, winners[0][1])  # the buyer's supplier wins again
        if winner_of is not None and not awarded:
            winners[0] = (winner_of, winners[0][1])
        awarded.append(LotValue(lot.name, lot.budget if n_lots > 1 else None, winners))
    memory.awards[(place.province2, btype)] = _Award(home, buyer, (item, category, *chosen[2:]), awarded[0].winners[0][0])
    result_word = "中标" if method in ("公开招标", "邀请招标") else "成交"
    rows.append(PlannedNotice(f"{uid}-2", Stage(NoticeType.result, f"{result_word}公告"),
                    {**common, "method": method_text, "bid_count": bid_count, "lots": awarded,
                     "published_at": after, "notice_no": nos(after) if numbered else None,
                     "title": f"{name}（项目编号：{project_no}）{result_word}结果公告"}))
    if rng.random() < 0.85:
        signed = at_work_hours(after, rng, (7, 20)).replace(second=rng.randint(0, 59))
        total = fen_to_yuan(sum(fen_of(a) for lot in awarded for _, a in lot.winners))
        if world.alter and world.nth("procurement:contract") % 5 == 4:  # a contract above the award (P-CONTRACTUP)
            total = fen_to_yuan(fen_of(total) * flags.randint(103, 110) // 100 // 100 * 100)
        published = at_work_hours(signed, rng, (1, 5))
        rows.append(PlannedNotice(f"{uid}-3", Stage(NoticeType.contract, "采购合同"),
                        {**common, "contract_amount": total, "contract_signed_at": signed,
                         "contract_term": rng.choice(("1年", "合同签订后30日内交货", "3年", "自合同签订之日起12个月")),
                         "published_at": published, "notice_no": nos(published) if numbered else None,
                         "title": f"{name}合同公告"}))
    return PlannedProject(uid, place, rows)


def _share(total: Decimal, n: int, rng: random.Random) -> list[Decimal]:
    if n == 1:
        return [total]
    cuts = sorted(rng.sample(range(1, 100), n - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    fens = [fen_of(total) * p // 100 // 100 * 100 for p in parts[:-1]]
    return [fen_to_yuan(f) for f in [*fens, fen_of(total) - sum(fens)]]


def _notice_numbers(world: World, numbering: str) -> Callable[[datetime], str]:
    def make(when: datetime) -> str:
        seq = world.next_serial()
        if numbering == "ccgp":
            return f"t{when:%Y%m%d}_{2_000_000 + seq * 13 % 8_000_000}"
        return f"SCZC-{when:%Y%m%d}-{seq % 100000:05d}"

    return make


def _procurement_body(buyer: str, agent: str, name: str, no: str, method: str, budget: Decimal,
                      deadline: datetime) -> str:
    return (f"项目概况：{name}的潜在供应商应在{agent}获取采购文件，并于{deadline:%Y年%m月%d日 %H:%M}（北京时间）前提交响应文件。"
            f"一、项目基本情况：项目编号：{no}；项目名称：{name}；采购方式：{method}；预算金额：{yuan_text(budget)}元。"
            f"二、申请人的资格要求：满足《中华人民共和国政府采购法》第二十二条规定；本项目不接受联合体。"
            f"三、对本次招标提出询问，请按以下方式联系：采购人：{buyer}；采购代理机构：{agent}。")
