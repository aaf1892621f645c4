"""The demo shows each red flag (issue 10, point 4): for every declared indicator, the seeded demo
has at least one project it flags and one it clears, once the generated files went through the
importers and the store compiled them (so a value that is not read back does not count).

Parametrized over ``models.indicators.REGISTRY``: a new indicator without demo coverage fails here.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from models.indicators import REGISTRY
from tests.test_search_corpus import build_corpus


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database as the tests' corpus builds it (every demo file submitted through the importers)."""
    return build_corpus(tmp_path_factory.mktemp("demo-flags"))


@pytest.fixture(scope="module")
def statuses(demo_db: Path) -> dict[str, dict[str, int]]:
    """indicator → status → number of demo projects."""
    conn = sqlite3.connect(demo_db)
    try:
        out: dict[str, dict[str, int]] = {}
        for code, status, n in conn.execute("SELECT indicator, status, count(*) FROM flags GROUP BY 1, 2"):
            out.setdefault(code, {})[status] = n
        return out
    finally:
        conn.close()


@pytest.mark.parametrize("code", sorted(REGISTRY))
def test_demo_flags_and_clears_every_indicator(statuses: dict[str, dict[str, int]], code: str) -> None:
    got = statuses.get(code, {})
    assert got.get("flagged", 0) >= 1, f"{code}: no demo project is flagged ({got})"
    assert got.get("clear", 0) >= 1, f"{code}: no demo project is clear ({got})"


def test_comparison_flag_states_the_prices_it_read(demo_db: Path) -> None:
    """The parcel the comparison flags is the generated outlier (160 yuan/m², demo.generate.vocabulary
    FLAG_PARCEL_UNITS, rounded down to whole 万元), read back from its file; the sentence states both prices."""
    conn = sqlite3.connect(demo_db)
    try:
        rows = conn.execute("SELECT used_values, why_zh FROM flags WHERE indicator = 'L-COMPARABLE'"
                            " AND status = 'flagged'").fetchall()
    finally:
        conn.close()
    assert len(rows) == 1
    used, why = rows[0]
    values = json.loads(used)
    assert values["unit_price"] in why
    assert values["median"] in why
    assert Decimal(150) < Decimal(values["unit_price"]) <= Decimal(160)
    assert Decimal(values["share"]) < Decimal("0.5")
