"""The SQLite schema, derived from the models: one table per area with typed columns.

Money is stored as INTEGER fen (``*_fen``) so that sums, sorting and Datasette's range
facets are exact; a generated ``*_yuan`` TEXT column shows the same value in yuan for
people (baselines.md §9 pitfall 10: Decimal dumped as text breaks numeric sorting).
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache

from models.codelists import Kind
from models.fields import FieldSpec, ValueKind, specs_of
from models.kinds import AREA_MODELS, LOT_SUMMARY, LOTS_FIELD
from models.normalize.amounts import yuan_sql

SCHEMA_VERSION = 1
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")

BASE = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notices (
    version_id TEXT PRIMARY KEY,          -- '{notice_id}-v{version}': permanent, never reused
    notice_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    project_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    notice_type TEXT NOT NULL,
    title TEXT NOT NULL,
    publisher TEXT,
    published_at TEXT NOT NULL,           -- ISO 8601 with +08:00
    published_date TEXT NOT NULL,         -- YYYY-MM-DD, for facets
    published_month TEXT NOT NULL,        -- YYYY-MM
    published_year INTEGER NOT NULL,
    region_code TEXT,
    region_name TEXT,
    province_code TEXT,
    project_no TEXT,
    project_name TEXT,
    notice_no TEXT,
    corrects TEXT,
    original_url TEXT,
    body TEXT NOT NULL DEFAULT '',
    fields TEXT NOT NULL,                 -- JSON: the area's typed fields (money as exact decimal text)
    raw TEXT NOT NULL,                    -- JSON: the original text of every input cell
    flags TEXT NOT NULL,                  -- JSON: normalizer notes per field
    content_sha256 TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    superseded_at TEXT                    -- set when a newer version appears; NULL = current
);
-- The live database carries only the indexes ingestion needs; every extra index is paid
-- on each insert. Facet and browsing indexes are built on the published copy (PUBLISH_INDEXES).
CREATE INDEX IF NOT EXISTS notices_current ON notices (notice_id) WHERE superseded_at IS NULL;
CREATE INDEX IF NOT EXISTS notices_project ON notices (project_id, published_at);

CREATE TABLE IF NOT EXISTS notice_sources (
    version_id TEXT NOT NULL REFERENCES notices(version_id),
    platform TEXT NOT NULL,
    url TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    raw_sha256 TEXT NOT NULL,             -- sha256 of the raw bytes (a file under raw/ in the data directory)
    parser_version TEXT NOT NULL,
    http_status INTEGER,
    location TEXT,                        -- where in the raw input (e.g. 'row 12')
    PRIMARY KEY (version_id, platform, url, raw_sha256, location)
);

-- The text of a notice version as read (cleaned body text, attachments), beside the version and
-- outside its content hash: platforms lay out the same notice differently, and that must not
-- split a cross-platform copy into versions. A row only where there is text or an attachment.
-- The first copy's text is kept; a later identical copy only fills what is still empty.
CREATE TABLE IF NOT EXISTS notice_texts (
    version_id TEXT PRIMARY KEY REFERENCES notices(version_id),
    body_text TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]', -- JSON: [{"name": …, "url": http(s) link or null}]
    raw_sha256 TEXT NOT NULL,             -- the copy (notice_sources.raw_sha256) the text was read from
    stored_at TEXT NOT NULL               -- when this row was last written (UTC)
);

CREATE TABLE IF NOT EXISTS projects (
    project_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    amended INTEGER NOT NULL,
    region_code TEXT,
    region_name TEXT,
    province_code TEXT,
    project_no TEXT,
    publisher TEXT,
    first_published_at TEXT NOT NULL,
    last_published_at TEXT NOT NULL,
    first_year INTEGER NOT NULL,
    notice_count INTEGER NOT NULL,
    correction_count INTEGER NOT NULL,
    compiled_sha256 TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS projects_kind ON projects (kind, last_published_at);
-- the red flags' comparison groups (store.flags: parcels of the same county and year): a range, not a scan
CREATE INDEX IF NOT EXISTS projects_group ON projects (kind, region_code, first_year);

CREATE TABLE IF NOT EXISTS parties (
    party_id TEXT PRIMARY KEY,            -- the unified social credit code, or 'name-' + hash of the normalized name
    name TEXT NOT NULL,
    uscc TEXT,
    first_seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS project_parties (
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    party_id TEXT NOT NULL REFERENCES parties(party_id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,                   -- as published
    lot TEXT NOT NULL DEFAULT '',
    rank INTEGER NOT NULL DEFAULT 0,
    amount_fen INTEGER,
    amount_yuan TEXT GENERATED ALWAYS AS (
        {amount_yuan}
    ) VIRTUAL,
    PRIMARY KEY (project_id, party_id, role, lot, rank)
);
-- covering (party, role, project): a party's projects in one role are an index range, with no row read
-- per project (store.flags reads a buyer's awards to one winner through it). Schema version 1 had
-- (party_id, role) under the name project_parties_party: dropped once the new one exists.
CREATE INDEX IF NOT EXISTS project_parties_party_project ON project_parties (party_id, role, project_id);
DROP INDEX IF EXISTS project_parties_party;

CREATE TABLE IF NOT EXISTS rejections (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    origin TEXT NOT NULL,                 -- 'submission' or a spider name
    input TEXT NOT NULL,                  -- file name or URL
    location TEXT,                        -- row / page
    field TEXT,
    value TEXT,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS crawl_state (   -- collectors: detail pages stored, for incremental re-crawls
    url TEXT PRIMARY KEY,
    spider TEXT NOT NULL,
    fingerprint TEXT NOT NULL,            -- hash of the list entry that pointed to the page
    fetched_at TEXT NOT NULL,
    raw_sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    submitted_at TEXT NOT NULL,
    agency TEXT NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    rows INTEGER NOT NULL,
    new INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    unchanged INTEGER NOT NULL
);

-- The change feed (store/changes.py): one row per write that matters, appended by the triggers
-- below in the writer's own transaction. seq is max(seq) + 1 (no AUTOINCREMENT: it would add a
-- sqlite_sequence write per row, and a table to every published copy); a prune always keeps the
-- newest row, so a seq is never given twice and a consumer's mark stays meaningful.
CREATE TABLE IF NOT EXISTS changes (
    seq INTEGER PRIMARY KEY,
    what TEXT NOT NULL,                   -- store.changes: version, superseded, source, text, project, … deleted
    project_id TEXT,
    notice_id TEXT,
    version_id TEXT                       -- no time column: a per-row strftime('now') cost 30 % of a batch's
);                                        -- write time; consumers and prune go by seq
CREATE TRIGGER IF NOT EXISTS changes_version AFTER INSERT ON notices BEGIN
    INSERT INTO changes (what, project_id, notice_id, version_id)
    VALUES ('version', NEW.project_id, NEW.notice_id, NEW.version_id);
END;
CREATE TRIGGER IF NOT EXISTS changes_superseded AFTER UPDATE OF superseded_at ON notices
WHEN NEW.superseded_at IS NOT OLD.superseded_at BEGIN
    INSERT INTO changes (what, project_id, notice_id, version_id)
    VALUES ('superseded', NEW.project_id, NEW.notice_id, NEW.version_id);
END;
CREATE TRIGGER IF NOT EXISTS changes_notice_deleted AFTER DELETE ON notices BEGIN
    INSERT INTO changes (what, project_id, notice_id, version_id)
    VALUES ('notice deleted', OLD.project_id, OLD.notice_id, OLD.version_id);
END;
-- Only rows really inserted fire (INSERT OR IGNORE of a known copy does not).
CREATE TRIGGER IF NOT EXISTS changes_source AFTER INSERT ON notice_sources BEGIN
    INSERT INTO changes (what, project_id, notice_id, version_id)
    SELECT 'source', n.project_id, n.notice_id, NEW.version_id FROM notices n WHERE n.version_id = NEW.version_id;
END;
-- INSERT OR REPLACE fires the insert trigger only (recursive_triggers is off: no delete row).
CREATE TRIGGER IF NOT EXISTS changes_text AFTER INSERT ON notice_texts BEGIN
    INSERT INTO changes (what, project_id, notice_id, version_id)
    SELECT 'text', n.project_id, n.notice_id, NEW.version_id FROM notices n WHERE n.version_id = NEW.version_id;
END;
CREATE TRIGGER IF NOT EXISTS changes_text_updated AFTER UPDATE ON notice_texts BEGIN
    INSERT INTO changes (what, project_id, notice_id, version_id)
    SELECT 'text', n.project_id, n.notice_id, NEW.version_id FROM notices n WHERE n.version_id = NEW.version_id;
END;
CREATE TRIGGER IF NOT EXISTS changes_text_deleted AFTER DELETE ON notice_texts BEGIN
    INSERT INTO changes (what, project_id, notice_id, version_id)
    SELECT 'text deleted', n.project_id, n.notice_id, OLD.version_id FROM notices n WHERE n.version_id = OLD.version_id;
END;
CREATE TRIGGER IF NOT EXISTS changes_project AFTER INSERT ON projects BEGIN
    INSERT INTO changes (what, project_id) VALUES ('project', NEW.project_id);
END;
-- The write API upserts every project a batch touched; only a new compiled state is a change.
CREATE TRIGGER IF NOT EXISTS changes_project_updated AFTER UPDATE ON projects
WHEN NEW.compiled_sha256 IS NOT OLD.compiled_sha256 OR NEW.updated_at IS NOT OLD.updated_at BEGIN
    INSERT INTO changes (what, project_id) VALUES ('project', NEW.project_id);
END;
CREATE TRIGGER IF NOT EXISTS changes_project_deleted AFTER DELETE ON projects BEGIN
    INSERT INTO changes (what, project_id) VALUES ('project deleted', OLD.project_id);
END;

-- Red flags (models.indicators): one row per project and applicable indicator, written when the
-- project is compiled (and, for indicators that compare projects, when a project they compare with
-- changes). Only a different result is written, so `since` is when this status was first reached.
CREATE TABLE IF NOT EXISTS flags (
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    indicator TEXT NOT NULL,              -- models.indicators code: X-NOCALL, P-SINGLE, L-AGREEMENT …
    status TEXT NOT NULL,                 -- flagged | clear | insufficient_data | not_applicable
    why_zh TEXT NOT NULL,                 -- the sentence with the values used
    why_en TEXT NOT NULL,
    used_values TEXT NOT NULL,            -- JSON object: the inputs used, money as exact decimal text
    since TEXT NOT NULL,                  -- UTC time this result was first computed
    PRIMARY KEY (project_id, indicator)
);  -- a rowid table: its rows (two sentences, JSON) are too large for WITHOUT ROWID (×4 slower writes)
-- every reader asks for flagged rows only (a few per cent of all): a partial index, small and cheap to keep
CREATE INDEX IF NOT EXISTS flags_flagged ON flags (project_id, since) WHERE status = 'flagged';
CREATE TRIGGER IF NOT EXISTS changes_flag AFTER INSERT ON flags BEGIN
    INSERT INTO changes (what, project_id) VALUES ('flag', NEW.project_id);
END;
CREATE TRIGGER IF NOT EXISTS changes_flag_updated AFTER UPDATE ON flags BEGIN
    INSERT INTO changes (what, project_id) VALUES ('flag', NEW.project_id);
END;
CREATE TRIGGER IF NOT EXISTS changes_flag_deleted AFTER DELETE ON flags BEGIN
    INSERT INTO changes (what, project_id) VALUES ('flag', OLD.project_id);
END;
""".replace("{amount_yuan}", yuan_sql("amount_fen"))  # fen → yuan text: models.normalize.amounts

