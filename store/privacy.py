"""The privacy policy applied to what leaves the store: one redaction map per project.

:mod:`models.privacy` says who is taken for a natural person and what an output may show of
them; this module finds them in the store and gives every output the same answer:

- :func:`redaction` — per project, ``{name as published → name as shown}`` for every party taken
  for a natural person (``project_parties`` with ``parties.uscc``, and the party fields of every
  stored version of its notices, superseded ones too), every name in an ``experts`` field and
  every ``project_manager`` (people by their role). A name the policy publishes is not in the
  map. When one name has two roles in a project, the more protective policy wins
  (omit > mask > publish).
- :func:`redact_text` / :func:`redact_row` / :func:`redact_json` — replace every occurrence of
  those names, longest first (a title, a page text, the JSON of ``fields`` and ``raw``).
- :func:`redact_copy` — the same on a copy of the database about to be published (Datasette's
  snapshot, the SQLite download): every text column of every table that belongs to a project,
  plus ``parties`` and ``rejections`` with the names of all projects; and every ``party_id`` of a
  hidden person replaced by its keyed pseudonym (:func:`person_ids`).
- :func:`person_parties` — per party, the most protective policy over its roles and areas, for the
  parties taken for a natural person that the policy masks or omits (they have no page of their
  own); :func:`person_ids` — those without a USCC, their stored id (``name-`` + an unkeyed hash of
  the name, which gives the name back) → the keyed pseudonym every output shows
  (:mod:`store.pseudonym`).

The store itself keeps the originals (and the log their hashes): the policy is applied at output
time, so changing it rewrites no stored row and no leaf of the log.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from models.codelists import Kind
from models.fields import specs_of
from models.kinds import AREA_MODELS, LOTS_FIELD
from models.privacy import (
    PERSON_ROLES,
    PLACEHOLDER,
    Policy,
    PrivacyPolicy,
    is_natural_person,
    load_policy,
    mask,
)
from store.config import privacy_path
from store.pseudonym import pseudonym
from store.read import chunks

# Free-text fields that list people (not parties): the role their names are judged under.
PERSON_FIELDS = {"experts": "expert", "project_manager": "project_manager"}
_STRENGTH = {Policy.publish: 0, Policy.mask: 1, Policy.omit: 2}
_PAREN = re.compile(r"[（(\[【][^）)\]】]*[）)\]】]")  # 陈建国（采购人代表） → 陈建国
_SEP = re.compile(r"[、，,；;/|\s]+")
_LABEL = re.compile(r"^[^：:]*[：:]")  # 评标委员会成员：陈建国 → 陈建国
# Columns of a published copy never redacted: keys that join tables (never a name) and hashes.
_KEYS = frozenset({"project_id", "version_id", "notice_id", "party_id", "content_sha256", "raw_sha256",
                   "compiled_sha256"})
# Tables of a copy that are not a project's data, or must not change (the log is append-only and
# holds hashes, not names).
_SKIP_TABLES = frozenset({"log", "meta", "changes", "crawl_state", "submissions", "privacy_redacted_versions"})

Redaction = dict[str, str]
# In a redacted copy: the notice versions whose logged content (title, body, fields …) the policy
# changed. Their content no longer hashes to their log leaf's content_sha256 (the store's original
# does); ``gongkai verify`` of a bulk download checks these by their content_sha256 column instead.
REDACTED_TABLE = "privacy_redacted_versions"


def policy() -> PrivacyPolicy:
    """The deployment's policy (``GONGKAI_PRIVACY``) or the packaged one."""
    path = privacy_path()
    return load_policy(Path(path) if path else None)


def names_in(text: str | None) -> list[str]:
    """The people named in a list such as an ``experts`` field: ``陈建国（采购人代表）、王军`` → [陈建国, 王军].
    Only tokens shaped like a person's name are kept (not 采购人代表, not a count)."""
    if not text:
        return []
    out = []
    for token in _SEP.split(_PAREN.sub(" ", text)):
        name = _LABEL.sub("", token).strip("：:。.　 ")
        if name and is_natural_person(name):
            out.append(name)
    return out


