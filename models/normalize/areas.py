"""Areas → square metres (exact ``Decimal``).

Real units (source-formats.md §0.4 and §9 "Areas"):

* 公顷 (hectares): old landchina ``gyMj``, land result tables (§3.2, §3.3);
* 平方米 / ㎡ / m2 / m²: the new landchina transfer API ``mj`` (§3.1);
* 亩: village and rural land;
* 平方千米 / 平方公里 / km2 / km²: mining-right areas (MNR, §4).

An area without any unit is ambiguous (hectares and square metres differ by 10⁴, and scrapers
get it wrong, §9), so it is an error unless the column header declares one (``unit``, flag
``unit_from_header``).

亩 is converted as ``mu × 10000 / 15`` (1 亩 = 10000/15 m² ≈ 666.67 m²): the division is done
exactly and the result is rounded half-even to 2 decimals (0.01 m²); when that rounding changes
the value the flag ``rounded`` is set (15 亩 = 10000 m² exactly, no flag).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from .base import EMPTY, Parsed, Reason, as_text, fail, short, total
from .numbers import CTX, NUMBER_PATTERN, canonical_decimal, prepare, shape_error, to_decimal

_SQM = Decimal(1)
_HA = Decimal(10_000)
_KM2 = Decimal(1_000_000)
MU_DIVISOR = Decimal(15)
_CENT = Decimal("0.01")
# The largest area accepted: 10¹³ m² (10 million km², more than China's whole land area); a larger
# value is a typo or a hostile value, and would not fit the store's exact two-decimal m².
MAX_M2 = Decimal(10) ** 13

# Order matters: longer spellings first.
UNIT_FACTORS: dict[str, tuple[Decimal, str]] = {
    "平方千米": (_KM2, "km2"),
    "平方公里": (_KM2, "km2"),
    "km²": (_KM2, "km2"),
    "km2": (_KM2, "km2"),
    "k㎡": (_KM2, "km2"),
    "㎢": (_KM2, "km2"),
    "平方米": (_SQM, "m2"),
    "平米": (_SQM, "m2"),
    "㎡": (_SQM, "m2"),
    "m²": (_SQM, "m2"),
    "m2": (_SQM, "m2"),
    "米2": (_SQM, "m2"),
    "公顷": (_HA, "ha"),
    "hm²": (_HA, "ha"),
    "hm2": (_HA, "ha"),
    "ha": (_HA, "ha"),
    "亩": (_SQM, "mu"),  # converted by division, see _to_sqm
}
_UNIT_ALT = "|".join(re.escape(u) for u in UNIT_FACTORS)
_AREA_RE = re.compile(
    rf"(?<![A-Za-z米])(?P<num>{NUMBER_PATTERN})\s*(?:[(（]\s*)?(?P<wan>万)?\s*(?P<unit>{_UNIT_ALT})?",
    re.IGNORECASE,
)
_NEGATIVE_RE = re.compile(r"(?:^|[^\d\w.])[-−]\s*\d")
_HEADER_RE = re.compile(rf"(万)?\s*({_UNIT_ALT})", re.IGNORECASE)
_LABEL_RE = re.compile(rf"[(（\[【]\s*(?:单位\s*[:：]?\s*)?(万)?\s*({_UNIT_ALT})\s*[)）\]】]", re.IGNORECASE)


def _to_sqm(d: Decimal, unit: str, wan: bool, flags: list[str]) -> Decimal:
    factor, kind = UNIT_FACTORS[unit.lower()]
    if wan:
        d = CTX.multiply(d, Decimal(10_000))
    if kind == "mu":
        exact = CTX.divide(CTX.multiply(d, _HA), MU_DIVISOR)
        value = exact.quantize(_CENT, rounding=ROUND_HALF_EVEN, context=CTX)
        if value != exact:
            flags.append("rounded")
        flags.append("mu")
        return value
    return CTX.multiply(d, factor)


@lru_cache(maxsize=256)
def _header_unit(unit: str | None) -> tuple[str | None, bool, str | None]:
    """(unit, 万-prefix, error) for a header such as ``出让面积(公顷)`` or ``㎡``."""
    if unit is None:
        return None, False, None
    u = prepare(unit)
    if u is None:
        return None, False, None
    m = _HEADER_RE.search(u)
    if m is None:
        return None, False, f"unknown header unit {short(u)!r}"
    return m.group(2), bool(m.group(1)), None


def _parse(text: str, unit: str | None) -> Parsed[Decimal]:
    s = prepare(text)
    if s is None:
        return EMPTY
    if error := shape_error(s):
        return fail(error)
    if _NEGATIVE_RE.search(s):
        return fail(Reason(f"negative area: {short(s)!r}", "area_negative"))
    values: set[Decimal] = set()
    flags: list[str] = []
    count = 0
    labels = {(m.group(2).lower(), bool(m.group(1))) for m in _LABEL_RE.finditer(s)}
    for m in _AREA_RE.finditer(s):
        d = to_decimal(m.group("num"))
        if d is None:
            return fail(Reason(f"number too long in {short(s)!r}", "number_too_long"))
        own, wan = m.group("unit"), bool(m.group("wan"))
        if own is None and len(labels) == 1:
            own, wan_l = next(iter(labels))
            wan = wan or wan_l
            if "unit_from_label" not in flags:
                flags.append("unit_from_label")
        elif own is None:
            own, wan_h, err = _header_unit(unit)
            if err:
                return fail(err)
            if own is None:
                return fail(Reason(f"no unit for the area {short(s)!r}", "area_no_unit"))
            wan = wan or wan_h
            if "unit_from_header" not in flags:
                flags.append("unit_from_header")
        step: list[str] = []
        values.add(_to_sqm(d, own, wan, step))
        flags.extend(f for f in step if f not in flags)
        count += 1
    if not values:
        return fail(Reason(f"no area in {short(s)!r}", "area_missing"))
    if len(values) > 1:
        return fail(Reason(f"ambiguous: several areas in {short(s)!r}", "area_ambiguous"))
    value = canonical_decimal(values.pop())
    if value >= MAX_M2:
        return fail(Reason(f"{short(str(value), 24)} m² is beyond the largest area accepted (under 10^13 m², 10 million km²)",
                           "area_too_large"))
    if count > 1:
        flags.append("repeated")
    if value.is_zero():
        flags.append("zero")
    return Parsed(value, None, tuple(flags))


@total
@lru_cache(maxsize=65536)
def _parse_cached(text: str, unit: str | None) -> Parsed[Decimal]:
    return _parse(text, unit)


def parse_area(text: str | None, unit: str | None = None) -> Parsed[Decimal]:
    """An area in square metres, exact: ``1.5公顷`` → 15000, ``2.3平方千米`` → 2300000.

    ``unit`` is the unit a column header declares (``公顷``, ``平方米``, ``出让面积(公顷)``),
    used only when the text has none (flag ``unit_from_header``). Without any unit: error. A
    ``万`` prefix (``3.5万平方米``) multiplies by 10⁴. 亩 conversion: see the module docstring
    (flags ``mu`` and, when rounding was needed, ``rounded``). The same area given twice in two
    units that agree exactly gives flag ``repeated``; different areas are an error.
    """
    text = as_text(text)
    if text is None:
        return EMPTY
    return _parse_cached(text, unit if unit is None or isinstance(unit, str) else as_text(unit))
