"""Safe publishing: a new checked file per snapshot, an atomic pointer switch, nothing overwritten."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from publish.metadata import build_metadata
from publish.snapshot import PublishError, current, publish
from store.db import connect_ro
from store.schema import PUBLISH_INDEXES
from tests.test_search_corpus import build_corpus


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("pub"))


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_publish_makes_a_new_file_and_switches_atomically(db, tmp_path):
    root = tmp_path / "published"
    first = publish(db, root)
    assert current(root) == first.directory.resolve()
    before, inode = sha(first.db), first.db.stat().st_ino
    second = publish(db, root)
    assert second.directory != first.directory
    assert second.db != first.db
    assert current(root) == second.directory.resolve()
    assert first.db.exists()
    assert sha(first.db) == before
    assert first.db.stat().st_ino == inode
    assert (root / "current").is_symlink()
    inspect = json.loads(second.inspect_file.read_text())
    assert inspect["gongkai"]["tables"]["notices"]["count"] == second.counts["notices"] > 0
    assert inspect["gongkai"]["hash"] == sha(second.db)
    conn = connect_ro(second.db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for line in PUBLISH_INDEXES.strip().splitlines():
        assert line.split()[5] in indexes
    assert conn.execute("SELECT count(*) FROM notices_fts").fetchone()[0] == second.counts["notices"]


def test_old_snapshots_are_pruned_but_current_kept(db, tmp_path):
    root = tmp_path / "published"
    dirs = [publish(db, root, keep=2).directory for _ in range(4)]
    assert not dirs[0].exists()
    assert not dirs[1].exists()
    assert dirs[2].exists()
    assert dirs[3].exists()
    assert current(root) == dirs[3].resolve()


def test_a_copy_failing_its_checks_is_not_published(db, tmp_path):
    root = tmp_path / "published"
    good = publish(db, root)
    broken = tmp_path / "broken.db"
    src = sqlite3.connect(db)
    src.execute("VACUUM INTO ?", (str(broken),))
    src.close()
    conn = sqlite3.connect(broken)
    conn.execute("INSERT INTO project_parties (project_id, party_id, role, name) VALUES ('nope', 'nope', 'buyer', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(PublishError, match="foreign_key_check"):
        publish(broken, root)
    assert current(root) == good.directory.resolve()
    assert not list(root.glob(".building-*"))


def test_missing_database_is_an_error(tmp_path):
    with pytest.raises(PublishError, match="does not exist"):
        publish(tmp_path / "nothing.db", tmp_path / "published")


def test_metadata_json_is_generated_from_base_and_models():
    """Golden file: `make datasette-metadata` regenerates datasette/metadata.json."""
    from publish.metadata import CONFIG_DIR

    assert json.loads((CONFIG_DIR / "metadata.json").read_text(encoding="utf-8")) == build_metadata(), \
        "datasette/metadata.json is stale: run `make datasette-metadata`"


def test_every_published_table_and_column_is_described(db, tmp_path):
    pub = publish(db, tmp_path / "published")
    tables = build_metadata()["databases"]["gongkai"]["tables"]
    conn = sqlite3.connect(pub.db)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts_%'")]
    for table in names:
        assert tables.get(table, {}).get("description"), f"{table} has no description"
        if table.endswith("_fts") or table == "sqlite_stat1":
            continue
        cols = [r[1] for r in conn.execute(f"SELECT * FROM pragma_table_xinfo('{table}')")]
        missing = [c for c in cols if not tables[table].get("columns", {}).get(c)]
        assert not missing, f"{table}: undocumented columns {missing}"
    money = tables["projects_land"]["columns"]
    assert "fen" in money["price_fen"]
    assert "yuan" in money["price_yuan"]
    assert "m²" in money["area_m2"]


def test_every_facet_column_has_an_index(db, tmp_path):
    pub = publish(db, tmp_path / "published")
    conn = sqlite3.connect(pub.db)
    for table, meta in build_metadata()["databases"]["gongkai"]["tables"].items():
        for col in meta.get("facets", []):
            leading = {conn.execute(f"SELECT name FROM pragma_index_info('{idx}') WHERE seqno = 0").fetchone()[0]
                       for (idx,) in conn.execute(f"SELECT name FROM pragma_index_list('{table}')")}
            assert col in leading, f"facet {table}.{col} has no index"


def test_flat_area_csv_opens_in_excel(db, tmp_path):
    """The per-area flat CSV: BOM, one column per field, yuan = stored fen / 100 exactly, names present."""
    import csv
    from decimal import Decimal

    from publish.site.downloads import write_downloads

    conn = connect_ro(db)
    try:
        write_downloads(conn, tmp_path)
        raw = (tmp_path / "downloads" / "gongkai-procurement-projects.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
        assert rows
        assert "fields" not in rows[0]
        assert {"项目名称", "采购人", "预算金额（元）"} <= set(rows[0])
        fen = dict(conn.execute("SELECT project_id, budget_fen FROM projects_procurement"))
        checked = 0
        for row in rows:
            if row["预算金额（元）"]:
                assert Decimal(row["预算金额（元）"]) == Decimal(fen[row["项目ID"]]) / 100
                checked += 1
        assert checked > 10
        assert any(row["采购人"] for row in rows)
        assert any(row["中标（成交）人"] for row in rows)  # winners by name
        versions = (tmp_path / "downloads" / "gongkai-land.csv.gz").read_bytes()
        import gzip
        assert gzip.decompress(versions).startswith(b"\xef\xbb\xbf")
    finally:
        conn.close()
