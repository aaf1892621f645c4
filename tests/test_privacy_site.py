"""Natural persons on the site (issue 13 §5): the privacy policy applied in every page and feed.

The demo store's people are found with the rule (models.privacy.is_natural_person over the parties,
plus the names of the ``experts`` and ``project_manager`` fields), not with the site's own code; then
no file of the built site (pages zh and en, feeds, sitemap, robots, the log) holds a full name, each
person's project page shows the masked form, no person has a party page (their name links to the
policy), and the about page states the loaded policy for every role of privacy.toml, with its legal
basis. A deployment's policy that omits: its placeholder in each language, and a new policy makes
the next build a full one."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import lxml.html
import orjson
import pytest

from collectors.importers.headers import load_map
from collectors.submit import submit
from demo.generate import PEOPLE, generate_demo
from models.codelists import Kind
from models.privacy import DEFAULT_FILE, PLACEHOLDER, is_natural_person, load_policy, mask
from publish.site import reader
from publish.site.build import _whole_party_lists, build
from publish.site.i18n import kind_label
from publish.site.pages import overview
from publish.site.state import open_state
from store import paths, privacy, pseudonym
from store.db import Store, connect_ro

SITE_URL = "https://gongkai.test/site/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo store (12 projects per area, plus the people's projects) and its built site."""
    tmp = tmp_path_factory.mktemp("privacy-site")
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
    out = tmp / "site"
    build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    return {"db": db, "out": out, "tmp": tmp}


@pytest.fixture(scope="module")
def people(site: dict[str, Path]) -> dict[str, dict[str, object]]:
    """Every natural person of the store, by the rule: full name → {projects, party ids}."""
    found: dict[str, dict[str, set[str]]] = {}
    conn = connect_ro(site["db"])
    try:
        for pid, party_id, name, uscc, role in conn.execute(
                "SELECT pp.project_id, pp.party_id, pp.name, p.uscc, pp.role FROM project_parties pp"
                " JOIN parties p ON p.party_id = pp.party_id"):
            if is_natural_person(name, uscc, role):
                entry = found.setdefault(name, {"projects": set(), "parties": set()})
                entry["projects"].add(pid)
                entry["parties"].add(party_id)
        for pid, fields in conn.execute("SELECT project_id, fields FROM notices"):
            for key in privacy.PERSON_FIELDS:
                for value in privacy._values_of(orjson.loads(fields), key):
                    for name in privacy.names_in(value):
                        found.setdefault(name, {"projects": set(), "parties": set()})["projects"].add(pid)
    finally:
        conn.close()
    assert set(PEOPLE[:9]) <= set(found)  # the land users, the car buyer, the experts
    return found  # type: ignore[return-value]


def _files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file())


def test_no_built_file_holds_a_full_name(site: dict[str, Path], people: dict[str, dict[str, object]]) -> None:
    files = _files(site["out"])
    names = {p.relative_to(site["out"]).as_posix() for p in files}
    # every kind of output is walked: pages in both languages, feeds, sitemap, robots
    assert {"index.html", "en/index.html", "atom.xml", "rss.xml", "sitemap.xml", "robots.txt"} <= names
    assert any(n.startswith("en/project/") for n in names)
    assert any(n.endswith("flags-atom.xml") for n in names)
    leaks = []
    for path in files:
        data = path.read_bytes()
        for name in people:
            escaped = json.dumps(name).strip('"').encode()  # a \\u-escaped copy (JSON) would hide it too
            if name.encode() in data or escaped in data:
                leaks.append((path.relative_to(site["out"]).as_posix(), name))
    assert not leaks, leaks[:20]


