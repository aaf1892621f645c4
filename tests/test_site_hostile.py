"""A hostile-string corpus through every page type and feed: nothing executes, links stay http(s),
ids cannot escape the output directory, feeds still parse."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

import feedparser
import html5lib
import pytest

from publish.site.build import build
from store import paths
from tests.test_site import SITE_URL, files_of, make_fixture_db, page_types

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "＜script＞alert(1)＜/script＞",
    "\u202eevil\u202c",
    "nul\x00byte\x01\x1b",
    "{{7*7}}{% raw %}",
    "<svg onload=alert(1)>",
]
BIG = "长" * (1 << 20)  # a 1 MB string (in characters)


@pytest.fixture
def fixture_db(tmp_path, monkeypatch):
    yield from make_fixture_db(tmp_path, monkeypatch)



def poison(db) -> None:
    """Write hostile strings into every text the site shows, and hostile ids, straight into the store."""
    conn = sqlite3.connect(db)
    h = " ".join(HOSTILE)
    conn.execute("UPDATE notices SET title = ? || title, publisher = ?, region_name = ?, notice_no = ?, body = ?,"
                 " project_name = ?, corrects = ?, original_url = 'javascript:alert(1)'", (h, h, h, h, h + BIG, h, h))
    conn.execute("UPDATE notices SET original_url = 'http://x\"onmouseover=alert(1)' WHERE kind = 'tender'")
    conn.execute("UPDATE projects SET title = ? || title, publisher = ?, region_name = ?", (h, h, h))
    conn.execute("UPDATE parties SET name = ?", (h,))
    conn.execute("UPDATE project_parties SET name = ?", (h,))
    conn.execute("UPDATE notice_sources SET platform = ?, url = 'javascript:alert(2)', location = ?", (h, h))
    # hostile ids: a project, its notices and its parties
    for old, new in (("proc-", "../../proc-"), ("mine-", "..\\mine-"), ("land-", "/etc/land-"), ("asset-", "．．／asset-")):
        for table in ("notices", "projects", "project_parties", "projects_procurement", "projects_mining",
                      "projects_land", "projects_state_asset"):
            conn.execute(f"UPDATE {table} SET project_id = replace(project_id, ?, ?)", (old, new))
    conn.execute("UPDATE notices SET version_id = '../' || version_id, notice_id = '../' || notice_id")
    conn.execute("UPDATE notice_sources SET version_id = '../' || version_id")
    conn.execute("UPDATE parties SET party_id = '../../' || party_id")
    conn.execute("UPDATE project_parties SET party_id = '../../' || party_id")
    conn.execute("UPDATE projects SET project_id = ? WHERE kind = 'tender'", ("t" * 300,))
    conn.execute("UPDATE notices SET project_id = ? WHERE kind = 'tender'", ("t" * 300,))
    conn.execute("UPDATE project_parties SET project_id = ? WHERE project_id LIKE 'tender-%'", ("t" * 300,))
    conn.commit()
    conn.close()


class Checker:
    """Walks an HTML tree: no script elements, no on* attributes, no non-http(s) absolute links."""

    def __init__(self, where: str) -> None:
        self.where = where

    def check(self, data: bytes) -> None:
        doc = html5lib.parse(data.decode("utf-8"), namespaceHTMLElements=False)
        for el in doc.iter():
            tag = el.tag if isinstance(el.tag, str) else ""
            assert tag.lower() != "script" or el.get("type") == "application/ld+json", f"{self.where}: <script>"
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), f"{self.where}: event handler {name}={value!r}"
                if name in ("href", "src", "action", "formaction"):
                    v = value.strip().lower()
                    scheme = v.split(":", 1)[0] if ":" in v.split("/", 1)[0] else ""
                    assert scheme in ("", "http", "https"), f"{self.where}: {name}={value!r}"
        text = data.decode("utf-8")
        for bad in ("\u202e", "\x00", "\x1b"):
            assert bad not in text, (self.where, bad)
        assert "49" not in text.split("{{7*7}}")[0][-5:], self.where  # the template text is shown, not run


@pytest.fixture
def hostile_site(fixture_db, tmp_path):
    db = fixture_db(2)
    poison(db)
    out = tmp_path / "site"
    build(db, out, site_url=SITE_URL, workers=1)
    return out


def test_every_page_type_survives_hostile_strings(hostile_site):
    out = hostile_site
    files = files_of(out)
    assert all(p == "" or not p.startswith("..") for p in files)
    for p in out.rglob("*"):
        assert p.resolve().is_relative_to(out.resolve())
    html = [p for p in files if p.endswith(".html")]
    assert len(html) > 60
    for rel in html:
        Checker(rel).check(files[rel])
    types = page_types(out)
    assert set(types) >= {"project", "notice", "party", "region", "area"}
    # the hostile text is shown, escaped
    notice_page = next(v for k, v in files.items() if k.startswith("notice/"))
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in notice_page
    assert "＜script＞".encode() in notice_page
    assert b"{{7*7}}" in notice_page
    # a 300-character project id became a short safe file name
    assert paths.project("t" * 300) in files


def test_feeds_parse_and_carry_no_control_characters(hostile_site):
    feeds = [p for p in files_of(hostile_site) if p.endswith(("atom.xml", "rss.xml"))]
    assert any(p.startswith("party/") for p in feeds)
    assert "atom.xml" in feeds
    for rel in feeds:
        data = (hostile_site / rel).read_bytes()
        ET.fromstring(data)  # well-formed XML  # noqa: S314 - our own output
        parsed = feedparser.parse(data)
        assert not parsed.bozo, (rel, parsed.get("bozo_exception"))
        # a red-flag feed (flags-atom.xml) of an area or province with no flagged project is written empty
        assert parsed.entries or "flags-" in rel, rel
        for e in parsed.entries:
            assert "\x00" not in e.title
            assert "\u202e" not in e.title
            assert e.link.startswith(SITE_URL)
        assert b"<script>" not in data
