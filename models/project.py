"""A project: the compiled current state of one allocation, built from its notices.

OCDS semantics (ocds-and-red-flags.md; the compiledRelease of a record): notices are
applied in publication order; a later non-empty value overrides an earlier one; a
correction's values supersede what they correct; a termination sets the status. The
notices stay as published: compiling never changes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from models.codelists import STATUS_BY_NOTICE_TYPE, Kind, NoticeType, ProjectStatus, Role
from models.fields import specs_of
from models.identity import core_title, party_id
from models.kinds import AREA_MODELS, LOTS_FIELD
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
    for notice in notices:
        ntype = NoticeType(notice["notice_type"])
        for key, value in notice["fields"].items():
            if key == "kind" or value is None or value == []:
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

    def add(role: Role, name: str | None, uscc: str | None = None, **extra: Any) -> None:
        if not name:
            return
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
    lots_field = LOTS_FIELD[kind]
    for lot in fields.get(lots_field, []) if lots_field else []:
        for award in lot.get("winners", []):
            add(Role.winner, award["name"], award.get("uscc"), lot=lot.get("name"), amount=award.get("amount"))
        for i, award in enumerate(lot.get("candidates", []), start=1):
            add(Role.candidate, award["name"], award.get("uscc"), lot=lot.get("name"), rank=award.get("rank") or i,
                amount=award.get("amount"))
    return out
