"""Rules of government procurement (政府采购) and engineering-construction tenders (工程建设招投标)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from models.codelists import Kind, NoticeType
from models.indicators.engine import Params, Result, Status, indicator
from models.indicators.facts import Facts, pct, working_days, yuan_text

# Methods in which suppliers compete (OCDS open/selective; Cardinal R018's "competitive").
COMPETITIVE = frozenset({"公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价"})


@indicator(
    code="P-SINGLE", kinds=(Kind.procurement, Kind.tender),
    name=("竞争性方式仅一家投标", "Single bid in a competitive method"),
    definition=("采用公开招标、邀请招标、竞争性谈判、竞争性磋商或询价，但只收到一份投标（响应）。",
                "A competitive method (open or invited tender, competitive negotiation or consultation, "
                "request for quotations) received exactly one bid."),
    inputs=("method", "bid_count"),
    basis="OCP red flags i007; Cardinal R018; 《政府采购法》第三十六条（投标人不足三家的应予废标）",
)
def single_bid(facts: Facts, params: Params) -> Result:
    method, bids = facts.method, facts.integer("bid_count")
    if method is None:
        return Result("P-SINGLE", Status.insufficient_data, "缺少采购（招标）方式。", "The method is not published.")
    if method not in COMPETITIVE:
        return Result("P-SINGLE", Status.not_applicable, f"{method}不是竞争性方式。",
                      f"{method} is not a competitive method.", {"method": method})
    if bids is None:
        return Result("P-SINGLE", Status.insufficient_data, "缺少投标人数。", "The number of bids is not published.",
                      {"method": method})
    values = {"method": method, "bid_count": str(bids)}
    if bids == 1:
        return Result("P-SINGLE", Status.flagged, f"{method}只收到 1 份投标。", f"{method} received a single bid.",
                      values)
    return Result("P-SINGLE", Status.clear, f"{method}收到 {bids} 份投标。", f"{method} received {bids} bids.", values)


# -- shared by the rules below -----------------------------------------------------------------------

# The notices that state an outcome (a ranked candidate list, a result, a contract).
_OUTCOME = (NoticeType.candidates, NoticeType.result, NoticeType.contract)


def _money(value: object) -> Decimal | None:
    """An amount of a lot's winner or candidate as exact ``Decimal``; None when absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _pct_below(value: Decimal) -> str:
    """A ratio under a limit as a percentage rounded down, so 0.99999 % never reads "1.00 % < 1.00 %"."""
    return f"{(value * 100).quantize(Decimal('0.01'), rounding=ROUND_DOWN)}%"


def _no_outcome(facts: Facts) -> bool:
    """No candidates, result or contract notice and no winner yet: rules about the award do not apply."""
    return not facts.has(*_OUTCOME) and not facts.winners


def _first_of(facts: Facts, names: tuple[str, ...]) -> tuple[str, Decimal] | None:
    """The first positive amount among ``names`` (``award_total`` is the lots' sum)."""
    for name in names:
        value = facts.award_total if name == "award_total" else facts.money(name)
        if value is not None and value > 0:
            return name, value
    return None


_AMOUNT_LABELS: dict[str, tuple[str, str]] = {
    "budget": ("预算金额", "budget"),
    "ceiling_price": ("最高限价", "ceiling price"),
    "control_price": ("招标控制价", "control price"),
    "estimate": ("估算价", "estimated price"),
    "award_total": ("中标（成交）金额", "award"),
}


# -- P-SHORTPERIOD ------------------------------------------------------------------------------------

