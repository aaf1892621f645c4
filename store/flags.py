"""Red flags in the store: the results of :mod:`models.indicators`, kept beside the compiled projects.

Two passes, both inside the writing batch's transaction:

- **project scope**, in :func:`store.db.project_rows` (the compile workers): every indicator that
  reads one project is evaluated on the freshly compiled project; :func:`write` stores the rows;
- **across**, at the end of the batch (:func:`update_across`): indicators that compare projects
  (the same winner for the same buyer, parcels of the same county, year and use) are evaluated for
  the batch's projects *and* for the projects they are compared with, whose result may have moved:
  a parcel's group, and of a buyer–winner pair the projects whose look-back window (``lookback``,
  365 days for X-REPEAT) holds an award of the batch.
  Their facts are read from the compiled tables (no second compilation), and a :class:`StoreContext`
  answers the comparisons with one query per 250 buyer–winner pairs (their awards, which also name
  the projects of the same pairs) and one per parcel group (an index range). The projects compared
  with are those of the pairs and groups a project has now *and* had before the batch
  (:func:`comparison_keys`): a corrected winner also moves the results of its former pair.

Only a different result is written (``INSERT OR REPLACE`` of that row), so the change feed
(``changes`` row ``flag``) and ``flags.since`` move only when a result really changes; ``since``
keeps the time a status was first reached when only the sentence changes (a fourth repeat award).
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import orjson

from models.codelists import Kind, NoticeType, Role
from models.indicators import REGISTRY, Facts, Result, Thresholds, applicable, load_thresholds
from models.indicators.facts import BEIJING, Step
from models.kinds import METHOD_FIELD
from models.normalize.amounts import fen_to_yuan
from models.notice import RegionRef
from models.project import Project, ProjectParty
from store.schema import project_table

_IN = 500  # SQLite host parameters per IN (…) lookup
FlagRow = tuple[str, str, str, str, str]  # indicator, status, why_zh, why_en, used_values (JSON)

_AWARD_TYPES = (NoticeType.candidates.value, NoticeType.result.value, NoticeType.contract.value)
_WINNER_ROLES = (Role.winner.value, Role.land_user.value, Role.transferee.value)
_BUYER_ROLES = (Role.buyer.value, Role.tenderer.value, Role.transferor.value)
# the parties the comparisons read (an agent or a losing bidder is never compared): fewer to build
_COMPARED_ROLES = ",".join(f"'{r}'" for r in (*_BUYER_ROLES, *_WINNER_ROLES))
_BUYER_SQL = ",".join(f"'{r}'" for r in _BUYER_ROLES)
_WINNER_SQL = ",".join(f"'{r}'" for r in _WINNER_ROLES)


@cache
def thresholds(path: str | None) -> Thresholds:
    """The thresholds in force: the packaged file, or ``GONGKAI_THRESHOLDS`` (store.config)."""
    return load_thresholds(Path(path) if path else None)


def project_codes(kind: Kind) -> frozenset[str]:
    return frozenset(ind.code for ind in applicable(kind, "project"))


def across_codes(kind: Kind) -> frozenset[str]:
    return frozenset(ind.code for ind in applicable(kind, "across"))


def as_rows(results: Iterable[Result]) -> list[FlagRow]:
    return [(r.code, r.status.value, r.why_zh, r.why_en,
             orjson.dumps(dict(r.values), option=orjson.OPT_SORT_KEYS).decode()) for r in results]


def write(conn: sqlite3.Connection, results: Mapping[str, Sequence[FlagRow]], codes: Mapping[str, frozenset[str]],
          seen_at: str) -> int:
    """Store the results of the indicators ``codes[project_id]`` for each project; rows of those
    codes that a project no longer has are deleted. Returns how many rows were written or deleted."""
    ids = list(results)
    existing: dict[str, dict[str, tuple[str, str, str, str, str]]] = {}  # project → indicator → stored row
    for i in range(0, len(ids), _IN):
        chunk = ids[i:i + _IN]
        for pid, code, status, why_zh, why_en, used, since in conn.execute(
                "SELECT project_id, indicator, status, why_zh, why_en, used_values, since FROM flags"  # noqa: S608
                f" WHERE project_id IN ({','.join('?' * len(chunk))})", chunk):
            existing.setdefault(pid, {})[code] = (status, why_zh, why_en, used, since)
    upserts: list[tuple[str, ...]] = []
    deletes: list[tuple[str, str]] = []
    for pid, rows in results.items():
        stored = existing.get(pid, {})
        got = set()
        for code, status, why_zh, why_en, used in rows:
            got.add(code)
            old = stored.get(code)
            if old is not None and old[:4] == (status, why_zh, why_en, used):
                continue
            since = old[4] if old is not None and old[0] == status else seen_at
            upserts.append((pid, code, status, why_zh, why_en, used, since))
        deletes += [(pid, code) for code in stored if code in codes[pid] and code not in got]
    if upserts:
        conn.executemany("INSERT OR REPLACE INTO flags (project_id, indicator, status, why_zh, why_en, used_values,"
                         " since) VALUES (?,?,?,?,?,?,?)", upserts)
    if deletes:
        conn.executemany("DELETE FROM flags WHERE project_id = ? AND indicator = ?", deletes)
    return len(upserts) + len(deletes)


# -- across: what other projects say -----------------------------------------------------------------

def _day(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso).astimezone(BEIJING).date()
    except ValueError:
        return None


class StoreContext:
    """The comparisons ``across`` indicators ask for, answered from the store (cached per pass).

    :meth:`prefetch` reads the awards of every buyer–winner pair a pass will ask about, 250 pairs
    per query. A pair is read from the buyer's side through the covering index
    ``project_parties_party_project`` (party, role, project) and checked against the winner by primary key, so
    a query costs the awards of the pairs' buyers in index entries, never a row per award of theirs
    to other winners: reading each buyer's every award (as before) grew with the corpus — at
    1M notices a batch of 2,000 projects read 128,000 award rows for 3,000 that mattered."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._pairs: dict[tuple[str, str, str], list[date]] = {}
        self._fetched: set[tuple[str, str]] = set()  # (buyer, winner) pairs read, every kind (a missing key: no award)
        self._projects: dict[tuple[str, str, str], list[str]] = {}  # pair → its projects (award or not)
        self._award_day: dict[tuple[str, str, str, str], date | None] = {}  # (*pair, project) → its award day
        self._groups: dict[tuple[str, int, str], list[tuple[str, Decimal]]] = {}

    # only our enum values and '?' marks are formatted in. CROSS JOIN fixes the order (the pairs, the buyer's
    # index range, the winner by primary key, then the project of a match only); '+' keeps the winner's role
    # out of the index choice, so its lookup is the primary key's (project_id, party_id) prefix
    _PAIRS_SQL = (
        "WITH want(buyer, winner) AS (VALUES {values})"  # noqa: S608
        " SELECT b.party_id, w.party_id, p.kind, b.project_id, (SELECT min(n.published_at) FROM notices n"
        "   WHERE n.project_id = b.project_id AND n.superseded_at IS NULL"
        f"   AND n.notice_type IN ({','.join(repr(t) for t in _AWARD_TYPES)}))"
        " FROM want CROSS JOIN project_parties b ON b.party_id = want.buyer"
        f"   AND b.role IN ({','.join(repr(r) for r in _BUYER_ROLES)})"
        " CROSS JOIN project_parties w ON w.project_id = b.project_id AND w.party_id = want.winner"
        f"   AND +w.role IN ({','.join(repr(r) for r in _WINNER_ROLES)})"
        " CROSS JOIN projects p ON p.project_id = b.project_id"
        " GROUP BY b.party_id, w.party_id, b.project_id")

    def prefetch(self, facts: Iterable[Facts]) -> None:
        """Read the award dates of every buyer–winner pair of ``facts`` (those not read yet)."""
        self._fetch({(b.party_id, w.party_id) for f in facts for b in f.project.parties if b.role.value in _BUYER_ROLES
                     for w in f.project.parties if w.role.value in _WINNER_ROLES})

    def prefetch_pairs(self, pairs: Iterable[Pair]) -> None:
        """Read the awards of ``pairs`` (those not read yet)."""
        self._fetch({(buyer, winner) for buyer, winner, _kind in pairs})

    def projects_of(self, pair: Pair) -> list[str]:
        """The projects of one buyer–winner pair (read by a prefetch)."""
        return self._projects.get(pair, [])

    def _fetch(self, pairs: set[tuple[str, str]]) -> None:
        todo = sorted(pairs - self._fetched)
        found: dict[tuple[str, str, str], list[date]] = {}
        for i in range(0, len(todo), _IN // 2):
            chunk = todo[i:i + _IN // 2]
            sql = self._PAIRS_SQL.format(values=",".join(["(?,?)"] * len(chunk)))
            for buyer, winner, kind, pid, at in self.conn.execute(sql, [x for pair in chunk for x in pair]):
                days = found.setdefault((buyer, winner, kind), [])
                self._projects.setdefault((buyer, winner, kind), []).append(pid)
                self._award_day[(buyer, winner, kind, pid)] = d = _day(at)
                if d is not None:
                    days.append(d)
        for key, days in found.items():
            self._pairs[key] = sorted(days)
        self._fetched.update(todo)

    def pair_neighbours(self, batch: Sequence[Facts], reach: Mapping[str, int | None]) -> set[str]:
        """The other projects of the buyer–winner pairs of ``batch`` whose result may have moved (read by
        :meth:`prefetch`). ``reach``: per area, the longest window (days) a pair indicator looks back from
        a project's own award (``Indicator.lookback``), or None when some indicator has no such bound.
        Within a bound, a project is affected only when an award of the batch in the pair falls in its
        window: a new award changes the counts of later awards only (none, when notices arrive in order)."""
        ids = {f.project.id for f in batch}
        out: set[str] = set()
        for pair in {(b.party_id, w.party_id, f.kind.value) for f in batch for b in f.project.parties
                     if b.role.value in _BUYER_ROLES for w in f.project.parties if w.role.value in _WINNER_ROLES}:
            members = self._projects.get(pair, [])
            days = reach.get(pair[2])
            if days is None:
                out.update(members)
                continue
            changed = sorted(d for pid in members if pid in ids
                             if (d := self._award_day.get((*pair, pid))) is not None)
            if not changed:
                continue  # no award of the batch in this pair: no count of it moved
            for pid in members:
                day = self._award_day.get((*pair, pid))
                if pid in ids or day is None:
                    continue
                i = bisect.bisect_left(changed, day - timedelta(days=days))
                if i < len(changed) and changed[i] <= day:  # a changed award in [day - window, day]
                    out.add(pid)
        return out

    def awards_between(self, buyer_id: str, winner_id: str, kind: Kind, start: str, end: str) -> int:
        if (buyer_id, winner_id) not in self._fetched:
            self._fetch({(buyer_id, winner_id)})
        days = self._pairs.get((buyer_id, winner_id, kind.value), [])  # none: never awarded to this winner
        lo, hi = date.fromisoformat(start), date.fromisoformat(end)
        return sum(1 for d in days if lo <= d <= hi)

    @staticmethod
    def _group(facts: Facts) -> tuple[str, int, str] | None:
        """A parcel's comparison group: county, year of first publication, land use."""
        region, use = facts.project.region, facts.text("land_use")
        if facts.kind is not Kind.land or region is None or use is None:
            return None
        return region.code, facts.project.first_published_at.year, use

    def group_members(self, key: Group) -> list[tuple[str, Decimal]]:
        """(project, price per m²) of every priced parcel of a group (read once per pass)."""
        if key not in self._groups:
            rows = self.conn.execute(  # an index range (projects_group), not a scan of every land project
                "SELECT p.project_id, l.price_fen, l.area_m2 FROM projects p JOIN projects_land l USING (project_id)"
                " WHERE p.kind = 'land' AND p.region_code = ? AND p.first_year = ? AND l.land_use = ?"
                " AND l.price_fen IS NOT NULL AND l.area_m2 > 0", key).fetchall()
            # the area's display copy is REAL: str() gives back the decimal it was written from
            self._groups[key] = [(pid, (fen_to_yuan(fen) / Decimal(str(area))).quantize(Decimal("0.01")))
                                 for pid, fen, area in rows]
        return self._groups[key]

    def comparable_prices(self, facts: Facts) -> list[Decimal]:
        key = self._group(facts)
        if key is None:
            return []
        return [unit for pid, unit in self.group_members(key) if pid != facts.project.id]

    def group_projects(self, facts: Facts) -> set[str]:
        """The priced parcels of the same group as ``facts`` (a parcel without a price or an area
        compares with nothing: its result never moves with the others')."""
        key = self._group(facts)
        return {pid for pid, _unit in self.group_members(key)} if key is not None else set()


def light_facts(conn: sqlite3.Connection, project_ids: Sequence[str]) -> Iterator[Facts]:
    """Facts of projects read from the compiled tables (not compiled again): the buyers and winners, the region,
    the method, the land fields the comparisons read, and the timeline of current notices."""
    ids = list(project_ids)
    for i in range(0, len(ids), _IN):
        chunk = ids[i:i + _IN]
        marks = ",".join("?" * len(chunk))
        heads = {r[0]: r for r in conn.execute(
            "SELECT project_id, kind, title, status, amended, region_code, region_name, province_code, project_no,"  # noqa: S608
            " publisher, first_published_at, last_published_at, notice_count, correction_count"
            f" FROM projects WHERE project_id IN ({marks})", chunk)}
        steps: dict[str, list[Step]] = {}
        for pid, ntype, at in conn.execute(
                f"SELECT project_id, notice_type, published_at FROM notices WHERE project_id IN ({marks})"  # noqa: S608
                " AND superseded_at IS NULL", chunk):
            steps.setdefault(pid, []).append(Step(NoticeType(ntype), datetime.fromisoformat(at)))
        parties: dict[str, list[ProjectParty]] = {}
        for pid, party, role, name in conn.execute(
                f"SELECT project_id, party_id, role, name FROM project_parties WHERE project_id IN ({marks})"  # noqa: S608
                f" AND role IN ({_COMPARED_ROLES}) ORDER BY project_id, role, lot, rank", chunk):
            # every field given: model_construct then skips resolving defaults (most of its cost)
            parties.setdefault(pid, []).append(ProjectParty.model_construct(
                party_id=party, role=Role(role), name=name, uscc=None, lot=None, rank=None, amount=None))
        fields: dict[str, dict[str, object]] = {}
        for kind in {Kind(h[1]) for h in heads.values()}:
            method = METHOD_FIELD[kind]
            extra = ", price_fen, area_m2, land_use" if kind is Kind.land else ""
            for row in conn.execute(
                    f"SELECT project_id, {method}{extra} FROM {project_table(kind)} WHERE project_id IN ({marks})",  # noqa: S608
                    chunk):
                f: dict[str, object] = {method: row[1]}
                if kind is Kind.land:
                    f |= {"price": str(fen_to_yuan(row[2])) if row[2] is not None else None,
                          "area_m2": str(row[3]) if row[3] is not None else None, "land_use": row[4]}
                fields[row[0]] = {k: v for k, v in f.items() if v is not None}
        for pid in chunk:
            h = heads.get(pid)
            if h is None:
                continue
            region = (RegionRef.model_construct(code=h[5], name=h[6], province_code=h[7]) if h[5] else None)
            project = Project.model_construct(
                id=pid, kind=Kind(h[1]), title=h[2], status=h[3], amended=bool(h[4]), region=region, project_no=h[8],
                publisher=h[9], first_published_at=datetime.fromisoformat(h[10]),
                last_published_at=datetime.fromisoformat(h[11]), notice_count=h[12], correction_count=h[13],
                fields=fields.get(pid, {}), parties=parties.get(pid, []))
            yield Facts(project, tuple(sorted(steps.get(pid, []), key=lambda s: s.published_at)))


Pair = tuple[str, str, str]  # buyer, winner, kind
Group = tuple[str, int, str]  # county, year, land use


def _pair_reach(table: Thresholds) -> dict[str, int | None]:
    """Per area, how far back (days) the pair indicators look from a project's award: the largest
    ``lookback`` threshold any area, method or province gives them; None when one has no lookback."""
    out: dict[str, int | None] = {}
    for kind in Kind:
        inds = applicable(kind, "across")
        bounded = [ind for ind in inds if ind.lookback]
        out[kind.value] = (int(max(table.largest(ind, ind.lookback) for ind in bounded))  # type: ignore[arg-type]
                           if bounded and len(bounded) == len(inds) else None)
    return out


def comparison_keys(conn: sqlite3.Connection, project_ids: Sequence[str]) -> tuple[set[Pair], set[Group]]:
    """The buyer–winner pairs and parcel groups ``project_ids`` have in the store: read before a batch
    rewrites them, so that :func:`update_across` also revisits the projects of a pair or group a
    project has left (a corrected winner, region or use)."""
    pairs: set[Pair] = set()
    groups: set[Group] = set()
    ids = list(project_ids)
    for i in range(0, len(ids), _IN):
        chunk = ids[i:i + _IN]
        marks = ",".join("?" * len(chunk))
        pairs.update(conn.execute(
            "SELECT DISTINCT b.party_id, w.party_id, p.kind FROM project_parties b"  # noqa: S608
            f" JOIN project_parties w ON w.project_id = b.project_id AND w.role IN ({_WINNER_SQL})"
            " JOIN projects p ON p.project_id = b.project_id"
            f" WHERE b.project_id IN ({marks}) AND b.role IN ({_BUYER_SQL})", chunk))
        groups.update(conn.execute(
            "SELECT DISTINCT p.region_code, p.first_year, l.land_use FROM projects p JOIN projects_land l"  # noqa: S608
            f" USING (project_id) WHERE p.project_id IN ({marks}) AND p.kind = 'land'"
            " AND p.region_code IS NOT NULL AND l.land_use IS NOT NULL", chunk))
    return pairs, groups


def update_across(conn: sqlite3.Connection, project_ids: Sequence[str], seen_at: str,
                  table: Thresholds | None = None,
                  before: tuple[set[Pair], set[Group]] | None = None) -> int:
    """Evaluate the indicators that compare projects for ``project_ids`` and their neighbours: the
    projects of the pairs and groups they have now, and of those they had ``before`` the batch
    (:func:`comparison_keys`)."""
    if not any(ind.scope == "across" for ind in REGISTRY.values()) or not project_ids:
        return 0
    table = table or thresholds(None)
    context = StoreContext(conn)
    results: dict[str, list[FlagRow]] = {}
    codes: dict[str, frozenset[str]] = {}
    # the batch's projects, then the projects they are compared with: the same buyer–winner pairs
    # (known from the one read of those buyers' awards) and the parcels of the same group
    every = list(light_facts(conn, sorted(set(project_ids))))
    context.prefetch(every)
    known = {f.project.id for f in every}
    related = context.pair_neighbours(every, _pair_reach(table))
    related.update(*(context.group_projects(f) for f in every))
    if before is not None:
        old_pairs, old_groups = before
        context.prefetch_pairs(old_pairs)
        related.update(*(context.projects_of(pair) for pair in old_pairs))
        related.update(pid for group in old_groups for pid, _unit in context.group_members(group))
    related -= known
    neighbours = list(light_facts(conn, sorted(related)))
    context.prefetch(neighbours)  # a neighbour's other pairs (several buyers or winners), in the same few queries
    every += neighbours
    for facts in every:
        inds = applicable(facts.kind, "across")
        if not inds:
            continue
        results[facts.project.id] = as_rows(
            ind.evaluate(facts, table.for_project(ind, facts.kind, facts.method, facts.province), context)
            for ind in inds)
        codes[facts.project.id] = across_codes(facts.kind)
    return write(conn, results, codes, seen_at)
