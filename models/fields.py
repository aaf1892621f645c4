"""Field metadata: how a model field is read, labelled and documented.

A field of a disclosure model is declared with :func:`field`, which records, beside
the pydantic type, what kind of value it holds (money, area, date …), the Chinese
labels portals print for it (``电子监管号``, ``成交价格(万元)`` …), its canonical unit
and a description. Importers map headers through these labels, the CLI prints
templates from them, the store derives typed columns and Datasette its column
descriptions: one declaration, every stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from pydantic import BaseModel, Field


class ValueKind(StrEnum):
    """How the text of a cell becomes a value."""

    text = "text"  # cleaned text
    identifier = "identifier"  # an id: cleaned, no inner whitespace kept
    money = "money"  # Decimal yuan; unit from the cell, the header, or the field's canonical unit
    area = "area"  # Decimal square metres
    date = "date"
    datetime = "datetime"
    integer = "integer"
    decimal = "decimal"
    percent = "percent"
    term_years = "term_years"
    duration_days = "duration_days"
    uscc = "uscc"  # unified social credit code, check character validated
    choice = "choice"  # one of a codelist
    names = "names"  # several party names separated by ；; 、 or new lines
    moneys = "moneys"  # several amounts, same separators


# Units a header may declare, e.g. 成交价格(万元), 面积（公顷）, price_wan_yuan is not used.
MONEY_UNITS = ("元", "万元", "亿元")
AREA_UNITS = ("平方米", "㎡", "m2", "m²", "公顷", "亩", "平方千米", "平方公里", "km2", "km²")
_LABEL_UNIT = re.compile(r"^\s*(?P<label>.+?)\s*[（(]\s*(?P<unit>[^()（）]+?)\s*[)）]\s*$")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What the rest of the project needs to know about one field."""

    name: str
    value: ValueKind
    labels: tuple[str, ...]
    description: str
    unit: str | None = None  # canonical unit of the English field name
    choices: tuple[str, ...] = ()
    identifier: bool = False  # used to derive the project a notice belongs to
    role: str | None = None  # party role of a name field (see models.codelists.Role)
    uscc_of: str | None = None  # for a uscc field: the name field it belongs to
    group: str | None = None  # "lot": a flat column that builds one lot/section

    @property
    def label(self) -> str:
        """The main Chinese label, with its canonical unit when it has one."""
        if self.unit and self.value in (ValueKind.money, ValueKind.moneys, ValueKind.area):
            return f"{self.labels[0]}({self.unit})"
        return self.labels[0]


def field(
    value: ValueKind,
    labels: tuple[str, ...] | str,
    description: str,
    *,
    unit: str | None = None,
    choices: tuple[str, ...] = (),
    identifier: bool = False,
    role: str | None = None,
    uscc_of: str | None = None,
    group: str | None = None,
    default: Any = None,
) -> Any:
    """Declare a model field with the metadata above (stored in ``json_schema_extra``)."""
    if isinstance(labels, str):
        labels = (labels,)
    if unit is None and value in (ValueKind.money, ValueKind.moneys):
        unit = "元"
    if unit is None and value is ValueKind.area:
        unit = "平方米"
    extra: dict[str, Any] = {  # pydantic's JsonDict: a dict of JSON values
        "gongkai": {
            "value": value.value,
            "labels": list(labels),
            "unit": unit,
            "choices": list(choices),
            "identifier": identifier,
            "role": role,
            "uscc_of": uscc_of,
            "group": group,
        }
    }
    return Field(default=default, description=description, json_schema_extra=extra)


@cache
def specs_of(model: type[BaseModel]) -> dict[str, FieldSpec]:
    """The FieldSpec of every declared field of ``model``, in declaration order (cached: treat as read-only)."""
    out: dict[str, FieldSpec] = {}
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if not isinstance(extra, dict) or "gongkai" not in extra:
            continue
        meta: dict[str, Any] = extra["gongkai"]  # type: ignore[assignment]
        out[name] = FieldSpec(
            name=name,
            value=ValueKind(meta["value"]),
            labels=tuple(meta["labels"]),
            description=info.description or "",
            unit=meta["unit"],
            choices=tuple(meta["choices"]),
            identifier=meta["identifier"],
            role=meta["role"],
            uscc_of=meta["uscc_of"],
            group=meta["group"],
        )
    return out


def split_label(header: str) -> tuple[str, str | None]:
    """``成交价格(万元)`` → (``成交价格``, ``万元``); ``电子监管号`` → (``电子监管号``, None)."""
    m = _LABEL_UNIT.match(header)
    if m:
        return m.group("label"), m.group("unit")
    return header.strip(), None
