"""Red flags on the site (issue 10): the panel of a project page, the 风险提示 list of each area, the
feeds of newly flagged projects (all, per area, per province), the counts of party and region pages
and the indicator table of the about page.

A flag is a reason to look, not a finding: every place that shows one says why, in the sentence the
indicator wrote with the values it used (``flags.why_zh`` / ``why_en``); ``used_values`` is JSON for
Datasette and never shown. Indicators are named in words, with their code beside the name.

Paths: ``<area>/flags.html`` (the list), ``<area>/flags-atom.xml`` and ``-rss.xml``; the feed of
every area ``flags-atom.xml`` at the root; a province's ``region/<code>/flags-atom.xml``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from models.codelists import Kind
from models.indicators import REGISTRY, STATUS_LABELS, Indicator, Status, load_thresholds
from publish.site import feeds, i18n, reader, text
from publish.site.lists import region_chain
from publish.site.pages.context import Ctx
from publish.site.pages.listings import flags_path, head_path, region_name
from store import paths

FLAG_LIST_LIMIT = 500  # projects on an area's 风险提示 page (newest flag first); Datasette's flags table has all
FLAG_FEED_SIZE = 50
PARTY_FLAGGED = 50  # flagged projects listed on a party page
# The panel's order: what deserves a look, what could not be checked, what was checked.
PANEL_ORDER = (Status.flagged, Status.insufficient_data, Status.clear, Status.not_applicable)

# Thresholds in words (models.indicators declares them by key): label, and how the value reads.
THRESHOLD_LABELS: dict[str, tuple[str, str]] = {
    "min_days": (i18n.N_("最短期限（日）"), "days"),
    "min_working_days": (i18n.N_("最短期限（工作日）"), "days"),
    "max_days": (i18n.N_("最长期限（日）"), "days"),
    "window_days": (i18n.N_("统计区间（日）"), "days"),
    "min_awards": (i18n.N_("最少授予次数"), "count"),
    "min_comparables": (i18n.N_("最少可比地块数"), "count"),
    "min_share": (i18n.N_("不低于（比例）"), "share"),
    "max_share": (i18n.N_("不高于（比例）"), "share"),
    "max_premium": (i18n.N_("溢价低于"), "share"),
    "max_gap": (i18n.N_("与限价之差低于"), "share"),
    "max_spread": (i18n.N_("报价相差低于"), "share"),
    "max_increase": (i18n.N_("允许增加（比例）"), "share"),
    "open_threshold": (i18n.N_("公开招标数额标准"), "money"),
}
_LAYERS = {"kind": i18n.N_("领域"), "method": i18n.N_("方式"), "province": i18n.N_("省份")}


def flag_feed_paths(scope: str) -> tuple[str, str]:
    """(Atom, RSS) of a flag feed: ``all``, ``kind:<kind>`` or ``region:<province code>``."""
    what, _sep, rest = scope.partition(":")
    base = {"all": "", "kind": f"{paths.slug(rest)}/", "region": f"region/{paths.slug(rest)}/"}[what]
    return f"{base}flags-atom.xml", f"{base}flags-rss.xml"


def name(ind: Indicator | None, code: str, lang: str) -> str:
    """``单一来源… (P-SINGLE)``: the name a reader reads, the code beside it."""
    if ind is None:
        return code
    return f"{ind.name_en} ({code})" if lang == "en" else f"{ind.name_zh}（{code}）"


def status_label(status: str, lang: str) -> str:
    try:
        zh, en = STATUS_LABELS[Status(status)]
    except ValueError:
        return status
    return en if lang == "en" else zh


# -- the project page's panel -------------------------------------------------------------------------

def panel(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """A project's results grouped by status (flagged first, not applicable last), each with the
    indicator's name, the sentence in ``lang``, and the rule (definition, basis, thresholds)."""
    groups: list[dict[str, Any]] = []
    for status in PANEL_ORDER:
        items = []
        for r in rows:
            if r["status"] != status.value:
                continue
            ind = REGISTRY.get(r["indicator"])
            items.append({
                "code": r["indicator"], "name": name(ind, r["indicator"], lang),
                "why": r["why_en"] if lang == "en" else r["why_zh"], "since": r["since"],
                "definition": (ind.definition_en if lang == "en" else ind.definition_zh) if ind else "",
                "basis": ind.basis if ind else "", "thresholds": thresholds_text(ind, lang) if ind else ""})
        if items:
            groups.append({"status": status.value, "label": status_label(status.value, lang), "rows": items})
    return groups


