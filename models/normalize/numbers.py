"""Plain numbers, percentages, Chinese numerals, terms in years and durations in days.

Real inputs:

* plot ratios and other decimals such as ``1.00``, ``２.５`` (full-width digits, §9);
* thousands separators ``1,234.50``;
* percentages ``35%``, ``不超过35%`` (bounds in land-transfer conditions, §3.3);
* Chinese numerals, lower case 一二三…十百千万亿 and upper case (大写) 壹贰叁…拾佰仟 used in
  amounts such as ``人民币捌仟贰佰元整`` (§9 "Amounts");
* land-use terms ``70``, ``70年``, ``50 年``, composite ``其他商服用地40年; 商务金融用地50年;``
  (old landchina, §3.3 and §10) and an empty ``年`` (ggzy b page 合同期限, §9);
* contract/construction durations ``365日历天``, ``12个月``, ``2年`` (§5, §6.1).

All arithmetic is on :class:`decimal.Decimal` or ``int``; no float is ever used.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from functools import lru_cache

from .base import EMPTY, Parsed, Reason, as_text, fail, ok, short, total
from .text import clean_line, fold_width, is_placeholder, is_placeholder_folded

# A local context wide enough that nothing we do rounds silently (inputs are capped below).
CTX = Context(prec=60, rounding=ROUND_HALF_EVEN)
MAX_DIGITS = 30
_ONE = Decimal(1)

# A number after fold_width: 1,234.50 | 1234.5 | .5 ; thousands groups must be exactly 3 digits.
NUMBER_PATTERN = r"(?<![\d.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])|(?<![\d.])\.\d+(?!\d)"
_NUMBER_RE = re.compile(NUMBER_PATTERN)
_SIGNED_RE = re.compile(r"(?:^|[^\d\w.])[-−]\s*[¥￥$]?\s*\d|负\s*\d")
_PERCENT_RE = re.compile(r"[%％‰]")
_BOUND_RE = re.compile(
    r"不超过|不大于|不高于|不低于|不小于|不少于|不多于|至少|至多|最多|最少|最高|最低|以下|以上|以内|低于|高于|大于|小于|[<>≤≥≦≧＜＞]"
)

CN_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0,
    "一": 1, "壹": 1, "弌": 1,
    "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3, "叄": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)
_CN_RUN_RE = re.compile(f"[{CN_NUMERAL_CHARS}]+")


# Digits with two or more decimal points (1.2.3, 1..2, 1.234.567): no number a person can read.
_DOTS_RE = re.compile(r"\d[\d,]*\.[\d,]*\.[\d.,]*\d")
# Arithmetic between numbers (1+1, 100*2, 6×7): an expression, whose result the file does not hold.
_ARITHMETIC_RE = re.compile(r"\d\s*[+*×÷^]\s*[\d.]")
# Scientific notation (1.23457E+11): how a spreadsheet shows a number it may already have rounded.
_SCIENTIFIC_RE = re.compile(r"\d[eE][+-]?\d")


def shape_error(s: str) -> str | None:
    """Why a cell cannot be a number at all, before looking for one. ``s`` is prepared text.

    A spreadsheet formula (``=1+1``, ``=HYPERLINK("…","100")``, ``@SUM(A1)``: the file holds the
    formula, not what a spreadsheet shows), digits with several decimal points (``1.2.3``),
    arithmetic (``1+1``) and scientific notation (``1.23457E+11``, possibly rounded): each read
    as a number would store a value that is not the one a person sees."""
    if s.lstrip().startswith(("=", "@")):
        return f"a spreadsheet formula, not a value: {short(s)!r}"
    if _DOTS_RE.search(s):
        return f"several decimal points in one number: {short(s)!r}"
    if _ARITHMETIC_RE.search(s):
        return f"an arithmetic expression, not a value: {short(s)!r}"
    if _SCIENTIFIC_RE.search(s):
        return f"a number in scientific notation (a spreadsheet may have rounded it; format the column as a number): {short(s)!r}"
    return None


def canonical_decimal(d: Decimal) -> Decimal:
    """The canonical form of a Decimal: no trailing zeros, never an exponent, no ``-0``.

    ``Decimal("302000.0000") * 10000`` → ``Decimal("3020000000")`` (not ``3.02E+9``);
    ``Decimal("1.50")`` → ``Decimal("1.5")``. Equal values give identical ``str()``.
    """
    if not d.is_finite():
        return d
    if d == d.to_integral_value():
        return d.quantize(_ONE, context=CTX) if d else Decimal(0)
    return d.normalize(CTX)


def to_decimal(digits: str) -> Decimal | None:
    """A matched ``NUMBER_PATTERN`` token as an exact Decimal (commas removed), None if too long."""
    plain = digits.replace(",", "")
    if len(plain) > MAX_DIGITS + 1:  # digits and at most one dot
        return None
    try:
        return Decimal(plain)
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return None


def prepare(text: object) -> str | None:
    """Common input handling: None/placeholder → None, else cleaned, width-folded text."""
    text = as_text(text)
    if text is None:
        return None
    s = fold_width(clean_line(text))
    if is_placeholder_folded(s):
        return None
    return s


def chinese_numeral_to_int(text: str | None) -> int | None:
    """Value of a Chinese numeral, lower case (一百零五) or upper case (壹万陆仟叁佰陆拾玖).

    Handles 零/〇, 两, a leading 十 (十二 = 12), 万 and 亿 groups (一亿二千万 = 120000000) and pure
    digit strings (二〇二六 = 2026). Returns None for anything else (including an empty string
    or a misplaced unit such as 百 without a digit before it).
    """
    if not text:
        return None
    s = text.strip()
    if not s or any(c not in CN_DIGITS and c not in CN_SMALL_UNITS and c not in CN_BIG_UNITS for c in s):
        return None
    if len(s) > 1 and all(c in CN_DIGITS for c in s):  # 二〇二六
        return int("".join(str(CN_DIGITS[c]) for c in s))
    total = 0  # completed 亿 groups
    wan = 0  # completed 万 group inside the current 亿 group
    section = 0  # below 万
    num: int | None = None  # pending digit
    last_small = 10_000  # small units must decrease within a section
    last_big = 10**9  # 万 may not follow 万 in the same 亿 group
    prev_digit = False
    for c in s:
        if c in CN_DIGITS:
            d = CN_DIGITS[c]
            if prev_digit and d != 0 and num not in (None, 0):
                return None  # 二三 (two digits without a unit)
            num = d
            prev_digit = True
            continue
        prev_digit = False
        if c in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[c]
            if unit >= last_small:
                return None
            if not num:
                if unit != 10:
                    return None
                num = 1  # 十二, 一千零十
            section += num * unit
            num = None
            last_small = unit
            continue
        unit = CN_BIG_UNITS[c]
        value = section + (num or 0)
        if unit == 10_000:
            if last_big == 10_000 or (value == 0 and wan == 0):
                return None
            wan = value * 10_000
            last_big = 10_000
        else:
            if value == 0 and wan == 0 and total == 0:
                return None
            total = (total + wan + value) * 100_000_000
            wan = 0
            last_big = 10**8
        section, num, last_small = 0, None, 10_000
    return total + wan + section + (num or 0)


@total
@lru_cache(maxsize=16384)
def parse_decimal(text: str | None) -> Parsed[Decimal]:
    """One decimal number in the text: ``1.00`` → 1, ``２.５`` → 2.5, ``1,234.50`` → 1234.5.

    Surrounding words are ignored (``容积率：2.5``); two different numbers are an error, a
    negative number keeps its sign (flag ``negative``). Chinese numerals are accepted when the
    text has no Arabic digit (``三十`` → 30, flag ``chinese``).
    """
    s = prepare(text)
    if s is None:
        return EMPTY
    if error := shape_error(s):
        return fail(error)
    tokens = _NUMBER_RE.findall(s)
    if not tokens:
        run = _CN_RUN_RE.search(s)
        n = chinese_numeral_to_int(run.group(0)) if run else None
        if n is None:
            return fail(Reason(f"no number in {short(s)!r}", "number_missing"))
        return ok(Decimal(n), "chinese")
    values = {to_decimal(t) for t in tokens}
    if None in values:
        return fail(Reason(f"number too long in {short(s)!r}", "number_too_long"))
    if len(values) > 1:
        return fail(Reason(f"ambiguous: several numbers in {short(s)!r}", "number_ambiguous"))
    value = canonical_decimal(values.pop())  # type: ignore[arg-type]
    if _SIGNED_RE.search(s):
        return ok(-value if value else value, "negative")
    return ok(value)


@total
def parse_int(text: str | None) -> Parsed[int]:
    """A whole number (``１２``, ``1,200``, ``十二``); a fractional value is an error."""
    p = parse_decimal(text)
    if p.value is None:
        return p
    if p.value != p.value.to_integral_value():
        return fail(Reason(f"not a whole number: {p.value}", "number_not_whole"))
    return Parsed(int(p.value), None, p.flags)


@total
@lru_cache(maxsize=16384)
def parse_percent(text: str | None) -> Parsed[Decimal]:
    """A percentage as the number before ``%``: ``35%`` → 35, ``不超过35%`` → 35 (flag ``bound``).

    ``0.35`` without a sign is returned as is with flag ``no_percent_sign`` (the caller knows
    whether the column is a percentage); ``‰`` is converted to percent.
    """
    s = prepare(text)
    if s is None:
        return EMPTY
    p = parse_decimal(s)
    if p.value is None:
        return p
    flags = list(p.flags)
    value = p.value
    if "‰" in s:
        value = canonical_decimal(CTX.divide(value, Decimal(10)))
    if not _PERCENT_RE.search(s):
        flags.append("no_percent_sign")
    if _BOUND_RE.search(s):
        flags.append("bound")
    return Parsed(value, None, tuple(flags))


_YEARS_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(年|周年)?")
_CN_YEARS_RE = re.compile(f"([{CN_NUMERAL_CHARS}]+)\\s*年")
MAX_TERM_YEARS = 200


@total
@lru_cache(maxsize=4096)
def parse_term_years(text: str | None) -> Parsed[int]:
    """A term in whole years: ``70``, ``70年``, ``50 年``, ``七十年``.

    A composite land-use term (several uses, several terms, old landchina §3.3:
    ``其他商服用地40年; 商务金融用地50年;``) gives the longest term with flag ``composite``; the
    caller keeps the raw text. ``年`` alone is empty. Terms above 200 years are an error.
    """
    s = prepare(text)
    if s is None:
        return EMPTY
    if is_placeholder(s.replace("年", "").replace("期限", "")):
        return EMPTY
    if error := shape_error(s):
        return fail(error)
    found = _YEARS_RE.findall(s)
    numbers: list[Decimal] = []
    for digits, _unit in found:
        d = to_decimal(digits)
        if d is None:
            return fail(Reason(f"number too long in {short(s)!r}", "number_too_long"))
        numbers.append(d)
    if not numbers:
        numbers = [
            Decimal(n) for run in _CN_YEARS_RE.findall(s) if (n := chinese_numeral_to_int(run)) is not None
        ]
        if not numbers and (n := chinese_numeral_to_int(s.removesuffix("年"))) is not None:
            numbers = [Decimal(n)]
    if not numbers:
        return fail(f"no term in years in {short(s)!r}")
    if any(n != n.to_integral_value() for n in numbers):
        return fail(f"not a whole number of years: {short(s)!r}")
    years = max(int(n) for n in numbers)
    if years > MAX_TERM_YEARS:
        return fail(f"implausible term of {years} years in {short(s)!r}")
    flags = ["composite"] if len(numbers) > 1 else []
    if years == 0:
        flags.append("zero")
    return ok(years, *flags)


_DURATION_RE = re.compile(
    r"(\d+|[" + CN_NUMERAL_CHARS + r"]+)\s*(个?日历天|个?工作日|个?自然日|天|日|个月|個月|月|周|星期|年)?"
)
_DURATION_FACTORS = {"months": 30, "weeks": 7, "years": 365}


def _duration_unit(u: str) -> str:
    if not u or "天" in u or "日" in u:
        return "days" if u else ""
    if "月" in u:
        return "months"
    if u in ("周", "星期"):
        return "weeks"
    return "years"


@total
@lru_cache(maxsize=4096)
def parse_duration_days(text: str | None) -> Parsed[int]:
    """A duration in days: ``365日历天``, ``365天``, ``90日`` → days.

    Other units are converted with fixed factors and flagged: ``12个月`` → 360 (months × 30,
    flag ``months``), ``2年`` → 730 (years × 365, flag ``years``), ``3周`` → 21 (flag ``weeks``).
    ``工作日`` counts as days with flag ``working_days``. A bare number is taken as days with flag
    ``unit_assumed``. Several different durations are an error.
    """
    s = prepare(text)
    if s is None:
        return EMPTY
    if error := shape_error(s):
        return fail(error)
    found: set[tuple[int, str, str]] = set()
    for num, unit in _DURATION_RE.findall(s):
        n = int(num) if num.isdigit() else chinese_numeral_to_int(num)
        if n is None or (not num.isdigit() and not unit):
            continue  # a stray Chinese character such as 一 in 一次性
        found.add((n, _duration_unit(unit), unit))
    if not found:
        return fail(f"no duration in {short(s)!r}")
    with_unit = {f for f in found if f[1]}
    if with_unit:
        found = with_unit
    if len({(n, kind) for n, kind, _u in found}) > 1:
        return fail(f"ambiguous: several durations in {short(s)!r}")
    n, kind, unit = found.pop()
    flags: list[str] = []
    if kind == "":
        flags.append("unit_assumed")
    elif kind != "days":
        flags.append(kind)
        n *= _DURATION_FACTORS[kind]
    if "工作日" in unit:
        flags.append("working_days")
    if n == 0:
        flags.append("zero")
    if n > 365 * 200:
        return fail(f"implausible duration in {short(s)!r}")
    return ok(n, *flags)
