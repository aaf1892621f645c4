"""models.normalize.dates: every date format of source-formats.md §9 → aware +08:00 datetimes."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.normalize import CST, parse_date, parse_datetime

MESSY = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(list("0123456789-/.:：年月日时分秒T Z+上下午〇一二三四五六七八九十\u3000\xa0\x00")),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    ),
    max_size=200,
)


def cst(*args):
    return datetime(*args, tzinfo=CST)


@pytest.mark.parametrize(
    ("text", "expected", "flags"),
    [
        ("2026-03-17", cst(2026, 3, 17), ("date_only",)),
        ("发布时间：2025-04-02 16:47", cst(2025, 4, 2, 16, 47), ()),
        ("2026-03-17 00:32:09", cst(2026, 3, 17, 0, 32, 9), ()),
        ("2026年09月24日 15:32", cst(2026, 9, 24, 15, 32), ()),
        ("2026年09月24日  15:32", cst(2026, 9, 24, 15, 32), ()),
        ("2026.08.21 23:46:51", cst(2026, 8, 21, 23, 46, 51), ()),
        ("2026:08:19", cst(2026, 8, 19), ("date_only",)),
        ("2019年06月27日", cst(2019, 6, 27), ("date_only",)),
        ("2016/1/4", cst(2016, 1, 4), ("date_only",)),
        ("2016/1/12 10:59:31", cst(2016, 1, 12, 10, 59, 31), ()),
        ("1708251407000", cst(2024, 2, 18, 18, 16, 47), ("epoch_ms",)),
        ("1708251407", cst(2024, 2, 18, 18, 16, 47), ("epoch_s",)),
        ("2023-12-07T15:59:59.000+0000", cst(2023, 12, 7, 23, 59, 59), ()),
        ("2023-12-07T15:59:59Z", cst(2023, 12, 7, 23, 59, 59), ()),
        ("2023-12-07T15:59:59+08:00", cst(2023, 12, 7, 15, 59, 59), ()),
        ("2023-12-07T10:00:00-05:00", cst(2023, 12, 7, 23, 0, 0), ()),
        ("2020-10-3013：03：16", cst(2020, 10, 30, 13, 3, 16), ()),
        ("２０２６－０３－１７", cst(2026, 3, 17), ("date_only",)),
        ("2026年9月4日 下午3时", cst(2026, 9, 4, 15, 0), ()),
        ("2026年9月4日上午9点30分", cst(2026, 9, 4, 9, 30), ()),
        ("二〇二六年三月十七日", cst(2026, 3, 17), ("chinese", "date_only")),
        ("20260317", cst(2026, 3, 17), ("compact", "date_only")),
        ("2026-03-17 12:00:00.123456+08:00", cst(2026, 3, 17, 12, 0, 0, 123456), ()),
        ("\u30002026-03-17\u3000", cst(2026, 3, 17), ("date_only",)),
        (datetime(2026, 3, 17, 8, 0), cst(2026, 3, 17, 8, 0), ()),  # naive from openpyxl → +08:00
        (datetime(2026, 3, 17, 0, 0, tzinfo=UTC), cst(2026, 3, 17, 8, 0), ()),
        (date(2026, 3, 17), cst(2026, 3, 17), ("date_only",)),
        (1708251407000, cst(2024, 2, 18, 18, 16, 47), ("epoch_ms",)),
    ],
)
def test_parse_datetime(text, expected, flags):
    p = parse_datetime(text)
    assert p.error is None
    assert p.value == expected
    assert p.value.utcoffset() == timedelta(hours=8)
    assert p.flags == flags


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("2026-02-30", "invalid date"),
        ("2026-13-01", "invalid date"),
        ("2026-03-17 25:00", "invalid date"),
        ("1900-01-01", "outside 1949..2100"),
        ("2101-01-01", "outside 1949..2100"),
        ("2100-12-31T20:00:00-05:00", "outside 1949..2100"),
        ("2026-03-17 至 2026-03-20", "several dates"),
        ("abc", "no date"),
        ("12345", "not a date"),
    ],
)
def test_parse_datetime_errors(text, error):
    p = parse_datetime(text)
    assert p.value is None
    assert error in p.error


@pytest.mark.parametrize(
    "text", ["", " ", "-", "--", "/", "／", "N/A", "无", "暂无", "—", "\u3000", "\xa0", None]
)
def test_empty(text):
    assert parse_datetime(text) == (None, None, ("empty",))
    assert parse_date(text) == (None, None, ("empty",))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019年06月27日", date(2019, 6, 27)),
        ("2023-12-07T20:00:00Z", date(2023, 12, 8)),  # the date in +08:00
        ("2016/1/12 10:59:31", date(2016, 1, 12)),
        (date(2026, 3, 17), date(2026, 3, 17)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text).value == expected


@pytest.mark.parametrize("fn", [parse_datetime, parse_date])
@given(s=MESSY)
def test_never_raises(fn, s):
    p = fn(s)
    assert p.value is None or p.error is None
    assert not (p.error or "").startswith("internal error"), p.error


AWARE = st.datetimes(
    min_value=datetime(1949, 1, 1), max_value=datetime(2100, 12, 31, 23, 59, 59), timezones=st.just(CST)
)


@given(AWARE)
def test_round_trip_str_and_iso(dt):
    assert parse_datetime(str(dt)).value == dt
    assert parse_datetime(dt.isoformat()).value == dt
    assert parse_datetime(dt.astimezone(UTC).isoformat()).value == dt


@given(AWARE)
def test_round_trip_chinese_style(dt):
    dt = dt.replace(microsecond=0)
    assert parse_datetime(dt.strftime("%Y年%m月%d日 %H:%M:%S")).value == dt
    assert parse_datetime(dt.strftime("%Y/%-m/%-d %H:%M:%S")).value == dt
    assert parse_date(dt.strftime("%Y年%m月%d日")).value == dt.date()


@given(st.datetimes(min_value=datetime(2002, 1, 1), max_value=datetime(2100, 12, 31), timezones=st.just(CST)))
def test_round_trip_epoch_ms(dt):
    dt = dt.replace(microsecond=dt.microsecond // 1000 * 1000)
    ms = (dt - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    assert parse_datetime(str(ms)).value == dt