@indicator(
    code="P-SHORTPERIOD", kinds=(Kind.procurement, Kind.tender),
    name=("提交投标（响应）文件期限短于法定最短期限", "Submission period shorter than the legal minimum"),
    definition=("从首次公告发布之日到投标（响应）文件提交截止之日（北京时间，发布当日不计）少于该方式的法定最短期限："
                "公开招标、邀请招标 20 日，竞争性磋商 10 日，竞争性谈判、询价 3 个工作日（按周一至周五计，"
                "不扣除法定节假日，故跨节假日的期限可能被多算）。以公告发布日代替招标（采购）文件开始发出之日。",
                "The whole days from the first announcement's publication to the bid (response) deadline, in "
                "Beijing time and not counting the day of publication, are fewer than the legal minimum of the "
                "method: 20 days for open and invited tenders, 10 for competitive consultation, 3 working days "
                "for competitive negotiation and requests for quotations (Monday to Friday; public holidays are "
                "not subtracted, so a period across a holiday may count longer than it was). The publication "
                "day stands for the day the tender documents were first issued."),
    inputs=("method", "bid_deadline", "timeline.announcement"),
    basis=("《政府采购法》第三十五条、《政府采购货物和服务招标投标管理办法》（财政部令第87号）（公开、邀请招标不少于20日）；"
           "《招标投标法》第二十四条（依法必须招标的项目不少于20日）；《政府采购竞争性磋商采购方式管理暂行办法》"
           "（财库〔2014〕214号）第十条（不少于10日）；《政府采购非招标采购方式管理办法》（财政部令第74号）"
           "第二十九条、第四十五条（竞争性谈判、询价不少于3个工作日）；OCP red flags i038; Cardinal R003"),
    thresholds={"min_days": 20, "min_working_days": 0},  # per method in thresholds.toml
)
def short_period(facts: Facts, params: Params) -> Result:
    code, method = "P-SHORTPERIOD", facts.method
    if method is None:
        return Result(code, Status.insufficient_data, "缺少采购（招标）方式。", "The method is not published.")
    if method not in COMPETITIVE:
        return Result(code, Status.not_applicable, f"{method}不是有法定投标（响应）期限的竞争性方式。",
                      f"{method} is not a competitive method with a legal submission period.", {"method": method})
    announced, deadline = facts.first(NoticeType.announcement), facts.day("bid_deadline")
    if announced is None:
        return Result(code, Status.insufficient_data, "本站没有该项目的采购（招标）公告，无法得知公告发布日。",
                      "Gongkai has no announcement of the project: the start of the period is unknown.",
                      {"method": method})
    if deadline is None:
        return Result(code, Status.insufficient_data, "缺少投标（响应）文件提交截止时间。",
                      "The bid deadline is not published.", {"method": method})
    start = facts.beijing_day(announced)
    days, workdays = (deadline - start).days, working_days(start, deadline)
    values = {"method": method, "announcement": start.isoformat(), "bid_deadline": deadline.isoformat(),
              "days": str(days), "working_days": str(workdays)}
    if days < 0:
        return Result(code, Status.insufficient_data,
                      f"截止日期 {deadline.isoformat()} 早于公告发布日 {start.isoformat()}，日期可能有误。",
                      f"The deadline ({deadline.isoformat()}) precedes the announcement ({start.isoformat()}): "
                      "a date is probably wrong.", values)
    min_days, min_work = int(params["min_days"]), int(params["min_working_days"])
    values |= {"min_days": str(min_days), "min_working_days": str(min_work)}
    short = []
    if days < min_days:
        short.append((f"{days} 日，少于法定最短 {min_days} 日", f"{days} days, fewer than the legal minimum of {min_days}"))
    if workdays < min_work:
        short.append((f"{workdays} 个工作日，少于法定最短 {min_work} 个工作日",
                      f"{workdays} working days, fewer than the legal minimum of {min_work}"))
    span_zh = f"{method}自 {start.isoformat()} 公告至 {deadline.isoformat()} 截止"
    span_en = f"{method}: announced {start.isoformat()}, deadline {deadline.isoformat()}"
    if short:
        return Result(code, Status.flagged, f"{span_zh}，仅 {short[0][0]}。", f"{span_en}: only {short[0][1]}.",
                      values)
    need_zh = "、".join(x for x in (f"{min_days} 日" if min_days else "", f"{min_work} 个工作日" if min_work else "") if x)
    need_en = " and ".join(x for x in (f"{min_days} days" if min_days else "",
                                        f"{min_work} working days" if min_work else "") if x)
    return Result(code, Status.clear, f"{span_zh}，共 {days} 日（{workdays} 个工作日），不少于法定最短 {need_zh or '期限'}。",
                  f"{span_en}: {days} days ({workdays} working days), at least the legal minimum "
                  f"({need_en or 'none set'}).", values)


