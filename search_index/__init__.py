"""Full-text search of projects and notices (Chinese-aware), behind an engine-neutral interface.

Callers use only this package's names: :func:`open_engine`, :func:`update_index`,
:class:`SearchRequest`, :class:`SearchResult`, :class:`QueryError`. The engine is
chosen by ``GONGKAI_SEARCH_ENGINE`` (:mod:`search_index.whoosh_engine`,
:mod:`search_index.tantivy_engine`).
"""

from __future__ import annotations

from pathlib import Path

from search_index.engine import Document, Hit, SearchEngine, SearchRequest, SearchResult
from search_index.query import QueryError, parse
from search_index.update import rebuild, update_index

__all__ = ["Document", "Hit", "QueryError", "SearchEngine", "SearchRequest", "SearchResult", "open_engine", "parse",
           "rebuild", "update_index"]


def open_engine(index_dir: Path, engine: str | None = None) -> SearchEngine:
    """The search engine over ``index_dir`` (FileNotFoundError when no index was built there); ``engine``
    (``whoosh``|``tantivy``) defaults to ``GONGKAI_SEARCH_ENGINE``."""
    from search_index.engine import open_engine as _open

    return _open(Path(index_dir), engine)
