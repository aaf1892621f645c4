"""OCDS 1.1 export: release packages for every area, record packages for procurement and tenders.

The inverse of :mod:`collectors.parsers.ocds` where OCDS can say it: importing the export gives
back the same notices (title, type, ocid, release id, date, buyer and agent, budget, method,
bid count, lots with winners and amounts, tenderers, contract amount and date, currency, every
party's identifiers).

- **One release per notice version** (superseded versions too: a release is immutable). The
  ``ocid`` is the project's: a project whose number already is an ocid (imported from an OCDS
  publisher) keeps it; any other is ``{OCID_PREFIX}-{project_id}`` (``store.config``). The release
  ``id`` is the publisher's release id for imported releases, else the notice version id
  (``n-…-v2``); ``date`` is the publication time (+08:00).
- **Tags from the notice type**: announcement → ``tender``; correction → ``tenderAmendment``
  (a 更正公告 is a formal change of the tender documents; it also adds a ``tender.amendments``
  entry); candidates → ``award`` with every candidate a *pending* award (公示: proposed, not
  yet in force — the importer reads pending awards back as candidates); result → ``award``;
  contract → ``contract``; termination → ``tenderCancellation`` (``tender.status`` cancelled);
  other → ``tenderUpdate``.
- **Parties**: listed once (``parties[]``), referenced by ``{id, name}``; a party whose unified
  social credit code is known has ``identifier {scheme: "CN-SAIC", id: USCC}`` (org-id.guide
  lists the USCC register as CN-SAIC; there is no CN-USCC scheme there) and the id
  ``CN-SAIC-{USCC}``; others are ``name-{sha1 of the name}``. Imported parties keep every
  identifier they came with (scheme + id).
- **Money**: exact; an amount is written as the JSON number of its decimal text (never a float).
- **Per area** (README, "OCDS export"): procurement and tenders map onto the core tender/award/
  contract model, lots (the lots extension) and bids (the bid extension: tenderers that did not
  win, with their bid); land, mining rights and state assets are *sales* by the state: the
  grantor or transferor is the ``procuringEntity`` and ``payee``, the winner the award's
  ``supplier`` and ``payer``, the starting or listing price ``tender.minValue``, the deal price
  the award's value, the parcel, right or asset an ``item`` (area in m², ``deliveryAddress`` from
  the location extension).

- **Natural persons** are shown as the privacy policy says (:mod:`store.privacy`): every string of a
  release is redacted with its project's map, so a person's name appears nowhere; a party the policy
  hides has the keyed pseudonym ``person-…`` (:mod:`store.pseudonym`) as its id, the one Datasette's
  ``parties`` table shows, never a hash of the name.

Files are written incrementally (one project's releases in memory at a time), keys sorted,
releases ordered by project id, date and release id: the same data gives the same bytes. ``SHA256SUMS`` lists
every file written.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from models.codelists import Kind
from models.identity import party_id
from store.config import OCID_PREFIX, settings
from store.db import Store
from store.privacy import person_ids, redact_json, redaction
from store.pseudonym import key_of, pseudonym

OCDS_VERSION = "1.1"
PUBLISHER = {"name": "Gongkai"}
USCC_SCHEME = "CN-SAIC"
# Registered extensions (OCDS extension registry), at the release matching the 1.1.5 schema.
EXTENSIONS = {
    "lots": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "bids": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
    "location": "https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/v1.1.5/extension.json",
}
EXTENSIONS_OF: dict[Kind, tuple[str, ...]] = {
    Kind.procurement: ("lots", "bids"),
    Kind.tender: ("lots", "bids"),
    Kind.land: ("location",),
    Kind.mining: ("location",),
    Kind.state_asset: ("location",),
}
RECORD_KINDS = (Kind.procurement, Kind.tender)

TAGS = {
    "announcement": "tender", "correction": "tenderAmendment", "candidates": "award", "result": "award",
    "contract": "contract", "termination": "tenderCancellation", "other": "tenderUpdate",
}
# Chinese methods → OCDS procurementMethod (the Chinese stays in procurementMethodDetails).
METHODS = {
    "公开招标": "open", "邀请招标": "selective", "竞争性谈判": "selective", "竞争性磋商": "selective", "询价": "selective",
    "单一来源": "direct", "框架协议": "open", "电子反拍": "open",
    "招标出让": "open", "拍卖出让": "open", "挂牌出让": "open", "协议出让": "direct", "划拨": "direct",
    "租赁": "direct", "作价出资": "direct",
    "招标": "open", "拍卖": "open", "挂牌": "open", "申请在先": "direct",
    "网络竞价": "open", "招投标": "open", "动态报价": "open", "协议转让": "direct",
}
_OCID = re.compile(r"^[a-z]{4}-[a-z0-9]{6}-\S+$")
# The importer's party lines in a notice body: "buyer/procuringEntity: Name [SCHEME id; id X]"
_PARTY_LINE = re.compile(r"^([A-Za-z]+(?:/[A-Za-z]+)*): (.+?)(?: \[(.+)\])?$")
_NAMELESS = re.compile(r"^\(no name, id (.+)\)$")  # the importer's line for a party without a name
_SALES = (Kind.land, Kind.mining, Kind.state_asset)


class OcdsExportError(Exception):
    """The export cannot be written (the reason names the path)."""


# -- JSON with exact numbers ---------------------------------------------------------------------
def dumps(value: Any) -> str:
    """Canonical JSON (sorted keys, UTF-8 text): a Decimal is written as its exact decimal number."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{dumps(v)}"
                              for k, v in sorted(value.items())) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text if "." not in text else text.rstrip("0").rstrip(".")
    return json.dumps(value, ensure_ascii=False)


