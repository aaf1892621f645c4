"""Rules of state-owned land-use rights (国有土地使用权出让).

Sources: 招标拍卖挂牌出让国有建设用地使用权规定（国土资源部令第39号）; 协议出让国有土地使用权规定
（国土资源部令第21号）; 国务院关于加强土地调控有关问题的通知（国发〔2006〕31号, industrial land
by 招拍挂）.
"""

from __future__ import annotations

import re
from decimal import Decimal

from models.codelists import Kind, NoticeType
from models.indicators.engine import Context, Params, Result, Status, indicator
from models.indicators.facts import Facts, pct, yuan_text

COMPETITIVE = frozenset({"招标出让", "拍卖出让", "挂牌出让"})
# 经营性用地 (39号令 第四条) and industrial land (国发〔2006〕31号): by 招拍挂 only. Matched on the
# published use (GB/T 21010 names, or the older 商服/住宅 words).
_MARKET_USE = re.compile(r"商业|商服|商务|零售|批发|餐饮|住宿|旅游|娱乐|商品住|城镇住宅|住宅|工业|仓储|工矿")


def _use(facts: Facts) -> str | None:
    return facts.text("land_use")


@indicator(
    code="L-AGREEMENT", kinds=(Kind.land,),
    name=("经营性用地协议出让", "Market-use land transferred by agreement"),
    definition=("以协议出让方式供应工业、商业、旅游、娱乐或商品住宅等经营性用地（依法应当招标、拍卖或挂牌出让）。",
                "Land for industrial, commercial, tourism, entertainment or commodity-housing use transferred by "
                "agreement, where the law requires tender, auction or listing."),
    inputs=("supply_method", "land_use"),
    basis="国土资源部令第39号 第四条; 国发〔2006〕31号 第五条; 国土资源部令第21号 第三条",
)
def agreement_for_market_use(facts: Facts, params: Params) -> Result:
    method, use = facts.method, _use(facts)
    if method is None:
        return Result("L-AGREEMENT", Status.insufficient_data, "缺少供地方式。", "The supply method is not published.")
    if method != "协议出让":
        return Result("L-AGREEMENT", Status.not_applicable, f"供地方式为{method}。", f"Supplied by {method}.",
                      {"supply_method": method})
    if use is None:
        return Result("L-AGREEMENT", Status.insufficient_data, "协议出让，但缺少土地用途。",
                      "Transferred by agreement, but the land use is not published.", {"supply_method": method})
    values = {"supply_method": method, "land_use": use}
    if _MARKET_USE.search(use):
        return Result("L-AGREEMENT", Status.flagged, f"{use}以协议方式出让；经营性用地依法应当招标、拍卖或挂牌出让。",
                      f"{use} transferred by agreement; market-use land must go through tender, auction or listing.",
                      values)
    return Result("L-AGREEMENT", Status.clear, f"{use}以协议方式出让，不属于须招拍挂的经营性用地。",
                  f"{use} transferred by agreement: not a use that requires tender, auction or listing.", values)


@indicator(
    code="L-BELOWBENCH", kinds=(Kind.land,),
    name=("协议出让价低于基准地价七成", "Agreement price below 70 % of the benchmark"),
    definition=("协议出让的单价（成交价 ÷ 面积）低于所在级别基准地价的 70%。",
                "The price per m² of an agreement transfer (price ÷ area) is below 70 % of the benchmark land "
                "price of the parcel's grade."),
    inputs=("supply_method", "price", "area_m2", "benchmark_price"),
    basis="协议出让国有土地使用权规定（国土资源部令第21号）第五条",
    thresholds={"min_share": "0.70"},
)
def below_benchmark(facts: Facts, params: Params) -> Result:
    method = facts.method
    if method != "协议出让":
        return Result("L-BELOWBENCH", Status.not_applicable, f"供地方式为{method or '未公布'}，非协议出让。",
                      f"Supplied by {method or 'an unpublished method'}, not by agreement.")
    price, area, bench = facts.money("price"), facts.money("area_m2"), facts.money("benchmark_price")
    missing = [label for label, v in (("成交价", price), ("面积", area), ("基准地价", bench)) if v is None]
    if missing or not area or not bench:
        return Result("L-BELOWBENCH", Status.insufficient_data, f"缺少{'、'.join(missing) or '面积'}。",
                      "The price, the area or the benchmark price is not published.")
    assert price is not None
    unit = (price / area).quantize(Decimal("0.01"))
    share = unit / bench
    values = {"price": str(price), "area_m2": str(area), "unit_price": str(unit), "benchmark_price": str(bench),
              "share": str(share.quantize(Decimal("0.0001")))}
    low = params["min_share"]
    if share < low:
        return Result("L-BELOWBENCH", Status.flagged,
                      f"单价 {unit} 元/平方米，为基准地价 {bench} 元/平方米的 {pct(share)}，低于 {pct(low)}。",
                      f"{unit} yuan/m² is {pct(share)} of the benchmark {bench} yuan/m², below {pct(low)}.", values)
    return Result("L-BELOWBENCH", Status.clear,
                  f"单价 {unit} 元/平方米，为基准地价 {bench} 元/平方米的 {pct(share)}。",
                  f"{unit} yuan/m² is {pct(share)} of the benchmark {bench} yuan/m².", values)


