"""The real corpus as the test of record: how many facts a person reads come out of our parsers.

``python -m collectors.corpus [DIR …] [-v]`` runs ``gongkai parse`` (the same code) on every
file in ``../shared/data/real/pages`` that has an ``<file>.expected.json`` answer key, compares
every fact of the key (title, publication time, project number and name, region, buyer/tenderer/
grantor, agent, method, budget, deadline, winners and candidates with their USCC, amount, rank
and lot, land area, e-supervision number, failure reason, correction) with the first notice of
the file, normalized on both sides (exact yuan, m², +08:00, GB/T 2260 codes), and prints each
file's score, every fact not extracted with the reason, and the total.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from collectors.parse import notice_json, parse_file
from models.codelists import METHOD_ALIASES
from models.normalize import lookup_region, parse_amount, parse_area, parse_date, parse_datetime
from models.normalize.text import match_key

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "pages"
# Keys of an answer key that are not facts of the notice (provenance, annotations).
_NOT_FACTS = {"source", "sha256", "family", "site", "other_key_facts", "unit"}
_PARTY_ROLES = {
    "buyer_or_grantor_or_transferor": ("buyer", "grantor", "transferor", "tenderer"),
    "buyer_or_tenderer": ("buyer", "tenderer", "grantor", "transferor"),
    "agent": ("agent",),
}
_MONEY_FIELDS = ("budget", "starting_price", "estimate", "control_price", "listing_price", "appraised_value",
                 "ceiling_price", "reserve_price")
_TIME_FIELDS = ("bid_deadline", "open_time", "deadline")


@dataclass
class Score:
    file: str
    found: int = 0
    total: int = 0
    missing: list[str] = field(default_factory=list)

    def check(self, name: str, ok: bool, expected: Any, got: Any = None) -> None:
        self.total += 1
        if ok:
            self.found += 1
        else:
            self.missing.append(f"{name}: expected {str(expected)[:90]!r}, got {str(got)[:90]!r}")


def _key(text: Any) -> str:
    return match_key(re.sub(r"\s+", "", str(text or ""))).strip("|")


def _same_text(a: Any, b: Any) -> bool:
    return bool(a) and bool(b) and _key(a) == _key(b)


def _same_prose(expected: str, got: str) -> bool:
    """Free text as a person would summarise it: ≥ 80 % of the expected characters appear, in
    order, in what was extracted (an ellipsis in the answer key ends the quote)."""
    exp, ours = _key(str(expected).rstrip("…. ")), _key(got)
    if not exp or not ours:
        return False
    blocks = SequenceMatcher(None, exp, ours, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) >= 0.8 * len(exp)


def _amounts(text: str) -> set[Decimal]:
    """An answer key's amount as yuan: with its own unit, or (printed without one) in 元 or 万元."""
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", "", str(text).strip().lstrip("|"))  # 13 900 000
    out: set[Decimal] = set()
    for unit in (None, "元", "万元"):
        parsed = parse_amount(text, unit)
        if parsed.value is not None:
            out.add(parsed.value)
    return out


def _areas(text: str) -> set[Decimal]:
    out: set[Decimal] = set()
    for unit in (None, "平方米", "公顷"):
        parsed = parse_area(str(text).strip(), unit)
        if parsed.value is not None:
            out.add(parsed.value.quantize(Decimal("0.01")))
    return out


def _when(text: str) -> tuple[str, datetime | None]:
    """('date', d) or ('datetime', dt) of an answer key's time as printed."""
    text = str(text).strip().lstrip("|")
    parsed = parse_datetime(text)
    has_time = bool(re.search(r"\d{1,2}\s*[:：时点]\s*\d{2}", text))
    if parsed.value is not None and has_time:
        return "datetime", parsed.value
    day = parse_date(text)
    if day.value is not None:
        return "date", datetime(day.value.year, day.value.month, day.value.day)
    return "none", None


