"""Gongkai's Datasette guard: bounded serving for a public database (issue 14, users-and-integrity.md §B2, §B3).

One request must not be able to exhaust the server, and no response may leak the server's paths
or carry a spreadsheet formula. Everything here is a limit with a reason:

- ``prepare_connection``: SQLite limits on every connection (:data:`SQLITE_LIMITS`), so
  ``select zeroblob(200000000)`` fails at once with "string or blob too big" instead of
  building 1.2 GB; and a per-query result budget (:data:`MAX_RESULT_CHARS`): the rows a
  query returns are counted as they are fetched (the row factory), so 1000 rows of 9 MB each
  stop at the budget with a clear error rather than filling memory before the time limit.
- ``asgi_wrapper`` (the outermost layer of every request):

  * query strings longer than :data:`MAX_QUERY_STRING` → 414, more than
    :data:`MAX_PARAMS` parameters (``_facet`` repeated 10 000 times…) → 400;
  * heavy requests (arbitrary ``?sql=``, ``.csv``, ``/-/search*``) limited to
    :data:`PER_CLIENT_HEAVY` at a time per client address and :data:`GLOBAL_HEAVY` in all
    (one SQL thread always stays free for light pages) → 429 with ``Retry-After``;
  * under ``/site/``, no path segment starting with ``.`` (build state ``.build/``, temporary
    ``.x.tmp`` files, dotfiles) → 404;
  * dynamic responses larger than :data:`MAX_RESPONSE_BYTES` are refused (400 with the reason)
    or, when already streaming, cut with a closing error line; static files (``/site/``, the
    ``.db`` download, Datasette's own assets) are files on disk and are not capped;
  * the absolute paths the process knows (database files, static mounts, plugins, templates,
    search index, the repository, the Python prefix) are replaced by their last component in
    every dynamic response (``/-/databases.json``, ``pragma_database_list``, error pages…);
  * Datasette's CSV (``.csv``, ``_format=csv``) gets the project's formula neutralisation
    (:func:`publish.csv_safe.neutralize`: ``=`` ``+`` ``-`` ``@`` TAB CR and ＝＋－＠ prefixed
    with ``'``); cells that are plain numbers (``-5000``) are left as they are;
  * security headers: a CSP without ``'unsafe-inline'`` for scripts (Datasette's few inline
    scripts are allowed by their SHA-256, computed from its templates at start), and for
    ``/site/`` a CSP with no inline script or style at all.
"""

from __future__ import annotations

import base64
import codecs
import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import sys
import weakref
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import datasette as datasette_module
from datasette import hookimpl
from publish.csv_safe import neutralize

# -- limits (each with its reason) ---------------------------------------------------------------
SQLITE_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 10_000_000,  # largest string or blob a query can build (default 1 GB)
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,  # longest SQL text (default 1 GB); canned queries are < 5 KB
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,  # LIKE/GLOB patterns (default 50 000): pattern cost
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,  # expression nesting (default 1000): parser stack
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,  # UNION terms (default 500)
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 100,  # :named parameters (default 32766); requests carry ≤ MAX_PARAMS
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # no ATTACH (Datasette refuses it already; crossdb is off)
}
MAX_RESULT_CHARS = 12_000_000  # characters/bytes of all values one query may return (row factory)
MAX_RESPONSE_BYTES = 20 * 1024 * 1024  # 20 MiB per dynamic response; bulk data is in /site/downloads/
MAX_QUERY_STRING = 32 * 1024  # bytes of query string (SQL text included)
MAX_PARAMS = 50  # query parameters per request
PER_CLIENT_HEAVY = 2  # concurrent heavy requests per client address
GLOBAL_HEAVY = 3  # concurrent heavy requests in all: settings.json num_sql_threads (4) minus one
RETRY_AFTER = "2"  # seconds, in the 429 answer

# Data blocks are not scripts, so the site (JSON-LD only, site.css) needs nothing inline.
SITE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# Datasette 0.65's pages: inline scripts only by hash (below); 'unsafe-inline' stays for *styles* only,
# because its templates write per-table <style> blocks and style="" attributes (CSS runs no script).
_DATASETTE_CSP = ("default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
                  "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
                  "form-action 'self'; frame-ancestors 'none'")
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]
_OURS = {k for k, _ in _HEADERS} | {b"content-security-policy"}
_UNCAPPED = ("/site/", "/-/static/", "/-/static-plugins/")  # files on disk, streamed in chunks
_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_CSV_BOUNDARY = re.compile(r'["\n]')


# -- SQLite -------------------------------------------------------------------------------------------
class ResultTooLarge(sqlite3.OperationalError):
    """Raised from the row factory: Datasette reports it as a query error (400), never a 500."""


def _size(value: object) -> int:
    return len(value) if isinstance(value, str | bytes) else 8