def _money(text: Any, currency: str) -> dict | None:
    if text in (None, ""):
        return None
    return {"amount": Decimal(str(text)), "currency": currency}


# -- releases --------------------------------------------------------------------------------------
def ocid_of(project_id: str, project_no: str | None, prefix: str = OCID_PREFIX) -> str:
    """The project's own ocid when it came from an OCDS publisher, else prefix + project id."""
    if project_no and _OCID.match(project_no):
        return project_no
    return f"{prefix}-{project_id}"


class _Parties:
    """The parties of one release: one entry per organization, merged by name. ``hidden``: the id of a
    party without identifiers that is a person the privacy policy hides (by its name as published),
    else None."""

    def __init__(self, hidden: Callable[[str], str | None] | None = None) -> None:
        self.by_name: dict[str, dict] = {}
        self.hidden = hidden

    def add(self, name: str | None, role: str, uscc: str | None = None, ids: Iterable[tuple[str, str]] = (), *,
            own_id: str | None = None, nameless: bool = False) -> dict | None:
        if not name:
            return None
        party = self.by_name.get(name)
        if party is None:
            party = self.by_name[name] = {"name": name, "roles": [], "_ids": [], "_nameless": nameless}
        if own_id and not party.get("_id"):
            party["_id"] = own_id
        if role and role not in party["roles"]:
            party["roles"].append(role)
        if uscc and (USCC_SCHEME, uscc) not in party["_ids"]:
            party["_ids"].insert(0, (USCC_SCHEME, uscc))
        for pair in ids:
            if pair not in party["_ids"] and not (pair[0] == USCC_SCHEME and pair in party["_ids"]):
                party["_ids"].append(pair)
        return {"id": self.id_of(party), "name": name}

    def id_of(self, party: dict) -> str:
        if party.get("_id"):
            return str(party["_id"])
        if party["_ids"]:
            scheme, ident = party["_ids"][0]
            return f"{scheme}-{ident}" if scheme else ident
        if self.hidden and (pseudonym := self.hidden(party["name"])):
            return pseudonym
        return "name-" + hashlib.sha1(party["name"].encode(), usedforsecurity=False).hexdigest()[:16]

    def out(self) -> list[dict]:
        parties = []
        for party in self.by_name.values():
            entry = {"id": self.id_of(party), "roles": party["roles"]}
            if not party["_nameless"]:
                entry["name"] = party["name"]
            ids = [{"scheme": s, "id": i} if s else {"id": i} for s, i in party["_ids"]]
            if ids:
                entry["identifier"] = {**ids[0], **({} if party["_nameless"] else {"legalName": party["name"]})}
                if ids[1:]:
                    entry["additionalIdentifiers"] = ids[1:]
            if party.get("address"):
                entry["address"] = party["address"]
            parties.append(entry)
        return sorted(parties, key=lambda p: p["id"])

    def ref(self, name: str) -> dict:
        party = self.by_name[name]
        return {"id": self.id_of(party)} if party["_nameless"] else {"id": self.id_of(party), "name": name}


