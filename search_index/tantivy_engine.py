"""The tantivy implementation of :class:`search_index.engine.SearchEngine` (``GONGKAI_SEARCH_ENGINE=tantivy``).

The same analysis as the Whoosh engine, done in Python before tantivy sees the text
(tantivy's own tokenizers do not segment Chinese: baselines.md §9 pitfall 4):

- ``text``: the folded, rjieba-segmented tokens of :func:`search_index.analyzer.word_groups`
  (main words and the sub-words inside them), space-joined and indexed with a whitespace
  tokenizer; term frequencies only (no positions: see ``pairs``).
- ``pairs``: adjacent word pairs (``土地_使用权``) as in :func:`search_index.analyzer.pair_tokens` (:func:`~search_index.analyzer.pairs_of_groups`),
  so a phrase (and a query word that segments into several words) is a term lookup, exactly
  as in the Whoosh engine: both engines find the same documents.
- ``chars``: the CJK characters of the folded text (as the FTS5 tables carry), split by tantivy's
  regex tokenizer on :data:`search_index.analyzer.CJK_CHAR` (in Rust, not Python): a
  one-character query (``矿``) matches every document containing it, inside words too.
- ``ids``: identifiers as whole folded tokens, matched exactly.
- Filter, facet and sort fields are fast fields (raw strings, integers; money in fen as an
  unsigned integer). Facet counts are tantivy terms aggregations over the matching documents;
  sorting uses ``order_by_field``; totals come from the same search (``count=True``).
- Snippets and marked titles come from the stored text (:mod:`search_index.highlight`).

Full builds write a fresh directory (``path.new``) renamed over the old one when complete, as
the Whoosh engine does: ``procs`` forked workers segment (a process pool that fails, not hangs,
when a worker dies; workers die with their parent), the main thread assembles documents and
tantivy indexes them on ``procs`` threads. Incremental updates delete by ``key`` and add in one
commit, then wait for tantivy's merges.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
import tantivy
from tantivy import FieldType, Occur, Order, Query

from search_index.analyzer import CJK_CHAR, is_cjk, pairs_of_groups, word_groups
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

SCHEMA_VERSION = 2  # bump when the schema or the analysis changes: forces a full rebuild (2: chars by tantivy)
TOKENIZER = "gongkai_ws"  # whitespace only: the text arrives segmented and folded
CHARS_TOKENIZER = "gongkai_cjk"  # each CJK character of the folded text is a token
BUILD_HEAP = 512_000_000  # bytes for the full-build writer (split between its threads); fewer flushes, fewer merges
UPDATE_HEAP = 64_000_000  # incremental updates: 1,000 documents fit many times over
WRITER_WAIT = 30.0  # seconds to wait for another process's writer lock before failing
REFRESH_SECONDS = 1.0  # how often a reader looks for a commit or a rebuilt directory
ANALYSE_BATCH = 2048  # documents handed to the segmenting workers at a time (bounds memory)
ANALYSE_CHUNK = 64  # documents per task sent to one worker
FACET_SIZE = 50  # values per facet, as the Whoosh engine returns
# facet name → fast field
_FACET_FIELDS = {"kind": "kind", "province": "province", "year": "year", "notice_type": "notice_type",
                 "doctype": "doctype"}
# raw string fields (exact terms): filters, facets and the key updates delete by
# ("flags": codes of the indicators that flag a project, several per document; "flagged": "yes"/"no" for
# projects, absent for notices)
_FILTERS = ("key", "doctype", "project_id", "kind", "notice_type", "status", "method", "province", "region",
            "flags", "flagged")


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in _FILTERS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("date", indexed=True, fast=True)
    sb.add_unsigned_field("amount", indexed=True, fast=True)
    sb.add_bytes_field("stored", stored=True, indexed=False, fast=False)  # what a hit shows, one JSON value
    sb.add_text_field("text", tokenizer_name=TOKENIZER, index_option="freq")
    sb.add_text_field("pairs", tokenizer_name=TOKENIZER, index_option="freq")
    sb.add_text_field("chars", tokenizer_name=CHARS_TOKENIZER, index_option="basic")
    sb.add_text_field("ids", tokenizer_name=TOKENIZER, index_option="freq")
    return sb.build()


def _register(ix: tantivy.Index) -> tantivy.Index:
    ix.register_tokenizer(TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    ix.register_tokenizer(CHARS_TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(CJK_CHAR)).build())
    return ix


def _analyse(doc: Document) -> tuple[str, str, str]:
    """The segmented ``text`` and ``pairs``, and the folded text for ``chars``, of a validated document
    (the costly part: run in worker processes during a full build)."""
    doc.validate()
    folded = fold(doc.text)
    groups = word_groups(folded)
    return " ".join(itertools.chain.from_iterable(groups)), " ".join(pairs_of_groups(groups)), folded


def _analysed(docs: Iterable[Document], procs: int) -> Iterator[tuple[Document, tuple[str, str, str]]]:
    """(document, its analysis), segmented by ``procs`` forked workers when ``procs`` > 1 (the Python
    segmentation, not tantivy, is what limits a build's rate)."""
    if procs <= 1:
        for doc in docs:
            yield doc, _analyse(doc)
        return
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor

    from store.procs import die_with_parent

    pending: list[Document] = []
    with ProcessPoolExecutor(procs, mp_context=mp.get_context("fork"), initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        for doc in docs:
            pending.append(doc)
            if len(pending) >= ANALYSE_BATCH:
                yield from zip(pending, pool.map(_analyse, pending, chunksize=ANALYSE_CHUNK), strict=True)
                pending = []
        yield from zip(pending, pool.map(_analyse, pending, chunksize=ANALYSE_CHUNK), strict=True)


def _document(doc: Document, analysed: tuple[str, str, str] | None = None) -> tantivy.Document:
    text, pairs, chars = analysed or _analyse(doc)
    out = tantivy.Document()
    values = {"key": doc.key, "doctype": doc.doctype, "project_id": doc.project_id, "kind": doc.kind,
              "notice_type": doc.notice_type, "status": doc.status, "method": doc.method,
              "province": doc.province_code, "region": doc.region_code}
    for name, value in values.items():
        if value:  # empty values are left out: no empty facet bucket, as in Whoosh
            out.add_text(name, value)
    for code in doc.flags:
        out.add_text("flags", code)
    if doc.doctype == "project":
        out.add_text("flagged", "yes" if doc.flags else "no")
    out.add_bytes("stored", orjson.dumps({
        **values, "flags": doc.flags, "id": doc.id, "version_id": doc.version_id, "title": doc.title, "published_at": doc.published_at,
        "region_name": doc.region_name, "publisher": doc.publisher, "project_no": doc.project_no,
        "summary": doc.summary, "amount": doc.amount_fen}))
    out.add_integer("year", doc.year)
    out.add_integer("date", doc.date)
    if doc.amount_fen is not None:
        out.add_unsigned("amount", doc.amount_fen)
    out.add_text("text", text)
    out.add_text("pairs", pairs)
    out.add_text("chars", chars)
    ids = " ".join(i.replace(" ", "") for i in doc.ids if i)
    if ids:
        out.add_text("ids", ids)
    return out


def exists(path: Path) -> bool:
    return Path(path).is_dir() and (Path(path) / "meta.json").is_file() and tantivy.Index.exists(str(path))


def build(path: Path, docs_factory: Callable[[], Iterable[Document]], *, procs: int = 2,
          timeout: float = 3600.0) -> int:
    """Build a fresh index at ``path`` from ``docs_factory()``: written to ``path.new``, renamed over
    ``path`` when complete (an open engine keeps reading the old files until it refreshes).
    ``timeout`` is accepted for the interface's sake: the build runs in this process."""
    del timeout
    path = Path(path)
    tmp = path.with_name(path.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    n = 0
    try:
        analysed = _analysed(docs_factory(), procs)
        first = next(analysed, None)  # the workers are forked before tantivy starts its threads
        ix = _register(tantivy.Index(schema(), path=str(tmp), reuse=False))
        writer = ix.writer(BUILD_HEAP, max(1, procs))
        try:
            if first is not None:
                writer.add_document(_document(*first))
                n += 1
            for doc, parts in analysed:
                writer.add_document(_document(doc, parts))
                n += 1
        except BaseException:
            writer.rollback()
            raise
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    tmp.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return n


class TantivyEngine:
    """A tantivy index in one directory. Thread-safe (one lock around the reader state)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not exists(self.path):
            raise FileNotFoundError(f"no tantivy search index in {self.path}: run `gongkai index` first")
        self._lock = threading.RLock()
        self._open()

    def _open(self) -> None:
        self._inode = self.path.stat().st_ino  # a full build replaces the directory
        self._ix = _register(tantivy.Index.open(str(self.path)))
        self._schema = self._ix.schema
        self._checked_at = time.monotonic()

    # -- writing --------------------------------------------------------------------------
    def _writer(self) -> Any:
        deadline = time.monotonic() + WRITER_WAIT
        while True:
            try:
                return self._ix.writer(UPDATE_HEAP, 1)
            except ValueError:  # another writer holds the lock
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def update(self, add: Iterable[Document], delete_keys: Iterable[str]) -> tuple[int, int]:
        docs = [(d.key, _document(d)) for d in add]  # validated and segmented before the writer is opened
        keys = sorted(set(delete_keys) | {k for k, _d in docs})
        with self._lock:
            self._ix.reload()
            before: Any = self._ix.searcher()
            deleted = before.search(Query.term_set_query(self._schema, "key", keys), 1,
                                                 count=True).count if keys else 0
            writer = self._writer()
            try:
                for k in keys:
                    writer.delete_documents_by_term("key", k)
                for _k, doc in docs:
                    writer.add_document(doc)
            except BaseException:
                writer.rollback()
                raise
            writer.commit()
            writer.wait_merging_threads()  # merges the small segment in: queries stay one-or-few-segment
            self._ix.reload()
            self._checked_at = time.monotonic()
        return len(docs), int(deleted or 0)

    # -- reading --------------------------------------------------------------------------
    def _searcher(self) -> Any:
        now = time.monotonic()
        if now - self._checked_at > REFRESH_SECONDS:
            self._checked_at = now
            try:
                replaced = self.path.stat().st_ino != self._inode
            except FileNotFoundError:  # the directory is being swapped by a full build
                replaced = False
            if replaced and exists(self.path):
                self._open()
            else:
                with contextlib.suppress(Exception):  # mid-swap: keep the current searcher until the next check
                    self._ix.reload()
        return self._ix.searcher()

    def doc_count(self) -> int:
        with self._lock:
            return int(self._searcher().num_docs)

    def segment_count(self) -> int:
        with self._lock:
            return int(self._searcher().num_segments)

    def close(self) -> None:
        """Nothing to release: tantivy frees its readers with the object."""

    @staticmethod
    def _any(queries: list[Any]) -> Any:
        return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Should, q) for q in queries])

    @staticmethod
    def _all(queries: list[Any]) -> Any:
        return queries[0] if len(queries) == 1 else Query.boolean_query([(Occur.Must, q) for q in queries])

    def _token_query(self, token: str) -> Any:
        q = Query.term_query(self._schema, "text", token)
        if len(token) == 1 and is_cjk(token):  # also inside words: 矿 finds 采矿权
            return self._any([q, Query.term_query(self._schema, "chars", token)])
        return q

    def _term_query(self, searcher: Any, term: Term) -> Any:
        alts: list[Any] = []
        seqs = [term.tokens]
        if term.fine != term.tokens and any(len(w) >= 4 and searcher.doc_freq("text", w) == 0 for w in term.tokens):
            seqs.append(term.fine)  # the tiled form only where the index lacks a long word (as in Whoosh)
        for seq in seqs:
            if len(seq) == 1:
                alts.append(self._token_query(seq[0]))
            else:  # every adjacent pair present
                alts.append(self._all([Query.term_query(self._schema, "pairs", f"{a}_{b}")
                                       for a, b in zip(seq, seq[1:], strict=False)]))
        if term.identifier:
            alts.append(Query.term_query(self._schema, "ids", term.folded.replace(" ", "")))
        return self._any(alts)

    def compile(self, parsed: ParsedQuery, searcher: Any) -> Any:
        clauses: list[tuple[Any, Any]] = []
        for clause in parsed.clauses:
            if clause[0].negated:
                clauses.append((Occur.MustNot, self._term_query(searcher, clause[0])))
            else:
                clauses.append((Occur.Must, self._any([self._term_query(searcher, t) for t in clause])))
        return Query.boolean_query(clauses) if len(clauses) > 1 else clauses[0][1]

    def _filter(self, req: SearchRequest) -> Any | None:
        parts: list[Any] = []
        for name, values in (("kind", req.kinds), ("province", req.provinces), ("region", req.regions),
                             ("notice_type", req.notice_types), ("doctype", req.doctypes),
                             ("status", req.statuses), ("method", req.methods)):
            if values:
                parts.append(Query.term_set_query(self._schema, name, list(values)))
        if req.flags:
            parts.append(self._any([Query.term_query(self._schema, "flagged", "yes") if v == FLAG_ANY else
                                    Query.term_query(self._schema, "flagged", "no") if v == FLAG_NONE else
                                    Query.term_query(self._schema, "flags", v) for v in req.flags]))
        if req.years:
            parts.append(self._any([Query.range_query(self._schema, "year", FieldType.Integer, y, y) for y in req.years]))
        if req.amount_min is not None or req.amount_max is not None:
            parts.append(Query.range_query(self._schema, "amount", FieldType.Unsigned, req.amount_min, req.amount_max))
        if req.date_from is not None or req.date_to is not None:
            parts.append(Query.range_query(self._schema, "date", FieldType.Integer, req.date_from, req.date_to))
        if not parts:
            return None
        return Query.const_score_query(self._all(parts), 0.0)

    def search(self, request: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        req = request
        req.check()
        parsed = parse(req.query) if req.query.strip() else None
        with self._lock:
            searcher = self._searcher()
        allowed = self._filter(req)
        if parsed is None and allowed is None:
            raise QueryError("empty query: type one or more words, or choose a filter")
        q = self.compile(parsed, searcher) if parsed is not None else None
        if allowed is not None:
            q = allowed if q is None else Query.boolean_query([(Occur.Must, q), (Occur.Must, allowed)])
        sort = req.sort if parsed is not None or req.sort != "relevance" else "date"  # no words: newest first
        kw: dict[str, Any] = {}
        if sort != "relevance":
            field, desc = {"date": ("date", True), "-date": ("date", False), "amount": ("amount", True),
                           "-amount": ("amount", False)}[sort]
            kw = {"order_by_field": field, "order": Order.Desc if desc else Order.Asc}
        result = searcher.search(q, req.size, count=True, offset=(req.page - 1) * req.size, **kw)
        facets: dict[str, list[tuple[str, int]]] = {}
        if req.facets:
            aggs = {name: {"terms": {"field": field, "size": FACET_SIZE}} for name, field in _FACET_FIELDS.items()
                    if name in FACETS}
            if "flag" in FACETS:
                aggs["flagged"] = {"terms": {"field": "flagged", "size": 2}}
                aggs["flags"] = {"terms": {"field": "flags", "size": FACET_SIZE}}
            out = searcher.aggregate(q, aggs)
            if "flag" in FACETS:  # (FLAG_ANY, n), (FLAG_NONE, n) among the matching projects, then per code
                flagged = {b["key"]: int(b["doc_count"]) for b in out.get("flagged", {}).get("buckets", [])}
                codes = [(str(b["key"]), int(b["doc_count"])) for b in out.get("flags", {}).get("buckets", [])]
                facets["flag"] = [(value, flagged[word]) for value, word in ((FLAG_ANY, "yes"), (FLAG_NONE, "no"))
                                  if flagged.get(word)] + sorted(codes, key=lambda item: (-item[1], item[0]))
            for name in FACETS:
                if name == "flag":
                    continue
                buckets = out.get(name, {}).get("buckets", [])
                facets[name] = [(str(int(b["key"]) if isinstance(b["key"], float) else b["key"]), int(b["doc_count"]))
                                for b in buckets if b["key"] not in ("", None)]
        tokens = parsed.highlight_tokens() if parsed is not None else []
        hits = []
        for key, address in result.hits:
            f = orjson.loads(searcher.doc(address).get_first("stored"))
            hits.append(Hit.of_stored(f, float(key) if sort == "relevance" and key is not None else 0.0, tokens))
        total = int(result.count or 0)
        return SearchResult(query=parsed.text if parsed is not None else "", total=total, page=req.page,
                            size=req.size, hits=hits, facets=facets, took_ms=(time.perf_counter() - started) * 1000)
