"""Bounded serving (issue 14, item 1): a real Datasette (`gongkai.serve.start` on 127.0.0.1, the
site given as a *relative* path) that one request cannot exhaust — SQLite limits, a result
budget, a response cap, per-client concurrency, capped parameters — and that leaks no absolute
path, serves no build state or dotfile under /site/, answers formula-safe CSV and sends a CSP
without 'unsafe-inline' for scripts. The ASGI guard is also driven directly with a fake app for
the streaming cases; the load test is marked slow."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib
import importlib.util
import re
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from gongkai.serve import CONFIG_DIR, ROOT, datasette_command, free_port, start, wait_ready
from publish.snapshot import UNPUBLISHED_TABLES, publish
from search_index import update_index
from tests.test_search_corpus import build_corpus

_spec = importlib.util.spec_from_file_location("gongkai_guard", CONFIG_DIR / "plugins" / "gongkai_guard.py")
guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(guard)

BOMB = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠SUM(1)"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limits")
    db = build_corpus(tmp)
    update_index(db, tmp / "index")
    pub = publish(db, tmp / "published")
    site = tmp / "site"
    (site / ".build").mkdir(parents=True)
    (site / ".build" / "state.sqlite").write_text(f"db={db}", encoding="utf-8")
    (site / ".index.html.123.tmp").write_text("partial", encoding="utf-8")
    (site / "index.html").write_text("<p>site home</p>", encoding="utf-8")
    port = free_port()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(tmp)  # `gongkai serve --site site` from the directory that holds it
        proc = start(pub.directory, site_dir=Path("site"), index_dir=Path("index"), port=port, quiet=True)
    try:
        wait_ready("127.0.0.1", port, proc=proc)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client, tmp, proc
    finally:
        proc.terminate()
        proc.wait(10)


def sql(client: httpx.Client, query: str, fmt: str = "json", **params: str) -> httpx.Response:
    return client.get(f"/gongkai.{fmt}", params={"sql": query, **params})


# -- SQLite limits and the result budget ------------------------------------------------------------
def test_a_huge_blob_fails_fast_with_a_clear_error(served):
    client, _tmp, _proc = served
    started = time.monotonic()
    r = sql(client, "select zeroblob(200000000)")
    assert time.monotonic() - started < 2.0
    assert r.status_code == 400
    assert "too big" in r.json()["error"]
    assert len(r.content) < 10_000


def test_many_large_rows_stop_at_the_result_budget(served):
    client, _tmp, _proc = served
    q = ("with recursive c(x) as (select 1 union all select x + 1 from c limit 1000) "
         "select zeroblob(9000000) as b from c")
    r = sql(client, q)
    assert r.status_code == 400
    assert "result too large" in r.json()["error"]


def test_a_response_over_the_cap_is_refused_with_the_reason(served):
    client, _tmp, _proc = served
    # 1000 rows × 11 000 CJK characters: under the result budget, ~66 MB of JSON (\\uXXXX escapes)
    q = ("with recursive c(x) as (select 1 union all select x + 1 from c limit 1000) "
         "select replace(hex(zeroblob(11000)), '00', '土') as t from c")
    r = sql(client, q, _shape="array")
    assert r.status_code == 400, r.status_code
    assert "response too large" in r.json()["error"]
    assert len(r.content) < 10_000


def test_sqlite_limits_are_set_on_connections():
    conn = sqlite3.connect(":memory:")
    guard.prepare_connection(conn)
    assert conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) == 10_000_000
    with pytest.raises(sqlite3.DataError, match="too big"):
        conn.execute("select zeroblob(20000000)").fetchall()
    with pytest.raises(sqlite3.OperationalError, match="result too large"):
        conn.execute("with recursive c(x) as (select 1 union all select x + 1 from c limit 20) "
                     "select zeroblob(1000000) from c").fetchall()
    assert conn.execute("select 1, 'a'").fetchall() == [(1, "a")]


# -- parameters and concurrency ----------------------------------------------------------------------
def test_repeated_parameters_are_capped(served):
    client, _tmp, _proc = served
    r = client.get("/gongkai/notices.json", params=[("_facet", "kind")] * 51)
    assert r.status_code == 400
    assert "too many query parameters" in r.json()["error"]
    assert client.get("/gongkai/notices.json", params=[("_facet", "kind")] * 3).status_code == 200
    assert sql(client, "select 1 -- " + "x" * 40_000).status_code == 414


def test_concurrent_heavy_queries_per_client_get_429_and_light_pages_still_answer(served):
    client, _tmp, _proc = served
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        heavy = [pool.submit(sql, client, BOMB) for _ in range(3)]
        time.sleep(0.3)
        light = client.get("/gongkai/notices.json", params={"_size": 1})
        statuses = sorted(f.result().status_code for f in heavy)
    assert light.status_code == 200
    assert statuses == [400, 400, 429]  # two run (and hit the time limit), the third is refused at once
    refused = next(f.result() for f in heavy if f.result().status_code == 429)
    assert refused.headers["retry-after"].isdigit()
    assert "too many concurrent" in refused.json()["error"]


# -- no absolute path, no private file ------------------------------------------------------------------
def test_no_absolute_path_in_any_response(served):
    client, tmp, _proc = served
    secrets = {str(tmp), str(tmp.resolve()), str(ROOT)}
    urls = [f"/-/{name}.json" for name in ("databases", "metadata", "versions", "plugins", "settings", "config",
                                           "threads", "actor", "messages", "allow-debug", "permissions")]
    urls += ["/-/databases", "/-/plugins", "/-/versions", "/gongkai/no_such_table", "/no_such_db.json",
             "/gongkai.json?sql=select+*+from+pragma_database_list", "/gongkai?sql=select+*+from+pragma_database_list",
             "/gongkai.json?sql=select+nonsense", "/-/search.json?q=%22", "/site/missing.html"]
    seen = 0
    for url in urls:
        r = client.get(url)
        seen += r.status_code == 200
        for secret in secrets:
            assert secret not in r.text, (url, secret)
    assert seen >= 8
    rows = client.get("/gongkai.json", params={"sql": "select file from pragma_database_list",
                                               "_shape": "array"}).json()
    assert rows
    assert rows[0]["file"] == "gongkai.db"


@pytest.mark.parametrize("path", ["/site/.build/state.sqlite", "/site/.index.html.123.tmp", "/site/%2Ebuild/state.sqlite",
                                  "/site/./.build/state.sqlite", "/site/.build/"])
def test_build_state_and_dotfiles_are_not_served(served, path):
    client, _tmp, _proc = served
    r = client.get(path)
    assert r.status_code == 404
    assert "db=" not in r.text
    assert "partial" not in r.text


def test_relative_site_path_is_resolved(served):
    client, _tmp, _proc = served
    assert client.get("/site/index.html").text == "<p>site home</p>"
    cmd = datasette_command(Path("/x/snap"), site_dir=Path("rel-site"))
    assert f"site:{Path('rel-site').resolve()}" in cmd


# -- formula-safe CSV ---------------------------------------------------------------------------------------
def test_datasette_csv_neutralizes_formulas_and_keeps_numbers(served):
    client, _tmp, _proc = served
    cols = ", ".join(f"'{v.replace(chr(39), chr(39) * 2)}' as c{i}" for i, v in enumerate(HOSTILE))
    q = f"select {cols}, -5000 as n, '-12.5' as m, 'plain' as p, '=x' as [=col]"
    r = sql(client, q, fmt="csv")
    assert r.status_code == 200
    import csv
    import io
    header, row = list(csv.reader(io.StringIO(r.text, newline="")))
    assert row[:len(HOSTILE)] == ["'" + v for v in HOSTILE]
    assert row[len(HOSTILE):] == ["-5000", "-12.5", "plain", "'=x"]
    assert header[-1] == "'=col"
    download = sql(client, q, fmt="csv", _dl="1")
    assert download.text == r.text


# -- CSP --------------------------------------------------------------------------------------------------
def _inline_hashes(html: str) -> list[str]:
    return ["'sha256-" + base64.b64encode(hashlib.sha256(m["body"].encode()).digest()).decode() + "'"
            for m in guard._SCRIPT.finditer(html) if "src=" not in m["attrs"] and m["body"].strip()]


def test_csp_allows_only_the_inline_scripts_datasette_ships(served):
    client, _tmp, _proc = served
    row = client.get("/gongkai/notices.json", params={"_size": 1, "_shape": "array"}).json()[0]["version_id"]
    pages = ["/", "/gongkai", "/gongkai/notices", "/gongkai/notices?_facet=kind", f"/gongkai/notices/{row}",
             "/gongkai?sql=select+1", "/gongkai/search_notices?q=%E9%87%87%E8%B4%AD", "/-/search?q=%E9%87%87%E8%B4%AD",
             "/gongkai/no_such_table"]
    found = 0
    for page in pages:
        r = client.get(page)
        csp = r.headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]*)", csp)[1]
        assert "unsafe-inline" not in script_src
        assert "unsafe-eval" not in script_src
        for h in _inline_hashes(r.text):
            found += 1
            assert h in script_src, (page, h)
    assert found >= len(pages)  # every page has at least the menu script; all of them are allowed
    site = client.get("/site/index.html").headers["content-security-policy"]
    assert "unsafe-inline" not in site
    assert "frame-ancestors 'none'" in site


# -- the guard alone: streaming cut, CSV across chunk boundaries ----------------------------------------
def _drive(app, path: str, query: bytes = b"") -> list[dict]:
    class _DS:
        databases: dict = {}
        static_mounts: list = []
        plugins_dir = template_dir = None

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "path": path, "query_string": query, "client": ("10.0.0.1", 1), "headers": []}
    asyncio.run(guard.Guard(app, _DS())(scope, receive, send))
    return sent


def test_a_streamed_response_is_cut_at_the_cap_and_the_app_stopped():
    produced = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for _ in range(100):
            produced.append(1)
            await send({"type": "http.response.body", "body": b"x" * (1024 * 1024), "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    sent = _drive(app, "/gongkai/notices.json", b"_stream=1")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert len(body) <= guard.MAX_RESPONSE_BYTES + 200
    assert body.endswith(b"for bulk data\r\n")
    assert sent[-1]["more_body"] is False
    assert len(produced) < 25  # the producer was stopped, not drained


def test_csv_neutralized_across_chunk_boundaries():
    text = 'a,b\r\n"=1\r\n+2",-5\r\n＝x,"say ""hi"""\r\n土地,@y\r\n'.encode()

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]})
        for i in range(len(text)):  # one byte at a time: splits records, quotes and UTF-8 sequences
            await send({"type": "http.response.body", "body": text[i:i + 1], "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    sent = _drive(app, "/gongkai/x.csv")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()
    assert body == 'a,b\r\n"\'=1\r\n+2",-5\r\n\'＝x,"say ""hi"""\r\n土地,\'@y\r\n'


# -- the download is the published data -------------------------------------------------------------------
def test_sqlite_download_has_no_unpublished_tables(tmp_path):
    from publish.site.downloads import write_downloads
    from store.db import connect_ro

    db = build_corpus(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("insert into crawl_state values ('http://x/secret', 's', 'f', '2026', 'abc')")
    ro = connect_ro(db)
    try:
        write_downloads(ro, tmp_path / "out")
    finally:
        ro.close()
    copy = sqlite3.connect(tmp_path / "out" / "downloads" / "gongkai.sqlite")
    tables = {r[0] for r in copy.execute("select name from sqlite_master where type = 'table'")}
    copy.close()
    assert "notices" in tables
    assert not tables & set(UNPUBLISHED_TABLES)
    assert b"http://x/secret" not in (tmp_path / "out" / "downloads" / "gongkai.sqlite").read_bytes()


# -- load (slow) --------------------------------------------------------------------------------------------
def _rss_mb(pid: int) -> float:
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.slow
def test_heaviest_queries_from_two_clients_keep_memory_and_light_latency_bounded(served):
    client, _tmp, proc = served
    base = str(client.base_url)
    heavy = [
        "select zeroblob(200000000)", "select zeroblob(50000000)", BOMB,
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000) select zeroblob(9000000) from c",
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000) "
        "select replace(hex(zeroblob(11000)), '00', '土') from c",
        "with recursive c(x) as (select 1 union all select x + 1 from c limit 1000) "
        "select replace(hex(zeroblob(4000000)), '00', 'ab') from c",
    ]
    stop = time.monotonic() + 20
    peak = [0.0]
    statuses: list[int] = []

    def hammer() -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            i = 0
            while time.monotonic() < stop:
                r = c.get("/gongkai.json", params={"sql": heavy[i % len(heavy)]})
                statuses.append(r.status_code)
                i += 1

    def watch() -> None:
        while time.monotonic() < stop + 1:
            peak[0] = max(peak[0], _rss_mb(proc.pid))
            time.sleep(0.05)

    threads = [threading.Thread(target=hammer) for _ in range(2)] + [threading.Thread(target=watch)]
    for t in threads:
        t.start()
    latencies = []
    with httpx.Client(base_url=base, timeout=60) as c:
        while time.monotonic() < stop:
            t0 = time.monotonic()
            assert c.get("/gongkai/notices.json", params={"_size": 5}).status_code == 200
            latencies.append(time.monotonic() - t0)
            time.sleep(0.1)
    for t in threads:
        t.join()
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)]
    print(f"peak RSS {peak[0]:.0f} MB, light p95 {p95:.3f} s, {len(statuses)} heavy answers")
    assert peak[0] < 1024, f"server RSS peaked at {peak[0]:.0f} MB"
    # The bound is memory (the issue: 6.4 GB unguarded). Light pages must still answer: heavy
    # queries may hold the SQL threads for their 1.5 s limit, and a shared 2-core machine adds
    # noise (1.2-2.1 s measured), so this is a sanity bound, not a latency target.
    assert p95 < 5.0, f"light query p95 {p95:.2f} s"
    assert 500 not in statuses
    assert set(statuses) <= {400, 429}
