"""Searchable documents from the SQLite database: projects and the current version of each notice.

What changed since the last update comes from the store's change feed (:mod:`store.changes`,
read by :mod:`search_index.update`).

Natural persons are indexed as the privacy policy shows them (:mod:`store.privacy`): a document is
built from its rows redacted with its project's map, so a person's full name finds nothing.
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
from models.kinds import AREA_MODELS, HEADLINE_AMOUNTS, METHOD_FIELD, headline_amount
from models.normalize.amounts import yuan_to_fen
from search_index.engine import Document
from search_index.fold import fold
from store import read
from store.privacy import Redaction, redact_row, redaction

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
    try:
        amount = _fen(headline_amount(k, fields))  # the models' one definition
    except (InvalidOperation, TypeError, KeyError, AttributeError):
        amount = None  # a stored value the models never wrote: indexed without an amount, never failing
    text = "\n".join(_uniq([title, project_name or "", body or "", publisher or "", region_name or "", *values,
                            page_text]))
    summary = ((body or "").strip() or "；".join(v for v in values if not _NUMERIC.match(v or ""))
               or page_text.strip())
    return Document(
        key=f"n:{notice_id}", doctype="notice", id=notice_id, project_id=project_id, kind=kind, title=title,
        text=text, ids=_uniq(fold(i).strip() for i in idents), published_at=published_at,
        date=_epoch(published_at), year=int(year), version_id=version_id, notice_type=notice_type,
        region_code=region_code or "", region_name=region_name or "", province_code=province_code or "",
        publisher=publisher or "", project_no=project_no or "", amount_fen=amount,
        method=str(fields.get(METHOD_FIELD[k]) or ""), summary=summary[:SUMMARY_CHARS])


PROJECT_COLUMNS = ("project_id, kind, title, status, region_code, region_name, province_code, project_no, publisher, "
                   "last_published_at, first_year")


def project_document(row: tuple, kind_row: dict[str, Any] | None, parties: list[tuple[str, str, str | None]],
                     flags: Iterable[str] = ()) -> Document:
    """``flags``: codes of the indicators that flag the project (:func:`flagged_codes`)."""
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
        project_no=project_no or "", amount_fen=amount, method=str(kind_row.get(METHOD_FIELD[k]) or ""),
        summary="；".join(names + values)[:SUMMARY_CHARS], flags=sorted(set(flags)))


def flagged_codes(conn: sqlite3.Connection, project_ids: list[str] | None = None) -> dict[str, list[str]]:
    """Codes of the red-flag indicators that flag each project (status ``flagged``), of every project
    or of the given ids; empty for a database from before the ``flags`` table."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'flags'").fetchone() is None:
        return {}
    out: dict[str, list[str]] = {}
    base = "SELECT project_id, indicator FROM flags WHERE status = 'flagged'"
    for chunk in [None] if project_ids is None else _chunks(project_ids):
        where, args = ("", []) if chunk is None else (f" AND project_id IN ({','.join('?' * len(chunk))})", chunk)
        for pid, code in conn.execute(base + where + " ORDER BY project_id, indicator", args):
            out.setdefault(pid, []).append(code)
    return out


def _chunks(items: list[str], n: int = CHUNK) -> Iterator[list[str]]:
    return read.chunks(items, n)


def iter_notices(conn: sqlite3.Connection, notice_ids: list[str] | None = None, *,
                 people: dict[str, Redaction] | None = None) -> Iterator[Document]:
    """Documents of the current version of every notice (or of the given notice ids). ``people``:
    :func:`store.privacy.redaction` of every project, when the caller has it already (a full build
    reads it once for notices and projects: it parses every notice's fields)."""
    base = f"SELECT {NOTICE_COLUMNS} FROM notices WHERE superseded_at IS NULL"  # noqa: S608 - fixed columns
    if notice_ids is None:
        people = redaction(conn) if people is None else people
        for row in conn.execute(base):
            yield notice_document(redact_row(row, people.get(row[2], {})))  # row[2]: the project id
        return
    for chunk in _chunks(notice_ids):
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"{base} AND notice_id IN ({marks})", chunk).fetchall()
        people = redaction(conn, {r[2] for r in rows})
        for row in rows:
            yield notice_document(redact_row(row, people.get(row[2], {})))


def project_inputs(conn: sqlite3.Connection,
                   project_ids: list[str] | None = None) -> Iterator[tuple[tuple, dict[str, Any] | None, list]]:
    """(projects row, area row, parties) of every project (or of the given ids): what
    :func:`project_document` reads; Datasette's full-text tables read the same (``publish.snapshot``)."""
    for chunk in [None] if project_ids is None else _chunks(project_ids):
        parties = read.project_party_names(conn, chunk)
        kind_rows = read.area_rows(conn, chunk)
        where, args = ("", []) if chunk is None else (f" WHERE project_id IN ({','.join('?' * len(chunk))})", chunk)
        for row in conn.execute(f"SELECT {PROJECT_COLUMNS} FROM projects{where}", args):  # noqa: S608 - fixed columns, '?' marks
            yield row, kind_rows.get(row[0]), parties.get(row[0], [])


def iter_projects(conn: sqlite3.Connection, project_ids: list[str] | None = None, *,
                  people: dict[str, Redaction] | None = None) -> Iterator[Document]:
    """Documents of every project (or of the given project ids), with their parties and typed columns.
    ``people``: as for :func:`iter_notices`, covering at least these projects."""
    flags = flagged_codes(conn, project_ids)
    people = redaction(conn, project_ids) if people is None else people
    for row, kind_row, parties in project_inputs(conn, project_ids):
        mapping = people.get(row[0], {})
        if mapping:
            row, kind_row = redact_row(row, mapping), redact_row(kind_row, mapping) if kind_row else kind_row
            parties = [redact_row(p, mapping) for p in parties]
        yield project_document(row, kind_row, parties, flags.get(row[0], ()))


def count_documents(conn: sqlite3.Connection) -> int:
    return (conn.execute("SELECT count(*) FROM notices WHERE superseded_at IS NULL").fetchone()[0]
            + conn.execute("SELECT count(*) FROM projects").fetchone()[0])
