"""Home, statistics, downloads, about, search and 404 pages, and the regions index."""

from __future__ import annotations

from typing import Any

from models.codelists import Kind
from publish.site import i18n, reader, text
from publish.site.charts import bar_chart
from publish.site.pages.context import Ctx
from publish.site.pages.listings import entries, head_path, newest, region_name
from store import paths

HOME_LATEST = 5


def _breakdown(ctx: Ctx) -> list[tuple]:
    return ctx.once("breakdown", lambda: reader.current_breakdown(ctx.conn))


def render_home(ctx: Ctx) -> None:
    counts = reader.counts(ctx.conn, _breakdown(ctx))
    fresh = ctx.once("freshness", lambda: reader.freshness(ctx.conn))
    areas = []
    for kind in Kind:
        key = f"kind:{kind.value}"
        areas.append({"kind": kind.value, "href": head_path(key), "projects": counts["by_kind"].get(kind.value, 0),
                      "latest": entries(ctx, key, newest(ctx, key, HOME_LATEST))})

    def make(lang: str) -> dict[str, Any]:
        return {"counts": counts, "freshness": fresh, "areas": areas, "as_of": ctx.as_of}

    ctx.page("home.html", paths.home(), make, feeds=[("公开 Gongkai", "atom.xml", "rss.xml")])


def render_stats(ctx: Ctx) -> None:
    s = reader.stats(ctx.conn, _breakdown(ctx))

    def make(lang: str) -> dict[str, Any]:
        gettext = i18n.gettext_for(lang)
        charts = []
        by_kind: dict[str, int] = {}
        for _month, kind, n in s["by_month"]:
            by_kind[kind] = by_kind.get(kind, 0) + n
        kinds = [k.value for k in Kind if k.value in by_kind]
        labels = [i18n.kind_label(k, lang) for k in kinds]
        charts.append(bar_chart(gettext("各领域现行公告数"), [gettext("领域"), gettext("公告数")], labels,
                                [by_kind[k] for k in kinds], [text.number(by_kind[k]) for k in kinds]))
        months: dict[str, int] = {}
        for month, _kind, n in s["by_month"]:
            months[month] = months.get(month, 0) + n
        recent = sorted(months)[-24:]
        charts.append(bar_chart(gettext("每月发布的公告数（最近 24 个月）"), [gettext("月份"), gettext("公告数")], recent,
                                [months[m] for m in recent], [text.number(months[m]) for m in recent]))
        types = s["by_type"]
        charts.append(bar_chart(gettext("按公告类型"), [gettext("类型"), gettext("公告数")],
                                [i18n.notice_type_label(t, lang) for t, _n in types], [n for _t, n in types],
                                [text.number(n) for _t, n in types]))
        status = s["by_status"]
        charts.append(bar_chart(gettext("项目状态"), [gettext("状态"), gettext("项目数")],
                                [i18n.status_label(t, lang) for t, _n in status], [n for _t, n in status],
                                [text.number(n) for _t, n in status]))
        provs = s["by_province"]
        charts.append(bar_chart(gettext("各省份现行公告数"), [gettext("省份"), gettext("公告数")],
                                [region_name(c) if c else gettext("未知") for c, _n in provs], [n for _c, n in provs],
                                [text.number(n) for _c, n in provs]))
        for kind in kinds:
            rows = [a for a in s["amounts"] if a["kind"] == kind and a["awarded"]]
            if rows:
                charts.append(bar_chart(
                    gettext("%(kind)s：每年成交（中标）金额") % {"kind": i18n.kind_label(kind, lang)},
                    [gettext("年度"), gettext("金额")], [str(a["year"]) for a in rows],
                    [a["total_fen"] for a in rows], [text.money_short(a["total_fen"], lang, fen=True) for a in rows],
                    [text.money(a["total_fen"], lang, fen=True) for a in rows]))
        return {"charts": charts, "as_of": ctx.as_of}

    ctx.page("stats.html", paths.static_page("stats"), make)


def render_static(ctx: Ctx) -> None:
    """About, search, downloads and 404: pages that do not depend on single records."""
    fresh = ctx.once("freshness", lambda: reader.freshness(ctx.conn))
    ctx.page("about.html", paths.static_page("about"), lambda lang: {"freshness": fresh})
    provs = [(c, region_name(c)) for (c,) in ctx.conn.execute(
        "SELECT DISTINCT province_code FROM projects WHERE province_code IS NOT NULL ORDER BY 1")]
    ctx.page("search.html", paths.static_page("search"),
             lambda lang: {"kinds": [k.value for k in Kind], "provinces": provs})
    ctx.page("downloads.html", paths.static_page("downloads"),
             lambda lang: {"files": ctx.downloads, "as_of": ctx.as_of})
    ctx.page("404.html", "404.html", lambda lang: {})
