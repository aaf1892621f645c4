"""Searchable documents from the SQLite database: projects and the current version of each notice.

Also finds what changed since a watermark (``notices.first_seen_at`` / ``superseded_at``,
``projects.updated_at``) for incremental updates.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from models.codelists import Kind
from models.fields import ValueKind, specs_of
from models.kinds import AREA_MODELS, HEADLINE_AMOUNTS
from models.normalize.amounts import yuan_to_fen
from search_index.engine import Document
from search_index.fold import fold
from store.schema import area_columns, project_table

# Identifier-like runs inside titles and bodies (project numbers in brackets, parcel numbers …).
_ID_IN_TEXT = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.()]{4,}[A-Za-z0-9)]")
_HAS_DIGIT = re.compile(r"\d")
_NUMERIC = re.compile(r"^[\d.:+\-T ]+$")  # amounts, dates: not worth a snippet
CHUNK = 500
SUMMARY_CHARS = 600
# Indexed characters of a notice's page text (notice_texts.body_text): real notices run to tens of
# thousands; beyond this a notice is mostly flattened tables and boilerplate, and the cap bounds
# what one document costs the index.
TEXT_CHARS = 200_000



def _identifier_fields(kind: Kind) -> list[str]:
    return [name for name, spec in specs_of(AREA_MODELS[kind]).items()
            if spec.identifier or spec.value in (ValueKind.identifier, ValueKind.uscc)]


def _epoch(iso: str) -> int:
    try:
        return int(datetime.fromisoformat(iso).timestamp())
    except ValueError:
        return 0


def _fen(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return None
    if not d.is_finite() or d < 0:
        return None
    return yuan_to_fen(d)  # the store's exact conversion (sub-fen values are never stored)


def ids_in(text: str) -> list[str]:
    """Identifier-like tokens (with a digit, 6+ characters) found in text, folded."""
    return [m for m in (x.strip("-_./") for x in _ID_IN_TEXT.findall(fold(text))) if _HAS_DIGIT.search(m)]


def _flatten(value: Any, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _flatten(v, out)
    elif isinstance(value, list):
        for v in value:
            _flatten(v, out)


def _uniq(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


# Selected FROM notices (unaliased: the page text comes from notice_texts by a correlated subquery).
NOTICE_COLUMNS = ("notice_id, version_id, project_id, kind, notice_type, title, publisher, published_at, "
                  "published_year, region_code, region_name, province_code, project_no, project_name, notice_no, "
                  "body, fields, "
                  "(SELECT t.body_text FROM notice_texts t WHERE t.version_id = notices.version_id) AS body_text")


def notice_document(row: tuple) -> Document:
    (notice_id, version_id, project_id, kind, notice_type, title, publisher, published_at, year, region_code,
     region_name, province_code, project_no, project_name, notice_no, body, fields_json, body_text) = row
    page_text = (body_text or "")[:TEXT_CHARS]
    k = Kind(kind)
    fields = orjson.loads(fields_json) if fields_json else {}
    values: list[str] = []
    _flatten({n: v for n, v in fields.items() if n != "kind"}, values)
    idents = [project_no or "", notice_no or ""]
    idents += [str(fields.get(n) or "") for n in _identifier_fields(k)]
    for lot in fields.get("lots") or fields.get("sections") or []:
        for party in (lot.get("winners") or []) + (lot.get("candidates") or []):
            idents.append(str(party.get("uscc") or ""))
    idents += ids_in(title) + ids_in(body or "") + ids_in(page_text)
    amount = None
    for name in HEADLINE_AMOUNTS[k]:
        if name == "award_total":  # the lots' award_total_fen (models.kinds.lot_summary), never failing here
            lots = fields.get("lots") or fields.get("sections") or []
            fens = [_fen(w.get("amount")) for lot in lots for w in (lot.get("winners") or [])]
            amounts = [a for a in fens if a is not None]
            amount = sum(amounts) if amounts else None
        else:
            amount = _fen(fields.get(name))
        if amount is not None:
            break
    text = "\n".join(_uniq([title, project_name or "", body or "", publisher or "", region_name or "", *values,
                            page_text]))
    summary = ((body or "").strip() or "；".join(v for v in values if not _NUMERIC.match(v or ""))
               or page_text.strip())
    return Document(
        key=f"n:{notice_id}", doctype="notice", id=notice_id, project_id=project_id, kind=kind, title=title,
        text=text, ids=_uniq(fold(i).strip() for i in idents), published_at=published_at,
        date=_epoch(published_at), year=int(year), version_id=version_id, notice_type=notice_type,
        region_code=region_code or "", region_name=region_name or "", province_code=province_code or "",
        publisher=publisher or "", project_no=project_no or "", amount_fen=amount, summary=summary[:SUMMARY_CHARS])


PROJECT_COLUMNS = ("project_id, kind, title, status, region_code, region_name, province_code, project_no, publisher, "
                   "last_published_at, first_year")


def _kind_select(kind: Kind) -> tuple[str, list[str]]:
    cols = [c for c, _t, _s in area_columns(kind)]
    return f"SELECT project_id, {', '.join(cols)} FROM {project_table(kind)}", cols  # noqa: S608 - names from the schema


def project_document(row: tuple, kind_row: dict[str, Any] | None, parties: list[tuple[str, str, str | None]]) -> Document:
    (project_id, kind, title, status, region_code, region_name, province_code, project_no, publisher,
     last_published_at, first_year) = row
    k = Kind(kind)
    kind_row = kind_row or {}
    values = [str(v) for c, v in kind_row.items() if isinstance(v, str) and not c.endswith("_uscc") and v]
    idents = [project_no or ""] + [str(kind_row.get(n) or "") for n in _identifier_fields(k)]
    idents += [pid for _n, pid, uscc in parties if uscc]
    idents += ids_in(title)
    amount = None
    for name in HEADLINE_AMOUNTS[k]:
        v = kind_row.get(f"{name}_fen")
        if isinstance(v, int):
            amount = v
            break
    names = _uniq(n for n, _p, _u in parties)
    text = "\n".join(_uniq([title, publisher or "", region_name or "", *names, *values]))
    return Document(
        key=f"p:{project_id}", doctype="project", id=project_id, project_id=project_id, kind=kind, title=title,
        text=text, ids=_uniq(fold(i).strip() for i in idents), published_at=last_published_at,
        date=_epoch(last_published_at), year=int(first_year), status=status, region_code=region_code or "",
        region_name=region_name or "", province_code=province_code or "", publisher=publisher or "",
        project_no=project_no or "", amount_fen=amount, summary="；".join(names + values)[:SUMMARY_CHARS])


def _chunks(items: list[str], n: int = CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def iter_notices(conn: sqlite3.Connection, notice_ids: list[str] | None = None) -> Iterator[Document]:
    """Documents of the current version of every notice (or of the given notice ids)."""
    base = f"SELECT {NOTICE_COLUMNS} FROM notices WHERE superseded_at IS NULL"  # noqa: S608 - fixed columns
    if notice_ids is None:
        for row in conn.execute(base):
            yield notice_document(row)
        return
    for chunk in _chunks(notice_ids):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"{base} AND notice_id IN ({marks})", chunk):
            yield notice_document(row)


def iter_projects(conn: sqlite3.Connection, project_ids: list[str] | None = None) -> Iterator[Document]:
    """Documents of every project (or of the given project ids), with their parties and typed columns."""
    chunks: Iterable[list[str] | None] = [None] if project_ids is None else _chunks(project_ids)
    for chunk in chunks:
        where, args = ("", []) if chunk is None else (f" WHERE project_id IN ({','.join('?' * len(chunk))})", chunk)
        parties: dict[str, list[tuple[str, str, str | None]]] = {}
        for pid, name, party_id, uscc in conn.execute(
                "SELECT pp.project_id, pp.name, pp.party_id, p.uscc FROM project_parties pp "  # noqa: S608 - fixed
                f"JOIN parties p ON p.party_id = pp.party_id{where.replace('project_id', 'pp.project_id')}", args):
            parties.setdefault(pid, []).append((name, party_id, uscc))
        kind_rows: dict[str, dict[str, Any]] = {}
        for k in Kind:
            sql, cols = _kind_select(k)
            for r in conn.execute(sql + where, args):
                kind_rows[r[0]] = dict(zip(cols, r[1:], strict=True))
        for row in conn.execute(f"SELECT {PROJECT_COLUMNS} FROM projects{where}", args):  # noqa: S608 - fixed
            yield project_document(row, kind_rows.get(row[0]), parties.get(row[0], []))


def watermark(conn: sqlite3.Connection) -> str:
    """The latest change time in the database (max of first_seen_at, superseded_at, projects.updated_at,
    notice_texts.stored_at: a later copy can bring the text of a stored version)."""
    row = conn.execute(
        "SELECT max(coalesce((SELECT max(first_seen_at) FROM notices), ''),"
        " coalesce((SELECT max(superseded_at) FROM notices), ''),"
        " coalesce((SELECT max(updated_at) FROM projects), ''),"
        " coalesce((SELECT max(stored_at) FROM notice_texts), ''))").fetchone()
    return row[0] or ""


def at_watermark(conn: sqlite3.Connection, mark: str) -> list[int]:
    """How many rows carry exactly the watermark time (notices seen, notices superseded, projects updated,
    texts stored)."""
    return [conn.execute("SELECT count(*) FROM notices WHERE first_seen_at = ?", (mark,)).fetchone()[0],
            conn.execute("SELECT count(*) FROM notices WHERE superseded_at = ?", (mark,)).fetchone()[0],
            conn.execute("SELECT count(*) FROM projects WHERE updated_at = ?", (mark,)).fetchone()[0],
            conn.execute("SELECT count(*) FROM notice_texts WHERE stored_at = ?", (mark,)).fetchone()[0]]


def changed_since(conn: sqlite3.Connection, since: str, counts: list[int] | None = None) -> tuple[list[str], list[str]]:
    """(notice_ids, project_ids) changed after ``since``.

    Times have one-second resolution, so rows stamped exactly ``since`` are re-read only when their
    counts differ from ``counts`` (what the last update saw at that second): a bulk load stamped
    with one time is not re-indexed on every update, and a change committed later in the same
    second is not missed (unless it only rewrote a project already stamped that second)."""
    op = ">" if counts is not None and at_watermark(conn, since) == counts else ">="
    notice_ids = [r[0] for r in conn.execute(
        f"SELECT DISTINCT notice_id FROM notices WHERE first_seen_at {op} ? OR superseded_at {op} ?"  # noqa: S608
        f" UNION SELECT n.notice_id FROM notice_texts t JOIN notices n USING (version_id) WHERE t.stored_at {op} ?",
        (since, since, since))]
    project_ids = [r[0] for r in conn.execute(f"SELECT project_id FROM projects WHERE updated_at {op} ?",  # noqa: S608
                                              (since,))]
    return notice_ids, project_ids


def count_documents(conn: sqlite3.Connection) -> int:
    return (conn.execute("SELECT count(*) FROM notices WHERE superseded_at IS NULL").fetchone()[0]
            + conn.execute("SELECT count(*) FROM projects").fetchone()[0])
