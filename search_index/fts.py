"""SQLite FTS5 over pre-segmented text, for Datasette's own search and the benchmark baseline.

FTS5's ``unicode61`` tokenizer does not split Chinese; its ``trigram`` tokenizer misses
two-character words (baselines.md §3, §9 pitfall 12). So each FTS column holds text already
segmented by :mod:`search_index.analyzer` (jieba search-mode order: sub-words, then the word,
space-separated), indexed with ``unicode61``; a ``chars`` column holds each record's distinct
CJK characters (one-character searches such as ``矿``). Queries are segmented the same way
by :func:`match_expression`, which Datasette uses in place of its ``escape_fts``.
"""

from __future__ import annotations

from search_index.analyzer import distinct_cjk, is_cjk, search_sequence
from search_index.fold import fold
from search_index.query import ParsedQuery, Term, parse

TOKENIZE = "unicode61 remove_diacritics 0"
COLUMNS = ("title", "text", "chars")


def segmented_row(title: str, text: str, ids: list[str] | tuple[str, ...] = ()) -> tuple[str, str, str]:
    """(title, text, chars) column values for one record."""
    ft, fx = fold(title), fold(text)
    return (" ".join(search_sequence(ft)),
            " ".join(search_sequence(fx) + [fold(i) for i in ids]),
            distinct_cjk(ft + fx))


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _term(t: Term) -> str:
    if t.identifier:
        return _quote(t.folded)  # FTS5 splits it into a phrase of its alphanumeric parts
    toks = list(t.fine)
    if len(toks) == 1:
        return _quote(toks[0])
    # no shared positions in FTS5: the words of a phrase must occur close together
    return f"NEAR({' '.join(_quote(x) for x in toks)}, {2 * len(toks)})"


def expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression of a parsed query."""
    pos: list[str] = []
    neg: list[str] = []
    for clause in parsed.clauses:
        if clause[0].negated:
            neg.append(_term(clause[0]))
            continue
        parts = [_term(t) for t in clause]
        pos.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    expr = " AND ".join(pos)
    for n in neg:
        expr = f"({expr}) NOT {n}"
    return expr


def match_expression(query: str) -> str:
    """Segment a user query into an FTS5 MATCH expression (raises QueryError)."""
    return expression(parse(query))


__all__ = ["COLUMNS", "TOKENIZE", "expression", "is_cjk", "match_expression", "segmented_row"]
