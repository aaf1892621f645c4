"""An agency's and a newcomer's first hour (issue 9, point 9): reports in Chinese (English with
--lang en) from one message table, suggestions for unknown headers, next-step hints that run as
printed from the repository root, and the make targets (submit with PUBLISH=1, demo SERVE_PORT)."""

from __future__ import annotations

import ast
import os
import pickle
import re
import shlex
import shutil
import string
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from collectors.importers.headers import resolve, suggest
from collectors.messages import FRAME, MESSAGES, say
from collectors.submit import RowProblem
from gongkai.cli import cli
from models.codelists import Kind
from models.normalize import normalize_uscc, parse_amount, parse_date
from models.normalize.base import Reason
from tests.conftest import write_csv
from tests.test_submit import LAND_HEADERS, LAND_ROW

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


def gk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it, from the repository root."""
    return subprocess.run([sys.executable, "-m", "gongkai", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=180, check=False)


def bad_land(tmp_path: Path) -> Path:
    bad = list(LAND_ROW)
    bad[LAND_HEADERS.index("成交价格(万元)")] = "-5"
    bad[LAND_HEADERS.index("竞得人统一社会信用代码")] = LAND_ROW[LAND_HEADERS.index("竞得人统一社会信用代码")][:-1] + "X"
    return write_csv(tmp_path / "bad.csv", LAND_HEADERS, [LAND_ROW, bad])


# -- one message table ---------------------------------------------------------------------------

def _codes_in_source() -> dict[str, str]:
    """Every problem code the code base gives (code → file), read from the calls that set one."""
    found: dict[str, str] = {}
    position = {"Reason": 1, "RowProblem": 4}
    for folder in ("models", "collectors"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                at = position.get(name or "")
                if at is None or len(node.args) <= at:
                    continue
                arg = node.args[at]
                values = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]  # "a" if x else "b"
                for value in values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found[value.value] = str(path.relative_to(ROOT))
    return found


def test_every_code_given_has_chinese_and_english():
    codes = _codes_in_source()
    assert len(codes) >= 30, codes  # the normalizers' and the importer's codes were found
    missing = {code: where for code, where in codes.items() if code not in MESSAGES}
    assert not missing, missing
    for code in codes:
        zh, en = MESSAGES[code]
        assert CJK.search(zh), code
        if not codes[code].startswith("models/"):  # the importer's own codes carry their English here
            assert en, code


@pytest.mark.parametrize("table", [MESSAGES, FRAME])
def test_every_message_formats_with_its_fields(table):
    for code, texts in table.items():
        for text in texts:
            if text is None:
                continue
            names = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert text.format(**dict.fromkeys(names, "x")), code


def test_normalizer_reasons_say_in_chinese_and_keep_their_english():
    for parsed, code in [(parse_amount("-5"), "amount_negative"), (parse_date("2026-02-30"), "date_impossible"),
                         (normalize_uscc("91110000600037341X"), "uscc_check")]:
        reason = parsed.error
        assert isinstance(reason, Reason)
        assert reason.code == code
        assert say(reason, reason.code, reason.params, "en") == reason  # English: as the normalizer wrote it
        zh = say(reason, reason.code, reason.params, "zh")
        assert CJK.search(zh), zh
        assert not re.search(r"[a-z]{3,}", zh), zh
        copy = pickle.loads(pickle.dumps(reason))  # noqa: S301 - our own object: it crosses to and from the workers
        assert (copy, copy.code, copy.params) == (reason, reason.code, reason.params)
    problem = RowProblem.of(4, "成交价格(万元)", "-5", parse_amount("-5").error)
    assert problem.line("zh") == "第 4 行，列「成交价格(万元)」，值「-5」：金额不能为负数"
    assert problem.line("en") == "row 4, column '成交价格(万元)', value '-5': negative amount: '-5'"


def test_an_uncoded_reason_is_shown_as_written():
    assert say("something new", None, None, "zh") == "something new"
    assert say("something new", "no_such_code", {}, "zh") == "something new"


# -- the report in the CLI -------------------------------------------------------------------------

def test_refused_report_in_chinese_and_english(tmp_path):
    db = str(tmp_path / "g.db")
    gk("--db", db, "init")
    path = bad_land(tmp_path)
    zh = gk("--db", db, "submit", str(path), "--kind", "land", "--agency", "某市自然资源局")
    assert zh.returncode == 1
    assert "bad.csv：第 3 行，列「成交价格(万元)」，值「-5」：金额不能为负数" in zh.stderr
    assert "第 3 行，列「竞得人统一社会信用代码」，值「91110000600037341X」：统一社会信用代码校验位应为 L，实为 X" in zh.stderr
    assert "已拒收 bad.csv：2 行中有 1 行存在问题，共 2 个；未写入任何数据" in zh.stderr
    assert not re.search(r"\b(row|column|value|refused)\b", zh.stderr), zh.stderr
    en = gk("--db", db, "submit", str(path), "--kind", "land", "--agency", "某市自然资源局", "--lang", "en")
    assert en.returncode == 1
    assert "bad.csv: row 3, column '成交价格(万元)', value '-5': negative amount" in en.stderr
    assert "refused bad.csv: 2 problem(s) in 1 of 2 rows; nothing was written" in en.stderr
    assert not re.search("第|行|未写入", en.stderr), en.stderr


def test_json_keeps_its_machine_keys(tmp_path):
    db = str(tmp_path / "g.db")
    gk("--db", db, "init")
    out = gk("--db", db, "submit", str(bad_land(tmp_path)), "--kind", "land", "--agency", "A", "--json")
    assert out.returncode == 1
    data = orjson.loads(out.stdout)
    assert set(data) == {"file", "sha256", "ok", "dry_run", "rows", "new", "changed", "unchanged", "projects",
                         "refused_rows", "problems", "ignored", "seconds"}
    by_code = {p["code"]: p for p in data["problems"]}
    assert set(by_code) == {"amount_negative", "uscc_check"}
    p = by_code["amount_negative"]
    assert set(p) == {"row", "column", "value", "reason", "code", "message"}
    assert (p["row"], p["column"], p["value"]) == (3, "成交价格(万元)", "-5")
    assert p["reason"].startswith("negative amount")  # English, whatever --lang
    assert p["message"] == "金额不能为负数"


def test_an_unknown_header_suggests_the_nearest_labels(tmp_path):
    headers = ["成交价钱(万元)" if h == "成交价格(万元)" else h for h in LAND_HEADERS]
    path = write_csv(tmp_path / "h.csv", headers, [LAND_ROW])
    db = str(tmp_path / "g.db")
    gk("--db", db, "init")
    zh = gk("--db", db, "submit", str(path), "--kind", "land", "--agency", "A")
    assert zh.returncode == 1
    line = next(line for line in zh.stderr.splitlines() if "成交价钱(万元)" in line)
    assert line.startswith("h.csv：表头，列「成交价钱(万元)」"), line
    assert "未知的列" in line
    assert "是否指：" in line
    offered = line.split("是否指：")[1].split("？")[0].split(" / ")
    assert offered
    assert all(not resolve(Kind.land, [label]).problems for label in offered), offered  # each one works
    assert all(label.endswith("(万元)") for label in offered)  # the unit the header gave is kept
    en = gk("--db", db, "submit", str(path), "--kind", "land", "--agency", "A", "--lang", "en")
    assert "did you mean: " in en.stderr
    fixed = write_csv(tmp_path / "fixed.csv", [offered[0] if h == "成交价钱(万元)" else h for h in headers], [LAND_ROW])
    assert gk("--db", db, "submit", str(fixed), "--kind", "land", "--agency", "A").returncode == 0


@pytest.mark.parametrize(("kind", "header", "meant"), [
    (Kind.land, "成交价(元)", "成交价格"), (Kind.procurement, "供应商名字", "供应商名称"), (Kind.land, "pric", "price")])
def test_suggestions_come_from_the_area_labels_and_names(kind, header, meant):
    near = suggest(kind, header)
    assert any(meant in label for label in near), near
    assert suggest(kind, "完全无关的一列") == []


# -- hints that run as printed ----------------------------------------------------------------------

def _parse_gongkai(argv: list[str]) -> None:
    """Parse a printed gongkai command against the real CLI (options, choices, types) without running it."""
    name = next(a for a in argv if a in cli.commands)
    at = argv.index(name)
    cli.make_context("gongkai", [*argv[:at], name])
    cli.commands[name].make_context(name, argv[at + 1:])


def _gongkai_args(line: str) -> list[str]:
    words = shlex.split(line)
    return words[words.index("gongkai") + 1:] if "gongkai" in words else words[1:]


def test_next_steps_after_a_submission_run_as_printed(tmp_path):
    db = str(tmp_path / "g.db")
    site = tmp_path / "site"
    env = {"GONGKAI_SITE": str(site)}
    gk("--db", db, "init")
    out = gk("--db", db, "submit", str(write_csv(tmp_path / "ok.csv", LAND_HEADERS, [LAND_ROW])), "--kind", "land",
             "--agency", "A", env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "下一步" in lines[1]
    commands = [line.strip() for line in lines if line.startswith("  ")]
    assert len(commands) == 2
    for command in commands:
        _parse_gongkai(_gongkai_args(command))
        ran = subprocess.run(shlex.split(command), cwd=ROOT, capture_output=True, text=True, timeout=300,
                             check=False, env={**os.environ, **env})
        assert ran.returncode == 0, (command, ran.stderr)
    assert (site / "index.html").is_file()
    assert list((tmp_path / "published").glob("*/gongkai.db"))  # the snapshot Datasette serves
    make = next(line for line in lines if "make " in line).split("make ", 1)[1]
    dry = subprocess.run(["make", "-n", *shlex.split(make)], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=False)
    assert dry.returncode == 0, dry.stderr
    assert f"--db {db} build --out {site}" in dry.stdout
    assert f"--db {db} publish" in dry.stdout
    dry_run = gk("--db", db, "submit", str(tmp_path / "ok.csv"), "--kind", "land", "--agency", "A", "--dry-run")
    assert "下一步" not in dry_run.stdout  # nothing was stored: nothing to build


def test_the_demo_serve_hint_runs_as_printed(tmp_path, capsys):
    from gongkai.serve import demo

    db = tmp_path / "g.db"
    gk("--db", str(db), "init")
    demo(db, serve_now=False, site_dir=tmp_path / "site", port=8123)
    hint = capsys.readouterr().out.split("serve it with: ", 1)[1]
    command, make = hint.split("   (or: ")
    args = _gongkai_args(command)
    _parse_gongkai(args)
    assert args[-2:] == ["--port", "8123"]
    program = shlex.split(command)[0]
    assert (ROOT / program).is_file() or shutil.which(program)  # it exists as printed, from the repository root
    make_args = shlex.split(make.strip().removesuffix(")"))
    assert make_args[0] == "make"
    dry = subprocess.run(["make", "-n", *make_args[1:]], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=False)
    assert dry.returncode == 0, dry.stderr
    assert f"serve --port 8123 --site {tmp_path / 'site'}" in dry.stdout


# -- make ----------------------------------------------------------------------------------------

# -o: never reinstall the venv these tests run in (pyproject.toml may be newer than its stamp)
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed"]


def _make_ready() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    if not (ROOT / ".venv" / "bin" / "gongkai").is_file():
        pytest.skip("no .venv/bin/gongkai: run `make setup` first")


def test_make_submit_refuses_with_the_report_and_fails(tmp_path):
    _make_ready()
    db = tmp_path / "g.db"
    path = bad_land(tmp_path)
    out = subprocess.run([*MAKE, "submit", f"FILE={path}", "KIND=land", "AGENCY=某市自然资源局",
                          f"DB={db}"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    # gongkai exits 1 (refused); GNU make reports "Error 1" and exits 2, as it does for any failed recipe
    assert out.returncode == 2, out.stderr
    assert "submit] Error 1" in out.stderr
    assert "第 3 行，列「成交价格(万元)」，值「-5」：金额不能为负数" in out.stderr
    en = subprocess.run([*MAKE, "submit", f"FILE={path}", "KIND=land", "AGENCY=A",
                         f"DB={db}", "SUBMIT_LANG=en"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                        check=False)
    assert "row 3, column '成交价格(万元)', value '-5': negative amount" in en.stderr


def test_make_submit_publish_builds_the_site_and_a_snapshot(tmp_path):
    _make_ready()
    db, site = tmp_path / "g.db", tmp_path / "site"
    path = write_csv(tmp_path / "ok.csv", LAND_HEADERS, [LAND_ROW])
    out = subprocess.run([*MAKE, "submit", f"FILE={path}", "KIND=land", "AGENCY=A",
                          f"DB={db}", f"SITE={site}", "PUBLISH=1"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600, check=False)
    assert out.returncode == 0, out.stderr
    assert "已存入新公告 1 条" in out.stdout
    assert "下一步" not in out.stdout  # make runs them
    assert (site / "index.html").is_file()
    assert list(site.glob("notice/**/*.html")) or list(site.glob("land/**/*.html"))
    assert list((tmp_path / "published").glob("*/gongkai.db"))


def test_make_demo_passes_serve_port():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", "demo", "SERVE=0", "SERVE_PORT=9137"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    line = next(line for line in out.stdout.splitlines() if "-m demo" in line)
    assert "--port 9137" in line
    from demo.run import main

    with pytest.raises(SystemExit) as exc:  # the option exists
        main(["--help"])
    assert exc.value.code == 0
