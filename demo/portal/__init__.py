"""The imitation portal (``gongkai portal``): every source family on one 127.0.0.1 address.

:func:`running` starts it in a child process on a free port and stops it afterwards (tests,
the demo and the benchmark use it; Scrapy crawls run in their own processes too).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class RunningPortal:
    url: str
    process: subprocess.Popen


@contextmanager
def running(*, projects: int = 16, faults: bool = True, result_cap: int = 1000, stall: float = 30.0,
            revision: int = 1, seed: int | None = None, port: int = 0,
            adversarial: bool = False) -> Iterator[RunningPortal]:
    """A portal in a child process on 127.0.0.1 (``port`` 0: a free one); stopped when the block ends."""
    cmd = [sys.executable, "-m", "demo.portal", "--port", str(port), "--projects", str(projects),
           "--result-cap", str(result_cap), "--stall", str(stall), "--revision", str(revision)]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    if not faults:
        cmd.append("--no-faults")
    if adversarial:
        cmd.append("--adversarial")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        m = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if not m:
            err = proc.stderr.read() if proc.stderr and proc.poll() is not None else ""
            raise RuntimeError(f"the imitation portal did not start: {line.strip()} {err.strip()}")
        yield RunningPortal(m.group(1), proc)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
