"""Text cleaning: what to store (``clean_text``/``clean_line``) and what to match on (``match_key``).

Real inputs (source-formats.md §9 "Encodings and characters"):

* values padded with U+3000 ideographic spaces (``11010226210200025327-XM001　　　　　　``
  in the CCGP correction notice) and ``\\xa0`` (landchina exports use ``'\\xa0'`` for empty);
* full-width ``：（）`` and digits;
* CR/CRLF line endings (the ggzy "a" page);
* empty-value placeholders ``-``, ``--``, ``/``, ``N/A``, ``无``, ``暂无``, ``／``, ``—``.

NFKC is applied only to the matching key, never to stored text: it also rewrites ``Ⅳ`` → ``IV``
(land grades such as 城区Ⅳ级) and ``㎡`` → ``m2``.
"""

from __future__ import annotations

import re
import unicodedata

# Control characters (C0 except \t \n \r, DEL, C1), zero-width characters, BOM, bidi
# overrides/isolates, lone surrogates and the non-characters U+FFFE/U+FFFF: everything that is
# invisible noise or not allowed by XML 1.0
# ([\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]).
_STRIP_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\ufeff\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)
_NEWLINE_RE = re.compile("\r\n?")
_WIDE_SPACE_RE = re.compile("[ \u3000\xa0]*[\u3000\xa0][ \u3000\xa0]*")
_WS_RE = re.compile(r"\s+")
_DASHES = frozenset("-—–―‐‑‒−─━－")
_PLACEHOLDERS = frozenset(
    {"", "/", "//", "N/A", "NA", "N.A.", "NULL", "NONE", "无", "暂无", "空", "未知", "\\"}
)
_LONGEST_WORD = max(len(p) for p in _PLACEHOLDERS)
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def strip_invisible(s: str) -> str:
    """Only remove invisible noise and what XML 1.0 forbids (controls, zero-width, BOM, bidi
    overrides, surrogates, U+FFFE/U+FFFF); nothing else changes. For output (pages, feeds)."""
    return _STRIP_RE.sub("", s)


def clean_text(s: str | None) -> str:
    """Make text safe to store and to put in XML 1.0, keeping its line structure.

    Removes control characters (except ``\\n``/``\\t``), NUL, zero-width characters, BOM and
    bidi overrides; turns CRLF/CR into ``\\n``; collapses runs of U+3000/``\\xa0`` (with any
    adjacent spaces) to one space; strips leading/trailing whitespace. Idempotent.
    """
    if not s:
        return ""
    s = _NEWLINE_RE.sub("\n", s)
    s = _STRIP_RE.sub("", s)
    s = _WIDE_SPACE_RE.sub(" ", s)
    return s.strip()


def clean_line(s: str | None) -> str:
    """``clean_text`` plus every whitespace run (newlines included) folded to one space.

    For titles, names and other single-line fields. Idempotent.
    """
    if s and s.isprintable() and "  " not in s and s[0] != " " and s[-1] != " ":
        # Fast path: printable text has no control, zero-width, bidi or non-ASCII space
        # characters and no whitespace but single ASCII spaces, so it is already clean.
        return s
    return _WS_RE.sub(" ", clean_text(s)).strip()


def fold_width(s: str) -> str:
    """Full-width ASCII variants (U+FF01..U+FF5E) to ASCII and U+3000 to a space; nothing else.

    Unlike NFKC this keeps ``Ⅳ``, ``㎡``, ``￥`` and every CJK character as they are.
    """
    return s if s.isascii() else s.translate(_WIDTH_TABLE)


def _key_step(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    s = _WS_RE.sub("", s)
    return s.upper() if s.isascii() else "".join(c.upper() if "a" <= c <= "z" else c for c in s)


def match_key(s: str | None) -> str:
    """A key for comparing names and codes; never store it as display text.

    NFKC (folds full-width brackets, colons, digits and Latin), removes all whitespace and
    upper-cases ASCII letters. Applied until stable, so it is idempotent even where removing a
    space lets NFKC compose two characters.
    """
    s = clean_text(s)
    for _ in range(4):
        t = _key_step(s)
        if t == s:
            break
        s = t
    return s


def is_placeholder(s: str | None) -> bool:
    """True for empty input and the placeholders real tables use for "no value".

    ``None``, whitespace (incl. U+3000, ``\\xa0``), ``-``, ``--``, ``—``, ``/``, ``／``, ``N/A``,
    ``无``, ``暂无``, ``NULL`` … (source-formats.md §9).
    """
    if s is None:
        return True
    if len(s) - s.count(" ") > _LONGEST_WORD and s.isprintable() and s.lstrip(" ")[:1] not in _DASHES:
        # Fast path for real values (a body, a long name): printable text loses nothing to cleaning
        # but runs of spaces, so more non-space characters than any placeholder word has, not
        # starting with a dash, cannot be one. Folding every cell of a big file was most of this test.
        return False
    return is_placeholder_folded(fold_width(clean_line(s)))


def is_placeholder_folded(s: str) -> bool:
    """``is_placeholder`` for text already passed through ``clean_line`` and ``fold_width``."""
    if not s:
        return True
    if s[0] in _DASHES:
        return all(c in _DASHES or c == " " for c in s)
    return len(s) <= 8 and s.replace(" ", "").upper() in _PLACEHOLDERS
