"""Money amounts → exact yuan (``Decimal``), plus fen conversion and formatting.

Real formats (source-formats.md §0.3 and §9 "Amounts"):

* six decimals in 万元 next to the same value in 元 on one ggzy page:
  ``总中标金额 ￥56.980000 万元（人民币）`` and ``总价形式报价:569800.00(元)``;
* a column header that declares the unit (``单价(万元)``, ``中标金额(万元)``) while the cell has
  none: ``302000.0000`` under 万元. The header unit is passed as ``unit`` and used only when the
  text has no unit of its own (flag ``unit_from_header``). Headers can lie (§9): the caller keeps
  ``amount_raw`` and ``unit_declared``;
* ``人民币9950000.00元``, bare ``200000``, ``1,234.50元``, full-width ``１２３４元``, ``1.2亿元``,
  ``5.5万``;
* the bogus contract amount ``0元 人民币`` (ggzy b page; flag ``zero``);
* upper-case numerals ``人民币捌仟贰佰元整`` and both forms together
  ``壹万陆仟叁佰陆拾玖元整（¥16369.00）`` (flag ``both_forms``; an error if they disagree);
* rates that sit in amount columns: ``下浮率5%``, ``98.5%``, ``费率0.8%`` → error;
* unit prices ``元/吨``, ``元/平方米`` (ztc_spider's unit list) → the yuan value, flag ``per_unit``.

No float is used anywhere: numbers go from text straight to ``Decimal``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from .base import EMPTY, Parsed, Reason, as_text, fail, short, total
from .numbers import (
    CN_DIGITS,
    CN_NUMERAL_CHARS,
    CTX,
    NUMBER_PATTERN,
    canonical_decimal,
    chinese_numeral_to_int,
    prepare,
    shape_error,
    to_decimal,
)

UNIT_MULTIPLIERS: dict[str, Decimal] = {
    "元": Decimal(1),
    "圆": Decimal(1),
    "千元": Decimal(1_000),
    "万": Decimal(10_000),
    "万元": Decimal(10_000),
    "百万元": Decimal(1_000_000),
    "千万元": Decimal(10_000_000),
    "亿": Decimal(100_000_000),
    "亿元": Decimal(100_000_000),
    "万亿元": Decimal(10**12),
}
_UNIT_ALT = "万亿元|百万元|千万元|亿元|万元|千元|元|圆|亿|万"
_HUNDRED = Decimal(100)
# The largest amount accepted: 100 万亿元 (10¹⁴ yuan, about China's yearly GDP), far above any real
# transaction. The store keeps fen in SQLite's 64-bit integers (at most 9.2 × 10¹⁶ yuan), so even
# the sum of 900 such amounts still fits; anything larger is a typo or a hostile value.
MAX_YUAN = Decimal(10) ** 14

# An Arabic number, optionally followed by a unit, possibly in brackets: 569800.00(元).
_ARABIC_RE = re.compile(rf"(?P<num>{NUMBER_PATTERN})\s*(?:[(（]\s*)?(?P<unit>{_UNIT_ALT})?")
# The simple, frequent case: the whole cell is one number with an optional unit.
_SIMPLE_RE = re.compile(r"(?:人民币|[¥￥])?\s*(\d+(?:\.\d+)?)\s*(元|万元|亿元)?\s*(?:\(?人民币\)?)?")
_CN_DIGIT_CHARS = "".join(CN_DIGITS)
# An upper/lower-case Chinese amount: 壹万陆仟叁佰陆拾玖元整, 叁拾万元, 伍佰元伍角陆分.
_CN_AMOUNT_RE = re.compile(
    rf"(?P<int>[{CN_NUMERAL_CHARS}]+)\s*(?P<unit>万元|亿元|元|圆)"
    rf"(?:\s*零?(?P<jiao>[{_CN_DIGIT_CHARS}])角)?(?:\s*零?(?P<fen>[{_CN_DIGIT_CHARS}])分)?"
)
_CN_ONLY_NOISE_RE = re.compile(r"人民币|大写|[:：()（）\s整正]")
_LABEL_UNIT_RE = re.compile(
    r"[(（\[【]\s*(?:单位\s*[:：]?\s*)?(?:人民币)?\s*(万亿元|百万元|千万元|亿元|万元|千元|元)\s*[)）\]】]"
)
_UNIT_LABEL_RE = re.compile(r"单位\s*[:：]\s*(?:人民币)?\s*(万亿元|百万元|千万元|亿元|万元|千元|元)")
_RATE_RE = re.compile(r"[%％‰]|率|\d\s*折(?!扣|合|算)")
_FOREIGN_RE = re.compile(
    r"美元|美金|港元|港币|港幣|澳门元|澳元|欧元|日元|英镑|加元|卢布|韩元|USD|HKD|EUR|JPY|GBP|US\$"
)
_NEGATIVE_RE = re.compile(r"(?:^|[^\d\w.])[-−]\s*[¥￥]?\s*\d|负\s*[\d" + CN_NUMERAL_CHARS + "]")
# Numbers that are not money: 第1包, 12个月, 2026年, 3标段 …
_NOT_MONEY_AFTER = frozenset("年月日时号天个包标段次期批项件台套人名家栋层户座间")
_PER_UNIT_RE = re.compile(r"元\s*(?:/|每)")


@lru_cache(maxsize=256)
def _header_multiplier(unit: str | None) -> tuple[Decimal | None, str | None]:
    """(multiplier, error) for a header unit such as ``万元``, ``单价(万元)``, ``元``."""
    if unit is None:
        return None, None
    u = prepare(unit)
    if u is None:
        return None, None
    if _FOREIGN_RE.search(u):
        return None, f"header unit {short(u)!r} is not RMB"
    for word in ("万亿元", "百万元", "千万元", "亿元", "万元", "千元", "元", "圆", "亿", "万"):
        if word in u:
            return UNIT_MULTIPLIERS[word], None
    return None, f"unknown header unit {short(u)!r}"


def _cn_amount(m: re.Match[str]) -> Decimal | None:
    n = chinese_numeral_to_int(m.group("int"))
    if n is None:
        return None
    value = Decimal(n) * UNIT_MULTIPLIERS[m.group("unit")]
    if m.group("jiao"):
        value += Decimal(CN_DIGITS[m.group("jiao")]) / 10
    if m.group("fen"):
        value += Decimal(CN_DIGITS[m.group("fen")]) / 100
    return value


def _finish(value: Decimal, flags: list[str]) -> Parsed[Decimal]:
    value = canonical_decimal(value)
    if value >= MAX_YUAN:
        return fail(Reason(f"{short(str(value), 24)} yuan is beyond the largest amount accepted (under 10^14 yuan, 100 万亿元)", "amount_too_large"))
    if value.is_zero():
        flags.append("zero")
    elif value.as_tuple().exponent < -2:  # type: ignore[operator]
        flags.append("sub_fen")
    return Parsed(value, None, tuple(flags))


def _parse(text: str, unit: str | None) -> Parsed[Decimal]:
    s = prepare(text)
    if s is None:
        return EMPTY
    if error := shape_error(s):
        return fail(error)
    if _FOREIGN_RE.search(s):
        return fail(Reason(f"not in RMB: {short(s)!r}", "amount_not_rmb"))
    if _RATE_RE.search(s):
        return fail(Reason(f"a rate, not an amount: {short(s)!r}", "amount_rate"))

    m = _SIMPLE_RE.fullmatch(s)
    if m:
        d = to_decimal(m.group(1))
        if d is None:
            return fail(Reason(f"number too long in {short(s)!r}", "number_too_long"))
        flags: list[str] = []
        v = _apply_unit(d, m.group(2), unit, flags)
        return fail(v) if isinstance(v, str) else _finish(v, flags)

    if _NEGATIVE_RE.search(s):
        return fail(Reason(f"negative amount: {short(s)!r}", "amount_negative"))

    flags = []
    cn_values = {cn for mm in _CN_AMOUNT_RE.finditer(s) if (cn := _cn_amount(mm)) is not None}
    arabic: list[tuple[Decimal, str | None]] = []
    ignored = False
    for mm in _ARABIC_RE.finditer(s):
        d = to_decimal(mm.group("num"))
        if d is None:
            return fail(Reason(f"number too long in {short(s)!r}", "number_too_long"))
        own = mm.group("unit")
        if own is None and cn_values:
            own = "元"  # 壹万陆仟叁佰陆拾玖元整（¥16369.00）: the bracketed figure repeats the 大写 form
        if own is None:
            end, start = mm.end("num"), mm.start("num")
            after = s[end : end + 3].lstrip()
            if (after and after[0] in _NOT_MONEY_AFTER) or s[max(0, start - 1) : start] == "第":
                ignored = True
                continue
        arabic.append((d, own))

    if not arabic and not cn_values:
        bare = _CN_ONLY_NOISE_RE.sub("", s)
        n = chinese_numeral_to_int(bare)
        if n is None:
            return fail(Reason(f"no amount in {short(s)!r}", "amount_missing"))
        flags.append("chinese")
        v = _apply_unit(Decimal(n), None, unit, flags)
        return fail(v) if isinstance(v, str) else _finish(v, flags)
    if ignored:
        flags.append("other_numbers_ignored")
    if _PER_UNIT_RE.search(s):
        flags.append("per_unit")
    if len(cn_values) > 1:
        return fail(Reason(f"ambiguous: several amounts in {short(s)!r}", "amount_ambiguous"))

    label = {u for u in _LABEL_UNIT_RE.findall(s)} | {u for u in _UNIT_LABEL_RE.findall(s)}
    yuan_values: set[Decimal] = set()
    for d, own in arabic:
        step: list[str] = []
        if own is None and len(label) == 1:
            v = _apply_unit(d, next(iter(label)), None, step)
            step.append("unit_from_label")
        else:
            v = _apply_unit(d, own, unit, step)
        if isinstance(v, str):
            return fail(v)
        yuan_values.add(canonical_decimal(v))
        flags.extend(f for f in step if f not in flags)
    if len(yuan_values) > 1:
        return fail(Reason(f"ambiguous: several amounts in {short(s)!r}", "amount_ambiguous"))
    if len(arabic) > 1:
        flags.append("repeated")
    if cn_values:
        cn = canonical_decimal(cn_values.pop())
        if not yuan_values:
            return _finish(cn, ["chinese", *flags])
        value = yuan_values.pop()
        if cn != value:
            return fail(Reason(f"upper-case and Arabic forms disagree: {cn} (大写) vs {value} in {short(s)!r}",
                               "amount_forms_disagree", upper=cn, arabic=value))
        flags.append("both_forms")
        return _finish(value, [f for f in flags if f != "unit_assumed"])
    return _finish(yuan_values.pop(), flags)


def _apply_unit(d: Decimal, own: str | None, header: str | None, flags: list[str]) -> Decimal | str:
    """Yuan value of ``d`` in its own unit, else the header's, else yuan (flag ``unit_assumed``).

    Returns an error message (str) for an unusable header unit.
    """
    if own:
        return CTX.multiply(d, UNIT_MULTIPLIERS[own])
    mult, err = _header_multiplier(header)
    if err:
        return err
    if mult is None:
        flags.append("unit_assumed")
        return d
    flags.append("unit_from_header")
    return CTX.multiply(d, mult)


@total
@lru_cache(maxsize=65536)
def _parse_cached(text: str, unit: str | None) -> Parsed[Decimal]:
    return _parse(text, unit)


def parse_amount(text: str | None, unit: str | None = None) -> Parsed[Decimal]:
    """An amount of money in yuan, as an exact canonical ``Decimal``.

    ``unit`` is the unit declared by a column header (``"元"``, ``"万元"``, ``"亿元"`` or the whole
    header such as ``"中标金额(万元)"``); it is used only when the text has no unit of its own.
    A unit in brackets elsewhere in the text (``金额（万元）：31.2``) is used before the header
    (flag ``unit_from_label``); with no unit at all, yuan is assumed (flag ``unit_assumed``).
    Flags: ``zero``, ``sub_fen`` (more than 2 decimals in yuan), ``both_forms``, ``repeated``
    (the same amount twice, e.g. in 万元 and 元), ``chinese``, ``per_unit``.
    Errors: rates, negative amounts, foreign currencies, several different amounts.
    """
    text = as_text(text)
    if text is None:
        return EMPTY
    return _parse_cached(text, unit if unit is None or isinstance(unit, str) else as_text(unit))


# -- fen ↔ yuan: the one definition. The store keeps money as integer fen (``*_fen``); every
# -- writer converts with to_fen/yuan_to_fen and every reader with fen_to_yuan/format_yuan/yuan_sql.

def yuan_to_fen(d: Decimal | None) -> int | None:
    """Exact integer fen for a yuan amount; None if it has sub-fen precision (or is None)."""
    if d is None or not isinstance(d, Decimal) or not d.is_finite():
        return None
    fen = CTX.multiply(d, _HUNDRED)
    if fen != fen.to_integral_value():
        return None
    return int(fen)


def format_yuan(fen: int) -> str:
    """Fen as a yuan string with exactly two decimals: ``302000000000`` → ``"3020000000.00"``."""
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(fen), 100)
    return f"{sign}{q}.{r:02d}"


def to_fen(value: object) -> int | None:
    """Exact fen of a validated yuan amount (``Decimal``, int or its text); None for None.

    Raises ValueError on sub-fen precision: a value the models accepted never has it."""
    if value is None:
        return None
    fen = yuan_to_fen(Decimal(str(value)))
    if fen is None:
        raise ValueError(f"{value} has sub-fen precision")
    return fen


def fen_to_yuan(fen: int) -> Decimal:
    """Fen as exact yuan: ``302000000000`` → ``Decimal("3020000000.00")``."""
    return Decimal(int(fen)).scaleb(-2)


def yuan_sql(column: str) -> str:
    """The SQL form of :func:`format_yuan` for a ``*_fen`` column (the store's generated ``*_yuan``).

    It agrees with format_yuan for every amount the models accept (they are never negative:
    SQLite's ``/`` and ``%`` truncate towards zero, so a negative would print wrongly)."""
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE printf('%d.%02d', {column} / 100, {column} % 100) END"