def _imported_parties(body: str) -> list[tuple[list[str], str, list[tuple[str, str]]]]:
    """(roles, name, identifiers) of the party lines the OCDS importer wrote into a body."""
    out = []
    for line in body.splitlines():
        m = _PARTY_LINE.match(line)
        if not m or m.group(1).startswith(("not", "tag")):
            continue
        ids: list[tuple[str, str]] = []
        for part in (m.group(3) or "").split("; "):
            if not part.strip():
                continue
            scheme, _, ident = part.partition(" ")
            ids.append((scheme, ident) if ident else ("", scheme))
        out.append(([r for r in m.group(1).split("/") if r != "party"], m.group(2), ids))
    return out


def build_release(row: dict, ocid: str, attachments: list[dict],
                  hidden: Callable[[str], str | None] | None = None) -> dict:
    """The OCDS release of one stored notice version (``row``: the notices columns, fields parsed;
    ``hidden``: a hidden person's party id by name, see :class:`_Parties`)."""
    kind = Kind(row["kind"])
    f: dict = row["fields"]
    ntype = row["notice_type"]
    currency = f.get("currency") or "CNY"
    imported = bool(row["notice_no"]) and row["notice_no"].startswith(f"{ocid}/")
    rid = row["notice_no"][len(ocid) + 1:] if imported else row["version_id"]
    if imported and row["version"] > 1:
        rid = f"{rid}-v{row['version']}"
    parties = _Parties(hidden)
    release: dict[str, Any] = {
        "ocid": ocid, "id": rid, "date": row["published_at"], "tag": [TAGS.get(ntype, "tenderUpdate")],
        "initiationType": "tender", "language": "zh",
    }
    tender: dict[str, Any] = {"id": row["project_no"] or ocid, "title": row["title"]}
    address = {"region": row["region_name"], "countryName": "中国"} if row["region_name"] else None

    # -- who runs it and who pays ---------------------------------------------------------------
    if kind in (Kind.procurement, Kind.tender):
        owner, owner_uscc = (f.get("buyer"), f.get("buyer_uscc")) if kind is Kind.procurement \
            else (f.get("tenderer"), f.get("tenderer_uscc"))
        if owner and (ref := parties.add(owner, "buyer", owner_uscc)):
            release["buyer"] = ref
            if address:
                parties.by_name[owner]["address"] = address
        if ref := parties.add(f.get("agent"), "procuringEntity"):
            tender["procuringEntity"] = ref
    else:
        seller, seller_uscc = (f.get("transferor"), f.get("transferor_uscc")) if kind is Kind.state_asset \
            else (f.get("grantor"), None)
        if seller and (ref := parties.add(seller, "procuringEntity", seller_uscc)):
            parties.add(seller, "payee")
            tender["procuringEntity"] = ref
            if address:
                parties.by_name[seller]["address"] = address

    method = f.get("method") or f.get("supply_method")
    if method:
        if METHODS.get(method):
            tender["procurementMethod"] = METHODS[method]
        tender["procurementMethodDetails"] = method

    # -- values and periods ---------------------------------------------------------------------
    value = {Kind.procurement: f.get("budget"), Kind.tender: f.get("control_price") or f.get("estimate") or f.get("budget"),
             Kind.state_asset: f.get("appraised_value")}.get(kind)
    if v := _money(value, currency):
        tender["value"] = v
    minimum = f.get("listing_price") if kind is Kind.state_asset else f.get("starting_price") if kind in _SALES else None
    if v := _money(minimum, currency):
        tender["minValue"] = v
    count = f.get("bid_count") if f.get("bid_count") is not None else f.get("bidder_count")
    if count is not None:
        tender["numberOfTenderers"] = count
    period = {}
    if f.get("listing_start"):
        period["startDate"] = _datetime(f["listing_start"])
    if f.get("listing_end") or f.get("bid_deadline"):
        period["endDate"] = _datetime(f.get("listing_end") or f["bid_deadline"])
    if period:
        tender["tenderPeriod"] = period
    if ntype == "termination":
        tender["status"] = "cancelled"
        if f.get("failure_reason"):
            tender["statusDetails"] = f["failure_reason"]
    if ntype == "correction":
        tender["amendments"] = [{"id": rid, "date": row["published_at"], "releaseID": rid,
                                 **({"description": f["correction"]} if f.get("correction") else {})}]
    if f.get("items") or f.get("target"):
        tender["description"] = f.get("items") or f.get("target")
    if kind in _SALES:
        tender["items"] = [_sale_item(kind, f, row)]

    # -- awards: one per lot winner (pending for candidates notices) ----------------------------
    awards: list[dict] = []
    joint: list[tuple[str, dict]] = []  # (award id, winner) of the lots won jointly
    lots_out: list[dict] = []
    bids: list[dict] = []
    lots = f.get("lots") or f.get("sections") or []
    # A lot won jointly is one award with several suppliers only where each winner's amount can ride on
    # its own contract (a contract notice whose amount they add up to); else one award per winner.
    shared = [w.get("amount") for lot in lots if len(lot.get("winners") or []) > 1 for w in lot["winners"]]
    joint_ok = (ntype == "contract" and bool(shared) and None not in shared and f.get("contract_amount") is not None
                and sum(Decimal(str(a)) for a in shared) == Decimal(str(f["contract_amount"])))
    for i, lot in enumerate(lots, 1):
        lot_id = None
        if lot.get("name"):
            lot_id = f"lot-{i}"
            lots_out.append({"id": lot_id, "title": lot["name"], **(
                {"value": _money(lot["budget"], currency)} if lot.get("budget") else {})})
        winners = lot.get("winners") or []
        if len(winners) == 1 or not joint_ok:
            awards.extend(_award(f"{i}-{j}", "active", w, lot_id, parties, currency) for j, w in enumerate(winners, 1))
        elif winners:  # a lot won jointly: one award, every winner a supplier (each one's amount: its contract)
            award = _award(f"{i}", "active", winners[0], lot_id, parties, currency)
            award["suppliers"] = [parties.add(w["name"], "supplier", w.get("uscc")) for w in winners]
            amounts = [w.get("amount") for w in winners]
            if None not in amounts:
                award["value"] = {"amount": sum((Decimal(str(a)) for a in amounts), Decimal(0)), "currency": currency}
            else:
                award.pop("value", None)
            awards.append(award)
            joint.extend((award["id"], w) for w in winners)
        for j, c in enumerate(lot.get("candidates") or [], 1):
            if ntype == "candidates" and not lot.get("winners"):
                awards.append(_award(f"{i}-c{j}", "pending", c, lot_id, parties, currency))
                continue
            ref = parties.add(c["name"], "tenderer", c.get("uscc"))
            tender.setdefault("tenderers", [])
            if ref not in tender["tenderers"]:
                tender["tenderers"].append(ref)
            bid: dict[str, Any] = {"id": f"{i}-{j}", "status": "valid", "tenderers": [ref]}
            if c.get("amount") is not None:
                bid["value"] = _money(c["amount"], currency)
            if lot_id:
                bid["relatedLots"] = [lot_id]
            bids.append(bid)
    if kind in _SALES:
        winner, winner_uscc = (f.get("holder"), f.get("holder_uscc")) if kind is Kind.land \
            else (f.get("transferee"), f.get("transferee_uscc"))
        amount = f.get("price") if kind is Kind.land else f.get("deal_price")
        if winner:
            award = _award("1", "active", {"name": winner, "uscc": winner_uscc, "amount": amount}, None, parties, currency)
            parties.add(winner, "payer")
            if f.get("deal_date"):
                award["date"] = _datetime(f["deal_date"])
            awards.append(award)
    if lots_out:
        tender["lots"] = lots_out
    if bids:
        release["bids"] = {"details": bids}

    # -- contracts ------------------------------------------------------------------------------
    contract_amount = f.get("contract_amount") if kind is Kind.procurement else \
        f.get("price") if kind is Kind.land and f.get("contract_date") else None
    signed = f.get("contract_signed_at") or (f.get("contract_date") if kind is Kind.land else None)
    if ntype == "contract" or (kind is Kind.land and f.get("contract_date")):
        if not awards:
            awards.append({"id": "award", "status": "active"})
        contract: dict[str, Any] = {"id": f.get("contract_no") or "contract-1", "awardID": awards[0]["id"], "status": "active"}
        if signed:
            contract["dateSigned"] = _datetime(signed)
        if f.get("contract_term"):
            contract["description"] = f"合同期限：{f['contract_term']}"
        if joint:  # jointly won lots: one contract per winner carries each one's amount
            release["contracts"] = [
                {**contract, "id": f"{contract['id']}-{k}", "awardID": aid, "value": _money(w["amount"], currency),
                 "suppliers": [{"id": "", "name": w["name"]}]} for k, (aid, w) in enumerate(joint, 1)]
        else:
            if v := _money(contract_amount, currency):
                contract["value"] = v
            release["contracts"] = [contract]

    # -- parties imported with their identifiers (body lines of the OCDS importer) --------------
    if imported:
        for roles, name, ids in _imported_parties(row["body"] or ""):
            nameless = _NAMELESS.match(name)
            own_id = nameless.group(1) if nameless else next((i for s, i in ids if s == "id"), None)
            ids = [(s, i) for s, i in ids if s != "id"]  # "id X": the publisher's party id, not an identifier
            for role in roles or [""]:
                parties.add(name, role, None, ids, own_id=own_id, nameless=bool(nameless))
    if awards:
        release["awards"] = awards
    docs = [{"id": str(k), "title": a["name"], "url": a["url"]}
            for k, a in enumerate(attachments, 1) if a.get("url")]
    if row["original_url"]:
        docs.append({"id": "source", "title": "原文", "url": row["original_url"]})
    if docs:
        tender["documents"] = docs
    release["tender"] = tender
    release["parties"] = parties.out()
    _refs(release, parties)
    return release


