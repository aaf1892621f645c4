"""An OCDS publisher (spider ``ocds``): release and record packages paged with ``links.next``."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from aiohttp import web

from demo.generate import fen_of
from demo.portal.base import Family
from demo.portal.catalog import OCDS_PUBLISHER, Copy, PortalNotice

TAGS = {"announcement": "tender", "correction": "tenderAmendment", "result": "award", "contract": "contract",
        "termination": "tenderCancellation"}  # notice type → OCDS release tag (else planning)
PUBLISHED = "2026-11-01T00:00:00+08:00"


def amount(value: Decimal) -> dict[str, Any]:
    """An OCDS value: yuan as a JSON number (exact: fen / 100 prints back as the same digits)."""
    return {"amount": fen_of(value) / 100, "currency": "CNY"}


def release(n: PortalNotice) -> dict[str, Any]:
    """The OCDS release of one notice."""
    v = n.values
    buyer_id = f"CN-BUYER-{n.project_key}"
    out: dict[str, Any] = {
        "ocid": f"ocds-gk0z1x-{v.get('project_no', n.project_key)}", "id": n.ident,
        "date": n.published_at.isoformat() + "+08:00", "tag": [TAGS.get(n.notice_type, "planning")],
        "initiationType": "tender", "language": "zh",
        "buyer": {"id": buyer_id, "name": v.get("buyer")},
        "parties": [{"id": buyer_id, "name": v.get("buyer"), "roles": ["buyer"],
                     "address": {"region": n.region, "countryName": "中国"}}],
        "tender": {"id": v.get("project_no"), "title": n.title},
    }
    if isinstance(v.get("budget"), Decimal):
        out["tender"]["value"] = amount(v["budget"])
    if v.get("method"):
        out["tender"]["procurementMethodDetails"] = v["method"]
    awards = []
    for i, lot in enumerate(v.get("lots") or []):
        if lot.winners:
            org, won = lot.winners[0]
            awards.append({"id": f"{n.ident}-{i}", "status": "active",
                           "suppliers": [{"id": org.uscc, "name": org.name}], "value": amount(won)})
    if awards:
        out["awards"] = awards[:1]
    if isinstance(v.get("contract_amount"), Decimal):
        out["contracts"] = [{"id": f"{n.ident}-c", "value": amount(v["contract_amount"]),
                             "dateSigned": v["contract_signed_at"].isoformat() + "+08:00"}]
    return out


def json_answer(data: dict[str, Any]) -> web.Response:
    return web.json_response(data, dumps=lambda d: json.dumps(d, ensure_ascii=False))


class Ocds(Family):
    name = "ocds"
    routes = (
        ("GET", "/ocds/releases", "releases"),
        ("GET", "/ocds/records", "records"),
    )

    @staticmethod
    def detail_path(c: Copy) -> str:
        return f"/ocds/releases#{c.notice.ident}"  # a release has no page of its own: it is in a package

    def links(self, kind: str, page: int, pages: int) -> dict[str, str]:
        """``links.next``; with faults on, the release packages link one page too far (an empty page)."""
        faults = any(c.fault for c in self.server.catalog.copies)
        if page < pages or (faults and kind == "releases" and page == pages):
            return {"next": f"{self.server.base}/ocds/{kind}?page={page + 1}"}
        return {}

    def package(self, kind: str, page: int, pages: int, items: list[dict[str, Any]]) -> dict[str, Any]:
        return {"uri": f"{self.server.base}/ocds/{kind}?page={page}", "version": "1.1", "publishedDate": PUBLISHED,
                "publisher": {"name": OCDS_PUBLISHER}, kind: items, "links": self.links(kind, page, pages)}

    async def releases(self, request: web.Request) -> web.Response:
        page = int(request.query.get("page", "1"))
        notices = [n for project in self.server.catalog.ocds_projects for n in project]
        size = 5
        pages = math.ceil(len(notices) / size)
        if page > pages:
            return web.Response(body=b"", content_type="application/json")  # the broken last page
        return json_answer(self.package("releases", page, pages,
                                        [release(n) for n in notices[(page - 1) * size: page * size]]))

    async def records(self, request: web.Request) -> web.Response:
        page = int(request.query.get("page", "1"))
        projects = self.server.catalog.ocds_projects
        size = 2
        pages = math.ceil(len(projects) / size)
        if page > pages:
            raise web.HTTPNotFound
        records = []
        for project in projects[(page - 1) * size: page * size]:
            rels = [release(n) for n in project]
            records.append({"ocid": rels[0]["ocid"], "releases": rels,
                            "compiledRelease": {**rels[-1], "tag": ["compiled"]}})
        return json_answer(self.package("records", page, pages, records))
