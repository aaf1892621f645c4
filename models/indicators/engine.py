"""The indicator engine: how a red flag is declared, configured and evaluated.

An :class:`Indicator` is a declaration: a code, a Chinese and an English name, its definition,
the inputs it reads, its thresholds (defaults here; overridden per area, method and province
in ``thresholds.toml`` or a deployment's own file) and the law or guide it comes from. Its
``rule`` is a pure function of :class:`~models.indicators.facts.Facts` (one compiled project
and its notice timeline) and the thresholds that apply to it; indicators that compare a
project with others (``scope="across"``) also get a :class:`Context` that the store fills
with the few aggregates they need.

Every applicable indicator gives each project one :class:`Result` with one of four statuses
(DIGIWHIST's calculated/insufficient/undefined, split into flagged and clear): missing data is
never read as "no risk". A result carries a sentence in Chinese and in English that states the
values used, so a reader sees why, not only that.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from models.codelists import Kind

if TYPE_CHECKING:
    from models.indicators.facts import Facts


class Status(StrEnum):
    flagged = "flagged"  # the rule's condition holds: a reason to look, not a finding
    clear = "clear"  # the inputs are there and the condition does not hold
    insufficient_data = "insufficient_data"  # an input the rule needs is missing (the result says which)
    not_applicable = "not_applicable"  # the rule does not concern this project (another method, no award yet)


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.flagged: ("提示风险", "Flagged"),
    Status.clear: ("未见异常", "Clear"),
    Status.insufficient_data: ("数据不足", "Insufficient data"),
    Status.not_applicable: ("不适用", "Not applicable"),
}


@dataclass(frozen=True)
class Result:
    """One indicator's outcome for one project."""

    code: str
    status: Status
    why_zh: str
    why_en: str
    values: Mapping[str, str] = field(default_factory=dict)  # the inputs used, as exact text (money in yuan)


class Context(Protocol):
    """What the store tells an ``across`` indicator about other projects."""

    def awards_between(self, buyer_id: str, winner_id: str, kind: Kind, start: str, end: str) -> int:
        """Projects of ``kind`` awarded by buyer to winner with a result published in [start, end] (ISO dates)."""
        ...

    def comparable_prices(self, facts: Facts) -> list[Decimal]:
        """Prices per m² of comparable projects (same county, year and use), this one excluded."""
        ...


Rule = Callable[["Facts", "Params"], Result]
AcrossRule = Callable[["Facts", "Params", Context], Result]


@dataclass(frozen=True)
class Indicator:
    """A declared red flag."""

    code: str  # stable: pages, feeds, Datasette rows and the thresholds file name it
    kinds: tuple[Kind, ...]
    name_zh: str
    name_en: str
    definition_zh: str
    definition_en: str
    inputs: tuple[str, ...]  # the facts it reads (field names of the area models, or timeline steps)
    basis: str  # the law, regulation or guide, with its article where there is one
    thresholds: Mapping[str, Decimal] = field(default_factory=dict)  # defaults; see thresholds.toml
    rule: Rule | None = None
    across: AcrossRule | None = None  # set instead of rule when the indicator compares projects
    scope: Literal["project", "across"] = "project"
    # an across indicator whose result reads only the awards of its buyer–winner pairs dated within a
    # window that ends at its own award: the threshold giving the window's days. The store then
    # re-evaluates a pair's other projects only when a changed award falls in their window.
    lookback: str | None = None

    def evaluate(self, facts: Facts, params: Params, context: Context | None = None) -> Result:
        if self.across is not None:
            if context is None:
                raise ValueError(f"{self.code} compares projects: it needs the store's context")
            return self.across(facts, params, context)
        assert self.rule is not None
        return self.rule(facts, params)


REGISTRY: dict[str, Indicator] = {}


