"""Serving: one Datasette process on 127.0.0.1 with the published snapshot, the static site and search.

- :func:`build_metadata`: ``datasette/metadata.base.yml`` + the column descriptions of the
  per-area tables derived from the models (``models.fields.specs_of``: description and
  unit) → ``datasette/metadata.json`` (generated, committed; ``make datasette-metadata``).
- :func:`datasette_command`: the exact command line (immutable database with its inspect
  file, settings from ``datasette/settings.json``, plugins, templates, ``--static site:DIR``).
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

import yaml

from gongkai import resources
from models.codelists import KIND_LABELS, Kind
from models.fields import ValueKind
from models.kinds import LOT_SUMMARY
from store.config import index_paths
from store.schema import area_columns, project_table

# Where the product's packages are imported from (the checkout, or site-packages): Datasette's cwd and
# PYTHONPATH, so that its plugins import the same gongkai and search_index.
ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = resources.datasette_dir()  # datasette/ in the repository, package data when installed
DATABASE = "gongkai"




# -- metadata ---------------------------------------------------------------------------------
_SUMMARY_COLUMNS = {c.column: c.description for c in LOT_SUMMARY}


def _describe(col: str, spec: Any) -> dict[str, str]:
    if spec is None:
        out = {col: _SUMMARY_COLUMNS[col]}
        if col.endswith("_fen"):  # award_total_fen
            out[col.removesuffix("_fen") + "_yuan"] = "The same total in yuan (text, exact to the fen)."
        return out
    desc = spec.description.rstrip(".")
    label = spec.labels[0]
    if spec.value is ValueKind.money:
        base = col.removesuffix("_fen")
        return {col: f"{desc} ({label}), in fen (1/100 yuan), exact integer.",
                f"{base}_yuan": f"{desc} ({label}), in yuan (text, exact to the fen)."}
    unit = {ValueKind.area: "m²", ValueKind.term_years: "years", ValueKind.duration_days: "days",
            ValueKind.percent: "%"}.get(spec.value) or spec.unit
    choices = f" One of: {'、'.join(spec.choices)}." if spec.choices else ""
    return {col: f"{desc} ({label}){f', in {unit}' if unit else ''}.{choices}"}


def build_metadata(base_file: Path = CONFIG_DIR / "metadata.base.yml") -> dict[str, Any]:
    meta = yaml.safe_load(base_file.read_text(encoding="utf-8"))
    tables = meta["databases"][DATABASE]["tables"]
    for kind in Kind:
        columns: dict[str, str] = {"project_id": "The project (projects.project_id)."}
        facets = []
        for col, _sqltype, spec in area_columns(kind):
            columns.update(_describe(col, spec))
            if spec is not None and spec.value is ValueKind.choice:
                facets.append(col)
        zh, en = KIND_LABELS[kind]
        tables[project_table(kind)] = {
            "description": f"{zh} {en}: the typed fields of each project of this area (one row per project).",
            "facets": facets, "columns": columns,
        }
    for fts in ("notices_fts", "projects_fts"):
        tables[fts] = {"hidden": True, "description": f"Full-text index of {fts.removesuffix('_fts')} "
                       "(pre-segmented Chinese, unicode61; used by ?_search= and gongkai_fts())."}
    tables["projects"]["fts_table"] = "projects_fts"
    tables["projects"]["fts_pk"] = "rowid"
    return meta


def write_metadata(out: Path = CONFIG_DIR / "metadata.json") -> Path:
    text = json.dumps(build_metadata(), ensure_ascii=False, indent=2) + "\n"
    out.write_text(text, encoding="utf-8")
    return out


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
            "site": f"{base}/site/index.html", "queries": f"{base}/{DATABASE}#queries"}


def serve(published_root: Path, *, site_dir: Path, index_dir: Path, host: str = "127.0.0.1", port: int = 8001,
          poll: float = 2.0) -> None:
    """Serve until interrupted; restart Datasette on the new snapshot when ``current`` moves."""
    from gongkai.publish import current

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
    from gongkai.publish import publish
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
        print(f"   serve it with: gongkai --db {db} serve --site {site}   (or: make serve DB={db} SITE={site})")
        return
    print("== serving (Ctrl-C to stop)")
    serve(published_root, site_dir=site, index_dir=index_dir, port=port)
