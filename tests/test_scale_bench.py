"""The scale benchmark (issue 11 §1) on a tiny corpus: every stage produces its figure, and the
figures are written to the results directory as JSON and as a markdown table."""

from __future__ import annotations

import argparse
import importlib.util
import json
import math

import pytest

from bench.scale import available_engines, bench_scale

STAGES = [  # a figure name starting with each of these must be produced
    "generate: ", "submit: floor", "submit: gongkai submit of ", "compile: recompile all ",
    "site: raw write of the same ", "site: full build (", "index [{e}]: full build of ",
    "submit: 1,000 changed notices", "index [{e}]: incremental update after 1,000 changed notices",
    "submit: 100 new notices", "site: incremental build after 100 new notices (",
    "index [{e}]: incremental update after 100 new notices", "publish: snapshot",
    "search [{e}]: 1 term", "search [{e}]: 2 terms", "search [{e}]: phrase", "search [{e}]: faceted",
    "search [{e}]: filter-only", "datasette: row JSON", "datasette: notices table JSON, 2 facets filtered by year",
    "datasette: canned queries, all ", "size on disk: database", "size on disk: site",
    "size on disk: published snapshot", "size on disk: search index ({e})", "peak RSS: this process",
    "peak RSS: largest child process",
]


@pytest.mark.slow  # a whole (small) scale run: every stage, a served Datasette, the query sets (about a minute)
def test_every_figure_is_produced_and_written(tmp_path):
    # the fastest engine installed: the figures are the same per engine
    engine = "tantivy" if available_engines("tantivy")[0] else "whoosh"
    args = argparse.Namespace(rows=600, queries=20, engine=engine, results=tmp_path / "results",
                              whoosh_max_docs=10_000, before_max_rows=0, work=tmp_path)
    figs = bench_scale(args)
    names = [f.name for f in figs]
    for prefix in (s.format(e=engine) for s in STAGES):
        assert any(n.startswith(prefix) for n in names), f"no figure {prefix!r} in {names}"
    for f in figs:
        assert math.isfinite(f.value), f
        assert f.value >= 0, f
        if f.unit == "ms p95":
            # each canned query gets its share of the 20; every other set has its 20 (or more)
            assert f.n is not None, f
            assert f.n >= (1 if f.name.startswith("datasette: canned query ") else 20), f
            assert f.p50 is not None, f
            assert f.p50 <= f.value, f
    assert not any("FAILED" in n for n in names)
    data = json.loads((tmp_path / "results" / "scale-600.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in data["figures"]] == names
    assert data["run"]["rows"] == 600
    assert data["run"]["engines"] == [engine]
    table = (tmp_path / "results" / "scale-600.md").read_text(encoding="utf-8")
    assert table.count("\n| ") == len(figs) + 1  # header + one row per figure
    assert not list(tmp_path.glob("gongkai-scale-*"))  # the scratch directory is removed


@pytest.mark.skipif(importlib.util.find_spec("tantivy") is None, reason="the tantivy wheel is not installed")
def test_engines_asked_for_are_run_or_named_with_a_reason():
    run, skipped = available_engines("both")
    assert set(run) | set(skipped) == {"whoosh", "tantivy"}
    assert all(skipped.values())


def test_the_cli_refuses_fewer_than_200_queries(capsys):
    from bench.__main__ import main

    with pytest.raises(SystemExit):
        main(["scale", "--queries", "50"])
    assert "200" in capsys.readouterr().err
