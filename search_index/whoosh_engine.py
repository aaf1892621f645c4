"""The Whoosh implementation of :class:`search_index.engine.SearchEngine`.

Engineering (figures in baselines.md §3 and §9):

- One analyzed field ``text`` (title included) instead of title + body: every query term is
  one posting list, not two. Character offsets are not kept (snippets are marked on the
  stored text by :mod:`search_index.highlight`).
- Phrases (and every query word that segments into several words, e.g. 土地使用权) are
  matched through ``pairs``: adjacent word pairs indexed as terms (``土地_使用权``), so a
  phrase is a term lookup instead of Whoosh's position scan (measured 5–10× slower).
- ``ids``: identifiers as whole, folded tokens (``91140223ma3x5ux01h``), matched exactly.
- Facet, filter and sort fields are sortable columns; money is ``NUMERIC(int)`` in fen (a
  sortable float crashes Whoosh: §9 pitfall 1).
- Full builds use ``procs=2, multisegment=True, limitmb=256`` in a child process with a
  timeout, in a fresh directory that replaces the old one only when complete (the
  multiprocessing writer hangs forever if a sub-writer raises: §9 pitfall 2; documents are
  validated before they reach Whoosh). Incremental updates are one single-process commit;
  Whoosh's default merge policy merges the small segments they create.
- One cached searcher per engine, refreshed when the index changes (at most once a second),
  with per-searcher caches of filter sets, facet columns and one-character term expansions.
- Totals and facet counts come from one unscored pass over the matching documents, counted
  from the cached columns; ranking uses Whoosh's block-quality top-k collector.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from search_index.analyzer import is_cjk, pair_tokens, positioned_tokens
from search_index.engine import (
    FACETS,
    FLAG_ANY,
    FLAG_NONE,
    Document,
    Hit,
    SearchRequest,
    SearchResult,
)
from search_index.fold import fold
from search_index.query import ParsedQuery, QueryError, Term, parse

INDEX_NAME = "gongkai"
SCHEMA_VERSION = 4  # bump when the schema or the analyzer changes: forces a full rebuild
LIMITMB = 256  # 1.5× faster than 128 (baselines §3b); each of the 2 sub-writers has its own pool
BATCHSIZE = 256  # documents per job file handed to a sub-writer
EXPANSION_TERMS = 48  # a one-character query matches at most this many words containing it (by df)
REFRESH_SECONDS = 1.0


class ChineseTokenizer(Tokenizer):
    """Folds and segments text (rjieba) with sequential word positions; see :mod:`search_index.analyzer`."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChineseTokenizer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for text, pos in positioned_tokens(fold(value)):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + pos
            if chars:  # offsets are not tracked (snippets are marked on the stored text)
                t.startchar = t.endchar = start_char
            yield t


