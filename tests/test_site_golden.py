"""Golden pages: a fresh build of the fixture database must equal tests/golden/site/ byte for byte.

`make golden` (GONGKAI_GOLDEN=1) rewrites the golden files; review the diff before committing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gongkai.site.build import build
from tests.test_site import SITE_URL, files_of, make_fixture_db, page_types

GOLDEN = Path(__file__).parent / "golden" / "site"
FEEDS = ["atom.xml", "rss.xml", "land/atom.xml", "region/440000/atom.xml", "sitemap.xml", "robots.txt"]
SKIP = {"downloads"}  # checksums of the SQLite copy depend on the SQLite version; tested in test_site.py


@pytest.fixture
def fixture_db(tmp_path, monkeypatch):
    yield from make_fixture_db(tmp_path, monkeypatch)



def selection(out: Path) -> list[str]:
    chosen = []
    for name, rel in sorted(page_types(out).items()):
        if name not in SKIP:
            chosen += [rel, f"en/{rel}"]
    party_feed = sorted(p.relative_to(out).as_posix() for p in out.glob("party/*/atom.xml"))[0]
    return [*chosen, *FEEDS, party_feed]


def test_golden_pages(fixture_db, tmp_path):
    out = tmp_path / "site"
    build(fixture_db(2), out, site_url=SITE_URL, workers=1, downloads=False)
    files = files_of(out)
    chosen = selection(out)
    if os.environ.get("GONGKAI_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel in chosen:
            target = GOLDEN / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[rel])
    golden = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert golden, "no golden files: run `make golden`"
    assert golden == set(chosen), "the page set changed: run `make golden` and review the diff"
    differing = [rel for rel in chosen if (GOLDEN / rel).read_bytes() != files[rel]]
    assert differing == [], f"pages differ from the golden files (run `make golden` and review): {differing}"
