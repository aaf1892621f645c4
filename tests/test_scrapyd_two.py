"""Collection across machines (issue 11 §5): two scrapyd processes, the spiders split between them,
all writing to one store at the same time; the store ends with exactly the notices one collector
alone gets from the same portal: none lost, none duplicated."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from collectors.deploy import deploy
from demo.portal import running
from tests.test_collect_scrapyd import call, free_port

pytestmark = pytest.mark.slow
FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False"]  # our own server on 127.0.0.1: no politeness delay


def _scrapyd(home: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home}/eggs\n"
        f"logs_dir = {home}/logs\ndbs_dir = {home}/dbs\nitems_dir =\njobs_to_keep = 20\n"
        "poll_interval = 0.5\nmax_proc = 4\n", encoding="utf-8")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("scrapyd"))], cwd=home,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if call(f"{url}/daemonstatus.json")["status"] == "ok":
                return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    pytest.fail(f"scrapyd in {home} did not answer")


def _versions(db: Path) -> list[tuple[str, str]]:
    """(notice, content) of every stored version: version numbers follow arrival order, which two
    collectors running at once may change; what was stored may not."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT notice_id, content_sha256 FROM notices ORDER BY 1, 2").fetchall()
    finally:
        conn.close()


def test_two_scrapyds_split_the_spiders_into_one_store(tmp_path: Path):
    servers = [_scrapyd(tmp_path / name) for name in ("a", "b")]
    try:
        for i, (_proc, url) in enumerate(servers):
            done = deploy("local", url=url + "/", version=f"two{i}")
            assert done.returncode == 0, done.stderr
        spiders = sorted(call(f"{servers[0][1]}/listspiders.json?project=gongkai")["spiders"])
        assert len(spiders) >= 2
        db, ref = tmp_path / "shared.db", tmp_path / "reference.db"
        with running(faults=False) as portal:
            # the reference: one collector, every spider, one after the other
            subprocess.run([sys.executable, "-m", "gongkai", "--db", str(ref), "init"], check=True, capture_output=True)
            out = subprocess.run([sys.executable, "-m", "gongkai", "--db", str(ref), "collect", *spiders,
                                  "--base-url", portal.url, *[a for s in FAST for a in ("--set", s)]],
                                 capture_output=True, text=True, check=False, timeout=600)
            assert out.returncode == 0, out.stderr[-2000:]
            jobs = []
            for k, spider in enumerate(spiders):  # split: even spiders on a, odd on b, all at once
                url = servers[k % 2][1]
                job = call(f"{url}/schedule.json", [("project", "gongkai"), ("spider", spider),
                                                    ("base_url", portal.url), ("db", str(db)),
                                                    *[("setting", s) for s in FAST]])
                assert job["status"] == "ok", job
                jobs.append((url, job["jobid"]))
            deadline = time.monotonic() + 600
            pending = set(jobs)
            while pending and time.monotonic() < deadline:
                for url, jobid in list(pending):
                    listed = call(f"{url}/listjobs.json?project=gongkai")
                    if any(j["id"] == jobid for j in listed["finished"]):
                        pending.discard((url, jobid))
                time.sleep(0.5)
            assert not pending, f"scrapyd jobs did not finish: {pending}"
        got, want = _versions(db), _versions(ref)
        assert want, "the reference collection stored nothing"
        assert len(got) == len(set(got)), "a notice version stored twice"
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        assert not missing, f"{len(missing)} notice versions lost, e.g. {missing[:3]}"
        assert not extra, f"{len(extra)} notice versions not in the reference, e.g. {extra[:3]}"
    finally:
        for proc, _url in servers:
            proc.terminate()
            proc.wait(timeout=10)