def summary(rows: list[dict[str, Any]], lang: str) -> dict[str, Any] | None:
    """The line a notice page shows about its project's red flags: the flagged indicators by name
    (words only: no code), or the number checked and the number that lacked data when none is
    flagged; None when the project has no results (a store from before the flags, or not computed)."""
    if not rows:
        return None
    gettext = i18n.gettext_for(lang)
    count = {s: sum(r["status"] == s.value for r in rows) for s in Status}
    names = []
    for r in rows:
        if r["status"] == Status.flagged.value:
            ind = REGISTRY.get(r["indicator"])  # an indicator no longer declared: said in words all the same
            names.append((ind.name_en if lang == "en" else ind.name_zh) if ind else gettext("其他指标"))
    # keys that are no dict method's name: a template reads ``fs.clear`` as dict.clear
    return {"n_flagged": len(names), "names": names, "n_clear": count[Status.clear],
            "n_insufficient": count[Status.insufficient_data]}


# -- thresholds and the about page's table ------------------------------------------------------------

def threshold_value(key: str, value: Decimal, lang: str) -> str:
    how = THRESHOLD_LABELS.get(key, ("", "count"))[1]
    if how == "share":
        return f"{text.number((value * 100).normalize())}%"
    if how == "money":
        return text.money(value, lang)
    return text.number(value.normalize())


def _pairs(values: Iterable[tuple[str, Any]], lang: str) -> str:
    gettext = i18n.gettext_for(lang)
    sep = ", " if lang == "en" else "，"
    return sep.join(f"{gettext(THRESHOLD_LABELS[k][0]) if k in THRESHOLD_LABELS else k} "
                    f"{threshold_value(k, Decimal(str(v)), lang)}" for k, v in values)


def thresholds_text(ind: Indicator, lang: str) -> str:
    """The default thresholds in words, then the overrides of the thresholds file (per area, method, province)."""
    gettext = i18n.gettext_for(lang)
    parts = [_pairs(sorted(ind.thresholds.items()), lang)] if ind.thresholds else []
    section = load_thresholds().table.get(ind.code, {})
    for layer, label in _LAYERS.items():
        for value, over in sorted(section.get(layer, {}).items()):
            shown = i18n.kind_label(value, lang) if layer == "kind" else region_name(f"{value}0000") \
                if layer == "province" else i18n.choice_label(value, lang)
            said = _pairs(sorted((k, v) for k, v in over.items() if not isinstance(v, dict)), lang)
            if said:
                parts.append(f"{gettext(label)} {shown}: {said}" if lang == "en" else f"{gettext(label)}“{shown}”：{said}")
    return ("; " if lang == "en" else "；").join(p for p in parts if p)


def indicator_table(lang: str) -> list[dict[str, str]]:
    """Every declared indicator (REGISTRY, in code order) for the about page."""
    out = []
    for code, ind in sorted(REGISTRY.items()):
        out.append({"code": code, "name": ind.name_en if lang == "en" else ind.name_zh,
                    "kinds": "、".join(i18n.kind_label(k.value, lang) for k in ind.kinds) if lang != "en"
                    else ", ".join(i18n.kind_label(k.value, lang) for k in ind.kinds),
                    "definition": ind.definition_en if lang == "en" else ind.definition_zh,
                    "basis": ind.basis, "thresholds": thresholds_text(ind, lang)})
    return out


# -- lists, counts and feeds --------------------------------------------------------------------------