def _award(aid: str, status: str, person: dict, lot_id: str | None, parties: _Parties, currency: str) -> dict:
    ref = parties.add(person["name"], "supplier" if status == "active" else "tenderer", person.get("uscc"))
    award: dict[str, Any] = {"id": aid, "status": status, "suppliers": [ref]}
    if v := _money(person.get("amount"), currency):
        award["value"] = v
    if lot_id:
        award["relatedLots"] = [lot_id]
    return award


def _refs(release: dict, parties: _Parties) -> None:
    """Point every organization reference at its party's final id (an identifier added later changes it)."""
    def fix(ref: dict) -> dict:
        return parties.ref(ref["name"])
    if "buyer" in release:
        release["buyer"] = fix(release["buyer"])
    tender = release["tender"]
    if "procuringEntity" in tender:
        tender["procuringEntity"] = fix(tender["procuringEntity"])
    if "tenderers" in tender:
        tender["tenderers"] = [fix(t) for t in tender["tenderers"]]
    for award in release.get("awards", []):
        if "suppliers" in award:
            award["suppliers"] = [fix(s) for s in award["suppliers"]]
    for bid in release.get("bids", {}).get("details", []):
        bid["tenderers"] = [fix(t) for t in bid["tenderers"]]
    for contract in release.get("contracts", []):
        if "suppliers" in contract:
            contract["suppliers"] = [fix(s) for s in contract["suppliers"]]


