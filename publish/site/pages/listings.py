"""List pages: the head page of a list (newest first) and its numbered pages (from the oldest)."""

from __future__ import annotations

from typing import Any

from models.normalize.regions import region_by_code
from publish.site import i18n, reader
from publish.site.lists import PAGE_SIZE, list_has_feed, page_count
from publish.site.pages.context import Ctx
from store import paths

HEAD_PAGES = 10  # page links on a head page: the newest ten and the first


def list_dir(key: str) -> str:
    """The directory of a list's pages (site-relative, with a trailing slash; '' for the root)."""
    parts = key.split(":")
    if key == "all":
        return ""
    if parts[0] == "kind":
        base = f"{paths.slug(parts[1])}/"
        if len(parts) == 4 and parts[2] == "year":
            return f"{base}{paths.slug(parts[3])}/"
        if len(parts) == 4 and parts[2] == "prov":
            return f"{base}province-{paths.slug(parts[3])}/"
        return base
    if parts[0] == "region":
        return f"region/{paths.slug(parts[1])}/"
    if parts[0] in ("party", "pfeed"):
        return f"party/{paths.slug(key.split(':', 1)[1])}/"
    raise ValueError(f"unknown list {key!r}")


def head_path(key: str) -> str:
    return f"{list_dir(key)}index.html"


def page_path(key: str, page: int) -> str:
    return f"{list_dir(key)}page-{page}.html"


def feed_paths(key: str) -> tuple[str, str] | None:
    if not list_has_feed(key):
        return None
    d = list_dir(key)
    return f"{d}atom.xml", f"{d}rss.xml"


def region_name(code: str) -> str:
    r = region_by_code(code)
    return r.name if r else code


def list_title(ctx: Ctx, key: str, lang: str) -> str:
    parts = key.split(":")
    if parts[0] == "kind":
        label = i18n.kind_label(parts[1], lang)
        if len(parts) == 4:
            return f"{label} · {parts[3] if parts[2] == 'year' else region_name(parts[3])}"
        return label
    if parts[0] == "region":
        return region_name(parts[1])
    if parts[0] in ("party", "pfeed"):
        row = ctx.conn.execute("SELECT name FROM parties WHERE party_id = ?", (key.split(":", 1)[1],)).fetchone()
        return row[0] if row else key
    return i18n.gettext_for(lang)(i18n.N_("全部公告"))


def count(ctx: Ctx, key: str) -> int:
    return ctx.state.execute("SELECT count(*) FROM items WHERE list_key = ?", (key,)).fetchone()[0]


def entries(ctx: Ctx, key: str, ids: list[str]) -> list[dict[str, Any]]:
    """Display rows for item ids, in the given order."""
    if key.startswith("party:"):
        found = reader.project_summaries(ctx.conn, ids, key.split(":", 1)[1])
        return [{**found[i], "href": paths.project(i)} for i in ids if i in found]
    found = reader.notice_summaries(ctx.conn, ids)
    return [{**found[i], "href": paths.notice(i)} for i in ids if i in found]


def newest(ctx: Ctx, key: str, n: int = PAGE_SIZE) -> list[str]:
    return [r[0] for r in ctx.state.execute(
        "SELECT item_id FROM items WHERE list_key = ? ORDER BY sort_key DESC, item_id DESC LIMIT ?", (key, n))]


def head_pager(key: str, total: int, lang: str) -> list[tuple[str, str, bool]]:
    pages = page_count(total)
    if total <= PAGE_SIZE:
        return []
    numbers = list(range(pages, max(0, pages - HEAD_PAGES), -1))
    if 1 not in numbers:
        numbers.append(1)
    label = i18n.gettext_for(lang)("第 %(n)s 页")
    return [(label % {"n": n}, page_path(key, n), False) for n in numbers]


def render_numbered(ctx: Ctx, key: str, page: int, template: str = "listing.html") -> None:
    total = count(ctx, key)
    pages = page_count(total)
    ids = [r[0] for r in ctx.state.execute(
        "SELECT item_id FROM items WHERE list_key = ? ORDER BY sort_key, item_id LIMIT ? OFFSET ?",
        (key, PAGE_SIZE, (page - 1) * PAGE_SIZE))]
    rows = list(reversed(entries(ctx, key, ids)))
    rel = page_path(key, page)

    def make(lang: str) -> dict[str, Any]:
        gettext = i18n.gettext_for(lang)
        pager = [(gettext("最新"), head_path(key), False)]
        if page > 1:
            pager.append((gettext("较早") + f" ({page - 1})", page_path(key, page - 1), False))
        pager.append((str(page), rel, True))
        if page < pages:
            pager.append((gettext("较新") + f" ({page + 1})", page_path(key, page + 1), False))
        title = list_title(ctx, key, lang)
        return {"heading": title, "page": page, "page_size": PAGE_SIZE, "entries": rows, "pager": pager,
                "entry_type": "project" if key.startswith("party:") else "notice",
                "crumbs": [(title, head_path(key))], "total": total, "as_of": "", "feed": None,
                "facet_groups": []}

    ctx.page(template, rel, make)


def render_kind_head(ctx: Ctx, key: str) -> None:
    """The head page of an area list or of its per-year / per-province lists."""
    total = count(ctx, key)
    rows = entries(ctx, key, newest(ctx, key))
    parts = key.split(":")
    sub = []
    if len(parts) == 2:
        lo, hi = f"{key}:", f"{key}:\uffff"
        sub = ctx.state.execute("SELECT list_key, count(*) FROM items WHERE list_key > ? AND list_key < ?"
                                " GROUP BY list_key", (lo, hi)).fetchall()
    feed = feed_paths(key)

    def make(lang: str) -> dict[str, Any]:
        gettext = i18n.gettext_for(lang)
        groups = []
        if sub:
            years = sorted(((k.split(":")[3], head_path(k), n) for k, n in sub if ":year:" in k), reverse=True)
            provs = sorted(((region_name(k.split(":")[3]), head_path(k), n) for k, n in sub if ":prov:" in k),
                           key=lambda x: x[1])
            groups = [(gettext("按年度"), years), (gettext("按省份"), provs)]
        crumbs = [(i18n.kind_label(parts[1], lang), head_path(f"kind:{parts[1]}"))] if len(parts) > 2 else []
        return {"heading": list_title(ctx, key, lang), "page": 0, "page_size": PAGE_SIZE, "entries": rows,
                "pager": head_pager(key, total, lang), "entry_type": "notice", "crumbs": crumbs, "total": total,
                "as_of": ctx.as_of if len(parts) == 2 else "", "feed": feed, "facet_groups": groups}

    ctx.page("listing.html", head_path(key), make, feeds=[(list_title(ctx, key, "zh"), *feed)] if feed else None)
