"""Every label of the reference's field tables resolves as a submission header of its area.

The tables of ``../shared/reference/source-formats.md`` (§3.3 land, §4 mining, §5 procurement,
§6.1 tenders, §6.2 state assets) list the labels people print; a submission or a page that uses
one of them must never be refused as an unknown column. A label naming no fact the models keep
is declared ignored (with its reason) in ``collectors.importers.headers.IGNORED_LABELS``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from collectors.importers.headers import resolve
from models.assemble import Cell, assemble
from models.codelists import Kind
from tests.conftest import SHARED
from tests.test_field_tables import SOURCE

REFERENCE = SHARED / "reference" / "source-formats.md"
SECTION_KIND = {"3.3": Kind.land, "4": Kind.mining, "5": Kind.procurement, "6.1": Kind.tender, "6.2": Kind.state_asset}
_HEADING = re.compile(r"^#{2,3}\s+(\d+(?:\.\d+)?)\.?\s")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_UNIT = re.compile(r"[（(](万元|元|公顷|平方米|平方千米)[)）]")


def _drop_notes(cell: str) -> str:
    """Remove parenthesised notes, nested ones too (``(更正公告)``, ``(of winner)``); keep a unit (``(万元)``)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(cell):
        if ch in "(（":
            if depth == 0:
                out.append(cell[start:i])
                start = i
            depth += 1
        elif ch in ")）" and depth:
            depth -= 1
            if depth == 0:
                group = cell[start:i + 1]
                out.append(group if _UNIT.fullmatch(group) else " ")
                start = i + 1
    out.append(cell[start:])
    return re.sub(r" +(?=[（(])", "", "".join(out)).strip()


def _slashes(part: str) -> list[str]:
    out: list[str] = []
    for spaced in re.split(r"\s+/\s+", part):  # "A / B": two labels
        items = [x.strip() for x in spaced.split("/") if x.strip()]
        if len(items) > 1 and len(items[0]) >= 4 and all(len(x) <= 2 for x in items[1:]):
            # "项目审批/核准/备案": 项目审批, 项目核准, 项目备案
            items = [items[0], *(items[0][:-len(x)] + x for x in items[1:])]
        out += items
    return out


def expand(cell: str) -> list[str]:
    """The labels one first-column cell names: ``A / B`` → A, B; ``约定容积率 下限/上限`` → both bounds;
    ``中标人/竞得人 名称`` → 中标人名称, 竞得人名称; ``X + Y`` and ``X: Y`` → X, Y."""
    cell = _drop_notes(cell.replace("**", "").strip())
    out: list[str] = []
    for part in re.split(r"\s*\+\s*|\s*[:：]\s*", cell):
        prefixed = re.fullmatch(r"(\S+)\s+(\S+/\S+)", part)
        suffixed = re.fullmatch(r"(\S+/\S+)\s+(\S+)", part)
        if prefixed:
            out += [prefixed.group(1) + x for x in prefixed.group(2).split("/")]
        elif suffixed:
            out += [x + suffixed.group(2) for x in suffixed.group(1).split("/")]
        else:
            out += [re.sub(r"\s+", "", x) for x in _slashes(part)]
    return [x for x in out if _CJK.search(x)]


def table_labels(path: Path) -> list[tuple[Kind, str, str]]:
    """(area, label, the cell it came from) for every first-column cell of the field tables."""
    out: list[tuple[Kind, str, str]] = []
    kind: Kind | None = None
    at_header = True
    is_field_table = False
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading:
            kind, at_header = SECTION_KIND.get(heading.group(1)), True
            continue
        if not line.startswith("|"):
            at_header = True
            continue
        if kind is None:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if at_header:
            at_header, is_field_table = False, cells[0].startswith("中文")
            continue
        if is_field_table and not set(cells[0]) <= set("-: "):
            out += [(kind, label, cells[0]) for label in expand(cells[0])]
    return out


@pytest.fixture(scope="module")
def labels() -> list[tuple[Kind, str, str]]:
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE} is absent (../shared is not beside this checkout)")
    return table_labels(REFERENCE)


def test_the_walker_reads_every_field_table(labels):
    kinds = {k for k, _l, _c in labels}
    assert kinds == set(Kind)
    found = {label for _k, label, _c in labels}
    # cells written in every shape the tables use
    assert {"约定容积率下限", "约定容积率上限", "中标人名称", "竞得人名称", "中标供应商名称", "更正日期", "首次公告日期",
            "成交价格(万元)", "面积(公顷)", "实际开工时间", "挂牌起止日期", "开标时间"} <= found
    assert len(labels) >= 145


def test_every_label_resolves_as_a_header_of_its_area(labels):
    unresolved = []
    for kind, label, cell in labels:
        header_map = resolve(kind, [label])
        if header_map.problems:
            unresolved.append(f"{kind.value}: {label} (from {cell!r}): {header_map.problems[0][1]}")
    assert not unresolved, f"{len(unresolved)} of {len(labels)} labels do not resolve:\n" + "\n".join(unresolved)


