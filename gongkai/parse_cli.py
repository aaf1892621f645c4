"""``gongkai parse``: read saved pages and files into normalized notices, with no database."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from collectors.parse import families, notice_json, parse_file


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--source", "family", type=click.Choice(families()), default=None,
              help="The source family, when detection from the bytes and URL is not enough.")
@click.option("--url", default=None, help="Where the page was fetched from (helps detection; kept as its source).")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one object per notice (the default is a summary).")
def parse(files: tuple[Path, ...], family: str | None, url: str | None, as_json: bool) -> None:
    """Parse saved pages, API answers, tables or OCDS files into notices (no database).

    Prints one JSON object per notice with --json; a record it refuses prints
    {"error": reason, "location": …}. Exit 1 when any input or record was refused."""
    refused = 0
    for path in files:
        for parsed in parse_file(path, url=url, family=family):
            data = notice_json(parsed)
            if "error" in data:
                refused += 1
                data["location"] = f"{path}: {data['location']}" if str(path) not in data["location"] else data["location"]
            if as_json:
                sys.stdout.buffer.write(orjson.dumps(data) + b"\n")
            elif "error" in data:
                click.echo(f"{data['location']}: refused: {data['error']}", err=True)
            else:
                click.echo(_summary(data))
    sys.exit(1 if refused else 0)


def _when(iso: str | None) -> str:
    """+08:00 ISO time as a reader writes it: 2022-12-23 16:37 (北京时间)."""
    if not iso:
        return "（页面未印发布时间）"
    day, _, clock = iso.partition("T")
    clock = clock[:5]
    return f"{day} {clock}（北京时间）" if clock and clock != "00:00" else day


def _summary(d: dict) -> str:
    """What a journalist reads in a terminal: Chinese labels, amounts in 元, Beijing time."""
    from models.assemble import specs_for
    from models.codelists import KIND_LABELS, NOTICE_TYPE_LABELS, Kind, NoticeType
    from publish.site.i18n import role_label

    kind = Kind(d["kind"])
    specs = specs_for(kind)
    unit = "元" if d["currency"] == "CNY" else d["currency"]
    lines = [d["title"], "  " + " · ".join(x for x in (
        KIND_LABELS[kind][0], NOTICE_TYPE_LABELS[NoticeType(d["notice_type"])][0], _when(d["published_at"]),
        f"{d['region_name'] or ''} {d['region_code'] or ''}".strip()) if x)]
    for key, label in (("project_no", "项目编号"), ("project_name", "项目名称")):
        if d.get(key):
            lines.append(f"  {label}：{d[key]}")
    for p in d["parties"]:
        extra = " ".join(x for x in (p.get("lot") or "", p.get("uscc") or "",
                                     f"{p['amount']} {unit}" if p.get("amount") else "",
                                     f"第{p['rank']}名" if p.get("rank") else "") if x)
        lines.append(f"  {role_label(p['role'], 'zh')}：{p['name']} {extra}".rstrip())
    named = {p["name"] for p in d["parties"]}
    for key, value in d["fields"].items():
        if isinstance(value, list | dict) or value in named or key == "currency":
            continue
        spec = specs.get(key)
        label = spec.label if spec else key
        if spec and spec.value.value == "money":
            label = label.replace("(元)", "")
            value = f"{value} {unit}"
        elif spec and spec.value.value == "datetime":
            value = _when(value)
        lines.append(f"  {label}：{value}")
    if d["unread"]:
        lines.append(f"  未能读取：{'、'.join(list(d['unread'])[:12])}")
    for problem in d["problems"]:
        lines.append(f"  注意：{problem}")
    return "\n".join(lines)
