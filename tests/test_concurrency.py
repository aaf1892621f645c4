"""Writers that share the database (issue 14, item 2): real SQLite files, real processes.

A submission validates without the write lock and holds ``BEGIN IMMEDIATE`` only to write; a
writer that finds the database busy says so and waits a bounded time, then fails with a clear
error (never a ``database is locked`` traceback); a crawl never drops a batch (it keeps busy
batches, and spills what it can never write, failing loudly); a submission and a crawl run
together store exactly what they store one after the other.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest

from collectors.submit import submit
from demo.portal import running
from models.codelists import Kind
from store.db import Store
from tests.conftest import dump, write_csv
from tests.test_crash import PROC_HEADERS, big_rows
from tests.test_submit import LAND_HEADERS, LAND_ROW

RUN = [sys.executable, "-m", "gongkai"]

# A second process that takes the write lock and keeps it for SECONDS (negative: until its
# stdin closes): the other writer of every test below.
_HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
seconds = float(sys.argv[2])
sys.stdin.readline() if seconds < 0 else time.sleep(seconds)
conn.execute("ROLLBACK")
"""


@contextmanager
def holding_lock(db: Path, seconds: float = -1) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(db), str(seconds)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=60)


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", **extra}


def gongkai(db: Path, *args: str, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*RUN, "--db", str(db), *args], capture_output=True, text=True, timeout=timeout,
                          env=env(**extra), check=False)


def init(db: Path) -> None:
    assert gongkai(db, "init").returncode == 0


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


# Columns that say when something happened (they differ between any two runs), not what was stored.
_WHEN = {"first_seen_at", "fetched_at", "stored_at", "updated_at", "created_at", "submitted_at",
         "since"}  # flags.since: when a batch first computed that result


