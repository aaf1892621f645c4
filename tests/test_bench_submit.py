"""The submit benchmark's switches (bench/submit.py): the baseline of the log's cost really writes no
leaf, the measured side one leaf per stored version, and an unknown switch is refused by name."""

from __future__ import annotations

import subprocess
import sys

from bench.submit import gongkai_submit, log_counts
from demo.generate import generate_big_csv


def test_the_log_switch_writes_no_leaf_and_the_logged_side_one_per_version(tmp_path):
    path = generate_big_csv(tmp_path / "small.csv", rows=40)
    gongkai_submit(path, tmp_path / "logged.db")
    gongkai_submit(path, tmp_path / "unlogged.db", without=["log"])
    leaves, versions = log_counts(tmp_path / "logged.db")
    assert versions >= 40
    assert leaves == versions
    leaves, versions = log_counts(tmp_path / "unlogged.db")
    assert versions >= 40  # the same notices were stored …
    assert leaves == 0  # … without their leaves


def test_an_unknown_switch_is_refused_by_name(tmp_path):
    out = subprocess.run([sys.executable, "-m", "bench.submit", "--without", "log,nothing", "--", "--help"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 2
    assert "unknown part(s) nothing" in out.stderr
    assert "Traceback" not in out.stderr
