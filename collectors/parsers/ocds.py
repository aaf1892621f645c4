"""Open Contracting Data Standard packages (release packages, record packages, bare records
and releases) → procurement notices (ocds-and-red-flags.md; real samples in
``../shared/data/real/ocds``).

One notice per release: a record contributes its embedded releases, or its
``compiledRelease`` when it only links to them (a linked release is ``{url, date, tag}``).

- **Currency**: amounts are kept exactly in the currency they are published in, never
  converted; a notice whose amounts are not in yuan says so in ``currency`` (ISO 4217; empty
  means CNY). An amount in a second currency, without a currency, negative or finer than a
  hundredth is not stored: it is listed in the body and in :attr:`Extracted.unknown`.
- **Notice type** from the content first, the ``tag`` second: a cancelled or unsuccessful
  tender (or a cancellation tag) is a termination; signed contracts (status active or
  terminated, or a ``dateSigned``) make a contract notice; an amendment tag a correction;
  awards with suppliers a result (pending awards: candidates); planning or tender an
  announcement. A tag the content contradicts is noted in the body.
- **Awards and contracts**: every award is a lot with its winners (USCC when the supplier's
  identifier is a Chinese unified social credit code) and amount; a multi-supplier award
  takes each winner's amount from the signed contract that names it. The contract amount is
  the sum of the signed contracts' values. Bid count from ``tender.numberOfTenderers`` (or
  ``numberOfBids``), else ``bids.statistics`` (measure ``bids``), else ``bids.details``.
- **Parties**: buyer; ``procuringEntity`` (when it is not the buyer) as the agent (the
  采购代理机构 manages the procurement for the buyer, as OCDS's procuring entity does);
  tenderers (OCDS bidders) as unranked candidates with their bid value when ``bids.details``
  gives one (Gongkai's ``tenderer`` role is the 招标人, not a bidder). Every party is listed
  in the body with its roles and identifiers (scheme + id), so none is lost.
- Region only for Chinese addresses; procurement method only when it is one of our codelist's.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from collectors.parsers import Extracted, ParseError, Refused
from models.assemble import Cell
from models.codelists import METHOD_ALIASES, PROCUREMENT_METHODS, Kind
from models.normalize import normalize_uscc

OcdsNotice = Extracted  # the former name of what to_notice returns

# Stage by tag, used when the content does not decide (the tag is the publisher's word only).
TAG_TYPES = {
    "planning": "announcement", "planningUpdate": "announcement", "tender": "announcement",
    "tenderUpdate": "correction", "tenderAmendment": "correction", "tenderCancellation": "termination",
    "award": "result", "awardUpdate": "result", "awardNotice": "result", "awardCancellation": "termination",
    "contract": "contract", "contractUpdate": "contract", "contractAmendment": "correction",
    "implementation": "contract", "implementationUpdate": "contract", "contractTermination": "termination",
}
_CANCEL_TAGS = frozenset({"tenderCancellation", "awardCancellation"})
_AMEND_TAGS = frozenset({"tenderUpdate", "tenderAmendment", "contractAmendment"})
_SIGNED = frozenset({"active", "terminated"})
_DEAD = frozenset({"cancelled", "unsuccessful"})
_CHINA = {"中国", "china", "cn", "chn", "中华人民共和国", "people's republic of china"}
# org-id.guide schemes (and common spellings) whose ids are unified social credit codes.
USCC_SCHEMES = frozenset({"CN-USCC", "CN-SAIC", "CN-UNISCID", "USCC", "统一社会信用代码"})
_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
_CENT = Decimal("0.01")
_LINK_KEYS = frozenset({"url", "date", "tag"})


def load(data: bytes) -> Any:
    """Decode an OCDS file (numbers as exact Decimal); ParseError with the reason otherwise."""
    if not data.strip():
        raise ParseError(f"empty file ({len(data)} bytes): no OCDS package, record or release in it")
    try:
        return json.loads(data, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ParseError(f"not JSON ({exc})") from exc


def package_kind(data: Any) -> str:
    """'release_package', 'record_package', 'record' or 'release'."""
    if not isinstance(data, dict):
        raise ParseError(f"an OCDS file must be a JSON object, not a {type(data).__name__}")
    if isinstance(data.get("records"), list):
        return "record_package"
    if "compiledRelease" in data or ("releases" in data and "ocid" in data and "tag" not in data):
        return "record"
    if isinstance(data.get("releases"), list):
        return "release_package"
    if "ocid" in data:
        return "release"
    keys = ", ".join(sorted(str(k) for k in data)[:8]) or "none"
    raise ParseError(f"not an OCDS package, record or release (no records, releases or ocid; keys: {keys})")


def _linked(release: dict) -> bool:
    """A record's linked release: only where it is published, not its content."""
    return set(release) <= _LINK_KEYS


