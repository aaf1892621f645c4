"""Project pages (compiled state, timeline, changes, provenance, parties) and notice-version pages."""

from __future__ import annotations

from typing import Any

from models.codelists import Kind
from models.fields import FieldSpec, ValueKind, specs_of
from models.kinds import AREA_MODELS
from publish.site import i18n, reader, text
from publish.site.pages import flags as flagpages
from publish.site.pages.context import Ctx, party_href
from store import paths

# Paragraphs of a notice's page text shown on its page (the whole text is in the downloads and Datasette).
TEXT_PARAGRAPHS = 2000
_COMMON = ("title", "publisher", "published_at", "region_name", "project_no", "project_name", "notice_no",
           "original_url", "body")
_COMMON_LABELS = {
    "title": i18n.N_("标题"), "publisher": i18n.N_("发布单位"), "published_at": i18n.N_("发布时间"),
    "region_name": i18n.N_("地区"), "project_no": i18n.N_("项目编号"), "project_name": i18n.N_("项目名称"),
    "notice_no": i18n.N_("公告编号"), "original_url": i18n.N_("原文链接"), "body": i18n.N_("正文"),
}


def _specs(kind: str) -> dict[str, FieldSpec]:
    try:
        return specs_of(AREA_MODELS[Kind(kind)])
    except (ValueError, KeyError):
        return {}


