"""Natural persons in every machine-readable output (issue 13 §5): the demo's people are found by the
rule, and no output — Datasette's snapshot, the bulk downloads (SQLite, JSONL, CSV, flat CSV), the
OCDS export, the search index — holds a person's full name; each shows the masked form; the store
keeps the original.

The people are found here from the store with the rule (models.privacy), not from store.privacy's
map: parties without a USCC whose name looks like a person's, and the names of the ``experts`` and
``project_manager`` fields."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import sqlite3
from pathlib import Path

import orjson
import pytest

from collectors.importers.headers import load_map
from collectors.submit import submit
from demo.generate import PEOPLE, generate_demo
from models.codelists import Kind
from models.identity import party_id
from models.privacy import is_natural_person, load_policy, mask
from publish.ocds import write_ocds
from publish.site.downloads import write_downloads
from publish.snapshot import publish
from search_index import SearchRequest, open_engine, update_index
from search_index.documents import iter_notices, iter_projects
from search_index.fts import match_expression
from store import privacy, pseudonym
from store.db import Store, connect_ro


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("privacy")
    db = tmp / "g.db"
    store = Store(db)
    store.init()
    try:
        for item in generate_demo(tmp / "demo", projects_per_kind=12):
            if not item.invalid:
                result = submit(store, item.path, kind=Kind(item.kind), agency=item.agency,
                                mapping=load_map(item.map_file) if item.map_file else None)
                assert result.ok, result.report()
    finally:
        store.close()
    return {"db": db, "tmp": tmp}


@pytest.fixture(scope="module")
def people(demo: dict[str, Path]) -> dict[str, str]:
    """Every natural person of the demo store, by the rule: full name → masked form."""
    conn = connect_ro(demo["db"])
    try:
        found = {name for name, uscc, role in conn.execute(
            "SELECT pp.name, p.uscc, pp.role FROM project_parties pp JOIN parties p ON p.party_id = pp.party_id")
            if is_natural_person(name, uscc, role)}
        for (fields,) in conn.execute("SELECT fields FROM notices"):
            for key in privacy.PERSON_FIELDS:
                for value in privacy._values_of(orjson.loads(fields), key):
                    found.update(privacy.names_in(value))
    finally:
        conn.close()
    assert set(PEOPLE[:9]) <= found  # the demo's land users, the car buyer, the experts
    return {name: mask(name) for name in found}


def _clean(text: str, people: dict[str, str], where: str) -> set[str]:
    """Assert no full name in ``text`` (nor its JSON \\u escape); return the masked forms present."""
    for name in people:
        escaped = json.dumps(name)[1:-1]
        assert name not in text, f"{where}: {name} appears unmasked"
        assert escaped not in text, f"{where}: {name} appears unmasked (JSON-escaped)"
    return {m for m in people.values() if m in text}


def test_the_packaged_policy_masks_every_demo_person(demo: dict[str, Path], people: dict[str, str]) -> None:
    conn = connect_ro(demo["db"])
    try:
        shown = privacy.merged(privacy.redaction(conn).values())
    finally:
        conn.close()
    for name, masked in people.items():
        assert shown.get(name) == masked, name


def test_the_store_keeps_the_originals(demo: dict[str, Path], people: dict[str, str]) -> None:
    conn = connect_ro(demo["db"])
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM project_parties")}
        fields = "".join(r[0] for r in conn.execute("SELECT fields FROM notices"))
    finally:
        conn.close()
    assert set(PEOPLE[:3]) <= names  # two land users and the car buyer, as published
    assert all(name in fields for name in PEOPLE[:9])


def test_datasette_snapshot_every_table_and_column(demo: dict[str, Path], people: dict[str, str]) -> None:
    pub = publish(demo["db"], demo["tmp"] / "published")
    conn = connect_ro(pub.db)
    try:
        masked: set[str] = set()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                text = "\x1f".join(str(v) for v in row if isinstance(v, str))
                masked |= _clean(text, people, f"snapshot table {table}")
        for name in people:
            for fts in ("notices_fts", "projects_fts"):
                hits = conn.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?",
                                    (match_expression(f'"{name}"'),)).fetchone()[0]
                assert hits == 0, (fts, name)
        redacted = conn.execute(f"SELECT count(*) FROM {privacy.REDACTED_TABLE}").fetchone()[0]
    finally:
        conn.close()
    assert set(people.values()) <= masked
    assert redacted > 0  # the versions whose content the policy changed are listed (gongkai verify)
    raw = pub.db.read_bytes()  # no free page or journal left a name behind
    for name in people:
        assert name.encode() not in raw, name


def test_downloads_sqlite_jsonl_csv_flat_csv(demo: dict[str, Path], people: dict[str, str]) -> None:
    out = demo["tmp"] / "site"
    conn = connect_ro(demo["db"])
    try:
        described = write_downloads(conn, out, site_url="https://gongkai.example/")
    finally:
        conn.close()
    masked: set[str] = set()
    for d in described:
        path = out / d["path"]
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        if path.suffix == ".sqlite":
            for name in people:
                assert name.encode() not in data, (path.name, name)
            copy = sqlite3.connect(path)
            try:
                for (table,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    for row in copy.execute(f'SELECT * FROM "{table}"'):
                        masked |= _clean("\x1f".join(str(v) for v in row if isinstance(v, str)), people,
                                         f"{path.name} {table}")
            finally:
                copy.close()
            continue
        masked |= _clean(data.decode("utf-8"), people, d["name"])
    assert set(people.values()) <= masked
    kinds = {d["name"].split(".")[0] for d in described}
    assert {"gongkai-land", "gongkai-land-projects", "gongkai-tender", "gongkai-state_asset"} <= kinds


def test_ocds_export(demo: dict[str, Path], people: dict[str, str]) -> None:
    conn = connect_ro(demo["db"])
    try:
        written = write_ocds(conn, demo["tmp"] / "ocds", base_url="https://gongkai.example/ocds/")
    finally:
        conn.close()
    masked: set[str] = set()
    for path in written:
        masked |= _clean(path.read_text(encoding="utf-8"), people, path.name)
    assert {mask(n) for n in PEOPLE[:3]} <= masked  # the land users and the car buyer are award suppliers


def test_search_index(demo: dict[str, Path], people: dict[str, str]) -> None:
    conn = connect_ro(demo["db"])
    try:
        docs = list(iter_notices(conn)) + list(iter_projects(conn))
    finally:
        conn.close()
    masked: set[str] = set()
    for d in docs:
        text = "\x1f".join([d.title, d.text, d.summary, *d.ids])
        masked |= _clean(text, people, f"search document {d.key}")
    assert set(people.values()) <= masked
    index = demo["tmp"] / "index"
    update_index(demo["db"], index)
    engine = open_engine(index)
    try:
        for name in people:
            res = engine.search(SearchRequest(f'"{name}"', size=10, facets=False))
            assert res.total == 0, (name, [h.title for h in res.hits])
        land_user = PEOPLE[0]
        res = engine.search(SearchRequest(f"受让人 {mask(land_user)[0]}", size=50, facets=False))
        titles = [h.title for h in res.hits]
        assert any(f"（受让人：{mask(land_user)}）" in t for t in titles), titles
    finally:
        engine.close()


def test_a_deployment_policy_that_omits(demo: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = tmp_path / "privacy.toml"
    policy.write_text('default = "omit"\n[roles]\nexpert = "publish"\n', encoding="utf-8")
    monkeypatch.setenv("GONGKAI_PRIVACY", str(policy))
    load_policy.cache_clear()
    conn = connect_ro(demo["db"])
    try:
        shown = privacy.merged(privacy.redaction(conn).values())
    finally:
        conn.close()
    assert shown[PEOPLE[0]] == "（自然人，依隐私政策不公开）"
    assert PEOPLE[5] not in shown  # an expert, published under this policy


# -- ids: a hidden person's party id is a keyed pseudonym in every output --------------------------

@pytest.fixture(scope="module")
def hidden_ids(demo: dict[str, Path]) -> dict[str, str]:
    """stored id → expected pseudonym of every person party without a USCC (the packaged policy masks
    every role), found by the rule; the pseudonym computed here from the key file beside the store."""
    conn = connect_ro(demo["db"])
    try:
        ids = {pid for pid, name, uscc, role in conn.execute(
            "SELECT pp.party_id, pp.name, p.uscc, pp.role FROM project_parties pp JOIN parties p USING (party_id)")
            if not uscc and is_natural_person(name, uscc, role)}
        key_file = pseudonym.key_path(demo["db"])
        pseudonym.key_of(conn)  # created on first use
    finally:
        conn.close()
    assert ids
    assert all(i.startswith("name-") for i in ids)  # an unkeyed hash of the name: what must not leak
    key = bytes.fromhex(key_file.read_text(encoding="ascii").strip())
    return {pid: "person-" + hmac.new(key, pid.encode(), hashlib.sha256).hexdigest()[:20] for pid in ids}


def _no_ids(data: bytes | str, hidden: dict[str, str], where: str) -> set[str]:
    """Assert no stored id of a hidden person in ``data``; return the pseudonyms present."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    leaked = sorted(pid for pid in hidden if pid in text)
    assert not leaked, f"{where}: stored ids of hidden persons {leaked[:3]}"
    return {p for p in hidden.values() if p in text}