def _budgeted(factory: Callable[[sqlite3.Cursor, tuple], Any]) -> Callable[[sqlite3.Cursor, tuple], Any]:
    used: weakref.WeakKeyDictionary[sqlite3.Cursor, int] = weakref.WeakKeyDictionary()

    def row(cursor: sqlite3.Cursor, values: tuple) -> Any:
        total = used.get(cursor, 0) + sum(_size(v) for v in values)
        if total > MAX_RESULT_CHARS:
            raise ResultTooLarge(f"result too large: this query returns more than {MAX_RESULT_CHARS:,} characters "
                                 "of data; select fewer rows or columns (the bulk downloads are under /site/downloads/)")
        used[cursor] = total
        return factory(cursor, values)

    return row


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    for limit, value in SQLITE_LIMITS.items():
        conn.setlimit(limit, value)
    conn.row_factory = _budgeted(conn.row_factory or (lambda _c, values: values))


# -- CSP hashes ------------------------------------------------------------------------------------------
def _sha(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def inline_script_hashes(template_dirs: list[Path]) -> list[str]:
    """CSP sources for every inline script of the templates: static bodies as they are; the one
    template expression Datasette 0.65 puts in a script (table.html) in both of its values."""
    out: set[str] = set()
    for directory in template_dirs:
        for path in sorted(directory.glob("*.html")):
            for m in _SCRIPT.finditer(path.read_text(encoding="utf-8")):
                if "src=" in m["attrs"] or not m["body"].strip():
                    continue
                body = m["body"]
                if body == "DATASETTE_ALLOW_FACET = {{ datasette_allow_facet }};":
                    out.update(_sha(f"DATASETTE_ALLOW_FACET = {v};") for v in ("true", "false"))
                elif "{{" not in body and "{%" not in body:
                    out.add(_sha(body))
    return sorted(out)


# -- the ASGI layer --------------------------------------------------------------------------------------
Scope = dict[str, Any]
Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]


class _Cut(Exception):
    """The response was cut; stop the application that is still producing it."""


def _is_heavy(path: str, params: list[tuple[str, str]]) -> bool:
    return (path.startswith("/-/search") or path.endswith(".csv")
            or any(k == "sql" or (k == "_format" and v == "csv") for k, v in params))


def _is_csv(path: str, params: list[tuple[str, str]]) -> bool:
    return path.endswith(".csv") or ("_format", "csv") in params


def _scrub_table(datasette: Any) -> list[tuple[bytes, bytes]]:
    paths: set[str] = set()
    for db in datasette.databases.values():
        if db.path:
            paths.add(str(db.path))
    for _prefix, directory in getattr(datasette, "static_mounts", []) or []:
        paths.add(str(directory))
    for p in (datasette.plugins_dir, datasette.template_dir, os.environ.get("GONGKAI_INDEX"),
              str(Path(__file__).resolve().parent.parent.parent), sys.prefix, sys.base_prefix,
              str(Path(datasette_module.__file__).parent)):
        if p:
            paths.add(str(p))
    table: dict[str, str] = {}
    for p in paths:
        for variant in {p, str(Path(p).absolute()), str(Path(p).resolve())}:
            if Path(variant).is_absolute() and len(variant) > 1:
                table[variant.rstrip("/")] = Path(variant).name
    return [(k.encode(), v.encode()) for k, v in sorted(table.items(), key=lambda kv: -len(kv[0]))]


def _scrub(body: bytes, table: list[tuple[bytes, bytes]]) -> bytes:
    for old, new in table:
        if old in body:
            body = body.replace(old, new)
    return body


