"""Places: real GB/T 2260 divisions (models/data/divisions.csv) and the names derived from them."""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from demo.generate.vocabulary import ETHNIC_GROUPS, PROVINCES

DIVISIONS_CSV = Path(__file__).resolve().parents[2] / "models" / "data" / "divisions.csv"
_SUFFIX_RE = re.compile(r"(?:特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|地区|林区|省|市|县|区|盟|旗)$")
_ETHNIC_RE = re.compile("(?:" + "|".join(ETHNIC_GROUPS) + ")+$")


@dataclass(frozen=True)
class Place:
    """A GB/T 2260 division and the names derived from it."""

    code: str
    name: str
    level: str
    prefecture: str  # the prefecture's name (the province's for a county directly under it)
    prefecture_code: str
    province: str

    @property
    def province2(self) -> str:
        return self.code[:2]

    @property
    def word(self) -> str:
        """The place word of company names: 佛山 (prefecture), 北京 (municipality)."""
        return short_name(self.prefecture)

    @property
    def local(self) -> str:
        """How local bodies are prefixed: 佛山市顺德区, 淳安县, 北京市西城区, 佛山市."""
        if self.level == "prefecture" or self.name == self.prefecture:
            return self.name
        if self.name.endswith("区") and not self.name.endswith("地区"):
            return self.prefecture + self.name
        return self.name


# -- divisions -----------------------------------------------------------------------------


def short_name(name: str) -> str:
    s = _SUFFIX_RE.sub("", name)
    s = _ETHNIC_RE.sub("", s)
    return s if len(s) >= 2 else name[:2]


@cache
def read_divisions() -> dict[str, tuple[str, str, str]]:
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: (r["name"], r["level"], r["parent_code"]) for r in csv.DictReader(fh)}


@cache
def places_by_province() -> dict[str, tuple[Place, ...]]:
    """Province (2 digits) → its county- and prefecture-level places, in code order."""
    divisions = read_divisions()
    out: dict[str, list[Place]] = {}
    for code, (name, level, parent) in sorted(divisions.items()):
        if level == "province" or code[:2] not in PROVINCES or "直辖" in name or name == "市辖区":
            continue
        province = divisions[code[:2] + "0000"][0]
        if level == "prefecture":
            place = Place(code, name, level, name, code, province)
        else:
            pname, plevel, _ = divisions.get(parent, (province, "province", ""))
            place = Place(code, name, level, pname, parent if plevel == "prefecture" else code[:2] + "0000", province)
        out.setdefault(code[:2], []).append(place)
    return {k: tuple(v) for k, v in out.items()}


def pick_place(rng: random.Random, provinces: Sequence[str], *, prefecture: str | None = None,
                prefecture_share: float = 0.15) -> Place:
    """A random place in one of ``provinces`` (or inside one prefecture), mostly county level."""
    pool = places_by_province()[rng.choice(provinces)]
    if prefecture:
        pool = tuple(p for p in pool if p.prefecture_code == prefecture and p.level == "county")
        return rng.choice(pool)
    level = "prefecture" if rng.random() < prefecture_share else "county"
    candidates = [p for p in pool if p.level == level] or list(pool)
    return rng.choice(candidates)
