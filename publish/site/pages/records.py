"""Project pages (compiled state, timeline, changes, provenance, parties) and notice-version pages."""

from __future__ import annotations

from typing import Any

import orjson

from models.codelists import Kind
from models.fields import FieldSpec, ValueKind, specs_of
from models.kinds import AREA_MODELS
from publish.site import i18n, reader, text
from publish.site.pages.context import Ctx
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
    """A field value for people: exact money (in ``currency`` when not the yuan), areas in m², dates as published."""
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, dict)):
        return text.clean(orjson.dumps(value).decode())
    kind = spec.value if spec else None
    if kind is ValueKind.money:
        return text.money(value, lang, currency=currency)
    if kind is ValueKind.area:
        return f"{text.number(value)} {'m²' if lang == 'en' else '平方米'}"
    if kind is ValueKind.percent:
        return f"{text.clean(value)}%"
    if kind in (ValueKind.date, ValueKind.datetime):
        return text.date(value)
    return text.clean(value)


def _changes(prev: dict[str, Any] | None, cur: dict[str, Any], lang: str, same_notice: bool) -> list[tuple]:
    """Field-by-field changes from ``prev`` to ``cur`` (common columns and area fields)."""
    if prev is None:
        return []
    gettext = i18n.gettext_for(lang)
    out = []
    for key in _COMMON:
        if key == "body" or (key == "title" and not same_notice):
            continue
        old, new = prev.get(key), cur.get(key)
        if new != old and (same_notice or new not in (None, "")):
            out.append((gettext(_COMMON_LABELS[key]), text.clean(old or "—"), text.clean(new or "—")))
    specs = _specs(cur["kind"])
    pf, cf = prev.get("fields", {}), cur.get("fields", {})
    for name in [*specs, *(k for k in cf if k not in specs)]:
        if name == "kind":
            continue
        old, new = pf.get(name), cf.get(name)
        if old == new or (not same_notice and new is None):
            continue
        spec = specs.get(name)
        label = i18n.field_label(spec, lang) if spec else name
        out.append((label, display(spec, old, lang, pf.get("currency")), display(spec, new, lang, cf.get("currency"))))
    if same_notice and prev.get("body") != cur.get("body"):
        out.append((gettext(_COMMON_LABELS["body"]), gettext("（正文有改动）"), gettext("见此版本页面")))
    return out


def render_project(ctx: Ctx, project_id: str) -> None:
    p = ctx.conn.execute("SELECT 1 FROM projects WHERE project_id = ?", (project_id,)).fetchone()
    if p is None:
        return
    data = reader.project(ctx.conn, project_id)
    assert data is not None
    rel = paths.project(project_id)

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
        versions = []
        previous: dict[str, Any] | None = None
        by_id = {v["version_id"]: v for v in data["versions"]}
        for v in data["versions"]:
            same = v["version"] > 1
            prev = by_id.get(f"{v['notice_id']}-v{v['version'] - 1}") if same else previous
            caption = gettext("与此公告上一版本相比的改动") if same else gettext("与时间线上前一公告相比的改动")
            versions.append({**v, "href": paths.notice(v["version_id"]),
                             "changes": _changes(prev, v, lang, same), "changes_caption": caption})
            previous = v
        parties = [{**x, "href": paths.party(x["party_id"])} for x in data["parties"]]
        region_href = paths.region(data["region_code"]) if data["region_code"] else None
        return {"p": {**data, "facts": facts, "versions": versions, "parties": parties, "region_href": region_href}}

    ctx.page("project.html", rel, make)


def render_notice(ctx: Ctx, version_id: str) -> None:
    n = reader.notice(ctx.conn, version_id)
    if n is None:
        return
    rel = paths.notice(version_id)
    specs = _specs(n["kind"])

    def make(lang: str) -> dict[str, Any]:
        facts, complex_values = [], []
        fields = n["fields"]
        for name in [*specs, *(k for k in fields if k not in specs)]:
            if name == "kind":
                continue
            spec = specs.get(name)
            label = i18n.field_label(spec, lang) if spec else name
            value = fields.get(name)
            original = n["raw"].get(name)
            if (value is None or value == "" or value == []) and original is None:
                continue  # the notice does not state it (the yuan goes without saying)
            if isinstance(value, (list, dict)):
                complex_values.append((label, value))
                continue
            facts.append((label, display(spec, value, lang, fields.get("currency")),
                          original if original not in (None, value) else None,
                          n["flags"].get(name) or []))
        versions = [{**v, "href": paths.notice(v["version_id"])} for v in n["versions"]]
        page_text = text.paragraphs(n["body_text"], limit=TEXT_PARAGRAPHS + 1)
        attachments = [{"name": text.clean(a.get("name")), "url": text.http_url(a.get("url"))}
                       for a in n["attachments"] if isinstance(a, dict) and a.get("name")]
        return {"n": {**n, "href": rel, "project_href": paths.project(n["project_id"]), "facts": facts,
                      "complex": complex_values, "versions": versions, "body_paragraphs": text.paragraphs(n["body"]),
                      "text_paragraphs": page_text[:TEXT_PARAGRAPHS], "text_cut": len(page_text) > TEXT_PARAGRAPHS,
                      "attachments": attachments}}

    ctx.page("notice.html", rel, make)
