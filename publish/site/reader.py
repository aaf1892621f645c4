"""Reading the store for the site: a read-only connection and the shared page queries.

Here are the queries of a notice, a project, a party and the statistics; a few small lookups
stay beside their page (``pages/``, ``jobs.py``), the feeds query their rows (``feeds.py``), the
downloads copy the database (``downloads.py``), and the build's change marks are in ``build.py``.

The store is the input and is never written: the connection is opened with ``mode=ro``.
Rows become plain dicts (cheap to build in worker processes, never pickled across).

**Natural persons** (issue 13 §5): every function here that returns text of a project applies the
privacy policy (:mod:`store.privacy`) before returning it — the project's redaction map on every
text (titles, bodies, fields, raw cells, flags' sentences, party names), except ids and hashes —
so no page can show what the reader did not redact. A party taken for a natural person whose name
the policy masks or omits (:func:`person_parties`) gets no page of its own; rows naming it carry
``person`` so pages link to the policy instead. Maps are made in Chinese: an omitted name's
Chinese placeholder becomes the English one when an English page is written (``pages/context.py``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import orjson

from models.codelists import Kind
from models.kinds import HEADLINE_AMOUNTS, METHOD_FIELD, awarded_amount_column
from models.privacy import PLACEHOLDER, Policy, mask
from store import privacy
from store.schema import area_columns, project_table, table_columns

NOTICE_COLS = table_columns("notices")  # every column, from the schema (never a hand-kept copy)
# What a list entry of a notice needs: a projection, not a copy of the table
SUMMARY_COLS = ("version_id", "notice_id", "version", "project_id", "kind", "notice_type", "title", "published_at",
                "region_name", "first_seen_at", "superseded_at")
PROJECT_COLS = table_columns("projects")


def connect_ro(db: Path) -> sqlite3.Connection:
    """The site's read-only store connection: :func:`store.db.connect_ro` with the page cache the
    build's workers use (kept for the feed tests and the site bench; the build calls the store's)."""
    from store.db import connect_ro as store_connect_ro

    return store_connect_ro(db, check_same_thread=False, cache_mib=128)


def _dicts(cur: sqlite3.Cursor, cols: tuple[str, ...]) -> list[dict[str, Any]]:
    return [dict(zip(cols, row, strict=True)) for row in cur]


def _cols(cols: tuple[str, ...]) -> str:
    return ", ".join(cols)


def _marks(n: int) -> str:
    return ",".join("?" * n)


# -- the privacy policy ----------------------------------------------------------------------------

# Keys of a row never redacted: the ids that make links and the hashes (no name is in them; a
# redacted id would break the link, not hide anything).
_KEEP = frozenset({"version_id", "notice_id", "project_id", "party_id", "raw_sha256", "content_sha256",
                   "compiled_sha256", "corrects"})
Redactions = dict[str, dict[str, str]]


class _BuildCache:
    """What one build's connection asked before, computed once per build process: each project's
    redaction map (None: nothing to redact) and list facts, each party's hidden-person rule (None:
    shown), whether the store has flags."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn  # held, so the slot never matches another connection
        self.maps: dict[str, dict[str, str] | None] = {}
        self.people: dict[str, Policy | None] = {}
        self.facts: dict[str, dict[str, Any] | None] = {}
        self.flags: bool | None = None


_CACHE: _BuildCache | None = None
# Entries kept before a cache starts afresh (a worker of a 1M-notice build sees every project; mostly
# None entries, well under 100 MB at this size).
_CACHE_MAX = 500_000


def cache_policy(conn: sqlite3.Connection | None) -> None:
    """Remember the policy's answers (redaction maps, hidden people), the list facts of projects
    (:func:`project_facts`) and :func:`has_flags` for ``conn`` until the next call.

    For a build's connection only (``jobs.make_ctx``): a build renders every page of a project from
    the same store state, so one map per project and build process is right, and the next build (a
    new connection) computes them again: a project changed since is never shown with an old map.
    ``None`` stops caching. Other connections are never cached."""
    global _CACHE
    _CACHE = _BuildCache(conn) if conn is not None else None


