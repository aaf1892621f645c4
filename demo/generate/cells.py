"""Text renderings: how one canonical value becomes one messy but valid cell."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from demo.generate.values import LotValue, Stage, centi_of, fen_of
from demo.generate.vocabulary import CN_UPPER_DIGITS, CN_UPPER_SECTIONS, CN_UPPER_UNITS, IDEOGRAPHIC_SPACE
from models.normalize.amounts import format_yuan

# -- text renderings --------------------------------------------------------------------------


def yuan_text(v: Decimal) -> str:
    return format_yuan(fen_of(v))


def _yuan_commas(v: Decimal) -> str:
    n = fen_of(v)
    return f"{n // 100:,}.{n % 100:02d}"


def wan_text(v: Decimal, places: int = 6) -> str:
    """Exact 万元 text with ``places`` decimals (6 when fewer would lose precision)."""
    q, r = divmod(fen_of(v), 10**6)
    digits = f"{r:06d}"
    if places < 6 and digits[places:].strip("0"):
        places = 6
    return f"{q}.{digits[:places]}" if places else str(q)


def cn_upper_yuan(n: int) -> str:
    """Whole yuan in upper-case numerals: 16369 → 壹万陆仟叁佰陆拾玖元整."""
    if n == 0:
        return "零元整"
    sections: list[int] = []
    while n:
        n, sec = divmod(n, 10_000)
        sections.append(sec)
    out = ""
    gap = False
    for idx in range(len(sections) - 1, -1, -1):
        sec = sections[idx]
        if sec == 0:
            gap = bool(out)
            continue
        if out and (gap or sec < 1000):
            out += "零"
        out += _cn_section(sec) + CN_UPPER_SECTIONS[idx]
        gap = False
    return out + "元整"


def _cn_section(sec: int) -> str:
    s = ""
    zero = False
    for pos in range(3, -1, -1):
        d = sec // 10**pos % 10
        if d == 0:
            zero = bool(s)
            continue
        if zero:
            s += "零"
            zero = False
        s += CN_UPPER_DIGITS[d] + CN_UPPER_UNITS[pos]
    return s


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in s)


def area_units(a: Decimal, unit: str) -> str:
    """Exact text of ``a`` (m²) in 平方米 (2 decimals), 公顷 (6) or 平方千米 (4 when exact, else 8)."""
    centi = centi_of(a)
    if unit == "平方米":
        return f"{centi // 100}.{centi % 100:02d}"
    if unit == "公顷":
        return f"{centi // 10**6}.{centi % 10**6:06d}"
    q, r = divmod(centi, 10**8)
    digits = f"{r:08d}"
    return f"{q}.{digits[:4]}" if not digits[4:].strip("0") else f"{q}.{digits}"


Fmt = Callable[[Any, random.Random], Any]


def money_messy(v: Decimal, rng: random.Random) -> str:
    """A money cell that carries its own unit (or none: yuan, the English field's unit)."""
    n = fen_of(v)
    if n == 0:
        return "0元 人民币"  # the bogus contract amount of a real ggzy page
    r = rng.random()
    whole = n % 100 == 0
    if r < 0.24:
        return f"人民币{yuan_text(v)}元"
    if r < 0.44:
        return f"{_yuan_commas(v)}元"
    if r < 0.58:
        return f"￥{wan_text(v)} 万元（人民币）"
    if r < 0.66 and whole and n < 10**10:
        return f"{cn_upper_yuan(n // 100)}（¥{yuan_text(v)}）"
    if r < 0.74 and whole:
        return _fullwidth(str(n // 100)) + "元"
    return yuan_text(v)


def money_in(unit: str) -> Fmt:
    """Bare numbers in the unit the header declares (sometimes with that unit repeated)."""

    def fmt(v: Decimal, rng: random.Random) -> str:
        text = wan_text(v, 4) if unit == "万元" else yuan_text(v)
        return text + unit if rng.random() < 0.1 else text

    return fmt


def money_xlsx_wan(v: Decimal, _rng: random.Random) -> float | str:
    """A native XLSX number in 万元 when it is exact as a float, else text."""
    text = wan_text(v, 4)
    return float(text) if len(text.split(".")[1]) <= 4 else text


def money_json(v: Decimal, rng: random.Random) -> int | str:
    n = fen_of(v)
    return n // 100 if n % 100 == 0 and rng.random() < 0.3 else yuan_text(v)


def moneys(fmt: Fmt) -> Fmt:
    def join(values: list[Decimal], rng: random.Random) -> str:
        return "；".join(str(fmt(v, rng)) for v in values)

    return join


def names(values: list[str], _rng: random.Random) -> str:
    return "；".join(values)


def text(v: Any, _rng: random.Random) -> Any:
    return v


def padded(v: Any, rng: random.Random) -> Any:
    """Text padded with ideographic spaces now and then (CCGP exports do this)."""
    if isinstance(v, str) and rng.random() < 0.15:
        return v + IDEOGRAPHIC_SPACE * rng.randint(1, 6)
    return v


def stage_en(v: Stage, _rng: random.Random) -> str:
    return v.type.value


def stage_zh(v: Stage, _rng: random.Random) -> str:
    return v.word


DATETIME_STYLES: dict[str, Callable[[datetime], str]] = {
    "iso_min": lambda d: f"{d:%Y-%m-%d %H:%M}",
    "iso_sec": lambda d: f"{d:%Y-%m-%d %H:%M:%S}",
    "cn_min": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日 {d.hour:02d}:{d.minute:02d}",
    "slash_sec": lambda d: f"{d.year}/{d.month}/{d.day} {d.hour}:{d.minute:02d}:{d.second:02d}",
    "dot_sec": lambda d: f"{d:%Y.%m.%d %H:%M:%S}",
    "iso_t": lambda d: f"{d:%Y-%m-%dT%H:%M:%S}+08:00",
}
DATE_STYLES: dict[str, Callable[[date], str]] = {
    "cn": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    "iso": lambda d: f"{d:%Y-%m-%d}",
    "slash": lambda d: f"{d.year}/{d.month}/{d.day}",
    "dot": lambda d: f"{d:%Y.%m.%d}",
}


def dt(*styles: str) -> Fmt:
    """A datetime in one of ``styles`` (chosen per cell)."""

    def fmt(v: datetime, rng: random.Random) -> str:
        return DATETIME_STYLES[rng.choice(styles)](v)

    return fmt


def day(*styles: str) -> Fmt:
    """A date (or the date of a datetime) in one of ``styles``."""

    def fmt(v: date, rng: random.Random) -> str:
        return DATE_STYLES[rng.choice(styles)](v.date() if isinstance(v, datetime) else v)

    return fmt


def native(v: Any, _rng: random.Random) -> Any:
    """A value as openpyxl writes it natively (datetime, date, int)."""
    return v


def area_messy(v: Decimal, rng: random.Random) -> str:
    """An area under the English ``area_m2`` header (canonical 平方米), often with its own unit."""
    r = rng.random()
    if r < 0.35:
        return area_units(v, "平方米")
    if r < 0.6:
        return area_units(v, "平方米") + "平方米"
    if r < 0.75:
        return area_units(v, "平方米") + "㎡"
    return area_units(v, "公顷") + "公顷"


def area_in(unit: str) -> Fmt:
    def fmt(v: Decimal, _rng: random.Random) -> str:
        return area_units(v, unit)

    return fmt


def area_km2_own(v: Decimal, rng: random.Random) -> str:
    return area_units(v, "平方千米") + rng.choice(("平方千米", "平方千米", "km²", "平方公里"))


def duration(v: int, rng: random.Random) -> str:
    return f"{v}日历天" if rng.random() < 0.8 else f"{v}天"


def percent(v: str, _rng: random.Random) -> str:
    return v


def lots_json(lots: list[LotValue], rng: random.Random) -> list[dict[str, Any]]:
    """Nested lots/sections as JSON submissions give them (amounts in yuan, plain numbers)."""
    out = []
    for lot in lots:
        item: dict[str, Any] = {"name": lot.name}
        if lot.budget is not None:
            item["budget"] = yuan_text(lot.budget)
        item["winners"] = [{"name": o.name, "uscc": o.uscc, "amount": yuan_text(a)} for o, a in lot.winners]
        item["candidates"] = [{"name": o.name, "rank": i, "amount": yuan_text(a)}
                              for i, (o, a) in enumerate(lot.candidates, start=1)]
        out.append(item)
    return out
