"""The mining-right lifecycle: 出让公告 → [更正] → [成交公示] → 出让结果, or 终止."""

from __future__ import annotations

from datetime import timedelta

from demo.generate.land import land_bureau
from demo.generate.places import Place
from demo.generate.values import PlannedNotice, PlannedProject, Stage, area_m2, fen_of, money_wan
from demo.generate.vocabulary import (
    AGREEMENT_GROUNDS,
    EXPLORATION_STAGES,
    INDUSTRIES,
    MINERALS,
    MINING_METHODS,
    PROVINCES,
    VILLAGES,
)
from demo.generate.world import World, at_work_hours, first_notice_at, scaled
from models.codelists import NoticeType

# -- mining -------------------------------------------------------------------------------------


def mining_project(world: World, uid: str, place: Place, fate: str) -> PlannedProject:
    """出让公告 (or 协议出让公示) → [更正] → 出让结果公示, or 终止."""
    rng = world.rng
    mineral, right, (a_lo, a_hi), (p_lo, p_hi), scale = rng.choice(MINERALS)
    method = rng.choices([m for m, _ in MINING_METHODS], [w for _, w in MINING_METHODS])[0]
    if fate != "complete" and method == "协议出让":
        method = "挂牌"
    start = first_notice_at(rng)
    year = start.year
    village = rng.choice(VILLAGES)
    stage_word = rng.choice(EXPLORATION_STAGES) if right == "探矿权" else None
    if right == "探矿权":
        mine = f"{place.province}{place.local}{village}{mineral}{stage_word}"
    else:
        mine = f"{place.local}{village}{mineral}矿"
    province = place.province
    grantor = f"{province}自然资源厅" if right == "探矿权" or rng.random() < 0.6 else land_bureau(place)
    area = area_m2(int(rng.uniform(a_lo, a_hi) * 10_000) * 10_000)
    starting = money_wan(rng.randint(p_lo, p_hi))
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
    rows: list[PlannedNotice] = []
    when = start
    winner = world.winner(INDUSTRIES["mining"], place)
    method_title = "协议出让公示" if method == "协议出让" else f"{method}出让公告"
    announce = {**common, **extra, "starting_price": starting, "published_at": when,
                "title": f"{grantor}{mine}{right}{method_title}"}
    if method == "协议出让":
        announce["transferee"] = winner.name
        # 符合协议出让规定的情形及理由: a legal case, none published, or a reason that is not one (M-AGREEMENT)
        ground = AGREEMENT_GROUNDS[world.nth("mining:agreement") % len(AGREEMENT_GROUNDS)]
        if ground:
            announce["agreement_ground"] = ground
    rows.append(PlannedNotice(f"{uid}-0", Stage(NoticeType.announcement, "出让公告"), announce))
    if rng.random() < 0.1:
        when = at_work_hours(when, rng, (3, 9))
        rows.append(PlannedNotice(f"{uid}-1", Stage(NoticeType.correction, "更正公告"),
                        {**common, "starting_price": scaled(starting, rng, 0.8, 0.95, 10**6), "published_at": when,
                         "title": f"关于{mine}{right}{method_title}的更正公告"}))
    if fate == "terminated":
        rows.append(PlannedNotice(f"{uid}-9", Stage(NoticeType.termination, "终止公告"),
                        {**common, "published_at": at_work_hours(when, rng, (7, 20)),
                         "title": f"关于终止{mine}{right}{method}出让的公告"}))
        return PlannedProject(uid, place, rows)
    if fate == "open":
        return PlannedProject(uid, place, rows)
    when = at_work_hours(when, rng, (20, 40))
    factor = 1.0 if method in ("挂牌", "协议出让") and rng.random() < 0.5 else rng.uniform(1.05, 2.4)
    deal = {"transferee": winner.name, "transferee_uscc": winner.uscc,
            "deal_price": money_wan(max(1, int(fen_of(starting) // 10**6 * factor))),
            "deal_date": (when - timedelta(days=rng.randint(1, 3))).date()}
    # 竞买人数: a deal at the starting price had one bidder (M-RESERVE). Only in the demo's files: the
    # imitation portal's platforms (ggzy and the ministry) print the same facts of a notice, and the
    # ministry's page has no place for it, as on the real site.
    if method != "协议出让" and world.alter:
        deal["bidder_count"] = 1 if factor == 1.0 else world.flag_rng(uid).randint(2, 9)
    if method != "协议出让":
        # The exchange publishes the 成交公示 right after the auction, the grantor the 出让结果公示 later.
        rows.append(PlannedNotice(f"{uid}-2", Stage(NoticeType.result, "成交公示"),
                        {**common, **deal, "published_at": when, "title": f"{mine}{right}{method}出让成交公示"}))
        when = at_work_hours(when, rng, (10, 25))
    rows.append(PlannedNotice(f"{uid}-3", Stage(NoticeType.result, "出让结果"),
                    {**common, **extra, **deal, "payment_mode": rng.choice(("一次性缴纳", "分期缴纳")),
                     "published_at": when, "title": f"{mine}{right}出让结果公示"}))
    return PlannedProject(uid, place, rows)
