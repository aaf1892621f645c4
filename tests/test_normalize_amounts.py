"""models.normalize.amounts: money → exact yuan (source-formats.md §0.3, §9 "Amounts")."""

import sqlite3
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.normalize import (
    canonical_decimal,
    fen_to_yuan,
    format_yuan,
    parse_amount,
    to_fen,
    yuan_sql,
    yuan_to_fen,
)

MESSY = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            list(
                "0123456789.,%-/()（）：:元万亿人民币整角分壹贰叁肆伍陆柒捌玖拾佰仟零一二三四五六七八九十百千两¥￥率美\u3000\xa0\x00"
            )
        ),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    ),
    max_size=200,
)
UNITS = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


@pytest.mark.parametrize(
    ("text", "unit", "value", "flags"),
    [
        ("302000.0000", "万元", "3020000000", ("unit_from_header",)),
        ("302000.0000", "单价(万元)", "3020000000", ("unit_from_header",)),
        ("￥56.980000 万元（人民币）", None, "569800", ()),
        ("总价形式报价:569800.00(元)", None, "569800", ()),
        ("人民币9950000.00元", None, "9950000", ()),
        ("200000", None, "200000", ("unit_assumed",)),
        ("200000", "元", "200000", ("unit_from_header",)),
        ("1,234.50元", None, "1234.5", ()),
        ("１２３４元", None, "1234", ()),
        ("1.2亿元", None, "120000000", ()),
        ("0元 人民币", None, "0", ("zero",)),
        ("人民币捌仟贰佰元整", None, "8200", ("chinese",)),
        ("叁拾万元整", None, "300000", ("chinese",)),
        ("伍佰元伍角陆分", None, "500.56", ("chinese",)),
        ("壹万陆仟叁佰陆拾玖元整（¥16369.00）", None, "16369", ("both_forms",)),
        ("壹万陆仟叁佰陆拾玖元整（¥16369.00）", "万元", "16369", ("both_forms",)),
        ("5.5万", None, "55000", ()),
        ("1.234元", None, "1.234", ("sub_fen",)),
        ("56.98万元（569800元）", None, "569800", ("repeated",)),
        ("金额(万元)：31.2", None, "312000", ("unit_from_label",)),
        ("100元/吨", None, "100", ("per_unit",)),
        ("第1包：569800元", None, "569800", ("other_numbers_ignored",)),
        ("312000", "中标金额(万元)", "3120000000", ("unit_from_header",)),  # headers can lie: kept, flagged
        (Decimal("569800.00"), None, "569800", ("unit_assumed",)),
        (569800.0, "元", "569800", ("unit_from_header",)),
    ],
)
def test_parse_amount(text, unit, value, flags):
    p = parse_amount(text, unit)
    assert p.error is None
    assert p.value == Decimal(value)
    assert str(p.value) == value  # canonical: no exponent, no trailing zeros
    assert p.flags == flags


@pytest.mark.parametrize(
    ("text", "unit", "error"),
    [
        ("下浮率5%", None, "a rate, not an amount"),
        ("98.5%", None, "a rate, not an amount"),
        ("费率0.8%", None, "a rate, not an amount"),
        ("折扣率", None, "a rate, not an amount"),
        ("9.5折", None, "a rate, not an amount"),
        ("-100元", None, "negative"),
        ("金额：-5万元", None, "negative"),
        ("100元或200元", None, "ambiguous: several amounts"),
        ("2026-03-17", None, "ambiguous: several amounts"),
        ("壹万陆仟叁佰陆拾玖元整（¥16368.00）", None, "16369"),
        ("壹万陆仟叁佰陆拾玖元整（¥16368.00）", None, "16368"),
        ("100万美元", None, "not in RMB"),
        ("abc", None, "no amount"),
        ("100", "%", "unknown header unit"),
        ("1" * 40 + "元", None, "too long"),
    ],
)
def test_parse_amount_errors(text, unit, error):
    p = parse_amount(text, unit)
    assert p.value is None
    assert error in p.error


@pytest.mark.parametrize(
    "text", ["", " ", "-", "--", "/", "／", "N/A", "无", "暂无", "—", "\u3000\u3000", "\xa0", None]
)
def test_empty(text):
    assert parse_amount(text) == (None, None, ("empty",))
    assert parse_amount(text, "万元") == (None, None, ("empty",))


def test_cached_results_are_equal_and_fast_path_consistent():
    assert parse_amount("569800.00元") == parse_amount("569800.00元")
    assert parse_amount("569800.00元").value == parse_amount("56.98万元").value


@given(MESSY, st.sampled_from([None, "元", "万元", "亿元", "单价(万元)", "%"]))
def test_never_raises(s, unit):
    p = parse_amount(s, unit)
    assert p.value is None or p.error is None
    assert not (p.error or "").startswith("internal error"), p.error
    if p.value is not None:
        assert p.value >= 0
        assert p.value == canonical_decimal(p.value)


@given(
    st.decimals(min_value=0, max_value=10**13, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(sorted(UNITS)),
    st.booleans(),
)
def test_round_trip_in_any_unit(yuan, unit, as_header):
    in_unit = yuan / UNITS[unit]  # exact: a power of ten
    text = format(in_unit, "f")
    p = parse_amount(text, unit) if as_header else parse_amount(text + unit)
    assert p.error is None
    assert p.value == yuan
    assert parse_amount(str(p.value), "元").value == p.value  # parse(str(value)) == value


@given(st.decimals(min_value=-(10**13), max_value=10**13, places=2, allow_nan=False, allow_infinity=False))
def test_fen_exact(yuan):
    fen = yuan_to_fen(yuan)
    assert isinstance(fen, int)
    assert Decimal(fen) == yuan * 100
    assert Decimal(format_yuan(fen)) == yuan
    assert format_yuan(fen).split(".")[1].__len__() == 2


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (302_000_000_000, "3020000000.00"),
        (0, "0.00"),
        (5, "0.05"),
        (-150, "-1.50"),
        (56_980_000, "569800.00"),
    ],
)
def test_format_yuan(fen, text):
    assert format_yuan(fen) == text


def test_yuan_to_fen_rejects_sub_fen():
    assert yuan_to_fen(Decimal("1.234")) is None
    assert yuan_to_fen(Decimal("1.230")) == 123
    assert yuan_to_fen(Decimal("3.02E+9")) == 302_000_000_000
    assert yuan_to_fen(None) is None


@given(st.integers(min_value=0, max_value=10**16))
def test_fen_yuan_forms_agree(fen):
    # the one definition in its three forms: Decimal yuan, display text, and SQL (the store's *_yuan)
    yuan = fen_to_yuan(fen)
    assert to_fen(yuan) == fen
    assert Decimal(format_yuan(fen)) == yuan
    sql = sqlite3.connect(":memory:").execute(f"SELECT {yuan_sql('x')} FROM (SELECT ? AS x)", (fen,)).fetchone()[0]
    assert sql == format_yuan(fen)


def test_to_fen_refuses_sub_fen():
    assert to_fen(None) is None
    assert to_fen("302000.5") == 30_200_050
    with pytest.raises(ValueError, match="sub-fen"):
        to_fen(Decimal("1.234"))
