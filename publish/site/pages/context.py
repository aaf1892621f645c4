"""What every page generator gets: the store, the build state, the renderer and the writer."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models.privacy import PLACEHOLDER
from publish.site import i18n
from publish.site.render import Renderer
from publish.site.writer import Writer
from store import paths

# Where a natural person's name links (they have no page of their own: publish.site.reader.person_parties):
# the about page's statement of the privacy policy.
PRIVACY_HREF = paths.static_page("about") + "#privacy"
# An omitted name's placeholder: the reader's maps are Chinese, an English page says it in English.
_PLACEHOLDER_EN = (PLACEHOLDER[0].encode(), PLACEHOLDER[1].encode())


def party_href(party_id: str, person: bool) -> str:
    """The link of a party's name: its page, or for a natural person the privacy policy."""
    return PRIVACY_HREF if person else paths.party(party_id)


@dataclass
class Ctx:
    conn: sqlite3.Connection  # the store, read-only
    state: sqlite3.Connection  # the build state (items, pages, files)
    renderer: Renderer
    writer: Writer
    as_of: str  # the data's latest change: the only "time" a page may show
    site_url: str
    downloads: list[dict[str, Any]] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)  # store-wide aggregates, computed once per process

    def once(self, name: str, compute: Callable[[], Any]) -> Any:
        if name not in self.memo:
            self.memo[name] = compute()
        return self.memo[name]

    def page(self, template: str, rel: str, make: Callable[[str], dict[str, Any]],
             feeds: list[tuple[str, str, str]] | None = None) -> None:
        """Render ``rel`` in every language; ``make(lang)`` returns the template context."""
        for lang in i18n.LANGS:
            data = self.renderer.render(template, rel, lang, feeds=feeds, **make(lang))
            if lang == "en":
                data = data.replace(*_PLACEHOLDER_EN)
            self.writer.write(rel if lang == "zh" else f"en/{rel}", data)
