"""The scale benchmark (issue 11): ``python -m gongkai.bench scale --rows 1000000`` (or ``python -m bench scale``).

One corpus, every stage, in the order a deployment runs them:

1. a generated N-notice corpus of the five areas, one CSV per area in assumed shares
   (``demo.generate.generate_big_corpus``: procurement 45 %, tenders 35 %, land 10 %, state
   assets 6 %, mining 4 %; projects with an announcement, zero to two corrections and an
   outcome, exact duplicates, revised versions, long bodies, red flags both ways), and the
   floor ``csv.reader`` + one ``executemany`` of the same rows, summed over the files;
2. ``gongkai submit`` of each file (one real process per file: parse, validate, normalize,
   store, compile projects, indicators), notices/s per file and over all rows (the sum of the
   processes' times), and its ratio to that floor;
3. a recompilation of every project without and with its indicators (in this process, rolled
   back), the indicators' cost as a ratio (issue 10);
4. a full site build, files/s and ratio to raw writes of the same bytes (two processes); above
   ``--site-max-rows`` the site builds are skipped and named (the verify stage then checks the
   database alone);
5. per search engine (``--engine whoosh|tantivy|both``: what is installed), a full index
   build in docs/s; 1,000 changed notices resubmitted, the incremental site build and index
   update after them;
6. 100 new notices: their submission, the incremental site build and index update;
7. a publish (snapshot, indexes, labels, FTS5, checks, manifest); then the tamper-evident log
   (issue 13): the site updated with its bulk download and signed checkpoint, and
   ``gongkai verify --site`` and ``gongkai verify --db`` as real processes (seconds, target exit 0;
   leaves/s);
8. query latency per engine, p50/p95 over ``--queries`` (≥ 200) queries per set: one term,
   two terms, phrase, faceted (one term + facet counts), filter-only (no words, year + area);
9. Datasette served for real (``gongkai.serve.start``) over the snapshot, queried with httpx:
   row JSON, table JSON with two facets filtered by year, every canned query; at N ≤
   ``--before-max-rows`` also on a copy of the snapshot without the covering indexes of
   issue 11 (``store.schema.COVERING_INDEXES``), the before/after of point 3;
10. sizes on disk and peak RSS (this process; the largest child process).

Results: ``bench-results/scale-<rows>.json`` and ``.md`` (``--results DIR``). Each figure
names its target (issue 11) and whether it is met. Whoosh is skipped above
``--whoosh-max-docs`` documents (its build runs at ≈ 230–410 docs/s: hours at 1M).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import pkgutil
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

from bench import Figure
from bench.search import _changed_file, _pct, _query_sets
from bench.site import SITE_URL, _new_rows, raw_write_seconds
from bench.submit import floor_csv_executemany
from demo.generate import generate_big_corpus
from demo.generate.big_corpus import split_rows

MIN_QUERIES = 200
ENGINES = ("tantivy", "whoosh")  # tantivy first: its figures come before Whoosh's long build


# -- helpers -------------------------------------------------------------------------------------------------

def _du(path: Path) -> int:
    if not path.exists():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


def _latency(name: str, ms: list[float], target_ms: float | None, note: str = "") -> Figure:
    p95, p50 = _pct(ms, 95), statistics.median(ms)
    target = f"p95 < {target_ms:,.0f} ms{note}" if target_ms is not None else f"none{note}"
    return Figure(name, p95, "ms p95", target=target, met=(p95 < target_ms) if target_ms is not None else None,
                  p50=p50, n=len(ms))


def _submit_process(db: Path, csv_path: Path, kind: str = "procurement") -> float:
    run = [sys.executable, "-m", "gongkai", "--db", str(db)]
    if not db.exists():
        subprocess.run([*run, "init"], check=True, capture_output=True)
    started = time.perf_counter()
    out = subprocess.run([*run, "submit", str(csv_path), "--kind", kind, "--agency", "基准测试"],
                         capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(f"gongkai submit failed: {out.stderr[-2000:]}")
    return elapsed


def available_engines(wanted: str) -> tuple[list[str], dict[str, str]]:
    """The engines to run and, for those asked for but not run, why."""
    asked = list(ENGINES) if wanted == "both" else [wanted]
    run, skipped = [], {}
    for engine in asked:
        if engine == "tantivy":
            mods = [m.name for m in pkgutil.iter_modules([str(Path(__file__).resolve().parents[1] / "search_index")])]
            if importlib.util.find_spec("tantivy") is None:
                skipped[engine] = "the tantivy wheel is not installed"
                continue
            if not any("tantivy" in m for m in mods):
                skipped[engine] = "search_index has no tantivy engine yet (GONGKAI_SEARCH_ENGINE=tantivy not implemented)"
                continue
        run.append(engine)
    return run, skipped


def _with_engine(engine: str, fn: Callable[[], Any]) -> Any:
    old = os.environ.get("GONGKAI_SEARCH_ENGINE")
    os.environ["GONGKAI_SEARCH_ENGINE"] = engine
    try:
        return fn()
    finally:
        if old is None:
            os.environ.pop("GONGKAI_SEARCH_ENGINE", None)
        else:
            os.environ["GONGKAI_SEARCH_ENGINE"] = old


def _cycle(items: list[str], n: int) -> list[str]:
    if not items:
        return []
    return [items[i % len(items)] for i in range(max(n, len(items)))]


# -- stages --------------------------------------------------------------------------------------------------

def _recompile(db: Path, *, indicators: bool = True) -> tuple[float, int]:
    """Every project recompiled from its current notices in one batch, rolled back (the store is left
    as it was). The stored flags are removed first, inside the batch, so that the indicators' results
    are all written as at a first compilation; ``indicators=False``: the same with the red flags
    switched off (as ``python -m bench.submit`` does), the baseline of their cost (issue 10)."""
    import store.db
    import store.flags
    from bench.submit import _no_indicators

    saved = store.db.evaluate, store.flags.update_across
    st = store.db.Store(db)
    try:
        if not indicators:
            _no_indicators()
        ids = [r[0] for r in st.conn.execute("SELECT project_id FROM projects")]
        with st.batch(dry_run=True) as batch:
            st.conn.execute("DELETE FROM flags")
            started = time.perf_counter()
            batch._projects.update(ids)  # the bench asks for what a batch would touch: all of them
        return time.perf_counter() - started, len(ids)
    finally:
        store.db.evaluate, store.flags.update_across = saved
        st.close()


def _search_times(engine_name: str, index_dir: Path, sets: dict[str, list[str]], filters: list[tuple[int, str]],
                  n: int) -> dict[str, list[float]]:
    from search_index import SearchRequest, open_engine

    def run() -> dict[str, list[float]]:
        engine = open_engine(index_dir)
        out: dict[str, list[float]] = {}
        try:
            for q in sets["one-term"][:5]:
                engine.search(SearchRequest(q, size=20, facets=True))  # warm-up (searcher, caches)
            cases: list[tuple[str, list[SearchRequest]]] = [
                ("1 term", [SearchRequest(q, size=20, facets=False) for q in _cycle(sets["one-term"], n)]),
                ("2 terms", [SearchRequest(q, size=20, facets=False) for q in _cycle(sets["two-term"], n)]),
                ("phrase", [SearchRequest(q, size=20, facets=False) for q in _cycle(sets["phrase"], n)]),
                ("faceted (1 term + facet counts)",
                 [SearchRequest(q, size=20, facets=True) for q in _cycle(sets["one-term"][::-1], n)]),
                ("filter-only (year + area, facet counts)",
                 [SearchRequest("", years=(y,), kinds=(k,), size=20, facets=True, sort="date")
                  for y, k in (filters[i % len(filters)] for i in range(n))]),
            ]
            for name, reqs in cases:
                ms = []
                for req in reqs:
                    t = time.perf_counter()
                    engine.search(req)
                    ms.append((time.perf_counter() - t) * 1000)
                out[name] = ms
        finally:
            engine.close()
        return out

    return _with_engine(engine_name, run)


def _canned_queries() -> dict[str, str]:
    from publish.metadata import build_metadata

    return {k: v["sql"] for k, v in build_metadata()["databases"]["gongkai"].get("queries", {}).items()}


def _datasette_times(snapshot: Path, index_dir: Path, site: Path, ids: list[str], years: list[int],
                     words: list[str], n: int) -> dict[str, Any]:
    import httpx

    from gongkai.serve import free_port, start, wait_ready

    port = free_port()
    proc = start(snapshot, site_dir=site, index_dir=index_dir, port=port, quiet=True)
    out: dict[str, Any] = {"row": [], "facets": [], "canned": {}, "errors": {}}
    try:
        wait_ready("127.0.0.1", port, timeout=120, proc=proc)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as c:
            c.get("/gongkai/notices.json?_size=1")  # warm-up
            for vid in _cycle(ids, n):
                t = time.perf_counter()
                c.get(f"/gongkai/notices/{vid}.json").raise_for_status()
                out["row"].append((time.perf_counter() - t) * 1000)
            for i in range(n):
                t = time.perf_counter()
                # the two facets of the issue; the table's metadata facets are computed too, as a reader gets them
                c.get("/gongkai/notices.json", params=[("_facet", "kind_name"), ("_facet", "province_name"),
                                                       ("_size", "20"), ("published_year", str(years[i % len(years)]))]
                      ).raise_for_status()
                out["facets"].append((time.perf_counter() - t) * 1000)
            canned = _canned_queries()
            per = max(1, -(-n // max(1, len(canned))))  # ≥ n canned requests in all
            for name, sql in sorted(canned.items()):
                params = sorted(set(re.findall(r"(?<!:):(\w+)", sql)))
                times, errors = [], 0
                for i in range(per):
                    values = {p: (words[i % len(words)] if p == "q" else "") for p in params}
                    t = time.perf_counter()
                    r = c.get(f"/gongkai/{name}.json", params={**values, "_size": "50"})
                    times.append((time.perf_counter() - t) * 1000)
                    if r.status_code != 200 or r.json().get("ok") is False:
                        errors += 1
                out["canned"][name] = times
                out["errors"][name] = errors
    finally:
        proc.terminate()
        proc.wait(10)
    return out


def _without_covering_indexes(pub_dir: Path, dest: Path) -> Path:
    """A copy of the snapshot without the covering indexes of issue 11 (the 'before' of point 3)."""
    from publish.snapshot import DB_NAME, inspect_data
    from store.schema import COVERING_INDEXES

    dest.mkdir(parents=True)
    shutil.copyfile(pub_dir / DB_NAME, dest / DB_NAME)
    (dest / DB_NAME).chmod(0o644)
    conn = sqlite3.connect(dest / DB_NAME, isolation_level=None)
    for name in re.findall(r"CREATE INDEX IF NOT EXISTS (\w+)", COVERING_INDEXES):
        conn.execute(f"DROP INDEX IF EXISTS {name}")
    conn.execute("ANALYZE")
    conn.close()
    data = inspect_data(dest / DB_NAME)
    (dest / "inspect.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return dest


def _datasette_figures(label: str, ds: dict[str, Any], big: bool, n: int) -> list[Figure]:
    figs = [_latency(f"datasette{label}: row JSON", ds["row"], 20),
            _latency(f"datasette{label}: notices table JSON, 2 facets filtered by year (+ its metadata facets)",
                     ds["facets"], 300 if big else 100, " (1M)" if big else " (100k)")]
    all_canned = [t for ts in ds["canned"].values() for t in ts]
    if all_canned:
        worst = max(ds["canned"], key=lambda k: _pct(ds["canned"][k], 95))
        errors = sum(ds["errors"].values())
        figs.append(_latency(f"datasette{label}: canned queries, all {len(ds['canned'])} "
                             f"(slowest: {worst} p95 {_pct(ds['canned'][worst], 95):,.0f} ms; {errors} errors)",
                             all_canned, 1000, " each (at 1M)"))
        for name, ts in sorted(ds["canned"].items()):
            figs.append(_latency(f"datasette{label}: canned query {name} ({ds['errors'][name]} errors)", ts, 1000))
    return figs


def _gongkai_process(args: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "gongkai", *args], capture_output=True, text=True, check=False)
    return time.perf_counter() - started, out


def _verify_figures(db: Path, site: Path | None) -> list[Figure]:
    """Issue 13: the site updated with its bulk download (what ``gongkai verify --site`` checks the
    records of) and its signed checkpoint, then ``gongkai verify --site`` and ``--db`` as real
    processes: seconds (target: exit 0) and leaves checked per second."""
    from publish.checkpoint import key_path
    from publish.site.build import build

    figs: list[Figure] = []
    if not key_path(db).exists():  # `gongkai init` creates the log's signing key beside the database
        subprocess.run([sys.executable, "-m", "gongkai", "--db", str(db), "init"], check=True, capture_output=True)
    s = time.perf_counter()
    report = None
    try:
        if site is not None:  # None: the site stages were skipped (--site-max-rows); --db alone
            report = build(db, site, site_url=SITE_URL, downloads=True)
    except Exception as exc:  # reported, and the run goes on (verify --db needs no site)
        figs.append(Figure(f"verify: site build with the bulk download FAILED ({type(exc).__name__}: "
                           f"{str(exc)[:200]})", time.perf_counter() - s, "s", target="exit 0", met=False))
    if report is not None:
        log = report.log
        figs.append(Figure(f"verify: site build with the bulk download and the signed log ({report.mode}, "
                           f"{log.size if log else 0:,} leaves{'' if log and log.signed else ', NO checkpoint'})",
                           time.perf_counter() - s, "s"))
    runs = [("--db", ["verify", "--db", str(db)])]
    if report is not None and site is not None:
        runs.insert(0, ("--site", ["verify", "--site", str(site)]))
    for what, args in runs:
        secs, out = _gongkai_process(args)
        summary = (out.stdout.strip() if out.returncode == 0 else out.stderr.strip()).splitlines()
        leaves = int(m.group(1).replace(",", "")) if (m := re.search(r"([\d,]+) leaves", " ".join(summary))) else 0
        why = "" if out.returncode == 0 else f"; {(summary or ['no output'])[0][:200]}"
        figs.append(Figure(f"verify: gongkai verify {what} ({leaves:,} leaves, exit {out.returncode}{why})", secs, "s",
                           target="exit 0", met=out.returncode == 0))
        figs.append(Figure(f"verify: gongkai verify {what}, leaves per second", leaves / secs, "leaves/s"))
    return figs


# -- the benchmark -------------------------------------------------------------------------------------------

def _scratch(work: Path | None, *, keep: bool) -> contextlib.AbstractContextManager[str]:
    """The run's scratch directory: removed at the end unless ``--keep`` (a 1M run takes two hours;
    its store and snapshot then serve later measurements without a second run)."""
    if keep:
        path = tempfile.mkdtemp(prefix="gongkai-scale-", dir=work)
        print(f"-- scratch directory kept: {path}", flush=True)
        return contextlib.nullcontext(path)
    return tempfile.TemporaryDirectory(prefix="gongkai-scale-", dir=work)


def bench_scale(a: argparse.Namespace) -> list[Figure]:
    rows: int = a.rows
    n_q: int = getattr(a, "queries", None) or MIN_QUERIES  # the CLI refuses < 200; tests ask for fewer
    big = rows > 200_000  # which of the targets apply: the 1M ones, else the 100k ones
    engines, skipped = available_engines(getattr(a, "engine", "both") or "both")
    results = Path(getattr(a, "results", None) or "bench-results")
    figs: list[Figure] = []
    stages: dict[str, float] = {}
    sizes: dict[str, int] = {}

    def add(f: Figure) -> None:
        figs.append(f)
        # written after every figure: a run cut short (timeout, a crash) leaves what it measured
        write_results(results, rows, figs, run_facts(complete=False), quiet=True)
        print(f"   {f.name}: {f.value:,.2f} {f.unit}" + (f" (target {f.target}: {'met' if f.met else 'NOT met'})"
                                                          if f.met is not None else ""), flush=True)

    def stage(name: str) -> None:
        stages[name] = _rss_mb()
        print(f"-- {name} ({time.strftime('%H:%M:%S')}, load {os.getloadavg()[0]:.2f})", flush=True)

    load_start = os.getloadavg()
    started_all = time.perf_counter()

    def run_facts(*, complete: bool) -> dict[str, Any]:
        return {"rows": rows, "complete": complete, "queries_per_set": n_q, "engines": engines,
                "skipped_engines": skipped, "seconds": round(time.perf_counter() - started_all, 1),
                "load_average_at_start": load_start, "load_average_now": os.getloadavg(),
                "rss_mb_by_stage_start": stages, "python": sys.version.split()[0],
                "sqlite": sqlite3.sqlite_version, "when": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    with _scratch(getattr(a, "work", None), keep=bool(getattr(a, "keep", False))) as tmp:
        t = Path(tmp)
        stage("generate")
        s = time.perf_counter()
        corpus = generate_big_corpus(t / "corpus", rows=rows)  # one CSV per area (demo.generate.big_corpus)
        add(Figure(f"generate: {rows:,}-notice corpus, {len(corpus)} areas", time.perf_counter() - s, "s"))
        sizes["CSV input"] = _du(t / "corpus")
        # the later stages (1,000 changed, 100 new notices) resubmit procurement rows
        csv_path = next(path for kind, path in corpus if kind == "procurement")

        stage("submit")
        floor_s = sub_s = 0.0
        db = t / "gongkai.db"
        for kind, path in corpus:  # the floor and gongkai: one pass (one process) per file, summed
            floor_s += floor_csv_executemany(path, t / "floor.db")
            for p in t.glob("floor.db*"):
                p.unlink()
            file_s = _submit_process(db, path, kind.value)
            sub_s += file_s
            n_file = split_rows(rows)[kind]
            add(Figure(f"submit: {kind.value} file ({n_file:,} notices)", n_file / file_s, "notices/s",
                       target="none (one area; the target is on the total)"))
        rate, floor = rows / sub_s, rows / floor_s
        add(Figure("submit: floor (csv.reader + executemany, WAL, sync OFF; the five files)", floor, "rows/s"))
        add(Figure(f"submit: gongkai submit of {rows:,} notices, five areas (parse, validate, store, compile, "
                   "indicators; one process per file)", rate, "notices/s", floor, rate / floor, "≥ 15,000 notices/s",
                   rate >= 15_000))
        submit_rss = _rss_mb(resource.RUSAGE_CHILDREN)

        stage("compile")
        plain_s, _n = _recompile(db, indicators=False)
        comp_s, n_projects = _recompile(db)
        add(Figure(f"compile: recompile all {n_projects:,} projects without indicators (one process)",
                   n_projects / plain_s, "projects/s"))
        add(Figure(f"compile: recompile all {n_projects:,} projects with indicators (one process; time "
                   f"×{comp_s / plain_s:.2f} of the same without them)", n_projects / comp_s, "projects/s",
                   n_projects / plain_s, plain_s / comp_s, target=f"none ({comp_s:,.1f} s)",
                   against="the same compilation without indicators"))

        stage("site full")
        from publish.site.build import build

        site = t / "site"
        site_max = getattr(a, "site_max_rows", None)
        site_ok = site_max is None or rows <= site_max
        s = time.perf_counter()
        if not site_ok:
            skipped["site"] = f"{rows:,} rows > --site-max-rows {site_max:,}"
            site.mkdir(parents=True, exist_ok=True)  # Datasette's server is still given a (empty) site
            add(Figure(f"site: full and incremental builds NOT RUN ({skipped['site']})", 0, "s",
                       target="ratio ≥ 0.3 to raw writes", met=False))
        else:
            try:
                report = build(db, site, site_url=SITE_URL, downloads=False)
            except Exception as exc:  # another stage's failure must not hide the other figures: reported, run goes on
                site_ok = False
                add(Figure(f"site: full build FAILED ({type(exc).__name__}: {str(exc)[:200]})",
                           time.perf_counter() - s, "s", target="ratio ≥ 0.3 to raw writes", met=False))
        if site_ok:
            full_s = time.perf_counter() - s
            raw_s, n_files = raw_write_seconds(site, t / "raw")
            sizes["raw-write copy"] = _du(t / "raw")
            shutil.rmtree(t / "raw")
            site_rate, raw_rate = report.files / full_s, n_files / raw_s
            add(Figure(f"site: raw write of the same {n_files:,} files (2 processes)", raw_rate, "files/s"))
            add(Figure(f"site: full build ({report.files:,} files, {full_s:,.0f} s)", site_rate, "files/s",
                       raw_rate, site_rate / raw_rate, "ratio ≥ 0.3 to raw writes", site_rate / raw_rate >= 0.3))

        index_dirs = {e: t / f"index-{e}" for e in engines}
        from search_index import documents
        from store.db import connect_ro

        conn = connect_ro(db)
        docs_total = documents.count_documents(conn)
        conn.close()
        for engine in engines:
            stage(f"index build {engine}")
            from search_index import rebuild

            if engine == "whoosh" and docs_total > getattr(a, "whoosh_max_docs", 200_000):
                skipped[engine] = f"{docs_total:,} documents > --whoosh-max-docs"
                continue
            built = _with_engine(engine, partial(rebuild, db, index_dirs[engine]))
            goal = 2000 if engine == "tantivy" else 400
            add(Figure(f"index [{engine}]: full build of {built['added']:,} documents ({built['seconds']:,.0f} s)",
                       built["added"] / built["seconds"], "docs/s", target=f"≥ {goal:,} docs/s"
                       + (" (tantivy, issue 11)" if engine == "tantivy" else " (Whoosh, issue 5)"),
                       met=built["added"] / built["seconds"] >= goal))
        engines = [e for e in engines if e not in skipped]

        stage("1,000 changed notices")
        changed = _changed_file(csv_path, t / "changed.csv", 1000)
        add(Figure("submit: 1,000 changed notices (a resubmitted file)", _submit_process(db, changed), "s"))
        from search_index import update_index

        if site_ok:  # built here, so that the next figure measures the 100 new notices alone
            s = time.perf_counter()
            inc = build(db, site, site_url=SITE_URL, downloads=False)
            add(Figure(f"site: incremental build after 1,000 changed notices ({inc.mode}, {inc.written:,} files "
                       "written)", time.perf_counter() - s, "s"))
        for engine in engines:
            upd = _with_engine(engine, partial(update_index, db, index_dirs[engine]))
            add(Figure(f"index [{engine}]: incremental update after 1,000 changed notices ({upd['mode']}, "
                       f"{upd['added']:,} documents)", upd["seconds"], "s", target="< 5 s",
                       met=upd["seconds"] < 5 and upd["mode"] == "incremental"))

        stage("100 new notices")
        new = _new_rows(csv_path, t / "new.csv", 100)
        add(Figure("submit: 100 new notices", _submit_process(db, new), "s"))
        goal_s = 5 if big else 2
        if site_ok:
            s = time.perf_counter()
            inc = build(db, site, site_url=SITE_URL, downloads=False)
            inc_s = time.perf_counter() - s
            add(Figure(f"site: incremental build after 100 new notices ({inc.mode}, {inc.written:,} files written)",
                       inc_s, "s", target=f"< {goal_s} s", met=inc_s < goal_s and inc.mode == "incremental"))
        else:
            add(Figure("site: incremental build after 100 new notices NOT RUN ("
                       + (skipped.get("site") or "the full build failed") + ")", 0, "s", target=f"< {goal_s} s", met=False))
        for engine in engines:
            upd = _with_engine(engine, partial(update_index, db, index_dirs[engine]))
            add(Figure(f"index [{engine}]: incremental update after 100 new notices ({upd['mode']})",
                       upd["seconds"], "s"))
        if site_ok:
            sizes["site"] = _du(site)

        stage("publish")
        from publish.snapshot import publish

        pub = publish(db, t / "published")
        add(Figure(f"publish: snapshot with indexes, labels, FTS5, checks, manifest ({pub.counts['notices']:,} "
                   "notice versions)", pub.seconds, "s"))
        sizes["database (live)"] = sum(_du(p) for p in t.glob("gongkai.db*"))
        sizes["published snapshot"] = _du(pub.directory)

        stage("verify")  # issue 13: the tamper-evident log checked as an outsider would
        for f in _verify_figures(db, site if site_ok else None):
            add(f)
        if site_ok:
            sizes["site downloads"] = _du(site / "downloads")
            sizes["site log/ (tiles, checkpoints)"] = _du(site / "log")

        stage("queries")
        sets = _query_sets(db, n=n_q)
        conn = sqlite3.connect(db)
        years = [r[0] for r in conn.execute("SELECT DISTINCT published_year FROM notices WHERE published_year "
                                            "IS NOT NULL ORDER BY 1")]
        kinds = [r[0] for r in conn.execute("SELECT DISTINCT kind FROM notices")]
        ids = [r[0] for r in conn.execute("SELECT version_id FROM notices ORDER BY random() LIMIT ?", (n_q,))]
        conn.close()
        filters = [(y, k) for y in years for k in kinds]
        for engine in engines:
            sizes[f"search index ({engine})"] = _du(index_dirs[engine])
            times = _search_times(engine, index_dirs[engine], sets, filters, n_q)
            for name, ms in times.items():
                if engine == "tantivy":
                    limit = 50 if name in ("1 term", "2 terms") else 150
                    note = " (tantivy at 1M)"
                elif name in ("1 term", "2 terms"):
                    limit, note = 150, " (Whoosh at 100k)"
                else:
                    limit, note = None, " (Whoosh: none in issue 11)"
                add(_latency(f"search [{engine}]: {name}", ms, limit, note))

        stage("datasette")
        site_dir = t / "site"
        index_for_ds = index_dirs[engines[0]] if engines else t / "no-index"
        words = [w for w in sets["one-term"] if w] or ["采购"]
        ds = _with_engine(engines[0] if engines else "whoosh",
                          lambda: _datasette_times(pub.directory, index_for_ds, site_dir, ids, years, words, n_q))
        if rows <= getattr(a, "before_max_rows", 200_000):
            before = _without_covering_indexes(pub.directory, t / "before")
            ds_before = _with_engine(engines[0] if engines else "whoosh",
                                     lambda: _datasette_times(before, index_for_ds, site_dir, ids, years, words, n_q))
            for f in _datasette_figures(" (before: no covering indexes)", ds_before, big, n_q)[:3]:
                add(f)
        for f in _datasette_figures("", ds, big, n_q):
            add(f)

        stage("done")
        for name, size in sizes.items():
            add(Figure(f"size on disk: {name}", size / 1e6, "MB"))
        add(Figure("peak RSS: this process (generate, compile, site build, index, publish, queries)",
                   _rss_mb(), "MB"))
        add(Figure("peak RSS: largest child process (submit, index workers, Datasette …)",
                   max(submit_rss, _rss_mb(resource.RUSAGE_CHILDREN)), "MB"))
    write_results(results, rows, figs, run_facts(complete=True))
    return figs


def write_results(results: Path, rows: int, figs: list[Figure], meta: dict[str, Any], *,
                  quiet: bool = False) -> tuple[Path, Path]:
    """``scale-<rows>.json`` (figures + run facts) and ``scale-<rows>.md`` (a table) under ``results``."""
    results.mkdir(parents=True, exist_ok=True)
    js, md = results / f"scale-{rows}.json", results / f"scale-{rows}.md"
    js.write_text(json.dumps({"run": meta, "figures": [asdict(f) for f in figs]}, ensure_ascii=False, indent=1),
                  encoding="utf-8")
    state = "" if meta["complete"] else ", INCOMPLETE (still running, or cut short)"
    lines = [f"# Scale bench, {rows:,} notices ({meta['when']}, {meta['seconds']:,.0f} s{state}; load average "
             f"{meta['load_average_at_start'][0]:.2f} at start, {meta['load_average_now'][0]:.2f} at the last figure; "
             "2 cores)", "",
             f"Engines run: {', '.join(meta['engines']) or 'none'}"
             + "".join(f"; {e} not run: {why}" for e, why in meta["skipped_engines"].items()), "",
             "| figure | value | p50 | n | ratio to its baseline (same run) | target | met |", "|---|---|---|---|---|---|---|"]
    for f in figs:
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.name} | {f.value:,.2f} {f.unit} | {'' if f.p50 is None else f'{f.p50:,.2f}'} | "
                     f"{'' if f.n is None else f.n} | {'' if f.ratio is None else f'{f.ratio:.3f} (to {f.against})'} | "
                     f"{f.target} | {met} |")
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not quiet:
        print(f"results written to {js} and {md}", flush=True)
    return js, md
