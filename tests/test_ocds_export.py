"""OCDS export (issue 10, point 5): release and record packages that validate offline, exact money,
deterministic bytes, and the real OCDS files back out with every value they carried."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from collectors.parsers import Extracted
from collectors.parsers.ocds import parse_ocds_bytes
from gongkai.cli import cli
from models.assemble import assemble
from models.codelists import Kind
from models.notice import Notice, Source
from publish.ocds import EXTENSIONS, build_release, dumps, merge, write_ocds
from store.db import Store
from tests.conftest import REAL, SHARED
from tests.test_search_corpus import build_corpus

SCHEMA_ZIP = SHARED / "reference" / "ocds" / "standard-1__1__5-schema.zip"
LIBCOVE = Path(sys.executable).parent / "libcoveocds"
SCHEMA_BASE = "https://standard.open-contracting.org/schema/1__1__5/"
REAL_OCDS = ["mx_jalisco_record_package_ocds-xs1qbl-SFIN-03-0007-00-2017.json",
             "ca_buyandsell_record_ocds-34a6hz-01B68-150512_001_CY.json",
             "md_mtender_record_ocds-ngfbwp-17614680.json",
             "py_dncp_record_package_274744.json",
             "tw_release_ocid-6as3t2-51179519.json"]


def schema_zip() -> Path:
    if not SCHEMA_ZIP.exists():
        pytest.skip(f"{SCHEMA_ZIP} is absent (../shared is not beside this checkout): no offline OCDS schema")
    return SCHEMA_ZIP


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("ocds"))


@pytest.fixture(scope="module")
def export(demo_db, tmp_path_factory) -> list[Path]:
    store = Store(demo_db)
    try:
        return write_ocds(store, tmp_path_factory.mktemp("out"), base_url="https://gongkai.example/ocds/")
    finally:
        store.close()


def load(path: Path) -> dict:
    return json.loads(path.read_bytes(), parse_float=Decimal)


# -- the packages --------------------------------------------------------------------------------
def test_one_release_package_per_kind_and_records_for_procurement_and_tenders(export, demo_db):
    names = [p.name for p in export]
    assert names[-1] == "SHA256SUMS"
    for kind in Kind:
        assert f"{kind.value}-releases.json" in names
    assert {n for n in names if n.endswith("-records.json")} == {"procurement-records.json", "tender-records.json"}
    store = Store(demo_db)
    try:
        versions = {k: n for k, n in store.conn.execute("SELECT kind, count(*) FROM notices GROUP BY kind")}
        projects = {k: n for k, n in store.conn.execute("SELECT kind, count(*) FROM projects GROUP BY kind")}
    finally:
        store.close()
    out = export[0].parent
    for kind in Kind:
        package = load(out / f"{kind.value}-releases.json")
        assert package["version"] == "1.1"
        assert package["publisher"] == {"name": "Gongkai"}
        assert package["uri"] == f"https://gongkai.example/ocds/{kind.value}-releases.json"
        assert len(package["releases"]) == versions[kind.value]  # one release per notice version
        ids = [(r["ocid"], r["id"]) for r in package["releases"]]
        assert len(set(ids)) == len(ids)  # a release id is unique within its ocid
        assert all(r["ocid"].startswith("ocds-gkdemo-") for r in package["releases"])
        assert all(r["date"].endswith("+08:00") and r["initiationType"] == "tender" for r in package["releases"])
        assert package["publishedDate"] == max(r["date"] for r in package["releases"])
        assert len({r["ocid"] for r in package["releases"]}) == projects[kind.value]
    records = load(out / "tender-records.json")
    assert len(records["records"]) == projects["tender"]
    assert all(r["compiledRelease"]["tag"] == ["compiled"] for r in records["records"])


def test_sha256sums_match_the_files(export):
    sums = export[-1].read_text(encoding="utf-8").splitlines()
    assert len(sums) == len(export) - 1
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((export[-1].parent / name).read_bytes()).hexdigest() == digest


def test_same_data_same_bytes_and_gzip(demo_db, export, tmp_path):
    store = Store(demo_db)
    try:
        again = write_ocds(store, tmp_path / "again", base_url="https://gongkai.example/ocds/")
        zipped = write_ocds(store, tmp_path / "gz", kinds=["land"], base_url="https://gongkai.example/ocds/",
                            compress=True)
    finally:
        store.close()
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in export]
    assert [p.name for p in zipped] == ["land-releases.json.gz", "SHA256SUMS"]
    plain = (export[0].parent / "land-releases.json").read_bytes()  # the same package, its uri names the .gz
    assert gzip.decompress(zipped[0].read_bytes()) == plain.replace(b"land-releases.json", b"land-releases.json.gz")


def test_tags_methods_parties_and_sales(export):
    out = export[0].parent
    tender = load(out / "tender-releases.json")["releases"]
    by_tag = {}
    for r in tender:
        by_tag.setdefault(r["tag"][0], []).append(r)
    assert {"tender", "tenderAmendment", "award", "tenderCancellation"} <= set(by_tag)
    pending = [a for r in by_tag["award"] for a in r.get("awards", []) if a["status"] == "pending"]
    assert pending, "a candidates notice gives pending awards"
    assert all(r["tender"]["status"] == "cancelled" for r in by_tag["tenderCancellation"])
    methods = {(r["tender"].get("procurementMethodDetails"), r["tender"].get("procurementMethod")) for r in tender}
    assert ("公开招标", "open") in methods
    procurement = load(out / "procurement-releases.json")["releases"]
    assert any(r["tag"] == ["contract"] and r["contracts"][0]["status"] == "active" for r in procurement)
    assert ("单一来源", "direct") in {(r["tender"].get("procurementMethodDetails"), r["tender"].get("procurementMethod"))
                                   for r in procurement}
    uscc_parties = [p for r in procurement for p in r["parties"] if p.get("identifier")]
    assert uscc_parties
    assert all(p["identifier"]["scheme"] == "CN-SAIC" and p["id"] == f"CN-SAIC-{p['identifier']['id']}"
                                and len(p["identifier"]["id"]) == 18 for p in uscc_parties)
    for r in procurement:  # every reference names a listed party
        ids = {p["id"] for p in r["parties"]}
        refs = [r.get("buyer"), r["tender"].get("procuringEntity"),
                *(s for a in r.get("awards", []) for s in a.get("suppliers", []))]
        assert {x["id"] for x in refs if x} <= ids
    land = load(out / "land-releases.json")
    assert land["extensions"] == [EXTENSIONS["location"]]
    sold = [r for r in land["releases"] if r.get("awards")]
    assert sold
    award = sold[0]["awards"][0]
    winner = next(p for p in sold[0]["parties"] if p["id"] == award["suppliers"][0]["id"])
    assert set(winner["roles"]) >= {"supplier", "payer"}
    assert sold[0]["tender"]["items"][0]["unit"]["id"] == "MTK"


def test_money_is_exact():
    row = {"version_id": "n-1-v1", "notice_id": "n-1", "version": 1, "kind": "procurement", "notice_type": "result",
           "title": "t", "published_at": "2026-01-02T09:00:00+08:00", "region_name": None, "project_no": "P1",
           "notice_no": None, "original_url": None, "body": "",
           "fields": {"kind": "procurement", "budget": "1050955.10",
                      "lots": [{"name": None, "winners": [{"name": "甲公司", "amount": "0.07"}], "candidates": []}]}}
    release = build_release(row, "ocds-gkdemo-p1", [])
    text = dumps(release)
    assert '"amount":1050955.1,' in text
    assert '"amount":0.07,' in text
    assert json.loads(text, parse_float=Decimal)["tender"]["value"]["amount"] == Decimal("1050955.10")
    assert dumps(Decimal("3020000000.00")) == "3020000000"


def test_merge_follows_ocds_rules():
    a = {"ocid": "o", "id": "1", "date": "2026-01-01T00:00:00+08:00", "tag": ["tender"],
         "tender": {"id": "t", "title": "A", "value": {"amount": 1, "currency": "CNY"}},
         "parties": [{"id": "p1", "name": "甲", "roles": ["buyer"]}]}
    b = {"ocid": "o", "id": "2", "date": "2026-02-01T00:00:00+08:00", "tag": ["award"],
         "tender": {"id": "t", "title": "B"}, "parties": [{"id": "p2", "name": "乙", "roles": ["supplier"]}]}
    c = merge([b, a])
    assert c["tender"] == {"id": "t", "title": "B", "value": {"amount": 1, "currency": "CNY"}}
    assert [p["id"] for p in c["parties"]] == ["p1", "p2"]
    assert (c["tag"], c["date"], c["id"]) == (["compiled"], b["date"], f"o-{b['date']}")


# -- validation ----------------------------------------------------------------------------------
def test_libcoveocds_reports_no_validation_error(export, tmp_path):
    zip_path = schema_zip()
    if not LIBCOVE.exists():
        pytest.skip("libcoveocds is not installed (make setup installs the dev extra)")
    for path in export:
        if not path.name.endswith("-releases.json"):
            continue
        work = tmp_path / path.stem
        work.mkdir()
        done = subprocess.run([str(LIBCOVE), "--standard-zip", str(zip_path), str(path)], cwd=work,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
        report = json.loads(done.stdout)
        assert report["validation_errors"] == [], (path.name, report["validation_errors"][:3])
        assert report["additional_closed_codelist_values"] == {}, path.name
        assert report["count"] > 0


def _registry(zip_path: Path):
    from referencing import Registry, Resource

    resources = []
    with zipfile.ZipFile(zip_path) as z:
        for name in z.namelist():
            if name.endswith("-schema.json") and "/schema/" in name and name.count("/") == 2:
                schema = json.loads(z.read(name))
                resources.append((SCHEMA_BASE + name.rsplit("/", 1)[1], Resource.from_contents(
                    schema, default_specification=_draft4())))
    return Registry().with_resources(resources)


def _draft4():
    from referencing.jsonschema import DRAFT4

    return DRAFT4


def test_record_packages_validate_against_the_schema_zip(export):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is a dev dependency (make setup)")
    registry = _registry(schema_zip())
    schema = registry.contents(SCHEMA_BASE + "record-package-schema.json")
    validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    for path in export:
        if path.name.endswith("-records.json"):
            package = json.loads(path.read_bytes())
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(package)]
            assert errors == [], (path.name, errors[:5])


# -- the real OCDS files: in, out, in again -------------------------------------------------------
SOURCE = Source(platform="OCDS", url="https://example.org/p.json", fetched_at=datetime(2026, 11, 1, tzinfo=UTC),
                sha256="0" * 64, parser_version="ocds/test")


def _notices(data: bytes) -> list[Notice]:
    out = []
    for found in parse_ocds_bytes(data):
        assert isinstance(found, Extracted), found
        done = assemble(Kind.procurement, found.cells, SOURCE, lots=found.lots, trust_notice_type=False)
        assert done.notice is not None, done.problems
        out.append(done.notice)
    return out


def _parties(notice: Notice) -> dict[str, set[str]]:
    """name → identifiers ("scheme id") of the party lines the importer writes into the body."""
    out: dict[str, set[str]] = {}
    for line in notice.body.splitlines():
        head, sep, rest = line.partition(": ")
        if sep and head.replace("/", "").isalpha() and not head.startswith(("not", "tag")):
            name, _, ids = rest.partition(" [")
            out[name] = {i for i in ids.rstrip("]").split("; ") if i and not i.startswith("id ")}
    return out


def _facts(n: Notice) -> dict:
    f = n.fields.model_dump(mode="json", exclude_none=True)
    for lot in f.get("lots", []):  # OCDS has no rank; candidates keep name, USCC and bid
        lot["candidates"] = sorted((c["name"], c.get("uscc"), c.get("amount")) for c in lot["candidates"])
    return {"title": n.title, "type": n.notice_type.value, "ocid": n.project_no, "release": n.notice_no,
            "date": n.published_at.isoformat(), "currency": n.currency, "fields": f}


@pytest.mark.parametrize("name", REAL_OCDS)
def test_real_ocds_round_trip(name, tmp_path):
    path = REAL / "ocds" / name
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not beside this checkout)")
    before = _notices(path.read_bytes())
    store = Store(tmp_path / "gongkai.db")
    store.init()
    try:
        store.ingest(before)
        out = write_ocds(store, tmp_path / "out", kinds=["procurement"], base_url="https://x.example/")[0]
    finally:
        store.close()
    package = out.read_bytes()
    after = _notices(package)
    assert sorted(map(str, map(_facts, after))) == sorted(map(str, map(_facts, before)))
    for a, b in zip(sorted(after, key=lambda n: n.notice_no or ""), sorted(before, key=lambda n: n.notice_no or ""),
                    strict=True):
        assert _parties(a) == _parties(b), b.notice_no  # every party, every identifier
    releases = json.loads(package, parse_float=Decimal)["releases"]
    assert {f"{r['ocid']}/{r['id']}" for r in releases} == {n.notice_no for n in before}  # the publisher's ids


def test_real_ocds_export_validates(tmp_path):
    zip_path = schema_zip()
    path = REAL / "ocds" / REAL_OCDS[0]
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not beside this checkout)")
    if not LIBCOVE.exists():
        pytest.skip("libcoveocds is not installed (make setup installs the dev extra)")
    store = Store(tmp_path / "gongkai.db")
    store.init()
    try:
        for name in REAL_OCDS:
            if (REAL / "ocds" / name).exists():
                store.ingest(_notices((REAL / "ocds" / name).read_bytes()))
        [releases] = [p for p in write_ocds(store, tmp_path / "out", base_url="https://x.example/")
                      if p.name == "procurement-releases.json"]
    finally:
        store.close()
    work = tmp_path / "cove"
    work.mkdir()
    done = subprocess.run([str(LIBCOVE), "--standard-zip", str(zip_path), str(releases)], cwd=work,
                          capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(done.stdout)
    assert report["validation_errors"] == []
    assert {r["ocid"] for r in json.loads(releases.read_bytes())["releases"]} >= {"ocds-xs1qbl-SFIN-03-0007-00-2017"}


# -- the command ---------------------------------------------------------------------------------
def test_cli_export_ocds(demo_db, tmp_path):
    runner = CliRunner()
    out = tmp_path / "ocds"
    done = runner.invoke(cli, ["--db", str(demo_db), "export", "--format", "ocds", "--kind", "mining", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS", "mining-releases.json"]
    assert "mining-releases.json" in done.output
    # an --out that cannot be written: exit 1 with the reason, no traceback
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = runner.invoke(cli, ["--db", str(demo_db), "export", "--format", "ocds", "--out", str(blocker / "sub")])
    assert done.exit_code == 1
    assert "error:" in done.output
    assert str(blocker / "sub") in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    # unknown --kind: exit 1 with a message naming it
    done = runner.invoke(cli, ["--db", str(demo_db), "export", "--format", "ocds", "--kind", "farm", "--out", str(out)])
    assert done.exit_code == 1
    assert "farm" in done.output
    # usage: --out is a directory and required for ocds; a bad --format is click's usage error
    done = runner.invoke(cli, ["--db", str(demo_db), "export", "--format", "ocds"])
    assert done.exit_code == 2
    done = runner.invoke(cli, ["--db", str(demo_db), "export", "--format", "xml"])
    assert done.exit_code == 2


def test_cli_jsonl_still_works(demo_db, tmp_path):
    target = tmp_path / "x.jsonl"
    done = CliRunner().invoke(cli, ["--db", str(demo_db), "export", "--format", "jsonl", "--kind", "land",
                                    "--out", str(target)])
    assert done.exit_code == 0, done.output
    assert target.read_bytes().count(b"\n") > 0
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_demo_procurement_reads_back_as_the_same_notices(demo_db, export):
    # the importer, run on the export, finds each notice's type, budget, winners and contract amount
    store = Store(demo_db)
    try:
        stored = {r[0]: (r[1], json.loads(r[2])) for r in store.conn.execute(
            "SELECT version_id, notice_type, fields FROM notices WHERE kind = 'procurement'")}
    finally:
        store.close()
    data = (export[0].parent / "procurement-releases.json").read_bytes()
    found = [f for f in parse_ocds_bytes(data) if isinstance(f, Extracted)]
    assert len(found) == len(stored)
    for f in found:
        version_id = f.cells["notice_no"].value.rsplit("/", 1)[1]
        notice_type, fields = stored[version_id]
        assert f.cells["notice_type"].value == notice_type, version_id
        if fields.get("budget"):
            assert Decimal(f.cells["budget"].value.removesuffix("元")) == Decimal(fields["budget"])
        if fields.get("contract_amount"):
            assert Decimal(f.cells["contract_amount"].value.removesuffix("元")) == Decimal(fields["contract_amount"])
        winners = sorted((w["name"], w.get("amount")) for lot in fields.get("lots", []) for w in lot["winners"])
        read = sorted((w["name"], w["amount"]) for lot in f.lots for w in lot["winners"])
        assert [(n, a and Decimal(a)) for n, a in read] == [(n, a and Decimal(a)) for n, a in winners], version_id
