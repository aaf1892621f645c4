"""Atom and RSS 2.0 feeds (feedgen): everything, per area, per province, per party; and the feeds of
newly flagged projects (:func:`build_flag_feed`: all, per area, per province).

An entry is one notice version, i.e. one change: a new notice, a correction, a result, a
termination, or a new version of a notice already published. Its id is a tag: URI built
from the permanent version id, so it never changes. ``updated``/``published`` (Atom) and
``pubDate`` (RSS) are the version's own publication time, ISO with its offset, and entries
are newest first by that time; the feed's ``updated`` is its newest entry's, so feeds carry
no build time and two builds of the same database are byte-identical. The summary says what
a reader wants to know at a glance, in Chinese: area and notice type, winner(s), amount
(exact, with 万元/亿元), method, region, publisher, and the publication time in Beijing time,
labelled. Control characters (which lxml refuses, ckan/ckan#6371) and bidi overrides are
removed from every text. Natural persons are shown as the privacy policy says (titles, publishers
and the fields a summary reads are redacted with their project's map, :mod:`publish.site.reader`).

Links are absolute (RSS requires it) under the build's site URL. A build for a local preview
(the default ``http://localhost:8001/site/``) is served by ``gongkai serve``, which rewrites
that base to the address the feed was requested at (``datasette/plugins/gongkai_site.py``).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from feedgen.feed import FeedGenerator

from models.codelists import Kind, Role
from models.fields import specs_of
from models.indicators import REGISTRY
from models.kinds import AREA_MODELS, HEADLINE_AMOUNTS, LOT_SUMMARY, LOTS_FIELD, lot_summary
from models.normalize.amounts import fen_to_yuan
from publish.site import i18n, reader
from publish.site.text import clean, money
from store import paths
from store.paths import tag_base

_COLS = ("version_id", "version", "kind", "notice_type", "title", "publisher", "published_at", "region_name",
         "first_seen_at", "project_id", "fields")
BEIJING = timezone(timedelta(hours=8), "北京时间")  # China has one zone, UTC+8 all year (no DST)
_WINNER_ROLES = (Role.winner, Role.transferee, Role.land_user)
# The procedure of each area: land calls it 供地方式 (supply_method), the others 方式 (method).
_METHOD_FIELD = {Kind.land: "supply_method"}


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def beijing(value: str) -> str:
    """``2025-01-31T09:45:00+00:00`` → ``2025-01-31 17:45（北京时间）``; a date alone stays a date."""
    if len(value) <= 10:
        return value
    moment = _dt(value)
    if moment.tzinfo is None:  # a time without an offset is read as Beijing time (the sources' zone)
        moment = moment.replace(tzinfo=BEIJING)
    return f"{moment.astimezone(BEIJING):%Y-%m-%d %H:%M}（北京时间）"


@dataclass(frozen=True)
class Facts:
    """What one notice version states: who got it, for how much, by which procedure."""

    winner_label: str
    winners: tuple[str, ...]
    amount_label: str
    amount: Decimal | None  # yuan, exact
    currency: str | None
    method_label: str
    method: str | None


def version_facts(kind: Kind, fields: dict[str, Any]) -> Facts:
    """The facts of a version's typed ``fields`` (``notices.fields``), never of later versions."""
    specs = specs_of(AREA_MODELS[kind])
    winner_label, winners = "", []
    for spec in specs.values():
        if spec.role in _WINNER_ROLES and spec.group is None and fields.get(spec.name):
            winner_label = winner_label or spec.labels[0]
            winners.append(str(fields[spec.name]))
    lots_field = LOTS_FIELD[kind]
    lots = fields.get(lots_field) or [] if lots_field else []
    for lot in lots:
        for award in lot.get("winners", []):
            winners.append(str(award["name"]))
            winner_label = winner_label or LOT_SUMMARY[1].label
    amount_label, amount = "", None
    for name in HEADLINE_AMOUNTS[kind]:
        if name == "award_total":
            fen = lot_summary(lots)[2]
            value = fen_to_yuan(fen) if fen is not None else None
            label = LOT_SUMMARY[2].label
        else:
            value = Decimal(str(fields[name])) if fields.get(name) not in (None, "") else None
            label = specs[name].labels[0]
        if value is not None:
            amount_label, amount = label, value
            break
    method_field = _METHOD_FIELD.get(kind, "method")
    method = fields.get(method_field)
    return Facts(winner_label, tuple(dict.fromkeys(winners)), amount_label, amount, fields.get("currency"),
                 specs[method_field].labels[0], str(method) if method else None)


def summary(item: dict[str, Any]) -> str:
    """The entry's description: a line a person reads (Chinese, Beijing time, units)."""
    kind = Kind(item["kind"])
    try:
        fields = json.loads(item["fields"] or "{}")
    except ValueError:
        fields = {}
    facts = version_facts(kind, fields if isinstance(fields, dict) else {})
    parts = [i18n.kind_label(kind.value, "zh"), i18n.notice_type_label(item["notice_type"], "zh")]
    if facts.winners:
        shown = "、".join(facts.winners[:3]) + (f" 等 {len(facts.winners)} 家" if len(facts.winners) > 3 else "")
        parts.append(f"{facts.winner_label}：{shown}")
    if facts.amount is not None:
        parts.append(f"{facts.amount_label}：{money(facts.amount, 'zh', currency=facts.currency)}")
    if facts.method:
        parts.append(f"{facts.method_label}：{facts.method}")
    if item["region_name"]:
        parts.append(f"地区：{item['region_name']}")
    if item["publisher"]:
        parts.append(f"发布单位：{item['publisher']}")
    parts.append(f"发布时间：{beijing(item['published_at'])}")
    return clean(" · ".join(parts))


