"""Agency submissions: a file in, every row checked, all rows stored or none.

The file is streamed once: each row is normalized and validated without any lock, the
prepared notices kept in a nameless temporary file. If any row has a problem nothing is
written and every problem is reported (row, column, value, reason). Otherwise the write
lock is taken (``BEGIN IMMEDIATE``, waiting a bounded time for another writer) and every
notice is written in one transaction, so other writers wait only for the write itself.
``dry_run`` runs the same path and always rolls back, which yields an exact preview of
what would be new, changed or unchanged.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from collectors.importers.headers import STRUCTURED, Column, resolve
from collectors.importers.readers import ReadError, check_regular, read_table
from collectors.messages import Lang, frame, say
from models.assemble import Cell, as_text, assemble
from models.codelists import KIND_LABELS, Kind
from models.normalize import lookup_region
from models.normalize.text import clean_line, is_placeholder
from models.notice import Source
from store.db import Counts, Mapper, Prepared, Store, prepare, sha256_file
from store.procs import die_with_parent

PARSER_VERSION = "submit/1"
CHUNK_ROWS = 500  # rows per task sent to a worker: amortizes pickling, keeps memory flat
WORKERS = 2  # the machine class has 2 cores: 2 checkers + the writer, which mostly waits on them
PARALLEL_BYTES = 1 << 20  # below 1 MiB starting processes costs more than it saves
MAX_REPORTED = 10_000  # problems listed in full; beyond that only counted


@dataclass(frozen=True)
class RowProblem:
    """One problem: where (row, column), the value as given, and why. ``reason`` is English (the
    stable text of ``--json`` and of this API); ``code`` and ``params`` let :mod:`collectors.messages`
    say it in Chinese. A reason from :mod:`models.normalize` brings its own code (``Reason``)."""

    row: int | None
    column: str
    value: str
    reason: str
    code: str | None = None
    params: dict[str, str] | None = None

    @classmethod
    def of(cls, row: int | None, column: str, value: str, reason: str) -> RowProblem:
        """A problem whose reason may carry its code (:class:`models.normalize.base.Reason`)."""
        return cls(row, column, value, str(reason), getattr(reason, "code", None), getattr(reason, "params", None))

    def text(self, lang: Lang = "zh") -> str:
        """The reason in ``lang``."""
        return say(self.reason, self.code, self.params, lang)

    def line(self, lang: Lang = "zh") -> str:
        if self.row is not None:
            where = frame("at_row", lang, row=self.row)
        else:
            where = frame("at_file" if self.column.startswith(("(", "--")) else "at_header", lang)
        value = self.value if len(self.value) <= 80 else self.value[:77] + "…"
        return frame("line", lang, where=where, column=self.column, value=value, reason=self.text(lang))


@dataclass
class SubmitResult:
    file: str
    sha256: str
    counts: Counts = field(default_factory=Counts)
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0
    refused_rows: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (header, why): known columns not kept

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def summary(self, lang: Lang = "zh") -> str:
        """One line: rows read; stored new / changed / unchanged; refused; time."""
        c = self.counts
        if not self.ok:
            return frame("refused", lang, file=self.file, problems=self.problem_count, refused=self.refused_rows,
                         rows=c.rows)
        rate = c.rows / self.seconds if self.seconds else 0
        return frame("stored", lang, file=self.file, rows=c.rows, verb=frame("verb_dry" if self.dry_run else "verb_stored", lang),
                     new=c.new, changed=c.changed, unchanged=c.unchanged, projects=c.projects,
                     seconds=f"{self.seconds:.2f}", rate=f"{rate:,.0f}")

    def report(self, lang: Lang = "zh") -> list[str]:
        """Every problem, one line each (row, column, value, reason)."""
        sep = "：" if lang == "zh" else ": "
        lines = [f"{self.file}{sep}{p.line(lang)}" for p in self.problems]
        more = self.problem_count - len(self.problems)
        if more:
            lines.append(f"{self.file}{sep}{frame('more', lang, n=more)}")
        return lines

    def add_problem(self, problem: RowProblem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(problem)


def submit(
    store: Store,
    path: Path,
    *,
    kind: Kind,
    agency: str,
    mapping: dict[str, str | None] | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    region: str | None = None,
) -> SubmitResult:
    """Validate and store every row of ``path`` as notices of ``kind`` submitted by ``agency``.

    ``region`` (a GB/T 2260 code or a division name) is the region of every row that names none
    (no region column, or an empty or placeholder cell such as 无).

    ``workers``: processes that check rows and compile projects beside the writer (default:
    both cores for files of ``PARALLEL_BYTES`` or more, none for small files).

    Raises :class:`store.db.StoreBusy` when another writer keeps the database past the
    store's bounded wait (every row was valid; nothing was written)."""
    started = time.perf_counter()
    kind = Kind(kind)
    agency = clean_line(agency)
    try:
        check_regular(path)  # before hashing: a FIFO or /dev/zero would be read forever
    except ReadError as exc:
        result = SubmitResult(file=path.name, sha256="", dry_run=dry_run)
        result.add_problem(RowProblem(None, "(file)", path.name, str(exc), "file_unreadable", {"detail": str(exc)}))
        return result
    result = SubmitResult(file=path.name, sha256=sha256_file(path), dry_run=dry_run)
    if not agency:
        result.add_problem(RowProblem(None, "--agency", "", "the submitting agency must be named", "agency_missing"))
        return result
    default_region: tuple[str, str] | None = None
    if region is not None:
        found = lookup_region(region)
        if found.value is None:
            why = found.error or "a region code or name is required"
            result.add_problem(RowProblem(None, "--region", region, why, "region_bad", {"detail": why}))
            return result
        # a code stands for itself; a name is kept as given (the notice shows the name people wrote)
        default_region = ("region_code", found.value.code) if region.strip().isdigit() else ("region", clean_line(region))
    try:
        table = read_table(path)
    except ReadError as exc:
        result.add_problem(RowProblem(None, "(file)", path.name, str(exc), "file_unreadable", {"detail": str(exc)}))
        return result
    header_map = resolve(kind, table.headers, mapping)
    for hp in header_map.problems:
        result.add_problem(RowProblem.of(None, hp.header, hp.header, hp.reason))
    result.ignored = header_map.ignored
    if header_map.problems:
        result.seconds = time.perf_counter() - started
        return result
    columns = [c for c in header_map.columns if c.field is not None]
    ctx = _RowContext(kind, columns, agency, f"submission://{result.sha256}/{path.name}", result.sha256,
                      datetime.now(UTC), default_region)
    chunks = _chunked(table.rows, CHUNK_ROWS)
    pool = None
    checked: Iterator[list[Prepared | list[RowProblem]]]
    mapper: Mapper
    if workers is None:
        workers = WORKERS if path.stat().st_size >= PARALLEL_BYTES else 0
    if workers:
        # fork: workers inherit the code and the context; nothing but rows and results is pickled.
        # They never touch the database (the writer's transaction stays in this process).
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_init_worker,
                                                        initargs=(ctx, os.getpid()))
        checked = pool.imap(_check_chunk, chunks)
        mapper = partial(pool.imap, chunksize=64)
    else:
        _init_worker(ctx)
        checked = map(_check_chunk, chunks)
        mapper = map

    # Phase 1, no lock held: read, normalize and check every row; the prepared notices go to a
    # nameless temporary file beside the database (memory stays flat; a crash leaves nothing).
    spill = tempfile.TemporaryFile(dir=store.path.parent, prefix=".submit-")  # noqa: SIM115 - closed in the finally below
    try:
        try:
            for outcomes in checked:
                good: list[Prepared] = []
                for outcome in outcomes:
                    result.counts.rows += 1
                    if isinstance(outcome, Prepared):
                        good.append(outcome)
                        continue
                    result.refused_rows += 1
                    for problem in outcome:
                        result.add_problem(problem)
                if good and not result.problem_count:  # once refused, keep checking rows but keep none
                    spill.write(orjson.dumps([tuple(p) for p in good]) + b"\n")
                if progress:
                    progress(result.counts.rows)
        except ReadError as exc:
            result.add_problem(RowProblem(None, "(file)", path.name, str(exc), "file_unreadable", {"detail": str(exc)}))
        if result.problem_count:
            result.seconds = time.perf_counter() - started
            return result
        # Phase 2: the write lock, held only to write (Store.batch waits for another writer,
        # bounded, and raises StoreBusy when it never comes free: nothing written then).
        spill.seek(0)
        kept_raw: list[Path] = []
        try:
            _write(store, path, spill, result, agency, kind, dry_run, mapper, kept_raw)
        except BaseException:
            for raw in kept_raw:  # the transaction rolled back: the raw bytes it kept go too
                raw.unlink(missing_ok=True)
            raise
    finally:
        spill.close()
        if pool is not None:
            pool.terminate()
            pool.join()
    result.seconds = time.perf_counter() - started
    return result


