"""What an indicator reads: one compiled project and the timeline of its notices.

The compiled project's fields are the JSON form of the area models (money as exact decimal
text, dates as ISO text); :class:`Facts` gives them back typed — money as ``Decimal`` yuan,
dates and times as ``date``/``datetime`` in Beijing time — so rules never parse text or touch
floats.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from models.codelists import Kind, NoticeType
from models.kinds import LOTS_FIELD, headline_amount
from models.project import Project

BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Step:
    """One current notice version of the project: its stage and when it was published."""

    notice_type: NoticeType
    published_at: datetime


@dataclass(frozen=True)
class Facts:
    project: Project
    timeline: tuple[Step, ...]

    @classmethod
    def of(cls, project: Project, contents: Iterable[Mapping[str, Any]]) -> Facts:
        """From the compiled project and the notice contents it was compiled from."""
        steps = sorted((Step(NoticeType(c["notice_type"]), datetime.fromisoformat(c["published_at"]))
                        for c in contents), key=lambda s: s.published_at)
        return cls(project, tuple(steps))

    # -- the project ---------------------------------------------------------------------------
    @property
    def kind(self) -> Kind:
        return self.project.kind

    @property
    def fields(self) -> Mapping[str, Any]:
        return self.project.fields

    @property
    def method(self) -> str | None:
        value = self.fields.get("supply_method" if self.kind is Kind.land else "method")
        return value if isinstance(value, str) else None

    @property
    def province(self) -> str | None:
        return self.project.region.province_code if self.project.region else None

    def text(self, name: str) -> str | None:
        value = self.fields.get(name)
        return value if isinstance(value, str) and value.strip() else None

    def money(self, name: str) -> Decimal | None:
        """A money (or any decimal) field as exact ``Decimal``; None when absent or not a number."""
        value = self.fields.get(name)
        if value is None or isinstance(value, bool):
            return None
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            return None
        return d if d.is_finite() else None

    def integer(self, name: str) -> int | None:
        value = self.fields.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def day(self, name: str) -> date | None:
        """A date or datetime field as the Beijing calendar day."""
        value = self.fields.get(name)
        if not isinstance(value, str):
            return None
        if "T" in value:
            moment = self.moment(name)
            return moment.date() if moment else None
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None

    def moment(self, name: str) -> datetime | None:
        """A datetime field in Beijing time; a time without a zone is read as Beijing time."""
        value = self.fields.get(name)
        if not isinstance(value, str) or "T" not in value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        return moment.replace(tzinfo=BEIJING) if moment.tzinfo is None else moment.astimezone(BEIJING)

    # -- lots and awards ------------------------------------------------------------------------
    @cached_property
    def lots(self) -> list[Mapping[str, Any]]:
        name = LOTS_FIELD[self.kind]
        lots = self.fields.get(name, []) if name else []
        return [lot for lot in lots if isinstance(lot, Mapping)]

    @cached_property
    def winners(self) -> list[Mapping[str, Any]]:
        return [w for lot in self.lots for w in lot.get("winners", [])]

    @cached_property
    def award_total(self) -> Decimal | None:
        amounts = [Decimal(str(w["amount"])) for w in self.winners if w.get("amount") is not None]
        return sum(amounts, Decimal(0)) if amounts else None

    def headline(self) -> Decimal | None:
        """The most final amount of the project (models.kinds.headline_amount)."""
        return headline_amount(self.kind, self.fields)

    def party_ids(self, role: str) -> list[str]:
        return [p.party_id for p in self.project.parties if p.role.value == role]

    def winner_ids(self) -> list[str]:
        """The winners' (holder's, transferee's) party ids, each once."""
        roles = {"winner", "land_user", "transferee"}
        return list(dict.fromkeys(p.party_id for p in self.project.parties if p.role.value in roles))

    # -- the timeline ---------------------------------------------------------------------------
    def first(self, *types: NoticeType) -> datetime | None:
        return next((s.published_at for s in self.timeline if s.notice_type in types), None)

    def has(self, *types: NoticeType) -> bool:
        return any(s.notice_type in types for s in self.timeline)

    def beijing_day(self, moment: datetime) -> date:
        return moment.astimezone(BEIJING).date()


def working_days(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (Monday to Friday; public holidays and
    their make-up days are not known here, so a period around a holiday is counted generously)."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for i in range(1, rest + 1):
        if (start + timedelta(days=weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


def yuan_text(amount: Decimal) -> str:
    """Exact yuan for a sentence: ``1050955.00`` → ``1,050,955.00 元``."""
    return f"{amount:,.2f} 元"


def pct(value: Decimal) -> str:
    """A ratio as a percentage with two decimals (``0.004`` → ``0.40%``)."""
    return f"{(value * 100).quantize(Decimal('0.01'))}%"