def display(spec: FieldSpec | None, value: Any, lang: str, currency: str | None = None) -> str:
    """A field value for people: exact money (in ``currency`` when not the yuan), areas in m², times in
    Beijing time, codelist values in ``lang``, every other quantity with its unit (``50 年``, ``180 日历天``)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return lots_text(value, lang, currency)
    if isinstance(value, dict):
        return lots_text([value], lang, currency)
    kind = spec.value if spec else None
    if kind is ValueKind.money:
        return text.money(value, lang, currency=currency)
    if kind is ValueKind.area:
        return f"{text.number(value)} {'m²' if lang == 'en' else '平方米'}"
    if kind is ValueKind.percent:
        return f"{text.clean(value)}%"
    if kind in (ValueKind.date, ValueKind.datetime):
        return text.date(value)
    if kind is ValueKind.choice:
        return text.clean(i18n.choice_label(str(value), lang))
    if spec is not None and spec.unit and kind in (ValueKind.term_years, ValueKind.duration_days, ValueKind.integer,
                                                   ValueKind.decimal):
        return f"{text.number(value)} {i18n.unit_label(spec.unit, lang)}"
    return text.clean(value)


def rank_text(rank: Any, lang: str) -> str:
    """``2`` → ``第 2 名`` (``No. 2``); no rank: empty."""
    return i18n.gettext_for(lang)(i18n.N_("第 %(n)s 名")) % {"n": rank} if rank else ""


def _award_cells(award: dict[str, Any], lang: str, currency: str | None) -> dict[str, str]:
    days = award.get("duration_days")
    return {
        "rank": rank_text(award.get("rank"), lang),
        "name": text.clean(award.get("name")),
        "uscc": text.clean(award.get("uscc")),
        "amount": text.money(award.get("amount"), lang, currency=currency),
        "offer": text.clean(award.get("offer")),
        "project_manager": text.clean(award.get("project_manager")),
        "duration_days": f"{days} {i18n.unit_label('日历天', lang)}" if days is not None else "",
    }


def lots_table(lots: list[Any], lang: str, currency: str | None = None) -> dict[str, Any]:
    """Lots (包/标段) with their winners and ranked candidates as a table for people: Chinese (or English)
    headers, amounts with their unit, ranks in words; columns nobody states are left out."""
    gettext = i18n.gettext_for(lang)
    rows: list[dict[str, str]] = []
    for lot in lots:
        if not isinstance(lot, dict):
            continue
        head = {"lot": text.clean(lot.get("name")) or "—",
                "budget": text.money(lot.get("budget"), lang, currency=currency)}
        awards = [(gettext(i18n.ROLE_LABELS["winner"]), a) for a in lot.get("winners") or []]
        awards += [(gettext(i18n.ROLE_LABELS["candidate"]), a) for a in lot.get("candidates") or []]
        if not awards:
            rows.append({**head, "role": gettext("未公布")})
        for role, award in awards:
            if isinstance(award, dict):
                rows.append({**head, "role": role, **_award_cells(award, lang, currency)})
    keys = [k for k in i18n.LOT_HEADERS if k in ("lot", "role", "name") or any(r.get(k) for r in rows)]
    return {"columns": [(k, gettext(i18n.LOT_HEADERS[k])) for k in keys],
            "rows": [[r.get(k) or "" for k in keys] for r in rows]}


def lots_text(lots: list[Any], lang: str, currency: str | None = None) -> str:
    """Lots in one line of words: ``第1包：甲公司 500,000.00 元；候选人 第 1 名 乙公司``."""
    gettext = i18n.gettext_for(lang)
    parts = []
    for lot in lots:
        if not isinstance(lot, dict):
            continue
        said = []
        for role, key in (("winner", "winners"), ("candidate", "candidates")):
            for a in lot.get(key) or []:
                if isinstance(a, dict):
                    c = _award_cells(a, lang, currency)
                    said.append(" ".join(x for x in (gettext(i18n.ROLE_LABELS[role]), c["rank"], c["name"], c["amount"])
                                         if x))
        name = text.clean(lot.get("name"))
        parts.append(f"{name}: " * bool(name) if lang == "en" else f"{name}：" * bool(name))
        parts[-1] += ("; " if lang == "en" else "，").join(said) or gettext("未公布")
    return ("; " if lang == "en" else "；").join(parts) or "—"


# Lots are compared as a whole: they are one field of the area model (models.kinds.LOTS_FIELD).
LOTS_LABEL = i18n.N_("标段（包）及中标（成交）结果")
# Keys of a notice that a later notice never repeats as a change: its own time, number and link.
_OWN = ("published_at", "notice_no", "original_url")


def _changes(prev: dict[str, Any] | None, cur: dict[str, Any], lang: str, same_notice: bool) -> list[dict[str, Any]]:
    """What ``cur`` changed in substance from ``prev``, each as {how, label, old, new[, table]}:
    how is "changed" (更正/变化), "added" (新公布), "removed" (a new version of the same notice dropped it),
    "unrepeated" (a later notice does not repeat the lots: the award stands) or "note" (the body text changed)."""
    if prev is None:
        return []
    gettext = i18n.gettext_for(lang)
    out: list[dict[str, Any]] = []

    def add(label: str, old: Any, new: Any, old_shown: str, new_shown: str) -> None:
        if old in (None, "", []):
            out.append({"how": "added", "label": label, "old": "", "new": new_shown})
        elif new in (None, "", []):
            out.append({"how": "removed", "label": label, "old": old_shown, "new": ""})
        else:
            out.append({"how": "changed", "label": label, "old": old_shown, "new": new_shown})

    for key in _COMMON:
        if key == "body" or (not same_notice and (key == "title" or key in _OWN)):
            continue
        old, new = prev.get(key), cur.get(key)
        if new != old and (same_notice or new not in (None, "")):
            shown = text.date if key == "published_at" else text.clean
            add(gettext(_COMMON_LABELS[key]), old, new, shown(old) or "—", shown(new) or "—")
    specs = _specs(cur["kind"])
    pf, cf = prev.get("fields", {}), cur.get("fields", {})
    for name in [*specs, *(k for k in cf if k not in specs)]:
        if name in ("kind", "currency"):
            continue
        old, new = pf.get(name), cf.get(name)
        if old == new:
            continue
        if isinstance(old, list) or isinstance(new, list):
            old, new = old or [], new or []
            if not new and not same_notice:
                out.append({"how": "unrepeated", "label": gettext(LOTS_LABEL), "old": "", "new": "",
                            "type": i18n.notice_type_label(cur["notice_type"], lang)})
                continue
            entry = {"label": gettext(LOTS_LABEL), "old": lots_text(old, lang, pf.get("currency")) if old else "",
                     "new": "", "how": "changed" if old else "added"}
            if new:
                entry["table"] = lots_table(new, lang, cf.get("currency"))
            else:
                entry["how"] = "removed"
            out.append(entry)
            continue
        if not same_notice and new is None:
            continue  # a later notice that does not repeat a fact leaves it as it was
        spec = specs.get(name)
        label = i18n.field_label(spec, lang) if spec else i18n.extra_label(name, lang)
        add(label, old, new, display(spec, old, lang, pf.get("currency")), display(spec, new, lang, cf.get("currency")))
    if same_notice and prev.get("body") != cur.get("body"):
        out.append({"how": "note", "label": gettext(_COMMON_LABELS["body"]), "old": "",
                    "new": gettext("正文有改动，见此版本页面")})
    return [{"table": None, "type": "", **c} for c in out]


def _sources(sources: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Sources for people: a submitted file is named as the agency's file, never by its internal address."""
    gettext = i18n.gettext_for(lang)
    out = []
    for src in sources:
        platform, url = str(src.get("platform") or ""), str(src.get("url") or "")
        if platform.startswith("submission:"):
            platform = gettext("%(agency)s 报送") % {"agency": platform.removeprefix("submission:")}
        if url.startswith("submission://"):
            url = url.rsplit("/", 1)[-1]
        out.append({**src, "platform": platform, "url": url})
    return out


