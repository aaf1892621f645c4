"""The gongkai command line, run as a user runs it (a real subprocess, a real database file)."""

from __future__ import annotations

import csv
import io
import json
import shlex
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from openpyxl import load_workbook

from gongkai.cli import cli
from tests.conftest import write_csv
from tests.test_submit import LAND_HEADERS, LAND_ROW

ROOT = Path(__file__).resolve().parents[1]


def gk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, check=False)


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command):
    out = gk(command, "--help")
    assert out.returncode == 0, out.stderr
    assert "Usage:" in out.stdout
    assert len(out.stdout) > 80


def test_every_command_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for command in cli.commands:
        assert f"gongkai {command}" in readme, command


def test_init_submit_stats_export(tmp_path):
    db = str(tmp_path / "g.db")
    assert gk("--db", db, "init").returncode == 0
    path = write_csv(tmp_path / "land.csv", LAND_HEADERS, [LAND_ROW])
    out = gk("--db", db, "submit", str(path), "--kind", "land", "--agency", "佛山市自然资源局")
    assert out.returncode == 0, out.stderr
    assert "读取 1 行；已存入新公告 1 条、变更 0 条、未变 0 条" in out.stdout  # Chinese by default
    assert "\r" not in out.stdout + out.stderr  # piped: no progress line
    stats = json.loads(gk("--db", db, "stats", "--json").stdout)
    assert stats["by_kind"] == {"land": 1}
    assert stats["projects"] == 1
    lines = gk("--db", db, "export", "--format", "jsonl").stdout.splitlines()
    project = orjson.loads(lines[0])
    assert project["notices"][0]["fields"]["price"] == "3020000000.00"
    assert project["notices"][0]["sources"][0]["location"] == "row 2"


def test_refused_submission_exits_1_with_report_on_stderr(tmp_path):
    db = str(tmp_path / "g.db")
    gk("--db", db, "init")
    bad = list(LAND_ROW)
    bad[LAND_HEADERS.index("发布时间")] = "2026-13-01"
    path = write_csv(tmp_path / "bad.csv", LAND_HEADERS, [LAND_ROW, bad])
    out = gk("--db", db, "submit", str(path), "--kind", "land", "--agency", "A")
    assert out.returncode == 1
    assert "第 3 行，列「发布时间」，值「2026-13-01」：日期或时间不存在" in out.stderr
    assert "未写入任何数据" in out.stderr
    en = gk("--db", db, "submit", str(path), "--kind", "land", "--agency", "A", "--lang", "en")
    assert en.returncode == 1
    assert "row 3, column '发布时间', value '2026-13-01': invalid date/time" in en.stderr
    assert "nothing was written" in en.stderr
    assert "第" not in en.stderr
    assert json.loads(gk("--db", db, "stats", "--json").stdout)["notices"] == 0


def test_missing_database_is_a_clear_error(tmp_path):
    db = str(tmp_path / "none.db")
    out = gk("--db", db, "stats")
    assert out.returncode == 1
    hint = out.stderr.split("`")[1]  # a command that works as written, from the repository root
    assert hint.endswith(f"gongkai --db {db} init"), out.stderr
    ran = subprocess.run(shlex.split(hint), cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert ran.returncode == 0, ran.stderr
    assert gk("--db", db, "stats").returncode == 0


def test_a_misspelt_search_engine_is_refused_with_its_reason(tmp_path, monkeypatch):
    db = str(tmp_path / "g.db")
    assert gk("--db", db, "init").returncode == 0
    monkeypatch.setenv("GONGKAI_SEARCH_ENGINE", "lucene")
    for args in (("index",), ("search", "采购")):
        out = gk("--db", db, *args)
        assert out.returncode == 1
        assert "GONGKAI_SEARCH_ENGINE='lucene'" in out.stderr
        assert "whoosh, tantivy" in out.stderr
        assert "Traceback" not in out.stderr


@pytest.mark.parametrize(("variable", "reason"), [("GONGKAI_THRESHOLDS", "unknown indicator code(s) NOPE"),
                                                  ("GONGKAI_PRIVACY", "unknown key(s) NOPE")])
def test_a_bad_deployment_file_is_refused_before_any_command_runs(tmp_path, monkeypatch, variable, reason):
    bad = tmp_path / "bad.toml"
    bad.write_text("[NOPE]\nx = 1\n", encoding="utf-8")
    monkeypatch.setenv(variable, str(bad))
    out = gk("--db", str(tmp_path / "g.db"), "init")
    assert out.returncode == 1
    assert reason in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "g.db").exists()


def test_map_option(tmp_path):
    db = str(tmp_path / "g.db")
    gk("--db", db, "init")
    headers = [("地块代码" if h == "电子监管号" else h) for h in LAND_HEADERS] + ["备注"]
    path = write_csv(tmp_path / "m.csv", headers, [[*LAND_ROW, "x"]])
    assert gk("--db", db, "submit", str(path), "--kind", "land", "--agency", "A").returncode == 1
    (tmp_path / "map.yml").write_text("地块代码: 电子监管号\n备注: null\n", encoding="utf-8")
    out = gk("--db", db, "submit", str(path), "--kind", "land", "--agency", "A", "--map", str(tmp_path / "map.yml"))
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize("kind", ["land", "mining", "procurement", "state_asset", "tender"])
def test_templates_document_both_header_forms_and_are_accepted(tmp_path, kind):
    text = gk("template", kind, "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[-1]
    assert "title" in header
    assert "published_at" in header
    assert any("发布时间" in cell for row in rows[:-1] for cell in row)  # Chinese labels documented
    db = str(tmp_path / "g.db")
    gk("--db", db, "init")
    row = {h: "" for h in header}
    row.update({"title": "某项目公告", "published_at": "2026-01-02"})
    (tmp_path / "t.csv").write_text(text + ",".join(row[h] for h in header) + "\n", encoding="utf-8")
    out = gk("--db", db, "submit", str(tmp_path / "t.csv"), "--kind", kind, "--agency", "A")
    assert out.returncode == 0, out.stderr
    xlsx = tmp_path / f"{kind}.xlsx"
    assert gk("template", kind, "--format", "xlsx", "--out", str(xlsx)).returncode == 0
    wb = load_workbook(xlsx)
    assert [c.value for c in wb.worksheets[0][1]] == header
    assert wb["fields"].max_row > 5


def test_csv_export_is_formula_safe(tmp_path):
    db = str(tmp_path / "g.db")
    gk("--db", db, "init")
    row = list(LAND_ROW)
    row[LAND_HEADERS.index("土地使用权人")] = "=HYPERLINK(\"http://x\",\"y\")"
    row[LAND_HEADERS.index("项目名称")] = "＋1+1"
    path = write_csv(tmp_path / "f.csv", LAND_HEADERS, [row])
    assert gk("--db", db, "submit", str(path), "--kind", "land", "--agency", "@SUM").returncode == 0
    out = gk("--db", db, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows[0]["title"].startswith("'＋1+1")
    assert rows[0]["source_platforms"] == "submission:@SUM"  # does not start with a trigger
    assert rows[0]["version"] == "1"  # numbers stay numbers
    for cell in rows[0].values():
        assert not cell or cell[0] not in "=+-@\t\r＝＋－＠"
