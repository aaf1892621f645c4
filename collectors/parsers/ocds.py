"""Open Contracting Data Standard packages (release packages, record packages, bare records
and releases) → procurement notices (ocds-and-red-flags.md; real samples in
``../shared/data/real/ocds``).

One notice per release: a record contributes its embedded releases (linked releases are only
URLs), or its ``compiledRelease`` when it embeds none. The notice type comes from the
release ``tag`` (a string in non-conformant files); ``compiled`` is derived from content.
Amounts are stored only in yuan (currency CNY); any other currency is kept in the body text
with its currency, never converted. The procurement method is kept only when it is one of
our codelist's values. Region only for Chinese addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from collectors.parsers import ParseError
from models.assemble import Cell
from models.codelists import METHOD_ALIASES, PROCUREMENT_METHODS

TAG_TYPES = {
    "planning": "其他", "planningUpdate": "其他", "tender": "采购公告", "tenderUpdate": "更正公告",
    "tenderAmendment": "更正公告", "tenderCancellation": "终止公告", "award": "中标公告", "awardUpdate": "中标公告",
    "awardCancellation": "终止公告", "contract": "采购合同", "contractUpdate": "采购合同",
    "contractAmendment": "更正公告", "implementation": "采购合同", "implementationUpdate": "采购合同",
    "contractTermination": "终止公告", "awardNotice": "中标公告",
}
_CHINA = {"中国", "china", "cn", "chn", "中华人民共和国"}


@dataclass
class OcdsNotice:
    cells: dict[str, Cell]
    lots: list[dict] | None
    location: str  # where in the package (records[0].releases[2])


def package_kind(data: Any) -> str:
    """'release_package', 'record_package', 'record' or 'release'."""
    if not isinstance(data, dict):
        raise ParseError("an OCDS file must be a JSON object")
    if isinstance(data.get("records"), list):
        return "record_package"
    if "compiledRelease" in data or ("releases" in data and "ocid" in data and "tag" not in data):
        return "record"
    if isinstance(data.get("releases"), list):
        return "release_package"
    if "ocid" in data:
        return "release"
    raise ParseError("not an OCDS package, record or release (no records, releases or ocid)")


def releases(data: Any) -> list[tuple[str, dict]]:
    """(location, release) for every release the file carries."""
    kind = package_kind(data)
    if kind == "release":
        return [("release", data)]
    if kind == "release_package":
        return [(f"releases[{i}]", r) for i, r in enumerate(data["releases"]) if isinstance(r, dict)]
    records = data["records"] if kind == "record_package" else [data]
    out: list[tuple[str, dict]] = []
    for i, record in enumerate(records):
        where = f"records[{i}]" if kind == "record_package" else "record"
        if not isinstance(record, dict):
            raise ParseError(f"{where} is not an object")
        # embedded releases of a record may leave the ocid to the record
        embedded = [(f"{where}.releases[{j}]", {"ocid": record.get("ocid"), **r})
                    for j, r in enumerate(record.get("releases") or []) if isinstance(r, dict) and "tag" in r and "date" in r]
        if embedded:
            out.extend(embedded)
        elif isinstance(record.get("compiledRelease"), dict):
            out.append((f"{where}.compiledRelease", record["compiledRelease"]))
    return out


def _first(*values: Any) -> Any:
    return next((v for v in values if v not in (None, "", [], {})), None)


def _as_list(value: Any) -> list:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return [value] if isinstance(value, dict) else []


def _amount(value: Any, notes: list[str], where: str) -> str | None:
    if not isinstance(value, dict) or value.get("amount") in (None, ""):
        return None
    currency = (value.get("currency") or "").upper()
    if currency == "CNY":
        return f"{value['amount']}元"
    notes.append(f"{where}: {value['amount']} {currency or '(no currency)'}")
    return None


def _type(release: dict) -> str:
    tags = release.get("tag")
    tags = [tags] if isinstance(tags, str) else [t for t in (tags or []) if isinstance(t, str)]
    for tag in reversed(tags):
        if tag in TAG_TYPES:
            return TAG_TYPES[tag]
    if release.get("contracts"):
        return "采购合同"
    if release.get("awards"):
        return "中标公告"
    return "采购公告"


def to_notice(release: dict, location: str) -> OcdsNotice:
    """The cells of one release."""
    if not release.get("ocid"):
        raise ParseError(f"{location}: a release without ocid")
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    awards = _as_list(release.get("awards"))
    contracts = _as_list(release.get("contracts"))
    buyer = release.get("buyer") if isinstance(release.get("buyer"), dict) else {}
    notes: list[str] = []
    title = _first(tender.get("title"), *(a.get("title") for a in awards), *(c.get("title") for c in contracts),
                   release.get("name"), release["ocid"])
    cells: dict[str, Cell] = {
        "title": Cell(title),
        "notice_type": Cell(_type(release)),
        "project_no": Cell(release["ocid"]),
    }
    if release.get("date"):
        cells["published_at"] = Cell(release["date"])
    if release.get("id"):
        cells["notice_no"] = Cell(f"{release['ocid']}/{release['id']}")
    buyer_name = _first(buyer.get("name"), (buyer.get("identifier") or {}).get("legalName"))
    if buyer_name:
        cells["buyer"] = Cell(buyer_name)
    for party in _as_list(release.get("parties")):
        address = party.get("address") if isinstance(party.get("address"), dict) else {}
        chinese = str(address.get("countryName", "")).lower() in _CHINA
        if "buyer" in (party.get("roles") or []) and chinese and address.get("region"):
            cells["region"] = Cell(address["region"])
    method = tender.get("procurementMethodDetails")
    if isinstance(method, str) and (method in PROCUREMENT_METHODS or METHOD_ALIASES.get(method) in PROCUREMENT_METHODS):
        cells["method"] = Cell(method)
    budget = _amount(tender.get("value"), notes, "tender.value")
    if budget:
        cells["budget"] = Cell(budget)
    lots = []
    for i, award in enumerate(awards):
        amount = _amount(award.get("value"), notes, f"awards[{i}].value")
        suppliers = _as_list(award.get("suppliers")) or [
            s for item in _as_list(award.get("items")) for s in _as_list(item.get("suppliers"))]
        winners = []
        for s in suppliers:
            name = _first(s.get("name"), (s.get("identifier") or {}).get("legalName"))
            if name:
                winners.append({"name": name, "amount": amount if len(suppliers) == 1 else None})
        if winners:
            lots.append({"name": award.get("title") if len(awards) > 1 else None, "winners": winners})
    if contracts:
        amount = _amount(contracts[-1].get("value"), notes, "contracts.value")
        if amount:
            cells["contract_amount"] = Cell(amount)
        if contracts[-1].get("dateSigned"):
            cells["contract_signed_at"] = Cell(contracts[-1]["dateSigned"])
    if notes:
        cells["body"] = Cell("Amounts in other currencies (not stored as yuan): " + "; ".join(notes))
    return OcdsNotice(cells, lots or None, location)
