"""The publish manifest (issue 11 §5): each snapshot lists its files' sizes and sha256, and
``publish.snapshot.verify`` tells a read-only replica whether its copy is exactly what was published."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from publish.snapshot import DB_NAME, MANIFEST, publish, verify
from store.db import sha256_file
from tests.test_search_corpus import build_corpus


def _snapshot(tmp: Path) -> Path:
    return publish(build_corpus(tmp), tmp / "published").directory


def test_manifest_lists_every_file_with_size_and_sha256(tmp_path):
    snap = _snapshot(tmp_path)
    manifest = json.loads((snap / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["snapshot"] == snap.name
    assert set(manifest["files"]) == {p.name for p in snap.iterdir() if p.is_file() and p.name != MANIFEST}
    for name, entry in manifest["files"].items():
        assert entry["size"] == (snap / name).stat().st_size
        assert entry["sha256"] == sha256_file(snap / name)
    assert verify(snap) == []


def test_a_copied_replica_verifies_and_a_damaged_one_does_not(tmp_path):
    snap = _snapshot(tmp_path)
    replica = tmp_path / "replica"
    shutil.copytree(snap, replica)
    assert verify(replica) == []  # what a replica checks after copying, before serving

    inspect = replica / "inspect.json"
    text = inspect.read_text(encoding="utf-8")
    inspect.write_text(text.replace('"', "'", 1), encoding="utf-8")  # same size, other bytes
    assert [p for p in verify(replica) if p.startswith("inspect.json: sha256")]

    db = replica / DB_NAME
    db.chmod(0o644)
    with db.open("r+b") as fh:
        fh.truncate(db.stat().st_size // 2)  # a copy cut short
    problems = verify(replica)
    assert any(p.startswith(f"{DB_NAME}: ") and "bytes, the manifest says" in p for p in problems)

    db.unlink()
    assert f"{DB_NAME}: missing" in verify(replica)


def test_verify_names_a_missing_or_unreadable_manifest(tmp_path):
    snap = _snapshot(tmp_path)
    (snap / MANIFEST).write_text("{not json", encoding="utf-8")
    assert "unreadable manifest" in verify(snap)[0]
    (snap / MANIFEST).unlink()
    assert MANIFEST in verify(snap)[0]


def test_a_manifest_naming_a_path_outside_the_snapshot_is_refused(tmp_path):
    snap = _snapshot(tmp_path)
    manifest = json.loads((snap / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"]["../escape.db"] = {"size": 1, "sha256": "0" * 64}
    (snap / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert any("not a file of this directory" in p for p in verify(snap))