def releases(data: Any) -> list[tuple[str, dict]]:
    """(location, release) for every release the file carries; ParseError if it carries none."""
    kind = package_kind(data)
    if kind == "release":
        return [("release", data)]
    if kind == "release_package":
        found = [(f"releases[{i}]", r) for i, r in enumerate(data["releases"]) if isinstance(r, dict)]
        if not found:
            raise ParseError("a release package without releases")
        return found
    records = data["records"] if kind == "record_package" else [data]
    if not records:
        raise ParseError("a record package without records")
    out: list[tuple[str, dict]] = []
    for i, record in enumerate(records):
        where = f"records[{i}]" if kind == "record_package" else "record"
        if not isinstance(record, dict):
            raise ParseError(f"{where} is not an object")
        # embedded releases of a record may leave the ocid to the record
        embedded = [(f"{where}.releases[{j}]", {"ocid": record.get("ocid"), **r})
                    for j, r in enumerate(record.get("releases") or []) if isinstance(r, dict) and not _linked(r)]
        if embedded:
            out.extend(embedded)
        elif isinstance(record.get("compiledRelease"), dict):
            out.append((f"{where}.compiledRelease", {"ocid": record.get("ocid"), **record["compiledRelease"]}))
        else:
            raise ParseError(f"{where} embeds no release and no compiledRelease (linked releases only)")
    return out


