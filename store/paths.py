"""Output paths and links: every path built from data goes through :func:`slug` and :func:`safe_join`.

Ids come from collected data, so a hostile id (``../x``, ``..\\x``, ``/etc/passwd``,
full-width ``．．／``, a 300-character string) must never name a file outside the site.
:func:`slug` keeps an id that is already a safe file name (``[A-Za-z0-9_-][A-Za-z0-9._-]*``,
at most 100 characters, no ``..``) and otherwise replaces it by its safe characters plus a
hash of the whole id; :func:`safe_join` checks every component again and asserts that the
resolved path stays inside the output directory (``Path.is_relative_to``, not a string
prefix test: pelican's ``sanitised_join`` accepts ``/foo/bar`` + ``../bar-evil``).

Links between pages are always relative (no leading slash), so the site works from the
file system and under any mount point (e.g. Datasette's ``/site/``).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

_SAFE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$")
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


class UnsafePath(ValueError):
    """An output path that could leave the site directory."""


def slug(value: str) -> str:
    """A file-name-safe form of an id: unchanged when already safe, else safe chars + a hash."""
    text = str(value)
    if _SAFE.match(text) and ".." not in text:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    kept = _UNSAFE_CHARS.sub("_", text).strip("_")[:60]
    return f"{kept}-h{digest}" if kept else f"h{digest}"


def check_relpath(rel: str) -> str:
    """Validate a relative output path (``a/b/c.html``): every component safe, no traversal."""
    if not rel or rel.startswith("/") or "\\" in rel:
        raise UnsafePath(f"unsafe output path {rel!r}: must be relative with '/' separators")
    for part in rel.split("/"):
        if part in ("", ".", "..") or not _SAFE.match(part) or ".." in part:
            raise UnsafePath(f"unsafe output path {rel!r}: component {part!r}")
    return rel


def safe_join(out: Path, rel: str) -> Path:
    """``out / rel`` after checking ``rel``; the resolved result must lie inside ``out``."""
    check_relpath(rel)
    base = out.resolve()
    target = (base / rel).resolve()
    if not target.is_relative_to(base):
        raise UnsafePath(f"output path {rel!r} resolves outside {base}")
    return target


def link(from_rel: str, to_rel: str) -> str:
    """A relative link from the page at ``from_rel`` to ``to_rel`` (both site-relative paths).

    Up to the site root, then down: ``land/2025/index.html`` → ``../../project/x.html``. Not
    the shortest form, but the same for every page of a directory and cheap (no path walking)."""
    return "../" * from_rel.count("/") + to_rel


# -- the URL design (site-relative paths; English pages are the same paths under en/) ----------
def home() -> str:
    return "index.html"


def project(pid: str) -> str:
    return f"project/{slug(pid)}.html"


def notice(version_id: str) -> str:
    return f"notice/{slug(version_id)}.html"


def party(party_id: str) -> str:
    return f"party/{slug(party_id)}/index.html"


def region(code: str) -> str:
    return f"region/{slug(code)}/index.html"


def static_page(name: str) -> str:
    return f"{slug(name)}/index.html"


def in_lang(rel: str, lang: str) -> str:
    """The path of ``rel`` in language ``lang`` (zh at the root, en under ``en/``)."""
    return rel if lang == "zh" else f"en/{rel}"


def tag_base(site_url: str) -> str:
    """``tag:<host>,2026:`` — the naming authority of every id (RFC 4151); never change it once published.

    Feeds (the site) and search results (search_index) both mint ids under it."""
    host = urlsplit(site_url).hostname or "localhost"
    return f"tag:{host},2026:"
