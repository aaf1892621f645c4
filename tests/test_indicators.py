"""The indicator engine: every registered indicator is declared completely, configured from one
file, and tested on both outcomes (cases in tests/test_indicators_*.py)."""

from __future__ import annotations

import importlib
import pkgutil
from decimal import Decimal
from pathlib import Path

import pytest

from models.codelists import Kind
from models.indicators import REGISTRY, Status, applicable, evaluate_facts, load_thresholds
from models.indicators.engine import Indicator, Thresholds
from tests.indicator_cases import CASES, StubContext, case, facts_of

# Every area's cases register on import, wherever pytest starts.
for _mod in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _mod.name.startswith("test_indicators_"):
        importlib.import_module(f"tests.{_mod.name}")

ANNOUNCE, RESULT = "announcement", "result"

case("X-NOCALL", Status.flagged, Kind.procurement, (RESULT, "2024-05-10T10:00:00+08:00", {}), name="result-only")
case("X-NOCALL", Status.clear, Kind.procurement, (ANNOUNCE, "2024-04-01T10:00:00+08:00", {}),
     (RESULT, "2024-05-10T10:00:00+08:00", {}))
case("X-NOCALL", Status.not_applicable, Kind.land, (ANNOUNCE, "2024-04-01T10:00:00+08:00", {}))
case("P-SINGLE", Status.flagged, Kind.procurement, (RESULT, "2024-05-10T10:00:00+08:00",
                                                    {"method": "公开招标", "bid_count": 1}))
case("P-SINGLE", Status.clear, Kind.tender, (RESULT, "2024-05-10T10:00:00+08:00", {"method": "公开招标", "bid_count": 5}))
case("P-SINGLE", Status.not_applicable, Kind.procurement, (RESULT, "2024-05-10T10:00:00+08:00",
                                                           {"method": "单一来源", "bid_count": 1}))
case("P-SINGLE", Status.insufficient_data, Kind.procurement, (RESULT, "2024-05-10T10:00:00+08:00",
                                                              {"method": "竞争性磋商"}))


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_indicator_is_declared_completely(code: str) -> None:
    ind: Indicator = REGISTRY[code]
    for attr in ("kinds", "name_zh", "name_en", "definition_zh", "definition_en", "inputs", "basis"):
        assert getattr(ind, attr), f"{code}: {attr} is empty (name the inputs and the law or guide it comes from)"
    assert (ind.rule is None) != (ind.across is None)


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_every_indicator_is_tested_on_both_outcomes(code: str) -> None:
    statuses = {c.status for c in CASES if c.code == code}
    assert {Status.flagged, Status.clear} <= statuses, f"{code} needs a flagged and a clear case (has {statuses})"


@pytest.mark.parametrize("c", CASES, ids=str)
def test_case(c) -> None:
    ind = REGISTRY[c.code]
    facts = c.facts()
    if ind.scope == "across":
        assert c.context is not None, f"{c}: an indicator that compares projects needs the context's answers"
        table = load_thresholds()
        result = ind.evaluate(facts, table.for_project(ind, facts.kind, facts.method, facts.province),
                              StubContext(**c.context))
    else:
        result = {r.code: r for r in evaluate_facts(facts)}[c.code]
    assert result.status is c.status, f"{c}: {result.why_zh}"
    assert result.why_zh
    assert result.why_en
    assert all(isinstance(v, str) for v in result.values.values())


def test_every_kind_has_indicators_and_the_five_areas_reach_twenty() -> None:
    assert all(applicable(kind) for kind in Kind)


def test_thresholds_layer_default_area_method_province(tmp_path) -> None:
    ind = Indicator(code="P-SINGLE", kinds=(Kind.procurement,), name_zh="x", name_en="x", definition_zh="x",
                    definition_en="x", inputs=("x",), basis="x", thresholds={"days": 20})
    table = Thresholds({"P-SINGLE": {"days": 21, "kind": {"procurement": {"days": 22}},
                                     "method": {"竞争性磋商": {"days": 10}}, "province": {"44": {"days": 30}}}})
    assert table.for_project(ind, Kind.tender, None, None)["days"] == 21
    assert table.for_project(ind, Kind.procurement, None, None)["days"] == 22
    assert table.for_project(ind, Kind.procurement, "竞争性磋商", "320000")["days"] == 10
    assert table.for_project(ind, Kind.procurement, "竞争性磋商", "440000")["days"] == 30
    with pytest.raises(ValueError, match="no threshold 'dayz'"):
        Thresholds({"P-SINGLE": {"dayz": 1}}).for_project(ind, Kind.tender, None, None)
    bad = tmp_path / "t.toml"
    bad.write_text('[NOPE]\nx = 1\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown indicator code"):
        load_thresholds(bad)


def test_the_packaged_thresholds_load() -> None:
    load_thresholds()


def test_facts_are_typed() -> None:
    f = facts_of(Kind.procurement, [(RESULT, "2024-05-10T10:00:00+08:00",
                                     {"budget": "100.50", "lots": [{"name": "1", "winners": [
                                         {"name": "甲公司", "amount": "99.00"}, {"name": "乙公司", "amount": "1.10"}]}]})])
    assert f.money("budget") == Decimal("100.50")
    assert f.award_total == Decimal("100.10")
    assert f.headline() == Decimal("100.10")