def _sale_item(kind: Kind, f: dict, row: dict) -> dict:
    if kind is Kind.land:
        description = "、".join(filter(None, [f.get("land_use"), f.get("parcel_no"), f.get("e_supervision_no")]))
    elif kind is Kind.mining:
        description = "、".join(filter(None, [f.get("right_type"), f.get("mineral"), f.get("mine_name")]))
    else:
        description = f.get("target") or ""
    item: dict[str, Any] = {"id": "1", "description": description or row["title"]}
    if f.get("area_m2") is not None:
        item["quantity"] = Decimal(str(f["area_m2"]))
        item["unit"] = {"name": "平方米", "scheme": "UNCEFACT", "id": "MTK"}
    address = {k: v for k, v in (("streetAddress", f.get("location")), ("region", row["region_name"])) if v}
    if address:
        item["deliveryAddress"] = {**address, "countryName": "中国"}
    return item


def _datetime(text: str) -> str:
    """A stored date or time as an OCDS date-time (a date is its day's start in China)."""
    return text if "T" in text else f"{text}T00:00:00+08:00"


# -- compiled release ------------------------------------------------------------------------------
def merge(releases: list[dict]) -> dict:
    """The compiled release (OCDS merging: later values win, objects merged, arrays of objects with
    ids merged by id, other arrays replaced, ``id``/``date``/``tag`` omitted when merged)."""
    compiled: dict = {}
    for release in sorted(releases, key=lambda r: (r["date"], r["id"])):
        _merge_into(compiled, {k: v for k, v in release.items() if k not in ("id", "date", "tag")})
    last = max(releases, key=lambda r: (r["date"], r["id"]))
    compiled.update({"id": f"{last['ocid']}-{last['date']}", "date": last["date"], "tag": ["compiled"]})
    return compiled


