"""``gongkai verify``: check the tamper-evident log as any outsider can.

From a published site (``--site DIR`` or ``--site URL``): the signed checkpoint (``log/checkpoint``)
against the log's key (``--key``, or the site's ``log/key``), the tree rebuilt from the published
leaves (``log/tile/entries/…``) against the checkpoint's root and the published hash tiles, every
record of the bulk download (``downloads/gongkai.sqlite``) against its leaf (content rebuilt and
hashed, source present, nothing unlogged) and each leaf's inclusion in the signed tree. From a
database (``--db``, the default without ``--site``): the same checks of the store against its own
log and the last checkpoint its key signed. ``--pin`` a checkpoint saved earlier: the current one
must be signed by the same key and be consistent with it (nothing removed or rewritten since).

Exit 0 with a summary; 1 naming each record or checkpoint that fails and why; 2 usage.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import click

from publish import checkpoint as cpmod
from store import log as tlog
from store.db import connect_ro

FETCH_TIMEOUT = 60  # seconds per file fetched from a site (the bulk database can be large)


class Source:
    """A published site: a directory or an http(s) URL."""

    def __init__(self, where: str) -> None:
        self.url = where.rstrip("/") + "/" if where.startswith(("http://", "https://")) else None
        self.dir = None if self.url else Path(where)
        if self.dir is not None and not self.dir.is_dir():
            raise click.BadParameter(f"{where} is neither a directory nor an http(s) URL", param_hint="--site")

    def read(self, rel: str) -> bytes | None:
        if self.dir is not None:
            path = self.dir / rel
            return path.read_bytes() if path.is_file() else None
        if self.url is None:  # a site is a directory or a URL: not reached
            raise click.ClickException(f"cannot read {rel}: no site")
        try:
            with urllib.request.urlopen(self.url + rel, timeout=FETCH_TIMEOUT) as resp:  # noqa: S310 - http(s) only, checked above
                return bytes(resp.read())
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise click.ClickException(f"{self.url}{rel}: HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise click.ClickException(f"{self.url}{rel}: {exc}") from exc

    def name(self, rel: str) -> str:
        return f"{self.url}{rel}" if self.url else str(Path(str(self.dir)) / rel)


def _verifier(key: str | None, fallback: bytes | str | None, problems: list[str]) -> cpmod.Verifier | None:
    text = key
    if key and Path(key).is_file():
        text = Path(key).read_text(encoding="utf-8")
    if text is None and fallback is not None:
        text = fallback.decode("utf-8", "replace") if isinstance(fallback, bytes) else fallback
    if text is None:
        problems.append("no key to check the checkpoint with (give --key, or publish log/key)")
        return None
    try:
        return cpmod.parse_verifier(text)
    except cpmod.CheckpointError as exc:
        problems.append(f"key: {exc}")
        return None


def _checkpoint(text: str | None, what: str, verifier: cpmod.Verifier | None, problems: list[str]) -> cpmod.Checkpoint | None:
    if text is None:
        problems.append(f"{what}: missing")
        return None
    try:
        cp = cpmod.parse(text)
    except cpmod.CheckpointError as exc:
        problems.append(f"{what}: {exc}")
        return None
    if verifier is not None and (why := cpmod.verify_note(cp, verifier)):
        problems.append(f"{what}: {why}")
        return None
    return cp


def check_tree(tree: tlog.Tree, leaves: list[bytes], cp: cpmod.Checkpoint | None, pin: cpmod.Checkpoint | None,
               problems: list[str]) -> None:
    """The checkpoint's root, each leaf's inclusion, and consistency with the pinned checkpoint."""
    if cp is None:
        return
    if cp.size > tree.size:
        problems.append(f"checkpoint: signs {cp.size:,} leaves, only {tree.size:,} are published")
        return
    if tree.root(cp.size) != cp.root:
        problems.append(f"checkpoint: the {cp.size:,} leaves read do not hash to its signed root "
                        "(a leaf was changed, reordered or removed)")
    else:
        for i in range(cp.size):
            if not tlog.verify_inclusion(tlog.leaf_hash(leaves[i]), i, cp.size, tree.inclusion_proof(i, cp.size), cp.root):
                problems.append(f"log leaf {i}: not included in the signed tree")
    if pin is not None:
        if pin.size > cp.size:
            problems.append(f"pinned checkpoint: {pin.size:,} leaves, more than the current {cp.size:,} (the log shrank)")
        elif pin.size and not tlog.verify_consistency(pin.size, cp.size, pin.root, cp.root,
                                                      tree.consistency_proof(pin.size, cp.size)):
            problems.append(f"pinned checkpoint ({pin.size:,} leaves): the current log is not an extension of it "
                            "(leaves it signed were changed or removed)")


def verify_site(where: str, key: str | None, pin_text: str | None) -> tuple[list[str], str]:
    site = Source(where)
    problems: list[str] = []
    verifier = _verifier(key, site.read("log/key"), problems)
    raw_cp = site.read("log/checkpoint")
    cp = _checkpoint(raw_cp.decode("utf-8", "replace") if raw_cp is not None else None,
                     f"checkpoint {site.name('log/checkpoint')}", verifier, problems)
    pin = _checkpoint(pin_text, "pinned checkpoint", verifier, problems) if pin_text else None
    if cp is None:
        return problems, ""
    leaves: list[bytes] = []
    for n in range((cp.size + cpmod.TILE_WIDTH - 1) // cpmod.TILE_WIDTH):
        width = min(cpmod.TILE_WIDTH, cp.size - n * cpmod.TILE_WIDTH)
        rel = "log/" + cpmod.tile_path("entries", n, width)
        bundle = site.read(rel)
        if bundle is None and width < cpmod.TILE_WIDTH:  # a later full tile holds these leaves too
            full = site.read("log/" + cpmod.tile_path("entries", n, cpmod.TILE_WIDTH))
            bundle = None if full is None else b"".join(
                len(e).to_bytes(2, "big") + e for e in cpmod.read_entries(full)[:width])
        if bundle is None:
            problems.append(f"entry tile {rel}: missing")
            return problems, ""
        try:
            entries = cpmod.read_entries(bundle)
        except cpmod.CheckpointError as exc:
            problems.append(f"entry tile {rel}: {exc}")
            return problems, ""
        if len(entries) != width:
            problems.append(f"entry tile {rel}: {len(entries)} entries, {width} expected")
            return problems, ""
        leaves.extend(entries)
    tree = tlog.Tree(tlog.leaf_hash(e) for e in leaves)
    check_tree(tree, leaves, cp, pin, problems)
    for rel, data, _fixed in cpmod.tiles(tree, leaves):
        if "/entries/" in rel:
            continue
        published = site.read("log/" + rel)
        if published is not None and published != data:
            problems.append(f"hash tile log/{rel}: differs from the tree rebuilt from the leaves")
    bulk = site.read("downloads/gongkai.sqlite")
    if bulk is None:
        problems.append("bulk download downloads/gongkai.sqlite: missing (the records cannot be checked)")
        return problems, f"{cp.size:,} leaves"
    with tempfile.TemporaryDirectory(prefix="gongkai-verify-") as tmp:
        copy = Path(tmp) / "gongkai.sqlite"
        copy.write_bytes(bulk)
        conn = connect_ro(copy)
        try:
            own = [leaf for _i, leaf in tlog.leaves(conn)]
            for i, (a, b) in enumerate(zip(own, leaves, strict=False)):
                if a != b:
                    problems.append(f"log leaf {i}: the bulk download's copy differs from the published tile")
            if len(own) < len(leaves):
                problems.append(f"bulk download: its log has {len(own):,} leaves, the checkpoint signs {len(leaves):,}")
            result = tlog.audit(conn, own)
        except sqlite3.DatabaseError as exc:
            problems.append(f"bulk download downloads/gongkai.sqlite: not a readable database ({exc})")
            return problems, ""
        finally:
            conn.close()
    problems.extend(result.problems)
    masked = (f" ({result.redacted:,} of them with natural persons' names masked on output, checked by their "
              "logged content hash)") if result.redacted else ""
    return problems, (f"{cp.size:,} leaves signed by {cp.origin} at {cp.time or 'an unstated time'}; "
                      f"{result.versions:,} notice versions{masked} and {result.events:,} withdrawals or redactions "
                      "checked")


def verify_db(db: Path, key: str | None, pin_text: str | None) -> tuple[list[str], str]:
    problems: list[str] = []
    try:
        conn = connect_ro(db)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        result = tlog.audit(conn)
        verifier = _verifier(key, cpmod.public_key(conn), problems)
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{db}: not a Gongkai database with a log ({exc})") from exc
    finally:
        conn.close()
    problems.extend(result.problems)
    leaves = result.leaf_bytes
    tree = tlog.Tree(tlog.leaf_hash(e) for e in leaves)
    signed = cpmod.history(cpmod.key_path(db))
    cp = _checkpoint(str(signed[-1]["note"]), "last signed checkpoint", verifier, problems) if signed else None
    pin = _checkpoint(pin_text, "pinned checkpoint", verifier, problems) if pin_text else None
    if cp is None and pin is not None:
        cp = cpmod.Checkpoint(pin.origin, tree.size, tree.root(), "", b"", (), "")  # the store's own tree
    check_tree(tree, leaves, cp, pin, problems)
    covered = f"; {cp.size:,} of them signed" if cp is not None and cp.signatures else "; no signed checkpoint yet"
    return problems, (f"{tree.size:,} leaves{covered}; {result.versions:,} notice versions and "
                      f"{result.events:,} withdrawals or redactions checked")


@click.command()
@click.option("--site", "site", metavar="URL|DIR", help="A published site (directory or http(s) URL) to verify.")
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Verify this database against its own log (default: the global --db) when no --site is given.")
@click.option("--pin", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A checkpoint saved earlier: the current log must be consistent with it.")
@click.option("--key", help="The log's verifier key (text or file); default the site's log/key or the database's.")
@click.pass_obj
def verify(cfg, site: str | None, db: Path | None, pin: Path | None, key: str | None) -> None:
    """Verify the tamper-evident log: signature, every record's inclusion, consistency with --pin."""
    pin_text = pin.read_text(encoding="utf-8") if pin else None
    if site:
        problems, summary = verify_site(site, key, pin_text)
    else:
        problems, summary = verify_db(db or cfg.db, key, pin_text)
    if problems:
        for line in problems:
            click.echo(f"FAIL {line}", err=True)
        click.echo(f"verify: {len(problems)} problem(s) found" + (f" ({summary})" if summary else ""), err=True)
        sys.exit(1)
    click.echo(f"verify: ok: {summary}")
