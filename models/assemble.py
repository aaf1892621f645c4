"""From published text to a validated :class:`~models.notice.Notice`.

Importers and spiders both hand over what they read as ``{field name: cell}`` (a cell
is the published text, or a native value from XLSX/JSON) plus the unit a column header
declared. This module runs each cell through its normalizer, keeps the original text,
builds lots, resolves the region, derives the notice type when it is not given, and
validates the result. It never raises on bad input: it returns the problems, each
naming the field, the value and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

import orjson
from pydantic import ValidationError

from models.codelists import (
    NOTICE_TYPE_LABELS,
    NOTICE_TYPE_WORDS,
    Kind,
    NoticeType,
    canonical_choice,
    notice_type_from_title,
)
from models.fields import FieldSpec, ValueKind, specs_of
from models.kinds import AREA_MODELS, LOTS_FIELD, Award, LotColumns
from models.normalize import (
    Parsed,
    clean_line,
    clean_text,
    is_placeholder,
    lookup_region,
    normalize_uscc,
    parse_amount,
    parse_area,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_duration_days,
    parse_int,
    parse_percent,
    parse_term_years,
)
from models.normalize.amounts import MAX_YUAN
from models.normalize.base import Reason, short
from models.notice import CommonFields, Notice, Source

_SEPARATORS = re.compile(r"\s*[；;、\n]\s*")
_COMMON = frozenset(CommonFields.model_fields)
_LOT_COLUMNS = frozenset(LotColumns.model_fields)


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a value was refused: the field, the value as given, the reason."""

    field: str
    value: str
    reason: str


@dataclass(slots=True)
class Cell:
    """A value as read, and the unit its column header declared (``成交价格(万元)`` → 万元)."""

    value: Any
    unit: str | None = None


@dataclass(slots=True)
class Assembled:
    notice: Notice | None
    problems: list[Problem] = field(default_factory=list)


@cache
def specs_for(kind: Kind) -> dict[str, FieldSpec]:
    """Every field a row of this kind may carry: common, area-specific, and lot columns."""
    specs = dict(specs_of(CommonFields))
    specs.update(specs_of(AREA_MODELS[kind]))
    if LOTS_FIELD[kind]:
        specs.update(specs_of(LotColumns))
    return specs