def _time_matches(expected: str, got: str | None) -> bool:
    if not got:
        return False
    kind, value = _when(expected)
    if value is None:
        return False
    ours = datetime.fromisoformat(got)
    if kind == "date":
        return ours.date() == value.date()
    return ours.replace(second=0, tzinfo=None) == value.replace(second=0, tzinfo=None)


def _region_matches(expected: str, notice: dict) -> bool:
    codes = re.findall(r"(?<!\d)(\d{6})(?!\d)", expected)
    got = notice.get("region_code")
    if not got:
        return False
    if codes:
        for code in codes:
            parsed = lookup_region(code)
            canonical = parsed.value.code if parsed.value is not None else code
            if got in (code, canonical):
                return True
        return False
    # no code: the name as printed, or the official division in parentheses (深汕特别合作区 (深圳市))
    names = [n for n in re.split(r"[\s()（）]+", expected.strip()) if len(n) >= 2]
    return any(n in (notice.get("region_name") or "") for n in names)


def _method_matches(expected: str, fields: dict) -> bool:
    value = str(expected).strip().lstrip("|")
    wanted = {value, METHOD_ALIASES.get(value, value)}
    got = {fields.get(k) for k in ("method", "supply_method")}
    return bool(wanted & got)


def _party(notice: dict, roles: tuple[str, ...], name: str) -> bool:
    return any(p["role"] in roles and _same_text(p["name"], name) for p in notice["parties"])


def _awards(notice: dict, key: str) -> list[dict]:
    lots_key = "lots" if "lots" in notice else "sections" if "sections" in notice else None
    out: list[dict] = []
    for lot in notice.get(lots_key or "", []) or []:
        for award in lot.get(key, []):
            out.append({**award, "lot": lot.get("name")})
    if key == "winners":  # land, mining, state assets: the holder / transferee with the price
        fields = notice["fields"]
        for name_field, amount_fields in (("holder", ("price",)), ("transferee", ("deal_price",)),
                                          ("buyer_party", ("deal_price",))):
            if name_field in fields or any(f in fields for f in amount_fields):
                out.append({"name": fields.get(name_field), "uscc": fields.get(f"{name_field}_uscc"),
                            "amount": next((fields[f] for f in amount_fields if f in fields), None),
                            "rank": None, "lot": None})
    return out


def _check_awards(score: Score, key: str, expected: list[dict], notice: dict) -> None:
    ours = _awards(notice, key)
    for i, exp in enumerate(expected):
        match = None
        if exp.get("name"):
            match = next((a for a in ours if _same_text(a.get("name"), exp["name"])), None)
        elif i < len(ours):
            match = ours[i]
        where = f"{key}[{i}]"
        for fact, value in exp.items():
            if fact in _NOT_FACTS or value in (None, ""):
                continue
            got = match.get({"package": "lot", "project_manager": "project_manager"}.get(fact, fact)) if match else None
            if fact == "name":
                score.check(f"{where}.name", match is not None, value, [a.get("name") for a in ours][:5])
            elif fact == "amount" and not _amounts(value):  # a bid printed as a rate or a text
                got = match.get("offer") if match else None
                score.check(f"{where}.amount", bool(got) and _same_prose(value, got or ""), value, got)
            elif fact == "amount":
                ok = got is not None and Decimal(str(got)) in _amounts(value)
                score.check(f"{where}.amount", ok, value, got)
            elif fact == "project_manager":
                score.check(f"{where}.{fact}", _same_text(got, value), value, got)
            elif fact == "duration":
                got = match.get("duration_days") if match else None
                score.check(f"{where}.{fact}", got is not None and str(got) == re.sub(r"\D", "", str(value)), value, got)
            elif fact == "uscc":
                score.check(f"{where}.uscc", _same_text(got, value), value, got)
            elif fact == "rank":
                score.check(f"{where}.rank", got == value, value, got)
            elif fact == "package":
                ok = bool(got) and (_key(value) in _key(got) or _key(got) in _key(value))
                score.check(f"{where}.lot", ok, value, got)
            else:
                score.check(f"{where}.{fact}", False, value, "(no such field in the models)")