# -- P-NONOPEN ----------------------------------------------------------------------------------------

# Methods other than open tendering that need a reason (and, in procurement, approval) above the
# open-tendering threshold: 《政府采购法》第二十七条; 《招标投标法实施条例》第八条.
NON_OPEN: dict[Kind, frozenset[str]] = {
    Kind.procurement: frozenset({"邀请招标", "竞争性谈判", "竞争性磋商", "单一来源", "询价"}),
    Kind.tender: frozenset({"邀请招标"}),
}
# The amount compared with the threshold, first present first: the law reads the estimated value
# (采购预算, 合同估算价); the award stands in when no estimate is published.
_NONOPEN_AMOUNTS: dict[Kind, tuple[str, ...]] = {
    Kind.procurement: ("budget", "ceiling_price", "award_total"),
    Kind.tender: ("estimate", "control_price", "budget", "award_total"),
}


@indicator(
    code="P-NONOPEN", kinds=(Kind.procurement, Kind.tender),
    name=("达到公开招标数额标准却未公开招标", "Non-open method above the open-tendering threshold"),
    definition=("采用公开招标以外的方式（政府采购：邀请招标、竞争性谈判、竞争性磋商、单一来源、询价；工程招标：邀请招标），"
                "而项目金额（预算金额，没有时用最高限价或中标金额；工程用估算价、控制价、总投资或中标金额）"
                "达到公开招标数额标准。依法经批准可以采用其他方式，本站不掌握批准文件。",
                "A method other than open tendering (procurement: invited tender, competitive negotiation or "
                "consultation, single source, request for quotations; construction: invited tender) for an "
                "amount (the budget, else the ceiling price or the award; for construction the estimate, control "
                "price, total investment or award) at or above the open-tendering threshold. Other methods are "
                "lawful with approval, which Gongkai does not see."),
    inputs=("method", "budget", "ceiling_price", "estimate", "control_price", "lots.winners.amount"),
    basis=("《政府采购法》第二十七条（达到公开招标数额标准，采用其他方式须经批准）；政府采购公开招标数额标准："
           "中央预算单位货物、服务 200 万元（国办发〔2019〕55号 第四部分），地方由省级确定（常见 400 万元）；"
           "《招标投标法实施条例》第八条；《必须招标的工程项目规定》（发改委令第16号）第五条（施工单项合同估算价 400 万元）；"
           "DIGIWHIST procedure type; OCP red flags i004"),
    # 4,000,000 yuan: 发改委令第16号 第五条 for works; for procurement a conservative default above the
    # central 2,000,000 (thresholds.toml lowers it where a deployment knows its level or province).
    thresholds={"open_threshold": 4_000_000},
)
def non_open(facts: Facts, params: Params) -> Result:
    code, method = "P-NONOPEN", facts.method
    if method is None:
        return Result(code, Status.insufficient_data, "缺少采购（招标）方式。", "The method is not published.")
    if method == "公开招标":
        return Result(code, Status.clear, "采用公开招标。", "The method is open tendering.", {"method": method})
    if method not in NON_OPEN[facts.kind]:
        return Result(code, Status.not_applicable, f"{method}不在本指标所列方式之内。",
                      f"{method} is not one of the methods this indicator reads.", {"method": method})
    found = _first_of(facts, _NONOPEN_AMOUNTS[facts.kind])
    if found is None:
        return Result(code, Status.insufficient_data, "缺少项目金额（预算、限价、估算价或中标金额）。",
                      "No amount is published (budget, ceiling, estimate or award).", {"method": method})
    name, amount = found
    limit = params["open_threshold"]
    label_zh, label_en = _AMOUNT_LABELS[name]
    values = {"method": method, "amount": str(amount), "amount_source": name, "open_threshold": str(limit)}
    if amount >= limit:
        return Result(code, Status.flagged,
                      f"{method}，{label_zh} {yuan_text(amount)}，达到公开招标数额标准 {yuan_text(limit)}"
                      "（依法经批准可不公开招标，本站未见批准信息）。",
                      f"{method}, {label_en} {yuan_text(amount)}: at or above the open-tendering threshold "
                      f"of {yuan_text(limit)} (lawful with an approval Gongkai does not see).", values)
    return Result(code, Status.clear, f"{method}，{label_zh} {yuan_text(amount)}，低于公开招标数额标准 {yuan_text(limit)}。",
                  f"{method}, {label_en} {yuan_text(amount)}: below the open-tendering threshold of "
                  f"{yuan_text(limit)}.", values)


