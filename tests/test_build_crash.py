"""Crash safety of the outputs: a SIGKILL of ``gongkai build``, ``index --full`` or ``publish`` at
any point, then the same command again, gives what an uninterrupted run gives: the same site
bytes, no stray temporary files, no orphaned worker processes, no leftover ``.building-*``."""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from collectors.importers.headers import load_map
from collectors.submit import submit
from demo.generate import generate_demo
from models.codelists import Kind
from publish.site.build import TEMP_NAME, build
from publish.snapshot import current, publish
from store.db import Store
from tests.test_site import SITE_URL, files_of, make_fixture_db

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}
GRACE = 1.5  # seconds an orphaned worker may take to die (a busy worker would otherwise finish its chunk)


# -- helpers -------------------------------------------------------------------------------
def temp_files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and TEMP_NAME.match(p.name))


def same_site(got: dict[str, bytes], reference: dict[str, bytes]) -> list[str]:
    """Paths that differ from a clean full build (the sitemap lists the same URLs, in first-written order)."""
    # an incremental build keeps the log's earlier partial tiles (C2SP tlog-tiles: a client holding an
    # older checkpoint still fetches them); a fresh build has only the current ones
    older_partial = {p for p in got.keys() - reference.keys() if p.startswith("log/tile/") and ".p/" in p}
    differ = [p for p in reference.keys() | got.keys() - older_partial
              if p != "sitemap.xml" and got.get(p) != reference.get(p)]
    if sorted(got.get("sitemap.xml", b"").splitlines()) != sorted(reference.get("sitemap.xml", b"").splitlines()):
        differ.append("sitemap.xml")
    return sorted(differ)


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, ppid) of a process, or None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            st = _proc_stat(int(entry.name))
            if st is not None:
                children.setdefault(st[1], []).append(int(entry.name))
    out: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def alive(pids: set[int]) -> set[int]:
    return {p for p in pids if (st := _proc_stat(p)) is not None and st[0] not in ("Z", "X")}


def kill_parent_and_check_workers(cmd: list[str], *, want: int, settle: float = 0.5, timeout: float = 90.0) -> None:
    """Start ``cmd``, wait until it has ``want`` descendant processes, SIGKILL it alone: none may survive."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc (Linux) to find worker processes")
    proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            seen |= alive(descendants(proc.pid))
            if len(seen) >= want:
                break
            time.sleep(0.02)
        time.sleep(settle)  # let the workers get busy
        seen |= alive(descendants(proc.pid))
        assert proc.poll() is None, f"{cmd[3:]} finished before its workers could be seen: {proc.stderr.read()!r}"
        assert len(seen) >= want, f"only {len(seen)} worker processes seen"
        proc.send_signal(signal.SIGKILL)  # the parent only: its workers are not signalled by us
        proc.wait(timeout=30)
        deadline = time.monotonic() + GRACE
        while alive(seen) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = alive(seen)
        for pid in left:  # do not leave them running on the test machine
            os.kill(pid, signal.SIGKILL)
        assert not left, f"{len(left)} of {len(seen)} worker processes outlived the killed {cmd[3:]}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def demo_db(tmp: Path, first: Callable[[str], bool]) -> tuple[Path, Callable[[], None]]:
    """The demo data in a database: the files ``first`` selects now, the rest when the returned function is called."""
    db = tmp / "gongkai.db"
    store = Store(db)
    store.init()
    items = [i for i in generate_demo(tmp / "demo") if not i.invalid]

    def add(selected: list) -> None:
        for item in selected:
            mapping = load_map(item.map_file) if item.map_file else None
            result = submit(store, item.path, kind=Kind(item.kind), agency=item.agency, mapping=mapping)
            assert result.ok, result.report()

    add([i for i in items if first(i.path.name)])

    def rest() -> None:
        add([i for i in items if not first(i.path.name)])
        store.close()

    return db, rest


def gongkai(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "gongkai", "--db", str(db), *args]


# -- the fast representative: a kill in the middle of an incremental build's page writes ----
KILL_AT_REPLACE = """
import os, pathlib, signal, sys
from publish.site.build import build
n, calls = int(sys.argv[3]), [0]
replace = pathlib.Path.replace
def killing_replace(self, target):
    if self.name.endswith(".tmp"):
        calls[0] += 1
        if calls[0] == n:  # the temporary file is written, the page not yet replaced
            os.kill(os.getpid(), signal.SIGKILL)
    return replace(self, target)
