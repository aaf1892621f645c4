"""List pages: the head page of a list (newest first) and its numbered pages (from the oldest)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from models.codelists import (
    LAND_SUPPLY_METHODS,
    MINING_METHODS,
    PROCUREMENT_METHODS,
    STATE_ASSET_METHODS,
    TENDER_METHODS,
    Kind,
    ProjectStatus,
)
from models.normalize.regions import region_by_code
from publish.site import i18n, reader, text
from publish.site.lists import PAGE_SIZE, list_has_feed, page_count
from publish.site.pages.context import Ctx, party_href
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


def flags_path(kind: str) -> str:
    """An area's 风险提示 list (pages/flags.py renders it)."""
    return f"{paths.slug(kind)}/flags.html"


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
        party_id = key.split(":", 1)[1]
        row = ctx.conn.execute("SELECT name FROM parties WHERE party_id = ?", (party_id,)).fetchone()
        rule = reader.person_parties(ctx.conn, [party_id]).get(party_id)
        return reader.shown_name(row[0], rule) or key if row else key
    return i18n.gettext_for(lang)(i18n.N_("全部公告"))


def count(ctx: Ctx, key: str) -> int:
    return ctx.state.execute("SELECT count(*) FROM items WHERE list_key = ?", (key,)).fetchone()[0]


def amount(fen: int | None) -> dict[str, tuple[str, str]] | None:
    """A list's amount in each language: (rounded in 万元/亿元, exact in 元) — see text.money_short."""
    if fen is None:
        return None
    return {lang: (text.money_short(fen, lang, fen=True), text.money(fen, lang, fen=True)) for lang in i18n.LANGS}


