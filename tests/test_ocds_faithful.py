"""OCDS taken faithfully or refused clearly (issue 8, item 6): currency kept, notice type from
the content, bid counts, every award and contract, party identifiers, paging, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import scrapy
from scrapy.http import TextResponse

from collectors.items import ErrorItem, NoticeItem
from collectors.parsers import Extracted, Refused
from collectors.parsers.ocds import parse_ocds_bytes
from demo import replay
from models.assemble import assemble
from models.codelists import Kind
from models.notice import Notice, Source
from publish.site import text
from tests.conftest import real_file

SOURCE = Source(platform="OCDS", url="https://example.org/p.json", fetched_at=datetime(2026, 11, 1, tzinfo=UTC),
                sha256="0" * 64, parser_version="ocds/test")


def notices(data: bytes) -> list[Notice]:
    out = []
    for found in parse_ocds_bytes(data):
        assert isinstance(found, Extracted), found
        done = assemble(Kind.procurement, found.cells, SOURCE, lots=found.lots, trust_notice_type=False)
        assert done.notice is not None, done.problems
        out.append(done.notice)
    return out


def only(path: str) -> tuple[Notice, Extracted]:
    data = real_file("ocds", path).read_bytes()
    [found] = parse_ocds_bytes(data)
    [notice] = notices(data)
    return notice, found


def test_jalisco_mxn_compiled_release_is_one_contract_notice():
    # its releases are only links: the compiled release is the notice, not five empty ones
    n, found = only("mx_jalisco_record_package_ocds-xs1qbl-SFIN-03-0007-00-2017.json")
    f = n.fields
    assert found.location == "records[0].compiledRelease"
    assert (n.notice_type.value, n.currency, f.currency) == ("contract", "MXN", "MXN")
    assert (f.budget, f.contract_amount, f.bid_count) == (Decimal("290400.00"), Decimal("179568.00"), 3)
    [lot] = f.lots
    assert [(w.name, w.amount) for w in lot.winners] == [("COMPUCAD, S.A. DE C.V.", Decimal("179568.00"))]
    assert {c.name for c in lot.candidates} == {"ISD SOLUCIONES DE TIC, S.A. DE C.V.",
                                                 "COMPUTER LAND DE OCCIDENTE, S.A. DE C.V."}
    assert f.agent == "SEPAF/DGA | DIR.GRAL. DE ABASTECEMIENTOS (SUB-ADMINISTRACIÓN)"  # procuringEntity
    assert "[PROV-GOB-JAL P00716]" in n.body
    assert "[DEP-GOB-JAL 03-1685]" in n.body
    assert len(found.attachments) == 3
    assert n.region is None  # México is not a Chinese region


def test_canada_cad_contract_keeps_amount_and_amendment():
    n, _ = only("ca_buyandsell_record_ocds-34a6hz-01B68-150512_001_CY.json")
    assert (n.notice_type.value, n.currency, n.fields.contract_amount) == ("contract", "CAD", Decimal("10000.00"))
    assert n.fields.buyer == "Agriculture and Agri-Food Canada"  # empty buyer.name: the party's name_en
    assert "value: 3390.00" in n.body
    assert "[MISC-BUYANDSELLGCCA 01]" in n.body


def test_moldova_messy_empty_amounts_and_tag_contradicted_by_content():
    n, found = only("md_mtender_record_ocds-ngfbwp-17614680.json")
    f = n.fields
    assert n.notice_type.value == "announcement"  # tag says contract; no contract, no award in it
    assert "says contract" in n.body
    assert "tag" in found.unknown
    assert (f.currency, f.budget, f.bid_count, f.lots) == (None, None, None, [])  # '' amounts: nothing stored
    assert f.buyer == "IMSP INSTITUTUL DE MEDICINĂ URGENTĂ"


def test_paraguay_pyg_every_contract_and_both_winners():
    n, _ = only("py_dncp_record_package_274744.json")
    f = n.fields
    assert (n.notice_type.value, n.currency) == ("contract", "PYG")
    assert f.budget == Decimal("940600832.00")
    # two signed contracts (the extension has no value and no signature): their sum, not the last one
    assert f.contract_amount == Decimal("548825024.00") + Decimal("222832000.00")
    [lot] = f.lots
    assert [(w.name, w.amount) for w in lot.winners] == [
        ("GUSTAVO ALBERTO AQUINO ALFIERI", Decimal("548825024.00")),
        ("NELSON FRANCISCO VERA QUINTANA", Decimal("222832000.00"))]
    assert "Registro Único de Contribuyente" in n.body
    assert "368894-1" in n.body
    assert "ampliacion" in n.body


def test_taiwan_non_conformant_release_twd():
    n, _ = only("tw_release_ocid-6as3t2-51179519.json")
    f = n.fields
    assert (n.notice_type.value, n.currency, f.bid_count) == ("result", "TWD", 1)
    assert f.budget == Decimal("326600.00")
    [lot] = f.lots
    assert [(w.name, w.amount) for w in lot.winners] == [("普羅文化股份有限公司", Decimal("326600.00"))]
    assert "[53374962]" in n.body
    assert "[3.76.48.97.88]" in n.body


def test_empty_file_is_refused_with_its_reason():
    data = real_file("ocds", "py_dncp_record_package_283826_EMPTY.json").read_bytes()
    [refused] = parse_ocds_bytes(data, url="https://example.org/empty.json")
    assert isinstance(refused, Refused)
    assert refused.location == "https://example.org/empty.json"
    assert refused.reason.startswith("empty file (0 bytes)")


@pytest.mark.parametrize(("data", "reason"), [
    (b"   \n", "empty file"),
    (b"<html>blocked</html>", "not JSON"),
    (b"[1, 2]", "must be a JSON object, not a list"),
    (b'{"data": []}', "not an OCDS package, record or release"),
    (b'{"releases": []}', "a release package without releases"),
    (b'{"records": []}', "a record package without records"),
    (b'{"records": [{"ocid": "x", "releases": [{"url": "u", "date": "2020-01-01", "tag": ["tender"]}]}]}',
     "linked releases only"),
])
def test_not_ocds_is_refused(data, reason):
    [refused] = parse_ocds_bytes(data)
    assert isinstance(refused, Refused)
    assert reason in refused.reason


UAH = {
    "uri": "https://prozorro.example/api/releases.json", "version": "1.1",
    "publishedDate": "2026-03-01T10:00:00+02:00", "publisher": {"name": "ProZorro"},
    "releases": [{
        "ocid": "ocds-be6bcu-UA-2026-02-10-000123-a", "id": "r1", "date": "2026-03-01T10:00:00+02:00",
        "tag": ["award", "contract"], "language": "uk",
        "buyer": {"id": "UA-EDR-00000001", "name": "Київська міська рада"},
        "parties": [
            {"id": "UA-EDR-00000001", "name": "Київська міська рада", "roles": ["buyer", "procuringEntity"],
             "identifier": {"scheme": "UA-EDR", "id": "00000001"}, "address": {"countryName": "Україна"}},
            {"id": "UA-EDR-11111111", "name": "ТОВ Будівельник", "roles": ["tenderer", "supplier"],
             "identifier": {"scheme": "UA-EDR", "id": "11111111"}},
            {"id": "UA-EDR-22222222", "name": "ТОВ Дороги", "roles": ["tenderer", "supplier"],
             "identifier": {"scheme": "UA-EDR", "id": "22222222"}},
            {"id": "CN-USCC-91110000802100433B", "name": "中国建筑股份有限公司", "roles": ["tenderer"],
             "identifier": {"scheme": "CN-USCC", "id": "91110000802100433B"}},
        ],
        "tender": {
            "id": "t1", "title": "Ремонт доріг", "status": "complete", "value": {"amount": 1500000.50, "currency": "UAH"},
            "numberOfTenderers": 3,
            "lots": [{"id": "L1", "title": "Лот 1"}, {"id": "L2", "title": "Лот 2"}],
            "tenderers": [{"id": "UA-EDR-11111111"}, {"id": "UA-EDR-22222222"}, {"id": "CN-USCC-91110000802100433B"}],
        },
        "bids": {"details": [{"id": "b3", "value": {"amount": 990000, "currency": "UAH"},
                              "tenderers": [{"id": "CN-USCC-91110000802100433B"}]}]},
        "awards": [
            {"id": "a1", "status": "active", "relatedLots": ["L1"], "value": {"amount": 700000.25, "currency": "UAH"},
             "suppliers": [{"id": "UA-EDR-11111111", "name": "ТОВ Будівельник"}]},
            {"id": "a2", "status": "active", "relatedLots": ["L2"], "value": {"amount": 650000, "currency": "UAH"},
             "suppliers": [{"id": "UA-EDR-22222222", "name": "ТОВ Дороги"}]},
        ],
        "contracts": [{"id": "c1", "awardID": "a1", "status": "active", "dateSigned": "2026-02-28T12:00:00+02:00",
                       "value": {"amount": 700000.25, "currency": "UAH"}},
                      {"id": "c2", "awardID": "a2", "status": "pending", "value": {"amount": 650000, "currency": "UAH"}}],
    }],
}


def test_ukrainian_release_keeps_hryvnia_two_awards_and_signed_contract():
    [n] = notices(json.dumps(UAH, ensure_ascii=False).encode())
    f = n.fields
    assert (n.notice_type.value, n.currency, f.currency) == ("contract", "UAH", "UAH")
    assert f.budget == Decimal("1500000.50")  # exact, never converted
    assert f.contract_amount == Decimal("700000.25")  # only the signed contract
    assert f.contract_signed_at.isoformat() == "2026-02-28T18:00:00+08:00"
    assert f.bid_count == 3
    assert [(lot.name, [(w.name, w.amount) for w in lot.winners]) for lot in f.lots[:2]] == [
        ("Лот 1", [("ТОВ Будівельник", Decimal("700000.25"))]), ("Лот 2", [("ТОВ Дороги", Decimal("650000.00"))])]
    # the losing bidder is kept with its bid, its USCC validated from the CN-USCC identifier
    bidders = [c for lot in f.lots for c in lot.candidates]
    assert [(c.name, c.uscc, c.amount) for c in bidders] == [
        ("中国建筑股份有限公司", "91110000802100433B", Decimal("990000.00"))]
    assert n.region is None
    assert "[UA-EDR 11111111]" in n.body
    assert "[CN-USCC 91110000802100433B]" in n.body
    assert "c2 (pending): 650000.00 UAH" in n.body


def test_release_types_from_content():
    base = {"ocid": "ocds-x-1", "id": "1", "date": "2026-01-01T00:00:00Z", "tender": {"title": "t"}}
    cases = [
        ({"tag": ["tender"], "tender": {"title": "t", "status": "cancelled"}}, "termination"),
        ({"tag": ["tender"], "tender": {"title": "t", "status": "unsuccessful"}}, "termination"),
        ({"tag": ["award"], "awards": [{"id": "a", "status": "active", "suppliers": [{"name": "S"}]}]}, "result"),
        ({"tag": ["award"], "awards": [{"id": "a", "status": "pending", "suppliers": [{"name": "S"}]}]}, "candidates"),
        ({"tag": ["tender"], "contracts": [{"id": "c", "dateSigned": "2026-01-01"}]}, "contract"),
        ({"tag": ["contract"], "contracts": [{"id": "c", "status": "terminated"}]}, "contract"),
        ({"tag": ["planning"], "planning": {"budget": {}}}, "announcement"),
        ({"tag": ["tenderAmendment"]}, "correction"),
    ]
    for extra, expected in cases:
        [found] = parse_ocds_bytes(json.dumps({**base, **extra}).encode())
        assert found.cells["notice_type"].value == expected, extra


def test_amounts_not_stored_are_said():
    release = {"ocid": "ocds-x-2", "id": "1", "date": "2026-01-01T00:00:00Z", "tag": ["tender"],
               "tender": {"title": "t", "value": {"amount": 100}},
               "awards": [{"id": "a", "status": "active", "value": {"amount": 5, "currency": "EUR"}, "suppliers": []}]}
    [found] = parse_ocds_bytes(json.dumps(release).encode())
    assert "budget" not in found.cells
    assert "currency" not in found.cells
    assert "without a currency" in found.unknown["tender.value"]
    assert "without suppliers" in found.unknown["awards[0].value"]
    # the first stored amount decides the currency
    release["tender"]["value"]["currency"] = "USD"
    release["awards"][0]["suppliers"] = [{"name": "S"}]
    [found] = parse_ocds_bytes(json.dumps(release).encode())
    assert found.cells["currency"].value == "USD"
    assert "a second currency" in found.unknown["awards[0].value"]


def test_cny_notice_keeps_its_content_hash_shape():
    [n] = notices(json.dumps({**UAH["releases"][0], "tender": {
        "title": "t", "value": {"amount": 100, "currency": "CNY"}}, "awards": [], "contracts": []}).encode())
    assert n.currency == "CNY"
    assert n.fields.currency is None
    assert "currency" not in n.content()["fields"]
    assert "currency" not in n.model_dump()["fields"]
    assert n.fields.budget == Decimal("100.00")


def test_money_shows_the_currency_code():
    assert text.money(1000000, "zh", fen=True, currency="UAH") == "10,000.00 UAH"
    assert text.money("10000", "zh") == "10,000.00 元（1 万元）"
    assert text.money("10000", "zh", currency="CNY") == "10,000.00 元（1 万元）"


def _spider_outputs(body: dict | bytes, url: str = "http://portal.test/ocds/releases?page=1") -> list:
    spider = replay.spider("ocds")
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = TextResponse(url=url, body=data, encoding="utf-8", request=scrapy.Request(url, meta={"retry_times": 99}))
    with replay.fixed_clock():
        return list(spider.parse_package(response)), spider


@pytest.mark.parametrize("paging", [{"links": {"next": "/ocds/releases?page=2"}}, {"next_page": "?page=2"},
                                    {"links": {"next_page": {"url": "http://portal.test/ocds/releases?page=2"}}}])
def test_spider_follows_next_page(paging):
    out, _ = _spider_outputs({**UAH, **paging})
    [request] = [o for o in out if isinstance(o, scrapy.Request)]
    assert request.url == "http://portal.test/ocds/releases?page=2"
    [item] = [o for o in out if isinstance(o, NoticeItem)]
    assert item.cells["currency"].value == "UAH"


@pytest.mark.parametrize(("paging", "reason"), [
    ({"links": {"next": "ftp://portal.test/p2"}}, "not an http(s) link"),
    ({"links": {"next": 2}}, "is not a link"),
    ({"links": {"next": "http://portal.test/ocds/releases?page=1"}}, "a page already read"),
])
def test_spider_says_why_a_next_page_is_not_followed(paging, reason):
    out, _ = _spider_outputs({**UAH, **paging})
    assert not [o for o in out if isinstance(o, scrapy.Request)]
    [error] = [o for o in out if isinstance(o, ErrorItem)]
    assert reason in error.reason
    assert error.field.endswith(("next", "next_page"))


def test_spider_refuses_a_json_answer_that_is_not_ocds():
    out, _ = _spider_outputs({"status": "ok", "items": []})
    [error] = out
    assert isinstance(error, ErrorItem)
    assert "not an OCDS package" in error.reason


def test_store_keeps_the_currency_beside_the_totals(store):
    store.ingest(notices(json.dumps(UAH, ensure_ascii=False).encode()))
    row = store.conn.execute("SELECT currency, budget_yuan, award_total_yuan, contract_amount_yuan, bid_count"
                             " FROM projects_procurement").fetchone()
    assert row == ("UAH", "1500000.50", "1350000.25", "700000.25", 3)
