"""The ``gongkai build`` command."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from store.config import Settings


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory (default: site/, or $GONGKAI_SITE).")
@click.option("--full", is_flag=True, help="Render every page even when an incremental build is possible.")
@click.option("--downloads/--no-downloads", default=True, show_default=True,
              help="Write the bulk downloads (JSONL, CSV, SQLite, SHA256SUMS) when the data changed.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Rendering processes (fork).")
@click.option("--site-url", default=None,
              help="Public base URL of the site, for the absolute links of feeds and sitemaps, e.g. "
                   "https://gongkai.example.org/site/ (default $GONGKAI_SITE_URL, else http://localhost:8001/site/: "
                   "a local build, whose feeds `gongkai serve` rewrites to the address it serves at).")
@click.option("--search/--no-search", default=True, show_default=True,
              help="Also update the full-text search index (incrementally).")
@click.pass_obj
def build(cfg: Settings, out: Path | None, full: bool, downloads: bool, workers: int, site_url: str | None,
          search: bool) -> None:
    """Render the database as a static site with Atom/RSS feeds (zh-CN, and English under en/),
    and update the search index.

    Only pages whose bytes change are written; the first build renders everything."""
    from publish.checkpoint import CheckpointError
    from publish.site.build import build as run_build
    from store.procs import Busy
    from store.pseudonym import PseudonymKeyError

    target = out or cfg.site
    base = site_url or cfg.site_url
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        click.echo(f"error: --site-url {base!r} is not an absolute http(s) URL such as https://gongkai.example.org/site/",
                   err=True)
        sys.exit(1)
    if not cfg.db.exists():
        click.echo(f"error: {cfg.db} does not exist: run `gongkai --db {cfg.db} init` and add data first", err=True)
        sys.exit(1)
    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if tty:
            click.echo(f"\rrendering {min(done, total):,}/{total:,}", nl=False, err=True)

    try:
        report = run_build(cfg.db, target, site_url=base, full=full, downloads=downloads,
                           workers=workers, progress=progress)
    except (Busy, CheckpointError, PseudonymKeyError) as exc:  # another build of the same directory; a log the
        # key must not sign; a pseudonym key that cannot be read or made beside the database
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if tty:
        click.echo("\r\x1b[K", nl=False, err=True)
    click.echo(report.summary())
    if report.log is not None:
        click.echo(f"log: {report.log.size:,} leaves, " + ("checkpoint signed" if report.log.signed else report.log.note))
    click.echo(f"open {target / 'index.html'}")
    if search:
        from search_index import update_index
        from store.config import index_paths

        index_dir, _published = index_paths(cfg.db)
        out_index = update_index(cfg.db, index_dir)
        click.echo(f"search index {index_dir}: {out_index['mode']}, {out_index['added']} added,"
                   f" {out_index['deleted']} deleted, {out_index['documents']} documents")