def build_feed(conn: sqlite3.Connection, version_ids: list[str], *, title: str, site_url: str, feed_rel: str,
               page_rel: str) -> tuple[bytes, bytes] | None:
    """(Atom, RSS) bytes for the given versions, newest publication first; None when there are none."""
    if not version_ids:
        return None
    marks = ",".join("?" * len(version_ids))
    rows = {r[0]: dict(zip(_COLS, r, strict=True)) for r in conn.execute(
        f"SELECT {', '.join(_COLS)} FROM notices WHERE version_id IN ({marks})", version_ids)}  # noqa: S608
    items = [rows[v] for v in dict.fromkeys(version_ids) if v in rows]
    if not items:
        return None
    maps = reader.redactions(conn, list({i["project_id"] for i in items}))  # natural persons as the policy says
    items = [reader.redact(i, maps.get(i["project_id"])) for i in items]
    # Newest first by the version's own time (an instant: offsets compared), the id breaking ties.
    items.sort(key=lambda i: (_dt(i["published_at"]).timestamp(), i["version_id"]), reverse=True)
    base, tag = _bases(site_url)
    fg = _feed(title, "公共资源配置信息公开 · public-resource allocation disclosures", base, tag, feed_rel, page_rel,
               _dt(items[0]["published_at"]))
    for item in items:
        fe = fg.add_entry(order="append")
        label = i18n.notice_type_label(item["notice_type"], "zh")
        version = f"（第 {item['version']} 版）" if item["version"] > 1 else ""
        fe.id(f"{tag}notice/{item['version_id']}")
        fe.guid(f"{tag}notice/{item['version_id']}", permalink=False)
        fe.title(clean(f"[{label}{version}] {item['title']}"))
        fe.link(href=base + paths.notice(item["version_id"]))
        fe.updated(_dt(item["published_at"]))
        fe.published(_dt(item["published_at"]))  # RSS pubDate
        fe.description(summary(item))
    return fg.atom_str(pretty=True), fg.rss_str(pretty=True)


def _bases(site_url: str) -> tuple[str, str]:
    """The site's URL with its final slash, and the tag URI base of entry ids."""
    return (site_url if site_url.endswith("/") else site_url + "/"), tag_base(site_url)


def _feed(title: str, subtitle: str, base: str, tag: str, feed_rel: str, page_rel: str,
          newest: datetime) -> FeedGenerator:
    """A feed's head: id, title, links, language and its time (the newest entry's)."""
    fg = FeedGenerator()
    fg.id(f"{tag}feed/{clean(feed_rel)}")
    fg.title(clean(title) or "Gongkai")
    fg.subtitle(subtitle)
    fg.link(href=base + page_rel, rel="alternate")
    fg.link(href=base + feed_rel, rel="self")
    fg.language("zh-CN")
    fg.generator("gongkai")  # no version: an upgrade must not change every feed's bytes
    fg.updated(newest)
    fg.lastBuildDate(newest)
    fg.description(clean(title) or "Gongkai")
    return fg


# -- red flags: newly flagged projects -----------------------------------------------------------------

def flag_summary(row: dict[str, Any]) -> str:
    """A flagged project's entry text: each flagged indicator's name and the sentence that says why."""
    parts = [f"{_indicator_name(f['indicator'])}（{f['indicator']}）：{f['why_zh']}" for f in row["flags"]]
    tail = [i18n.kind_label(row["kind"], "zh")]
    if row["region_name"]:
        tail.append(f"地区：{row['region_name']}")
    tail.append(f"提示时间：{beijing(row['since'])}")
    return clean("；".join(parts) + " · " + " · ".join(tail) + " · 风险提示是值得再看一眼的理由，不是结论。")


def build_flag_feed(rows: list[dict[str, Any]], *, title: str, site_url: str, feed_rel: str, page_rel: str,
                    as_of: str) -> tuple[bytes, bytes]:
    """(Atom, RSS) of newly flagged projects (``reader.flagged_projects`` rows), newest flag first.

    An entry is a project at the time its newest flag appeared (``flags.since``): its id carries that
    time, so a project flagged again by another indicator reaches subscribers as a new entry. A feed
    with no flagged project is still written (its time is the data's), so a cleared flag leaves no
    stale feed behind."""
    items = sorted(rows, key=lambda r: (_dt(r["since"]).timestamp(), r["project_id"]), reverse=True)
    base, tag = _bases(site_url)
    newest = _dt(items[0]["since"]) if items else (_dt(as_of) if as_of else datetime(2026, 1, 1, tzinfo=UTC))
    fg = _feed(title, "风险提示：值得再看一眼的理由，不是结论 · red flags: a reason to look, not a finding", base, tag,
               feed_rel, page_rel, newest)
    for row in items:
        fe = fg.add_entry(order="append")
        moment = _dt(row["since"])
        entry_id = f"{tag}flag/{row['project_id']}/{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        names = "、".join(dict.fromkeys(_indicator_name(f["indicator"]) for f in row["flags"]))
        fe.id(entry_id)
        fe.guid(entry_id, permalink=False)
        fe.title(clean(f"[风险提示：{names}] {row['title']}"))
        fe.link(href=base + paths.project(row["project_id"]))
        fe.updated(moment)
        fe.published(moment)  # RSS pubDate
        fe.description(flag_summary(row))
    return fg.atom_str(pretty=True), fg.rss_str(pretty=True)


def _indicator_name(code: str) -> str:
    ind = REGISTRY.get(code)
    return ind.name_zh if ind else code
