"""Building facts for indicator tests, and the cases every indicator must pass.

A case is a small project (its notices' stages, times and fields) and the status one indicator
must give it. Each area's test module adds its cases to ``CASES`` by importing :func:`case`;
``tests/test_indicators.py`` checks that every registered indicator has a flagged and a clear
case, so none is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from models.codelists import Kind
from models.indicators import Facts, Status
from models.project import compile_project

REGION = {"code": "440606", "name": "佛山市顺德区", "province_code": "440000"}


@dataclass(frozen=True)
class Case:
    code: str
    status: Status
    kind: Kind
    notices: tuple[tuple[str, str, dict[str, Any]], ...]  # (notice_type, published_at ISO, fields)
    name: str = ""
    region: dict[str, str] | None = field(default_factory=lambda: dict(REGION))
    context: dict[str, Any] | None = None  # for indicators that compare projects: what the store would answer

    def facts(self) -> Facts:
        return facts_of(self.kind, self.notices, self.region)

    def __str__(self) -> str:
        return f"{self.code}-{self.status.value}-{self.name}"


def facts_of(kind: Kind, notices: tuple[tuple[str, str, dict[str, Any]], ...] | list,
             region: dict[str, str] | None = REGION) -> Facts:
    contents = [{"kind": kind.value, "notice_type": ntype, "title": f"测试项目{ntype}", "publisher": "测试交易中心",
                 "published_at": at, "region": region, "project_no": "CS-2024-001", "project_name": "测试项目",
                 "fields": {"kind": kind.value, **fields}} for ntype, at, fields in notices]
    return Facts.of(compile_project("test-project", contents), contents)


CASES: list[Case] = []


def case(code: str, status: Status, kind: Kind, *notices: tuple[str, str, dict[str, Any]], name: str = "",
         region: dict[str, str] | None = REGION, context: dict[str, Any] | None = None) -> Case:
    c = Case(code, status, kind, tuple(notices), name, dict(region) if region else None, context)
    CASES.append(c)
    return c


class StubContext:
    """A context with fixed answers (the store's real one is tested in tests/test_flags.py)."""

    def __init__(self, awards: int = 0, prices: list[str] | None = None) -> None:
        self.awards, self.prices = awards, [Decimal(p) for p in prices or []]

    def awards_between(self, buyer_id: str, winner_id: str, kind: Kind, start: str, end: str) -> int:
        return self.awards

    def comparable_prices(self, facts: Facts) -> list[Decimal]:
        return list(self.prices)