def canonical(db: Path) -> dict[str, list[tuple]]:
    """Every stored fact of every table, without the times of the run and the row ids, sorted:
    equal for two databases that received the same data in any order."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                              " AND name NOT LIKE 'sqlite_%' AND name NOT IN ('meta', 'changes')"
                                              " ORDER BY name")]  # changes: the order of the writes, by design
        for table in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            if table in ("rejections", "submissions"):
                cols.remove("id")
            keep = [f"{c} IS NOT NULL" if c == "superseded_at" else c for c in cols if c not in _WHEN]
            # parties: those a project names (a party compiled from an early batch and renamed by a later
            # one stays behind unreferenced, so the unreferenced ones depend on where batches end)
            where = " WHERE party_id IN (SELECT party_id FROM project_parties)" if table == "parties" else ""
            rows = conn.execute(f"SELECT {', '.join(keep)} FROM {table}{where}").fetchall()
            if table == "log":  # a leaf per version, in write order, with its write time and the source that
                # arrived first (of the same facts read from two platforms), by design: compare the facts
                facts = ("op", "version_id", "notice_id", "project_id", "version", "kind", "content_sha256")
                rows = [(op, vid, tuple(orjson.loads(leaf).get(k) for k in facts)) for _idx, op, vid, leaf in rows]
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        conn.close()


# -- submissions -------------------------------------------------------------------------


def test_a_submission_validates_without_holding_the_write_lock(tmp_path: Path):
    db = tmp_path / "g.db"
    store = Store(db)
    store.init()
    path = write_csv(tmp_path / "p.csv", PROC_HEADERS, big_rows(1_200))
    probes: list[bool] = []

    def another_writer_can_write(_rows: int) -> None:
        # called while rows are being checked: a second writer must get the lock at once
        other = sqlite3.connect(db, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            probes.append(True)
        except sqlite3.OperationalError:
            probes.append(False)
        finally:
            other.close()

    result = submit(store, path, kind=Kind.procurement, agency="某县财政局", workers=0,
                    progress=another_writer_can_write)
    store.close()
    assert result.ok, result.report()
    assert result.counts.new == 1_200
    assert len(probes) >= 3
    assert all(probes), probes


def test_a_submission_waits_for_another_writer_and_says_so(tmp_path: Path):
    db = tmp_path / "g.db"
    init(db)
    path = write_csv(tmp_path / "land.csv", LAND_HEADERS, [LAND_ROW])
    with holding_lock(db, seconds=3):
        done = gongkai(db, "submit", str(path), "--kind", "land", "--agency", "佛山市自然资源局", "--lang", "en",
                       GONGKAI_BUSY_WAIT="60")
    assert done.returncode == 0, done.stderr
    assert "database busy (another writer), retrying" in done.stderr
    assert "Traceback" not in done.stderr
    assert "1 new" in done.stdout
    assert count(db, "SELECT count(*) FROM notices") == 1


def test_a_submission_that_never_gets_the_lock_fails_clearly_and_writes_nothing(tmp_path: Path):
    db = tmp_path / "g.db"
    init(db)
    before = dump(db)
    path = write_csv(tmp_path / "land.csv", LAND_HEADERS, [LAND_ROW])
    started = time.monotonic()
    with holding_lock(db):
        done = gongkai(db, "submit", str(path), "--kind", "land", "--agency", "佛山市自然资源局",
                       GONGKAI_BUSY_WAIT="2")
    assert time.monotonic() - started < 25  # the bounded wait, not SQLite's 30 s busy timeout
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "database is locked" not in done.stderr
    assert "database busy (another writer), retrying" in done.stderr
    assert "error:" in done.stderr
    assert "nothing was written" in done.stderr
    assert dump(db) == before
    assert not (tmp_path / "raw").exists() or not any((tmp_path / "raw").rglob("*"))
    assert not list(tmp_path.glob(".submit-*"))  # the spill of validated rows is nameless


# -- crawls ----------------------------------------------------------------------------------

# Spiders with dozens of items (several batches each at GONGKAI_BATCH_SIZE=5) and no notice in common:
# a notice two platforms carry keeps the first copy's text, and which spider comes first in one
# crawl is a race of its own, whoever else writes.
SPIDERS = ["ggzy", "ocds", "landchina"]
SMALL_BATCHES = ["--set", "GONGKAI_BATCH_SIZE=5", "--set", "GONGKAI_FLUSH_WAIT=0.2", "--set", "DOWNLOAD_TIMEOUT=5"]


def collect(db: Path, url: str, *spiders: str, extra: tuple[str, ...] = (), **environ: str) -> subprocess.CompletedProcess:
    return gongkai(db, "collect", *spiders, "--base-url", url, "--json", *SMALL_BATCHES, *extra, **environ)


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    with running(projects=4, faults=False, result_cap=30) as p:
        yield p.url


@pytest.fixture(scope="module")
def reference_crawl(portal: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two spiders' crawl into a database nobody else writes."""
    db = tmp_path_factory.mktemp("reference") / "g.db"
    done = collect(db, portal, *SPIDERS)
    assert done.returncode == 0, done.stderr[-3000:]
    assert count(db, "SELECT count(*) FROM notices") > 20
    return db


def start_collect(db: Path, url: str, **environ: str) -> subprocess.Popen:
    return subprocess.Popen([*RUN, "--db", str(db), "collect", *SPIDERS, "--base-url", url, "--json", *SMALL_BATCHES],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(**environ))


def wait_for_notices(db: Path, proc: subprocess.Popen) -> None:
    """Until the crawl has written its first batch."""
    deadline = time.monotonic() + 60
    while count(db, "SELECT count(*) FROM notices") == 0:
        assert proc.poll() is None, "the crawl ended before it wrote anything"
        assert time.monotonic() < deadline
        time.sleep(0.05)


