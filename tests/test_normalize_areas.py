"""models.normalize.areas: areas → square metres (source-formats.md §0.4, §9 "Areas")."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.normalize import parse_area

MESSY = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(list("0123456789.,-()（）平方米千公里顷亩万㎡m²2kh\u3000\xa0\x00")),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    ),
    max_size=200,
)


@pytest.mark.parametrize(
    ("text", "unit", "value", "flags"),
    [
        ("1.5公顷", None, "15000", ()),
        ("0.123456公顷", None, "1234.56", ()),
        ("1234.56平方米", None, "1234.56", ()),
        ("100㎡", None, "100", ()),
        ("100 m2", None, "100", ()),
        ("100m²", None, "100", ()),
        ("１２ｍ２", None, "12", ()),
        ("100平米", None, "100", ()),
        ("2.3平方千米", None, "2300000", ()),
        ("2.3平方公里", None, "2300000", ()),
        ("10 km2", None, "10000000", ()),
        ("10km²", None, "10000000", ()),
        ("3.5万平方米", None, "35000", ()),
        ("15亩", None, "10000", ("mu",)),
        ("1亩", None, "666.67", ("rounded", "mu")),
        ("100", "公顷", "1000000", ("unit_from_header",)),
        ("100", "出让面积(公顷)", "1000000", ("unit_from_header",)),
        ("100", "平方米", "100", ("unit_from_header",)),
        ("面积(m2)：100", None, "100", ("unit_from_label",)),
        ("1000平方米（0.1公顷）", None, "1000", ("repeated",)),
        ("0平方米", None, "0", ("zero",)),
    ],
)
def test_parse_area(text, unit, value, flags):
    p = parse_area(text, unit)
    assert p.error is None
    assert p.value == Decimal(value)
    assert str(p.value) == value
    assert p.flags == flags


@pytest.mark.parametrize(
    ("text", "unit", "error"),
    [
        ("100", None, "no unit"),
        ("1,234.5", None, "no unit"),
        ("-5平方米", None, "negative"),
        ("1000平方米（0.2公顷）", None, "ambiguous"),
        ("abc", None, "no area"),
        ("100", "%", "unknown header unit"),
    ],
)
def test_parse_area_errors(text, unit, error):
    p = parse_area(text, unit)
    assert p.value is None
    assert error in p.error


@pytest.mark.parametrize("text", ["", "-", "--", "/", "／", "N/A", "无", "暂无", "—", "\u3000", "\xa0", None])
def test_empty(text):
    assert parse_area(text) == (None, None, ("empty",))


@given(MESSY, st.sampled_from([None, "公顷", "平方米", "亩", "平方千米", "%"]))
def test_never_raises(s, unit):
    p = parse_area(s, unit)
    assert p.value is None or p.error is None
    assert not (p.error or "").startswith("internal error"), p.error
    if p.value is not None:
        assert p.value >= 0


@given(st.decimals(min_value=0, max_value=10**10, places=4, allow_nan=False, allow_infinity=False))
def test_round_trip_square_metres_and_hectares(sqm):
    p = parse_area(str(parse_area(format(sqm, "f"), "平方米").value), "平方米")
    assert p.value == sqm
    assert parse_area(format(sqm / 10_000, "f") + "公顷").value == sqm
    assert parse_area(format(sqm / 1_000_000, "f") + "平方千米").value == sqm


@given(st.integers(min_value=0, max_value=10**9))
def test_mu_is_exact_to_the_cent(mu):
    p = parse_area(f"{mu}亩")
    exact = Decimal(mu) * 10_000 / 15
    assert abs(p.value - exact) <= Decimal("0.005")
    assert ("rounded" in p.flags) == (mu % 3 != 0)
