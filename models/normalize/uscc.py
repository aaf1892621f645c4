"""Unified social credit code (统一社会信用代码, GB 32100-2015), source-formats.md §8.1.

18 characters from the alphabet ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z):

* 1: registration department (1 机构编制, 5 民政, 9 工商, A 军队, N 农业, Y 其他 …);
* 2: institution type; 3–8: GB/T 2260 division code of the registration authority;
* 9–17: subject ID (the old GB 11714 organization code, with its own check character);
* 18: check character, weights 3^(i-1) mod 31.

Unlike python-stdnum we accept a letter in the first positions (A/N/Y departments): stdnum
rejects those valid codes (§8.1 "Pitfall"). Real valid codes: 91610928MAB32DF87G,
11140000012150153Y, 12532500067137175R, 91110000600037341L.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .base import EMPTY, Parsed, Reason, as_text, fail, ok, short, total
from .text import clean_line, fold_width, is_placeholder_folded

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, …
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_SEPARATORS_RE = re.compile(r"[\s\-‐‑–—－_]+")


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 (upper-case, USCC alphabet); ValueError otherwise."""
    if len(first17) != 17:
        raise ValueError(f"17 characters expected, got {len(first17)}")
    try:
        total_ = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"invalid character {exc.args[0]!r}") from None
    return ALPHABET[(31 - total_ % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """Check character of a GB 11714 organization code (USCC positions 9–17) from its first 8.

    Weights 3,7,9,10,5,8,4,2 on values 0–9, A=10 … Z=35; C9 = 11 − (Σ mod 11), 10 → ``X``,
    11 → ``0``. ValueError for a wrong length or character.
    """
    if len(first8) != 8:
        raise ValueError(f"8 characters expected, got {len(first8)}")
    try:
        total_ = sum(_ORG_VALUE[c] * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"invalid character {exc.args[0]!r}") from None
    c = 11 - total_ % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


@total
@lru_cache(maxsize=65536)
def _normalize(text: str) -> Parsed[str]:
    s = fold_width(clean_line(text))
    if is_placeholder_folded(s):
        return EMPTY
    code = _SEPARATORS_RE.sub("", s).upper()
    if len(code) != 18:
        hint = ""
        if len(code) == 9 and code[:8].isalnum():
            try:
                if org_code_check_char(code[:8]) == code[8]:
                    hint = " (this is a GB 11714 organization code, not a USCC)"
            except ValueError:
                pass
        return fail(Reason(f"18 characters expected, got {len(code)}{hint}: {short(s)!r}", "uscc_length", got=len(code)))
    for i, c in enumerate(code, 1):
        if c not in _VALUE:
            return fail(Reason(f"invalid character {c!r} at position {i}: {short(s)!r}", "uscc_char", char=c, position=i))
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return fail(Reason(f"check character should be {expected}, got {code[17]}: {code}", "uscc_check", expected=expected,
                                got=code[17]))
    try:
        org_ok = org_code_check_char(code[8:16]) == code[16]
    except ValueError:
        org_ok = False
    # Informative only: codes of individual businesses (92…) often carry no GB 11714 subject ID.
    return ok(code) if org_ok else ok(code, "org_check_failed")


def normalize_uscc(text: str | None) -> Parsed[str]:
    """Validate and normalize a USCC: folds full width, drops spaces and hyphens, upper-cases.

    A code whose embedded organization code (positions 9–17) fails its GB 11714 check is still
    valid (the USCC check passed) but gets flag ``org_check_failed``.

    Errors name the problem: ``18 characters expected, got 17``, ``invalid character 'I' at
    position 5``, ``check character should be X``.
    """
    text = as_text(text)
    if text is None:
        return EMPTY
    return _normalize(text)
