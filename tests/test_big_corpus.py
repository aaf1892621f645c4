"""The scale benchmark's five-area corpus (demo.generate.big_corpus, issue 11): every file is
accepted by the real submission path, the rows split exactly by the area shares, projects have
lifecycles with corrections, duplicates come back unchanged, and each area has flagged and clear
red-flag results."""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from pathlib import Path

import pytest

from collectors.submit import SubmitResult, submit
from demo.generate import generate_big_corpus
from demo.generate.big_corpus import AREA_SHARES, HEADERS, split_rows
from models.codelists import Kind
from store.db import Store

ROWS = 2_000


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[Kind, Path]], dict[Kind, SubmitResult], Path]:
    tmp = tmp_path_factory.mktemp("big-corpus")
    files = generate_big_corpus(tmp / "files", rows=ROWS, seed=11)
    db = tmp / "corpus.db"
    Store(db).init()
    results = {}
    store = Store(db)
    try:
        for kind, path in files:
            results[kind] = submit(store, path, kind=kind, agency="基准测试")
    finally:
        store.close()
    return files, results, db


def test_every_file_is_accepted_and_the_rows_split_exactly(corpus) -> None:
    files, results, _db = corpus
    assert [k for k, _ in files] == [k for k, _ in AREA_SHARES]
    expected = {Kind.procurement: 900, Kind.tender: 700, Kind.land: 200, Kind.state_asset: 120, Kind.mining: 80}
    for kind, path in files:
        result = results[kind]
        assert result.problem_count == 0, "\n".join(result.report("en")[:20])
        assert result.ignored == []  # every column is a field the importer keeps
        table = _rows(path)
        assert tuple(table[0]) == HEADERS[kind]
        assert len(table) - 1 == expected[kind] == result.counts.rows
    assert sum(r.counts.rows for r in results.values()) == ROWS


@pytest.mark.parametrize("rows", [0, 1, 7, 999, 2_001, 123_457, 1_000_000])
def test_the_split_sums_to_the_rows_asked(rows: int) -> None:
    split = split_rows(rows)
    assert sum(split.values()) == rows
    total = sum(s for _, s in AREA_SHARES)
    for kind, share in AREA_SHARES:
        assert abs(split[kind] - rows * share / total) < 1


def test_exact_duplicates_come_back_unchanged(corpus) -> None:
    files, results, _db = corpus
    for kind, path in files:
        table = _rows(path)[1:]
        duplicates = sum(1 for before, row in zip(table, table[1:], strict=False) if row == before)
        counts = results[kind].counts
        assert duplicates > 0, kind
        assert counts.unchanged == duplicates, kind
        assert counts.new + counts.changed + counts.unchanged == counts.rows


def test_every_area_has_lifecycles_with_corrections_and_versions(corpus) -> None:
    _files, _results, db = corpus
    conn = sqlite3.connect(db)
    try:
        per_kind = {k: (projects, corrected, multi) for k, projects, corrected, multi in conn.execute(
            "SELECT kind, count(*), sum(correction_count > 0), sum(notice_count >= 2) FROM projects GROUP BY kind")}
        versions = conn.execute("SELECT count(*) FROM notices WHERE version > 1").fetchone()[0]
        stages = {k: set(v.split(",")) for k, v in conn.execute(
            "SELECT kind, group_concat(DISTINCT notice_type) FROM notices GROUP BY kind")}
        long_bodies = conn.execute("SELECT count(*) FROM notices WHERE length(body) > 2000").fetchone()[0]
        paragraphs = conn.execute("SELECT min(length(body) - length(replace(body, char(10), ''))) FROM notices "
                                  "WHERE notice_type = 'announcement'").fetchone()[0]
    finally:
        conn.close()
    assert set(per_kind) == {k.value for k in Kind}
    for kind, (projects, corrected, multi) in per_kind.items():
        assert corrected > 0, kind
        assert multi > projects // 2, kind  # most projects have a call and an outcome (some a correction between)
        assert {"announcement", "correction", "result"} <= stages[kind], kind
    assert "candidates" in stages["tender"]
    assert "contract" in stages["procurement"]
    assert versions > 0  # revised re-publications are second versions of the same notice
    assert long_bodies > 0
    assert paragraphs >= 4  # a head and several paragraphs, one per line


def test_each_area_has_flagged_and_clear_projects_and_most_are_clear(corpus) -> None:
    _files, _results, db = corpus
    conn = sqlite3.connect(db)
    try:
        statuses = {(k, s) for k, s in conn.execute(
            "SELECT DISTINCT p.kind, f.status FROM flags f JOIN projects p USING (project_id)")}
        shares = dict(conn.execute(
            "SELECT p.kind, avg(EXISTS (SELECT 1 FROM flags f WHERE f.project_id = p.project_id "
            "AND f.status = 'flagged')) FROM projects p GROUP BY p.kind").fetchall())
        flagged_codes = {code for (code,) in conn.execute("SELECT DISTINCT indicator FROM flags WHERE status = 'flagged'")}
    finally:
        conn.close()
    for kind in Kind:
        assert (kind.value, "flagged") in statuses, kind
        assert (kind.value, "clear") in statuses, kind
        assert 0 < shares[kind.value] < 0.5, (kind, shares[kind.value])
    # the traits each trip their indicator
    assert {"P-SINGLE", "P-SHORTPERIOD", "P-CLOSEBUDGET", "P-LATERESULT", "P-EVEN", "P-DISQ", "P-CONTRACTUP",
            "X-NOCALL", "L-AGREEMENT", "L-BELOWBENCH", "L-SINGLEBIDDER", "L-SHORTNOTICE", "L-SHORTLISTING",
            "M-AGREEMENT", "M-RESERVE", "S-BELOWAPPRAISAL", "S-DISCOUNT90", "S-SINGLE",
            "S-SHORTLISTING"} <= flagged_codes


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    one = generate_big_corpus(tmp_path / "one", rows=500, seed=4)
    two = generate_big_corpus(tmp_path / "two", rows=500, seed=4)
    other = generate_big_corpus(tmp_path / "other", rows=500, seed=5)
    assert [p.read_bytes() for _, p in one] == [p.read_bytes() for _, p in two]
    assert [p.read_bytes() for _, p in one] != [p.read_bytes() for _, p in other]


def test_a_quote_in_a_value_is_written_as_valid_csv() -> None:
    from demo.generate.big_corpus import _csv_line

    fields = ["a", 'say "hi"', "line\nbreak", ""]
    assert list(csv.reader(io.StringIO(_csv_line(fields)))) == [fields]


@pytest.mark.slow
def test_100k_rows_generate_in_under_10_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    files = generate_big_corpus(tmp_path, rows=100_000)
    assert time.perf_counter() - started < 10
    assert sum(len(_rows(p)) - 1 for _, p in files) == 100_000
