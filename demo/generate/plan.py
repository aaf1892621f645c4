"""The demo: which agency submits which projects in which file, in submission order."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from demo.generate.cells import area_units
from demo.generate.files import GeneratedFile, Layout, write_layout
from demo.generate.land import land_bureau, land_project
from demo.generate.layouts import (
    LAND_EN,
    LAND_INVALID,
    LAND_MAP,
    LAND_MAPPED,
    LAND_ZH,
    MINING_EN,
    MINING_ZH,
    PROCUREMENT_EN,
    PROCUREMENT_JSON,
    PROCUREMENT_ZH,
    STATE_EN,
    STATE_XLSX,
    STATE_ZH,
    TENDER_EN,
    TENDER_JSONL,
    TENDER_ZH,
)
from demo.generate.mining import mining_project
from demo.generate.people import people_files
from demo.generate.places import Place, pick_place, read_divisions
from demo.generate.procurement import procurement_project
from demo.generate.state_asset import state_asset_project
from demo.generate.tender import tender_project
from demo.generate.values import PlannedNotice, PlannedProject, Raw, bad_uscc, money_wan
from demo.generate.vocabulary import (
    BUYER_TYPES,
    DEFAULT_SEED,
    FLAG_PARCEL_UNITS,
    MINING_PROVINCES,
    NATIONAL,
    RESUBMIT_CHANGED,
)
from demo.generate.world import World, project_fates, split_counts
from models.normalize.amounts import fen_to_yuan

# -- the demo ------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """Files in submission order: (file name, kind, agency, layout, rows, invalid, map)."""

    seed: int
    out: Path
    files: list[GeneratedFile] = field(default_factory=list)

    def write(self, name: str, kind: str, agency: str, layout: Layout, rows: Sequence[PlannedNotice], *,
              invalid: bool = False, mapping: dict[str, str | None] | None = None) -> None:
        path = self.out / name
        n = write_layout(path, layout, rows, self.seed)
        map_file = None
        if mapping:
            map_file = path.with_suffix(".map.yml")
            map_file.write_text(_yaml_map(mapping), encoding="utf-8")
        self.files.append(GeneratedFile(path, kind, agency, n, invalid, map_file))


def _yaml_map(mapping: dict[str, str | None]) -> str:
    lines = ["# --map for the file beside it: source header → field name or label (null: ignore the column)"]
    lines += [f"{json.dumps(k, ensure_ascii=False)}: {'null' if v is None else json.dumps(v, ensure_ascii=False)}"
              for k, v in mapping.items()]
    return "\n".join(lines) + "\n"


def _rows(projects: Sequence[PlannedProject]) -> list[PlannedNotice]:
    return [row for p in projects for row in p.rows]


def _by_time(rows: Sequence[PlannedNotice]) -> list[PlannedNotice]:
    return sorted(rows, key=lambda r: (r.values["published_at"], r.uid))


def _projects(world: World, kind: str, n: int, make: Callable[[str, Place, str], PlannedProject],
              pick: Callable[[random.Random], Place], fates: list[str], offset: int) -> list[PlannedProject]:
    return [make(f"{kind}-{offset + i:03d}", pick(world.rng), fates[offset + i]) for i in range(n)]


def generate_demo(out: Path, *, seed: int = DEFAULT_SEED, projects_per_kind: int = 60) -> list[GeneratedFile]:
    """Write the demo submissions into ``out``; returns them in submission order."""
    out.mkdir(parents=True, exist_ok=True)
    world = World(random.Random(seed), seed)
    plan = _Plan(seed, out)
    n = max(3, projects_per_kind)
    _demo_land(world, plan, n)
    _demo_mining(world, plan, n)
    resubmit = _demo_procurement(world, plan, n)
    _demo_state_assets(world, plan, n)
    _demo_tenders(world, plan, n)
    resubmit()
    _demo_flag_cases(world, plan)
    for name, kind, agency, layout, rows in people_files(world):  # natural persons (demo.generate.people)
        plan.write(name, kind, agency, layout, rows)
    return plan.files


def _national(provinces: Sequence[str] = NATIONAL, prefecture_share: float = 0.15) -> Callable[[random.Random], Place]:
    return lambda rng: pick_place(rng, provinces, prefecture_share=prefecture_share)


def _demo_land(world: World, plan: _Plan, n: int) -> None:
    k_nat, k_gd, k_hz = counts = split_counts(n, (0.55, 0.25, 0.20))
    fates = project_fates(world.rng, sum(counts))
    make = lambda uid, place, fate: land_project(world, uid, place, fate)  # noqa: E731
    national = _projects(world, "land", k_nat, make, _national(prefecture_share=0.05), fates, 0)
    guangdong = _projects(world, "land", k_gd, make, _national(("44",), 0.05), fates, k_nat)
    hangzhou = _projects(world, "land", k_hz, make, lambda rng: pick_place(rng, ("33",), prefecture="330100"),
                         fates, k_nat + k_gd)
    # 中国土地市场网 republishes the results of the Guangdong parcels: the same notices.
    shared = [r for p in guangdong for r in p.rows if r.stage.type == "result"]
    plan.write("01-land-landchina.csv", "land", "中国土地市场网", Layout("land-landchina", LAND_EN),
               _by_time(_rows(national) + shared))
    plan.write("02-land-guangdong.csv", "land", "广东省自然资源厅",
               Layout("land-guangdong", LAND_ZH, encoding="gb18030"), _by_time(_rows(guangdong)))
    hz_rows = _by_time(_rows(hangzhou))
    for i, row in enumerate(hz_rows, start=1):
        row.values.update(_seq=str(i), project_no=_investment_code(world.rng, row.values),
                          _note=world.rng.choice(("", "竞得人须在成交后10个工作日内签订出让合同", "含地上附着物", "")))
        row.values.pop("publisher", None)
    _same_project_code(hz_rows)
    plan.write("03-land-hangzhou.csv", "land", "杭州市规划和自然资源局", Layout("land-hangzhou", LAND_MAPPED),
               hz_rows, mapping=LAND_MAP)
    plan.write("04-land-jiangxi-invalid.csv", "land", "江西省自然资源厅", Layout("land-invalid", LAND_INVALID),
               _land_invalid_rows(world), invalid=True)


def _investment_code(rng: random.Random, values: dict[str, Any]) -> str:
    """A 投资项目统一代码 (YYYY-XXXXXX-XX-XX-XXXXXX), as Zhejiang exports call 项目代码."""
    year = values["e_supervision_no"][6:10]
    return (f"{year}-{values['region_code']}-{rng.choice(('70', '47', '72'))}-{rng.choice(('01', '03'))}-"
            f"{rng.randint(100000, 999999)}")


def _same_project_code(rows: list[PlannedNotice]) -> None:
    """A parcel keeps one 项目代码 across its notices."""
    first: dict[str, str] = {}
    for row in rows:
        key = row.values["e_supervision_no"]
        row.values["project_no"] = first.setdefault(key, row.values["project_no"])


def _land_invalid_rows(world: World) -> list[PlannedNotice]:
    """Good rows (areas with their unit) and bad ones: no unit, wrong check character, 2026-02-30."""
    rng = world.rng
    rows: list[PlannedNotice] = []
    for i in range(10):
        place = pick_place(rng, ("36",), prefecture_share=0)
        p = land_project(world, f"land-x{i}", place, "complete")
        rows.append(next(r for r in reversed(p.rows) if r.stage.type == "result"))
    rows[2].values["area_m2"] = Raw(area_units(rows[2].values["area_m2"], "平方米"))  # no unit, plain 面积 header
    rows[5].values["holder_uscc"] = bad_uscc(rows[5].values["holder_uscc"])
    rows[7].values["contract_date"] = Raw("2026-02-30")
    for row in rows:
        if not isinstance(row.values["area_m2"], Raw):
            row.values["area_m2"] = Raw(area_units(row.values["area_m2"], "公顷") + "公顷")
    return rows


def _demo_mining(world: World, plan: _Plan, n: int) -> None:
    k_nat, k_nm = counts = split_counts(n, (0.6, 0.4))
    fates = project_fates(world.rng, sum(counts))
    make = lambda uid, place, fate: mining_project(world, uid, place, fate)  # noqa: E731
    national = _projects(world, "mining", k_nat, make, _national(MINING_PROVINCES, 0.0), fates, 0)
    inner = _projects(world, "mining", k_nm, make, _national(("15",), 0.0), fates, k_nat)
    plan.write("05-mining-mnr.csv", "mining", "自然资源部矿业权出让信息公开平台", Layout("mining-mnr", MINING_EN),
               _by_time(_rows(national)))
    plan.write("06-mining-neimenggu.csv", "mining", "内蒙古自治区自然资源厅",
               Layout("mining-neimenggu", MINING_ZH, encoding="gb18030"), _by_time(_rows(inner)))


def _demo_procurement(world: World, plan: _Plan, n: int) -> Callable[[], None]:
    """Writes the procurement files; returns the writer of the later re-submission."""
    k_ccgp, k_bj, k_sc = counts = split_counts(n, (0.5, 0.2, 0.3))
    fates = project_fates(world.rng, sum(counts))
    ccgp = _projects(world, "procurement", k_ccgp,
                     lambda uid, place, fate: procurement_project(world, uid, place, fate, numbering="ccgp", max_lots=3),
                     _national(NATIONAL + ("44", "45", "33"), 0.1), fates, 0)
    beijing = _projects(world, "procurement", k_bj,
                        lambda uid, place, fate: procurement_project(world, uid, place, fate, numbering="beijing"),
                        _national(("11",), 0.0), fates, k_ccgp)
    sichuan = _projects(world, "procurement", k_sc,
                        lambda uid, place, fate: procurement_project(world, uid, place, fate, numbering="sichuan"),
                        _national(("51",), 0.1), fates, k_ccgp + k_bj)
    for row in _rows(beijing):
        row.values["_region_name"] = read_divisions()[row.values["region_code"]][0]
    # One contract notice states 0元 (valid, flagged "zero"), as a real ggzy contract page does.
    first_contract = next((r for r in _by_time(_rows(ccgp)) if r.stage.type == "contract"), None)
    if first_contract:
        first_contract.values["contract_amount"] = fen_to_yuan(0)
    for row in _rows(sichuan):  # what the Sichuan export does not have
        for key in ("buyer_uscc", "ceiling_price", "body"):
            row.values.pop(key, None)
    # CCGP republishes the notices of every other Sichuan project: the same facts, a second source.
    plan.write("07-procurement-ccgp.json", "procurement", "中国政府采购网",
               Layout("procurement-ccgp", PROCUREMENT_JSON, fmt="json", flat_lots=False),
               _by_time(_rows(ccgp) + _rows(sichuan[::2])))
    plan.write("08-procurement-beijing.csv", "procurement", "北京市政府采购中心",
               Layout("procurement-beijing", PROCUREMENT_EN, encoding="utf-8-sig"), _by_time(_rows(beijing)))
    sc_layout = Layout("procurement-sichuan", PROCUREMENT_ZH, encoding="gb18030")
    sc_rows = _by_time(_rows(sichuan))
    plan.write("09-procurement-sichuan.csv", "procurement", "四川省政府采购网", sc_layout, sc_rows)
    plan.write("10-procurement-chengdu-invalid.csv", "procurement", "成都市公共资源交易服务中心",
               Layout("procurement-invalid", PROCUREMENT_EN), _procurement_invalid_rows(world), invalid=True)

    def resubmit() -> None:
        # A later export of the same system: a third of the notices again (as they were), and
        # three results whose 投标供应商数量 was corrected (new versions of those notices).
        fixed = {r.uid for r in [r for r in sc_rows if r.stage.type == "result"][:RESUBMIT_CHANGED]}
        again = {r.uid for r in sc_rows[: max(4, len(sc_rows) // 3)]} | fixed
        rows = [replace(r, values={**r.values, "bid_count": r.values["bid_count"] + 1}) if r.uid in fixed else r
                for r in sc_rows if r.uid in again]
        plan.write("17-procurement-sichuan-resubmitted.csv", "procurement", "四川省政府采购网", sc_layout, rows)

    return resubmit


def _procurement_invalid_rows(world: World) -> list[PlannedNotice]:
    """Good rows and four bad ones: wrong check character, 2026-02-30, unknown method, negative budget."""
    rng = world.rng
    rows: list[PlannedNotice] = []
    for i in range(12):
        place = pick_place(rng, ("51",), prefecture="510100")
        p = procurement_project(world, f"proc-x{i}", place, "complete", numbering="beijing")
        rows.append(p.rows[0] if i % 2 else next(r for r in p.rows if r.stage.type == "result"))
    result = next(r for r in rows if r.stage.type == "result")
    org, _ = result.values["lots"][0].winners[0]
    result.values["_bad_winner_uscc"] = bad_uscc(org.uscc)
    announcements = [r for r in rows if r.stage.type == "announcement"]
    announcements[1].values["published_at"] = Raw("2026-02-30 09:30")
    announcements[3].values["method"] = "比选"
    announcements[4].values["budget"] = Raw("-120000.00元")
    return rows


def _demo_state_assets(world: World, plan: _Plan, n: int) -> None:
    k_bj, k_sh, k_gd = counts = split_counts(n, (0.4, 0.3, 0.3))
    fates = project_fates(world.rng, sum(counts))
    cbex = _projects(world, "state_asset", k_bj,
                     lambda uid, place, fate: state_asset_project(world, uid, place, fate, exchange="北京产权交易所"),
                     _national(NATIONAL + ("11",), 0.4), fates, 0)
    suaee = _projects(world, "state_asset", k_sh,
                      lambda uid, place, fate: state_asset_project(world, uid, place, fate, exchange="上海联合产权交易所"),
                      _national(("31", "32", "33"), 0.4), fates, k_bj)
    gd = _projects(world, "state_asset", k_gd,
                   lambda uid, place, fate: state_asset_project(world, uid, place, fate, exchange="广东联合产权交易中心"),
                   _national(("44",), 0.4), fates, k_bj + k_sh)
    plan.write("11-state_asset-cbex.xlsx", "state_asset", "北京产权交易所", Layout("state-cbex", STATE_XLSX, fmt="xlsx"),
               _by_time(_rows(cbex)))
    plan.write("12-state_asset-suaee.csv", "state_asset", "上海联合产权交易所",
               Layout("state-suaee", STATE_ZH, encoding="gb18030"), _by_time(_rows(suaee)))
    plan.write("13-state_asset-gdcq.csv", "state_asset", "广东联合产权交易中心", Layout("state-gd", STATE_EN),
               _by_time(_rows(gd)))


def _demo_tenders(world: World, plan: _Plan, n: int) -> None:
    k_nat, k_gx, k_nn = counts = split_counts(n, (0.5, 0.3, 0.2))
    fates = project_fates(world.rng, sum(counts))
    national = _projects(world, "tender", k_nat,
                         lambda uid, place, fate: tender_project(world, uid, place, fate, numbered=False,
                                                                 publisher=f"{place.prefecture}公共资源交易中心"),
                         _national(NATIONAL, 0.2), fates, 0)

    def guangxi_place(rng: random.Random) -> Place:
        while True:
            place = pick_place(rng, ("45",), prefecture_share=0.2)
            if place.prefecture_code != "450100":
                return place

    guangxi = _projects(world, "tender", k_gx,
                        lambda uid, place, fate: tender_project(world, uid, place, fate, numbered=True,
                                                                publisher=f"{place.prefecture}公共资源交易中心"),
                        guangxi_place, fates, k_nat)
    nanning = _projects(world, "tender", k_nn,
                        lambda uid, place, fate: tender_project(world, uid, place, fate, numbered=True, max_sections=2,
                                                                publisher="南宁市公共资源交易中心"),
                        lambda rng: pick_place(rng, ("45",), prefecture="450100"), fates, k_nat + k_gx)
    # The provincial centre republishes the notices of Nanning's single-section projects: the same facts.
    shared = [r for p in nanning if all(len(r.values.get("lots") or []) <= 1 for r in p.rows) for r in p.rows]
    # The national platform aggregates: it carries every other Guangxi project's notices too.
    plan.write("14-tender-ggzy-national.csv", "tender", "全国公共资源交易平台", Layout("tender-national", TENDER_EN),
               _by_time(_rows(national) + _rows(guangxi[::2])))
    plan.write("15-tender-nanning.jsonl", "tender", "南宁市公共资源交易中心",
               Layout("tender-nanning", TENDER_JSONL, fmt="jsonl", flat_lots=False), _by_time(_rows(nanning)))
    plan.write("16-tender-guangxi.csv", "tender", "广西壮族自治区公共资源交易中心",
               Layout("tender-guangxi", TENDER_ZH, encoding="gb18030"), _by_time(_rows(guangxi) + shared))


# -- the red flags that compare projects -----------------------------------------------------------------

# Projects _demo_flag_cases adds to the projects_per_kind of these areas.
FLAG_CASE_PROJECTS = {"land": len(FLAG_PARCEL_UNITS) + 1, "procurement": 4}


def _demo_flag_cases(world: World, plan: _Plan) -> None:
    """Projects for the indicators that compare projects, written last and drawn from their own stream
    (the registry of organisations is shared, the serials continue), so nothing generated before moves:
    one county's industrial parcels of one year, one sold far below the others (L-COMPARABLE), with a
    科研用地 parcel transferred by agreement (L-AGREEMENT clear); one hospital awarding its property
    management to the same company four times within a year (X-REPEAT)."""
    side = World(random.Random(f"{world.seed}:flags"), world.seed)
    side.orgs, side.pools, side.agents, side.serial = world.orgs, world.pools, world.agents, world.serial
    county = pick_place(side.rng, ("35",), prefecture_share=0)
    first = datetime(2025, 3, 3, 9, 30)
    parcels = []
    for i, unit in enumerate(FLAG_PARCEL_UNITS):
        parcel = land_project(side, f"land-c{i}", county, "complete", use_of="工业用地", method_of="挂牌出让",
                              start_at=first + timedelta(days=30 * i))
        _price_at(parcel, unit)
        parcels.append(parcel)
    parcels.append(land_project(side, f"land-c{len(parcels)}", county, "complete", use_of="科研用地",
                                method_of="协议出让", start_at=first + timedelta(days=200)))
    plan.write("18-land-county.csv", "land", land_bureau(county), Layout("land-county", LAND_ZH, encoding="gb18030"),
               _by_time(_rows(parcels)))
    place = pick_place(side.rng, ("43",), prefecture_share=0)
    hospital = (side.public_body(f"{place.local}人民医院", place, "12"), "hospital")
    item = next(entry for entry in BUYER_TYPES["hospital"] if entry[0] == "物业管理服务")
    supplier = side.winner(item[4], place)
    repeats = [procurement_project(side, f"procurement-r{i}", place, "complete", numbering="sichuan",
                                   buyer_of=hospital, item_of=item, winner_of=supplier,
                                   start_at=datetime(2025, 4, 7, 9, 0) + timedelta(days=100 * i))
               for i in range(FLAG_CASE_PROJECTS["procurement"])]
    plan.write("19-procurement-hunan.csv", "procurement", f"{place.province}政府采购网",
               Layout("procurement-hunan", PROCUREMENT_ZH, encoding="gb18030"), _by_time(_rows(repeats)))


def _price_at(project: PlannedProject, unit_yuan: int) -> None:
    """Every price of a parcel at ``unit_yuan`` per m² (whole 万元)."""
    price = money_wan(max(1, int(project.rows[0].values["area_m2"] * unit_yuan) // 10_000))
    for row in project.rows:
        for key in ("starting_price", "price"):
            if row.values.get(key) is not None:
                row.values[key] = price