def render_project(ctx: Ctx, project_id: str) -> None:
    p = ctx.conn.execute("SELECT 1 FROM projects WHERE project_id = ?", (project_id,)).fetchone()
    if p is None:
        return
    data = reader.project(ctx.conn, project_id)
    assert data is not None
    rel = paths.project(project_id)
    flag_rows = reader.project_flags(ctx.conn, project_id)

    def make(lang: str) -> dict[str, Any]:
        gettext = i18n.gettext_for(lang)
        facts = []
        currency = next((v for c, _s, v in data["typed"] if c == "currency"), None)  # None: yuan
        for col, spec, value in data["typed"]:
            if value is None or value == "":
                continue  # a fact no notice stated: a row of dashes tells a reader nothing
            label = i18n.field_label(spec, lang) if spec else i18n.extra_label(col, lang)
            if col.endswith("_fen"):
                shown = text.money(value, lang, fen=True, currency=currency) if value is not None else "—"
            else:
                shown = display(spec, value, lang)
            facts.append((label, shown))
        lots = None  # the lots as the latest current notice that states them has them
        for v in data["versions"]:
            stated = next((x for x in v["fields"].values() if isinstance(x, list) and x), None)
            if stated and not v["superseded_at"]:
                lots = lots_table(stated, lang, v["fields"].get("currency"))
        versions = []
        previous: dict[str, Any] | None = None
        by_id = {v["version_id"]: v for v in data["versions"]}
        for v in data["versions"]:
            same = v["version"] > 1
            prev = by_id.get(f"{v['notice_id']}-v{v['version'] - 1}") if same else previous
            caption = gettext("与此公告上一版本相比的改动") if same else gettext("与时间线上前一公告相比的改动")
            word = i18n.N_("更正") if v["notice_type"] == "correction" else i18n.N_("修订") if same else i18n.N_("变化")
            versions.append({**v, "href": paths.notice(v["version_id"]), "sources": _sources(v["sources"], lang),
                             "changes": _changes(prev, v, lang, same), "changes_caption": caption,
                             "change_word": gettext(word)})
            previous = v
        parties = [{**x, "href": party_href(x["party_id"], x["person"]),
                    "rank_text": rank_text(x["rank"], lang)} for x in data["parties"]]
        region_href = paths.region(data["region_code"]) if data["region_code"] else None
        return {"p": {**data, "facts": facts, "versions": versions, "parties": parties, "region_href": region_href,
                      "lots": lots, "flags": flagpages.panel(flag_rows, lang),
                      "flags_href": flagpages.flags_path(data["kind"])}}

    ctx.page("project.html", rel, make)


def render_notice(ctx: Ctx, version_id: str) -> None:
    n = reader.notice(ctx.conn, version_id)
    if n is None:
        return
    rel = paths.notice(version_id)
    specs = _specs(n["kind"])
    # the project's red flags, as a line linking its panel: names and statuses only (one query)
    flag_rows = reader.project_flags(ctx.conn, n["project_id"], sentences=False)

    def make(lang: str) -> dict[str, Any]:
        gettext = i18n.gettext_for(lang)
        facts, complex_values = [], []
        fields = n["fields"]
        for name in [*specs, *(k for k in fields if k not in specs)]:
            if name == "kind":
                continue
            spec = specs.get(name)
            label = i18n.field_label(spec, lang) if spec else gettext(LOTS_LABEL)
            value = fields.get(name)
            original = n["raw"].get(name)
            if (value is None or value == "" or value == []) and original is None:
                continue  # the notice does not state it (the yuan goes without saying)
            if isinstance(value, (list, dict)):
                lots = value if isinstance(value, list) else [value]
                complex_values.append((label, lots_table(lots, lang, fields.get("currency"))))
                continue
            if spec is not None and spec.value in (ValueKind.date, ValueKind.datetime) and original is not None \
                    and text.date(original) == text.date(value):
                original = None  # a spreadsheet's date cell read as 2025-04-22T00:00:00: the same day
            facts.append((label, display(spec, value, lang, fields.get("currency")),
                          original if original is not None and str(original) != str(value) else None,
                          i18n.flag_notes(n["flags"].get(name) or [], lang)))
        versions = [{**v, "href": paths.notice(v["version_id"])} for v in n["versions"]]
        page_text = text.paragraphs(n["body_text"], limit=TEXT_PARAGRAPHS + 1)
        attachments = [{"name": text.clean(a.get("name")), "url": text.http_url(a.get("url"))}
                       for a in n["attachments"] if isinstance(a, dict) and a.get("name")]
        return {"n": {**n, "href": rel, "sources": _sources(n["sources"], lang), "project_href": paths.project(n["project_id"]), "facts": facts,
                      "complex": complex_values, "versions": versions, "body_paragraphs": text.paragraphs(n["body"]),
                      "text_paragraphs": page_text[:TEXT_PARAGRAPHS], "text_cut": len(page_text) > TEXT_PARAGRAPHS,
                      "attachments": attachments, "flag_summary": flagpages.summary(flag_rows, lang)}}

    ctx.page("notice.html", rel, make)
