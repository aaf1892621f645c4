"""``make bench`` collect: a crawl of ≥ 5,000 detail pages of the imitation portal, end to end.

The ggzy spider crawls a fault-free portal (list API with query slicing, then every "b"
page) in a ``gongkai collect`` process: download + parse + normalize (``assemble``) +
batched store. The baseline is the same crawl with :class:`~collectors.pipelines.DropPipeline`
(items discarded): the ratio shows what normalization and storage cost. Runs alternate
(drop, full, full, drop …) on fresh databases; medians are reported (baselines.md §9.16).
Target (baselines.md T11): ≥ 150 pages/s with the whole pipeline.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from bench import Figure
from collectors.run import crawl_in_subprocess
from demo.portal import running

PROJECTS = 520  # per area: the portal then carries ≥ 5,000 ggzy detail pages
DROP = {"ITEM_PIPELINES": json.dumps({"collectors.pipelines.DropPipeline": 300})}


def _run(url: str, db: Path, overrides: dict[str, str]) -> tuple[int, int, float]:
    summary = crawl_in_subprocess(["ggzy"], db, base_url=url, overrides={"LOG_LEVEL": "ERROR", **overrides},
                                  timeout=1800)
    s = summary.spiders[0]
    if s.finish_reason != "finished":
        raise RuntimeError(f"the benchmark crawl did not finish: {s}")
    return s.responses, s.new + s.unchanged, s.seconds


def bench_collect(repeat: int = 3) -> list[Figure]:
    full_rates: list[float] = []
    drop_rates: list[float] = []
    stored = pages = 0
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-collect-") as tmp, \
            running(projects=PROJECTS, faults=False) as portal:
        for i in range(max(1, repeat)):
            order = [("drop", DROP), ("full", {})] if i % 2 == 0 else [("full", {}), ("drop", DROP)]
            for label, overrides in order:
                db = Path(tmp) / f"{label}-{i}.db"
                responses, notices, seconds = _run(portal.url, db, overrides)
                (full_rates if label == "full" else drop_rates).append(responses / seconds)
                if label == "full":
                    stored, pages = notices, responses
    full, drop = statistics.median(full_rates), statistics.median(drop_rates)
    return [
        Figure("collect: ggzy crawl, items dropped (download + parse)", drop, "pages/s"),
        Figure(f"collect: ggzy crawl of {pages:,} pages ({stored:,} notices stored), download + parse + normalize"
               " + store", full, "pages/s", drop, full / drop, "≥ 150 pages/s", full >= 150),
    ]
