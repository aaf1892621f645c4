"""Hostile submissions (issue 14, item 4): no value accepted that a person would not read as that
value, a report (never a traceback, never a hang) for every bad input, and nothing left behind.

Every case goes through ``gongkai submit`` on a real file (CSV, XLSX written by openpyxl or by
hand, JSON, JSONL). The FIFO and device cases run the command as a subprocess with a timeout, so
a hang fails the test instead of stalling the suite; the full sweep of every hostile file through
a real subprocess is marked slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import orjson
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from collectors.importers.readers import XLSX_MAX_ROW, ReadError, read_table
from gongkai.cli import cli
from store.db import Store
from tests.conftest import count, write_csv
from tests.test_submit import LAND_HEADERS, LAND_ROW

PRICE = LAND_HEADERS.index("成交价格(万元)")
AREA = LAND_HEADERS.index("面积(公顷)")
TITLE = LAND_HEADERS.index("项目名称")


def land_row(**changes: str) -> list[str]:
    row = list(LAND_ROW)
    for index, value in changes.items():
        row[int(index.removeprefix("c"))] = value
    return row


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "db" / "gongkai.db"
    path.parent.mkdir()
    store = Store(path)
    store.init()
    store.close()
    return path


def run(db: Path, file: Path, *extra: str, kind: str = "land"):
    """``gongkai submit FILE`` in process; a traceback would surface as ``result.exception``."""
    result = CliRunner().invoke(cli, ["--db", str(db), "submit", str(file), "--kind", kind, "--agency", "A",
                                      "--lang", "en", *extra])  # the English reasons asserted below
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def nothing_written(db: Path) -> None:
    """No notice, no submission recorded, and no raw file kept for the refused file."""
    store = Store(db)
    try:
        assert count(store, "SELECT count(*) FROM notices") == 0
        assert count(store, "SELECT count(*) FROM submissions") == 0
        assert not [p for p in store.raw_dir.rglob("*") if p.is_file()]
    finally:
        store.close()


def refused(db: Path, file: Path, reason: str, *, column: str | None = None, kind: str = "land") -> str:
    result = run(db, file, kind=kind)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if reason in line]
    assert lines, result.stderr
    if column is not None:
        assert any(f"column {column!r}" in line for line in lines), lines
    nothing_written(db)
    return result.stderr


# -- formulas and numbers that are no numbers (CSV) ------------------------------------------------

@pytest.mark.parametrize(("column", "value", "reason"), [
    (PRICE, '=HYPERLINK("http://x/","100")', "a spreadsheet formula"),  # was stored as 100 万元
    (AREA, "=1+1", "a spreadsheet formula"),  # was stored as 1 公顷
    (PRICE, " =100", "a spreadsheet formula"),
    (LAND_HEADERS.index("合同签订日期"), "=TODAY()", "a spreadsheet formula"),
    (LAND_HEADERS.index("竞得人统一社会信用代码"), "=A1", "a spreadsheet formula"),
    (AREA, "1.2.3", "several decimal points"),  # was stored as 1.2 公顷
    (PRICE, "1.234.567", "several decimal points"),
    (PRICE, "1..5", "several decimal points"),
    (PRICE, "1+1", "an arithmetic expression"),  # was stored as 1 万元 ("repeated")
    (AREA, "１＋１", "an arithmetic expression"),
    (PRICE, "@SUM(A1)", "a spreadsheet formula"),  # was stored as 1 万元 (the 1 of A1)
    (AREA, "1e5", "scientific notation"),  # was stored as 1 公顷
    (PRICE, "1.23457E+11", "scientific notation"),
])
def test_formulas_and_dotted_numbers_are_row_errors(db, tmp_path, column, value, reason):
    path = write_csv(tmp_path / "land.csv", LAND_HEADERS, [land_row(**{f"c{column}": value})])
    refused(db, path, reason, column=LAND_HEADERS[column])


def test_a_formula_in_free_text_stays_text(db, tmp_path):
    """Only typed fields refuse ``=``: a title is kept as written (exports are formula-safe)."""
    path = write_csv(tmp_path / "land.csv", LAND_HEADERS, [land_row(**{f"c{TITLE}": "=1+1 地块"})])
    assert run(db, path).exit_code == 0


@pytest.mark.parametrize(("column", "value", "reason"), [
    (PRICE, "1" * 17, "beyond the largest amount"),  # was OverflowError (64-bit fen)
    (PRICE, "9" * 30, "beyond the largest amount"),  # was decimal.InvalidOperation
    (AREA, "1" * 30, "beyond the largest area"),  # was decimal.InvalidOperation
    (PRICE, "1" * 40, "number too long"),
])
def test_numbers_beyond_the_store_are_row_errors_and_leave_no_raw_file(db, tmp_path, column, value, reason):
    path = write_csv(tmp_path / "land.csv", LAND_HEADERS, [land_row(**{f"c{column}": value})])
    refused(db, path, reason, column=LAND_HEADERS[column])


def test_the_largest_accepted_amount_is_stored_exactly(db, tmp_path):
    path = write_csv(tmp_path / "land.csv", LAND_HEADERS, [land_row(**{f"c{PRICE}": "9999999999.99"})])  # 万元
    assert run(db, path).exit_code == 0
    store = Store(db)
    try:
        assert store.conn.execute("SELECT price_fen FROM projects_land").fetchone()[0] == 9_999_999_999_990_000
    finally:
        store.close()


def test_award_amounts_that_sum_beyond_the_store_are_refused(db, tmp_path):
    """Each amount is under the bound, but 1000 of them overflowed the stored total (award_total_fen)."""
    lots = [{"name": f"第{i}包", "winners": [{"name": f"某公司{i}", "amount": "99999999999999"}]} for i in range(1000)]
    path = tmp_path / "procurement.json"
    path.write_bytes(orjson.dumps([{"title": "某采购项目结果公告", "published_at": "2026-01-02", "project_no": "P-1",
                                    "lots": lots}]))
    refused(db, path, "the award amounts sum beyond", column="lots", kind="procurement")


# -- JSON cells that are objects or lists ---------------------------------------------------------

def _land_record(**changes: object) -> dict:
    return {**dict(zip(LAND_HEADERS, LAND_ROW, strict=True)), **changes}


@pytest.mark.parametrize("value", [{"$gt": ""}, ["a", "b"], {}])
def test_json_objects_and_lists_are_not_text(db, tmp_path, value):
    path = tmp_path / "land.json"
    path.write_bytes(orjson.dumps([_land_record(项目名称=value)]))
    err = refused(db, path, "where a", column="项目名称")
    assert "{'$gt'" not in err  # never the Python repr


def test_json_object_as_a_price_and_in_nested_lots(db, tmp_path):
    path = tmp_path / "land.jsonl"
    path.write_bytes(orjson.dumps(_land_record(**{"成交价格(万元)": {"$numberDecimal": "1"}})) + b"\n")
    refused(db, path, "a JSON object where a value belongs", column="成交价格(万元)")
    lots = [{"name": "一包", "winners": [{"name": {"$ne": None}, "amount": "100"}]},
            {"name": ["x"], "budget": "=1+1"}]
    record = {"title": "某采购项目结果公告", "published_at": "2026-01-02", "project_no": "P-1", "lots": lots}
    path = tmp_path / "procurement.json"
    path.write_bytes(orjson.dumps([record]))
    result = run(db, path, kind="procurement")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    for where, reason in (("lots.0.winners.0.name", "a JSON object"), ("lots.1.name", "a JSON list"),
                          ("lots.1.budget", "a spreadsheet formula")):
        assert any(f"column {where!r}" in line and reason in line for line in lines), (where, lines)
    nothing_written(db)


# -- XLSX --------------------------------------------------------------------------------------------

def _col(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _row(n: int, values: list[str], raw: dict[int, str] | None = None) -> str:
    """A sheet row of inline strings; ``raw`` replaces cells (0-based column → ``<c>`` XML)."""
    cells = [(raw or {}).get(i) or _text_cell(f"{_col(i + 1)}{n}", v) for i, v in enumerate(values)]
    return f'<row r="{n}">{"".join(cells)}</row>'


def hand_xlsx(path: Path, rows_xml: str, dimension: str = "A1:L2") -> Path:
    """An XLSX whose first sheet is exactly ``rows_xml`` (written by openpyxl, then the sheet XML
    replaced): cells openpyxl would never write, as hostile or broken tools do."""
    wb = Workbook()
    wb.active["A1"] = "placeholder"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData></worksheet>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_xlsx_formula_without_a_cached_value_is_a_row_error(db, tmp_path):
    """openpyxl writes formulas without their result; reading data_only used to drop the cell."""
    wb = Workbook()
    ws = wb.active
    ws.append(LAND_HEADERS)
    ws.append(LAND_ROW)
    ws.cell(row=2, column=PRICE + 1, value="=100*2")
    wb.save(tmp_path / "land.xlsx")
    refused(db, tmp_path / "land.xlsx", "formula without a value", column="成交价格(万元)")


def test_xlsx_formula_with_its_cached_value_reads_the_value(db, tmp_path):
    price = f'<c r="{_col(PRICE + 1)}2"><f>100*3020</f><v>302000</v></c>'
    path = hand_xlsx(tmp_path / "land.xlsx", _row(1, LAND_HEADERS) + _row(2, LAND_ROW, {PRICE: price}))
    assert run(db, path).exit_code == 0
    store = Store(db)
    try:
        assert store.conn.execute("SELECT price_fen FROM projects_land").fetchone()[0] == 302_000_000_000
    finally:
        store.close()


@pytest.mark.parametrize(("cell", "reason"), [
    ('<c r="{ref}"><v>NaN</v></c>', "not a readable number cell"),  # was ValueError
    ('<c r="{ref}"><v>abc</v></c>', "not a readable number cell"),  # was ValueError
    ('<c r="{ref}"><v>inf</v></c>', "not a readable number cell"),
    ('<c r="{ref}"><v>1e999</v></c>', "not a finite number"),
    ('<c r="{ref}" t="s"><v>9999</v></c>', "shared-string index"),  # was IndexError
    ('<c r="{ref}" t="b"><v>maybe</v></c>', "not a readable boolean cell"),
    ('<c r="{ref}" t="e"><v>#DIV/0!</v></c>', "a spreadsheet error"),
])
def test_xlsx_unreadable_cells_are_row_errors(db, tmp_path, cell, reason):
    raw = cell.format(ref=f"{_col(PRICE + 1)}2")
    path = hand_xlsx(tmp_path / "land.xlsx", _row(1, LAND_HEADERS) + _row(2, LAND_ROW, {PRICE: raw}))
    refused(db, path, reason, column="成交价格(万元)")


def test_xlsx_declared_dimension_is_not_trusted(db, tmp_path):
    """A tiny file declaring A1:XFD1048576 with its one data row last: read in well under a second."""
    rows = _row(1, LAND_HEADERS) + _row(XLSX_MAX_ROW, LAND_ROW)
    path = hand_xlsx(tmp_path / "land.xlsx", rows, dimension="A1:XFD1048576")
    assert path.stat().st_size < 10_000
    started = time.perf_counter()
    table = read_table(path)
    assert [n for n, _record in table.rows] == [XLSX_MAX_ROW]
    assert time.perf_counter() - started < 1
    result = run(db, path)
    assert result.exit_code == 0, result.output
    assert "1 rows read" in result.output


def test_xlsx_rows_beyond_the_last_row_are_refused(db, tmp_path):
    path = hand_xlsx(tmp_path / "land.xlsx", _row(1, LAND_HEADERS) + _row(XLSX_MAX_ROW + 1, LAND_ROW))
    refused(db, path, "beyond the last row a worksheet can have")


def test_xlsx_cells_right_of_the_headers_are_not_dropped(db, tmp_path):
    extra = _text_cell("Z2", "3020000000")
    path = hand_xlsx(tmp_path / "land.xlsx", _row(1, LAND_HEADERS) + _row(2, LAND_ROW).replace("</row>", extra + "</row>"))
    refused(db, path, "more cells than headers")


def test_xlsx_dates_still_read(db, tmp_path):
    """The cell-by-cell reader keeps openpyxl's date handling (a date-formatted number is a date)."""
    from datetime import datetime

    wb = Workbook()
    ws = wb.active
    ws.append(LAND_HEADERS)
    ws.append([*LAND_ROW[:-1], datetime(2019, 3, 28, 9, 30)])
    wb.save(tmp_path / "land.xlsx")
    assert run(db, tmp_path / "land.xlsx").exit_code == 0
    store = Store(db)
    try:
        assert store.conn.execute("SELECT published_at FROM notices").fetchone()[0] == "2019-03-28T09:30:00+08:00"
    finally:
        store.close()