# -- P-CLOSEBUDGET ------------------------------------------------------------------------------------

# The reference the award is compared with, first present first: the binding cap, then the estimate.
_CEILINGS: dict[Kind, tuple[str, ...]] = {
    Kind.procurement: ("ceiling_price", "budget"),
    Kind.tender: ("control_price", "estimate"),
}


@indicator(
    code="P-CLOSEBUDGET", kinds=(Kind.procurement, Kind.tender),
    name=("中标金额贴近预算或最高限价", "Award within 1 % of the budget or ceiling"),
    definition=("中标（成交）金额合计与最高限价（招标控制价；没有时用预算金额或估算价）之差小于后者的 1 %，"
                "即 0 ≤（限价 − 中标金额）/ 限价 < 1 %。",
                "The award total is within 1 % below the ceiling (control) price, or the budget or estimate "
                "when no ceiling is published: 0 ≤ (ceiling − award) / ceiling < 1 %."),
    inputs=("lots.winners.amount", "ceiling_price", "budget", "control_price", "estimate"),
    basis="OCP red flags i171 (bid too close to budget, estimate or preferred solution; default 1 %)",
    thresholds={"max_gap": "0.01"},
)
def close_budget(facts: Facts, params: Params) -> Result:
    code = "P-CLOSEBUDGET"
    if _no_outcome(facts):
        return Result(code, Status.not_applicable, "尚无中标（成交）结果。", "No award yet.")
    award = facts.award_total
    if award is None:
        return Result(code, Status.insufficient_data, "缺少中标（成交）金额。", "The award amount is not published.")
    found = _first_of(facts, _CEILINGS[facts.kind])
    if found is None:
        return Result(code, Status.insufficient_data, "缺少最高限价、预算金额或估算价。",
                      "Neither a ceiling price, a budget nor an estimate is published.", {"award_total": str(award)})
    name, ceiling = found
    gap, limit = (ceiling - award) / ceiling, params["max_gap"]
    label_zh, label_en = _AMOUNT_LABELS[name]
    values = {"award_total": str(award), "reference": str(ceiling), "reference_source": name,
              "gap": str(gap.quantize(Decimal("0.0001"))), "max_gap": str(limit)}
    said_zh = f"中标金额 {yuan_text(award)}，{label_zh} {yuan_text(ceiling)}"
    said_en = f"Award {yuan_text(award)}, {label_en} {yuan_text(ceiling)}"
    if gap < 0:
        return Result(code, Status.clear, f"{said_zh}：中标金额高于{label_zh} {pct(-gap)}（可能是数据问题，不属本指标）。",
                      f"{said_en}: the award is {pct(-gap)} above the {label_en} (possibly a data error; not "
                      "what this indicator looks for).", values)
    if gap < limit:
        return Result(code, Status.flagged, f"{said_zh}，仅低 {_pct_below(gap)}（小于 {pct(limit)}）。",
                      f"{said_en}: only {_pct_below(gap)} below (less than {pct(limit)}).", values)
    return Result(code, Status.clear, f"{said_zh}，低 {pct(gap)}。", f"{said_en}: {pct(gap)} below.", values)


