"""Red flags in the store (store/flags.py): computed when projects are compiled, only for what
changed, and for indicators that compare projects also on the projects they are compared with."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from collectors.submit import submit
from models.codelists import Kind
from models.indicators import applicable
from store import changes
from store.db import Store


def put(store: Store, tmp_path: Path, kind: Kind, rows: list[dict[str, Any]], name: str) -> None:
    path = tmp_path / name
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    result = submit(store, path, kind=kind, agency="某市公共资源交易中心")
    assert result.ok, result.report()


def flags(store: Store, indicator: str) -> dict[str, tuple[str, str]]:
    """project title → (status, why_zh) of one indicator."""
    return {t: (s, w) for t, s, w in store.conn.execute(
        "SELECT p.title, f.status, f.why_zh FROM flags f JOIN projects p USING (project_id) WHERE f.indicator = ?",
        (indicator,))}


def award(n: int, day: str, buyer: str = "某市教育局", winner: str = "某科技有限公司") -> list[dict[str, Any]]:
    base = {"项目编号": f"GZ-2025-{n:03d}", "项目名称": f"某市学校设备采购{n}", "区划代码": "440606", "采购人": buyer}
    return [{**base, "公告标题": f"某市学校设备采购{n}公开招标公告", "发布时间": "2025-01-02", "采购方式": "公开招标",
             "投标截止时间": "2025-01-25 09:30", "预算金额": "100万元"},
            {**base, "公告标题": f"某市学校设备采购{n}中标公告", "发布时间": day, "投标人数": 3,
             "lots": [{"name": "1", "winners": [{"name": winner, "amount": "90万元"}]}]}]


def test_every_project_gets_every_applicable_indicator(store, tmp_path):
    put(store, tmp_path, Kind.procurement, award(1, "2025-02-01"), "a.json")
    pid = store.conn.execute("SELECT project_id FROM projects").fetchone()[0]
    got = {r[0]: r[1] for r in store.conn.execute("SELECT indicator, status FROM flags WHERE project_id = ?", (pid,))}
    assert set(got) == {ind.code for ind in applicable(Kind.procurement)}
    assert got["P-SINGLE"] == "clear"
    assert got["X-NOCALL"] == "clear"
    assert got["P-SHORTPERIOD"] == "clear"  # 2025-01-02 → 01-25: 23 days


def test_the_same_winner_again_flags_every_project_of_the_pair_and_only_changes_are_written(store, tmp_path):
    put(store, tmp_path, Kind.procurement, award(1, "2025-02-01") + award(2, "2025-05-01"), "a.json")
    assert {s for s, _ in flags(store, "X-REPEAT").values()} == {"clear"}
    mark = changes.latest(store.conn)
    # a third award of the pair within 365 days: the earlier two are flagged too (the window ends at
    # each project's award, so the first sees only itself… but the later ones see three)
    put(store, tmp_path, Kind.procurement, award(3, "2025-08-01"), "b.json")
    got = flags(store, "X-REPEAT")
    assert got["某市学校设备采购3"][0] == "flagged"
    assert "共将 3 个项目授予某科技有限公司" in got["某市学校设备采购3"][1]
    assert got["某市学校设备采购1"][0] == "clear"  # its window (2024-02-02 … 2025-02-01) holds only itself
    # a flag that moved is in the change feed, so the site and search see it
    moved = changes.since(store.conn, mark)
    assert moved.project_ids
    # another buyer's award to the same winner is not the same pair
    put(store, tmp_path, Kind.procurement, award(4, "2025-09-01", buyer="某市卫生健康委员会"), "c.json")
    assert flags(store, "X-REPEAT")["某市学校设备采购4"][0] == "clear"
    # submitting the same file again writes no flag
    mark = changes.latest(store.conn)
    put(store, tmp_path, Kind.procurement, award(4, "2025-09-01", buyer="某市卫生健康委员会"), "c.json")
    assert not [w for w in changes.since(store.conn, mark).project_ids]


def land(n: int, price_wan: str, use: str = "工业用地") -> dict[str, Any]:
    return {"电子监管号": f"44060620250{n:05d}"[:6] + f"2025B{n:05d}", "区划代码": "440606",
            "项目名称": f"容桂地块{n}", "公告标题": f"容桂地块{n}出让结果", "发布时间": "2025-06-01",
            "供地方式": "挂牌出让", "土地用途": use, "面积(平方米)": "10000", "成交价格(万元)": price_wan,
            "竞得人": f"佛山某制造有限公司{n}"}


def test_a_parcel_far_below_its_comparables_is_flagged_and_the_comparables_are_recomputed(store, tmp_path):
    put(store, tmp_path, Kind.land, [land(1, "1000"), land(2, "1100"), land(3, "900")], "land.json")
    assert {s for s, _ in flags(store, "L-COMPARABLE").values()} == {"insufficient_data"}  # two comparables each
    put(store, tmp_path, Kind.land, [land(4, "400")], "land2.json")  # 400 元/m², median of the others 1,000
    got = flags(store, "L-COMPARABLE")
    assert got["容桂地块4"][0] == "flagged"
    assert "中位数 1000.00 元/平方米" in got["容桂地块4"][1]
    # the first three now have three comparables each: recomputed though not submitted again
    assert {got[f"容桂地块{i}"][0] for i in (1, 2, 3)} == {"clear"}
    # another use is not comparable
    put(store, tmp_path, Kind.land, [land(5, "100", use="零售商业用地")], "land3.json")
    assert flags(store, "L-COMPARABLE")["容桂地块5"][0] == "insufficient_data"


def test_since_keeps_the_time_a_status_was_reached(store, tmp_path):
    put(store, tmp_path, Kind.procurement, award(1, "2025-02-01") + award(2, "2025-03-01") + award(3, "2025-04-01"),
        "a.json")
    since = "2000-01-01T00:00:00Z"  # a time no batch of this test can write
    store.conn.execute("UPDATE flags SET since = ? WHERE indicator = 'X-REPEAT' AND project_id ="
                       " (SELECT project_id FROM projects WHERE title = '某市学校设备采购3')", (since,))
    # an award of the pair before it: project 3 now counts four (its sentence changes, its status stays)
    put(store, tmp_path, Kind.procurement, award(4, "2025-03-15"), "b.json")
    row = store.conn.execute("SELECT f.status, f.since, f.why_zh FROM flags f JOIN projects p USING (project_id)"
                             " WHERE indicator = 'X-REPEAT' AND p.title = '某市学校设备采购3'").fetchone()
    assert row[0] == "flagged"
    assert "共将 4 个项目" in row[2]
    assert row[1] == since


def test_a_corrected_winner_moves_the_results_of_its_former_pair(store, tmp_path):
    # three awards of one pair: the third sees all three and is flagged
    put(store, tmp_path, Kind.procurement, award(1, "2025-02-01") + award(2, "2025-03-01") + award(3, "2025-04-01"),
        "a.json")
    assert flags(store, "X-REPEAT")["某市学校设备采购3"][0] == "flagged"
    # the first result is corrected to another winner: the pair now has two awards, so the third,
    # though nothing of it was submitted again, is clear (it is found through the pair the first had)
    put(store, tmp_path, Kind.procurement, award(1, "2025-02-01", winner="另一家科技有限公司")[1:], "b.json")
    got = flags(store, "X-REPEAT")
    assert got["某市学校设备采购3"][0] == "clear", got["某市学校设备采购3"]
    assert "共 2 个" in got["某市学校设备采购3"][1]


def test_the_comparisons_read_the_pairs_asked_about_not_every_award_of_the_buyer(store, tmp_path):
    from store.flags import StoreContext, light_facts

    put(store, tmp_path, Kind.procurement, award(1, "2025-02-01") + award(2, "2025-03-01")
        + award(3, "2025-04-01", winner="另一家科技有限公司"), "a.json")
    ids = dict(store.conn.execute("SELECT title, project_id FROM projects"))
    context = StoreContext(store.conn)
    context.prefetch(light_facts(store.conn, [ids["某市学校设备采购1"]]))
    (buyer_winner,) = context._fetched
    pair = (*buyer_winner, "procurement")
    assert sorted(context.projects_of(pair)) == sorted([ids["某市学校设备采购1"], ids["某市学校设备采购2"]])
    # the buyer's award to another winner was not read (at 1M notices a buyer has thousands)
    assert set(context._projects) == {pair}
    assert context.awards_between(*buyer_winner, Kind.procurement, "2025-01-01", "2025-12-31") == 2
    other = store.conn.execute("SELECT party_id FROM parties WHERE name = '另一家科技有限公司'").fetchone()[0]
    assert context.awards_between(buyer_winner[0], other, Kind.procurement, "2025-01-01", "2025-12-31") == 1


def test_a_store_from_before_the_covering_party_index_gets_it_and_keeps_its_flags(store, tmp_path):
    put(store, tmp_path, Kind.procurement, award(1, "2025-02-01") + award(2, "2025-03-01"), "a.json")
    store.conn.execute("DROP INDEX project_parties_party_project")
    store.conn.execute("CREATE INDEX project_parties_party ON project_parties (party_id, role)")  # schema 1's
    reopened = Store(store.path)
    reopened.check()
    names = {r[0] for r in reopened.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"
                                                 " AND tbl_name = 'project_parties'")}
    assert "project_parties_party_project" in names
    assert "project_parties_party" not in names
    put(reopened, tmp_path, Kind.procurement, award(3, "2025-04-01"), "b.json")
    assert flags(reopened, "X-REPEAT")["某市学校设备采购3"][0] == "flagged"
    reopened.close()


def test_only_the_pair_projects_whose_window_holds_a_new_award_are_revisited(store, tmp_path):
    from store.flags import StoreContext, _pair_reach, light_facts, thresholds

    put(store, tmp_path, Kind.procurement, award(1, "2025-02-01") + award(2, "2025-03-01") + award(3, "2026-06-01"),
        "a.json")
    ids = dict(store.conn.execute("SELECT title, project_id FROM projects"))
    reach = _pair_reach(thresholds(None))
    assert reach["procurement"] == 365
    # in order: a new award later than every other changes no other project's count
    put(store, tmp_path, Kind.procurement, award(4, "2026-07-01"), "b.json")
    context = StoreContext(store.conn)
    four = store.conn.execute("SELECT project_id FROM projects WHERE title = '某市学校设备采购4'").fetchone()[0]
    batch = list(light_facts(store.conn, [four]))
    context.prefetch(batch)
    assert context.pair_neighbours(batch, reach) == set()
    # out of order: an award of 2025-08-01 is in the windows of the 2026-06-01 and 2026-07-01 projects
    # (365 days back from each), not of the two before it
    put(store, tmp_path, Kind.procurement, award(5, "2025-08-01"), "c.json")
    five = store.conn.execute("SELECT project_id FROM projects WHERE title = '某市学校设备采购5'").fetchone()[0]
    context = StoreContext(store.conn)
    batch = list(light_facts(store.conn, [five]))
    context.prefetch(batch)
    ids = dict(store.conn.execute("SELECT title, project_id FROM projects"))
    assert context.pair_neighbours(batch, reach) == {ids["某市学校设备采购3"], ids["某市学校设备采购4"]}
    # without a bound every project of the pair is revisited
    assert context.pair_neighbours(batch, {"procurement": None}) == set(ids.values())  # the batch's own too


def test_awards_arriving_in_any_order_give_the_results_of_one_batch(tmp_path):
    """The narrowed revisits (a pair's projects whose window holds a changed award) must give what
    evaluating every project at once gives, whatever order and batching the awards come in."""
    import random

    rng = random.Random(11)
    rows: list[dict[str, Any]] = []
    for n in range(1, 19):
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.7 else \
            f"2026-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}"
        rows += award(n, day, buyer=rng.choice(["某市教育局", "某市卫生健康委员会"]),
                      winner=rng.choice(["某科技有限公司", "另一家科技有限公司"]))
    whole = Store(tmp_path / "whole.db")
    whole.init()
    put(whole, tmp_path, Kind.procurement, rows, "all.json")
    expected = flags(whole, "X-REPEAT")
    whole.close()
    assert {s for s, _w in expected.values()} >= {"flagged", "clear"}
    for order in range(3):
        projects = [rows[i:i + 2] for i in range(0, len(rows), 2)]
        random.Random(order).shuffle(projects)
        store = Store(tmp_path / f"order{order}.db")
        store.init()
        for i in range(0, len(projects), 4):  # batches of four projects, in a shuffled order
            put(store, tmp_path, Kind.procurement, [r for p in projects[i:i + 4] for r in p], f"o{order}-{i}.json")
        assert flags(store, "X-REPEAT") == expected, f"order {order}"
        store.close()
