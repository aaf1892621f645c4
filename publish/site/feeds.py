"""Atom and RSS 2.0 feeds (feedgen): everything, per area, per province, per party.

An entry is one notice version, i.e. one change: a new notice, a correction, a result, a
termination, or a new version of a notice already published. Its id is a tag: URI built
from the permanent version id, so it never changes; ``updated`` is the time the version
was first seen and ``published`` its publication time, so neither moves unless the data
does. Feeds carry no build time: the feed's ``updated`` is its newest entry's, which makes
two builds of the same database byte-identical. Control characters (which lxml refuses,
ckan/ckan#6371) and bidi overrides are removed from every text.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from feedgen.feed import FeedGenerator

from publish.site import i18n
from publish.site.text import clean
from store import paths
from store.paths import tag_base

_COLS = ("version_id", "version", "kind", "notice_type", "title", "publisher", "published_at", "region_name",
         "first_seen_at", "project_id")


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def build_feed(conn: sqlite3.Connection, version_ids: list[str], *, title: str, site_url: str, feed_rel: str,
               page_rel: str) -> tuple[bytes, bytes] | None:
    """(Atom, RSS) bytes for the given versions (newest first), or None when there are none."""
    if not version_ids:
        return None
    marks = ",".join("?" * len(version_ids))
    rows = {r[0]: dict(zip(_COLS, r, strict=True)) for r in conn.execute(
        f"SELECT {', '.join(_COLS)} FROM notices WHERE version_id IN ({marks})", version_ids)}  # noqa: S608
    items = [rows[v] for v in version_ids if v in rows]
    if not items:
        return None
    base = site_url if site_url.endswith("/") else site_url + "/"
    tag = tag_base(site_url)
    fg = FeedGenerator()
    fg.id(f"{tag}feed/{clean(feed_rel)}")
    fg.title(clean(title) or "Gongkai")
    fg.subtitle("公共资源配置信息公开 · public-resource allocation disclosures")
    fg.link(href=base + page_rel, rel="alternate")
    fg.link(href=base + feed_rel, rel="self")
    fg.language("zh-CN")
    fg.generator("gongkai")  # no version: an upgrade must not change every feed's bytes
    newest = max(_dt(i["first_seen_at"]) for i in items)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    fg.description(clean(title) or "Gongkai")
    for item in items:
        fe = fg.add_entry(order="append")
        label = i18n.notice_type_label(item["notice_type"], "zh")
        version = f"（第 {item['version']} 版）" if item["version"] > 1 else ""
        fe.id(f"{tag}notice/{item['version_id']}")
        fe.guid(f"{tag}notice/{item['version_id']}", permalink=False)
        fe.title(clean(f"[{label}{version}] {item['title']}"))
        fe.link(href=base + paths.notice(item["version_id"]))
        fe.updated(_dt(item["first_seen_at"]))
        fe.published(_dt(item["published_at"]))
        parts = [i18n.kind_label(item["kind"], "zh"), label, item["region_name"] or "", item["publisher"] or "",
                 item["published_at"][:10]]
        fe.description(clean(" · ".join(p for p in parts if p)))
    return fg.atom_str(pretty=True), fg.rss_str(pretty=True)
