"""A saved page, API answer, data table or OCDS file in; normalized notices out; no database.

This is what ``gongkai parse FILE`` prints and what the spiders run (the same parsers): the
family is detected from the bytes (and the URL when given), the records are read by that
family's parser, and each goes through :func:`models.assemble.assemble` like every other
input. :func:`notice_json` is the one JSON form of a parsed notice (JSON Lines on the CLI):
money as exact yuan decimal strings with its currency, times in ISO 8601 with +08:00.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml.etree import LxmlError

from collectors.items import attachment_links
from collectors.parsers import Extracted, ParseError, Refused
from collectors.parsers.document import decode
from models.assemble import Assembled, Cell, assemble, specs_for
from models.codelists import Kind
from models.notice import Notice, Source

PARSER_VERSION = "parse/2"
_CN = "+08:00"


@dataclass
class Parsed:
    """One record of an input: a notice (possibly without a publication time), or a refusal."""

    location: str
    extracted: Extracted | None = None
    notice: Notice | None = None
    problems: list[str] | None = None  # what was read but could not be used
    error: str | None = None


def families() -> list[str]:
    from collectors.parsers.pages import FAMILIES

    return ["ocds", "table", "api", *(f.name for f in FAMILIES)]


def _json(data: bytes) -> Any:
    try:
        return json.loads(decode(data))
    except (ValueError, RecursionError):
        return None


def read_records(data: bytes, *, name: str = "", url: str | None = None,
                 family: str | None = None) -> list[Extracted | Refused]:
    """Every record of one input, by the parser of its family (detected unless given)."""
    if not data.strip():
        raise ParseError("the file is empty")
    stripped = data.lstrip()[:1]
    parsed_json = _json(data) if stripped in (b"{", b"[") and family in (None, "ocds", "api") else None
    if family == "ocds" or (family is None and _is_ocds(parsed_json)):
        from collectors.parsers.ocds import parse_ocds_bytes

        return list(parse_ocds_bytes(data, url=url))
    if parsed_json is not None and family in (None, "api"):
        from collectors.parsers.apis import parse_api

        records = parse_api(parsed_json, url=url)
        if records is not None:
            return records
    if family in (None, "table"):
        from collectors.parsers.tables import looks_tabular, parse_table_file

        if family == "table" or looks_tabular(data, name):
            return list(parse_table_file(data, name))
    if family in ("ocds", "api", "table"):
        raise ParseError(f"not a {family} file")
    if stripped in (b"{", b"["):
        raise ParseError("a JSON file of no known shape (not OCDS, not a known list API answer)")
    from collectors.parsers.pages import read_page_bytes

    page = read_page_bytes(data, url=url, family=family)
    if not page.more:
        return [page]
    # a page listing several records (parcels): one notice each, over the page's own facts
    out: list[Extracted | Refused] = [page]
    page.location = "record 1"
    for n, cells in enumerate(page.more, start=2):
        merged = {**{k: v for k, v in page.cells.items() if k not in cells}, **cells}
        out.append(Extracted(merged, dict(page.unknown), page.kind, [], page.body_text, page.attachments, f"record {n}"))
    return out


def _is_ocds(value: Any) -> bool:
    if isinstance(value, dict):
        return any(k in value for k in ("releases", "records", "ocid")) or (
            "tag" in value and "initiationType" in value)
    return False


def source_of(data: bytes, url: str | None, name: str, location: str | None = None) -> Source:
    return Source(platform=name or "file", url=url or name or "file", fetched_at=datetime.now(UTC),
                  sha256=hashlib.sha256(data).hexdigest(), parser_version=PARSER_VERSION, location=location)


def assemble_extracted(ex: Extracted, source: Source, kind: Kind | None = None,
                       cells: dict[str, Cell] | None = None) -> Assembled:
    return assemble(kind or ex.kind or Kind.procurement, cells or ex.cells, source, lots=ex.lots or None,
                    trust_notice_type=False, body_text=ex.body_text,
                    attachments=attachment_links(ex.attachments, source.url))


def parse_bytes(data: bytes, *, name: str = "", url: str | None = None, family: str | None = None) -> list[Parsed]:
    """Parse one input into notices; never raises on bad input (a refusal is a Parsed with error)."""
    try:
        records = read_records(data, name=name, url=url, family=family)
    except ParseError as exc:
        return [Parsed(name or "input", error=str(exc))]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, UnicodeError,
            LxmlError) as exc:
        # a shape no parser foresaw: a refusal that says what broke, never a traceback
        return [Parsed(name or "input", error=f"unreadable: {type(exc).__name__}: {str(exc)[:300]}")]
    out: list[Parsed] = []
    for i, rec in enumerate(records):
        if isinstance(rec, Refused):
            out.append(Parsed(rec.location, error=rec.reason))
            continue
        location = rec.location or (f"record {i + 1}" if len(records) > 1 else name or "input")
        source = source_of(data, url, name, rec.location)
        done = assemble_extracted(rec, source)
        if done.notice is not None:
            out.append(Parsed(location, rec, done.notice))
            continue
        missing_time = [p for p in done.problems if p.field == "published_at" and not p.value]
        others = [p for p in done.problems if p not in missing_time]
        if missing_time and not others:
            # what a person reads is still worth printing: the time is reported as unread
            cells = dict(rec.cells)
            cells["published_at"] = Cell("1970-01-01T00:00:00+08:00")
            retry = assemble_extracted(rec, source, cells=cells)
            if retry.notice is not None:
                out.append(Parsed(location, rec, retry.notice,
                                  problems=["published_at: the page prints no publication time"]))
                continue
        reasons = "; ".join(f"{p.field}: {p.reason}" + (f" ({p.value[:80]})" if p.value else "")
                            for p in done.problems)
        out.append(Parsed(location, rec, error=reasons))
    return out


def parse_file(path: Path, *, url: str | None = None, family: str | None = None) -> list[Parsed]:
    """Parse a saved file (only regular files are read)."""
    if not path.is_file():
        return [Parsed(str(path), error="not a regular file")]
    return parse_bytes(path.read_bytes(), name=path.name, url=url, family=family)


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def notice_json(parsed: Parsed) -> dict[str, Any]:
    """The JSON object of one parsed record (what ``gongkai parse --json`` prints per line)."""
    if parsed.notice is None:
        return {"error": parsed.error or "unreadable", "location": parsed.location}
    n = parsed.notice
    fields = n.fields.model_dump(mode="json", exclude_none=True)
    kind = fields.pop("kind")
    lots_key = "lots" if kind == "procurement" else "sections" if kind == "tender" else None
    lots = fields.pop(lots_key, []) if lots_key else []
    specs = specs_for(Kind(kind))
    parties: list[dict[str, Any]] = []
    for name, spec in specs.items():
        if spec.role and name in fields and spec.value.value in ("text", "names"):
            uscc_field = next((u for u, s in specs.items() if s.uscc_of == name), None)
            parties.append({"role": spec.role, "name": fields[name], "uscc": fields.get(uscc_field) if uscc_field else None,
                            "amount": None, "rank": None, "lot": None})
    out_lots = []
    for lot in lots:
        entry = {"name": lot.get("name"), "budget": lot.get("budget"), "winners": [], "candidates": []}
        for key, role in (("winners", "winner"), ("candidates", "candidate")):
            for award in lot.get(key, []):
                item = {"name": award.get("name"), "uscc": award.get("uscc"), "amount": award.get("amount"),
                        "rank": award.get("rank")}
                item.update({k: award[k] for k in ("offer", "project_manager", "duration_days") if award.get(k)})
                if key == "candidates":
                    item["bid_price"] = award.get("amount")
                entry[key].append(item)
                parties.append({"role": role, "name": item["name"], "uscc": item["uscc"], "amount": item["amount"],
                                "rank": item["rank"], "lot": lot.get("name")})
        out_lots.append(entry)
    published = None if parsed.problems and any(p.startswith("published_at") for p in parsed.problems) else (
        n.published_at.isoformat())
    unread = dict(parsed.extracted.unknown) if parsed.extracted else {}
    out: dict[str, Any] = {
        "kind": kind,
        "notice_type": n.notice_type.value,
        "title": n.title,
        "published_at": published,
        "project_no": n.project_no,
        "project_name": n.project_name,
        "region_code": n.region.code if n.region else None,
        "region_name": n.region.name if n.region else None,
        "publisher": n.publisher,
        "currency": getattr(n, "currency", None) or "CNY",
        "fields": fields,
        "parties": parties,
        lots_key or "lots": out_lots,
        "body_text": n.body_text,
        "attachments": [a.model_dump(mode="json", exclude_none=True) for a in n.attachments],
        "unread": unread,
        "problems": parsed.problems or [],
        "flags": n.flags,
        "original": n.raw,
        "source": {"url": n.source.url, "sha256": n.source.sha256, "location": parsed.location,
                   "parser_version": n.source.parser_version},
    }
    return out
