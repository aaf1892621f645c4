"""中国土地市场网 (spider ``landchina``): the 供地结果 list and detail JSON API."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from aiohttp import web

from collectors.parsers import landchina_api
from demo.generate import area_units, wan_text
from demo.portal.base import Family
from demo.portal.catalog import Copy, value_kind
from models.fields import ValueKind


class Landchina(Family):
    name = "landchina"
    routes = (
        ("POST", "/tGdxm/result/list", "listing"),
        ("POST", "/tGdxm/result/detail", "detail"),
    )

    @staticmethod
    def detail_path(c: Copy) -> str:
        return f"/tGdxm/result/detail#{c.notice.ident}"  # one API path; the record is the body's gdGuid

    async def listing(self, request: web.Request) -> web.Response:
        try:
            query = await request.json()
            num, size = int(query.get("pageNum", 1)), int(query.get("pageSize", 10))
        except (ValueError, TypeError, json.JSONDecodeError):
            return web.json_response({"code": 400, "msg": "参数错误", "data": None})
        rows = self.copies()
        items = [{"gdGuid": c.notice.ident, "xmMc": c.notice.values.get("project_name"),
                  "xzqFullName": c.notice.region, "xzqDm": c.notice.region_code,
                  "tdYt": c.notice.values.get("land_use"), "gyFs": c.notice.values.get("supply_method"),
                  "fbSj": c.notice.published_at.strftime("%Y-%m-%dT%H:%M:%S")} for c in rows[(num - 1) * size: num * size]]
        return web.json_response({"code": 200, "msg": "success", "data": {
            "list": items, "total": len(rows), "pageNum": num, "pageSize": size,
            "hasNextPage": num * size < len(rows)}})

    async def detail(self, request: web.Request) -> web.StreamResponse:
        try:
            guid = (await request.json()).get("gdGuid", "")
        except (ValueError, json.JSONDecodeError):
            return web.json_response({"code": 400, "msg": "参数错误", "data": None})
        c = self.server.by_path.get(f"/tGdxm/result/detail#{guid}")
        if c is None:
            return web.json_response({"code": 404, "msg": "记录不存在", "data": None})
        fault = await self.server.faulted(c, f"landchina:{guid}")
        if fault is not None:
            return fault
        n = c.notice
        data: dict[str, Any] = {"gdGuid": guid, "xzqDm": n.region_code, "xzqFullName": n.region,
                                "fbSj": n.published_at.strftime("%Y-%m-%dT%H:%M:%S")}
        for name, value in n.values.items():
            key = landchina_api.FIELD_KEY.get(name)
            if key is None:
                continue
            if isinstance(value, Decimal) and value_kind(n.kind, name) is ValueKind.area:
                data[key] = area_units(value, "公顷")  # six places, no unit (the unit is the key's)
            elif isinstance(value, Decimal):  # 万元
                data[key] = wan_text(value)
            elif isinstance(value, date):
                data[key] = value.strftime("%Y-%m-%dT00:00:00")
            else:
                data[key] = value
        relate = [{"srDw": data.pop("srr")}] if n.index % 2 and "srr" in data else []
        return web.json_response({"code": 200, "msg": "success", "data": data, "relate": relate})