@indicator(
    code="L-SINGLEBIDDER", kinds=(Kind.land,),
    name=("招拍挂仅一人竞买且几无溢价", "One bidder at almost no premium"),
    definition=("招标、拍卖或挂牌出让只有一个竞买人，成交价高出起始价不到 1%。",
                "A tender, auction or listing with a single registered bidder, concluded less than 1 % above the "
                "starting price."),
    inputs=("supply_method", "bidder_count", "starting_price", "price"),
    basis="OCP red flags i007 (single bid) adapted to land; 国土资源部令第39号 第二十条（挂牌期限届满仅一个竞买人时的成交条件）",
    thresholds={"max_premium": "0.01"},
)
def single_bidder(facts: Facts, params: Params) -> Result:
    method = facts.method
    if method not in COMPETITIVE:
        return Result("L-SINGLEBIDDER", Status.not_applicable, f"供地方式为{method or '未公布'}。",
                      f"Supplied by {method or 'an unpublished method'}.")
    bidders = facts.integer("bidder_count")
    if bidders is None:
        return Result("L-SINGLEBIDDER", Status.insufficient_data, "缺少竞买人数。",
                      "The number of bidders is not published.", {"supply_method": method})
    if bidders != 1:
        return Result("L-SINGLEBIDDER", Status.clear, f"{method}共有 {bidders} 个竞买人。",
                      f"{method} had {bidders} bidders.", {"supply_method": method, "bidder_count": str(bidders)})
    start, price = facts.money("starting_price"), facts.money("price")
    if not start or price is None:
        return Result("L-SINGLEBIDDER", Status.insufficient_data, "仅一个竞买人，但缺少起始价或成交价，无法计算溢价率。",
                      "One bidder, but the starting or final price is missing: no premium can be computed.",
                      {"supply_method": method, "bidder_count": "1"})
    premium = (price - start) / start
    values = {"supply_method": method, "bidder_count": "1", "starting_price": str(start), "price": str(price),
              "premium": str(premium.quantize(Decimal("0.0001")))}
    if premium < params["max_premium"]:
        return Result("L-SINGLEBIDDER", Status.flagged,
                      f"{method}仅一个竞买人，成交价 {yuan_text(price)}，较起始价溢价 {pct(premium)}。",
                      f"{method} with one bidder, at {yuan_text(price)}: {pct(premium)} over the starting price.",
                      values)
    return Result("L-SINGLEBIDDER", Status.clear, f"仅一个竞买人，但溢价 {pct(premium)}。",
                  f"One bidder, but a premium of {pct(premium)}.", values)


@indicator(
    code="L-SHORTNOTICE", kinds=(Kind.land,),
    name=("出让公告期不足20日", "Notice period under 20 days"),
    definition=("招标、拍卖或挂牌出让公告发布之日至投标、拍卖或挂牌开始日不足 20 日。",
                "Fewer than 20 days from the transfer announcement to the start of the tender, auction or listing."),
    inputs=("timeline", "supply_method", "listing_start"),
    basis="国土资源部令第39号 第十条（至少在投标、拍卖或者挂牌开始日前20日发布招标、拍卖或者挂牌公告）",
    thresholds={"min_days": 20},
)
def short_notice(facts: Facts, params: Params) -> Result:
    method = facts.method
    if method not in COMPETITIVE:
        return Result("L-SHORTNOTICE", Status.not_applicable, f"供地方式为{method or '未公布'}。",
                      f"Supplied by {method or 'an unpublished method'}.")
    call, start = facts.first(NoticeType.announcement), facts.day("listing_start")
    if call is None or start is None:
        missing = "出让公告" if call is None else "挂牌（拍卖）开始时间"
        return Result("L-SHORTNOTICE", Status.insufficient_data, f"缺少{missing}。",
                      f"The {'announcement' if call is None else 'listing start'} is missing.")
    published = facts.beijing_day(call)
    days = (start - published).days
    values = {"announcement": published.isoformat(), "listing_start": start.isoformat(), "days": str(days)}
    need = int(params["min_days"])
    if days < need:
        return Result("L-SHORTNOTICE", Status.flagged,
                      f"公告于 {published.isoformat()} 发布，{start.isoformat()} 即开始，仅 {days} 日（应至少 {need} 日）。",
                      f"Announced {published.isoformat()}, started {start.isoformat()}: {days} days (at least {need}).",
                      values)
    return Result("L-SHORTNOTICE", Status.clear, f"公告发布至开始共 {days} 日。",
                  f"{days} days from the announcement to the start.", values)


