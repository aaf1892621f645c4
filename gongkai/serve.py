"""Serving: one Datasette process on 127.0.0.1 with the published snapshot, the static site and search.

- Datasette's metadata is built by :mod:`publish.metadata` (``make datasette-metadata``).
- :func:`datasette_command`: the exact command line (immutable database with its inspect
  file, settings from ``datasette/settings.json``, plugins, templates, ``--static site:DIR``; the
  plugin ``gongkai_site`` serves that directory: index pages, the site's 404 page, and a local
  build's feeds with the address they were requested at).
- :func:`serve`: run it; when the ``current`` snapshot pointer moves (a new publish), start
  Datasette again on the new snapshot (the old file is never changed under it).
- :func:`demo`: what ``make demo`` does at its end.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from publish.metadata import CONFIG_DIR, DATABASE
from store.config import index_paths

# Where the product's packages are imported from (the checkout, or site-packages): Datasette's cwd and
# PYTHONPATH, so that its plugins import the same gongkai and search_index.
ROOT = Path(__file__).resolve().parent.parent




def settings() -> dict[str, Any]:
    return json.loads((CONFIG_DIR / "settings.json").read_text(encoding="utf-8"))


# -- the process ---------------------------------------------------------------------------------
def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def datasette_command(snapshot: Path, *, site_dir: Path, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    site_dir = Path(site_dir).resolve()  # Datasette runs with cwd=ROOT: a relative --site means the caller's cwd
    cmd = [sys.executable, "-m", "datasette", "serve", "-i", str(snapshot / "gongkai.db"),
           "--inspect-file", str(snapshot / "inspect.json"),
           "--metadata", str(CONFIG_DIR / "metadata.json"),
           "--plugins-dir", str(CONFIG_DIR / "plugins"),
           "--template-dir", str(CONFIG_DIR / "templates"),
           "--static", f"site:{site_dir}",
           "--host", host, "--port", str(port), "--cors"]
    for key, value in settings().items():
        cmd += ["--setting", key, str(value).lower() if isinstance(value, bool) else str(value)]
    return cmd


def start(snapshot: Path, *, site_dir: Path, index_dir: Path, host: str = "127.0.0.1", port: int = 8001,
          quiet: bool = False) -> subprocess.Popen:
    site_dir = Path(site_dir).resolve()  # relative to the caller's cwd, not Datasette's (ROOT)
    site_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GONGKAI_INDEX": str(Path(index_dir).resolve()), "PYTHONPATH": str(ROOT)}
    out = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(datasette_command(snapshot, site_dir=site_dir, host=host, port=port), env=env,
                            stdout=out, stderr=out, cwd=ROOT)


def wait_ready(host: str, port: int, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"datasette exited with code {proc.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"datasette did not listen on {host}:{port} within {timeout:.0f} s")


def urls(host: str, port: int) -> dict[str, str]:
    base = f"http://{host}:{port}"
    return {"datasette": f"{base}/{DATABASE}", "search": f"{base}/-/search?q=%E9%87%87%E8%B4%AD",
            "site": f"{base}/site/", "queries": f"{base}/{DATABASE}#queries"}


def serve(published_root: Path, *, site_dir: Path, index_dir: Path, host: str = "127.0.0.1", port: int = 8001,
          poll: float = 2.0) -> None:
    """Serve until interrupted; restart Datasette on the new snapshot when ``current`` moves."""
    from publish.snapshot import current

    snapshot = current(published_root)
    if snapshot is None:
        raise FileNotFoundError(f"nothing published in {published_root}: run `gongkai publish` first")
    proc = start(snapshot, site_dir=site_dir, index_dir=index_dir, host=host, port=port)
    stop = False

    def _stop(*_a: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    try:
        wait_ready(host, port, proc=proc)
        for name, u in urls(host, port).items():
            print(f"{name:10} {u}", flush=True)
        while not stop and proc.poll() is None:
            time.sleep(poll)
            newest = current(published_root)
            if newest is not None and newest != snapshot:
                print(f"new snapshot {newest.name}: restarting Datasette", flush=True)
                proc.terminate()
                proc.wait(10)
                snapshot = newest
                proc = start(snapshot, site_dir=site_dir, index_dir=index_dir, host=host, port=port)
                wait_ready(host, port, proc=proc)
    except KeyboardInterrupt:
        pass
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def refresh(db: Path) -> dict[str, Any]:
    """Update the search index and publish a new snapshot of ``db``: what `gongkai serve` and the demo do first."""
    from publish.snapshot import publish
    from search_index import update_index

    index_dir, published_root = index_paths(db)
    idx = update_index(db, index_dir)
    pub = publish(db, published_root)
    return {"index": idx, "index_dir": str(index_dir), "published": str(pub.directory),
            "publish_seconds": round(pub.seconds, 2)}


def demo(db: Path, *, serve_now: bool, site_dir: Path | None = None, port: int = 8001) -> None:
    """`make demo`'s last step: index, publish, and (when ``serve_now``) serve and print the URLs."""
    out = refresh(db)
    idx = out["index"]
    print(f"== search index {out['index_dir']}: {idx['mode']} ({idx['documents']} documents, "
          f"{idx['seconds']} s); published {out['published']} ({out['publish_seconds']} s)")
    index_dir, published_root = index_paths(db)
    site = site_dir or db.parent / "site"
    if not serve_now:
        from gongkai.cli import command  # the hint runs as printed (gongkai may not be on PATH)

        print(f"   serve it with: {command('--db', db, 'serve', '--site', site, '--port', port)}"
              f"   (or: make serve DB={db} SITE={site} SERVE_PORT={port})")
        return
    print("== serving (Ctrl-C to stop)")
    serve(published_root, site_dir=site, index_dir=index_dir, port=port)
