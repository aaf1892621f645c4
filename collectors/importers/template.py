"""Empty submission templates, with both header forms documented.

The header row uses the English field names; the documentation lines (CSV lines and
XLSX rows starting with ``#``, which the importer skips) give for each field its Chinese
labels, unit, type and meaning. Either form, or a Chinese label with a unit such as
``成交价格(万元)``, is accepted as a header.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from models.assemble import specs_for
from models.codelists import KIND_LABELS, Kind
from models.fields import FieldSpec


def _doc(spec: FieldSpec) -> list[str]:
    return [
        f"# {spec.name}",
        " / ".join(spec.labels),
        spec.unit or "",
        spec.value.value + (f": {' / '.join(spec.choices)}" if spec.choices else ""),
        spec.description,
    ]


def template_rows(kind: Kind) -> tuple[list[str], list[list[str]]]:
    specs = specs_for(Kind(kind))
    zh, en = KIND_LABELS[Kind(kind)]
    docs = [
        [f"# Gongkai 提交模板：{zh}（--kind {kind}）。以 # 开头的行不读取；每行一条公告；表头可用下列英文字段名或中文标签，"
         "带单位的标签（如 成交价格(万元)）换算该列所有未注明单位的值；表头写错时，报告会给出最接近的标签。"],
        [f"# Gongkai submission template: {kind} ({zh}, {en}). Lines starting with # are ignored."],
        ["# One row per notice. Headers may be the English names below or the Chinese labels; a unit in a label"
         " such as 成交价格(万元) converts every cell without its own unit."],
        ["# field", "中文标签 (labels)", "unit", "type", "description"],
    ]
    docs += [_doc(s) for s in specs.values()]
    return list(specs), docs


def write_csv(kind: Kind) -> str:
    headers, docs = template_rows(kind)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerows(docs)
    w.writerow(headers)
    return buf.getvalue()


def write_xlsx(kind: Kind, path: Path) -> None:
    from openpyxl import Workbook

    headers, docs = template_rows(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{kind}"
    ws.append(headers)
    fields = wb.create_sheet("fields")
    for row in docs:
        fields.append([c.removeprefix("# ") if i == 0 else c for i, c in enumerate(row)])
    wb.save(path)
