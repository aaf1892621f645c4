"""Natural persons in the demo: the parties the privacy policy (models.privacy, store.privacy) masks.

Three cases real notices have: a residential parcel transferred by agreement (协议出让) to an
individual, a state-owned vehicle sold at auction (拍卖) to an individual, and tenders whose
candidate and result notices list the evaluation experts (评标委员会成员名单). People have no unified
social credit code. Their names are drawn from :data:`PEOPLE`, a list no other part of the demo
uses (the tender project managers use other surnames), so a test can look for each one in every
output.

Everything comes from its own stream (``random.Random(f"{seed}:people")``) and is written in files
after every other, so adding it moved no other project, identifier or file.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from demo.generate.files import Col, Layout
from demo.generate.land import land_bureau, land_project
from demo.generate.layouts import LAND_ZH, STATE_ZH, TENDER_ZH
from demo.generate.places import pick_place
from demo.generate.state_asset import state_asset_project
from demo.generate.tender import tender_project
from demo.generate.values import PlannedNotice
from demo.generate.world import World

# Surnames none of the demo's generated people carry (tender managers: 王李张刘陈杨黄赵吴周).
PEOPLE = ("郭秀英", "何德明", "罗春生", "梁桂芳", "宋玉兰", "郑永福", "谢淑珍", "韩国庆", "唐志远", "冯丽华")
# Projects the people's files add, per area (on top of projects_per_kind).
PEOPLE_PROJECTS = {"land": 2, "state_asset": 1, "tender": 2}
SERIAL_GAP = 5000  # the people's world numbers its parcels after the flag cases', never the same


def people_files(world: World) -> Iterator[tuple[str, str, str, Layout, list[PlannedNotice]]]:
    """(file name, kind, agency, layout, rows) of the people's files, in submission order."""
    side = World(random.Random(f"{world.seed}:people"), world.seed)
    side.orgs, side.pools, side.agents = world.orgs, world.pools, world.agents
    side.serial = world.serial + SERIAL_GAP
    people = iter(PEOPLE)

    county = pick_place(side.rng, ("44",), prefecture_share=0)
    land_rows: list[PlannedNotice] = []
    for i in range(PEOPLE_PROJECTS["land"]):
        person = next(people)
        parcel = land_project(side, f"land-h{i}", county, "complete", use_of="城镇住宅用地", method_of="协议出让")
        for row in parcel.rows:
            if "holder" in row.values:
                row.values.update(holder=person, holder_uscc=None)
            if row.stage.type == "result":  # a result titled with the holder, as many county notices are
                row.values["title"] = f"{row.values['title']}（受让人：{person}）"
        land_rows += parcel.rows
    yield ("20-land-homesteads.csv", "land", land_bureau(county), Layout("land-people", LAND_ZH, encoding="gb18030"),
           sorted(land_rows, key=lambda r: (r.values["published_at"], r.uid)))

    place = pick_place(side.rng, ("44",), prefecture_share=0.5)
    car = state_asset_project(side, "state_asset-v0", place, "complete", exchange="广东联合产权交易中心")
    buyer = next(people)
    vehicle = f"{place.local}公务用车（别克GL8商务车）一辆"
    for row in car.rows:
        old = row.values["target"]
        row.values.update(target=vehicle, title=row.values["title"].replace(old, vehicle))
        row.values.pop("share_ratio", None)
        if "method" in row.values:
            row.values["method"] = "拍卖"
        if "transferee" in row.values:
            row.values.update(transferee=buyer, transferee_uscc=None)
    yield ("21-state_asset-vehicle.csv", "state_asset", "广东联合产权交易中心", Layout("state-people", STATE_ZH,
                                                                                 encoding="gb18030"), car.rows)

    tender_rows: list[PlannedNotice] = []
    place = pick_place(side.rng, ("45",), prefecture_share=0.2)
    for i in range(PEOPLE_PROJECTS["tender"]):
        project = tender_project(side, f"tender-e{i}", place, "complete", numbered=True,
                                 publisher=f"{place.prefecture}公共资源交易中心")
        panel = [next(people), next(people), next(people)]
        experts = f"{panel[0]}（招标人代表）、{panel[1]}、{panel[2]}"
        for row in project.rows:
            if row.stage.type in ("candidates", "result"):
                row.values["experts"] = experts
        tender_rows += project.rows
    layout = Layout("tender-people", (*TENDER_ZH, Col("评标委员会成员名单", "experts")), encoding="gb18030")
    yield ("22-tender-experts.csv", "tender", f"{place.prefecture}公共资源交易中心", layout,
           sorted(tender_rows, key=lambda r: (r.values["published_at"], r.uid)))