def _merge_into(base: dict, new: dict) -> None:
    for key, value in new.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict):
            target = base.get(key)
            if not isinstance(target, dict):
                target = base[key] = {}
            _merge_into(target, value)
        elif isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
            found = base.get(key)
            old = found if isinstance(found, list) else []
            by_id = {str(v.get("id")): v for v in old if isinstance(v, dict)}
            for v in value:
                target = by_id.setdefault(str(v["id"]), {})
                _merge_into(target, v)
            base[key] = list(by_id.values())
        else:
            base[key] = value


# -- reading the store -----------------------------------------------------------------------------
_NOTICE_COLUMNS = ("version_id", "notice_id", "version", "kind", "notice_type", "title", "published_at",
                   "region_name", "project_no", "notice_no", "original_url", "body", "fields")


def project_releases(conn: sqlite3.Connection, kind: str, prefix: str = OCID_PREFIX) -> Iterator[tuple[str, list[dict]]]:
    """(ocid, releases in date order) per project of ``kind``, in project id order (streamed from the
    database: one project in memory at a time)."""
    people = redaction(conn, kind=kind)
    key = key_of(conn)
    hidden_ids = person_ids(conn, key)  # stored party id → keyed pseudonym of a hidden person
    projects = conn.execute("SELECT project_id, project_no FROM projects WHERE kind = ? ORDER BY project_id", (kind,))
    for pid, project_no in projects:
        mapping = people.get(pid, {})

        def hidden(name: str, mapping: dict[str, str] = mapping) -> str | None:
            """The pseudonym Datasette's ``parties`` shows for this person (the store's id for a party
            without a USCC, keyed); a name the policy hides here that is no stored party gets one too."""
            stored = party_id(name, None)
            if stored in hidden_ids:
                return hidden_ids[stored]
            return pseudonym(key, stored) if name.strip() in mapping else None

        ocid = ocid_of(pid, project_no, prefix)
        rows = conn.execute(
            f"SELECT {', '.join(_NOTICE_COLUMNS)},"  # noqa: S608 - a fixed column list
            " (SELECT attachments FROM notice_texts t WHERE t.version_id = notices.version_id)"
            " FROM notices WHERE project_id = ? ORDER BY published_at, notice_id, version", (pid,)).fetchall()
        releases = []
        for r in rows:
            row = dict(zip(_NOTICE_COLUMNS, r[:-1], strict=True))
            row["fields"] = json.loads(row["fields"])
            attachments = json.loads(r[-1]) if r[-1] else []
            if not mapping:
                releases.append(build_release(row, ocid, attachments, hidden))
                continue
            # Built from the names as published (two people masked alike stay two parties, each under
            # its own pseudonym), then every string of the release redacted: keys and ids kept.
            releases.append(redact_json(build_release(row, ocid, attachments, hidden), mapping))
        if releases:
            seen: dict[str, int] = {}
            for rel in releases:  # a release id is unique within its ocid
                n = seen[rel["id"]] = seen.get(rel["id"], 0) + 1
                if n > 1:
                    rel["id"] = f"{rel['id']}-{n}"
            yield ocid, sorted(releases, key=lambda x: (x["date"], x["id"]))


