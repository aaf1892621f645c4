"""The one definition of a disclosure: every kind, field and codelist checked in a loop."""

from __future__ import annotations

from collections import Counter

import pytest

from models.assemble import specs_for
from models.codelists import KIND_LABELS, NOTICE_TYPE_LABELS, Kind, NoticeType, notice_type_from_title
from models.fields import ValueKind, specs_of
from models.identity import core_title, party_id, project_id
from models.kinds import AREA_MODELS
from models.normalize.text import match_key
from models.project import compile_project
from store.schema import area_columns, ddl


@pytest.mark.parametrize("kind", list(Kind))
def test_every_field_is_documented_and_labelled(kind):
    specs = specs_for(kind)
    assert len(specs_of(AREA_MODELS[kind])) >= 5
    for name, spec in specs.items():
        assert spec.description, name
        assert spec.labels, name
        assert all(spec.labels), name
        if spec.value is ValueKind.choice:
            assert spec.choices, name
        if spec.uscc_of:
            assert spec.uscc_of in specs, name
            assert specs[spec.uscc_of].role, name
    assert kind in KIND_LABELS


@pytest.mark.parametrize("kind", list(Kind))
def test_labels_are_unambiguous_within_a_kind(kind):
    keys = Counter()
    for name, spec in specs_for(kind).items():
        keys.update({match_key(name)} | {match_key(label) for label in spec.labels})
    # a label used by two fields of the same kind would map a header arbitrarily
    owners: dict[str, set[str]] = {}
    for name, spec in specs_for(kind).items():
        for label in spec.labels:
            owners.setdefault(match_key(label), set()).add(name)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_a_typed_table(kind):
    cols = [c for c, _t, _s in area_columns(kind)]
    assert f"CREATE TABLE IF NOT EXISTS projects_{kind.value}" in ddl()
    money = [n for n, s in specs_of(AREA_MODELS[kind]).items() if s.value is ValueKind.money]
    assert money
    assert all(f"{m}_fen" in cols for m in money)


def test_every_notice_type_has_labels():
    assert set(NOTICE_TYPE_LABELS) == set(NoticeType)


@pytest.mark.parametrize(("title", "expected"), [
    ("某某医院设备采购项目中标结果公告", NoticeType.result),
    ("某某医院设备采购项目更正公告", NoticeType.correction),
    ("某道路工程中标候选人公示", NoticeType.candidates),
    ("某项目终止公告", NoticeType.termination),
    ("关于某项目流标的公告", NoticeType.termination),
    ("某某采购合同", NoticeType.contract),
    ("某地块国有建设用地使用权挂牌出让公告", NoticeType.announcement),
    ("说明", None),
])
def test_notice_type_from_title(title, expected):
    assert notice_type_from_title(title) == expected


def test_project_id_is_shared_across_a_lifecycle():
    a = project_id(Kind.procurement, "330000", identifiers=["ZJ-2026-001"], title="X公告", publisher="A")
    b = project_id(Kind.procurement, "330000", identifiers=["zj-2026-001 "], title="X中标公告", publisher="B")
    c = project_id(Kind.procurement, "110000", identifiers=["ZJ-2026-001"], title="X公告", publisher="A")
    assert a == b != c
    t1 = project_id(Kind.tender, None, identifiers=[], title="某道路工程招标公告", publisher="某局")
    t2 = project_id(Kind.tender, None, identifiers=[], title="某道路工程中标候选人公示", publisher="某局")
    assert t1 == t2
    assert core_title("某项目（项目编号：A-1）中标结果公告") == "某项目"


def test_party_id_prefers_the_credit_code():
    assert party_id("某公司", "91110000600037341L") == "91110000600037341L"
    assert party_id("某 公司", None) == party_id("某公司", None) != party_id("另一公司", None)


def _notice(ntype: str, when: str, **fields):
    return {"kind": "procurement", "notice_type": ntype, "title": f"X{ntype}", "publisher": "A",
            "published_at": when, "region": None, "project_no": "P1", "project_name": None,
            "fields": {"kind": "procurement", **fields}}


def test_compile_applies_notices_in_date_order():
    notices = [
        _notice("result", "2026-02-01T00:00:00+08:00",
                lots=[{"name": None, "winners": [{"name": "甲", "amount": "10.00"}], "candidates": []}]),
        _notice("announcement", "2026-01-01T00:00:00+08:00", budget="100.00", method="公开招标"),
        _notice("correction", "2026-01-05T00:00:00+08:00", budget="120.00"),
    ]
    p = compile_project("p", notices)
    assert p.status.value == "awarded"
    assert p.amended
    assert p.correction_count == 1
    assert p.fields["budget"] == "120.00"
    assert p.fields["method"] == "公开招标"
    assert [(x.role.value, x.name, x.amount) for x in p.parties if x.role.value == "winner"] == [("winner", "甲", "10.00")]
    terminated = compile_project("p", [*notices, _notice("termination", "2026-03-01T00:00:00+08:00")])
    assert terminated.status.value == "terminated"
    # a correction published at the same time as what it corrects still comes after it
    same = compile_project("p", [_notice("correction", "2026-01-01T00:00:00+08:00", budget="2.00"),
                                 _notice("announcement", "2026-01-01T00:00:00+08:00", budget="1.00")])
    assert same.fields["budget"] == "2.00"


@pytest.mark.parametrize("kind", list(Kind))
def test_derived_facts_are_declared_once(kind):
    # the lot summary columns of the store are LOT_SUMMARY's, and every headline amount is a money column
    from models.kinds import HEADLINE_AMOUNTS, LOT_SUMMARY, LOTS_FIELD, awarded_amount_column

    cols = [c for c, _t, _s in area_columns(kind)]
    summary = [c.column for c in LOT_SUMMARY]
    assert (cols[-len(summary):] == summary) if LOTS_FIELD[kind] else not set(summary) & set(cols)
    for name in HEADLINE_AMOUNTS[kind]:
        assert f"{name}_fen" in cols, name
    assert awarded_amount_column(kind) == f"{HEADLINE_AMOUNTS[kind][0]}_fen"


def test_lot_summary_and_labels():
    from models.codelists import kind_label, notice_type_label
    from models.kinds import lot_summary

    lots = [{"winners": [{"name": "甲", "amount": "1.50"}, {"name": "乙"}], "candidates": [{}, {}]},
            {"winners": [{"name": "甲", "amount": "2"}]}]
    assert lot_summary(lots) == (2, "甲；乙", 350, 2)
    assert lot_summary([]) == (0, None, None, 0)
    assert (kind_label("land"), kind_label("land", "en"), kind_label("x")) == ("国有土地使用权出让", "State-owned land-use rights", "x")
    assert (notice_type_label("correction"), notice_type_label("correction", "en")) == ("更正公告", "Correction")