class PairTokenizer(Tokenizer):
    """Adjacent word pairs (``土地_使用权``): phrases become term lookups (no positions to scan)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PairTokenizer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for i, text in enumerate(pair_tokens(fold(value)) if tokenize else [value]):
            t.text = t.original = text
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar = t.endchar = start_char
            yield t


def schema() -> Schema:
    analyzer = ChineseTokenizer()
    return Schema(
        key=ID(unique=True, stored=True),
        doctype=ID(stored=True, sortable=True),
        id=STORED(),
        project_id=ID(stored=True),
        version_id=STORED(),
        kind=ID(stored=True, sortable=True),
        notice_type=ID(stored=True, sortable=True),
        status=ID(stored=True),
        method=ID(stored=True),
        province=ID(stored=True, sortable=True),
        region=ID(stored=True),
        year=NUMERIC(int, bits=32, stored=True, sortable=True),
        date=NUMERIC(int, bits=64, signed=True, sortable=True),
        amount=NUMERIC(int, bits=64, signed=False, stored=True, sortable=True),
        title=STORED(),
        text=TEXT(analyzer=analyzer, phrase=True),
        pairs=TEXT(analyzer=PairTokenizer(), phrase=False),  # phrases as pair terms (see PairTokenizer)
        ids=KEYWORD(lowercase=False, scorable=True),
        published_at=STORED(),
        region_name=STORED(),
        publisher=STORED(),
        project_no=STORED(),
        summary=STORED(),
        flags=KEYWORD(stored=True, lowercase=False),  # codes of the indicators that flag a project
        flagged=ID(sortable=True),  # projects: "yes" (some indicator flags it) or "no"; notices: ""
    )


def _fields(doc: Document) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": doc.key, "doctype": doc.doctype, "id": doc.id, "project_id": doc.project_id,
        "version_id": doc.version_id, "kind": doc.kind, "notice_type": doc.notice_type, "status": doc.status,
        "method": doc.method,
        "province": doc.province_code, "region": doc.region_code, "year": doc.year, "date": doc.date,
        "title": doc.title, "text": doc.text, "pairs": doc.text, "ids": " ".join(i.replace(" ", "") for i in doc.ids if i),
        "published_at": doc.published_at, "region_name": doc.region_name, "publisher": doc.publisher,
        "project_no": doc.project_no, "summary": doc.summary, "flags": " ".join(doc.flags),
        "flagged": ("yes" if doc.flags else "no") if doc.doctype == "project" else "",
    }
    if doc.amount_fen is not None:
        out["amount"] = doc.amount_fen
    return out


def _checked(docs: Iterable[Document]) -> Iterator[dict[str, Any]]:
    for d in docs:
        d.validate()
        yield _fields(d)


class BuildTimeout(RuntimeError):
    """A full build did not finish in time (its processes were killed; the old index is intact)."""


def _build_into(path: Path, docs: Iterable[Document], procs: int) -> int:
    path.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(path), schema(), indexname=INDEX_NAME)
    if procs > 1:
        writer = ix.writer(procs=procs, multisegment=True, limitmb=LIMITMB, batchsize=BATCHSIZE)
    else:
        writer = ix.writer(limitmb=LIMITMB)
    n = 0
    try:
        for fields in _checked(docs):
            writer.add_document(**fields)
            n += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return n


def build(path: Path, docs_factory: Any, *, procs: int = 2, timeout: float = 3600.0) -> int:
    """Build a fresh index at ``path`` from ``docs_factory()`` (called in a child process).

    The child runs in its own process group; after ``timeout`` seconds the whole group is
    killed and :class:`BuildTimeout` raised. The index is written to ``path.new`` and renamed
    over ``path`` only when complete (an open searcher keeps reading the old files).
    """
    import multiprocessing as mp

    from store.procs import die_with_parent, tie_forks

    tmp = path.with_name(path.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    ctx = mp.get_context("fork")
    result = ctx.Queue()

    parent = os.getpid()

    def child() -> None:
        os.setpgrp()
        # killed with its parent (a SIGKILL of `gongkai index` would not reach the group), and
        # so are Whoosh's sub-writers, which it forks
        die_with_parent(parent)
        tie_forks()
        try:
            result.put(("ok", _build_into(tmp, docs_factory(), procs)))
        except BaseException as exc:  # reported to the parent, which raises
            result.put(("error", f"{type(exc).__name__}: {exc}"))

    proc = ctx.Process(target=child, name="gongkai-index-build")
    proc.start()
    deadline = time.monotonic() + timeout
    outcome = None
    while outcome is None:
        try:
            outcome = result.get(timeout=1.0)
        except Exception:
            if time.monotonic() > deadline or not proc.is_alive():
                break
    if outcome is None:
        with contextlib.suppress(ProcessLookupError):
            if proc.pid is not None:  # always set once started
                os.killpg(proc.pid, signal.SIGKILL)
        proc.join(5)
        shutil.rmtree(tmp, ignore_errors=True)
        if proc.exitcode not in (None, -signal.SIGKILL) and not proc.is_alive():
            raise RuntimeError(f"index build process died (exit code {proc.exitcode})")
        raise BuildTimeout(f"index build did not finish within {timeout:.0f} s; the previous index is unchanged")
    proc.join(30)
    status, value = outcome
    if status != "ok":
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"index build failed: {value}")
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    tmp.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return int(value)


def exists(path: Path) -> bool:
    return path.is_dir() and whoosh_index.exists_in(str(path), indexname=INDEX_NAME)


class _SearcherState:
    """A searcher and what is cached for it (valid until the index changes)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.columns: dict[str, list[Any]] = {}
        self.filters: OrderedDict[tuple, set[int]] = OrderedDict()
        self.char_terms: dict[str, list[str]] | None = None
        self.flag_docs: dict[int, list[str]] | None = None  # docnum → codes of its flags (flagged docs only)


