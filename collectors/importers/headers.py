"""Map the headers of a submitted file to model fields.

A header may be a field's English name (``price``: its canonical unit, yuan), one of the
Chinese labels the portals print (``成交价格``), or a label with a unit
(``成交价格(万元)``, ``面积（公顷）``): the unit in the label drives the conversion of
every cell without a unit of its own. A ``--map`` YAML maps any other header to a field
name or a label, or to ``null`` to ignore the column. An unknown header is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from models.assemble import specs_for
from models.codelists import Kind
from models.fields import AREA_UNITS, MONEY_UNITS, ValueKind, split_label
from models.normalize.text import match_key

_UNITS_OF = {
    ValueKind.money: MONEY_UNITS,
    ValueKind.moneys: MONEY_UNITS,
    ValueKind.area: AREA_UNITS,
}
# Columns of a JSON record that are structured, not cells.
STRUCTURED = {"lots", "sections"}


class MapError(Exception):
    """The --map file cannot be used."""


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None  # None: ignored
    unit: str | None


@dataclass
class HeaderMap:
    columns: list[Column]
    problems: list[tuple[str, str]]  # (header, reason)

    def by_header(self) -> dict[str, Column]:
        return {c.header: c for c in self.columns}


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


def resolve(kind: Kind, headers: list[str], mapping: dict[str, str | None] | None = None) -> HeaderMap:
    """Resolve every header, reporting each one that is unknown, duplicated or has a bad unit."""
    index = _index(kind)
    specs = specs_for(kind)
    mapping = mapping or {}
    columns: list[Column] = []
    problems: list[tuple[str, str]] = []
    used: dict[str, str] = {}
    for header in headers:
        if header in STRUCTURED:
            columns.append(Column(header, header, None))
            continue
        target = header
        if header in mapping:
            if mapping[header] is None:
                columns.append(Column(header, None, None))
                continue
            target = mapping[header]
        if not header.strip():
            problems.append((header, "empty header: name the column or remove it"))
            continue
        label, unit = split_label(target)
        found = index.get(match_key(target))
        if found is not None:
            unit = found[1]
        else:
            found = index.get(match_key(label))
        if found is None:
            where = " (from --map)" if header in mapping else ""
            problems.append((header, f"unknown column{where}: not a field name or label of {kind.value} notices; "
                                     "map it with --map (or to null to ignore it)"))
            continue
        name = found[0]
        if name == "__kind__":
            columns.append(Column(header, "__kind__", None))
            continue
        spec = specs[name]
        if unit is not None:
            allowed = _UNITS_OF.get(spec.value)
            if not allowed or unit not in allowed:
                problems.append((header, f"unit {unit!r} is not a unit of {name}"
                                         + (f" (use {' / '.join(allowed)})" if allowed else "")))
                continue
        if name in used:
            problems.append((header, f"column {used[name]!r} already gives {name}"))
            continue
        used[name] = header
        columns.append(Column(header, name, unit))
    return HeaderMap(columns, problems)
