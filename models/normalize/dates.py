"""Dates and times → timezone-aware ``datetime`` in China Standard Time (fixed +08:00).

Formats observed in real data (source-formats.md §9 "Dates"):

* ``2026-03-17`` (ggzy API), ``发布时间：2025-04-02 16:47`` (ggzy b page),
  ``2026-03-17 00:32:09`` (ggzy contract);
* ``2026年09月24日 15:32`` and ``2026年09月24日  15:32`` (CCGP, two spaces);
* ``2026.08.21 23:46:51`` (CCGP list), ``2026:08:19`` (CCGP query parameter);
* ``2019年06月27日`` (old landchina), ``2016/1/4``, ``2016/1/12 10:59:31`` (landchina exports);
* epoch milliseconds ``1708251407000`` and ISO ``2023-12-07T15:59:59.000+0000`` (政采云);
* ``2020-10-3013：03：16``: date and time glued, full-width colons (ccgp-beijing text);
* also ``2026年9月4日 下午3时``, ``二〇二六年三月十七日``, compact ``20260317``, epoch seconds, and
  ``datetime``/``date`` objects from openpyxl (naive → +08:00).

China has no daylight saving time since 1991, so a fixed offset is exact for current data.
A date without time is midnight with flag ``date_only``. Years outside 1949..2100 are errors.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache

from .base import EMPTY, Parsed, Reason, as_text, fail, ok, short, total
from .numbers import chinese_numeral_to_int, prepare

CST = timezone(timedelta(hours=8))
MIN_YEAR, MAX_YEAR = 1949, 2100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_DATETIME_RE = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*[-年/.:]\s*(?P<m>\d{1,2})\s*[-月/.:]\s*(?P<d>\d{1,2})(?:\s*日)?"
    r"(?:\s*(?:T|\s)?\s*(?P<ampm>上午|下午|晚上|中午|凌晨|早上|傍晚)?\s*"
    r"(?P<H>\d{1,2})\s*[:时點点]\s*"
    r"(?:(?P<M>\d{1,2})\s*(?:[:分]\s*(?:(?P<S>\d{1,2})(?:[.,](?P<f>\d{1,9}))?\s*秒?)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2}(?!\d))?)?"
    r"(?!\d)"
)
_COMPACT_RE = re.compile(
    r"(?P<y>(?:19|20|21)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?"
)
_CN_DATE_RE = re.compile(
    r"([〇零○一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)
_PM = frozenset({"下午", "晚上", "傍晚"})


def _make(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0, *,
          slack: int = 0) -> datetime | str:
    """A CST datetime; ``slack`` widens the year range for a time in another zone, whose year
    is checked again once converted to CST (1948-12-31T16:00Z is 1949-01-01 in Beijing)."""
    if not MIN_YEAR - slack <= y <= MAX_YEAR + slack:
        return f"year {y} outside {MIN_YEAR}..{MAX_YEAR}"
    try:
        return datetime(y, mo, d, h, mi, s, us, tzinfo=CST)
    except ValueError as exc:
        return f"invalid date/time {y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d} ({exc})"


def _in_range(dt: datetime, flags: tuple[str, ...] = ()) -> Parsed[datetime]:
    dt = dt.astimezone(CST)
    if not MIN_YEAR <= dt.year <= MAX_YEAR:
        return fail(Reason(f"year {dt.year} outside {MIN_YEAR}..{MAX_YEAR}", "date_year_range", year=dt.year, low=MIN_YEAR,
                           high=MAX_YEAR))
    return ok(dt, *flags)


def _from_match(m: re.Match[str]) -> datetime | str:
    g = m.groupdict()
    y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
    if g.get("H") is None:
        return _make(y, mo, d)
    h = int(g["H"])
    ampm = g.get("ampm")
    if (ampm in _PM and h < 12) or (ampm == "中午" and h < 11):
        h += 12
    mi = int(g["M"] or 0)
    sec = int(g.get("S") or 0)
    frac = g.get("f") or ""
    us = int((frac + "000000")[:6]) if frac else 0
    tz = g.get("tz")
    dt = _make(y, mo, d, h, mi, sec, us, slack=1 if tz else 0)
    if isinstance(dt, str) or not tz:
        return dt
    if tz == "Z":
        offset = timedelta(0)
    else:
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if abs(offset) > timedelta(hours=14):
            return f"invalid UTC offset {tz}"
    dt = dt.replace(tzinfo=timezone(offset)).astimezone(CST)
    if not MIN_YEAR <= dt.year <= MAX_YEAR:
        return f"year {dt.year} outside {MIN_YEAR}..{MAX_YEAR}"
    return dt


def _parse_epoch(s: str) -> Parsed[datetime]:
    n = int(s)
    ms = n if len(s) == 13 else n * 1000
    dt = _EPOCH + timedelta(milliseconds=ms)
    return _in_range(dt, ("epoch_ms" if len(s) == 13 else "epoch_s",))


def _parse(text: str) -> Parsed[datetime]:
    s = prepare(text)
    if s is None:
        return EMPTY
    if s.isdigit() and s.isascii():
        if len(s) in (10, 13):
            return _parse_epoch(s)
        m = _COMPACT_RE.fullmatch(s)
        if m is None:
            return fail(Reason(f"not a date: {short(s)!r}", "date_missing"))
        res = _from_match(m)
        if isinstance(res, str):
            return fail(res)
        return ok(res, "compact") if m.group("H") else ok(res, "compact", "date_only")
    found: list[tuple[datetime, bool]] = []
    for m in _DATETIME_RE.finditer(s):
        res = _from_match(m)
        if isinstance(res, str):
            return fail(Reason(f"{res} in {short(s)!r}", "date_impossible"))
        found.append((res, m.group("H") is None))
    if not found:
        cn = _CN_DATE_RE.search(s)
        if cn is None:
            return fail(Reason(f"no date in {short(s)!r}", "date_missing"))
        parts = [chinese_numeral_to_int(g) for g in cn.groups()]
        if None in parts:
            return fail(Reason(f"bad Chinese date in {short(s)!r}", "date_impossible"))
        res = _make(*parts)  # type: ignore[arg-type]
        if isinstance(res, str):
            return fail(res)
        return ok(res, "chinese", "date_only")
    if len({f[0] for f in found}) > 1:
        return fail(Reason(f"ambiguous: several dates in {short(s)!r}", "date_ambiguous"))
    dt, date_only = found[0]
    return _in_range(dt, ("date_only",) if date_only else ())


@total
@lru_cache(maxsize=65536)
def _parse_cached(text: str) -> Parsed[datetime]:
    return _parse(text)


@total
def parse_datetime(text: str | datetime | date | int | None) -> Parsed[datetime]:
    """A timezone-aware datetime at +08:00 from any of the formats in the module docstring.

    ``datetime``/``date`` objects are accepted (naive datetimes are taken as +08:00, aware ones
    converted); an ``int`` is epoch seconds (10 digits) or milliseconds (13 digits). Flags:
    ``date_only`` (midnight was assumed), ``epoch_ms``/``epoch_s``, ``compact``, ``chinese``.
    Several different dates in one text are an error (``ambiguous``).
    """
    if isinstance(text, datetime):
        return _in_range(text if text.tzinfo else text.replace(tzinfo=CST))
    if isinstance(text, date):
        res = _make(text.year, text.month, text.day)
        return fail(res) if isinstance(res, str) else ok(res, "date_only")
    text = as_text(text)
    if text is None:
        return EMPTY
    return _parse_cached(text)


@total
def parse_date(text: str | datetime | date | int | None) -> Parsed[date]:
    """The calendar date (in +08:00) of anything ``parse_datetime`` accepts; same flags."""
    p = parse_datetime(text)
    if p.value is None:
        return p
    return Parsed(p.value.date(), None, p.flags)