def indicator(*, code: str, kinds: Iterable[Kind], name: tuple[str, str], definition: tuple[str, str],
              inputs: Iterable[str], basis: str, thresholds: Mapping[str, Any] | None = None,
              scope: Literal["project", "across"] = "project", lookback: str | None = None) -> Callable[[Any], Any]:
    """Register the decorated function as the rule of a new indicator (declaration beside its rule)."""

    def register(fn: Any) -> Any:
        if code in REGISTRY:
            raise ValueError(f"indicator {code} is declared twice")
        if lookback is not None and (scope != "across" or lookback not in (thresholds or {})):
            raise ValueError(f"indicator {code}: lookback must name one of its thresholds (an across indicator)")
        REGISTRY[code] = Indicator(
            code=code, kinds=tuple(kinds), name_zh=name[0], name_en=name[1], definition_zh=definition[0],
            definition_en=definition[1], inputs=tuple(inputs), basis=basis,
            thresholds={k: Decimal(str(v)) for k, v in (thresholds or {}).items()},
            rule=fn if scope == "project" else None, across=fn if scope == "across" else None, scope=scope,
            lookback=lookback)
        return fn

    return register


# -- thresholds ------------------------------------------------------------------------------------

DEFAULT_FILE = Path(__file__).with_name("thresholds.toml")


@dataclass(frozen=True)
class Params:
    """The thresholds that apply to one project: defaults ← area ← method ← province (later wins)."""

    values: Mapping[str, Decimal]
    code: str

    def __getitem__(self, key: str) -> Decimal:
        try:
            return self.values[key]
        except KeyError:
            raise KeyError(f"indicator {self.code} has no threshold {key!r} (thresholds.toml)") from None


@dataclass(frozen=True)
class Thresholds:
    """Overrides per indicator read from TOML (``[CODE]``, ``[CODE.kind.<kind>]``,
    ``[CODE.method.<方式>]``, ``[CODE.province.<2-digit code>]``)."""

    table: Mapping[str, Mapping[str, Any]]
    # the layers merged once per (indicator, area, method, province): a batch asks for the same few
    _memo: dict[tuple[str, Kind, str | None, str | None], Params] = field(
        default_factory=dict, compare=False, repr=False, hash=False)

    def for_project(self, ind: Indicator, kind: Kind, method: str | None, province: str | None) -> Params:
        key = (ind.code, kind, method, province[:2] if province else None)
        params = self._memo.get(key)
        if params is None:
            params = self._memo[key] = self._merge(ind, kind, method, province)
        return params

    def largest(self, ind: Indicator, name: str) -> Decimal:
        """The largest value threshold ``name`` of ``ind`` takes for any area, method or province
        (its default and every override in the file)."""
        found = [ind.thresholds[name]]
        section = self.table.get(ind.code, {})
        if name in section and not isinstance(section[name], dict):
            found.append(Decimal(str(section[name])))
        for layer in ("kind", "method", "province"):
            for values in section.get(layer, {}).values():
                if isinstance(values, dict) and name in values:
                    found.append(Decimal(str(values[name])))
        return max(found)

    def _merge(self, ind: Indicator, kind: Kind, method: str | None, province: str | None) -> Params:
        values = dict(ind.thresholds)
        section = self.table.get(ind.code, {})
        layers = [section, section.get("kind", {}).get(kind.value, {})]
        if method:
            layers.append(section.get("method", {}).get(method, {}))
        if province:
            layers.append(section.get("province", {}).get(province[:2], {}))
        for layer in layers:
            for key, value in layer.items():
                if not isinstance(value, dict):
                    if key not in values:
                        raise ValueError(f"thresholds: {ind.code} has no threshold {key!r}")
                    values[key] = Decimal(str(value))
        return Params(values, ind.code)


@cache
def load_thresholds(path: Path | None = None) -> Thresholds:
    """The packaged thresholds, or a deployment's file (``GONGKAI_THRESHOLDS``, store.config)."""
    file = path or DEFAULT_FILE
    try:
        table = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{file}: cannot read the indicator thresholds ({e})") from e
    unknown = sorted(set(table) - set(REGISTRY))
    if unknown:
        raise ValueError(f"{file}: unknown indicator code(s) {', '.join(unknown)}")
    return Thresholds(table)