def test_no_built_file_holds_a_persons_stored_id_or_the_pseudonym_key(
        site: dict[str, Path], people: dict[str, dict[str, object]]) -> None:
    """A person's stored id (``name-`` + an unkeyed hash of the name) gives the name back: no page,
    feed or sitemap of the site holds one, nor the pseudonym key (which stays beside the store,
    created there on first use). The build's own state (``.build/``: list keys ``party:<stored id>``)
    is never served (404 under /site/, robots.txt) and is left out of a deployed copy (docs/deploy.md)."""
    conn = connect_ro(site["db"])
    try:
        hidden = {pid for pid, uscc in conn.execute("SELECT party_id, uscc FROM parties")
                  if not uscc and pid in {p for e in people.values() for p in e["parties"]}}  # type: ignore[attr-defined]
        pseudonym.key_of(conn)
    finally:
        conn.close()
    assert hidden
    key_file = pseudonym.key_path(site["db"])
    key = key_file.read_text(encoding="ascii").strip().encode()
    leaks = []
    files = _files(site["out"])
    for path in files:
        data = path.read_bytes()
        assert key not in data, path
        if path.relative_to(site["out"]).parts[0] != ".build":
            leaks += [(path.relative_to(site["out"]).as_posix(), pid) for pid in hidden if pid.encode() in data]
    assert len(files) > 100  # pages in two languages, feeds, sitemap: all walked
    assert not leaks, leaks[:20]
    assert not list(site["out"].rglob(pseudonym.KEY_NAME))
    assert site["out"] not in key_file.parents


def test_each_person_shows_masked_on_their_project_pages(site: dict[str, Path],
                                                          people: dict[str, dict[str, object]]) -> None:
    missing = []
    for name, entry in people.items():
        for pid in sorted(entry["projects"]):  # type: ignore[attr-defined]
            for lang in ("zh", "en"):
                page = (site["out"] / paths.in_lang(paths.project(pid), lang)).read_text(encoding="utf-8")
                if mask(name) not in page:
                    missing.append((pid, lang, name))
    assert not missing, missing[:20]


def test_a_person_has_no_party_page_and_links_to_the_policy(site: dict[str, Path],
                                                             people: dict[str, dict[str, object]]) -> None:
    out = site["out"]
    person_parties = {p for e in people.values() for p in e["parties"]}  # type: ignore[attr-defined]
    assert person_parties  # the land users and the car buyer are parties
    for party_id in person_parties:
        rel = paths.party(party_id)
        assert not (out / rel).exists(), party_id
        assert not (out / "en" / rel).exists(), party_id
        assert not list((out / rel).parent.glob("*")), party_id  # no numbered page, no feed either
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    for party_id in person_parties:
        assert paths.party(party_id) not in sitemap
    # a person's name on a project page links to the policy, an organisation's to its page
    name = PEOPLE[0]
    pid = sorted(people[name]["projects"])[0]  # type: ignore[index]
    doc = lxml.html.fromstring((out / paths.project(pid)).read_bytes())
    links = {a.text_content().strip(): a.get("href") for a in doc.iter("a")}
    assert links[mask(name)].endswith("about/index.html#privacy")
    assert any("/party/" in (h or "") for h in links.values())
    assert (out / "about/index.html").exists()


def test_the_about_page_states_the_policy_for_every_role(site: dict[str, Path]) -> None:
    table = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    roles = table["roles"]
    assert roles  # the packaged policy names roles
    for lang in ("zh", "en"):
        doc = lxml.html.fromstring((site["out"] / paths.in_lang("about/index.html", lang)).read_bytes())
        section = doc.get_element_by_id("privacy")
        assert section is not None
        rows = {tr.xpath("string(th)").strip(): tr.xpath("string(td)").strip()
                for tr in doc.xpath("//table[contains(@class, 'privacy')]//tbody/tr")}
        expected = {who: what for who, what in overview.privacy_rows(lang)}
        assert rows == expected
        assert len(rows) == len(roles) + 1  # every role, and everyone else
        for role, rule in roles.items():
            label = overview.privacy_rows(lang)[list(roles).index(role)][0]
            assert label != role, role  # a role in words, never its internal name
            assert rows[label] == overview.policy_words(privacy.Policy(rule), lang)
        body = doc.text_content()
        if lang == "zh":
            assert "第十三条第一款第六项" in body
            assert "第二十七条" in body
            assert "个人信息保护法" in body
            assert "更正" in body
        else:
            assert "Article 13(1)(6)" in body
            assert "Article 27" in body
            assert "Corrections" in body


