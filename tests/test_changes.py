"""The store's change feed (store/changes.py): what the triggers record, and how its two
consumers (the site build, the search update) resume from it or fall back to a full run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from publish.site.build import build
from search_index.update import update_index
from store import changes
from store.db import Store, connect_ro
from store.schema import CHANGE_TRIGGERS, drop_unpublished
from tests.test_site import SEEN, SITE_URL, batch_one, batch_two, ingest


def feed(db: Path) -> list[tuple[str, str | None, str | None]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT what, project_id, version_id FROM changes ORDER BY seq").fetchall()
    finally:
        conn.close()


def kinds(rows: list[tuple]) -> set[str]:
    return {r[0] for r in rows}


def _failing_batch(store: Store) -> None:
    with store.batch() as batch:
        batch.add(batch_two()[0])
        raise RuntimeError("stop")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "g.db"
    store = Store(path)
    store.init()
    ingest(store, batch_one(), SEEN[0], monkeypatch)
    store.close()
    return path


def test_every_write_that_matters_is_in_the_feed_in_its_own_transaction(db: Path, monkeypatch):
    rows = feed(db)
    conn = sqlite3.connect(db)
    notices = conn.execute("SELECT count(*) FROM notices").fetchone()[0]
    projects = conn.execute("SELECT count(*) FROM projects").fetchone()[0]
    conn.close()
    assert sum(r[0] == "version" for r in rows) == notices
    assert sum(r[0] == "source" for r in rows) == notices  # one source row per stored version
    assert sum(r[0] == "project" for r in rows) == projects
    assert sum(r[0] == "text" for r in rows) == 1  # the one notice of batch one that has page text
    assert all(r[1] for r in rows)  # every change names its project

    store = Store(db)
    ingest(store, batch_one(), SEEN[1], monkeypatch)  # the same notices again: nothing changed
    assert len(feed(db)) == len(rows)
    with pytest.raises(RuntimeError, match="stop"):  # a batch that fails leaves no trace in the feed
        _failing_batch(store)
    assert len(feed(db)) == len(rows)
    ingest(store, batch_two(), SEEN[1], monkeypatch)  # a correction supersedes a version; new sources
    store.close()
    added = feed(db)[len(rows):]
    assert {"version", "source", "project", "superseded"} <= kinds(added)


def test_a_copy_from_another_platform_is_a_source_change_only(db: Path, monkeypatch):
    before = len(feed(db))
    first = batch_one()[0]
    copy = first.model_copy(update={"source": first.source.model_copy(
        update={"platform": "第二平台", "url": "https://second.example.cn/n/1.html"})})
    store = Store(db)
    ingest(store, [copy], SEEN[1], monkeypatch)
    store.close()
    added = feed(db)[before:]
    assert kinds(added) == {"source"}  # the project compiled to the same state: no project change


def test_since_and_after_resume_or_ask_for_a_full_run(db: Path, monkeypatch):
    conn = connect_ro(db)
    mark = changes.mark(conn)
    assert mark is not None
    assert mark.endswith(f":{changes.latest(conn)}")
    assert changes.after(conn, None, mark) is None  # no mark: a full run
    nothing = changes.after(conn, mark, mark)
    assert nothing is not None
    assert (nothing.project_ids, nothing.notice_ids) == ([], [])
    conn.close()

    store = Store(db)
    ingest(store, batch_two(), SEEN[1], monkeypatch)
    conn = connect_ro(db)
    now = changes.mark(conn)
    got = changes.after(conn, mark, now)
    assert got is not None
    assert got.new_versions == len(batch_two())
    assert got.last_seq == changes.latest(conn) > int(mark.rsplit(":", 1)[1])
    assert set(got.project_ids) == {r[1] for r in feed(db)[int(mark.rsplit(":", 1)[1]):]}
    only_projects = changes.after(conn, mark, now, what=changes.PROJECT_CHANGES)
    assert only_projects is not None
    assert only_projects.notice_ids == []
    assert changes.after(conn, now, mark) is None  # a mark ahead of the feed (a restored backup)
    assert changes.after(conn, "another-store:0", now) is None  # another database at the same path
    conn.close()

    with store.batch() as _batch:
        assert changes.prune(store.conn, int(mark.rsplit(":", 1)[1]) + 1) > 0
    conn = connect_ro(db)
    assert changes.after(conn, mark, now) is None  # pruned past the mark: a full run
    assert changes.after(conn, now, now) is not None  # a mark after the prune still resumes
    assert changes.latest(conn) == int(now.rsplit(":", 1)[1])
    conn.close()
    with store.batch() as _batch:  # pruning everything keeps the newest row: seq numbers are never given again
        changes.prune(store.conn, 10**9)
    assert [r[0] for r in store.conn.execute("SELECT seq FROM changes")] == [int(now.rsplit(":", 1)[1])]
    first = batch_one()[0]
    ingest(store, [first.model_copy(update={"source": first.source.model_copy(update={"platform": "第三平台"})})],
           SEEN[2], monkeypatch)
    seqs = [r[0] for r in store.conn.execute("SELECT seq FROM changes ORDER BY seq")]
    assert len(seqs) > 1
    assert seqs == list(range(int(now.rsplit(":", 1)[1]), int(now.rsplit(":", 1)[1]) + len(seqs)))
    store.close()


def _forget_the_feed(db: Path) -> None:
    """Make ``db`` look like a database created before the change feed."""
    conn = sqlite3.connect(db, isolation_level=None)
    drop_unpublished(conn)
    conn.execute("DELETE FROM meta WHERE key = ?", (changes.STORE_ID_KEY,))
    conn.close()


def test_an_old_database_gets_the_feed_and_each_consumer_runs_in_full_once(db: Path, tmp_path: Path, monkeypatch):
    _forget_the_feed(db)
    out, index = tmp_path / "site", tmp_path / "ix"
    assert build(db, out, site_url=SITE_URL, workers=1, downloads=False).mode == "full"
    assert update_index(db, index)["mode"] == "full"
    # without a feed nothing can be resumed: full again
    assert build(db, out, site_url=SITE_URL, workers=1, downloads=False).mode == "full"

    store = Store(db)
    store.check()  # the first writer upgrades the database
    conn = sqlite3.connect(db)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    conn.close()
    assert set(CHANGE_TRIGGERS) <= names
    ingest(store, batch_two(), SEEN[1], monkeypatch)
    store.close()
    assert build(db, out, site_url=SITE_URL, workers=1, downloads=False).mode == "full"  # once
    assert update_index(db, index)["mode"] == "full"
    assert build(db, out, site_url=SITE_URL, workers=1, downloads=False).mode == "incremental"
    assert update_index(db, index)["mode"] == "unchanged"


def test_both_consumers_follow_the_feed_and_start_afresh_on_a_recreated_database(tmp_path: Path, monkeypatch):
    db = tmp_path / "g.db"
    store = Store(db)
    store.init()
    ingest(store, batch_one(), SEEN[0], monkeypatch)
    out, index = tmp_path / "site", tmp_path / "ix"
    assert build(db, out, site_url=SITE_URL, workers=1, downloads=False).mode == "full"
    assert update_index(db, index)["mode"] == "full"
    ingest(store, batch_two(), SEEN[1], monkeypatch)
    report = build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    assert report.mode == "incremental"
    assert report.new_versions == len(batch_two())
    updated = update_index(db, index)
    assert updated["mode"] == "incremental"
    assert updated["added"] > 0
    store.close()

    for p in tmp_path.glob("g.db*"):  # the same path, a new database (same notices, so seqs can coincide)
        p.unlink()
    store = Store(db)
    store.init()
    ingest(store, batch_one(), SEEN[0], monkeypatch)
    ingest(store, batch_two(), SEEN[1], monkeypatch)
    store.close()
    assert build(db, out, site_url=SITE_URL, workers=1, downloads=False).mode == "full"
    assert update_index(db, index)["mode"] == "full"


def test_published_copies_carry_neither_the_feed_nor_its_triggers(db: Path, tmp_path: Path):
    copy = tmp_path / "copy.db"
    src = connect_ro(db)
    src.execute("VACUUM INTO ?", (str(copy),))
    src.close()
    conn = sqlite3.connect(copy, isolation_level=None)
    drop_unpublished(conn)
    left = conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'changes%'").fetchall()
    conn.execute("UPDATE notices SET superseded_at = '2026-01-01' WHERE rowid = 1")  # no trigger left to fail
    conn.close()
    assert left == []


def test_connect_ro_names_a_missing_file_and_never_writes(tmp_path: Path, db: Path):
    with pytest.raises(FileNotFoundError, match="nothing.db"):
        connect_ro(tmp_path / "nothing.db")
    assert not (tmp_path / "nothing.db").exists()
    conn = connect_ro(db, check_same_thread=False, cache_mib=8)
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == -8 * 1024
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM changes")
    conn.close()
