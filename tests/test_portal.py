"""The imitation portal serves the real shapes over real HTTP, faults included."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.parse
import urllib.request

import pytest
from aiohttp.test_utils import make_mocked_request

from collectors.middlewares import retry_after_seconds
from collectors.run import spider_classes
from demo.portal import running
from demo.portal.app import Portal
from demo.portal.base import label_for
from demo.portal.catalog import GGZY_STAGES, build_catalog
from demo.portal.families import FAMILIES
from models.assemble import specs_for
from models.codelists import GGZY_CLASSIFY, Kind


@pytest.fixture(scope="module")
def portal():
    with running(result_cap=30) as p:
        yield p.url


def post(url, data, *, as_json=False):
    body = json.dumps(data).encode() if as_json else urllib.parse.urlencode(data).encode()
    headers = {"Content-Type": "application/json" if as_json else "application/x-www-form-urlencoded"}
    with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=10) as r:  # noqa: S310
        return json.load(r)


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310
        return r.status, r.headers, r.read()


def test_robots_txt_is_served(portal):
    status, _h, body = get(portal + "/robots.txt")
    assert status == 200
    assert b"User-agent: *" in body


def test_ggzy_list_answers_in_the_real_shape_and_caps_totals(portal):
    answer = post(portal + "/information/pubTradingInfo/getTradList", {"DEAL_CLASSIFY": "01", "PAGENUMBER": "1"})
    assert answer["code"] == 200
    assert set(answer["data"]) >= {"records", "total", "size", "current", "pages"}
    assert answer["data"]["total"] == 30  # more notices than the cap: the total stops at the cap
    record = answer["data"]["records"][0]
    assert record["url"].startswith("/information/deal/html/a/")
    assert len(record["informationType"]) == 4


def test_epoint_pn_is_an_offset(portal):
    url = portal + "/inteligentsearch/rest/inteligentSearch/getFullTextData"
    cond = [{"fieldName": "categorynum", "equal": "003001"}]
    first = post(url, {"pn": 0, "rn": 5, "condition": cond}, as_json=True)["result"]
    second = post(url, {"pn": 5, "rn": 5, "condition": cond}, as_json=True)["result"]
    assert first["totalcount"] == second["totalcount"] > 5
    assert not {r["infoid"] for r in first["records"]} & {r["infoid"] for r in second["records"]}


def test_gbk_pages_are_encoded_and_labelled(portal):
    catalog = build_catalog()
    copy = next(c for c in catalog.copies if c.fault == "gbk" and c.platform == "ccgp")
    _s, headers, body = get(portal + Portal.detail_path(copy))
    assert "charset=gbk" in headers["Content-Type"].lower()
    assert copy.notice.title in body.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_data_loss_page_closes_before_its_content_length(portal):
    catalog = build_catalog()
    copy = next(c for c in catalog.copies if c.fault == "dataloss")
    host, port = urllib.parse.urlsplit(portal).hostname, urllib.parse.urlsplit(portal).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"GET {Portal.detail_path(copy)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    assert 0 < len(body) < length


def test_every_spider_has_its_portal_family_and_every_family_its_spider():
    assert set(FAMILIES) == set(spider_classes())


@pytest.fixture(scope="module")
def assembled():
    portal = Portal(build_catalog())
    return portal, portal.app()


@pytest.mark.parametrize("name", list(FAMILIES))
def test_each_family_serves_every_copy_of_its_platform_at_its_own_routes(assembled, name):
    portal, app = assembled
    family = next(f for f in portal.families if f.name == name)
    copies = portal.catalog.on(name)
    assert copies, f"the catalog puts nothing on {name}"
    declared = sorted((method, handler) for method, _path, handler in family.routes)
    served = sorted((r.method, getattr(r.handler, "__name__", "")) for r in app.router.routes()
                    if getattr(r.handler, "__self__", None) is family and r.method != "HEAD")  # HEAD: GET's twin
    assert served == declared

    async def handler_of(path: str):
        for method in ("GET", "POST"):  # a page, or an API answer (landchina's detail is a POST)
            match = await app.router.resolve(make_mocked_request(method, path))
            if match.http_exception is None:  # not a 404 or 405
                return match.handler
        return None

    for c in copies:
        path = portal.detail_path(c)
        assert portal.by_path[path] is c  # one path per copy, over every family
        handler = asyncio.run(handler_of(path.split("#", 1)[0]))
        assert getattr(handler, "__self__", None) is family, f"{path} is not served by the {name} family"


def test_ggzy_stage_codes_name_their_kind_through_the_one_classify_table():
    for kind, stages in GGZY_STAGES.items():
        for code, _text in stages.values():
            assert GGZY_CLASSIFY[code[:2]] is kind, (kind, code)


def test_ggzy_list_filters_by_classify_as_the_spider_reads_it(portal):
    catalog = build_catalog()
    kinds = {c.notice.ident: c.notice.kind for c in catalog.on("ggzy")}
    for code, kind in GGZY_CLASSIFY.items():
        records = post(portal + "/information/pubTradingInfo/getTradList",
                       {"DEAL_CLASSIFY": code, "PAGENUMBER": "1"})["data"]["records"]
        assert records, f"no {kind} notice on ggzy"
        for record in records:
            assert record["businessType"] == code
            assert GGZY_CLASSIFY[record["informationType"][:2]] is kind  # the spider's reading of the kind
            assert kinds[record["id"][-32:]] is kind


def test_every_field_label_reads_back_as_its_field():
    for kind in Kind:
        for name in specs_for(kind):
            if name in ("title", "published_at", "publisher", "body", "region_code", "region", "notice_type",
                        "source_url"):
                continue
            assert label_for(kind, name)  # raises when no label round-trips


def test_retry_after_header_forms():
    assert retry_after_seconds(b"3") == 3.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("garbage") is None
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 01 Jan 2026 00:00:30 GMT", now) == 30.0
