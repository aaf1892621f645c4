"""The tamper-evident log (store/log.py): RFC 6962 hashing and proofs, JCS leaves, the append-only table.

Known-answer vectors: the Certificate Transparency reference implementation's test data (the eight
leaves ``""``, ``00``, ``10``, ``2021``, ``3031``, ``40414243``, ``5051525354555657``,
``606162636465666768696a6b6c6d6e6f``; the tree heads of sizes 0–8; inclusion and consistency
proofs), as published in certificate-transparency-go / transparency-dev/merkle's test constants.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from store import log
from store.db import Store
from tests.test_site import SEEN, batch_one, batch_two, ingest

LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                        "606162636465666768696a6b6c6d6e6f")]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (leaf index, tree size, audit path)
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
CONSISTENCY = [  # (old size, new size, proof)
    (2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]


def hashes(data: list[bytes]) -> list[bytes]:
    return [log.leaf_hash(d) for d in data]


# -- known answers ---------------------------------------------------------------------------------

def test_roots_of_the_reference_tree_for_every_size():
    tree = log.Tree(hashes(LEAVES))
    for size, want in enumerate(ROOTS):
        assert tree.root(size).hex() == want, size
        assert log.root_of(hashes(LEAVES[:size])).hex() == want, size
    assert log.leaf_hash(b"").hex() == ROOTS[1]  # one leaf: SHA-256(0x00 || "")
    assert log.node_hash(*hashes(LEAVES[:2])).hex() == ROOTS[2]  # SHA-256(0x01 || l || r)


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_of_the_reference_tree(index: int, size: int, path: list[str]):
    tree = log.Tree(hashes(LEAVES))
    assert [h.hex() for h in tree.inclusion_proof(index, size)] == path
    proof = [bytes.fromhex(h) for h in path]
    root = bytes.fromhex(ROOTS[size])
    assert log.verify_inclusion(log.leaf_hash(LEAVES[index]), index, size, proof, root)
    assert not log.verify_inclusion(log.leaf_hash(LEAVES[index]), index ^ 1, size, proof, root)
    assert not log.verify_inclusion(log.leaf_hash(LEAVES[index] + b"!"), index, size, proof, root)


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_proofs_of_the_reference_tree(old: int, new: int, path: list[str]):
    tree = log.Tree(hashes(LEAVES))
    assert [h.hex() for h in tree.consistency_proof(old, new)] == path
    proof = [bytes.fromhex(h) for h in path]
    old_root, new_root = bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new])
    assert log.verify_consistency(old, new, old_root, new_root, proof)
    assert not log.verify_consistency(old, new, new_root, old_root, proof)
    assert not log.verify_consistency(old, new, old_root, new_root, proof[:-1])


def test_the_split_is_rfc_6962s_largest_power_of_two_not_the_midpoint():
    assert [log.split(n) for n in (2, 3, 4, 5, 6, 7, 8, 9, 1000)] == [1, 2, 2, 4, 4, 4, 4, 8, 512]


def test_jcs_sorts_keys_by_utf16_code_units_and_escapes_as_rfc_8785():
    # RFC 8785 §3.2.3's sorting example
    value = {"\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\U0001F600": 5, "\u0080": 6, "\u00f6": 7}
    assert log.jcs(value) == '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\U0001F600":5,"\ufb33":3}'.encode()
    assert log.jcs(["\u001f\n\"\\/é", True, None, -5]) == '["\\u001f\\n\\"\\\\/é",true,null,-5]'.encode()
    with pytest.raises(log.LogError, match="float"):
        log.jcs({"price": 1.5})
    with pytest.raises(log.LogError):
        log.jcs(2**60)


# -- properties ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53 - 1), 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_the_fast_jcs_path_writes_the_same_bytes_as_the_reference_encoder(value):
    # jcs() hands ASCII-keyed values to orjson; any value must still come out as the reference writes it
    assert log.jcs(value) == log._jcs(value).encode("utf-8")



leaf_lists = st.lists(st.binary(max_size=12), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(leaf_lists)
def test_every_inclusion_and_consistency_proof_verifies(data: list[bytes]):
    tree = log.Tree(hashes(data))
    n = tree.size
    for size in range(1, n + 1):
        root = tree.root(size)
        assert root == log.root_of(hashes(data[:size]))
        for i in range(size):
            assert log.verify_inclusion(log.leaf_hash(data[i]), i, size, tree.inclusion_proof(i, size), root)
        for old in range(1, size + 1):
            assert log.verify_consistency(old, size, tree.root(old), root, tree.consistency_proof(old, size))


@settings(max_examples=80, deadline=None)
@given(leaf_lists, st.data())
def test_a_changed_byte_fails_inclusion_and_consistency(data: list[bytes], draw: st.DataObject):
    tree = log.Tree(hashes(data))
    n = tree.size
    i = draw.draw(st.integers(0, n - 1))
    leaf = data[i] or b"\x00"
    j = draw.draw(st.integers(0, len(leaf) - 1))
    changed = leaf[:j] + bytes([leaf[j] ^ draw.draw(st.integers(1, 255))]) + leaf[j + 1:]
    if not data[i]:
        changed = b"\x01"  # an empty leaf: any byte at all is a change
    tampered = [*data[:i], changed, *data[i + 1:]]
    other = log.Tree(hashes(tampered))
    assert other.root() != tree.root()
    assert not log.verify_inclusion(log.leaf_hash(changed), i, n, tree.inclusion_proof(i, n), tree.root())
    if i + 1 < n:  # the old tree up to past the change is no prefix of the tampered one
        old = draw.draw(st.integers(i + 1, n))
        assert not log.verify_consistency(old, n, tree.root(old), other.root(), other.consistency_proof(old, n)) \
            or old == n and tree.root(old) == other.root()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.binary(max_size=8), min_size=2, max_size=40, unique=True), st.data())
def test_a_reordered_or_removed_leaf_changes_the_root_and_breaks_consistency(data: list[bytes], draw: st.DataObject):
    tree = log.Tree(hashes(data))
    n = tree.size
    i = draw.draw(st.integers(0, n - 2))
    swapped = [*data[:i], data[i + 1], data[i], *data[i + 2:]]
    assert log.Tree(hashes(swapped)).root() != tree.root()
    k = draw.draw(st.integers(0, n - 1))
    removed = data[:k] + data[k + 1:]
    short = log.Tree(hashes(removed))
    assert short.root() != tree.root(n - 1) or k == n - 1
    if k < n - 1:  # the signed tree of n leaves is no prefix of the log without leaf k (plus a new leaf)
        grown = log.Tree(hashes([*removed, b"new leaf"]))
        assert not log.verify_consistency(n, n, tree.root(), grown.root(), [])
        old = draw.draw(st.integers(k + 1, n - 1))
        assume(old >= 1)
        assert not log.verify_consistency(old, n, tree.root(old), grown.root(), grown.consistency_proof(old, n))


# -- the table ---------------------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    s = Store(tmp_path / "g.db")
    s.init()
    ingest(s, batch_one(), SEEN[0], monkeypatch)
    yield s
    s.close()


def _ops(store: Store) -> list[tuple[int, str, str]]:
    return store.conn.execute("SELECT idx, op, version_id FROM log ORDER BY idx").fetchall()


def test_every_stored_version_has_one_leaf_and_the_log_is_append_only(store: Store, monkeypatch):
    versions = [r[0] for r in store.conn.execute("SELECT version_id FROM notices ORDER BY rowid")]
    assert [(i, op, v) for i, op, v in _ops(store)] == [(i, "publish", v) for i, v in enumerate(versions)]
    assert log.audit(store.conn).problems == []
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("UPDATE log SET op = 'publish' WHERE idx = 0")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM log WHERE idx = 0")
    ingest(store, batch_one(), SEEN[1], monkeypatch)  # the same notices: no new version, no new leaf
    assert len(_ops(store)) == len(versions)
    ingest(store, batch_two(), SEEN[1], monkeypatch)  # a corrected land notice and two new ones
    ops = _ops(store)
    assert [op for _i, op, _v in ops[len(versions):]] == ["correct", "publish", "publish"]
    assert ops[len(versions)][2].endswith("-v2")
    assert log.audit(store.conn).problems == []


def test_a_leaf_is_canonical_json_of_hashes_and_metadata_not_content(store: Store):
    idx, leaf = next(log.leaves(store.conn))
    value = orjson.loads(leaf)
    assert log.jcs(value) == leaf
    row = store.conn.execute("SELECT content_sha256, title, version_id FROM notices ORDER BY rowid").fetchone()
    assert value["content_sha256"] == row[0]
    assert value["version_id"] == row[2]
    assert value["op"] == "publish"
    assert set(value) >= {"raw_sha256", "source_url", "kind", "notice_id", "project_id", "version", "published_at",
                          "fetched_at", "stored_at"}
    assert row[1] not in leaf.decode()  # the title is not in the leaf


def test_a_failed_or_dry_run_batch_leaves_no_leaf(store: Store):
    before = _ops(store)
    def failing() -> None:
        with store.batch() as batch:
            batch.add(batch_two()[1])
            batch.flush()  # the version and its leaf are written, then rolled back
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        failing()
    with store.batch(dry_run=True) as batch:
        batch.add(batch_two()[1])
    assert _ops(store) == before


def test_backfill_logs_a_database_from_before_the_log_as_live_logging_would(store: Store):
    logged = [leaf for _i, leaf in log.leaves(store.conn)]
    for trigger in ("log_no_update", "log_no_delete"):
        store.conn.execute(f"DROP TRIGGER {trigger}")
    store.conn.execute("DROP TABLE log")  # a database from before the log
    store.check()  # a writer opening it creates the log and backfills it
    assert [leaf for _i, leaf in log.leaves(store.conn)] == logged
    store.init()  # again: nothing more
    assert len(logged) == len(_ops(store))


def test_a_redaction_is_a_new_leaf_and_audits_clean(store: Store):
    vid = store.conn.execute("SELECT version_id FROM notices ORDER BY rowid").fetchone()[0]
    n = len(_ops(store))
    index = log.redact(store.conn, vid, "个人信息保护法第十三条", "2026-03-05T00:00:00+00:00", fields=["holder"])
    assert index == n
    assert _ops(store)[-1][1:] == ("redact", vid)
    result = log.audit(store.conn)
    assert result.problems == []
    assert result.events == 1
    with pytest.raises(log.LogError):
        log.redact(store.conn, "no-such-version", "x", "2026-03-05T00:00:00+00:00")
    with pytest.raises(log.LogError):
        log.append_event(store.conn, "publish", vid, "x", "2026-03-05T00:00:00+00:00")
