"""The ``gongkai`` command line: a thin layer over the Python API.

Exit codes: 0 success; 1 the input was refused or a command failed (the reason is on
stderr); 2 a usage error (click's convention).
"""

from __future__ import annotations

import shlex
import shutil
import sys
import time
from pathlib import Path

import click
import orjson

from collectors.messages import LANGS, Lang
from gongkai import __version__
from models.codelists import Kind
from store.config import settings
from store.db import Store, StoreError

KINDS = [k.value for k in Kind]


class Progress:
    """A one-line progress display on a terminal; silent when stderr is piped."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self.started = time.perf_counter()

    def __call__(self, n: int) -> None:
        if self.enabled:
            rate = n / max(time.perf_counter() - self.started, 1e-9)
            click.echo(f"\r{self.label}: {n:,} rows ({rate:,.0f}/s)", nl=False, err=True)

    def done(self) -> None:
        if self.enabled:
            click.echo("\r\x1b[K", nl=False, err=True)


def command(*args: object) -> str:
    """A ``gongkai`` command line that runs as printed from the current directory (hints of next
    steps): ``gongkai`` when that is what PATH finds, else the path this program was started as
    (``.venv/bin/gongkai`` from a checkout whose venv is not activated), else ``python -m gongkai``."""
    argv0 = sys.argv[0] if sys.argv else ""
    exe = Path(argv0).absolute() if argv0 else None  # absolute, not resolve: keep the venv's symlink
    found = shutil.which("gongkai")
    if exe is not None and exe.name == "gongkai" and exe.is_file():
        prog = "gongkai" if found and Path(found).absolute() == exe else _from_here(exe)
    else:  # started some other way (python -m gongkai, a test runner)
        prog = f"{_from_here(Path(sys.executable).absolute())} -m gongkai"
    return " ".join([prog, *(shlex.quote(str(a)) for a in args)])


def _from_here(path: Path) -> str:
    """``path`` as a person types it from the current directory (relative below it)."""
    try:
        return shlex.quote(str(path.relative_to(Path.cwd())))
    except ValueError:
        return shlex.quote(str(path))


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def open_store(db: Path, *, must_exist: bool = True) -> Store:
    if must_exist and not db.exists():
        fail(f"{db} does not exist: run `{command('--db', db, 'init')}` first")
    db.parent.mkdir(parents=True, exist_ok=True)
    store = Store(db)
    if must_exist:
        try:
            store.check()
        except StoreError as exc:
            fail(str(exc))
    return store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite database (default var/gongkai.db, or $GONGKAI_DB).")
@click.version_option(__version__, prog_name="gongkai")
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """Gongkai (公开): collect, normalize and publish public-resource allocation disclosures."""
    ctx.obj = settings(db)
    _check_deployment_files()


def _check_deployment_files() -> None:
    """A deployment's own red-flag thresholds or privacy policy is read before any command runs:
    a bad file is refused with its reason here, never half-way through a submission or a build."""
    from models.indicators import load_thresholds
    from models.privacy import load_policy
    from store.config import privacy_path, thresholds_path

    for path, load in ((thresholds_path(), load_thresholds), (privacy_path(), load_policy)):
        if path:
            try:
                load(Path(path))
            except ValueError as exc:
                click.echo(f"error: {exc}", err=True)
                sys.exit(1)


@cli.command()
@click.pass_obj
def init(cfg) -> None:
    """Create the database and its schema, and the log's signing key and the pseudonym key beside it
    (safe to run again).

    A database from before the tamper-evident log gets a backfill of every stored version (store
    order, one transaction); the key (``log-key`` beside the database, mode 0600) signs checkpoints;
    ``pseudonym-key`` (mode 0600) keys the ids outputs show for natural persons the privacy policy
    hides (``store.pseudonym``). Neither is ever published."""
    from publish.checkpoint import META_KEY, CheckpointError, create_key, key_path, origin_for
    from store import pseudonym

    store = open_store(cfg.db, must_exist=False)
    try:
        store.init()
        try:
            verifier, created = create_key(key_path(cfg.db), origin_for(cfg.site_url))
        except CheckpointError as exc:  # a damaged key file: never replaced silently
            fail(f"{exc}; move it away to create a new key (earlier checkpoints stay signed by the old one)")
        try:
            new_pseudonym_key = pseudonym.create_key(pseudonym.key_path(cfg.db))
        except pseudonym.PseudonymKeyError as exc:  # a damaged key: never replaced silently either
            fail(str(exc))
        if store.conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone() != (verifier.text(),):
            store.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (META_KEY, verifier.text()))
    finally:
        store.close()
    click.echo(f"initialized {cfg.db}")
    if created:
        click.echo(f"created the log's signing key {key_path(cfg.db)} (keep it private; public key: {verifier.text()})")
    if new_pseudonym_key:
        click.echo(f"created the pseudonym key {pseudonym.key_path(cfg.db)} (keep it private and keep it: natural "
                   "persons' ids in every output are derived from it)")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(KINDS), required=True, help="Area of every row in the file.")
@click.option("--agency", required=True, help="Name of the submitting agency (recorded as publisher and source).")
@click.option("--map", "map_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML mapping other headers to field names or labels (null ignores a column).")
@click.option("--region", help="GB/T 2260 code or division name of every row that names no region.")
@click.option("--dry-run", is_flag=True, help="Validate and show what would change; write nothing.")
@click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True,
              help="Language of the report and summary (zh: Chinese, en: English); --json keys never change.")
@click.option("--hints/--no-hints", default=True, show_default=True,
              help="After a stored submission, print the commands that build the site and publish it.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def submit(cfg, file: Path, kind: str, agency: str, map_file: Path | None, region: str | None, dry_run: bool,
           lang: Lang, hints: bool, as_json: bool) -> None:
    """Submit FILE (CSV in UTF-8 or GB18030, XLSX, JSON, JSONL): all rows are stored, or none.

    Any invalid row refuses the whole file: exit code 1 and a report of every problem
    (row, column, value, reason; in Chinese, or English with --lang en) on stderr."""
    from collectors.importers.headers import MapError, load_map
    from collectors.messages import frame
    from collectors.submit import submit as run_submit

    mapping = None
    if map_file:
        try:
            mapping = load_map(map_file)
        except MapError as exc:
            fail(str(exc))
    store = open_store(cfg.db)
    progress = Progress(f"checking {file.name}")
    try:
        result = run_submit(store, file, kind=Kind(kind), agency=agency, mapping=mapping, dry_run=dry_run,
                            progress=progress, region=region)
    except StoreError as exc:  # StoreBusy: another writer kept the lock past the bounded wait
        progress.done()
        fail(str(exc))
    finally:
        progress.done()
        store.close()
    c = result.counts
    if as_json:  # machine keys are stable; "reason" stays English, "message" follows --lang
        click.echo(orjson.dumps({
            "file": result.file, "sha256": result.sha256, "ok": result.ok, "dry_run": dry_run, "rows": c.rows,
            "new": c.new, "changed": c.changed, "unchanged": c.unchanged, "projects": c.projects,
            "refused_rows": result.refused_rows,
            "problems": [{"row": p.row, "column": p.column, "value": p.value, "reason": p.reason, "code": p.code,
                          "message": p.text(lang)} for p in result.problems],
            "ignored": [{"column": h, "reason": why} for h, why in result.ignored],
            "seconds": round(result.seconds, 3)}).decode())
    elif result.ignored:
        sep = "：" if lang == "zh" else ": "
        for header, why in result.ignored:
            click.echo(f"{result.file}{sep}{frame('ignored', lang, column=header, reason=why)}", err=True)
    if not result.ok:
        for line in result.report(lang):
            click.echo(line, err=True)
        click.echo(result.summary(lang), err=True)
        sys.exit(1)
    if as_json:
        return
    click.echo(result.summary(lang))
    if hints and not dry_run:
        for line in next_steps(cfg.db, cfg.site, lang):
            click.echo(line)


def next_steps(db: Path, site: Path, lang: Lang) -> list[str]:
    """What to run after a stored submission, each command as it runs from the current directory."""
    head = ("下一步：生成网站（含搜索索引），再发布 Datasette 快照：" if lang == "zh"
            else "next: build the site (and its search index), then publish the Datasette snapshot:")
    make = "或：" if lang == "zh" else "or: "
    return [head, f"  {command('--db', db, 'build', '--out', site)}", f"  {command('--db', db, 'publish')}",
            f"{make}make build publish DB={shlex.quote(str(db))} SITE={shlex.quote(str(site))}"]


@cli.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Output file (default: stdout for CSV).")
def template(kind: str, fmt: str, out: Path | None) -> None:
    """Print an empty submission template for KIND, both header forms documented."""
    from collectors.importers.template import write_csv, write_xlsx

    if fmt == "xlsx":
        target = out or Path(f"template-{kind}.xlsx")
        write_xlsx(Kind(kind), target)
        click.echo(f"wrote {target}", err=True)
        return
    text = write_csv(Kind(kind))
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "ocds"]), required=True,
              help="jsonl or csv: one file (or stdout); ocds: OCDS 1.1 release (and record) packages in --out DIR.")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help=f"Only this area ({', '.join(KINDS)}); ocds takes several (--kind land --kind mining).")
@click.option("--out", type=click.Path(path_type=Path),
              help="Output file (default stdout); for ocds the output directory (required).")
@click.option("--gzip", "compress", is_flag=True, help="ocds: gzip each package (.json.gz).")
@click.pass_obj
def export(cfg, fmt: str, kinds: tuple[str, ...], out: Path | None, compress: bool) -> None:
    """Export every project with its notices (JSONL, formula-safe CSV, or OCDS packages)."""
    from publish.export import export_csv, export_jsonl

    if unknown := [k for k in kinds if k not in KINDS]:
        fail(f"unknown --kind {', '.join(unknown)} (one of {', '.join(KINDS)})")
    if fmt == "ocds":
        if out is None:
            raise click.UsageError("--format ocds writes several files: give --out DIR")
        export_ocds(cfg, out, list(kinds) or None, compress)
        return
    if len(kinds) > 1 or compress:
        raise click.UsageError(f"--format {fmt} takes one --kind and no --gzip")
    if out is not None and out.is_dir():
        raise click.UsageError(f"--out {out} is a directory (--format {fmt} writes one file)")
    kind = kinds[0] if kinds else None
    store = open_store(cfg.db)
    try:
        if fmt == "jsonl":
            fh = out.open("wb") if out else sys.stdout.buffer
            n = export_jsonl(store, fh, kind)
        else:
            fh = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
            n = export_csv(store, fh, kind)
        fh.flush()
        if out:
            fh.close()
    finally:
        store.close()
    click.echo(f"exported {n} {'projects' if fmt == 'jsonl' else 'notice versions'}", err=True)


def export_ocds(cfg, out: Path, kinds: list[str] | None, compress: bool) -> None:
    """``export --format ocds``: the packages and SHA256SUMS in ``out``, one line per file written."""
    from publish.ocds import OcdsExportError, write_ocds
    from store.pseudonym import PseudonymKeyError

    store = open_store(cfg.db)
    try:
        paths = write_ocds(store, out, kinds, base_url=cfg.site_url.rstrip("/") + "/downloads/ocds/", compress=compress)
    except (OcdsExportError, PseudonymKeyError) as exc:  # PseudonymKeyError: the key beside the database
        fail(str(exc))
    finally:
        store.close()
    for path in paths:
        click.echo(str(path))
    click.echo(f"exported {len(paths) - 1} OCDS packages to {out}", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def stats(cfg, as_json: bool) -> None:
    """Counts per kind, notice type, province, and rejected inputs."""
    from store.stats import format_stats
    from store.stats import stats as compute

    store = open_store(cfg.db)
    try:
        data = compute(store)
    finally:
        store.close()
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() if as_json else format_stats(data))


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("var/demo"), show_default=True,
              help="Directory for the generated submission files.")
@click.option("--seed", type=int, default=20261124, show_default=True, help="Random seed (same seed, same files).")
@click.option("--projects", type=int, default=60, show_default=True, help="Projects per area.")
@click.option("--rows", type=int, default=0, help="Instead: one big CSV of this many rows (for benchmarks).")
def generate(out: Path, seed: int, projects: int, rows: int) -> None:
    """Generate realistic demo submissions in all five areas (seeded)."""
    from demo.generate import generate_big_csv, generate_demo

    out.mkdir(parents=True, exist_ok=True)
    if rows:
        path = generate_big_csv(out / f"bench-{rows}.csv", rows=rows, seed=seed)
        click.echo(str(path))
        return
    for item in generate_demo(out, seed=seed, projects_per_kind=projects):
        click.echo(f"{item.path}\t{item.kind}\t{item.agency}\t{item.rows} rows" + ("\t(has invalid rows)" if item.invalid else ""))


# Commands of the later pipeline stages live in their own modules (imported at the end so
# that they can use this module's helpers).
from gongkai.build_cli import build  # noqa: E402
from gongkai.collect_cli import collect, portal  # noqa: E402
from gongkai.parse_cli import parse  # noqa: E402
from gongkai.search_cli import index, publish, search, serve  # noqa: E402
from gongkai.verify_cli import verify  # noqa: E402

for _command in (collect, portal, parse, build, index, search, publish, serve, verify):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="gongkai")