class _CsvNeutralizer:
    """Incremental: complete CSV records in, the same records with formula cells neutralized out."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._in_quotes = False
        self._scanned = 0

    def feed(self, data: bytes, final: bool = False) -> bytes:
        self._pending += self._decoder.decode(data, final)
        cut = -1
        for m in _CSV_BOUNDARY.finditer(self._pending, self._scanned):
            if m.group() == '"':
                self._in_quotes = not self._in_quotes
            elif not self._in_quotes:
                cut = m.end()
        self._scanned = len(self._pending)
        if final:
            cut = len(self._pending)
        if cut <= 0:
            return b""
        ready, self._pending = self._pending[:cut], self._pending[cut:]
        self._scanned = len(self._pending)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for record in csv.reader(io.StringIO(ready, newline="")):
            writer.writerow([c if _NUMBER.fullmatch(c) else neutralize(c) for c in record])
        return out.getvalue().encode()


def _error(status: int, message: str, json_body: bool, extra: list[tuple[bytes, bytes]] = ()) -> tuple[Message, Message]:
    if json_body:
        body = json.dumps({"ok": False, "error": message, "status": status, "title": None}).encode()
        ctype = b"application/json; charset=utf-8"
    else:
        body = f"error {status}: {message}\n".encode()
        ctype = b"text/plain; charset=utf-8"
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode()), *extra]
    return ({"type": "http.response.start", "status": status, "headers": headers},
            {"type": "http.response.body", "body": body, "more_body": False})


class Guard:
    """The ASGI middleware (one per Datasette instance)."""

    def __init__(self, app: Callable[..., Awaitable[None]], datasette: Any) -> None:
        self.app = app
        self.datasette = datasette
        self.per_client: dict[str, int] = {}
        self.heavy = 0
        self._table: list[tuple[bytes, bytes]] | None = None
        dirs = [Path(d) for d in (datasette.template_dir,) if d]
        dirs.append(Path(datasette_module.__file__).parent / "templates")
        self.csp = _DATASETTE_CSP.format(hashes=" ".join(inline_script_hashes(dirs))).encode()

    def table(self) -> list[tuple[bytes, bytes]]:
        if self._table is None:
            self._table = _scrub_table(self.datasette)
        return self._table

    async def refuse(self, send: Send, status: int, message: str, json_body: bool,
                     extra: list[tuple[bytes, bytes]] = ()) -> None:
        start, body = _error(status, message, json_body, extra)
        start["headers"] += [(b"content-security-policy", self.csp), *_HEADERS]
        await send(start)
        await send(body)

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path: str = scope.get("path", "")
        raw_qs: bytes = scope.get("query_string", b"")
        wants_json = path.endswith(".json")
        if len(raw_qs) > MAX_QUERY_STRING:
            return await self.refuse(send, 414, f"query string longer than {MAX_QUERY_STRING} bytes", wants_json)
        params = parse_qsl(raw_qs.decode("latin-1"), keep_blank_values=True)
        if len(params) > MAX_PARAMS:
            return await self.refuse(send, 400, f"too many query parameters ({len(params)}; at most {MAX_PARAMS})",
                                     wants_json)
        if path.startswith("/site/") and any(part.startswith(".") for part in path.split("/")):
            return await self.refuse(send, 404, "not found", False)
        heavy = _is_heavy(path, params)
        client = (scope.get("client") or ("?", 0))[0]  # the socket's peer: no X-Forwarded-For is trusted
        if heavy:
            if self.per_client.get(client, 0) >= PER_CLIENT_HEAVY or self.heavy >= GLOBAL_HEAVY:
                return await self.refuse(
                    send, 429, f"too many concurrent queries (at most {PER_CLIENT_HEAVY} per client and "
                    f"{GLOBAL_HEAVY} in all); retry after {RETRY_AFTER} s", wants_json,
                    [(b"retry-after", RETRY_AFTER.encode())])
            self.per_client[client] = self.per_client.get(client, 0) + 1
            self.heavy += 1
        try:
            await self.app(scope, receive, self._sender(send, path, params))
        except _Cut:
            pass
        finally:
            if heavy:
                self.heavy -= 1
                self.per_client[client] -= 1
                if not self.per_client[client]:
                    del self.per_client[client]

    def _sender(self, send: Send, path: str, params: list[tuple[str, str]]) -> Send:
        static = path.startswith(_UNCAPPED) or path == "/favicon.ico"
        site_csp = path.startswith("/site/") or path == "/site"
        state: dict[str, Any] = {"start": None, "sent": 0, "csv": None, "done": False}
        table = None if static else self.table()

        async def sender(message: Message) -> None:
            if state["done"]:
                raise _Cut
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                headers += [(b"content-security-policy", SITE_CSP.encode() if site_csp else self.csp), *_HEADERS]
                message = {**message, "headers": headers}
                if static:
                    return await send(message)
                state["start"] = message
                if message.get("status") == 200 and _is_csv(path, params):
                    state["csv"] = _CsvNeutralizer()
                return None
            if message["type"] != "http.response.body" or static:
                return await send(message)
            body: bytes = message.get("body", b"")
            more = message.get("more_body", False)
            assert table is not None
            if state["csv"] is not None:
                body = state["csv"].feed(body, final=not more)
            body = _scrub(body, table)
            start = state["start"]
            if start is not None:  # the first body message: the start can still be changed
                state["start"] = None
                if not more and len(body) > MAX_RESPONSE_BYTES:
                    json_body = any(v.startswith(b"application/json") for k, v in start["headers"]
                                    if k.lower() == b"content-type")
                    state["done"] = True
                    return await self.refuse(send, 400, f"response too large (more than {MAX_RESPONSE_BYTES:,} "
                                             "bytes): select fewer rows or columns, or use /site/downloads/",
                                             json_body)
                headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                if not more:
                    headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})
            state["sent"] += len(body)
            if state["sent"] > MAX_RESPONSE_BYTES:
                state["done"] = True
                await send({"type": "http.response.body", "more_body": False,
                            "body": f"\r\nerror: response cut at {MAX_RESPONSE_BYTES:,} bytes; use /site/downloads/ "
                                    "for bulk data\r\n".encode()})
                raise _Cut
            await send({"type": "http.response.body", "body": body, "more_body": more})
            if not more:
                state["done"] = True
            return None

        return sender


# trylast: called last, so applied last, so the outermost layer whatever other plugins wrap (their
# rewrites, like gongkai_facets.py's, come after the guard has counted and checked the request)
@hookimpl(trylast=True)
def asgi_wrapper(datasette: Any) -> Callable[[Any], Guard]:
    def wrap(app: Any) -> Guard:
        return Guard(app, datasette)

    return wrap
