"""Party pages (totals by year and area, top counterparts, projects, feed) and region pages."""

from __future__ import annotations

from typing import Any

from models.codelists import Kind, NoticeType
from models.normalize.regions import children, provinces, region_by_code
from publish.site import i18n, reader, text
from publish.site.charts import bar_chart
from publish.site.lists import PAGE_SIZE
from publish.site.pages import flags as flagpages
from publish.site.pages.context import Ctx, party_href
from publish.site.pages.listings import (
    amount,
    count,
    entries,
    feed_paths,
    head_pager,
    head_path,
    newest,
    page_ranges,
    region_name,
    search_links,
)


def render_party(ctx: Ctx, party_id: str) -> None:
    if party_id in reader.person_parties(ctx.conn, [party_id]):
        return  # a natural person has no page: the policy shows them on their projects' pages only
    party = reader.party(ctx.conn, party_id)
    if party is None:
        return
    key = f"party:{party_id}"
    total = count(ctx, key)
    rows = entries(ctx, key, newest(ctx, key))
    feed = feed_paths(f"pfeed:{party_id}")
    assert feed is not None
    for c in party["counterparts"]:
        c["href"] = party_href(c["party_id"], c["person"])
    ranges = page_ranges(ctx, key) if total > PAGE_SIZE else {}
    spend = reader.spending(ctx.conn, party_id)
    flagged = flagpages.party_panel(ctx, party_id)
    if spend is not None:
        for sup in spend["suppliers"]:
            sup["href"] = party_href(sup["party_id"], sup["person"])

    def make(lang: str) -> dict[str, Any]:
        gettext = i18n.gettext_for(lang)
        charts = []
        if spend is not None:
            years = [r for r in spend["by_year"] if r["with_amount"]]
            if years:
                charts.append(bar_chart(gettext("每年支出（项目金额合计）"), [gettext("年度"), gettext("金额")],
                                        [str(r["year"]) for r in years], [r["amount_fen"] for r in years],
                                        [text.money_short(r["amount_fen"], lang, fen=True) for r in years],
                                        [text.money(r["amount_fen"], lang, fen=True) for r in years]))
        return {"party": party, "entries": rows, "total": total, "pager": head_pager(key, total, lang, ranges),
                "feed": feed, "spend": spend, "spend_charts": charts, "amount": amount,
                "flagged": {"counts": flagged["counts"], "entries": flagpages.entries(flagged["rows"], lang)}}

    ctx.page("party.html", head_path(key), make, feeds=[(party["name"], *feed)])


def _facets(ctx: Ctx, key: str) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for facet, n in ctx.state.execute("SELECT facet, count(*) FROM items WHERE list_key = ? AND rev = 'c'"
                                      " GROUP BY facet", (key,)):
        kind, ntype, _rev = facet.split("|")
        out[(kind, ntype)] = n
    return out


def render_region(ctx: Ctx, code: str) -> None:
    key = f"region:{code}"
    total = count(ctx, key)
    if not total:
        return
    region = region_by_code(code)
    facets = _facets(ctx, key)
    types = [t.value for t in NoticeType if any(k[1] == t.value for k in facets)]
    totals = []
    for kind in Kind:
        row = [facets.get((kind.value, t), 0) for t in types]
        if sum(row):
            totals.append((kind.value, row, sum(row)))
    child_keys = []
    if region is not None and region.level != "county":
        child_keys = [(c.name, f"region:{c.code}") for c in children(code)]
    child_counts = []
    for name, ck in child_keys:
        n = count(ctx, ck)
        if n:
            child_counts.append((name, head_path(ck), n))
    crumbs = []
    if region is not None:
        for c in (region.province_code, region.prefecture_code):
            if c and c != code:
                crumbs.append((region_name(c), head_path(f"region:{c}")))
    rows = entries(ctx, key, newest(ctx, key))
    feed = feed_paths(key)
    ranges = page_ranges(ctx, key) if total > PAGE_SIZE else {}
    info = {"code": code, "name": region.full_name if region else code}
    flag_counts = [(kind, n, flagpages.flags_path(kind)) for kind, n in flagpages.region_counts(ctx, code)]
    flag_feed = flagpages.flag_feed_paths(key) if flag_counts and region is not None and region.level == "province" \
        else None

    def make(lang: str) -> dict[str, Any]:
        return {"region": info, "types": types, "totals": totals, "children": child_counts, "crumbs": crumbs,
                "entries": rows, "total": total, "pager": head_pager(key, total, lang, ranges), "feed": feed,
                "search": search_links(key, lang), "flag_counts": flag_counts, "flag_feed": flag_feed}

    ctx.page("region.html", head_path(key), make, feeds=[(info["name"], *feed)] if feed else None)


def render_regions_index(ctx: Ctx) -> None:
    provs = []
    for r in provinces():
        n = count(ctx, f"region:{r.code}")
        if n:
            provs.append((r.name, head_path(f"region:{r.code}"), n))
    ctx.page("regions.html", "region/index.html", lambda lang: {"provinces": provs})


def party_ids(ctx: Ctx) -> list[str]:
    return [r[0] for r in ctx.state.execute("SELECT DISTINCT substr(list_key, 7) FROM items"
                                            " WHERE list_key > 'party:' AND list_key < 'party;' ORDER BY 1")]
