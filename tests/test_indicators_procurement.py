"""Procurement and construction-tender indicators (models/indicators/procurement.py): the cases
register at import (tests/test_indicators.py runs them and checks every indicator has a flagged
and a clear case); the tests here check the sentences, the boundaries and the thresholds file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.codelists import Kind
from models.indicators import Result, Status, evaluate_facts
from models.indicators.engine import Thresholds
from tests.indicator_cases import case, facts_of

P, T = Kind.procurement, Kind.tender
ANNOUNCE, CANDIDATES, RESULT, CONTRACT = "announcement", "candidates", "result", "contract"
MON = "2024-04-01T10:00:00+08:00"  # a Monday
FRI = "2024-04-05T10:00:00+08:00"  # a Friday
AWARDED = "2024-05-10T10:00:00+08:00"


def lot(winners: Sequence[tuple[str, str | None]] = (), candidates: Sequence[tuple[str, str | None]] = (),
        name: str = "1") -> dict[str, Any]:
    """A lot with winners and ranked candidates given as (name, amount or None)."""
    def award(n: str, amount: str | None, rank: int | None = None) -> dict[str, Any]:
        return {"name": n, **({"amount": amount} if amount is not None else {}), **({"rank": rank} if rank else {})}
    return {"name": name, "winners": [award(n, a) for n, a in winners],
            "candidates": [award(n, a, i) for i, (n, a) in enumerate(candidates, 1)]}


def result_of(code: str, kind: Kind, *notices: tuple[str, str, dict[str, Any]],
              thresholds: Thresholds | None = None) -> Result:
    return {r.code: r for r in evaluate_facts(facts_of(kind, list(notices)), thresholds)}[code]


# -- P-SHORTPERIOD --------------------------------------------------------------------------------
SP = "P-SHORTPERIOD"
case(SP, Status.flagged, P, (ANNOUNCE, MON, {"method": "公开招标", "bid_deadline": "2024-04-15T09:30:00+08:00"}),
     name="open-14-days")
case(SP, Status.flagged, P, (ANNOUNCE, MON, {"method": "公开招标", "bid_deadline": "2024-04-20T09:30:00+08:00"}),
     name="open-19-days")
case(SP, Status.clear, P, (ANNOUNCE, MON, {"method": "公开招标", "bid_deadline": "2024-04-21T09:30:00+08:00"}),
     name="open-20-days")
case(SP, Status.flagged, T, (ANNOUNCE, MON, {"method": "邀请招标", "bid_deadline": "2024-04-18T09:00:00+08:00"}),
     name="tender-invited-17-days")
case(SP, Status.clear, P, (ANNOUNCE, MON, {"method": "竞争性磋商", "bid_deadline": "2024-04-11T09:30:00+08:00"}),
     name="consultation-10-days")
case(SP, Status.flagged, P, (ANNOUNCE, MON, {"method": "竞争性磋商", "bid_deadline": "2024-04-10T09:30:00+08:00"}),
     name="consultation-9-days")
# Friday → Tuesday: 2 working days (Mon, Tue); Friday → Wednesday: 3.
case(SP, Status.flagged, P, (ANNOUNCE, FRI, {"method": "询价", "bid_deadline": "2024-04-09T09:30:00+08:00"}),
     name="rfq-2-working-days")
case(SP, Status.clear, P, (ANNOUNCE, FRI, {"method": "竞争性谈判", "bid_deadline": "2024-04-10T09:30:00+08:00"}),
     name="negotiation-3-working-days")
# Days are Beijing days: 2024-04-20 17:00 UTC is 2024-04-21 in Beijing (20 days, not 19).
case(SP, Status.clear, P, (ANNOUNCE, MON, {"method": "公开招标", "bid_deadline": "2024-04-20T17:00:00+00:00"}),
     name="beijing-day")
# A time without a zone is Beijing time: 23:30 on the 20th stays the 20th (19 days).
case(SP, Status.flagged, P, (ANNOUNCE, MON, {"method": "公开招标", "bid_deadline": "2024-04-20T23:30:00"}),
     name="naive-time-is-beijing")
case(SP, Status.not_applicable, P, (ANNOUNCE, MON, {"method": "单一来源", "bid_deadline": "2024-04-03T09:30:00+08:00"}),
     name="single-source")
case(SP, Status.insufficient_data, P, (RESULT, AWARDED, {"method": "公开招标", "bid_deadline": "2024-04-21T09:30:00+08:00"}),
     name="no-announcement")
case(SP, Status.insufficient_data, P, (ANNOUNCE, MON, {"method": "公开招标"}), name="no-deadline")
case(SP, Status.insufficient_data, P, (ANNOUNCE, MON, {"bid_deadline": "2024-04-21T09:30:00+08:00"}), name="no-method")
case(SP, Status.insufficient_data, P, (ANNOUNCE, MON, {"method": "公开招标", "bid_deadline": "2024-03-21T09:30:00+08:00"}),
     name="deadline-before-announcement")

# -- P-NONOPEN ------------------------------------------------------------------------------------
NO = "P-NONOPEN"
case(NO, Status.flagged, P, (ANNOUNCE, MON, {"method": "竞争性磋商", "budget": "5000000.00"}), name="consultation-5m")
case(NO, Status.flagged, P, (ANNOUNCE, MON, {"method": "竞争性谈判", "budget": "4000000.00"}), name="at-threshold")
case(NO, Status.clear, P, (ANNOUNCE, MON, {"method": "竞争性磋商", "budget": "3999999.99"}), name="below-threshold")
case(NO, Status.flagged, P, (RESULT, AWARDED, {"method": "单一来源", "lots": [lot([("甲公司", "4500000.00")])]}),
     name="single-source-award-without-budget")
case(NO, Status.flagged, T, (ANNOUNCE, MON, {"method": "邀请招标", "estimate": "5000000"}), name="tender-invited-5m")
case(NO, Status.clear, T, (ANNOUNCE, MON, {"method": "邀请招标", "control_price": "1000000"}), name="tender-invited-1m")
case(NO, Status.clear, P, (ANNOUNCE, MON, {"method": "公开招标", "budget": "9000000"}), name="open")
case(NO, Status.not_applicable, P, (ANNOUNCE, MON, {"method": "框架协议", "budget": "9000000"}), name="framework")
case(NO, Status.insufficient_data, P, (ANNOUNCE, MON, {"method": "询价"}), name="no-amount")
case(NO, Status.insufficient_data, P, (ANNOUNCE, MON, {"budget": "9000000"}), name="no-method")

# -- P-CLOSEBUDGET --------------------------------------------------------------------------------
CB = "P-CLOSEBUDGET"
case(CB, Status.flagged, P, (RESULT, AWARDED, {"ceiling_price": "1000000", "lots": [lot([("甲公司", "995000")])]}),
     name="0.5-percent")
case(CB, Status.flagged, P, (RESULT, AWARDED, {"ceiling_price": "1000000", "lots": [lot([("甲公司", "1000000")])]}),
     name="at-ceiling")
case(CB, Status.flagged, P, (RESULT, AWARDED, {"budget": "1000000", "lots": [lot([("甲公司", "990000.01")])]}),
     name="budget-when-no-ceiling")
case(CB, Status.clear, P, (RESULT, AWARDED, {"ceiling_price": "1000000", "lots": [lot([("甲公司", "990000")])]}),
     name="exactly-1-percent")
case(CB, Status.clear, P, (RESULT, AWARDED, {"ceiling_price": "1000000", "lots": [lot([("甲公司", "1020000")])]}),
     name="above-ceiling")
case(CB, Status.flagged, T, (RESULT, AWARDED, {"control_price": "8000000", "sections": [lot([("乙建设", "7990000")])]}),
     name="tender-control-price")
case(CB, Status.clear, T, (RESULT, AWARDED, {"control_price": "8000000", "sections": [lot([("乙建设", "7200000")])]}),
     name="tender-10-percent")
case(CB, Status.insufficient_data, P, (RESULT, AWARDED, {"lots": [lot([("甲公司", "995000")])]}), name="no-ceiling")
case(CB, Status.insufficient_data, P, (RESULT, AWARDED, {"budget": "1000000", "lots": [lot([("甲公司", None)])]}),
     name="no-award-amount")
case(CB, Status.not_applicable, P, (ANNOUNCE, MON, {"budget": "1000000"}), name="no-award-yet")

# -- P-DISQ ---------------------------------------------------------------------------------------
DQ = "P-DISQ"
case(DQ, Status.flagged, P, (RESULT, AWARDED, {"bid_count": 5, "lots": [lot([("甲公司", "900000")], [("甲公司", "900000")])]}),
     name="winner-only-candidate")
case(DQ, Status.flagged, T, (CANDIDATES, AWARDED, {"bid_count": 3, "sections": [lot([], [("乙建设", "7200000")])]}),
     name="tender-one-candidate-of-three-bids")
case(DQ, Status.clear, T, (CANDIDATES, AWARDED, {"bid_count": 5, "sections": [lot(
    [], [("乙建设", "7200000"), ("丙建设", "7300000"), ("丁建设", "7400000")])]}), name="three-candidates")
case(DQ, Status.insufficient_data, P, (RESULT, AWARDED, {"bid_count": 5, "lots": [lot([("甲公司", "900000")])]}),
     name="no-candidates")
case(DQ, Status.insufficient_data, P, (RESULT, AWARDED, {"lots": [lot([("甲公司", "900000")], [("甲公司", "900000")])]}),
     name="no-bid-count")
case(DQ, Status.insufficient_data, P, (RESULT, AWARDED, {"bid_count": 6, "lots": [
    lot([("甲公司", "900000")], [("甲公司", "900000")], "1"), lot([("乙公司", "800000")], [("乙公司", "800000")], "2")]}),
     name="several-lots")
case(DQ, Status.not_applicable, P, (RESULT, AWARDED, {"bid_count": 1, "lots": [lot([("甲公司", "900000")], [("甲公司", "900000")])]}),
     name="single-bid")
case(DQ, Status.not_applicable, P, (ANNOUNCE, MON, {"bid_count": 5}), name="no-award-yet")

# -- P-CONTRACTUP ---------------------------------------------------------------------------------
CU = "P-CONTRACTUP"
_AWARD_1M = {"lots": [lot([("甲公司", "1000000.00")])]}
case(CU, Status.flagged, P, (RESULT, AWARDED, _AWARD_1M),
     (CONTRACT, "2024-05-20T10:00:00+08:00", {"contract_amount": "1050000.00"}), name="5-percent-more")
case(CU, Status.clear, P, (RESULT, AWARDED, _AWARD_1M),
     (CONTRACT, "2024-05-20T10:00:00+08:00", {"contract_amount": "1000000.00"}), name="equal")
case(CU, Status.clear, P, (RESULT, AWARDED, _AWARD_1M),
     (CONTRACT, "2024-05-20T10:00:00+08:00", {"contract_amount": "980000.00"}), name="less")
case(CU, Status.insufficient_data, P, (RESULT, AWARDED, _AWARD_1M), (CONTRACT, "2024-05-20T10:00:00+08:00", {}),
     name="contract-without-amount")
case(CU, Status.insufficient_data, P, (RESULT, AWARDED, _AWARD_1M),
     (CONTRACT, "2024-05-20T10:00:00+08:00", {"contract_amount": "0"}), name="zero-contract")
case(CU, Status.insufficient_data, P, (CONTRACT, "2024-05-20T10:00:00+08:00", {"contract_amount": "1000000.00"}),
     name="no-award-amount")
case(CU, Status.not_applicable, P, (RESULT, AWARDED, _AWARD_1M), name="no-contract-yet")

# -- P-EVEN ---------------------------------------------------------------------------------------
EV = "P-EVEN"
case(EV, Status.flagged, T, (CANDIDATES, AWARDED, {"sections": [lot(
    [], [("乙建设", "1000000"), ("丙建设", "1004000"), ("丁建设", "1100000")])]}), name="0.4-percent")
case(EV, Status.flagged, P, (RESULT, AWARDED, {"lots": [lot(
    [("甲公司", "500000")], [("甲公司", "500000"), ("乙公司", "500000")])]}), name="identical")
case(EV, Status.clear, T, (CANDIDATES, AWARDED, {"sections": [lot(
    [], [("乙建设", "1000000"), ("丙建设", "1005000")])]}), name="exactly-0.5-percent")
# Prices of different lots are not compared: 1,000,000 and 1,000,001 are in different lots.
case(EV, Status.clear, P, (RESULT, AWARDED, {"lots": [
    lot([], [("甲公司", "1000000"), ("乙公司", "2000000")], "1"),
    lot([], [("丙公司", "1000001"), ("丁公司", "3000000")], "2")]}), name="lots-apart")
case(EV, Status.insufficient_data, T, (CANDIDATES, AWARDED, {"sections": [lot(
    [], [("乙建设", None), ("丙建设", None)])]}), name="rates-not-amounts")
case(EV, Status.insufficient_data, P, (RESULT, AWARDED, {"lots": [lot([("甲公司", "500000")])]}), name="no-candidates")
case(EV, Status.not_applicable, P, (RESULT, AWARDED, {"lots": [lot([("甲公司", "500000")], [("甲公司", "500000")])]}),
     name="one-candidate")
case(EV, Status.not_applicable, P, (ANNOUNCE, MON, {}), name="no-award-yet")

# -- P-LATERESULT ---------------------------------------------------------------------------------
LR = "P-LATERESULT"
_CALL = (ANNOUNCE, MON, {"method": "公开招标", "bid_deadline": "2024-04-21T09:30:00+08:00"})
case(LR, Status.flagged, P, _CALL, (RESULT, "2024-05-31T10:00:00+08:00", {}), name="40-days")
case(LR, Status.flagged, P, _CALL, (RESULT, "2024-05-22T10:00:00+08:00", {}), name="31-days")
case(LR, Status.clear, P, _CALL, (RESULT, "2024-05-21T10:00:00+08:00", {}), name="30-days")
# The first outcome counts: candidates 4 days after the deadline, the result much later.
case(LR, Status.clear, T, (ANNOUNCE, MON, {"bid_deadline": "2024-04-21T09:30:00+08:00"}),
     (CANDIDATES, "2024-04-25T10:00:00+08:00", {}), (RESULT, "2024-06-30T10:00:00+08:00", {}), name="tender-candidates")
case(LR, Status.insufficient_data, P, (RESULT, AWARDED, {}), name="no-deadline")
case(LR, Status.insufficient_data, P, (ANNOUNCE, MON, {"bid_deadline": "2024-06-21T09:30:00+08:00"}),
     (RESULT, AWARDED, {}), name="result-before-deadline")
case(LR, Status.not_applicable, P, _CALL, name="no-result-yet")


# -- sentences, values and thresholds ---------------------------------------------------------------

def test_short_period_says_the_method_dates_and_minimum() -> None:
    r = result_of(SP, P, (ANNOUNCE, MON, {"method": "竞争性磋商", "bid_deadline": "2024-04-08T09:30:00+08:00"}))
    assert r.status is Status.flagged
    for text in ("竞争性磋商", "2024-04-01", "2024-04-08", "7 日", "10 日"):
        assert text in r.why_zh
    assert "7 days" in r.why_en
    assert "minimum of 10" in r.why_en
    assert (r.values["days"], r.values["min_days"]) == ("7", "10")
    r = result_of(SP, P, (ANNOUNCE, FRI, {"method": "询价", "bid_deadline": "2024-04-09T09:30:00+08:00"}))
    assert "2 个工作日" in r.why_zh
    assert "3 个工作日" in r.why_zh
    assert r.values["working_days"] == "2"


def test_non_open_names_the_amount_and_threshold_and_follows_the_province() -> None:
    notice = (ANNOUNCE, MON, {"method": "竞争性磋商", "budget": "3000000.00"})
    assert result_of(NO, P, notice).status is Status.clear
    # A province whose standard is the central 2,000,000 (thresholds.toml [P-NONOPEN.province."44"]).
    table = Thresholds({NO: {"province": {"44": {"open_threshold": 2_000_000}}}})
    r = result_of(NO, P, notice, thresholds=table)
    assert r.status is Status.flagged
    for text in ("竞争性磋商", "3,000,000.00 元", "2,000,000.00 元"):
        assert text in r.why_zh
    assert r.values == {"method": "竞争性磋商", "amount": "3000000.00", "amount_source": "budget",
                        "open_threshold": "2000000"}


def test_close_budget_is_exact_decimal() -> None:
    r = result_of(CB, P, (RESULT, AWARDED, {"ceiling_price": "0.30", "lots": [lot([("甲公司", "0.10"), ("乙公司", "0.20")])]}))
    # 0.1 + 0.2 == 0.3 exactly (a float sum would be 0.30000000000000004, above the ceiling).
    assert r.status is Status.flagged
    assert r.values["gap"] == "0.0000"


def test_a_gap_just_under_the_limit_never_reads_as_the_limit() -> None:
    r = result_of(CB, P, (RESULT, AWARDED, {"budget": "1000000", "lots": [lot([("甲公司", "990000.01")])]}))
    assert r.status is Status.flagged
    assert "仅低 0.99%（小于 1.00%）" in r.why_zh


def test_contract_up_says_by_how_much() -> None:
    r = result_of(CU, P, (RESULT, AWARDED, _AWARD_1M), (CONTRACT, "2024-05-20T10:00:00+08:00", {"contract_amount": "1050000.00"}))
    assert "50,000.00 元（5.00%）" in r.why_zh
    assert "5.00%" in r.why_en
    assert (r.values["difference"], r.values["increase"]) == ("50000.00", "0.0500")


def test_even_names_the_closest_pair() -> None:
    r = result_of(EV, T, (CANDIDATES, AWARDED, {"sections": [lot(
        [], [("乙建设", "1100000"), ("丙建设", "1004000"), ("丁建设", "1000000")])]}))
    assert (r.values["lower_bidder"], r.values["higher_bidder"]) == ("丁建设", "丙建设")
    assert "0.40%" in r.why_zh
    assert "丁建设" in r.why_en


def test_late_result_threshold_is_configurable() -> None:
    notices = (_CALL, (RESULT, "2024-05-11T10:00:00+08:00", {}))
    assert result_of(LR, P, *notices).status is Status.clear
    r = result_of(LR, P, *notices, thresholds=Thresholds({LR: {"kind": {"procurement": {"max_days": 14}}}}))
    assert r.status is Status.flagged
    assert "相隔 20 日，超过 14 日" in r.why_zh
    assert r.values["max_days"] == "14"
