"""What the imitation portal publishes: the foundation generator's notices, spread over platforms.

``build_catalog(seed, projects)`` asks :mod:`demo.generate` for ``projects`` projects per
area (its project builders: lifecycles with corrections, terminations, candidates, results,
contracts, realistic parties and amounts) and decides, deterministically, on which
platforms each notice appears, the way the real sources share them (source-formats.md §0.2,
§7): the national ggzy aggregates almost everything; ccgp carries procurement; the Jiangsu
Epoint platform carries Jiangsu tenders and procurement; landchina the 供地结果; MNR the
mining-right results; the exchange its listings and results; an OCDS publisher a set of
procurement projects of its own (as release and record packages). A notice on several
platforms has the same facts everywhere: after normalization it is one notice with
several sources.

Faults are part of the catalog too (``Copy.fault``), so the expected crawl outcome can be
derived from the catalog alone (:func:`expected`): block pages served with 200, JSON
``{"code":800}``, the landchina block sentinel, empty and truncated bodies, HTTP 500,
a body cut short of its Content-Length, a stalled answer, a 429 with Retry-After, a page
blocked only once (a retry recovers), GBK/GB18030 pages, misfiled stage codes, an invalid
value. ``faults=False`` gives a clean portal (benchmarks). ``adversarial=True`` adds the
hostile cases of issue 14 (:data:`ADVERSARIAL`; the default catalog is unchanged by it): a 429
whose ``Retry-After: 1`` never ends, a GBK page labelled UTF-8, an endless body, and hostile
records in a ggzy list answer (served by the app).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from demo.generate import (
    DEFAULT_SEED,
    NATIONAL,
    LotValue,
    Org,
    PlannedNotice,
    PlannedProject,
    World,
    area_units,
    bad_uscc,
    fen_of,
    land_project,
    mining_project,
    pick_place,
    procurement_project,
    project_fates,
    state_asset_project,
    tender_project,
    wan_text,
)
from models.codelists import GGZY_CLASSIFY, Kind, NoticeType
from models.fields import ValueKind, specs_of
from models.kinds import AREA_MODELS
from models.normalize import format_yuan, lookup_region

# Faults a copy can carry, and what the crawl must make of them.
FATAL = {
    "block_page": "block page",  # ccgp "频繁访问" with HTTP 200, every time
    "code800": "code 800",  # ggzy detail answered with JSON {"code":800}
    "sentinel": "block sentinel",  # landchina 5c8f40a2-… answer
    "empty": "empty body",
    "truncated": "truncated",  # an HTML page cut short (Content-Length matches the short body)
    "dataloss": "data loss",  # fewer bytes than Content-Length, then the connection closes
    "http500": "HTTP 500",
    "stall": "timed out",  # answers after the client's timeout
    "invalid": "transferee_uscc",  # a value the models refuse (wrong check character)
    # adversarial catalogs only (build_catalog(adversarial=True)):
    "rate_limited": "rate-limited (HTTP 429)",  # 429 with Retry-After: 1 on every try
    "oversize": "size limit",  # a chunked body without Content-Length that never ends
}
# platform → faults added by build_catalog(adversarial=True), after the ordinary ones
ADVERSARIAL = {
    # mislabelled_gbk: GBK bytes served as "charset=utf-8" (read as GB18030, no error row)
    "ggzy": ("rate_limited", "oversize", "mislabelled_gbk"),
}

GGZY_STAGES: dict[Kind, dict[str, tuple[str, str]]] = {
    # notice type → (DEAL_STAGE code, informationTypeText)  (source-formats.md §1.1)
    Kind.tender: {"announcement": ("0101", "招标/资审公告"), "correction": ("0105", "招标/资审文件澄清"),
                  "candidates": ("0104", "交易结果公示"), "result": ("0104", "交易结果公示"),
                  "termination": ("0104", "交易结果公示")},
    Kind.procurement: {"announcement": ("0201", "采购/资审公告"), "result": ("0202", "中标公告"),
                       "termination": ("0202", "中标公告"), "contract": ("0203", "采购合同"),
                       "correction": ("0204", "更正事项")},
    Kind.land: {"announcement": ("0301", "出让公示"), "correction": ("0301", "出让公示"),
                "termination": ("0301", "出让公示"), "result": ("0302", "成交宗地")},
    Kind.mining: {"announcement": ("0401", "出让公告"), "correction": ("0401", "出让公告"),
                  "termination": ("0401", "出让公告"), "result": ("0402", "出让结果")},
    Kind.state_asset: {"announcement": ("0501", "挂牌披露"), "correction": ("0501", "挂牌披露"),
                       "termination": ("0501", "挂牌披露"), "result": ("0502", "交易结果")},
}
CLASSIFY = {kind: code for code, kind in GGZY_CLASSIFY.items()}  # kind → DEAL_CLASSIFY code

# ccgp channel per notice type (source-formats.md §2 channel URLs)
CCGP_CHANNEL = {"announcement": "gkzb", "correction": "gzgg", "result": "zbgg", "termination": "fblbgg"}
# Jiangsu Epoint categorynum per (kind, notice type); 003001/003004 are the real top levels (§1.4),
# the leaf codes other than 003001001/003001008 are this imitation's.
EPOINT_CATEGORY = {
    (Kind.tender, "announcement"): ("003001001", "招标公告"),
    (Kind.tender, "correction"): ("003001002", "变更公告"),
    (Kind.tender, "candidates"): ("003001007", "中标候选人公示"),
    (Kind.tender, "result"): ("003001008", "中标结果公告"),
    (Kind.tender, "termination"): ("003001008", "中标结果公告"),
    (Kind.procurement, "announcement"): ("003004002", "采购公告"),
    (Kind.procurement, "correction"): ("003004005", "更正公告"),
    (Kind.procurement, "result"): ("003004006", "中标（成交）结果公告"),
    (Kind.procurement, "termination"): ("003004006", "中标（成交）结果公告"),
    (Kind.procurement, "contract"): ("003004007", "合同公告"),
}
EXCHANGE = "北京产权交易所"
OCDS_PUBLISHER = "浙江省政府采购网"


@dataclass
class PortalNotice:
    """One generated notice with everything a platform needs to render it: a portal-only record.

    Not the models' ``Notice``: that one is the *result* of collecting (validated, normalized,
    with its sources); this one is the *input* the imitation portal prints on each platform's
    pages: the generator's planned values (exact Decimal yuan and m², dates, lots with their
    parties) before any platform has turned them into text, plus what the platforms need to
    place it (catalog index, project key, the stage word). Crawling and normalizing its pages
    must give back a models' Notice with the same facts.
    """

    key: str  # stable id (generator row uid)
    kind: Kind
    notice_type: NoticeType
    word: str  # the generator's stage word (出让公告, 供地结果 …)
    title: str
    published_at: datetime
    publisher: str
    region: str  # full division name, as detail pages print it
    region_code: str
    values: dict[str, Any]  # field → canonical value (Decimal yuan or m², date, str, list[LotValue] …)
    project_key: str
    index: int  # position in the catalog (drives deterministic choices)

    @property
    def ident(self) -> str:
        """A platform id: 32 hex digits derived from the key."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:32]