def _write(store: Store, path: Path, spill: Any, result: SubmitResult, agency: str, kind: Kind, dry_run: bool,
           mapper: Any, kept_raw: list[Path]) -> None:
    """Phase 2 of :func:`submit`: the checked rows written in one transaction. Raw bytes it keeps
    are listed in ``kept_raw`` so that a rollback can remove them (a refusal leaves nothing)."""
    with store.batch(dry_run=dry_run, mapper=mapper) as batch:
        for line in spill:
            for values in orjson.loads(line):
                batch.add(_prepared(values))
        batch.flush()
        if not dry_run:
            # The raw bytes every stored fact traces back to, kept content-addressed.
            created = store.keep_raw_file(path, result.sha256)
            if created is not None:
                kept_raw.append(created)
            store.conn.execute(
                "INSERT INTO submissions (submitted_at, agency, kind, file_name, file_sha256, rows, new, changed,"
                " unchanged) VALUES (?,?,?,?,?,?,?,?,?)",
                (batch.seen_at, agency, kind.value, path.name, result.sha256, result.counts.rows,
                 batch.counts.new, batch.counts.changed, batch.counts.unchanged))
    _copy_counts(batch.counts, result.counts)
    result.counts.projects = batch.counts.projects


@dataclass(frozen=True)
class _RowContext:
    """What every row of one submission shares (sent once to each worker)."""

    kind: Kind
    columns: list[Column]
    agency: str
    url: str
    sha256: str
    fetched_at: datetime
    region: tuple[str, str] | None = None  # (field, value) given to rows that name no region (--region)