class WhooshEngine:
    """A Whoosh index in one directory. Thread-safe: searches are serialized by a lock."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not exists(self.path):
            raise FileNotFoundError(f"no search index in {self.path}: run `gongkai index` first")
        self._ix = whoosh_index.open_dir(str(self.path), indexname=INDEX_NAME)
        self._lock = threading.RLock()
        self._state: _SearcherState | None = None
        self._checked_at = 0.0
        self._inode = self.path.stat().st_ino  # a full build replaces the directory

    # -- writing --------------------------------------------------------------------------
    def update(self, add: Iterable[Document], delete_keys: Iterable[str]) -> tuple[int, int]:
        docs = list(_checked(add))  # validate everything before the writer is opened
        keys = set(delete_keys) | {d["key"] for d in docs}
        with self._lock:
            writer = self._ix.writer(limitmb=LIMITMB)
            try:
                deleted = sum(writer.delete_by_term("key", k) for k in keys)
                for fields in docs:
                    writer.add_document(**fields)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()  # default policy: merges small segments
            self._checked_at = 0.0
        return len(docs), deleted

    # -- reading --------------------------------------------------------------------------
    def _current(self) -> _SearcherState:
        now = time.monotonic()
        if self._state is None:
            self._inode = self.path.stat().st_ino
            self._ix = whoosh_index.open_dir(str(self.path), indexname=INDEX_NAME)
            self._state = _SearcherState(self._ix.searcher())
            self._checked_at = now
        elif now - self._checked_at > REFRESH_SECONDS:
            self._checked_at = now
            try:
                fresh = self.path.stat().st_ino == self._inode and self._state.searcher.up_to_date()
            except Exception:  # the directory is being replaced by a full build
                fresh = False
            if not fresh and exists(self.path):
                old = self._state.searcher
                self._inode = self.path.stat().st_ino
                self._ix = whoosh_index.open_dir(str(self.path), indexname=INDEX_NAME)
                self._state = _SearcherState(self._ix.searcher())
                with contextlib.suppress(Exception):
                    old.close()
        return self._state

    def doc_count(self) -> int:
        with self._lock:
            return self._current().searcher.doc_count()

    def segment_count(self) -> int:
        with self._lock:
            return len(self._ix._segments())

    def close(self) -> None:
        with self._lock:
            if self._state:
                self._state.searcher.close()
                self._state = None

    def _column(self, state: _SearcherState, name: str) -> list[Any]:
        col = state.columns.get(name)
        if col is None:
            col = list(state.searcher.reader().column_reader(name))
            state.columns[name] = col
        return col

    def _flags_of(self, state: _SearcherState) -> dict[int, list[str]]:
        if state.flag_docs is None:
            by_doc: dict[int, list[str]] = {}
            for term in state.searcher.reader().lexicon("flags"):
                code = term.decode("utf-8") if isinstance(term, bytes) else term
                for docnum in state.searcher.docs_for_query(wq.Term("flags", code)):
                    by_doc.setdefault(docnum, []).append(code)
            state.flag_docs = by_doc
        return state.flag_docs

    def _flag_facet(self, state: _SearcherState, docs: list[int]) -> list[tuple[str, int]]:
        """(FLAG_ANY, n), (FLAG_NONE, n) among the matching projects, then per indicator code, most first."""
        flagged = Counter(map(self._column(state, "flagged").__getitem__, docs))
        by_doc = self._flags_of(state)
        codes = Counter(code for d in docs for code in by_doc.get(d, ()))
        out = [(value, flagged[word]) for value, word in ((FLAG_ANY, "yes"), (FLAG_NONE, "no")) if flagged[word]]
        return out + sorted(codes.items(), key=lambda item: (-item[1], item[0]))

    def _expansions(self, state: _SearcherState, ch: str) -> list[str]:
        if state.char_terms is None:
            by_char: dict[str, list[tuple[int, str]]] = {}
            for term, info in state.searcher.reader().iter_field("text"):
                word = term.decode("utf-8") if isinstance(term, bytes) else term
                if len(word) < 2 or not is_cjk(word[0]):
                    continue
                df = info.doc_frequency()
                for c in set(word):
                    by_char.setdefault(c, []).append((df, word))
            state.char_terms = {c: [w for _df, w in sorted(v, reverse=True)[:EXPANSION_TERMS]]
                                for c, v in by_char.items()}
        return state.char_terms.get(ch, [])

    def _token_query(self, state: _SearcherState, token: str) -> wq.Query:
        if len(token) == 1 and is_cjk(token):
            return wq.Or([wq.Term("text", token)] + [wq.Term("text", w) for w in self._expansions(state, token)])
        return wq.Term("text", token)

    def _term_query(self, state: _SearcherState, term: Term) -> wq.Query:
        alts: list[wq.Query] = []
        seqs = [term.tokens]
        if term.fine != term.tokens:
            # the tiled form (建设用地 → 建设 用地) only where the index lacks a long word of the query:
            # a phrase alternative costs a positions scan, and documents that kept the word match it
            reader = state.searcher.reader()
            if any(len(w) >= 4 and reader.doc_frequency("text", w) == 0 for w in term.tokens):
                seqs.append(term.fine)
        for seq in seqs:
            if len(seq) == 1:
                alts.append(self._token_query(state, seq[0]))
            else:  # every adjacent pair present (exact for two words; n-word phrases nearly so)
                pairs = [wq.Term("pairs", f"{a}_{b}") for a, b in zip(seq, seq[1:], strict=False)]
                alts.append(pairs[0] if len(pairs) == 1 else wq.And(pairs))
        if term.identifier:
            alts.append(wq.Term("ids", term.folded.replace(" ", "")))
        return alts[0] if len(alts) == 1 else wq.Or(alts)

    def compile(self, parsed: ParsedQuery, state: _SearcherState) -> wq.Query:
        must: list[wq.Query] = []
        nots: list[wq.Query] = []
        for clause in parsed.clauses:
            if clause[0].negated:
                nots.append(self._term_query(state, clause[0]))
                continue
            qs = [self._term_query(state, t) for t in clause]
            must.append(qs[0] if len(qs) == 1 else wq.Or(qs))
        q: wq.Query = must[0] if len(must) == 1 else wq.And(must)
        if nots:
            q = wq.AndNot(q, nots[0] if len(nots) == 1 else wq.Or(nots))
        return q

    def _filter(self, state: _SearcherState, req: SearchRequest) -> set[int] | None:
        parts = [("kind", req.kinds), ("province", req.provinces), ("region", req.regions),
                 ("notice_type", req.notice_types), ("doctype", req.doctypes)]
        clauses: list[wq.Query] = []
        for name, values in parts:
            if values:
                clauses.append(wq.Or([wq.Term(name, v) for v in values]))
        if req.years:
            clauses.append(wq.Or([wq.NumericRange("year", y, y) for y in req.years]))
        if req.statuses:
            clauses.append(wq.Or([wq.Term("status", v) for v in req.statuses]))
        if req.methods:
            clauses.append(wq.Or([wq.Term("method", v) for v in req.methods]))
        if req.flags:
            clauses.append(wq.Or([wq.Term("flagged", "yes") if v == FLAG_ANY else wq.Term("flagged", "no")
                                  if v == FLAG_NONE else wq.Term("flags", v) for v in req.flags]))
        if req.amount_min is not None or req.amount_max is not None:
            clauses.append(wq.NumericRange("amount", req.amount_min, req.amount_max))
        if req.date_from is not None or req.date_to is not None:
            clauses.append(wq.NumericRange("date", req.date_from, req.date_to))
        if not clauses:
            return None
        key = (tuple(req.kinds), tuple(req.provinces), tuple(req.regions), tuple(req.notice_types),
               tuple(req.doctypes), tuple(req.years), tuple(req.statuses), tuple(req.methods), req.amount_min, req.amount_max,
               req.date_from, req.date_to, tuple(req.flags))
        cached = state.filters.get(key)
        if cached is None:
            cached = set(state.searcher.docs_for_query(wq.And(clauses) if len(clauses) > 1 else clauses[0]))
            state.filters[key] = cached
            if len(state.filters) > 64:
                state.filters.popitem(last=False)
        else:
            state.filters.move_to_end(key)
        return cached

    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        req = request
        req.check()
        parsed = parse(req.query) if req.query.strip() else None
        with self._lock:
            state = self._current()
            s = state.searcher
            allowed = self._filter(state, req)
            if parsed is None and allowed is None:
                raise QueryError("empty query: type one or more words, or choose a filter")
            q = self.compile(parsed, state) if parsed is not None else wq.Every()
            sort = req.sort if parsed is not None or req.sort != "relevance" else "date"  # no words: newest first
            sortedby, reverse = {"relevance": (None, False), "date": ("date", True), "-date": ("date", False),
                                 "amount": ("amount", True), "-amount": ("amount", False)}[sort]
            limit = req.page * req.size
            # (phrases are compiled to word-pair terms, so every query here is terms and booleans)
            results = s.search(q, limit=limit, filter=allowed, sortedby=sortedby, reverse=reverse, terms=False)
            docs = [d for d in s.docs_for_query(q) if allowed is None or d in allowed]
            facets: dict[str, list[tuple[str, int]]] = {}
            if req.facets:
                for name in FACETS:
                    if name == "flag":
                        facets[name] = self._flag_facet(state, docs)
                        continue
                    col = self._column(state, "province" if name == "province" else name)
                    counts = Counter(map(col.__getitem__, docs))
                    facets[name] = [(str(v), n) for v, n in counts.most_common(50) if v not in ("", None, b"")]
            tokens = parsed.highlight_tokens() if parsed is not None else []
            hits = []
            for i in range(max(0, (req.page - 1) * req.size), min(limit, results.scored_length())):
                docnum = results.docnum(i)
                f = s.stored_fields(docnum)
                hits.append(Hit.of_stored(f, float(results.score(i) or 0.0), tokens))
        return SearchResult(query=parsed.text if parsed is not None else "", total=len(docs), page=req.page, size=req.size, hits=hits,
                            facets=facets, took_ms=(time.perf_counter() - started) * 1000)


def write_state(path: Path, state: dict[str, Any]) -> None:
    tmp = path / "gongkai-state.json.tmp"
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path / "gongkai-state.json")


def read_state(path: Path) -> dict[str, Any]:
    try:
        return json.loads((path / "gongkai-state.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
