"""Signed checkpoints of the tamper-evident log, published as static files under the site's ``log/``.

- The key: Ed25519, created by ``gongkai init`` beside the database (``var/log-key``, mode 0600, in
  the Go ``note`` signer format ``PRIVATE+KEY+<name>+<hash>+<key>``); its public half (the verifier
  key ``<name>+<hash>+<key>``) is kept in the store's ``meta`` table (so the about page and the bulk
  download carry it) and published as ``log/key``. The key name is the log's origin.
- The checkpoint (C2SP ``tlog-checkpoint``): a C2SP ``signed-note`` whose body is the origin, the
  tree size, the base64 root hash and one extension line ``time <UTC, RFC 3339>``. A checkpoint is
  signed when the tree changed since the last one the key signed (the history of signed checkpoints,
  ``var/log-key.checkpoints``, is what keeps the log from ever signing a checkpoint inconsistent
  with an earlier one: :func:`sign_tree` refuses with :class:`CheckpointError`); an unchanged tree
  keeps its checkpoint byte for byte, so a build that changed nothing writes nothing.
- The tree as static files (C2SP ``tlog-tiles``): ``log/checkpoint``, ``log/tile/<L>/<N>[.p/<W>]``
  (256 hashes per full tile) and ``log/tile/entries/<N>[.p/<W>]`` (the leaves, each prefixed by its
  big-endian uint16 length). Full tiles never change; partial ones are written beside them.
- ``log/checkpoints.atom``: an Atom feed of the signed checkpoints (newest first), for witnesses.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from store import log as tlog
from store.paths import safe_join

ALG_ED25519 = 0x01  # the signed-note algorithm byte of Ed25519
TILE_HEIGHT = 8  # C2SP tlog-tiles: 2^8 = 256 hashes per full tile
TILE_WIDTH = 1 << TILE_HEIGHT
META_KEY = "log_public_key"  # the store's meta row holding the verifier key
FEED_ENTRIES = 100  # checkpoints listed in log/checkpoints.atom (the newest)


class CheckpointError(Exception):
    """A key or checkpoint that cannot be used (missing, malformed, bad signature, inconsistent)."""


# -- keys ----------------------------------------------------------------------------------------------

def key_path(db: Path) -> Path:
    """Where the signing key of a database's log lives: beside it."""
    return Path(db).parent / "log-key"


def origin_for(site_url: str) -> str:
    """The log's origin (and key name): the site URL's host and path, without scheme, + ``log``."""
    parts = urlsplit(site_url)
    return (parts.netloc + parts.path).rstrip("/") + "/log" if parts.netloc else "gongkai/log"


def _key_hash(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public).digest()[:4]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class Verifier:
    """A signed-note verifier key: name, 4-byte key hash, Ed25519 public key."""

    name: str
    key_hash: bytes
    public: bytes

    def text(self) -> str:
        return f"{self.name}+{self.key_hash.hex()}+{_b64(bytes([ALG_ED25519]) + self.public)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    seed: bytes

    @property
    def verifier(self) -> Verifier:
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, _key_hash(self.name, public), public)

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


def parse_verifier(text: str) -> Verifier:
    """A verifier key ``<name>+<hash>+<base64 key>`` (Go's ``note.NewVerifier`` format)."""
    name, _sep, rest = text.strip().partition("+")
    hash_hex, _sep2, key_b64 = rest.partition("+")
    try:
        data = base64.b64decode(key_b64, validate=True)
        key_hash = bytes.fromhex(hash_hex)
    except ValueError as exc:
        raise CheckpointError(f"not a verifier key ({exc})") from exc
    if not name or len(key_hash) != 4 or len(data) != 33 or data[0] != ALG_ED25519:
        raise CheckpointError("not an Ed25519 verifier key (name+hash+key)")
    if _key_hash(name, data[1:]) != key_hash:
        raise CheckpointError(f"verifier key {name}: its hash does not match its key")
    return Verifier(name, key_hash, data[1:])