# The tamper-evident log (store/log.py): one leaf per notice version, withdrawal and redaction, in
# the writer's own transaction. Append-only: the triggers refuse every UPDATE and DELETE (a
# correction, withdrawal or redaction is a new leaf). Kept out of CHANGE_TRIGGERS: published copies
# keep the log (the bulk download is what `gongkai verify` rebuilds the tree from).
LOG_DDL = """
CREATE TABLE IF NOT EXISTS log (
    idx INTEGER PRIMARY KEY,              -- the leaf's index in the Merkle tree: 0, 1, 2 … without a gap
    op TEXT NOT NULL,                     -- publish | correct | withdraw | redact
    version_id TEXT NOT NULL,             -- the notice version the leaf is about
    leaf TEXT NOT NULL                    -- the leaf: canonical JSON (RFC 8785) of hashes and metadata
);
CREATE INDEX IF NOT EXISTS log_version ON log (version_id);
CREATE TRIGGER IF NOT EXISTS log_no_update BEFORE UPDATE ON log BEGIN
    SELECT RAISE(ABORT, 'the log is append-only: a leaf is never changed');
END;
CREATE TRIGGER IF NOT EXISTS log_no_delete BEFORE DELETE ON log BEGIN
    SELECT RAISE(ABORT, 'the log is append-only: a leaf is never deleted');
END;
"""


