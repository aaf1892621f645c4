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


def _summary(d: dict) -> str:
    lines = [f"{d['title']}", f"  {d['kind']} · {d['notice_type']} · {d['published_at'] or '(no time printed)'} · "
             f"{d['region_name'] or ''} {d['region_code'] or ''}".rstrip()]
    for key in ("project_no", "project_name"):
        if d.get(key):
            lines.append(f"  {key}: {d[key]}")
    for p in d["parties"]:
        extra = " ".join(x for x in (p.get("lot") or "", p.get("uscc") or "",
                                     f"{p['amount']} {d['currency']}" if p.get("amount") else "",
                                     f"rank {p['rank']}" if p.get("rank") else "") if x)
        lines.append(f"  {p['role']}: {p['name']} {extra}".rstrip())
    named = {p["name"] for p in d["parties"]}
    for key, value in d["fields"].items():
        if not isinstance(value, list | dict) and value not in named:
            lines.append(f"  {key}: {value}")
    if d["unread"]:
        lines.append(f"  not read: {', '.join(list(d['unread'])[:12])}")
    return "\n".join(lines)