_CTX: _RowContext | None = None


def _init_worker(ctx: _RowContext, parent: int | None = None) -> None:
    global _CTX
    _CTX = ctx
    if parent is not None:
        die_with_parent(parent)  # a pool worker: a killed submit leaves no worker behind


def _chunked(rows: Iterator[tuple[int, dict]], size: int) -> Iterator[list[tuple[int, dict]]]:
    chunk: list[tuple[int, dict]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_chunk(chunk: list[tuple[int, dict]]) -> list[Prepared | list[RowProblem]]:
    assert _CTX is not None
    return [_check_row(_CTX, row_no, record) for row_no, record in chunk]


def _check_row(ctx: _RowContext, row_no: int, record: dict[str, Any]) -> Prepared | list[RowProblem]:
    """One row: a notice prepared for the store, or its problems."""
    if "__extra__" in record:
        return [RowProblem(row_no, "(extra cells)", "|".join(record["__extra__"]), "more cells than headers",
                           "extra_cells")]
    cells: dict[str, Cell] = {}
    lots = None
    header_of: dict[str, str] = {}
    for col in ctx.columns:
        if col.field is None:  # never: the context keeps the mapped columns only (see submit)
            continue
        value = record.get(col.header)
        if col.field == "__kind__":
            if value not in (None, "") and str(value).strip() != ctx.kind.value:
                return [RowProblem(row_no, col.header, str(value), f"this submission is --kind {ctx.kind.value}",
                                   "kind_mismatch", {"kind": KIND_LABELS[ctx.kind][0], "kind_en": ctx.kind.value})]
            continue
        if col.field in STRUCTURED:
            if value is not None and not isinstance(value, list):
                return [RowProblem(row_no, col.header, str(value)[:200], "expected a list of lots", "lots_not_list")]
            lots = value
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        cells[col.field] = Cell(value, col.unit)
        header_of[col.field] = col.header
    if ctx.region and not any(name in cells and not is_placeholder(as_text(cells[name].value))
                              for name in ("region", "region_code")):
        cells.pop("region", None)
        cells.pop("region_code", None)
        cells[ctx.region[0]] = Cell(ctx.region[1])
        header_of[ctx.region[0]] = "--region"
    source = Source(platform=f"submission:{ctx.agency}", url=ctx.url, fetched_at=ctx.fetched_at, sha256=ctx.sha256,
                    parser_version=PARSER_VERSION, location=f"row {row_no}")
    out = assemble(ctx.kind, cells, source, publisher=ctx.agency, lots=lots)
    if out.notice is None:
        return [RowProblem.of(row_no, header_of.get(p.field.split(".")[0], p.field), p.value, p.reason)
                for p in out.problems]
    return prepare(out.notice)




def _prepared(values: list) -> Prepared:
    """A :class:`Prepared` read back from the spill file (JSON arrays back to tuples)."""
    pid, nid, sha, row, source, text = values
    return Prepared(pid, nid, sha, tuple(row), tuple(source), tuple(text) if text else None)


def _copy_counts(src: Counts, dst: Counts) -> None:
    dst.new, dst.changed, dst.unchanged = src.new, src.changed, src.unchanged
