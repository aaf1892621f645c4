"""Folding applied to every text before it is indexed and to every query: one function, both sides.

``fold`` maps, character by character (so offsets in the folded text are offsets in the
original, which highlighting relies on):

- traditional → simplified Chinese (``採購`` → ``采购``), from OpenCC's ``t2s`` conversion of
  each single character of the CJK blocks (built once per process; phrase-level conversion
  would change lengths and depend on context);
- full-width ASCII → ASCII (``ＡＢＣ１２３`` → ``abc123``) and the ideographic space → space;
- ASCII upper case → lower case (``str.lower`` is not used: it can change lengths outside ASCII).
"""

from __future__ import annotations

from functools import cache

# CJK Unified Ideographs, Extension A and the compatibility block: where traditional forms live.
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@cache
def _table() -> dict[int, str]:
    import opencc  # imported lazily: only building the table needs it

    table: dict[int, str] = {}
    chars = [chr(c) for lo, hi in _CJK_RANGES for c in range(lo, hi)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never expected; fall back to no conversion rather than misalign
        converted = chars
    for src, dst in zip(chars, converted, strict=True):
        if dst != src and len(dst) == 1:
            table[ord(src)] = dst
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII variants
        table[cp] = chr(cp - 0xFEE0)
    table[0x3000] = " "
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp + 32)
    for cp in range(0xFF21, 0xFF3B):  # full-width A-Z straight to lower case
        table[cp] = chr(cp - 0xFEE0 + 32)
    return table


def fold(text: str) -> str:
    """Simplified, half-width, ASCII-lower-case form of ``text``; same length as ``text``."""
    return text.translate(_table())
