"""Red flags: declared indicators evaluated on every compiled project (issue 10).

- :mod:`.engine`: how an indicator is declared (:func:`~.engine.indicator`), its four
  statuses, its thresholds (``thresholds.toml``: defaults ← area ← method ← province);
- :mod:`.facts`: the typed view of one compiled project and its notice timeline;
- one module per area (:mod:`.common` for rules every area shares).

:func:`evaluate` gives every applicable project-scope indicator's result for one project; the
store evaluates the ``across`` indicators (which compare projects) with its own context. A
flag is a reason to look, not a finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from models.codelists import Kind
from models.indicators import common, land, mining, procurement, state_asset  # noqa: F401 - they register
from models.indicators.engine import (
    REGISTRY,
    STATUS_LABELS,
    Context,
    Indicator,
    Params,
    Result,
    Status,
    Thresholds,
    load_thresholds,
)
from models.indicators.facts import Facts
from models.project import Project

__all__ = ["REGISTRY", "STATUS_LABELS", "Context", "Facts", "Indicator", "Params", "Result", "Status",
           "Thresholds", "applicable", "evaluate", "evaluate_facts", "load_thresholds"]


def applicable(kind: Kind, scope: str | None = None) -> list[Indicator]:
    """The indicators declared for ``kind`` (of one scope, or all), in code order."""
    return list(_applicable(kind, scope, len(REGISTRY)))


@cache
def _applicable(kind: Kind, scope: str | None, _declared: int) -> tuple[Indicator, ...]:
    # asked for every project compiled; keyed by the registry's size too, so a later declaration counts
    return tuple(ind for code, ind in sorted(REGISTRY.items())
                 if kind in ind.kinds and (scope is None or ind.scope == scope))


def evaluate_facts(facts: Facts, thresholds: Thresholds | None = None) -> list[Result]:
    """Every project-scope indicator of the project's kind, evaluated."""
    table = thresholds or load_thresholds()
    return [ind.evaluate(facts, table.for_project(ind, facts.kind, facts.method, facts.province))
            for ind in applicable(facts.kind, "project")]


def evaluate(project: Project, contents: Iterable[Mapping[str, Any]],
             thresholds: Thresholds | None = None) -> list[Result]:
    """Every project-scope indicator for a compiled project and the notice contents it came from."""
    return evaluate_facts(Facts.of(project, contents), thresholds)