@dataclass
class Copy:
    """A notice as one platform serves it."""

    platform: str  # spider name: ggzy, epoint, ccgp, landchina, mnr, exchange, ocds
    notice: PortalNotice
    fault: str | None = None
    stage: str = ""  # ggzy DEAL_STAGE / Epoint categorynum / ccgp channel (may be misfiled); "" on the others
    stage_text: str | None = None


@dataclass
class Catalog:
    seed: int
    notices: list[PortalNotice]
    copies: list[Copy]
    ocds_projects: list[list[PortalNotice]] = field(default_factory=list)
    revision: int = 1
    adversarial: bool = False  # hostile list records too (served by the app's ggzy list)

    def on(self, platform: str) -> list[Copy]:
        return [c for c in self.copies if c.platform == platform]


def _region(code: str) -> str:
    region = lookup_region(code).value
    if region is None:  # the generator only uses codes of models/data/divisions.csv
        raise ValueError(f"region code {code}: not a known division")
    return region.full_name


def _notices(projects: list[PlannedProject], kind: Kind, start: int, publisher_of) -> Iterator[PortalNotice]:
    i = start
    for project in projects:
        for row in project.rows:
            yield _notice(row, kind, project, i, publisher_of(row))
            i += 1


def _notice(row: PlannedNotice, kind: Kind, project: PlannedProject, index: int, publisher: str) -> PortalNotice:
    values = {k: v for k, v in row.values.items() if v is not None and not k.startswith("_")}
    title = values.pop("title")
    published = values.pop("published_at")
    values.pop("publisher", None)
    values.pop("body", None)  # bodies differ per platform; the facts are the fields
    code = values.pop("region_code")
    return PortalNotice(row.uid, kind, row.stage.type, row.stage.word, title, published, publisher, _region(code), code,
                  values, project.uid, index)