def _shown(name: str, strength: Policy, lang: str) -> str:
    if strength is Policy.mask:
        return mask(name)
    return PLACEHOLDER[1 if lang == "en" else 0]


class _Collect:
    """Names of one project with the most protective policy seen for each."""

    def __init__(self, rules: PrivacyPolicy, kind: str | None) -> None:
        self.rules, self.kind = rules, kind
        self.found: dict[str, Policy] = {}

    def add(self, name: Any, role: str, uscc: Any = None) -> None:
        if not isinstance(name, str) or not name.strip():
            return
        name = name.strip()
        if not is_natural_person(name, uscc if isinstance(uscc, str) else None, role):
            return
        if role in PERSON_FIELDS.values() and not is_natural_person(name):
            return  # an experts cell that is not a single name: its names are added one by one
        rule = self.rules.of(role, _kind(self.kind))
        if _STRENGTH[rule] > _STRENGTH[self.found.get(name, Policy.publish)]:
            self.found[name] = rule

    def fields(self, fields: Mapping[str, Any]) -> None:
        """The people of one notice's typed fields."""
        kind = _kind(self.kind)
        if kind is None:
            return
        specs = specs_of(AREA_MODELS[kind])
        usccs = {s.uscc_of: fields.get(n) for n, s in specs.items() if s.uscc_of}
        for n, spec in specs.items():
            if spec.role and isinstance(fields.get(n), str):
                self.add(fields[n], spec.role, usccs.get(n))
        for lot in fields.get(LOTS_FIELD[kind] or "") or []:
            if isinstance(lot, Mapping):
                for role, key in (("winner", "winners"), ("candidate", "candidates")):
                    for award in lot.get(key) or []:
                        if isinstance(award, Mapping):
                            self.add(award.get("name"), role, award.get("uscc"))
        for key, role in PERSON_FIELDS.items():
            for value in _values_of(fields, key):
                for name in names_in(value):
                    self.add(name, role)

    def mapping(self, lang: str) -> Redaction:
        return {n: _shown(n, p, lang) for n, p in self.found.items() if p is not Policy.publish}


def _kind(value: str | None) -> Kind | None:
    try:
        return Kind(value) if value else None
    except ValueError:
        return None  # a kind this version does not know: its parties still come from project_parties


def _values_of(value: Any, key: str) -> Iterator[str]:
    """Every string under ``key`` anywhere in a JSON value (``project_manager`` sits in the lots too)."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            if k == key and isinstance(v, str):
                yield v
            else:
                yield from _values_of(v, key)
    elif isinstance(value, list):
        for v in value:
            yield from _values_of(v, key)


def redaction(conn: sqlite3.Connection, project_ids: Iterable[str] | None = None, *, kind: str | None = None,
              lang: str = "zh", rules: PrivacyPolicy | None = None) -> dict[str, Redaction]:
    """project id → {name as published → name as shown} of the natural persons the policy masks or
    omits (projects without one are absent). ``project_ids`` None: every project (of ``kind``)."""
    rules = rules or policy()
    ids = None if project_ids is None else list(dict.fromkeys(project_ids))
    found: dict[str, _Collect] = {}
    for chunk in [None] if ids is None else chunks(ids):
        conds, args = [], []
        if chunk is not None:
            conds.append(f"project_id IN ({','.join('?' * len(chunk))})")
            args += chunk
        if kind:
            conds.append("kind = ?")
            args.append(kind)
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        kinds = dict(conn.execute(f"SELECT project_id, kind FROM projects{where}", args))  # noqa: S608 - '?' marks
        notices = conn.execute(f"SELECT project_id, kind, fields FROM notices{where}", args)  # noqa: S608 - '?' marks
        for pid, nkind, fields_json in notices:
            collect = found.setdefault(pid, _Collect(rules, kinds.get(pid, nkind)))
            try:
                fields = orjson.loads(fields_json) if fields_json else {}
            except orjson.JSONDecodeError:
                continue  # not JSON the store wrote: its parties still come from project_parties
            if isinstance(fields, dict):
                collect.fields(fields)
        pp_where = " WHERE " + " AND ".join("pp." + c if c.startswith("project_id") else "pr." + c for c in conds) \
            if conds else ""
        for pid, name, role, uscc, party_name in conn.execute(
                "SELECT pp.project_id, pp.name, pp.role, p.uscc, p.name FROM project_parties pp "  # noqa: S608 - '?' marks
                "JOIN parties p ON p.party_id = pp.party_id JOIN projects pr ON pr.project_id = pp.project_id"
                f"{pp_where}", args):
            collect = found.setdefault(pid, _Collect(rules, kinds.get(pid)))
            collect.add(name, role, uscc)
            collect.add(party_name, role, uscc)
    out = {}
    for pid, collect in found.items():
        mapping = collect.mapping(lang)
        if mapping:
            out[pid] = mapping
    return out


def merged(mappings: Iterable[Mapping[str, str]]) -> Redaction:
    """One map of several projects' (a name masked in one and omitted in another is omitted)."""
    out: Redaction = {}
    for mapping in mappings:
        for name, shown in mapping.items():
            if name not in out or shown in PLACEHOLDER:
                out[name] = shown
    return out


