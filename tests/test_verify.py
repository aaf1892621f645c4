"""``gongkai verify`` end to end: a built site and its database verify; every tampering fails, named.

The key comes from ``gongkai init``; the site from the site builder (which signs a checkpoint and
writes the tiles under log/); tampering is done by hand in SQLite, as an insider would."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from models.codelists import Kind
from publish import checkpoint
from publish.site.build import build
from store import log, paths, pseudonym
from store.db import Store
from tests.test_site import SEEN, SITE_URL, batch_one, batch_two, ingest, notice


def gk(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"GONGKAI_SITE_URL": SITE_URL})
    return result.exit_code, result.output


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """(database, built site) with batch one, a key made by `gongkai init`."""
    db = tmp_path / "var" / "g.db"
    code, out = gk("--db", str(db), "init")
    assert code == 0, out
    store = Store(db)
    ingest(store, batch_one(), SEEN[0], monkeypatch)
    store.close()
    site = tmp_path / "site"
    build(db, site, site_url=SITE_URL, workers=1)
    return db, site


def rebuild(db: Path, site: Path, *, full: bool = False) -> None:
    build(db, site, site_url=SITE_URL, workers=1, full=full)


def versions(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT version_id FROM notices ORDER BY rowid")]
    finally:
        conn.close()


def test_init_makes_a_private_key_and_publishes_its_public_half(world):
    db, site = world
    key = checkpoint.key_path(db)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    public = (site / "log" / "key").read_text().strip()
    assert public == checkpoint.load_signer(key).verifier.text()
    assert public in (site / "about" / "index.html").read_text()
    assert "gongkai.test/site/log" in (site / "log" / "checkpoint").read_text()
    feed = (site / "log" / "checkpoints.atom").read_text()
    assert "<feed" in feed
    assert "— gongkai.test/site/log" in feed


def test_init_makes_the_pseudonym_key_beside_the_database(world, tmp_path):
    db, site = world
    key = pseudonym.key_path(db)
    assert key.parent == db.parent
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    secret = key.read_text(encoding="ascii").strip()
    assert len(pseudonym.read_key(key)) == 32
    assert not list(site.rglob(pseudonym.KEY_NAME))  # never published
    assert not any(secret.encode() in p.read_bytes() for p in site.rglob("*") if p.is_file())
    code, out = gk("--db", str(db), "init")  # again: the same key, kept
    assert code == 0, out
    assert key.read_text(encoding="ascii").strip() == secret
    key.write_text("damaged\n", encoding="ascii")
    code, out = gk("--db", str(db), "init")
    assert code == 1
    assert f"{key}: not a pseudonym key" in out
    assert "Traceback" not in out


def test_the_site_and_the_database_verify(world):
    db, site = world
    code, out = gk("verify", "--site", str(site))
    assert code == 0, out
    n = len(versions(db))
    assert f"{n:,} leaves signed" in out
    assert f"{n:,} notice versions" in out
    code, out = gk("--db", str(db), "verify")
    assert code == 0, out


def test_notice_pages_show_their_log_index_and_a_verify_link(world):
    db, site = world
    first = versions(db)[0]
    html = (site / paths.notice(first)).read_text()
    assert "透明日志 #0" in html
    assert "about/index.html#verify" in html
    assert "Transparency log #0" in (site / "en" / paths.notice(first)).read_text()


def test_a_later_checkpoint_is_consistent_with_a_pinned_one_and_a_forged_pin_fails(world, tmp_path, monkeypatch):
    db, site = world
    pin = tmp_path / "pinned-checkpoint"
    pin.write_bytes((site / "log" / "checkpoint").read_bytes())
    store = Store(db)
    ingest(store, batch_two(), SEEN[1], monkeypatch)
    store.close()
    rebuild(db, site)
    assert (site / "log" / "checkpoint").read_bytes() != pin.read_bytes()
    code, out = gk("verify", "--site", str(site), "--pin", str(pin))
    assert code == 0, out
    # a checkpoint of a different history, signed with the same key: not a prefix of the current log
    signer = checkpoint.load_signer(checkpoint.key_path(db))
    forged = tmp_path / "forged"
    forged.write_text(checkpoint.sign(signer, 3, b"\x07" * 32, "2026-03-01T00:00:00Z"))
    code, out = gk("verify", "--site", str(site), "--pin", str(forged))
    assert code == 1
    assert "pinned checkpoint (3 leaves): the current log is not an extension of it" in out
    # a checkpoint signed by someone else's key
    other = tmp_path / "other-key"
    checkpoint.create_key(other, signer.name)
    foreign = tmp_path / "foreign"
    foreign.write_text(checkpoint.sign(checkpoint.load_signer(other), 3, b"\x07" * 32, "2026-03-01T00:00:00Z"))
    code, out = gk("verify", "--site", str(site), "--pin", str(foreign))
    assert code == 1
    assert "pinned checkpoint: the checkpoint carries no signature by" in out


def test_an_edited_checkpoint_fails_its_signature(world):
    _db, site = world
    cp = site / "log" / "checkpoint"
    lines = cp.read_text().split("\n")
    lines[1] = str(int(lines[1]) - 1)
    cp.write_text("\n".join(lines))
    code, out = gk("verify", "--site", str(site))
    assert code == 1
    assert "signature does not verify" in out


def _tamper(db: Path, sql: str, *args: object) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute(sql, args)
    finally:
        conn.close()


@pytest.mark.parametrize(("what", "sql", "named"), [
    ("edit a stored value", "UPDATE notices SET title = title || '（改）' WHERE version_id = ?",
     "its stored values were edited after it was logged"),
    ("delete a version", "DELETE FROM notices WHERE version_id = ?", "was deleted from the store"),
    ("drop a source row", "DELETE FROM notice_sources WHERE version_id = ?", "is missing from the store"),
])
def test_tampering_with_the_database_fails_verify_and_names_the_version(world, what, sql, named):
    db, site = world
    victim = versions(db)[1]
    _tamper(db, sql, victim)
    code, out = gk("--db", str(db), "verify")
    assert code == 1, what
    assert f"version {victim}" in out, out
    assert named in out, out
    # a full build publishes the tampered bulk copy (an edit by hand is not in the change feed, so an
    # incremental build would keep the honest copy): the site then fails as well, naming the same version
    rebuild(db, site, full=True)
    code, out = gk("verify", "--site", str(site))
    assert code == 1, out
    assert f"version {victim}" in out, out
    assert named in out, out


def test_a_leaf_rewritten_behind_the_triggers_fails_the_signed_root(world):
    db, site = world
    _tamper(db, "DROP TRIGGER log_no_update")
    _tamper(db, "UPDATE log SET leaf = replace(leaf, '\"op\":\"publish\"', '\"op\":\"correct\"') WHERE idx = 0")
    code, out = gk("--db", str(db), "verify")
    assert code == 1
    assert "do not hash to its signed root" in out
    # and the build refuses to sign a log that contradicts its last checkpoint
    code, out = gk("--db", str(db), "build", "--full", "--out", str(site), "--no-search", "--site-url", SITE_URL)
    assert code == 1
    assert "no longer hash to the signed checkpoint" in out


def test_a_tampered_bulk_download_fails_against_the_published_tiles(world, tmp_path):
    db, site = world
    victim = versions(db)[0]
    bulk = site / "downloads" / "gongkai.sqlite"
    _tamper(bulk, "UPDATE notices SET body = 'x' WHERE version_id = ?", victim)
    code, out = gk("verify", "--site", str(site))
    assert code == 1
    assert f"version {victim}" in out
    shutil.copy(tmp_path / "var" / "g.db", tmp_path / "copy.db")  # the store itself is untouched
    assert gk("--db", str(tmp_path / "copy.db"), "verify")[0] == 0


def test_a_redaction_keeps_verification_green_and_is_a_leaf(world):
    db, site = world
    victim = versions(db)[0]
    store = Store(db)
    index = log.redact(store.conn, victim, "个人信息保护法", "2026-03-04T00:00:00+00:00", fields=["holder"])
    store.close()
    rebuild(db, site)
    code, out = gk("verify", "--site", str(site))
    assert code == 0, out
    assert "1 withdrawals or redactions" in out
    size = checkpoint.parse((site / "log" / "checkpoint").read_text()).size
    assert size == index + 1
    entries = checkpoint.read_entries((site / "log" / checkpoint.tile_path("entries", 0, size)).read_bytes())
    assert b'"op":"redact"' in entries[index]
    assert b"holder" in entries[index]


def test_a_natural_person_masked_on_output_still_verifies(world, monkeypatch):
    """The bulk download masks a person's name (store/privacy.py): its text no longer hashes to the
    leaf, by design; verify checks such versions by their logged content hash and says how many."""
    db, site = world
    store = Store(db)
    person = notice(Kind.land, 21, "佛山市自然资源局", title="容桂某宅基地协议出让结果", e_supervision_no="4406062019B07596",
                    region="顺德区", area_m2="120平方米", supply_method="协议出让", land_use="城镇住宅用地", price="360000",
                    holder="陈建国", published_at="2019-05-08", source_url="https://www.landchina.com/x/21")
    ingest(store, [person], SEEN[1], monkeypatch)
    store.close()
    rebuild(db, site, full=True)
    copy = site / "downloads" / "gongkai.sqlite"
    assert "陈建国".encode() not in copy.read_bytes()  # masked in the download, kept in the store
    code, out = gk("verify", "--site", str(site))
    assert code == 0, out
    assert "names masked on output" in out
    # a masked version whose hash column is changed as well fails, named
    conn = sqlite3.connect(copy)
    vid = conn.execute("SELECT version_id FROM privacy_redacted_versions").fetchone()[0]
    conn.execute("UPDATE notices SET content_sha256 = ? WHERE version_id = ?", ("0" * 64, vid))
    conn.commit()
    conn.close()
    code, out = gk("verify", "--site", str(site))
    assert code == 1
    assert vid in out


def test_usage_errors_exit_2(world, tmp_path):
    code, _out = gk("verify", "--site", str(tmp_path / "nowhere"))
    assert code == 2


def test_tiles_follow_c2sp_tlog_tiles_paths_and_widths():
    assert checkpoint.tile_index_path(0) == "000"
    assert checkpoint.tile_index_path(1234067) == "x001/x234/067"
    data = [str(i).encode() for i in range(600)]
    tree = log.Tree(log.leaf_hash(d) for d in data)
    tiles = {path: (body, fixed) for path, body, fixed in checkpoint.tiles(tree, data)}
    assert sorted(tiles) == ["tile/0/000", "tile/0/001", "tile/0/002.p/88", "tile/1/000.p/2",
                             "tile/entries/000", "tile/entries/001", "tile/entries/002.p/88"]
    assert tiles["tile/0/000"][1]
    assert not tiles["tile/0/002.p/88"][1]
    assert tiles["tile/1/000.p/2"][0] == tree.hash(0, 256) + tree.hash(256, 512)
    assert checkpoint.read_entries(tiles["tile/entries/002.p/88"][0]) == data[512:]