# -- empty files and BOMs ------------------------------------------------------------------------------

def _header_only_xlsx(path: Path) -> Path:
    wb = Workbook()
    wb.active.append(LAND_HEADERS)
    wb.save(path)
    return path


def _header_only_csv(p: Path) -> Path:
    return write_csv(p / "land.csv", LAND_HEADERS, [])


def _comments_only_csv(p: Path) -> Path:
    return write_csv(p / "land.csv", LAND_HEADERS, [["# a comment"], []])


def _empty_jsonl(p: Path) -> Path:
    (p / "land.jsonl").write_bytes(b"")
    return p / "land.jsonl"


def _empty_json_array(p: Path) -> Path:
    (p / "land.json").write_bytes(b"[]")
    return p / "land.json"


@pytest.mark.parametrize("make", [_header_only_csv, _comments_only_csv, lambda p: _header_only_xlsx(p / "land.xlsx"),
                                  _empty_jsonl, _empty_json_array])
def test_a_file_without_data_rows_is_refused(db, tmp_path, make):
    path = make(tmp_path)
    refused(db, path, "no data rows")


def test_jsonl_with_a_bom_reads_like_csv_with_one(db, tmp_path):
    path = tmp_path / "land.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(_land_record()) + b"\n")
    result = run(db, path)
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    csv_path = write_csv(tmp_path / "land.csv", LAND_HEADERS, [LAND_ROW], encoding="utf-8-sig")
    assert "1 unchanged" in run(db, csv_path).output