def with_facts(ctx: Ctx, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row (a notice or a project) with its project's stage, winners, amount, method and region."""
    facts = reader.project_facts(ctx.conn, [r["project_id"] for r in rows])
    out = []
    for r in rows:
        f = facts.get(r["project_id"], {})
        out.append({**r, "status": f.get("status"), "method": f.get("method"),
                    "region_name": r.get("region_name") or f.get("region_name"),
                    "winners": [(party_href(pid, person), name) for pid, name, person in f.get("winners", [])],
                    "amount": amount(f.get("amount_fen"))})
    return out


def entries(ctx: Ctx, key: str, ids: list[str]) -> list[dict[str, Any]]:
    """Display rows for item ids, in the given order."""
    if key.startswith("party:"):
        found = reader.project_summaries(ctx.conn, ids, key.split(":", 1)[1])
        return with_facts(ctx, [{**found[i], "href": paths.project(i)} for i in ids if i in found])
    found = reader.notice_summaries(ctx.conn, ids)
    return with_facts(ctx, [{**found[i], "href": paths.notice(i)} for i in ids if i in found])


def newest(ctx: Ctx, key: str, n: int = PAGE_SIZE) -> list[str]:
    return [r[0] for r in ctx.state.execute(
        "SELECT item_id FROM items WHERE list_key = ? ORDER BY sort_key DESC, item_id DESC LIMIT ?", (key, n))]


def page_ranges(ctx: Ctx, key: str) -> dict[int, tuple[str, str]]:
    """Each numbered page's (oldest, newest) date: what a reader sees instead of a bare number
    (pages are numbered from the oldest, so a page's file and its entries stay put as lists grow).
    The last list's answer is kept: a build renders a list's numbered pages one after another, and
    each needs them all (reading the whole list per page made a long list's pages quadratic)."""
    last = ctx.memo.get("page_ranges")
    if last is not None and last[0] == key:
        return last[1]
    keys = [r[0] for r in ctx.state.execute(
        "SELECT sort_key FROM items WHERE list_key = ? ORDER BY sort_key, item_id", (key,))]
    ranges = {n + 1: (text.date(keys[i])[:10], text.date(keys[min(i + PAGE_SIZE, len(keys)) - 1])[:10])
              for n, i in enumerate(range(0, len(keys), PAGE_SIZE))}
    ctx.memo["page_ranges"] = (key, ranges)  # one list only: the memo lives as long as the worker
    return ranges


def range_label(span: tuple[str, str] | None, page: int) -> str:
    if span is None:
        return str(page)
    return span[0] if span[0] == span[1] else f"{span[1]} – {span[0]}"


def head_pager(key: str, total: int, lang: str, ranges: dict[int, tuple[str, str]] | None = None
               ) -> list[tuple[str, str, bool]]:
    """Links to the numbered pages, newest first, each labelled with the dates it covers."""
    pages = page_count(total)
    if total <= PAGE_SIZE:
        return []
    numbers = list(range(pages, max(0, pages - HEAD_PAGES), -1))
    if 1 not in numbers:
        numbers.append(1)
    if ranges:
        return [(range_label(ranges.get(n), n), page_path(key, n), False) for n in numbers]
    label = i18n.gettext_for(lang)("第 %(n)s 页")
    return [(label % {"n": n}, page_path(key, n), False) for n in numbers]


def is_person_list(ctx: Ctx, key: str) -> bool:
    """Whether ``key`` is the list (or feed) of a party taken for a natural person: no pages, no feed."""
    if not key.startswith(("party:", "pfeed:")):
        return False
    party_id = key.split(":", 1)[1]
    return party_id in reader.person_parties(ctx.conn, [party_id])


def render_numbered(ctx: Ctx, key: str, page: int, template: str = "listing.html") -> None:
    if is_person_list(ctx, key):
        return
    total = count(ctx, key)
    pages = page_count(total)
    ids = [r[0] for r in ctx.state.execute(
        "SELECT item_id FROM items WHERE list_key = ? ORDER BY sort_key, item_id LIMIT ? OFFSET ?",
        (key, PAGE_SIZE, (page - 1) * PAGE_SIZE))]
    rows = list(reversed(entries(ctx, key, ids)))
    rel = page_path(key, page)
    ranges = page_ranges(ctx, key)

    def make(lang: str) -> dict[str, Any]:
        gettext = i18n.gettext_for(lang)
        # newest first, as the head page: the latest entries, then newer, this page, older
        pager = [(gettext("最新"), head_path(key), False)]
        if page < pages:  # only its oldest date: the newest page still grows
            pager.append(("← " + gettext("较新（%(d)s 起）") % {"d": ranges[page + 1][0]}, page_path(key, page + 1), False))
        pager.append((range_label(ranges.get(page), page), rel, True))
        if page > 1:
            pager.append((range_label(ranges.get(page - 1), page - 1) + " →", page_path(key, page - 1), False))
        title = list_title(ctx, key, lang)
        return {"heading": title, "page": page, "page_size": PAGE_SIZE, "entries": rows, "pager": pager,
                "entry_type": "project" if key.startswith("party:") else "notice", "span": ranges.get(page),
                "crumbs": [(title, head_path(key))], "total": total, "as_of": "", "feed": None,
                "facet_groups": [], "search": None}

    ctx.page(template, rel, make)


SEARCH = "../-/search"  # the search server beside the site (gongkai serve mounts the site at /site/): site-relative
FILTER_LIMIT = 200  # projects on a static filter page; the search lists all of them


def search_url(**args: str | int) -> str:
    return SEARCH + "?" + urlencode(sorted((k, str(v)) for k, v in args.items()))


def search_links(key: str, lang: str) -> list[tuple[str, str]]:
    """Searches narrowing a list (no words needed): largest amounts first, newest first."""
    gettext = i18n.gettext_for(lang)
    parts = key.split(":")
    args: dict[str, str | int] = {}
    if parts[0] == "kind":
        args["kind"] = parts[1]
        if len(parts) == 4:
            args["year" if parts[2] == "year" else "region"] = parts[3]
    elif parts[0] == "region":
        args["region"] = parts[1]
    else:
        return []
    return [(gettext("按金额从大到小"), search_url(**args, sort="amount", doctype="project")),
            (gettext("按日期从新到旧"), search_url(**args, sort="date", doctype="project"))]


KIND_METHODS: dict[Kind, tuple[str, ...]] = {
    Kind.land: LAND_SUPPLY_METHODS, Kind.mining: MINING_METHODS, Kind.procurement: PROCUREMENT_METHODS,
    Kind.state_asset: STATE_ASSET_METHODS, Kind.tender: TENDER_METHODS}


def filter_path(kind: str, facet: str, value: str) -> str:
    return f"{paths.slug(kind)}/{facet}-{paths.slug(value)}.html"


def _filter_counts(ctx: Ctx, kind: Kind) -> list[tuple[str, str, dict[str, int]]]:
    """Per facet of an area (stage, method): (facet, column, {value: projects}) with every codelist value,
    those present first (most projects first), then the others with 0."""
    table, method_col = reader.project_table(kind), reader.METHOD_COLUMN[kind]
    out = []
    for facet, col in (("stage", "p.status"), ("method", f"k.{method_col}")):
        present = ctx.conn.execute(f"SELECT {col}, count(*) FROM projects p JOIN {table} k USING (project_id)"  # noqa: S608
                                   f" WHERE {col} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
        # a page for every codelist value, present or not: a value that disappears (a correction)
        # leaves an empty page, never a stale one, and full and incremental builds agree
        known = [st.value for st in ProjectStatus] if facet == "stage" else list(KIND_METHODS[kind])
        counts = dict(present)
        for value in known:
            counts.setdefault(value, 0)
        out.append((facet, col, counts))
    return out


def filter_links(ctx: Ctx, kind_value: str) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """The (value, path, count) of an area's filter pages that list projects: stages, then methods."""
    stages, methods = ([(v, filter_path(kind_value, facet, v), n) for v, n in counts.items() if n]
                       for facet, _col, counts in _filter_counts(ctx, Kind(kind_value)))
    return stages, methods


def render_filters(ctx: Ctx, kind_value: str) -> None:
    """The static filter pages of an area: one per stage (project status) and per method, each listing
    the newest :data:`FILTER_LIMIT` matching projects. A job of its own (``("filters", kind)``): an
    incremental build runs it only for the areas of the projects that changed (the area's head page,
    rendered by every build for its totals and time, only counts them: :func:`filter_links`)."""
    kind = Kind(kind_value)
    table = reader.project_table(kind)
    for facet, col, counts in _filter_counts(ctx, kind):
        for value, n in counts.items():
            ids = [r[0] for r in ctx.conn.execute(
                f"SELECT project_id FROM projects p JOIN {table} k USING (project_id) WHERE {col} = ?"  # noqa: S608
                " ORDER BY p.first_published_at DESC, p.project_id DESC LIMIT ?", (value, FILTER_LIMIT))]
            summaries = reader.project_summaries(ctx.conn, ids)
            rows = with_facts(ctx, [{**summaries[i], "href": paths.project(i)} for i in ids if i in summaries])
            rel = filter_path(kind_value, facet, value)
            search = {"kind": kind_value, ("stage" if facet == "stage" else "method"): value}

            def make(lang: str, value: str = value, rows: list[dict[str, Any]] = rows, n: int = n,
                     facet: str = facet, search: dict[str, str] = search) -> dict[str, Any]:
                gettext = i18n.gettext_for(lang)
                label = i18n.status_label(value, lang) if facet == "stage" else i18n.choice_label(value, lang)
                area = i18n.kind_label(kind_value, lang)
                return {"heading": f"{area} · {label}", "page": 0, "page_size": FILTER_LIMIT, "entries": rows,
                        "pager": [], "entry_type": "project", "crumbs": [(area, head_path(f"kind:{kind_value}"))],
                        "total": n, "as_of": "", "feed": None, "facet_groups": [], "span": None,
                        "search": [(gettext("按金额从大到小"), search_url(**search, sort="amount", doctype="project")),
                                   (gettext("按日期从新到旧"), search_url(**search, sort="date", doctype="project"))]}

            ctx.page("listing.html", rel, make)


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
    ranges = page_ranges(ctx, key) if total > PAGE_SIZE else {}
    stages, methods = filter_links(ctx, parts[1]) if len(parts) == 2 else ([], [])
    flagged = reader.flagged_counts(ctx.conn).get(parts[1], 0) if len(parts) == 2 else None

    def make(lang: str) -> dict[str, Any]:
        gettext = i18n.gettext_for(lang)
        groups = []
        if sub:
            years = sorted(((k.split(":")[3], head_path(k), n) for k, n in sub if ":year:" in k), reverse=True)
            provs = sorted(((region_name(k.split(":")[3]), head_path(k), n) for k, n in sub if ":prov:" in k),
                           key=lambda x: x[1])
            groups = [(gettext("按年度"), years), (gettext("按省份"), provs)]
        crumbs = [(i18n.kind_label(parts[1], lang), head_path(f"kind:{parts[1]}"))] if len(parts) > 2 else []
        if len(parts) == 2:
            groups += [(gettext("按阶段"), [(i18n.status_label(st, lang), p, n) for st, p, n in stages]),
                       (gettext("按方式"), [(i18n.choice_label(m, lang), p, n) for m, p, n in methods])]
        return {"heading": list_title(ctx, key, lang), "page": 0, "page_size": PAGE_SIZE, "entries": rows,
                "search": search_links(key, lang), "span": None,
                "pager": head_pager(key, total, lang, ranges), "entry_type": "notice", "crumbs": crumbs, "total": total,
                "as_of": ctx.as_of if len(parts) == 2 else "", "feed": feed, "facet_groups": groups,
                "flags": (flags_path(parts[1]), flagged) if flagged is not None else None}

    ctx.page("listing.html", head_path(key), make, feeds=[(list_title(ctx, key, "zh"), *feed)] if feed else None)
