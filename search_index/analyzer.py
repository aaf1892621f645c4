"""Chinese-aware segmentation shared by every engine (Whoosh, SQLite FTS5) and by query parsing.

Text is folded first (:mod:`search_index.fold`), then segmented with rjieba (jieba's
dictionary, 24× faster than jieba: baselines.md §3a):

- each word of the *accurate* cut gets the next position (0, 1, 2 …), so a phrase of
  consecutive words matches consecutive positions (jieba's own Whoosh analyzer numbers
  positions by character offset and breaks phrase search: baselines.md §9 pitfall 3);
- a longer word also yields, *at its own position*, the 2- and 3-character dictionary words
  inside it (what jieba's search mode adds): ``中华人民共和国`` is found by ``人民`` and
  ``共和国``, ``政府采购`` by ``采购``, and ``土地 使用权`` still matches as a phrase;
- Latin/number runs (``FTKA2025-G1-001936-CGZX``) yield the whole run and, at the same
  position, its alphanumeric parts (``ftka2025``, ``g1``, ``001936``, ``cgzx``);
- punctuation and white space yield nothing.

Single CJK characters that jieba leaves alone are ordinary tokens; a one-character query
for a character that only occurs inside words (``矿`` in ``采矿权``) is handled by each
engine (Whoosh expands it through its term list; the FTS tables carry a column of the
distinct characters of each record).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import rjieba

from search_index.fold import fold

_WORDISH = re.compile(r"\w", re.UNICODE)
_LATIN_PARTS = re.compile(r"[a-z0-9]+")
_LATIN_SEP = re.compile(r"[^a-z0-9]")
CJK_CHAR = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"  # one CJK character (the engines' one-character search)
_CJK = re.compile(CJK_CHAR)


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def _subwords(word: str) -> list[str]:
    """The 2- and 3-character dictionary words inside a CJK word of 3+ characters (jieba search mode)."""
    out: list[str] = []
    n = len(word)
    for size in (2, 3):
        if n > size:
            for i in range(n - size + 1):
                gram = word[i:i + size]
                if rjieba.has_word(gram) and is_cjk(gram[0]):
                    out.append(gram)
    return out


def _main_words(folded: str) -> Iterator[str]:
    """The main words (accurate cut) of folded text: no spaces or punctuation, Latin words stripped of
    ``-_./`` at their ends. Every tokenization below starts from these."""
    for word in rjieba.cut(folded):
        if not _WORDISH.search(word):
            continue  # spaces, punctuation
        if word.isascii():
            word = word.strip("-_./")
            if not word:
                continue
        yield word


@functools.lru_cache(maxsize=1 << 18)
def _group(word: str) -> tuple[str, ...] | None:
    """The tokens one word of the accurate cut yields at its position: the word (Latin stripped of
    ``-_./`` at its ends), then its Latin parts or CJK sub-words; ``None`` for spaces and punctuation.
    Memoized: a corpus repeats a few hundred thousand words, so a long build looks most of them up
    instead of segmenting them again (the per-token Python work was most of an index build)."""
    if not _WORDISH.search(word):
        return None
    if word.isascii():
        word = word.strip("-_./")
        if not word:
            return None
        return (word, *_LATIN_PARTS.findall(word)) if _LATIN_SEP.search(word) else (word,)
    return (word, *_subwords(word)) if len(word) > 2 else (word,)


def word_groups(folded: str) -> list[tuple[str, ...]]:
    """Per position 0, 1, 2 … of already folded text, the tokens found there: the main word first,
    then its sub-words or Latin parts. :func:`positioned_tokens` and :func:`pairs_of_groups` in one
    segmentation."""
    return [g for g in map(_group, rjieba.cut(folded)) if g is not None]


def positioned_tokens(folded: str) -> Iterator[tuple[str, int]]:
    """(token, position) of already folded text: main words numbered 0, 1, 2 …, sub-words share them."""
    for pos, group in enumerate(word_groups(folded)):
        for tok in group:
            yield tok, pos


def pair_tokens(folded: str) -> Iterator[str]:
    """``a_b`` for adjacent positions p, p + 1: the main words, and a sub-word on one side with the
    main word on the other (``国有土地 使用权`` also yields ``土地_使用权``; sub-word × sub-word pairs
    are left out: they would double the postings). A two-word phrase becomes one term."""
    return iter(pairs_of_groups(word_groups(folded)))


def pairs_of_groups(groups: list[tuple[str, ...]]) -> list[str]:
    """:func:`pair_tokens` of text already segmented by :func:`word_groups`, so that a caller that needs
    the tokens too segments the text once. Main-word pairs first, then the sub-word pairs (an index
    keeps no positions for pairs: only which pairs occur counts)."""
    mains = [g[0] for g in groups]
    out = list(map("_".join, zip(mains, mains[1:])))  # noqa: B905 (one shorter by design)
    last = len(groups) - 1
    for i in [i for i, g in enumerate(groups) if len(g) > 1]:
        subs = groups[i][1:]
        if i < last:
            b = mains[i + 1]
            out += [f"{sub}_{b}" for sub in subs]
        if i > 0:
            a = mains[i - 1]
            out += [f"{a}_{sub}" for sub in subs]
    return out


def tokens(text: str) -> list[tuple[str, int]]:
    """Fold and segment ``text``: [(token, position)]."""
    return list(positioned_tokens(fold(text)))


def words(folded: str) -> list[str]:
    """The main words (accurate cut) of folded text, without punctuation: how a query word is split."""
    return list(_main_words(folded))


def fine_words(folded: str) -> list[str]:
    """Like :func:`words`, but a CJK word of 4+ characters is replaced by a tiling of 2–3-character
    dictionary words when one exists (``建设用地`` → ``建设 用地``): documents where context split
    the word differently still match."""
    out: list[str] = []
    for word in words(folded):
        tiling = _tile(word) if len(word) >= 4 and not word.isascii() else None
        out.extend(tiling or [word])
    return out


def _tile(word: str) -> list[str] | None:
    """Split ``word`` into dictionary words of 2–3 characters covering it exactly (fewest pieces)."""
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for size in (3, 2):
            j = i + size
            if j <= n and rjieba.has_word(word[i:j]):
                cand = [*best[i], word[i:j]]  # type: ignore[misc]
                if best[j] is None or len(cand) < len(best[j]):  # type: ignore[arg-type]
                    best[j] = cand
    return best[n]


def search_sequence(folded: str) -> list[str]:
    """Tokens in jieba search-mode order (sub-words, then the word), one per position: for FTS5 columns."""
    out: list[str] = []
    for word in _main_words(folded):
        if word.isascii():
            if _LATIN_SEP.search(word):
                out.extend(_LATIN_PARTS.findall(word))
        elif len(word) > 2:
            out.extend(_subwords(word))
        out.append(word)
    return out


def distinct_cjk(folded: str) -> str:
    """The distinct CJK characters of folded text, space-separated (one-character search in FTS5)."""
    return " ".join(dict.fromkeys(_CJK.findall(folded)))