def table_columns(table: str) -> tuple[str, ...]:
    """The columns of one of the base tables, in DDL order (generated columns included): the one list
    readers select, never a copy that can fall behind the schema."""
    block = re.search(rf"CREATE TABLE IF NOT EXISTS {re.escape(table)} \((.*?)\n\)", BASE, re.S)
    if block is None:
        raise KeyError(f"no base table {table!r}")
    return tuple(m.group(1) for m in re.finditer(r"^    (\w+) [A-Z]", block.group(1), re.M)
                 if m.group(1) not in ("PRIMARY", "UNIQUE", "FOREIGN", "CHECK"))


# The change feed's triggers (store.changes), by name.
CHANGE_TRIGGERS = tuple(re.findall(r"CREATE TRIGGER IF NOT EXISTS (\w+)", BASE))
# Operational tables that are not data, left out of every published copy: the crawler's re-crawl
# bookkeeping and the change feed.
UNPUBLISHED_TABLES = ("crawl_state", "changes")


def drop_unpublished(conn: sqlite3.Connection) -> None:
    """Drop the operational tables (and the feed's triggers, which would write into a dropped
    table) from a copy of the store that is about to be published."""
    for trigger in CHANGE_TRIGGERS:
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")  # names from BASE
    for table in UNPUBLISHED_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")  # fixed names