def _obj(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[dict]:
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return [value] if isinstance(value, dict) else []


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    return None


def _text(obj: dict, key: str) -> str | None:
    """``key``, or its language variants (``title_en``, ``name_fr`` …) when it is empty."""
    value = _str(obj.get(key))
    if value:
        return value
    return next((v for k in sorted(obj) if k.startswith(f"{key}_") and (v := _str(obj[k]))), None)


def _first(*values: Any) -> Any:
    return next((v for v in values if v not in (None, "", [], {})), None)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, Decimal) and value == value.to_integral_value() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class _Reader:
    """The cells of one release, and the notes on what could not be stored."""

    def __init__(self, release: dict, location: str) -> None:
        self.r = release
        self.location = location
        self.notes: dict[str, str] = {}
        self.currency: str | None = None  # of the first stored amount
        self.parties = {str(p["id"]): p for p in _as_list(release.get("parties")) if p.get("id") is not None}
        # every organization met (parties and inline references): name → (roles, identifiers)
        self.orgs: dict[str, tuple[list[str], list[str]]] = {}
        for party in self.parties.values():
            self.met(party, *(str(x) for x in party.get("roles") or []))

    # -- money ------------------------------------------------------------------------------------------
    def amount(self, value: Any, where: str) -> Decimal | None:
        """An OCDS Value's amount, if it can be stored exactly in the notice's one currency."""
        value = _obj(value)
        raw = value.get("amount")
        if raw in (None, "") or isinstance(raw, bool):
            return None
        currency = (_str(value.get("currency")) or "").upper()
        shown = f"{raw} {currency or '(no currency)'}"
        if isinstance(raw, str) and not _NUMBER.match(raw):
            self.notes[where] = f"{shown}: not a number"
            return None
        try:
            amount = Decimal(str(raw).strip())
        except InvalidOperation:
            self.notes[where] = f"{shown}: not a number"
            return None
        if not currency:
            self.notes[where] = f"{shown}: an amount without a currency is not assumed to be yuan"
            return None
        if not re.fullmatch(r"[A-Z]{3}", currency):
            self.notes[where] = f"{shown}: not an ISO 4217 currency code"
            return None
        if amount < 0 or amount != amount.quantize(_CENT):
            self.notes[where] = f"{shown}: negative or finer than a hundredth, not stored"
            return None
        if self.currency is None:
            self.currency = currency
        elif currency != self.currency:
            self.notes[where] = f"{shown}: a second currency (the notice's amounts are in {self.currency})"
            return None
        return amount.quantize(_CENT)

    def cell(self, amount: Decimal) -> Cell:
        # yuan as printed (元); another currency's main unit scales nothing: the number as given
        return Cell(f"{amount}元") if self.currency == "CNY" else Cell(str(amount), "元")

    # -- parties ----------------------------------------------------------------------------------------
    def org(self, ref: Any) -> dict:
        """An organization reference merged with its entry in ``parties``."""
        ref = _obj(ref)
        party = self.parties.get(str(ref.get("id"))) if ref.get("id") is not None else None
        return {**(party or {}), **{k: v for k, v in ref.items() if v not in (None, "", [], {})}}

    def met(self, org: dict, *roles: str) -> None:
        """Remember an organization for the body's party list (roles and scheme + id)."""
        name = self.name(org) or f"(no name, id {_str(org.get('id')) or '-'})"
        known_roles, ids = self.orgs.setdefault(name, ([], []))
        known_roles.extend(r for r in roles if r not in known_roles)
        ids.extend(x for scheme, i in self.identifiers(org) if (x := f"{scheme} {i}".strip()) not in ids)
        if not ids and _str(org.get("id")) and self.name(org):
            ids.append(f"id {_str(org.get('id'))}")

    @staticmethod
    def name(org: dict) -> str | None:
        return _first(_text(org, "name"), _text(_obj(org.get("identifier")), "legalName"))

    @staticmethod
    def identifiers(org: dict) -> list[tuple[str, str]]:
        ids = [_obj(org.get("identifier")), *_as_list(org.get("additionalIdentifiers"))]
        return [(_str(i.get("scheme")) or "", s) for i in ids if (s := _str(i.get("id")))]

    def uscc(self, org: dict) -> str | None:
        """The unified social credit code among an organization's identifiers (or its id)."""
        candidates = [i for scheme, i in self.identifiers(org) if scheme.upper() in USCC_SCHEMES or scheme.startswith("CN")]
        candidates.append(_str(org.get("id")) or "")
        for text in candidates:
            if len(text.strip()) == 18 and (parsed := normalize_uscc(text)).value and not parsed.error:
                return parsed.value
        return None


def _stage(r: dict, awards: list[dict], signed: list[dict], tags: list[str]) -> tuple[str, str | None]:
    """(notice type, note when the tag says otherwise)."""
    tender = _obj(r.get("tender"))
    status = (_str(tender.get("status")) or "").lower()
    live_awards = [a for a in awards if (_str(a.get("status")) or "").lower() not in _DEAD]
    suppliers = [a for a in live_awards if _suppliers(a)]
    ended = (awards and not live_awards) or "contractTermination" in tags  # every award dead, or a termination tag
    if status in _DEAD or _CANCEL_TAGS & set(tags) or (ended and not signed):
        stage = "termination"
    elif _AMEND_TAGS & set(tags[-1:]):
        stage = "correction"
    elif signed:
        stage = "contract"
    elif suppliers:
        pending = all((_str(a.get("status")) or "").lower() == "pending" for a in suppliers)
        stage = "candidates" if pending else "result"
    elif r.get("tender") or r.get("planning"):
        stage = "announcement"
    else:
        stage = next((TAG_TYPES[t] for t in reversed(tags) if t in TAG_TYPES), "other")
    said = next((TAG_TYPES[t] for t in reversed(tags) if t in TAG_TYPES), None)
    note = None
    if said and said != stage:
        note = f"tag {'/'.join(tags)} says {said}; the content makes it {stage}"
    return stage, note


