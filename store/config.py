"""Configuration: one place, defaults first, then environment variables, then CLI options.

| setting | default | environment | why |
|---|---|---|---|
| database | ``var/gongkai.db`` | ``GONGKAI_DB`` | the live SQLite file (WAL); raw bytes go to ``raw/`` beside it |
| site directory | ``site`` | ``GONGKAI_SITE`` | build output, git-ignored |
| site URL | ``http://localhost:8001/site/`` | ``GONGKAI_SITE_URL`` | absolute links in feeds and sitemaps; its host names feed ids (tag: URIs), so set it once for a public site |
| search index | ``search-index/`` beside the database | ``GONGKAI_INDEX`` | the search index, updated incrementally by ``build``, ``index`` and ``serve`` |
| search engine | ``whoosh`` | ``GONGKAI_SEARCH_ENGINE`` | ``whoosh`` (pure Python, fine to ~100k documents) or ``tantivy`` (Rust wheel: 1M documents within the latency targets); a switch rebuilds the index in full (README: Search engines) |
| published snapshots | ``published/`` beside the database | ``GONGKAI_PUBLISHED`` | immutable copies Datasette serves (``current`` points at the newest) |
| ocid prefix | ``ocds-gkdemo`` | ``GONGKAI_OCID_PREFIX`` | OCDS export: ``ocds-`` + 6 characters, registered with OCP; the default is a placeholder |
| red-flag thresholds | ``models/indicators/thresholds.toml`` | ``GONGKAI_THRESHOLDS`` | a deployment's own thresholds per indicator, area, method and province (TOML, same layout) |
| privacy policy | ``models/data/privacy.toml`` | ``GONGKAI_PRIVACY`` | what every output shows of a natural person, per role and area: publish, mask (陈**) or omit (TOML, same layout; ``store.privacy``) |
| busy wait | 300 s | ``GONGKAI_BUSY_WAIT`` | how long a writer waits for another writer's transaction before it fails (``store.db.BUSY_WAIT``) |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("var/gongkai.db")
DEFAULT_SITE = Path("site")
DEFAULT_SITE_URL = "http://localhost:8001/site/"
# OCDS export: ocid prefix (ocds- + 6 characters). "ocds-gkdemo" is a placeholder until OCP registers one for Gongkai.
OCID_PREFIX = os.environ.get("GONGKAI_OCID_PREFIX") or "ocds-gkdemo"


def thresholds_path() -> str | None:
    """A deployment's red-flag thresholds file (``GONGKAI_THRESHOLDS``), or None for the packaged one."""
    return os.environ.get("GONGKAI_THRESHOLDS") or None


def privacy_path() -> str | None:
    """A deployment's privacy policy file (``GONGKAI_PRIVACY``), or None for the packaged one."""
    return os.environ.get("GONGKAI_PRIVACY") or None


SEARCH_ENGINES = ("whoosh", "tantivy")
# Whoosh stays the default: pure Python, no native wheel, enough for small deployments (≤ ~100k
# documents); tantivy is for larger ones (baselines.md §10: 200–350× lower p95, 43× faster builds).
DEFAULT_SEARCH_ENGINE = "whoosh"


def search_engine() -> str:
    """The search engine named by ``GONGKAI_SEARCH_ENGINE`` (``whoosh`` when unset); ValueError names a bad value."""
    value = (os.environ.get("GONGKAI_SEARCH_ENGINE") or DEFAULT_SEARCH_ENGINE).strip().lower()
    if value not in SEARCH_ENGINES:
        raise ValueError(f"GONGKAI_SEARCH_ENGINE={value!r} is not a search engine: use one of {', '.join(SEARCH_ENGINES)}")
    return value


@dataclass(frozen=True)
class Settings:
    db: Path
    site: Path
    site_url: str = DEFAULT_SITE_URL


def index_paths(db: Path) -> tuple[Path, Path]:
    """(search index directory, published snapshots root) of a database."""
    index = Path(os.environ.get("GONGKAI_INDEX") or db.parent / "search-index")
    published = Path(os.environ.get("GONGKAI_PUBLISHED") or db.parent / "published")
    return index, published


def settings(db: str | Path | None = None) -> Settings:
    """Settings from the defaults, the environment and an explicit ``--db``."""
    return Settings(
        db=Path(db or os.environ.get("GONGKAI_DB") or DEFAULT_DB),
        site=Path(os.environ.get("GONGKAI_SITE") or DEFAULT_SITE),
        site_url=os.environ.get("GONGKAI_SITE_URL") or DEFAULT_SITE_URL,
    )
