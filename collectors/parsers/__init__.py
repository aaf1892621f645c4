"""Parsers of the portals' pages and data files: bytes in, labelled cells out.

Each parser returns :class:`Extracted` records: the cells keyed by field (through the same
label table as submissions, so ``成交价格(万元)`` converts the same way everywhere), nested
lots/sections with winners and candidates, the cleaned notice text and its attachments, and
the labels it saw but could not read (kept, so a new label is noticed and reported).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from collectors.importers.headers import Column, resolve
from models.assemble import Cell
from models.codelists import Kind


class ParseError(Exception):
    """The page cannot be read as a notice (truncated, blocked, wrong shape)."""


@dataclass
class Extracted:
    """One notice as read from a page, an API record or a table row.

    ``lots`` are nested lots/sections in the form :func:`models.assemble.assemble` takes
    (``[{"name": "第1包", "budget": …, "winners": [{"name", "uscc", "amount", "rank"}],
    "candidates": [...]}]``); amounts are texts carrying their unit (``237.5万元``).
    ``attachments`` are ``{"name": …, "url": …}``. ``location`` says where in a multi-record
    input the record sits (``record 3``, ``row 12``)."""

    cells: dict[str, Cell]
    unknown: dict[str, str] = field(default_factory=dict)
    kind: Kind | None = None
    lots: list[dict] = field(default_factory=list)
    body_text: str = ""
    attachments: list[dict] = field(default_factory=list)
    location: str | None = None
    more: list[dict[str, Cell]] = field(default_factory=list)
    """Further records of the same page (a 成交公示 listing several parcels): each one's own cells,
    to be read over the page's cells as a notice of its own."""


@lru_cache(maxsize=4096)
def _resolved(kind: Kind, labels: tuple[str, ...]) -> dict[str, Column]:
    """Label → column for one set of labels (pages of a platform repeat the same few sets, and
    resolving builds the whole label index)."""
    return {c.header: c for c in resolve(kind, list(labels)).columns}


def cells_from_labels(kind: Kind, pairs: list[tuple[str, str]]) -> Extracted:
    """Map (label, text) pairs to fields through the label table; unknown labels are kept aside."""
    mapped = _resolved(kind, tuple(dict.fromkeys(label for label, _ in pairs)))
    out = Extracted({}, kind=kind)
    for label, text in pairs:
        col = mapped.get(label)
        if col is None or col.field is None or col.field.startswith("__"):
            out.unknown[label] = text
        elif col.field not in out.cells:
            out.cells[col.field] = Cell(text, col.unit)
    return out


@dataclass
class Refused:
    """A record of a multi-record input that cannot be read: where it is and why."""

    location: str
    reason: str
