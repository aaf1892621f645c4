"""List and record APIs of the portals, read as notices (source-formats.md §1.2, §1.4).

- Epoint full-text search (``{"result": {"totalcount", "records": [{title, infodate, categorynum,
  zhuanzai, linkurl …}]}}``): one short notice per record (title, time, region, link); the
  detail page holds the rest.
- Epoint WebBuilder record lists (``getSecInfoListYzm``: records with ``infocontent`` HTML): the
  notice body is HTML inside the JSON and is read by the page reader.
- The national platform's ``getTradList`` (``{code, data: {records: [...]}}``).
"""

from __future__ import annotations

from typing import Any

from collectors.parsers import Extracted, ParseError, Refused
from collectors.parsers.generic import region_in
from collectors.parsers.pages import guess_kind, parse_page
from models.assemble import Cell
from models.codelists import GGZY_CLASSIFY, Kind

# Epoint categorynum prefixes (Jiangsu and most Epoint sites; source-formats.md §1.4).
EPOINT_CATEGORIES: dict[str, Kind] = {
    "003001": Kind.tender, "003002": Kind.procurement, "003004": Kind.procurement, "003013": Kind.land,
    "003006": Kind.state_asset, "003003": Kind.land, "003005": Kind.state_asset,
}


def _records(data: Any) -> tuple[str, list[dict]] | None:
    if isinstance(data, dict):
        result = data.get("result")
        if isinstance(result, dict) and isinstance(result.get("records"), list):
            return "epoint", result["records"]
        inner = data.get("data")
        if isinstance(inner, dict) and isinstance(inner.get("records"), list) and "code" in data:
            return "ggzy", inner["records"]
        if isinstance(data.get("records"), list):
            return "epoint", data["records"]
        if isinstance(data.get("custom"), dict) and isinstance(data["custom"].get("infodata"), list):
            return "epoint", data["custom"]["infodata"]
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data) and any(
            "infocontent" in r or "categorynum" in r for r in data):
        return "epoint", data
    return None


_CONTENT_KEYS = ("content", "articleContent", "infocontent", "noticeContent", "html", "htmlContent", "detail")
_TITLE_KEYS = ("title", "articleTitle", "noticeTitle", "name", "titlenew")
_TIME_KEYS = ("publishDate", "publishTime", "pubDate", "releaseDate", "infodate", "webdate", "noticeTime", "createTime")
_FIELD_KEYS = {  # detail APIs (政采云 portal/detail and the like): key → the label the models know
    "projectCode": "项目编号", "projectNo": "项目编号", "projectName": "项目名称", "procurementMethod": "采购方式",
    "purchaseMethod": "采购方式", "budget": "预算金额", "buyerName": "采购人", "purchaserName": "采购人",
    "agencyName": "代理机构",
}


def _article(data: Any, depth: int = 0) -> dict | None:
    """The object of a detail API answer that holds one notice: a title and its HTML content."""
    if depth > 4:
        return None
    if isinstance(data, dict):
        if any(isinstance(data.get(k), str) and "<" in data[k] and len(data[k]) > 100 for k in _CONTENT_KEYS) and any(
                isinstance(data.get(k), str) and data[k].strip() for k in _TITLE_KEYS):
            return data
        for value in data.values():
            if isinstance(value, dict | list) and (found := _article(value, depth + 1)) is not None:
                return found
    elif isinstance(data, list) and len(data) == 1:
        return _article(data[0], depth + 1)
    return None


def _detail(article: dict, url: str | None) -> Extracted:
    title = _text(article, *_TITLE_KEYS)
    html = _text(article, *_CONTENT_KEYS)
    ex = parse_page(f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{html}</body></html>", url=url)
    from collectors.parsers.generic import field_of

    for key, label in _FIELD_KEYS.items():
        value = _text(article, key)
        found = field_of(ex.kind, label) if value else None
        if found and found[0] not in ex.cells:
            ex.cells[found[0]] = Cell(value, found[1])
    when = _text(article, *_TIME_KEYS)
    if when:
        ex.cells["published_at"] = Cell(when)
    code = _text(article, "districtCode", "regionCode", "areaCode", "xiaqucode")[:6]
    if len(code) == 6 and code.isdigit():
        ex.cells["region_code"] = Cell(code)
        ex.cells.pop("region", None)
    return ex


def parse_api(data: Any, *, url: str | None = None) -> list[Extracted | Refused] | None:
    """The notices of a list or detail API answer, or None when the JSON is no API answer we know."""
    found = _records(data)
    if found is None:
        article = _article(data)
        if article is None:
            return None
        try:
            return [_detail(article, url)]
        except ParseError as exc:
            return [Refused("record 1", str(exc))]
    family, records = found
    out: list[Extracted | Refused] = []
    for i, record in enumerate(records):
        where = f"record {i + 1}"
        if not isinstance(record, dict):
            out.append(Refused(where, "a list record must be an object"))
            continue
        try:
            out.append(_epoint(record, url) if family == "epoint" else _ggzy(record))
        except ParseError as exc:
            out.append(Refused(where, str(exc)))
            continue
        out[-1].location = where
    return out


def _text(record: dict, *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _epoint(record: dict, url: str | None) -> Extracted:
    title = _text(record, "title", "titlenew", "customtitle")
    if not title:
        raise ParseError("a record without a title")
    category = _text(record, "categorynum", "categoryNum")
    kind = next((k for prefix, k in EPOINT_CATEGORIES.items() if category.startswith(prefix)), None)
    when = _text(record, "infodatepx", "pubinwebdate", "infodate", "webdate")
    html = _text(record, "infocontent", "content")
    if "<" in html and len(html) > 200:
        ex = parse_page(f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{html}</body></html>",
                        url=url, kind=kind)
    else:
        ex = Extracted({"title": Cell(title)}, kind=kind or guess_kind(title, html))
        ex.body_text = html
    ex.cells["title"] = Cell(title)
    if when:
        ex.cells["published_at"] = Cell(when)
    link = _text(record, "linkurl", "infourl")
    if link and url and url.startswith("http"):
        from urllib.parse import urljoin

        ex.cells.setdefault("source_url", Cell(urljoin(url, link)))
    area = _text(record, "xiaqucode", "areacode")
    if len(area) == 6 and area.isdigit():
        ex.cells["region_code"] = Cell(area)
        ex.cells.pop("region", None)
    elif "region_code" not in ex.cells:
        code = region_in([_text(record, "zhuanzai", "xiaquname", "areaname"), title])
        if code:
            ex.cells["region_code"] = Cell(code)
    publisher = _text(record, "zhuanzainew", "infosource")
    if publisher:
        ex.cells.setdefault("publisher", Cell(publisher))
    if kind:
        ex.kind = kind
    return ex


def _ggzy(record: dict) -> Extracted:
    title = _text(record, "title", "noticeTitle")
    if not title:
        raise ParseError("a record without a title")
    classify = _text(record, "classify", "dealClassify", "businessType")[:2]
    kind = GGZY_CLASSIFY.get(classify) or guess_kind(title, "")
    ex = Extracted({"title": Cell(title)}, kind=kind)
    when = _text(record, "publishTime", "noticeSendTime", "createTime", "timeShow")
    if when:
        ex.cells["published_at"] = Cell(when)
    region = _text(record, "provinceText", "province", "districtShow")
    code = region_in([_text(record, "districtShow", "cityText"), region, title])
    if code:
        ex.cells["region_code"] = Cell(code)
    link = _text(record, "url", "linkurl")
    if link.startswith("http"):
        ex.cells["source_url"] = Cell(link)
    return ex