@pytest.mark.parametrize(("kind", "label", "field"), [
    (Kind.procurement, "中标供应商名称", "winner"),
    (Kind.procurement, "更正事项", "correction"),
    (Kind.procurement, "更正内容", "correction"),
    (Kind.procurement, "更正日期", "correction_date"),
    (Kind.procurement, "首次公告日期", "original_published_at"),
    (Kind.procurement, "评审专家名单", "experts"),
    (Kind.procurement, "评审报价", "award_amount"),
    (Kind.procurement, "公告期限", "notice_period"),
    (Kind.procurement, "拟定供应商", "proposed_supplier"),
    (Kind.procurement, "废标情形", "failure_reason"),
    (Kind.tender, "开标时间", "bid_deadline"),
    (Kind.tender, "投标人", "bidders"),
    (Kind.tender, "公示期", "notice_period"),
    (Kind.tender, "招标估算价", "estimate"),
    (Kind.tender, "项目总投资", "budget"),
    (Kind.tender, "终止理由", "failure_reason"),
    (Kind.mining, "转让价格", "deal_price"),
    (Kind.mining, "转让方式", "transfer_mode"),
    (Kind.state_asset, "挂牌起止日期", "listing_period"),
    (Kind.land, "土地来源", "land_source"),
    (Kind.land, "实际开工时间", "actual_start_date"),
    (Kind.land, "实际竣工时间", "actual_completion_date"),
])
def test_facts_are_kept_not_ignored(kind, label, field):
    header_map = resolve(kind, [label])
    assert [c.field for c in header_map.columns] == [field]
    assert not header_map.ignored


def test_ignored_labels_say_why():
    header_map = resolve(Kind.procurement, ["开标地点", "评审得分"])
    assert not header_map.problems
    assert [c.field for c in header_map.columns] == [None, None]
    assert [h for h, _why in header_map.ignored] == ["开标地点", "评审得分"]


def _notice(kind: Kind, cells: dict[str, str]):
    base = {"title": "某项目公告", "published_at": "2026-03-02"}
    return assemble(kind, {k: Cell(v) for k, v in {**base, **cells}.items()}, SOURCE)


def test_new_fields_are_normalized():
    out = _notice(Kind.tender, {"bid_deadline": "2026年03月20日 09:30", "estimate": "1,234.5万元", "budget": "人民币5000000元",
                                "correction": "开标时间变更为2026年3月20日", "original_published_at": "2026年03月01日",
                                "correction_date": "2026-03-02", "experts": "张三、李四（采购人代表）",
                                "notice_period": "2026年3月2日至2026年3月5日"})
    assert out.notice is not None, out.problems
    f = out.notice.fields
    assert f.bid_deadline.isoformat() == "2026-03-20T09:30:00+08:00"
    assert str(f.estimate) == "12345000.00"
    assert str(f.budget) == "5000000.00"
    assert f.original_published_at.isoformat() == "2026-03-01"
    assert f.experts == "张三、李四（采购人代表）"


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026年01月05日至2026年02月02日", "2026-01-05", "2026-02-02"),
    ("2026-01-05 至 2026-02-02", "2026-01-05", "2026-02-02"),
    ("2026/1/5～2026/2/2", "2026-01-05", "2026-02-02"),
])
def test_a_listing_window_fills_its_dates(text, start, end):
    out = _notice(Kind.state_asset, {"listing_period": text})
    assert out.notice is not None, out.problems
    assert (out.notice.fields.listing_start.isoformat(), out.notice.fields.listing_end.isoformat()) == (start, end)
    assert out.notice.fields.listing_period == text


@pytest.mark.parametrize(("kind", "field", "text", "value"), [
    (Kind.land, "supply_method", "挂牌", "挂牌出让"),
    (Kind.land, "supply_method", "拍卖", "拍卖出让"),
    (Kind.land, "supply_method", "招标", "招标出让"),
    (Kind.land, "supply_method", "协议", "协议出让"),
    (Kind.mining, "method", "拍卖出让", "拍卖"),
    (Kind.state_asset, "method", "协议", "协议转让"),
    (Kind.state_asset, "method", "招标", "招投标"),
    (Kind.procurement, "method", "单一来源采购", "单一来源"),
    (Kind.procurement, "method", "竞争性磋商采购", "竞争性磋商"),
    (Kind.tender, "method", "公开", "公开招标"),
])
def test_short_codelist_forms_map_to_the_canonical_value(kind, field, text, value):
    out = _notice(kind, {field: text})
    assert out.notice is not None, out.problems
    assert getattr(out.notice.fields, field) == value
    assert out.notice.raw[field] == text  # what was printed is kept


def test_an_unknown_codelist_value_is_still_refused():
    out = _notice(Kind.land, {"supply_method": "抢购"})
    assert out.notice is None
    assert out.problems[0].field == "supply_method"
