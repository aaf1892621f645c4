"""Identifiers and values of planned notices.

Money and areas are the models' values (exact Decimal yuan and m², converted with the
models' fen helpers); the few types defined here are what the generator needs before a
notice is text (a planned notice, a stage word, a registered organisation, a bad cell),
each saying why it is not the models' type."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from demo.generate.places import Place
from demo.generate.vocabulary import NEW_ORG_CHARS
from models.codelists import NoticeType
from models.normalize.amounts import fen_to_yuan, to_fen
from models.normalize.uscc import ALPHABET as USCC_ALPHABET
from models.normalize.uscc import org_code_check_char, uscc_check_char

# -- values --------------------------------------------------------------------------------


# Money and areas are the models' values: exact ``Decimal`` yuan (ValueKind.money) and exact
# ``Decimal`` square metres with two decimals (ValueKind.area), converted with the models'
# fen helpers (to_fen, fen_to_yuan, format_yuan). Which one a value is comes from its field
# (models.fields), never from its Python type.


def money_wan(wan: int) -> Decimal:
    """A whole number of 万元 as yuan."""
    return fen_to_yuan(wan * 10**6)


def area_m2(centi: int) -> Decimal:
    """An area given in hundredths of a square metre, as square metres."""
    return Decimal(centi).scaleb(-2)


def fen_of(yuan: Decimal) -> int:
    """The exact fen of a generated amount (the models' to_fen; never None here)."""
    fen = to_fen(yuan)
    if fen is None:
        raise ValueError("an amount is required")
    return fen


def centi_of(m2: Decimal) -> int:
    """An area in hundredths of a square metre (exact: generated areas have two decimals)."""
    return int(m2.scaleb(2))


@dataclass(frozen=True)
class Raw:
    """A cell written verbatim (used for the deliberately bad cells)."""

    text: str


@dataclass(frozen=True)
class Stage:
    """A notice type (the models' NoticeType) and the word a 公告类型 column uses for it.

    Not the models' type alone: the same type has many words (出让公告, 成交公示, 供地结果 …),
    and the generator needs the word an agency would write."""

    type: NoticeType
    word: str


@dataclass(frozen=True)
class Org:
    """A generated organisation: its name and its registered unified social credit code.

    Not the models' ProjectParty: a party there is a role in one project; an Org is the
    registry entry the World reuses, so a name always has the same code."""

    name: str
    uscc: str


@dataclass
class LotValue:
    """A planned lot/section (amounts in Decimal yuan), before a layout renders it as text."""

    name: str | None
    budget: Decimal | None = None
    winners: list[tuple[Org, Decimal]] = field(default_factory=list)
    candidates: list[tuple[Org, Decimal]] = field(default_factory=list)


@dataclass
class PlannedNotice:
    """One planned notice, as canonical values (field name → value) before a layout renders it.

    Not the models' Notice: this is the input of the generator's writers (values the models
    would produce after parsing, plus deliberately bad ``Raw`` cells), not a validated notice."""

    uid: str
    stage: Stage
    values: dict[str, Any]


@dataclass
class PlannedProject:
    """A planned project: its place and its lifecycle of planned notices, in order."""

    uid: str
    place: Place
    rows: list[PlannedNotice]


# -- identifiers -----------------------------------------------------------------------------


def make_uscc(rng: random.Random, region_code: str, dept: str = "91") -> str:
    """A valid code: department + type (91 enterprise, 11 organ, 12 institution), region, subject, check."""
    if dept == "91":
        org8 = "MA" + "".join(rng.choice(NEW_ORG_CHARS) for _ in range(6))
    else:
        org8 = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = dept + region_code + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def bad_uscc(code: str) -> str:
    """The same code with a wrong check character."""
    wrong = USCC_ALPHABET[(USCC_ALPHABET.index(code[17]) + 7) % 31]
    return code[:17] + wrong
