"""Exports: every project with its notices, as JSON Lines or formula-safe CSV.

JSONL: one line per project — the compiled project (money as exact decimal text) with
every version of every notice, each version's sources, and its page text (``body_text``)
and ``attachments`` (``[{"name", "url"}]``) as stored in ``notice_texts``. CSV: one row per
notice version with its project's columns, the page text and the attachments as JSON; text
cells neutralized against formula injection (:mod:`publish.csv_safe`), numbers left as
numbers. The page text is written whole (spreadsheets cut cells at 32,767 characters).

Natural persons are shown as the privacy policy says (:mod:`store.privacy`): every text of a
project (titles, fields, raw cells, page text) is redacted with its project's map.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

import orjson

from publish.csv_safe import neutralize
from store.db import Store
from store.privacy import redact_json, redact_row, redaction

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

CSV_COLUMNS = [
    "project_id", "project_title", "project_status", "version_id", "notice_id", "version", "current", "kind",
    "notice_type", "title", "publisher", "published_at", "region_code", "region_name", "project_no", "original_url",
    "fields", "source_platforms", "source_urls", "raw_sha256", "body_text", "attachments",
]


def _projects(store: Store, kind: str | None) -> Iterator[tuple]:
    sql = ("SELECT project_id, kind, title, status, amended, region_code, region_name, project_no, publisher,"
           " first_published_at, last_published_at, notice_count, correction_count FROM projects")
    args: list[Any] = []
    if kind:
        sql += " WHERE kind = ?"
        args.append(kind)
    yield from store.conn.execute(sql + " ORDER BY project_id", args)


def _notices(store: Store, project_id: str) -> list[dict]:
    rows = store.conn.execute(
        "SELECT version_id, notice_id, version, superseded_at IS NULL, kind, notice_type, title, publisher,"
        " published_at, region_code, region_name, project_no, project_name, notice_no, corrects, original_url, body,"
        " fields, raw, content_sha256, first_seen_at, superseded_at,"
        " (SELECT body_text FROM notice_texts t WHERE t.version_id = notices.version_id),"
        " (SELECT attachments FROM notice_texts t WHERE t.version_id = notices.version_id)"
        " FROM notices WHERE project_id = ? ORDER BY published_at, notice_id, version", (project_id,)).fetchall()
    out = []
    for r in rows:
        sources = [
            {"platform": s[0], "url": s[1], "fetched_at": s[2], "raw_sha256": s[3], "parser_version": s[4],
             "location": s[5] or None}
            for s in store.conn.execute(
                "SELECT platform, url, fetched_at, raw_sha256, parser_version, location FROM notice_sources"
                " WHERE version_id = ? ORDER BY fetched_at, platform", (r[0],))
        ]
        out.append({
            "version_id": r[0], "notice_id": r[1], "version": r[2], "current": bool(r[3]), "kind": r[4],
            "notice_type": r[5], "title": r[6], "publisher": r[7], "published_at": r[8], "region_code": r[9],
            "region_name": r[10], "project_no": r[11], "project_name": r[12], "notice_no": r[13], "corrects": r[14],
            "original_url": r[15], "body": r[16], "fields": orjson.loads(r[17]), "raw": orjson.loads(r[18]),
            "content_sha256": r[19], "first_seen_at": r[20], "superseded_at": r[21], "sources": sources,
            "body_text": r[22] or "", "attachments": orjson.loads(r[23]) if r[23] else [],
        })
    return out


def export_jsonl(store: Store, out: SupportsWrite[bytes], kind: str | None = None) -> int:
    """Write one JSON line per project; return the number of projects."""
    n = 0
    keys = ("project_id", "kind", "title", "status", "amended", "region_code", "region_name", "project_no",
            "publisher", "first_published_at", "last_published_at", "notice_count", "correction_count")
    people = redaction(store.conn, kind=kind)
    for row in _projects(store, kind):
        project = dict(zip(keys, row, strict=True))
        project["amended"] = bool(project["amended"])
        project["notices"] = _notices(store, row[0])
        if row[0] in people:
            project = redact_json(project, people[row[0]])
        out.write(orjson.dumps(project) + b"\n")
        n += 1
    return n


def export_csv(store: Store, out: IO[str], kind: str | None = None) -> int:
    """Write one CSV row per notice version; return the number of rows."""
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    n = 0
    people = redaction(store.conn, kind=kind)
    for row in _projects(store, kind):
        for notice in _notices(store, row[0]):
            sources = notice["sources"]
            values = [
                row[0], row[2], row[3], notice["version_id"], notice["notice_id"], notice["version"],
                int(notice["current"]), notice["kind"], notice["notice_type"], notice["title"], notice["publisher"],
                notice["published_at"], notice["region_code"], notice["region_name"], notice["project_no"],
                notice["original_url"], orjson.dumps(notice["fields"]).decode(),
                "|".join(dict.fromkeys(s["platform"] for s in sources)),
                "|".join(dict.fromkeys(s["url"] for s in sources)),
                "|".join(dict.fromkeys(s["raw_sha256"] for s in sources)),
                notice["body_text"], orjson.dumps(notice["attachments"]).decode() if notice["attachments"] else "",
            ]
            w.writerow([neutralize(v) for v in redact_row(values, people.get(row[0], {}))])
            n += 1
    return n


BOM = "\ufeff"  # UTF-8 byte-order mark: Excel then reads the file as UTF-8, not the locale's code page


def flat_columns(kind: str) -> list[tuple[str, str]]:
    """(SQL expression over projects p, projects_<kind> a and label_* lookups, header) of the flat CSV."""
    from models.codelists import Kind
    from models.fields import ValueKind
    from publish.site.i18n import EXTRA_COLUMN_LABELS
    from store.schema import area_columns

    _UNITS = {ValueKind.area: "平方米", ValueKind.term_years: "年", ValueKind.duration_days: "天",
              ValueKind.percent: "%"}
    cols = [("p.project_no", "项目编号"), ("p.title", "项目名称"), ("p.status", "状态"),
            ("p.region_name", "地区"), ("p.publisher", "发布单位"), ("p.first_published_at", "首次发布时间"),
            ("p.last_published_at", "最近发布时间"), ("p.notice_count", "公告数"), ("p.correction_count", "更正次数")]
    for col, _sqltype, spec in area_columns(Kind(kind)):
        if spec is None:
            label = EXTRA_COLUMN_LABELS[col]
            if col.endswith("_fen"):
                cols.append((f"a.{col.removesuffix('_fen')}_yuan", f"{label}（元）"))
            else:
                cols.append((f"a.{col}", label))
        elif spec.value is ValueKind.money:
            cols.append((f"a.{col.removesuffix('_fen')}_yuan", f"{spec.labels[0]}（元）"))
        elif spec.value in _UNITS:
            cols.append((f"a.{col}", f"{spec.labels[0]}（{_UNITS[spec.value]}）"))
        else:
            cols.append((f"a.{col}", spec.labels[0]))
    cols.append(("p.project_id", "项目ID"))
    return cols


def export_flat_csv(store: Store, out: IO[str], kind: str) -> int:
    """One row per project of ``kind``, one column per field, amounts in yuan (exact text of the stored
    fen), names not codes, Chinese headers with units; UTF-8 with a BOM. Returns the number of rows."""
    from models.codelists import Kind
    from publish.site.i18n import STATUS_LABELS
    from store.schema import project_table

    cols = flat_columns(kind)
    table = project_table(Kind(kind))  # from the Kind enum: a fixed name
    sql = (f"SELECT {', '.join(e for e, _h in cols)} FROM projects p "  # noqa: S608 - names from the schema
           f"LEFT JOIN {table} a ON a.project_id = p.project_id WHERE p.kind = ? ORDER BY p.first_published_at, p.project_id")
    out.write(BOM)
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([h for _e, h in cols])
    n = 0
    people = redaction(store.conn, kind=kind)
    for row in store.conn.execute(sql, (kind,)):
        values = redact_row(list(row), people.get(row[-1], {}))  # the last column is the project id
        values[2] = STATUS_LABELS.get(values[2], values[2])
        w.writerow([neutralize(v) for v in values])
        n += 1
    return n
