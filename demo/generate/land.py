"""The land lifecycle: 出让公告 → [更正] → 成交公示 → 供地结果 (划拨: 供地结果 only)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from demo.generate.places import Place, short_name
from demo.generate.values import Org, PlannedNotice, PlannedProject, Stage, area_m2, fen_of, money_wan
from demo.generate.vocabulary import (
    BUREAUS,
    INDUSTRIES,
    LAND_GRADES,
    LAND_INDUSTRY,
    LAND_USES,
    METHOD_MARK,
    ROADS,
    TOWNS,
)
from demo.generate.world import World, at_work_hours, first_notice_at, scaled
from models.codelists import NoticeType

# -- land -------------------------------------------------------------------------------------


def land_bureau(place: Place) -> str:
    if place.level == "prefecture" or place.name == place.prefecture:
        return f"{place.name}自然资源局"
    if place.name.endswith("区"):
        return f"{place.prefecture}自然资源局{place.name[:-1]}分局"
    return f"{place.name}自然资源局"


def land_project(world: World, uid: str, place: Place, fate: str, *, use_of: str | None = None,
                 method_of: str | None = None, start_at: datetime | None = None) -> PlannedProject:
    """出让公告 (or 协议出让公示) → [更正] → 成交公示 → 供地结果; 划拨: 供地结果 only.

    ``use_of``, ``method_of`` and ``start_at`` replace the drawn use, method and first day (the
    same draws are made, so a forced project consumes the random stream as any other)."""
    rng = world.rng
    drawn = rng.choices(LAND_USES, [u[1] for u in LAND_USES])[0]
    if use_of is not None:
        drawn = next((u for u in LAND_USES if u[0] == use_of), (use_of, *LAND_USES[0][1:]))  # else industrial terms
    use, _, term, (ha_lo, ha_hi), (p_lo, p_hi), ratios, methods = drawn
    method = rng.choices([m for m, _ in methods], [w for _, w in methods])[0]
    method = method_of or method
    if fate != "complete" and method in ("划拨", "协议出让"):
        method = "挂牌出让"
    start = first_notice_at(rng)
    start = start_at or start
    year = start.year
    publisher = land_bureau(place)
    centi = int(rng.uniform(ha_lo, ha_hi) * 10_000) * 100 + rng.choice((0, 0, 25, 50, 75))
    area = area_m2(centi)
    mark = METHOD_MARK[method]
    parcel = f"{place.word[0]}{short_name(place.name)[0]}({mark})G{year}-{rng.randint(1, 68):02d}"
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
    rows: list[PlannedNotice] = []
    ratio_max = rng.choice(ratios)
    terms = {"term_years": term} if term else {}
    if method == "划拨":
        holder = world.public_body(f"{place.local}{rng.choice(BUREAUS[:7])}", place, "11")
        rows.append(_land_supply_result(world, uid, 0, start, common, holder, None, ratio_max, terms))
        return PlannedProject(uid, place, rows)
    unit_price = rng.randint(p_lo, p_hi)
    starting = money_wan(max(1, centi // 100 * unit_price // 10_000))
    announce = {
        **common, **terms, "plot_ratio_min": "1.0", "plot_ratio_max": ratio_max, "starting_price": starting,
    }
    title_no = f"{short_name(place.name)}自然资告字〔{year}〕{rng.randint(3, 60)}号"
    when = start
    holder = world.winner(INDUSTRIES["land"], place)
    flags = world.flag_rng(uid)
    if method == "协议出让":
        announce["holder"] = holder.name
        # 基准地价 of the parcel's grade: every other agreement is priced below 70 % of it (L-BELOWBENCH)
        share = Decimal(flags.randint(45, 65) if world.nth("land:benchmark") % 2 else flags.randint(75, 130)) / 100
        announce["benchmark_price"] = (starting / area / share).quantize(Decimal("1"))
        rows.append(PlannedNotice(f"{uid}-0", Stage(NoticeType.announcement, "出让公示"),
                        {**announce, "title": f"{publisher}国有建设用地使用权协议出让公示（{parcel}）",
                         "published_at": when}))
        price = starting
    else:
        announce |= _listing(world, flags, method, start)
        rows.append(PlannedNotice(f"{uid}-0", Stage(NoticeType.announcement, "出让公告"),
                        {**announce, "title": f"{publisher}国有建设用地使用权{method}公告（{title_no}）",
                         "published_at": when}))
        if rng.random() < 0.12:
            when = at_work_hours(when, rng, (3, 8))
            rows.append(PlannedNotice(f"{uid}-1", Stage(NoticeType.correction, "更正公告"),
                            {**common, "starting_price": scaled(starting, rng, 0.85, 0.95, 10**6),
                             "title": f"关于{parcel}地块国有建设用地使用权{method}公告的更正公告",
                             "published_at": when}))
        if fate == "terminated":
            rows.append(PlannedNotice(f"{uid}-9", Stage(NoticeType.termination, "终止公告"),
                            {**common, "title": f"关于终止{parcel}地块国有建设用地使用权{method}的公告",
                             "published_at": at_work_hours(when, rng, (8, 20))}))
            return PlannedProject(uid, place, rows)
        if fate == "open":
            return PlannedProject(uid, place, rows)
        premium = 1.0 if method == "挂牌出让" and rng.random() < 0.6 else rng.uniform(1.02, 1.6)
        price = money_wan(max(1, int(fen_of(starting) // 10**6 * premium)))
        when = at_work_hours(when, rng, (22, 35))
        # 竞买人数: a parcel sold at its starting price had one bidder (L-SINGLEBIDDER), a premium means several
        bidders = {"bidder_count": 1 if premium == 1.0 else flags.randint(2, 14)}
        rows.append(PlannedNotice(f"{uid}-2", Stage(NoticeType.result, "成交公示"),
                        {**common, "holder": holder.name, "holder_uscc": holder.uscc, "price": price, **bidders,
                         "title": f"{parcel}地块国有建设用地使用权{method}成交公示", "published_at": when}))
    supply = _land_supply_result(world, uid, 3, at_work_hours(when, rng, (15, 30)), common, holder, price, ratio_max, terms)
    if method == "协议出让":
        supply.values["benchmark_price"] = announce["benchmark_price"]
    rows.append(supply)
    return PlannedProject(uid, place, rows)


def _listing(world: World, flags: random.Random, method: str, published: datetime) -> dict[str, datetime]:
    """When the tender, auction or listing starts (and a listing ends): at least 20 days after the
    announcement and 10 days long, except every fifth parcel's short notice and every fourth listing's
    short period (L-SHORTNOTICE, L-SHORTLISTING). Drawn from the parcel's own stream."""
    short_notice = world.nth("land:notice") % 5 == 4
    days = flags.randint(12, 18) if short_notice else flags.randint(20, 24)
    start = (published + timedelta(days=days)).replace(hour=9, minute=0, second=0)
    if method != "挂牌出让":
        return {"listing_start": start}
    short_listing = world.nth("land:listing") % 4 == 3
    end = start + timedelta(days=flags.randint(5, 8) if short_listing else flags.randint(10, 12))
    return {"listing_start": start, "listing_end": end.replace(hour=15)}


def _land_supply_result(world: World, uid: str, n: int, when: datetime, common: dict[str, Any], holder: Org,
                        price: Decimal | None, ratio_max: str, terms: dict[str, str]) -> PlannedNotice:
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
    return PlannedNotice(f"{uid}-{n}", Stage(NoticeType.result, "供地结果"), values)
