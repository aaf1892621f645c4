"""models.normalize.uscc: GB 32100-2015 unified social credit codes (source-formats.md §8.1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.normalize import normalize_uscc, org_code_check_char, uscc_check_char
from models.normalize.uscc import ALPHABET

REAL = ["91610928MAB32DF87G", "11140000012150153Y", "12532500067137175R", "91110000600037341L"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_valid(code):
    assert normalize_uscc(code) == (code, None, ())
    assert uscc_check_char(code[:17]) == code[17]
    assert org_code_check_char(code[8:16]) == code[16]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9111 0000-6000 3734 1l", "91110000600037341L"),
        ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),
        ("\u300091110000600037341L\u3000", "91110000600037341L"),
        ("91610928mab32df87g", "91610928MAB32DF87G"),
    ],
)
def test_normalization(raw, expected):
    assert normalize_uscc(raw).value == expected


def test_letter_departments_accepted():
    # python-stdnum rejects these (it wants digits in positions 1-8); GB 32100 allows A/N/Y…
    for head in ("N2", "Y1", "A1", "93"):
        body = head + "330521MA2B3C4D5"
        code = body + uscc_check_char(body)
        assert normalize_uscc(code).value == code


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("91110000600037341X", "check character should be L"),
        ("91110000600037341", "18 characters expected, got 17"),
        ("911100006000373411L", "18 characters expected, got 19"),
        ("9111I000600037341L", "invalid character 'I' at position 5"),
        ("91110000600O37341L", "invalid character 'O' at position 12"),
        ("60003734-1", "organization code"),
    ],
)
def test_errors(raw, error):
    p = normalize_uscc(raw)
    assert p.value is None
    assert error in p.error


@pytest.mark.parametrize("raw", ["", " ", "-", "/", "无", "暂无", "\u3000", None])
def test_empty(raw):
    assert normalize_uscc(raw) == (None, None, ("empty",))


@pytest.mark.parametrize("code", REAL)
def test_every_single_character_change_is_rejected(code):
    for i in range(18):
        for c in ALPHABET:
            if c == code[i]:
                continue
            bad = code[:i] + c + code[i + 1 :]
            assert normalize_uscc(bad).value is None, bad


PREFIX = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@given(PREFIX)
def test_generator_makes_valid_codes(first17):
    code = first17 + uscc_check_char(first17)
    assert normalize_uscc(code).value == code
    spaced = " ".join([code[:6], code[6:12].lower(), code[12:]])
    assert normalize_uscc(spaced).value == code
    assert normalize_uscc(normalize_uscc(spaced).value).value == code  # idempotent


@given(PREFIX, st.integers(min_value=0, max_value=17), st.sampled_from(ALPHABET))
def test_random_substitution_rejected(first17, pos, c):
    code = first17 + uscc_check_char(first17)
    if code[pos] == c:
        return
    assert normalize_uscc(code[:pos] + c + code[pos + 1 :]).error is not None


@given(st.text(max_size=200))
def test_never_raises(s):
    p = normalize_uscc(s)
    assert p.value is None or p.error is None
    assert not (p.error or "").startswith("internal error")


def test_check_char_helpers_validate_input():
    with pytest.raises(ValueError, match="17 characters"):
        uscc_check_char("123")
    with pytest.raises(ValueError, match="invalid character"):
        uscc_check_char("I" * 17)
    assert org_code_check_char("60003734") == "1"
