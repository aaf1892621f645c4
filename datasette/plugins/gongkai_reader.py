"""Gongkai's Datasette plugin for readers: CSV that Excel opens, times in Beijing time (issue 9 §3, §8).

- ``asgi_wrapper``: Datasette's CSV (``.csv``, ``_format=csv``) starts with a UTF-8 BOM, so
  Excel reads it as UTF-8 rather than the locale's code page (GBK mojibake otherwise). The
  BOM is added in front of the first body chunk; a ``content-length`` is raised by its 3 bytes.
  Formula neutralisation stays in ``gongkai_guard.py`` (whichever wrapper is outer, the
  BOM is not a formula trigger and the neutraliser keeps it).
- ``render_cell``: on HTML pages (tables, rows, canned queries), an ISO 8601 time with an offset
  (``2025-06-21T09:40:00+00:00``, ``…Z``, ``…+08:00``) is shown as ``2025-06-21 17:40 北京时间``
  inside ``<time datetime="…">`` keeping the ISO value; JSON and CSV keep the stored ISO text.
  Rendering rather than extra ``*_beijing`` columns: one rule for every table and query, no
  column to keep in step, and the data itself stays machine-readable.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from html import escape
from typing import Any
from urllib.parse import parse_qsl

from markupsafe import Markup

from datasette import hookimpl

BOM = b"\xef\xbb\xbf"
BEIJING = timezone(timedelta(hours=8), "北京时间")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})")


def beijing_time(value: str) -> str | None:
    """``2025-06-21T09:40:00Z`` → ``2025-06-21 17:40 北京时间``; None when not an ISO time with an offset."""
    if not _ISO_TIME.fullmatch(value):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    local = when.astimezone(BEIJING)
    shown = local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")
    return f"{shown} 北京时间"


@hookimpl
def render_cell(value: Any) -> Markup | None:
    if not isinstance(value, str):
        return None
    shown = beijing_time(value)
    if shown is None:
        return None
    return Markup(f'<time datetime="{escape(value)}">{escape(shown)}</time>')  # noqa: S704 - both escaped


Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]


def _is_csv(scope: dict[str, Any]) -> bool:
    if scope.get("type") != "http":
        return False
    params = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return scope.get("path", "").endswith(".csv") or ("_format", "csv") in params


class CsvBom:
    """ASGI middleware: a UTF-8 BOM before the body of every successful CSV response."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Message]], send: Send) -> None:
        if not _is_csv(scope):
            return await self.app(scope, receive, send)
        state = {"bom": False}

        async def sender(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 200:
                state["bom"] = True
                headers = [(k, str(int(v) + len(BOM)).encode()) if k.lower() == b"content-length" else (k, v)
                           for k, v in message.get("headers", [])]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and state["bom"]:
                state["bom"] = False
                message = {**message, "body": BOM + message.get("body", b"")}
            await send(message)

        return await self.app(scope, receive, sender)


@hookimpl
def asgi_wrapper() -> Callable[[Any], CsvBom]:
    return CsvBom