@pytest.mark.slow
def test_a_crawl_that_can_no_longer_write_keeps_every_item_and_fails_loudly(portal: str, reference_crawl: Path,
                                                                           tmp_path: Path):
    db = tmp_path / "g.db"
    init(db)
    proc = start_collect(db, portal, GONGKAI_BUSY_WAIT="2")
    wait_for_notices(db, proc)
    with holding_lock(db):  # another writer takes the database mid-crawl and keeps it to the end
        out, err = proc.communicate(timeout=600)
    assert proc.returncode == 1, err[-3000:]
    assert "could not be stored" in err
    assert "Traceback" not in err
    data = json.loads(out.strip().splitlines()[-1])
    assert sum(s["unstored"] for s in data["spiders"]) > 0
    spills = sorted((tmp_path / "spill").glob("*.jsonl"))
    assert spills
    notices, states = [], []
    for path in spills:
        for line in path.read_bytes().splitlines():
            batch = orjson.loads(line)
            notices += batch["notices"]
            states += batch["crawl_state"]
    # nothing was lost: what was stored and what was spilled is what the uncontended crawl stored
    assert count(db, "SELECT count(*) FROM notice_sources") + len(notices) == \
        count(reference_crawl, "SELECT count(*) FROM notice_sources")
    stored_urls = {u for (u,) in sqlite3.connect(db).execute("SELECT url FROM crawl_state")}
    assert not stored_urls & {s[0] for s in states}  # a spilled page is not marked as seen
    assert stored_urls | {s[0] for s in states} == {u for (u,) in sqlite3.connect(reference_crawl).execute(
        "SELECT url FROM crawl_state")}
    # the next crawl fetches the spilled pages again and the database is complete
    again = collect(db, portal, *SPIDERS)
    assert again.returncode == 0, again.stderr[-3000:]
    got = canonical(db)
    got["rejections"] = [r for r in got["rejections"] if "not stored" not in (r[-1] or "")]
    assert got == canonical(reference_crawl)


@pytest.mark.slow
def test_a_crawl_keeps_busy_batches_and_writes_them_when_the_lock_comes_free(portal: str, reference_crawl: Path,
                                                                            tmp_path: Path):
    db = tmp_path / "g.db"
    init(db)
    proc = start_collect(db, portal)
    wait_for_notices(db, proc)  # then take the lock while the crawl writes, keep it a while, let go
    with holding_lock(db, seconds=4):
        pass
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err
    assert not (tmp_path / "spill").exists()
    assert canonical(db) == canonical(reference_crawl)


@pytest.mark.slow
def test_submit_crawl_and_build_together_store_what_they_store_one_after_another(portal: str, tmp_path: Path):
    big = write_csv(tmp_path / "big.csv", PROC_HEADERS, big_rows(4_000))
    land = write_csv(tmp_path / "land.csv", LAND_HEADERS, [LAND_ROW])
    args = ("submit", str(big), "--kind", "procurement", "--agency", "某县财政局")
    land_args = ("submit", str(land), "--kind", "land", "--agency", "佛山市自然资源局")

    sequential = tmp_path / "one" / "g.db"
    sequential.parent.mkdir()
    init(sequential)
    for step in (gongkai(sequential, *land_args), gongkai(sequential, *args), collect(sequential, portal, *SPIDERS)):
        assert step.returncode == 0, step.stderr[-3000:]

    together = tmp_path / "two" / "g.db"
    together.parent.mkdir()
    init(together)
    assert gongkai(together, *land_args).returncode == 0  # something for the build to render
    procs = {
        "collect": subprocess.Popen([*RUN, "--db", str(together), "collect", *SPIDERS, "--base-url", portal, "--json",
                                     *SMALL_BATCHES], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env=env()),
        "submit": subprocess.Popen([*RUN, "--db", str(together), *args], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=env()),
        "build": subprocess.Popen([*RUN, "--db", str(together), "build", "--out", str(tmp_path / "site"),
                                   "--no-search", "--no-downloads", "--workers", "1"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=env()),
    }
    for name, proc in procs.items():
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, (name, err[-3000:])
        assert "Traceback" not in err, (name, err[-3000:])
        assert "database is locked" not in err, (name, err[-3000:])
    assert count(together, "PRAGMA integrity_check") == "ok"
    assert count(together, "SELECT count(*) FROM notices WHERE kind = 'procurement'") >= 4_000
    assert canonical(together) == canonical(sequential)