def _cache(conn: sqlite3.Connection) -> _BuildCache | None:
    cache = _CACHE
    if cache is None or cache.conn is not conn:
        return None
    if len(cache.maps) + len(cache.people) + len(cache.facts) > _CACHE_MAX:
        cache.maps.clear()
        cache.people.clear()
        cache.facts.clear()
    return cache


def redactions(conn: sqlite3.Connection, project_ids: list[str]) -> Redactions:
    """project id → {name as published → name as shown} (:func:`store.privacy.redaction`, Chinese).
    With :func:`cache_policy` on ``conn``, only the projects not asked before are read (in one batch)."""
    if not project_ids:
        return {}
    cache = _cache(conn)
    if cache is None:
        return privacy.redaction(conn, project_ids)
    return _through(cache.maps, project_ids, lambda ids: privacy.redaction(conn, ids))


def _through(memo: dict[str, Any], keys: list[str], fetch: Any) -> dict[str, Any]:
    """``fetch`` (keys → {key: value}) asked only for the keys ``memo`` does not hold, in one call;
    the keys with a value (a missing one is remembered as None) from ``memo``."""
    missing = [k for k in dict.fromkeys(keys) if k not in memo]
    if missing:
        found = fetch(missing)
        for k in missing:
            memo[k] = found.get(k)
    return {k: v for k in dict.fromkeys(keys) if (v := memo[k])}


def redact(row: dict[str, Any], mapping: dict[str, str] | None) -> dict[str, Any]:
    """``row`` (in place, and returned) with every text value redacted, nested JSON too; ids kept."""
    if mapping:
        for key, value in row.items():
            if key not in _KEEP and isinstance(value, (str, list, dict)):
                row[key] = privacy.redact_json(value, mapping)
    return row


def person_parties(conn: sqlite3.Connection, party_ids: list[str]) -> dict[str, Policy]:
    """party id → the most protective policy over its roles and areas, for the parties taken for a
    natural person that the policy masks or omits (:func:`store.privacy.person_parties`). Such a
    party has no page: a page of its own would gather one person's projects across the country
    under a URL derived from the full name."""
    if not party_ids:
        return {}
    cache = _cache(conn)
    if cache is None:
        return privacy.person_parties(conn, party_ids)
    return _through(cache.people, party_ids, lambda ids: privacy.person_parties(conn, ids))


def shown_name(name: str | None, rule: Policy | None) -> str | None:
    """A party's name as a page shows it under ``rule`` (None: an organisation, or published)."""
    if not name or rule is None or rule is Policy.publish:
        return name
    return mask(name) if rule is Policy.mask else PLACEHOLDER[0]