def _suppliers(award: dict) -> list[dict]:
    # Taiwan's conversion puts the suppliers under awards.items[]
    return _as_list(award.get("suppliers")) or [s for item in _as_list(award.get("items"))
                                                for s in _as_list(item.get("suppliers"))]


def to_notice(release: dict, location: str) -> Extracted:
    """The cells and lots of one release (ParseError when it has no ocid)."""
    if not isinstance(release, dict):
        raise ParseError(f"{location} is not an object")
    if not _str(release.get("ocid")):
        raise ParseError(f"{location}: a release without ocid")
    rd = _Reader(release, location)
    r = release
    ocid = _str(r["ocid"])
    tender = _obj(r.get("tender"))
    awards = _as_list(r.get("awards"))
    contracts = _as_list(r.get("contracts"))
    tags_raw = r.get("tag")
    tags = [tags_raw] if isinstance(tags_raw, str) else [t for t in (tags_raw or []) if isinstance(t, str)]
    signed = [c for c in contracts
              if (_str(c.get("status")) or "").lower() in _SIGNED or _str(c.get("dateSigned"))]
    stage, stage_note = _stage(r, awards, signed, tags)
    body: list[str] = []
    if stage_note:
        body.append(stage_note)
        rd.notes["tag"] = stage_note

    title = _first(_text(tender, "title"), *(_text(a, "title") for a in awards),
                   *(_text(c, "title") for c in contracts), _text(r, "name"), ocid)
    cells: dict[str, Cell] = {"title": Cell(title), "notice_type": Cell(stage), "project_no": Cell(ocid)}
    if _str(r.get("date")):
        cells["published_at"] = Cell(_str(r["date"]))
    if _str(r.get("id")):
        cells["notice_no"] = Cell(f"{ocid}/{_str(r['id'])}")

    # -- parties ------------------------------------------------------------------------------------------
    buyer = rd.org(r.get("buyer"))
    if not rd.name(buyer):
        buyer = next((rd.org(p) for p in rd.parties.values() if "buyer" in (p.get("roles") or [])), buyer)
    buyer_name = rd.name(buyer)
    rd.met(buyer, "buyer")
    if buyer_name:
        cells["buyer"] = Cell(buyer_name)
        if uscc := rd.uscc(buyer):
            cells["buyer_uscc"] = Cell(uscc)
    entity = rd.org(tender.get("procuringEntity"))
    if not rd.name(entity):
        entity = next((rd.org(p) for p in rd.parties.values() if "procuringEntity" in (p.get("roles") or [])), entity)
    if rd.name(entity):
        rd.met(entity, "procuringEntity")
    if rd.name(entity) and rd.name(entity) != buyer_name:
        cells["agent"] = Cell(rd.name(entity))
    for party in rd.parties.values():
        address = _obj(party.get("address"))
        chinese = str(address.get("countryName", "")).strip().lower() in _CHINA
        if "buyer" in (party.get("roles") or []) and chinese and _str(address.get("region")):
            cells["region"] = Cell(_str(address["region"]))

    method = _str(tender.get("procurementMethodDetails"))
    if method and (method in PROCUREMENT_METHODS or METHOD_ALIASES.get(method) in PROCUREMENT_METHODS):
        cells["method"] = Cell(method)
    status = _str(tender.get("status"))
    if status and status.lower() in _DEAD:
        reason = _first(_text(tender, "statusDetails"), f"tender {status}")
        cells["failure_reason"] = Cell(reason)

    # -- money and counts ---------------------------------------------------------------------------------
    budget = rd.amount(tender.get("value"), "tender.value")
    if budget is None and "value" not in tender:  # Taiwan's conversion: tender.budget.value
        budget = rd.amount(_obj(tender.get("budget")).get("value"), "tender.budget.value")
    if budget is None and not _obj(tender.get("value")).get("amount"):
        budget = rd.amount(_obj(_obj(r.get("planning")).get("budget")).get("amount"), "planning.budget.amount")
    if budget is not None:
        cells["budget"] = rd.cell(budget)
    bids = _obj(r.get("bids"))
    count = _first(_int(tender.get("numberOfTenderers")), _int(tender.get("numberOfBids")),
                   *(_int(s.get("value")) for s in _as_list(bids.get("statistics"))
                     if s.get("measure") == "bids" and not s.get("relatedLot")),
                   len(_as_list(bids.get("details"))) or None)
    if count is not None:
        cells["bid_count"] = Cell(str(count))

    # -- awards → lots ------------------------------------------------------------------------------------
    lot_titles = {str(lot.get("id")): _first(_text(lot, "title"), str(lot.get("id")))
                  for lot in _as_list(tender.get("lots")) if lot.get("id") is not None}
    lots: list[dict] = []
    winner_names: set[str] = set()
    for i, award in enumerate(awards):
        where = f"awards[{i}]"
        astatus = (_str(award.get("status")) or "").lower()
        suppliers = [rd.org(s) for s in _suppliers(award)]
        if astatus in _DEAD or not suppliers:  # an amount nobody received is not stored (nor its currency)
            amount = None
            if _obj(award.get("value")).get("amount") not in (None, ""):
                value = _obj(award.get("value"))
                rd.notes[f"{where}.value"] = f"{value.get('amount')} {value.get('currency') or ''}: " + (
                    f"award {astatus}" if astatus in _DEAD else "an award without suppliers")
        else:
            amount = rd.amount(award.get("value"), f"{where}.value")
        related = [lot_titles.get(str(x), str(x)) for x in award.get("relatedLots") or [] if x is not None]
        name = "；".join(related) or (_first(_text(award, "title"), _str(award.get("id"))) if len(awards) > 1 else None)
        if astatus in _DEAD:
            body.append(f"{where} ({_str(award.get('id')) or '-'}) {astatus}: "
                        + ("、".join(filter(None, map(rd.name, suppliers))) or "no supplier"))
            continue
        people = []
        for j, s in enumerate(suppliers):
            sname = rd.name(s)
            if not sname:
                continue
            rd.met(s, "supplier")
            own = rd.amount(s.get("awardValue"), f"{where}.suppliers[{j}].awardValue")  # Taiwan's conversion
            if own is None and len(suppliers) == 1:
                own = amount
            if own is None:  # several suppliers, one award value: each one's signed contract
                theirs = [c for c in signed if c.get("awardID") == award.get("id")
                          and sname in {rd.name(rd.org(x)) for x in _as_list(c.get("suppliers"))}]
                values = [rd.amount(c.get("value"), f"contracts[{contracts.index(c)}].value") for c in theirs]
                own = sum((v for v in values if v is not None), Decimal(0)) if theirs and None not in values else None
            people.append({"name": sname, "uscc": rd.uscc(s), "amount": None if own is None else str(own)})
            winner_names.add(sname)
        if len(suppliers) > 1 and amount is not None:
            body.append(f"{where}: {amount} {rd.currency} awarded jointly to {len(suppliers)} suppliers")
        if people:
            key = "candidates" if astatus == "pending" else "winners"
            lots.append({"name": name, "winners": [], "candidates": [], key: people})

    # tenderers (bidders) that did not win: unranked candidates with their bid when known
    bid_of: dict[str, Decimal] = {}
    for k, bid in enumerate(_as_list(bids.get("details"))):
        bid_value = rd.amount(bid.get("value"), f"bids.details[{k}].value")
        for t in _as_list(bid.get("tenderers")):
            if (tname := rd.name(rd.org(t))) and bid_value is not None:
                bid_of[tname] = bid_value
    tenderers = [rd.org(t) for t in _as_list(tender.get("tenderers"))]
    for t in tenderers:
        rd.met(t, "tenderer")
    tenderers += [rd.org(p) for p in rd.parties.values() if "tenderer" in (p.get("roles") or [])]
    losers = [n for n in dict.fromkeys(filter(None, map(rd.name, tenderers))) if n not in winner_names]
    if losers:
        uscc_of = {rd.name(t): rd.uscc(t) for t in tenderers}
        others = [{"name": n, "uscc": uscc_of.get(n), "amount": str(bid_of[n]) if n in bid_of else None} for n in losers]
        if len(lots) == 1:
            lots[0]["candidates"] = lots[0]["candidates"] + others
        else:
            lots.append({"name": "投标人（全部标项）" if lots else None, "winners": [], "candidates": others})

    # -- contracts ---------------------------------------------------------------------------------------
    total: Decimal | None = None
    dates: list[str] = []
    for i, c in enumerate(contracts):
        where = f"contracts[{i}]"
        cstatus = _str(c.get("status")) or "-"
        contract_value = rd.amount(c.get("value"), f"{where}.value")
        line = f"{where} {_str(c.get('id')) or '-'} ({cstatus}"
        if signed_at := _str(c.get("dateSigned")):
            line += f", signed {signed_at}"
            if c in signed:
                dates.append(signed_at)
        line += f"): {contract_value if contract_value is not None else '-'} {rd.currency or ''}".rstrip()
        if _str(c.get("extendsContractID")):
            line += f", extends {_str(c['extendsContractID'])}"
        body.append(line)
        for amendment in [*_as_list(c.get("amendment")), *_as_list(c.get("amendments"))]:
            body.append(f"{where} amendment {_str(amendment.get('date')) or ''}: "
                        f"{_first(_text(amendment, 'rationale'), _text(amendment, 'description'), '')}".rstrip())
        if c in signed and contract_value is not None:
            total = contract_value if total is None else total + contract_value
    if total is not None:
        cells["contract_amount"] = rd.cell(total)
    if dates:
        cells["contract_signed_at"] = Cell(min(dates))

    # -- what the typed fields do not hold --------------------------------------------------------------
    for name, (roles, ids) in rd.orgs.items():
        body.append(f"{'/'.join(roles) or 'party'}: {name}" + (f" [{'; '.join(ids)}]" if ids else ""))
    for where, note in rd.notes.items():
        if where != "tag":
            body.append(f"not stored: {where} {note}")
    if rd.currency and rd.currency != "CNY":
        cells["currency"] = Cell(rd.currency)
    if body:
        cells["body"] = Cell("\n".join(body))
    documents = [d for part in (tender, *awards, *contracts) for d in _as_list(part.get("documents"))]
    attachments = [{"name": _first(_text(d, "title"), _text(d, "description"), _str(d.get("id"))), "url": _str(d.get("url"))}
                   for d in documents]
    return Extracted(cells, unknown=dict(rd.notes), kind=Kind.procurement, lots=lots, location=location,
                     attachments=[a for a in attachments if a["name"] or a["url"]])


def parse_ocds_bytes(data: bytes, url: str | None = None) -> list[Extracted | Refused]:
    """Every release of an OCDS file as a notice; a file or release that cannot be read is a
    :class:`Refused` naming where and why (an empty or non-OCDS file is one refusal)."""
    where = url or "file"
    try:
        found = releases(load(data))
    except ParseError as exc:
        return [Refused(where, str(exc))]
    out: list[Extracted | Refused] = []
    for location, release in found:
        try:
            extracted = to_notice(release, location)
        except ParseError as exc:
            out.append(Refused(location, str(exc)))
            continue
        if url and url.startswith(("http://", "https://")):
            extracted.cells.setdefault("source_url", Cell(url))
        out.append(extracted)
    return out
