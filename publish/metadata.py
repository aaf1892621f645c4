"""Datasette's metadata: ``datasette/metadata.base.yml`` and what the models say of each column.

:func:`build_metadata` adds to the hand-written base the column descriptions of the per-area
tables, derived from the models (``models.fields.specs_of``: description and unit), and writes
``datasette/metadata.json`` (generated, committed; ``make datasette-metadata``, checked by a
golden test).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from models.codelists import KIND_LABELS, Kind
from models.fields import ValueKind
from models.kinds import LOT_SUMMARY
from models.normalize.amounts import yuan_sql
from publish import resources
from publish.snapshot import LABEL_COLUMNS, LABEL_EXTRA, LABEL_TABLES
from store.schema import area_columns, project_table

CONFIG_DIR = resources.datasette_dir()  # datasette/ in the repository, package data when installed
DATABASE = "gongkai"  # the database's name in Datasette's URLs (/gongkai/...)

_SUMMARY_COLUMNS = {c.column: c.description for c in LOT_SUMMARY}
_SUMMARY_LABELS = {c.column: c.label for c in LOT_SUMMARY}
# {yuan:EXPR} in a canned query: EXPR (integer fen) as exact yuan text, with the one fen → yuan
# definition (models.normalize.amounts.yuan_sql), never a printf of the query's own.
_YUAN = re.compile(r"\{yuan:([^{}]+)\}")
# Chinese names of the hand-described columns (the per-area columns take theirs from the models):
# every description reads "中文名：English description".
ZH_COLUMNS = {
    "version_id": "版本编号", "notice_id": "公告编号（内部）", "version": "版本号", "project_id": "项目编号（内部）",
    "kind": "领域代码", "notice_type": "公告类型代码", "title": "标题", "publisher": "发布单位",
    "published_at": "发布时间", "published_date": "发布日期", "published_month": "发布月份", "published_year": "发布年份",
    "region_code": "行政区划代码", "region_name": "行政区划", "province_code": "省级区划代码", "project_no": "项目编号",
    "project_name": "项目名称", "notice_no": "公告文号", "corrects": "更正的公告", "original_url": "原文链接",
    "body": "正文", "fields": "字段（JSON）", "raw": "原始值（JSON）", "flags": "规范化说明（JSON）",
    "content_sha256": "内容校验值", "first_seen_at": "首次收录时间", "superseded_at": "被取代时间",
    "platform": "平台", "url": "网址", "fetched_at": "抓取时间", "raw_sha256": "原始字节校验值",
    "parser_version": "解析器版本", "http_status": "HTTP 状态", "location": "位置", "body_text": "页面正文",
    "attachments": "附件（JSON）", "stored_at": "写入时间", "status": "状态代码", "amended": "是否更正",
    "first_published_at": "首次发布时间", "last_published_at": "最近发布时间", "first_year": "首次发布年份",
    "notice_count": "公告数", "correction_count": "更正次数", "compiled_sha256": "汇编记录校验值",
    "updated_at": "更新时间", "party_id": "主体编号", "name": "名称", "uscc": "统一社会信用代码",
    "role": "角色代码", "lot": "标段（包）", "rank": "排名", "amount_fen": "金额（分）", "amount_yuan": "金额（元）",
    "id": "行号", "created_at": "拒收时间", "origin": "来源", "input": "输入", "field": "字段", "value": "值",
    "reason": "原因", "submitted_at": "提交时间", "agency": "提交机构", "file_name": "文件名",
    "file_sha256": "文件校验值", "rows": "行数", "new": "新增", "changed": "变更", "unchanged": "未变",
    "key": "键", "seq": "最后行号", "tbl": "表", "idx": "索引", "stat": "统计",
    "kind_name": "领域", "notice_type_name": "公告类型", "province_name": "省份", "status_name": "状态",
    "role_name": "角色", "name_en": "英文名称",
    "indicator": "风险指标", "why_zh": "说明（中文）", "why_en": "说明（英文）", "used_values": "所用数值（JSON）",
    "since": "本状态起始时间", "indicator_name": "风险指标名称", "flag_count": "风险提示数",
    "definition": "定义", "definition_en": "英文定义", "basis": "依据", "op": "操作", "leaf": "日志叶（JSON）",
    "kinds": "领域", "projects": "项目数", "flagged_projects": "有风险提示的项目数", "rate": "风险提示率（%）",
    "buyer": "采购人", "awarded_projects": "中标项目数", "suppliers": "供应商数", "total_fen": "中标总额（分）",
    "largest_fen": "最大单笔（分）", "winner_id": "中标人编号", "winner": "中标人", "wins": "中标次数",
    "filter_column": "筛选列", "filter_value": "筛选值", "facet": "分面列", "count": "行数",
}
_NAME_COLUMNS = {"kind_name": "Area, by name (facet).", "notice_type_name": "Stage, by name (facet).",
                 "province_name": "Province, by name (facet).", "status_name": "Lifecycle status, by name (facet).",
                 "role_name": "Role, by name (facet).", "indicator_name": "Indicator, by name (facet)."}
# A *_name column whose meaning differs in one table.
_TABLE_NAME_COLUMNS = {("flags", "status_name"): "Result, by name (facet): 提示风险, 未见异常, 数据不足 or 不适用."}
_LABEL_DESCRIPTIONS = {
    "label_indicators": "风险指标 The red-flag indicators (models.indicators): code, Chinese and English name, "
                        "definition, and the law or guide each comes from. A flag is a reason to look, not a finding.",
    "label_flag_statuses": "名称表 Names of the results of an indicator (flags.status): code, Chinese name, English name.",
}
_LABEL_EXTRA_COLUMNS = {"definition": "定义 What the indicator checks (Chinese).",
                        "definition_en": "英文定义 What the indicator checks (English).",
                        "basis": "依据 The law, regulation or guide it comes from."}
_TIME_NOTE = " Shown on Datasette's pages as Beijing time (北京时间); the data keeps ISO 8601."


def _describe(col: str, spec: Any) -> dict[str, str]:
    if spec is None:
        zh = _SUMMARY_LABELS[col]
        out = {col: f"{zh}：{_SUMMARY_COLUMNS[col]}"}
        if col.endswith("_fen"):  # award_total_fen
            out[col.removesuffix("_fen") + "_yuan"] = f"{zh}（元）：the same total in yuan (text, exact to the fen)."
        return out
    desc = spec.description.rstrip(".")
    label = spec.labels[0]
    if spec.value is ValueKind.money:
        base = col.removesuffix("_fen")
        return {col: f"{label}（分）：{desc}, in fen (1/100 yuan), exact integer.",
                f"{base}_yuan": f"{label}（元）：{desc}, in yuan (text, exact to the fen)."}
    unit = {ValueKind.area: "m²", ValueKind.term_years: "years", ValueKind.duration_days: "days",
            ValueKind.percent: "%"}.get(spec.value) or spec.unit
    choices = f" One of: {'、'.join(spec.choices)}." if spec.choices else ""
    return {col: f"{label}{f'（{unit}）' if unit else ''}：{desc}{f', in {unit}' if unit else ''}.{choices}"}


def build_metadata(base_file: Path = CONFIG_DIR / "metadata.base.yml") -> dict[str, Any]:
    meta = yaml.safe_load(base_file.read_text(encoding="utf-8"))
    database = meta["databases"][DATABASE]
    tables = database["tables"]
    for table, names in LABEL_COLUMNS.items():
        for name, code, _lookup, _key in names:
            text = _TABLE_NAME_COLUMNS.get((table, name)) or _NAME_COLUMNS[name]
            tables[table]["columns"][name] = text + f" The code is in {code}."
    for lookup in LABEL_TABLES:
        tables[lookup] = {"description": _LABEL_DESCRIPTIONS.get(lookup) or (
            f"名称表 Names of the codes ({lookup.removeprefix('label_')}): code, Chinese name, English name."),
            "columns": {}}
    _describe_in_chinese(tables)
    for query in database["queries"].values():
        query["sql"] = _YUAN.sub(lambda m: yuan_sql(f"({m.group(1)})"), query["sql"])
    for kind in Kind:
        columns: dict[str, str] = {"project_id": "项目编号（内部）：the project (projects.project_id)."}
        facets = []
        for col, _sqltype, spec in area_columns(kind):
            columns.update(_describe(col, spec))
            if spec is not None and spec.value is ValueKind.choice:
                facets.append(col)
        zh, en = KIND_LABELS[kind]
        tables[project_table(kind)] = {
            "description": f"{zh}（每个项目一行）{en}: the typed fields of each project of this area.",
            "facets": facets, "columns": columns,
        }
    for fts in ("notices_fts", "projects_fts"):
        tables[fts] = {"hidden": True, "description": f"Full-text index of {fts.removesuffix('_fts')} "
                       "(pre-segmented Chinese, unicode61; used by ?_search= and gongkai_fts())."}
    tables["projects"]["fts_table"] = "projects_fts"
    tables["projects"]["fts_pk"] = "rowid"
    return meta


def _describe_in_chinese(tables: dict[str, Any]) -> None:
    """Every hand-described column as "中文名：English" (a name missing from ZH_COLUMNS fails here)."""
    for table, meta in tables.items():
        if table in LABEL_TABLES:
            meta["columns"] = {LABEL_TABLES[table]: "代码 Code.", "name": "中文名称 Chinese name.", "name_en": "英文名称 English name.",
                               **{c: _LABEL_EXTRA_COLUMNS[c] for c in LABEL_EXTRA.get(table, ())}}
            continue
        for col, text in list(meta.get("columns", {}).items()):
            note = _TIME_NOTE if col.endswith("_at") else ""
            meta["columns"][col] = f"{ZH_COLUMNS[col]}：{text}{note}"


def write_metadata(out: Path = CONFIG_DIR / "metadata.json") -> Path:
    text = json.dumps(build_metadata(), ensure_ascii=False, indent=2) + "\n"
    out.write_text(text, encoding="utf-8")
    return out
