"""A SIGKILL in the middle of a large submission leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import dump, write_csv
from tests.test_submit import LAND_HEADERS, LAND_ROW

PROC_HEADERS = ["notice_type", "title", "published_at", "region_code", "project_no", "buyer", "budget", "method",
                "winner", "award_amount", "body"]


def big_rows(n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        p = i // 2
        result = i % 2 == 1
        rows.append(["result" if result else "announcement", f"某单位设备采购项目{p}{'中标结果公告' if result else '公告'}",
                     f"2026-0{1 + p % 9}-1{p % 9} 09:30", "330521", f"ZJ-2026-{p:06d}", f"某县人民医院{p % 300}",
                     f"{100 + p % 1000}万元", "公开招标", f"某科技有限公司{p % 2000}" if result else "",
                     f"{50 + p % 500}万元" if result else "", "设备采购，详见采购文件。" * 8])
    return rows


def test_sigkill_mid_submit_leaves_the_database_unchanged(tmp_path: Path):
    db = tmp_path / "g.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    run = [sys.executable, "-m", "gongkai", "--db", str(db)]
    subprocess.run([*run, "init"], check=True, env=env)
    first = write_csv(tmp_path / "land.csv", LAND_HEADERS, [LAND_ROW])
    subprocess.run([*run, "submit", str(first), "--kind", "land", "--agency", "A"], check=True, env=env,
                   capture_output=True)
    before = dump(db)
    big = write_csv(tmp_path / "big.csv", PROC_HEADERS, big_rows(60_000))
    proc = subprocess.Popen([*run, "submit", str(big), "--kind", "procurement", "--agency", "A"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wal = Path(str(db) + "-wal")
    deadline = time.monotonic() + 60
    # Wait until the batch is really writing (the WAL grows past a few pages), then kill.
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 2_000_000:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the submission finished before it could be killed: make the file bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert dump(db) == before
    # and the database still takes the submission afterwards
    done = subprocess.run([*run, "submit", str(first), "--kind", "land", "--agency", "A", "--lang", "en"], env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "1 unchanged" in done.stdout