def as_text(value: Any) -> str:
    """A native value as the text it stands for (floats through repr, never arithmetic)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# A unit with no number is no value: ggzy prints 合同期限 "年" for an empty term (§1.3).
_UNIT_ONLY = frozenset({"年", "月", "个月", "日", "天", "日历天", "元", "万元", "亿元", "%", "人民币", "元人民币"})


@lru_cache(maxsize=1 << 16)
def _text_of(raw: str) -> Parsed:
    text = clean_text(raw)
    if text in _UNIT_ONLY:
        return Parsed(None, None, ("unit_only",))
    return Parsed(text or None, None, () if text else ("empty",))


@lru_cache(maxsize=1 << 16)
def _line_of(raw: str) -> Parsed:
    text = clean_line(raw)
    if text in _UNIT_ONLY:
        return Parsed(None, None, ("unit_only",))
    return Parsed(text or None, None, () if text else ("empty",))


def _text(value: Any, _unit: str | None) -> Parsed:
    return _text_of(as_text(value))


def _line(value: Any, _unit: str | None) -> Parsed:
    return _line_of(as_text(value))


def _dated(parser: Callable[[Any], Parsed]) -> Callable[[Any, str | None], Parsed]:
    def parse(value: Any, _unit: str | None) -> Parsed:
        if isinstance(value, datetime | date):
            return parser(value)
        return parser(as_text(value))

    return parse


_PARSERS: dict[ValueKind, Callable[[Any, str | None], Parsed]] = {
    ValueKind.text: _text,
    ValueKind.identifier: _line,
    ValueKind.money: lambda v, u: parse_amount(as_text(v), u),
    ValueKind.area: lambda v, u: parse_area(as_text(v), u),
    ValueKind.date: _dated(parse_date),
    ValueKind.datetime: _dated(parse_datetime),
    ValueKind.integer: lambda v, _u: parse_int(as_text(v)),
    ValueKind.decimal: lambda v, _u: parse_decimal(as_text(v)),
    ValueKind.percent: lambda v, _u: parse_percent(as_text(v)),
    ValueKind.term_years: lambda v, _u: parse_term_years(as_text(v)),
    ValueKind.duration_days: lambda v, _u: parse_duration_days(as_text(v)),
    ValueKind.uscc: lambda v, _u: normalize_uscc(as_text(v)),
    ValueKind.choice: _line,
    ValueKind.names: _line,
    ValueKind.moneys: _line,
}


def not_a_value(value: Any, kind: ValueKind | None = None) -> str | None:
    """Why a cell is no value a person would read as one, or None.

    A JSON object or list where text or a number belongs (``{"$gt": ""}`` is not a title); a
    reader's unreadable cell (an XLSX formula without its result, a spreadsheet error); and in a
    typed field (anything but free text) a cell starting with ``=``: the file holds a formula
    (``=HYPERLINK("http://x/","100")``, ``=1+1``), not what a spreadsheet would show."""
    if isinstance(value, dict):
        return "a JSON object where a value belongs"
    if isinstance(value, list | tuple | set):
        return "a JSON list where a single value belongs"
    reason = getattr(value, "reason", None)  # collectors.importers.readers.BadCell
    if isinstance(reason, str) and not isinstance(value, str):
        return reason
    if kind is not None and kind is not ValueKind.text and isinstance(value, str) and value.lstrip().startswith("="):
        return Reason("a spreadsheet formula, not a value", "formula")
    return None


def _shown(value: Any) -> str:
    """A refused value as the report quotes it (JSON for objects and lists, never a Python repr)."""
    if isinstance(value, dict | list | tuple):
        try:
            return orjson.dumps(value, default=str).decode()[:200]
        except TypeError:
            return str(value)[:200]
    return as_text(value)[:200]


def _choice(spec: FieldSpec, text: str) -> tuple[str | None, str | None]:
    if spec.name == "notice_type":
        found = NOTICE_TYPE_WORDS.get(text) or NOTICE_TYPE_WORDS.get(text.lower())
        return (found.value, None) if found else (None, f"unknown notice type; use one of {', '.join(NoticeType)} or 公告/更正公告/结果公告 …")
    if text in spec.choices:
        return text, None
    choice = canonical_choice(text, spec.choices)  # 单一来源采购 → 单一来源; 挂牌 → 挂牌出让 where that is a choice
    if choice is not None:
        return choice, None
    return None, Reason(f"not one of {' / '.join(spec.choices)}", "choice_unknown", choices=" / ".join(spec.choices))


def _split(text: str | None) -> list[str]:
    return [part for part in _SEPARATORS.split(text or "") if part]


def _names(text: str | None) -> list[str]:
    """Party names of a list cell; a placeholder (无, —) names nobody."""
    return [part for part in _split(text) if not is_placeholder(part)]


def _lot(values: dict[str, Any], problems: list[Problem], unit_of: dict[str, str | None]) -> dict | None:
    """One lot or section from the flat lot columns (parallel lists split on ；)."""
    if not any(values.get(k) for k in _LOT_COLUMNS):
        return None
    winners = _names(values.get("winner"))
    usccs = _split(values.get("winner_uscc"))
    amounts = _split(values.get("award_amount"))
    candidates = _names(values.get("candidates"))
    prices = _split(values.get("candidate_prices"))
    for name, names, others in (("winner_uscc", winners, usccs), ("award_amount", winners, amounts),
                                ("candidate_prices", candidates, prices)):
        if others and len(others) != len(names):
            problems.append(Problem(name, values.get(name) or "", f"{len(others)} values for {len(names)} names"))
            return None

    def money(text: str, col: str) -> Decimal | None:
        parsed = parse_amount(text, unit_of.get(col))
        if parsed.error:
            problems.append(Problem(col, text, parsed.error))
        return parsed.value

    def uscc(text: str) -> str | None:
        parsed = normalize_uscc(text)
        if parsed.error:
            problems.append(Problem("winner_uscc", text, parsed.error))
        return parsed.value

    lot: dict[str, Any] = {"name": values.get("lot")}
    lot["winners"] = [
        {"name": n, "uscc": uscc(usccs[i]) if usccs else None, "amount": money(amounts[i], "award_amount") if amounts else None}
        for i, n in enumerate(winners)
    ]
    lot["candidates"] = [
        {"name": n, "rank": i + 1, "amount": money(prices[i], "candidate_prices") if prices else None}
        for i, n in enumerate(candidates)
    ]
    return lot


_AWARD_KEYS = frozenset({"name", "uscc", "amount", "rank", "offer", "project_manager", "duration_days"})
# award keys read as one value each (rank is checked by the model), and whether they are typed
_AWARD_VALUES = (("name", None), ("offer", None), ("project_manager", None), ("uscc", ValueKind.uscc),
                 ("amount", ValueKind.money), ("duration_days", ValueKind.duration_days))


def _nested_lots(lots: list[Any], problems: list[Problem]) -> list[dict]:
    """Lots given as JSON: every value goes through the same normalizers as a flat cell."""
    out: list[dict] = []
    for i, lot in enumerate(lots):
        where = f"lots.{i}"
        if not isinstance(lot, dict):
            problems.append(Problem(where, as_text(lot)[:200], "a lot must be an object"))
            continue
        unknown = set(lot) - {"name", "budget", "winners", "candidates"}
        if unknown:
            problems.append(Problem(where, ", ".join(sorted(unknown)), "unknown keys in a lot (name, budget, winners, candidates)"))
            continue
        bad = [(key, reason) for key, typed in (("name", None), ("budget", ValueKind.money))
               if (reason := not_a_value(lot.get(key), typed))]
        for key, reason in bad:
            problems.append(Problem(f"{where}.{key}", _shown(lot.get(key)), reason))
        if bad:
            continue
        budget = parse_amount(as_text(lot.get("budget")))
        if budget.error:
            problems.append(Problem(f"{where}.budget", as_text(lot.get("budget")), budget.error))
        lot_name = as_text(lot.get("name"))
        entry: dict[str, Any] = {"name": None if is_placeholder(lot_name) else _line_of(lot_name).value,
                                 "budget": budget.value}
        for key in ("winners", "candidates"):
            awards = lot.get(key) or []
            if not isinstance(awards, list):
                problems.append(Problem(f"{where}.{key}", as_text(awards)[:200], "expected a list"))
                continue
            entry[key] = []
            for j, award in enumerate(awards):
                at = f"{where}.{key}.{j}"
                if isinstance(award, dict) and isinstance(award.get("name"), str) and is_placeholder(award["name"]):
                    continue  # a 无/— row of a winners table: nobody, not an error
                if not isinstance(award, dict) or not award.get("name"):
                    problems.append(Problem(at, as_text(award)[:200], "an award needs at least a name"))
                    continue
                extra = set(award) - _AWARD_KEYS
                if extra:
                    problems.append(Problem(at, ", ".join(sorted(extra)),
                                            f"unknown keys in an award ({', '.join(sorted(_AWARD_KEYS))})"))
                    continue
                bad = [(key, reason) for key, typed in _AWARD_VALUES
                       if (reason := not_a_value(award.get(key), typed))]
                for key, reason in bad:
                    problems.append(Problem(f"{at}.{key}", _shown(award.get(key)), reason))
                if bad:
                    continue
                uscc = normalize_uscc(as_text(award.get("uscc")))
                amount = parse_amount(as_text(award.get("amount")))
                duration = parse_duration_days(as_text(award.get("duration_days")))
                for name, parsed in (("uscc", uscc), ("amount", amount), ("duration_days", duration)):
                    if parsed.error:
                        problems.append(Problem(f"{at}.{name}", as_text(award.get(name)), parsed.error))
                item = {"name": _line_of(as_text(award["name"])).value, "uscc": uscc.value,
                        "amount": amount.value, "rank": award.get("rank")}
                for name, value in (("offer", _text_of(as_text(award.get("offer"))).value),
                                    ("project_manager", _line_of(as_text(award.get("project_manager"))).value),
                                    ("duration_days", duration.value)):
                    if value is not None:
                        item[name] = value
                entry[key].append(item)
        out.append(entry)
    return out


_RANGE = re.compile(r"\s*(?:至|到|～|~|—|－|\s-\s)\s*")
# A period printed as one cell → the two date fields it fills (挂牌起止日期 → listing_start, listing_end).
_WINDOWS = {"listing_period": ("listing_start", "listing_end")}


def _window(values: dict[str, Any], flags: dict[str, list[str]]) -> None:
    """Fill the start and end dates of a period given as one cell, unless they were given."""
    for period, (start, end) in _WINDOWS.items():
        text = values.get(period)
        if not text or (start in values and end in values):
            continue
        parts = _RANGE.split(text)
        if len(parts) != 2:  # a start and an end
            continue
        first, last = parse_date(parts[0]), parse_date(parts[1])
        if first.value is None or last.value is None:
            continue
        values.setdefault(start, first.value)
        values.setdefault(end, last.value)
        flags.setdefault(start, []).append(f"from {period}")
        flags.setdefault(end, []).append(f"from {period}")


def _derive_type(fields: dict[str, Any], common: dict[str, Any], lots: list[dict]) -> tuple[NoticeType, str]:
    """The stage of a row that does not name it (source-formats.md §0.1 lifecycle)."""
    if common.get("corrects"):
        return NoticeType.correction, "names the notice it corrects"
    if fields.get("failure_reason"):
        return NoticeType.termination, "gives a failure reason"
    if fields.get("contract_amount") is not None or fields.get("contract_signed_at"):
        return NoticeType.contract, "gives a contract amount or date"
    if fields.get("supply_method") == "划拨" or fields.get("contract_date"):
        # 供地结果: an allocation (划拨) has no auction and often no holder or price printed; a land
        # contract date only appears once the land is supplied.
        return NoticeType.result, "a land supply result (划拨, or a contract date)"
    has_winner = any(fields.get(k) for k in ("holder", "transferee")) or any(lot.get("winners") for lot in lots)
    has_amount = any(fields.get(k) is not None for k in ("price", "deal_price")) or any(
        w.get("amount") is not None for lot in lots for w in lot.get("winners", []))
    if has_winner and has_amount:
        return NoticeType.result, "names a winner and an amount"
    if any(lot.get("candidates") for lot in lots):
        return NoticeType.candidates, "lists candidates"
    from_title = notice_type_from_title(common.get("title") or "")
    if from_title:
        return from_title, "from the title"
    return NoticeType.announcement, "default"


def assemble(
    kind: Kind,
    cells: Mapping[str, Cell],
    source: Source,
    *,
    publisher: str | None = None,
    lots: list[dict] | None = None,
    trust_notice_type: bool = True,
    body_text: str = "",
    attachments: list[dict] | None = None,
) -> Assembled:
    """Normalize ``cells`` (field name → Cell) into a Notice of ``kind``.

    ``lots`` are nested lots/sections given as JSON (``[{"name":…, "winners":[…]}]``).
    With ``trust_notice_type=False`` (collectors) a stage named by the title
    (终止/更正/候选人) overrides a stage code that disagrees. ``body_text`` and ``attachments``
    (``{"name", "url"}``) are the notice's text as read; they are kept outside the content hash."""
    kind = Kind(kind)
    specs = specs_for(kind)
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    raw: dict[str, str] = {}  # every cell as given (for problem reports)
    kept: dict[str, str] = {}  # what the notice keeps: originals that differ from their stored value
    flags: dict[str, list[str]] = {}
    for name, cell in cells.items():
        spec = specs.get(name)
        if spec is None:
            problems.append(Problem(name, _shown(cell.value), f"not a field of {kind.value} notices"))
            continue
        refused = not_a_value(cell.value, spec.value)
        if refused:
            problems.append(Problem(name, _shown(cell.value), refused))
            continue
        text = as_text(cell.value)
        raw[name] = text
        if isinstance(cell.value, str) and is_placeholder(text):
            # 无, -, /, —, 暂无, N/A, NULL, a lone NBSP …: no value (source-formats.md §9); the
            # printed placeholder is kept as the original text of the field.
            if text.strip():
                kept[name] = text
                flags[name] = ["placeholder"]
            continue
        # Only the unit the header declared counts (an English field name declares its canonical
        # unit through the header map): a bare area under a plain 面积 header stays an error.
        parsed = _PARSERS[spec.value](cell.value, cell.unit)
        if parsed.error:
            problems.append(Problem(name, text[:200], parsed.error))
            continue
        value = parsed.value
        if value is not None and spec.value is ValueKind.choice:
            value, error = _choice(spec, value)
            if error:
                problems.append(Problem(name, text[:200], error))
                continue
        if parsed.flags and parsed.flags != ("empty",):
            flags[name] = list(parsed.flags)
        if value is not None:
            values[name] = value
        if value != text:
            # the original is kept wherever the stored value differs from it (a value
            # identical to its text, such as most titles and bodies, is not stored twice)
            kept[name] = text

    _window(values, flags)
    unit_of = {name: cell.unit for name, cell in cells.items()}
    common = {k: values.pop(k) for k in list(values) if k in _COMMON}
    lot_values = {k: values.pop(k) for k in list(values) if k in _LOT_COLUMNS}
    all_lots = _nested_lots(lots, problems) if lots else []
    lots_field = LOTS_FIELD[kind]
    flat = _lot(lot_values, problems, unit_of) if lots_field else None
    if flat:
        all_lots.append(flat)
    if lots_field and all_lots:
        values[lots_field] = all_lots
        awarded = sum((w["amount"] for lot in all_lots for w in lot.get("winners", []) if w.get("amount") is not None),
                      Decimal(0))
        if awarded >= MAX_YUAN:  # each amount is bounded; their total is stored too (award_total_fen)
            problems.append(Problem(lots_field, short(str(awarded), 40),
                                    "the award amounts sum beyond the largest amount accepted (under 10^14 yuan)"))

    region = None
    if common.get("region_code") or common.get("region"):
        parsed = lookup_region(common.get("region_code"), common.get("region"))
        if parsed.error:
            col = "region_code" if common.get("region_code") else "region"
            problems.append(Problem(col, str(common.get(col)), parsed.error))
        elif parsed.value is not None:  # None: a placeholder (无, -, /) names no division
            r = parsed.value
            region = {"code": r.code, "name": common.get("region") or r.full_name, "province_code": r.province_code}
            if parsed.flags:
                flags["region"] = list(parsed.flags)

    derived, why = _derive_type(values, common, all_lots)
    notice_type = common.get("notice_type")
    if notice_type is None:
        notice_type = derived
        flags.setdefault("notice_type", []).append(f"derived: {why}")
    elif not trust_notice_type:
        from_title = notice_type_from_title(common.get("title") or "")
        if from_title and from_title != notice_type and from_title in (
                NoticeType.termination, NoticeType.correction, NoticeType.candidates, NoticeType.result):
            flags.setdefault("notice_type", []).append(f"stage code {notice_type} overridden by the title")
            notice_type = from_title
    if NoticeType(notice_type) is NoticeType.result and values.get("failure_reason") and not any(
            lot.get("winners") for lot in all_lots) and not any(values.get(k) for k in ("holder", "transferee")):
        # a 结果公告 whose only outcome is a failure (废标 filed under 中标公告): a termination
        flags.setdefault("notice_type", []).append("result with a failure reason and no winner: termination")
        notice_type = NoticeType.termination

    title = common.get("title")
    if not title:
        base = common.get("project_name") or common.get("project_no")
        if base:
            title = f"{base}{NOTICE_TYPE_LABELS[NoticeType(notice_type)][0]}"
            flags.setdefault("title", []).append("derived from the project name")
        else:
            problems.append(Problem("title", "", Reason("a notice needs a title (or a project name to derive it from)",
                                                        "title_missing")))
    if "published_at" not in common and not any(p.field == "published_at" for p in problems):
        problems.append(Problem("published_at", raw.get("published_at", ""),
                                Reason("a notice needs its publication time", "published_missing")))
    if problems:
        return Assembled(None, problems)

    data = {
        "kind": kind,
        "notice_type": notice_type,
        "title": title,
        "publisher": common.get("publisher") or publisher,
        "published_at": common["published_at"],
        "region": region,
        "project_no": common.get("project_no"),
        "project_name": common.get("project_name"),
        "notice_no": common.get("notice_no"),
        "corrects": common.get("corrects"),
        "original_url": common.get("source_url"),
        "body": common.get("body") or "",
        "fields": {"kind": kind.value, **values},
        "body_text": clean_text(body_text) if body_text else "",
        "attachments": attachments or [],
        "source": source,
        "raw": kept,
        "flags": flags,
    }
    try:
        return Assembled(Notice.model_validate(data))
    except ValidationError as exc:
        return Assembled(None, [_problem(err, raw) for err in exc.errors()])
    except ArithmeticError as exc:  # a number past decimal's limits that slipped by the normalizers' bounds
        return Assembled(None, [Problem("?", "", f"a number too large to hold exactly ({type(exc).__name__})")])


def _problem(err: Mapping[str, Any], raw: dict[str, str]) -> Problem:
    loc = [str(p) for p in err.get("loc", ()) if not isinstance(p, int)]
    # fields.<area>.<name> → name; lots.<i>.winners.<j>.uscc → lots.winners.uscc
    parts = [p for p in loc if p not in ("fields", "land", "mining", "procurement", "state_asset", "tender")]
    name = parts[0] if parts else "?"
    if name in ("original_url",):
        name = "source_url"
    value = raw.get(name, "")
    return Problem(".".join(parts) or "?", value[:200], str(err.get("msg", "invalid")))


__all__ = ["Assembled", "Award", "Cell", "Problem", "assemble", "as_text", "specs_for"]
