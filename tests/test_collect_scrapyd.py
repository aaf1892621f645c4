"""Scale-out on Scrapyd: a real scrapyd on 127.0.0.1, the project deployed with scrapyd-client,
a spider scheduled against the imitation portal, its notices found in the SQLite file."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from collectors.deploy import deploy
from demo.portal import running


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url: str, data: dict | list | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, data=body, timeout=30) as resp:  # noqa: S310 - 127.0.0.1
        return json.load(resp)


def test_scrapyd_deploy_schedule_and_store(tmp_path: Path):
    port = free_port()
    (tmp_path / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {tmp_path}/eggs\n"
        f"logs_dir = {tmp_path}/logs\ndbs_dir = {tmp_path}/dbs\nitems_dir =\njobs_to_keep = 5\n"
        "poll_interval = 0.5\nmax_proc = 2\n", encoding="utf-8")
    scrapyd = subprocess.Popen([str(Path(sys.executable).with_name("scrapyd"))], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                assert call(f"{url}/daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                time.sleep(0.2)
        done = deploy("local", url=url + "/", version="test1")
        assert done.returncode == 0, done.stderr
        assert "ocds" in call(f"{url}/listspiders.json?project=gongkai")["spiders"]
        db = tmp_path / "scrapyd.db"
        with running() as portal:
            job = call(f"{url}/schedule.json", [
                ("project", "gongkai"), ("spider", "ocds"), ("base_url", portal.url), ("db", str(db)),
                # our own server on 127.0.0.1: no politeness delay needed
                ("setting", "DOWNLOAD_DELAY=0"), ("setting", "AUTOTHROTTLE_ENABLED=False")])
            assert job["status"] == "ok"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                jobs = call(f"{url}/listjobs.json?project=gongkai")
                if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                    break
                time.sleep(0.5)
            else:
                pytest.fail(f"the scrapyd job did not finish: {jobs}")
        conn = sqlite3.connect(db)
        try:
            notices = conn.execute("SELECT count(*) FROM notices").fetchone()[0]
            sources = conn.execute("SELECT count(*) FROM notice_sources WHERE platform = 'OCDS'").fetchone()[0]
            errors = conn.execute("SELECT reason FROM rejections WHERE origin = 'ocds'").fetchall()
        finally:
            conn.close()
        assert notices > 0
        assert sources == 2 * notices
        assert errors == [("empty body (HTTP 200 with no content)",)]
    finally:
        scrapyd.terminate()
        scrapyd.wait(timeout=10)