def test_a_deployment_policy_shows_on_the_about_page_and_omits_in_each_language(
        site: dict[str, Path], people: dict[str, dict[str, object]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    policy = tmp_path / "privacy.toml"
    policy.write_text('default = "mask"\n[roles]\nland_user = "omit"\n[areas.winner]\nstate_asset = "omit"\n',
                      encoding="utf-8")
    monkeypatch.setenv("GONGKAI_PRIVACY", str(policy))
    load_policy.cache_clear()
    out = tmp_path / "site"
    shutil.copytree(site["out"], out)
    report = build(site["db"], out, site_url=SITE_URL, workers=1, downloads=False)
    assert report.mode == "full"  # another policy: every page again
    zh = lxml.html.fromstring((out / "about/index.html").read_bytes())
    rows = {tr.xpath("string(th)").strip(): tr.xpath("string(td)").strip()
            for tr in zh.xpath("//table[contains(@class, 'privacy')]//tbody/tr")}
    assert rows["土地使用权人"] == f"不显示姓名，以“{PLACEHOLDER[0]}”代替"
    assert rows[f"中标（成交）人 · {kind_label('state_asset', 'zh')}"].startswith("不显示姓名")
    land_user = PEOPLE[0]
    pid = sorted(people[land_user]["projects"])[0]  # type: ignore[index]
    zh_page = (out / paths.project(pid)).read_text(encoding="utf-8")
    en_page = (out / "en" / paths.project(pid)).read_text(encoding="utf-8")
    assert PLACEHOLDER[0] in zh_page
    assert PLACEHOLDER[1] in en_page
    assert PLACEHOLDER[0] not in en_page
    for path in _files(out):
        data = path.read_bytes()
        for name in people:
            assert name.encode() not in data, (path, name)
    load_policy.cache_clear()


def test_a_policy_that_publishes_shows_names_and_party_pages(
        site: dict[str, Path], people: dict[str, dict[str, object]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk above can fail: under a policy that publishes everyone, the names and pages are there."""
    policy = tmp_path / "privacy.toml"
    policy.write_text('default = "publish"\n[roles]\nexpert = "publish"\nland_user = "publish"\n'
                      'winner = "publish"\ntransferee = "publish"\ncandidate = "publish"\n', encoding="utf-8")
    monkeypatch.setenv("GONGKAI_PRIVACY", str(policy))
    load_policy.cache_clear()
    out = tmp_path / "site"
    try:
        build(site["db"], out, site_url=SITE_URL, workers=1, downloads=False)
    finally:
        load_policy.cache_clear()
    for name in PEOPLE[:3]:
        pid = sorted(people[name]["projects"])[0]  # type: ignore[index]
        assert name in (out / paths.project(pid)).read_text(encoding="utf-8")
        for party_id in people[name]["parties"]:  # type: ignore[attr-defined]
            assert (out / paths.party(party_id)).exists()
    assert any(name.encode() in p.read_bytes() for p in out.glob("party/*/atom.xml") for name in PEOPLE[:3])
    # back to the packaged policy: a full build removes the person's pages of the earlier one
    monkeypatch.delenv("GONGKAI_PRIVACY")
    report = build(site["db"], out, site_url=SITE_URL, workers=1, downloads=False)
    assert report.mode == "full"
    for name in PEOPLE[:3]:
        for party_id in people[name]["parties"]:  # type: ignore[attr-defined]
            assert not list((out / paths.party(party_id)).parent.glob("*")), party_id
            assert paths.party(party_id) not in (out / "sitemap.xml").read_text(encoding="utf-8")
    leaks = [(p, n) for p in _files(out) for n in people if n.encode() in p.read_bytes()]
    assert not leaks, leaks[:10]


def test_the_reader_redacts_what_every_page_reads(site: dict[str, Path],
                                                  people: dict[str, dict[str, object]]) -> None:
    """The central functions a page reads through (publish.site.reader) return no full name, so a
    page added later cannot forget the policy."""
    from publish.site import reader

    conn = connect_ro(site["db"])
    try:
        pids = [r[0] for r in conn.execute("SELECT project_id FROM projects")]
        vids = [r[0] for r in conn.execute("SELECT version_id FROM notices")]
        parties = [r[0] for r in conn.execute("SELECT party_id FROM parties")]
        read = [reader.project(conn, p) for p in pids] + [reader.notice(conn, v) for v in vids]
        read += [reader.notice_summaries(conn, vids), reader.project_summaries(conn, pids),
                 reader.project_facts(conn, pids), reader.flagged_projects(conn)]
        read += [reader.project_flags(conn, p) for p in pids]
        read += [reader.party(conn, p) for p in parties] + [reader.spending(conn, p) for p in parties]
        text = orjson.dumps(read, default=repr).decode()
    finally:
        conn.close()
    assert len(read) > 100
    for name in people:
        assert name not in text, name
    assert mask(PEOPLE[0]) in text


def _state_rows(out: Path) -> list[tuple]:
    conn = open_state(out)
    try:
        return [(table, *row) for table in ("items", "pages", "files", "pending", "meta")
                for row in conn.execute(f"SELECT * FROM {table}")]
    finally:
        conn.close()


def test_the_build_state_keeps_no_list_of_a_hidden_person(site: dict[str, Path],
                                                          people: dict[str, dict[str, object]]) -> None:
    """A hidden person has no page, so no ``party:<stored id>`` list either: the name-derived id never
    lands in the site directory, not even in ``.build/`` (organisations keep their lists)."""
    hidden = {p for e in people.values() for p in e["parties"]}  # type: ignore[attr-defined]
    rows = _state_rows(site["out"])
    keys = {r[1] for r in rows if r[0] == "items"}
    assert hidden
    assert any(k.startswith("party:") for k in keys)  # the organisations' lists are there
    leaks = [r for r in rows for pid in hidden if any(pid in str(v) for v in r)]
    assert not leaks, leaks[:5]


def test_an_incremental_build_drops_or_restores_a_whole_party_list(site: dict[str, Path],
                                                                   people: dict[str, dict[str, object]],
                                                                   tmp_path: Path) -> None:
    """A changed project can hide a party or show it again: its whole list goes, or comes back with
    every project of the party (not only the changed project's entry)."""
    person = sorted(p for e in people.values() for p in e["parties"])[0]  # type: ignore[attr-defined]
    conn = connect_ro(site["db"])
    state = open_state(tmp_path)
    try:
        org, n = conn.execute("SELECT party_id, count(DISTINCT project_id) FROM project_parties GROUP BY 1"
                              " ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
        assert n > 1
        assert org not in privacy.person_parties(conn, [org])
        # the state as a build left it before: the person listed (hidden since), the organisation not (new)
        state.execute("INSERT INTO items VALUES (?, '2024', '2024', 'p-x', 'r', 'land')", (f"party:{person}",))
        gone, back = _whole_party_lists(conn, state, {org}, {person})
        assert [r[0] for r in gone] == [f"party:{person}"]
        assert {r[0] for r in back} == {f"party:{org}"}
        assert len({r[3] for r in back}) == n
        state.execute("INSERT INTO items VALUES (?, '2024', '2024', 'p-y', 'r', 'land')", (f"party:{org}",))
        assert _whole_party_lists(conn, state, {org}, set())[1] == []  # a list the state has: left alone
    finally:
        state.close()
        conn.close()


def test_a_build_computes_each_projects_map_once_and_the_next_build_again(
        site: dict[str, Path], people: dict[str, dict[str, object]], monkeypatch: pytest.MonkeyPatch) -> None:
    """reader.cache_policy: one map per project for the build's connection only; a new build (a new
    connection, or cache_policy again) asks the store again, so a changed project gets a new map."""
    pid = sorted(people[PEOPLE[0]]["projects"])[0]  # type: ignore[index]
    asked: list[list[str]] = []
    real = privacy.redaction

    def counting(conn: object, ids: list[str]) -> dict[str, dict[str, str]]:
        asked.append(list(ids))
        return real(conn, ids)  # type: ignore[arg-type]

    monkeypatch.setattr(privacy, "redaction", counting)
    first, other = connect_ro(site["db"]), connect_ro(site["db"])
    try:
        reader.cache_policy(first)
        maps = reader.redactions(first, [pid])
        assert PEOPLE[0] in maps[pid]
        assert reader.redactions(first, [pid, pid]) == maps
        assert asked == [[pid]]  # the second page of the same project read nothing
        reader.redactions(other, [pid])  # another connection is never served from the cache
        reader.cache_policy(first)  # the next build
        reader.redactions(first, [pid])
        assert asked == [[pid], [pid], [pid]]
    finally:
        reader.cache_policy(None)
        first.close()
        other.close()
