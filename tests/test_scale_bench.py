"""The scale benchmark (issue 11 §1) on a tiny corpus: every stage produces its figure, and the
figures are written to the results directory as JSON and as a markdown table."""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import re

import pytest

from bench.scale import available_engines, bench_scale

STAGES = [  # a figure name starting with each of these must be produced
    "generate: ", "submit: floor", "submit: gongkai submit of ", "compile: recompile all ",
    "site: raw write of the same ", "site: full build (", "index [{e}]: full build of ",
    "submit: 1,000 changed notices", "site: incremental build after 1,000 changed notices (",
    "index [{e}]: incremental update after 1,000 changed notices",
    "submit: 100 new notices", "site: incremental build after 100 new notices (",
    "index [{e}]: incremental update after 100 new notices", "publish: snapshot",
    "verify: site build with the bulk download and the signed log (", "verify: gongkai verify --site (",
    "verify: gongkai verify --site, leaves per second", "verify: gongkai verify --db (",
    "verify: gongkai verify --db, leaves per second",
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
    # issue 13: the bench site carries a signed checkpoint and both verifications pass over every leaf
    verify = {f.name: f for f in figs if f.name.startswith("verify: ")}
    assert not any("NO checkpoint" in n for n in verify), list(verify)
    for what in ("--site", "--db"):
        run = next(f for n, f in verify.items() if n.startswith(f"verify: gongkai verify {what} ("))
        assert run.target == "exit 0", run
        assert run.met is True, run
        assert "exit 0" in run.name, run
        leaves = re.search(r"\(([\d,]+) leaves", run.name)
        assert leaves is not None, run
        assert int(leaves.group(1).replace(",", "")) >= 600, run  # every notice a leaf (corrections add more)
        rate = verify[f"verify: gongkai verify {what}, leaves per second"]
        assert rate.value > 0, rate  # a verification that read no leaf is no verification
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


def test_the_compile_figures_leave_the_store_as_it_was(tmp_path):
    # issue 10's cost of the indicators: both recompilations are rolled back, and the switch is undone
    import store.db
    import store.flags
    from bench.scale import _recompile
    from collectors.submit import submit
    from demo.generate import generate_big_corpus
    from models.codelists import Kind

    st = store.db.Store(tmp_path / "g.db")
    st.init()
    for kind, path in generate_big_corpus(tmp_path / "corpus", rows=400):
        assert submit(st, path, kind=Kind(kind), agency="基准测试", workers=0).ok
    flags_before = st.conn.execute("SELECT * FROM flags ORDER BY project_id, indicator").fetchall()
    assert flags_before
    st.close()
    hooks = store.db.evaluate, store.flags.update_across
    plain_s, n = _recompile(tmp_path / "g.db", indicators=False)
    assert (store.db.evaluate, store.flags.update_across) == hooks  # switched back on
    with_s, n2 = _recompile(tmp_path / "g.db")
    assert n == n2 > 0
    assert plain_s > 0
    assert with_s > 0
    st = store.db.Store(tmp_path / "g.db")
    assert st.conn.execute("SELECT * FROM flags ORDER BY project_id, indicator").fetchall() == flags_before
    st.close()


@pytest.mark.parametrize("keep", [True, False])
def test_the_scratch_directory_is_kept_only_when_asked(tmp_path, capsys, keep):
    from bench.scale import _scratch

    with _scratch(tmp_path, keep=keep) as scratch:
        (tmp_path / scratch / "gongkai.db").write_bytes(b"")
    assert (tmp_path / scratch / "gongkai.db").exists() is keep
    assert (f"kept: {scratch}" in capsys.readouterr().out) is keep
