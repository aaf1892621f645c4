"""The words of a submission report, defined once: each problem code with its Chinese and English text.

A problem keeps its English ``reason`` (the machine-stable text of ``--json`` and of the Python
API) and, where it has one, a ``code`` with ``params``: :func:`say` renders it in the reader's
language from :data:`MESSAGES`. The normalizers of :mod:`models.normalize` give their reasons a
code through :class:`models.normalize.base.Reason` (their English text is the one written there);
a reason without a known code is shown as written, in English.

Placeholders are ``str.format`` fields filled from the problem's ``params``.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

# code: (Chinese, English); the English of the normalizers' codes is None (it is the reason as written)
MESSAGES: dict[str, tuple[str, str | None]] = {
    # the file and the command line
    "file_unreadable": ("文件无法读取：{detail}", "{detail}"),
    "agency_missing": ("必须写明提交单位（--agency）", "the submitting agency must be named"),
    "region_bad": ("不是可识别的行政区划代码或名称：{detail}", "{detail}"),
    # headers
    "header_empty": ("表头为空：请填写列名或删除该列", "empty header: name the column or remove it"),
    "header_unknown": ("未知的列：不是{kind}公告的字段名或标签{suggest_zh}；可用 --map 映射（映射为 null 则忽略该列）",
                       "unknown column: not a field name or label of {kind_en} notices{suggest_en}; map it with --map"
                       " (or to null to ignore it)"),
    "header_unknown_map": ("未知的列（来自 --map）：不是{kind}公告的字段名或标签{suggest_zh}",
                           "unknown column (from --map): not a field name or label of {kind_en} notices{suggest_en}"),
    "header_unit": ("单位「{unit}」不能用于{label}{allowed_zh}", "unit {unit!r} is not a unit of {field}{allowed_en}"),
    "header_duplicate": ("列「{other}」已经给出{label}", "column {other!r} already gives {field}"),
    # rows
    "extra_cells": ("单元格多于表头", "more cells than headers"),
    "kind_mismatch": ("本次提交的领域是 {kind}（--kind {kind_en}）", "this submission is --kind {kind_en}"),
    "lots_not_list": ("应为标段（包）列表", "expected a list of lots"),
    # models.normalize (English: the reason as the normalizer wrote it)
    "amount_too_large": ("金额超出可接受的最大值（须小于 100 万亿元）", None),
    "amount_not_rmb": ("不是人民币金额", None),
    "amount_rate": ("这是费率或比例，不是金额", None),
    "amount_negative": ("金额不能为负数", None),
    "amount_missing": ("没有可识别的金额", None),
    "amount_ambiguous": ("含有多个不同的金额，无法确定", None),
    "amount_forms_disagree": ("大写金额 {upper} 与阿拉伯数字 {arabic} 不一致", None),
    "number_too_long": ("数字位数过多", None),
    "number_missing": ("没有可识别的数字", None),
    "number_ambiguous": ("含有多个不同的数字，无法确定", None),
    "number_not_whole": ("应为整数", None),
    "area_negative": ("面积不能为负数", None),
    "area_no_unit": ("面积没有单位：请在值或表头中注明（如 面积(平方米)）", None),
    "area_missing": ("没有可识别的面积", None),
    "area_ambiguous": ("含有多个不同的面积，无法确定", None),
    "area_too_large": ("面积超出可接受的最大值", None),
    "date_missing": ("没有可识别的日期", None),
    "date_impossible": ("日期或时间不存在（月、日或时刻超出范围）", None),
    "date_ambiguous": ("含有多个不同的日期，无法确定", None),
    "date_year_range": ("年份 {year} 不在 {low}–{high} 之间", None),
    "uscc_length": ("统一社会信用代码应为 18 位，实为 {got} 位", None),
    "uscc_char": ("统一社会信用代码第 {position} 位含无效字符「{char}」", None),
    "uscc_check": ("统一社会信用代码校验位应为 {expected}，实为 {got}", None),
    "region_unknown": ("未知的行政区划", None),
    "region_ambiguous": ("行政区划名称有歧义，可能是：{candidates}", None),
    "region_code_shape": ("行政区划代码应为 6 位或 9 位数字", None),
    # models.assemble
    "formula": ("这是电子表格公式，不是值：请粘贴为数值", None),
    "choice_unknown": ("不是可选值之一：{choices}", None),
    "title_missing": ("公告须有标题（或可据以生成标题的项目名称）", None),
    "published_missing": ("公告须有发布时间", None),
}

# The frame of a report line and of the summary.
FRAME: dict[str, tuple[str, str]] = {
    "at_row": ("第 {row} 行", "row {row}"),
    "at_header": ("表头", "header"),
    "at_file": ("文件", "file"),
    "line": ("{where}，列「{column}」，值「{value}」：{reason}", "{where}, column {column!r}, value {value!r}: {reason}"),
    "more": ("……另有 {n} 个问题", "… and {n} more problems"),
    "ignored": ("列「{column}」已忽略：{reason}", "column {column!r} ignored: {reason}"),
    "refused": ("已拒收 {file}：{rows} 行中有 {refused} 行存在问题，共 {problems} 个；未写入任何数据",
                "refused {file}: {problems} problem(s) in {refused} of {rows} rows; nothing was written"),
    "stored": ("{file}：读取 {rows} 行；{verb}新公告 {new} 条、变更 {changed} 条、未变 {unchanged} 条；"
               "更新项目 {projects} 个；拒收 0 行；用时 {seconds} 秒（每秒 {rate} 行）",
               "{file}: {rows} rows read; {verb} {new} new, {changed} changed, {unchanged} unchanged notices;"
               " {projects} projects updated; 0 refused; {seconds} s ({rate} rows/s)"),
    "verb_stored": ("已存入", "stored"),
    "verb_dry": ("将存入", "would store"),
}


def frame(key: str, lang: Lang, **params: object) -> str:
    """A report frame (:data:`FRAME`) in ``lang``."""
    zh, en = FRAME[key]
    return (zh if lang == "zh" else en).format(**params)


def say(reason: str, code: str | None, params: dict[str, str] | None, lang: Lang) -> str:
    """The reason of one problem in ``lang``: the coded message, else the reason as written."""
    entry = MESSAGES.get(code or "")
    if entry is None:
        return reason
    text = entry[0] if lang == "zh" else entry[1]
    if text is None:
        return reason
    try:
        return text.format(**(params or {}))
    except (KeyError, IndexError, ValueError):  # a code given without its params: the written reason still says it
        return reason