# -- P-DISQ -------------------------------------------------------------------------------------------

@indicator(
    code="P-DISQ", kinds=(Kind.procurement, Kind.tender),
    name=("除中标人外其他投标人均被否决", "Every bidder but the winner disqualified"),
    definition=("收到至少两份投标，但公布的中标候选人（有效投标人）只有中标人一家。只对单一标段（包）的项目计算，"
                "因为投标人数按项目公布。",
                "At least two bids were received but the published candidates (the valid bidders) are the winner "
                "alone. Computed for projects of one lot only, since the number of bids is published per project."),
    inputs=("bid_count", "lots.candidates", "lots.winners"),
    basis="Cardinal R035 (all except winning bid disqualified); OCP red flags i003; indicatortoolbox CRI «all but one bid excluded»",
)
def disqualified(facts: Facts, params: Params) -> Result:
    code, bids = "P-DISQ", facts.integer("bid_count")
    if _no_outcome(facts):
        return Result(code, Status.not_applicable, "尚无中标候选人或结果。", "No candidates or result yet.")
    if bids is None:
        return Result(code, Status.insufficient_data, "缺少投标人数。", "The number of bids is not published.")
    if bids < 2:
        return Result(code, Status.not_applicable, f"只收到 {bids} 份投标，无可否决的其他投标人。",
                      f"{bids} bid(s) received: no other bidder to disqualify.", {"bid_count": str(bids)})
    lots = facts.lots
    if len(lots) > 1:
        return Result(code, Status.insufficient_data, f"项目有 {len(lots)} 个标段（包），投标人数未按标段公布。",
                      f"The project has {len(lots)} lots and the number of bids is not published per lot.",
                      {"bid_count": str(bids), "lots": str(len(lots))})
    candidates = [c for lot in lots for c in lot.get("candidates", []) if isinstance(c, Mapping)]
    if not candidates:
        return Result(code, Status.insufficient_data, "未公布中标候选人（有效投标人）名单。",
                      "The candidates (valid bidders) are not published.", {"bid_count": str(bids)})
    winners = {w.get("name") for w in facts.winners}
    values = {"bid_count": str(bids), "candidate_count": str(len(candidates))}
    only = candidates[0].get("name")
    if len(candidates) == 1 and (not winners or winners == {only}):
        values["candidate"] = str(only)
        who_zh, who_en = ("中标人 ", "the winner, ") if winners else ("", "")
        return Result(code, Status.flagged, f"收到 {bids} 份投标，公布的候选人只有{who_zh}{only} 一家。",
                      f"{bids} bids were received; the only published candidate is {who_en}{only}.", values)
    return Result(code, Status.clear, f"收到 {bids} 份投标，公布了 {len(candidates)} 名候选人。",
                  f"{bids} bids were received; {len(candidates)} candidates are published.", values)


# -- P-CONTRACTUP -------------------------------------------------------------------------------------

