"""Keyed pseudonyms for the parties the privacy policy hides: one function every output uses.

A party without a unified social credit code is stored under ``name-`` + an unkeyed hash of its
normalized name (:func:`models.identity.party_id`). For a natural person whose name the policy
masks or omits, that id would give the name back: a 2–4 character Chinese name is found by hashing
every candidate. So every output (Datasette's snapshot, the SQLite download, the OCDS export …)
shows such a party under ``person-`` + HMAC-SHA256(the deployment's secret, stored party id),
cut to :data:`HEX` hex digits: the same person has the same pseudonym in every publish (links and
joins keep working), and nobody without the secret can test a name against it.

The secret is a random key in a file beside the database (:func:`key_path`, mode 0600), created
by ``gongkai init`` beside the log's signing key, or on first use. It is never published: the
site, its downloads and Datasette's snapshot hold pseudonyms, never the key. Losing it changes
every pseudonym at the next publish (the store's own ids are untouched). A database in memory
(tests) gets a key of its own process, never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
from functools import cache
from pathlib import Path

KEY_NAME = "pseudonym-key"
PREFIX = "person-"
HEX = 20  # 80 bits: no two people of a national store collide, and the id stays short in a URL or a join
_KEY_BYTES = 32


class PseudonymKeyError(ValueError):
    """The pseudonym key cannot be read or created (the message names the file and the reason)."""


def key_path(db: Path | str) -> Path:
    """Where the pseudonym key of a database lives: beside it (like the log's ``log-key``)."""
    return Path(db).parent / KEY_NAME


def create_key(path: Path) -> bool:
    """Create the key file at ``path`` (mode 0600) unless it exists; returns whether it was created."""
    if path.exists():
        read_key(path)  # a damaged key is an error now, not a silent change of every pseudonym later
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others, not even briefly
    except FileExistsError:
        return False  # another process created it first: use theirs
    except OSError as exc:
        raise PseudonymKeyError(f"{path}: cannot create the pseudonym key ({exc.strerror or exc})") from exc
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(_KEY_BYTES) + "\n")
    return True


def read_key(path: Path) -> bytes:
    """The secret of the key file at ``path``."""
    try:
        text = Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise PseudonymKeyError(f"{path}: cannot read the pseudonym key ({exc})") from exc
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != _KEY_BYTES:
        raise PseudonymKeyError(f"{path}: not a pseudonym key ({_KEY_BYTES * 2} hex digits); move it away to "
                                "create a new one (every published pseudonym then changes)")
    return key


def load_key(db: Path | str) -> bytes:
    """The pseudonym key of the database at ``db``, created beside it when missing."""
    path = key_path(db)
    create_key(path)
    return read_key(path)


@cache
def _process_key() -> bytes:
    return secrets.token_bytes(_KEY_BYTES)


def key_of(conn: sqlite3.Connection) -> bytes:
    """The pseudonym key of the store a connection reads (its main database file); a database in
    memory gets this process's key. Never call it on a copy about to be published (its key would
    be created beside the copy): pass the store's key to :func:`store.privacy.redact_copy`."""
    row = next((r for r in conn.execute("PRAGMA database_list") if r[1] == "main"), None)
    return load_key(row[2]) if row and row[2] else _process_key()


def pseudonym(key: bytes, party_id: str) -> str:
    """``person-`` + the first :data:`HEX` hex digits of HMAC-SHA256(key, stored party id)."""
    return PREFIX + hmac.new(key, party_id.encode("utf-8"), hashlib.sha256).hexdigest()[:HEX]
