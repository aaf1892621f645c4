"""The search tests' corpus: the seeded demo data plus records written for the recall set.

Imported by tests/test_search*.py, test_datasette*.py and test_publish*.py (module-scoped
fixtures build it once per worker). The tests here check the corpus itself holds what the
recall set needs, so a change of the demo generator cannot silently empty a recall case.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from collectors.importers.headers import load_map
from collectors.submit import submit
from demo.generate import generate_demo
from models.codelists import Kind
from store.db import Store
from tests.conftest import write_csv

USCC_LAND = "91110000600037341L"  # a real code (stdnum test vector)
FULLWIDTH_COMPANY = "ＧＯＮＧＫＡＩ数据科技有限公司"
TRAD_TITLE = "臺北路小學採購項目成交結果公告"
LAND_TITLE = "永安市国有土地使用权挂牌出让结果公示"
PROJECT_NO = "YAGT-2025-0077"

LAND = (["title", "publisher", "published_at", "region", "e_supervision_no", "project_no", "area_m2", "land_use",
         "supply_method", "price", "holder", "holder_uscc", "body"],
        [[LAND_TITLE, "永安市自然资源局", "2025-05-06", "福建省三明市永安市", "3504812025B00077", PROJECT_NO, "1200",
          "工业用地", "协议出让", "3600000", "永安钢铁有限公司", USCC_LAND,
          "本宗地块土地使用权以协议方式出让，土地用途为工业用地。"]])
PROCUREMENT = (["notice_type", "title", "publisher", "published_at", "region", "project_no", "buyer", "method",
                "lot", "winner", "award_amount", "body"],
               [["result", TRAD_TITLE, "福州市政府采购中心", "2025-06-01", "福建省福州市鼓楼区", "FZCG-2025-0601",
                 "福州市臺北路小學", "单一来源", "第1包", FULLWIDTH_COMPANY, "880000",
                 "本項目採購教學設備一批，成交供應商為" + FULLWIDTH_COMPANY + "。"]])


def build_corpus(tmp: Path) -> Path:
    """A database with the demo data and the recall records; returns its path."""
    db = tmp / "gongkai.db"
    store = Store(db)
    store.init()
    try:
        for item in generate_demo(tmp / "demo"):
            if item.invalid:
                continue
            mapping = load_map(item.map_file) if item.map_file else None
            result = submit(store, item.path, kind=Kind(item.kind), agency=item.agency, mapping=mapping)
            assert result.ok, result.report()
        for kind, (headers, rows), agency in ((Kind.land, LAND, "永安市自然资源局"),
                                              (Kind.procurement, PROCUREMENT, "福州市政府采购中心")):
            path = write_csv(tmp / f"recall-{kind.value}.csv", headers, rows)
            result = submit(store, path, kind=kind, agency=agency)
            assert result.ok, result.report()
    finally:
        store.close()
    return db


def expected_notices(db: Path, *needles: str) -> set[str]:
    """Current notices whose title, body or fields contain any needle (the recall set's truth)."""
    conn = sqlite3.connect(db)
    try:
        out: set[str] = set()
        for needle in needles:
            out |= {r[0] for r in conn.execute(
                "SELECT notice_id FROM notices WHERE superseded_at IS NULL AND (instr(title, ?) OR instr(body, ?) "
                "OR instr(fields, ?) OR instr(coalesce(project_no, ''), ?))", (needle, needle, needle, needle))}
        return out
    finally:
        conn.close()


def test_corpus_holds_every_recall_case(tmp_path):
    db = build_corpus(tmp_path)
    for needles in (("矿",), ("土地",), ("采购", "採購"), ("土地使用权",), (FULLWIDTH_COMPANY,), (USCC_LAND,),
                    (PROJECT_NO,)):
        assert expected_notices(db, *needles), needles
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM notices WHERE title = ?", (TRAD_TITLE,)).fetchone()[0] == 1
