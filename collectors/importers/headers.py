"""Map the headers of a submitted file to model fields.

A header may be a field's English name (``price``: its canonical unit, yuan), one of the
Chinese labels the portals print (``成交价格``), or a label with a unit
(``成交价格(万元)``, ``面积（公顷）``): the unit in the label drives the conversion of
every cell without a unit of its own. A ``--map`` YAML maps any other header to a field
name or a label, or to ``null`` to ignore the column; mapping to a label with a unit gives a
unit-less column that unit (``成交价格: 成交价格(万元)``). An unknown header is an error.

A bare ``统一社会信用代码`` or ``地址`` column right after a party's name column belongs to that
party (``采购人, 统一社会信用代码, 地址`` → the buyer's code; the address is not kept). A few labels
the portals print name nothing the models keep (``开标地点``, ``评审得分`` …): such a column is
read and ignored, and listed with the reason in :attr:`HeaderMap.ignored`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import yaml

from models.assemble import specs_for
from models.codelists import KIND_LABELS, Kind
from models.fields import AREA_UNITS, MONEY_UNITS, ValueKind, split_label
from models.normalize.base import Reason
from models.normalize.text import match_key

_UNITS_OF = {
    ValueKind.money: MONEY_UNITS,
    ValueKind.moneys: MONEY_UNITS,
    ValueKind.area: AREA_UNITS,
}
# Columns of a JSON record that are structured, not cells.
STRUCTURED = {"lots", "sections"}

# Labels of the reference's field tables that name no fact the models keep: ignored, with why.
IGNORED_LABELS: dict[str, str] = {
    "地址": "a party's address is not kept",
    "中标供应商地址": "a party's address is not kept",
    "中标（成交）供应商地址": "a party's address is not kept",
    "开标地点": "the place of bid opening is not kept",
    "获取采购文件时间": "document access details are not kept",
    "获取采购文件地点": "document access details are not kept",
    "获取采购文件方式": "document access details are not kept",
    "获取采购文件售价": "document access details are not kept",
    "评审得分": "evaluation scores are not kept",
    "排名": "the rank of a candidate is its order in the candidates column",
    "经办人": "the exchange's clerk is not kept",
    "近一年总资产": "the target's financial statements are not kept",
    "净利润": "the target's financial statements are not kept",
}
_DUPLICATE = re.compile(r"#\d+$")  # the mark readers give a repeated header (readers.unique_headers)
# Bare columns that belong to the party named in the column just before them.
_USCC_LABELS = frozenset({"统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码"})
_ADDRESS_LABELS = frozenset({"地址", "住所", "注册地址", "联系地址"})
# Name fields whose code column is not declared with ``uscc_of`` (lot columns hold lists).
_USCC_OF_LIST = {"winner": "winner_uscc"}


class MapError(Exception):
    """The --map file cannot be used."""


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None  # None: ignored
    unit: str | None


class HeaderProblem(NamedTuple):
    """A header that cannot be used, and why: the reason is English text that carries its code and
    params (:class:`~models.normalize.base.Reason`) for :mod:`collectors.messages`, which says it in
    Chinese too."""

    header: str
    reason: str


@dataclass
class HeaderMap:
    columns: list[Column]
    problems: list[HeaderProblem]
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (header, why): known labels not kept


def _index(kind: Kind) -> dict[str, tuple[str, str | None]]:
    """match key of a name or label → (field, unit declared by that name)."""
    index: dict[str, tuple[str, str | None]] = {}
    for name, spec in specs_for(kind).items():
        index[match_key(name)] = (name, spec.unit if spec.value in _UNITS_OF else None)
        for label in spec.labels:
            index.setdefault(match_key(label), (name, None))
    index.setdefault("KIND", ("__kind__", None))
    index.setdefault(match_key("类别"), ("__kind__", None))
    return index


def load_map(path: Path) -> dict[str, str | None]:
    """Read a --map YAML: ``source header: field name, Chinese label, or null``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MapError(f"{path}: cannot read the map ({exc})") from exc
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise MapError(f"{path}: a map is a YAML mapping of 'source header: field name or label (or null)'")
    for key, value in data.items():
        if value is not None and not isinstance(value, str):
            raise MapError(f"{path}: {key!r} maps to {value!r}; expected a field name, a label or null")
    return data


def _uscc_fields(kind: Kind) -> dict[str, str]:
    """name field → the field holding that party's unified social credit code."""
    out = {spec.uscc_of: name for name, spec in specs_for(kind).items() if spec.uscc_of}
    return {**out, **{k: v for k, v in _USCC_OF_LIST.items() if k in specs_for(kind)}}