def _snapshot_ids(db: Path, hidden: dict[str, str], where: str) -> set[str]:
    """Every table of a published copy: no stored id, no name hash; the joins on party_id still match."""
    conn = sqlite3.connect(db)
    try:
        seen: set[str] = set()
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                seen |= _no_ids("\x1f".join(str(v) for v in row if isinstance(v, str)), hidden, f"{where} {table}")
        orphans = conn.execute("SELECT count(*) FROM project_parties pp LEFT JOIN parties p USING (party_id)"
                               " WHERE p.party_id IS NULL").fetchone()[0]
        assert orphans == 0, f"{where}: project_parties rows no longer join parties"
        shown = {r[0] for r in conn.execute("SELECT party_id FROM parties WHERE party_id LIKE 'person-%'")}
        in_projects = {r[0] for r in conn.execute("SELECT party_id FROM project_parties WHERE party_id LIKE 'person-%'")}
    finally:
        conn.close()
    assert shown == set(hidden.values()) == in_projects, where
    return seen


def test_a_hidden_persons_id_is_a_keyed_pseudonym_in_the_snapshot(demo: dict[str, Path],
                                                                   hidden_ids: dict[str, str]) -> None:
    first = publish(demo["db"], demo["tmp"] / "published-ids")
    second = publish(demo["db"], demo["tmp"] / "published-ids")
    assert first.db != second.db
    for pub in (first, second):  # two publishes: the same pseudonym for the same person
        _snapshot_ids(pub.db, hidden_ids, f"snapshot {pub.db.parent.name}")
        _no_ids(pub.db.read_bytes(), hidden_ids, "snapshot file")
    conn = connect_ro(demo["db"])
    try:  # organisations without a USCC keep their ids; the store keeps the originals
        orgs = {r[0] for r in conn.execute("SELECT party_id FROM parties WHERE party_id LIKE 'name-%'")} - set(hidden_ids)
        stored = {r[0] for r in conn.execute("SELECT party_id FROM parties")}
    finally:
        conn.close()
    assert set(hidden_ids) <= stored
    snap = sqlite3.connect(first.db)
    try:
        assert orgs <= {r[0] for r in snap.execute("SELECT party_id FROM parties")}
    finally:
        snap.close()
    assert not list((demo["tmp"] / "published-ids").rglob(pseudonym.KEY_NAME))  # the key stays beside the store


