"""What the browser tests share: Debian's Chromium, its arguments, a quiet static server.

A module that drives Chromium calls :func:`need_chromium` at import time: without
``/usr/bin/chromium``, Playwright or axe it is skipped with the reason."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
RESULTS = Path(__file__).resolve().parent.parent / "test-results" / "site"


def need_chromium() -> tuple[ModuleType, ModuleType]:
    """(playwright.sync_api, axe's sync module); skips the calling module when one is missing."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
                    allow_module_level=True)
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="axe-playwright-python missing")
    return sync_api, axe


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def serve_dir(directory: Path) -> Iterator[str]:
    """Serve a built site on a free port of 127.0.0.1; yields its root URL (with a trailing slash)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
