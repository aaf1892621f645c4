"""Home, statistics, downloads, about, search and 404 pages, and the regions index."""

from __future__ import annotations

from typing import Any

from models.codelists import Kind
from models.privacy import PLACEHOLDER, Policy
from publish import checkpoint
from publish.site import i18n, reader, text
from publish.site.charts import bar_chart
from publish.site.pages import flags as flagpages
from publish.site.pages.context import Ctx
from publish.site.pages.listings import entries, head_path, newest, region_name
from store import paths, privacy

HOME_LATEST = 5
# The roles the privacy policy names that are not party roles (i18n.ROLE_LABELS): people by their role.
PERSON_ROLE_LABELS = {"expert": i18n.N_("评标专家"), "project_manager": i18n.N_("项目负责人")}
POLICY_WORDS = {
    Policy.publish: i18n.N_("按公告原文公开姓名"),
    Policy.mask: i18n.N_("只显示姓氏，其余每个字显示为一个星号（如 陈**）"),
    Policy.omit: i18n.N_("不显示姓名，以“%(placeholder)s”代替"),
}


def _breakdown(ctx: Ctx) -> list[tuple]:
    return ctx.once("breakdown", lambda: reader.current_breakdown(ctx.conn))


def render_home(ctx: Ctx) -> None:
    counts = reader.counts(ctx.conn, _breakdown(ctx))
    fresh = ctx.once("freshness", lambda: reader.freshness(ctx.conn))
    flagged = flagpages.area_counts(ctx)
    areas = []
    for kind in Kind:
        key = f"kind:{kind.value}"
        areas.append({"kind": kind.value, "href": head_path(key), "projects": counts["by_kind"].get(kind.value, 0),
                      "latest": entries(ctx, key, newest(ctx, key, HOME_LATEST)),
                      "flags": (flagpages.flags_path(kind.value), flagged.get(kind.value, 0))})

    def make(lang: str) -> dict[str, Any]:
        return {"counts": counts, "freshness": fresh, "areas": areas, "as_of": ctx.as_of,
                "flag_feed": flagpages.flag_feed_paths("all")}

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


def policy_words(rule: Policy, lang: str) -> str:
    return i18n.gettext_for(lang)(POLICY_WORDS[rule]) % {"placeholder": PLACEHOLDER[1 if lang == "en" else 0]}


def privacy_rows(lang: str) -> list[tuple[str, str]]:
    """The loaded privacy policy (a deployment's ``GONGKAI_PRIVACY`` or the packaged one) in words:
    (who, what the site shows of them) per role, per role and area, then everyone else."""
    gettext = i18n.gettext_for(lang)
    rules = privacy.policy()

    def role(name: str) -> str:
        return gettext(PERSON_ROLE_LABELS[name]) if name in PERSON_ROLE_LABELS else i18n.role_label(name, lang)

    rows = [(role(name), policy_words(rule, lang)) for name, rule in rules.roles.items()]
    rows += [(f"{role(name)} · {i18n.kind_label(area, lang)}", policy_words(rule, lang))
             for (name, area), rule in rules.areas.items()]
    rows.append((gettext("其他角色的个人"), policy_words(rules.default, lang)))
    return rows


def render_static(ctx: Ctx) -> None:
    """About, search, downloads and 404: pages that do not depend on single records."""
    fresh = ctx.once("freshness", lambda: reader.freshness(ctx.conn))
    ctx.page("about.html", paths.static_page("about"),
             lambda lang: {"freshness": fresh, "indicators": flagpages.indicator_table(lang),
                           "log_key": checkpoint.public_key(ctx.conn), "privacy": privacy_rows(lang)})
    provs = [(c, region_name(c)) for (c,) in ctx.conn.execute(
        "SELECT DISTINCT province_code FROM projects WHERE province_code IS NOT NULL ORDER BY 1")]
    ctx.page("search.html", paths.static_page("search"),
             lambda lang: {"kinds": [k.value for k in Kind], "provinces": provs})
    ctx.page("downloads.html", paths.static_page("downloads"),
             lambda lang: {"files": ctx.downloads, "as_of": ctx.as_of})
    ctx.page("404.html", "404.html", lambda lang: {})