def resolve(kind: Kind, headers: list[str], mapping: dict[str, str | None] | None = None) -> HeaderMap:
    """Resolve every header, reporting each one that is unknown, duplicated or has a bad unit."""
    index = _index(kind)
    specs = specs_for(kind)
    uscc_of = _uscc_fields(kind)
    mapping = mapping or {}
    columns: list[Column] = []
    problems: list[HeaderProblem] = []
    ignored: list[tuple[str, str]] = []
    used: dict[str, str] = {}
    party: str | None = None  # the party name field of the column just before (kept across its code/address)
    for header in headers:
        previous_party, party = party, None
        if header in STRUCTURED:
            columns.append(Column(header, header, None))
            continue
        target = _DUPLICATE.sub("", header)  # 统一社会信用代码#2 is read as 统一社会信用代码
        if header in mapping:
            mapped = mapping[header]
            if mapped is None:
                columns.append(Column(header, None, None))
                continue
            target = mapped
        if not header.strip():
            problems.append(HeaderProblem(header, Reason("empty header: name the column or remove it", "header_empty")))
            continue
        key = match_key(target)
        if previous_party and header not in mapping and key in _ADDRESS_LABELS:
            ignored.append((header, f"the address of {previous_party} is not kept"))
            columns.append(Column(header, None, None))
            party = previous_party
            continue
        if previous_party and header not in mapping and key in _USCC_LABELS:
            code_field = uscc_of.get(previous_party)
            if code_field is None:
                ignored.append((header, f"{previous_party} has no unified social credit code field; map the column"
                                        " with --map to keep it"))
                columns.append(Column(header, None, None))
                party = previous_party
                continue
            target, key = code_field, match_key(code_field)
        label, unit = split_label(target)
        found = index.get(key)
        if found is not None:
            unit = found[1]
        else:
            found = index.get(match_key(label))
        if found is None and header not in mapping and match_key(label) in _IGNORED_KEYS:
            ignored.append((header, _IGNORED_KEYS[match_key(label)]))
            columns.append(Column(header, None, None))
            continue
        if found is None:
            where = " (from --map)" if header in mapping else ""
            near = " / ".join(suggest(kind, target))
            hint = f" (did you mean: {near}?)" if near else ""
            reason = (f"unknown column (from --map): not a field name or label of {kind.value} notices{hint}" if where
                      else f"unknown column: not a field name or label of {kind.value} notices{hint}; map it with --map"
                           " (or to null to ignore it)")
            problems.append(HeaderProblem(header, Reason(
                reason, "header_unknown_map" if where else "header_unknown", kind=KIND_LABELS[kind][0],
                kind_en=kind.value, suggest_en=hint, suggest_zh=f"（是否指：{near}？）" if near else "")))
            continue
        name = found[0]
        if name == "__kind__":
            columns.append(Column(header, "__kind__", None))
            continue
        spec = specs[name]
        if unit is not None:
            allowed = _UNITS_OF.get(spec.value)
            if not allowed or unit not in allowed:
                problems.append(HeaderProblem(header, Reason(
                    f"unit {unit!r} is not a unit of {name}" + (f" (use {' / '.join(allowed)})" if allowed else ""),
                    "header_unit", unit=unit, field=name, label=spec.labels[0],
                    allowed_zh=f"（可用 {' / '.join(allowed)}）" if allowed else "",
                    allowed_en=f" (use {' / '.join(allowed)})" if allowed else "")))
                continue
        if name in used:
            problems.append(HeaderProblem(header, Reason(f"column {used[name]!r} already gives {name}", "header_duplicate",
                                                         other=used[name], field=name, label=spec.labels[0])))
            continue
        used[name] = header
        columns.append(Column(header, name, unit))
        if spec.role:
            party = name
        elif previous_party and uscc_of.get(previous_party) == name:
            party = previous_party  # name, code, address: the address still belongs to the party
    return HeaderMap(columns, problems, ignored)


_IGNORED_KEYS = {match_key(label): why for label, why in IGNORED_LABELS.items()}


SUGGESTIONS = 3  # nearest labels offered for an unknown header
SUGGEST_CUTOFF = 0.6  # difflib ratio below which a label is too far to be the one meant


def suggest(kind: Kind, header: str) -> list[str]:
    """The known labels nearest to an unknown ``header`` (difflib over the Chinese labels and the
    English names of ``kind``'s fields), written as a header would be: a unit the header gave is
    kept where the field takes one (``成交价(万元)`` → ``成交价格(万元)``)."""
    label, unit = split_label(_DUPLICATE.sub("", header).strip())
    specs = specs_for(kind)
    choices: dict[str, str] = {}  # match key → the label or name as written
    field_of: dict[str, str] = {}
    for name, spec in specs.items():
        for text in (*spec.labels, name):
            key = match_key(text).lower()
            choices.setdefault(key, text)
            field_of.setdefault(key, name)
    out: list[str] = []
    for key in difflib.get_close_matches(match_key(label).lower(), list(choices), n=SUGGESTIONS, cutoff=SUGGEST_CUTOFF):
        spec = specs[field_of[key]]
        text = choices[key]
        if unit and unit in _UNITS_OF.get(spec.value, ()):
            text = f"{text}({unit})"
        if text not in out:
            out.append(text)
    return out
