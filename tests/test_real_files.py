"""The real pages and files in ../shared/data/real, through the parsers and the models."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from collectors.parsers import ParseError
from collectors.parsers.ggzy import parse_b_page
from collectors.parsers.landchina import parse_record, split_records
from models.assemble import Cell, assemble
from models.codelists import Kind, NoticeType
from models.notice import Source
from store.db import Store
from tests.conftest import real_file

SOURCE = Source(platform="test", url="https://example.org/x", fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
                sha256="0" * 64, parser_version="test/1")


def test_landchina_supply_results_decode_and_normalize():
    text = real_file("china", "landchina_old_gongdi_jieguo_html_tables.csv").read_text(encoding="utf-8")
    records = list(split_records(text))
    assert len(records) == 4
    notices = []
    for day, record in records[:3]:
        extracted = parse_record(record)
        extracted.cells["published_at"] = Cell(day)
        out = assemble(Kind.land, extracted.cells, SOURCE)
        assert out.notice is not None, out.problems
        notices.append(out.notice)
    first = notices[0]
    f = first.fields
    assert first.notice_type is NoticeType.result  # a holder and a price
    assert f.e_supervision_no == "4406062019BI7595"
    assert f.supply_method == "协议出让"
    assert f.area_m2 == Decimal("33.25")  # 0.003325 公顷
    assert f.price == Decimal("8987.00")  # 0.8987 万元
    assert f.term_years == 70
    assert f.holder == "雷保全"
    assert first.region is not None
    assert first.region.code == "440606"
    assert first.raw["area_m2"] == "0.003325"  # original text kept
    assert first.title.startswith("容桂-雷保全-住宅")
    assert all(n.fields.supply_method == "协议出让" for n in notices)


def test_landchina_truncated_record_is_a_clear_error():
    text = real_file("china", "landchina_old_gongdi_jieguo_html_tables.csv").read_text(encoding="utf-8")
    _day, last = list(split_records(text))[-1]
    with pytest.raises(ParseError, match="truncated"):
        parse_record(last)


def test_landchina_records_store_as_one_project_each(tmp_path):
    text = real_file("china", "landchina_old_gongdi_jieguo_html_tables.csv").read_text(encoding="utf-8")
    store = Store(tmp_path / "t.db")
    store.init()
    notices = []
    for day, record in list(split_records(text))[:3]:
        extracted = parse_record(record)
        extracted.cells["published_at"] = Cell(day)
        notices.append(assemble(Kind.land, extracted.cells, SOURCE).notice)
    counts = store.ingest(notices)
    assert (counts.new, counts.projects) == (3, 3)
    assert store.conn.execute("SELECT count(*) FROM projects_land WHERE supply_method='协议出让'").fetchone()[0] == 3
    store.close()


def test_ggzy_contract_page_fields():
    html = real_file("china", "ggzy_detail_b_page_procurement_contract.html").read_text(encoding="utf-8")
    extracted = parse_b_page(html, Kind.procurement)
    out = assemble(Kind.procurement, extracted.cells, SOURCE, trust_notice_type=False, lots=extracted.lots)
    assert out.notice is not None, out.problems
    n = out.notice
    assert n.notice_type is NoticeType.contract
    assert n.title.startswith("德清县体育中心")
    assert n.published_at.isoformat() == "2026-03-17T00:32:00+08:00"
    assert n.publisher == "湖州市公共资源交易网"
    assert n.fields.buyer == "德清县体育中心（德清县少年儿童体育学校）"
    assert n.fields.lots[0].winners[0].name == "湖州新国旅外事旅游汽车服务有限公司"
    assert n.fields.contract_amount == Decimal("0")
    assert "zero" in n.flags["contract_amount"]  # the bogus 0元 is kept and flagged
    assert n.fields.contract_term is None  # "年" alone is no term
    assert n.raw["contract_term"] == "年"
    # the page's myareaId (140000, 山西) is stale JS, never data; the region comes from the buyer's name
    assert n.region is not None
    assert n.region.code == "330521"
    assert "合同签署时间" in extracted.unknown or n.fields.contract_signed_at is not None
