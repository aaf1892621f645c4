"""Full-text search of projects and notices (Chinese-aware), behind an engine-neutral interface.

Callers use only this package's names: :func:`open_engine`, :func:`update_index`,
:class:`SearchRequest`, :class:`SearchResult`, :class:`QueryError`. The engine (Whoosh) is
an implementation detail of :mod:`search_index.whoosh_engine`.
"""

from __future__ import annotations

from pathlib import Path

from search_index.engine import Document, Hit, SearchEngine, SearchRequest, SearchResult
from search_index.query import QueryError, parse
from search_index.update import rebuild, update_index

__all__ = ["Document", "Hit", "QueryError", "SearchEngine", "SearchRequest", "SearchResult", "open_engine", "parse",
           "rebuild", "update_index"]


def open_engine(index_dir: Path) -> SearchEngine:
    """The search engine over ``index_dir`` (FileNotFoundError when no index was built there)."""
    from search_index.whoosh_engine import WhooshEngine

    return WhooshEngine(Path(index_dir))