# Indexes for browsing and facets, created on the published copy of the database.
# projects_last_published: the canned query flagged_projects walks projects newest first and stops at
# its 1,000th flag (the same time at any size) instead of sorting every flagged row (it reached the
# 1.5 s time limit at 1M notices). One statement per line: tests/test_publish.py reads them so.
PUBLISH_INDEXES = """
CREATE INDEX IF NOT EXISTS notices_kind_date ON notices (kind, published_at);
CREATE INDEX IF NOT EXISTS notices_type ON notices (notice_type);
CREATE INDEX IF NOT EXISTS notices_province ON notices (province_code);
CREATE INDEX IF NOT EXISTS notices_region ON notices (region_code);
CREATE INDEX IF NOT EXISTS notices_year ON notices (published_year);
CREATE INDEX IF NOT EXISTS notices_month ON notices (published_month);
CREATE INDEX IF NOT EXISTS notices_year_kind ON notices (published_year, kind);
CREATE INDEX IF NOT EXISTS notices_year_province ON notices (published_year, province_code);
CREATE INDEX IF NOT EXISTS notices_year_type ON notices (published_year, notice_type);
CREATE INDEX IF NOT EXISTS projects_status ON projects (status);
CREATE INDEX IF NOT EXISTS projects_province ON projects (province_code);
CREATE INDEX IF NOT EXISTS projects_year ON projects (first_year);
CREATE INDEX IF NOT EXISTS projects_last_published ON projects (last_published_at, project_id);
CREATE INDEX IF NOT EXISTS project_parties_role ON project_parties (role);
CREATE INDEX IF NOT EXISTS flags_indicator ON flags (indicator, status);
"""

