"""Replay recorded responses through a spider's callbacks: the golden tests' harness.

A *case* is a recorded response (URL, method, status, headers, body) plus the callback and
its arguments. :func:`replay` rebuilds the Scrapy response, calls the callback with a fixed
clock, and turns what it yields into plain JSON: follow-up requests, normalized notices
(the exact ``Notice`` the store would receive, through ``NoticeItem.assemble``), assembly
problems and error rows. ``python -m demo.replay --record`` (``make golden-collect``)
records the imitation-portal cases again and replays every case, prints a unified diff of each
golden file that would change and exits with status 1 if any would; ``--accept``
(``make golden-collect ACCEPT=1``) writes them. The real samples of ``../shared/data/real`` are
read in place (never copied).

Golden layout: ``tests/golden/collect/<spider>/cases.json`` (case list), ``<case>.body``
(recorded bodies of portal cases), ``<case>.expected.json`` (the replay output).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import scrapy
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler

from collectors.items import ErrorItem, NoticeItem
from collectors.spiders import base

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "collect"
REAL = ROOT.parent / "shared" / "data" / "real"
BASE = "http://portal.test"  # recorded portal URLs are replayed under this base
FIXED_CLOCK = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


@contextmanager
def fixed_clock() -> Iterator[None]:
    saved = base.clock
    base.clock = lambda: FIXED_CLOCK
    try:
        yield
    finally:
        base.clock = saved


def spider(name: str, **args: Any) -> scrapy.Spider:
    from collectors.run import settings, spider_classes

    cls = spider_classes()[name]
    s = settings()
    if not is_reactor_installed():  # installed, never run: a replay only calls callbacks
        install_reactor(s["TWISTED_REACTOR"])
    crawler = get_crawler(cls, settings_dict=s.copy_to_dict())
    crawler.spider = cls.from_crawler(crawler, base_url=BASE, db="/nonexistent/replay.db", **args)
    if crawler.stats is None:  # pragma: no cover - depends on the Scrapy version
        from scrapy.statscollectors import MemoryStatsCollector

        crawler.stats = MemoryStatsCollector(crawler)
    return crawler.spider


def body_of(case: dict[str, Any], folder: Path) -> bytes | None:
    if "real" in case:
        path = REAL / case["real"]
        return path.read_bytes() if path.exists() else None
    return (folder / f"{case['name']}.body").read_bytes()


def _short(url: str) -> str:
    return url.removeprefix(BASE)


def _request_json(r: scrapy.Request) -> dict[str, Any]:
    text = r.body.decode("utf-8") if r.body else ""
    body: str | dict[str, Any] = text
    if text.startswith("{"):
        data = json.loads(text)
        body = {k: data[k] for k in sorted(data) if k in ("pn", "rn", "condition", "pageNum", "gdGuid", "startDate")}
    elif text:
        body = dict(sorted(urllib.parse.parse_qsl(text)))
    return {"request": {"method": r.method, "url": _short(r.url), "body": body, "kwargs": {
        k: v for k, v in r.cb_kwargs.items() if k in ("query", "page")}}}


def _digest_text(text: str) -> dict[str, Any]:
    """A real page's text pinned by its hash and length: the golden file must not copy the page."""
    return {"chars": len(text), "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def _output(item: Any, real: bool = False) -> dict[str, Any]:
    if isinstance(item, scrapy.Request):
        return _request_json(item)
    if isinstance(item, NoticeItem):
        assembled = item.assemble()
        if assembled.notice is None:
            return {"problems": [p.__dict__ if hasattr(p, "__dict__") else
                                 {"field": p.field, "value": p.value, "reason": p.reason} for p in assembled.problems]}
        data = assembled.notice.model_dump(mode="json")
        data["source"]["url"] = _short(data["source"]["url"])
        if real:  # ../shared stays in ../shared: the facts read are kept, the page's text only as a digest
            data["body_text"] = _digest_text(data["body_text"])
        return {"notice": data}
    if isinstance(item, ErrorItem):
        return {"error": {"url": _short(item.url), "reason": item.reason, "field": item.field, "value": item.value,
                          "location": item.location}}
    raise TypeError(f"unexpected output {item!r}")


def replay(spider_name: str, case: dict[str, Any], body: bytes) -> list[dict[str, Any]]:
    """What the spider's callback makes of one recorded response."""
    sp = spider(spider_name, **case.get("args", {}))
    url = case["url"] if case["url"].startswith("http") else BASE + case["url"]
    meta = {"retry_times": 99, **case.get("meta", {})}  # replay shows the final outcome: no retries left
    request = scrapy.Request(url, method=case.get("method", "GET"), meta=meta, cb_kwargs=case.get("cb_kwargs", {}))
    headers = Headers(case.get("headers", {}))
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    response = cls(url=url, status=case.get("status", 200), headers=headers, body=body, request=request)
    with fixed_clock():
        callback = getattr(sp, case["callback"])
        return _collapse([_output(x, real="real" in case)
                          for x in callback(response, **case.get("cb_kwargs", {})) or []])


def _collapse(outputs: list[dict[str, Any]], keep: int = 3) -> list[dict[str, Any]]:
    """A real list answer's thousands of page requests (117,650 results → 5,883 pages) as the first
    few and a count, so a golden file stays readable while still pinning the paging."""
    out: list[dict[str, Any]] = []
    for item in outputs:
        request = item.get("request", {})
        url = request.get("url") if "page" in request.get("kwargs", {}) else None  # list paging only
        same = [o for o in out if o.get("request", {}).get("url") == url] if url else []
        if len(same) >= keep:
            more = next((o for o in out if o.get("more_requests", {}).get("url") == url), None)
            if more is None:
                out.append({"more_requests": {"url": url, "count": 1}})
            else:
                more["more_requests"]["count"] += 1
            continue
        out.append(item)
    return out


def cases(spider_name: str) -> list[dict[str, Any]]:
    return json.loads((GOLDEN / spider_name / "cases.json").read_text(encoding="utf-8"))


def expected_path(spider_name: str, case: dict[str, Any]) -> Path:
    return GOLDEN / spider_name / f"{case['name']}.expected.json"


def dumps(outputs: list[dict[str, Any]]) -> str:
    return json.dumps(outputs, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# -- recording ----------------------------------------------------------------------------------------


def _fetch(portal: str, case: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    data = None
    headers = {"Host": "portal.test"}  # absolute links in bodies (OCDS links.next) then match BASE
    if "json" in case:
        data = json.dumps(case["json"]).encode()
        headers["Content-Type"] = "application/json"
    elif "form" in case:
        data = urllib.parse.urlencode(case["form"]).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(portal + case["url"], data=data, headers=headers,  # noqa: S310 - our 127.0.0.1 portal
                                 method=case.get("method", "GET"))
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - our own portal on 127.0.0.1
            return resp.status, {"Content-Type": resp.headers.get("Content-Type", "")}, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {"Content-Type": exc.headers.get("Content-Type", "")}, exc.read()


def record() -> dict[Path, bytes]:
    """Fetch every portal case again from a fresh imitation portal (the tests' catalog): the new
    ``<case>.body`` and ``cases.json`` files, not yet written."""
    from demo.portal import running

    recorded: dict[Path, bytes] = {}
    with running(stall=0.1) as portal:
        for folder in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
            listed = cases(folder.name)
            for case in listed:
                if "real" in case:
                    continue
                status, headers, body = _fetch(portal.url, case)
                case["status"], case["headers"] = status, headers
                recorded[folder / f"{case['name']}.body"] = body
            recorded[folder / "cases.json"] = (json.dumps(listed, ensure_ascii=False, indent=1) + "\n").encode()
    return recorded


def expected_files(bodies: Mapping[Path, bytes] | None = None) -> dict[Path, bytes]:
    """Every case's replay output as its ``<case>.expected.json`` content; ``bodies`` (new recordings)
    take the place of the files of the same path."""
    bodies = bodies or {}
    out: dict[Path, bytes] = {}
    for folder in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        listed = json.loads(bodies[folder / "cases.json"]) if folder / "cases.json" in bodies else cases(folder.name)
        for case in listed:
            recorded = bodies.get(folder / f"{case['name']}.body")
            body = recorded if recorded is not None else body_of(case, folder)
            if body is None:
                print(f"skipped {folder.name}/{case['name']}: {case['real']} is absent")
                continue
            out[expected_path(folder.name, case)] = dumps(replay(folder.name, case, body)).encode()
    return out


# -- reviewing golden changes (shared with tests/test_site_golden.py) --------------------------------

Change = tuple[bytes | None, bytes | None]  # (golden content, new content); None: no such file


def changes(golden: Mapping[str, bytes | None], new: Mapping[str, bytes | None]) -> dict[str, Change]:
    """The files whose content differs between the golden set and the new one, by relative name."""
    names = sorted(set(golden) | set(new))
    return {n: (golden.get(n), new.get(n)) for n in names if golden.get(n) != new.get(n)}


def _lines(data: bytes | None) -> list[str] | None:
    if data is None:
        return []
    try:
        return data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None  # a GBK page, an Excel file: summarized, not diffed


def diff(changed: Mapping[str, Change], max_lines: int | None = None) -> str:
    """A unified diff of every changed file (``max_lines`` per file: the first lines only)."""
    parts = []
    for name, (old, new) in changed.items():
        a, b = _lines(old), _lines(new)
        if a is None or b is None:
            parts.append(f"Binary or non-UTF-8 file {name} differs: {len(old or b'')} → {len(new or b'')} bytes\n")
            continue
        lines = list(difflib.unified_diff(a, b, f"golden/{name}" if old is not None else "/dev/null",
                                          f"new/{name}" if new is not None else "/dev/null"))
        if max_lines is not None and len(lines) > max_lines:
            lines = [*lines[:max_lines], f"… {len(lines) - max_lines} more diff lines\n"]
        parts.append("".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                             for line in lines))
    return "".join(parts)


def review(root: Path, changed: Mapping[str, Change], accept: bool, hint: str) -> int:
    """Print the diff of ``changed`` (names relative to ``root``); write the new files only when
    ``accept``. The exit status: 1 when something changed and was not accepted."""
    if not changed:
        print("golden files unchanged")
        return 0
    sys.stdout.write(diff(changed))
    if not accept:
        print(f"\n{len(changed)} golden file(s) would change; review the diff above, then accept it with {hint}",
              file=sys.stderr)
        return 1
    write(root, changed)
    print(f"wrote {len(changed)} golden file(s) under {root}")
    return 0


def write(root: Path, changed: Mapping[str, Change]) -> None:
    """Make the golden files under ``root`` the new ones (a file gone from the new set is removed)."""
    for name, (_, new) in changed.items():
        path = root / name
        if new is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true", help="re-record the portal cases first")
    parser.add_argument("--accept", action="store_true", help="write the changed golden files (after review)")
    args = parser.parse_args(argv)
    new = record() if args.record else {}
    new.update(expected_files(new))
    rel = {p.relative_to(GOLDEN).as_posix(): data for p, data in new.items()}
    golden = {name: (GOLDEN / name).read_bytes() if (GOLDEN / name).exists() else None for name in rel}
    return review(GOLDEN, changes(golden, rel), args.accept, "`make golden-collect ACCEPT=1`")


if __name__ == "__main__":
    sys.exit(main())
