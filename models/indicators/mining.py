"""Rules of mining rights (矿业权出让).

Sources: 矿业权出让制度改革方案（厅字〔2017〕12号）and 自然资源部关于深化矿产资源管理改革若干事项的
意见（自然资规〔2023〕6号）: competitive transfer (招标、拍卖、挂牌) is the rule, agreement the exception
in named cases; 矿业权交易规则（自然资规〔2023〕1号）for the reserve price.
"""

from __future__ import annotations

import re
from decimal import Decimal

from models.codelists import Kind
from models.indicators.engine import Params, Result, Status, indicator
from models.indicators.facts import Facts, pct, yuan_text

COMPETITIVE = frozenset({"招标", "拍卖", "挂牌"})
# The cases in which agreement is allowed, as notices word them: a project approved by the State
# Council or a key project; the deep part or the extension of an existing mine of the same holder;
# integration of existing rights; a right for a state-owned geological survey.
_LEGAL_GROUND = re.compile(r"国务院批准|重点建设|重大项目|深部|上部|相邻|毗邻|延伸|已设(采矿|探矿)权|同一(主体|矿业权人)|"
                           r"整合|战略性矿产|地质勘查基金|财政出资")


@indicator(
    code="M-AGREEMENT", kinds=(Kind.mining,),
    name=("协议出让理由不在法定情形内", "Agreement transfer outside the legal cases"),
    definition=("矿业权以协议方式出让，而公布的理由不属于法定可协议出让的情形（或未公布理由）。",
                "A mining right transferred by agreement with no stated ground, or a ground that is not one of "
                "the cases in which the law allows agreement."),
    inputs=("method", "agreement_ground"),
    basis="厅字〔2017〕12号 矿业权出让制度改革方案; 自然资规〔2023〕6号 第四条（协议出让的情形）",
)
def agreement_outside_cases(facts: Facts, params: Params) -> Result:
    method = facts.method
    if method is None:
        return Result("M-AGREEMENT", Status.insufficient_data, "缺少出让方式。", "The method is not published.")
    if method != "协议出让":
        return Result("M-AGREEMENT", Status.not_applicable, f"出让方式为{method}。", f"Transferred by {method}.",
                      {"method": method})
    ground = facts.text("agreement_ground")
    if ground is None:
        return Result("M-AGREEMENT", Status.flagged, "协议出让，但未公布符合协议出让规定的情形及理由。",
                      "Transferred by agreement, with no published ground.", {"method": method})
    values = {"method": method, "agreement_ground": ground[:200]}
    if _LEGAL_GROUND.search(ground):
        return Result("M-AGREEMENT", Status.clear, f"协议出让理由：{ground[:80]}（属法定情形）。",
                      f"Ground stated: {ground[:80]} (one of the legal cases).", values)
    return Result("M-AGREEMENT", Status.flagged, f"协议出让理由“{ground[:80]}”不属于法定可协议出让的情形。",
                  f"The stated ground “{ground[:80]}” is not one of the legal cases for agreement.", values)


@indicator(
    code="M-RESERVE", kinds=(Kind.mining,),
    name=("一人竞买以底价成交", "One bidder at the reserve price"),
    definition=("招标、拍卖或挂牌出让只有一个竞买人，成交价不高于底价（无底价时起始价）的 101%。",
                "A competitive transfer with one bidder, concluded at no more than 101 % of the reserve price "
                "(or the starting price when no reserve is published)."),
    inputs=("method", "bidder_count", "reserve_price", "starting_price", "deal_price"),
    basis="矿业权交易规则（自然资规〔2023〕1号）; OCP red flags i007 (single bid) adapted",
    thresholds={"max_premium": "0.01"},
)
def one_bidder_at_reserve(facts: Facts, params: Params) -> Result:
    method = facts.method
    if method not in COMPETITIVE:
        return Result("M-RESERVE", Status.not_applicable, f"出让方式为{method or '未公布'}。",
                      f"Transferred by {method or 'an unpublished method'}.")
    bidders = facts.integer("bidder_count")
    if bidders is None:
        return Result("M-RESERVE", Status.insufficient_data, "缺少竞买人数。", "The number of bidders is not published.",
                      {"method": method})
    if bidders != 1:
        return Result("M-RESERVE", Status.clear, f"共有 {bidders} 个竞买人。", f"{bidders} bidders.",
                      {"method": method, "bidder_count": str(bidders)})
    floor = facts.money("reserve_price") or facts.money("starting_price")
    deal = facts.money("deal_price")
    if not floor or deal is None:
        return Result("M-RESERVE", Status.insufficient_data, "仅一个竞买人，但缺少底价（起始价）或成交价。",
                      "One bidder, but the reserve (starting) price or the deal price is missing.",
                      {"method": method, "bidder_count": "1"})
    premium = (deal - floor) / floor
    values = {"method": method, "bidder_count": "1", "floor": str(floor), "deal_price": str(deal),
              "premium": str(premium.quantize(Decimal("0.0001")))}
    if premium < params["max_premium"]:
        return Result("M-RESERVE", Status.flagged,
                      f"仅一个竞买人，以 {yuan_text(deal)} 成交，较底价（起始价）{yuan_text(floor)} 高 {pct(premium)}。",
                      f"One bidder, deal at {yuan_text(deal)}: {pct(premium)} over the reserve {yuan_text(floor)}.",
                      values)
    return Result("M-RESERVE", Status.clear, f"仅一个竞买人，但较底价高 {pct(premium)}。",
                  f"One bidder, but {pct(premium)} over the reserve.", values)
