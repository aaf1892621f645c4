"""The engine-neutral interface: callers build :class:`Document`s and :class:`SearchRequest`s and
get :class:`SearchResult`s; they never import the engine (Whoosh today).

A second engine implements :class:`SearchEngine` and is returned by
:func:`search_index.open_engine`; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

FACETS = ("kind", "province", "year", "notice_type", "doctype")
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
    sort: str = "relevance"
    page: int = 1
    size: int = 20
    facets: bool = True


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


@dataclass
class SearchResult:
    query: str  # normalized query text
    total: int
    page: int
    size: int
    hits: list[Hit]
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
