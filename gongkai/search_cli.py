"""Commands of the search-and-serve stage: ``gongkai index``, ``search``, ``publish``, ``serve``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from models.codelists import Kind


def _paths(cfg) -> tuple[Path, Path]:
    from store.config import index_paths

    return index_paths(cfg.db)


def _need_db(cfg) -> None:
    if not cfg.db.exists():
        click.echo(f"error: {cfg.db} does not exist: run `gongkai --db {cfg.db} init` first", err=True)
        sys.exit(1)


def _need_engine() -> None:
    """Refuse a misspelt GONGKAI_SEARCH_ENGINE with its reason, before any index is touched."""
    from store.config import search_engine

    try:
        search_engine()
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@click.command()
@click.option("--full", is_flag=True, help="Rebuild from scratch (both cores) instead of updating.")
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@click.pass_obj
def index(cfg, full: bool, as_json: bool) -> None:
    """Update the full-text search index from the database (incremental; a full build the first time).

    The index lives beside the database in search-index/ (or $GONGKAI_INDEX)."""
    from search_index import rebuild, update_index

    _need_db(cfg)
    _need_engine()
    index_dir, _ = _paths(cfg)
    out = rebuild(cfg.db, index_dir) if full else update_index(cfg.db, index_dir)
    if as_json:
        click.echo(orjson.dumps(out).decode())
    else:
        click.echo(f"search index {index_dir}: {out['mode']}, {out['added']} added, {out['deleted']} deleted, "
                   f"{out['documents']} documents, {out['seconds']} s")


@click.command()
@click.argument("query")
@click.option("--kind", "kinds", multiple=True, type=click.Choice([k.value for k in Kind]), help="Only this area (repeatable).")
@click.option("--region", "regions", multiple=True, help="GB/T 2260 code or division name, e.g. 440000 or 广东省 (repeatable).")
@click.option("--type", "types", multiple=True, help="Notice type: announcement, result … (repeatable).")
@click.option("--sort", default="relevance", show_default=True, type=click.Choice(["relevance", "date", "-date", "amount", "-amount"]))
@click.option("--page", default=1, show_default=True, type=int)
@click.option("--size", default=20, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON (same shape as /-/search.json).")
@click.pass_obj
def search(cfg, query: str, kinds: tuple[str, ...], regions: tuple[str, ...], types: tuple[str, ...], sort: str,
           page: int, size: int, as_json: bool) -> None:
    """Search projects and notices: words (all must match), "phrases", OR, -exclude.

    Chinese is segmented (土地使用权 finds 土地 使用权), traditional and full-width forms are
    folded (採購 = 采购, ＡＢＣ = ABC), identifiers (USCC, project numbers) match exactly.
    Exit code 1 with the reason for a query that cannot be read."""
    from search_index import QueryError, open_engine
    from search_index.highlight import to_text
    from search_index.web import parse_request, result_json, yuan

    _need_engine()
    index_dir, _ = _paths(cfg)
    args = {"q": [query], "kind": list(kinds), "region": list(regions), "type": list(types), "sort": [sort],
            "page": [str(page)], "size": [str(size)]}
    try:
        req = parse_request(args)
        engine = open_engine(index_dir)
    except QueryError as exc:
        click.echo(f"error: bad query: {exc}", err=True)
        sys.exit(1)
    except FileNotFoundError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    try:
        res = engine.search(req)
    except QueryError as exc:
        click.echo(f"error: bad query: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.close()
    if as_json:
        click.echo(orjson.dumps(result_json(res, req)).decode())
        return
    click.echo(f"{res.total:,} results for {res.query} (page {res.page}/{res.pages}, {res.took_ms:.0f} ms)")
    for i, h in enumerate(res.hits, start=(res.page - 1) * res.size + 1):
        amount = f"  {yuan(h.amount_fen)} 元" if h.amount_fen is not None else ""
        click.echo(f"{i:>4}. {h.title}")
        click.echo(f"      {h.doctype} {h.id} · {h.kind} · {h.published_at[:10]} · {h.region_name}{amount}")
        text = to_text(h.snippet)
        if text:
            click.echo(f"      {text[:100]}")
    for name, counts in res.facets.items():
        if counts:
            click.echo(f"{name}: " + ", ".join(f"{v} {n}" for v, n in counts[:8]))


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def publish(cfg, as_json: bool) -> None:
    """Publish a checked, immutable snapshot of the database for Datasette (beside it in published/)."""
    from publish.snapshot import PublishError
    from publish.snapshot import publish as run
    from store.pseudonym import PseudonymKeyError

    _need_db(cfg)
    _, root = _paths(cfg)
    try:
        pub = run(cfg.db, root)
    except (PublishError, PseudonymKeyError) as exc:  # the pseudonym key beside the database unreadable
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(orjson.dumps({"directory": str(pub.directory), "db": str(pub.db), "counts": pub.counts,
                                 "seconds": round(pub.seconds, 3)}).decode())
    else:
        click.echo(f"published {pub.db} ({pub.counts.get('notices', 0):,} notice versions, "
                   f"{pub.counts.get('projects', 0):,} projects, {pub.seconds:.1f} s)")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (keep it local).")
@click.option("--port", default=8001, show_default=True, type=int, help="Port (0: any free port).")
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Static site directory served at /site/ (default: $GONGKAI_SITE or site).")
@click.option("--no-refresh", is_flag=True, help="Serve the last published snapshot as it is (no index update, no publish).")
@click.pass_obj
def serve(cfg, host: str, port: int, site_dir: Path | None, no_refresh: bool) -> None:
    """Serve the database (Datasette, immutable), the static site (/site/) and search (/-/search) on one port.

    First updates the search index and publishes a new snapshot (unless --no-refresh)."""
    from gongkai.serve import free_port, refresh
    from gongkai.serve import serve as run

    index_dir, root = _paths(cfg)
    if not no_refresh:
        _need_db(cfg)
        out = refresh(cfg.db)
        click.echo(f"index: {out['index']['mode']} ({out['index']['documents']} documents); published {out['published']}")
    try:
        run(root, site_dir=site_dir or cfg.site, index_dir=index_dir, host=host, port=port or free_port(host))
    except (FileNotFoundError, RuntimeError, TimeoutError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
