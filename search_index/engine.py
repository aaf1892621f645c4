"""The engine-neutral interface: callers build :class:`Document`s and :class:`SearchRequest`s and
get :class:`SearchResult`s; they never import an engine.

Two engines implement :class:`SearchEngine`: Whoosh (:mod:`search_index.whoosh_engine`, the
default) and tantivy (:mod:`search_index.tantivy_engine`). :func:`open_engine` and
:func:`backend` choose one by name, ``GONGKAI_SEARCH_ENGINE`` when none is given
(:func:`store.config.search_engine`). An engine module provides ``SCHEMA_VERSION``,
``exists(path)``, ``build(path, docs_factory, procs=, timeout=)`` and its engine class.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from search_index.highlight import mark, snippet
from search_index.query import QueryError

FACETS = ("kind", "province", "year", "notice_type", "doctype", "flag")
# Values of the "flag" filter and facet besides an indicator code (models.indicators: P-SINGLE …):
FLAG_ANY = "any"  # projects that at least one indicator flags (有风险提示)
FLAG_NONE = "none"  # projects that none flags (无风险提示); notices carry no flags and match neither
SORTS = ("relevance", "date", "-date", "amount", "-amount")  # "date" = newest first; "-date" oldest first
MAX_PAGE_SIZE = 100
MAX_DEPTH = 2000  # page × size: deeper paging is refused (use filters instead)


@dataclass
class Document:
    """One searchable record: a project (``p:…``) or the current version of a notice (``n:…``)."""

    key: str
    doctype: str  # "project" | "notice"
    id: str  # project_id or notice_id
    project_id: str
    kind: str
    title: str
    text: str  # everything searchable besides identifiers (title included)
    ids: list[str]  # identifiers matched exactly as whole tokens (USCC, project no., e-supervision no. …)
    published_at: str  # ISO 8601 (+08:00)
    date: int  # epoch seconds of published_at (sorting)
    year: int
    version_id: str = ""
    notice_type: str = ""
    status: str = ""
    region_code: str = ""
    region_name: str = ""
    province_code: str = ""
    publisher: str = ""
    project_no: str = ""
    amount_fen: int | None = None  # the record's headline amount in fen (never a float)
    method: str = ""  # how it is allocated (models.kinds.METHOD_FIELD: 公开招标, 挂牌出让 …)
    summary: str = ""  # stored text snippets are cut from
    # codes of the red-flag indicators whose status is "flagged" (models.indicators; projects only, sorted)
    flags: list[str] = field(default_factory=list)

    def validate(self) -> None:
        """Types checked before the engine sees the document (Whoosh's multiprocess writer hangs on errors)."""
        for name in ("key", "doctype", "id", "project_id", "kind", "title", "text", "published_at"):
            value = getattr(self, name)
            if not isinstance(value, str) or (name != "text" and not value):
                raise ValueError(f"document {self.key!r}: {name} must be a non-empty string, got {value!r}")
        for name in ("date", "year"):
            if type(getattr(self, name)) is not int:
                raise ValueError(f"document {self.key!r}: {name} must be an integer")
        if self.amount_fen is not None and (type(self.amount_fen) is not int or not 0 <= self.amount_fen < 2**63):
            raise ValueError(f"document {self.key!r}: amount_fen must be a non-negative integer, got {self.amount_fen!r}")
        if not all(isinstance(i, str) for i in self.ids):
            raise ValueError(f"document {self.key!r}: ids must be strings")
        if not all(isinstance(f, str) and f and " " not in f for f in self.flags):
            raise ValueError(f"document {self.key!r}: flags must be indicator codes, got {self.flags!r}")


@dataclass(frozen=True)
class SearchRequest:
    query: str  # "" (no words) with at least one filter lists every matching record
    kinds: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()  # GB/T 2260 province codes (xx0000)
    regions: tuple[str, ...] = ()  # exact region codes (city/county)
    notice_types: tuple[str, ...] = ()
    doctypes: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()  # project stage (codelists.Status)
    methods: tuple[str, ...] = ()  # allocation method as the codelists spell it (公开招标, 挂牌出让 …)
    amount_min: int | None = None  # headline amount range in fen, inclusive
    amount_max: int | None = None
    date_from: int | None = None  # publication time range, epoch seconds, inclusive
    date_to: int | None = None
    # red flags: FLAG_ANY, FLAG_NONE or indicator codes; a record matching any one of them passes
    flags: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    size: int = 20
    facets: bool = True

    def check(self) -> None:
        """Refuse a sort, page size or depth no engine serves (:class:`search_index.query.QueryError`)."""
        if self.sort not in SORTS:
            raise QueryError(f"unknown sort {self.sort!r}: one of {', '.join(SORTS)}")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise QueryError(f"page size must be 1–{MAX_PAGE_SIZE}")
        if self.page < 1 or self.page * self.size > MAX_DEPTH:
            raise QueryError(f"page must be ≥ 1 and page × size ≤ {MAX_DEPTH}: narrow the search with filters")


@dataclass
class Hit:
    key: str
    doctype: str
    id: str
    project_id: str
    version_id: str
    kind: str
    notice_type: str
    status: str
    title: str
    published_at: str
    region_code: str
    region_name: str
    province_code: str
    publisher: str
    project_no: str
    amount_fen: int | None
    score: float
    snippet: list[tuple[str, bool]] = field(default_factory=list)  # (text, is_match) pieces
    title_marked: list[tuple[str, bool]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # Document.flags of a project hit

    @classmethod
    def of_stored(cls, f: Mapping[str, Any], score: float, tokens: list[str]) -> Hit:
        """A hit from a document's stored fields (either engine's; a field it does not store is
        empty), with the snippet and title marked for the query's ``tokens``."""
        flags = f.get("flags") or []
        return cls(
            key=f["key"], doctype=f["doctype"], id=f["id"], project_id=f["project_id"],
            version_id=f.get("version_id") or "", kind=f["kind"], notice_type=f.get("notice_type") or "",
            status=f.get("status") or "", title=f["title"], published_at=f["published_at"],
            region_code=f.get("region") or "", region_name=f.get("region_name") or "",
            province_code=f.get("province") or "", publisher=f.get("publisher") or "",
            project_no=f.get("project_no") or "", amount_fen=f.get("amount"), score=score,
            snippet=snippet(f.get("summary") or "", tokens), title_marked=mark(f["title"], tokens),
            flags=flags.split() if isinstance(flags, str) else list(flags))


@dataclass
class SearchResult:
    query: str  # normalized query text
    total: int
    page: int
    size: int
    hits: list[Hit]
    # FACETS name → [(value, count)], most first. "flag": (FLAG_ANY, n) and (FLAG_NONE, n) among the
    # matching projects, then (indicator code, n) for each indicator that flags one of them.
    facets: dict[str, list[tuple[str, int]]]
    took_ms: float

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


class SearchEngine(Protocol):
    """What every engine provides. Writes are batched: one commit per call."""

    def update(self, add: Iterable[Document], delete_keys: Iterable[str]) -> tuple[int, int]:
        """Delete ``delete_keys`` and add ``add`` (documents replace same-key ones) in one commit."""
        ...

    def search(self, request: SearchRequest) -> SearchResult:
        """An empty query with filters matches every filtered record. Raises :class:`search_index.query.QueryError` for a query the user must rephrase."""
        ...

    def doc_count(self) -> int: ...

    def segment_count(self) -> int: ...

    def close(self) -> None: ...


def engine_name(name: str | None = None) -> str:
    """``name`` checked, or the configured engine (``GONGKAI_SEARCH_ENGINE``, default ``whoosh``)."""
    from store.config import SEARCH_ENGINES, search_engine

    if name is None:
        return search_engine()
    if name not in SEARCH_ENGINES:
        raise ValueError(f"unknown search engine {name!r}: use one of {', '.join(SEARCH_ENGINES)}")
    return name


def backend(name: str | None = None) -> ModuleType:
    """The module of an engine (see the module docstring for what it provides)."""
    return importlib.import_module(f"search_index.{engine_name(name)}_engine")


def open_engine(index_dir: Path, engine: str | None = None) -> SearchEngine:
    """The search engine over ``index_dir`` (FileNotFoundError when no index of that engine was built there)."""
    name = engine_name(engine)
    module = backend(name)
    cls = module.TantivyEngine if name == "tantivy" else module.WhooshEngine
    engine_: SearchEngine = cls(Path(index_dir))
    return engine_
