"""Snippets with the query's words marked, computed on the stored original text.

Folding is length-preserving (:mod:`search_index.fold`), so a match found in the folded text
has the same offsets in the original: ``採購`` in a document is marked for the query ``采购``.
The result is a list of ``(text, is_match)`` pieces; renderers escape each piece themselves.
"""

from __future__ import annotations

import html
import re

from search_index.fold import fold

Pieces = list[tuple[str, bool]]


def _pattern(tokens: list[str]) -> re.Pattern[str] | None:
    toks = [t for t in tokens if t]
    if not toks:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(set(toks), key=len, reverse=True)))


def mark(text: str, tokens: list[str]) -> Pieces:
    """``text`` cut into pieces, the occurrences of ``tokens`` (folded) marked."""
    pat = _pattern(tokens)
    if not text or pat is None:
        return [(text, False)] if text else []
    folded = fold(text)
    out: Pieces = []
    last = 0
    for m in pat.finditer(folded):
        if m.start() > last:
            out.append((text[last:m.start()], False))
        out.append((text[m.start():m.end()], True))
        last = m.end()
    if last < len(text):
        out.append((text[last:], False))
    return out


def snippet(text: str, tokens: list[str], width: int = 120) -> Pieces:
    """About ``width`` characters of ``text`` around the first match, marked; the start if none."""
    if not text:
        return []
    pat = _pattern(tokens)
    m = pat.search(fold(text)) if pat else None
    start = 0 if m is None else max(0, m.start() - width // 3)
    end = min(len(text), start + width)
    pieces = mark(text[start:end], tokens)
    if start > 0:
        pieces.insert(0, ("…", False))
    if end < len(text):
        pieces.append(("…", False))
    return pieces


def to_html(pieces: Pieces) -> str:
    """Escaped HTML, matches in ``<mark>``."""
    return "".join(f"<mark>{html.escape(t)}</mark>" if hit else html.escape(t) for t, hit in pieces)


def to_text(pieces: Pieces) -> str:
    return "".join(t for t, _ in pieces)
