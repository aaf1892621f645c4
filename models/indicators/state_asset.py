"""Rules of state-owned property-rights transactions (国有产权交易).

Source: 企业国有资产交易监督管理办法（国务院国资委 财政部令第32号）.
"""

from __future__ import annotations

from decimal import Decimal

from models.codelists import Kind
from models.indicators.engine import Params, Result, Status, indicator
from models.indicators.facts import Facts, pct, working_days, yuan_text


@indicator(
    code="S-BELOWAPPRAISAL", kinds=(Kind.state_asset,),
    name=("成交价低于评估值", "Deal below the appraised value"),
    definition=("成交金额低于经核准或备案的评估值。", "The deal price is below the approved appraised value."),
    inputs=("deal_price", "appraised_value"),
    basis="国资委 财政部令第32号 第十二条（首次信息披露的转让底价不得低于评估结果）",
)
def below_appraisal(facts: Facts, params: Params) -> Result:
    deal, value = facts.money("deal_price"), facts.money("appraised_value")
    if deal is None:
        return Result("S-BELOWAPPRAISAL", Status.not_applicable, "尚未成交。", "No deal yet.")
    if not value:
        return Result("S-BELOWAPPRAISAL", Status.insufficient_data, "缺少评估值。", "The appraised value is not published.",
                      {"deal_price": str(deal)})
    share = deal / value
    values = {"deal_price": str(deal), "appraised_value": str(value), "share": str(share.quantize(Decimal("0.0001")))}
    if deal < value:
        return Result("S-BELOWAPPRAISAL", Status.flagged,
                      f"成交 {yuan_text(deal)}，为评估值 {yuan_text(value)} 的 {pct(share)}。",
                      f"Deal at {yuan_text(deal)}, {pct(share)} of the appraised {yuan_text(value)}.", values)
    return Result("S-BELOWAPPRAISAL", Status.clear, f"成交 {yuan_text(deal)}，不低于评估值 {yuan_text(value)}。",
                  f"Deal at {yuan_text(deal)}, not below the appraised {yuan_text(value)}.", values)


@indicator(
    code="S-DISCOUNT90", kinds=(Kind.state_asset,),
    name=("低于评估值九成且未见批准", "Below 90 % of the appraisal without a named approval"),
    definition=("挂牌价或成交价低于评估值的 90%，而公告未写明转让行为批准单位。",
                "The listing or deal price is below 90 % of the appraised value and no approving authority is named."),
    inputs=("listing_price", "deal_price", "appraised_value", "approving_authority"),
    basis="国资委 财政部令第32号 第十八条（新的转让底价低于评估结果的90%时，应当经转让行为批准单位书面同意）",
    thresholds={"min_share": "0.90"},
)
def deep_discount(facts: Facts, params: Params) -> Result:
    value = facts.money("appraised_value")
    prices = [p for p in (facts.money("listing_price"), facts.money("deal_price")) if p is not None]
    if not prices:
        return Result("S-DISCOUNT90", Status.insufficient_data, "缺少挂牌价和成交价。",
                      "Neither the listing nor the deal price is published.")
    if not value:
        return Result("S-DISCOUNT90", Status.insufficient_data, "缺少评估值。", "The appraised value is not published.")
    low = min(prices)
    share = low / value
    approval = facts.text("approving_authority")
    values = {"price": str(low), "appraised_value": str(value), "share": str(share.quantize(Decimal("0.0001")))}
    if share >= params["min_share"]:
        return Result("S-DISCOUNT90", Status.clear, f"最低价 {yuan_text(low)} 为评估值的 {pct(share)}。",
                      f"The lowest price {yuan_text(low)} is {pct(share)} of the appraisal.", values)
    if approval:
        return Result("S-DISCOUNT90", Status.clear,
                      f"价格为评估值的 {pct(share)}，公告写明批准单位：{approval}。",
                      f"The price is {pct(share)} of the appraisal; approved by {approval}.",
                      {**values, "approving_authority": approval})
    return Result("S-DISCOUNT90", Status.flagged,
                  f"价格 {yuan_text(low)} 仅为评估值 {yuan_text(value)} 的 {pct(share)}，公告未写明批准单位。",
                  f"{yuan_text(low)} is {pct(share)} of the appraised {yuan_text(value)}; no approving authority named.",
                  values)


@indicator(
    code="S-SINGLE", kinds=(Kind.state_asset,),
    name=("首次挂牌仅一个意向受让方", "One transferee after a single listing"),
    definition=("首次信息披露即只征集到一个意向受让方，以协议或单方报价成交。",
                "Only one intended transferee registered at the first listing."),
    inputs=("bidder_count", "listing_count"),
    basis="国资委 财政部令第32号 第十七条、第二十三条; OCP red flags i007 (single bid) adapted",
)
def single_transferee(facts: Facts, params: Params) -> Result:
    bidders = facts.integer("bidder_count")
    if bidders is None:
        return Result("S-SINGLE", Status.insufficient_data, "缺少意向受让方数量。",
                      "The number of intended transferees is not published.")
    listings = facts.integer("listing_count")
    values = {"bidder_count": str(bidders), **({"listing_count": str(listings)} if listings is not None else {})}
    if bidders != 1:
        return Result("S-SINGLE", Status.clear, f"征集到 {bidders} 个意向受让方。",
                      f"{bidders} intended transferees registered.", values)
    if listings is not None and listings > 1:
        return Result("S-SINGLE", Status.clear, f"第 {listings} 次挂牌后仅一个意向受让方。",
                      f"One transferee after {listings} listings.", values)
    note = "" if listings is not None else "（挂牌次数未公布，按首次挂牌计）"
    return Result("S-SINGLE", Status.flagged, f"首次挂牌仅征集到 1 个意向受让方{note}。",
                  "A single intended transferee at the first listing"
                  f"{'' if listings is not None else ' (listing count not published; taken as the first)'}.", values)


@indicator(
    code="S-SHORTLISTING", kinds=(Kind.state_asset,),
    name=("信息披露不足20个工作日", "Listing period under 20 working days"),
    definition=("产权转让信息披露（挂牌）起止不足 20 个工作日（不计周末；法定节假日未扣除）。",
                "The listing (information disclosure) period is shorter than 20 working days (weekends excluded; "
                "public holidays are not known and not excluded)."),
    inputs=("listing_start", "listing_end"),
    basis="国资委 财政部令第32号 第十三条（正式披露信息时间不得少于20个工作日）",
    thresholds={"min_working_days": 20},
)
def short_listing(facts: Facts, params: Params) -> Result:
    start, end = facts.day("listing_start"), facts.day("listing_end")
    if start is None or end is None:
        return Result("S-SHORTLISTING", Status.insufficient_data, "缺少挂牌起止日期。",
                      "The listing's start or end date is not published.")
    days = working_days(start, end) + (1 if start.weekday() < 5 else 0)  # both ends count
    need = int(params["min_working_days"])
    values = {"listing_start": start.isoformat(), "listing_end": end.isoformat(), "working_days": str(days)}
    if days < need:
        return Result("S-SHORTLISTING", Status.flagged,
                      f"挂牌 {start.isoformat()} 至 {end.isoformat()}，仅 {days} 个工作日（应不少于 {need} 个）。",
                      f"Listed {start.isoformat()} to {end.isoformat()}: {days} working days (at least {need}).", values)
    return Result("S-SHORTLISTING", Status.clear, f"挂牌 {days} 个工作日。", f"Listed for {days} working days.", values)