def test_a_hidden_persons_id_in_downloads_and_ocds(demo: dict[str, Path], hidden_ids: dict[str, str]) -> None:
    out = demo["tmp"] / "site-ids"
    conn = connect_ro(demo["db"])
    try:
        described = write_downloads(conn, out, site_url="https://gongkai.example/")
    finally:
        conn.close()
    key_text = pseudonym.key_path(demo["db"]).read_text(encoding="ascii").strip()
    ocds_seen: set[str] = set()
    for d in described:
        data = (out / d["path"]).read_bytes()
        if d["name"].endswith(".gz"):
            data = gzip.decompress(data)
        assert key_text.encode() not in data, d["name"]
        seen = _no_ids(data, hidden_ids, d["name"])
        if d["name"].endswith(".sqlite"):
            _snapshot_ids(out / d["path"], hidden_ids, d["name"])
        if d["ocds"]:
            ocds_seen |= seen
    assert any(d["ocds"] for d in described)
    # the OCDS parties of the land users and the car buyer carry the pseudonym the snapshot shows,
    # never a hash of the name (as published or masked)
    suppliers = {hidden_ids[party_id(name, None)] for name in PEOPLE[:3]}
    assert suppliers <= ocds_seen
    for path in out.rglob("*"):
        if path.is_file():
            text = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            for name in PEOPLE[:3]:
                assert hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:16].encode() not in text
    assert not list(out.rglob(pseudonym.KEY_NAME))


def test_a_hidden_persons_id_in_search_documents(demo: dict[str, Path], hidden_ids: dict[str, str]) -> None:
    conn = connect_ro(demo["db"])
    try:
        docs = list(iter_notices(conn)) + list(iter_projects(conn))
    finally:
        conn.close()
    for d in docs:
        _no_ids("\x1f".join([d.key, d.title, d.text, d.summary, *d.ids]), hidden_ids, f"search document {d.key}")


def test_the_pseudonym_key(demo: dict[str, Path], tmp_path: Path) -> None:
    path = pseudonym.key_path(demo["db"])
    assert path.stat().st_mode & 0o777 == 0o600  # never readable by others
    key = pseudonym.read_key(path)
    assert pseudonym.pseudonym(pseudonym.read_key(path), "name-x") == pseudonym.pseudonym(key, "name-x")
    assert pseudonym.pseudonym(key, "name-x") != pseudonym.pseudonym(key, "name-y")
    other = tmp_path / "other.db"
    assert pseudonym.load_key(other) != key  # another deployment: other pseudonyms
    assert pseudonym.key_path(other).exists()
    pseudonym.key_path(other).write_text("not a key\n", encoding="ascii")
    with pytest.raises(pseudonym.PseudonymKeyError, match="not a pseudonym key"):
        pseudonym.load_key(other)  # a damaged key is an error, never silently replaced