# Covering indexes for Datasette's notices table filtered by year (issue 11 §3), created on the
# published copy after the *_name label columns exist (publish.snapshot.add_labels): each facet
# the table shows (metadata facets: kind_name, notice_type_name, province_name) is counted from
# the index alone, and the page's rows (sorted by published_at) come in index order, no sort.
COVERING_INDEXES = """
CREATE INDEX IF NOT EXISTS notices_year_kind_name ON notices (published_year, kind_name);
CREATE INDEX IF NOT EXISTS notices_year_type_name ON notices (published_year, notice_type_name);
CREATE INDEX IF NOT EXISTS notices_year_province_name ON notices (published_year, province_name);
CREATE INDEX IF NOT EXISTS notices_year_date ON notices (published_year, published_at);
"""

# Columns a kind's project table gets for each kind of value.
_COLUMN_TYPES = {
    ValueKind.text: "TEXT",
    ValueKind.identifier: "TEXT",
    ValueKind.choice: "TEXT",
    ValueKind.uscc: "TEXT",
    ValueKind.date: "TEXT",
    ValueKind.datetime: "TEXT",
    ValueKind.integer: "INTEGER",
    ValueKind.term_years: "INTEGER",
    ValueKind.duration_days: "INTEGER",
    ValueKind.area: "REAL",  # m²; the exact decimal text is in notices.fields
    ValueKind.decimal: "REAL",
    ValueKind.percent: "REAL",
}
# ... and for each lot summary column (models.kinds.LOT_SUMMARY; money as integer fen).
_SUMMARY_TYPES = {ValueKind.integer: "INTEGER", ValueKind.names: "TEXT", ValueKind.money: "INTEGER"}


def project_table(kind: Kind) -> str:
    return f"projects_{Kind(kind).value}"


@cache
def area_columns(kind: Kind) -> list[tuple[str, str, FieldSpec | None]]:
    """(column, SQL type, spec) of a kind's project table, after project_id (cached: read-only)."""
    cols: list[tuple[str, str, FieldSpec | None]] = []
    for name, spec in specs_of(AREA_MODELS[kind]).items():
        if spec.value is ValueKind.money:
            cols.append((f"{name}_fen", "INTEGER", spec))
        else:
            cols.append((name, _COLUMN_TYPES[spec.value], spec))
    if LOTS_FIELD[kind]:
        cols += [(c.column, _SUMMARY_TYPES[c.value], None) for c in LOT_SUMMARY]
    return cols


def yuan_column(col: str) -> str:
    """The generated ``*_yuan`` column beside a ``*_fen`` column (DDL)."""
    return f"{col.removesuffix('_fen')}_yuan TEXT GENERATED ALWAYS AS ({yuan_sql(col)}) VIRTUAL"


def kind_ddl(kind: Kind) -> str:
    table = project_table(kind)
    lines = ["project_id TEXT PRIMARY KEY REFERENCES projects(project_id)"]
    for col, sqltype, _spec in area_columns(kind):
        if not _IDENT.match(col):
            raise ValueError(f"unsafe column name {col!r}")
        lines.append(f"{col} {sqltype}")
        if col.endswith("_fen"):
            lines.append(yuan_column(col))
    body = ",\n    ".join(lines)
    return f"CREATE TABLE IF NOT EXISTS {table} (\n    {body}\n);\n"


def kind_facet_indexes(kind: Kind) -> str:
    """Indexes on a kind table's codelist columns (facets), for the published copy."""
    table = project_table(kind)
    return "".join(f"CREATE INDEX IF NOT EXISTS {table}_{col} ON {table} ({col});\n"
                   for col, _t, spec in area_columns(kind) if spec is not None and spec.value is ValueKind.choice)


def ddl() -> str:
    """The whole schema as one script (idempotent)."""
    return BASE + LOG_DDL + "\n".join(kind_ddl(k) for k in Kind)


PUBLISH_INDEXES += "".join(kind_facet_indexes(k) for k in Kind)
