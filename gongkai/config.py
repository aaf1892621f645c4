"""Configuration: one place, defaults first, then environment variables, then CLI options.

| setting | default | environment | why |
|---|---|---|---|
| database | ``var/gongkai.db`` | ``GONGKAI_DB`` | the live SQLite file (WAL); raw bytes go to ``raw/`` beside it |
| site directory | ``site`` | ``GONGKAI_SITE`` | build output, git-ignored |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = Path("var/gongkai.db")
DEFAULT_SITE = Path("site")


@dataclass(frozen=True)
class Settings:
    db: Path
    site: Path


def settings(db: str | Path | None = None) -> Settings:
    """Settings from the defaults, the environment and an explicit ``--db``."""
    return Settings(
        db=Path(db or os.environ.get("GONGKAI_DB") or DEFAULT_DB),
        site=Path(os.environ.get("GONGKAI_SITE") or DEFAULT_SITE),
    )
