"""Read submitted files as (headers, rows): CSV (UTF-8 or GB18030), XLSX, JSON, JSONL.

Readers stream: a 100k-row file is never held as rows in memory. Each row comes with
its position in the file (``row 2`` is the first data row of a CSV, as a spreadsheet
shows it) so that every problem can be reported where the submitter will find it.
"""

from __future__ import annotations

import csv
import math
import os
import stat
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import orjson

FORMATS = ("csv", "xlsx", "json", "jsonl")
_BOM = b"\xef\xbb\xbf"  # a UTF-8 byte-order mark: read past in every format, as spreadsheets write one
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


def check_regular(path: Path) -> None:
    """Refuse at once anything but a regular file: a FIFO or a device (``/dev/zero`` behind a
    symlink) would block or never end, a directory has no rows. Opened without blocking, so a
    FIFO with no writer is refused, not waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise ReadError(f"{path}: no such file") from exc
    except OSError as exc:
        raise ReadError(f"{path}: cannot be opened ({exc.strerror})") from exc
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    if stat.S_ISREG(mode):
        return
    what = ("a directory" if stat.S_ISDIR(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a special file")
    raise ReadError(f"{path}: {what}, not a regular file (only regular files are read)")


def read_table(path: Path, fmt: str | None = None) -> Table:
    """Open ``path`` by its extension (or ``fmt``). A file with a header and no data row is a
    ``ReadError`` (``no data rows``): an empty submission is refused, not recorded."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ReadError(f"{path.name}: unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    check_regular(path)
    table = {"csv": _csv, "xlsx": _xlsx, "json": _json, "jsonl": _jsonl}[fmt](path)
    first = next(table.rows, None)
    if first is None:
        raise ReadError(f"{path.name}: no data rows (nothing but a header, comments or blank lines)")
    table.rows = chain([first], table.rows)
    return table


def _csv(path: Path) -> Table:
    with path.open("rb") as raw:
        encoding = detect_encoding(raw.read(_SNIFF_BYTES))
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


XLSX_MAX_ROW = 1_048_576  # the last row a worksheet can have (ECMA-376); a row numbered beyond it is refused


@dataclass(frozen=True)
class BadCell:
    """A cell that holds no readable value (an XLSX formula without its cached result, a number
    cell that is no number, a spreadsheet error such as ``#DIV/0!``): a row error, never a value."""

    text: str  # what the file holds (the formula, the raw text), for the report
    reason: str

    def __str__(self) -> str:
        return self.text


def _sheet_parser(source: Any, wb: Any, shared_strings: list[Any]) -> Any:
    """An openpyxl worksheet parser (openpyxl 3.1, pinned < 4) whose cells never raise and never
    vanish: an unreadable cell becomes a :class:`BadCell` that names why."""
    from openpyxl.utils import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            try:
                cell = super().parse_cell(element)
            except (ValueError, IndexError, OverflowError, TypeError) as exc:
                where = element.get("r")
                row, column = coordinate_to_tuple(where) if where else (self.row_counter, self.col_counter)
                kind = element.get("t", "n")
                text = element.findtext(VALUE_TAG) or ""
                reason = ("a shared-string index the file does not have" if isinstance(exc, IndexError)
                          else f"not a readable {_CELL_TYPES.get(kind, kind)} cell")
                return {"row": row, "column": column, "value": BadCell(text, reason)}
            value = cell["value"]
            if value is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = BadCell("=" + (element.findtext(FORMULA_TAG) or ""),
                                        "formula without a value (save the file in a spreadsheet program so the"
                                        " result is stored, or paste the values)")
            elif cell.get("data_type") == "e":
                cell["value"] = BadCell(str(value), "a spreadsheet error, not a value" if element.get("t") == "e"
                                        else "a date serial number outside the dates a spreadsheet can show")
            elif isinstance(value, float) and not math.isfinite(value):
                cell["value"] = BadCell(repr(value), "not a finite number")
            return cell

    return Parser(source, shared_strings, data_only=True, epoch=wb.epoch, date_formats=wb._date_formats,
                  timedelta_formats=wb._timedelta_formats)


# openpyxl warns (on stderr) about a date cell out of range; the reader reports it as a row error instead
warnings.filterwarnings("ignore", message=r"Cell .* is marked as a date", category=UserWarning)

_CELL_TYPES = {"n": "number", "b": "boolean", "d": "date", "s": "shared-string"}


def _xlsx(path: Path) -> Table:
    """The first worksheet, cell by cell as the file holds them: the declared dimension is not
    trusted (a sheet declaring ``A1:XFD1048576`` costs only the cells it has), rows beyond
    ``XLSX_MAX_ROW`` are refused, and a cell right of the last header is an error, not dropped."""
    from openpyxl import load_workbook  # imported here: only XLSX submissions pay for it

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        source = ws._get_source()
        cells = _sheet_parser(source, wb, ws._shared_strings).parse()
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ReadError(f"{path.name}: not a readable XLSX file ({exc})") from exc

    def records() -> Iterator[tuple[int, list[tuple[int, Any]]]]:
        try:
            for n, row in cells:
                if n > XLSX_MAX_ROW:
                    raise ReadError(f"{path.name}: row {n} is beyond the last row a worksheet can have ({XLSX_MAX_ROW})")
                yield n, [(c["column"], c["value"]) for c in row if c["value"] is not None]
        except ReadError:
            raise
        except Exception as exc:  # a malformed sheet (bad XML, a bad row number …)
            raise ReadError(f"{path.name}: not a readable XLSX sheet ({type(exc).__name__}: {exc})") from exc

    def blank(value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    def comment(values: list[tuple[int, Any]]) -> bool:
        first = next((v for col, v in values if col == 1), None)
        return first is not None and not isinstance(first, BadCell) and str(first).lstrip().startswith("#")

    it = records()
    headers: list[str] | None = None
    try:
        for _n, values in it:
            if comment(values) or all(blank(v) for _c, v in values):
                continue
            bad = next(((c, v) for c, v in values if isinstance(v, BadCell)), None)
            if bad:
                raise ReadError(f"{path.name}: header cell in column {bad[0]}: {bad[1].reason}")
            width = max(c for c, _v in values)
            if width > 16_384:
                raise ReadError(f"{path.name}: a header beyond the last column a worksheet can have")
            row = [""] * width
            for c, v in values:
                row[c - 1] = str(v).strip()
            headers = unique_headers(row)
            break
    except ReadError:
        source.close()
        wb.close()
        raise
    if headers is None:
        source.close()
        wb.close()
        raise ReadError(f"{path.name}: no header row in sheet {ws.title!r}")
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for n, values in it:
                if comment(values) or all(blank(v) for _c, v in values):
                    continue
                record: dict[str, Any] = {}
                extra = []
                for c, v in values:
                    if c > width or not headers[c - 1]:
                        if not blank(v):
                            extra.append(str(v))
                    else:
                        record[headers[c - 1]] = v
                if extra:
                    record["__extra__"] = extra
                yield n, record
        finally:
            source.close()
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
        data = orjson.loads(path.read_bytes().removeprefix(_BOM))
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
            if n == 1:
                line = line.removeprefix(_BOM)
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
                record = line.removeprefix(_BOM) if n == 1 else line
                if record.strip():
                    yield n, orjson.loads(record)

    return Table(list(headers), rows())
