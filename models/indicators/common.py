"""Rules every area shares: the order of a project's notices."""

from __future__ import annotations

from datetime import timedelta

from models.codelists import Kind, NoticeType
from models.indicators.engine import Context, Params, Result, Status, indicator
from models.indicators.facts import Facts

_AWARD = (NoticeType.candidates, NoticeType.result, NoticeType.contract)


@indicator(
    code="X-NOCALL", kinds=tuple(Kind),
    name=("无事先公告的成交", "Award without a prior call"),
    definition=("项目有中标/成交/候选人/合同公告，但本站没有在其之前发布的招标、出让或挂牌公告。",
                "The project has a candidates, result or contract notice but no announcement (call for "
                "tenders, transfer or listing notice) published before it."),
    inputs=("timeline",),
    basis="国办发〔2017〕97号（公共资源配置领域政府信息公开：交易公告）; DIGIWHIST (opentender.eu) indicator “call for tenders publication”",
)
def no_prior_call(facts: Facts, params: Params) -> Result:
    award = facts.first(*_AWARD)
    if award is None:
        return Result("X-NOCALL", Status.not_applicable, "尚无成交类公告。", "No award notice yet.")
    call = facts.first(NoticeType.announcement)
    day = facts.beijing_day(award).isoformat()
    if call is not None and call <= award:
        return Result("X-NOCALL", Status.clear,
                      f"公告发布于 {facts.beijing_day(call).isoformat()}，早于成交类公告（{day}）。",
                      f"The announcement ({facts.beijing_day(call).isoformat()}) precedes the award notice ({day}).",
                      {"announcement": facts.beijing_day(call).isoformat(), "award_notice": day})
    return Result("X-NOCALL", Status.flagged,
                  f"本站收录的首个成交类公告发布于 {day}，此前没有该项目的公告（也可能是本站未收集到）。",
                  f"The first award notice is of {day}; no announcement precedes it in Gongkai's records "
                  "(it may also be a gap in collection).",
                  {"award_notice": day})


_BUYER_ROLE = {Kind.procurement: "buyer", Kind.tender: "tenderer", Kind.state_asset: "transferor"}


@indicator(
    code="X-REPEAT", kinds=tuple(_BUYER_ROLE), scope="across", lookback="window_days",
    name=("同一采购人反复授予同一供应商", "The same winner, again and again, for the same buyer"),
    definition=("同一采购人（招标人、转让方）在 365 天内将 3 个或更多项目授予同一中标人（受让方），本项目为其中之一。",
                "The same buyer (tenderer, transferor) awarded 3 or more projects to the same winner (transferee) "
                "within 365 days, this one included."),
    inputs=("buyer", "winners", "timeline"),
    basis="OCP red flags i077 / i180; Cardinal R025 analogue",
    thresholds={"window_days": 365, "min_awards": 3},
)
def repeat_winner(facts: Facts, params: Params, context: Context) -> Result:
    award = facts.first(NoticeType.result, NoticeType.contract, NoticeType.candidates)
    if award is None:
        return Result("X-REPEAT", Status.not_applicable, "尚无结果公告。", "No award yet.")
    buyers = facts.party_ids(_BUYER_ROLE[facts.kind])
    winners = facts.winner_ids()
    if not buyers or not winners:
        return Result("X-REPEAT", Status.insufficient_data,
                      "缺少采购人（招标人、转让方）或中标人（受让方）。", "The buyer or the winner is not published.")
    end = facts.beijing_day(award)
    start = end - timedelta(days=int(params["window_days"]))
    need = int(params["min_awards"])
    best = max(((context.awards_between(b, w, facts.kind, start.isoformat(), end.isoformat()), b, w)
                for b in buyers for w in winners), key=lambda t: t[0])
    count = best[0]
    names = {p.party_id: p.name for p in facts.project.parties}
    buyer, winner = names.get(best[1], best[1]), names.get(best[2], best[2])
    values = {"buyer": buyer, "winner": winner, "awards": str(count), "from": start.isoformat(), "to": end.isoformat()}
    if count >= need:
        return Result("X-REPEAT", Status.flagged,
                      f"{start.isoformat()} 至 {end.isoformat()}，{buyer}共将 {count} 个项目授予{winner}（含本项目）。",
                      f"From {start.isoformat()} to {end.isoformat()}, {buyer} awarded {count} projects to {winner} "
                      "(this one included).", values)
    return Result("X-REPEAT", Status.clear,
                  f"{start.isoformat()} 至 {end.isoformat()}，{buyer}授予{winner}的项目共 {count} 个。",
                  f"From {start.isoformat()} to {end.isoformat()}, {buyer} awarded {count} project(s) to {winner}.",
                  values)