def build_catalog(seed: int = DEFAULT_SEED, projects: int = 16, *, faults: bool = True,
                  revision: int = 1, adversarial: bool = False) -> Catalog:
    """The portal's notices and their copies per platform (a pure function of the arguments).

    ``revision`` 2 changes one ggzy notice's published facts (its list entry changes too):
    an incremental re-crawl must fetch that one detail page again and nothing else.
    ``adversarial`` adds the faults of :data:`ADVERSARIAL`."""
    world = World(random.Random(seed))  # noqa: S311 - seeded test data, not cryptography
    rng = world.rng
    n = max(4, projects)

    def make(kind: str, build, pick) -> list[PlannedProject]:
        fates = project_fates(rng, n)
        return [build(f"{kind}-{i:03d}", pick(i), fates[i]) for i in range(n)]

    national = NATIONAL + ("32",)
    land = make("land", lambda uid, place, fate: land_project(world, uid, place, fate),
                lambda i: pick_place(rng, national, prefecture_share=0.05))
    mining = make("mining", lambda uid, place, fate: mining_project(world, uid, place, fate),
                  lambda i: pick_place(rng, national))
    procurement = make("proc", lambda uid, place, fate: procurement_project(world, uid, place, fate,
                                                                            numbering="ccgp", max_lots=3),
                       lambda i: pick_place(rng, ("32",) if i % 3 == 0 else national))
    assets = make("asset", lambda uid, place, fate: state_asset_project(world, uid, place, fate, exchange=EXCHANGE),
                  lambda i: pick_place(rng, NATIONAL + ("11",), prefecture_share=0.4))
    tenders = make("tender", lambda uid, place, fate: tender_project(
        world, uid, place, fate, numbered=True, max_sections=2,
        publisher=f"{place.province}公共资源交易中心"), lambda i: pick_place(rng, ("32",) if i % 2 == 0 else national))
    ocds = [procurement_project(world, f"ocds-{i:03d}", pick_place(rng, ("33",)), "complete", numbering="ocds")
            for i in range(max(3, n // 3))]

    notices: list[PortalNotice] = []
    for projects_, kind, publisher_of in (
        (land, Kind.land, lambda row: row.values["publisher"]),
        (mining, Kind.mining, lambda row: row.values["grantor"]),
        (procurement, Kind.procurement, lambda row: row.values["publisher"]),
        (assets, Kind.state_asset, lambda row: row.values["exchange"]),
        (tenders, Kind.tender, lambda row: row.values["publisher"]),
    ):
        notices.extend(_notices(projects_, kind, len(notices), publisher_of))
    ocds_notices = [list(_notices([p], Kind.procurement, 100_000 + 10 * i, lambda _row: OCDS_PUBLISHER))
                    for i, p in enumerate(ocds)]
    if revision >= 2:
        changed = next(nt for nt in notices if nt.kind is Kind.tender and nt.notice_type == "announcement")
        changed.title = changed.title.replace("施工招标公告", "施工招标公告（第二次）")
    return Catalog(seed, notices, _copies(notices, ocds_notices, faults, adversarial), ocds_notices, revision,
                   adversarial)


def _copies(notices: list[PortalNotice], ocds: list[list[PortalNotice]], faults: bool, adversarial: bool = False) -> list[Copy]:
    copies: list[Copy] = []
    by_project: dict[str, int] = {}
    for nt in notices:
        p = by_project.setdefault(nt.project_key, len(by_project))
        jiangsu = nt.region_code.startswith("32")
        t = nt.notice_type
        if nt.kind is Kind.land:
            if nt.word == "供地结果":
                copies.append(Copy("landchina", nt))
            else:
                copies.append(_ggzy(nt))
        elif nt.kind is Kind.mining:
            if nt.word == "出让结果":
                copies.append(Copy("mnr", nt))
                if p % 2 == 0:
                    copies.append(_ggzy(nt))  # the same result on ggzy (a cross-platform duplicate)
            else:
                copies.append(_ggzy(nt))
        elif nt.kind is Kind.procurement:
            if t != "contract":
                copies.append(Copy("ccgp", nt, stage=CCGP_CHANNEL[t]))
            if p % 2 == 0 or t == "contract":
                copies.append(_ggzy(nt, misfile=t == "result" and p % 4 == 0))
            if jiangsu:
                copies.append(_epoint(nt))
        elif nt.kind is Kind.state_asset:
            copies.append(Copy("exchange", nt))
            if p % 3 == 0:
                copies.append(_ggzy(nt))
        elif nt.kind is Kind.tender:
            copies.append(_ggzy(nt))
            if jiangsu:
                copies.append(_epoint(nt))
    for project in ocds:
        for nt in project:
            copies.append(Copy("ocds", nt))
    if faults:
        _add_faults(copies)
    if adversarial:
        for platform, extra in ADVERSARIAL.items():
            pool = _single(copies, platform, skip=1)
            for fault in extra:
                copy = next(pool, None)
                if copy is not None:
                    copy.fault = fault
    return copies


def _ggzy(nt: PortalNotice, *, misfile: bool = False) -> Copy:
    code, text = GGZY_STAGES[nt.kind][nt.notice_type]
    if misfile:  # a 中标结果 filed under 0201 采购/资审公告, as in the real "a" page (§1.1)
        code, text = GGZY_STAGES[nt.kind]["announcement"]
    return Copy("ggzy", nt, stage=code, stage_text=text, fault="misfiled" if misfile else None)


def _epoint(nt: PortalNotice) -> Copy:
    code, text = EPOINT_CATEGORY[(nt.kind, nt.notice_type)]
    return Copy("epoint", nt, stage=code, stage_text=text)


def _single(copies: list[Copy], platform: str, *, skip: int = 0, only: bool = True) -> Iterator[Copy]:
    """Copies of ``platform`` whose notice is on no other platform (so a fault loses it);
    with ``only=False`` any copy (the notice then still arrives from another platform)."""
    count: dict[str, int] = {}
    for c in copies:
        count[c.notice.key] = count.get(c.notice.key, 0) + 1
    seen = 0
    for c in copies:
        if c.platform == platform and (count[c.notice.key] == 1 or not only) and c.fault is None:
            if seen >= skip:
                yield c
            seen += 1


def _add_faults(copies: list[Copy]) -> None:
    plan = {
        "ggzy": ("code800", "http500", "slow", "retry_after"),
        "ccgp": ("block_page", "truncated", "block_once", "gbk", "gbk", "gbk"),
        "landchina": ("sentinel", "empty"),
        "epoint": ("dataloss",),
        "mnr": ("stall", "gbk"),
        "exchange": ("gbk", "gbk", "gbk"),
    }
    for platform, faults in plan.items():
        pool = _single(copies, platform, skip=1, only=platform != "epoint")
        for fault in faults:
            copy = next(pool, None)
            if copy is not None:
                copy.fault = fault
    # an invalid value on the exchange: a result whose transferee USCC has a wrong check character
    for c in _single(copies, "exchange"):
        if "transferee_uscc" in c.notice.values:
            c.notice.values["transferee_uscc"] = bad_uscc(c.notice.values["transferee_uscc"])
            c.fault = "invalid"
            break


@dataclass(frozen=True)
class Expected:
    """What a complete crawl of the catalog must store."""

    notices: int  # distinct notices
    sources: dict[str, int]  # platform → stored copies
    errors: dict[str, list[tuple[str, str]]]  # platform → (notice key, reason fragment)
    duplicated: int  # notices stored from two or more platforms


def expected(catalog: Catalog, platforms: set[str] | None = None) -> Expected:
    wanted = [c for c in catalog.copies if platforms is None or c.platform in platforms]
    ok = [c for c in wanted if c.fault not in FATAL]
    sources: dict[str, int] = {}
    per_notice: dict[str, set[str]] = {}
    for c in ok:
        sources[c.platform] = sources.get(c.platform, 0) + 1
        per_notice.setdefault(c.notice.key, set()).add(c.platform)
    errors: dict[str, list[tuple[str, str]]] = {}
    for c in wanted:
        if c.fault in FATAL:
            errors.setdefault(c.platform, []).append((c.notice.key, FATAL[c.fault]))
    if "ocds" in sources:
        # every OCDS release appears twice (release package and record package): two sources,
        # and the package page after the last one is empty (one error row)
        sources["ocds"] *= 2
        errors.setdefault("ocds", []).append(("releases-empty-page", "empty body"))
    return Expected(len(per_notice), sources, errors, sum(1 for v in per_notice.values() if len(v) > 1))


def money_text(value: Decimal, style: int) -> str:
    """An amount (Decimal yuan) as platforms print it (all exact): 元, 万元 with six places, or ￥… 万元（人民币）."""
    yuan = format_yuan(fen_of(value))
    if style % 3 == 0:
        return f"{yuan}元"
    wan = wan_text(value)
    if style % 3 == 1:
        return f"{wan}万元"
    return f"￥{wan} 万元（人民币）"


def area_text(value: Decimal, style: int) -> str:
    """An area (Decimal m²) as platforms print it (exact): 平方米 or 公顷 with six places."""
    if style % 2 == 0:
        return f"{area_units(value, '平方米')}平方米"
    return f"{area_units(value, '公顷')}公顷"


@cache
def value_kind(kind: Kind, name: str) -> ValueKind | None:
    """How the models read field ``name`` of ``kind`` (money, area …): the one definition."""
    spec = specs_of(AREA_MODELS[kind]).get(name)
    return spec.value if spec else None


def cell_text(kind: Kind, name: str, value: Any, style: int) -> str:
    """The text a detail page prints for a canonical value of field ``name``."""
    if isinstance(value, Decimal):
        return area_text(value, style) if value_kind(kind, name) is ValueKind.area else money_text(value, style)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y年%m月%d日") if style % 2 else value.isoformat()
    if isinstance(value, Org):
        return value.name
    if name == "duration_days":
        return f"{value}日历天"
    if name == "term_years":
        return f"{value}年"
    return str(value)


def lot_cells(lots: list[LotValue], style: int) -> dict[str, str]:
    """Lots flattened into the parallel ；-separated lot columns (winners, amounts, candidates)."""
    out: dict[str, str] = {}
    winners = [(o, a) for lot in lots for o, a in lot.winners]
    candidates = [(o, a) for lot in lots for o, a in lot.candidates]
    if len(lots) == 1 and lots[0].name and (winners or candidates):
        out["lot"] = lots[0].name
    if winners:
        out["winner"] = "；".join(o.name for o, _ in winners)
        out["winner_uscc"] = "；".join(o.uscc for o, _ in winners)
        out["award_amount"] = "；".join(money_text(a, style) for _, a in winners)
    if candidates:
        out["candidates"] = "；".join(o.name for o, _ in candidates)
        out["candidate_prices"] = "；".join(money_text(a, style) for _, a in candidates)
    return out
