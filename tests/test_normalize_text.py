"""models.normalize.text: cleaning (stored text) vs matching keys (source-formats.md §9)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.normalize import clean_line, clean_text, fold_width, is_placeholder, match_key
from models.normalize.text import is_placeholder_folded

XML_OK = re.compile("^[\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$")

MESSY = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(
            list(" \t\r\n\x00\x0b\x0c\x1f\x7f\x85\x9f\xa0\u3000\u200b\u200c\u200d\ufeff\u202e\u2066\u2028")
        ),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(list("Ⅳ㎡￥（）：e\u0301")),
    ),
    max_size=200,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010226210200025327-XM001\u3000\u3000\u3000\u3000\u3000\u3000", "11010226210200025327-XM001"),
        ("\xa0", ""),
        ("  城区Ⅳ级  ", "城区Ⅳ级"),  # no NFKC on stored text
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\u3000\u3000b", "a b"),
        ("a \xa0\u3000 b", "a b"),
        ("a\x00b\x07c\x1bd", "abcd"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("bidi\u202eevil\u202c", "bidievil"),
        ("tab\tkept", "tab\tkept"),
        ("c1\x85\x9fgone", "c1gone"),
        ("lone\ud800surrogate", "lonesurrogate"),
        (None, ""),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  北京市\n朝阳区  采购\t项目 ", "北京市 朝阳区 采购 项目"),
        ("a\r\n\r\nb", "a b"),
        ("\u3000标题\u3000", "标题"),
    ],
)
def test_clean_line(raw, expected):
    assert clean_line(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("（项目编号：ＡＢｃ－１２）", "(项目编号:ABC-12)"),
        (" 北京 市 ", "北京市"),
        ("ggzy\u3000Code", "GGZYCODE"),
        ("Ⅳ级", "IV级"),  # the key may fold; display text must not
        ("㎡", "M2"),
    ],
)
def test_match_key(raw, expected):
    assert match_key(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("２０２６：ＡＢ（）", "2026:AB()"), ("\u3000x", " x"), ("Ⅳ㎡￥", "Ⅳ㎡￥"), ("中文", "中文")],
)
def test_fold_width(raw, expected):
    assert fold_width(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "-",
        "--",
        "/",
        "／",
        "N/A",
        "n/a",
        "无",
        "暂无",
        "—",
        "——",
        "\u3000",
        "\xa0",
        " \u3000- ",
        None,
        "NULL",
    ],
)
def test_placeholders(raw):
    assert is_placeholder(raw)


@pytest.mark.parametrize("raw", ["0", "无锡市", "-1", "N/A项目", "暂无数据以外的说明文字", "/path"])
def test_not_placeholders(raw):
    assert not is_placeholder(raw)


@given(MESSY)
def test_clean_text_idempotent_and_xml_safe(s):
    once = clean_text(s)
    assert clean_text(once) == once
    assert XML_OK.match(once)
    assert "\r" not in once
    assert once == once.strip()


@given(MESSY)
def test_clean_line_idempotent_single_line(s):
    once = clean_line(s)
    assert clean_line(once) == once
    assert "\n" not in once
    assert "  " not in once


@given(MESSY)
def test_match_key_idempotent(s):
    once = match_key(s)
    assert match_key(once) == once
    assert not re.search(r"\s", once)


@given(MESSY)
def test_fold_width_idempotent(s):
    once = fold_width(s)
    assert fold_width(once) == once
    assert not re.search("[\uff01-\uff5e\u3000]", once)


@given(MESSY)
def test_is_placeholder_total(s):
    assert is_placeholder(s) in (True, False)


@given(st.one_of(MESSY, st.text(alphabet="无暂 NnUuLlAa/.-—－\\\u3000\u200b", max_size=14)))
def test_is_placeholder_fast_path_agrees_with_the_full_cleaning(s):
    # the shortcut for long printable values must answer what cleaning and folding answer
    assert is_placeholder(s) == is_placeholder_folded(fold_width(clean_line(s)))
