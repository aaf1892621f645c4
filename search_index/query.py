"""The query language, parsed once into an engine-neutral form.

Syntax (what a search box user types):

- words separated by spaces must all match: ``土地 出让``;
- ``"…"`` is a phrase: ``"国有建设用地 使用权"``;
- ``OR`` between two terms matches either: ``采矿权 OR 探矿权``;
- ``-word`` excludes: ``土地 -划拨``;
- a word without spaces that segments into several words is matched as a phrase
  (``土地使用权`` = ``"土地 使用权"``); identifiers (USCC, project and e-supervision numbers)
  also match exactly as a whole.

Anything else that cannot be read as such raises :class:`QueryError` with a message for the
user (HTTP 400): unbalanced quotes, a lone or dangling operator, an empty query, a query
longer than :data:`MAX_QUERY_CHARS` characters or with more than :data:`MAX_TERMS` terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search_index.analyzer import fine_words, words
from search_index.fold import fold

MAX_QUERY_CHARS = 200  # longer inputs are pasted documents, not queries; refusing bounds the work
MAX_TERMS = 12  # each term is one or more posting-list scans

_IDENTIFIER = re.compile(r"^(?=.*\d)[a-z0-9][a-z0-9\-_/.()]{4,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class QueryError(ValueError):
    """A query the user must rephrase; the message says why."""


@dataclass(frozen=True)
class Term:
    """One thing to match: a word (possibly several tokens → a phrase) or a quoted phrase."""

    text: str  # as typed
    folded: str
    tokens: tuple[str, ...]  # main words (accurate cut)
    fine: tuple[str, ...]  # same, long words tiled into 2–3-character words
    identifier: bool  # also match the identifier field exactly
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    """AND of clauses; each clause is an OR of terms. ``text`` is the normalized query."""

    clauses: tuple[tuple[Term, ...], ...]
    text: str

    def positive_terms(self) -> list[Term]:
        return [t for c in self.clauses for t in c if not t.negated]

    def highlight_tokens(self) -> list[str]:
        """Folded strings worth marking in snippets (longest first)."""
        out: set[str] = set()
        for t in self.positive_terms():
            out.update(t.tokens)
            out.update(t.fine)
            if t.folded and " " not in t.folded:
                out.add(t.folded)
        return sorted(out, key=len, reverse=True)


def _lex(q: str) -> list[tuple[str, str]]:
    """[(kind, text)]: kind is 'word', 'phrase', 'or', 'not-word', 'not-phrase'."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
            continue
        negated = False
        if c == "-" and i + 1 < n and not q[i + 1].isspace():
            negated = True
            i += 1
            c = q[i]
        elif c == "-":
            raise QueryError(f"a lone '-' at character {i + 1}: write -word to exclude a word")
        if c in "\"“”":
            j = i + 1
            while j < n and q[j] not in "\"“”":
                j += 1
            if j >= n:
                raise QueryError(f"unbalanced quote at character {i + 1}: close the phrase with \"")
            out.append(("not-phrase" if negated else "phrase", q[i + 1:j]))
            i = j + 1
            continue
        j = i
        while j < n and not q[j].isspace() and q[j] not in "\"“”":
            j += 1
        word = q[i:j]
        if word == "OR" and not negated:
            out.append(("or", word))
        else:
            out.append(("not-word" if negated else "word", word))
        i = j
    return out


def _term(text: str, *, negated: bool) -> Term | None:
    folded = fold(text).strip()
    toks = tuple(words(folded))
    if not toks:
        return None  # punctuation only
    return Term(text=text, folded=folded, tokens=toks, fine=tuple(fine_words(folded)),
                identifier=bool(_IDENTIFIER.match(folded)), negated=negated)


def parse(q: str | None) -> ParsedQuery:
    """Parse a user query; raises :class:`QueryError` with a reason."""
    if q is None or not q.strip():
        raise QueryError("empty query: type one or more words")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(q)} characters (at most {MAX_QUERY_CHARS})")
    if _CONTROL.search(q):
        raise QueryError("query contains control characters")
    q = q.replace("\u3000", " ")
    lexed = _lex(q)
    clauses: list[list[Term]] = []
    pending_or = False
    for pos, (kind, text) in enumerate(lexed):
        if kind == "or":
            if not clauses or pending_or or pos == len(lexed) - 1:
                raise QueryError("OR must stand between two terms, e.g. 采矿权 OR 探矿权")
            if any(t.negated for t in clauses[-1]):
                raise QueryError("OR cannot join an excluded (-) term")
            pending_or = True
            continue
        term = _term(text, negated=kind.startswith("not-"))
        if term is None:
            if pending_or:
                raise QueryError(f"nothing to search in {text!r} after OR")
            continue
        if pending_or:
            if term.negated:
                raise QueryError("OR cannot join an excluded (-) term")
            clauses[-1].append(term)
            pending_or = False
        else:
            clauses.append([term])
    n_terms = sum(len(c) for c in clauses)
    if n_terms > MAX_TERMS:
        raise QueryError(f"too many terms: {n_terms} (at most {MAX_TERMS})")
    if not clauses:
        raise QueryError("nothing to search: the query has no words")
    if all(t.negated for c in clauses for t in c):
        raise QueryError("a query cannot only exclude words: add a word to search for")
    text = " ".join(" OR ".join(("-" if t.negated else "") + (f'"{t.text}"' if " " in t.text else t.text)
                                for t in c) for c in clauses)
    return ParsedQuery(clauses=tuple(tuple(c) for c in clauses), text=text)