def entries(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Flagged projects for a list: link, title, area, region, the time the newest flag appeared, and
    each flagged indicator's name and sentence."""
    return [{**r, "href": paths.project(r["project_id"]),
             "reasons": [{"name": name(REGISTRY.get(f["indicator"]), f["indicator"], lang),
                          "why": f["why_en"] if lang == "en" else f["why_zh"]} for f in r["flags"]]}
            for r in rows]


def area_counts(ctx: Ctx) -> dict[str, int]:
    """Projects with a flagged indicator, per area."""
    return ctx.once("flag_area_counts", lambda: reader.flagged_counts(ctx.conn))


def region_counts(ctx: Ctx, code: str) -> list[tuple[str, int]]:
    """(area, projects with a flagged indicator) of the projects within region ``code`` (any level)."""
    rows = ctx.once("flag_region_counts", lambda: reader.flag_region_counts(ctx.conn))
    out: dict[str, int] = {}
    for kind, region, province, n in rows:
        if code in region_chain(region, province):
            out[kind] = out.get(kind, 0) + n
    return [(k.value, out[k.value]) for k in Kind if out.get(k.value)]


def party_panel(ctx: Ctx, party_id: str) -> dict[str, Any]:
    counts = reader.party_flag_counts(ctx.conn, party_id)
    pids = [r[0] for r in ctx.conn.execute(
        "SELECT DISTINCT project_id FROM project_parties WHERE party_id = ?", (party_id,))] if counts["any"] else []
    rows = reader.flagged_projects(ctx.conn, project_ids=pids, limit=PARTY_FLAGGED) if pids else []
    return {"counts": counts, "rows": rows}


def render_flags(ctx: Ctx, scope: str) -> None:
    """A flag job: ``kind:<kind>`` (the area's 风险提示 page and feeds), ``all`` or ``region:<province>`` (feeds)."""
    what, _sep, rest = scope.partition(":")
    if what == "kind":
        rows = reader.flagged_projects(ctx.conn, kind=rest, limit=FLAG_LIST_LIMIT)
        total = area_counts(ctx).get(rest, 0)
        rel = flags_path(rest)
        feed = flag_feed_paths(scope)

        def make(lang: str) -> dict[str, Any]:
            area = i18n.kind_label(rest, lang)
            return {"area": area, "area_href": head_path(f"kind:{rest}"), "entries": entries(rows, lang),
                    "total": total, "limit": FLAG_LIST_LIMIT, "feed": feed}

        ctx.page("flags.html", rel, make, feeds=[(f"{i18n.kind_label(rest, 'zh')} · 风险提示", *feed)])
        title = f"{i18n.kind_label(rest, 'zh')} · 风险提示"
        page_rel = rel
    elif what == "region":
        rows = reader.flagged_projects(ctx.conn, province_code=rest, limit=FLAG_FEED_SIZE)
        title, page_rel = f"{region_name(rest)} · 风险提示", head_path(scope)
    else:
        rows = reader.flagged_projects(ctx.conn, limit=FLAG_FEED_SIZE)
        title, page_rel = "风险提示", paths.home()
    atom, rss = flag_feed_paths(scope)
    built = feeds.build_flag_feed(rows[:FLAG_FEED_SIZE], title=f"{title} · 公开 Gongkai", site_url=ctx.site_url,
                                  feed_rel=atom, page_rel=page_rel, as_of=ctx.as_of)
    ctx.writer.write(atom, built[0])
    ctx.writer.write(rss, built[1])


def flag_jobs(conn: sqlite3.Connection, project_ids: list[str] | None) -> list[tuple]:
    """The flag jobs a build runs: every one (``project_ids`` None: a full build), or those the given
    projects reach (their area's list and feed, their province's feed, the feed of all)."""
    if project_ids is None:
        kinds = [k.value for k in Kind]
        provs = [r[0] for r in conn.execute(
            "SELECT DISTINCT province_code FROM projects WHERE province_code IS NOT NULL ORDER BY 1")]
    else:
        kinds_s: set[str] = set()
        provs_s: set[str] = set()
        found = 0
        for i in range(0, len(project_ids), 500):
            chunk = project_ids[i:i + 500]
            for kind, prov in conn.execute(
                    f"SELECT kind, province_code FROM projects WHERE project_id IN ({','.join('?' * len(chunk))})",  # noqa: S608
                    chunk):
                found += 1
                kinds_s.add(kind)
                if prov:
                    provs_s.add(prov)
        if found < len(project_ids):  # a deleted project: which lists held it is unknown, redo all
            return flag_jobs(conn, None)
        kinds, provs = sorted(kinds_s), sorted(provs_s)
    return [("flags", "all"), *(("flags", f"kind:{k}") for k in kinds), *(("flags", f"region:{p}") for p in provs)]



def incremental_jobs(conn: sqlite3.Connection, project_ids: list[str], flag_changed: list[str]) -> list[tuple]:
    """The jobs an incremental build adds for red flags: the flag lists and feeds of the changed projects
    that are flagged (their title or region may have changed) or whose flags changed, and the party and
    region pages whose counts those flag changes move (a flag change does not recompile the project,
    so the lists' own signatures do not see it)."""
    related = set(flag_changed)
    if not reader.has_flags(conn):
        return []
    for i in range(0, len(project_ids), 500):
        chunk = project_ids[i:i + 500]
        related.update(r[0] for r in conn.execute(
            "SELECT DISTINCT project_id FROM flags WHERE status = 'flagged'"  # noqa: S608
            f" AND project_id IN ({','.join('?' * len(chunk))})", chunk))
    if not related:
        return []
    jobs = flag_jobs(conn, sorted(related))
    for i in range(0, len(flag_changed), 500):
        chunk = flag_changed[i:i + 500]
        marks = ",".join("?" * len(chunk))
        jobs += [("party", p) for (p,) in conn.execute(
            f"SELECT DISTINCT party_id FROM project_parties WHERE project_id IN ({marks}) ORDER BY 1", chunk)]  # noqa: S608
        for region, province in conn.execute(
                f"SELECT DISTINCT region_code, province_code FROM projects WHERE project_id IN ({marks})", chunk):  # noqa: S608
            jobs += [("region", c) for c in region_chain(region, province)]
    return list(dict.fromkeys(jobs))