# -- parties that are hidden people --------------------------------------------------------------

def _marks(n: int) -> str:
    return ",".join("?" * n)


def _hidden(conn: sqlite3.Connection, party_ids: Iterable[str] | None,
            rules: PrivacyPolicy | None) -> dict[str, tuple[Policy, bool]]:
    """party id → (the most protective policy over its roles and areas, whether it has a USCC) of the
    parties taken for a natural person that the policy masks or omits. ``party_ids`` None: all."""
    rules = rules or policy()
    people = sorted(PERSON_ROLES)
    found: dict[str, tuple[Policy, bool]] = {}
    select = ("SELECT DISTINCT pp.party_id, pp.name, pp.role, pa.uscc, pa.name, pr.kind FROM project_parties pp"
              " JOIN parties pa USING (party_id) JOIN projects pr USING (project_id)")
    batches: Iterable[tuple[str, list[str]]]
    if party_ids is None:  # one pass: organisations with a USCC are left out by SQL
        batches = [(f"{select} WHERE pa.uscc IS NULL OR pa.uscc = '' OR pp.role IN ({_marks(len(people))})", people)]
    else:
        batches = []
        for chunk in chunks(sorted(set(party_ids))):
            # Cheap for organisations (a list page asks about every winner): a party with a USCC is a
            # person only in a role held by people; one without is looked at by its distinct names first.
            suspects = [pid for pid, name, uscc in conn.execute(
                f"SELECT party_id, name, uscc FROM parties WHERE party_id IN ({_marks(len(chunk))})", chunk)  # noqa: S608
                if conn.execute(f"SELECT 1 FROM project_parties WHERE party_id = ? AND role IN ({_marks(len(people))})"  # noqa: S608
                                " LIMIT 1", (pid, *people)).fetchone() or not uscc and (
                    is_natural_person(name) or any(is_natural_person(n) for (n,) in conn.execute(
                        "SELECT DISTINCT name FROM project_parties WHERE party_id = ?", (pid,))))]
            if suspects:
                batches.append((f"{select} WHERE pp.party_id IN ({_marks(len(suspects))})", suspects))
    for sql, args in batches:
        for pid, name, role, uscc, party_name, kind in conn.execute(sql, args):
            if not any(is_natural_person(n, uscc, role) for n in (name, party_name)):
                continue
            try:
                rule = rules.of(role, kind)
            except ValueError:  # an area this version does not know: the role's (or the default) policy
                rule = rules.of(role)
            if _STRENGTH[rule] > _STRENGTH[found.get(pid, (Policy.publish, False))[0]]:
                found[pid] = (rule, bool(uscc))
    return found


def person_parties(conn: sqlite3.Connection, party_ids: Iterable[str] | None = None, *,
                   rules: PrivacyPolicy | None = None) -> dict[str, Policy]:
    """party id → the most protective policy over its roles and areas, for the parties taken for a
    natural person (:func:`models.privacy.is_natural_person` on any name it is published under) that
    the policy masks or omits. ``party_ids`` None: every party of the store."""
    return {pid: rule for pid, (rule, _uscc) in _hidden(conn, party_ids, rules).items()}