@indicator(
    code="P-CONTRACTUP", kinds=(Kind.procurement,),
    name=("合同金额高于中标金额", "Contract amount above the award"),
    definition=("合同公告的合同金额高于中标（成交）金额合计。",
                "The contract amount of the contract notice is higher than the award total."),
    inputs=("contract_amount", "lots.winners.amount"),
    basis=("《政府采购法》第四十六条（按采购文件确定的事项签订合同）、第四十九条（追加采购不超过原合同金额 10%，"
           "须另签补充合同）；indicatortoolbox CRI «relative price increase»; DIGIWHIST (opentender.eu) indicator “cost overrun”"),
    thresholds={"max_increase": 0},
)
def contract_up(facts: Facts, params: Params) -> Result:
    code, contract = "P-CONTRACTUP", facts.money("contract_amount")
    if contract is None:
        if facts.has(NoticeType.contract):
            return Result(code, Status.insufficient_data, "合同公告未公布合同金额。",
                          "The contract notice does not state the contract amount.")
        return Result(code, Status.not_applicable, "尚无合同公告。", "No contract notice yet.")
    if contract <= 0:
        return Result(code, Status.insufficient_data, f"合同金额为 {yuan_text(contract)}，可能未填写。",
                      f"The contract amount is {yuan_text(contract)}: probably not filled in.",
                      {"contract_amount": str(contract)})
    award = facts.award_total
    if award is None or award <= 0:
        return Result(code, Status.insufficient_data, "缺少中标（成交）金额。", "The award amount is not published.",
                      {"contract_amount": str(contract)})
    increase = (contract - award) / award
    values = {"contract_amount": str(contract), "award_total": str(award), "difference": str(contract - award),
              "increase": str(increase.quantize(Decimal("0.0001"))), "max_increase": str(params["max_increase"])}
    said_zh = f"合同金额 {yuan_text(contract)}，中标金额 {yuan_text(award)}"
    said_en = f"Contract {yuan_text(contract)}, award {yuan_text(award)}"
    if increase > params["max_increase"]:
        return Result(code, Status.flagged, f"{said_zh}，高出 {yuan_text(contract - award)}（{pct(increase)}）。",
                      f"{said_en}: {yuan_text(contract - award)} ({pct(increase)}) more.", values)
    return Result(code, Status.clear, f"{said_zh}，合同金额未高于中标金额。",
                  f"{said_en}: the contract is not above the award.", values)


# -- P-EVEN -------------------------------------------------------------------------------------------

@indicator(
    code="P-EVEN", kinds=(Kind.procurement, Kind.tender),
    name=("投标报价过于接近", "Bid prices too even"),
    definition=("同一标段（包）中两名或以上候选人的投标报价相差小于 0.5 %（以较低报价为基数；报价相同也算）。",
                "Two or more candidates of the same lot bid prices less than 0.5 % apart (relative to the lower "
                "price; identical prices included)."),
    inputs=("lots.candidates.amount",),
    basis=("《招标投标法实施条例》第四十条（投标报价呈规律性差异的，视为串通投标）；OCP red flags i085; "
           "Cardinal R028 (identical bid prices)"),
    thresholds={"max_spread": "0.005"},
)
def even_prices(facts: Facts, params: Params) -> Result:
    code = "P-EVEN"
    if _no_outcome(facts):
        return Result(code, Status.not_applicable, "尚无中标候选人或结果。", "No candidates or result yet.")
    lots = [[c for c in lot.get("candidates", []) if isinstance(c, Mapping)] for lot in facts.lots]
    listed = [cands for cands in lots if len(cands) >= 2]
    if not listed:
        if any(lots):
            return Result(code, Status.not_applicable, "每个标段（包）只公布了一名候选人，无从比较。",
                          "Each lot has a single published candidate: nothing to compare.")
        return Result(code, Status.insufficient_data, "未公布中标候选人及其报价。",
                      "The candidates and their prices are not published.")
    # (spread, lower price, its bidder, higher price, its bidder) of the closest two bids of a lot
    closest: tuple[Decimal, Decimal, str, Decimal, str] | None = None
    for cands in listed:
        priced = sorted((amount, str(c.get("name"))) for c in cands
                        if (amount := _money(c.get("amount"))) is not None and amount > 0)
        for (low, low_name), (high, high_name) in zip(priced, priced[1:], strict=False):
            spread = (high - low) / low
            if closest is None or spread < closest[0]:
                closest = (spread, low, low_name, high, high_name)
    if closest is None:
        return Result(code, Status.insufficient_data, "候选人报价未以金额公布（或只有一个）。",
                      "The candidates' prices are not published as amounts (or only one is).")
    spread, low, low_name, high, high_name = closest
    limit = params["max_spread"]
    values = {"spread": str(spread.quantize(Decimal("0.00001"))), "max_spread": str(limit),
              "lower_bidder": low_name, "lower_price": str(low), "higher_bidder": high_name, "higher_price": str(high)}
    pair_zh = f"{low_name} 报价 {yuan_text(low)}，{high_name} 报价 {yuan_text(high)}"
    pair_en = f"{low_name} bid {yuan_text(low)}, {high_name} bid {yuan_text(high)}"
    if spread < limit:
        return Result(code, Status.flagged, f"{pair_zh}，仅相差 {_pct_below(spread)}（小于 {pct(limit)}）。",
                      f"{pair_en}: only {_pct_below(spread)} apart (less than {pct(limit)}).", values)
    return Result(code, Status.clear, f"最接近的两份报价：{pair_zh}，相差 {pct(spread)}。",
                  f"The closest two bids: {pair_en}, {pct(spread)} apart.", values)


