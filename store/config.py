"""Configuration: one place, defaults first, then environment variables, then CLI options.

| setting | default | environment | why |
|---|---|---|---|
| database | ``var/gongkai.db`` | ``GONGKAI_DB`` | the live SQLite file (WAL); raw bytes go to ``raw/`` beside it |
| site directory | ``site`` | ``GONGKAI_SITE`` | build output, git-ignored |
| site URL | ``http://localhost:8001/site/`` | ``GONGKAI_SITE_URL`` | absolute links in feeds and sitemaps; its host names feed ids (tag: URIs), so set it once for a public site |
| search index | ``search-index/`` beside the database | ``GONGKAI_INDEX`` | the Whoosh index, updated incrementally by ``build``, ``index`` and ``serve`` |
| published snapshots | ``published/`` beside the database | ``GONGKAI_PUBLISHED`` | immutable copies Datasette serves (``current`` points at the newest) |
| ocid prefix | ``ocds-gkdemo`` | ``GONGKAI_OCID_PREFIX`` | OCDS export: ``ocds-`` + 6 characters, registered with OCP; the default is a placeholder |
| red-flag thresholds | ``models/indicators/thresholds.toml`` | ``GONGKAI_THRESHOLDS`` | a deployment's own thresholds per indicator, area, method and province (TOML, same layout) |
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