@indicator(
    code="L-SHORTLISTING", kinds=(Kind.land,),
    name=("挂牌期不足10日", "Listing period under 10 days"),
    definition=("挂牌出让的挂牌时间（起始至截止）不足 10 日。",
                "A listing (挂牌出让) open for fewer than 10 days from start to end."),
    inputs=("supply_method", "listing_start", "listing_end"),
    basis="国土资源部令第39号 第十九条（挂牌时间不得少于10日）",
    thresholds={"min_days": 10},
)
def short_listing(facts: Facts, params: Params) -> Result:
    if facts.method != "挂牌出让":
        return Result("L-SHORTLISTING", Status.not_applicable, "非挂牌出让。", "Not a listing.")
    start, end = facts.day("listing_start"), facts.day("listing_end")
    if start is None or end is None:
        return Result("L-SHORTLISTING", Status.insufficient_data, "缺少挂牌起止时间。",
                      "The listing's start or end is not published.")
    days = (end - start).days
    need = int(params["min_days"])
    values = {"listing_start": start.isoformat(), "listing_end": end.isoformat(), "days": str(days)}
    if days < need:
        return Result("L-SHORTLISTING", Status.flagged,
                      f"挂牌 {start.isoformat()} 至 {end.isoformat()}，仅 {days} 日（应不少于 {need} 日）。",
                      f"Listed {start.isoformat()} to {end.isoformat()}: {days} days (at least {need}).", values)
    return Result("L-SHORTLISTING", Status.clear, f"挂牌 {days} 日。", f"Listed for {days} days.", values)


@indicator(
    code="L-COMPARABLE", kinds=(Kind.land,), scope="across",
    name=("单价远低于同类地块", "Price far below comparable parcels"),
    definition=("单价低于同一县区、同一年份、同类用途其他地块单价中位数的一半（至少 3 宗可比地块）。",
                "The price per m² is below half the median of other parcels of the same county, year and use "
                "(at least 3 comparable parcels)."),
    inputs=("price", "area_m2", "land_use", "region", "timeline"),
    basis="协议出让国有土地使用权规定（国土资源部令第21号）第五条（不得低于市场价格）; OCP red flags (price outliers)",
    thresholds={"max_share": "0.5", "min_comparables": 3},
)
def below_comparables(facts: Facts, params: Params, context: Context) -> Result:
    price, area = facts.money("price"), facts.money("area_m2")
    if price is None or not area:
        return Result("L-COMPARABLE", Status.insufficient_data, "缺少成交价或面积。",
                      "The price or the area is not published.")
    if _use(facts) is None or facts.project.region is None:
        return Result("L-COMPARABLE", Status.insufficient_data, "缺少土地用途或所在县区。",
                      "The land use or the county is not published.")
    others = sorted(context.comparable_prices(facts))
    need = int(params["min_comparables"])
    unit = (price / area).quantize(Decimal("0.01"))
    if len(others) < need:
        return Result("L-COMPARABLE", Status.insufficient_data, f"同县区同年同用途的可比地块不足 {need} 宗。",
                      f"Fewer than {need} comparable parcels (same county, year and use).", {"unit_price": str(unit)})
    n = len(others)
    median = others[n // 2] if n % 2 else (others[n // 2 - 1] + others[n // 2]) / 2
    median = median.quantize(Decimal("0.01"))
    share = unit / median if median else Decimal(0)
    values = {"unit_price": str(unit), "median": str(median), "comparables": str(n),
              "share": str(share.quantize(Decimal("0.0001")))}
    if median and share < params["max_share"]:
        return Result("L-COMPARABLE", Status.flagged,
                      f"单价 {unit} 元/平方米，仅为 {n} 宗可比地块中位数 {median} 元/平方米的 {pct(share)}。",
                      f"{unit} yuan/m² is {pct(share)} of the median {median} yuan/m² of {n} comparable parcels.",
                      values)
    return Result("L-COMPARABLE", Status.clear,
                  f"单价 {unit} 元/平方米，为 {n} 宗可比地块中位数 {median} 元/平方米的 {pct(share)}。",
                  f"{unit} yuan/m² is {pct(share)} of the median {median} yuan/m² of {n} comparable parcels.", values)