# -- writing ---------------------------------------------------------------------------------------
class _Out:
    """A file written in pieces, gzipped or not (gzip with mtime 0 and no name: same bytes every time)."""

    def __init__(self, path: Path, compress: bool) -> None:
        self.raw = path.open("wb")
        self.fh: IO[bytes] = (gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, mtime=0)  # type: ignore[assignment]
                              if compress else self.raw)

    def write(self, data: bytes) -> None:
        self.fh.write(data)

    def close(self) -> None:
        self.fh.close()
        self.raw.close()


def _package_tail(uri: str, published: str, extensions: list[str]) -> str:
    meta: dict[str, Any] = {"uri": uri, "publisher": PUBLISHER, "publishedDate": published, "version": OCDS_VERSION}
    if extensions:
        meta["extensions"] = extensions
    return dumps(meta)[1:]  # the package's other members, after its array


def write_ocds(conn_or_store: Store | sqlite3.Connection, out_dir: Path, kinds: Iterable[str] | None = None, *,
               base_url: str | None = None, compress: bool = False, prefix: str = OCID_PREFIX) -> list[Path]:
    """Write ``{kind}-releases.json`` for each kind with notices (and ``{kind}-records.json`` for
    procurement and tenders), then ``SHA256SUMS``; return the paths written (SHA256SUMS last).

    ``base_url``: where the files will be published (packages' ``uri``, linked releases' ``url``),
    default the site URL + ``downloads/ocds/``. ``compress``: gzip each file (``.json.gz``).
    Raises :class:`OcdsExportError` when ``out_dir`` cannot be written."""
    conn = conn_or_store.conn if isinstance(conn_or_store, Store) else conn_or_store
    base = base_url or settings().site_url.rstrip("/") + "/downloads/ocds/"
    wanted = [Kind(k) for k in (kinds or [k.value for k in Kind])]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OcdsExportError(f"{out_dir}: cannot create the output directory ({exc.strerror or exc})") from exc
    suffix = ".json.gz" if compress else ".json"
    written: list[Path] = []
    try:
        for kind in wanted:
            written.extend(_write_kind(conn, out_dir, kind, base, suffix, compress, prefix))
        sums = out_dir / "SHA256SUMS"
        sums.write_text("".join(f"{_sha256(p)}  {p.name}\n" for p in written), encoding="utf-8")
    except OSError as exc:
        raise OcdsExportError(f"{getattr(exc, 'filename', None) or out_dir}: cannot write ({exc.strerror or exc})") from exc
    return [*written, sums]


def _write_kind(conn: sqlite3.Connection, out_dir: Path, kind: Kind, base: str, suffix: str,
                compress: bool, prefix: str) -> list[Path]:
    releases_path = out_dir / f"{kind.value}-releases{suffix}"
    records_path = out_dir / f"{kind.value}-records{suffix}" if kind in RECORD_KINDS else None
    extensions = [EXTENSIONS[e] for e in EXTENSIONS_OF[kind]]
    releases_uri = base + releases_path.name
    latest = ""
    n = 0
    rel_fh = _Out(releases_path, compress)
    rec_fh = _Out(records_path, compress) if records_path else None
    try:
        rel_fh.write(b'{"releases":[\n')
        if rec_fh:
            rec_fh.write(b'{"records":[\n')
        for ocid, releases in project_releases(conn, kind.value, prefix):
            for release in releases:
                rel_fh.write((",\n" if n else "").encode() + dumps(release).encode())
                n += 1
                latest = max(latest, release["date"])
            if rec_fh:
                record = {"ocid": ocid, "compiledRelease": merge(releases), "releases": [
                    {"url": f"{releases_uri}#{quote(r['id'], safe='')}", "date": r["date"], "tag": r["tag"]}
                    for r in releases]}
                rec_fh.write((",\n" if n > len(releases) else "").encode() + dumps(record).encode())
        published = latest or "1970-01-01T08:00:00+08:00"
        rel_fh.write(("\n]," + _package_tail(releases_uri, published, extensions) + "\n").encode())
        if rec_fh and records_path:
            rec_fh.write(("\n]," + _package_tail(base + records_path.name, published, extensions) + "\n").encode())
    finally:
        rel_fh.close()
        if rec_fh:
            rec_fh.close()
    if n == 0:  # a package must hold at least one release: nothing of this kind, no file
        releases_path.unlink()
        if records_path:
            records_path.unlink()
        return []
    return [releases_path, *([records_path] if records_path else [])]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