def create_key(path: Path, name: str) -> tuple[Verifier, bool]:
    """The signer at ``path``, created (mode 0600) when missing; returns (its verifier, created?)."""
    if path.exists():
        return load_signer(path).verifier, False
    seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    signer = Signer(name, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"PRIVATE+KEY+{name}+{signer.verifier.key_hash.hex()}+{_b64(bytes([ALG_ED25519]) + seed)}\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others, not even briefly
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text)
    return signer.verifier, True


def load_signer(path: Path) -> Signer:
    try:
        text = Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path}: cannot read the log key ({exc})") from exc
    parts = text.split("+", 4)  # the base64 key itself may hold "+"
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise CheckpointError(f"{path}: not a signed-note private key (PRIVATE+KEY+name+hash+key)")
    try:
        data = base64.b64decode(parts[4], validate=True)
    except ValueError as exc:
        raise CheckpointError(f"{path}: the key is not base64 ({exc})") from exc
    if len(data) != 33 or data[0] != ALG_ED25519:
        raise CheckpointError(f"{path}: not an Ed25519 key")
    signer = Signer(parts[2], data[1:])
    if signer.verifier.key_hash.hex() != parts[3]:
        raise CheckpointError(f"{path}: the key hash does not match the key")
    return signer


def public_key(conn: sqlite3.Connection) -> str | None:
    """The verifier key the store publishes (meta), or None before ``gongkai init`` made one."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


# -- checkpoints -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    time: str  # UTC, RFC 3339 ("" when the checkpoint has no time line)
    body: bytes
    signatures: tuple[tuple[str, bytes], ...]  # (key name, key hash + signature)
    text: str


def note_body(origin: str, size: int, root: bytes, time: str) -> bytes:
    return f"{origin}\n{size}\n{_b64(root)}\ntime {time}\n".encode()


def sign(signer: Signer, size: int, root: bytes, time: str) -> str:
    """A C2SP signed note of the checkpoint (origin = the key's name)."""
    body = note_body(signer.name, size, root, time)
    sig = signer.verifier.key_hash + signer.sign(body)
    return body.decode() + f"\n\u2014 {signer.name} {_b64(sig)}\n"


def parse(text: str) -> Checkpoint:
    """Parse a signed-note checkpoint (signatures not checked: :func:`verify_note`)."""
    body_text, sep, sigs = text.partition("\n\n")
    if not sep:
        raise CheckpointError("not a signed note: no blank line before the signatures")
    lines = body_text.split("\n")
    if len(lines) < 3 or not lines[1].isdigit():
        raise CheckpointError("not a checkpoint: origin, tree size and root hash expected")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except ValueError as exc:
        raise CheckpointError(f"checkpoint root hash is not base64 ({exc})") from exc
    if len(root) != 32:
        raise CheckpointError("checkpoint root hash is not 32 bytes")
    time = next((line.removeprefix("time ") for line in lines[3:] if line.startswith("time ")), "")
    signatures = []
    for line in sigs.split("\n"):
        if not line:
            continue
        if not line.startswith("\u2014 "):
            raise CheckpointError("signature line does not start with an em dash")
        name, _s, sig = line[2:].rpartition(" ")
        try:
            signatures.append((name, base64.b64decode(sig, validate=True)))
        except ValueError as exc:
            raise CheckpointError(f"signature of {name} is not base64 ({exc})") from exc
    return Checkpoint(lines[0], int(lines[1]), root, time, (body_text + "\n").encode(), tuple(signatures), text)


def verify_note(cp: Checkpoint, verifier: Verifier) -> str | None:
    """None when ``verifier`` signed ``cp`` (and its origin is the key's name), else why not."""
    if cp.origin != verifier.name:
        return f"checkpoint origin {cp.origin!r} is not the key's name {verifier.name!r}"
    for name, sig in cp.signatures:
        if name == verifier.name and sig[:4] == verifier.key_hash:
            return None if verifier.verify(cp.body, sig[4:]) else "the checkpoint's signature does not verify"
    return f"the checkpoint carries no signature by {verifier.name}"


def _history_path(key: Path) -> Path:
    return key.with_name(key.name + ".checkpoints")


def history(key: Path) -> list[dict[str, str | int]]:
    """The checkpoints this key signed, oldest first: {"time", "size", "root" (hex), "note"}."""
    path = _history_path(key)
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def sign_tree(key: Path, tree: tlog.Tree, now: str | None = None) -> str:
    """The signed checkpoint of ``tree``: the last one the key signed when the tree is unchanged, else
    a new one (recorded in the key's history). Refuses (:class:`CheckpointError`) to sign a tree that
    is not an extension of the last signed one: the log would contradict itself."""
    signer = load_signer(key)
    past = history(key)
    root = tree.root()
    if past:
        last = past[-1]
        old_size, old_root = int(last["size"]), bytes.fromhex(str(last["root"]))
        if old_size == tree.size and old_root == root:
            return str(last["note"])
        if old_size > tree.size:
            raise CheckpointError(f"the log has {tree.size:,} leaves but checkpoint {old_size:,} was signed: "
                                  "leaves were removed from the store's log; nothing signed")
        if tree.root(old_size) != old_root:
            raise CheckpointError(f"the log's first {old_size:,} leaves no longer hash to the signed checkpoint "
                                  "(a leaf was changed or reordered); nothing signed")
    time = now or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    note = sign(signer, tree.size, root, time)
    with _history_path(key).open("ab") as fh:
        fh.write(orjson.dumps({"time": time, "size": tree.size, "root": root.hex(), "note": note}) + b"\n")
    return note


# -- tiles ---------------------------------------------------------------------------------------------

def tile_index_path(n: int) -> str:
    """C2SP tlog-tiles index path: 1234067 → ``x001/x234/067``."""
    digits = f"{n:d}"
    digits = digits.zfill((len(digits) + 2) // 3 * 3)
    groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def tile_path(level: int | str, n: int, width: int) -> str:
    return f"tile/{level}/{tile_index_path(n)}" + (f".p/{width}" if width < TILE_WIDTH else "")


def tiles(tree: tlog.Tree, leaf_bytes: list[bytes]) -> list[tuple[str, bytes, bool]]:
    """(path under log/, bytes, immutable?) of every hash and entry tile of ``tree``."""
    out: list[tuple[str, bytes, bool]] = []
    level = 0
    while (count := tree.size >> (TILE_HEIGHT * level)) > 0:
        hashes = tree.levels[TILE_HEIGHT * level]
        for n in range(0, (count + TILE_WIDTH - 1) // TILE_WIDTH):
            part = hashes[n * TILE_WIDTH:min(count, (n + 1) * TILE_WIDTH)]
            out.append((tile_path(level, n, len(part)), b"".join(part), len(part) == TILE_WIDTH))
        level += 1
    for n in range(0, (tree.size + TILE_WIDTH - 1) // TILE_WIDTH):
        part = leaf_bytes[n * TILE_WIDTH:(n + 1) * TILE_WIDTH]
        bundle = b"".join(len(e).to_bytes(2, "big") + e for e in part)
        out.append((tile_path("entries", n, len(part)), bundle, len(part) == TILE_WIDTH))
    return out


def read_entries(bundle: bytes) -> list[bytes]:
    """The entries of an entry bundle (uint16 big-endian length + bytes each)."""
    out, i = [], 0
    while i < len(bundle):
        if i + 2 > len(bundle):
            raise CheckpointError("entry bundle ends inside a length prefix")
        n = int.from_bytes(bundle[i:i + 2], "big")
        if i + 2 + n > len(bundle):
            raise CheckpointError("entry bundle ends inside an entry")
        out.append(bundle[i + 2:i + 2 + n])
        i += 2 + n
    return out


# -- publishing --------------------------------------------------------------------------------------

@dataclass
class LogReport:
    size: int
    signed: bool  # a checkpoint was written (a key exists)
    written: int  # files written (bytes changed)
    note: str = ""  # why there is no checkpoint


def _write(out: Path, rel: str, data: bytes, *, immutable: bool = False) -> bool:
    target = safe_join(out, f"log/{rel}")
    if target.exists() and (immutable or target.read_bytes() == data):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return True


def log_size(conn: sqlite3.Connection) -> int:
    """How many leaves the store's log holds (0 for a database without a log)."""
    try:
        return tlog.next_index(conn)
    except sqlite3.OperationalError:
        return 0


def tree_of(conn: sqlite3.Connection) -> tuple[tlog.Tree, list[bytes]]:
    """The store's log as a tree, with its leaves."""
    leaves = [leaf for _i, leaf in tlog.leaves(conn)]
    return tlog.Tree(tlog.leaf_hash(e) for e in leaves), leaves


def write_log(conn: sqlite3.Connection, out: Path, db: Path, site_url: str) -> LogReport:
    """Write ``out/log/``: tiles, the verifier key, the signed checkpoint and the checkpoint feed.
    Without a key (a database ``gongkai init`` did not set up) the tiles are written and no checkpoint."""
    tree, leaves = tree_of(conn)
    written = sum(_write(out, rel, data, immutable=fixed) for rel, data, fixed in tiles(tree, leaves))
    key = key_path(db)
    if not key.exists():
        return LogReport(tree.size, False, written, f"no log key at {key}: run `gongkai --db {db} init` to create it")
    note = sign_tree(key, tree)
    verifier = load_signer(key).verifier
    written += _write(out, "checkpoint", note.encode())
    written += _write(out, "key", (verifier.text() + "\n").encode())
    written += _write(out, "checkpoints.atom", atom(history(key), site_url, verifier.name))
    return LogReport(tree.size, True, written)


def atom(entries: list[dict[str, str | int]], site_url: str, origin: str) -> bytes:
    """The Atom feed of signed checkpoints (newest first; the note itself as each entry's text)."""
    base = site_url.rstrip("/") + "/log/"
    host = urlsplit(site_url).hostname or "localhost"
    newest = list(reversed(entries))[:FEED_ENTRIES]
    updated = str(newest[0]["time"]) if newest else "1970-01-01T00:00:00Z"
    items = "".join(
        f"<entry><id>tag:{escape(host)},2026:log/checkpoint/{int(e['size'])}-{escape(str(e['root']))}</id>"
        f"<title>Checkpoint: {int(e['size']):,} leaves</title><updated>{escape(str(e['time']))}</updated>"
        f"<link rel=\"alternate\" href=\"{escape(base)}checkpoint\"/>"
        f"<content type=\"text\">{escape(str(e['note']))}</content></entry>\n" for e in newest)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>tag:{escape(host)},2026:log</id><title>{escape(origin)}: signed checkpoints</title>"
            f"<updated>{escape(updated)}</updated><author><name>Gongkai</name></author>"
            f'<link rel="self" href="{escape(base)}checkpoints.atom"/>\n{items}</feed>\n').encode()


def write_site_log(conn: sqlite3.Connection, out: Path, db: Path, site_url: str, *, from_bulk: bool) -> LogReport:
    """The build's hook: ``out/log/`` from the bulk download's copy of the store (``from_bulk`` and
    it exists: the tiles then sign exactly the records a verifier downloads), else from ``conn``."""
    bulk = safe_join(out, "downloads/gongkai.sqlite")
    if from_bulk and bulk.exists():
        copy = sqlite3.connect(bulk.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return write_log(copy, out, db, site_url)
        finally:
            copy.close()
    return write_log(conn, out, db, site_url)
