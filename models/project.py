"""A project: the compiled current state of one allocation, built from its notices.

OCDS semantics (ocds-and-red-flags.md; the compiledRelease of a record): notices are
applied in publication order; a later non-empty value overrides an earlier one, and a
value a later notice omits is kept (a contract notice that names the winner without the
amount never erases the amount of the result); a correction's values supersede what
they correct; a termination sets the status. Lots (包/标段) are merged by identity (their
number or name), and their winners and candidates by party identity (unified social
credit code, else normalized name): a candidate of the 候选人公示 stays a candidate, with
its rank and bid price, after the result names the winner. The notices stay as
published: compiling never changes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from models.codelists import STATUS_BY_NOTICE_TYPE, Kind, NoticeType, ProjectStatus, Role
from models.fields import specs_of
from models.identity import core_title, party_id
from models.kinds import AREA_MODELS, LOTS_FIELD
from models.normalize.text import match_key
from models.notice import RegionRef


class ProjectParty(BaseModel):
    """A party's role in a project (one row per role, lot and rank)."""

    model_config = ConfigDict(frozen=True)

    party_id: str
    role: Role
    name: str
    uscc: str | None = None
    lot: str | None = None
    rank: int | None = None
    amount: str | None = Field(default=None, description="Decimal yuan as text (exact).")


class Project(BaseModel):
    """The compiled state of one allocation."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: Kind
    title: str
    status: ProjectStatus
    amended: bool
    region: RegionRef | None
    project_no: str | None
    publisher: str | None
    first_published_at: datetime
    last_published_at: datetime
    notice_count: int
    correction_count: int
    fields: dict[str, Any]
    parties: list[ProjectParty]


def _sort_key(content: dict) -> tuple[str, int]:
    # Publication time orders notices; at equal times a correction or a termination
    # comes after what it changes.
    rank = {NoticeType.correction: 1, NoticeType.termination: 2}.get(NoticeType(content["notice_type"]), 0)
    return (content["published_at"], rank)


def compile_project(project_id: str, contents: Iterable[dict[str, Any]]) -> Project:
    """Compile the current versions of a project's notices (``Notice.content()`` dicts)."""
    notices = sorted(contents, key=_sort_key)
    if not notices:
        raise ValueError(f"project {project_id} has no notices")
    kind = Kind(notices[0]["kind"])
    merged: dict[str, Any] = {}
    status = ProjectStatus.other
    amended = False
    corrections = 0
    title = project_no = publisher = None
    region = None
    lots_field = LOTS_FIELD[kind]
    for notice in notices:
        ntype = NoticeType(notice["notice_type"])
        for key, value in notice["fields"].items():
            if key == "kind" or value is None or value == []:
                continue
            if key == lots_field:
                merged[key] = merge_lots(merged.get(key, []), value, replace=ntype is NoticeType.correction)
                continue
            merged[key] = value
        if ntype is NoticeType.correction:
            amended = True
            corrections += 1
        elif ntype in STATUS_BY_NOTICE_TYPE:
            new = STATUS_BY_NOTICE_TYPE[ntype]
            # "other" notices never move a project back from a real stage.
            if new is not ProjectStatus.other or status is ProjectStatus.other:
                status = new
        title = notice.get("project_name") or title
        project_no = notice.get("project_no") or project_no
        publisher = notice.get("publisher") or publisher
        region = notice.get("region") or region
    if not title:
        first = notices[0]["title"]
        title = core_title(first) if core_title(first) else first
    # Built without re-validation: every input value comes from a validated Notice.
    return Project.model_construct(
        id=project_id,
        kind=kind,
        title=title,
        status=status,
        amended=amended,
        region=RegionRef.model_construct(**region) if region else None,
        project_no=project_no,
        publisher=publisher,
        first_published_at=datetime.fromisoformat(notices[0]["published_at"]),
        last_published_at=datetime.fromisoformat(notices[-1]["published_at"]),
        notice_count=len(notices),
        correction_count=corrections,
        fields=merged,
        parties=_parties(kind, merged, publisher),
    )


# The amount a party in this role received or paid (land holder: the price; transferee: the deal).
_AMOUNT_OF_ROLE = {Role.land_user: "price", Role.transferee: "deal_price"}


@cache
def _role_fields(kind: Kind) -> tuple[tuple[str, Role, str | None, str | None], ...]:
    """(name field, role, its uscc field, its amount field) of a kind."""
    specs = specs_of(AREA_MODELS[kind])
    uscc_field = {spec.uscc_of: name for name, spec in specs.items() if spec.uscc_of}
    return tuple((name, Role(spec.role), uscc_field.get(name), _AMOUNT_OF_ROLE.get(Role(spec.role)))
                 for name, spec in specs.items() if spec.role)


