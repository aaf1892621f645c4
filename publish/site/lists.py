"""List membership and pagination.

Every listing is a sequence of items sorted by ``sort_key`` (oldest first) and cut into
numbered pages of :data:`PAGE_SIZE` from the oldest, so adding newer items only touches the
last page and the list's head page (which shows the newest items, newest first). Notice
lists hold every notice version, sorted by publication time; a party's project list holds
its projects sorted by first publication. Feeds read the same items by ``seen_key`` (the
time the version was first seen), so a late-collected old notice still reaches subscribers.

List keys: ``kind:<kind>``; ``kind:<kind>:year:<yyyy>``; ``kind:<kind>:prov:<code>``;
``region:<code>`` (every level: province, prefecture, county); ``party:<id>`` (projects; none for a
natural person the privacy policy hides, who has no page: the build leaves them out).
The feeds of everything (``all``) and of a party (``pfeed:<id>``) are queried from the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from models.normalize.regions import region_by_code

PAGE_SIZE = 50
FEED_SIZE = 50


@dataclass(frozen=True)
class Version:
    version_id: str
    project_id: str
    kind: str
    notice_type: str
    published_at: str
    published_year: int
    province_code: str | None
    region_code: str | None
    first_seen_at: str
    current: bool


def region_chain(code: str | None, province_code: str | None) -> list[str]:
    """The division and its ancestors (county → prefecture → province), known codes only."""
    chain: list[str] = []
    if code:
        r = region_by_code(code)
        chain = [c for c in (r.province_code, r.prefecture_code, r.code) if c] if r is not None else [code]
    if province_code and province_code not in chain:
        chain.insert(0, province_code)
    return list(dict.fromkeys(chain))


def version_lists(v: Version) -> list[str]:
    keys = [f"kind:{v.kind}", f"kind:{v.kind}:year:{v.published_year}"]
    if v.province_code:
        keys.append(f"kind:{v.kind}:prov:{v.province_code}")
    keys += [f"region:{c}" for c in region_chain(v.region_code, v.province_code)]
    return keys


def project_items(project_id: str, kind: str, first_published_at: str, compiled_sha256: str,
                  versions: list[Version], party_ids: list[str]) -> Iterator[tuple]:
    """Rows of the ``items`` state table for one project and its notice versions."""
    for v in versions:
        rev = "c" if v.current else "s"
        facet = f"{v.kind}|{v.notice_type}|{rev}"
        for key in version_lists(v):
            yield (key, v.published_at, v.first_seen_at, v.version_id, rev, facet)
    for p in sorted(set(party_ids)):
        yield party_item(p, project_id, kind, first_published_at, compiled_sha256)


def party_item(party_id: str, project_id: str, kind: str, first_published_at: str, compiled_sha256: str) -> tuple:
    """The ``items`` row of a project on a party's list (``party:<id>``)."""
    rev = compiled_sha256[:16]  # the project's entry changes when its compiled state does
    return (f"party:{party_id}", first_published_at, first_published_at, project_id, rev, kind)


def page_count(n: int) -> int:
    return max(1, -(-n // PAGE_SIZE))


def page_sigs(items: list[tuple[str, str]]) -> dict[int, str]:
    """Signature of each numbered page: its entries (id, rev) and whether a next page exists."""
    n_pages = page_count(len(items))
    sigs = {}
    for page in range(1, n_pages + 1):
        chunk = items[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        h = hashlib.sha256(f"{page < n_pages}".encode())
        for item_id, rev in chunk:
            h.update(f"\x00{item_id}\x01{rev}".encode())
        sigs[page] = h.hexdigest()
    return sigs


def list_has_pages(key: str) -> bool:
    return not key.startswith(("pfeed:", "all"))


def list_has_feed(key: str) -> bool:
    if key == "all" or key.startswith("pfeed:"):
        return True
    parts = key.split(":")
    if parts[0] == "kind" and len(parts) == 2:
        return True
    return parts[0] == "region" and parts[1].endswith("0000")
