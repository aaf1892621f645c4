"""Benchmarks (``make bench``, ``python -m bench``): speeds as ratios to a floor measured in the same run.

One module per stage (:mod:`bench.submit`, :mod:`bench.collect`, :mod:`bench.site`,
:mod:`bench.search`, :mod:`bench.scale`), run by :mod:`bench.__main__`. The benchmarks use the product and the
demo generator; the product never imports them.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    p50: float | None = None  # latency figures: value is the p95, this the median
    n: int | None = None  # latency figures: how many requests the percentiles are over
    against: str = "the floor"  # what ``baseline`` is, as the printed line names it


def median_rate(runs: list[float], n: int) -> float:
    """``n`` items over the median of ``runs`` (seconds): items per second."""
    return n / statistics.median(runs)