def _people(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows naming parties (``party_id``, ``name``): a person's name as the policy shows it, ``person`` set."""
    people = person_parties(conn, [r["party_id"] for r in rows if r.get("party_id")])
    for r in rows:
        rule = people.get(r.get("party_id") or "")
        r["person"] = rule is not None
        if rule is not None:
            r["name"] = shown_name(r["name"], rule)
    return rows


def data_as_of(conn: sqlite3.Connection) -> str:
    """The latest time the data changed (the newest first_seen_at), for 'data as of' lines."""
    row = conn.execute("SELECT max(first_seen_at) FROM notices").fetchone()
    return row[0] or ""


def notice(conn: sqlite3.Connection, version_id: str) -> dict[str, Any] | None:
    rows = _dicts(conn.execute(f"SELECT {_cols(NOTICE_COLS)} FROM notices WHERE version_id = ?",  # noqa: S608
                               (version_id,)), NOTICE_COLS)
    if not rows:
        return None
    n = rows[0]
    for key in ("fields", "raw", "flags"):
        n[key] = orjson.loads(n[key]) if n[key] else {}
    n["sources"] = sources(conn, [version_id]).get(version_id, [])
    text = conn.execute("SELECT body_text, attachments FROM notice_texts WHERE version_id = ?", (version_id,)).fetchone()
    n["body_text"], n["attachments"] = (text[0], orjson.loads(text[1])) if text else ("", [])
    # version ids are '{notice_id}-v{n}': a primary-key range finds them (notice_id alone has no index)
    nid = n["notice_id"]
    n["versions"] = _dicts(conn.execute(
        "SELECT version_id, version, first_seen_at, superseded_at FROM notices"
        " WHERE version_id > ? AND version_id < ? AND notice_id = ? ORDER BY version",
        (f"{nid}-v", f"{nid}-w", nid)), ("version_id", "version", "first_seen_at", "superseded_at"))
    p = conn.execute("SELECT title, status FROM projects WHERE project_id = ?", (n["project_id"],)).fetchone()
    n["project_title"], n["project_status"] = p if p else (None, None)
    n["log_index"] = log_index(conn, version_id)
    return redact(n, redactions(conn, [n["project_id"]]).get(n["project_id"]))


def log_index(conn: sqlite3.Connection, version_id: str) -> int | None:
    """The index of a version's leaf in the tamper-evident log (store.log), None when not logged."""
    try:
        row = conn.execute("SELECT min(idx) FROM log WHERE version_id = ? AND op IN ('publish', 'correct')",
                           (version_id,)).fetchone()
    except sqlite3.OperationalError:  # a database from before the log, opened read-only
        return None
    return row[0] if row else None


def sources(conn: sqlite3.Connection, version_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    cols = ("version_id", "platform", "url", "fetched_at", "raw_sha256", "parser_version", "http_status", "location")
    out: dict[str, list[dict[str, Any]]] = {}
    for i in range(0, len(version_ids), 500):
        chunk = version_ids[i:i + 500]
        for s in _dicts(conn.execute(
                f"SELECT {_cols(cols)} FROM notice_sources WHERE version_id IN ({_marks(len(chunk))})"  # noqa: S608
                " ORDER BY version_id, fetched_at, platform, url, location", chunk), cols):
            out.setdefault(s["version_id"], []).append(s)
    return out


def project(conn: sqlite3.Connection, project_id: str) -> dict[str, Any] | None:
    rows = _dicts(conn.execute(f"SELECT {_cols(PROJECT_COLS)} FROM projects WHERE project_id = ?",  # noqa: S608
                               (project_id,)), PROJECT_COLS)
    if not rows:
        return None
    p = rows[0]
    kind = Kind(p["kind"])
    cols = [c for c, _t, _s in area_columns(kind)]
    row = conn.execute(f"SELECT {', '.join(cols)} FROM {project_table(kind)} WHERE project_id = ?",  # noqa: S608
                       (project_id,)).fetchone()
    p["typed"] = [(c, s, v) for (c, _t, s), v in zip(area_columns(kind), row or [None] * len(cols), strict=True)]
    p["parties"] = _dicts(conn.execute(
        "SELECT pp.role, pp.party_id, pp.name, pp.lot, pp.rank, pp.amount_fen, pa.uscc FROM project_parties pp"
        " LEFT JOIN parties pa USING (party_id) WHERE pp.project_id = ? ORDER BY pp.role, pp.lot, pp.rank, pp.name",
        (project_id,)), ("role", "party_id", "name", "lot", "rank", "amount_fen", "uscc"))
    versions = _dicts(conn.execute(
        f"SELECT {_cols(NOTICE_COLS)} FROM notices WHERE project_id = ?"  # noqa: S608
        " ORDER BY published_at, notice_id, version", (project_id,)), NOTICE_COLS)
    for v in versions:
        for key in ("fields", "raw", "flags"):
            v[key] = orjson.loads(v[key]) if v[key] else {}
    srcs = sources(conn, [v["version_id"] for v in versions])
    for v in versions:
        v["sources"] = srcs.get(v["version_id"], [])
    p["versions"] = versions
    mapping = redactions(conn, [project_id]).get(project_id)
    if mapping:
        p["typed"] = [(c, s, privacy.redact_text(v, mapping) if isinstance(v, str) else v) for c, s, v in p["typed"]]
    _people(conn, p["parties"])
    return redact(p, mapping)


def notice_summaries(conn: sqlite3.Connection, version_ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(version_ids), 500):
        chunk = version_ids[i:i + 500]
        for r in _dicts(conn.execute(f"SELECT {_cols(SUMMARY_COLS)} FROM notices"  # noqa: S608
                                     f" WHERE version_id IN ({_marks(len(chunk))})", chunk), SUMMARY_COLS):
            out[r["version_id"]] = r
    maps = redactions(conn, list({r["project_id"] for r in out.values()}))
    for r in out.values():
        redact(r, maps.get(r["project_id"]))
    return out


def project_summaries(conn: sqlite3.Connection, project_ids: list[str], party_id: str | None = None
                      ) -> dict[str, dict[str, Any]]:
    cols = ("project_id", "kind", "title", "status", "region_name", "first_published_at", "last_published_at")
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(project_ids), 500):
        chunk = project_ids[i:i + 500]
        for r in _dicts(conn.execute(f"SELECT {_cols(cols)} FROM projects"  # noqa: S608
                                     f" WHERE project_id IN ({_marks(len(chunk))})", chunk), cols):
            r["roles"] = []
            out[r["project_id"]] = r
        if party_id:
            for pid, role, amount in conn.execute(
                    f"SELECT project_id, role, amount_fen FROM project_parties WHERE party_id = ?"  # noqa: S608
                    f" AND project_id IN ({_marks(len(chunk))}) ORDER BY role, lot, rank", [party_id, *chunk]):
                if pid in out:
                    out[pid]["roles"].append((role, amount))
    maps = redactions(conn, list(out))
    for r in out.values():
        redact(r, maps.get(r["project_id"]))
    return out


def party(conn: sqlite3.Connection, party_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT party_id, name, uscc, first_seen_at FROM parties WHERE party_id = ?",
                       (party_id,)).fetchone()
    if row is None:
        return None
    p = dict(zip(("party_id", "name", "uscc", "first_seen_at"), row, strict=True))
    p["names"] = [r[0] for r in conn.execute(
        "SELECT name FROM project_parties WHERE party_id = ? GROUP BY name ORDER BY count(*) DESC, name LIMIT 20",
        (party_id,))]
    p["totals"] = _dicts(conn.execute(
        "SELECT pr.first_year, pr.kind, pp.role, count(DISTINCT pp.project_id), sum(pp.amount_fen)"
        " FROM project_parties pp JOIN projects pr USING (project_id) WHERE pp.party_id = ?"
        " GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2, 3", (party_id,)),
        ("year", "kind", "role", "projects", "amount_fen"))
    p["counterparts"] = _dicts(conn.execute(
        "SELECT o.party_id, o.name, o.role, count(DISTINCT o.project_id) AS n, sum(o.amount_fen)"
        " FROM project_parties me JOIN project_parties o ON o.project_id = me.project_id AND o.party_id != me.party_id"
        " WHERE me.party_id = ? AND o.role != 'publisher' GROUP BY o.party_id, o.role"
        " ORDER BY n DESC, o.party_id, o.role LIMIT 15", (party_id,)),
        ("party_id", "name", "role", "projects", "amount_fen"))
    _people(conn, p["counterparts"])
    rule = person_parties(conn, [party_id]).get(party_id)
    p["person"] = rule is not None  # the site renders no page of it; whoever reads it gets the names as shown
    if rule is not None:
        p["name"] = shown_name(p["name"], rule)
        p["names"] = list(dict.fromkeys(shown_name(n, rule) for n in p["names"]))
    return p


def freshness(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Per source platform: notices read, first and latest fetch."""
    return _dicts(conn.execute(
        "SELECT platform, count(DISTINCT version_id), min(fetched_at), max(fetched_at) FROM notice_sources"
        " GROUP BY platform ORDER BY max(fetched_at) DESC, platform"), ("platform", "versions", "first", "latest"))


def current_breakdown(conn: sqlite3.Connection) -> list[tuple]:
    """(month, kind, notice_type, province_code, count) of current versions: one scan for every total."""
    return conn.execute("SELECT published_month, kind, notice_type, province_code, count(*) FROM notices"
                        " WHERE superseded_at IS NULL GROUP BY 1, 2, 3, 4").fetchall()


def counts(conn: sqlite3.Connection, breakdown: list[tuple] | None = None) -> dict[str, Any]:
    q = conn.execute
    rows = breakdown if breakdown is not None else current_breakdown(conn)
    return {
        "notices": sum(r[4] for r in rows),
        "versions": q("SELECT count(*) FROM notices").fetchone()[0],
        "projects": q("SELECT count(*) FROM projects").fetchone()[0],
        "parties": q("SELECT count(*) FROM parties").fetchone()[0],
        "by_kind": dict(q("SELECT kind, count(*) FROM projects GROUP BY kind ORDER BY kind").fetchall()),
    }


def stats(conn: sqlite3.Connection, breakdown: list[tuple] | None = None) -> dict[str, Any]:
    """Aggregates for the statistics page (current notice versions; amounts from compiled projects)."""
    q = conn.execute
    amounts = []
    for kind in Kind:
        col = awarded_amount_column(kind)
        # totals in yuan only: amounts in another currency (k.currency) are never added to them
        yuan_only = " WHERE k.currency IS NULL" if any(c == "currency" for c, _t, _s in area_columns(kind)) else ""
        for year, n, total in q(f"SELECT p.first_year, count({col}), sum({col}) FROM projects p"  # noqa: S608
                                f" JOIN {project_table(kind)} k USING (project_id){yuan_only} GROUP BY 1 ORDER BY 1"):
            amounts.append({"kind": kind.value, "year": year, "awarded": n, "total_fen": total or 0})
    rows = breakdown if breakdown is not None else current_breakdown(conn)
    by_month: dict[tuple[str, str], int] = {}
    by_type: dict[str, int] = {}
    by_province: dict[str, int] = {}
    for month, kind, ntype, province, n in rows:
        by_month[(month, kind)] = by_month.get((month, kind), 0) + n
        by_type[ntype] = by_type.get(ntype, 0) + n
        by_province[province] = by_province.get(province, 0) + n
    return {
        "by_month": sorted((m, k, n) for (m, k), n in by_month.items()),
        "by_type": sorted(by_type.items(), key=lambda x: (-x[1], x[0])),
        "by_status": q("SELECT status, count(*) FROM projects GROUP BY 1 ORDER BY 2 DESC, 1").fetchall(),
        "by_province": sorted(by_province.items(), key=lambda x: (-x[1], x[0] or "")),
        "amounts": amounts,
    }


# What a list shows of a project: who got it (these roles), for how much (the headline amount,
# models.kinds.HEADLINE_AMOUNTS), by which procedure (the area's method column).
WINNER_ROLES = ("winner", "transferee", "land_user")
METHOD_COLUMN = METHOD_FIELD  # the area table's column is the field's name
# Party roles that spend: a buyer's (or transferor's, tenderer's) page summarises its spending.
SPENDER_ROLES = ("buyer", "tenderer", "transferor")


def headline_sql(kind: Kind) -> str:
    """SQL of a project's headline amount in fen (the first present of HEADLINE_AMOUNTS), over ``k``."""
    cols = [f"k.{name}_fen" for name in HEADLINE_AMOUNTS[kind]]
    return f"coalesce({', '.join(cols)})" if len(cols) > 1 else cols[0]


def project_facts(conn: sqlite3.Connection, project_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per project: status, winners (names), headline amount (fen), method, region, first publication.
    With :func:`cache_policy` on ``conn``, only the projects not asked before are read (a project is
    on a dozen lists). The dicts returned are shared: read them, never change them."""
    cache = _cache(conn)
    if cache is None:
        return _project_facts(conn, project_ids)
    missing = [p for p in dict.fromkeys(project_ids) if p not in cache.facts]
    if missing:
        found = _project_facts(conn, missing)
        for pid in missing:
            cache.facts[pid] = found.get(pid)
    return {p: f for p in dict.fromkeys(project_ids) if (f := cache.facts[p]) is not None}


def _project_facts(conn: sqlite3.Connection, project_ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    ids = sorted(set(project_ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for kind in Kind:
            for pid, status, region, first, amount, method in conn.execute(
                    f"SELECT p.project_id, p.status, p.region_name, p.first_published_at, {headline_sql(kind)},"  # noqa: S608
                    f" k.{METHOD_COLUMN[kind]} FROM projects p JOIN {project_table(kind)} k USING (project_id)"
                    f" WHERE p.project_id IN ({_marks(len(chunk))})", chunk):
                out[pid] = {"status": status, "region_name": region, "first_published_at": first,
                            "amount_fen": amount, "method": method, "winners": []}
        for pid, party_id, name in conn.execute(
                f"SELECT project_id, party_id, min(name) FROM project_parties WHERE role IN ({_marks(len(WINNER_ROLES))})"  # noqa: S608
                f" AND project_id IN ({_marks(len(chunk))}) GROUP BY project_id, party_id"
                " ORDER BY project_id, min(lot), min(rank), min(name)", [*WINNER_ROLES, *chunk]):
            if pid in out:
                out[pid]["winners"].append((party_id, name))
    people = person_parties(conn, [party for f in out.values() for party, _name in f["winners"]])
    for f in out.values():  # (party id, name as shown, whether a person: no page to link to)
        f["winners"] = [(party, shown_name(name, people.get(party)), party in people) for party, name in f["winners"]]
    return out


def spending(conn: sqlite3.Connection, party_id: str) -> dict[str, Any] | None:
    """A buyer's (transferor's, tenderer's) spending: projects and headline amounts by year, method
    mix and top suppliers (winners), over the projects where the party acted in a SPENDER_ROLES role.
    None when it never did."""
    roles = _marks(len(SPENDER_ROLES))
    pids = [r[0] for r in conn.execute(f"SELECT DISTINCT project_id FROM project_parties WHERE party_id = ?"  # noqa: S608
                                       f" AND role IN ({roles})", [party_id, *SPENDER_ROLES])]
    if not pids:
        return None
    facts = project_facts(conn, pids)
    by_year: dict[int, list[int]] = {}  # [projects, projects with an amount, sum of amounts in fen]
    by_method: dict[str, list[int]] = {}
    for f in facts.values():
        has = f["amount_fen"] is not None
        for row in (by_year.setdefault(int(str(f["first_published_at"])[:4]), [0, 0, 0]),
                    by_method.setdefault(f["method"] or "", [0, 0, 0])):
            row[0] += 1
            row[1] += has
            row[2] += f["amount_fen"] or 0
    suppliers = _dicts(conn.execute(
        f"SELECT w.party_id, min(w.name), count(DISTINCT w.project_id), sum(w.amount_fen)"  # noqa: S608
        f" FROM project_parties w WHERE w.role IN ({_marks(len(WINNER_ROLES))}) AND w.project_id IN"
        f" (SELECT project_id FROM project_parties WHERE party_id = ? AND role IN ({roles}))"
        " GROUP BY w.party_id ORDER BY sum(w.amount_fen) IS NULL, sum(w.amount_fen) DESC, 3 DESC, w.party_id LIMIT 10",
        [*WINNER_ROLES, party_id, *SPENDER_ROLES]), ("party_id", "name", "projects", "amount_fen"))
    _people(conn, suppliers)
    return {
        "projects": len(facts),
        "total_fen": sum(r[2] for r in by_year.values()),
        "by_year": [{"year": y, "projects": r[0], "with_amount": r[1], "amount_fen": r[2]}
                    for y, r in sorted(by_year.items(), reverse=True)],
        "by_method": [{"method": m, "projects": r[0], "with_amount": r[1], "amount_fen": r[2]}
                      for m, r in sorted(by_method.items(), key=lambda x: (-x[1][2], -x[1][0], x[0]))],
        "suppliers": suppliers,
    }


# -- red flags (store.flags) ------------------------------------------------------------------------

FLAG_COLS = ("indicator", "status", "why_zh", "why_en", "since")


def has_flags(conn: sqlite3.Connection) -> bool:
    """Whether the store has the ``flags`` table (a database no writer has opened since issue 10 has not:
    its pages show no flags until then)."""
    cache = _cache(conn)
    if cache is not None and cache.flags is not None:
        return cache.flags
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'flags'").fetchone() is not None
    if cache is not None:
        cache.flags = found
    return found


def flagged_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Projects with a flagged indicator, per area."""
    if not has_flags(conn):
        return {}
    return dict(conn.execute("SELECT p.kind, count(DISTINCT p.project_id) FROM flags f JOIN projects p"
                             " USING (project_id) WHERE f.status = 'flagged' GROUP BY 1").fetchall())


def project_flags(conn: sqlite3.Connection, project_id: str, *, sentences: bool = True) -> list[dict[str, Any]]:
    """A project's indicator results (``used_values`` stays in the database: pages show the sentences).
    ``sentences=False``: only ``indicator`` and ``status``, in one query (a notice page's summary names
    the indicators; with no collected text to show, nothing needs redacting)."""
    if not has_flags(conn):
        return []
    cols = FLAG_COLS if sentences else FLAG_COLS[:2]
    rows = _dicts(conn.execute(f"SELECT {_cols(cols)} FROM flags WHERE project_id = ?"  # noqa: S608
                               " ORDER BY indicator", (project_id,)), cols)
    if not sentences:
        return rows
    mapping = redactions(conn, [project_id]).get(project_id)
    return [redact(r, mapping) for r in rows]


def flagged_projects(conn: sqlite3.Connection, *, kind: str | None = None, province_code: str | None = None,
                     project_ids: list[str] | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Projects with at least one flagged indicator, newest flag first (the latest ``since`` of their
    flagged rows, the id breaking ties), each with its flagged rows (``flags``: indicator, why_zh,
    why_en, since). Narrowed to an area, a province or given projects."""
    if not has_flags(conn):
        return []
    where, args = ["f.status = 'flagged'"], []
    if kind:
        where.append("p.kind = ?")
        args.append(kind)
    if province_code:
        where.append("p.province_code = ?")
        args.append(province_code)
    if project_ids is not None:
        if not project_ids:
            return []
        where.append(f"p.project_id IN ({_marks(len(project_ids))})")
        args += project_ids
    sql = ("SELECT p.project_id, p.kind, p.title, p.region_code, p.region_name, p.province_code, max(f.since)"  # noqa: S608
           f" FROM flags f JOIN projects p USING (project_id) WHERE {' AND '.join(where)}"
           " GROUP BY p.project_id ORDER BY max(f.since) DESC, p.project_id DESC")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cols = ("project_id", "kind", "title", "region_code", "region_name", "province_code", "since")
    out = _dicts(conn.execute(sql, args), cols)
    by_id = {r["project_id"]: r for r in out}
    for r in out:
        r["flags"] = []
    ids = list(by_id)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for pid, code, why_zh, why_en, since in conn.execute(
                "SELECT project_id, indicator, why_zh, why_en, since FROM flags WHERE status = 'flagged'"  # noqa: S608
                f" AND project_id IN ({_marks(len(chunk))}) ORDER BY project_id, since DESC, indicator", chunk):
            by_id[pid]["flags"].append({"indicator": code, "why_zh": why_zh, "why_en": why_en, "since": since})
    maps = redactions(conn, ids)
    return [redact(r, maps.get(r["project_id"])) for r in out]


def party_flag_counts(conn: sqlite3.Connection, party_id: str) -> dict[str, int]:
    """How many of a party's projects have a flagged indicator: as a buyer (tenderer, transferor), as a
    winner (transferee, land user), in any role."""
    if not has_flags(conn):
        return {"buyer": 0, "winner": 0, "any": 0}

    def n(roles: tuple[str, ...] | None) -> int:
        role_sql = f" AND pp.role IN ({_marks(len(roles))})" if roles else ""
        return conn.execute(
            "SELECT count(DISTINCT pp.project_id) FROM project_parties pp WHERE pp.party_id = ?"  # noqa: S608
            f"{role_sql} AND EXISTS (SELECT 1 FROM flags f WHERE f.project_id = pp.project_id"
            " AND f.status = 'flagged')", (party_id, *(roles or ()))).fetchone()[0]

    return {"buyer": n(SPENDER_ROLES), "winner": n(WINNER_ROLES), "any": n(None)}


def flag_region_counts(conn: sqlite3.Connection) -> list[tuple[str, str | None, str | None, int]]:
    """(kind, region_code, province_code, projects with a flagged indicator): every region page's counts
    from one scan (a page adds up the rows whose region lies within it)."""
    if not has_flags(conn):
        return []
    return conn.execute(
        "SELECT p.kind, p.region_code, p.province_code, count(DISTINCT p.project_id) FROM flags f"
        " JOIN projects p USING (project_id) WHERE f.status = 'flagged' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()
