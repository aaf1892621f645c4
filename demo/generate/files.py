"""Layouts and writers: how an agency's export looks and how planned notices become its file."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from demo.generate.cells import Fmt, text
from demo.generate.values import LotValue, PlannedNotice, Raw
from demo.generate.vocabulary import XLSX_DOC_TIME, XLSX_ZIP_TIME

# -- public contract ---------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedFile:
    """One generated submission: where it is and how the demo submits it."""

    path: Path
    kind: str
    agency: str
    rows: int
    invalid: bool  # the file deliberately contains invalid rows (the submission must be refused)
    map_file: Path | None = None  # a --map YAML the file needs, else None


# -- layouts and writers -----------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A column: its header, the canonical value it shows, how a value becomes a cell."""

    header: str
    key: str
    fmt: Fmt = text


@dataclass(frozen=True)
class Layout:
    """How one agency's export looks."""

    name: str  # seeds the per-row rendering, so a re-export renders a notice identically
    columns: tuple[Col, ...]
    fmt: str = "csv"  # csv, xlsx, json, jsonl
    encoding: str = "utf-8"
    flat_lots: bool = True  # lots as flat columns (one lot per row) rather than a nested list


def _flatten(values: dict[str, Any]) -> dict[str, Any]:
    """Add the flat lot columns (lot, winner, …) from the single lot of a row."""
    lots: list[LotValue] = values.get("lots") or []
    if not lots:
        return values
    if len(lots) > 1:
        raise ValueError("a flat layout holds one lot per row")
    lot = lots[0]
    out = dict(values)
    out["lot"] = lot.name
    if lot.winners:
        out["winner"] = [o.name for o, _ in lot.winners]
        out["winner_uscc"] = [values.get("_bad_winner_uscc") or o.uscc for o, _ in lot.winners]
        out["award_amount"] = [a for _, a in lot.winners]
    if lot.candidates:
        out["candidates"] = [o.name for o, _ in lot.candidates]
        out["candidate_prices"] = [a for _, a in lot.candidates]
    return out


def _render(layout: Layout, row: PlannedNotice, seed: int) -> list[Any]:
    rng = random.Random(f"{seed}:{layout.name}:{row.uid}")
    values = {**row.values, "notice_type": row.stage}
    if layout.flat_lots:
        values = _flatten(values)
    cells: list[Any] = []
    for col in layout.columns:
        value = values.get(col.key)
        if value is None or value == []:
            cells.append(None)
        elif isinstance(value, Raw):
            cells.append(value.text)
        elif isinstance(value, list) and value and isinstance(value[0], Raw):
            cells.append("；".join(v.text for v in value))
        else:
            cells.append(col.fmt(value, rng))
    return cells


def write_layout(path: Path, layout: Layout, rows: Sequence[PlannedNotice], seed: int) -> int:
    """Write ``rows`` to ``path`` as ``layout`` says; returns the number of rows."""
    headers = [c.header for c in layout.columns]
    table = [_render(layout, row, seed) for row in rows]
    if layout.fmt == "csv":
        _write_csv(path, headers, table, layout.encoding)
    elif layout.fmt == "xlsx":
        _write_xlsx(path, headers, table)
    else:
        records = [{h: v for h, v in zip(headers, cells, strict=True) if v is not None} for cells in table]
        if layout.fmt == "json":
            path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        else:
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return len(rows)


def _write_csv(path: Path, headers: list[str], table: list[list[Any]], encoding: str) -> None:
    buf = io.StringIO()
    # GB18030 files come from Windows exports (CRLF); UTF-8 ones from web exports (LF).
    writer = csv.writer(buf, lineterminator="\r\n" if encoding == "gb18030" else "\n")
    writer.writerow(headers)
    writer.writerows([["" if c is None else c for c in cells] for cells in table])
    path.write_bytes(buf.getvalue().encode(encoding))


def _write_xlsx(path: Path, headers: list[str], table: list[list[Any]]) -> None:
    from openpyxl import Workbook  # only the XLSX file needs it

    wb = Workbook()
    ws = wb.active
    ws.title = "成交信息"
    ws.append(headers)
    for cells in table:
        ws.append(cells)
    for col in ws.iter_cols(min_row=2):
        for cell in col:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm" if cell.value.hour or cell.value.minute else "yyyy-mm-dd"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_pin_zip(buf.getvalue()))


def _pin_zip(data: bytes) -> bytes:
    """Rewrite an XLSX with fixed member timestamps and document dates (byte-reproducible)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                                 rb"\g<1>" + XLSX_DOC_TIME.encode() + rb"\g<2>", content)
            member = zipfile.ZipInfo(info.filename, date_time=XLSX_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, content)
    return out.getvalue()
