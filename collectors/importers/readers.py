"""Read submitted files as (headers, rows): CSV (UTF-8 or GB18030), XLSX, JSON, JSONL.

Readers stream: a 100k-row file is never held as rows in memory. Each row comes with
its position in the file (``row 2`` is the first data row of a CSV, as a spreadsheet
shows it) so that every problem can be reported where the submitter will find it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

FORMATS = ("csv", "xlsx", "json", "jsonl")
_SNIFF_BYTES = 1 << 20


DUPLICATE_MARK = "#"  # 统一社会信用代码, 统一社会信用代码#2: a repeated header, told apart


def unique_headers(headers: list[str]) -> list[str]:
    """Headers with repeats told apart (``统一社会信用代码`` after the buyer and again after the
    winner is common): the second becomes ``统一社会信用代码#2``, so no column is lost."""
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 or not h else f"{h}{DUPLICATE_MARK}{seen[h]}")
    return out


class ReadError(Exception):
    """The file as a whole cannot be read (format, encoding, structure)."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]  # (row number as the submitter sees it, header → cell)
    encoding: str | None = None


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as UTF-8, else GB18030.

    GB18030 is a superset of GBK and GB2312 (source-formats.md §9: decode gb18030, not
    gbk). A cut multi-byte sequence at the end of the sample is tolerated."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a real error, not a character cut by the sample
            return "gb18030"
    return "utf-8"


def read_table(path: Path, fmt: str | None = None) -> Table:
    """Open ``path`` by its extension (or ``fmt``)."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ReadError(f"{path.name}: unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    return {"csv": _csv, "xlsx": _xlsx, "json": _json, "jsonl": _jsonl}[fmt](path)


def _csv(path: Path) -> Table:
    with path.open("rb") as fh:
        encoding = detect_encoding(fh.read(_SNIFF_BYTES))
    fh = path.open("r", encoding=encoding, newline="", errors="strict")
    reader = csv.reader(fh)
    headers: list[str] | None = None
    line = 0
    try:
        for line, record in enumerate(reader, start=1):  # noqa: B007 - line is used after the loop
            if not record or (record[0].lstrip().startswith("#")):
                continue  # blank lines and template comments
            headers = unique_headers([h.strip() for h in record])
            break
    except UnicodeDecodeError as exc:
        fh.close()
        raise ReadError(f"{path.name}: not valid {encoding} ({exc.reason} at byte {exc.start})") from exc
    if headers is None:
        fh.close()
        raise ReadError(f"{path.name}: no header row")
    header_line = line

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with fh:
            n = header_line
            try:
                for record in reader:
                    n = reader.line_num
                    if not record or not any(c.strip() for c in record) or record[0].lstrip().startswith("#"):
                        continue
                    if len(record) > len(headers):
                        extra = [c for c in record[len(headers):] if c.strip()]
                        if extra:
                            yield n, {"__extra__": extra, **dict(zip(headers, record, strict=False))}
                            continue
                    yield n, dict(zip(headers, record, strict=False))
            except UnicodeDecodeError as exc:
                raise ReadError(f"{path.name}: not valid {encoding} after line {n} ({exc.reason})") from exc
            except csv.Error as exc:
                raise ReadError(f"{path.name}: line {n}: {exc}") from exc

    return Table(headers, rows(), encoding)


def _xlsx(path: Path) -> Table:
    from openpyxl import load_workbook  # imported here: only XLSX submissions pay for it

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ReadError(f"{path.name}: not a readable XLSX file ({exc})") from exc
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    headers: list[str] | None = None
    n = 0
    for n, record in enumerate(it, start=1):  # noqa: B007
        if record and record[0] is not None and str(record[0]).lstrip().startswith("#"):
            continue
        if record and any(c is not None for c in record):
            headers = unique_headers(["" if c is None else str(c).strip() for c in record])
            break
    if headers is None:
        wb.close()
        raise ReadError(f"{path.name}: no header row in sheet {ws.title!r}")
    while headers and not headers[-1]:
        headers.pop()
    start = n

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for i, record in enumerate(it, start=start + 1):
                if not record or all(c is None or (isinstance(c, str) and not c.strip()) for c in record):
                    continue
                if record[0] is not None and str(record[0]).lstrip().startswith("#"):
                    continue
                yield i, {h: c for h, c in zip(headers, record, strict=False) if h}
        finally:
            wb.close()

    return Table(headers, rows())


def _objects(path: Path, items: list[Any]) -> Table:
    headers: dict[str, None] = {}
    for item in items:
        if not isinstance(item, dict):
            raise ReadError(f"{path.name}: every record must be a JSON object, found {type(item).__name__}")
        headers.update(dict.fromkeys(item))

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        yield from enumerate(items, start=1)

    return Table(list(headers), rows())


def _json(path: Path) -> Table:
    try:
        data = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise ReadError(f"{path.name}: not valid JSON ({exc})") from exc
    if isinstance(data, dict) and isinstance(data.get("notices"), list):
        data = data["notices"]
    if not isinstance(data, list):
        raise ReadError(f"{path.name}: expected a JSON array of records or {{\"notices\": [...]}}")
    return _objects(path, data)


def _jsonl(path: Path) -> Table:
    # Headers are the union of keys, so the file is read twice: once for keys, once for rows.
    headers: dict[str, None] = {}
    with path.open("rb") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                item = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ReadError(f"{path.name}: line {n} is not valid JSON ({exc})") from exc
            if not isinstance(item, dict):
                raise ReadError(f"{path.name}: line {n} is not a JSON object")
            headers.update(dict.fromkeys(item))

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        with path.open("rb") as fh:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    yield n, orjson.loads(line)

    return Table(list(headers), rows())


def csv_text(headers: list[str], rows: list[list[str]]) -> str:
    """A CSV document (used by templates and tests)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(headers)
    w.writerows(rows)
    return buf.getvalue()