def _parties(kind: Kind, fields: dict[str, Any], publisher: str | None) -> list[ProjectParty]:
    out: list[ProjectParty] = []
    seen: set[tuple] = set()
    lots_field = LOTS_FIELD[kind]
    lots = fields.get(lots_field, []) if lots_field else []
    # One party, one id: a candidate listed without its code is the winner named with it.
    codes: dict[str, str] = {}
    for name, _role, uscc_field, _amount in _role_fields(kind):
        if isinstance(fields.get(name), str) and uscc_field and fields.get(uscc_field):
            codes.setdefault(match_key(fields[name]), fields[uscc_field])
    for award in (a for lot in lots for key in ("winners", "candidates") for a in lot.get(key, [])):
        if award.get("uscc"):
            codes.setdefault(match_key(award["name"]), award["uscc"])

    def add(role: Role, name: str | None, uscc: str | None = None, **extra: Any) -> None:
        if not name:
            return
        uscc = uscc or codes.get(match_key(name))
        pid = party_id(name, uscc)
        key = (pid, role, extra.get("lot"), extra.get("rank"))
        if key in seen:
            return
        seen.add(key)
        out.append(ProjectParty.model_construct(party_id=pid, role=role, name=name, uscc=uscc, lot=extra.get("lot"),
                                                rank=extra.get("rank"), amount=extra.get("amount")))

    if publisher:
        add(Role.publisher, publisher)
    for name, role, uscc_field, amount_field in _role_fields(kind):
        value = fields.get(name)
        if isinstance(value, str):
            add(role, value, fields.get(uscc_field) if uscc_field else None,
                amount=fields.get(amount_field) if amount_field else None)
    for lot in lots:
        for award in lot.get("winners", []):
            add(Role.winner, award["name"], award.get("uscc"), lot=lot.get("name"), amount=award.get("amount"))
        for i, award in enumerate(lot.get("candidates", []), start=1):
            add(Role.candidate, award["name"], award.get("uscc"), lot=lot.get("name"), rank=award.get("rank") or i,
                amount=award.get("amount"))
    return out


# 第1包, 包1, 标项1, 1标段, 一标段, (1标段), 01: one lot, "1".
_LOT_NUMBER = re.compile(r"^[(（]?(?:第|包|标项|标段|分包|子包|lot)?\s*([0-9]+|[一二三四五六七八九十]+)\s*(?:包|标项|标段|分包|号)?[)）]?$",
                         re.IGNORECASE)
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}


def _cn_number(text: str) -> int:
    """一 … 九十九 as an integer."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
    return _CN_DIGITS.get(text, 0)


def lot_key(name: str | None) -> str | None:
    """The identity of a lot: its number when the name is one (第1包 = 包1 = 1标段 = 一标段), else
    its normalized name; None for an unnamed lot."""
    if not name:
        return None
    key = match_key(name)
    m = _LOT_NUMBER.match(key)
    return f"#{_cn_number(m.group(1))}" if m else key


def _same_party(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """One party: the same unified social credit code when both have one, else the same normalized name."""
    if a.get("uscc") and b.get("uscc"):
        return a["uscc"] == b["uscc"]
    return match_key(a.get("name") or "") == match_key(b.get("name") or "")


def _merge_awards(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Awards merged by party identity: a later value fills or overrides, an omitted one is kept."""
    out = [dict(a) for a in old]
    for award in new:
        match = next((a for a in out if _same_party(a, award)), None)
        if match is None:
            out.append(dict(award))
            continue
        for key, value in award.items():
            if value is not None:
                match[key] = value
    return out


def _find_lot(lots: list[dict[str, Any]], lot: dict[str, Any]) -> dict[str, Any] | None:
    key = lot_key(lot.get("name"))
    if key is not None:
        found = next((x for x in lots if lot_key(x.get("name")) == key), None)
        if found is not None or any(lot_key(x.get("name")) for x in lots):
            return found
    # An unnamed lot (or lots named only now): the lot naming one of its parties, else the only lot.
    parties = [*lot.get("winners", []), *lot.get("candidates", [])]
    for x in lots:
        if any(_same_party(a, b) for a in parties for b in [*x.get("winners", []), *x.get("candidates", [])]):
            return x
    return lots[0] if len(lots) == 1 else None


def merge_lots(old: list[dict[str, Any]], new: list[dict[str, Any]], *, replace: bool = False) -> list[dict[str, Any]]:
    """Lots of a later notice merged into the project's lots by identity (OCDS merge by id).

    A later value overrides, an omitted one is kept: winners and candidates are merged by party
    identity, so a contract notice that names the winner without the amount keeps the amount of
    the result, and the candidates of a 候选人公示 survive the result. A correction (``replace``)
    states the lot's winners and candidates anew: the lists it gives replace the earlier ones."""
    lots = [dict(x) for x in old]
    for lot in new:
        target = _find_lot(lots, lot)
        if target is None:
            lots.append({**lot, "winners": list(lot.get("winners", [])), "candidates": list(lot.get("candidates", []))})
            continue
        if lot.get("name"):
            target["name"] = target.get("name") or lot["name"]
        if lot.get("budget") is not None:
            target["budget"] = lot["budget"]
        for key in ("winners", "candidates"):
            given = lot.get(key) or []
            if replace and given:
                target[key] = [dict(a) for a in given]
            else:
                target[key] = _merge_awards(target.get(key) or [], given)
    return lots
