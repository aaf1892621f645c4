"""The engineering tender lifecycle: 招标公告 → [澄清] → 中标候选人公示 → 中标结果, or 流标."""

from __future__ import annotations

from datetime import timedelta

from demo.generate.places import Place, short_name
from demo.generate.values import LotValue, Org, PlannedNotice, PlannedProject, Stage, fen_of
from demo.generate.vocabulary import (
    FUNDING,
    INDUSTRIES,
    QUALITY,
    TENDER_FAILURES,
    TENDER_WORKS,
    TOWNS,
    VILLAGES,
)
from demo.generate.world import World, at_work_hours, first_notice_at, scaled, yuan_between
from models.codelists import NoticeType
from models.normalize.amounts import fen_to_yuan

# -- engineering tenders ------------------------------------------------------------------------------


def tender_project(world: World, uid: str, place: Place, fate: str, *, numbered: bool, max_sections: int = 1,
                   publisher: str | None = None) -> PlannedProject:
    """招标公告 → [澄清] → 中标候选人公示 → 中标结果, or 流标/废标."""
    rng = world.rng
    template, owners = rng.choice(TENDER_WORKS)
    owner_name = place.local + rng.choice(owners)
    dept = "91" if owner_name.endswith("公司") else "12" if owner_name.endswith("医院") else "11"
    owner = world.public_body(owner_name, place, dept)
    agent, _ = world.agent(place)
    work = template.format(road=f"G{rng.randint(105, 360)}线{short_name(place.name)}段",
                                            town=rng.choice(TOWNS), village=rng.choice(VILLAGES))
    name = f"{place.local}{work}"
    start = first_notice_at(rng)
    project_no = f"E{place.prefecture_code}{rng.randint(10**12, 10**13 - 1)}"
    control = yuan_between(rng, 2_000_000, 180_000_000, 100)
    n_sections = 2 if max_sections > 1 and rng.random() < 0.35 else 1
    sections = [f"{'一二三'[i]}标段" for i in range(n_sections)] if n_sections > 1 else [
        rng.choice(("施工", "无标段", "1标段"))]
    common = {"region_code": place.code, "project_no": project_no, "project_name": name, "tenderer": owner.name,
              "agent": agent.name, "publisher": publisher}
    if publisher:
        common["body"] = (f"{name}已由有关部门批准建设，项目业主为{owner.name}，建设资金已落实。"
                          f"项目已具备招标条件，现对该项目施工进行公开招标。")

    def no(code: str) -> str | None:
        return f"{project_no}-{code}" if numbered else None

    duration_days = rng.choice((90, 120, 180, 240, 365, 540, 730))
    when = start
    flags = world.flag_rng(uid)
    # 投标截止时间 (开标): at least 20 days after the announcement, but every sixth is short (P-SHORTPERIOD)
    short = world.nth("tender:period") % 6 == 5
    deadline = (start + timedelta(days=flags.randint(13, 17) if short else flags.randint(20, 22))).replace(
        hour=9, minute=30, second=0)
    rows = [PlannedNotice(f"{uid}-0", Stage(NoticeType.announcement, "招标公告"),
                {**common, "method": rng.choices(("公开招标", "邀请招标"), (92, 8))[0],
                 "funding": rng.choice(FUNDING), "control_price": control, "duration_days": duration_days,
                 "quality": rng.choice(QUALITY), "notice_no": no("ZBGG"), "published_at": when,
                 "bid_deadline": deadline,
                 "title": f"{name}施工招标公告"})]
    if rng.random() < 0.25:
        when = at_work_hours(when, rng, (3, 8))
        control = scaled(control, rng, 0.95, 0.99, 100 * 100)
        rows.append(PlannedNotice(f"{uid}-1", Stage(NoticeType.correction, "澄清公告"),
                        {**common, "control_price": control, "notice_no": no("CQ01"), "corrects": no("ZBGG"),
                         "published_at": when, "title": f"{name}施工招标文件澄清公告"}))
    when = at_work_hours(when, rng, (21, 30))
    if fate == "terminated":
        rows.append(PlannedNotice(f"{uid}-9", Stage(NoticeType.termination, "流标公告"),
                        {**common, "failure_reason": rng.choice(TENDER_FAILURES), "notice_no": no("LBGG"),
                         "published_at": when, "title": f"{name}施工流标公告"}))
        return PlannedProject(uid, place, rows)
    if fate == "open":
        return PlannedProject(uid, place, rows)
    bid_count = rng.randint(4, 15)
    candidate_lots: list[LotValue] = []
    for sec in sections:
        share = fen_of(control) // n_sections
        prices = sorted(fen_of(scaled(fen_to_yuan(share), rng, 0.88, 0.99)) for _ in range(3))
        orgs: list[Org] = []
        while len(orgs) < 3:
            org = world.winner(INDUSTRIES["tender"], place)
            if org not in orgs:
                orgs.append(org)
        candidate_lots.append(LotValue(sec, None, [], [(o, fen_to_yuan(p)) for o, p in zip(orgs, prices, strict=True)]))
    if world.alter and n_sections == 1 and world.nth("tender:disqualified") % 5 == 4:
        # every bid but the winner's rejected by the evaluation committee: one candidate is published (P-DISQ)
        candidate_lots = [LotValue(lot.name, None, [], lot.candidates[:1]) for lot in candidate_lots]
    rows.append(PlannedNotice(f"{uid}-2", Stage(NoticeType.candidates, "中标候选人公示"),
                    {**common, "bid_count": bid_count, "lots": candidate_lots, "notice_no": no("HXRGS"),
                     "published_at": when, "title": f"{name}施工中标候选人公示"}))
    when = at_work_hours(when, rng, (4, 8))
    result_lots = []
    for lot in candidate_lots:
        rank = 1 if rng.random() < 0.9 else 2
        org, price = lot.candidates[min(rank, len(lot.candidates)) - 1]
        result_lots.append(LotValue(lot.name, None, [(org, price)]))
    manager = rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(("建国", "志强", "海燕", "伟", "敏", "军", "丽", "涛", "磊"))
    rows.append(PlannedNotice(f"{uid}-3", Stage(NoticeType.result, "中标结果公告"),
                    {**common, "lots": result_lots, "project_manager": manager, "notice_no": no("ZBJG"),
                     "published_at": when, "title": f"{name}施工中标结果公告"}))
    return PlannedProject(uid, place, rows)