def person_ids(conn: sqlite3.Connection, key: bytes, party_ids: Iterable[str] | None = None, *,
               rules: PrivacyPolicy | None = None) -> dict[str, str]:
    """stored party id → keyed pseudonym (:func:`store.pseudonym.pseudonym`) of every hidden person
    (:func:`person_parties`) without a USCC: their stored id is a hash of the name. A party with a
    USCC keeps it (the code is a public register's, and the ``uscc`` column shows it anyway)."""
    return {pid: pseudonym(key, pid) for pid, (_rule, uscc) in _hidden(conn, party_ids, rules).items() if not uscc}


# -- applying a map ------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n))))


def redact_text(text: str, mapping: Mapping[str, str]) -> str:
    """``text`` with every occurrence of a mapped name replaced (longest name first). JSON text is
    redacted in place (the store writes JSON with raw UTF-8; a ``\\u`` escape is decoded first)."""
    if not mapping or not text:
        return text
    if "\\u" in text and text[:1] in "{[":
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
        else:
            return orjson.dumps(redact_json(value, mapping), option=orjson.OPT_SORT_KEYS).decode()
    table = dict(mapping)
    return _pattern(tuple(sorted(table))).sub(lambda m: table[m.group(0)], text)


def redact_json(value: Any, mapping: Mapping[str, str]) -> Any:
    """A JSON value (fields, raw cells, an OCDS release) with every string redacted; keys kept."""
    if isinstance(value, str):
        return redact_text(value, mapping)
    if isinstance(value, dict):
        return {k: redact_json(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_json(v, mapping) for v in value]
    return value


def redact_row(row: Any, mapping: Mapping[str, str]) -> Any:
    """A row (tuple, list or dict) with every text value redacted; other values as they are."""
    if not mapping:
        return row
    if isinstance(row, Mapping):
        return {k: redact_text(v, mapping) if isinstance(v, str) else v for k, v in row.items()}
    values = [redact_text(v, mapping) if isinstance(v, str) else v for v in row]
    return tuple(values) if isinstance(row, tuple) else values


# -- a copy about to be published ----------------------------------------------------------------

def _text_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """Writable TEXT columns of a table (generated columns and join keys left out)."""
    return [r[1] for r in conn.execute(f'PRAGMA table_xinfo("{table}")')  # name from sqlite_master
            if (r[2] or "").upper() == "TEXT" and r[6] == 0 and r[1] not in _KEYS]


def _update(conn: sqlite3.Connection, table: str, keys: list[str], cols: list[str], rows: Iterable[tuple],
            mapping_of: Any) -> int:
    """Redact ``rows`` ((*keys, project id, *cols)) of ``table``; returns the rows changed."""
    changed = []
    for row in rows:
        key, pid, values = row[:len(keys)], row[len(keys)], tuple(row[len(keys) + 1:])
        mapping = mapping_of(pid)
        if not mapping:
            continue
        new = redact_row(values, mapping)
        if new != values:
            changed.append((*new, *key))
    if changed:
        sets = ", ".join(f'"{c}" = ?' for c in cols)
        where = " AND ".join(f'"{k}" = ?' for k in keys)
        conn.executemany(f'UPDATE "{table}" SET {sets} WHERE {where}', changed)  # noqa: S608 - names from the schema
    return len(changed)


def _keys(conn: sqlite3.Connection, table: str) -> list[str]:
    """How a row of ``table`` is found again: its rowid, or a WITHOUT ROWID table's primary key."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()[0]
    if "WITHOUT ROWID" not in (sql or "").upper():
        return ["rowid"]
    return [r[1] for r in sorted(conn.execute(f'PRAGMA table_info("{table}")'), key=lambda r: r[5]) if r[5]]


def redact_copy(conn: sqlite3.Connection, *, key: bytes, rules: PrivacyPolicy | None = None) -> int:
    """Apply the policy to a copy of the store about to be published (never to the store itself:
    the caller's connection is on the copy). Every TEXT column of every table with a
    ``project_id`` (or, for ``notice_texts``, a ``version_id``) is redacted with its project's map;
    ``parties`` and ``rejections`` with every project's; every ``party_id`` column of every table
    shows a hidden person's pseudonym (:func:`person_ids` with ``key``, the *store's* pseudonym key:
    :func:`store.pseudonym.load_key` of its path, never one beside the copy), so joins still match.
    Call it before the full-text tables are built, with ``PRAGMA secure_delete`` on or a ``VACUUM``
    after, so no freed page keeps a name. The versions whose logged content changed are listed in
    :data:`REDACTED_TABLE`. Returns the number of rows changed."""
    ids = person_ids(conn, key, rules=rules)  # before the names are masked: a masked name is no person's
    n = _pseudonymize(conn, ids)
    maps = redaction(conn, rules=rules)
    if not maps:
        return n
    everyone = merged(maps.values())
    before = _notice_digests(conn, list(maps))
    for table in _tables(conn):
        names = {r[1] for r in conn.execute(f'PRAGMA table_xinfo("{table}")')}
        keys = _keys(conn, table)
        cols = [c for c in _text_columns(conn, table) if c not in keys]
        if not cols:
            continue
        key_sql = ", ".join(f't."{k}"' for k in keys)
        select = ", ".join(f't."{c}"' for c in cols)
        if "project_id" in names or table == "notice_texts":
            for chunk in chunks(list(maps)):
                marks = ",".join("?" * len(chunk))
                sql = (f'SELECT {key_sql}, t.project_id, {select} FROM "{table}" t WHERE t.project_id IN ({marks})'  # noqa: S608
                       if "project_id" in names else
                       f"SELECT {key_sql}, n.project_id, {select} FROM notice_texts t "  # noqa: S608
                       f"JOIN notices n ON n.version_id = t.version_id WHERE n.project_id IN ({marks})")
                n += _update(conn, table, keys, cols, conn.execute(sql, chunk).fetchall(), maps.get)
        elif table in ("parties", "rejections"):
            rows = conn.execute(f'SELECT {key_sql}, NULL, {select} FROM "{table}" t').fetchall()  # noqa: S608
            n += _update(conn, table, keys, cols, rows, lambda _k: everyone)
    after = _notice_digests(conn, list(maps))
    conn.execute(f"CREATE TABLE IF NOT EXISTS {REDACTED_TABLE} (version_id TEXT PRIMARY KEY)")
    conn.executemany(f"INSERT OR IGNORE INTO {REDACTED_TABLE} VALUES (?)",  # noqa: S608 - a fixed name
                     sorted((v,) for v, d in after.items() if before.get(v) != d))
    return n


def _tables(conn: sqlite3.Connection) -> list[str]:
    """The tables of a copy that hold a project's data (not the log, the feed, Datasette's FTS …)."""
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%'")
            if r[0] not in _SKIP_TABLES and not r[0].startswith("label_")]


def _pseudonymize(conn: sqlite3.Connection, ids: Mapping[str, str]) -> int:
    """Every ``party_id`` of the copy's tables: a hidden person's stored id → its pseudonym (the same
    in every table, so ``project_parties`` still joins ``parties``). Returns the rows changed."""
    if not ids:
        return 0
    pairs = sorted((new, old) for old, new in ids.items())
    n = 0
    for table in _tables(conn):
        if "party_id" in {r[1] for r in conn.execute(f'PRAGMA table_xinfo("{table}")')}:
            before = conn.total_changes
            conn.executemany(f'UPDATE "{table}" SET party_id = ? WHERE party_id = ?', pairs)  # noqa: S608 - a name from the schema
            n += conn.total_changes - before
    return n


def _notice_digests(conn: sqlite3.Connection, project_ids: list[str]) -> dict[str, int]:
    """version id → a digest of its logged content columns (what tells a redacted version)."""
    out: dict[str, int] = {}
    for chunk in chunks(project_ids):
        for vid, *cols in conn.execute(
                "SELECT version_id, title, publisher, project_name, body, fields FROM notices "  # noqa: S608 - '?' marks
                f"WHERE project_id IN ({','.join('?' * len(chunk))})", chunk):
            out[vid] = hash(tuple(cols))
    return out
