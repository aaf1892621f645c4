"""Counts of what the store holds: per kind, notice type, province; rejected inputs."""

from __future__ import annotations

from typing import Any

from models.normalize.regions import region_by_code
from store.db import Store


def stats(store: Store) -> dict[str, Any]:
    q = store.conn.execute

    def pairs(sql: str) -> dict[str, int]:
        return {str(k): v for k, v in q(sql)}

    provinces = {}
    for code, count in q("SELECT province_code, count(*) FROM notices WHERE superseded_at IS NULL"
                         " GROUP BY province_code ORDER BY count(*) DESC, province_code"):
        region = region_by_code(code) if code else None
        provinces[f"{code} {region.name}" if region else str(code)] = count
    return {
        "notices": q("SELECT count(*) FROM notices WHERE superseded_at IS NULL").fetchone()[0],
        "notice_versions": q("SELECT count(*) FROM notices").fetchone()[0],
        "projects": q("SELECT count(*) FROM projects").fetchone()[0],
        "parties": q("SELECT count(*) FROM parties").fetchone()[0],
        "sources": q("SELECT count(*) FROM notice_sources").fetchone()[0],
        "by_kind": pairs("SELECT kind, count(*) FROM notices WHERE superseded_at IS NULL GROUP BY kind ORDER BY kind"),
        "by_notice_type": pairs("SELECT notice_type, count(*) FROM notices WHERE superseded_at IS NULL"
                                " GROUP BY notice_type ORDER BY notice_type"),
        "by_project_status": pairs("SELECT status, count(*) FROM projects GROUP BY status ORDER BY status"),
        "by_province": provinces,
        "rejected_inputs": q("SELECT count(*) FROM rejections").fetchone()[0],
        "rejected_by_origin": pairs("SELECT origin, count(*) FROM rejections GROUP BY origin ORDER BY origin"),
        "submissions": q("SELECT count(*) FROM submissions").fetchone()[0],
    }


def format_stats(data: dict[str, Any]) -> str:
    lines = [f"{k}: {v}" for k, v in data.items() if not isinstance(v, dict)]
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k}: {v}" for k, v in value.items()] or ["  (none)"]
    return "\n".join(lines)
