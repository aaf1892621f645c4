"""models.normalize.numbers: decimals, percentages, Chinese numerals, terms and durations."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.normalize import (
    canonical_decimal,
    chinese_numeral_to_int,
    parse_decimal,
    parse_duration_days,
    parse_int,
    parse_percent,
    parse_term_years,
)

MESSY = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            list("0123456789.,%-年月日天个周零一二三四五六七八九十百千万亿壹贰叁拾佰仟两〇\u3000\xa0\x00")
        ),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    ),
    max_size=200,
)
EMPTIES = ["", " ", "-", "--", "/", "／", "N/A", "无", "暂无", "—", "\u3000\u3000", "\xa0", None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("壹万陆仟叁佰陆拾玖", 16369),
        ("捌仟贰佰", 8200),
        ("三十", 30),
        ("一百零五", 105),
        ("十二", 12),
        ("十", 10),
        ("零", 0),
        ("两千", 2000),
        ("一千零十", 1010),
        ("二〇二六", 2026),
        ("三十五万零八百", 350800),
        ("一亿二千万", 120_000_000),
        ("壹亿零伍万", 100_050_000),
        ("玖仟玖佰玖拾玖万玖仟玖佰玖拾玖", 99_999_999),
    ],
)
def test_chinese_numerals(text, expected):
    assert chinese_numeral_to_int(text) == expected


@pytest.mark.parametrize("text", ["", "万", "百", "二三十", "一十百", "一万万", "十a", "元", None])
def test_chinese_numerals_invalid(text):
    assert chinese_numeral_to_int(text) is None


@pytest.mark.parametrize(
    ("text", "value", "flags"),
    [
        ("1.00", Decimal("1"), ()),
        ("２.５", Decimal("2.5"), ()),
        ("１２３４", Decimal("1234"), ()),
        ("1,234.50", Decimal("1234.5"), ()),
        ("容积率：2.5", Decimal("2.5"), ()),
        ("三十", Decimal("30"), ("chinese",)),
        ("-3.5", Decimal("-3.5"), ("negative",)),
        ("0", Decimal("0"), ()),
    ],
)
def test_parse_decimal(text, value, flags):
    p = parse_decimal(text)
    assert (p.value, p.error, p.flags) == (value, None, flags)
    assert str(p.value) == str(value)


@pytest.mark.parametrize(
    ("text", "error"),
    [("1.0-2.5", "several numbers"), ("abc", "no number"), ("1" * 40, "too long")],
)
def test_parse_decimal_errors(text, error):
    p = parse_decimal(text)
    assert p.value is None
    assert error in p.error


@pytest.mark.parametrize(("text", "value"), [("１２", 12), ("1,200", 1200), ("十二", 12), ("3.0", 3)])
def test_parse_int(text, value):
    assert parse_int(text).value == value


def test_parse_int_rejects_fraction():
    assert "whole number" in parse_int("2.5").error


@pytest.mark.parametrize(
    ("text", "value", "flags"),
    [
        ("35%", Decimal("35"), ()),
        ("不超过35%", Decimal("35"), ("bound",)),
        ("≤35％", Decimal("35"), ("bound",)),
        ("98.5%", Decimal("98.5"), ()),
        ("0.35", Decimal("0.35"), ("no_percent_sign",)),
        ("5‰", Decimal("0.5"), ()),
    ],
)
def test_parse_percent(text, value, flags):
    p = parse_percent(text)
    assert (p.value, p.error, p.flags) == (value, None, flags)


@pytest.mark.parametrize(
    ("text", "value", "flags"),
    [
        ("70", 70, ()),
        ("70年", 70, ()),
        ("50 年", 50, ()),
        ("７０年", 70, ()),
        ("七十年", 70, ()),
        ("其他商服用地40年; 商务金融用地50年;", 50, ("composite",)),
        ("住宅70年；商业70年", 70, ("composite",)),
    ],
)
def test_parse_term_years(text, value, flags):
    p = parse_term_years(text)
    assert (p.value, p.error, p.flags) == (value, None, flags)


@pytest.mark.parametrize("text", ["年", " 年 ", *EMPTIES])
def test_parse_term_years_empty(text):
    assert parse_term_years(text) == (None, None, ("empty",))


@pytest.mark.parametrize(
    ("text", "error"), [("2.5年", "whole number"), ("2020年", "implausible"), ("长期", "no term")]
)
def test_parse_term_years_errors(text, error):
    p = parse_term_years(text)
    assert p.value is None
    assert error in p.error


@pytest.mark.parametrize(
    ("text", "value", "flags"),
    [
        ("365日历天", 365, ()),
        ("365天", 365, ()),
        ("90日", 90, ()),
        ("自合同签订之日起365日历天内", 365, ()),
        ("12个月", 360, ("months",)),
        ("2年", 730, ("years",)),
        ("3周", 21, ("weeks",)),
        ("30个工作日", 30, ("working_days",)),
        ("三十日历天", 30, ()),
        ("365", 365, ("unit_assumed",)),
    ],
)
def test_parse_duration_days(text, value, flags):
    p = parse_duration_days(text)
    assert (p.value, p.error, p.flags) == (value, None, flags)


def test_parse_duration_ambiguous():
    assert "several durations" in parse_duration_days("12个月（365日历天）").error


@pytest.mark.parametrize(
    "fn", [parse_decimal, parse_int, parse_percent, parse_term_years, parse_duration_days]
)
@pytest.mark.parametrize("text", EMPTIES)
def test_empty_inputs(fn, text):
    assert fn(text) == (None, None, ("empty",))


@pytest.mark.parametrize(
    "fn", [parse_decimal, parse_int, parse_percent, parse_term_years, parse_duration_days]
)
@given(s=MESSY)
def test_never_raises(fn, s):
    p = fn(s)
    assert p.value is not None or p.error is not None or p.flags == ("empty",)
    assert p.value is None or p.error is None
    assert not (p.error or "").startswith("internal error"), p.error


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15, places=6))
def test_decimal_round_trip(d):
    value = canonical_decimal(d)
    assert value == d
    assert "E" not in str(value)
    assert parse_decimal(str(value)).value == value


@given(st.integers(min_value=0, max_value=99_999_999))
def test_chinese_numeral_round_trip(n):
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = ["", "拾", "佰", "仟"]

    def section(x):  # 0 < x < 10000, formal writing with 零 for gaps
        out, zero = "", False
        for i in range(3, -1, -1):
            dgt = x // 10**i % 10
            if dgt:
                if zero:
                    out += "零"
                out += digits[dgt] + units[i]
                zero = False
            elif out:
                zero = True
        return out

    if n == 0:
        text = "零"
    elif n < 10_000:
        text = section(n)
    else:
        hi, lo = divmod(n, 10_000)
        text = section(hi) + "万" + ("零" if 0 < lo < 1000 else "") + (section(lo) if lo else "")
    assert chinese_numeral_to_int(text) == n
