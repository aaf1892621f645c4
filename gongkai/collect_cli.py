"""``gongkai collect`` and ``gongkai portal``: the collectors' commands.

Exit codes of ``collect``: 0 when the crawl finished (failures met on the way are stored
error rows, listed in the summary); 1 when it could not run (unknown spider, unusable
database, bad base URL, a crawl that did not finish, items that could not be stored).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{value!r}: expected KEY=VALUE", param_hint=option)
        out[key] = rest
    return out


@click.command()
@click.argument("spiders", nargs=-1)
@click.option("--base-url", help="Crawl this address instead of the production sites, for every selected spider "
                                 "(the imitation portal: http://127.0.0.1:8790).")
@click.option("--list", "list_only", is_flag=True, help="List the spiders and what they collect.")
@click.option("--since", help="First publication date to ask list APIs for (YYYY-MM-DD; default 2025-01-01).")
@click.option("--until", help="Last publication date (YYYY-MM-DD; default 2027-12-31).")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a Scrapy setting.")
@click.option("--arg", "args", multiple=True, metavar="KEY=VALUE", help="Pass a spider argument to every spider.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON line.")
@click.pass_obj
def collect(cfg, spiders: tuple[str, ...], base_url: str | None, list_only: bool, since: str | None,
            until: str | None, sets: tuple[str, ...], args: tuple[str, ...], as_json: bool) -> None:
    """Crawl the sources with SPIDERS (default: all) into the database.

    Every notice goes through the models into the store (one notice, several sources when
    platforms share it); every failure (HTTP error, block page, empty or truncated body,
    parse or validation error) is stored as an error row and the crawl goes on."""
    from collectors.run import CollectError, crawl, spider_classes

    if list_only:
        for name, cls in spider_classes().items():
            doc = (cls.__doc__ or "").strip().splitlines()[0]
            click.echo(f"{name:<10} {', '.join(cls.kinds):<48} {doc}")
        return
    try:
        summary = crawl(list(spiders), Path(cfg.db), base_url=base_url, overrides=_pairs(sets, "--set"),
                        since=since, until=until, spider_args=_pairs(args, "--arg"))
    except CollectError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(summary.to_json())
    else:
        for line in summary.lines():
            click.echo(line)
    if summary.unstored:
        click.echo(f"error: {summary.unstored} item(s) could not be stored (the database stayed busy or failed);"
                   " they are kept in the spill file(s) named above", err=True)
        sys.exit(1)
    if not summary.finished:
        click.echo("error: a spider did not finish (see finish reasons above)", err=True)
        sys.exit(1)


@click.command()
@click.option("--port", type=int, default=8790, show_default=True, help="Port on 127.0.0.1 (0: a free one).")
@click.option("--projects", type=int, default=16, show_default=True, help="Generated projects per area.")
@click.option("--seed", type=int, default=None, help="Generator seed (default: the demo's).")
@click.option("--result-cap", type=int, default=1000, show_default=True, help="ggzy's list total cap (real: 1000).")
@click.option("--stall", type=float, default=30.0, show_default=True, help="Seconds the stalled page waits.")
@click.option("--no-faults", is_flag=True, help="Serve no block pages, truncated bodies or slow answers.")
def portal(port: int, projects: int, seed: int | None, result_cap: int, stall: float, no_faults: bool) -> None:
    """Serve the imitation portal: every source family on one 127.0.0.1 address.

    Crawl it with `gongkai collect --base-url http://127.0.0.1:PORT`. Stop with Ctrl-C."""
    import contextlib

    try:
        from demo.portal.app import serve  # a developer tool: aiohttp comes with the demo extra
    except ModuleNotFoundError as exc:
        raise click.ClickException(f"the imitation portal needs {exc.name}: pip install 'gongkai[demo]'") from exc

    def ready(bound: int) -> None:
        click.echo(f"imitation portal listening on http://127.0.0.1:{bound} (Ctrl-C stops it)")

    with contextlib.suppress(KeyboardInterrupt):
        serve(port, ready=ready, projects=projects, seed=seed, faults=not no_faults, result_cap=result_cap,
              stall=stall)
