"""The state-owned property rights lifecycle: [预披露] → 挂牌披露 → [更正] → 交易结果, or 终止."""

from __future__ import annotations

from datetime import datetime, timedelta

from demo.generate.places import Place
from demo.generate.values import PlannedNotice, PlannedProject, Stage, fen_of
from demo.generate.vocabulary import (
    ASSET_THINGS,
    INDUSTRIES,
    PROVINCES,
    ROADS,
    SOE_FORMS,
    STATE_ASSET_METHODS,
    TRADE_NAMES,
)
from demo.generate.world import World, at_work_hours, first_notice_at, scaled, yuan_between
from models.codelists import NoticeType
from models.normalize.amounts import fen_to_yuan

# -- state-owned property rights -----------------------------------------------------------------------


def state_asset_project(world: World, uid: str, place: Place, fate: str, *, exchange: str) -> PlannedProject:
    """挂牌披露 → [更正] → 交易结果, or 终止挂牌."""
    rng = world.rng
    transferor = world.company_named(f"{place.word}{rng.choice(TRADE_NAMES)}{rng.choice(SOE_FORMS)}", place)
    equity = rng.random() < 0.6
    start = first_notice_at(rng)
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
        appraised = yuan_between(rng, 800_000, 600_000_000, 100)
    else:
        share = None
        target = rng.choice(ASSET_THINGS).format(place=place.local, road=rng.choice(ROADS), n=rng.randint(3, 30),
                                                 owner=transferor.name)
        appraised = yuan_between(rng, 50_000, 30_000_000, 100)
    listing = scaled(appraised, rng, 1.0, 1.08, 100 * 100)
    method = rng.choices([m for m, _ in STATE_ASSET_METHODS], [w for _, w in STATE_ASSET_METHODS])[0]
    flags = world.flag_rng(uid)
    relisted: dict[str, object] = {}
    turn = world.nth("state_asset:relisting")
    if world.alter and turn % 6 == 5:
        # Re-listed after a first listing found no buyer, below 90 % of the appraisal: every other one names
        # the authority that approved the lower price (S-DISCOUNT90 clear), the others do not (flagged).
        listing = fen_to_yuan(fen_of(appraised) * flags.randint(78, 88) // 100 // 10**6 * 10**6)  # whole 万元
        relisted = {"listing_count": 2}
        if turn % 12 == 5:
            relisted["approving_authority"] = f"{place.local}人民政府国有资产监督管理委员会"
    common = {"region_code": place.code, "project_no": project_no, "target": target, "transferor": transferor.name,
              "transferor_uscc": transferor.uscc, "exchange": exchange}
    rows: list[PlannedNotice] = []
    if equity and rng.random() < 0.7:
        # Equity transfers are pre-disclosed (预披露, no price yet) before the formal listing.
        rows.append(PlannedNotice(f"{uid}-p", Stage(NoticeType.announcement, "公告"),
                        {**common, "share_ratio": share, "published_at": start,
                         "title": f"{target}转让项目预披露公告"}))
        start = at_work_hours(start, rng, (20, 40))
    end = start + timedelta(days=rng.choice((20, 28, 30)))
    rows.append(PlannedNotice(f"{uid}-0", Stage(NoticeType.announcement, "挂牌披露"),
                {**common, "listing_price": listing, "appraised_value": appraised, "share_ratio": share,
                 "method": method, "listing_start": start.date(), "listing_end": end.date(), **relisted,
                 "published_at": start, "title": f"{target}转让项目挂牌公告"}))
    when = start
    if rng.random() < 0.1:
        when = at_work_hours(when, rng, (4, 10))
        listing = scaled(listing, rng, 0.9, 0.95, 100 * 100)
        rows.append(PlannedNotice(f"{uid}-1", Stage(NoticeType.correction, "更正公告"),
                        {**common, "listing_price": listing, "published_at": when,
                         "title": f"{target}转让项目挂牌公告更正公告"}))
    if fate == "terminated":
        rows.append(PlannedNotice(f"{uid}-9", Stage(NoticeType.termination, "终止公告"),
                        {**common, "published_at": at_work_hours(when, rng, (5, 15)), "title": f"{target}转让项目终止挂牌公告"}))
        return PlannedProject(uid, place, rows)
    if fate == "open":
        return PlannedProject(uid, place, rows)
    buyer = world.winner(INDUSTRIES["state_asset"], place)
    at_listing = rng.random() < 0.5 or method == "协议转让"
    deal = listing if at_listing else scaled(listing, rng, 1.01, 1.45, 100 * 100)
    # 意向受让方: a deal at the listing price had one (S-SINGLE), a premium means several bid
    bidders = 1 if at_listing else flags.randint(2, 6)
    published = at_work_hours(datetime.combine(end.date(), datetime.min.time()), rng, (3, 12))
    rows.append(PlannedNotice(f"{uid}-2", Stage(NoticeType.result, "交易结果"),
                    {**common, "transferee": buyer.name, "transferee_uscc": buyer.uscc, "deal_price": deal,
                     # only in the demo's files: the exchange's page has no place for it (the portal
                     # prints the same facts on the exchange and on ggzy)
                     **({"bidder_count": bidders} if world.alter else {}),
                     "deal_date": (published - timedelta(days=rng.randint(1, 4))).date(), "published_at": published,
                     "title": f"{target}转让项目交易结果公示"}))
    return PlannedProject(uid, place, rows)
