"""Gongkai's Datasette plugin: the static site under ``/site/`` served as a web server serves a site.

Datasette's own static mount (``--static site:DIR``, kept so that its directory is known to the
guard and to this plugin) answers a directory with ``403 Directory listing is not allowed`` and
a missing file with a bare ``404: File not found``. This ``asgi_wrapper`` answers every
``/site`` request before it:

- ``/site`` and a directory without its slash → ``301`` to the slash (relative links need it);
  a directory → its ``index.html``;
- a missing file (or any path segment starting with ``.``, or one that leaves the directory) →
  the site's own ``404.html`` (``en/404.html`` under ``/site/en/``) with status ``404``; the page
  gets a ``<base href>`` of its language's root so that its relative links resolve at any depth;
- feeds, sitemaps (``*.xml``) and ``robots.txt`` of a *local* build (site URL on localhost,
  127.0.0.1 or [::1], the default ``http://localhost:8001/site/``) get that base rewritten to
  the address they were requested at, so their absolute links (RSS requires them) work on any
  port and host ``gongkai serve`` listens on. A build for publishing (``--site-url
  https://…``) is served as built: its public URL is the truth.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from datasette.utils.asgi import asgi_send_file

from datasette import hookimpl

Scope = dict[str, Any]
Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]

PREFIX = "/site"
CHUNK = 64 * 1024  # bytes per body message for files (downloads are tens of MB; Datasette's default is 4 KiB)
REWRITTEN = re.compile(r"(\.xml|/robots\.txt)$")  # the files that carry absolute links
LOCAL_BASE = re.compile(rb"https?://(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?/site/")
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")  # a Host header fit to echo into XML


def site_dir(datasette: Any) -> Path | None:
    """The directory of Datasette's ``site`` static mount, if any."""
    for prefix, directory in getattr(datasette, "static_mounts", []) or []:
        if prefix == PREFIX.strip("/"):
            return Path(directory).resolve()
    return None


def origin(scope: Scope) -> str:
    """``http://host:port`` the client used (its Host header when well-formed, else the socket's)."""
    headers = dict(scope.get("headers") or [])
    host = headers.get(b"host", b"").decode("latin-1")
    if not _HOST.fullmatch(host):
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"


def rewrite_base(body: bytes, new_base: str) -> bytes:
    """Every local build's site URL in ``body`` replaced by ``new_base`` (which ends in ``/site/``)."""
    return LOCAL_BASE.sub(new_base.encode(), body)


def _content_type(path: Path) -> str:
    if path.name.endswith("atom.xml"):
        return "application/atom+xml; charset=utf-8"
    if path.name.endswith("rss.xml"):
        return "application/rss+xml; charset=utf-8"
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = ctype.startswith("text/") or ctype in ("application/xml", "application/json", "image/svg+xml")
    return f"{ctype}; charset=utf-8" if textual else ctype


class SiteServer:
    """The ASGI middleware: ``/site…`` answered from the site directory, everything else passed on."""

    def __init__(self, app: Callable[..., Awaitable[None]], datasette: Any) -> None:
        self.app = app
        self.datasette = datasette

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Send) -> None:
        path = scope.get("path", "")
        root = site_dir(self.datasette) if scope.get("type") == "http" else None
        if root is None or not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        if scope.get("method") not in ("GET", "HEAD"):
            await self._send(send, 405, b"method not allowed\n", "text/plain; charset=utf-8", [("allow", "GET, HEAD")])
            return
        query = scope.get("query_string") or b""
        if path == PREFIX:
            await self._redirect(send, PREFIX + "/", query)
            return
        rel = path[len(PREFIX) + 1:]
        parts = [p for p in rel.split("/") if p]
        target = root.joinpath(*parts).resolve() if parts else root
        private = any(p.startswith(".") for p in parts)  # .build/ (state), .x.tmp, dotfiles, ".."
        if private or not (target == root or root in target.parents):
            await self._not_found(scope, send, root, parts)
            return
        if target.is_dir():
            if not path.endswith("/"):
                await self._redirect(send, path + "/", query)
                return
            target = target / "index.html"
        if not target.is_file():
            await self._not_found(scope, send, root, parts)
            return
        if REWRITTEN.search(path):
            body = rewrite_base(target.read_bytes(), f"{origin(scope)}{PREFIX}/")
            await self._send(send, 200, body, _content_type(target), head=scope["method"] == "HEAD")
            return
        if scope["method"] == "HEAD":
            await self._send(send, 200, b"", _content_type(target), [("content-length", str(target.stat().st_size))],
                             head=True)
            return
        await asgi_send_file(send, target, content_type=_content_type(target), chunk_size=CHUNK)

    async def _redirect(self, send: Send, location: str, query: bytes) -> None:
        url = quote(location, safe="/-._~") + ("?" + query.decode("latin-1") if query else "")
        await self._send(send, 301, b"", "text/plain; charset=utf-8", [("location", url)])

    async def _not_found(self, scope: Scope, send: Send, root: Path, parts: list[str]) -> None:
        lang_root = "en/" if parts[:1] == ["en"] else ""
        page = root / lang_root / "404.html"
        if page.is_file():
            body = page.read_bytes()
            base = f'<base href="{PREFIX}/{lang_root}">'.encode()
            body = body.replace(b"<head>", b"<head>\n" + base, 1)
            ctype = "text/html; charset=utf-8"
        else:  # no site built yet
            body, ctype = "页面不存在 Not found\n".encode(), "text/plain; charset=utf-8"
        await self._send(send, 404, body, ctype, head=scope.get("method") == "HEAD")

    @staticmethod
    async def _send(send: Send, status: int, body: bytes, ctype: str, extra: Sequence[tuple[str, str]] = (),
                    *, head: bool = False) -> None:
        headers = [(b"content-type", ctype.encode())]
        if not any(k == "content-length" for k, _ in extra):
            headers.append((b"content-length", str(len(body)).encode()))
        headers += [(k.encode(), v.encode("latin-1")) for k, v in extra]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else body, "more_body": False})


# tryfirst: called first, so applied first, so *inside* the guard (gongkai_guard.py), whose limits,
# dotfile refusal, CSP and security headers then apply to the site's responses too.
@hookimpl(tryfirst=True)
def asgi_wrapper(datasette: Any) -> Callable[[Any], SiteServer]:
    def wrap(app: Any) -> SiteServer:
        return SiteServer(app, datasette)

    return wrap