def score_file(path: Path) -> Score:
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    score = Score(path.name)
    results = [notice_json(p) for p in parse_file(path)]
    notice = next((r for r in results if "error" not in r), None)
    if notice is None:
        reason = results[0].get("error") if results else "nothing parsed"
        for fact, value in expected.items():
            if fact not in _NOT_FACTS and value not in (None, "", []):
                score.check(fact, False, value, f"refused: {reason}")
        return score
    fields = notice["fields"]
    for fact, value in expected.items():
        if fact in _NOT_FACTS or value in (None, "", []):
            continue
        if fact == "title":
            score.check(fact, _same_text(notice["title"], value), value, notice["title"])
        elif fact == "notice_type":
            score.check(fact, notice["notice_type"] == value, value, notice["notice_type"])
        elif fact == "area":
            score.check(fact, notice["kind"] == value, value, notice["kind"])
        elif fact == "published_at":
            score.check(fact, _time_matches(value, notice["published_at"]), value, notice["published_at"])
        elif fact == "project_no":
            got = [notice["project_no"], fields.get("parcel_no"), fields.get("e_supervision_no"), notice.get("notice_no")]
            score.check(fact, any(_same_text(g, str(value).lstrip("|")) for g in got), value, got)
        elif fact == "project_name":
            score.check(fact, _same_text(notice["project_name"], value), value, notice["project_name"])
        elif fact == "region":
            score.check(fact, _region_matches(value, notice), value, (notice["region_code"], notice["region_name"]))
        elif fact in _PARTY_ROLES:
            score.check(fact, _party(notice, _PARTY_ROLES[fact], value), value,
                        [(p["role"], p["name"]) for p in notice["parties"]][:6])
        elif fact == "method":
            score.check(fact, _method_matches(value, fields), value, fields.get("method") or fields.get("supply_method"))
        elif fact.startswith("budget_or"):
            got = [fields.get(k) for k in _MONEY_FIELDS if fields.get(k)]
            score.check(fact, any(Decimal(str(g)) in _amounts(value) for g in got), value, got)
        elif fact == "deadline_or_open_time":
            got = [fields.get(k) for k in _TIME_FIELDS if fields.get(k)]
            score.check(fact, any(_time_matches(value, g) for g in got), value, got)
        elif fact == "area_of_land_or_mine":
            got = fields.get("area_m2")
            score.check(fact, got is not None and Decimal(str(got)) in _areas(value), value, got)
        elif fact == "e_supervision_no":
            score.check(fact, _same_text(fields.get("e_supervision_no"), value), value, fields.get("e_supervision_no"))
        elif fact in ("failure_reason", "correction"):
            prose = fields.get(fact) or ""
            score.check(fact, _same_prose(value, prose), value, prose[:80])
        elif fact in ("winners", "candidates") and isinstance(value, list):
            _check_awards(score, fact, value, notice)
        else:
            score.check(fact, False, value, "(not compared: unknown fact)")
    return score


def corpus_files(dirs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        files += sorted(p for p in d.iterdir() if p.is_file() and Path(f"{p}.expected.json").exists())
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="*", type=Path, default=[DEFAULT_DIR])
    ap.add_argument("-v", "--verbose", action="store_true", help="list every fact not extracted")
    args = ap.parse_args(argv)
    missing_dirs = [d for d in args.dirs if not d.is_dir()]
    if missing_dirs:
        print(f"no such directory: {', '.join(map(str, missing_dirs))}", file=sys.stderr)
        return 2
    found = total = 0
    for path in corpus_files(args.dirs):
        score = score_file(path)
        found += score.found
        total += score.total
        print(f"{score.found:3d}/{score.total:<3d} {score.file}")
        if args.verbose:
            for line in score.missing:
                print(f"        not extracted: {line}")
    pct = 100 * found / total if total else 0.0
    print(f"facts recovered: {found}/{total} ({pct:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