# -- P-LATERESULT -------------------------------------------------------------------------------------

@indicator(
    code="P-LATERESULT", kinds=(Kind.procurement, Kind.tender),
    name=("结果公告发布迟延", "Result published late"),
    definition=("首个中标候选人公示或中标（成交）结果公告在投标截止日之后超过 30 日才发布（北京时间，整日）。"
                "默认值的来由：评标报告 2 个工作日内送采购人、采购人 5 个工作日内确定中标人、确定后 2 个工作日内公告，"
                "合计 9 个工作日，约 13 个日历日；放宽到 30 日以容纳春节、国庆等长假和复杂项目的评审，"
                "超过即明显超出法定节奏。",
                "The first candidates or result notice is published more than 30 whole days (Beijing time) after "
                "the bid deadline. The default: the evaluation report goes to the buyer within 2 working days, the "
                "buyer decides within 5 and the result is published within 2 more — 9 working days, about 13 "
                "calendar days; doubled and rounded up to 30 to allow for the Spring Festival and National Day "
                "holidays and long evaluations, so a flag is well beyond the legal pace."),
    inputs=("bid_deadline", "timeline.candidates", "timeline.result"),
    basis=("《政府采购法实施条例》第四十三条（收到评审报告后 5 个工作日内确定中标、成交供应商，确定后 2 个工作日内公告）；"
           "财政部令第87号 第六十八条、第六十九条；《招标投标法实施条例》第五十四条（收到评标报告 3 日内公示中标候选人）；"
           "DIGIWHIST (opentender.eu) indicator “decision period”"),
    thresholds={"max_days": 30},
)
def late_result(facts: Facts, params: Params) -> Result:
    code = "P-LATERESULT"
    step = next((s for s in facts.timeline if s.notice_type in (NoticeType.candidates, NoticeType.result)), None)
    if step is None:
        return Result(code, Status.not_applicable, "尚无中标候选人公示或结果公告。", "No candidates or result notice yet.")
    deadline, day = facts.day("bid_deadline"), facts.beijing_day(step.published_at)
    notice_zh, notice_en = (("中标候选人公示", "the candidates notice") if step.notice_type is NoticeType.candidates
                            else ("结果公告", "the result notice"))
    if deadline is None:
        return Result(code, Status.insufficient_data, "缺少投标（响应）文件提交截止时间。",
                      "The bid deadline is not published.", {"result": day.isoformat()})
    days, limit = (day - deadline).days, int(params["max_days"])
    values = {"bid_deadline": deadline.isoformat(), "result": day.isoformat(), "days": str(days), "max_days": str(limit)}
    if days < 0:
        return Result(code, Status.insufficient_data,
                      f"{notice_zh}（{day.isoformat()}）早于投标截止日（{deadline.isoformat()}），日期可能有误。",
                      f"{notice_en.capitalize()} ({day.isoformat()}) precedes the bid deadline ({deadline.isoformat()}): "
                      "a date is probably wrong.", values)
    said_zh = f"投标截止于 {deadline.isoformat()}，{notice_zh}发布于 {day.isoformat()}，相隔 {days} 日"
    said_en = (f"Bids closed on {deadline.isoformat()} and {notice_en} was published on {day.isoformat()}, "
               f"{days} days later")
    if days > limit:
        return Result(code, Status.flagged, f"{said_zh}，超过 {limit} 日。", f"{said_en}: more than {limit}.", values)
    return Result(code, Status.clear, f"{said_zh}。", f"{said_en}.", values)