# -- only regular files ------------------------------------------------------------------------------

def gk(db: Path, file: Path | str, timeout: float = 30) -> subprocess.CompletedProcess:
    """The real command in a subprocess: a hang is a TimeoutExpired, not a stalled suite."""
    return subprocess.run([sys.executable, "-m", "gongkai", "--db", str(db), "submit", str(file), "--kind", "land",
                           "--agency", "A", "--lang", "en"], capture_output=True, text=True, timeout=timeout, check=False)


def test_a_fifo_is_refused_at_once(db, tmp_path):
    fifo = tmp_path / "land.csv"
    os.mkfifo(fifo)
    started = time.perf_counter()
    out = gk(db, fifo)
    assert time.perf_counter() - started < 20
    assert out.returncode == 1
    assert "a named pipe (FIFO), not a regular file" in out.stderr
    assert "Traceback" not in out.stderr
    nothing_written(db)


def test_a_symlink_to_a_device_is_refused_at_once(db, tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("/dev/zero is absent")
    link = tmp_path / "land.csv"
    link.symlink_to("/dev/zero")
    out = gk(db, link)
    assert out.returncode == 1
    assert "a device, not a regular file" in out.stderr
    nothing_written(db)


def test_a_directory_is_refused(db, tmp_path):
    folder = tmp_path / "land.csv"
    folder.mkdir()
    result = run(db, folder)
    assert result.exit_code != 0
    assert "directory" in result.output
    with pytest.raises(ReadError, match="a directory, not a regular file"):
        read_table(folder)


# -- the whole sweep through a real process ------------------------------------------------------------

@pytest.mark.slow
def test_every_hostile_file_gives_a_report_through_the_real_command(db, tmp_path):
    """Each hostile input, through ``python -m gongkai submit``: exit 1, a reason, no traceback, and
    the database and raw store untouched."""
    files: list[Path] = []
    for i, (column, value) in enumerate([
            (PRICE, '=HYPERLINK("http://x/","100")'), (AREA, "=1+1"), (AREA, "1.2.3"), (PRICE, "1" * 17),
            (PRICE, "1" * 30), (AREA, "1" * 30), (PRICE, "1" * 200)]):
        files.append(write_csv(tmp_path / f"c{i}.csv", LAND_HEADERS, [land_row(**{f"c{column}": value})]))
    for i, cell in enumerate(['<c r="H2"><v>NaN</v></c>', '<c r="H2"><v>abc</v></c>', '<c r="H2" t="s"><v>7</v></c>',
                              '<c r="H2"><f>1+1</f></c>']):
        files.append(hand_xlsx(tmp_path / f"x{i}.xlsx", _row(1, LAND_HEADERS) + _row(2, LAND_ROW, {PRICE: cell})))
    (tmp_path / "t.json").write_text(json.dumps([_land_record(项目名称={"$gt": ""})]), encoding="utf-8")
    (tmp_path / "e.jsonl").write_bytes(b"")
    files += [tmp_path / "t.json", tmp_path / "e.jsonl", write_csv(tmp_path / "h.csv", LAND_HEADERS, [])]
    for path in files:
        out = gk(db, path, timeout=60)
        assert out.returncode == 1, (path.name, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr, (path.name, out.stderr)
        assert "nothing was written" in out.stderr or "no data rows" in out.stderr, (path.name, out.stderr)
    nothing_written(db)


def test_a_rollback_after_the_raw_file_was_kept_removes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The raw bytes are kept inside the write transaction; when it rolls back (here: project
    compilation fails), they go too, and the database is as it was."""
    from collectors.submit import submit
    from models.codelists import Kind
    from store.db import Batch, Store

    db = tmp_path / "g.db"
    store = Store(db)
    store.init()
    csv = tmp_path / "rows.csv"
    csv.write_text("电子监管号,公告标题,发布时间,成交价格(万元),行政区\n"
                   "4401132019B00001,测试地块成交公示,2019-06-27,1200,广州市番禺区\n", encoding="utf-8")

    def broken(self: Batch) -> None:
        raise RuntimeError("compilation failed")

    monkeypatch.setattr(Batch, "compile_projects", broken)
    with pytest.raises(RuntimeError, match="compilation failed"):
        submit(store, csv, kind=Kind.land, agency="测试局")
    assert not any(p.is_file() for p in store.raw_dir.rglob("*"))
    assert store.conn.execute("SELECT count(*) FROM notices").fetchone()[0] == 0
    store.close()
