"""Golden pages: a fresh build of the fixture database must equal tests/golden/site/ byte for byte.

A difference fails with the first lines of a unified diff per file. `make golden`
(GONGKAI_GOLDEN=review) prints the whole diff and fails while anything differs; after reviewing it,
`make golden ACCEPT=1` (GONGKAI_GOLDEN=accept) writes the new files.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from demo import replay
from publish.site.build import build
from tests.test_site import SITE_URL, files_of, make_fixture_db, page_types

GOLDEN_TREE = Path(__file__).parent / "golden" / "site"
GOLDEN = GOLDEN_TREE  # the folder compared with; a test points it at a copy
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
    compare(fixture_db, tmp_path, os.environ.get("GONGKAI_GOLDEN", ""))


def test_a_changed_page_fails_with_its_diff(fixture_db, tmp_path, monkeypatch):
    golden = tmp_path / "golden"
    shutil.copytree(GOLDEN, golden)
    monkeypatch.setattr(sys.modules[__name__], "GOLDEN", golden)
    page = golden / "robots.txt"
    page.write_bytes(page.read_bytes() + b"Disallow: /edited-by-hand/\n")
    (golden / "stale.html").write_text("<p>no longer built</p>\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception) as failed:
        compare(fixture_db, tmp_path, "")
    message = str(failed.value)
    assert message.startswith("2 page(s) differ from tests/golden/site/")
    assert "--- golden/robots.txt\n+++ new/robots.txt\n" in message
    assert "\n-Disallow: /edited-by-hand/\n" in message
    assert "--- golden/stale.html\n+++ /dev/null\n" in message
    compare(fixture_db, tmp_path, "accept")  # writes the built pages back
    assert not (golden / "stale.html").exists()
    assert page.read_bytes() == (GOLDEN_TREE / "robots.txt").read_bytes()


def compare(fixture_db, tmp_path: Path, mode: str) -> None:
    """Build the fixture site and compare it with GOLDEN; ``mode`` is "" (the test), "review"
    (`make golden`: the whole diff) or "accept" (`make golden ACCEPT=1`: print the diff, write)."""
    out = tmp_path / "site"
    build(fixture_db(2), out, site_url=SITE_URL, workers=1, downloads=False)
    files = files_of(out)
    new = {rel: files[rel] for rel in selection(out)}
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    changed = replay.changes(golden, new)
    if mode == "accept":
        sys.stdout.write(replay.diff(changed))  # shown with pytest -s (make golden ACCEPT=1)
        replay.write(GOLDEN, changed)
        return
    if changed:
        pytest.fail(f"{len(changed)} page(s) differ from tests/golden/site/ "
                    f"(`make golden` shows the whole diff; `make golden ACCEPT=1` writes it once reviewed):\n"
                    f"{replay.diff(changed, max_lines=None if mode == 'review' else 30)}", pytrace=False)
