"""Datasette's metadata: ``datasette/metadata.base.yml`` and what the models say of each column.

:func:`build_metadata` adds to the hand-written base the column descriptions of the per-area
tables, derived from the models (``models.fields.specs_of``: description and unit), and writes
``datasette/metadata.json`` (generated, committed; ``make datasette-metadata``, checked by a
golden test).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from models.codelists import KIND_LABELS, Kind
from models.fields import ValueKind
from models.kinds import LOT_SUMMARY
from publish import resources
from store.schema import area_columns, project_table

CONFIG_DIR = resources.datasette_dir()  # datasette/ in the repository, package data when installed
DATABASE = "gongkai"  # the database's name in Datasette's URLs (/gongkai/...)

_SUMMARY_COLUMNS = {c.column: c.description for c in LOT_SUMMARY}


def _describe(col: str, spec: Any) -> dict[str, str]:
    if spec is None:
        out = {col: _SUMMARY_COLUMNS[col]}
        if col.endswith("_fen"):  # award_total_fen
            out[col.removesuffix("_fen") + "_yuan"] = "The same total in yuan (text, exact to the fen)."
        return out
    desc = spec.description.rstrip(".")
    label = spec.labels[0]
    if spec.value is ValueKind.money:
        base = col.removesuffix("_fen")
        return {col: f"{desc} ({label}), in fen (1/100 yuan), exact integer.",
                f"{base}_yuan": f"{desc} ({label}), in yuan (text, exact to the fen)."}
    unit = {ValueKind.area: "m²", ValueKind.term_years: "years", ValueKind.duration_days: "days",
            ValueKind.percent: "%"}.get(spec.value) or spec.unit
    choices = f" One of: {'、'.join(spec.choices)}." if spec.choices else ""
    return {col: f"{desc} ({label}){f', in {unit}' if unit else ''}.{choices}"}


def build_metadata(base_file: Path = CONFIG_DIR / "metadata.base.yml") -> dict[str, Any]:
    meta = yaml.safe_load(base_file.read_text(encoding="utf-8"))
    tables = meta["databases"][DATABASE]["tables"]
    for kind in Kind:
        columns: dict[str, str] = {"project_id": "The project (projects.project_id)."}
        facets = []
        for col, _sqltype, spec in area_columns(kind):
            columns.update(_describe(col, spec))
            if spec is not None and spec.value is ValueKind.choice:
                facets.append(col)
        zh, en = KIND_LABELS[kind]
        tables[project_table(kind)] = {
            "description": f"{zh} {en}: the typed fields of each project of this area (one row per project).",
            "facets": facets, "columns": columns,
        }
    for fts in ("notices_fts", "projects_fts"):
        tables[fts] = {"hidden": True, "description": f"Full-text index of {fts.removesuffix('_fts')} "
                       "(pre-segmented Chinese, unicode61; used by ?_search= and gongkai_fts())."}
    tables["projects"]["fts_table"] = "projects_fts"
    tables["projects"]["fts_pk"] = "rowid"
    return meta


def write_metadata(out: Path = CONFIG_DIR / "metadata.json") -> Path:
    text = json.dumps(build_metadata(), ensure_ascii=False, indent=2) + "\n"
    out.write_text(text, encoding="utf-8")
    return out