pathlib.Path.replace = killing_replace
build(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), site_url=sys.argv[4], workers=1, downloads=False)
"""


@pytest.fixture
def fixture_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], Path]]:
    yield from make_fixture_db(tmp_path, monkeypatch)


def test_incremental_build_killed_mid_write_is_repaired_by_the_next_build(fixture_db, tmp_path):
    out = tmp_path / "site"
    build(fixture_db(1), out, site_url=SITE_URL, workers=1, downloads=False)
    db = fixture_db(2)
    clean = tmp_path / "clean"
    shutil.copytree(out, clean)
    build(db, clean, site_url=SITE_URL, workers=1, downloads=False)  # the same build, not interrupted
    reference = tmp_path / "full"
    build(db, reference, site_url=SITE_URL, workers=1, downloads=False)

    killed = subprocess.run([sys.executable, "-c", KILL_AT_REPLACE, str(db), str(out), "8", SITE_URL], env=ENV,
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert temp_files(out), "the kill should leave a temporary file"
    assert same_site(files_of(out), files_of(reference)), "the kill should leave the site incomplete"

    report = build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    assert report.mode == "incremental"  # repaired without a full rebuild
    assert temp_files(out) == []
    assert same_site(files_of(out), files_of(reference)) == []
    assert files_of(out) == files_of(clean)  # byte for byte, the sitemap's order included
    assert not (out / ".build" / "building").exists()
    again = build(db, out, site_url=SITE_URL, workers=1, downloads=False)
    assert again.written == 0


def test_stray_temporary_files_are_removed_by_the_next_build(fixture_db, tmp_path):
    out = tmp_path / "site"
    build(fixture_db(1), out, site_url=SITE_URL, workers=1, downloads=False)
    strays = [out / ".index.html.4242.tmp", out / "project" / ".x.html.17.tmp", out / "downloads" / ".a.csv.gz.9.tmp",
              # SQLite's rollback journal beside the download copy a SIGKILL interrupted (found by CI)
              out / "downloads" / ".gongkai.sqlite.25735.tmp-journal"]
    for p in strays:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"half a page")
    keep = out / "project" / "notes.tmp"  # not a name the build uses for temporary files
    keep.write_bytes(b"x")
    build(fixture_db(1), out, site_url=SITE_URL, workers=1, downloads=False)
    assert not any(p.exists() for p in strays)
    assert keep.exists()


def test_a_second_build_of_the_same_site_is_refused_while_one_runs(fixture_db, tmp_path):
    from store.procs import Busy, exclusive

    out = tmp_path / "site"
    with exclusive(out / ".build" / "lock", "test"), pytest.raises(Busy, match="in use"):
        build(fixture_db(1), out, site_url=SITE_URL, workers=1, downloads=False)


# -- random kills of the real command, workers and downloads included ---------------------
@pytest.fixture(scope="module")
def two_batches(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    """(database, site built from the first batch, clean incremental site, clean full site)."""
    tmp = tmp_path_factory.mktemp("crash")
    # a small first batch: the second makes an incremental build of more than 800 jobs (a worker pool)
    db, rest = demo_db(tmp, lambda name: name.startswith(("01-", "05-")))
    base = tmp / "base"
    build(db, base, site_url=SITE_URL, workers=2)
    rest()
    clean = tmp / "clean"
    shutil.copytree(base, clean)
    report = build(db, clean, site_url=SITE_URL, workers=2)
    assert report.mode == "incremental"
    assert report.jobs >= 800  # so the kills also hit the worker pool
    full = tmp / "full"
    build(db, full, site_url=SITE_URL, workers=2)
    return db, base, clean, full


KILLS = 4


@pytest.mark.slow
def test_sigkill_at_random_points_of_an_incremental_build(two_batches, tmp_path):
    db, base, clean, full = two_batches
    reference, uninterrupted = files_of(full), files_of(clean)
    seed = int(os.environ.get("GONGKAI_KILL_SEED", random.SystemRandom().randrange(1 << 30)))
    rng = random.Random(seed)
    cmd = gongkai(db, "build", "--workers", "2", "--no-search", "--site-url", SITE_URL, "--out")
    # how long the build runs here, now (the machine may be busy)
    timed = tmp_path / "timed"
    shutil.copytree(base, timed)
    started = time.monotonic()
    subprocess.run([*cmd, str(timed)], env=ENV, check=True, capture_output=True)
    duration = time.monotonic() - started
    for n in range(KILLS):
        out = tmp_path / f"k{n}"
        shutil.copytree(base, out)
        delay = rng.uniform(0.1, 0.95) * duration
        proc = subprocess.Popen([*cmd, str(out)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        done = subprocess.run([*cmd, str(out)], env=ENV, capture_output=True, text=True, check=False)
        where = f"seed {seed}, kill {n} after {delay:.2f} s of {duration:.2f} s"
        assert done.returncode == 0, f"{where}: {done.stderr[-2000:]}"
        got = files_of(out)
        assert temp_files(out) == [], where
        assert same_site(got, reference) == [], where
        assert [p for p in uninterrupted.keys() | got.keys() if got.get(p) != uninterrupted.get(p)] == [], where
        shutil.rmtree(out)


# -- workers die with their parent ----------------------------------------------------------
@pytest.mark.slow
def test_build_workers_die_with_a_killed_build(two_batches, tmp_path):
    db, _base, _clean, _full = two_batches
    kill_parent_and_check_workers(gongkai(db, "build", "--full", "--workers", "2", "--no-search", "--no-downloads",
                                          "--site-url", SITE_URL, "--out", str(tmp_path / "site")), want=2)


@pytest.mark.slow
def test_index_workers_die_with_a_killed_full_index_build(two_batches, tmp_path):
    db, _base, _clean, _full = two_batches
    env_index = tmp_path / "index"
    ENV["GONGKAI_INDEX"] = str(env_index)
    try:
        # the build child and Whoosh's sub-writers
        kill_parent_and_check_workers(gongkai(db, "index", "--full"), want=2)
    finally:
        del ENV["GONGKAI_INDEX"]


# -- a killed publish ----------------------------------------------------------------------
@pytest.mark.slow
def test_a_killed_publish_leaves_nothing_after_the_next_publish(two_batches, tmp_path):
    db, _base, _clean, _full = two_batches
    root = db.parent / "published"
    shutil.rmtree(root, ignore_errors=True)
    proc = subprocess.Popen(gongkai(db, "publish"), env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any((d / "gongkai.db").exists() for d in root.glob(".building-*")):
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the publish finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert list(root.glob(".building-*")), "the kill should leave a .building-* directory"
    published = publish(db, root)
    assert list(root.glob(".building-*")) == []
    assert current(root) == published.directory.resolve()


def test_publish_never_removes_a_building_directory_in_use(tmp_path):
    db = tmp_path / "g.db"
    Store(db).init()
    root = tmp_path / "published"
    root.mkdir()
    in_use, dead, unlocked = root / ".building-in-use", root / ".building-dead", root / ".building-nolock"
    for d in (in_use, dead, unlocked):
        d.mkdir()
        (d / "gongkai.db").write_bytes(b"partial")
    (dead / ".lock").touch()  # its publish was killed: nobody holds the lock
    fd = os.open(in_use / ".lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another publish, still writing
    try:
        (root / ".current-20260101T000000Z").symlink_to("nowhere")
        publish(db, root)
        assert in_use.exists()
        assert not dead.exists()
        assert not unlocked.exists()
        assert list(root.glob(".current-*")) == []
    finally:
        os.close(fd)
    publish(db, root)
    assert not in_use.exists()  # released: removed by the next publish
