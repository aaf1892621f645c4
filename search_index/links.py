"""Where a search result links to: the one mapping from a record id to a page of the static site.

The site is served by Datasette under ``/site/`` (``--static site:<site dir>``); page paths
are the site's own (``store.paths``: ``project/<id>.html``, ``notice/<version_id>.html``),
so changing the site's URL scheme there changes these links too.
"""

from __future__ import annotations

SITE_MOUNT = "/site/"


def site_url(doctype: str, id_: str, version_id: str = "") -> str:
    """Absolute path (on the Datasette origin) of the site page of a search result."""
    from store import paths

    if doctype == "notice" and version_id:
        return SITE_MOUNT + paths.notice(version_id)
    return SITE_MOUNT + paths.project(id_)


def datasette_url(doctype: str, id_: str, version_id: str = "", database: str = "gongkai") -> str:
    """The record's row page in Datasette (the SQL view of the same record)."""
    from urllib.parse import quote

    if doctype == "notice":
        return f"/{database}/notices/{quote(version_id or id_, safe='')}"
    return f"/{database}/projects/{quote(id_, safe='')}"
